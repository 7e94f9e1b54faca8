package event_test

import (
	"fmt"
	"strings"

	"github.com/escudo-dev/escudo/event"
)

// ExampleDecodeRiskDetection reads a page of GET
// /identityProtection/riskDetections: the Reader frames its objects, and
// each decodes as a risk detection whose envelope the decoder fills in
// from the detection, so that the Splunk fields of the Azure Monitor
// export (category, the CIM user and src) have values.
func ExampleDecodeRiskDetection() {
	const page = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskDetections","value":[` +
		`{"id":"7e3f1d4b","riskEventType":"anonymizedIPAddress","riskState":"atRisk","riskLevel":"high","ipAddress":"203.0.113.201",` +
		`"lastUpdatedDateTime":"2025-03-20T22:33:47.901Z","userPrincipalName":"marcus.webb@example.net"},` +
		`{"id":"0b6c4a7e","riskEventType":"unlikelyTravel","riskState":"dismissed","riskLevel":"low","ipAddress":"203.0.113.24",` +
		`"lastUpdatedDateTime":"2025-03-14T11:47:02.62Z","userPrincipalName":"nadia.okafor@example.com"}]}`
	r := event.NewReader(strings.NewReader(page))
	fields := []string{"category", "user", "src", "properties.riskLevel"}
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			break // io.EOF
		}
		var ev event.RiskDetectionEvent
		if err := event.DecodeRiskDetection("page.json", rec, &ev); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Print(ev.Time().Format("2006-01-02T15:04:05"))
		for _, name := range fields {
			f, _ := event.LookupRiskDetectionField(name)
			v, _ := f.Value(&ev)
			fmt.Printf(" %s=%s", name, v)
		}
		fmt.Println()
	}
	// Output:
	// 2025-03-20T22:33:47 category=UserRiskEvents user=marcus.webb@example.net src=203.0.113.201 properties.riskLevel=high
	// 2025-03-14T11:47:02 category=UserRiskEvents user=nadia.okafor@example.com src=203.0.113.24 properties.riskLevel=low
}
