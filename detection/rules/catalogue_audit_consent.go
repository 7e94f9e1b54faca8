package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds the consent family of the ESCU audit rules: application
// consent and the app-role and role grants that bypass it (reference
// §2.4.1, 2.4.3, 2.4.14, 2.4.25, 2.4.26).
//
// Like the other audit rules, they compare operationName as Microsoft
// writes it, exactly, where Splunk's search would ignore case; so each
// rule's literal, its operation name, is in every record it matches.

// consentRules returns this family's audit detections, in catalogue order.
func consentRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		AzureADAdminConsentBypassedByServicePrincipal(),
		AzureADBlockUserConsentForRiskyAppsDisabled(),
		AzureADOAuthApplicationConsentGrantedByUser(),
		AzureADTenantWideAdminConsentGranted(),
		AzureADUserConsentBlockedForRiskyApplication(),
	}
}

// The operations the consent rules search for.
const (
	consentToApplication = "Consent to application"
	consentAppRoleToSP   = "Add app role assignment to service principal"
	consentMemberToRole  = "Add member to role" // searched as "Add member to role*"
	consentAuthzPolicy   = "Update authorization policy"
)

// consentProps reads the modified properties as the consent searches do,
// by position in the parallel multivalue fields
// targetResources{}.modifiedProperties{}.displayName and .newValue, which
// hold one value per modified property of every target ("null" for a
// null one), so that index i of one is index i of the other.
type consentProps struct {
	names, values event.Field[event.AuditEvent]
}

func newConsentProps() consentProps {
	return consentProps{
		names:  mustAuditField("targetResources{}.modifiedProperties{}.displayName"),
		values: mustAuditField("targetResources{}.modifiedProperties{}.newValue"),
	}
}

// find is ESCU's if(mvfind('…displayName', re) >= 0, mvfind('…displayName', re), -1).
func (p consentProps) find(ev *event.AuditEvent, re *spl.Regex) int {
	i, ok := spl.MVFind(p.names.Append(nil, ev), re)
	return spl.If(ok, i, -1)
}

// at is mvindex('…newValue', i), and whether it has a value. A negative i
// counts from the end, so the -1 of a failed find is the last value.
func (p consentProps) at(ev *event.AuditEvent, i int) (string, bool) {
	return spl.MVIndex(p.values.Append(nil, ev), i)
}

// named is mvindex('…newValue', find(ev, re)).
func (p consentProps) named(ev *event.AuditEvent, re *spl.Regex) (string, bool) {
	return p.at(ev, p.find(ev, re))
}

// consentRex returns a BY Eval that runs rex's first named group over the
// value get gives: no value when get has none or the regex does not match.
func consentRex(x *spl.Rex, get func(ev *event.AuditEvent) (string, bool)) func(dst []string, ev *event.AuditEvent) []string {
	return func(dst []string, ev *event.AuditEvent) []string {
		v, ok := get(ev)
		if !ok {
			return dst
		}
		return append(dst, x.Extract(v)[0]...)
	}
}

// consentScopeRex is the rex of rules 2.4.14 and 2.4.26 as ESCU meant it
// (see AzureADOAuthApplicationConsentGrantedByUser).
func consentScopeRex() *spl.Rex { return spl.MustCompileRex(`Scope: (?<Scope>[^,]+)`, 1) }

