package spl_test

import (
	"testing"

	"github.com/escudo-dev/escudo/detection/spl"
)

func TestWildcard(t *testing.T) {
	tests := []struct {
		name          string
		reason        string
		pattern       string
		caseSensitive bool
		s             string
		want          bool
	}{
		{name: "contains", reason: "lookup privileged_azure_ad_roles: *Global Administrator* against a quoted newValue", pattern: "*Global Administrator*", s: `"Global Administrator"`, want: true},
		{name: "contains folded", reason: "the lookup is case_sensitive_match: false, and search folds case", pattern: "*Global Administrator*", s: `"global administrator"`, want: true},
		{name: "contains case-sensitive", reason: "CASE() or a case-sensitive lookup compares exactly", pattern: "*Global Administrator*", caseSensitive: true, s: `"global administrator"`, want: false},
		{name: "no wildcard is whole value", reason: "search field=value matches the whole value", pattern: "Update user", s: "Update user agent", want: false},
		{name: "no wildcard folded", reason: "search values are case-insensitive", pattern: "success", s: "Success", want: true},
		{name: "prefix", reason: "ESCU 2.4.1: operationName=\"Add member to role*\"", pattern: "Add member to role*", s: "Add member to role completed (PIM activation)", want: true},
		{name: "prefix mismatch", reason: "the prefix must be at the start", pattern: "Add member to role*", s: "Remove member from role", want: false},
		{name: "suffix", reason: "* at the start", pattern: "*AllPrincipals", s: " AllPrincipals", want: true},
		{name: "middle star", reason: "the two ends and what is between", pattern: "a*c", s: "abbbc", want: true},
		{name: "middle star too short", reason: "ends may not overlap", pattern: "ab*bc", s: "abc", want: false},
		{name: "segments in order", reason: "middle segments must appear in order", pattern: "*b*a*", s: "ab", want: false},
		{name: "star matches empty", reason: "* may stand for nothing", pattern: "a*b", s: "ab", want: true},
		{name: "star only", reason: "* matches anything, even an empty string", pattern: "*", s: "", want: true},
		{name: "stars only", reason: "** is *", pattern: "**", s: "x", want: true},
		{name: "empty pattern", reason: "only the empty string", pattern: "", s: "", want: true},
		{name: "empty pattern value", reason: "only the empty string", pattern: "", s: "a", want: false},
		{name: "question mark literal", reason: "only * is a wildcard", pattern: "a?c", s: "abc", want: false},
		{name: "percent literal", reason: "% is like()'s wildcard, not search's", pattern: "a%", s: "abc", want: false},
		{name: "regex metacharacters literal", reason: "the pattern is not a regex", pattern: "a.c*", s: "abc", want: false},
		{name: "unicode folded", reason: "Unicode simple folding, as strings.EqualFold", pattern: "*PREÇOS*", s: "os preços", want: true},
		{name: "kelvin sign", reason: "K folds to the Kelvin sign under Unicode folding", pattern: "*k*", s: "\u212a", want: true},
		{name: "kelvin case-sensitive", reason: "no folding", pattern: "*k*", caseSensitive: true, s: "\u212a", want: false},
		{name: "sharp s not expanded", reason: "simple folding does not turn ß into ss", pattern: "ss", s: "ß", want: false},
		{name: "invalid bytes match themselves", reason: "bytes that are not UTF-8 compare as bytes", pattern: "a\xff*", s: "a\xffb", want: true},
		{name: "invalid bytes differ", reason: "two different invalid bytes are different", pattern: "a\xfe", s: "a\xff", want: false},
		{name: "invalid byte is not U+FFFD", reason: "an invalid byte never equals the replacement character", pattern: "\ufffd", s: "\xff", want: false},
		{name: "partial rune", reason: "an invalid pattern byte does not match inside a valid character", pattern: "*\xa9", caseSensitive: true, s: "é", want: false},
		{name: "guid pattern", reason: "lookup azuretemplateid patterns are *<guid>*", pattern: "*9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3*", s: `"9B895D92-2CD3-44C7-9D02-A6AC2D5EA5C3"`, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := spl.NewWildcard(tt.pattern, spl.WildcardOptions{CaseSensitive: tt.caseSensitive})
			if got := w.Match(tt.s); got != tt.want {
				t.Errorf("Wildcard(%q, case-sensitive %v).Match(%q) = %v; want %v (%s)", tt.pattern, tt.caseSensitive, tt.s, got, tt.want, tt.reason)
			}
			if w.String() != tt.pattern {
				t.Errorf("String() = %q; want %q", w.String(), tt.pattern)
			}
		})
	}
}

