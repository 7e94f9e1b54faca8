package event_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// auditFieldNames returns AuditFieldNames(), failing the test when it is empty.
func auditFieldNames(t *testing.T) []string {
	t.Helper()
	names := event.AuditFieldNames()
	if len(names) == 0 {
		t.Fatal("AuditFieldNames() is empty")
	}
	return names
}

func TestLookupAuditFieldKnown(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range auditFieldNames(t) {
		if seen[name] {
			t.Errorf("AuditFieldNames() lists %q twice", name)
		}
		seen[name] = true
		f, err := event.LookupAuditField(name)
		if err != nil {
			t.Errorf("LookupAuditField(%q): %v", name, err)
			continue
		}
		if got := f.Name(); got != name {
			t.Errorf("LookupAuditField(%q).Name() = %q", name, got)
		}
	}
}

func TestAuditFieldNamesFresh(t *testing.T) {
	a := event.AuditFieldNames()
	a[0] = "changed"
	if b := event.AuditFieldNames(); b[0] == "changed" {
		t.Errorf("AuditFieldNames() returns shared memory: a write to one result shows in the next")
	}
}

func TestLookupAuditFieldUnknown(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		field  string
	}{
		{name: "empty", reason: "the empty name is no field", field: ""},
		{name: "sign-in field", reason: "a sign-in field is not an audit field", field: "status.errorCode"},
		{name: "object", reason: "an object is not a field; its members are", field: "initiatedBy.user"},
		{name: "case", reason: "names are case-sensitive, as in Splunk", field: "Result"},
		{name: "array without braces", reason: "array fields are named with {}", field: "targetResources.type"},
		{name: "index", reason: "a concrete index is a decode-error path, not a field name", field: "targetResources[0].type"},
		{name: "go name", reason: "Go field names are not Splunk names", field: "ActivityDisplayName"},
		{name: "properties envelope", reason: "the envelope is not under properties", field: "properties.operationName"},
		{name: "renamed by a search", reason: "a search's own renames (initiatedBy) are not event fields", field: "initiatedBy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := event.LookupAuditField(tt.field)
			if !errors.Is(err, event.ErrUnknownField) {
				t.Fatalf("LookupAuditField(%q) error = %v, want ErrUnknownField (%s)", tt.field, err, tt.reason)
			}
			if diff := cmp.Diff(`unknown field "`+tt.field+`"`, err.Error()); diff != "" {
				t.Errorf("error message mismatch (-want +got):\n%s", diff)
			}
			if f.Name() != "" || f.Append(nil, &event.AuditEvent{ID: "x"}) != nil {
				t.Errorf("LookupAuditField(%q) returned a non-zero Field %q with the error", tt.field, f.Name())
			}
		})
	}
}

// auditPropertyNames are the fields that are also named with the
// "properties." prefix.
var auditPropertyNames = []string{
	"id", "activityDateTime", "activityDisplayName", "additionalDetails{}.key", "additionalDetails{}.value",
	"correlationId", "initiatedBy.user.id", "initiatedBy.user.displayName",
	"initiatedBy.user.userPrincipalName", "initiatedBy.user.ipAddress", "initiatedBy.user.homeTenantId",
	"initiatedBy.user.homeTenantName", "initiatedBy.user.userType", "initiatedBy.app.appId",
	"initiatedBy.app.displayName", "initiatedBy.app.servicePrincipalId", "initiatedBy.app.servicePrincipalName",
	"loggedByService", "operationType", "result", "resultReason", "targetResources{}.id",
	"targetResources{}.displayName", "targetResources{}.type", "targetResources{}.userPrincipalName",
	"targetResources{}.groupType", "targetResources{}.modifiedProperties{}.displayName",
	"targetResources{}.modifiedProperties{}.oldValue", "targetResources{}.modifiedProperties{}.newValue", "userAgent",
}

