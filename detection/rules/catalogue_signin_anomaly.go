package rules

import (
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds four ESCU sign-in detections as small values
// (detection.Def), in the order of the reference
// (shared/reference/auditlogs-facts.md §2.4.29–2.4.32): two spikes over
// 5-minute windows, every service principal sign-in, and successful
// sign-ins to Azure PowerShell. The description, how-to-implement and
// known false positives are escudo's own summaries of ESCU's; the rest is
// ESCU's.

// signInAnomalyRules returns this family's sign-in detections, in catalogue order.
func signInAnomalyRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
		AzureADMultiSourceFailedAuthenticationsSpike(),
		AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike(),
		AzureADServicePrincipalAuthentication(),
		AzureADSuccessfulPowerShellAuthentication(),
	}
}

// The values these rules search for; the Lits reuse them, so Match and
// the prefilter literals cannot drift apart.
const (
	anomalyOperation        = "Sign-in activity"           // operationName
	anomalyServicePrincipal = "ServicePrincipalSignInLogs" // category
	anomalyMultiFactor      = "multiFactorAuthentication"  // authenticationRequirement
	anomalyMFARequired      = "MFA required in Azure AD"   // status.additionalDetails
	anomalyPowerShell       = "Microsoft Azure PowerShell" // appDisplayName
)

// anomalySpan is the `bucket span=5m _time` of the two spikes.
const anomalySpan = 5 * time.Minute

// anomalyBy is the BY clause `by dest user src vendor_account
// vendor_product` and then extra: the add-on's CIM fields.
func anomalyBy(extra ...detection.By[event.SignInEvent]) []detection.By[event.SignInEvent] {
	by := []detection.By[event.SignInEvent]{{Field: "dest"}, {Field: "user"}, {Field: "src"}, {Field: "vendor_account"}, {Field: "vendor_product"}}
	return append(by, extra...)
}

