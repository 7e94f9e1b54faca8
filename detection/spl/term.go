package spl

import (
	"errors"
	"strings"
)

// IndexTerm is the search command's TERM(<term>) directive, compiled once
// by [NewIndexTerm]: whether an event's raw text holds the term as one
// term of the index. It is safe for concurrent use.
//
// Splunk's Search Manual, "Use CASE() and TERM() to match phrases"
// (docs.splunk.com/Documentation/Splunk/latest/Search/UseCASEandTERMtomatchphrases):
// TERM "match[es] whatever is inside the parentheses as a single term in
// the index, even if it contains characters that are usually recognized
// as minor breakers"; the term "cannot contain major breakers"; the
// software "expects to see the term you specify as a token in the
// lexicon"; and "by default, searches are case-insensitive" [verified].
// The index holds each segment between major breakers and each segment
// of it between minor breakers, not runs of minor segments ("a_b_c_d"
// gives a, b, c, d and a_b_c_d, "but not b_c": a Splunk employee on
// community.splunk.com, "Undocumented Search Operator TERM()")
// [inferred]. So:
//
//   - a term without breakers, such as servicePrincipals, is found where
//     it stands between any two breakers (or the text's edges):
//     ".../servicePrincipals/..." holds it, ".../servicePrincipalsX/..."
//     does not;
//   - a term with minor breakers, such as 127.0.0.1, is found only as a
//     whole major segment: "127.0.0.1 - admin" holds it, "ip=127.0.0.1"
//     does not (= is a minor breaker);
//   - the comparison ignores case (Unicode simple folding, as
//     [Wildcard]).
//
// The breakers are those of Splunk's default segmenters.conf [unverified:
// recalled, not read in a stored copy]: major, the whitespace and
// [ ] < > ( ) { } | ! ; , ' " * & ? + and the URL-encoded %21 %26 %2520
// %5D %5B %3A %0A %2C %28 %29; minor, / : = @ . - $ # % \ and _.
//
// TERM searches the raw event. escudo has no raw text after decoding, so
// a rule applies an IndexTerm to the decoded string values of the
// record's fields instead ([IndexTerm.InAny]); JSON escapes (\/, \u…)
// that Splunk would index as written are then already undone
// [inferred: no ESCU test record has any].
type IndexTerm struct {
	term  string
	whole bool // the term holds minor breakers: it must be a whole major segment
}

// NewIndexTerm compiles TERM(term). An empty term, or one with a major
// breaker in it, is an error: Splunk cannot index such a term as one
// token.
func NewIndexTerm(term string) (*IndexTerm, error) {
	if term == "" {
		return nil, errors.New("spl: TERM(): empty term")
	}
	t := &IndexTerm{term: term}
	for i := 0; i < len(term); i++ {
		switch {
		case majorAt(term, i) > 0:
			return nil, errors.New("spl: TERM(" + term + "): a term cannot hold a major breaker (" + term[i:i+majorAt(term, i)] + ")")
		case isMinor(term[i]):
			t.whole = true
		}
	}
	return t, nil
}

// MustNewIndexTerm is like [NewIndexTerm] but panics on error.
func MustNewIndexTerm(term string) *IndexTerm {
	t, err := NewIndexTerm(term)
	if err != nil {
		panic(err)
	}
	return t
}

// String returns the term as given.
func (t *IndexTerm) String() string { return t.term }

// In reports whether text holds the term as a term of the index.
func (t *IndexTerm) In(text string) bool {
	for len(text) > 0 {
		// The next major segment.
		end, next := len(text), len(text)
		for i := 0; i < len(text); i++ {
			if n := majorAt(text, i); n > 0 {
				end, next = i, i+n
				break
			}
		}
		if seg := text[:end]; seg != "" && t.inMajor(seg) {
			return true
		}
		text = text[next:]
	}
	return false
}

// inMajor reports whether a major segment holds the term: as a whole, or
// as one of its minor segments.
func (t *IndexTerm) inMajor(seg string) bool {
	if strings.EqualFold(seg, t.term) {
		return true
	}
	if t.whole {
		return false
	}
	for start := 0; start <= len(seg); {
		end := start
		for end < len(seg) && !isMinor(seg[end]) {
			end++
		}
		if end-start == len(t.term) && strings.EqualFold(seg[start:end], t.term) {
			return true
		}
		start = end + 1
	}
	return false
}

// InAny reports whether any of texts holds the term.
func (t *IndexTerm) InAny(texts ...string) bool {
	for _, s := range texts {
		if t.In(s) {
			return true
		}
	}
	return false
}

// encodedMajors are the URL-encoded major breakers of segmenters.conf
// [unverified].
var encodedMajors = []string{"%2520", "%21", "%26", "%5D", "%5B", "%3A", "%0A", "%2C", "%28", "%29"}

// majorAt returns the length of the major breaker at s[i], or 0.
func majorAt(s string, i int) int {
	switch c := s[i]; c {
	case ' ', '\t', '\n', '\r', '\v', '\f', '[', ']', '<', '>', '(', ')', '{', '}', '|', '!', ';', ',', '\'', '"', '*', '&', '?', '+':
		return 1
	case '%':
		for _, e := range encodedMajors {
			if strings.HasPrefix(s[i:], e) {
				return len(e)
			}
		}
	}
	return 0
}

// isMinor reports whether c is a minor breaker.
func isMinor(c byte) bool {
	switch c {
	case '/', ':', '=', '@', '.', '-', '$', '#', '%', '\\', '_':
		return true
	}
	return false
}
