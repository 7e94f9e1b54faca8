package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADDeviceCodeAuthentication returns Splunk ESCU's "Azure AD Device
// Code Authentication" (version 8, 2025-05-02): an interactive sign-in used
// the OAuth device authorization grant (device code flow).
//
//	`azure_monitor_aad` category=SignInLogs "properties.authenticationProtocol"=deviceCode
//	| rename properties.* as *
//	| rename userAgent as user_agent
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent category
//	| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`
//
// Output columns: dest, user, src, vendor_account, vendor_product,
// user_agent, category, count, firstTime, lastTime.
//
// A sign-in matches when its category is SignInLogs and its
// authenticationProtocol is deviceCode, whatever its outcome: failed
// device-code sign-ins are reported too. Values are compared exactly;
// Splunk's search compares field values without regard to case, which
// makes no difference for the casing Entra writes. dest, user, src,
// vendor_account and vendor_product are the CIM fields of
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
func AzureADDeviceCodeAuthentication() detection.Detection[event.SignInEvent] {
	return azureDeviceCode{}
}

type azureDeviceCode struct{}

func (azureDeviceCode) Match(ev *event.SignInEvent) bool {
	return ev.Envelope.Category == successInteractive && ev.AuthenticationProtocol == successDeviceCode
}

// Literals implements detection.Literals: every matching record holds its
// authentication protocol, "deviceCode", verbatim.
func (azureDeviceCode) Literals() []string { return []string{successDeviceCode} }

// Fields implements detection.Fields: what Match reads.
func (azureDeviceCode) Fields() []string { return []string{"category", "authenticationProtocol"} }

func (azureDeviceCode) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "dest"},
			{Field: "user"},
			{Field: "src"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "userAgent", As: "user_agent"},
			{Field: "category"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
		FillNull: true,
	}
}

func (azureDeviceCode) Meta() detection.Meta {
	mitre := []string{"T1528", "T1566.002"}
	return detection.Meta{
		ID:      "d68d8732-6f7e-4ee5-a6eb-737f2b990b91",
		Name:    "Azure AD Device Code Authentication",
		Version: 8,
		Date:    "2025-05-02",
		Author:  "Splunk (ESCU content); escudo implementation",
		Status:  "production",
		Type:    "TTP",
		DataSource: []string{
			"Azure Active Directory",
		},
		Description: "The search finds interactive Entra ID sign-ins made with the OAuth device code flow, successful or not. " +
			"It groups SignInLogs records whose authentication protocol is deviceCode per tenant, user, source address and user agent. " +
			"In device code phishing an attacker starts the flow, sends the code to a victim in a convincing message and collects the tokens once the victim enters it, " +
			"so a device code sign-in from an unexpected address or client can mean tokens were handed to someone else.",
		Search: successSearch(
			"`azure_monitor_aad` category=SignInLogs \"properties.authenticationProtocol\"=deviceCode",
			"rename properties.* as *",
			"rename userAgent as user_agent",
			"fillnull",
			"stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent category",
			"`security_content_ctime(firstTime)`",
			"`security_content_ctime(lastTime)`",
			"`azure_ad_device_code_authentication_filter`",
		),
		HowToImplement: successHowToImplement(successInteractive, "authenticationProtocol"),
		KnownFalsePositives: "Input-constrained devices and command-line tools use the device code flow legitimately: " +
			"meeting-room and Teams devices, smart TVs, the Azure CLI and some PowerShell modules.",
		References: escuReferences("d68d8732-6f7e-4ee5-a6eb-737f2b990b91"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "Device code requested for $user$ from $src$",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Tenant",
			MITREAttackID:  mitre,
			MITRETacticID:  attackTactics(mitre...),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
