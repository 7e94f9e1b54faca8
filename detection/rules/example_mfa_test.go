package rules_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

// A user declines ten MFA prompts in ten minutes: one finding for the
// 10-minute bin, and one risk event for the user.
func ExampleAzureADMultipleDeniedMFARequestsForUser() {
	var in strings.Builder
	for i := range 10 {
		fmt.Fprintf(&in, `{"time":"2025-03-19T07:%d:02Z","category":"SignInLogs","operationName":"Sign-in activity",`+
			`"tenantId":"5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c","callerIpAddress":"203.0.113.201",`+
			`"properties":{"createdDateTime":"2025-03-19T07:%d:00Z","userPrincipalName":"olivia.brandt@example.com",`+
			`"status":{"errorCode":500121,"additionalDetails":"MFA denied; user declined the authentication"}}}`+"\n", 30+i, 30+i)
	}
	eng, err := detection.NewEngine(detection.Options{}, detection.Of(rules.AzureADMultipleDeniedMFARequestsForUser()))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(in.String())))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Findings {
		fmt.Println(string(f.AppendJSON(nil)))
	}
	for _, ev := range res.Risk() {
		fmt.Println(ev.RiskObject, ev.RiskScore, ev.RiskMessage)
	}
	// Output:
	// {"user":"olivia.brandt@example.com","status.additionalDetails":"MFA denied; user declined the authentication","vendor_account":"5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c","vendor_product":"Azure AD","signature":"Sign-in activity","_time":"2025-03-19T07:30:00","count":10,"firstTime":"2025-03-19T07:30:00","lastTime":"2025-03-19T07:30:00","dest":["5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"],"user_agent":["0"],"src":["203.0.113.201"]}
	// olivia.brandt@example.com 54 User olivia.brandt@example.com denied more than 9 MFA requests in a timespan of 10 minutes.
}
