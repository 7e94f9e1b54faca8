package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// O365UserConsentDenied returns Splunk ESCU's "O365 User Consent Denied for
// OAuth Application" (version 9, 2026-03-10): a user declined an OAuth
// application's consent prompt (AADSTS65004) in Graph sign-in records.
//
//	`o365_graph` status.errorCode=65004
//	| rename userPrincipalName as user | rename ipAddress as src_ip
//	| stats min(_time) as firstTime max(_time) as lastTime
//	  BY user src_ip appDisplayName status.failureReason
//	| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`
//
// status.errorCode=65004 is integer equality: 650040, or "65004" in a text
// field, does not match. Matches with a missing, null or empty BY field are
// dropped (the rule has no fillnull). _time is createdDateTime; the
// o365:graph:api props that set it are not public, so this follows the
// sibling Azure add-on, which takes it from createdDateTime [unverified].
//
// Deviation: the seed's risk message says "denifed"; escudo says "denied".
func O365UserConsentDenied() detection.Detection[event.SignInEvent] { return consentDenied{} }

type consentDenied struct{}

func (consentDenied) Match(ev *event.SignInEvent) bool {
	c := ev.Status.ErrorCode
	return c != nil && *c == 65004
}

// Literals implements detection.Literals: every matching record holds the
// error code's digits, as a JSON number (Graph, Azure Monitor, Log
// Analytics Status) or inside Log Analytics' ResultType string.
func (consentDenied) Literals() []string { return []string{"65004"} }

// Fields implements detection.Fields: what Match reads.
func (consentDenied) Fields() []string { return []string{"status.errorCode"} }

func (consentDenied) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "userPrincipalName", As: "user"},
			{Field: "ipAddress", As: "src_ip"},
			{Field: "appDisplayName"},
			{Field: "status.failureReason"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
	}
}

func (consentDenied) Meta() detection.Meta {
	return detection.Meta{
		ID:      "2d8679ef-b075-46be-8059-c25116cb1072",
		Name:    "O365 User Consent Denied for OAuth Application",
		Version: 9,
		Date:    "2026-03-10",
		Author:  "Mauricio Velazco, Splunk",
		Status:  "production",
		Type:    "TTP",
		DataSource: []string{
			"O365",
		},
		Description: "The following analytic identifies instances where a user has denied consent to an OAuth application seeking permissions within the Office 365 environment. This detection leverages O365 audit logs, focusing on events related to user consent actions. By filtering for denied consent actions associated with OAuth applications, it captures instances where users have actively rejected permission requests. This activity is significant as it may indicate users spotting potentially suspicious or unfamiliar applications. If confirmed malicious, it suggests an attempt by a potentially harmful application to gain unauthorized access, which was proactively blocked by the user.",
		Search: "`o365_graph` status.errorCode=65004\n" +
			"| rename userPrincipalName as user\n" +
			"| rename ipAddress as src_ip\n" +
			"| stats min(_time) as firstTime max(_time) as lastTime\n" +
			"BY user src_ip appDisplayName\n" +
			"status.failureReason\n" +
			"| `security_content_ctime(firstTime)`\n" +
			"| `security_content_ctime(lastTime)`\n" +
			"| `o365_user_consent_denied_for_oauth_application_filter`",
		HowToImplement:      "You must install the Splunk Microsoft Office 365 Add-on and ingest Office 365 events.",
		KnownFalsePositives: "OAuth applications that require mail permissions may be legitimate, investigate and filter as needed.",
		References: []string{
			"https://attack.mitre.org/techniques/T1528/",
			"https://www.microsoft.com/en-us/security/blog/2022/09/22/malicious-oauth-applications-used-to-compromise-email-servers-and-spread-spam/",
			"https://learn.microsoft.com/en-us/azure/active-directory/manage-apps/protect-against-consent-phishing",
			"https://learn.microsoft.com/en-us/defender-cloud-apps/investigate-risky-oauth",
			"https://www.alteredsecurity.com/post/introduction-to-365-stealer",
			"https://github.com/AlteredSecurity/365-Stealer",
		},
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "User $user$ denied consent for an OAuth application.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 50}},
			ThreatObjects: []risk.ThreatObject{{Field: "src_ip", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Office 365 Account Takeover"},
			AssetType:      "O365 Tenant",
			MITREAttackID:  []string{"T1528"},
			MITRETacticID:  attackTactics("T1528"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
