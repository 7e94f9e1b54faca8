package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/jsontext"
	"github.com/escudo-dev/escudo/risk"
)

// This file holds ESCU's application-permission detections over Entra
// audit logs (reference §2.4.5, 2.4.18, 2.4.22, 2.4.24): the API
// permissions an application registration requests, credentials added to
// an application, and app roles a service principal gives itself. Like
// catalogue_audit.go, operationName is compared exactly as Entra writes
// it, where Splunk's search would also ignore case; that keeps each
// rule's literal (its operation name) exact.

// permissionRules returns this family's audit detections, in catalogue order.
func permissionRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		AzureADFullAccessAsAppPermissionAssigned(),
		AzureADPrivilegedGraphAPIPermissionAssigned(),
		AzureADServicePrincipalNewClientCredentials(),
		AzureADServicePrincipalPrivilegeEscalation(),
	}
}

// The IDs the searches name: a Microsoft first-party application ID and
// app roles (application permissions), the same in every tenant.
const (
	permExchangeOnlineApp                = "00000002-0000-0ff1-ce00-000000000000" // Office 365 Exchange Online
	permFullAccessAsApp                  = "dc890d15-9560-4a4c-9b7f-a736ec74ec40" // Exchange Online full_access_as_app
	permApplicationReadWriteAll          = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9" // Graph Application.ReadWrite.All
	permAppRoleAssignmentReadWriteAll    = "06b708a9-e830-4db3-a914-8e69da51d44f" // Graph AppRoleAssignment.ReadWrite.All
	permRoleManagementReadWriteDirectory = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8" // Graph RoleManagement.ReadWrite.Directory
)

// The fields `spath input=newvalue` extracts from a RequiredResourceAccess
// value (a JSON array), by the names ESCU searches them with.
const (
	permResourceAppID = "{}.ResourceAppId"
	permEntitlementID = "{}.RequiredAppPermissions{}.EntitlementId"
)

// permRequiredAccess is the start of the two "Update application" searches:
//
//	eval newvalue = mvindex('properties.targetResources{}.modifiedProperties{}.newValue',0)
//	| spath input=newvalue
//
// The first modified property's new value is, when the application's API
// permissions changed, the RequiredResourceAccess JSON array; spath
// auto-extracts it. It reads only the first extraction_cutoff bytes
// (spl.ExtractionCutoff, Splunk's default of 5000), as Splunk does: a
// permission written after them is not seen. A value that is not JSON
// (or "null", the positional stand-in for a null value) gives no fields.
type permRequiredAccess struct {
	newValue event.Field[event.AuditEvent]
}

func newPermRequiredAccess() permRequiredAccess {
	return permRequiredAccess{newValue: mustAuditField("properties.targetResources{}.modifiedProperties{}.newValue")}
}

// extract returns the fields spath extracts from ev's first new value.
func (p permRequiredAccess) extract(ev *event.AuditEvent) []spl.Pair {
	v, ok := spl.MVIndex(p.newValue.Append(nil, ev), 0)
	if !ok {
		return nil
	}
	pairs, _ := spl.AutoExtract(nil, v, spl.AutoOptions{Cutoff: spl.ExtractionCutoff}) // not JSON: no fields
	return pairs
}

// permSpathValues appends the values of the spath field name to dst, in
// document order: the multivalue field Splunk would hold.
func permSpathValues(dst []string, pairs []spl.Pair, name string) []string {
	for _, p := range pairs {
		if p.Name == name {
			dst = append(dst, p.Value)
		}
	}
	return dst
}

// permIsUpdateApplication is the base search of the two "Update application"
// rules: category=AuditLogs operationName="Update application". Every
// audit record's envelope has category AuditLogs (the decoder sets it for
// Graph and Log Analytics records).
func permIsUpdateApplication(ev *event.AuditEvent) bool {
	return ev.Envelope.Category == "AuditLogs" && ev.Envelope.OperationName == "Update application"
}

