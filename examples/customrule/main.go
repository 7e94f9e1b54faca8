// Command customrule shows a detection written outside the library, on the
// same interface as the built-in rules, run in one engine next to
// "O365 User Consent Denied for OAuth Application".
//
// The rule, adminConsentRequired, flags users stopped by the admin-consent
// workflow (AADSTS90095): an app asked for permissions a user may not grant,
// which is how consent-phishing apps often first show up.
//
// Usage:
//
//	go run ./examples/customrule [-json|-risk] [-lenient] [FILE...]
package main

import (
	"os"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/risk"
)

// adminConsentRequired is the whole custom rule: metadata, match, grouping.
type adminConsentRequired struct{}

func (adminConsentRequired) Meta() detection.Meta {
	return detection.Meta{
		ID: "5b0f3c1e-8f0a-4d7e-9c1b-2a6e4f8d9c10", Name: "User Blocked By Admin Consent Workflow",
		Version: 1, Date: "2026-11-27", Author: "escudo example", Status: "experimental", Type: "Anomaly",
		DataSource:  []string{"O365"},
		Description: "A user was stopped by the admin-consent workflow (AADSTS90095) when an app requested permissions they may not grant.",
		RBA: risk.Spec{
			Message:       "User $user$ was asked to request admin approval for $appDisplayName$.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 20}},
			ThreatObjects: []risk.ThreatObject{{Field: "src_ip", Type: risk.IPAddress}},
		},
		SavedSearchName: "escudo - User Blocked By Admin Consent Workflow",
		Tags:            detection.Tags{AnalyticStory: []string{"Office 365 Account Takeover"}, MITREAttackID: []string{"T1528"}},
	}
}

func (adminConsentRequired) Match(ev *event.SignInEvent) bool {
	return ev.Status.ErrorCode != nil && *ev.Status.ErrorCode == 90095
}

func (adminConsentRequired) Grouping() detection.Grouping {
	return detection.Grouping{
		By: []detection.By{{Field: "userPrincipalName", As: "user"}, {Field: "appDisplayName"}},
		Stats: []detection.Stat{
			{Func: detection.Count},
			{Func: detection.Values, Field: "ipAddress", As: "src_ip"},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
	}
}

func main() {
	p := cli.Program{
		Name:       "customrule",
		Usage:      "[-json|-risk] [-lenient] [FILE...]",
		Detections: []detection.Detection{rules.O365UserConsentDenied(), adminConsentRequired{}},
		Samples:    []string{"testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl"},
		SearchName: true,
	}
	os.Exit(p.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
