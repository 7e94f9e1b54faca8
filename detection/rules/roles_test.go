package rules_test

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
)

// rolesRules are the role-assignment family, in the reference's order.
func rolesRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		rules.AzureADApplicationAdministratorRoleAssigned(),
		rules.AzureADPIMRoleAssigned(),
		rules.AzureADPIMRoleAssignmentActivated(),
		rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(),
		rules.AzureADPrivilegedRoleAssigned(),
		rules.AzureADPrivilegedRoleAssignedToServicePrincipal(),
	}
}

// rolesSample returns the lines of a rule's sample, newlines kept.
func rolesSample(t *testing.T, d detection.Detection[event.AuditEvent]) []string {
	t.Helper()
	b, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

// rolesRun runs d alone over the records in input and returns its
// findings as JSON lines.
func rolesRun(t *testing.T, opts detection.Options, input string, d detection.Detection[event.AuditEvent]) []string {
	t.Helper()
	eng, err := detection.NewEngine(opts, detection.Of(d))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(input)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Bad != 0 {
		t.Fatalf("bad records: %+v", res.Counts)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, string(f.AppendJSON(nil)))
	}
	return out
}

// TestRolesCatalogueOrder checks the family is registered, in the
// reference's order, one after the other.
func TestRolesCatalogueOrder(t *testing.T) {
	var want, got []string
	for _, d := range rolesRules() {
		want = append(want, d.Meta().Name)
	}
	all := rules.Audits()
	for i, d := range all {
		if d.Meta().Name == want[0] {
			for _, e := range all[i:min(i+len(want), len(all))] {
				got = append(got, e.Meta().Name)
			}
			break
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules.Audits() order (-want +got):\n%s", diff)
	}
}

// TestRolesNearMisses runs each rule over the records of its sample that
// must not match, alone; each marker picks out exactly one line.
func TestRolesNearMisses(t *testing.T) {
	tests := []struct {
		d      detection.Detection[event.AuditEvent]
		marker []string
	}{
		{rules.AzureADApplicationAdministratorRoleAssigned(), []string{
			`"newValue":"\"Application Developer\""`, // another role
			`"operationName":"Remove member from role"`,
		}},
		{rules.AzureADPIMRoleAssigned(), []string{
			`"operationName":"Add eligible member to role in PIM requested (timebound)"`, // the request, not its completion
			`"operationName":"Add member to role in PIM completed (timebound)"`,          // an active assignment, not an eligible one
		}},
		{rules.AzureADPIMRoleAssignmentActivated(), []string{
			`"operationName":"Add member to role requested (PIM activation)"`,
			`"operationName":"Add member to role",`, // the directory's own record of the activation, by MS-PIM
			`"operationName":"Remove member from role completed (PIM deactivate)"`,
		}},
		{rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(), []string{
			`"newValue":"\"Authentication Administrator\""`, // not the whole value searched for
			`"operationName":"Remove member from role"`,
		}},
		{rules.AzureADPrivilegedRoleAssigned(), []string{
			`"newValue":"\"Reports Reader\""`, // not in the lookup
			`"operationName":"Remove member from role"`,
		}},
		{rules.AzureADPrivilegedRoleAssignedToServicePrincipal(), []string{
			`"displayName":"Reporting Bot"`, // Directory Readers, not in the lookup
			`"type":"User"`,                 // a privileged role, but for a user
			`"operationName":"Remove member from role"`,
		}},
	}
	for _, tt := range tests {
		name := tt.d.Meta().Name
		t.Run(sample.Slug(name), func(t *testing.T) {
			var misses []string
			for _, m := range tt.marker {
				var hits []string
				for _, l := range rolesSample(t, tt.d) {
					if strings.Contains(l, m) {
						hits = append(hits, l)
					}
				}
				if len(hits) != 1 {
					t.Fatalf("marker %s is on %d lines of the sample, want 1", m, len(hits))
				}
				misses = append(misses, hits[0])
			}
			if got := rolesRun(t, detection.Options{}, strings.Join(misses, ""), tt.d); len(got) != 0 {
				t.Errorf("near misses give findings:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

// rolesOperation is the envelope's operationName member, the first in a
// record.
var rolesOperation = regexp.MustCompile(`"operationName":"([^"]*)"`)

// TestRolesOperationCase pins the documented deviation: operationName is
// compared exactly, so the first record of each sample, which is a
// finding, is none once its envelope's operationName is lower-cased
// (Splunk's search would still match it). It also checks that the
// record's literal is what the prefilter needs: the sample gives the same
// findings with the prefilter on.
func TestRolesOperationCase(t *testing.T) {
	for _, d := range rolesRules() {
		t.Run(sample.Slug(d.Meta().Name), func(t *testing.T) {
			lines := rolesSample(t, d)
			first := lines[0]
			if got := rolesRun(t, detection.Options{}, first, d); len(got) != 1 {
				t.Fatalf("the sample's first record gives %d findings, want 1", len(got))
			}
			m := rolesOperation.FindStringSubmatchIndex(first)
			if m == nil {
				t.Fatal("no operationName in the first record")
			}
			lower := first[:m[2]] + strings.ToLower(first[m[2]:m[3]]) + first[m[3]:]
			if got := rolesRun(t, detection.Options{}, lower, d); len(got) != 0 {
				t.Errorf("lower-cased operationName gives findings:\n%s", strings.Join(got, "\n"))
			}
			all := strings.Join(lines, "")
			if diff := cmp.Diff(rolesRun(t, detection.Options{DecodeAll: true}, all, d), rolesRun(t, detection.Options{}, all, d)); diff != "" {
				t.Errorf("with the prefilter (-without +with):\n%s", diff)
			}
		})
	}
}

// rolesAssignment is an "Add member to role" event whose one target, of
// type typ, has the given new values of its modified properties.
func rolesAssignment(op, typ string, newValues ...string) *event.AuditEvent {
	var ps []event.ModifiedProperty
	for _, v := range newValues {
		ps = append(ps, event.ModifiedProperty{DisplayName: "Role.DisplayName", NewValue: v})
	}
	ev := &event.AuditEvent{
		ActivityDisplayName: op,
		TargetResources: []event.TargetResource{
			{Type: typ, DisplayName: "Contoso App", UserPrincipalName: "lena.fischer@example.com", ModifiedProperties: ps},
			{Type: "Role"},
		},
	}
	ev.Envelope.OperationName = op
	return ev
}

// TestRolesBaseSearch pins the base searches on events built here: the
// wildcard and exact role terms (case ignored, any modified property, the
// JSON quotes part of the value), the PIM operation's trailing wildcard
// (case kept, the deviation), and the ServicePrincipal target search.
func TestRolesBaseSearch(t *testing.T) {
	const add = "Add member to role"
	tests := []struct {
		name, reason string
		d            detection.Detection[event.AuditEvent]
		ev           *event.AuditEvent
		want         bool
	}{
		{"app admin", "the role name in quotes", rules.AzureADApplicationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"Application Administrator"`), true},
		{"app admin cloud", "the wildcard takes any text around the name", rules.AzureADApplicationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"Cloud Application Administrator"`), true},
		{"app admin case", "search terms ignore case", rules.AzureADApplicationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"APPLICATION administrator"`), true},
		{"app admin any value", "any modified property's new value", rules.AzureADApplicationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"x"`, "", `"Application Administrator"`), true},
		{"app admin well-known name", "ApplicationAdministrators has no space", rules.AzureADApplicationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"ApplicationAdministrators"`), false},
		{"app admin other operation", "operation filter", rules.AzureADApplicationAdministratorRoleAssigned(), rolesAssignment("Add eligible member to role", "User", `"Application Administrator"`), false},
		{"paa", "the whole value, quotes included", rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"Privileged Authentication Administrator"`), true},
		{"paa case", "search terms ignore case", rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"privileged AUTHENTICATION administrator"`), true},
		{"paa no quotes", "the quotes are part of the value searched for", rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(), rolesAssignment(add, "User", `Privileged Authentication Administrator`), false},
		{"paa longer", "no wildcard: more text does not match", rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"Privileged Authentication Administrator (custom)"`), false},
		{"paa shorter", "Authentication Administrator is another role", rules.AzureADPrivilegedAuthenticationAdministratorRoleAssigned(), rolesAssignment(add, "User", `"Authentication Administrator"`), false},
		{"pim permanent", "the trailing wildcard", rules.AzureADPIMRoleAssigned(), rolesAssignment("Add eligible member to role in PIM completed (permanent)", "Role"), true},
		{"pim bare", "the wildcard also takes nothing", rules.AzureADPIMRoleAssigned(), rolesAssignment("Add eligible member to role in PIM completed", "Role"), true},
		{"pim requested", "a request is not a completion", rules.AzureADPIMRoleAssigned(), rolesAssignment("Add eligible member to role in PIM requested (permanent)", "Role"), false},
		{"pim case", "deviation: operationName compared exactly", rules.AzureADPIMRoleAssigned(), rolesAssignment("add eligible member to role in PIM completed (permanent)", "Role"), false},
		{"pim activation", "its operation", rules.AzureADPIMRoleAssignmentActivated(), rolesAssignment("Add member to role completed (PIM activation)", "Role"), true},
		{"pim activation request", "the request", rules.AzureADPIMRoleAssignmentActivated(), rolesAssignment("Add member to role requested (PIM activation)", "Role"), false},
		{"privileged role", "every Add member to role, the lookup comes after stats", rules.AzureADPrivilegedRoleAssigned(), rolesAssignment(add, "User"), true},
		{"sp", "a ServicePrincipal target", rules.AzureADPrivilegedRoleAssignedToServicePrincipal(), rolesAssignment(add, "ServicePrincipal"), true},
		{"sp case", "search terms ignore case", rules.AzureADPrivilegedRoleAssignedToServicePrincipal(), rolesAssignment(add, "servicePRINCIPAL"), true},
		{"sp user", "no ServicePrincipal target", rules.AzureADPrivilegedRoleAssignedToServicePrincipal(), rolesAssignment(add, "User"), false},
		{"sp spaced", "Service Principal is another value", rules.AzureADPrivilegedRoleAssignedToServicePrincipal(), rolesAssignment(add, "Service Principal"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.Match(tc.ev); got != tc.want {
				t.Errorf("%s: Match = %v, want %v", tc.reason, got, tc.want)
			}
		})
	}
}

// rolesBy returns the BY column named col of d.
func rolesBy(t *testing.T, d detection.Detection[event.AuditEvent], col string) detection.By[event.AuditEvent] {
	t.Helper()
	for _, b := range d.Grouping().By {
		if b.Column() == col {
			return b
		}
	}
	t.Fatalf("%s has no BY column %s", d.Meta().Name, col)
	return detection.By[event.AuditEvent]{}
}

// TestRolesPositions pins the mvindex columns: role is the second new
// value over every target's modified properties, a null counting as a
// value ("null"), and displayName the first target display name.
func TestRolesPositions(t *testing.T) {
	two := rolesAssignment("Add member to role", "ServicePrincipal", `"x"`)
	two.TargetResources[1].ModifiedProperties = []event.ModifiedProperty{{NewValue: `"Global Administrator"`}}
	two.TargetResources[1].DisplayName = "Second"
	unnamed := rolesAssignment("Add member to role", "ServicePrincipal", `"x"`, `"y"`)
	unnamed.TargetResources[0].DisplayName = ""
	unnamed.TargetResources[1].DisplayName = "Second"
	tests := []struct {
		name, reason, col string
		ev                *event.AuditEvent
		want              []string
	}{
		{"role", "index 1", "role", rolesAssignment("", "User", `"id"`, `"Security Administrator"`, `"tid"`), []string{`"Security Administrator"`}},
		{"role after null", "a null new value keeps its place", "role", rolesAssignment("", "User", "", `"Security Administrator"`), []string{`"Security Administrator"`}},
		{"role null", "a null at index 1 is the text null", "role", rolesAssignment("", "User", `"id"`, ""), []string{"null"}},
		{"role across targets", "the modified properties of all targets, flattened", "role", two, []string{`"Global Administrator"`}},
		{"role missing", "fewer than two values: none (fillnull then writes 0)", "role", rolesAssignment("", "User", `"id"`), nil},
		{"display name", "the first target's", "displayName", rolesAssignment("", "ServicePrincipal"), []string{"Contoso App"}},
		{"display name null", "a null display name is no value, so the next target's is first", "displayName", unnamed, []string{"Second"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := rolesBy(t, rules.AzureADPrivilegedRoleAssignedToServicePrincipal(), tc.col)
			if diff := cmp.Diff(tc.want, b.Eval(nil, tc.ev), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
	// The other rule's role column is the same.
	ev := rolesAssignment("", "User", "", `"Security Administrator"`)
	if diff := cmp.Diff([]string{`"Security Administrator"`}, rolesBy(t, rules.AzureADPrivilegedRoleAssigned(), "role").Eval([]string{"kept"}, ev)[1:]); diff != "" {
		t.Errorf("Privileged Role Assigned role (-want +got):\n%s", diff)
	}
}

// rolesFinding is a finding with a role column and one other.
func rolesFinding(role string) detection.Finding {
	return detection.Finding{Detection: "x", Columns: []detection.Column{
		{Name: "user", Kind: detection.Text, Values: []string{"lena.fischer@example.com"}},
		{Name: "role", Kind: detection.Text, Values: []string{role}},
	}}
}

// TestRolesLookupStage pins the Then stage of both privileged-role rules:
// the lookup and `search isprvilegedadrole = True` keep the privileged
// rows in order, add the two lookup columns (multivalue for a role two
// patterns match), and leave their input alone.
func TestRolesLookupStage(t *testing.T) {
	in := []detection.Finding{
		rolesFinding(`"Reports Reader"`),
		rolesFinding(`"Privileged Role Administrator"`),
		rolesFinding("0"),
		rolesFinding(`"cloud application administrator"`),
	}
	before := make([]detection.Finding, len(in))
	for i, f := range in {
		before[i] = f.Clone()
	}
	prv := "Can manage role assignments in Azure AD, and all aspects of Privileged Identity Management."
	want := []detection.Finding{rolesFinding(`"Privileged Role Administrator"`), rolesFinding(`"cloud application administrator"`)}
	want[0].Columns = append(want[0].Columns,
		detection.Column{Name: "isprvilegedadrole", Kind: detection.Text, Values: []string{"TRUE"}},
		detection.Column{Name: "description", Kind: detection.Text, Values: []string{prv}})
	want[1].Columns = append(want[1].Columns,
		detection.Column{Name: "isprvilegedadrole", Kind: detection.Multi, Values: []string{"TRUE", "TRUE"}},
		detection.Column{Name: "description", Kind: detection.Multi, Values: []string{
			"Can create and manage all aspects of app registrations and enterprise apps.",
			"Can create and manage all aspects of app registrations and enterprise apps except App Proxy."}})
	for _, d := range []detection.Detection[event.AuditEvent]{rules.AzureADPrivilegedRoleAssigned(), rules.AzureADPrivilegedRoleAssignedToServicePrincipal()} {
		g := d.Grouping()
		if diff := cmp.Diff([]string{"isprvilegedadrole", "description"}, g.ThenColumns); diff != "" {
			t.Errorf("%s: ThenColumns (-want +got):\n%s", d.Meta().Name, diff)
		}
		if diff := cmp.Diff(want, g.Then(in)); diff != "" {
			t.Errorf("%s: Then (-want +got):\n%s", d.Meta().Name, diff)
		}
		if diff := cmp.Diff(before, in); diff != "" {
			t.Errorf("%s: Then modified its input (-before +after):\n%s", d.Meta().Name, diff)
		}
		if got := g.Then(nil); len(got) != 0 {
			t.Errorf("%s: Then(nil) = %v, want none", d.Meta().Name, got)
		}
	}
}

// TestRolesLookupColumnsRoundTrip reads the findings of the two lookup
// rules back from their JSON form: the lookup columns come back with their
// kinds, a string for one value and an array for several.
func TestRolesLookupColumnsRoundTrip(t *testing.T) {
	for _, d := range []detection.Detection[event.AuditEvent]{rules.AzureADPrivilegedRoleAssigned(), rules.AzureADPrivilegedRoleAssignedToServicePrincipal()} {
		eng, err := detection.NewEngine(detection.Options{}, detection.Of(d))
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(rolesSample(t, d), ""))))
		if err != nil || len(res.Findings) == 0 {
			t.Fatalf("%s: %v, %d findings", d.Meta().Name, err, len(res.Findings))
		}
		for _, f := range res.Findings {
			var back detection.Finding
			if err := json.Unmarshal(f.AppendJSON(nil), &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.Columns, back.Columns); diff != "" {
				t.Errorf("%s: columns read back (-want +got):\n%s", d.Meta().Name, diff)
			}
		}
	}
}

// TestPrivilegedRoleLookup looks roles and template IDs up in ESCU's
// table directly.
func TestPrivilegedRoleLookup(t *testing.T) {
	lk := rules.NewPrivilegedRoleLookup(rules.PrivilegedAzureADRoles())
	tests := []struct {
		name, reason string
		role, id     string // one of them is looked up
		want         []string
	}{
		{"quoted", "the JSON quotes sit inside the pattern's *", `"Privileged Role Administrator"`, "", []string{"*Privileged Role Administrator*"}},
		{"case", "case_sensitive_match: false", `"gLoBaL aDmInIsTrAtOr"`, "", []string{"*Global Administrator*"}},
		{"two patterns", "file order, both rows", `"Privileged Authentication Administrator"`, "", []string{"*Authentication Administrator*", "*Privileged Authentication Administrator*"}},
		{"cloud app", "file order, both rows", `"Cloud Application Administrator"`, "", []string{"*Application Administrator*", "*Cloud Application Administrator*"}},
		{"policy admin", "only its own row: it does not contain Authentication Administrator", `"Authentication Policy Administrator"`, "", []string{"*Authentication Policy Administrator*"}},
		{"not privileged", "a role not in the table", `"Reports Reader"`, "", nil},
		{"directory readers", "not Directory Writers", `"Directory Readers"`, "", nil},
		{"fillnull", "the 0 fillnull writes", "0", "", nil},
		{"empty", "no value is not looked up", "", "", nil},
		{"template id", "the template ID column", "", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", []string{"*Privileged Authentication Administrator*"}},
		{"template id upper case", "case ignored", "", "62E90394-69F5-4237-9190-012177145E10", []string{"*Global Administrator*"}},
		{"template id leading zero", "ESCU's row lacks the 0; * still matches", "", "0526716b-113d-4c15-b2c8-68e3c22b9f80", []string{"*Authentication Policy Administrator*"}},
		{"template id unknown", "Reports Reader's ID", "", "4a5d8f65-41da-4de4-8968-e035b65339cf", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := lk.Role(tc.role)
			if tc.id != "" {
				rows = lk.TemplateID(tc.id)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.AzureADRole)
				if r.IsPrivilegedADRole != "TRUE" || r.Description == "" {
					t.Errorf("row %+v: want TRUE and a description", r)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestPrivilegedRoleLookupRows checks a lookup over rows of one's own:
// it copies them, and keeps at most 100 matches, the first in file order
// (Splunk's max_matches default).
func TestPrivilegedRoleLookupRows(t *testing.T) {
	var rows []rules.PrivilegedAzureADRole
	for i := range 101 {
		rows = append(rows, rules.PrivilegedAzureADRole{AzureADRole: "*", AzureTemplateID: "*", IsPrivilegedADRole: "TRUE", Description: fmt.Sprint(i)})
	}
	lk := rules.NewPrivilegedRoleLookup(rows)
	rows[0].Description = "changed"
	got := lk.Role("anything")
	if len(got) != 100 || got[0].Description != "0" || got[99].Description != "99" {
		t.Errorf("Role over 101 matching rows: %d rows, first %q, last %q; want 100, \"0\", \"99\"", len(got), got[0].Description, got[len(got)-1].Description)
	}
	if n := len(lk.TemplateID("anything")); n != 100 {
		t.Errorf("TemplateID over 101 matching rows: %d rows, want 100", n)
	}
	if a, b := rules.PrivilegedAzureADRoles(), rules.PrivilegedAzureADRoles(); &a[0] == &b[0] {
		t.Error("PrivilegedAzureADRoles returns a shared slice")
	}
}

// TestPrivilegedRolesSource rebuilds ESCU's CSV from the Go rows, byte
// for byte (header, CRLF line ends, quoted descriptions, no newline at the
// end), and compares its git blob hash with that of
// lookups/privileged_azure_ad_roles.csv at splunk/security_content
// develop a063ed32.
func TestPrivilegedRolesSource(t *testing.T) {
	const blob = "64987f909eb2581f7db848999ba51febd988394d"
	rows := rules.PrivilegedAzureADRoles()
	if len(rows) != 38 {
		t.Errorf("%d rows, want 38", len(rows))
	}
	var b bytes.Buffer
	b.WriteString("azureadrole,azuretemplateid,isprvilegedadrole,description")
	for _, r := range rows {
		fmt.Fprintf(&b, "\r\n%s,%s,%s,\"%s\"", r.AzureADRole, r.AzureTemplateID, r.IsPrivilegedADRole, r.Description)
	}
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", b.Len())
	h.Write(b.Bytes())
	if got := hex.EncodeToString(h.Sum(nil)); got != blob {
		t.Errorf("rebuilt CSV has blob hash %s, want %s:\n%s", got, blob, b.String())
	}
}
