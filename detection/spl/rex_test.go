package spl_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

// consentPermissions is the ConsentAction.Permissions newValue of ESCU's
// "Consent to application" sample (auditlogs-facts §1.2), shortened.
const consentPermissions = `"[] => [[Id: AAAA, ClientId: 0000, PrincipalId: 57e4, ResourceId: ce71, ConsentType: AllPrincipals, Scope: Mail.Read Mail.Read.Shared User.Read, CreatedDateTime: , LastModifiedDateTime ]]; "`

func TestRexExtract(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		regex    string
		maxMatch int
		values   []string
		want     [][]string
	}{
		{
			name:   "reference max_match=0",
			reason: `reference example: rex field=test max_match=0 "((?<field>[^$]*)\$(?<value>[^,]*),?)" on a$1,b$2`,
			regex:  `((?<field>[^$]*)\$(?<value>[^,]*),?)`, maxMatch: 0,
			values: []string{"a$1,b$2"},
			want:   [][]string{{"a", "b"}, {"1", "2"}},
		},
		{
			name:   "default first match",
			reason: "max_match=1 (the default) keeps the first match only",
			regex:  `((?<field>[^$]*)\$(?<value>[^,]*),?)`, maxMatch: 1,
			values: []string{"a$1,b$2"},
			want:   [][]string{{"a"}, {"1"}},
		},
		{
			name:   "max_match limit",
			reason: "max_match=n keeps at most n matches",
			regex:  `(?<d>\d)`, maxMatch: 2,
			values: []string{"1 2 3 4"},
			want:   [][]string{{"1", "2"}},
		},
		{
			name:   "reference savedsearch_id",
			reason: `reference example 3: user, app and SavedSearchName from bob;search;my_saved_search`,
			regex:  `(?<user>\w+);(?<app>\w+);(?<SavedSearchName>\w+)`, maxMatch: 1,
			values: []string{"bob;search;my_saved_search"},
			want:   [][]string{{"bob"}, {"search"}, {"my_saved_search"}},
		},
		{
			name:   "ConsentType with leading space",
			reason: `auditlogs-facts 2.4.25: "ConsentType:(?<ConsentType> [^\,]+)" captures " AllPrincipals" with its space`,
			regex:  `ConsentType:(?<ConsentType> [^\,]+)`, maxMatch: 1,
			values: []string{consentPermissions},
			want:   [][]string{{" AllPrincipals"}},
		},
		{
			name:   "Scope with leading space",
			reason: `auditlogs-facts 2.4.25: "Scope:(?<Scope> [^\,]+)" runs to the next comma`,
			regex:  `Scope:(?<Scope> [^\,]+)`, maxMatch: 1,
			values: []string{consentPermissions},
			want:   [][]string{{" Mail.Read Mail.Read.Shared User.Read"}},
		},
		{
			name:   "Scope defect never matches",
			reason: `auditlogs-facts 3.4: the re-flowed "Scope: (?<Scope> [ ^,]+)" needs a second space and then only spaces, ^ or commas`,
			regex:  `Scope: (?<Scope> [ ^,]+)`, maxMatch: 1,
			values: []string{consentPermissions},
			want:   [][]string{nil},
		},
		{
			name:   "Scope 2024 form",
			reason: "the 2024 pattern Scope: (?<Scope>[^,]+) matches",
			regex:  `Scope: (?<Scope>[^,]+)`, maxMatch: 1,
			values: []string{consentPermissions},
			want:   [][]string{{"Mail.Read Mail.Read.Shared User.Read"}},
		},
		{
			name:   "MethodType count",
			reason: `auditlogs-facts 2.4.12: rex max_match=0 "(?i)(?<new_method_type>\"MethodType\")" then mvcount`,
			regex:  `(?i)(?<new_method_type>"MethodType")`, maxMatch: 0,
			values: []string{`[{"MethodType":3,"Default":false},{"methodtype":7,"Default":true}]`},
			want:   [][]string{{`"MethodType"`, `"methodtype"`}},
		},
		{
			name:   "service principal id",
			reason: `auditlogs-facts 2.4.35: escaped \: and \/ and a (?P<name>) group`,
			regex:  `https\:\/\/graph.microsoft.com\/v1.0\/servicePrincipals\/(?P<servicePrincipalv1>.*?)\/`, maxMatch: 1,
			values: []string{"https://graph.microsoft.com/v1.0/servicePrincipals/9b1b6f6e-0000/appRoleAssignedTo"},
			want:   [][]string{{"9b1b6f6e-0000"}},
		},
		{
			name:   "no match",
			reason: "nothing matches: no field",
			regex:  `(?<x>zzz)`, maxMatch: 1,
			values: []string{"abc"},
			want:   [][]string{nil},
		},
		{
			name:   "no values",
			reason: "a NULL field extracts nothing",
			regex:  `(?<x>.)`, maxMatch: 0,
			values: nil,
			want:   [][]string{nil},
		},
		{
			name:   "empty capture",
			reason: "an empty capture is no value in escudo",
			regex:  `a(?<x>b*)c`, maxMatch: 1,
			values: []string{"ac"},
			want:   [][]string{nil},
		},
		{
			name:   "group not taking part",
			reason: "only the groups that matched add values, so fields need not line up",
			regex:  `(?<a>x)|(?<b>y)`, maxMatch: 0,
			values: []string{"xyx"},
			want:   [][]string{{"x", "x"}, {"y"}},
		},
		{
			name:   "multivalue input",
			reason: "each value in turn, max_match per value (unverified)",
			regex:  `(?<d>\d)`, maxMatch: 1,
			values: []string{"a1b2", "c3"},
			want:   [][]string{{"1", "3"}},
		},
		{
			name:   "unnamed groups ignored",
			reason: "reference: named groups become fields",
			regex:  `(\w+)=(?<v>\w+)`, maxMatch: 0,
			values: []string{"a=1 b=2"},
			want:   [][]string{{"1", "2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := spl.CompileRex(tt.regex, tt.maxMatch)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, x.Extract(tt.values...)); diff != "" {
				t.Errorf("rex %q mismatch (-want +got) (%s):\n%s", tt.regex, tt.reason, diff)
			}
		})
	}
}

