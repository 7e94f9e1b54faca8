package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADMultipleUsersFailingToAuthenticateFromIP returns Splunk ESCU's
// "Azure AD Multiple Users Failing To Authenticate From Ip" (version 9,
// 2025-05-02): one source IP with wrong-password sign-ins (AADSTS50126)
// for more than 30 distinct users within a 5-minute window, the shape of
// password spraying.
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126
//	  properties.authenticationDetails{}.succeeded=false
//	| rename properties.* as * | bucket span=5m _time
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  dc(user) as unique_user values(dest) as dest values(user) as user
//	  values(user_agent) as user_agent values(vendor_account) as vendor_account
//	  values(vendor_product) as vendor_product
//	  by src signature
//	| where unique_user > 30
//
// The output columns are src, signature, _time, count, firstTime,
// lastTime, unique_user, dest, user, user_agent, vendor_account and
// vendor_product. src, signature (the operation name, "Sign-in
// activity"), user, dest, user_agent, vendor_account and vendor_product are
// the CIM fields of azure:monitor:aad (see event.LookupField). fillnull
// turns a missing BY or values field into "0": an event without a user
// counts as the user "0" in unique_user, as in Splunk. Each finding gives
// one risk event per user, each carrying src as the threat object.
//
// The ESCU facts (id, version, date, type, status, data source, stories,
// MITRE IDs, SPL, RBA block) are ESCU's; the description, how-to-implement
// and known-false-positives text is escudo's own summary.
//
// Deviations:
//   - The SPL buckets _time into 5-minute bins but leaves _time out of the
//     BY clause, so as written it counts distinct users over the whole
//     search window and the bins only round firstTime and lastTime down.
//     The risk message ("within 5 minutes") shows the intent, so escudo
//     groups by the bin too: BY src signature _time, with _time as an
//     extra output column after the SPL's BY columns.
//   - The ESCU risk message says "with 30 users", but the search needs more
//     than 30 (unique_user > 30); escudo says "with more than 30 users".
func AzureADMultipleUsersFailingToAuthenticateFromIP() detection.Detection[event.SignInEvent] {
	return usersFailingFromIP{}
}

type usersFailingFromIP struct{}

func (usersFailingFromIP) Match(ev *event.SignInEvent) bool { return failedPasswordMatch(ev) }

// Literals implements detection.Literals, for the engine's prefilter.
func (usersFailingFromIP) Literals() []string { return failedLiterals() }

// Fields implements detection.Fields: what failedPasswordMatch reads.
func (usersFailingFromIP) Fields() []string { return failedFields() }

func (usersFailingFromIP) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "src"},
			{Field: "signature"},
			{Field: detection.TimeField}, // deviation: per 5-minute bin
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.DistinctCount, Field: "user", As: "unique_user"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "user", As: "user"},
			{Func: detection.Values, Field: "user_agent", As: "user_agent"},
			{Func: detection.Values, Field: "vendor_account", As: "vendor_account"},
			{Func: detection.Values, Field: "vendor_product", As: "vendor_product"},
		},
		Span:     5 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "unique_user", Op: detection.Greater, Value: 30}},
	}
}

func (usersFailingFromIP) Meta() detection.Meta {
	mitre := []string{"T1110.003", "T1110.004", "T1586.003"}
	return detection.Meta{
		ID:         "94481a6a-8f59-4c86-957f-55a71e3612a6",
		Name:       "Azure AD Multiple Users Failing To Authenticate From Ip",
		Version:    9,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "Anomaly",
		DataSource: []string{"Azure Active Directory"},
		Description: "The search finds source IP addresses whose failed interactive Entra ID sign-ins for a wrong username or password " +
			"(AADSTS50126, with a failed authentication step) name more than 30 distinct users within one 5-minute window. " +
			"Few attempts each against many accounts from one address is the pattern of password spraying or credential stuffing, " +
			"which aims to find one weak password and with it a foothold in the tenant.",
		Search: "`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126 properties.authenticationDetails{}.succeeded=false " +
			"| rename properties.* as * | bucket span=5m _time | rename userAgent as user_agent | fillnull " +
			"| stats count min(_time) as firstTime max(_time) as lastTime dc(user) as unique_user values(dest) as dest values(user) as user " +
			"values(user_agent) as user_agent values(vendor_account) as vendor_account values(vendor_product) as vendor_product by src signature " +
			"| where unique_user > 30 | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` " +
			"| `azure_ad_multiple_users_failing_to_authenticate_from_ip_filter`",
		HowToImplement: failedHowToImplement,
		KnownFalsePositives: "A shared egress address (a corporate proxy, NAT gateway or VPN) used by many people, or a test or onboarding run " +
			"that signs in many accounts with wrong passwords, can reach the threshold. Check the user agents and the address's owner.",
		References: escuReferences("94481a6a-8f59-4c86-957f-55a71e3612a6"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "Source Ip $src$ failed to authenticate with more than 30 users within 5 minutes.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 63}},
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
