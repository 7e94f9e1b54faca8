package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds the role-assignment family of the ESCU audit rules
// (reference §2.4.2, 2.4.15–2.4.17, 2.4.19, 2.4.20), as detection.Def
// values in the manner of catalogue_audit.go.
//
// Every rule here compares operationName exactly, as Entra writes it,
// where Splunk's search ignores case (as the other audit rules and the
// sign-in rules do): so the operation name is a literal of every matching
// record, for the prefilter. The role names in the base searches are
// compared without regard to case, as Splunk does.

// roleAssignmentRules returns this family's audit detections, in catalogue order.
func roleAssignmentRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		AzureADApplicationAdministratorRoleAssigned(),
		AzureADPIMRoleAssigned(),
		AzureADPIMRoleAssignmentActivated(),
		AzureADPrivilegedAuthenticationAdministratorRoleAssigned(),
		AzureADPrivilegedRoleAssigned(),
		AzureADPrivilegedRoleAssignedToServicePrincipal(),
	}
}

// The operation names the family's base searches look for.
const (
	opAddMemberToRole    = "Add member to role"
	opPIMEligibleDone    = "Add eligible member to role in PIM completed" // followed by " (permanent)" or " (timebound)"
	opPIMActivationDone  = "Add member to role completed (PIM activation)"
	roleAssignmentAuthor = "Splunk (ESCU content); escudo implementation"
)

// initiatedByBy is `rename initiatedBy.user.userPrincipalName as initiatedBy`
// as a BY column.
func initiatedByBy() detection.By[event.AuditEvent] {
	return detection.By[event.AuditEvent]{Field: "initiatedBy.user.userPrincipalName", As: "initiatedBy"}
}

// anyNewValue is a base-search term on
// properties.targetResources{}.modifiedProperties{}.newValue: whether the
// new value of any modified property of any target matches w. A null
// value, which Splunk holds as "null", matches none of the patterns used
// here.
func anyNewValue(ev *event.AuditEvent, w *spl.Wildcard) bool {
	for _, t := range ev.TargetResources {
		for _, p := range t.ModifiedProperties {
			if w.Match(p.NewValue) {
				return true
			}
		}
	}
	return false
}

// mvIndexBy is `rename <field> as x | eval <as>=mvindex(x, i)` as a BY
// column: the i-th value of the event's multivalue field, by the event
// package's values for it (for the modifiedProperties{} fields, one per
// modified property, "null" for a null), or none when there is no i-th
// value. A field name the event package does not know leaves Eval nil, so
// the engine rejects the column when it is built.
func mvIndexBy(field string, i int, as string) detection.By[event.AuditEvent] {
	f, err := event.LookupAuditField(field)
	if err != nil {
		return detection.By[event.AuditEvent]{Field: as}
	}
	return detection.By[event.AuditEvent]{Field: field, As: as, Eval: func(dst []string, ev *event.AuditEvent) []string {
		n := len(dst)
		dst = f.Append(dst, ev)
		v, ok := spl.MVIndex(dst[n:], i)
		dst = dst[:n]
		if ok {
			dst = append(dst, v)
		}
		return dst
	}}
}

// privilegedRoleThen is the post-stats stage of the two privileged-role
// rules:
//
//	| lookup privileged_azure_ad_roles azureadrole AS role OUTPUT isprvilegedadrole description
//	| search isprvilegedadrole = True
//
// Each row's role is looked up in lk; a row whose isprvilegedadrole has
// no value that search's case-insensitive "True" matches (no row matched:
// min_matches 1 with no default_match outputs nothing) is dropped. The
// rows kept get the columns isprvilegedadrole and description, after the
// stats columns: a string when one lookup row matches, a multivalue in
// file order when several do, as for "Cloud Application Administrator"
// (*Application Administrator* and *Cloud Application Administrator*).
// The output keeps one value per matching row, repeats included ("TRUE",
// "TRUE"); whether Splunk removes repeated lookup outputs is unverified.
// It returns new findings and leaves fs as it is.
func privilegedRoleThen(lk *PrivilegedRoleLookup) func(fs []detection.Finding) []detection.Finding {
	isTrue := spl.NewTerm("True")
	return func(fs []detection.Finding) []detection.Finding {
		var out []detection.Finding
		for _, f := range fs {
			role, _ := f.Value("role")
			var flags, descs []string
			for _, r := range lk.Role(role) {
				flags = appendLookupValue(flags, r.IsPrivilegedADRole)
				descs = appendLookupValue(descs, r.Description)
			}
			if !isTrue.Equal(flags) {
				continue
			}
			g := f.Clone()
			g.Columns = append(g.Columns, lookupColumn("isprvilegedadrole", flags), lookupColumn("description", descs))
			out = append(out, g)
		}
		return out
	}
}

