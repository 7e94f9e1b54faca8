package spl_test

import (
	"testing"

	"github.com/escudo-dev/escudo/detection/spl"
)

func TestIndexTerm(t *testing.T) {
	tests := []struct {
		term, text string
		want       bool
		reason     string
	}{
		{"servicePrincipals", "https://graph.microsoft.com/beta/servicePrincipals/4c6e8a0b/owners", true, "between two minor breakers (/)"},
		{"servicePrincipals", "https://graph.microsoft.com/v1.0/servicePrincipals?$top=999", true, "before a major breaker (?)"},
		{"servicePrincipals", "servicePrincipals", true, "the whole text"},
		{"servicePrincipals", "https://graph.microsoft.com/v1.0/SERVICEPRINCIPALS/x", true, "without regard to case"},
		{"servicePrincipals", "https://graph.microsoft.com/v1.0/servicePrincipalsX/x", false, "a longer token is another term"},
		{"servicePrincipals", "https://graph.microsoft.com/v1.0/xservicePrincipals", false, "so is a token with a prefix"},
		{"servicePrincipals", "https://graph.microsoft.com/v1.0/servicePrincipalId", false, "a neighbour word"},
		{"servicePrincipals", "my_servicePrincipals_list", true, "_ is a minor breaker"},
		{"servicePrincipals", "a%2CservicePrincipals", true, "%2C is a major breaker"},
		{"servicePrincipals", "a%41servicePrincipals", false, "% is a minor breaker, so the token is 41servicePrincipals"},
		{"servicePrincipals", "", false, "nothing"},
		{"127.0.0.1", "127.0.0.1 - admin", true, "a term with minor breakers, bounded by major ones (the manual's example)"},
		{"127.0.0.1", "ip=127.0.0.1", false, "= is a minor breaker: the major segment is ip=127.0.0.1"},
		{"127.0.0.1", "[127.0.0.1]", true, "brackets are major breakers"},
		{"0.0", "127.0.0.1", false, "a run of minor segments is not indexed"},
		{"0", "127.0.0.1", true, "a single minor segment is"},
	}
	for _, tt := range tests {
		x, err := spl.NewIndexTerm(tt.term)
		if err != nil {
			t.Fatal(err)
		}
		if got := x.In(tt.text); got != tt.want {
			t.Errorf("TERM(%s) in %q = %v, want %v (%s)", tt.term, tt.text, got, tt.want, tt.reason)
		}
	}
	x := spl.MustNewIndexTerm("servicePrincipals")
	if !x.InAny("a", "b/servicePrincipals/c") || x.InAny("a", "b") || x.InAny() || x.String() != "servicePrincipals" {
		t.Error("InAny or String")
	}
}

func TestIndexTermRefused(t *testing.T) {
	for _, term := range []string{"", "Maria Dubois", "a,b", "x%2Cy", "(x)"} {
		if _, err := spl.NewIndexTerm(term); err == nil {
			t.Errorf("NewIndexTerm(%q) = nil error, want one: a term holds no major breaker", term)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustNewIndexTerm of a bad term does not panic")
		}
	}()
	spl.MustNewIndexTerm("a b")
}