func TestAuditFieldAppend(t *testing.T) {
	full := fullAuditEvent()
	s := func(vs ...string) fieldWant { return fieldWant{event.KindString, false, vs} }
	m := func(vs ...string) fieldWant { return fieldWant{event.KindString, true, vs} }
	const tenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"
	// Every field of fullAuditEvent, so a field added to AuditFieldNames
	// without a case here fails the test.
	wants := map[string]fieldWant{
		"id":                  s("Directory_b425f2d7-2245-4952-b599-61dff8054f2b_FLAW0_72812697"),
		"activityDateTime":    {event.KindTime, false, []string{"2025-03-14T09:24:58.1234567Z"}},
		"activityDisplayName": s("Add member to role"),
		// The empty value of the third detail is skipped.
		"additionalDetails{}.key":              m("AppId", "User-Agent", "empty"),
		"additionalDetails{}.value":            m("96f6a3d6-d5aa-4af5-a77a-9319b5283712", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0.0.0"),
		"correlationId":                        s("b425f2d7-2245-4952-b599-61dff8054f2b"),
		"initiatedBy.user.id":                  s("3bd47e42-37c9-442f-a2b4-f04de61ef0ce"),
		"initiatedBy.user.displayName":         s("Priya Raman"),
		"initiatedBy.user.userPrincipalName":   s("priya.raman@example.com"),
		"initiatedBy.user.ipAddress":           s("198.51.100.77"),
		"initiatedBy.user.homeTenantId":        s(tenant),
		"initiatedBy.user.homeTenantName":      s("Example"),
		"initiatedBy.user.userType":            s("Member"),
		"initiatedBy.app.appId":                s("7e2b9c41-5d3a-4f8e-9b16-2a4c6e8f0a13"),
		"initiatedBy.app.displayName":          s("Tallyhaus Deployment Pipeline"),
		"initiatedBy.app.servicePrincipalId":   s("8a1c3e5f-7b9d-4f1a-9c3e-6d8f0a2c4e57"),
		"initiatedBy.app.servicePrincipalName": s("tallyhaus-pipeline"),
		"loggedByService":                      s("Core Directory"),
		"operationType":                        s("Assign"),
		"result":                               s("success"),
		"resultReason":                         s("OK"),
		"targetResources{}.id": m("0d664d57-a3ee-4049-8642-280a5c7243ef", "38bf5baf-7ec7-4bc2-8920-6d4044da12c2",
			"c5e3a7b9-1d4f-4e8a-8c3b-5d7f9b1c3e44"),
		// The first target's empty displayName is skipped.
		"targetResources{}.displayName":       m("Global Administrator", "Finance Team"),
		"targetResources{}.type":              m("User", "Role", "Group"),
		"targetResources{}.userPrincipalName": m("marcus.webb@example.net"),
		"targetResources{}.groupType":         m("unifiedGroups"),
		// One value per modified property, across targets, "null" for null.
		"targetResources{}.modifiedProperties{}.displayName": m("Role.ObjectID", "Role.DisplayName", "AccountEnabled"),
		"targetResources{}.modifiedProperties{}.oldValue":    m("null", "null", "[false]"),
		"targetResources{}.modifiedProperties{}.newValue":    m(`"38bf5baf-7ec7-4bc2-8920-6d4044da12c2"`, `"Global Administrator"`, "[true]"),
		"userAgent": s("python-requests/2.31"),

		"operationName":     s("Add member to role"),
		"category":          s("AuditLogs"),
		"resultType":        s("Success"),
		"resultDescription": s("None"),
		"callerIpAddress":   s("198.51.100.77"),
		"tenantId":          s(tenant),
		"identity":          s("Priya Raman"),
		"Level":             s("4"),
		"location":          s("US"),

		// CIM fields, as the add-on computes them.
		"user":           m("marcus.webb@example.net"), // the target of "Add member to role"
		"src":            s("198.51.100.77"),
		"src_ip":         s("198.51.100.77"),
		"dest":           s(tenant),
		"dest_type":      s("tenant"),
		"vendor_account": s(tenant),
		"vendor_product": s("Azure AD"),
		"signature":      s("Add member to role"),
		"command":        s("Add member to role"),
		"src_user":       s("Tallyhaus Deployment Pipeline"), // app.displayName for "Add member to role"
		"src_user_type":  s("userPrincipal"),
		"user_agent":     s("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0.0.0"),
		"object":         m("marcus.webb@example.net"),
		"status":         s("success"),
		"dvc":            s("Core Directory"),
	}
	for _, name := range auditPropertyNames {
		wants["properties."+name] = wants[name]
	}
	wants["properties.category"] = s("RoleManagement") // the Graph category

	names := auditFieldNames(t)
	for _, name := range names {
		if _, ok := wants[name]; !ok {
			t.Errorf("field %q has no test case", name)
		}
	}
	for name := range wants {
		if !slices.Contains(names, name) {
			t.Errorf("test case for %q, which AuditFieldNames() does not list", name)
		}
	}

	// An empty event has no value for any field, but for the CIM fields
	// the add-on gives a constant or a default.
	defaults := map[string][]string{"dest_type": {"tenant"}, "vendor_product": {"Azure AD"}, "status": {"failure"}}
	for _, name := range names {
		want, ok := wants[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			f, err := event.LookupAuditField(name)
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind() != want.kind || f.Multi() != want.multi {
				t.Errorf("Kind, Multi = %v, %v; want %v, %v", f.Kind(), f.Multi(), want.kind, want.multi)
			}
			got := f.Append([]string{"before"}, &full)
			if diff := cmp.Diff(append([]string{"before"}, want.values...), got); diff != "" {
				t.Errorf("Append mismatch (-want +got):\n%s", diff)
			}
			v, ok := f.Value(&full)
			switch {
			case len(want.values) == 0 && ok:
				t.Errorf("Value() = %q, true; want no value", v)
			case len(want.values) > 0 && (!ok || v != want.values[0]):
				t.Errorf("Value() = %q, %v; want %q, true", v, ok, want.values[0])
			}
			if got := f.Append(nil, &event.AuditEvent{}); !slices.Equal(got, defaults[name]) {
				t.Errorf("Append on the zero event = %q, want %q", got, defaults[name])
			}
		})
	}
}

