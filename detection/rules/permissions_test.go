package rules_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
)

// The IDs the permission rules search for, and others that they must not
// take for them.
const (
	permGraph          = "00000003-0000-0000-c000-000000000000" // Microsoft Graph
	permExchange       = "00000002-0000-0ff1-ce00-000000000000" // Office 365 Exchange Online
	permFullAccess     = "dc890d15-9560-4a4c-9b7f-a736ec74ec40" // Exchange full_access_as_app
	permManageAsApp    = "dc50a0fb-09a3-484d-be87-e023b12c6440" // Exchange Exchange.ManageAsApp
	permAppRW          = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9" // Graph Application.ReadWrite.All
	permAppRoleRW      = "06b708a9-e830-4db3-a914-8e69da51d44f" // Graph AppRoleAssignment.ReadWrite.All
	permRoleMgmtRW     = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8" // Graph RoleManagement.ReadWrite.Directory
	permDirectoryRead  = "7ab1d382-f21e-4acd-a863-ba3e13f7da61" // Graph Directory.Read.All
	permUserRead       = "e1fe6dd8-ba31-4d61-89e7-88639da4683d" // Graph User.Read
	permCredentialsOp  = "Update application \u2013 Certificates and secrets management "
	permSelfAssignment = "9d4e5f6a-0001-4b8c-9d2e-3f4a5b6c7d81" // correlationId of the escalation sample's first finding
)

// permRun runs d alone over the records and returns its findings.
func permRun(t *testing.T, d detection.Detection[event.AuditEvent], records ...string) []detection.Finding {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, detection.Of(d))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(records, "\n")+"\n")))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Bad != 0 || c.Decoded+c.Prefiltered != int64(len(records)) {
		t.Fatalf("%d of %d records decoded or passed over: %+v", c.Decoded+c.Prefiltered, len(records), c)
	}
	return res.Findings
}

// permColumn returns one column of every finding, each finding's values
// joined with "|", sorted.
func permColumn(fs []detection.Finding, column string) []string {
	var out []string
	for _, f := range fs {
		out = append(out, strings.Join(f.Values(column), "|"))
	}
	slices.Sort(out)
	return out
}

