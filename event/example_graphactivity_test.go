package event_test

import (
	"fmt"
	"strings"

	"github.com/escudo-dev/escudo/event"
)

// ExampleDecodeGraphActivity reads a Microsoft Graph activity log record
// as Azure Monitor exports it (here one line of a storage-account blob),
// and looks up two fields by their Splunk names.
func ExampleDecodeGraphActivity() {
	const blob = `{"time":"2025-03-22T13:35:10.948Z","operationName":"Microsoft Graph Activity","category":"MicrosoftGraphActivityLogs",` +
		`"durationMs":"948894","callerIpAddress":"198.51.100.23","level":"Informational","tenantId":"5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",` +
		`"properties":{"timeGenerated":"2025-03-22T13:35:10.948Z","requestMethod":"GET","responseStatusCode":200,"durationMs":948894,` +
		`"userId":"2bb6b362-0afe-4a25-80bb-080a53bf94da","userAgent":"azurehound/v2.2.1",` +
		`"requestUri":"https://graph.microsoft.com/beta/servicePrincipals/4c6e8a0b-2d4f-4a6c-8e0a-5c7e9a1b3d46/owners"}}` + "\n"
	r := event.NewReader(strings.NewReader(blob))
	rec, err := r.ReadRecord()
	if err != nil {
		fmt.Println(err)
		return
	}
	var ev event.GraphActivityEvent
	if err := event.DecodeGraphActivity("PT1H.json", rec, &ev); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Time(), ev.RequestMethod, *ev.ResponseStatusCode, ev.UserAgent)
	for _, name := range []string{"properties.requestUri", "user_id"} {
		f, _ := event.LookupGraphActivityField(name)
		v, _ := f.Value(&ev)
		fmt.Printf("%s=%s\n", name, v)
	}
	// Output:
	// 2025-03-22 13:35:10.948 +0000 UTC GET 200 azurehound/v2.2.1
	// properties.requestUri=https://graph.microsoft.com/beta/servicePrincipals/4c6e8a0b-2d4f-4a6c-8e0a-5c7e9a1b3d46/owners
	// user_id=2bb6b362-0afe-4a25-80bb-080a53bf94da
}