// anomalyTimes is `stats count min(_time) as firstTime max(_time) as lastTime`.
func anomalyTimes() []detection.Stat[event.SignInEvent] {
	return []detection.Stat[event.SignInEvent]{
		{Func: detection.Count},
		{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
		{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
	}
}

// anomalyIPUserCombo is `eval uniqueIPUserCombo = src_ip . "-" . user`,
// on the add-on's src_ip and user (event.LookupField). eval's `.` of a
// null is null [unverified in the eval reference; the usual Splunk
// behaviour], so a sign-in without either has no combination, and the
// fillnull after the eval makes it "0", not "0-user". It returns nil if a
// field is unknown, so that the engine rejects the stat's field
// uniqueIPUserCombo instead of running without it.
func anomalyIPUserCombo() func(dst []string, ev *event.SignInEvent) []string {
	src, errSrc := event.LookupField("src_ip")
	user, errUser := event.LookupField("user")
	if errSrc != nil || errUser != nil {
		return nil
	}
	return func(dst []string, ev *event.SignInEvent) []string {
		ip, ok := src.Value(ev)
		if !ok {
			return dst
		}
		u, ok := user.Value(ev)
		if !ok {
			return dst
		}
		return append(dst, ip+"-"+u)
	}
}

// AzureADMultiSourceFailedAuthenticationsSpike is ESCU's "Azure AD
// Multi-Source Failed Authentications Spike"
// (116e11a9-63ea-41eb-a66a-6a13bdc7d2c7, version 9), a Hunting search:
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126
//	  properties.authenticationDetails{}.succeeded=false
//	| rename properties.* as * | bucket span=5m _time
//	| eval uniqueIPUserCombo = src_ip . "-" . user
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  dc(uniqueIPUserCombo) as uniqueIpUserCombinations, dc(user) as uniqueUsers,
//	  dc(src_ip) as uniqueIPs, dc(user_agent) as uniqueUserAgents,
//	  dc(location.countryOrRegion) as uniqueCountries
//	  values(location.countryOrRegion) as countries values(action) as action
//	  values(dest) as dest values(user) as user values(src) as src
//	  values(vendor_account) as vendor_account values(vendor_product) as vendor_product
//	  values(user_agent) as user_agent
//	| where uniqueIpUserCombinations > 20 AND uniqueUsers > 20 AND uniqueIPs > 20
//	  AND uniqueUserAgents = 1
//
// The base search is the one the failed-authentication rules share
// (failedPasswordMatch). A finding is a 5-minute window that looks like a
// distributed spray: more than 20 users failing from more than 20
// addresses, all with one user agent.
// src_ip, user, action, dest, src and the vendor fields are the add-on's
// CIM fields; user_agent is the sign-in's userAgent; countries is
// location.countryOrRegion. fillnull makes a missing value "0", which the
// dc()s count: a sign-in without a userAgent makes the window's user
// agents two, and one without a source address or user counts as the
// address or user "0" and as the combination "0" (see
// anomalyIPUserCombo).
//
// It is a Hunting search, so it has no drilldowns and no RBA block: its
// findings give no risk events.
//
// Deviation: the SPL buckets _time into 5-minute bins but leaves _time out
// of the stats, which has no BY clause at all, so as written it makes one
// row of the whole search window, and one other user agent anywhere in
// that window keeps it from firing. The bucket shows the intent, a spike
// within 5 minutes, so escudo groups by the bin (BY _time), with _time as
// the first output column.
func AzureADMultiSourceFailedAuthenticationsSpike() detection.Detection[event.SignInEvent] {
	mitre := []string{"T1110.003", "T1110.004", "T1586.003"}
	return detection.Def[event.SignInEvent]{
		When: failedPasswordMatch,
		Group: detection.Grouping[event.SignInEvent]{
			By: []detection.By[event.SignInEvent]{{Field: detection.TimeField}}, // deviation: per 5-minute bin
			Stats: append(anomalyTimes(),
				detection.Stat[event.SignInEvent]{Func: detection.DistinctCount, Field: "uniqueIPUserCombo", As: "uniqueIpUserCombinations", Eval: anomalyIPUserCombo()},
				detection.Stat[event.SignInEvent]{Func: detection.DistinctCount, Field: "user", As: "uniqueUsers"},
				detection.Stat[event.SignInEvent]{Func: detection.DistinctCount, Field: "src_ip", As: "uniqueIPs"},
				detection.Stat[event.SignInEvent]{Func: detection.DistinctCount, Field: "userAgent", As: "uniqueUserAgents"},
				detection.Stat[event.SignInEvent]{Func: detection.DistinctCount, Field: "location.countryOrRegion", As: "uniqueCountries"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "location.countryOrRegion", As: "countries"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "action", As: "action"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "dest", As: "dest"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "user", As: "user"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "src", As: "src"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "vendor_account", As: "vendor_account"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "vendor_product", As: "vendor_product"},
				detection.Stat[event.SignInEvent]{Func: detection.Values, Field: "userAgent", As: "user_agent"},
			),
			Span:     anomalySpan,
			FillNull: true,
			Where: []detection.Condition{
				{Column: "uniqueIpUserCombinations", Op: detection.Greater, Value: 20},
				{Column: "uniqueUsers", Op: detection.Greater, Value: 20},
				{Column: "uniqueIPs", Op: detection.Greater, Value: 20},
				{Column: "uniqueUserAgents", Op: detection.Equal, Value: 1},
			},
		},
		Lits:  failedLiterals(),
		Reads: failedFields(),
		Info: detection.Meta{
			ID: "116e11a9-63ea-41eb-a66a-6a13bdc7d2c7", Name: "Azure AD Multi-Source Failed Authentications Spike",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "Hunting", DataSource: []string{"Azure Active Directory"},
			Description: "Finds 5-minute windows in which wrong-password sign-ins (AADSTS50126, with a failed " +
				"authentication step) name more than 20 users from more than 20 source addresses, in more than 20 " +
				"user and address pairs, all with one user agent. A spray spread over many addresses stays under " +
				"per-address thresholds; one tool behind a pool of proxies still shows as one user agent.",
			Search: successSearch(
				"`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126 properties.authenticationDetails{}.succeeded=false",
				"rename properties.* as *",
				"bucket span=5m _time",
				`eval uniqueIPUserCombo = src_ip . "-" . user`,
				"rename userAgent as user_agent",
				"fillnull",
				"stats count min(_time) as firstTime max(_time) as lastTime dc(uniqueIPUserCombo) as uniqueIpUserCombinations, "+
					"dc(user) as uniqueUsers, dc(src_ip) as uniqueIPs, dc(user_agent) as uniqueUserAgents, dc(location.countryOrRegion) as uniqueCountries "+
					"values(location.countryOrRegion) as countries  values(action) as action values(dest) as dest values(user) as user values(src) as src "+
					"values(vendor_account) as vendor_account values(vendor_product) as vendor_product values(user_agent) as user_agent",
				"where uniqueIpUserCombinations > 20 AND uniqueUsers > 20 AND uniqueIPs > 20 AND uniqueUserAgents = 1",
				"`security_content_ctime(firstTime)`",
				"`security_content_ctime(lastTime)`",
				"`azure_ad_multi_source_failed_authentications_spike_filter`",
			),
			HowToImplement: failedHowToImplement + " The thresholds are a starting point to tune to the tenant.",
			KnownFalsePositives: "Many people failing at once behind rotating addresses, such as a VPN or cloud egress pool, " +
				"or a bulk change that breaks saved passwords, can look alike.",
			References: escuReferences("116e11a9-63ea-41eb-a66a-6a13bdc7d2c7"),
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover", "NOBELIUM Group"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  mitre,
				MITRETacticID:  attackTactics(mitre...),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike is ESCU's "Azure
// AD Multiple AppIDs and UserAgents Authentication Spike"
// (5d8bb1f0-f65a-4b4e-af2e-fcdb88276314, version 10):
//
//	`azure_monitor_aad` category=SignInLogs operationName="Sign-in activity"
//	  (properties.authenticationRequirement="multiFactorAuthentication"
//	   properties.status.additionalDetails="MFA required in Azure AD")
//	  OR (properties.authenticationRequirement=singleFactorAuthentication
//	   "properties.authenticationDetails{}.succeeded"=true)
//	| bucket span=5m _time | rename properties.* as * | rename userAgent as user_agent
//	| fillnull
//	| stats count dc(appId) as unique_app_ids dc(user_agent) as unique_user_agents
//	  min(_time) as firstTime max(_time) as lastTime values(dest) as dest
//	  values(user_agent) as user_agent
//	  by user src vendor_account vendor_product signature
//	| where count > 5 and unique_app_ids > 2 and unique_user_agents > 5
//
// The search treats OR before the implied AND, so a sign-in matches when
// its category and operation match and either it was stopped for MFA
// (multi-factor requirement and "MFA required in Azure AD", which Entra
// writes once the first factor is accepted) or it passed with one factor
// (single-factor requirement and a succeeded step). That is what a tool
// trying one password against many applications and clients, looking for
// one that skips MFA, leaves. Values are compared exactly; Splunk compares
// them without regard to case, which makes no difference for the casing
// Entra writes. user, src, the vendor fields and signature are the
// add-on's CIM fields; user_agent is the sign-in's userAgent. fillnull
// makes a missing appId or userAgent "0", which dc() counts. Every match
// gives one user agent value, so unique_user_agents > 5 already implies
// count > 5.
//
// The ESCU risk message says "periof" for "period"; escudo keeps ESCU's
// message as it is.
//
// Deviation: the SPL buckets _time but leaves it out of the BY clause, so
// as written it counts over the whole search window. The bucket and the
// message ("in a short period") show the intent, so escudo groups by the
// 5-minute bin too, with _time as an extra output column after the SPL's
// BY columns.
func AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike() detection.Detection[event.SignInEvent] {
	mitre := []string{"T1078"}
	return detection.Def[event.SignInEvent]{
		When: func(ev *event.SignInEvent) bool {
			if ev.Envelope.Category != successInteractive || ev.Envelope.OperationName != anomalyOperation {
				return false
			}
			switch ev.AuthenticationRequirement {
			case anomalyMultiFactor:
				return ev.Status.AdditionalDetails == anomalyMFARequired
			case successSingleFactor:
				return successAnyStep(ev)
			}
			return false
		},
		Group: detection.Grouping[event.SignInEvent]{
			By: []detection.By[event.SignInEvent]{
				{Field: "user"}, {Field: "src"}, {Field: "vendor_account"}, {Field: "vendor_product"}, {Field: "signature"},
				{Field: detection.TimeField}, // deviation: per 5-minute bin
			},
			Stats: []detection.Stat[event.SignInEvent]{
				{Func: detection.Count},
				{Func: detection.DistinctCount, Field: "appId", As: "unique_app_ids"},
				{Func: detection.DistinctCount, Field: "userAgent", As: "unique_user_agents"},
				{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
				{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
				{Func: detection.Values, Field: "dest", As: "dest"},
				{Func: detection.Values, Field: "userAgent", As: "user_agent"},
			},
			Span:     anomalySpan,
			FillNull: true,
			Where: []detection.Condition{
				{Column: "count", Op: detection.Greater, Value: 5},
				{Column: "unique_app_ids", Op: detection.Greater, Value: 2},
				{Column: "unique_user_agents", Op: detection.Greater, Value: 5},
			},
		},
		// Every match holds its authentication requirement
		// (singleFactorAuthentication) or its MFA detail verbatim.
		Lits:  []string{successSingleFactor, anomalyMFARequired},
		Reads: []string{"category", "operationName", "authenticationRequirement", "status.additionalDetails", "authenticationDetails{}.succeeded"},
		Info: detection.Meta{
			ID: "5d8bb1f0-f65a-4b4e-af2e-fcdb88276314", Name: "Azure AD Multiple AppIDs and UserAgents Authentication Spike",
			Version: 10, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "Anomaly", DataSource: []string{"Azure Active Directory Sign-in activity"},
			Description: "Finds a user with more than 5 interactive sign-ins from one address within 5 minutes, through " +
				"more than 2 applications and more than 5 user agents, each either passing with one factor or stopped to " +
				"ask for MFA. Tools such as MFASweep try a stolen password against many Microsoft clients to find one " +
				"that does not ask for MFA.",
			Search: successSearch(
				"`azure_monitor_aad` category=SignInLogs operationName=\"Sign-in activity\" "+
					"(properties.authenticationRequirement=\"multiFactorAuthentication\" properties.status.additionalDetails=\"MFA required in Azure AD\") "+
					"OR (properties.authenticationRequirement=singleFactorAuthentication \"properties.authenticationDetails{}.succeeded\"=true)",
				"bucket span=5m _time",
				"rename properties.* as *",
				"rename userAgent as user_agent",
				"fillnull",
				"stats count dc(appId) as unique_app_ids dc(user_agent) as unique_user_agents min(_time) as firstTime max(_time) as lastTime "+
					"values(dest) as dest values(user_agent) as user_agent by user src vendor_account vendor_product signature",
				"where count > 5 and unique_app_ids > 2 and unique_user_agents > 5",
				"`security_content_ctime(firstTime)`",
				"`security_content_ctime(lastTime)`",
				"`azure_ad_multiple_appids_and_useragents_authentication_spike_filter`",
			),
			HowToImplement: successHowToImplement(successInteractive, "authenticationRequirement, authenticationDetails and userAgent"),
			KnownFalsePositives: "Few people sign in through that many clients and applications within minutes; a tester " +
				"or an administrator checking Conditional Access coverage can.",
			References: escuReferences("5d8bb1f0-f65a-4b4e-af2e-fcdb88276314"),
			Drilldowns: escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "$user$ authenticated in a short periof of time with more than 5 different user agents across 3 or more unique application ids.",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 48}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  mitre,
				MITRETacticID:  attackTactics(mitre...),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// anomalyServicePrincipalHowTo is the data the service principal rule needs.
const anomalyServicePrincipalHowTo = "Needs Microsoft Entra ID service principal sign-in logs: the ServicePrincipalSignInLogs " +
	"category of a diagnostic setting, streamed to an Event Hub (in Splunk, ingested with the Splunk Add-on for Microsoft " +
	"Cloud Services as sourcetype azure:monitor:aad) or a storage account, or the Log Analytics " +
	"AADServicePrincipalSignInLogs table; escudo reads any of them. Graph API records carry no category and do not match."

// AzureADServicePrincipalAuthentication is ESCU's "Azure AD Service
// Principal Authentication" (5a2ec401-60bb-474e-b936-1e66e7aa4060,
// version 8):
//
//	`azure_monitor_aad` operationName="Sign-in activity" category=ServicePrincipalSignInLogs
//	| rename properties.* as * | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product resourceDisplayName resourceId signature
//
// Every sign-in of a service principal (an application signing in as
// itself, with a secret, a certificate or a federated credential)
// matches, whether it succeeded or not. user is the add-on's CIM user,
// which for these records is properties.servicePrincipalName (they have
// no userPrincipalName); src is callerIpAddress. resourceDisplayName and
// resourceId are the resource signed in to: `rename properties.* as *`
// puts properties.resourceId (the resource's application ID) over the
// envelope's resourceId. fillnull makes a missing BY field "0".
//
// One difference from Splunk, which the event model imposes: a record
// without properties.resourceId keeps the envelope's resourceId
// (/tenants/<tenant>/providers/Microsoft.aadiam) in Splunk, since rename
// only renames fields that exist; escudo does not keep the envelope's
// resourceId, so its resourceId is "0" there. Entra writes the property in
// every service principal sign-in.
func AzureADServicePrincipalAuthentication() detection.Detection[event.SignInEvent] {
	mitre := []string{"T1078.004"}
	return detection.Def[event.SignInEvent]{
		When: func(ev *event.SignInEvent) bool {
			return ev.Envelope.OperationName == anomalyOperation && ev.Envelope.Category == anomalyServicePrincipal
		},
		Group: detection.Grouping[event.SignInEvent]{
			By:       anomalyBy(detection.By[event.SignInEvent]{Field: "resourceDisplayName"}, detection.By[event.SignInEvent]{Field: "resourceId"}, detection.By[event.SignInEvent]{Field: "signature"}),
			Stats:    anomalyTimes(),
			FillNull: true,
		},
		// The category is in every Azure Monitor record of it and in the
		// Log Analytics table name AADServicePrincipalSignInLogs.
		Lits:  []string{anomalyServicePrincipal},
		Reads: []string{"operationName", "category"},
		Info: detection.Meta{
			ID: "5a2ec401-60bb-474e-b936-1e66e7aa4060", Name: "Azure AD Service Principal Authentication",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Sign-in activity"},
			Description: "Lists every sign-in of a service principal (an application signing in as itself), per " +
				"service principal, source address and resource. An attacker who steals or adds an application's " +
				"secret or certificate signs in this way, without any user or MFA; the list is a baseline to spot a " +
				"new address or resource.",
			Search: successSearch(
				"`azure_monitor_aad` operationName=\"Sign-in activity\" category=ServicePrincipalSignInLogs",
				"rename properties.* as *",
				"fillnull",
				"stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product resourceDisplayName resourceId signature",
				"`security_content_ctime(firstTime)`",
				"`security_content_ctime(lastTime)`",
				"`azure_ad_service_principal_authentication_filter`",
			),
			HowToImplement: anomalyServicePrincipalHowTo,
			KnownFalsePositives: "Applications sign in as themselves all the time; the rule is useful against a baseline " +
				"of each service principal's usual addresses and resources.",
			References: escuReferences("5a2ec401-60bb-474e-b936-1e66e7aa4060"),
			Drilldowns: escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:       "Service Principal $user$ authenticated from $src$",
				RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 25}},
				ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  mitre,
				MITRETacticID:  attackTactics(mitre...),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADSuccessfulPowerShellAuthentication is ESCU's "Azure AD
// Successful PowerShell Authentication"
// (62f10052-d7b3-4e48-b57b-56f8e3ac7ceb, version 9):
//
//	`azure_monitor_aad` category=SignInLogs properties.authenticationDetails{}.succeeded=true
//	  properties.appDisplayName="Microsoft Azure PowerShell"
//	| rename properties.* as * | rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent signature
//
// An interactive sign-in matches when its application is Microsoft Azure
// PowerShell and any authentication step succeeded. The error code is not
// consulted, so a sign-in whose password passed and which was then
// stopped for MFA matches too. Values are compared exactly; Splunk
// compares them without regard to case, which makes no difference for the
// name Entra writes. user, src, dest, the vendor fields and signature are
// the add-on's CIM fields; user_agent is the sign-in's userAgent; fillnull
// makes a missing one "0".
//
// Deviations: none.
func AzureADSuccessfulPowerShellAuthentication() detection.Detection[event.SignInEvent] {
	mitre := []string{"T1078.004", "T1586.003"}
	return detection.Def[event.SignInEvent]{
		When: func(ev *event.SignInEvent) bool {
			return ev.Envelope.Category == successInteractive && ev.AppDisplayName == anomalyPowerShell && successAnyStep(ev)
		},
		Group: detection.Grouping[event.SignInEvent]{
			By:       anomalyBy(detection.By[event.SignInEvent]{Field: "userAgent", As: "user_agent"}, detection.By[event.SignInEvent]{Field: "signature"}),
			Stats:    anomalyTimes(),
			FillNull: true,
		},
		Lits:  []string{anomalyPowerShell},
		Reads: []string{"category", "appDisplayName", "authenticationDetails{}.succeeded"},
		Info: detection.Meta{
			ID: "62f10052-d7b3-4e48-b57b-56f8e3ac7ceb", Name: "Azure AD Successful PowerShell Authentication",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory"},
			Description: "Finds interactive Entra ID sign-ins to Microsoft Azure PowerShell in which an authentication " +
				"step succeeded, per user, source address and user agent. Few users other than administrators use it; " +
				"an attacker with a stolen password uses it to enumerate the tenant and its Azure resources.",
			Search: successSearch(
				"`azure_monitor_aad` category=SignInLogs properties.authenticationDetails{}.succeeded=true properties.appDisplayName=\"Microsoft Azure PowerShell\"",
				"rename properties.* as *",
				"rename userAgent as user_agent",
				"fillnull",
				"stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent signature",
				"`security_content_ctime(firstTime)`",
				"`security_content_ctime(lastTime)`",
				"`azure_ad_successful_powershell_authentication_filter`",
			),
			HowToImplement:      successHowToImplement(successInteractive, "authenticationDetails"),
			KnownFalsePositives: "Administrators use Azure PowerShell to run and troubleshoot the tenant; filter the accounts that do.",
			References:          escuReferences("62f10052-d7b3-4e48-b57b-56f8e3ac7ceb"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:       "Successful authentication for user $user$ using PowerShell.",
				RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
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
		},
	}
}
