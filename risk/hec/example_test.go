package hec_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/risk"
	"github.com/escudo-dev/escudo/risk/hec"
)

// ExampleAppendRiskEvent encodes one risk event as an HEC event: the time
// in epoch seconds, the metadata, and the risk event's JSON. The source is
// the risk event's search_name.
func ExampleAppendRiskEvent() {
	ev := risk.Event{
		Time:              time.Date(2025, 4, 1, 10, 15, 0, 250e6, time.UTC),
		SearchName:        "ESCU - O365 User Consent Denied for OAuth Application - Rule",
		RiskObject:        "isabel.ruiz@example.com",
		RiskObjectType:    risk.User,
		RiskScore:         50,
		RiskMessage:       "User isabel.ruiz@example.com denied consent for an OAuth application.",
		ThreatObject:      []string{"198.51.100.77"},
		ThreatObjectType:  []risk.ThreatObjectType{risk.IPAddress},
		MITRETechniqueIDs: []string{"T1528"},
		MITRETacticIDs:    []string{"TA0006"},
		AnalyticStories:   []string{"Office 365 Account Takeover"},
	}
	b, err := hec.AppendRiskEvent(nil, ev, hec.Metadata{Sourcetype: "escudo:risk", Index: "risk"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
	// Output:
	// {"time":1743502500.25,"source":"ESCU - O365 User Consent Denied for OAuth Application - Rule","sourcetype":"escudo:risk","index":"risk","event":{"_time":"2025-04-01T10:15:00.25Z","search_name":"ESCU - O365 User Consent Denied for OAuth Application - Rule","risk_object":"isabel.ruiz@example.com","risk_object_type":"user","risk_score":50,"risk_message":"User isabel.ruiz@example.com denied consent for an OAuth application.","threat_object":["198.51.100.77"],"threat_object_type":["ip_address"],"annotations.mitre_attack.mitre_technique_id":["T1528"],"annotations.mitre_attack.mitre_tactic_id":["TA0006"],"analyticstories":["Office 365 Account Takeover"]}}
}
