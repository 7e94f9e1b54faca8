package spl_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/escudo-dev/escudo/detection/spl"
)

// naiveUnit is one character of the naive matchers: a valid rune, or a
// byte that is not valid UTF-8.
type naiveUnit struct {
	r       rune
	invalid bool
}

func naiveUnits(s string) []naiveUnit {
	var us []naiveUnit
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			us = append(us, naiveUnit{r: rune(s[0]), invalid: true})
		} else {
			us = append(us, naiveUnit{r: r})
		}
		s = s[n:]
	}
	return us
}

func naiveEqual(a, b naiveUnit, fold bool) bool {
	if a.invalid || b.invalid {
		return a == b
	}
	if fold {
		return strings.EqualFold(string(a.r), string(b.r))
	}
	return a.r == b.r
}

// naiveMatch is a dynamic-programming matcher over whole characters: m[i][j]
// says whether the first i pattern characters match the first j value
// characters. many matches any run, one (if not -1) exactly one character.
func naiveMatch(pattern, s string, many, one rune, fold bool) bool {
	p, v := naiveUnits(pattern), naiveUnits(s)
	m := make([][]bool, len(p)+1)
	for i := range m {
		m[i] = make([]bool, len(v)+1)
	}
	m[0][0] = true
	for i := 1; i <= len(p); i++ {
		pu := p[i-1]
		wild := !pu.invalid && pu.r == many
		for j := 0; j <= len(v); j++ {
			switch {
			case wild:
				m[i][j] = m[i-1][j] || (j > 0 && m[i][j-1])
			case j == 0:
				m[i][j] = false
			case !pu.invalid && pu.r == one:
				m[i][j] = m[i-1][j-1]
			default:
				m[i][j] = m[i-1][j-1] && naiveEqual(pu, v[j-1], fold)
			}
		}
	}
	return m[len(p)][len(v)]
}

// FuzzWildcard checks Wildcard (all its matching paths) and Like against
// the naive matcher. Neither may panic.
func FuzzWildcard(f *testing.F) {
	for _, seed := range []struct{ pattern, s string }{
		{"*Global Administrator*", `"Global Administrator"`},
		{"*global administrator*", `"GLOBAL ADMINISTRATOR"`},
		{"Add member to role*", "Add member to role"},
		{"a*b*c", "aXbYc"},
		{"ab*bc", "abc"},
		{"*k*", "\u212a"},
		{"a\xff*", "a\xffb"},
		{"*\xa9", "é"},
		{"%a_c%", "xxabcyy"},
		{"", ""},
		{"**", ""},
		{"PREÇOS", "preços"},
	} {
		f.Add(seed.pattern, seed.s)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 64 || len(s) > 256 {
			return
		}
		for _, cs := range []bool{false, true} {
			w := spl.NewWildcard(pattern, spl.WildcardOptions{CaseSensitive: cs})
			got, want := w.Match(s), naiveMatch(pattern, s, '*', -1, !cs)
			if got != want {
				t.Errorf("Wildcard(%q, case-sensitive %v).Match(%q) = %v; naive says %v", pattern, cs, s, got, want)
			}
		}
		if got, want := spl.NewLike(pattern).Match(s), naiveMatch(pattern, s, '%', '_', false); got != want {
			t.Errorf("Like(%q).Match(%q) = %v; naive says %v", pattern, s, got, want)
		}
	})
}

// simpleKeys reports whether every object key in the valid JSON document
// doc is non-empty and free of the characters a Splunk field name uses as
// separators, so that the names AutoExtract builds read back as paths.
func simpleKeys(doc string) bool {
	var v any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return false
	}
	var ok func(any) bool
	ok = func(v any) bool {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "" || strings.ContainsAny(k, ".{}") || !ok(e) {
					return false
				}
			}
		case []any:
			for _, e := range v {
				if !ok(e) {
					return false
				}
			}
		}
		return true
	}
	return ok(v)
}

// isSubsequence reports whether sub appears in seq in order.
func isSubsequence(sub, seq []string) bool {
	for _, s := range seq {
		if len(sub) > 0 && sub[0] == s {
			sub = sub[1:]
		}
	}
	return len(sub) == 0
}

// FuzzSpath checks that spath never panics, agrees with json.Valid on
// what is a document, leaves dst alone on error, and that its two modes
// agree: the values AutoExtract names N are, in order, among the values
// path N selects; and a cutoff only ever shortens AutoExtract's result.
func FuzzSpath(f *testing.F) {
	for _, seed := range []struct{ doc, path string }{
		{requiredResourceAccess, "{}.RequiredAppPermissions{}.EntitlementId"},
		{modifiedProperties, "targetResources{}.modifiedProperties{}"},
		{`"\"Privileged Role Administrator\""`, "x"},
		{`[true]`, "{}"},
		{`[]`, "{}"},
		{`{"a":[[1,2],[3]],"b":null,"c":""}`, "a{}{}"},
		{`{"a":{"b":[{"c":"x\"y"}]}}`, "a.b{0}.c"},
		{`{"a":1,"a":2}`, "a"},
		{`[] => [[Id: AAAA]]`, "{}"},
		{`{"a":1`, "a"},
		{`{"a":12345}`, "a"},
		{strings.Repeat("[", 200), "{}"},
	} {
		f.Add(seed.doc, seed.path, 7)
	}
	f.Fuzz(func(t *testing.T, doc, path string, cutoff int) {
		if len(doc) > 1<<14 {
			return
		}
		valid := json.Valid([]byte(doc))
		sentinel := []string{"x"}

		if p, err := spl.CompilePath(path); err == nil {
			got, err := p.Append(sentinel, doc)
			if (err == nil) != valid {
				t.Fatalf("Path(%q).Append: error %v, but json.Valid = %v", path, err, valid)
			}
			if err != nil && !slices.Equal(got, sentinel) {
				t.Fatalf("Path(%q).Append changed dst on error: %q", path, got)
			}
		}

		pairs, err := spl.AutoExtract(nil, doc, spl.AutoOptions{})
		if (err == nil) != valid {
			t.Fatalf("AutoExtract: error %v, but json.Valid = %v", err, valid)
		}
		if err != nil && pairs != nil {
			t.Fatalf("AutoExtract returned pairs with an error: %v", pairs)
		}

		if cutoff = cutoff % (len(doc) + 2); cutoff < 0 {
			cutoff = -cutoff
		}
		cut, cerr := spl.AutoExtract(nil, doc, spl.AutoOptions{Cutoff: cutoff})
		if valid && cerr == nil && !slices.Equal(cut, pairs[:min(len(cut), len(pairs))]) {
			t.Fatalf("AutoExtract with Cutoff %d is not a prefix of the whole:\ncut  %v\nfull %v", cutoff, cut, pairs)
		}

		if !valid || !simpleKeys(doc) {
			return
		}
		byName := map[string][]string{}
		var names []string
		for _, p := range pairs {
			if _, seen := byName[p.Name]; !seen {
				names = append(names, p.Name)
			}
			byName[p.Name] = append(byName[p.Name], p.Value)
		}
		for _, name := range names {
			p, err := spl.CompilePath(name)
			if err != nil {
				t.Fatalf("AutoExtract name %q does not compile as a path: %v", name, err)
			}
			vals, err := p.Append(nil, doc)
			if err != nil {
				t.Fatal(err)
			}
			if !isSubsequence(byName[name], vals) {
				t.Fatalf("AutoExtract values of %q = %q are not among Path values %q", name, byName[name], vals)
			}
		}
	})
}