// AzureADAdminConsentBypassedByServicePrincipal is ESCU's "Azure AD Admin
// Consent Bypassed by Service Principal" (9d4fea43-9182-4c5a-ada8-13701fd5615d,
// version 9):
//
//	`azure_monitor_aad` (operationName="Add app role assignment to service principal"
//	  OR operationName="Add member to role*") src_user_type=servicePrincipal
//	| rename properties.* as *
//	| eval roleId = mvindex('targetResources{}.modifiedProperties{}.newValue',0)
//	| eval roleValue = mvindex('targetResources{}.modifiedProperties{}.newValue',1)
//	| eval roleDescription = mvindex('targetResources{}.modifiedProperties{}.newValue',2)
//	| eval user_id = mvindex('targetResources{}.id', 0), user=coalesce(user,mvindex('targetResources{}.displayName',0))
//	| rename initiatedBy.app.displayName as src_user, userAgent as user_agent
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product src_user user_id roleId roleValue roleDescription user_agent signature
//
// src_user_type is the add-on's: an application initiated the change. The
// search term ignores case, so it also takes the add-on's
// "ServicePrincipal", which escudo gives when the app's
// servicePrincipalName is null, as it is in real records (see
// event/audit_field.go). roleId, roleValue and roleDescription are the
// first three modified properties' new values, JSON quotes kept: AppRole.Id,
// AppRole.Value and AppRole.DisplayName for an app role, but Role.ObjectID,
// Role.DisplayName and Role.TemplateId for "Add member to role", so there
// roleValue is the role's name. The add-on's user is the initiator's UPN
// for an app role assignment (none, an app did it) and the members' UPNs
// for "Add member to role" (none for a service principal member); the
// coalesce then falls back to the first target's displayName, the
// resource or service principal that got the grant. fillnull makes the
// missing src (no callerIpAddress for an app) and user_agent "0".
//
// ESCU keys both drilldowns on $dest$, the tenant, not on a risk object;
// escudo keeps them so.
func AzureADAdminConsentBypassedByServicePrincipal() detection.Detection[event.AuditEvent] {
	props := newConsentProps()
	srcUserType := mustAuditField("src_user_type")
	user := mustAuditField("user")
	targetIDs := mustAuditField("targetResources{}.id")
	targetNames := mustAuditField("targetResources{}.displayName")
	servicePrincipal := spl.NewTerm("servicePrincipal")
	memberToRole := spl.NewWildcard(consentMemberToRole+"*", spl.WildcardOptions{CaseSensitive: true})
	first := func(f event.Field[event.AuditEvent], ev *event.AuditEvent) []string {
		if v, ok := spl.MVIndex(f.Append(nil, ev), 0); ok {
			return []string{v}
		}
		return nil
	}
	newValue := func(i int) func(dst []string, ev *event.AuditEvent) []string {
		return func(dst []string, ev *event.AuditEvent) []string {
			if v, ok := props.at(ev, i); ok {
				dst = append(dst, v)
			}
			return dst
		}
	}
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			op := ev.Envelope.OperationName
			if op != consentAppRoleToSP && !memberToRole.Match(op) {
				return false
			}
			return servicePrincipal.Equal(srcUserType.Append(nil, ev))
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: []detection.By[event.AuditEvent]{
				{Field: "dest"},
				{Field: "user", Eval: func(dst []string, ev *event.AuditEvent) []string {
					return append(dst, spl.CoalesceMV(user.Append(nil, ev), first(targetNames, ev))...)
				}},
				{Field: "src"}, {Field: "vendor_account"}, {Field: "vendor_product"},
				{Field: "initiatedBy.app.displayName", As: "src_user"},
				{Field: "user_id", Eval: func(dst []string, ev *event.AuditEvent) []string {
					return append(dst, first(targetIDs, ev)...)
				}},
				{Field: "roleId", Eval: newValue(0)},
				{Field: "roleValue", Eval: newValue(1)},
				{Field: "roleDescription", Eval: newValue(2)},
				{Field: "userAgent", As: "user_agent"},
				{Field: "signature"},
			},
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{consentAppRoleToSP, consentMemberToRole},
		Info: detection.Meta{
			ID: "9d4fea43-9182-4c5a-ada8-13701fd5615d", Name: "Azure AD Admin Consent Bypassed by Service Principal",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add app role assignment to service principal"},
			Description: "Finds Entra ID audit records of an application, acting as its service principal, granting " +
				"an app role to a service principal or adding a member to a directory role. Such a grant skips " +
				"the admin consent a person would have to give; an attacker holding an application's credentials " +
				"can use it to give an application broad permissions, such as full access to every mailbox.",
			Search: "`azure_monitor_aad` (operationName=\"Add app role assignment to service principal\" OR operationName=\"Add member to role*\") src_user_type=servicePrincipal\n" +
				"| rename properties.* as *\n" +
				"| eval roleId = mvindex('targetResources{}.modifiedProperties{}.newValue',0)\n" +
				"| eval roleValue = mvindex('targetResources{}.modifiedProperties{}.newValue',1)\n" +
				"| eval roleDescription = mvindex('targetResources{}.modifiedProperties{}.newValue',2)\n" +
				"| eval user_id = mvindex('targetResources{}.id', 0), user=coalesce(user,mvindex('targetResources{}.displayName',0))\n" +
				"| rename initiatedBy.app.displayName as src_user, userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product src_user user_id roleId roleValue roleDescription user_agent signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_admin_consent_bypassed_by_service_principal_filter`",
			HowToImplement: auditHowTo,
			KnownFalsePositives: "Automation runs as service principals that assign app roles or directory roles on purpose; " +
				"exclude the known deployment identities.",
			References: escuReferences("9d4fea43-9182-4c5a-ada8-13701fd5615d"),
			Drilldowns: escuDrilldowns("dest"),
			RBA: risk.Spec{
				Message: "Service principal $src_user$ bypassed the admin consent process and granted permissions to $user$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 54},
					{Field: "src_user", Type: risk.User, Score: 54},
				},
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

// AzureADBlockUserConsentForRiskyAppsDisabled is ESCU's "Azure AD Block
// User Consent For Risky Apps Disabled" (875de3d7-09bc-4916-8c0a-0929f4ced3d8,
// version 9):
//
//	`azure_monitor_aad` operationName="Update authorization policy"
//	| rename properties.* as *
//	| eval index_number = if(mvfind('targetResources{}.modifiedProperties{}.displayName',"AllowUserConsentForRiskyApps") >= 0,
//	  mvfind('targetResources{}.modifiedProperties{}.displayName',"AllowUserConsentForRiskyApps"), -1)
//	| search index_number >= 0
//	| eval AllowUserConsentForRiskyApps = mvindex('targetResources{}.modifiedProperties{}.newValue',index_number)
//	| search AllowUserConsentForRiskyApps = "[true]"
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent signature
//
// The first modified property whose name contains
// AllowUserConsentForRiskyApps (mvfind's regex is unanchored) must have
// the new value [true], the JSON array text Entra writes, compared without
// regard to case as search does. Positions stay aligned across a null
// value, which counts as "null" (event/audit_field.go). The policy update
// is not an operation of the add-on's target list, so user is the
// administrator who made it. There is no result filter.
func AzureADBlockUserConsentForRiskyAppsDisabled() detection.Detection[event.AuditEvent] {
	props := newConsentProps()
	risky := spl.MustCompileRegex("AllowUserConsentForRiskyApps")
	enabled := spl.NewTerm("[true]")
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != consentAuthzPolicy {
				return false
			}
			i := props.find(ev, risky)
			if i < 0 {
				return false
			}
			v, ok := props.at(ev, i)
			return ok && enabled.Equal([]string{v})
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "userAgent", As: "user_agent"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{consentAuthzPolicy},
		Info: detection.Meta{
			ID: "875de3d7-09bc-4916-8c0a-0929f4ced3d8", Name: "Azure AD Block User Consent For Risky Apps Disabled",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Update authorization policy"},
			Description: "Finds Entra ID audit records of the tenant's authorization policy being changed to let users " +
				"consent to applications Microsoft judges risky (AllowUserConsentForRiskyApps set to true), which " +
				"turns off the risk-based step-up consent protection. With it off, a consent-phishing application " +
				"can get a user's consent, and with it the user's data.",
			Search: "`azure_monitor_aad` operationName=\"Update authorization policy\"\n" +
				"| rename properties.* as *\n" +
				"| eval index_number = if(mvfind('targetResources{}.modifiedProperties{}.displayName',\"AllowUserConsentForRiskyApps\") >= 0, mvfind('targetResources{}.modifiedProperties{}.displayName',\"AllowUserConsentForRiskyApps\"), -1)\n" +
				"| search index_number >= 0\n" +
				"| eval AllowUserConsentForRiskyApps = mvindex('targetResources{}.modifiedProperties{}.newValue',index_number)\n" +
				"| search AllowUserConsentForRiskyApps = \"[true]\"\n" +
				"| rename userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_block_user_consent_for_risky_apps_disabled_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "An administrator may change the setting on purpose, in a policy update or a test; check it against a change request.",
			References:          escuReferences("875de3d7-09bc-4916-8c0a-0929f4ced3d8"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "User $user$ disabled the BlockUserConsentForRiskyApps Azure AD setting.",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 30}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1562"},
				MITRETacticID:  attackTactics("T1562"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADOAuthApplicationConsentGrantedByUser is ESCU's "Azure AD OAuth
// Application Consent Granted By User" (10ec9031-015b-4617-b453-c0c1ab729007,
// version 8):
//
//	`azure_monitor_aad` operationName="Consent to application" properties.result=success
//	| rename properties.* as *
//	| eval permissions_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', "ConsentAction.Permissions") >= 0,
//	  mvfind('targetResources{}.modifiedProperties{}.displayName', "ConsentAction.Permissions"), -1)
//	| eval permissions = mvindex('targetResources{}.modifiedProperties{}.newValue',permissions_index)
//	| rex field=permissions "Scope: (?<Scope> [ ^,]+)"
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product Scope signature
//
// permissions is the ConsentAction.Permissions new value, a quoted
// pseudo-list ("[] => [[Id: …, ConsentType: Principal, Scope: Mail.Read
// User.Read, CreatedDateTime: , …]]; "), or, when the record has no such
// property, the last new value (mvindex of -1). Scope is the
// space-separated list of scopes granted. user is the add-on's: the user
// who consented. An admin's consent for all users is a success too, and
// matches.
//
// Deviation: ESCU's rex, "Scope: (?<Scope> [ ^,]+)", is the YAML re-flow
// of "Scope: (?<Scope>[^,]+)" (the 2024 version); it needs a second space
// after "Scope: " and then only spaces, carets and commas, so it never
// matches a real value, Scope is never extracted and stats ... by Scope
// drops every row: ESCU's search finds nothing. escudo runs the evident
// intent, "Scope: (?<Scope>[^,]+)", so Scope is the text after "Scope: "
// up to the next comma. The Search text stays ESCU's. A record without
// Scope gets "0" from fillnull.
func AzureADOAuthApplicationConsentGrantedByUser() detection.Detection[event.AuditEvent] {
	props := newConsentProps()
	permissions := spl.MustCompileRegex("ConsentAction.Permissions")
	success := spl.NewTerm("success")
	scope := consentRex(consentScopeRex(), func(ev *event.AuditEvent) (string, bool) { return props.named(ev, permissions) })
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.OperationName == consentToApplication && success.Equal([]string{ev.Result})
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "Scope", Eval: scope},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{consentToApplication},
		Info: detection.Meta{
			ID: "10ec9031-015b-4617-b453-c0c1ab729007", Name: "Azure AD OAuth Application Consent Granted By User",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Consent to application"},
			Description: "Finds Entra ID audit records of a successful consent to an OAuth application, with the " +
				"permissions (scopes) it was granted. Consent phishing tricks users into granting a malicious " +
				"application access to their mail, files or profile, which it keeps without their password.",
			Search: "`azure_monitor_aad` operationName=\"Consent to application\" properties.result=success\n" +
				"| rename properties.* as *\n" +
				"| eval permissions_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Permissions\") >= 0, mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Permissions\"), -1)\n" +
				"| eval permissions = mvindex('targetResources{}.modifiedProperties{}.newValue',permissions_index)\n" +
				"| rex field=permissions \"Scope: (?<Scope> [ ^,]+)\" | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product Scope signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_oauth_application_consent_granted_by_user_filter`",
			HowToImplement: auditHowTo,
			KnownFalsePositives: "Users consent to legitimate applications as they start using them; review the application " +
				"and the scopes it was granted.",
			References: escuReferences("10ec9031-015b-4617-b453-c0c1ab729007"),
			Drilldowns: escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "User $user$ consented an OAuth application.",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 36}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1528"},
				MITRETacticID:  attackTactics("T1528"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADTenantWideAdminConsentGranted is ESCU's "Azure AD Tenant Wide
// Admin Consent Granted" (dc02c0ee-6ac0-4c7f-87ba-8ce43a4e4418, version 8):
//
//	`azure_monitor_aad` operationName="Consent to application"
//	| eval new_field=mvindex('properties.targetResources{}.modifiedProperties{}.newValue',4)
//	| rename properties.* as *
//	| rex field=new_field "ConsentType:(?<ConsentType> [^\,]+)"
//	| rex field=new_field "Scope:(?<Scope> [^\,]+)"
//	| search ConsentType = "*AllPrincipals*"
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product ConsentType Scope signature
//
// new_field is the fifth modified property's new value, by position: in
// consent records, after the four ConsentContext properties, that is
// ConsentAction.Permissions; a record whose properties come in another
// order is not read by name. Both captures keep the space after the colon
// (ConsentType " AllPrincipals", Scope " Mail.Read …"), as ESCU's regexes
// are written; the wildcard search tolerates it. AllPrincipals is a
// consent for every user of the tenant, which only an administrator can
// give; user is the add-on's, the one who consented. There is no result
// filter, so a failed consent matches too.
func AzureADTenantWideAdminConsentGranted() detection.Detection[event.AuditEvent] {
	props := newConsentProps()
	newField := func(ev *event.AuditEvent) (string, bool) { return props.at(ev, 4) }
	consentType := spl.MustCompileRex(`ConsentType:(?<ConsentType> [^\,]+)`, 1)
	allPrincipals := spl.NewTerm("*AllPrincipals*")
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != consentToApplication {
				return false
			}
			v, ok := newField(ev)
			return ok && allPrincipals.Equal(consentType.Extract(v)[0])
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "ConsentType", Eval: consentRex(consentType, newField)},
				detection.By[event.AuditEvent]{Field: "Scope", Eval: consentRex(spl.MustCompileRex(`Scope:(?<Scope> [^\,]+)`, 1), newField)},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{consentToApplication},
		Info: detection.Meta{
			ID: "dc02c0ee-6ac0-4c7f-87ba-8ce43a4e4418", Name: "Azure AD Tenant Wide Admin Consent Granted",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Consent to application"},
			Description: "Finds Entra ID audit records of a consent given for the whole tenant (ConsentType " +
				"AllPrincipals): an administrator granting an application permissions on behalf of every user. " +
				"The application can then read every user's data, which gives an attacker broad, lasting access, " +
				"as NOBELIUM used it.",
			Search: "`azure_monitor_aad` operationName=\"Consent to application\"\n" +
				"| eval new_field=mvindex('properties.targetResources{}.modifiedProperties{}.newValue',4)\n" +
				"| rename properties.* as *\n" +
				"| rex field=new_field \"ConsentType:(?<ConsentType> [^\\,]+)\"\n" +
				"| rex field=new_field \"Scope:(?<Scope> [^\\,]+)\"\n" +
				"| search ConsentType = \"*AllPrincipals*\"\n" +
				"| rename userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product ConsentType Scope signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_tenant_wide_admin_consent_granted_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators grant tenant-wide consent to legitimate applications; exclude the approved ones.",
			References:          escuReferences("dc02c0ee-6ac0-4c7f-87ba-8ce43a4e4418"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "Administrator $user$ consented an OAuth application for the tenant.",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 45}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "NOBELIUM Group"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADUserConsentBlockedForRiskyApplication is ESCU's "Azure AD User
// Consent Blocked for Risky Application" (06b8ec9a-d3b5-4882-8f16-04b4d10f5eab,
// version 8):
//
//	`azure_monitor_aad` operationName="Consent to application" properties.result=failure
//	| rename properties.* as *
//	| eval reason_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', "ConsentAction.Reason") >= 0,
//	  mvfind('targetResources{}.modifiedProperties{}.displayName', "ConsentAction.Reason"), -1)
//	| eval permissions_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', "ConsentAction.Permissions") >= 0,
//	  mvfind('targetResources{}.modifiedProperties{}.displayName', "ConsentAction.Permissions"), -1)
//	| search reason_index >= 0
//	| eval reason = mvindex('targetResources{}.modifiedProperties{}.newValue',reason_index)
//	| eval permissions = mvindex('targetResources{}.modifiedProperties{}.newValue',permissions_index)
//	| search reason = "\"Risky application detected\""
//	| rex field=permissions "Scope: (?<Scope> [ ^,]+)"
//	| fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product reason Scope signature
//
// The failed consent must carry a ConsentAction.Reason whose new value is
// "Risky application detected", JSON quotes included (compared without
// regard to case, as search does); reason keeps the quotes. user is the
// add-on's: the user whose consent was blocked.
//
// Deviation: the same rex defect as in
// AzureADOAuthApplicationConsentGrantedByUser, which makes ESCU's search
// find nothing; escudo extracts Scope with "Scope: (?<Scope>[^,]+)". The
// Search text stays ESCU's.
func AzureADUserConsentBlockedForRiskyApplication() detection.Detection[event.AuditEvent] {
	props := newConsentProps()
	reasonName := spl.MustCompileRegex("ConsentAction.Reason")
	permissions := spl.MustCompileRegex("ConsentAction.Permissions")
	failure := spl.NewTerm("failure")
	risky := spl.NewTerm(`"Risky application detected"`)
	// reason_index >= 0 is checked before mvindex, so the -1 of a failed
	// mvfind never reads the last value here.
	reason := func(ev *event.AuditEvent) (string, bool) {
		i := props.find(ev, reasonName)
		if i < 0 {
			return "", false
		}
		return props.at(ev, i)
	}
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != consentToApplication || !failure.Equal([]string{ev.Result}) {
				return false
			}
			v, ok := reason(ev)
			return ok && risky.Equal([]string{v})
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "reason", Eval: func(dst []string, ev *event.AuditEvent) []string {
					if v, ok := reason(ev); ok {
						dst = append(dst, v)
					}
					return dst
				}},
				detection.By[event.AuditEvent]{Field: "Scope", Eval: consentRex(consentScopeRex(), func(ev *event.AuditEvent) (string, bool) {
					return props.named(ev, permissions)
				})},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{consentToApplication},
		Info: detection.Meta{
			ID: "06b8ec9a-d3b5-4882-8f16-04b4d10f5eab", Name: "Azure AD User Consent Blocked for Risky Application",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Consent to application"},
			Description: "Finds Entra ID audit records of a user's consent to an application that Entra ID blocked " +
				"because it judged the application risky (ConsentAction.Reason \"Risky application detected\"). " +
				"The block worked, but it shows a user targeted by, or trying, a possibly malicious application.",
			Search: "`azure_monitor_aad` operationName=\"Consent to application\" properties.result=failure\n" +
				"| rename properties.* as *\n" +
				"| eval reason_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Reason\") >= 0, mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Reason\"), -1)\n" +
				"| eval permissions_index = if(mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Permissions\") >= 0, mvfind('targetResources{}.modifiedProperties{}.displayName', \"ConsentAction.Permissions\"), -1)\n" +
				"| search reason_index >= 0\n" +
				"| eval reason = mvindex('targetResources{}.modifiedProperties{}.newValue',reason_index)\n" +
				"| eval permissions = mvindex('targetResources{}.modifiedProperties{}.newValue',permissions_index)\n" +
				"| search reason = \"\\\"Risky application detected\\\"\"\n" +
				"| rex field=permissions \"Scope: (?<Scope> [ ^,]+)\" | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product reason Scope signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_user_consent_blocked_for_risky_application_filter`",
			HowToImplement: auditHowTo,
			KnownFalsePositives: "Entra ID's risk assessment can flag a legitimate application that is new or from an " +
				"unverified publisher; check the application before allowing it.",
			References: escuReferences("06b8ec9a-d3b5-4882-8f16-04b4d10f5eab"),
			Drilldowns: escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "Azure AD has blocked $user$ attempt to grant to consent to an application deemed risky.",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 30}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1528"},
				MITRETacticID:  attackTactics("T1528"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}
