package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADMultipleDeniedMFARequestsForUser returns Splunk ESCU's "Azure AD
// Multiple Denied MFA Requests For User" (version 9, 2025-07-31): a user
// declined more than 9 MFA prompts of interactive sign-ins (AADSTS500121,
// "MFA denied; user declined the authentication") in one 10-minute bin, a
// sign of someone else flooding them with prompts.
//
//	`azure_monitor_aad` category=SignInLogs operationName="Sign-in activity"
//	| rename properties.* as *
//	| search status.errorCode=500121 status.additionalDetails="MFA denied; user declined the authentication"
//	| bucket span=10m _time | rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime values(dest) as dest
//	  values(user_agent) as user_agent values(src) as src
//	  by user status.additionalDetails vendor_account vendor_product signature _time
//	| where count > 9
//
// Match is category SignInLogs, operationName "Sign-in activity",
// status.errorCode equal to the integer 500121 and status.additionalDetails
// equal to the declined-prompt text. Times are binned to 10 minutes from
// the Unix epoch and the bin is a BY field, so each row covers one bin and
// its firstTime and lastTime are that bin's start, as in Splunk. The
// fillnull puts "0" for a missing value, such as a sign-in without a user
// agent, into values(user_agent). Output columns: user,
// status.additionalDetails, vendor_account, vendor_product, signature,
// _time, count, firstTime, lastTime, dest, user_agent, src.
//
// The ID, name, version, date, status, type, data source, search, tags and
// RBA block are ESCU's. Description, HowToImplement and KnownFalsePositives
// are escudo's own summary, and References are the MITRE ATT&CK pages of
// the rule's techniques.
//
// Bins are of the event time, createdDateTime (see [event.SignInEvent.Time]);
// Splunk bins azure:monitor:aad on the envelope time, which trails it by
// seconds, so a sign-in just before a bin edge can fall in the next bin
// there.
//
// Deviation: the texts (category, operationName, additionalDetails) are
// compared exactly, as Entra writes them, while Splunk's search compares
// field values case-insensitively.
func AzureADMultipleDeniedMFARequestsForUser() detection.Detection[event.SignInEvent] {
	return deniedMFARequests{}
}

type deniedMFARequests struct{}

func (deniedMFARequests) Match(ev *event.SignInEvent) bool {
	c := ev.Status.ErrorCode
	return c != nil && *c == mfaStrongAuthFailed &&
		ev.Status.AdditionalDetails == mfaUserDeclined &&
		ev.Envelope.Category == mfaSignInLogs &&
		ev.Envelope.OperationName == mfaSignInActivity
}

// Literals implements detection.Literals: every matching record holds the
// error code's digits, "500121", as a JSON number or in Log Analytics'
// ResultType string.
func (deniedMFARequests) Literals() []string { return []string{"500121"} }

// Fields implements detection.Fields: what Match reads.
func (deniedMFARequests) Fields() []string {
	return []string{"status.errorCode", "status.additionalDetails", "category", "operationName"}
}

func (deniedMFARequests) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "user"},
			{Field: "status.additionalDetails"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "signature"},
			{Field: detection.TimeField},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "userAgent", As: "user_agent"},
			{Func: detection.Values, Field: "src", As: "src"},
		},
		Span:     10 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "count", Op: detection.Greater, Value: 9}},
	}
}

func (deniedMFARequests) Meta() detection.Meta {
	return detection.Meta{
		ID:         "d0895c20-de71-4fd2-b56c-3fcdb888eba1",
		Name:       "Azure AD Multiple Denied MFA Requests For User",
		Version:    9,
		Date:       "2025-07-31",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "TTP",
		DataSource: []string{"Azure Active Directory Sign-in activity"},
		Description: "Finds users who declined more than 9 MFA prompts of interactive Entra ID " +
			"sign-ins within one 10-minute window (error 500121, \"MFA denied; user declined the " +
			"authentication\"). Each denied prompt followed a correct first factor, so a burst of " +
			"them suggests that someone who knows the password is flooding the user with requests " +
			"and waiting for one to be approved (MFA fatigue).",
		Search: "`azure_monitor_aad` category=SignInLogs operationName=\"Sign-in activity\"\n" +
			"| rename properties.* as *\n" +
			"| search status.errorCode=500121 status.additionalDetails=\"MFA denied; user declined the authentication\"\n" +
			"| bucket span=10m _time\n" +
			"| rename userAgent as user_agent\n" +
			"| fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime values(dest) as dest values(user_agent) as user_agent values(src) as src by user status.additionalDetails vendor_account vendor_product signature _time\n" +
			"| where count > 9\n" +
			"| `security_content_ctime(firstTime)`\n" +
			"| `security_content_ctime(lastTime)`\n" +
			"| `azure_ad_multiple_denied_mfa_requests_for_user_filter`",
		HowToImplement: mfaAzureHowTo,
		KnownFalsePositives: "Users rarely decline many of their own prompts; a device that " +
			"repeats a stale sign-in, or a user who rejects prompts they did not expect during a " +
			"test, can. Confirm with the user before acting.",
		References: escuReferences("d0895c20-de71-4fd2-b56c-3fcdb888eba1"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:     "User $user$ denied more than 9 MFA requests in a timespan of 10 minutes.",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Active Directory",
			MITREAttackID:  []string{"T1621"},
			MITRETacticID:  attackTactics("T1621"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