// AzureADFullAccessAsAppPermissionAssigned is ESCU's "Azure AD
// FullAccessAsApp Permission Assigned" (ae286126-f2ad-421c-b240-4ea83bd1c43a,
// version 7):
//
//	`azure_monitor_aad` category=AuditLogs operationName="Update application"
//	| eval newvalue = mvindex('properties.targetResources{}.modifiedProperties{}.newValue',0)
//	| spath input=newvalue
//	| search "{}.ResourceAppId"="00000002-0000-0ff1-ce00-000000000000"
//	  "{}.RequiredAppPermissions{}.EntitlementId"="dc890d15-9560-4a4c-9b7f-a736ec74ec40"
//	| eval Permissions = '{}.RequiredAppPermissions{}.EntitlementId'
//	| rename properties.userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent Permissions object signature
//
// The search holds when the application's requested permissions (the
// first modified property's new value, spath reading its first 5000
// bytes as Splunk does by default) name Exchange Online and
// full_access_as_app, not necessarily in the same element, each term
// ignoring case. It looks at the new value only, so an
// update that keeps an earlier full_access_as_app fires again, and one
// that removes it does not. Permissions is every permission ID of the
// new value, of every resource, so a BY over it gives one row per ID:
// full_access_as_app's and each of the others. user is the add-on's CIM
// user, the initiator's UPN for this operation; object is the application;
// user_agent is properties.userAgent (null in Entra's records, so "0"
// after fillnull), which the rename puts over the add-on's user_agent.
func AzureADFullAccessAsAppPermissionAssigned() detection.Detection[event.AuditEvent] {
	access := newPermRequiredAccess()
	exchange, fullAccess := spl.NewTerm(permExchangeOnlineApp), spl.NewTerm(permFullAccessAsApp)
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if !permIsUpdateApplication(ev) {
				return false
			}
			pairs := access.extract(ev)
			return exchange.Equal(permSpathValues(nil, pairs, permResourceAppID)) &&
				fullAccess.Equal(permSpathValues(nil, pairs, permEntitlementID))
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "properties.userAgent", As: "user_agent"},
				detection.By[event.AuditEvent]{Field: "Permissions", Eval: func(dst []string, ev *event.AuditEvent) []string {
					return permSpathValues(dst, access.extract(ev), permEntitlementID)
				}},
				detection.By[event.AuditEvent]{Field: "object"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Update application"},
		Info: detection.Meta{
			ID: "ae286126-f2ad-421c-b240-4ea83bd1c43a", Name: "Azure AD FullAccessAsApp Permission Assigned",
			Version: 7, Date: "2025-05-02", Author: "Mauricio Velazco, Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Update application"},
			Description: "Finds Entra ID audit records of an application registration being changed to request " +
				"Exchange Online's full_access_as_app permission, which lets the application read and send " +
				"the mail of every mailbox in the tenant; Midnight Blizzard used it to read mail.",
			Search: "`azure_monitor_aad` category=AuditLogs operationName=\"Update application\"\n" +
				"| eval newvalue = mvindex('properties.targetResources{}.modifiedProperties{}.newValue',0) | spath input=newvalue\n" +
				"| search \"{}.ResourceAppId\"=\"00000002-0000-0ff1-ce00-000000000000\" \"{}.RequiredAppPermissions{}.EntitlementId\"=\"dc890d15-9560-4a4c-9b7f-a736ec74ec40\"\n" +
				"| eval Permissions = '{}.RequiredAppPermissions{}.EntitlementId' | rename properties.userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent Permissions object signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_fullaccessasapp_permission_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Mail archiving, backup and migration tools request the permission legitimately; check the application and who changed it.",
			References:          escuReferences("ae286126-f2ad-421c-b240-4ea83bd1c43a"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "User $user$ assigned the full_access_as_app permission to the app registration $object$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 48}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.002", "T1098.003"},
				MITRETacticID:  attackTactics("T1098.002", "T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "threat",
			},
		},
	}
}

