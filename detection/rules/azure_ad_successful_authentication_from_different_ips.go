package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADSuccessfulAuthenticationFromDifferentIPs returns Splunk ESCU's
// "Azure AD Successful Authentication From Different Ips" (version 10,
// 2025-05-02): a user's interactive sign-ins succeeded from more than one
// source IP address within 30 minutes.
//
//	`azure_monitor_aad` properties.authenticationDetails{}.succeeded=true category=SignInLogs
//	| rename properties.* as *
//	| bucket span=30m _time
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime dc(src) AS unique_ips
//	  values(dest) as dest values(src) as src by user vendor_account vendor_product signature
//	| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`
//	| where unique_ips > 1
//
// Output columns: user, vendor_account, vendor_product, signature, _time,
// count, firstTime, lastTime, unique_ips, dest, src.
//
// A sign-in matches when its category is SignInLogs (compared exactly) and
// any of its authentication steps succeeded, so a sign-in whose password
// step succeeded and whose MFA step failed counts too; the error code is
// not consulted. user, src, dest, vendor_account, vendor_product and
// signature are the CIM fields of azure:monitor:aad (src is
// callerIpAddress, dest and vendor_account the tenant ID, signature the
// operation name). After fillnull a missing field is "0", and dc(src)
// counts that "0" as one more address, as Splunk does. Times are bin
// starts: firstTime and lastTime are both the start of the row's 30-minute
// bin, which escudo takes from createdDateTime (Splunk bins the envelope
// time, a few seconds later, so a sign-in just before a bin edge can land
// in the next bin in Splunk).
//
// Metadata: the id, name, version, date, status, type, data source,
// analytic stories, security domain, MITRE ATT&CK ids, SPL and RBA block
// are ESCU's. The description, how-to-implement note and known false
// positives are escudo's own summary; the references are the MITRE
// ATT&CK pages of the rule's techniques.
//
// Deviations: the SPL buckets _time but leaves it out of the BY clause, so
// in Splunk the bucket changes only firstTime and lastTime and the count
// covers the whole search window (an hour when scheduled). escudo adds the
// bucketed _time to the BY clause, as an extra output column after the
// SPL's BY columns, and counts per 30-minute bin, so that "in the span of
// 30 minutes", as the message says, holds over input of any length: two
// addresses in adjacent bins do not make a finding.
func AzureADSuccessfulAuthenticationFromDifferentIPs() detection.Detection[event.SignInEvent] {
	return azureSuccessDifferentIPs{}
}

type azureSuccessDifferentIPs struct{}

func (azureSuccessDifferentIPs) Match(ev *event.SignInEvent) bool {
	return ev.Envelope.Category == successInteractive && successAnyStep(ev)
}

// Literals implements detection.Literals: every matching record holds its
// category, "SignInLogs", verbatim.
func (azureSuccessDifferentIPs) Literals() []string { return []string{successInteractive} }

// Fields implements detection.Fields: what Match reads.
func (azureSuccessDifferentIPs) Fields() []string {
	return []string{"category", "authenticationDetails{}.succeeded"}
}

func (azureSuccessDifferentIPs) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "user"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "signature"},
			{Field: detection.TimeField}, // deviation: see the constructor
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.DistinctCount, Field: "src", As: "unique_ips"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "src", As: "src"},
		},
		Span:     30 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "unique_ips", Op: detection.Greater, Value: 1}},
	}
}

func (azureSuccessDifferentIPs) Meta() detection.Meta {
	mitre := []string{"T1110.001", "T1110.003"}
	return detection.Meta{
		ID:      "be6d868d-33b6-4aaa-912e-724fb555b11a",
		Name:    "Azure AD Successful Authentication From Different Ips",
		Version: 10,
		Date:    "2025-05-02",
		Author:  "Splunk (ESCU content); escudo implementation",
		Status:  "production",
		Type:    "TTP",
		DataSource: []string{
			"Azure Active Directory",
		},
		Description: "The search finds Entra ID users whose interactive sign-ins succeeded from more than one source IP address within the same 30 minutes. " +
			"It counts, per user and 30-minute window, the distinct client addresses of SignInLogs records in which at least one authentication step succeeded. " +
			"One account used from two places at almost the same time can mean that its password was guessed or sprayed and is now used by someone else alongside its owner.",
		Search: successSearch(
			"`azure_monitor_aad` properties.authenticationDetails{}.succeeded=true category=SignInLogs",
			"rename properties.* as *",
			"bucket span=30m _time",
			"fillnull",
			"stats count min(_time) as firstTime max(_time) as lastTime dc(src) AS unique_ips values(dest) as dest values(src) as src by user vendor_account vendor_product signature",
			"`security_content_ctime(firstTime)`",
			"`security_content_ctime(lastTime)`",
			"where unique_ips > 1",
			"`azure_ad_successful_authentication_from_different_ips_filter`",
		),
		HowToImplement: successHowToImplement(successInteractive, "authenticationDetails"),
		KnownFalsePositives: "A user can legitimately sign in from several addresses within minutes: a phone moving between Wi-Fi and a mobile network, " +
			"a VPN that connects or disconnects, or a proxy with several egress addresses. Sign-ins whose first factor succeeded but whose MFA failed also count.",
		References: escuReferences("be6d868d-33b6-4aaa-912e-724fb555b11a"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "User $user$ has had successful authentication events from more than one unique IP address in the span of 30 minutes.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 56}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Compromised User Account", "Azure Active Directory Account Takeover"},
			AssetType:      "Azure Tenant",
			MITREAttackID:  mitre,
			MITRETacticID:  attackTactics(mitre...),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
