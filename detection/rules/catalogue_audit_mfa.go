package rules

import (
	"cmp"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds the audit rules on authentication methods (MFA disabled,
// MFA methods registered) and on service principals created in bulk, in
// the reference's order (auditlogs-facts.md §2.4.7, 2.4.8, 2.4.9, 2.4.12,
// 2.4.13), as detection.Def values like those of catalogue_audit.go.

// authMethodRules returns this family's audit detections, in catalogue order.
func authMethodRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		AzureADMultiFactorAuthenticationDisabled(),
		AzureADMultipleServicePrincipalsCreatedBySP(),
		AzureADMultipleServicePrincipalsCreatedByUser(),
		AzureADNewMFAMethodRegistered(),
		AzureADNewMFAMethodRegisteredForUser(),
	}
}

// userAgentBy is `rename userAgent as user_agent` as a BY field:
// properties.userAgent, null in Entra's records, so "0" after fillnull.
// It replaces the add-on's user_agent (the User-Agent additional detail).
func userAgentBy() detection.By[event.AuditEvent] {
	return detection.By[event.AuditEvent]{Field: "userAgent", As: "user_agent"}
}

// AzureADMultiFactorAuthenticationDisabled is ESCU's "Azure AD
// Multi-Factor Authentication Disabled" (482dd42a-acfa-486b-a0bb-d6fcda27318e,
// version 9):
//
//	`azure_monitor_aad` category=AuditLogs operationName="Disable Strong Authentication"
//	| rename properties.* as * | rename targetResources{}.type as type
//	| rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent initiatedBy signature
//
// The search does not test the result, so a failed attempt is a finding
// too; the rename of targetResources{}.type is never used. user is the
// add-on's CIM user, and "Disable Strong Authentication" is not one of the
// operations for which the add-on (5.0.0) takes the target's UPN, so user
// is the initiator's UPN, the same value as initiatedBy: the row and the
// risk message name the administrator twice, the risk goes to the
// administrator, and the accounts whose MFA was turned off
// (targetResources{}.userPrincipalName) are not in the output, so one
// administrator's changes to several accounts make one row. escudo keeps
// the SPL's columns as ESCU gives them with that add-on [5.6.0, which
// ESCU names, is unverified]. fillnull makes a missing src (no
// callerIpAddress) and user_agent "0".
func AzureADMultiFactorAuthenticationDisabled() detection.Detection[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.Category == "AuditLogs" && ev.Envelope.OperationName == "Disable Strong Authentication"
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				userAgentBy(),
				detection.By[event.AuditEvent]{Field: "initiatedBy.user.userPrincipalName", As: "initiatedBy"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Disable Strong Authentication"},
		Info: detection.Meta{
			ID: "482dd42a-acfa-486b-a0bb-d6fcda27318e", Name: "Azure AD Multi-Factor Authentication Disabled",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Disable Strong Authentication"},
			Description: "Finds Entra ID audit records of per-user multi-factor authentication being turned off " +
				"for an account. An attacker who controls an account that may change it can switch MFA off " +
				"so that a stolen password alone signs in, and keep that access unnoticed.",
			Search: "`azure_monitor_aad` category=AuditLogs operationName=\"Disable Strong Authentication\"\n" +
				"| rename properties.* as * | rename targetResources{}.type as type | rename initiatedBy.user.userPrincipalName as initiatedBy | rename userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent initiatedBy signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_multi_factor_authentication_disabled_filter`",
			HowToImplement: auditHowTo,
			KnownFalsePositives: "Administrators turn per-user MFA off on purpose, for example when moving accounts to " +
				"Conditional Access or helping a user who lost a device; check the change against a request.",
			References: escuReferences("482dd42a-acfa-486b-a0bb-d6fcda27318e"),
			Drilldowns: escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "MFA disabled for User $user$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 45}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1556.006", "T1586.003"},
				MITRETacticID:  attackTactics("T1556.006", "T1586.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// spBulkGrouping is the grouping the two "Multiple Service Principals
// Created" rules share, by the initiator column srcUser:
//
//	| bucket span=10m _time | rename targetResources{}.displayName as displayName
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime dc(displayName) as unique_apps
//	  values(displayName) as displayName values(dest) as dest values(src) as src
//	  values(user) as user values(user_agent) as user_agent
//	  by src_user vendor_account vendor_product signature
//	| where unique_apps > 3
//
// Deviation: _time is not a BY field, so as written the 10-minute bins
// group nothing: the threshold would count over the whole time range
// searched, and the bins would only floor firstTime and lastTime. ESCU's
// description and risk message ("in a short period of time") mean more
// than three in 10 minutes, so escudo groups by the bin too, as it does
// for the sign-in rules with the same defect (auditlogs-facts §3.4):
// _time is the last BY column.
func spBulkGrouping(srcUser detection.By[event.AuditEvent]) detection.Grouping[event.AuditEvent] {
	return detection.Grouping[event.AuditEvent]{
		By: []detection.By[event.AuditEvent]{srcUser, {Field: "vendor_account"}, {Field: "vendor_product"}, {Field: "signature"}, {Field: detection.TimeField}},
		Stats: append(auditTimes(),
			detection.Stat[event.AuditEvent]{Func: detection.DistinctCount, Field: "targetResources{}.displayName", As: "unique_apps"},
			detection.Stat[event.AuditEvent]{Func: detection.Values, Field: "targetResources{}.displayName", As: "displayName"},
			detection.Stat[event.AuditEvent]{Func: detection.Values, Field: "dest", As: "dest"},
			detection.Stat[event.AuditEvent]{Func: detection.Values, Field: "src", As: "src"},
			detection.Stat[event.AuditEvent]{Func: detection.Values, Field: "user", As: "user"},
			detection.Stat[event.AuditEvent]{Func: detection.Values, Field: "userAgent", As: "user_agent"},
		),
		Span:     10 * time.Minute, // bucket span=10m _time
		FillNull: true,
		Where:    []detection.Condition{{Column: "unique_apps", Op: detection.Greater, Value: 3}},
	}
}

// spBulkMeta is the metadata the two "Multiple Service Principals
// Created" rules share; the caller sets ID, Name, Version, References,
// Description and Search.
func spBulkMeta() detection.Meta {
	return detection.Meta{
		Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
		Status: "production", Type: "Anomaly", DataSource: []string{"Azure Active Directory Add service principal"},
		HowToImplement: auditHowTo,
		KnownFalsePositives: "Deployment pipelines, provisioning services and administrators setting up an " +
			"integration can create several service principals at once; filter the known ones.",
		Drilldowns: escuDrilldowns("src_user"),
		RBA: risk.Spec{
			Message:     "Multiple OAuth applications were created by $src_user$ in a short period of time",
			RiskObjects: []risk.RiskObject{{Field: "src_user", Type: risk.User, Score: 42}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Persistence", "NOBELIUM Group"},
			AssetType:      "Azure Active Directory",
			MITREAttackID:  []string{"T1136.003"},
			MITRETacticID:  attackTactics("T1136.003"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}

// spBulkSearch is the SPL of the two rules after the base search and
// before the filter macro.
const spBulkSearch = "| stats count min(_time) as firstTime max(_time) as lastTime dc(displayName) as unique_apps values(displayName) as displayName values(dest) as dest values(src) as src values(user) as user values(user_agent) as user_agent by src_user vendor_account vendor_product signature\n" +
	"| where unique_apps > 3 | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`"

// AzureADMultipleServicePrincipalsCreatedBySP is ESCU's "Azure AD
// Multiple Service Principals Created by SP"
// (66cb378f-234d-4fe1-bb4c-e7878ff6b017, version 9):
//
//	`azure_monitor_aad` operationName="Add service principal" properties.initiatedBy.app.appId=*
//	| rename properties.* as * | bucket span=10m _time
//	| rename targetResources{}.displayName as displayName | rename targetResources{}.type as type
//	| rename initiatedBy.app.displayName as src_user | rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime dc(displayName) as unique_apps
//	  values(displayName) as displayName values(dest) as dest values(src) as src
//	  values(user) as user values(user_agent) as user_agent
//	  by src_user vendor_account vendor_product signature
//	| where unique_apps > 3
//
// An application that creates more than three differently named service
// principals in one 10-minute bin is a finding (a deviation: see
// spBulkGrouping, which adds the bin to the BY clause). src_user is the
// initiating application's display name, which the rename puts in place
// of the add-on's src_user; user holds the add-on's CIM user, for this
// operation the names of the service principals created; src is "0" for
// records without callerIpAddress, as Entra writes app-initiated ones.
//
// Deviation: properties.initiatedBy.app.appId=* is read as "the initiator
// is an application" (initiatedBy.app has a value in any of its fields).
// Entra writes appId as null in app-initiated records (every sample
// seen), which Splunk's JSON extraction gives as the text "null", which
// =* matches [inferred, as in event's notes on null]; escudo has no value
// for a null, so the literal test would never match real records.
func AzureADMultipleServicePrincipalsCreatedBySP() detection.Detection[event.AuditEvent] {
	m := spBulkMeta()
	m.ID, m.Name, m.Version = "66cb378f-234d-4fe1-bb4c-e7878ff6b017", "Azure AD Multiple Service Principals Created by SP", 9
	m.References = escuReferences(m.ID)
	m.Description = "Finds an application (service principal) in Entra ID creating more than three differently " +
		"named service principals within 10 minutes. A compromised or malicious application can mass-create service " +
		"principals to stage access that survives the loss of any one of them."
	m.Search = "`azure_monitor_aad` operationName=\"Add service principal\" properties.initiatedBy.app.appId=*\n" +
		"| rename properties.* as * | bucket span=10m _time | rename targetResources{}.displayName as displayName | rename targetResources{}.type as type | rename initiatedBy.app.displayName as src_user | rename userAgent as user_agent | fillnull\n" +
		spBulkSearch + " | `azure_ad_multiple_service_principals_created_by_sp_filter`"
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			app := &ev.InitiatedBy.App
			return ev.Envelope.OperationName == "Add service principal" &&
				(app.AppID != "" || app.DisplayName != "" || app.ServicePrincipalID != "" || app.ServicePrincipalName != "")
		},
		Group: spBulkGrouping(detection.By[event.AuditEvent]{Field: "initiatedBy.app.displayName", As: "src_user"}),
		Lits:  []string{"Add service principal"},
		Info:  m,
	}
}

// AzureADMultipleServicePrincipalsCreatedByUser is ESCU's "Azure AD
// Multiple Service Principals Created by User"
// (32880707-f512-414e-bd7f-204c0c85b758, version 8):
//
//	`azure_monitor_aad` operationName="Add service principal" properties.initiatedBy.user.id=*
//	| rename properties.* as * | bucket span=10m _time
//	| rename targetResources{}.displayName as displayName
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime dc(displayName) as unique_apps
//	  values(displayName) as displayName values(dest) as dest values(src) as src
//	  values(user) as user values(user_agent) as user_agent
//	  by src_user vendor_account vendor_product signature
//	| where unique_apps > 3
//
// A user who creates more than three differently named service principals
// in one 10-minute bin is a finding (a deviation: see spBulkGrouping,
// which adds the bin to the BY clause). The base search keeps
// records with an initiatedBy.user.id, as AzureADServicePrincipalCreated
// does. src_user is the add-on's, which for this operation is the
// initiator's UPN (else the initiator's display name); user holds the
// add-on's CIM user, the names of the service principals created.
func AzureADMultipleServicePrincipalsCreatedByUser() detection.Detection[event.AuditEvent] {
	m := spBulkMeta()
	m.ID, m.Name, m.Version = "32880707-f512-414e-bd7f-204c0c85b758", "Azure AD Multiple Service Principals Created by User", 8
	m.References = escuReferences(m.ID)
	m.Description = "Finds a user in Entra ID creating more than three differently named service principals within 10 minutes. " +
		"An attacker with a foothold can mass-create service principals to stage access that survives " +
		"password resets and the loss of any one of them."
	m.Search = "`azure_monitor_aad` operationName=\"Add service principal\" properties.initiatedBy.user.id=*\n" +
		"| rename properties.* as * | bucket span=10m _time | rename targetResources{}.displayName as displayName | rename userAgent as user_agent | fillnull\n" +
		spBulkSearch + " | `azure_ad_multiple_service_principals_created_by_user_filter`"
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.OperationName == "Add service principal" && ev.InitiatedBy.User.ID != ""
		},
		Group: spBulkGrouping(detection.By[event.AuditEvent]{Field: "src_user"}),
		Lits:  []string{"Add service principal"},
		Info:  m,
	}
}

// firstModified is the modified property at index 0 of
// 'targetResources{}.modifiedProperties{}.*', which Splunk flattens over
// every target in order: the first property of the first target that has
// any. nil when there is none.
func firstModified(ev *event.AuditEvent) *event.ModifiedProperty {
	for i := range ev.TargetResources {
		if ps := ev.TargetResources[i].ModifiedProperties; len(ps) > 0 {
			return &ps[0]
		}
	}
	return nil
}

// modifiedText is a modified property's oldValue or newValue as Splunk
// holds it: the JSON text, or "null" for a null value, as event's
// targetResources{}.modifiedProperties{} fields give it.
func modifiedText(v string) string { return cmp.Or(v, "null") }

// modifiedBy is a BY field holding one value of the first modified
// property: `eval <name> = mvindex('targetResources{}.modifiedProperties{}.<value>', 0)`.
func modifiedBy(name string, value func(p *event.ModifiedProperty) string) detection.By[event.AuditEvent] {
	return detection.By[event.AuditEvent]{Field: name, Eval: func(dst []string, ev *event.AuditEvent) []string {
		if p := firstModified(ev); p != nil {
			dst = append(dst, modifiedText(value(p)))
		}
		return dst
	}}
}

// AzureADNewMFAMethodRegistered is ESCU's "Azure AD New MFA Method
// Registered" (0488e814-eb81-42c3-9f1f-b2244973e3a3, version 8):
//
//	`azure_monitor_aad` operationName="Update user" | rename properties.* as *
//	| eval propertyName = mvindex('targetResources{}.modifiedProperties{}.displayName',0)
//	| search propertyName = StrongAuthenticationMethod
//	| eval oldvalue = mvindex('targetResources{}.modifiedProperties{}.oldValue',0)
//	| eval newvalue = mvindex('targetResources{}.modifiedProperties{}.newValue',0)
//	| rex field=newvalue max_match=0 "(?i)(?<new_method_type>\"MethodType\")"
//	| rex field=oldvalue max_match=0 "(?i)(?<old_method_type>\"MethodType\")"
//	| eval count_new_method_type = coalesce(mvcount(new_method_type), 0)
//	| eval count_old_method_type = coalesce(mvcount(old_method_type), 0)
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product newvalue oldvalue signature
//
// Only the first modified property counts (mvindex 0, over all targets):
// its name must be StrongAuthenticationMethod, compared as search does,
// whole and without regard to case. newvalue and oldvalue are that
// property's values as JSON text ("null" for a null), the list of the
// user's methods such as [{"MethodType":6,"Default":true}], and are BY
// fields, so each distinct change is its own row. user is the add-on's
// CIM user, for "Update user" the target's UPN.
//
// Deviation: the SPL counts the "MethodType" keys of each value and then
// never uses the counts, so every change of the property is a finding,
// a method removed or a new default included. Its sibling "O365 New MFA
// Method Registered" (4e12db1f-f7c7-486d-8152-a221cad6ac2b, same author
// and evals) follows them with `| where count_new_method_type >
// count_old_method_type`, which is evidently what this search means too;
// escudo applies it, so a finding needs the new value to list more
// methods than the old.
func AzureADNewMFAMethodRegistered() detection.Detection[event.AuditEvent] {
	property := spl.NewTerm("StrongAuthenticationMethod")
	newType := spl.MustCompileRex(`(?i)(?<new_method_type>"MethodType")`, 0)
	oldType := spl.MustCompileRex(`(?i)(?<old_method_type>"MethodType")`, 0)
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != "Update user" {
				return false
			}
			p := firstModified(ev)
			if p == nil {
				return false
			}
			if name := [1]string{p.DisplayName}; !property.Equal(name[:]) {
				return false
			}
			// coalesce(mvcount(...), 0): a value rex finds nothing in counts 0.
			return len(newType.Extract(modifiedText(p.NewValue))[0]) > len(oldType.Extract(modifiedText(p.OldValue))[0])
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				modifiedBy("newvalue", func(p *event.ModifiedProperty) string { return p.NewValue }),
				modifiedBy("oldvalue", func(p *event.ModifiedProperty) string { return p.OldValue }),
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Update user"},
		Info: detection.Meta{
			ID: "0488e814-eb81-42c3-9f1f-b2244973e3a3", Name: "Azure AD New MFA Method Registered",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Update user"},
			Description: "Finds Entra ID audit records of an account gaining a multi-factor authentication " +
				"method (its StrongAuthenticationMethod list grows). An attacker who has taken over an " +
				"account can add a method of their own to keep passing MFA after the password is reset.",
			Search: "`azure_monitor_aad` operationName=\"Update user\" | rename properties.* as *\n" +
				"| eval propertyName = mvindex('targetResources{}.modifiedProperties{}.displayName',0) | search propertyName = StrongAuthenticationMethod\n" +
				"| eval oldvalue = mvindex('targetResources{}.modifiedProperties{}.oldValue',0) | eval newvalue = mvindex('targetResources{}.modifiedProperties{}.newValue',0)\n" +
				"| rex field=newvalue max_match=0 \"(?i)(?<new_method_type>\\\"MethodType\\\")\" | rex field=oldvalue max_match=0 \"(?i)(?<old_method_type>\\\"MethodType\\\")\"\n" +
				"| eval count_new_method_type = coalesce(mvcount(new_method_type), 0) | eval count_old_method_type = coalesce(mvcount(old_method_type), 0) | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product newvalue oldvalue signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_new_mfa_method_registered_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Users add methods themselves, new staff register their first ones; check with the user.",
			References:          escuReferences("0488e814-eb81-42c3-9f1f-b2244973e3a3"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "A new MFA method was registered for user $user$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 30}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1098.005"},
				MITRETacticID:  attackTactics("T1098.005"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// cimChangeAction is the add-on's CIM action for an audit record. The
// add-on (5.0.0) computes action itself only for sign-ins; for audit
// records it takes it from its lookup mscs_aad_change_analysis, keyed on
// operationName, which escudo does not carry. So it gives no value, and
// fillnull makes it "0".
func cimChangeAction(dst []string, _ *event.AuditEvent) []string { return dst }

// AzureADNewMFAMethodRegisteredForUser is ESCU's "Azure AD New MFA Method
// Registered For User" (2628b087-4189-403f-9044-87403f777a1b, version 9):
//
//	`azure_monitor_aad` category=AuditLogs operationName="User registered security info"
//	  properties.operationType=Add
//	| rename properties.* as * | rename targetResources{}.* as *
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by action dest user src vendor_account vendor_product user_agent result resultDescription signature
//
// The search does not test the result. user is the add-on's CIM user, for
// this operation the target's UPN (the account that registered the
// method); result is properties.result; resultDescription is the
// envelope's, the method registered ("User registered Authenticator App
// with Notification and Code"). The rename of targetResources{}.* lifts
// fields no later command uses.
//
// Deviation: action, the first BY field, has no value for audit records
// in escudo (see cimChangeAction), and Splunk's fillnull fills only the
// fields some event has, so read literally, wherever the add-on's lookup
// gives no action, stats drops every row and the rule never fires. The
// column is a leftover: until 2025-03 the search had
// `rename operationName as action`; the change that dropped the rename
// for `signature` removed action from the sibling rule's BY too, but not
// from this one. escudo keeps the column, filled with "0" as its fillnull
// does for a missing field, so every registration is a finding. Since the
// base search fixes operationName and the lookup is keyed on it, action
// is the same for every record and never splits a row; only its text
// differs from a site where the lookup supplies one.
func AzureADNewMFAMethodRegisteredForUser() detection.Detection[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.Category == "AuditLogs" && ev.Envelope.OperationName == "User registered security info" &&
				ev.OperationType == "Add"
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: append([]detection.By[event.AuditEvent]{{Field: "action", Eval: cimChangeAction}}, auditBy(
				userAgentBy(),
				detection.By[event.AuditEvent]{Field: "result"},
				detection.By[event.AuditEvent]{Field: "resultDescription"},
				detection.By[event.AuditEvent]{Field: "signature"},
			)...),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"User registered security info"},
		Info: detection.Meta{
			ID: "2628b087-4189-403f-9044-87403f777a1b", Name: "Azure AD New MFA Method Registered For User",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory User registered security info"},
			Description: "Finds Entra ID audit records of an account registering new security information " +
				"(an authenticator app, a phone, a security key). An attacker who has taken over an account " +
				"can register a method of their own to keep access after the owner resets the password.",
			Search: "`azure_monitor_aad` category=AuditLogs operationName=\"User registered security info\" properties.operationType=Add\n" +
				"| rename properties.* as * | rename targetResources{}.* as * | rename userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by action dest user src vendor_account vendor_product user_agent result resultDescription signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_new_mfa_method_registered_for_user_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "New staff registering their first methods, and users replacing a phone, match too.",
			References:          escuReferences("2628b087-4189-403f-9044-87403f777a1b"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:       "A new MFA method was registered for user $user$",
				RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 64}},
				ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Compromised User Account", "Azure Active Directory Account Takeover"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1556.006"},
				MITRETacticID:  attackTactics("T1556.006"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}
