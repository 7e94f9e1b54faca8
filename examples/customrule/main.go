// Command customrule shows detections written outside the library, on the
// same interface as the built-in rules, run in one engine next to
// "O365 User Consent Denied for OAuth Application".
//
// adminConsentRequired flags users stopped by the admin-consent workflow
// (AADSTS90095): an app asked for permissions a user may not grant, which
// is how consent-phishing apps often first show up. passwordSpray uses the
// rest of the grouping toolkit, as the built-in rules do: 10-minute time
// bins, dc() and values(), and a threshold.
//
// Usage:
//
//	go run ./examples/customrule [-json|-risk] [-lenient] [FILE...]
package main

import (
	"os"
	"time"

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
		Tags:            detection.Tags{AnalyticStory: []string{"Office 365 Account Takeover"}, MITREAttackID: []string{"T1528"}, MITRETacticID: []string{"TA0006"}},
	}
}

func (adminConsentRequired) Match(ev *event.SignInEvent) bool {
	return ev.Status.ErrorCode != nil && *ev.Status.ErrorCode == 90095
}

// Literals lets the engine pass over, without decoding, the records that
// cannot match: every one that does holds the code's digits.
func (adminConsentRequired) Literals() []string { return []string{"90095"} }

// Fields lets the engine decode only what Match reads (and the grouping's
// fields, which it knows).
func (adminConsentRequired) Fields() []string { return []string{"status.errorCode"} }

func (adminConsentRequired) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{{Field: "userPrincipalName", As: "user"}, {Field: "appDisplayName"}},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Values, Field: "ipAddress", As: "src_ip"},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
	}
}

// passwordSpray flags an address that failed passwords (AADSTS50126) for
// more than five distinct users within ten minutes.
type passwordSpray struct{}

func (passwordSpray) Meta() detection.Meta {
	return detection.Meta{
		ID: "9d2f6a80-3c1b-4e5a-8f7d-6b0c2e4a1d93", Name: "Password Spray From One Address",
		Version: 1, Date: "2026-11-27", Author: "escudo example", Status: "experimental", Type: "Anomaly",
		DataSource:  []string{"Azure Active Directory Sign-in activity"},
		Description: "One address failed passwords for more than five distinct users within ten minutes.",
		RBA: risk.Spec{
			Message:       "$src$ failed passwords for $unique_users$ users in ten minutes.",
			RiskObjects:   []risk.RiskObject{{Field: "users", Type: risk.User, Score: 30}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		SavedSearchName: "escudo - Password Spray From One Address",
		Tags:            detection.Tags{AnalyticStory: []string{"Compromised User Account"}, MITREAttackID: []string{"T1110.003"}, MITRETacticID: []string{"TA0006"}},
	}
}

func (passwordSpray) Match(ev *event.SignInEvent) bool {
	return ev.Status.ErrorCode != nil && *ev.Status.ErrorCode == 50126
}

// Literals implements detection.Literals (see adminConsentRequired).
func (passwordSpray) Literals() []string { return []string{"50126"} }

// Fields implements detection.Fields (see adminConsentRequired).
func (passwordSpray) Fields() []string { return []string{"status.errorCode"} }

func (passwordSpray) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		Span: 10 * time.Minute,
		By:   []detection.By[event.SignInEvent]{{Field: "src"}, {Field: detection.TimeField}},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.DistinctCount, Field: "user", As: "unique_users"},
			{Func: detection.Values, Field: "user", As: "users"},
		},
		Where: []detection.Condition{{Column: "unique_users", Op: detection.Greater, Value: 5}},
	}
}

func main() {
	p := cli.Program{
		Name:       "customrule",
		Usage:      "[-json|-risk] [-lenient] [FILE...]",
		Detections: []detection.Rule{detection.Of(rules.O365UserConsentDenied()), detection.Of[event.SignInEvent](adminConsentRequired{}), detection.Of[event.SignInEvent](passwordSpray{})},
		Samples: []string{
			"testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl",
			"testdata/azure_ad_multiple_users_failing_to_authenticate_from_ip/signins.jsonl",
		},
		SearchName: true,
	}
	os.Exit(p.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