func TestWildcardMatchAny(t *testing.T) {
	w := spl.NewWildcard("*Administrator*", spl.WildcardOptions{})
	if !w.MatchAny([]string{"User", "Global Administrator"}) {
		t.Error("MatchAny: one matching value should be enough")
	}
	if w.MatchAny(nil) {
		t.Error("MatchAny(nil) = true; a NULL field matches nothing")
	}
}

func TestTerm(t *testing.T) {
	tests := []struct {
		name         string
		reason       string
		value        string
		mv           []string
		wantEqual    bool
		wantNotEqual bool
	}{
		{name: "equal", reason: "field=value", value: "ServicePrincipal", mv: []string{"ServicePrincipal"}, wantEqual: true},
		{name: "folded", reason: "search compares values without case", value: "servicePrincipal", mv: []string{"ServicePrincipal"}, wantEqual: true},
		{name: "differs", reason: "field!=value needs a value that differs", value: "User", mv: []string{"ServicePrincipal"}, wantNotEqual: true},
		{name: "missing field", reason: "reference: != excludes events without the field; NOT field=value would include them", value: "User", mv: nil},
		{name: "multivalue any", reason: `auditlogs-facts 2.4.20: "targetResources{}.type"=ServicePrincipal is true if any target is one`, value: "ServicePrincipal", mv: []string{"User", "ServicePrincipal"}, wantEqual: true},
		{name: "multivalue not equal", reason: "!= on a multivalue field needs every value to differ (unverified)", value: "User", mv: []string{"User", "ServicePrincipal"}, wantEqual: true},
		{name: "json quotes", reason: `auditlogs-facts 2.4.26: search reason = "\"Risky application detected\"" keeps the JSON quotes`, value: `"Risky application detected"`, mv: []string{`"Risky application detected"`}, wantEqual: true},
		{name: "json quotes required", reason: "the unquoted text is a different value", value: "Risky application detected", mv: []string{`"Risky application detected"`}, wantNotEqual: true},
		{name: "array text", reason: `auditlogs-facts 2.4.3: search AllowUserConsentForRiskyApps = "[true]"`, value: "[true]", mv: []string{"[true]"}, wantEqual: true},
		{name: "wildcard", reason: `auditlogs-facts 2.4.25: search ConsentType = "*AllPrincipals*" tolerates the leading space`, value: "*AllPrincipals*", mv: []string{" AllPrincipals"}, wantEqual: true},
		{name: "leading space defect", reason: `auditlogs-facts 3.4: " 1bfefb4e-…" with a leading space does not match the id`, value: " 1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", mv: []string{"1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"}, wantNotEqual: true},
		{name: "exists", reason: "field=* is true for any value", value: "*", mv: []string{"x"}, wantEqual: true},
		{name: "not exists", reason: "reference: fieldA!=* never returns any events", value: "*", mv: []string{"x"}, wantNotEqual: false, wantEqual: true},
		{name: "star on missing", reason: "field=* is false without the field", value: "*", mv: nil},
		{name: "empty value", reason: `escudo has no empty values, so field="" matches nothing`, value: "", mv: []string{"x"}, wantNotEqual: true},
		{name: "cidr", reason: "reference: ip=\"10.10.10.0/24\" matches 10.10.10.12", value: "10.10.10.0/24", mv: []string{"10.10.10.12"}, wantEqual: true},
		{name: "cidr outside", reason: "an address outside the subnet", value: "10.10.10.0/24", mv: []string{"10.10.11.1"}, wantNotEqual: true},
		{name: "cidr ipv6", reason: "reference: IPv6 subnets too", value: "2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120", mv: []string{"2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99"}, wantEqual: true},
		{name: "cidr mapped", reason: "an IPv4-mapped IPv6 address is its IPv4 address", value: "10.0.0.0/8", mv: []string{"::ffff:10.1.2.3"}, wantEqual: true},
		{name: "cidr literal", reason: "the CIDR text itself also matches as a string", value: "10.0.0.0/8", mv: []string{"10.0.0.0/8"}, wantEqual: true},
		{name: "cidr non-ip value", reason: "a value that is no address can only match as text", value: "10.0.0.0/8", mv: []string{"host-10"}, wantNotEqual: true},
		{name: "cidr with star is text", reason: "a wildcard value is not read as CIDR", value: "10.0.0.0/8*", mv: []string{"10.1.2.3"}, wantNotEqual: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term := spl.NewTerm(tt.value)
			if got := term.Equal(tt.mv); got != tt.wantEqual {
				t.Errorf("%q=%q: Equal = %v; want %v (%s)", tt.mv, tt.value, got, tt.wantEqual, tt.reason)
			}
			if got := term.NotEqual(tt.mv); got != tt.wantNotEqual {
				t.Errorf("%q!=%q: NotEqual = %v; want %v (%s)", tt.mv, tt.value, got, tt.wantNotEqual, tt.reason)
			}
			if term.String() != tt.value {
				t.Errorf("String() = %q; want %q", term.String(), tt.value)
			}
		})
	}
}