// AzureADPrivilegedGraphAPIPermissionAssigned is ESCU's "Azure AD
// Privileged Graph API Permission Assigned"
// (5521f8c5-1aa3-473c-9eb7-853701924a06, version 8):
//
//	`azure_monitor_aad` category=AuditLogs operationName="Update application"
//	| eval newvalue = mvindex('properties.targetResources{}.modifiedProperties{}.newValue',0)
//	| spath input=newvalue
//	| search "{}.RequiredAppPermissions{}.EntitlementId"=" 1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"
//	  OR "{}.RequiredAppPermissions{}.EntitlementId" ="06b708a9-e830-4db3-a914-8e69da51d44f"
//	  OR "{}.RequiredAppPermissions{}.EntitlementId" ="9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
//	| eval Permissions = '{}.RequiredAppPermissions{}.EntitlementId' | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product Permissions signature
//
// The three IDs are Microsoft Graph's Application.ReadWrite.All,
// AppRoleAssignment.ReadWrite.All and RoleManagement.ReadWrite.Directory
// application permissions. The search is read as for
// AzureADFullAccessAsAppPermissionAssigned: any permission ID of the new
// value, any resource, and one row per permission ID of the new value.
//
// Deviation: in ESCU's YAML a line fold falls inside the first quoted
// value, so the SPL searches for " 1bfefb4e-…" with a leading space. A
// search term matches a field value as a whole, and Entra writes no
// spaces into these IDs, so as written the search can never find
// Application.ReadWrite.All [inferred; reference §3.4]. escudo searches
// for the ID without the space, as the 2024 version of the rule did; the
// Search text keeps ESCU's SPL as it is.
func AzureADPrivilegedGraphAPIPermissionAssigned() detection.Detection[event.AuditEvent] {
	access := newPermRequiredAccess()
	privileged := []*spl.Term{
		spl.NewTerm(permApplicationReadWriteAll), // ESCU: " 1bfefb4e-…", see the doc comment
		spl.NewTerm(permAppRoleAssignmentReadWriteAll),
		spl.NewTerm(permRoleManagementReadWriteDirectory),
	}
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if !permIsUpdateApplication(ev) {
				return false
			}
			ids := permSpathValues(nil, access.extract(ev), permEntitlementID)
			for _, t := range privileged {
				if t.Equal(ids) {
					return true
				}
			}
			return false
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "Permissions", Eval: func(dst []string, ev *event.AuditEvent) []string {
					return permSpathValues(dst, access.extract(ev), permEntitlementID)
				}},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Update application"},
		Info: detection.Meta{
			ID: "5521f8c5-1aa3-473c-9eb7-853701924a06", Name: "Azure AD Privileged Graph API Permission Assigned",
			Version: 8, Date: "2025-05-02", Author: "Mauricio Velazco, Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Update application"},
			Description: "Finds Entra ID audit records of an application registration being changed to request " +
				"one of three Microsoft Graph permissions that control the directory itself: " +
				"Application.ReadWrite.All, AppRoleAssignment.ReadWrite.All or RoleManagement.ReadWrite.Directory. " +
				"An application holding one can grant itself further permissions or roles, up to Global Administrator.",
			Search: "`azure_monitor_aad` category=AuditLogs operationName=\"Update application\"\n" +
				"| eval newvalue = mvindex('properties.targetResources{}.modifiedProperties{}.newValue',0) | spath input=newvalue\n" +
				"| search \"{}.RequiredAppPermissions{}.EntitlementId\"=\" 1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9\" OR \"{}.RequiredAppPermissions{}.EntitlementId\" =\"06b708a9-e830-4db3-a914-8e69da51d44f\" OR \"{}.RequiredAppPermissions{}.EntitlementId\" =\"9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8\"\n" +
				"| eval Permissions = '{}.RequiredAppPermissions{}.EntitlementId' | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product Permissions signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_privileged_graph_api_permission_assigned_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Identity-management and automation tools request these permissions legitimately; check the application and who changed it.",
			References:          escuReferences("5521f8c5-1aa3-473c-9eb7-853701924a06"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "User $user$ assigned privileged Graph API permissions to $Permissions$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1003.002"}, // ESCU's; a permission assignment is rather T1098.003
				MITRETacticID:  attackTactics("T1003.002"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// AzureADServicePrincipalNewClientCredentials is ESCU's "Azure AD Service
// Principal New Client Credentials" (e3adc0d3-9e4b-4b5d-b662-12cec1adff2a,
// version 9):
//
//	`azure_monitor_aad` category=AuditLogs
//	  operationName="Update application*Certificates and secrets management "
//	| rename properties.* as * | rename targetResources{}.* as * | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product modifiedProperties{}.newValue signature
//
// Entra names the operation "Update application – Certificates and
// secrets management " (an en dash, and a trailing space); the wildcard
// stands for the dash, whichever dash is written, and the trailing space
// must be there. The search does not look at what changed, so removing a
// secret fires as adding one does. modifiedProperties{}.newValue is every
// modified property's new value (the KeyDescription list and the
// "Included Updated Properties" name, usually), so the BY gives one row
// per value. user is the add-on's CIM user, the initiator's UPN: "0"
// after fillnull when an application made the change, as src is then too.
func AzureADServicePrincipalNewClientCredentials() detection.Detection[event.AuditEvent] {
	op := spl.NewWildcard("Update application*Certificates and secrets management ", spl.WildcardOptions{CaseSensitive: true})
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.Category == "AuditLogs" && op.Match(ev.Envelope.OperationName)
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "targetResources{}.modifiedProperties{}.newValue", As: "modifiedProperties{}.newValue"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Certificates and secrets management"},
		Info: detection.Meta{
			ID: "e3adc0d3-9e4b-4b5d-b662-12cec1adff2a", Name: "Azure AD Service Principal New Client Credentials",
			Version: 9, Date: "2025-05-02", Author: "Mauricio Velazco, Gowthamaraj Rajendran, Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory"},
			Description: "Finds Entra ID audit records of a change to an application's certificates and client " +
				"secrets. A credential added to an application lets whoever holds it sign in as the application's " +
				"service principal, with all its permissions, a way to keep or widen access that NOBELIUM used.",
			Search: "`azure_monitor_aad` category=AuditLogs operationName=\"Update application*Certificates and secrets management \"\n" +
				"| rename properties.* as * | rename targetResources{}.* as * | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product modifiedProperties{}.newValue signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_service_principal_new_client_credentials_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Owners and deployment pipelines add and rotate application credentials as routine work.",
			References:          escuReferences("e3adc0d3-9e4b-4b5d-b662-12cec1adff2a"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message:     "New credentials added for Service Principal by $user$",
				RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "Azure Active Directory Privilege Escalation", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098.001"},
				MITRETacticID:  attackTactics("T1098.001"),
				Product:        splunkProducts(),
				SecurityDomain: "threat",
			},
		},
	}
}

