package risk_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/risk"
)

// result is a tiny risk.Finding: one result row with named, possibly
// multivalue, fields and a lastTime.
type result struct {
	fields   map[string][]string
	lastTime time.Time
}

func (r result) Values(field string) []string { return r.fields[field] }
func (r result) Time() time.Time              { return r.lastTime }

// Example builds the risk events of one consent-denied finding, whose user
// field holds two values, and prints them as JSON lines.
func Example() {
	spec := risk.Spec{
		Message:       "User $user$ denied consent for an OAuth application.",
		RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 50}},
		ThreatObjects: []risk.ThreatObject{{Field: "src_ip", Type: risk.IPAddress}},
	}
	columns := []string{"user", "src_ip", "appDisplayName", "status.failureReason", "firstTime", "lastTime"}
	b, err := risk.NewBuilder(spec, columns, risk.Annotations{
		SearchName:        "ESCU - O365 User Consent Denied for OAuth Application - Rule",
		MITRETechniqueIDs: []string{"T1528"},
		AnalyticStories:   []string{"Office 365 Account Takeover"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	row := result{
		fields: map[string][]string{
			"user":   {"adele.vance@contoso.com", "megan.bowen@contoso.com"},
			"src_ip": {"203.0.113.24"},
		},
		lastTime: time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC),
	}
	for _, ev := range b.Build(row) {
		line, err := ev.MarshalJSON()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(string(line))
	}
	// Output:
	// {"_time":"2025-03-14T09:21:07Z","search_name":"ESCU - O365 User Consent Denied for OAuth Application - Rule","risk_object":"adele.vance@contoso.com","risk_object_type":"user","risk_score":50,"risk_message":"User adele.vance@contoso.com megan.bowen@contoso.com denied consent for an OAuth application.","threat_object":["203.0.113.24"],"threat_object_type":["ip_address"],"annotations.mitre_attack.mitre_technique_id":["T1528"],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":["Office 365 Account Takeover"]}
	// {"_time":"2025-03-14T09:21:07Z","search_name":"ESCU - O365 User Consent Denied for OAuth Application - Rule","risk_object":"megan.bowen@contoso.com","risk_object_type":"user","risk_score":50,"risk_message":"User adele.vance@contoso.com megan.bowen@contoso.com denied consent for an OAuth application.","threat_object":["203.0.113.24"],"threat_object_type":["ip_address"],"annotations.mitre_attack.mitre_technique_id":["T1528"],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":["Office 365 Account Takeover"]}
}
