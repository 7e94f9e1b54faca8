package event

import (
	"cmp"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the fields of [AuditEvent], by their Splunk names.
//
// # Names
//
// The ESCU audit searches read Azure Monitor records through Splunk's
// azure:monitor:aad source type, most of them after
// "rename properties.* as *". So the fields are named:
//
//   - the directoryAudit's properties by their names after that rename:
//     "result", "initiatedBy.user.userPrincipalName",
//     "targetResources{}.modifiedProperties{}.newValue", …;
//   - the same properties also by their names before it, for the base
//     searches that use them ("properties.result",
//     "properties.initiatedBy.app.displayName", …);
//   - the envelope by its own names ("operationName", "category",
//     "resultDescription", "callerIpAddress", "tenantId", "identity",
//     "Level");
//   - the search-time CIM fields of the Splunk Add-on for Microsoft Cloud
//     Services ("user", "src", "dest", "signature", "object", …).
//
// Two names differ in what they mean before and after the rename, and
// take the meaning of the base search, where the ESCU searches use them:
// "category" is the diagnostic category "AuditLogs" (the Graph category,
// which the rename would write over it, is "properties.category"); "id"
// and "correlationId" are the entry's, which the envelope repeats.
//
// # Null values in modified properties
//
// Splunk extracts the arrays of a record as parallel multivalue fields,
// one per leaf path, in document order, and the ESCU searches read them by
// position: mvindex('targetResources{}.modifiedProperties{}.newValue', 1)
// for the role of "Add member to role", or mvfind on
// ...modifiedProperties{}.displayName and then mvindex at that index on
// ...newValue. That works because Microsoft writes every modified
// property's displayName, oldValue and newValue, null or not (in every
// Graph and Azure Monitor sample seen), and Splunk's JSON extraction
// (KV_MODE = json) gives a null as the text "null" [inferred: the add-on
// compares these fields with "null"], so the three fields keep one value
// per modified property. oldValue is null for
// every added property, so dropping nulls, as the package's rule for null
// values does elsewhere (doc.go, "Null, missing and empty values"), would
// shift the positions of every later value.
//
// So the three targetResources{}.modifiedProperties{} fields deviate from
// that rule: they give exactly one value per modified property, "null"
// where the value is null, absent or empty, and line up index by index
// across all targets. "null" is what Splunk would hold there, so
// values(), a BY over them and a compare behave as in Splunk; no ESCU
// comparison value ("[true]", "\"…\"") is "null". The other array fields
// (targetResources{}.*, additionalDetails{}.*) keep the package's rule:
// Azure Monitor leaves out the keys that Graph sends as null
// (userPrincipalName and groupType of non-user targets), so even in
// Splunk they do not line up across exports, and the add-on's positional
// reads over them (user, object, user_agent) are computed here on the
// decoded arrays, element by element, which is exact.
//
// # CIM fields
//
// The CIM fields follow the azure:monitor:aad stanza of the Splunk
// Add-on for Microsoft Cloud Services 5.0.0
// (Splunk_TA_microsoft-cloudservices/default/props.conf, lines 334–536 of
// the public copy github.com/cdragonzfr/test @ faec4257), cited below by
// line. ESCU names 5.6.0 as the supported version, whose props were not
// available: a definition that changed since 5.0.0 would not be seen
// [unverified for 5.6.0]. They read the envelope's operationName, which
// for Graph records is activityDisplayName (audit_decode.go). The
// add-on's operationName IN (...) and like(...) tests are taken to be
// case-sensitive, as written [unverified]. Where the add-on would read a
// null or empty value, escudo has no value, as everywhere (so an
// if(x!="null", x, y) takes y when x is null or empty alike).
//
// Not provided: action, change_type and object_category, which the
// add-on sets for audit records from its lookup mscs_aad_change_analysis
// (props.conf line 534: a CSV keyed on operationName, which escudo does
// not carry); user_id, which reads sign-in properties and so has no value
// for audit records (line 498); and the other case() fields (object_id,
// object_attrs, user_name, user_type, result_id, …) no ESCU rule reads.

// LookupAuditField returns the audit field with the given Splunk name, or
// an error wrapping [ErrUnknownField].
func LookupAuditField(name string) (Field[AuditEvent], error) { return lookup(auditFields(), name) }

// AuditFieldNames returns the names of every audit field
// [LookupAuditField] knows: the directoryAudit's properties in the order
// of the Graph schema, the same with the "properties." prefix, the
// envelope, then the CIM fields.
func AuditFieldNames() []string { return names(auditFields()) }

// auditNull is the value a null modified-property value gives (see the
// file comment).
const auditNull = "null"

// auditFields is the one list of named audit fields. It is built on each
// call, so there is no package state; callers look fields up once, when a
// rule is compiled.
func auditFields() []Field[AuditEvent] {
	props := auditPropertyFields()
	fs := make([]Field[AuditEvent], 0, 2*len(props)+32)
	for _, f := range props {
		if f.name != "category" { // "category" is the envelope's; see the file comment
			fs = append(fs, f)
		}
	}
	for _, f := range props {
		f.name = "properties." + f.name
		fs = append(fs, f)
	}
	return append(fs,
		// The Azure Monitor / Log Analytics envelope, by the names Splunk's
		// azure:monitor:aad source type gives it.
		str[AuditEvent]("operationName", func(e *AuditEvent) string { return e.Envelope.OperationName }),
		str[AuditEvent]("category", func(e *AuditEvent) string { return e.Envelope.Category }),
		str[AuditEvent]("resultType", func(e *AuditEvent) string { return e.Envelope.ResultType }),
		str[AuditEvent]("resultDescription", func(e *AuditEvent) string { return e.Envelope.ResultDescription }),
		str[AuditEvent]("callerIpAddress", func(e *AuditEvent) string { return e.Envelope.CallerIPAddress }),
		str[AuditEvent]("tenantId", func(e *AuditEvent) string { return e.Envelope.TenantID }),
		str[AuditEvent]("identity", func(e *AuditEvent) string { return e.Envelope.Identity }),
		str[AuditEvent]("Level", func(e *AuditEvent) string { return e.Envelope.Level }),
		str[AuditEvent]("location", func(e *AuditEvent) string { return e.Envelope.Location }),

		// CIM fields, as the add-on computes them for audit records.
		Field[AuditEvent]{name: "user", kind: KindString, multi: true, get: cimAuditUser},
		str[AuditEvent]("src", func(e *AuditEvent) string { return e.Envelope.CallerIPAddress }),
		str[AuditEvent]("src_ip", func(e *AuditEvent) string { return e.Envelope.CallerIPAddress }),
		str[AuditEvent]("dest", func(e *AuditEvent) string { return e.Envelope.TenantID }),
		str[AuditEvent]("dest_type", func(*AuditEvent) string { return "tenant" }),
		str[AuditEvent]("vendor_account", func(e *AuditEvent) string { return e.Envelope.TenantID }),
		str[AuditEvent]("vendor_product", func(*AuditEvent) string { return "Azure AD" }),
		str[AuditEvent]("signature", func(e *AuditEvent) string { return e.Envelope.OperationName }),
		str[AuditEvent]("command", func(e *AuditEvent) string { return e.Envelope.OperationName }),
		str[AuditEvent]("src_user", cimAuditSrcUser),
		str[AuditEvent]("src_user_type", cimAuditSrcUserType),
		str[AuditEvent]("user_agent", cimAuditUserAgent),
		Field[AuditEvent]{name: "object", kind: KindString, multi: true, get: cimAuditObject},
		str[AuditEvent]("status", cimAuditStatus),
		str[AuditEvent]("dvc", func(e *AuditEvent) string { return e.LoggedByService }),
	)
}

// auditPropertyFields are the directoryAudit's properties (and Azure
// Monitor's properties.userAgent), by their names after
// "rename properties.* as *".
func auditPropertyFields() []Field[AuditEvent] {
	return []Field[AuditEvent]{
		str[AuditEvent]("id", func(e *AuditEvent) string { return e.ID }),
		{name: "activityDateTime", kind: KindTime, get: func(dst []string, e *AuditEvent) []string {
			if e.ActivityDateTime.IsZero() {
				return dst
			}
			return append(dst, e.ActivityDateTime.UTC().Format(time.RFC3339Nano))
		}},
		str[AuditEvent]("activityDisplayName", func(e *AuditEvent) string { return e.ActivityDisplayName }),
		auditDetails("additionalDetails{}.key", func(d *KeyValue) string { return d.Key }),
		auditDetails("additionalDetails{}.value", func(d *KeyValue) string { return d.Value }),
		str[AuditEvent]("category", func(e *AuditEvent) string { return e.Category }),
		str[AuditEvent]("correlationId", func(e *AuditEvent) string { return e.CorrelationID }),
		str[AuditEvent]("initiatedBy.user.id", func(e *AuditEvent) string { return e.InitiatedBy.User.ID }),
		str[AuditEvent]("initiatedBy.user.displayName", func(e *AuditEvent) string { return e.InitiatedBy.User.DisplayName }),
		str[AuditEvent]("initiatedBy.user.userPrincipalName", func(e *AuditEvent) string { return e.InitiatedBy.User.UserPrincipalName }),
		str[AuditEvent]("initiatedBy.user.ipAddress", func(e *AuditEvent) string { return e.InitiatedBy.User.IPAddress }),
		str[AuditEvent]("initiatedBy.user.homeTenantId", func(e *AuditEvent) string { return e.InitiatedBy.User.HomeTenantID }),
		str[AuditEvent]("initiatedBy.user.homeTenantName", func(e *AuditEvent) string { return e.InitiatedBy.User.HomeTenantName }),
		str[AuditEvent]("initiatedBy.user.userType", func(e *AuditEvent) string { return e.InitiatedBy.User.UserType }),
		str[AuditEvent]("initiatedBy.app.appId", func(e *AuditEvent) string { return e.InitiatedBy.App.AppID }),
		str[AuditEvent]("initiatedBy.app.displayName", func(e *AuditEvent) string { return e.InitiatedBy.App.DisplayName }),
		str[AuditEvent]("initiatedBy.app.servicePrincipalId", func(e *AuditEvent) string { return e.InitiatedBy.App.ServicePrincipalID }),
		str[AuditEvent]("initiatedBy.app.servicePrincipalName", func(e *AuditEvent) string { return e.InitiatedBy.App.ServicePrincipalName }),
		str[AuditEvent]("loggedByService", func(e *AuditEvent) string { return e.LoggedByService }),
		str[AuditEvent]("operationType", func(e *AuditEvent) string { return e.OperationType }),
		str[AuditEvent]("result", func(e *AuditEvent) string { return e.Result }),
		str[AuditEvent]("resultReason", func(e *AuditEvent) string { return e.ResultReason }),
		auditTargets("targetResources{}.id", func(t *TargetResource) string { return t.ID }),
		auditTargets("targetResources{}.displayName", func(t *TargetResource) string { return t.DisplayName }),
		auditTargets("targetResources{}.type", func(t *TargetResource) string { return t.Type }),
		auditTargets("targetResources{}.userPrincipalName", func(t *TargetResource) string { return t.UserPrincipalName }),
		auditTargets("targetResources{}.groupType", func(t *TargetResource) string { return t.GroupType }),
		auditModified("targetResources{}.modifiedProperties{}.displayName", func(p *ModifiedProperty) string { return p.DisplayName }),
		auditModified("targetResources{}.modifiedProperties{}.oldValue", func(p *ModifiedProperty) string { return p.OldValue }),
		auditModified("targetResources{}.modifiedProperties{}.newValue", func(p *ModifiedProperty) string { return p.NewValue }),
		str[AuditEvent]("userAgent", func(e *AuditEvent) string { return e.UserAgent }),
	}
}

// auditTargets builds a field over one string property of every target
// resource; empty values are skipped, as in every field but auditModified's.
func auditTargets(name string, get func(t *TargetResource) string) Field[AuditEvent] {
	return Field[AuditEvent]{name: name, kind: KindString, multi: true, get: func(dst []string, e *AuditEvent) []string {
		for i := range e.TargetResources {
			if v := get(&e.TargetResources[i]); v != "" {
				dst = append(dst, v)
			}
		}
		return dst
	}}
}

// auditModified builds a field over one string property of every modified
// property of every target, flattened in document order, with one value
// per modified property: "null" stands for a null, absent or empty value,
// so that the three modifiedProperties{} fields line up by position (see
// the file comment).
func auditModified(name string, get func(p *ModifiedProperty) string) Field[AuditEvent] {
	return Field[AuditEvent]{name: name, kind: KindString, multi: true, get: func(dst []string, e *AuditEvent) []string {
		for i := range e.TargetResources {
			ps := e.TargetResources[i].ModifiedProperties
			for j := range ps {
				dst = append(dst, cmp.Or(get(&ps[j]), auditNull))
			}
		}
		return dst
	}}
}

// auditDetails builds a field over one string property of every additional detail.
func auditDetails(name string, get func(d *KeyValue) string) Field[AuditEvent] {
	return Field[AuditEvent]{name: name, kind: KindString, multi: true, get: func(dst []string, e *AuditEvent) []string {
		for i := range e.AdditionalDetails {
			if v := get(&e.AdditionalDetails[i]); v != "" {
				dst = append(dst, v)
			}
		}
		return dst
	}}
}

// appendValue appends v to dst unless it is empty.
func appendValue(dst []string, v string) []string {
	if v == "" {
		return dst
	}
	return append(dst, v)
}

// mvMatch reports whether s matches an mvfind pattern of the add-on,
// "^…$" with '.' for any one character (the only regular-expression
// syntax its patterns use), pattern given without the anchors.
func mvMatch(s, pattern string) bool {
	for _, p := range pattern {
		if s == "" {
			return false
		}
		r, size := utf8.DecodeRuneInString(s)
		if p != '.' && p != r || p == '.' && r == '\n' {
			return false
		}
		s = s[size:]
	}
	return s == ""
}

// targetWhere is mvindex('properties.targetResources{}.<get>',
// mvfind('properties.targetResources{}.type', "^<typ>$")): get of the first
// target whose type matches, taken from the same target.
func targetWhere(e *AuditEvent, typ string, get func(t *TargetResource) string) string {
	for i := range e.TargetResources {
		if mvMatch(e.TargetResources[i].Type, typ) {
			return get(&e.TargetResources[i])
		}
	}
	return ""
}

// modifiedWhere is mvindex('properties.targetResources{}.modifiedProperties{}.<get>',
// mvfind('properties.targetResources{}.modifiedProperties{}.displayName', "^<name>$")):
// get of the first modified property, over all targets, whose displayName
// matches.
func modifiedWhere(e *AuditEvent, name string, get func(p *ModifiedProperty) string) string {
	for i := range e.TargetResources {
		ps := e.TargetResources[i].ModifiedProperties
		for j := range ps {
			if mvMatch(ps[j].DisplayName, name) {
				return get(&ps[j])
			}
		}
	}
	return ""
}

// detailWhere is mvindex('properties.additionalDetails{}.value',
// mvfind('properties.additionalDetails{}.key', "^<key>$")).
func detailWhere(e *AuditEvent, key string) string {
	for i := range e.AdditionalDetails {
		if mvMatch(e.AdditionalDetails[i].Key, key) {
			return e.AdditionalDetails[i].Value
		}
	}
	return ""
}

// Accessors for the helpers above, and the add-on's replace(x, "\"", "").
func modNewValue(p *ModifiedProperty) string     { return p.NewValue }
func modOldValue(p *ModifiedProperty) string     { return p.OldValue }
func targetDisplayName(t *TargetResource) string { return t.DisplayName }
func targetObjectID(t *TargetResource) string    { return t.ID }
func noQuotes(s string) string                   { return strings.ReplaceAll(s, `"`, "") }

// targetUPNs appends every target's userPrincipalName:
// 'properties.targetResources{}.userPrincipalName'.
func targetUPNs(dst []string, e *AuditEvent) []string {
	for i := range e.TargetResources {
		dst = appendValue(dst, e.TargetResources[i].UserPrincipalName)
	}
	return dst
}

// targetNames appends every target's displayName:
// 'properties.targetResources{}.displayName'.
func targetNames(dst []string, e *AuditEvent) []string {
	for i := range e.TargetResources {
		dst = appendValue(dst, e.TargetResources[i].DisplayName)
	}
	return dst
}

// pimOperation reports the four like(operationName, "… in PIM%") tests the
// add-on puts beside its user-targeted operations (props.conf lines 369,
// 489).
func pimOperation(op string) bool {
	return strings.HasPrefix(op, "Add member to role in PIM") ||
		strings.HasPrefix(op, "Add eligible member to role in PIM") ||
		strings.HasPrefix(op, "Remove eligible member from role in PIM") ||
		strings.HasPrefix(op, "Remove member from role in PIM")
}

// userTargetedForUser is the operation list of EVAL-user's target-UPN
// branch (props.conf line 489), without its like() tests.
func userTargetedForUser(op string) bool {
	switch op {
	case "Add member to role", "Add member to group", "Add owner to application", "Update user",
		"Invite external user", "Reset user password", "Restore user",
		"Add member to role outside of PIM (permanent)", "Change password (self-service)",
		"Reset password (by admin)", "Add eligible member to role", "Remove eligible member from role",
		"Remove member from group", "Change user password", "Add user", "Delete user",
		"Remove member from role", "Clear block on user", "Add blocked user",
		"User registered all required security info", "User registered security info",
		"Set user manager", "Enable account", "Disable account", "Hard Delete user":
		return true
	}
	return false
}

// cimAuditUser is the add-on's EVAL-user for audit records (props.conf
// lines 486–493), a case() whose first matching branch gives the value:
//
//   - "Add service principal", "Update service principal": the
//     displayName of the first ServicePrincipal target;
//   - "Redeem external user invite", "Delete external user",
//     "Viral user creation": the field UPN, which the add-on extracts
//     with a regular expression over the raw record text
//     (transforms.conf mscs_extract_UPN); escudo does not run it, so these
//     give no value [known gap];
//   - the user-targeted operations (the list of line 489 and
//     like(operationName, "Add member to role in PIM%") and the three
//     like it): every target's userPrincipalName, so "Add member to role"
//     gives the user who got the role, not the administrator;
//   - "Add device": initiatedBy.app.displayName;
//   - "Set Company Information", "Create connected organization",
//     "Finish applying group based license to users", "Add label",
//     "Hard delete service principal": initiatedBy.app.servicePrincipalId,
//     else initiatedBy.app.displayName;
//   - "Hard Delete group": the envelope's identity;
//   - "Remove app role assignment from user",
//     "Add app role assignment grant to user": the newValue of the
//     modified property User.UPN, double quotes removed;
//   - otherwise coalesce(initiatedBy.user.userPrincipalName,
//     properties.userPrincipalName, properties.servicePrincipalName): the
//     initiator's UPN (the last two are sign-in properties, absent here).
//
// The branch for "Provisioning activity" (line 487) is for provisioning
// records, which are not AuditEvents.
func cimAuditUser(dst []string, e *AuditEvent) []string {
	switch op := e.Envelope.OperationName; {
	case op == "Add service principal" || op == "Update service principal":
		return appendValue(dst, targetWhere(e, "ServicePrincipal", targetDisplayName))
	case op == "Redeem external user invite" || op == "Delete external user" || op == "Viral user creation":
		return dst
	case pimOperation(op) || userTargetedForUser(op):
		return targetUPNs(dst, e)
	case op == "Add device":
		return appendValue(dst, e.InitiatedBy.App.DisplayName)
	case op == "Set Company Information" || op == "Create connected organization" ||
		op == "Finish applying group based license to users" || op == "Add label" ||
		op == "Hard delete service principal":
		return appendValue(dst, cmp.Or(e.InitiatedBy.App.ServicePrincipalID, e.InitiatedBy.App.DisplayName))
	case op == "Hard Delete group":
		return appendValue(dst, e.Envelope.Identity)
	case op == "Remove app role assignment from user" || op == "Add app role assignment grant to user":
		return appendValue(dst, noQuotes(modifiedWhere(e, "User.UPN", modNewValue)))
	}
	return appendValue(dst, e.InitiatedBy.User.UserPrincipalName)
}

// cimAuditSrcUser is the add-on's EVAL-src_user (props.conf lines
// 464–468):
//
//   - "Add member to role", "Update user", "Add eligible member to role",
//     "Remove eligible member from role": initiatedBy.app.displayName, so
//     no value when a user did it;
//   - "Delete user", "Remove member from role":
//     initiatedBy.app.servicePrincipalId, else initiatedBy.app.displayName;
//   - otherwise the initiator's userPrincipalName, else its displayName.
func cimAuditSrcUser(e *AuditEvent) string {
	app, user := &e.InitiatedBy.App, &e.InitiatedBy.User
	switch e.Envelope.OperationName {
	case "Add member to role", "Update user", "Add eligible member to role", "Remove eligible member from role":
		return app.DisplayName
	case "Delete user", "Remove member from role":
		return cmp.Or(app.ServicePrincipalID, app.DisplayName)
	}
	return cmp.Or(user.UserPrincipalName, user.DisplayName)
}

// cimAuditSrcUserType is the add-on's EVAL-src_user_type (props.conf lines
// 475–480): "external identity" when the initiator's UPN contains #EXT#,
// "userPrincipal" when there is one, "servicePrincipal" when the
// initiating app has a servicePrincipalName, "ServicePrincipal" (so
// capitalised) when it has only a servicePrincipalId, else no value.
// Splunk's search compares values without regard to case, so
// src_user_type=servicePrincipal finds both of the last two [unverified
// standard Splunk semantics].
//
// Where an initiating app's servicePrincipalName is JSON null, as it is
// in the real app-initiated records, Splunk's isnotnull() is true of the
// extracted text "null" [inferred], so Splunk says "servicePrincipal"
// where escudo, with no value for null, says "ServicePrincipal". Rule
// "Azure AD Admin Consent Bypassed by Service Principal" filters on
// src_user_type=servicePrincipal and so matches either way, if the
// search compares without regard to case; a BY over src_user_type shows
// the other capitalisation.
func cimAuditSrcUserType(e *AuditEvent) string {
	app, upn := &e.InitiatedBy.App, e.InitiatedBy.User.UserPrincipalName
	switch {
	case strings.Contains(upn, "#EXT#"):
		return "external identity"
	case upn != "":
		return "userPrincipal"
	case app.ServicePrincipalName != "":
		return "servicePrincipal"
	case app.ServicePrincipalID != "":
		return "ServicePrincipal"
	}
	return ""
}

// cimAuditUserAgent is the add-on's EVAL-user_agent for records whose
// operationName is not "Sign-in activity" (props.conf lines 495–496): the
// value of the additional detail whose key is User-Agent. (Azure
// Monitor's properties.userAgent is the field userAgent, which ESCU
// renames to user_agent itself.)
func cimAuditUserAgent(e *AuditEvent) string {
	if e.Envelope.OperationName == "Sign-in activity" {
		return "" // the sign-in branch reads properties.userAgent of sign-ins
	}
	return detailWhere(e, "User-Agent")
}

// cimAuditStatus is the add-on's EVAL-status (props.conf lines 482–484):
// "success" when result is success, else "failure", a missing result
// included.
func cimAuditStatus(e *AuditEvent) string {
	if e.Result == "success" {
		return "success"
	}
	return "failure"
}

// userTargetedForObject is the operation list of EVAL-object's target-UPN
// branch (props.conf line 369), without its like() tests; it is
// EVAL-user's list with the two PIM activation operations added.
func userTargetedForObject(op string) bool {
	switch op {
	case "Add member to role requested (PIM activation)", "Add member to role completed (PIM activation)":
		return true
	}
	return userTargetedForUser(op)
}

// objectByName is the operation list of EVAL-object's displayName branch
// (props.conf line 376), without its like() tests. The en dash and the
// trailing space of "Update application – Certificates and secrets
// management " are the add-on's.
func objectByName(op string) bool {
	switch op {
	case "Add application", "Add group", "Update group", "Update Sign-In Risk Policy", "Update policy",
		"Update User Risk and MFA Registration Policy", "Add policy", "Create company settings",
		"Update role", "Add device", "Update company settings", "Add service principal",
		"Update service principal", "Delete application", "Update application",
		"Update application – Certificates and secrets management ", "Hard Delete application",
		"Delete group", "Set directory feature on tenant", "Consent to application",
		"Set Company Information", "Hard Delete group", "Delete role definition", "Add role definition",
		"Restore application", "Get tenant details", "Delete policy",
		"Finish applying group based license to users", "Set group license",
		"Update authorization policy", "Add label", "Remove service principal",
		"Hard delete service principal":
		return true
	}
	return strings.HasSuffix(op, "business flow") || strings.HasSuffix(op, "conditional access policy")
}

// cimAuditObject is the add-on's EVAL-object (props.conf lines 368–385),
// branch by branch in its order:
//
//   - the user-targeted operations (line 369): every target's
//     userPrincipalName;
//   - "Redeem external user invite", "Delete external user",
//     "Viral user creation": the raw-text UPN extraction, not run (no
//     value, as for user);
//   - "Register device": the additional detail Device Id;
//   - "Create resource request": the id of the first Request target;
//   - "Update role setting in PIM", "Add role from template": the
//     displayName of the first Role target;
//   - the access review operations: that of the first AccessReview target;
//   - "Add app role assignment to group", "Add owner to group": the
//     newValue of Group.DisplayName, quotes removed;
//   - the operations of line 376 ("Add service principal",
//     "Update application", "Consent to application",
//     "Update authorization policy", …, and like "%business flow",
//     "%conditional access policy"): every target's displayName;
//   - "Add owner to service principal": the newValue of
//     ServicePrincipal.DisplayName, quotes removed;
//   - "Remove owner from group", "Remove owner from application": the
//     oldValue of Group.DisplayName or Application.DisplayName;
//   - "POST Tenant.CreateTenant": the newValue of Model.TenantName;
//   - "Remove app role assignment from user",
//     "Add app role assignment grant to user": the newValue of User.UPN;
//   - "Get resource properties of a tenant", "Initialize tenant": the
//     additional detail targetTenant;
//   - the access package catalog operations: the displayName of the first
//     AccessPackageCatalog target;
//   - "Create connected organization": that of the first Other target,
//     quotes removed;
//   - "Add unverified domain", "Update NotificationSettings",
//     "Set directory feature on tenant", "Set Company Information",
//     "Remove unverified domain", "Verify domain" and like "%(bulk)":
//     "Azure AD" (two of them are caught by line 376 first);
//   - otherwise no value.
//
// The branch for "Provisioning activity" is for provisioning records.
func cimAuditObject(dst []string, e *AuditEvent) []string {
	op := e.Envelope.OperationName
	switch {
	case userTargetedForObject(op) || pimOperation(op):
		return targetUPNs(dst, e)
	case op == "Redeem external user invite" || op == "Delete external user" || op == "Viral user creation":
		return dst
	case op == "Register device":
		return appendValue(dst, detailWhere(e, "Device Id"))
	case op == "Create resource request":
		return appendValue(dst, targetWhere(e, "Request", targetObjectID))
	case op == "Update role setting in PIM" || op == "Add role from template":
		return appendValue(dst, targetWhere(e, "Role", targetDisplayName))
	case op == "Create access review" || op == "Delete access review" || op == "Update access review" || op == "Access review ended":
		return appendValue(dst, targetWhere(e, "AccessReview", targetDisplayName))
	case op == "Add app role assignment to group" || op == "Add owner to group":
		return appendValue(dst, noQuotes(modifiedWhere(e, "Group.DisplayName", modNewValue)))
	case objectByName(op):
		return targetNames(dst, e)
	case op == "Add owner to service principal":
		return appendValue(dst, noQuotes(modifiedWhere(e, "ServicePrincipal.DisplayName", modNewValue)))
	case op == "Remove owner from group":
		return appendValue(dst, noQuotes(modifiedWhere(e, "Group.DisplayName", modOldValue)))
	case op == "Remove owner from application":
		return appendValue(dst, noQuotes(modifiedWhere(e, "Application.DisplayName", modOldValue)))
	case op == "POST Tenant.CreateTenant":
		return appendValue(dst, noQuotes(modifiedWhere(e, "Model.TenantName", modNewValue)))
	case op == "Remove app role assignment from user" || op == "Add app role assignment grant to user":
		return appendValue(dst, noQuotes(modifiedWhere(e, "User.UPN", modNewValue)))
	case op == "Get resource properties of a tenant" || op == "Initialize tenant":
		return appendValue(dst, detailWhere(e, "targetTenant"))
	case op == "Update access package catalog" || op == "Create access package catalog" || op == "Delete access package catalog":
		return appendValue(dst, targetWhere(e, "AccessPackageCatalog", targetDisplayName))
	case op == "Create connected organization":
		return appendValue(dst, noQuotes(targetWhere(e, "Other", targetDisplayName)))
	case op == "Add unverified domain" || op == "Update NotificationSettings" || op == "Set directory feature on tenant" ||
		op == "Set Company Information" || op == "Remove unverified domain" || op == "Verify domain" ||
		strings.HasSuffix(op, "(bulk)"):
		return append(dst, "Azure AD")
	}
	return dst
}
