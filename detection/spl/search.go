package spl

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Search-command matching: field=value, field!=value, field=*, NOT, and
// the wildcard and like() patterns. Sources: Splunk Search Reference 9.4,
// search, https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/9.4/search-commands/search;
// where, https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/9.4/search-commands/where;
// like() in "Comparison and Conditional functions" (10.0).

// WildcardOptions configures [NewWildcard]. The zero value is the search
// command's matching: case-insensitive.
type WildcardOptions struct {
	// CaseSensitive compares characters exactly, as the CASE() directive
	// does in search and as a lookup with case_sensitive_match=true
	// does. By default characters are compared under Unicode simple case
	// folding, as strings.EqualFold does.
	CaseSensitive bool
}

// Wildcard is a search-command value pattern in which every * stands for
// any run of characters, including none, and everything else is literal.
// It is compiled once by [NewWildcard] and is safe for concurrent use;
// matching does not allocate.
//
// Splunk uses these patterns in search field=value terms (case-insensitive:
// field values are matched without regard to case unless the CASE()
// directive is used [verified: search, "Search with CASE()": "You can use
// the CASE() directive to search for terms and field values that are
// case-sensitive", so by default they are not]) and in WILDCARD lookups such as ESCU's
// privileged_azure_ad_roles (case_sensitive_match: false). The where
// command and eval's == do not expand wildcards at all ("You can only
// specify a wildcard by using the like function with the where command"
// [verified: where, "Using a wildcard with the where command"]), and
// compare case-sensitively ("The <eval-expression> is case-sensitive"
// [verified: where, Usage]); use [WhereEqual] or [Like] there.
//
// There is no escape for a literal * [unverified: the search page
// documents none]. Case folding is Unicode simple folding; whether Splunk
// folds beyond ASCII is [unverified]. Bytes that are not valid UTF-8
// match only themselves.
type Wildcard struct {
	pattern string
	fold    bool
	// segs is the pattern split at '*': the value must start with
	// segs[0], end with segs[len-1] and contain the others in order. For
	// a folding ASCII pattern they are lower-cased.
	segs []string
	// path selects the matcher: pathBytes compares bytes exactly (a
	// case-sensitive, valid UTF-8 pattern), pathASCII folds ASCII (an
	// ASCII pattern; used when the value is ASCII too), pathUnits walks
	// characters.
	path uint8
	toks []tok
}

const (
	pathUnits uint8 = iota
	pathBytes
	pathASCII
)

// NewWildcard compiles a wildcard pattern. Every pattern is valid.
func NewWildcard(pattern string, opts WildcardOptions) *Wildcard {
	w := &Wildcard{pattern: pattern, fold: !opts.CaseSensitive}
	w.segs = strings.Split(pattern, "*")
	switch {
	case !w.fold && utf8.ValidString(pattern):
		w.path = pathBytes
	case w.fold && isASCII(pattern):
		w.path = pathASCII
		for i, s := range w.segs {
			w.segs[i] = strings.ToLower(s)
		}
	}
	w.toks = compileTokens(pattern, '*', -1)
	return w
}

// String returns the pattern as given.
func (w *Wildcard) String() string { return w.pattern }

// Match reports whether s matches the whole pattern.
func (w *Wildcard) Match(s string) bool {
	switch {
	case w.path == pathBytes:
		return matchSegments(w.segs, s, false)
	case w.path == pathASCII && isASCII(s):
		return matchSegments(w.segs, s, true)
	}
	return matchTokens(w.toks, s, w.fold)
}

// MatchAny reports whether any value of mv matches: Splunk's rule for a
// multivalue field in search ("true if any value matches").
func (w *Wildcard) MatchAny(mv []string) bool {
	for _, v := range mv {
		if w.Match(v) {
			return true
		}
	}
	return false
}