func TestExists(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		mv     []string
		want   bool
	}{
		{name: "value", reason: "field=* with a value", mv: []string{"a"}, want: true},
		{name: "missing", reason: "reference: NOT fieldA=* is the null or undefined case", mv: nil, want: false},
		{name: "empty only", reason: "an empty string is no value in escudo", mv: []string{""}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spl.Exists(tt.mv); got != tt.want {
				t.Errorf("Exists(%q) = %v; want %v (%s)", tt.mv, got, tt.want, tt.reason)
			}
		})
	}
}

func TestWhereEqual(t *testing.T) {
	tests := []struct {
		name         string
		reason       string
		x, y         []string
		wantEqual    bool
		wantNotEqual bool
	}{
		{name: "same", reason: "where a=b", x: []string{"alice@contoso.com"}, y: []string{"alice@contoso.com"}, wantEqual: true},
		{name: "case-sensitive", reason: "reference: where's eval expression is case-sensitive", x: []string{"Alice@contoso.com"}, y: []string{"alice@contoso.com"}, wantNotEqual: true},
		{name: "no wildcard", reason: "reference: where expands no wildcards", x: []string{"abc"}, y: []string{"a*"}, wantNotEqual: true},
		{name: "null side", reason: "auditlogs-facts 2.4.23: where initiatedBy!=newOwner drops rows without newOwner", x: []string{"alice"}, y: nil},
		{name: "both null", reason: "NULL compares to nothing", x: nil, y: nil},
		{name: "multivalue any", reason: "auditlogs-facts 2.4.24: servicePrincipal=targetServicePrincipal over values() (unverified)", x: []string{"App A", "App B"}, y: []string{"App B"}, wantEqual: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spl.WhereEqual(tt.x, tt.y); got != tt.wantEqual {
				t.Errorf("WhereEqual(%q, %q) = %v; want %v (%s)", tt.x, tt.y, got, tt.wantEqual, tt.reason)
			}
			if got := spl.WhereNotEqual(tt.x, tt.y); got != tt.wantNotEqual {
				t.Errorf("WhereNotEqual(%q, %q) = %v; want %v (%s)", tt.x, tt.y, got, tt.wantNotEqual, tt.reason)
			}
		})
	}
}

func TestLike(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		pattern string
		s       string
		want    bool
	}{
		{name: "prefix", reason: `reference: like(field, "foo%") is true for values starting with foo`, pattern: "foo%", s: "foobar", want: true},
		{name: "prefix mismatch", reason: "the prefix must be at the start", pattern: "foo%", s: "barfoo", want: false},
		{name: "ip prefix", reason: `reference: like(ipaddress, "198.%")`, pattern: "198.%", s: "198.51.100.7", want: true},
		{name: "dot literal", reason: "like is not a regex", pattern: "198.%", s: "1980.1", want: false},
		{name: "underscore", reason: "reference: _ matches a single character", pattern: "a_c", s: "abc", want: true},
		{name: "underscore needs one", reason: "_ is exactly one character", pattern: "a_c", s: "ac", want: false},
		{name: "underscore multibyte", reason: "a character, not a byte", pattern: "a_c", s: "aéc", want: true},
		{name: "exact", reason: "without wildcards the whole value must be equal", pattern: "abc", s: "abc", want: true},
		{name: "case-sensitive", reason: "where expressions are case-sensitive", pattern: "foo%", s: "FOObar", want: false},
		{name: "star literal", reason: "* is search's wildcard, not like()'s", pattern: "a*", s: "abc", want: false},
		{name: "percent empty", reason: "% may stand for nothing", pattern: "%", s: "", want: true},
		{name: "mixed", reason: "% and _ together", pattern: "%a_c%", s: "xxabcyy", want: true},
		{name: "backtrack", reason: "a later placement of % must be tried", pattern: "%ab_", s: "abxabc", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := spl.NewLike(tt.pattern)
			if got := l.Match(tt.s); got != tt.want {
				t.Errorf("like(%q, %q) = %v; want %v (%s)", tt.s, tt.pattern, got, tt.want, tt.reason)
			}
			if l.String() != tt.pattern {
				t.Errorf("String() = %q", l.String())
			}
		})
	}
}