// permModified evaluates ESCU's reading of one kind of modified property in
// "Azure AD Service Principal Privilege Escalation", per event:
//
//	spath path=properties.targetResources{}.modifiedProperties{} output=targetResources
//	... values(eval(mvfilter(match(targetResources, "<name>")))) as X ...
//	| spath input=X path=newValue output=X | eval X=trim(replace(X, "\"", ""))
//
// targetResources is one JSON object text per modified property, of
// every target, in order; escudo writes it from the decoded event, as
// {"displayName":…,"oldValue":…,"newValue":…} with null for a null value,
// so every input format gives the same text. The regular expression (an
// unanchored match, its dot any character) keeps the objects that mention
// the property's name, spath reads their newValue (JSON text such as
// "\"full_access_as_app\"", quotes included), and replace and trim strip
// the quotes and the spaces and tabs around it.
type permModified struct {
	match    *spl.Regex
	newValue *spl.Path
	quotes   *spl.Replacer
}

func newPermModified(name string, quotes *spl.Replacer) permModified {
	return permModified{match: spl.MustCompileRegex(name), newValue: spl.MustCompilePath("newValue"), quotes: quotes}
}

// values appends ev's values of the property to dst.
func (m permModified) values(dst []string, ev *event.AuditEvent) []string {
	var objects []string
	var buf []byte
	for i := range ev.TargetResources {
		ps := ev.TargetResources[i].ModifiedProperties
		for j := range ps {
			buf = permPropertyJSON(buf[:0], &ps[j])
			objects = append(objects, string(buf))
		}
	}
	for _, obj := range spl.MVFilter(objects, m.match.Match) {
		vs, _ := m.newValue.Append(nil, obj) // escudo's own JSON: always valid
		for _, v := range vs {
			if v = spl.Trim(m.quotes.Replace(v), spl.DefaultTrimChars); v != "" {
				dst = append(dst, v)
			}
		}
	}
	return dst
}

// permPropertyJSON appends p to dst as the JSON object of a record's
// modifiedProperties element.
func permPropertyJSON(dst []byte, p *event.ModifiedProperty) []byte {
	dst = append(dst, `{"displayName":`...)
	dst = permJSONOrNull(dst, p.DisplayName)
	dst = append(dst, `,"oldValue":`...)
	dst = permJSONOrNull(dst, p.OldValue)
	dst = append(dst, `,"newValue":`...)
	dst = permJSONOrNull(dst, p.NewValue)
	return append(dst, '}')
}