// Term is the value side of a search-command comparison, field=<value> or
// field!=<value>, compiled once by [NewTerm]. It is safe for concurrent
// use.
//
//   - The value matches a field value as a whole, case-insensitively,
//     with the wildcard * (see [Wildcard]).
//   - A value in CIDR notation, such as 10.10.10.0/24, also matches the
//     field values that are IP addresses inside that subnet [verified:
//     search, "CIDR matching": ip="10.10.10.0/24" returns the events whose
//     ip is 10.10.10.12 or 10.10.10.23].
//   - A multivalue field matches if any of its values does (SIF §5;
//     auditlogs-facts §1.8) [unverified in the Splunk reference].
//   - A field with no value never matches; escudo's values are never "",
//     so field="" matches nothing.
//
// The value is given as the search command receives it, after SPL has
// removed its own quoting: search reason="\"Risky application detected\""
// is NewTerm(`"Risky application detected"`), quotes included.
type Term struct {
	value  string
	w      *Wildcard
	prefix netip.Prefix
	cidr   bool
}

// NewTerm compiles the value of a field=value search term.
func NewTerm(value string) *Term {
	t := &Term{value: value, w: NewWildcard(value, WildcardOptions{})}
	if !strings.Contains(value, "*") {
		if p, err := netip.ParsePrefix(value); err == nil {
			t.prefix, t.cidr = p.Masked(), true
		}
	}
	return t
}

// String returns the value as given.
func (t *Term) String() string { return t.value }

// Equal is field=value: whether any value of the field matches. NOT
// field=value is !t.Equal(mv), which, unlike [Term.NotEqual], is true for
// an event without the field [verified: search, "Using the NOT or !=
// comparisons"].
func (t *Term) Equal(mv []string) bool {
	for _, v := range mv {
		if t.match(v) {
			return true
		}
	}
	return false
}

// NotEqual is field!=value: the field has a value and no value matches.
// An event without the field does not match, and field!=* matches nothing
// [verified: search, "Using the NOT or != comparisons": "The following
// search returns events where fieldA exists and does not have the value
// "value2"", and "fieldA!=* never returns any events"]. For a multivalue
// field this requires every value to differ, as
// event.Field.NotEqual does [unverified].
func (t *Term) NotEqual(mv []string) bool {
	return len(mv) > 0 && !t.Equal(mv)
}

func (t *Term) match(v string) bool {
	if v == "" {
		return false
	}
	if t.w.Match(v) {
		return true
	}
	if t.cidr {
		if a, err := netip.ParseAddr(v); err == nil {
			return t.prefix.Contains(a.Unmap())
		}
	}
	return false
}

// Exists is field=*: whether the field has a value [verified: search,
// "NOT fieldA=* returns events where fieldA is null or undefined"; * also
// matches an empty string, which escudo does not have].
func Exists(mv []string) bool {
	for _, v := range mv {
		if v != "" {
			return true
		}
	}
	return false
}

// WhereEqual is where x=y (or x==y) on two fields, or on a field and a
// literal ([]string{"literal"}): a case-sensitive, exact comparison with
// no wildcards [verified: where, Usage: "The <eval-expression> is
// case-sensitive", and the where command "interpret[s] quoted strings as
// literals. If the string is not quoted, it is treated as a field name"].
// A side with no value (NULL) makes the comparison false. With multivalue
// sides it is true if any value of x equals any value of y [unverified].
func WhereEqual(x, y []string) bool {
	for _, a := range x {
		for _, b := range y {
			if a == b {
				return true
			}
		}
	}
	return false
}

// WhereNotEqual is where x!=y: both sides have a value and [WhereEqual] is
// false. A side with no value (NULL) makes it false, so ESCU's
// where initiatedBy!=newOwner drops rows without a newOwner [inferred:
// auditlogs-facts §2.4.23; NULL != x is not true in eval].
func WhereNotEqual(x, y []string) bool {
	return len(x) > 0 && len(y) > 0 && !WhereEqual(x, y)
}