// privilegedRoleColumns are the columns privilegedRoleThen adds.
func privilegedRoleColumns() []string { return []string{"isprvilegedadrole", "description"} }

// appendLookupValue appends a lookup output value unless it is empty,
// which is no value.
func appendLookupValue(dst []string, v string) []string {
	if v == "" {
		return dst
	}
	return append(dst, v)
}

// lookupColumn is an output column of the lookup: text for one value,
// multivalue for several.
func lookupColumn(name string, vs []string) detection.Column {
	kind := detection.Text
	if len(vs) > 1 {
		kind = detection.Multi
	}
	return detection.Column{Name: name, Kind: kind, Values: vs}
}

// AzureADApplicationAdministratorRoleAssigned is ESCU's "Azure AD
// Application Administrator Role Assigned"
// (eac4de87-7a56-4538-a21b-277897af6d8d, version 10):
//
//	`azure_monitor_aad` operationName="Add member to role"
//	  "properties.targetResources{}.modifiedProperties{}.newValue"="*Application Administrator*"
//	| rename properties.* as *
//	| rename initiatedBy.user.userPrincipalName as initiatedBy, userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy user_agent signature
//
// The wildcard term matches any modified property's new value, without
// regard to case, so "Cloud Application Administrator" matches too, as in
// Splunk. user is the add-on's CIM user, for "Add member to role" the
// member who got the role; initiatedBy is the user who gave it, "0" (by
// fillnull) when an application did, as does src without a
// callerIpAddress. user_agent is properties.userAgent, null in Entra's
// records, so "0".
//
// Deviation: operationName is compared exactly (see the file comment).
func AzureADApplicationAdministratorRoleAssigned() detection.Detection[event.AuditEvent] {
	appAdmin := spl.NewWildcard("*Application Administrator*", spl.WildcardOptions{}) // search terms ignore case
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.OperationName == opAddMemberToRole && anyNewValue(ev, appAdmin)
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				initiatedByBy(),
				detection.By[event.AuditEvent]{Field: "userAgent", As: "user_agent"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{opAddMemberToRole},
		Info: detection.Meta{
			ID: "eac4de87-7a56-4538-a21b-277897af6d8d", Name: "Azure AD Application Administrator Role Assigned",
			Version: 10, Date: "2025-05-02", Author: roleAssignmentAuthor,
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add member to role"},
			Description: "Finds Entra ID audit records of the Application Administrator role being given to an " +
				"account. The role manages every app registration and enterprise application, credentials " +
				"included, so whoever holds it can add a secret to an application and act with that " +
				"application's permissions.",
			Search: "`azure_monitor_aad`  operationName=\"Add member to role\"  \"properties.targetResources{}.modifiedProperties{}.newValue\"=\"*Application Administrator*\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy, userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy user_agent signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_application_administrator_role_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators give the role on purpose; check the assignment against a change request.",
			References:          escuReferences("eac4de87-7a56-4538-a21b-277897af6d8d"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "The privileged Azure AD role Application Administrator was assigned for User $user$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "endpoint",
			},
		},
	}
}

