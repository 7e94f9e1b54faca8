package risk_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/risk"
)

// ExampleIncidentEngine feeds risk events from three detections on one user
// to Splunk ES's default incident rules. The third event arrives out of
// order, within the hour of lateness the engine allows; the fourth is too
// late and is dropped. The total crosses 100 within 24 hours at 10:15.
func ExampleIncidentEngine() {
	eng, err := risk.NewIncidentEngine(risk.IncidentOptions{Lateness: time.Hour}, risk.DefaultIncidentRules()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	at := func(hhmm string) time.Time {
		t, _ := time.Parse(time.RFC3339, "2025-04-01T"+hhmm+":00Z")
		return t
	}
	stream := []risk.Event{
		{Time: at("08:10"), SearchName: "ESCU - Azure AD Device Code Authentication - Rule", RiskObject: "isabel.ruiz@example.com", RiskObjectType: risk.User, RiskScore: 35,
			RiskMessage: "Device code requested for isabel.ruiz@example.com", MITRETacticIDs: []string{"TA0001", "TA0006"}},
		{Time: at("10:15"), SearchName: "ESCU - O365 User Consent Denied for OAuth Application - Rule", RiskObject: "Isabel.Ruiz@example.com", RiskObjectType: risk.User, RiskScore: 50,
			RiskMessage: "User Isabel.Ruiz@example.com denied consent for an OAuth application.", MITRETacticIDs: []string{"TA0006"}},
		{Time: at("09:30"), SearchName: "ESCU - Azure AD Multiple Denied MFA Requests For User - Rule", RiskObject: "isabel.ruiz@example.com", RiskObjectType: risk.User, RiskScore: 54,
			RiskMessage: "User isabel.ruiz@example.com denied more than 9 MFA requests in a timespan of 10 minutes.", MITRETacticIDs: []string{"TA0006"}},
		{Time: at("09:00"), SearchName: "ESCU - Azure AD Device Code Authentication - Rule", RiskObject: "isabel.ruiz@example.com", RiskObjectType: risk.User, RiskScore: 35,
			RiskMessage: "Device code requested for isabel.ruiz@example.com", MITRETacticIDs: []string{"TA0001", "TA0006"}},
	}
	var incidents []risk.Incident
	for _, ev := range stream {
		incs, err := eng.Add(ev)
		if errors.Is(err, risk.ErrLateEvent) {
			fmt.Println("dropped:", err)
			continue
		}
		incidents = append(incidents, incs...)
	}
	incs, _ := eng.Flush()
	incidents = append(incidents, incs...)

	for _, inc := range incidents {
		fmt.Printf("%s %s: %s, score %d from %d events, %s\n",
			inc.LastTime.Format(time.RFC3339), inc.RiskObject, inc.Rule, inc.RiskScore, inc.EventCount, inc.Severity)
	}
	fmt.Println("dropped events:", eng.Dropped())
	// Output:
	// dropped: risk: add event for "isabel.ruiz@example.com": late risk event: _time 2025-04-01T09:00:00Z is before 2025-04-01T09:15:00Z, the earliest time the engine still accepts (latest _time 2025-04-01T10:15:00Z, lateness 1h0m0s)
	// 2025-04-01T10:15:00Z isabel.ruiz@example.com: Risk Threshold Exceeded For Object Over 24 Hour Period, score 139 from 3 events, critical
	// dropped events: 1
}
