package spl

import (
	"errors"
	"fmt"
)

// Rex is the rex command in extract mode, compiled once:
//
//	rex field=<field> [max_match=<int>] "<regex>"
//
// Each named group of the regex becomes a field of the same name [verified:
// Splunk Search Reference 10.0, rex: "matches the value of the specified
// field against the unanchored regular expression and extracts the named
// groups into fields of the corresponding names";
// https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/search-commands/rex].
// Unnamed groups extract nothing. A Rex is safe for concurrent use.
//
// rex mode=sed is not provided: none of the azure_monitor_aad searches use
// it, and [CompileReplace] covers s/regex/replacement/g.
type Rex struct {
	re       *Regex
	names    []string // named groups, in the order they open
	groups   []int    // submatch index of names[i]
	maxMatch int
}

// CompileRex compiles rex's regex and max_match. maxMatch is the number of
// times the whole pattern is applied to a value: 1 (Splunk's default) for
// the first match only, 0 for every match, n for at most n [verified: rex,
// max_match: "Controls the number of times the regex is matched. If
// greater than 1, the resulting fields are multivalued fields. Use 0 to
// specify unlimited matches. ... Default: 1"]. A negative maxMatch is an
// error.
//
// The regex must have at least one named group (Splunk refuses a rex that
// "does not extract anything" [unverified: recalled error text, not in the
// reference page]), and no two groups may share a name (PCRE refuses
// duplicate names without (?J), which Go's RE2 does not have). Both are
// reported as a *[RegexError].
func CompileRex(regex string, maxMatch int) (*Rex, error) {
	if maxMatch < 0 {
		return nil, fmt.Errorf("spl: rex max_match=%d: must be 0 (unlimited) or more", maxMatch)
	}
	re, err := CompileRegex(regex)
	if err != nil {
		return nil, err
	}
	x := &Rex{re: re, maxMatch: maxMatch}
	seen := map[string]bool{}
	for i, name := range re.re.SubexpNames() {
		if name == "" {
			continue
		}
		if seen[name] {
			return nil, &RegexError{Expr: regex, Err: fmt.Errorf("two groups are named %q", name)}
		}
		seen[name] = true
		x.names = append(x.names, name)
		x.groups = append(x.groups, i)
	}
	if len(x.names) == 0 {
		return nil, &RegexError{Expr: regex, Err: errors.New("rex needs at least one named group, such as (?<name>...)")}
	}
	return x, nil
}

// MustCompileRex is like [CompileRex] but panics on error.
func MustCompileRex(regex string, maxMatch int) *Rex {
	x, err := CompileRex(regex, maxMatch)
	if err != nil {
		panic(err)
	}
	return x
}

// String returns the regex as given to [CompileRex].
func (x *Rex) String() string { return x.re.String() }

// MaxMatch returns max_match as given to [CompileRex].
func (x *Rex) MaxMatch() int { return x.maxMatch }

// Names returns the names of the fields the regex extracts, in the order
// their groups open in the regex. The caller may modify the result.
func (x *Rex) Names() []string { return append([]string(nil), x.names...) }

// Index returns the position of the field name in [Rex.Names] and in the
// result of [Rex.Extract], or -1 if the regex has no group of that name.
// Look it up once, when the rule is built.
func (x *Rex) Index(name string) int {
	for i, n := range x.names {
		if n == name {
			return i
		}
	}
	return -1
}

// Extract applies rex to the values of a field and returns, for each of
// [Rex.Names] in that order, the values extracted into that field (nil for
// none). A field with no values extracts nothing.
//
// For each value, the pattern is applied up to max_match times
// (non-overlapping, left to right); every match appends each named
// group's text to that group's field, so max_match=0 yields multivalue
// fields in match order, as in the reference's example
// rex max_match=0 "((?<field>[^$]*)\$(?<value>[^,]*),?)" giving field=a b
// and value=1 2 for "a$1,b$2" [verified: rex, Examples, "Extract from
// multi-valued fields using max_match"]. A group that captures the empty
// string, or does not take part in a match, adds nothing: escudo has no
// empty values (Splunk would create the field with an empty value
// [unverified]), so with max_match other than 1 the fields of one match
// are not guaranteed to line up by index.
//
// A multivalue input is matched value by value, in order, and max_match
// counts matches within each value [unverified: the reference does not
// say what rex does with a multivalue field; the azure_monitor_aad
// searches only apply rex to single values]. When nothing matches, no
// field is created; whether Splunk then leaves an existing field of the
// same name alone is for the caller to decide [unverified].
func (x *Rex) Extract(values ...string) [][]string {
	out := make([][]string, len(x.names))
	n := x.maxMatch
	if n == 0 {
		n = -1
	}
	for _, v := range values {
		for _, m := range x.re.re.FindAllStringSubmatchIndex(v, n) {
			for i, g := range x.groups {
				if lo, hi := m[2*g], m[2*g+1]; lo >= 0 && hi > lo {
					out[i] = append(out[i], v[lo:hi])
				}
			}
		}
	}
	return out
}
