package rules

import (
	"strings"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds the ESCU detections over the event types other than
// sign-ins and audit logs: Identity Protection risk detections and
// Microsoft Graph activity logs, as small values (detection.Def), one to
// one with the SPL they implement, as catalogue_audit.go does. The
// description, how-to-implement and known false positives are escudo's
// own summaries of ESCU's; the rest is ESCU's, from the reference
// (shared/reference/auditlogs-facts.md §2.4.33 and §2.4.35; the YAML of
// splunk/security_content develop @ a063ed32, 2025-08-21).

// RiskDetections returns the built-in detections over Identity
// Protection risk detections, in catalogue order, typed.
func RiskDetections() []detection.Detection[event.RiskDetectionEvent] {
	return []detection.Detection[event.RiskDetectionEvent]{AzureActiveDirectoryHighRiskSignIn()}
}

// GraphActivities returns the built-in detections over Microsoft Graph
// activity logs, in catalogue order, typed.
func GraphActivities() []detection.Detection[event.GraphActivityEvent] {
	return []detection.Detection[event.GraphActivityEvent]{AzureADServicePrincipalEnumeration()}
}

// riskHowTo is the data a risk detection rule needs.
const riskHowTo = "Needs Microsoft Entra ID Protection risk detections (the UserRiskEvents category of a diagnostic " +
	"setting, streamed to Event Hubs or a storage account, or the Log Analytics AADUserRiskEvents table, or Graph " +
	"GET /identityProtection/riskDetections); escudo reads them in any of those exports. Identity Protection needs " +
	"Microsoft Entra ID P2."

// graphActivityHowTo is the data a Graph activity rule needs.
const graphActivityHowTo = "Needs Microsoft Graph activity logs (the MicrosoftGraphActivityLogs category of a diagnostic " +
	"setting, streamed to Event Hubs or a storage account, or the Log Analytics MicrosoftGraphActivityLogs table; " +
	"Microsoft Entra ID P1 or P2); escudo reads them in either export. There is no Graph API for them."

// otherBy is the BY clause of these rules: the add-on's CIM fields, then
// one more.
func otherBy[E any](last string) []detection.By[E] {
	return []detection.By[E]{{Field: "dest"}, {Field: "user"}, {Field: "src"}, {Field: "vendor_account"}, {Field: "vendor_product"}, {Field: last}}
}

// caseVariants returns every spelling of an ASCII word in upper and lower
// case: the literals a case-insensitive search term can match (the word's
// letters fold to nothing but their ASCII pairs; see TestOtherLiterals).
func caseVariants(word string) []string {
	out := []string{""}
	for _, c := range word {
		lower, upper := strings.ToLower(string(c)), strings.ToUpper(string(c))
		next := make([]string, 0, 2*len(out))
		for _, p := range out {
			next = append(next, p+lower)
			if upper != lower {
				next = append(next, p+upper)
			}
		}
		out = next
	}
	return out
}

// AzureActiveDirectoryHighRiskSignIn is ESCU's "Azure Active Directory
// High Risk Sign-in" (1ecff169-26d7-4161-9a7b-2ac4c8e61bea, version 9):
//
//	`azure_monitor_aad` `azure_monitor_aad` category=UserRiskEvents properties.riskLevel=high
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product category
//
// Both base-search terms compare without regard to case (spl.NewTerm), so
// riskLevel "High" matches too. The macro is written twice, which only
// repeats the sourcetype term. user is the add-on's CIM user for these
// records, the user at risk's UPN; src is callerIpAddress, which an Azure
// Monitor record can lack (fillnull makes it "0"), and which escudo fills
// in from ipAddress for Graph objects and Log Analytics rows, whose dest
// and vendor_account (the tenant, which they do not carry) are "0". The
// rule reads every high-level detection whatever its state, dismissed or
// remediated ones included, as ESCU's does.
//
// The literals are every case spelling of "high": a detection it matches
// has riskLevel high in some case, written in every export.
func AzureActiveDirectoryHighRiskSignIn() detection.Detection[event.RiskDetectionEvent] {
	category := spl.NewTerm("UserRiskEvents")
	high := spl.NewTerm("high")
	return detection.Def[event.RiskDetectionEvent]{
		When: func(ev *event.RiskDetectionEvent) bool {
			return category.Equal([]string{ev.Envelope.Category}) && high.Equal([]string{ev.RiskLevel})
		},
		Group: detection.Grouping[event.RiskDetectionEvent]{
			By: otherBy[event.RiskDetectionEvent]("category"),
			Stats: []detection.Stat[event.RiskDetectionEvent]{
				{Func: detection.Count},
				{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
				{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
			},
			FillNull: true,
		},
		Lits: caseVariants("high"),
		Info: detection.Meta{
			ID: "1ecff169-26d7-4161-9a7b-2ac4c8e61bea", Name: "Azure Active Directory High Risk Sign-in",
			Version: 9, Date: "2025-05-02", Author: "Mauricio Velazco, Gowthamaraj Rajendran, Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory"},
			Description: "Finds Microsoft Entra ID Protection risk detections of level high: sign-ins or users that " +
				"Identity Protection's heuristics and machine learning take for compromised, such as a password spray, " +
				"an anonymous or malicious IP address or leaked credentials. An attacker holding such an account can " +
				"reach whatever it can.",
			Search: "`azure_monitor_aad` `azure_monitor_aad` category=UserRiskEvents properties.riskLevel=high\n" +
				"| fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product category\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_active_directory_high_risk_sign_in_filter`",
			HowToImplement:      riskHowTo,
			KnownFalsePositives: "Identity Protection's risk calculation is not published and can flag benign sign-ins.",
			References: []string{
				"https://attack.mitre.org/techniques/T1110/003/",
				"https://docs.microsoft.com/en-us/security/compass/incident-response-playbook-password-spray",
				"https://docs.microsoft.com/en-us/azure/active-directory/identity-protection/overview-identity-protection",
				"https://docs.microsoft.com/en-us/azure/active-directory/identity-protection/concept-identity-protection-risks",
			},
			Drilldowns: escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:       "A high risk event was identified by Identify Protection for user $user$",
				RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
				ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1110.003", "T1586.003"},
				MITRETacticID:  attackTactics("T1110.003", "T1586.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// graphActivityRaw are the fields whose values stand for a Graph activity
// record's raw text, for TERM(): the request's string properties and the
// envelope's strings. (The CIM fields are computed, not in the record.)
func graphActivityRaw() []event.Field[event.GraphActivityEvent] {
	var fs []event.Field[event.GraphActivityEvent]
	for _, name := range event.GraphActivityFieldNames() {
		switch {
		case strings.HasPrefix(name, "properties."):
		case name == "operationName" || name == "category" || name == "callerIpAddress" || name == "tenantId" ||
			name == "correlationId" || name == "level" || name == "location":
		default:
			continue
		}
		f, err := event.LookupGraphActivityField(name)
		if err == nil && f.Kind() == event.KindString {
			fs = append(fs, f)
		}
	}
	return fs
}

// AzureADServicePrincipalEnumeration is ESCU's "Azure AD Service Principal
// Enumeration" (3f0647ce-add5-4436-8039-cbd1abe74563, version 5):
//
//	`azure_monitor_aad` category IN (MicrosoftGraphActivityLogs) TERM(servicePrincipals)
//	| fillnull
//	| rex field="properties.requestUri" "https\:\/\/graph.microsoft.com\/beta\/servicePrincipals\/(?P<servicePrincipalb>.*?)\/"
//	| rex field="properties.requestUri" "https\:\/\/graph.microsoft.com\/v1.0\/servicePrincipals\/(?P<servicePrincipalv1>.*?)\/"
//	| eval spn=coalesce(servicePrincipalb,servicePrincipalv1)
//	| fillnull
//	| stats count min(_time) as _time dc(spn) as spn_count values(user_id) as user_id
//	  by dest user src vendor_account vendor_product signature
//	| where spn_count>9
//
// The base search keeps the records of the category (compared without
// regard to case) that hold servicePrincipals as a term of the index
// (spl.IndexTerm; applied to the record's decoded string values, escudo
// having no raw text). The two rex take the path segment after
// /beta/servicePrincipals/ or /v1.0/servicePrincipals/, when another /
// follows it (…/servicePrincipals/{id}/owners, not a bare
// …/servicePrincipals/{id} nor a list call ?$top=999); spn is the first
// that matched.
//
// The second fillnull makes spn "0" for the records neither rex matches,
// so that they count once in dc(spn) beside the real ids [inferred:
// Splunk fills spn there only when some record of the search has one,
// and escudo always does (detection.Grouping.FillNull); a group where no
// record has an spn counts 1 in escudo, 0 in Splunk, both under the
// threshold]. So nine service principals and a list call make
// spn_count 10, and fire.
//
// user, the add-on's CIM user, has no value for these records (no UPN:
// event/graphactivity_field.go), so fillnull makes it "0", and the risk
// object of every finding is "0" [inferred from add-on 5.0.0; ESCU's
// supported 5.4.2 was not seen]; user_id, the caller's object ID (the
// service principal's for app-only calls), names the caller in the
// message. _time is min(_time) as escudo renders it (CtimeLayout); the
// risk events carry the group's last time, as every rule's do, where
// Splunk's would carry this _time [inferred]. A finding read back from
// its JSON form (detection.Finding.UnmarshalJSON) has no last time and
// takes this _time for it, so its risk events carry the first request's
// time.
func AzureADServicePrincipalEnumeration() detection.Detection[event.GraphActivityEvent] {
	category := spl.NewTerm("MicrosoftGraphActivityLogs")
	term := spl.MustNewIndexTerm("servicePrincipals")
	raw := graphActivityRaw()
	beta := spl.MustCompileRex(`https\:\/\/graph.microsoft.com\/beta\/servicePrincipals\/(?P<servicePrincipalb>.*?)\/`, 1)
	v1 := spl.MustCompileRex(`https\:\/\/graph.microsoft.com\/v1.0\/servicePrincipals\/(?P<servicePrincipalv1>.*?)\/`, 1)
	first := func(vs [][]string) string {
		if len(vs[0]) > 0 {
			return vs[0][0]
		}
		return ""
	}
	return detection.Def[event.GraphActivityEvent]{
		When: func(ev *event.GraphActivityEvent) bool {
			if !category.Equal([]string{ev.Envelope.Category}) {
				return false
			}
			var buf [2]string
			for _, f := range raw {
				if term.InAny(f.Append(buf[:0], ev)...) {
					return true
				}
			}
			return false
		},
		Group: detection.Grouping[event.GraphActivityEvent]{
			By: otherBy[event.GraphActivityEvent]("signature"),
			Stats: []detection.Stat[event.GraphActivityEvent]{
				{Func: detection.Count},
				{Func: detection.Min, Field: detection.TimeField, As: detection.TimeField},
				{Func: detection.DistinctCount, Field: "spn", As: "spn_count", Eval: func(dst []string, ev *event.GraphActivityEvent) []string {
					spn, ok := spl.Coalesce(first(beta.Extract(ev.RequestURI)), first(v1.Extract(ev.RequestURI)))
					if ok {
						dst = append(dst, spn)
					}
					return dst
				}},
				{Func: detection.Values, Field: "user_id", As: "user_id"},
			},
			FillNull: true,
			Where:    []detection.Condition{{Column: "spn_count", Op: detection.Greater, Value: 9}},
		},
		// A record this rule matches is an Azure Monitor record of category
		// MicrosoftGraphActivityLogs, which the decoder takes only as
		// written, or a Log Analytics row, which it reads only with its
		// TimeGenerated (its event time): TERM() itself has no literal, its
		// term matching in any case.
		Lits: []string{"MicrosoftGraphActivityLogs", "TimeGenerated"},
		Info: detection.Meta{
			ID: "3f0647ce-add5-4436-8039-cbd1abe74563", Name: "Azure AD Service Principal Enumeration",
			Version: 5, Date: "2025-06-24", Author: "Dean Luxton (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory MicrosoftGraphActivityLogs"},
			Description: "Finds a caller that reads ten or more distinct service principals through Microsoft Graph " +
				"(…/servicePrincipals/{id}/…), as Entra enumeration tools such as AzureHound and ROADtools do when they " +
				"map a tenant's applications, owners and permissions.",
			Search: "`azure_monitor_aad` category IN (MicrosoftGraphActivityLogs) TERM(servicePrincipals)\n" +
				"| fillnull\n" +
				"| rex field=\"properties.requestUri\" \"https\\:\\/\\/graph.microsoft.com\\/beta\\/servicePrincipals\\/(?P<servicePrincipalb>.*?)\\/\"\n" +
				"| rex field=\"properties.requestUri\" \"https\\:\\/\\/graph.microsoft.com\\/v1.0\\/servicePrincipals\\/(?P<servicePrincipalv1>.*?)\\/\"\n" +
				"| eval spn=coalesce(servicePrincipalb,servicePrincipalv1)\n" +
				"| fillnull\n" +
				"| stats count min(_time) as _time dc(spn) as spn_count values(user_id) as user_id by dest user src vendor_account vendor_product signature\n" +
				"| where spn_count>9\n" +
				"| `azure_ad_service_principal_enumeration_filter`",
			HowToImplement: graphActivityHowTo + " Run it over past data first to find the services that read service " +
				"principals as their work, and tune them out; raise or lower the threshold to suit.",
			KnownFalsePositives: "Unknown: administration and inventory tools that read many service principals.",
			References: []string{
				"https://github.com/SpecterOps/AzureHound",
				"https://github.com/dirkjanm/ROADtools",
				"https://splunkbase.splunk.com/app/3110",
				"https://splunk.github.io/splunk-add-on-for-microsoft-cloud-services/Install/",
			},
			Drilldowns: escuDrilldowns("user_id"),
			RBA: risk.Spec{
				Message:       "$spn_count$ Service Principals have been enumerated by $user_id$ from IP $src$",
				RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 80}},
				ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation", "Compromised User Account"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1087.004", "T1526"},
				MITRETacticID:  attackTactics("T1087.004", "T1526"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}
