package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADHighNumberOfFailedAuthenticationsFromIP returns Splunk ESCU's
// "Azure AD High Number Of Failed Authentications From Ip" (version 10,
// 2025-05-02): more than 20 wrong-password sign-ins (AADSTS50126) from one
// source IP within a 10-minute window, against one account or many.
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126
//	  properties.authenticationDetails{}.succeeded=false
//	| rename properties.* as * | bucket span=10m _time
//	| rename properties.userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  values(dest) as dest values(user) as user values(user_agent) as user_agent
//	  by src _time vendor_account vendor_product
//	| where count > 20
//
// The output columns are src, _time, vendor_account, vendor_product,
// count, firstTime, lastTime, dest, user and user_agent. src is the CIM
// src of azure:monitor:aad (the envelope's callerIpAddress, or ipAddress
// for records without one); the other fields are CIM fields too (see
// event.LookupField). _time is the 10-minute bin (epoch-aligned, UTC) of
// createdDateTime, and firstTime and lastTime are bin starts, as in
// Splunk. fillnull turns a missing BY or values field into "0", so such
// an event still counts. Each finding gives one risk event per user in
// its user column, each carrying src as the threat object.
//
// The ESCU facts (id, version, date, type, status, data source, stories,
// MITRE IDs, SPL, RBA block) are ESCU's; the description, how-to-implement
// and known-false-positives text is escudo's own summary.
//
// Deviations: the ESCU risk message says "in the span of 10 minutes
// minutes"; escudo drops the repeated word.
func AzureADHighNumberOfFailedAuthenticationsFromIP() detection.Detection[event.SignInEvent] {
	return failedFromIP{}
}

type failedFromIP struct{}

func (failedFromIP) Match(ev *event.SignInEvent) bool { return failedPasswordMatch(ev) }

// Literals implements detection.Literals, for the engine's prefilter.
func (failedFromIP) Literals() []string { return failedLiterals() }

// Fields implements detection.Fields: what failedPasswordMatch reads.
func (failedFromIP) Fields() []string { return failedFields() }

func (failedFromIP) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "src"},
			{Field: detection.TimeField},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "user", As: "user"},
			{Func: detection.Values, Field: "user_agent", As: "user_agent"},
		},
		Span:     10 * time.Minute,
		FillNull: true,
		Where:    []detection.Condition{{Column: "count", Op: detection.Greater, Value: 20}},
	}
}

func (failedFromIP) Meta() detection.Meta {
	mitre := []string{"T1110.001", "T1110.003"}
	return detection.Meta{
		ID:         "e5ab41bf-745d-4f72-a393-2611151afd8e",
		Name:       "Azure AD High Number Of Failed Authentications From Ip",
		Version:    10,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "TTP",
		DataSource: []string{"Azure Active Directory"},
		Description: "The search finds source IP addresses with more than 20 failed interactive Entra ID sign-ins for a wrong username or password " +
			"(AADSTS50126, with a failed authentication step) within one 10-minute window. " +
			"It counts per source, tenant and window, and lists the users, tenants and user agents involved. " +
			"Many wrong passwords from one address suggest password guessing against one account or spraying across many.",
		Search: "`azure_monitor_aad` category= SignInLogs properties.status.errorCode=50126 properties.authenticationDetails{}.succeeded=false " +
			"| rename properties.* as * | bucket span=10m _time | rename properties.userAgent as user_agent | fillnull " +
			"| stats count min(_time) as firstTime max(_time) as lastTime values(dest) as dest values(user) as user values(user_agent) as user_agent " +
			"by src _time vendor_account vendor_product | where count > 20  " +
			"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` " +
			"| `azure_ad_high_number_of_failed_authentications_from_ip_filter`",
		HowToImplement: failedHowToImplement,
		KnownFalsePositives: "A shared egress address (a corporate proxy or NAT gateway, a VPN concentrator) can carry many users' mistyped passwords, " +
			"and a misconfigured application can retry stale credentials from one host. Check the users and user agents before acting.",
		References: escuReferences("e5ab41bf-745d-4f72-a393-2611151afd8e"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "$src$ failed to authenticate more than 20 times in the span of 10 minutes.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Compromised User Account", "Azure Active Directory Account Takeover", "NOBELIUM Group"},
			AssetType:      "Azure Tenant",
			MITREAttackID:  mitre,
			MITRETacticID:  attackTactics(mitre...),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
