package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADConcurrentSessionsFromDifferentIPs returns Splunk ESCU's "Azure AD
// Concurrent Sessions From Different Ips" (version 10, 2025-05-02): a
// user's successful non-interactive sign-ins came from more than one source
// IP address within the same 5 minutes.
//
//	`azure_monitor_aad` properties.authenticationDetails{}.succeeded=true
//	  category=NonInteractiveUserSignInLogs action=success
//	| rename properties.* as *
//	| bucket span=5m _time
//	| rename userAgent as user_agent
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime dc(src) as unique_ips
//	  values(dest) as dest values(src) as src values(user_agent) as user_agent
//	  by user _time vendor_account vendor_product category
//	| where unique_ips > 1
//	| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`
//
// Output columns: user, _time, vendor_account, vendor_product, category,
// count, firstTime, lastTime, unique_ips, dest, src, user_agent.
//
// A sign-in matches when its category is NonInteractiveUserSignInLogs
// (compared exactly), any of its authentication steps succeeded, and its
// CIM action is success. user, src, dest, vendor_account and
// vendor_product are the CIM fields of azure:monitor:aad; user_agent is
// the sign-in's userAgent. After fillnull a missing field is "0", and
// dc(src) counts that "0" as one more address, as Splunk does. _time,
// firstTime and lastTime are all the start of the row's 5-minute bin,
// which escudo takes from createdDateTime (Splunk bins the envelope time,
// a few seconds later, so a sign-in just before a bin edge can land in the
// next bin in Splunk).
//
// Metadata: the id, name, version, date, status, type, data source,
// analytic stories, security domain ("threat", as ESCU tags this rule),
// MITRE ATT&CK id, SPL and RBA block are ESCU's. The description,
// how-to-implement note and known false positives are escudo's own
// summary; the reference is the MITRE ATT&CK page of the rule's technique.
//
// Deviations: action=success is escudo's CIM action, a status.errorCode of
// 0, as event.LookupField("action") computes it for every format. The
// Splunk Add-on for Microsoft Cloud Services instead calls a sign-in a
// success when status.failureReason is null. So a success that carries
// failureReason "Other." matches in escudo but not in Splunk, and a
// sign-in with a non-zero error code but no failureReason matches in
// Splunk but not in escudo.
func AzureADConcurrentSessionsFromDifferentIPs() detection.Detection[event.SignInEvent] {
	return azureConcurrentSessions{}
}

type azureConcurrentSessions struct{}

func (azureConcurrentSessions) Match(ev *event.SignInEvent) bool {
	if ev.Envelope.Category != successNonInteractive {
		return false
	}
	// action=success: the CIM action of event/field.go (deviation: see the
	// constructor).
	if c := ev.Status.ErrorCode; c == nil || *c != 0 {
		return false
	}
	return successAnyStep(ev)
}

// Literals implements detection.Literals: every matching record holds its
// category, "NonInteractiveUserSignInLogs", verbatim.
func (azureConcurrentSessions) Literals() []string { return []string{successNonInteractive} }

// Fields implements detection.Fields: what Match reads.
func (azureConcurrentSessions) Fields() []string {
	return []string{"category", "status.errorCode", "authenticationDetails{}.succeeded"}
}

func (azureConcurrentSessions) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "user"},
			{Field: detection.TimeField},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "category"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.DistinctCount, Field: "src", As: "unique_ips"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "src", As: "src"},
			{Func: detection.Values, Field: "user_agent", As: "user_agent"},
		},
		Span:     5 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "unique_ips", Op: detection.Greater, Value: 1}},
	}
}

func (azureConcurrentSessions) Meta() detection.Meta {
	mitre := []string{"T1185"}
	return detection.Meta{
		ID:      "a9126f73-9a9b-493d-96ec-0dd06695490d",
		Name:    "Azure AD Concurrent Sessions From Different Ips",
		Version: 10,
		Date:    "2025-05-02",
		Author:  "Splunk (ESCU content); escudo implementation",
		Status:  "production",
		Type:    "TTP",
		DataSource: []string{
			"Azure Active Directory",
		},
		Description: "The search finds Entra ID users whose successful non-interactive sign-ins came from more than one source IP address within the same 5 minutes. " +
			"Non-interactive sign-ins are token refreshes and silent sign-ins made by clients on the user's behalf; it counts their distinct client addresses per user and 5-minute window. " +
			"Tokens or session cookies replayed from a second machine, as in adversary-in-the-middle phishing, show up as the same session refreshing from two places at once.",
		Search: successSearch(
			"`azure_monitor_aad` properties.authenticationDetails{}.succeeded=true category=NonInteractiveUserSignInLogs action=success",
			"rename properties.* as *",
			"bucket span=5m _time",
			"rename userAgent as user_agent",
			"fillnull",
			"stats count min(_time) as firstTime max(_time) as lastTime dc(src) as unique_ips values(dest) as dest values(src) as src values(user_agent) as user_agent by user _time vendor_account vendor_product category",
			"where unique_ips > 1",
			"`security_content_ctime(firstTime)`",
			"`security_content_ctime(lastTime)`",
			"`azure_ad_concurrent_sessions_from_different_ips_filter`",
		),
		HowToImplement: successHowToImplement(successNonInteractive, "authenticationDetails"),
		KnownFalsePositives: "A user with several devices, such as a phone on a mobile network and a laptop on the office network, refreshes tokens from several addresses at once; " +
			"so do clients behind proxies or VPNs with more than one egress address.",
		References: escuReferences("a9126f73-9a9b-493d-96ec-0dd06695490d"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "User $user$ has concurrent sessions from more than one unique IP address in the span of 5 minutes.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 42}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Compromised User Account", "Azure Active Directory Account Takeover"},
			AssetType:      "Azure Tenant",
			MITREAttackID:  mitre,
			MITRETacticID:  attackTactics(mitre...),
			Product:        splunkProducts(),
			SecurityDomain: "threat",
		},
	}
}
