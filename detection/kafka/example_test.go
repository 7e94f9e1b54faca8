package kafka_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection/kafka"
)

func ExampleParseEventHubs() {
	conn := "Endpoint=sb://contoso-signins.servicebus.windows.net/;SharedAccessKeyName=escudo-listen;SharedAccessKey=bm90IGEgcmVhbCBrZXk=;EntityPath=insights-logs-signinlogs"
	eh, err := kafka.ParseEventHubs(conn)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(eh.Broker)
	fmt.Println(eh.EventHub)
	fmt.Println(eh.Auth.User, eh.Auth.Pass == conn)

	_, err = kafka.ParseEventHubs("Endpoint=https://contoso-signins.servicebus.windows.net/;SharedAccessKey=bm90IGEgcmVhbCBrZXk=")
	fmt.Println(err)
	// Output:
	// contoso-signins.servicebus.windows.net:9093
	// insights-logs-signinlogs
	// $ConnectionString true
	// kafka: bad config: Event Hubs connection string: Endpoint must be sb://NAMESPACE.servicebus.windows.net/
}