// TestAuditModifiedAlignment checks that the three modifiedProperties{}
// fields line up by position, as ESCU's mvfind/mvindex need: one value per
// modified property, across targets, "null" for a null or empty value.
func TestAuditModifiedAlignment(t *testing.T) {
	ev := event.AuditEvent{TargetResources: []event.TargetResource{
		{ModifiedProperties: []event.ModifiedProperty{
			{DisplayName: "A", NewValue: `"x"`},
			{DisplayName: "B", OldValue: `"o"`},
		}},
		{Type: "Role"}, // no modified properties
		{ModifiedProperties: []event.ModifiedProperty{
			{NewValue: "[true]"},
			{DisplayName: "D", OldValue: "[]", NewValue: "[]"},
		}},
	}}
	want := map[string][]string{
		"targetResources{}.modifiedProperties{}.displayName": {"A", "B", "null", "D"},
		"targetResources{}.modifiedProperties{}.oldValue":    {"null", `"o"`, "null", "[]"},
		"targetResources{}.modifiedProperties{}.newValue":    {`"x"`, "null", "[true]", "[]"},
	}
	for name, w := range want {
		for _, n := range []string{name, "properties." + name} {
			f, err := event.LookupAuditField(n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(w, f.Append(nil, &ev)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", n, diff)
			}
		}
	}
	// The other array fields keep the package rule: no value for empty.
	f, err := event.LookupAuditField("targetResources{}.type")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Role"}, f.Append(nil, &ev)); diff != "" {
		t.Errorf("targetResources{}.type mismatch (-want +got):\n%s", diff)
	}
}

// auditValues returns the values of the named field in ev.
func auditValues(t *testing.T, name string, ev *event.AuditEvent) []string {
	t.Helper()
	f, err := event.LookupAuditField(name)
	if err != nil {
		t.Fatal(err)
	}
	return f.Append(nil, ev)
}

// withOp returns ev with the envelope's operationName set to op.
func withOp(op string, ev event.AuditEvent) event.AuditEvent {
	ev.Envelope.OperationName = op
	return ev
}

var (
	auditByUser = event.AuditActivityInitiator{User: event.AuditUserIdentity{UserPrincipalName: "admin@example.com", DisplayName: "Admin"}}
	auditByApp  = event.AuditActivityInitiator{App: event.AppIdentity{DisplayName: "Pipeline", ServicePrincipalID: "sp-1"}}
)