// Like is like(str, pattern), compiled once by [NewLike]: % stands for any
// run of characters, _ for exactly one, and everything else is literal
// [verified: Comparison and Conditional functions, like: "Use the percent
// ( % ) symbol as a wildcard for matching multiple characters. Use the
// underscore ( _ ) character as a wildcard to match a single character"].
// The whole value must match. The comparison is case-sensitive, as every
// where expression is [verified: where, Usage]; whether like() is
// case-sensitive under eval too is [unverified]. There is no escape for a
// literal % or _ [unverified]. A Like is safe for concurrent use.
type Like struct {
	pattern string
	toks    []tok
}

// NewLike compiles a like() pattern. Every pattern is valid.
func NewLike(pattern string) *Like {
	return &Like{pattern: pattern, toks: compileTokens(pattern, '%', '_')}
}

// String returns the pattern as given.
func (l *Like) String() string { return l.pattern }

// Match reports whether s matches the whole pattern.
func (l *Like) Match(s string) bool { return matchTokens(l.toks, s, false) }

// tok is one element of a compiled pattern.
type tok struct {
	kind uint8 // tokLit, tokOne or tokAny
	r    rune  // for tokLit, the unit (see unit)
}

const (
	tokLit uint8 = iota
	tokOne       // exactly one character
	tokAny       // any run of characters
)

// compileTokens splits pattern into units, with many and one (if not -1)
// as the wildcard characters. Runs of many collapse into one.
func compileTokens(pattern string, many, one rune) []tok {
	var toks []tok
	for i := 0; i < len(pattern); {
		r, n := unit(pattern, i)
		i += n
		switch r {
		case many:
			if len(toks) > 0 && toks[len(toks)-1].kind == tokAny {
				continue
			}
			toks = append(toks, tok{kind: tokAny})
		case one:
			toks = append(toks, tok{kind: tokOne})
		default:
			toks = append(toks, tok{kind: tokLit, r: r})
		}
	}
	return toks
}

// matchTokens is the general matcher, character by character, with the
// classic single-backtrack algorithm: on a mismatch, let the last any
// swallow one more character and retry. It is O(len(toks)·len(s)) in the
// worst case and allocation-free.
func matchTokens(toks []tok, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(toks) {
			switch t := toks[p]; t.kind {
			case tokAny:
				starP, starI = p, i
				p++
				continue
			case tokOne:
				_, n := unit(s, i)
				p, i = p+1, i+n
				continue
			default:
				if r, n := unit(s, i); unitsEqual(t.r, r, fold) {
					p, i = p+1, i+n
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := unit(s, starI)
		starI += n
		p, i = starP+1, starI
	}
	for p < len(toks) && toks[p].kind == tokAny {
		p++
	}
	return p == len(toks)
}

// matchSegments matches s against a *-pattern split into segs, comparing
// bytes (exactly, or ASCII-folded with segs already lower-cased). It is
// only used where byte and character semantics agree: a valid UTF-8
// pattern compared exactly, or an ASCII pattern and an ASCII value.
// Leftmost placement of each middle segment is optimal, so there is no
// backtracking.
func matchSegments(segs []string, s string, fold bool) bool {
	if len(segs) == 1 {
		return len(s) == len(segs[0]) && hasPrefix(s, segs[0], fold)
	}
	first, last := segs[0], segs[len(segs)-1]
	if len(s) < len(first)+len(last) || !hasPrefix(s, first, fold) || !hasPrefix(s[len(s)-len(last):], last, fold) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, seg := range segs[1 : len(segs)-1] {
		i := index(s, seg, fold)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}

// hasPrefix reports whether s starts with prefix; with fold, s is
// ASCII-lower-cased on the fly and prefix is already lower case.
func hasPrefix(s, prefix string, fold bool) bool {
	if !fold {
		return strings.HasPrefix(s, prefix)
	}
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lowerASCII(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

// index is strings.Index, ASCII-folded like hasPrefix when fold is set.
func index(s, sub string, fold bool) int {
	if !fold {
		return strings.Index(s, sub)
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if hasPrefix(s[i:], sub, true) {
			return i
		}
	}
	return -1
}
