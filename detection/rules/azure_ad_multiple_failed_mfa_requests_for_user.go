package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADMultipleFailedMFARequestsForUser returns Splunk ESCU's "Azure AD
// Multiple Failed MFA Requests For User" (version 10, 2025-05-02): more than
// 10 interactive sign-ins of one user failed the MFA challenge
// (AADSTS500121) in 10 minutes for a reason other than the user declining
// it, such as unanswered push notifications: an attacker with the password
// trying to get a prompt approved.
//
//	`azure_monitor_aad` category=SignInLogs operationName="Sign-in activity"
//	  properties.status.errorCode=500121
//	  properties.status.additionalDetails!="MFA denied; user declined the authentication"
//	| rename properties.* as * | bucket span=10m _time | rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime values(dest) as dest values(src) as src
//	  by user, status.additionalDetails, appDisplayName, user_agent, vendor_account, vendor_product, signature
//	| where count > 10
//
// Match is category SignInLogs, operationName "Sign-in activity",
// status.errorCode equal to the integer 500121, and a
// status.additionalDetails that is present and is not the declined-prompt
// text: Splunk's != excludes events without the field, unlike NOT ...=.
// Times are binned to 10 minutes from the Unix epoch, so firstTime and
// lastTime are bin starts, as in Splunk. The fillnull turns a missing BY
// or values field, such as a sign-in without a user agent, into "0".
// Output columns: user, status.additionalDetails, appDisplayName,
// user_agent, vendor_account, vendor_product, signature, _time, count,
// firstTime, lastTime, dest, src.
//
// Deviations: the SPL buckets _time but leaves it out of the BY clause, so
// in Splunk the bucket only rewrites firstTime and lastTime and the count
// spans the whole search window; escudo adds _time to the BY clause, after
// signature, and counts per 10-minute bin, as the rule's name and message
// mean. ESCU's risk message says "more than 9 times" while the search
// keeps groups with count > 10; escudo's message says "more than 10 times".
// And the texts (category, operationName, additionalDetails) are compared
// exactly, as Entra writes them, while Splunk's search compares field
// values case-insensitively.
//
// Bins are of the event time, createdDateTime (see [event.SignInEvent.Time]);
// Splunk bins azure:monitor:aad on the envelope time, which trails it by
// seconds, so a sign-in just before a bin edge can fall in the next bin
// there.
//
// The ID, name, version, date, status, type, data source, search, tags and
// RBA block are ESCU's (the message as amended above). Description,
// HowToImplement and KnownFalsePositives are escudo's own summary, and
// References are the MITRE ATT&CK pages of the rule's techniques.
func AzureADMultipleFailedMFARequestsForUser() detection.Detection[event.SignInEvent] {
	return failedMFARequests{}
}

type failedMFARequests struct{}

func (failedMFARequests) Match(ev *event.SignInEvent) bool {
	c := ev.Status.ErrorCode
	if c == nil || *c != mfaStrongAuthFailed {
		return false
	}
	if ev.Envelope.Category != mfaSignInLogs || ev.Envelope.OperationName != mfaSignInActivity {
		return false
	}
	d := ev.Status.AdditionalDetails
	return d != "" && d != mfaUserDeclined
}

// Literals implements detection.Literals: every matching record holds the
// error code's digits, "500121", as a JSON number or in Log Analytics'
// ResultType string.
func (failedMFARequests) Literals() []string { return []string{"500121"} }

// Fields implements detection.Fields: what Match reads.
func (failedMFARequests) Fields() []string {
	return []string{"status.errorCode", "status.additionalDetails", "category", "operationName"}
}

func (failedMFARequests) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "user"},
			{Field: "status.additionalDetails"},
			{Field: "appDisplayName"},
			{Field: "userAgent", As: "user_agent"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "signature"},
			{Field: detection.TimeField}, // a deviation: see the constructor
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "src", As: "src"},
		},
		Span:     10 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "count", Op: detection.Greater, Value: 10}},
	}
}

func (failedMFARequests) Meta() detection.Meta {
	return detection.Meta{
		ID:         "264ea131-ab1f-41b8-90e0-33ad1a1888ea",
		Name:       "Azure AD Multiple Failed MFA Requests For User",
		Version:    10,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "TTP",
		DataSource: []string{"Azure Active Directory Sign-in activity"},
		Description: "Finds users with more than 10 interactive Entra ID sign-ins in 10 minutes " +
			"that failed the MFA challenge (error 500121) for a reason other than the user " +
			"declining it, such as a push notification left unanswered. The first factor was " +
			"accepted, so an attacker may hold the password and be sending prompts in the hope " +
			"that the user approves one (MFA fatigue).",
		Search: "`azure_monitor_aad` category=SignInLogs operationName=\"Sign-in activity\" properties.status.errorCode=500121 properties.status.additionalDetails!=\"MFA denied; user declined the authentication\"\n" +
			"| rename properties.* as *\n" +
			"| bucket span=10m _time\n" +
			"| rename userAgent as user_agent\n" +
			"| fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime values(dest) as dest values(src) as src by user, status.additionalDetails, appDisplayName, user_agent, vendor_account, vendor_product, signature\n" +
			"| where count > 10\n" +
			"| `security_content_ctime(firstTime)`\n" +
			"| `security_content_ctime(lastTime)`\n" +
			"| `azure_ad_multiple_failed_mfa_requests_for_user_filter`",
		HowToImplement: mfaAzureHowTo,
		KnownFalsePositives: "A user with a new phone, poor connectivity or a misconfigured " +
			"authenticator app can fail many MFA prompts in a row. Confirm with the user and " +
			"tune the threshold to the tenant.",
		References: escuReferences("264ea131-ab1f-41b8-90e0-33ad1a1888ea"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:     "User $user$ failed to complete MFA authentication more than 10 times in a timespan of 10 minutes.",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Active Directory",
			MITREAttackID:  []string{"T1078.004", "T1586.003", "T1621"},
			MITRETacticID:  attackTactics("T1078.004", "T1586.003", "T1621"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