// TestAuditCIMUser checks the add-on's EVAL-user case() branch by branch.
func TestAuditCIMUser(t *testing.T) {
	users := []event.TargetResource{
		{Type: "User", UserPrincipalName: "a@example.com"},
		{Type: "Role", DisplayName: "Global Administrator"},
		{Type: "User", UserPrincipalName: "b@example.com"},
	}
	sps := []event.TargetResource{
		{Type: "Application", DisplayName: "App object"},
		{Type: "ServicePrincipal", DisplayName: "Tallyhaus Analytics"},
		{Type: "ServicePrincipal", DisplayName: "Second"},
	}
	upn := func(name, value string) []event.TargetResource {
		return []event.TargetResource{{Type: "User", UserPrincipalName: "target@example.com", ModifiedProperties: []event.ModifiedProperty{
			{DisplayName: "User.ObjectID", NewValue: `"x"`},
			{DisplayName: name, NewValue: value},
		}}}
	}
	tests := []struct {
		name, reason string
		ev           event.AuditEvent
		want         []string
	}{
		{"Add service principal", "the displayName of the first ServicePrincipal target",
			withOp("Add service principal", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: sps}), []string{"Tallyhaus Analytics"}},
		{"Update service principal", "the same",
			withOp("Update service principal", event.AuditEvent{InitiatedBy: auditByApp, TargetResources: sps}), []string{"Tallyhaus Analytics"}},
		{"Add service principal without one", "no ServicePrincipal target: no value, not the initiator",
			withOp("Add service principal", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: users}), nil},
		{"Redeem external user invite", "UPN comes from a raw-text extraction escudo does not run",
			withOp("Redeem external user invite", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: users}), nil},
		{"Add member to role", "every target's UPN: the users who got the role",
			withOp("Add member to role", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: users}), []string{"a@example.com", "b@example.com"}},
		{"Add member to role to a service principal", "no target has a UPN: no value",
			withOp("Add member to role", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: sps}), nil},
		{"PIM", `like(operationName, "Add member to role in PIM%")`,
			withOp("Add member to role in PIM completed (permanent)", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: users}), []string{"a@example.com", "b@example.com"}},
		{"Hard Delete user", "the last of the list",
			withOp("Hard Delete user", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: users}), []string{"a@example.com", "b@example.com"}},
		{"case", "operationName IN (...) is taken as case-sensitive: another name takes the default",
			withOp("add member to role", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: users}), []string{"admin@example.com"}},
		{"Add device", "the initiating app",
			withOp("Add device", event.AuditEvent{InitiatedBy: auditByApp}), []string{"Pipeline"}},
		{"Set Company Information", "the app's servicePrincipalId",
			withOp("Set Company Information", event.AuditEvent{InitiatedBy: auditByApp}), []string{"sp-1"}},
		{"Add label without servicePrincipalId", "else the app's displayName",
			withOp("Add label", event.AuditEvent{InitiatedBy: event.AuditActivityInitiator{App: event.AppIdentity{DisplayName: "Labeler"}}}), []string{"Labeler"}},
		{"Hard Delete group", "the envelope's identity",
			withOp("Hard Delete group", event.AuditEvent{InitiatedBy: auditByUser, Envelope: event.Envelope{Identity: "Group Cleaner"}}), []string{"Group Cleaner"}},
		{"Add app role assignment grant to user", "the newValue of User.UPN, quotes removed",
			withOp("Add app role assignment grant to user", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: upn("User.UPN", `"granted@example.com"`)}), []string{"granted@example.com"}},
		{"User.UPN pattern", `mvfind's "^User.UPN$": the dot is any character`,
			withOp("Remove app role assignment from user", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: upn("User_UPN", `"x@example.com"`)}), []string{"x@example.com"}},
		{"User.UPN anchored", `"^User.UPN$" is anchored`,
			withOp("Remove app role assignment from user", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: upn("User.UPNs", `"x@example.com"`)}), nil},
		{"default", "any other operation: the initiator's UPN",
			withOp("Consent to application", event.AuditEvent{InitiatedBy: auditByUser, TargetResources: sps}), []string{"admin@example.com"}},
		{"default by app", "an app initiator has no UPN",
			withOp("Add app role assignment to service principal", event.AuditEvent{InitiatedBy: auditByApp, TargetResources: sps}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, auditValues(t, "user", &tt.ev)); diff != "" {
				t.Errorf("user mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestAuditCIMObject checks the add-on's EVAL-object case() on a
// selection of its branches.
func TestAuditCIMObject(t *testing.T) {
	mods := func(typ, display string, ps ...event.ModifiedProperty) []event.TargetResource {
		return []event.TargetResource{
			{Type: "User", UserPrincipalName: "owner@example.com", ModifiedProperties: ps},
			{ID: "req-1", Type: typ, DisplayName: display},
		}
	}
	tests := []struct {
		name, reason string
		ev           event.AuditEvent
		want         []string
	}{
		{"user-targeted", "the target UPNs",
			withOp("Invite external user", event.AuditEvent{TargetResources: mods("Other", "x")}), []string{"owner@example.com"}},
		{"PIM activation", "object's list has the two PIM activation operations that user's lacks",
			withOp("Add member to role completed (PIM activation)", event.AuditEvent{TargetResources: mods("Role", "Reader")}), []string{"owner@example.com"}},
		{"Register device", "the additional detail Device Id",
			withOp("Register device", event.AuditEvent{AdditionalDetails: []event.KeyValue{{Key: "Device OS", Value: "iOS"}, {Key: "Device Id", Value: "dev-9"}}}), []string{"dev-9"}},
		{"Create resource request", "the id of the Request target",
			withOp("Create resource request", event.AuditEvent{TargetResources: mods("Request", "r")}), []string{"req-1"}},
		{"Add role from template", "the displayName of the Role target",
			withOp("Add role from template", event.AuditEvent{TargetResources: mods("Role", "Custom Reader")}), []string{"Custom Reader"}},
		{"Add owner to group", "the newValue of Group.DisplayName, quotes removed",
			withOp("Add owner to group", event.AuditEvent{TargetResources: mods("Group", "g", event.ModifiedProperty{DisplayName: "Group.DisplayName", NewValue: `"Finance Team"`})}), []string{"Finance Team"}},
		{"Update application", "every target's displayName",
			withOp("Update application", event.AuditEvent{TargetResources: mods("Application", "Tallyhaus Analytics")}), []string{"Tallyhaus Analytics"}},
		{"en dash", "the add-on's name, en dash and trailing space",
			withOp("Update application – Certificates and secrets management ", event.AuditEvent{TargetResources: mods("Application", "Tallyhaus Analytics")}), []string{"Tallyhaus Analytics"}},
		{"conditional access policy", `like(operationName, "%conditional access policy")`,
			withOp("Update conditional access policy", event.AuditEvent{TargetResources: mods("Policy", "CA001")}), []string{"CA001"}},
		{"Add owner to service principal", "the newValue of ServicePrincipal.DisplayName, quotes removed",
			withOp("Add owner to service principal", event.AuditEvent{TargetResources: mods("ServicePrincipal", "sp",
				event.ModifiedProperty{DisplayName: "ServicePrincipal.ObjectID", NewValue: `"4c6e"`},
				event.ModifiedProperty{DisplayName: "ServicePrincipal.DisplayName", NewValue: `"Tallyhaus Analytics"`})}), []string{"Tallyhaus Analytics"}},
		{"Remove owner from application", "the oldValue of Application.DisplayName",
			withOp("Remove owner from application", event.AuditEvent{TargetResources: mods("Application", "a",
				event.ModifiedProperty{DisplayName: "Application.DisplayName", OldValue: `"Old App"`})}), []string{"Old App"}},
		{"Initialize tenant", "the additional detail targetTenant",
			withOp("Initialize tenant", event.AuditEvent{AdditionalDetails: []event.KeyValue{{Key: "targetTenant", Value: "t-1"}}}), []string{"t-1"}},
		{"Create connected organization", "the Other target's displayName, quotes removed",
			withOp("Create connected organization", event.AuditEvent{TargetResources: mods("Other", `"Partner Org"`)}), []string{"Partner Org"}},
		{"Add unverified domain", "the constant",
			withOp("Add unverified domain", event.AuditEvent{TargetResources: mods("Directory", "example.org")}), []string{"Azure AD"}},
		{"bulk", `like(operationName, "%(bulk)")`,
			withOp("Download users - started (bulk)", event.AuditEvent{}), []string{"Azure AD"}},
		{"Set Company Information", "caught by the displayName branch before the constant",
			withOp("Set Company Information", event.AuditEvent{TargetResources: mods("Directory", "Example")}), []string{"Example"}},
		{"unlisted", "no branch: no value",
			withOp("Disable Strong Authentication", event.AuditEvent{TargetResources: mods("User", "x")}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, auditValues(t, "object", &tt.ev)); diff != "" {
				t.Errorf("object mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestAuditCIMInitiator checks src_user, src_user_type, user_agent and
// status.
func TestAuditCIMInitiator(t *testing.T) {
	guest := event.AuditActivityInitiator{User: event.AuditUserIdentity{UserPrincipalName: "dana_example.net#EXT#@example.com"}}
	noUPN := event.AuditActivityInitiator{User: event.AuditUserIdentity{DisplayName: "Sync Service"}}
	spName := event.AuditActivityInitiator{App: event.AppIdentity{DisplayName: "Pipeline", ServicePrincipalName: "pipeline", ServicePrincipalID: "sp-1"}}
	agents := []event.KeyValue{{Key: "AppId", Value: "a"}, {Key: "User-Agent", Value: "curl/8.5"}}
	tests := []struct {
		name, reason                        string
		ev                                  event.AuditEvent
		srcUser, srcUserType, agent, status string
	}{
		{"user", "the initiator's UPN; a userPrincipal",
			withOp("Consent to application", event.AuditEvent{InitiatedBy: auditByUser, AdditionalDetails: agents, Result: "success"}),
			"admin@example.com", "userPrincipal", "curl/8.5", "success"},
		{"Add member to role by a user", "src_user is the app's displayName for it: none",
			withOp("Add member to role", event.AuditEvent{InitiatedBy: auditByUser, Result: "failure"}),
			"", "userPrincipal", "", "failure"},
		{"Update user by an app", "the app's displayName",
			withOp("Update user", event.AuditEvent{InitiatedBy: auditByApp}),
			"Pipeline", "ServicePrincipal", "", "failure"},
		{"Delete user by an app", "the app's servicePrincipalId",
			withOp("Delete user", event.AuditEvent{InitiatedBy: auditByApp}),
			"sp-1", "ServicePrincipal", "", "failure"},
		{"guest", "an #EXT# UPN is an external identity",
			withOp("Set domain authentication", event.AuditEvent{InitiatedBy: guest, Result: "success"}),
			"dana_example.net#EXT#@example.com", "external identity", "", "success"},
		{"no UPN", "src_user falls back on the displayName; no type",
			withOp("Update policy", event.AuditEvent{InitiatedBy: noUPN}),
			"Sync Service", "", "", "failure"},
		{"servicePrincipalName", "an app with a servicePrincipalName is a servicePrincipal",
			withOp("Add service principal", event.AuditEvent{InitiatedBy: spName}),
			"", "servicePrincipal", "", "failure"},
		{"result case", `status is success only for result "success", as written`,
			withOp("Update user", event.AuditEvent{Result: "Success"}),
			"", "", "", "failure"},
		{"user agent key case", `mvfind's "^User-Agent$" is case-sensitive`,
			withOp("Update user", event.AuditEvent{AdditionalDetails: []event.KeyValue{{Key: "user-agent", Value: "curl/8.5"}}}),
			"", "", "", "failure"},
		{"Sign-in activity", "user_agent of a sign-in is its properties.userAgent, not an audit detail",
			withOp("Sign-in activity", event.AuditEvent{AdditionalDetails: agents, UserAgent: "x"}),
			"", "", "", "failure"},
	}
	one := func(vs []string) string {
		if len(vs) > 1 {
			t.Fatalf("several values: %q", vs)
		}
		if len(vs) == 0 {
			return ""
		}
		return vs[0]
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type view struct{ SrcUser, SrcUserType, Agent, Status string }
			want := view{tt.srcUser, tt.srcUserType, tt.agent, tt.status}
			got := view{one(auditValues(t, "src_user", &tt.ev)), one(auditValues(t, "src_user_type", &tt.ev)),
				one(auditValues(t, "user_agent", &tt.ev)), one(auditValues(t, "status", &tt.ev))}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestAuditCIMDataset checks the CIM fields on every record of the
// dataset, as decoded from Azure Monitor, so that the add-on's rules meet
// realistic records.
func TestAuditCIMDataset(t *testing.T) {
	evs, _ := readAuditRecords(t, auditPath("azure-monitor.jsonl"), event.AzureMonitor)
	type row struct {
		User, Object, Src, SrcUser, SrcUserType, UserAgent, Status string
	}
	const (
		edge   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0"
		iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1"
		dana   = "dana.whitfield_example.net#EXT#@example.com"
	)
	want := []row{
		{"marcus.webb@example.net", "marcus.webb@example.net", "198.51.100.77", "", "userPrincipal", "", "success"},
		{"nadia.okafor@example.com", "Ledgerly Expense Sync", "203.0.113.24", "nadia.okafor@example.com", "userPrincipal", "EvoSTS", "failure"},
		{"Tallyhaus Analytics", "Tallyhaus Analytics", "", "", "ServicePrincipal", "", "success"},
		{"elliot.grant@example.com", "Tallyhaus Analytics", "198.51.100.23", "elliot.grant@example.com", "userPrincipal", edge, "success"},
		{"", "", "", "", "ServicePrincipal", "", "success"},
		{dana, dana, "203.0.113.88", "hana.kobayashi@example.com", "userPrincipal", "", "success"},
		{"soren.odegard@example.org", "soren.odegard@example.org", "198.51.100.23", "", "userPrincipal", "", "success"},
		{"priya.raman@example.com", "", "", "priya.raman@example.com", "userPrincipal", "", "success"},
		{"elliot.grant@example.com", "Tallyhaus Analytics", "198.51.100.23", "elliot.grant@example.com", "userPrincipal", "", "success"},
		{"hana.kobayashi@example.com", "Authorization Policy", "203.0.113.88", "hana.kobayashi@example.com", "userPrincipal", "", "success"},
		{dana, "", "203.0.113.140", dana, "external identity", "", "success"},
		{"hana.kobayashi@example.com", "hana.kobayashi@example.com", "203.0.113.88", "hana.kobayashi@example.com", "userPrincipal", iphone, "success"},
		{"elliot.grant@example.com", "Sendwise Mail Backup", "198.51.100.23", "elliot.grant@example.com", "userPrincipal", edge, "success"},
		{"", "", "198.51.100.77", "", "userPrincipal", "", "success"},
		{"elliot.grant@example.com", "elliot.grant@example.com", "203.0.113.88", "hana.kobayashi@example.com", "userPrincipal", "", "success"},
	}
	join := func(name string, ev *event.AuditEvent) string { return strings.Join(auditValues(t, name, ev), "|") }
	var got []row
	for i := range evs {
		ev := &evs[i]
		got = append(got, row{join("user", ev), join("object", ev), join("src", ev), join("src_user", ev),
			join("src_user_type", ev), join("user_agent", ev), join("status", ev)})
		if d := join("dest", ev); d != auditTenant {
			t.Errorf("record %d: dest = %q, want the tenant", i+1, d)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CIM fields mismatch (-want +got):\n%s", diff)
	}
}

// TestAuditFieldAppendAllocs pins the hot path: a field appends into room
// in dst without allocating.
func TestAuditFieldAppendAllocs(t *testing.T) {
	full := fullAuditEvent()
	for _, name := range []string{"result", "targetResources{}.modifiedProperties{}.newValue", "user", "object", "user_agent"} {
		f, err := event.LookupAuditField(name)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]string, 0, 8)
		allocs := testing.AllocsPerRun(100, func() {
			dst = f.Append(dst[:0], &full)
		})
		if allocs != 0 {
			t.Errorf("Append(%s) with room in dst: %v allocations, want 0", name, allocs)
		}
	}
}
