package risk

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// RiskObject is one entry of an ESCU rba.risk_objects list: the result field
// whose value becomes risk_object, its type and its score.
type RiskObject struct {
	// Field is the result column whose values become risk_object.
	Field string
	// Type is risk_object_type: user, system or other.
	Type ObjectType
	// Score is risk_score, 1 to 100.
	Score int
}

// ThreatObject is one entry of an ESCU rba.threat_objects list: the result
// field whose values become threat_object, and their type.
type ThreatObject struct {
	// Field is the result column whose values become threat_object.
	Field string
	// Type is threat_object_type, such as ip_address.
	Type ThreatObjectType
}

// Spec is an ESCU detection's rba block. Message may hold $field$ tokens
// (see the package documentation for their syntax).
type Spec struct {
	// Message is risk_message, with $field$ tokens.
	Message string
	// RiskObjects are the objects that accrue risk; at least one.
	RiskObjects []RiskObject
	// ThreatObjects are attached to every risk event; may be empty.
	ThreatObjects []ThreatObject
}

// Tokens returns the field names of the $field$ tokens in s.Message, in order
// of first appearance, without duplicates. It returns nil when there are none.
func (s Spec) Tokens() []string {
	var names []string
	for _, seg := range parseMessage(s.Message) {
		if seg.isField && !slices.Contains(names, seg.text) {
			names = append(names, seg.text)
		}
	}
	return names
}

// segment is a piece of a parsed message: literal text, or the name of a
// field whose values replace a token.
type segment struct {
	text    string
	isField bool
}

// parseMessage splits msg into literal and field segments. Adjacent literal
// text is kept in one segment, so no two literal segments are adjacent.
func parseMessage(msg string) []segment {
	var segs []segment
	lit := 0 // start of the literal text not yet emitted
	for i := 0; i < len(msg); i++ {
		// '$' is ASCII, so it never occurs inside a multi-byte UTF-8
		// sequence and a byte scan is safe.
		if msg[i] != '$' {
			continue
		}
		end := tokenEnd(msg, i)
		if end < 0 {
			continue // a literal '$'
		}
		if lit < i {
			segs = append(segs, segment{text: msg[lit:i]})
		}
		segs = append(segs, segment{text: msg[i+1 : end-1], isField: true})
		lit = end
		i = end - 1
	}
	if lit < len(msg) {
		segs = append(segs, segment{text: msg[lit:]})
	}
	return segs
}

// tokenEnd returns the index just past the closing '$' of the token that
// starts at msg[start] == '$', or -1 when no token starts there. The scan
// stops at the first '$', '.' or whitespace, so each byte is read at most
// twice over a whole message.
func tokenEnd(msg string, start int) int {
	for j := start + 1; j < len(msg); {
		r, size := utf8.DecodeRuneInString(msg[j:])
		switch {
		case r == '$':
			if j == start+1 {
				return -1 // "$$": a token name is never empty
			}
			return j + 1
		case r == '.' || isSpace(r):
			return -1
		}
		j += size
	}
	return -1
}

// isSpace reports whether r is whitespace as Python's \s sees it in str
// patterns, which is what contentctl's token regex uses: Go's Unicode
// whitespace plus the ASCII separators U+001C to U+001F.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
