package detection

import (
	"bytes"
	"strings"
)

// The prefilter: a byte search for the detections' literals (see
// [Literals]) that tells which records no detection can match.

// prefilterLiterals is the union of the detections' literals, or nil when
// some detection declares none (then every record must be decoded). A
// literal that holds another is dropped: a record holding it holds the
// other.
func prefilterLiterals(rules []Rule) [][]byte {
	var lits []string
	for _, d := range rules {
		l, ok := d.Detection().(Literals)
		if !ok {
			return nil
		}
		ls := l.Literals()
		if len(ls) == 0 {
			return nil
		}
		for _, s := range ls {
			if s == "" || !searchable(s) {
				return nil // in every record, or hidden by escapes the search does not see
			}
			lits = append(lits, s)
		}
	}
	var out [][]byte
	for i, s := range lits {
		redundant := false
		for j, o := range lits {
			// s is redundant when it holds another literal, or repeats
			// one listed before it.
			if j != i && strings.Contains(s, o) && (s != o || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, []byte(s))
		}
	}
	return out
}

// literalSearch is one goroutine's search for the literals: it tries them
// in an order of its own, moving a literal that is found one place
// forward, so that the literal most records hold (a category every
// record of a log has) comes to be tried first and one search serves most
// records.
type literalSearch struct {
	lits [][]byte
}

// search returns a goroutine's search for the engine's literals, or nil
// without a prefilter.
func (e *Engine) search() *literalSearch {
	if e.literals == nil {
		return nil
	}
	return &literalSearch{lits: append([][]byte(nil), e.literals...)}
}

// mayMatch reports whether a record must be decoded because it holds a
// literal. Without a prefilter (a nil search), every record must.
func (ls *literalSearch) mayMatch(data []byte) bool {
	if ls == nil {
		return true
	}
	for i, l := range ls.lits {
		if bytes.Contains(data, l) {
			if i > 0 {
				ls.lits[i-1], ls.lits[i] = l, ls.lits[i-1]
			}
			return true
		}
	}
	// A record with an escape that could hide a literal is told by
	// event.Reader.Check, whose scan finds escapes anyway (Engine.pass).
	return false
}

// searchable reports whether a literal can be searched for in JSON text
// as bytes: printable ASCII that no escape but \u00XX can write (so not
// '"', '\\' or '/', which \", \\ and \/ can), since event.Reader.Check
// sends every record with a \u00 escape to be decoded.
func searchable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' || c == '/' {
			return false
		}
	}
	return true
}
