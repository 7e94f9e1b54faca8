package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADSuccessfulSingleFactorAuthentication returns Splunk ESCU's "Azure
// AD Successful Single-Factor Authentication" (version 9, 2025-05-02): an
// interactive sign-in succeeded with one factor only.
//
//	`azure_monitor_aad` category=SignInLogs
//	  properties.authenticationRequirement=singleFactorAuthentication
//	  properties.authenticationDetails{}.succeeded=true
//	| rename properties.* as *
//	| rename userAgent as user_agent
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent signature
//	| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`
//
// Output columns: dest, user, src, vendor_account, vendor_product,
// user_agent, signature, count, firstTime, lastTime.
//
// A sign-in matches when its category is SignInLogs, its
// authenticationRequirement is singleFactorAuthentication, and any of its
// authentication steps succeeded. The error code is not consulted, so a
// single-factor sign-in whose password step succeeded but which then
// failed (a declined consent, say) matches too. Values are compared
// exactly; Splunk's search compares field values without regard to case,
// which makes no difference for the casing Entra writes. dest, user, src,
// vendor_account, vendor_product and signature are the CIM fields of
// azure:monitor:aad; user_agent is the sign-in's userAgent. After fillnull
// a missing BY field is "0" and the sign-in is kept. There is no bucket,
// so firstTime and lastTime are the group's first and last sign-in times
// (createdDateTime), truncated to the second.
//
// Metadata: the id, name, version, date, status, type, data source,
// analytic story, security domain, MITRE ATT&CK ids, SPL and RBA block are
// ESCU's. The description, how-to-implement note and known false positives
// are escudo's own summary; the references are the MITRE ATT&CK pages of
// the rule's techniques.
//
// Deviations: none.
func AzureADSuccessfulSingleFactorAuthentication() detection.Detection[event.SignInEvent] {
	return azureSingleFactor{}
}

type azureSingleFactor struct{}

func (azureSingleFactor) Match(ev *event.SignInEvent) bool {
	return ev.Envelope.Category == successInteractive &&
		ev.AuthenticationRequirement == successSingleFactor &&
		successAnyStep(ev)
}

// Literals implements detection.Literals: every matching record holds its
// authentication requirement, "singleFactorAuthentication", verbatim.
func (azureSingleFactor) Literals() []string { return []string{successSingleFactor} }

// Fields implements detection.Fields: what Match reads.
func (azureSingleFactor) Fields() []string {
	return []string{"category", "authenticationRequirement", "authenticationDetails{}.succeeded"}
}

func (azureSingleFactor) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "dest"},
			{Field: "user"},
			{Field: "src"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "userAgent", As: "user_agent"},
			{Field: "signature"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
		FillNull: true,
	}
}

func (azureSingleFactor) Meta() detection.Meta {
	mitre := []string{"T1078.004", "T1586.003"}
	return detection.Meta{
		ID:      "a560e7f6-1711-4353-885b-40be53101fcd",
		Name:    "Azure AD Successful Single-Factor Authentication",
		Version: 9,
		Date:    "2025-05-02",
		Author:  "Splunk (ESCU content); escudo implementation",
		Status:  "production",
		Type:    "TTP",
		DataSource: []string{
			"Azure Active Directory",
		},
		Description: "The search finds interactive Entra ID sign-ins that succeeded with a single factor, where Entra required no multi-factor authentication. " +
			"It groups SignInLogs records whose authentication requirement is singleFactorAuthentication and in which an authentication step succeeded, " +
			"per tenant, user, source address and user agent. A password alone is what an attacker who phished, guessed or bought it can supply, " +
			"so an account that signs in without MFA is one a stolen credential can take over.",
		Search: successSearch(
			"`azure_monitor_aad` category=SignInLogs properties.authenticationRequirement=singleFactorAuthentication properties.authenticationDetails{}.succeeded=true",
			"rename properties.* as *",
			"rename userAgent as user_agent",
			"fillnull",
			"stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent signature",
			"`security_content_ctime(firstTime)`",
			"`security_content_ctime(lastTime)`",
			"`azure_ad_successful_single_factor_authentication_filter`",
		),
		HowToImplement: successHowToImplement(successInteractive, "authenticationRequirement and authenticationDetails"),
		KnownFalsePositives: "Conditional Access may deliberately allow one factor, for example from trusted networks or compliant devices, " +
			"and some accounts, such as break-glass or shared kiosk accounts, are exempt from MFA by design.",
		References: escuReferences("a560e7f6-1711-4353-885b-40be53101fcd"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "Successful authentication for user $user$ without MFA",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 45}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Active Directory",
			MITREAttackID:  mitre,
			MITRETacticID:  attackTactics(mitre...),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
