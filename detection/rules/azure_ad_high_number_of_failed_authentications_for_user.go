package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADHighNumberOfFailedAuthenticationsForUser returns Splunk ESCU's
// "Azure AD High Number Of Failed Authentications For User" (version 9,
// 2025-05-02): more than 20 wrong-password sign-ins (AADSTS50126) for one
// user within a 10-minute window, a sign of password guessing.
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126
//	  properties.authenticationDetails{}.succeeded=false
//	| rename properties.* as * | bucket span=10m _time
//	| rename properties.userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  values(dest) as dest values(src) as src values(user_agent) as user_agent
//	  by user _time vendor_account vendor_product
//	| where count > 20
//
// The output columns are user, _time, vendor_account, vendor_product,
// count, firstTime, lastTime, dest, src and user_agent. user, src, dest,
// vendor_account, vendor_product and user_agent are the CIM fields of
// azure:monitor:aad (see event.LookupField); the rename of
// properties.userAgent finds no field after `rename properties.* as *`, so
// user_agent is the add-on's, which holds the same value. _time is the
// 10-minute bin (epoch-aligned, UTC) of createdDateTime, and firstTime and
// lastTime are bin starts, as in Splunk. fillnull turns a missing BY or
// values field into "0", so such an event still counts.
//
// The ESCU facts (id, version, date, type, status, data source, stories,
// MITRE ID, SPL, RBA block) are ESCU's; the description, how-to-implement
// and known-false-positives text is escudo's own summary.
//
// Deviations: the ESCU risk message says "in the span of 5 minutes", but the
// search counts per 10-minute bin; escudo says "10 minutes".
func AzureADHighNumberOfFailedAuthenticationsForUser() detection.Detection[event.SignInEvent] {
	return failedForUser{}
}

type failedForUser struct{}

func (failedForUser) Match(ev *event.SignInEvent) bool { return failedPasswordMatch(ev) }

// Literals implements detection.Literals, for the engine's prefilter.
func (failedForUser) Literals() []string { return failedLiterals() }

// Fields implements detection.Fields: what failedPasswordMatch reads.
func (failedForUser) Fields() []string { return failedFields() }

func (failedForUser) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "user"},
			{Field: detection.TimeField},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "src", As: "src"},
			{Func: detection.Values, Field: "user_agent", As: "user_agent"},
		},
		Span:     10 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "count", Op: detection.Greater, Value: 20}},
	}
}

func (failedForUser) Meta() detection.Meta {
	mitre := []string{"T1110.001"}
	return detection.Meta{
		ID:         "630b1694-210a-48ee-a450-6f79e7679f2c",
		Name:       "Azure AD High Number Of Failed Authentications For User",
		Version:    9,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "TTP",
		DataSource: []string{"Azure Active Directory"},
		Description: "The search finds Entra ID users with more than 20 failed interactive sign-ins for a wrong username or password " +
			"(AADSTS50126, with a failed authentication step) within one 10-minute window. " +
			"It counts per user, tenant and window, and lists the source IPs, tenants and user agents involved. " +
			"A burst of wrong passwords against one account suggests password guessing; " +
			"if one of the guesses then succeeds, the attacker holds a valid cloud account.",
		Search: "`azure_monitor_aad` category= SignInLogs properties.status.errorCode=50126 properties.authenticationDetails{}.succeeded=false " +
			"| rename properties.* as * | bucket span=10m _time | rename properties.userAgent as user_agent | fillnull " +
			"| stats count min(_time) as firstTime max(_time) as lastTime values(dest) as dest values(src) as src values(user_agent) as user_agent " +
			"by user _time vendor_account vendor_product | where count > 20 " +
			"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` " +
			"| `azure_ad_high_number_of_failed_authentications_for_user_filter`",
		HowToImplement: failedHowToImplement,
		KnownFalsePositives: "A user who keeps retrying a forgotten or recently changed password, or a device or script " +
			"still configured with an old password, can fail this often. Check the sources and user agents before acting.",
		References: escuReferences("630b1694-210a-48ee-a450-6f79e7679f2c"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:     "User $user$ failed to authenticate more than 20 times in the span of 10 minutes.",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
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