// permJSONOrNull appends s as a JSON string, or null for "" (a null value).
func permJSONOrNull(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return jsontext.AppendString(dst, s)
}

// permNA is `eval user="NA"` (and src): a constant BY value.
func permNA(dst []string, _ *event.AuditEvent) []string { return append(dst, "NA") }

// AzureADServicePrincipalPrivilegeEscalation is ESCU's "Azure AD Service
// Principal Privilege Escalation" (29eb39d3-2bc8-49cc-99b3-35593191a588,
// version 6):
//
//	`azure_monitor_aad` category=AuditLogs operationName="Add app role assignment to service principal"
//	  properties.initiatedBy.app.displayName=* properties.result=Success
//	| spath path=properties{}.targetResources{}.modifiedProperties{} output=targetResources
//	| rename properties.* as * | eval user="NA" | eval src="NA"
//	| stats min(_time) as firstTime max(_time) as lastTime
//	  values(eval(mvfilter(match(targetResources, "AppRole.Value")))) as appRole,
//	  values(eval(mvfilter(match(targetResources, "ServicePrincipal.DisplayName")))) as targetServicePrincipal
//	  values(eval(mvindex('properties.targetResources{}.displayName',0))) as targetAppContext
//	  values(user_agent) as user_agent values(identity) as servicePrincipal
//	  values(properties.initiatedBy.app.servicePrincipalId) as servicePrincipalId
//	  by dest user src vendor_account vendor_product signature
//	| spath input=appRole path=newValue output=appRole
//	| spath input=targetServicePrincipal path=newValue output=targetServicePrincipal
//	| eval appRole=trim(replace(appRole, "\"", "")), targetServicePrincipal=trim(replace(targetServicePrincipal, "\"", ""))
//	| where servicePrincipal=targetServicePrincipal
//
// It means to find a service principal that gave itself an app role (an
// application permission, such as RoleManagement.ReadWrite.Directory on
// Microsoft Graph): an app-initiated, successful assignment whose
// initiator, the envelope's identity, is the ServicePrincipal.DisplayName
// the role was assigned to. As written it cannot find one [inferred;
// reference §3.3, §3.4]:
//
//   - spath path=properties{}.… (spath without input= reads the raw
//     record) asks for the elements of properties as an array;
//     properties is an object, so the path selects nothing (spl.Path)
//     and targetResources has no value;
//   - appRole and targetServicePrincipal are then null, the spath, replace
//     and trim after stats keep them null, and where with a null side is
//     false: no row survives;
//   - targetAppContext and servicePrincipalId read properties.* fields
//     after `rename properties.* as *` has renamed them away, so they
//     would be empty even if a row survived.
//
// escudo implements the evident intent instead (the deviations):
//
//   - targetResources is read at properties.targetResources{}.modifiedProperties{},
//     one JSON object text per modified property of every target, which
//     escudo writes from the decoded event, so that every input format
//     gives the same text;
//   - targetAppContext is the first target's displayName (the resource
//     whose role was assigned, such as Microsoft Graph) and
//     servicePrincipalId the initiator's initiatedBy.app.servicePrincipalId,
//     read before the rename;
//   - the where compares each event's identity with that event's own
//     ServicePrincipal.DisplayName, in the base search. In the SPL it runs
//     after stats, and user and src are the constant "NA", so a group is a
//     whole tenant: it would compare every initiator with every target of
//     the search window, and two service principals that assigned roles
//     to each other would look like two that assigned themselves.
//     escudo's groups hold only self-assignments, so the where after
//     stats would always hold and is left out.
//
// The spath, replace and trim after stats are applied per event, before
// values() (they map each JSON text to one value, so the set of values is
// the same). properties.result=Success matches Entra's "success", search
// terms ignoring case; the identity and the target's name are compared
// exactly, as where compares. Records without an identity (Graph API
// records; Azure Monitor writes it for app initiators) cannot match, nor
// can those without a tenant ID (dest): the search has no fillnull.
func AzureADServicePrincipalPrivilegeEscalation() detection.Detection[event.AuditEvent] {
	quotes := spl.MustCompileReplace(`"`, "")
	appRole := newPermModified("AppRole.Value", quotes)
	target := newPermModified("ServicePrincipal.DisplayName", quotes)
	success := spl.NewTerm("Success")
	targetNames := mustAuditField("properties.targetResources{}.displayName")
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.Category != "AuditLogs" || ev.Envelope.OperationName != "Add app role assignment to service principal" ||
				ev.InitiatedBy.App.DisplayName == "" || !success.Equal([]string{ev.Result}) || ev.Envelope.Identity == "" {
				return false
			}
			return spl.WhereEqual([]string{ev.Envelope.Identity}, target.values(nil, ev))
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: []detection.By[event.AuditEvent]{
				{Field: "dest"},
				{Field: "user", Eval: permNA},
				{Field: "src", Eval: permNA},
				{Field: "vendor_account"},
				{Field: "vendor_product"},
				{Field: "signature"},
			},
			Stats: []detection.Stat[event.AuditEvent]{
				{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
				{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
				{Func: detection.Values, Field: "appRole", As: "appRole", Eval: appRole.values},
				{Func: detection.Values, Field: "targetServicePrincipal", As: "targetServicePrincipal", Eval: target.values},
				{Func: detection.Values, Field: "targetAppContext", As: "targetAppContext", Eval: func(dst []string, ev *event.AuditEvent) []string {
					if v, ok := spl.MVIndex(targetNames.Append(nil, ev), 0); ok {
						dst = append(dst, v)
					}
					return dst
				}},
				{Func: detection.Values, Field: "user_agent", As: "user_agent"},
				{Func: detection.Values, Field: "identity", As: "servicePrincipal"},
				{Func: detection.Values, Field: "properties.initiatedBy.app.servicePrincipalId", As: "servicePrincipalId"},
			},
		},
		Lits: []string{"Add app role assignment to service principal"},
		Info: detection.Meta{
			ID: "29eb39d3-2bc8-49cc-99b3-35593191a588", Name: "Azure AD Service Principal Privilege Escalation",
			Version: 6, Date: "2025-06-24", Author: "Dean Luxton (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add app role assignment to service principal"},
			Description: "Finds Entra ID audit records of a service principal assigning an app role (an " +
				"application permission) to itself. A service principal allowed to manage app role assignments " +
				"can grant itself any permission, such as the right to manage directory roles, and so take over the tenant.",
			Search: "`azure_monitor_aad` category=AuditLogs operationName=\"Add app role assignment to service principal\" properties.initiatedBy.app.displayName=* properties.result=Success\n" +
				"| spath path=properties{}.targetResources{}.modifiedProperties{} output=targetResources\n" +
				"| rename properties.* as *\n" +
				"| eval user=\"NA\"\n" +
				"| eval src=\"NA\"\n" +
				"| stats min(_time) as firstTime max(_time) as lastTime values(eval(mvfilter(match(targetResources, \"AppRole.Value\")))) as appRole, values(eval(mvfilter(match(targetResources, \"ServicePrincipal.DisplayName\")))) as targetServicePrincipal values(eval(mvindex('properties.targetResources{}.displayName',0))) as targetAppContext values(user_agent) as user_agent values(identity) as servicePrincipal values(properties.initiatedBy.app.servicePrincipalId) as servicePrincipalId by dest user src vendor_account vendor_product signature\n" +
				"| spath input=appRole path=newValue output=appRole\n" +
				"| spath input=targetServicePrincipal path=newValue output=targetServicePrincipal\n" +
				"| eval appRole=trim(replace(appRole, \"\\\"\", \"\")), targetServicePrincipal=trim(replace(targetServicePrincipal, \"\\\"\", \"\"))\n" +
				"| where servicePrincipal=targetServicePrincipal\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_service_principal_privilege_escalation_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "ESCU knows of none; an automation account that manages its own permissions would match.",
			References:          escuReferences("29eb39d3-2bc8-49cc-99b3-35593191a588"),
			Drilldowns:          escuDrilldowns("servicePrincipal"),
			RBA: risk.Spec{
				Message:       "Service Principal $servicePrincipal$ has elevated privileges by adding themself to app role $appRole$",
				RiskObjects:   []risk.RiskObject{{Field: "servicePrincipal", Type: risk.User, Score: 100}},
				ThreatObjects: []risk.ThreatObject{{Field: "user_agent", Type: risk.HTTPUserAgent}},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Privilege Escalation"},
				AssetType:      "Azure Tenant",
				MITREAttackID:  []string{"T1098.003"},
				MITRETacticID:  attackTactics("T1098.003"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}
