package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds the ESCU detections over Entra audit logs, as small
// values (detection.Def): each is its metadata, its base search, its
// grouping and its risk spec, one to one with the SPL it implements. The
// description, how-to-implement and known false positives are escudo's
// own summaries of ESCU's; the rest is ESCU's, from the reference
// (shared/reference/auditlogs-facts.md §2.4).

// Audits returns the built-in detections over audit logs, in catalogue
// order, typed.
func Audits() []detection.Detection[event.AuditEvent] {
	all := []detection.Detection[event.AuditEvent]{
		AzureADGlobalAdministratorRoleAssigned(),
		AzureADServicePrincipalCreated(),
	}
	all = append(all, roleAssignmentRules()...)
	all = append(all, consentRules()...)
	all = append(all, permissionRules()...)
	all = append(all, accountRules()...)
	all = append(all, authMethodRules()...)
	return all
}

// auditHowTo is the data an audit rule needs.
const auditHowTo = "Needs Microsoft Entra ID audit logs (the AuditLogs category of a diagnostic setting, " +
	"streamed to Event Hubs or a storage account, or the Log Analytics AuditLogs table, or Graph " +
	"GET /auditLogs/directoryAudits); escudo reads them in any of those exports."

// mustAuditField returns the audit field of that Splunk name, for the
// Eval functions of the catalogue's rules. The names are fixed in the
// catalogue, so an unknown one is a mistake in it, reported as
// regexp.MustCompile reports a bad pattern: when the rule is built, which
// every test does.
func mustAuditField(name string) event.Field[event.AuditEvent] {
	f, err := event.LookupAuditField(name)
	if err != nil {
		panic(err)
	}
	return f
}

// auditBy is the BY clause most audit rules share after
// `rename properties.* as *`: the add-on's CIM fields and the operation.
func auditBy(extra ...detection.By[event.AuditEvent]) []detection.By[event.AuditEvent] {
	by := []detection.By[event.AuditEvent]{{Field: "dest"}, {Field: "user"}, {Field: "src"}, {Field: "vendor_account"}, {Field: "vendor_product"}}
	return append(by, extra...)
}

// auditTimes is `stats count min(_time) as firstTime max(_time) as lastTime`.
func auditTimes() []detection.Stat[event.AuditEvent] {
	return []detection.Stat[event.AuditEvent]{
		{Func: detection.Count},
		{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
		{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
	}
}

// AzureADGlobalAdministratorRoleAssigned is ESCU's "Azure AD Global
// Administrator Role Assigned" (825fed20-309d-4fd1-8aaf-cd49c1bb093c,
// version 10):
//
//	`azure_monitor_aad` operationName="Add member to role"
//	  properties.targetResources{}.modifiedProperties{}.newValue="*Global Administrator*"
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent initiatedBy signature
//
// The base search's wildcard term matches any modified property's new
// value (the JSON text Entra writes, quotes included) without regard to
// case, as Splunk's search does (spl.Wildcard). The operation name is
// compared exactly, as throughout the catalogue (Splunk's search would
// ignore its case too; Entra writes it one way). user is the add-on's CIM user:
// for "Add member to role", the target's UPN (the member the role was
// given to); initiatedBy is who gave it. fillnull makes a missing
// user_agent (properties.userAgent, null in Entra's records) and a
// missing src (no callerIpAddress) "0".
func AzureADGlobalAdministratorRoleAssigned() detection.Detection[event.AuditEvent] {
	global := spl.NewWildcard("*Global Administrator*", spl.WildcardOptions{}) // search terms ignore case
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != "Add member to role" {
				return false
			}
			for _, t := range ev.TargetResources {
				for _, p := range t.ModifiedProperties {
					if global.Match(p.NewValue) {
						return true
					}
				}
			}
			return false
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "userAgent", As: "user_agent"},
				detection.By[event.AuditEvent]{Field: "initiatedBy.user.userPrincipalName", As: "initiatedBy"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		// The operation, not the role: the role term ignores case, so no
		// fixed spelling of it is in every record the rule matches.
		Lits: []string{"Add member to role"},
		Info: detection.Meta{
			ID: "825fed20-309d-4fd1-8aaf-cd49c1bb093c", Name: "Azure AD Global Administrator Role Assigned",
			Version: 10, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add member to role"},
			Description: "Finds Entra ID audit records of the Global Administrator role being given to an " +
				"account. The role controls the whole tenant; an attacker who holds an account that may " +
				"assign roles can give it to an account of their own to keep full access.",
			Search: "`azure_monitor_aad` operationName=\"Add member to role\" properties.targetResources{}.modifiedProperties{}.newValue=\"*Global Administrator*\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | rename userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent initiatedBy signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_global_administrator_role_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators give the role on purpose; check the assignment against a change request.",
			References:          escuReferences("825fed20-309d-4fd1-8aaf-cd49c1bb093c"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message: "Global Administrator Role assigned for User $user$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 72},
					{Field: "initiatedBy", Type: risk.User, Score: 72},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "Azure Active Directory Privilege Escalation"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "threat",
			},
		},
	}
}

// AzureADServicePrincipalCreated is ESCU's "Azure AD Service Principal
// Created" (f8ba49e7-ffd3-4b53-8f61-e73974583c5d, version 7):
//
//	`azure_monitor_aad` operationName="Add service principal" properties.initiatedBy.user.id=*
//	| rename properties.* as * | rename targetResources{}.displayName as displayName
//	| rename targetResources{}.type as type | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product displayName result signature
//
// The base search keeps service principals a user created
// (initiatedBy.user.id exists), leaving out those an application created.
// user is the add-on's CIM user, which for "Add service principal" is the
// new service principal's name (not who created it), so ESCU's risk
// message ("created by $user$") names the service principal twice; escudo
// keeps the SPL's columns and message as they are.
func AzureADServicePrincipalCreated() detection.Detection[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.OperationName == "Add service principal" && ev.InitiatedBy.User.ID != ""
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "targetResources{}.displayName", As: "displayName"},
				detection.By[event.AuditEvent]{Field: "result"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Add service principal"},
		Info: detection.Meta{
			ID: "f8ba49e7-ffd3-4b53-8f61-e73974583c5d", Name: "Azure AD Service Principal Created",
			Version: 7, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add service principal"},
			Description: "Finds Entra ID audit records of a user creating a service principal. An attacker " +
				"with a foothold can register a service principal to keep access that survives password " +
				"resets, as NOBELIUM did.",
			Search: "`azure_monitor_aad` operationName=\"Add service principal\" properties.initiatedBy.user.id=*\n" +
				"| rename properties.* as * | rename targetResources{}.displayName as displayName | rename targetResources{}.type as type | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product displayName result signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_service_principal_created_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators and deployment tools create service principals as part of their work.",
			References:          escuReferences("f8ba49e7-ffd3-4b53-8f61-e73974583c5d"),
			Drilldowns:          escuDrilldowns("displayName"),
			RBA: risk.Spec{
				Message:     "Service Principal named $displayName$ created by $user$",
				RiskObjects: []risk.RiskObject{{Field: "displayName", Type: risk.User, Score: 45}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1136.003"},
				MITRETacticID:  attackTactics("T1136.003"),
				Product:        splunkProducts(),
				SecurityDomain: "threat",
			},
		},
	}
}