func TestRexNames(t *testing.T) {
	x := spl.MustCompileRex(`(?<user>\w+);(\w+);(?P<SavedSearchName>\w+)`, 1)
	if diff := cmp.Diff([]string{"user", "SavedSearchName"}, x.Names()); diff != "" {
		t.Errorf("Names mismatch (-want +got):\n%s", diff)
	}
	if got := x.Index("SavedSearchName"); got != 1 {
		t.Errorf("Index(SavedSearchName) = %d; want 1", got)
	}
	if got := x.Index("app"); got != -1 {
		t.Errorf("Index(app) = %d; want -1", got)
	}
	x.Names()[0] = "changed"
	if x.Names()[0] != "user" {
		t.Error("Names returned the internal slice")
	}
	if x.MaxMatch() != 1 || x.String() != `(?<user>\w+);(\w+);(?P<SavedSearchName>\w+)` {
		t.Errorf("MaxMatch, String = %d, %q", x.MaxMatch(), x.String())
	}
}

func TestCompileRexErrors(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		regex    string
		maxMatch int
		want     string
	}{
		{name: "no named group", reason: "rex must extract something", regex: `(\d+)`, maxMatch: 1, want: `spl: regex "(\\d+)": rex needs at least one named group, such as (?<name>...)`},
		{name: "duplicate name", reason: "PCRE refuses duplicate group names", regex: `(?<a>x)|(?<a>y)`, maxMatch: 1, want: `spl: regex "(?<a>x)|(?<a>y)": two groups are named "a"`},
		{name: "negative max_match", reason: "max_match is 0 or more", regex: `(?<a>x)`, maxMatch: -1, want: "spl: rex max_match=-1: must be 0 (unlimited) or more"},
		{name: "lookbehind", reason: "PCRE-only constructs fail at compile time", regex: `(?<=x)(?<a>y)`, maxMatch: 1, want: "spl: regex \"(?<=x)(?<a>y)\" uses lookbehind (?<=...), which PCRE supports but Go's RE2 does not: error parsing regexp: invalid named capture: `(?<=x)(?<a>`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spl.CompileRex(tt.regex, tt.maxMatch)
			if err == nil || err.Error() != tt.want {
				t.Errorf("CompileRex(%q, %d) error = %v\nwant %s (%s)", tt.regex, tt.maxMatch, err, tt.want, tt.reason)
			}
		})
	}
}