// permSample returns the lines of a rule's sample.
func permSample(t *testing.T, d detection.Detection[event.AuditEvent]) []string {
	t.Helper()
	data, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// permEdit decodes a record, lets edit change it, and encodes it again.
func permEdit(t *testing.T, record string, edit func(r map[string]any)) string {
	t.Helper()
	var r map[string]any
	if err := json.Unmarshal([]byte(record), &r); err != nil {
		t.Fatal(err)
	}
	edit(r)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// permProps returns a record's properties object.
func permProps(r map[string]any) map[string]any { return r["properties"].(map[string]any) }

// permTarget returns the i-th target of a record.
func permTarget(r map[string]any, i int) map[string]any {
	return permProps(r)["targetResources"].([]any)[i].(map[string]any)
}

// permSetModified sets the modified property name of the first target
// that has it to newValue.
func permSetModified(r map[string]any, name, newValue string) {
	for _, tr := range permProps(r)["targetResources"].([]any) {
		for _, m := range tr.(map[string]any)["modifiedProperties"].([]any) {
			if m := m.(map[string]any); m["displayName"] == name {
				m["newValue"] = newValue
				return
			}
		}
	}
	panic("no modified property " + name)
}

// permAccess writes RequiredResourceAccess as Entra does: resource app
// IDs, each followed by its permission IDs.
func permAccess(resources ...[]string) string {
	type perm struct {
		EntitlementID             string `json:"EntitlementId"`
		DirectAccessGrant         bool
		ImpersonationAccessGrants []int
	}
	type resource struct {
		ResourceAppID          string `json:"ResourceAppId"`
		RequiredAppPermissions []perm
		EncodingVersion        int
	}
	var out []resource
	for _, r := range resources {
		res := resource{ResourceAppID: r[0], EncodingVersion: 1}
		for _, id := range r[1:] {
			res.RequiredAppPermissions = append(res.RequiredAppPermissions, perm{EntitlementID: id, DirectAccessGrant: true, ImpersonationAccessGrants: []int{}})
		}
		out = append(out, res)
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// permUpdateApplication returns the first record of the FullAccessAsApp
// sample (an "Update application" by a user) with the given modified
// properties, name and new value in turn.
func permUpdateApplication(t *testing.T, nameValues ...string) string {
	t.Helper()
	return permEdit(t, permSample(t, rules.AzureADFullAccessAsAppPermissionAssigned())[0], func(r map[string]any) {
		var mods []any
		for i := 0; i < len(nameValues); i += 2 {
			var v any = nameValues[i+1]
			if nameValues[i+1] == "" {
				v = nil
			}
			mods = append(mods, map[string]any{"displayName": nameValues[i], "oldValue": nil, "newValue": v})
		}
		permTarget(r, 0)["modifiedProperties"] = mods
	})
}

// TestPermissionNearMisses runs each rule over the records of its sample
// that must not match, alone (the README of each sample says why), and
// checks the sample holds exactly those near misses.
func TestPermissionNearMisses(t *testing.T) {
	tests := []struct {
		d      detection.Detection[event.AuditEvent]
		misses []string // correlation IDs
	}{
		{rules.AzureADFullAccessAsAppPermissionAssigned(), []string{
			"6a1b2c3d-0004-4e5f-8a9b-0c1d2e3f4a54", // Exchange.ManageAsApp only
			"6a1b2c3d-0005-4e5f-8a9b-0c1d2e3f4a55", // full_access_as_app removed
			"6a1b2c3d-0006-4e5f-8a9b-0c1d2e3f4a56", // the app role granted: another operation
			"6a1b2c3d-0007-4e5f-8a9b-0c1d2e3f4a57", // RequiredResourceAccess not the first modified property
		}},
		{rules.AzureADPrivilegedGraphAPIPermissionAssigned(), []string{
			"7b2c3d4e-0004-4f6a-9b0c-1d2e3f4a5b64", // User.Read and Directory.Read.All only
			"7b2c3d4e-0005-4f6a-9b0c-1d2e3f4a5b65", // Application.ReadWrite.All removed
			"7b2c3d4e-0006-4f6a-9b0c-1d2e3f4a5b66", // the app role granted: another operation
		}},
		{rules.AzureADServicePrincipalNewClientCredentials(), []string{
			"8c3d4e5f-0004-4a7b-8c1d-2e3f4a5b6c74", // plain "Update application"
			"8c3d4e5f-0005-4a7b-8c1d-2e3f4a5b6c75", // "Add service principal credentials"
		}},
		{rules.AzureADServicePrincipalPrivilegeEscalation(), []string{
			"9d4e5f6a-0003-4b8c-9d2e-3f4a5b6c7d83", // a service principal assigning a role to another
			"9d4e5f6a-0004-4b8c-9d2e-3f4a5b6c7d84", // and that one assigning one back
			"9d4e5f6a-0005-4b8c-9d2e-3f4a5b6c7d85", // a user assigning
			"9d4e5f6a-0006-4b8c-9d2e-3f4a5b6c7d86", // a self-assignment that failed
		}},
	}
	for _, tt := range tests {
		name := tt.d.Meta().Name
		var misses []string
		for _, l := range permSample(t, tt.d) {
			for _, id := range tt.misses {
				if strings.Contains(l, `"correlationId":"`+id+`"`) {
					misses = append(misses, l)
				}
			}
		}
		if len(misses) != len(tt.misses) {
			t.Fatalf("%s: %d near misses in the sample, want %d", name, len(misses), len(tt.misses))
		}
		if fs := permRun(t, tt.d, misses...); len(fs) != 0 {
			t.Errorf("%s: near misses give %d findings, want none: %s", name, len(fs), fs[0].AppendJSON(nil))
		}
		// Each alone, too: the two cross-assignments are near misses
		// together and apart.
		for _, l := range misses {
			if fs := permRun(t, tt.d, l); len(fs) != 0 {
				t.Errorf("%s: a near miss gives a finding: %s", name, fs[0].AppendJSON(nil))
			}
		}
	}
}

// TestPermissionPrefilter runs each rule over its sample with the
// literal prefilter on and off: a literal missing from a matching record
// would lose its findings.
func TestPermissionPrefilter(t *testing.T) {
	for _, d := range []detection.Detection[event.AuditEvent]{
		rules.AzureADFullAccessAsAppPermissionAssigned(),
		rules.AzureADPrivilegedGraphAPIPermissionAssigned(),
		rules.AzureADServicePrincipalNewClientCredentials(),
		rules.AzureADServicePrincipalPrivilegeEscalation(),
	} {
		input := strings.Join(permSample(t, d), "\n") + "\n"
		var out [2][]string
		for i, prefilter := range []bool{false, true} {
			eng, err := detection.NewEngine(detection.Options{DecodeAll: !prefilter}, detection.Of(d))
			if err != nil {
				t.Fatal(err)
			}
			res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(input)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				out[i] = append(out[i], string(f.AppendJSON(nil)))
			}
		}
		if len(out[0]) == 0 || !cmp.Equal(out[0], out[1]) {
			t.Errorf("%s: findings with the prefilter differ (-without +with):\n%s", d.Meta().Name, cmp.Diff(out[0], out[1]))
		}
	}
}

// TestPermissionFullAccessAsApp checks the spath search of "Azure AD
// FullAccessAsApp Permission Assigned" on single records: what the
// first new value must hold, and the BY fan-out over Permissions.
func TestPermissionFullAccessAsApp(t *testing.T) {
	d := rules.AzureADFullAccessAsAppPermissionAssigned()
	const rra, included = "RequiredResourceAccess", "Included Updated Properties"
	upper := strings.ToUpper
	tests := []struct {
		name   string
		mods   []string // modified properties, name and new value in turn
		perms  []string // the Permissions column of the findings, sorted; nil: no finding
		reason string
	}{
		{"full access", []string{rra, permAccess([]string{permExchange, permFullAccess})}, []string{permFullAccess},
			"full_access_as_app of Exchange Online"},
		{"fan-out", []string{rra, permAccess([]string{permGraph, permUserRead}, []string{permExchange, permFullAccess, permManageAsApp}), included, `"RequiredResourceAccess"`},
			[]string{permManageAsApp, permFullAccess, permUserRead}, "one row per permission ID of every resource"},
		{"ids ignore case", []string{rra, permAccess([]string{upper(permExchange), upper(permFullAccess)})}, []string{upper(permFullAccess)},
			"search terms ignore case; the row keeps the ID as written"},
		{"not the same element", []string{rra, permAccess([]string{permExchange, permManageAsApp}, []string{permGraph, permFullAccess})},
			[]string{permManageAsApp, permFullAccess}, "the two terms are tested on the whole multivalue fields, not per resource"},
		{"no Exchange", []string{rra, permAccess([]string{permGraph, permFullAccess})}, nil, "the ResourceAppId term fails"},
		{"no full access", []string{rra, permAccess([]string{permExchange, permManageAsApp})}, nil, "the EntitlementId term fails"},
		{"second property", []string{included, `"RequiredResourceAccess"`, rra, permAccess([]string{permExchange, permFullAccess})}, nil,
			"mvindex(...,0) reads the first modified property only"},
		{"first value null", []string{included, "", rra, permAccess([]string{permExchange, permFullAccess})}, nil,
			"a null first value is \"null\" in its place, not the next value"},
		{"not JSON", []string{rra, "[{\"ResourceAppId\":\"" + permExchange + "\""}, nil, "spath extracts nothing from broken JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := permRun(t, d, permUpdateApplication(t, tt.mods...))
			if got := permColumn(fs, "Permissions"); !cmp.Equal(got, tt.perms) {
				t.Errorf("Permissions %q, want %q (%s)", got, tt.perms, tt.reason)
			}
		})
	}
}

// TestPermissionSpathCutoff checks that the spath of the two "Update
// application" rules reads only the first 5000 bytes of the new value,
// Splunk's default extraction_cutoff: a permission ID whose closing quote
// is the 5000th byte is seen, one a byte later is not.
func TestPermissionSpathCutoff(t *testing.T) {
	for _, tt := range []struct {
		d  detection.Detection[event.AuditEvent]
		id string
	}{
		{rules.AzureADFullAccessAsAppPermissionAssigned(), permFullAccess},
		{rules.AzureADPrivilegedGraphAPIPermissionAssigned(), permRoleMgmtRW},
	} {
		last := permAccess([]string{permExchange, tt.id})
		for _, end := range []int{spl.ExtractionCutoff - 1, spl.ExtractionCutoff} { // offset of the closing quote
			// JSON whitespace moves the last resource to the offset wanted.
			head := permAccess([]string{permGraph, permUserRead})
			head = head[:len(head)-1] + ","
			pad := end - len(head) - (strings.Index(last, tt.id) - 1) - len(tt.id)
			doc := head + strings.Repeat(" ", pad) + last[1:]
			if got := strings.Index(doc, tt.id) + len(tt.id); got != end || !json.Valid([]byte(doc)) {
				t.Fatalf("test document: quote at %d, want %d", got, end)
			}
			fs := permRun(t, tt.d, permUpdateApplication(t, "RequiredResourceAccess", doc))
			if seen := slices.Contains(permColumn(fs, "Permissions"), tt.id); seen != (end < spl.ExtractionCutoff) {
				t.Errorf("%s: permission ending at byte %d seen: %v", tt.d.Meta().Name, end+1, seen)
			}
		}
	}
}

// TestPermissionPrivilegedGraph checks "Azure AD Privileged Graph API
// Permission Assigned" on single records, and its deviation: ESCU's SPL
// searches for " 1bfefb4e-…" with a leading space, which no value
// matches; escudo searches for the ID itself.
func TestPermissionPrivilegedGraph(t *testing.T) {
	d := rules.AzureADPrivilegedGraphAPIPermissionAssigned()
	if spl.NewTerm(" " + permAppRW).Equal([]string{permAppRW}) {
		t.Fatal("the leading-space term of ESCU's SPL matches the ID; the deviation is moot")
	}
	tests := []struct {
		name  string
		ids   []string // Microsoft Graph permissions requested
		perms []string // the Permissions column of the findings, sorted; nil: no finding
	}{
		{"Application.ReadWrite.All (ESCU: leading space)", []string{permAppRW}, []string{permAppRW}},
		{"AppRoleAssignment.ReadWrite.All", []string{permAppRoleRW}, []string{permAppRoleRW}},
		{"RoleManagement.ReadWrite.Directory", []string{permRoleMgmtRW}, []string{permRoleMgmtRW}},
		{"one row per permission", []string{permUserRead, permRoleMgmtRW, permDirectoryRead}, []string{permDirectoryRead, permRoleMgmtRW, permUserRead}},
		{"unprivileged", []string{permUserRead, permDirectoryRead}, nil},
		{"with a space", []string{" " + permAppRW}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := permAccess(append([]string{permGraph}, tt.ids...))
			fs := permRun(t, d, permUpdateApplication(t, "RequiredResourceAccess", doc))
			if got := permColumn(fs, "Permissions"); !cmp.Equal(got, tt.perms) {
				t.Errorf("Permissions %q, want %q", got, tt.perms)
			}
		})
	}
}

// TestPermissionNewClientCredentials checks the operation name wildcard of
// "Azure AD Service Principal New Client Credentials" and its BY fan-out
// over every modified property's new value.
func TestPermissionNewClientCredentials(t *testing.T) {
	d := rules.AzureADServicePrincipalNewClientCredentials()
	first := permSample(t, d)[0]
	for _, tt := range []struct {
		op   string
		want bool
	}{
		{permCredentialsOp, true},
		{"Update application - Certificates and secrets management ", true},       // any dash
		{"Update application \u2013 Certificates and secrets management", false},  // the trailing space is in the SPL
		{"update application \u2013 certificates and secrets management ", false}, // exact case, as the catalogue compares operation names
		{"Update application", false},
	} {
		rec := permEdit(t, first, func(r map[string]any) { r["operationName"] = tt.op })
		if got := len(permRun(t, d, rec)) > 0; got != tt.want {
			t.Errorf("operationName %q: finding %v, want %v", tt.op, got, tt.want)
		}
	}

	// One row per modified property, whose column is its new value as
	// Entra writes it (JSON text).
	var ev struct {
		Properties struct {
			TargetResources []struct {
				ModifiedProperties []struct{ NewValue string }
			}
		}
	}
	if err := json.Unmarshal([]byte(first), &ev); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range ev.Properties.TargetResources[0].ModifiedProperties {
		want = append(want, p.NewValue)
	}
	slices.Sort(want)
	if got := permColumn(permRun(t, d, first), "modifiedProperties{}.newValue"); len(want) < 2 || !cmp.Equal(got, want) {
		t.Errorf("rows %q, want one per new value %q", got, want)
	}
}

// TestPermissionEscalationPath shows why ESCU's "Azure AD Service
// Principal Privilege Escalation" finds nothing as written: its spath
// path properties{}.… selects nothing in an Azure Monitor record, where
// the path it means selects one object per modified property, from which
// mvfilter, spath path=newValue and replace give the app role.
func TestPermissionEscalationPath(t *testing.T) {
	d := rules.AzureADServicePrincipalPrivilegeEscalation()
	raw := permSample(t, d)[0]
	literal, err := spl.MustCompilePath("properties{}.targetResources{}.modifiedProperties{}").Append(nil, raw)
	if err != nil || len(literal) != 0 {
		t.Errorf("ESCU's path: %q, %v; want nothing", literal, err)
	}
	objects, err := spl.MustCompilePath("properties.targetResources{}.modifiedProperties{}").Append(nil, raw)
	if err != nil || len(objects) < 2 {
		t.Fatalf("the intended path: %d objects, %v", len(objects), err)
	}
	roles := spl.MVFilter(objects, spl.MustCompileRegex("AppRole.Value").Match)
	if len(roles) != 1 {
		t.Fatalf("mvfilter keeps %q, want the AppRole.Value object", roles)
	}
	v, err := spl.MustCompilePath("newValue").Append(nil, roles[0])
	if err != nil || len(v) != 1 {
		t.Fatalf("spath path=newValue: %q, %v", v, err)
	}
	fs := permRun(t, d, raw)
	if len(fs) != 1 {
		t.Fatalf("%d findings, want 1", len(fs))
	}
	if got, want := fs[0].Values("appRole"), []string{strings.ReplaceAll(v[0], `"`, "")}; !cmp.Equal(got, want) {
		t.Errorf("appRole %q, want %q", got, want)
	}
}

// TestPermissionEscalation checks "Azure AD Service Principal Privilege
// Escalation" on single records made from its first finding's record: a
// service principal assigning itself an app role fires; the near misses
// do not; and the columns ESCU's SPL reads after renaming them away
// (targetAppContext, servicePrincipalId) hold the record's values.
func TestPermissionEscalation(t *testing.T) {
	d := rules.AzureADServicePrincipalPrivilegeEscalation()
	var self string
	for _, l := range permSample(t, d) {
		if strings.Contains(l, permSelfAssignment) {
			self = l
		}
	}
	if self == "" {
		t.Fatal("no self-assignment in the sample")
	}
	var ev struct {
		Identity   string
		Properties struct {
			InitiatedBy struct {
				App struct{ ServicePrincipalID string }
			}
			TargetResources []struct{ DisplayName string }
		}
	}
	if err := json.Unmarshal([]byte(self), &ev); err != nil {
		t.Fatal(err)
	}

	fs := permRun(t, d, self)
	if len(fs) != 1 {
		t.Fatalf("the self-assignment gives %d findings, want 1", len(fs))
	}
	got := map[string][]string{}
	for _, c := range []string{"user", "src", "servicePrincipal", "targetServicePrincipal", "targetAppContext", "servicePrincipalId"} {
		got[c] = fs[0].Values(c)
	}
	want := map[string][]string{
		"user": {"NA"}, "src": {"NA"},
		"servicePrincipal":       {ev.Identity},
		"targetServicePrincipal": {ev.Identity},
		"targetAppContext":       {ev.Properties.TargetResources[0].DisplayName},
		"servicePrincipalId":     {ev.Properties.InitiatedBy.App.ServicePrincipalID},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		edit func(r map[string]any)
		want bool
	}{
		{"result Success", func(r map[string]any) { permProps(r)["result"] = "Success" }, true}, // search terms ignore case
		{"result failure", func(r map[string]any) { permProps(r)["result"] = "failure" }, false},
		{"another service principal", func(r map[string]any) {
			permSetModified(r, "ServicePrincipal.DisplayName", `"Tallyhaus Analytics"`)
		}, false},
		{"target name in another case", func(r map[string]any) {
			permSetModified(r, "ServicePrincipal.DisplayName", strings.ToUpper(`"`+ev.Identity+`"`))
		}, false}, // where compares exactly
		{"target name padded", func(r map[string]any) {
			permSetModified(r, "ServicePrincipal.DisplayName", "\" "+ev.Identity+"\t\"")
		}, true}, // trim removes spaces and tabs
		{"a user assigning", func(r map[string]any) {
			permProps(r)["initiatedBy"] = map[string]any{"user": map[string]any{"id": "f6189ea3-aa2f-4806-a514-74a311e8435e", "userPrincipalName": "priya.raman@example.com", "ipAddress": "203.0.113.45"}}
		}, false}, // identity still names the target: properties.initiatedBy.app.displayName=* fails
		{"no identity", func(r map[string]any) { delete(r, "identity") }, false},
		{"another operation", func(r map[string]any) { r["operationName"] = "Add app role assignment grant to user" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(permRun(t, d, permEdit(t, self, tt.edit))) > 0; got != tt.want {
				t.Errorf("finding %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPermissionMeta checks the metadata each rule must carry beyond
// what the conformance checks require: its catalogue place, filter macro,
// drilldowns and risk scores as ESCU has them.
func TestPermissionMeta(t *testing.T) {
	tests := []struct {
		d       detection.Detection[event.AuditEvent]
		id      string
		version int
		object  string
		score   int
	}{
		{rules.AzureADFullAccessAsAppPermissionAssigned(), "ae286126-f2ad-421c-b240-4ea83bd1c43a", 7, "user", 48},
		{rules.AzureADPrivilegedGraphAPIPermissionAssigned(), "5521f8c5-1aa3-473c-9eb7-853701924a06", 8, "user", 54},
		{rules.AzureADServicePrincipalNewClientCredentials(), "e3adc0d3-9e4b-4b5d-b662-12cec1adff2a", 9, "user", 35},
		{rules.AzureADServicePrincipalPrivilegeEscalation(), "29eb39d3-2bc8-49cc-99b3-35593191a588", 6, "servicePrincipal", 100},
	}
	var names []string
	for _, d := range rules.Audits() {
		names = append(names, d.Meta().Name)
	}
	at := -1
	for _, tt := range tests {
		m := tt.d.Meta()
		i := slices.Index(names, m.Name)
		if i <= at {
			t.Errorf("%s: at %d in Audits(), want after %d", m.Name, i, at)
		}
		at = i
		if m.ID != tt.id || m.Version != tt.version {
			t.Errorf("%s: id %s version %d, want %s %d", m.Name, m.ID, m.Version, tt.id, tt.version)
		}
		if filter := "`" + sample.Slug(m.Name) + "_filter`"; !strings.HasSuffix(m.Search, filter) {
			t.Errorf("%s: search does not end with %s", m.Name, filter)
		}
		if ro := m.RBA.RiskObjects; len(ro) != 1 || ro[0].Field != tt.object || ro[0].Score != tt.score {
			t.Errorf("%s: risk objects %+v, want %s scored %d", m.Name, ro, tt.object, tt.score)
		}
		if len(m.Drilldowns) != 2 || !strings.Contains(m.Drilldowns[0].Name, "$"+tt.object+"$") {
			t.Errorf("%s: drilldowns %+v, want ESCU's two on %s", m.Name, m.Drilldowns, tt.object)
		}
	}
}
