package detection

import (
	"testing"

	"github.com/escudo-dev/escudo/event"
	"github.com/google/go-cmp/cmp"
)

func literalRule(name string, lits ...string) Rule {
	return Of(Def[event.SignInEvent]{Info: Meta{Name: name}, Lits: lits})
}

// TestPrefilterLiterals checks the union of the detections' literals: a
// literal that holds another, or repeats one, is dropped (a record
// holding it holds the other); a detection without literals, or with one
// the byte search cannot see through escapes, turns the prefilter off.
func TestPrefilterLiterals(t *testing.T) {
	for _, tt := range []struct {
		name  string
		rules []Rule
		want  []string
	}{
		{"union", []Rule{literalRule("a", "65004"), literalRule("b", "50126", "65004")}, []string{"65004", "50126"}},
		{"superstring dropped", []Rule{literalRule("a", "NonInteractiveUserSignInLogs"), literalRule("b", "SignInLogs")}, []string{"SignInLogs"}},
		{"no literals", []Rule{literalRule("a", "65004"), literalRule("b")}, nil},
		{"empty literal", []Rule{literalRule("a", "")}, nil},
		{"a quote", []Rule{literalRule("a", `"65004"`)}, nil},
		{"a slash", []Rule{literalRule("a", "a/b")}, nil},
		{"not ASCII", []Rule{literalRule("a", "café")}, nil},
	} {
		var got []string
		for _, l := range prefilterLiterals(tt.rules) {
			got = append(got, string(l))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestLiteralSearchOrder checks that a literal found moves forward, and
// that the search answers the same whatever its order.
func TestLiteralSearchOrder(t *testing.T) {
	ls := &literalSearch{lits: [][]byte{[]byte("65004"), []byte("50126"), []byte("SignInLogs")}}
	rec := []byte(`{"category":"SignInLogs"}`)
	for range 3 {
		if !ls.mayMatch(rec) {
			t.Fatal("a record holding a literal must be decoded")
		}
	}
	if string(ls.lits[0]) != "SignInLogs" {
		t.Errorf("after three finds, %q is tried first, want SignInLogs", ls.lits[0])
	}
	if ls.mayMatch([]byte(`{"category":"AuditLogs"}`)) {
		t.Error("a record holding no literal may be passed over")
	}
	var none *literalSearch
	if !none.mayMatch([]byte(`{}`)) {
		t.Error("without a prefilter every record must be decoded")
	}
}