// AzureADPIMRoleAssigned is ESCU's "Azure AD PIM Role Assigned"
// (fcd6dfeb-191c-46a0-a29c-c306382145ab, version 9):
//
//	`azure_monitor_aad` operationName="Add eligible member to role in PIM completed*"
//	| rename properties.* as * | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product signature
//
// The trailing wildcard takes both "… completed (permanent)" and
// "… completed (timebound)", which stay apart by signature; the requests
// ("… requested (…)") and active assignments ("Add member to role in PIM
// completed (…)") are not eligible assignments and do not match. user is
// the add-on's CIM user, for these operations the UPN of the member made
// eligible. The risk message's "assiged" is ESCU's.
//
// Deviation: operationName is compared exactly, its wildcard included
// (see the file comment).
func AzureADPIMRoleAssigned() detection.Detection[event.AuditEvent] {
	eligible := spl.NewWildcard(opPIMEligibleDone+"*", spl.WildcardOptions{CaseSensitive: true})
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool { return eligible.Match(ev.Envelope.OperationName) },
		Group: detection.Grouping[event.AuditEvent]{
			By:       auditBy(detection.By[event.AuditEvent]{Field: "signature"}),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{opPIMEligibleDone},
		Info: detection.Meta{
			ID: "fcd6dfeb-191c-46a0-a29c-c306382145ab", Name: "Azure AD PIM Role Assigned",
			Version: 9, Date: "2025-05-02", Author: roleAssignmentAuthor,
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory"},
			Description: "Finds Entra ID audit records of Privileged Identity Management making an account " +
				"eligible for a directory role. An eligible account can activate the role when it wants, so " +
				"an attacker who makes an account of theirs eligible keeps a way back to the role.",
			Search: "`azure_monitor_aad` operationName=\"Add eligible member to role in PIM completed*\"\n" +
				"| rename properties.* as * | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_pim_role_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators make accounts eligible for roles as part of their work; check the assignment against a change request.",
			References:          escuReferences("fcd6dfeb-191c-46a0-a29c-c306382145ab"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "An Azure AD PIM role assignment was assiged to $user$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation", "Azure Active Directory Persistence"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADPIMRoleAssignmentActivated is ESCU's "Azure AD PIM Role
// Assignment Activated" (952e80d0-e343-439b-83f4-808c3e6fbf2e, version 10):
//
//	`azure_monitor_aad` operationName="Add member to role completed (PIM activation)"
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy signature
//
// The operation is not among the add-on's user-targeted ones, so its CIM
// user is the initiator's UPN: the user who activated the role, the same
// as initiatedBy, and the risk message names that user twice. The request
// ("… requested (PIM activation)") and the directory's own "Add member to
// role" that follows an activation do not match.
//
// Deviation: operationName is compared exactly (see the file comment).
func AzureADPIMRoleAssignmentActivated() detection.Detection[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool { return ev.Envelope.OperationName == opPIMActivationDone },
		Group: detection.Grouping[event.AuditEvent]{
			By:       auditBy(initiatedByBy(), detection.By[event.AuditEvent]{Field: "signature"}),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{opPIMActivationDone},
		Info: detection.Meta{
			ID: "952e80d0-e343-439b-83f4-808c3e6fbf2e", Name: "Azure AD PIM Role Assignment Activated",
			Version: 10, Date: "2025-05-02", Author: roleAssignmentAuthor,
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory"},
			Description: "Finds Entra ID audit records of an account activating, through Privileged Identity " +
				"Management, a directory role it is eligible for. An attacker holding an eligible account " +
				"activates the role to use its privileges for the activation's duration.",
			Search: "`azure_monitor_aad` operationName=\"Add member to role completed (PIM activation)\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_pim_role_assignment_activated_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Activating an eligible role is how PIM is meant to be used; look for activations at odd hours, from unusual addresses or of rarely used roles.",
			References:          escuReferences("952e80d0-e343-439b-83f4-808c3e6fbf2e"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "An Azure AD PIM role assignment was activated by $initiatedBy$ by $user$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation", "Azure Active Directory Persistence"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADPrivilegedAuthenticationAdministratorRoleAssigned is ESCU's
// "Azure AD Privileged Authentication Administrator Role Assigned"
// (a7da845d-6fae-41cf-b823-6c0b8c55814a, version 9):
//
//	`azure_monitor_aad` "operationName"="Add member to role"
//	  "properties.targetResources{}.modifiedProperties{}.newValue"="\"Privileged Authentication Administrator\""
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy signature
//
// The term has no wildcard: a new value must be the role name in its JSON
// quotes, whole, though without regard to case, so "Authentication
// Administrator" does not match and "privileged authentication
// administrator" does. user is the member who got the role, initiatedBy
// who gave it. ESCU tags the rule T1003.002 (Security Account Manager),
// which escudo keeps.
//
// Deviation: operationName is compared exactly (see the file comment).
func AzureADPrivilegedAuthenticationAdministratorRoleAssigned() detection.Detection[event.AuditEvent] {
	paa := spl.NewWildcard(`"Privileged Authentication Administrator"`, spl.WildcardOptions{}) // a whole value, case ignored
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.OperationName == opAddMemberToRole && anyNewValue(ev, paa)
		},
		Group: detection.Grouping[event.AuditEvent]{
			By:       auditBy(initiatedByBy(), detection.By[event.AuditEvent]{Field: "signature"}),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{opAddMemberToRole},
		Info: detection.Meta{
			ID: "a7da845d-6fae-41cf-b823-6c0b8c55814a", Name: "Azure AD Privileged Authentication Administrator Role Assigned",
			Version: 9, Date: "2025-05-02", Author: roleAssignmentAuthor,
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add member to role"},
			Description: "Finds Entra ID audit records of the Privileged Authentication Administrator role being " +
				"given to an account. The role sets and resets the sign-in methods of every user, " +
				"administrators included, so whoever holds it can take over a Global Administrator's account.",
			Search: "`azure_monitor_aad` \"operationName\"=\"Add member to role\" \"properties.targetResources{}.modifiedProperties{}.newValue\"=\"\\\"Privileged Authentication Administrator\\\"\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_privileged_authentication_administrator_role_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators give the role on purpose; check the assignment against a change request.",
			References:          escuReferences("a7da845d-6fae-41cf-b823-6c0b8c55814a"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message: "The privileged Azure AD role Privileged Authentication Administrator was assigned for User $user$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 50},
					{Field: "initiatedBy", Type: risk.User, Score: 50},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1003.002"},
				MITRETacticID:  attackTactics("T1003.002"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADPrivilegedRoleAssigned is ESCU's "Azure AD Privileged Role
// Assigned" (a28f0bc3-3400-4a6e-a2da-89b9e95f0d2a, version 10):
//
//	`azure_monitor_aad` "operationName"="Add member to role"
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename targetResources{}.modifiedProperties{}.newValue as roles
//	| eval role=mvindex(roles,1) | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy result role signature
//	| lookup privileged_azure_ad_roles azureadrole AS role OUTPUT isprvilegedadrole description
//	| search isprvilegedadrole = True
//
// role is the second new value over all targets' modified properties,
// which in an "Add member to role" record (Role.ObjectID,
// Role.DisplayName, Role.TemplateId, …) is the role's name in its JSON
// quotes; a record without a second value gets role "0" and no lookup
// match. The lookup and search are the Then stage (see privilegedRoleThen,
// and PrivilegedAzureADRoles for the table): a row is kept when one of
// the 38 patterns matches its role without regard to case, and gets the
// columns isprvilegedadrole and description. The search does not filter
// on result, so a failed assignment is a finding too.
//
// Deviation: operationName is compared exactly (see the file comment).
func AzureADPrivilegedRoleAssigned() detection.Detection[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool { return ev.Envelope.OperationName == opAddMemberToRole },
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				initiatedByBy(),
				detection.By[event.AuditEvent]{Field: "result"},
				mvIndexBy("targetResources{}.modifiedProperties{}.newValue", 1, "role"),
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:       auditTimes(),
			FillNull:    true,
			Then:        privilegedRoleThen(NewPrivilegedRoleLookup(PrivilegedAzureADRoles())),
			ThenColumns: privilegedRoleColumns(),
		},
		Lits: []string{opAddMemberToRole},
		Info: detection.Meta{
			ID: "a28f0bc3-3400-4a6e-a2da-89b9e95f0d2a", Name: "Azure AD Privileged Role Assigned",
			Version: 10, Date: "2025-05-02", Author: roleAssignmentAuthor,
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add member to role"},
			Description: "Finds Entra ID audit records of an account being given a directory role that ESCU's " +
				"privileged_azure_ad_roles lookup lists as privileged, from Global Administrator to Security " +
				"Reader. Giving such a role to an account an attacker controls keeps their elevated access.",
			Search: "`azure_monitor_aad` \"operationName\"=\"Add member to role\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | rename targetResources{}.modifiedProperties{}.newValue as roles\n" +
				"| eval role=mvindex(roles,1) | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy result role signature\n" +
				"| lookup privileged_azure_ad_roles azureadrole AS role OUTPUT isprvilegedadrole description | search isprvilegedadrole = True\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_privileged_role_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators give privileged roles as part of their work; check the assignment against a change request.",
			References:          escuReferences("a28f0bc3-3400-4a6e-a2da-89b9e95f0d2a"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message: "A privileged Azure AD role was assigned for User $user$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 63},
					{Field: "initiatedBy", Type: risk.User, Score: 63},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "audit",
			},
		},
	}
}

// AzureADPrivilegedRoleAssignedToServicePrincipal is ESCU's "Azure AD
// Privileged Role Assigned to Service Principal"
// (5dfaa3d3-e2e4-4053-8252-16d9ee528c41, version 9):
//
//	`azure_monitor_aad` operationName="Add member to role"
//	| rename properties.* as * | search "targetResources{}.type"=ServicePrincipal
//	| rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename targetResources{}.modifiedProperties{}.newValue as roles | eval role=mvindex(roles,1)
//	| rename targetResources{}.displayName as apps | eval displayName=mvindex(apps,0) | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product displayName initiatedBy result role signature
//	| lookup privileged_azure_ad_roles azureadrole AS role OUTPUT isprvilegedadrole description
//	| search isprvilegedadrole = True
//
// The search keeps records with a target of type ServicePrincipal (case
// ignored); displayName is the first target display name, the service
// principal's, as it is the first target. role and the lookup are as in
// [AzureADPrivilegedRoleAssigned]. A service principal has no UPN, so the
// CIM user is "0" (by fillnull); an assignment an application made has
// initiatedBy "0" too, and so a risk event for "0", as in ESCU.
//
// targetResources{}.displayName leaves out null display names (see
// event.AuditEvent); Splunk may hold them as "null" [inferred], which
// would change mvindex(apps,0) only for a record whose first target has a
// null name, unlike the records of this operation seen.
//
// Deviation: operationName is compared exactly (see the file comment).
func AzureADPrivilegedRoleAssignedToServicePrincipal() detection.Detection[event.AuditEvent] {
	sp := spl.NewWildcard("ServicePrincipal", spl.WildcardOptions{}) // search terms ignore case
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != opAddMemberToRole {
				return false
			}
			for _, t := range ev.TargetResources {
				if sp.Match(t.Type) {
					return true
				}
			}
			return false
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				mvIndexBy("targetResources{}.displayName", 0, "displayName"),
				initiatedByBy(),
				detection.By[event.AuditEvent]{Field: "result"},
				mvIndexBy("targetResources{}.modifiedProperties{}.newValue", 1, "role"),
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:       auditTimes(),
			FillNull:    true,
			Then:        privilegedRoleThen(NewPrivilegedRoleLookup(PrivilegedAzureADRoles())),
			ThenColumns: privilegedRoleColumns(),
		},
		Lits: []string{opAddMemberToRole},
		Info: detection.Meta{
			ID: "5dfaa3d3-e2e4-4053-8252-16d9ee528c41", Name: "Azure AD Privileged Role Assigned to Service Principal",
			Version: 9, Date: "2025-05-02", Author: roleAssignmentAuthor,
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add member to role"},
			Description: "Finds Entra ID audit records of a service principal being given a directory role that " +
				"ESCU's privileged_azure_ad_roles lookup lists as privileged. An application identity with " +
				"such a role uses it with its own credentials, outside the sign-in checks people go through, " +
				"which makes it a quiet way to keep privileged access.",
			Search: "`azure_monitor_aad` operationName=\"Add member to role\"\n" +
				"| rename properties.* as * | search \"targetResources{}.type\"=ServicePrincipal | rename initiatedBy.user.userPrincipalName as initiatedBy\n" +
				"| rename targetResources{}.modifiedProperties{}.newValue as roles | eval role=mvindex(roles,1)\n" +
				"| rename targetResources{}.displayName as apps | eval displayName=mvindex(apps,0) | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product displayName initiatedBy result role signature\n" +
				"| lookup privileged_azure_ad_roles azureadrole AS role OUTPUT isprvilegedadrole description | search isprvilegedadrole = True\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_privileged_role_assigned_to_service_principal_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Automation and management tools are given privileged roles on purpose; check the assignment against a change request.",
			References:          escuReferences("5dfaa3d3-e2e4-4053-8252-16d9ee528c41"),
			Drilldowns:          escuDrilldowns("initiatedBy"),
			RBA: risk.Spec{
				Message:     "A privileged Azure AD role was assigned to the Service Principal $displayName$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{{Field: "initiatedBy", Type: risk.User, Score: 35}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}
