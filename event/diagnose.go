package event

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file explains decode failures. The fast decoder (goccy/go-json) says
// little about where and why a record is bad, so on the error path only, a
// small exact JSON walker re-reads the record to find the JSON path and the
// offending text. It never runs on records that decode.

// maxDepth bounds nesting. It is below the fast decoder's own limit
// (10000), so that whenever that decoder gives up on depth, the walker
// names the problem; real sign-ins nest a few levels deep.
const maxDepth = 1000

// problem is a located explanation of a bad record.
type problem struct {
	off  int    // byte offset within the record
	path string // JSON path, "" for the record itself
	err  error
}

// span is one value the walker finished reading. path is its JSON path
// with a leading '.' (".status.errorCode", "[0]"); it is valid only during
// the visit call, so that walking does not build a string per value.
type span struct {
	start, end int
	depth      int
	path       []byte
}

// pathOf returns the path of a span as text: "status.errorCode".
func pathOf(s span) string { return strings.TrimPrefix(string(s.path), ".") }

// found is a span kept after the walk, with its path as text.
type found struct {
	start, end int
	path       string
}

// walker checks JSON syntax and reports each complete value to visit.
type walker struct {
	data  []byte
	pos   int
	path  []byte // the current path: ".key" and "[i]" segments
	visit func(span) bool
	stop  bool
	prob  *problem
}

// walk reads data as exactly one JSON value. It returns the first syntax
// problem, or nil. visit, if non-nil, sees every complete value, innermost
// first; returning false stops the walk.
func walk(data []byte, visit func(span) bool) *problem {
	w := &walker{data: data, visit: visit}
	w.skipSpace()
	w.value(0)
	if w.prob == nil && !w.stop {
		w.skipSpace()
		if w.pos < len(w.data) {
			w.fail(fmt.Sprintf("invalid character %s after top-level value", quoteByte(w.data[w.pos])))
		}
	}
	return w.prob
}

func (w *walker) pathString() string {
	return strings.TrimPrefix(string(w.path), ".")
}

// maxPathLen bounds a path shown in an error: a deeply nested value would
// otherwise give a message thousands of characters long.
const maxPathLen = 80

func shortPath(p string) string {
	if len(p) <= maxPathLen {
		return p
	}
	cut := maxPathLen
	for cut > 0 && !utf8.RuneStart(p[cut]) {
		cut--
	}
	return p[:cut] + "…"
}

func (w *walker) fail(msg string) {
	if w.prob == nil {
		w.prob = &problem{off: w.pos, path: shortPath(w.pathString()), err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
	}
}

func (w *walker) failEOF() {
	w.fail("unexpected end of record (truncated?)")
}

func (w *walker) done() bool { return w.prob != nil || w.stop }

func (w *walker) skipSpace() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\n', '\r':
			w.pos++
		default:
			return
		}
	}
}

func (w *walker) value(depth int) {
	if depth > maxDepth {
		w.fail(fmt.Sprintf("nesting deeper than %d levels", maxDepth))
		return
	}
	if w.pos >= len(w.data) {
		w.failEOF()
		return
	}
	start := w.pos
	switch c := w.data[w.pos]; {
	case c == '{':
		w.object(depth)
	case c == '[':
		w.array(depth)
	case c == '"':
		w.str()
	case c == '-' || c >= '0' && c <= '9':
		w.number()
	case c == 't':
		w.literal("true")
	case c == 'f':
		w.literal("false")
	case c == 'n':
		w.literal("null")
	default:
		w.fail(fmt.Sprintf("invalid character %s looking for beginning of value", quoteByte(c)))
	}
	if !w.done() && w.visit != nil && !w.visit(span{start, w.pos, depth, w.path}) {
		w.stop = true
	}
}

func (w *walker) object(depth int) {
	w.pos++ // {
	w.skipSpace()
	if w.pos < len(w.data) && w.data[w.pos] == '}' {
		w.pos++
		return
	}
	for !w.done() {
		w.skipSpace()
		if w.pos >= len(w.data) {
			w.failEOF()
			return
		}
		if w.data[w.pos] != '"' {
			w.fail(fmt.Sprintf("invalid character %s looking for beginning of object key", quoteByte(w.data[w.pos])))
			return
		}
		kstart := w.pos
		w.str()
		if w.done() {
			return
		}
		key, err := strconv.Unquote(string(w.data[kstart:w.pos]))
		if err != nil {
			key = string(w.data[kstart+1 : w.pos-1])
		}
		w.skipSpace()
		if w.pos >= len(w.data) {
			w.failEOF()
			return
		}
		if w.data[w.pos] != ':' {
			w.fail(fmt.Sprintf("invalid character %s after object key", quoteByte(w.data[w.pos])))
			return
		}
		w.pos++
		w.skipSpace()
		mark := len(w.path)
		w.path = append(append(w.path, '.'), key...)
		w.value(depth + 1)
		w.path = w.path[:mark]
		if w.done() {
			return
		}
		w.skipSpace()
		if w.pos >= len(w.data) {
			w.failEOF()
			return
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case '}':
			w.pos++
			return
		default:
			w.fail(fmt.Sprintf("invalid character %s after object key:value pair", quoteByte(w.data[w.pos])))
			return
		}
	}
}

func (w *walker) array(depth int) {
	w.pos++ // [
	w.skipSpace()
	if w.pos < len(w.data) && w.data[w.pos] == ']' {
		w.pos++
		return
	}
	for i := 0; !w.done(); i++ {
		w.skipSpace()
		mark := len(w.path)
		w.path = append(strconv.AppendInt(append(w.path, '['), int64(i), 10), ']')
		w.value(depth + 1)
		w.path = w.path[:mark]
		if w.done() {
			return
		}
		w.skipSpace()
		if w.pos >= len(w.data) {
			w.failEOF()
			return
		}
		switch w.data[w.pos] {
		case ',':
			w.pos++
		case ']':
			w.pos++
			return
		default:
			w.fail(fmt.Sprintf("invalid character %s after array element", quoteByte(w.data[w.pos])))
			return
		}
	}
}

func (w *walker) str() {
	w.pos++ // opening quote
	for w.pos < len(w.data) {
		c := w.data[w.pos]
		switch {
		case c == '"':
			w.pos++
			return
		case c == '\\':
			w.pos++
			if w.pos >= len(w.data) {
				w.failEOF()
				return
			}
			switch w.data[w.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				w.pos++
			case 'u':
				w.pos++
				for i := 0; i < 4; i++ {
					if w.pos >= len(w.data) {
						w.failEOF()
						return
					}
					if !isHex(w.data[w.pos]) {
						w.fail(fmt.Sprintf("invalid character %s in \\u escape", quoteByte(w.data[w.pos])))
						return
					}
					w.pos++
				}
			default:
				w.fail(fmt.Sprintf("invalid escape %s in string", quoteByte(w.data[w.pos])))
				return
			}
		case c < 0x20:
			w.fail(fmt.Sprintf("invalid character %s in string", quoteByte(c)))
			return
		default:
			w.pos++
		}
	}
	w.failEOF()
}

func (w *walker) number() {
	d := w.data
	if d[w.pos] == '-' {
		w.pos++
	}
	digits := func() int {
		n := 0
		for w.pos < len(d) && d[w.pos] >= '0' && d[w.pos] <= '9' {
			w.pos++
			n++
		}
		return n
	}
	// RFC 8259: a leading zero is the whole integer part, so in 01 the
	// number is 0 and the 1 is out of place, as encoding/json says.
	if w.pos < len(d) && d[w.pos] == '0' {
		w.pos++
	} else if digits() == 0 {
		w.numberFail()
		return
	}
	if w.pos < len(d) && d[w.pos] == '.' {
		w.pos++
		if digits() == 0 {
			w.numberFail()
			return
		}
	}
	if w.pos < len(d) && (d[w.pos] == 'e' || d[w.pos] == 'E') {
		w.pos++
		if w.pos < len(d) && (d[w.pos] == '+' || d[w.pos] == '-') {
			w.pos++
		}
		if digits() == 0 {
			w.numberFail()
		}
	}
}

func (w *walker) numberFail() {
	if w.pos >= len(w.data) {
		w.failEOF()
		return
	}
	w.fail(fmt.Sprintf("invalid character %s in number", quoteByte(w.data[w.pos])))
}

func (w *walker) literal(lit string) {
	for i := 0; i < len(lit); i++ {
		if w.pos >= len(w.data) {
			w.failEOF()
			return
		}
		if w.data[w.pos] != lit[i] {
			w.fail(fmt.Sprintf("invalid character %s in literal %s", quoteByte(w.data[w.pos]), lit))
			return
		}
		w.pos++
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func quoteByte(c byte) string {
	switch {
	case c == 0:
		return "NUL"
	case c >= 0x80:
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return strconv.QuoteRune(rune(c))
}

// valueAt returns the innermost value of a valid JSON document whose span
// contains off (inclusive of its end, where some decoders point).
func valueAt(data []byte, off int) (found, bool) {
	var f found
	ok := false
	walk(data, func(s span) bool {
		if s.start <= off && off <= s.end {
			f, ok = found{s.start, s.end, pathOf(s)}, true
			return false
		}
		return true
	})
	return f, ok
}

// valueEndingToken returns the innermost value of a valid JSON document
// whose first token ends at off: the value goccy/go-json (v0.11 on, like
// encoding/json) names in an UnmarshalTypeError, whose Offset is just past
// that token. For an array or object the token is its opening bracket, so
// off is also where its first element starts; the value containing the
// byte before off is the container, not that element.
func valueEndingToken(data []byte, off int) (found, bool) {
	var f found
	ok := false
	at := off - 1
	walk(data, func(s span) bool {
		if s.start <= at && at < s.end {
			f, ok = found{s.start, s.end, pathOf(s)}, true
			return false
		}
		return true
	})
	return f, ok
}

// valueOf returns the span of the value at path in a valid JSON document.
func valueOf(data []byte, path string) (found, bool) {
	var f found
	ok := false
	want := "." + path
	walk(data, func(s span) bool {
		if len(s.path) == len(want) && string(s.path) == want {
			f, ok = found{s.start, s.end, path}, true
			return false
		}
		return true
	})
	return f, ok
}

// describe shows a JSON value in an error message: scalars as written
// (shortened), containers by their type.
func describe(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	const max = 40
	if len(raw) > max {
		return string(raw[:max]) + "…"
	}
	return string(raw)
}

// genericPath turns a concrete path into the Splunk field name form used
// by [LookupField]: array indices become "{}".
func genericPath(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] == '[' {
			j := strings.IndexByte(path[i:], ']')
			if j < 0 {
				break
			}
			b.WriteString("{}")
			i += j
			continue
		}
		b.WriteByte(path[i])
	}
	return b.String()
}

// wantAt says what type the Graph schema wants at a path, or "" if the
// path is not in the schema.
func wantAt(path string) string {
	g := genericPath(path)
	switch g {
	case "status", "deviceDetail", "location", "location.geoCoordinates",
		"appliedConditionalAccessPolicies{}":
		return "an object"
	case "riskEventTypes", "riskEventTypes_v2", "appliedConditionalAccessPolicies",
		"appliedConditionalAccessPolicies{}.enforcedGrantControls",
		"appliedConditionalAccessPolicies{}.enforcedSessionControls":
		return "an array"
	case "":
		return "an object"
	}
	for _, f := range signInFields() {
		if f.name == g || f.multi && strings.TrimSuffix(f.name, "{}") == g {
			return f.kind.String()
		}
		// An element of a plain string array: riskEventTypes[3].
		if f.multi && strings.HasSuffix(g, "{}") && f.name == g {
			return f.kind.String()
		}
	}
	return ""
}

// valueWithText returns the first value of a valid JSON document whose raw
// text is text, for decoder errors that carry a value but no offset.
func valueWithText(data []byte, text string) (found, bool) {
	var f found
	ok := false
	walk(data, func(s span) bool {
		if s.end-s.start == len(text) && string(data[s.start:s.end]) == text {
			f, ok = found{s.start, s.end, pathOf(s)}, true
			return false
		}
		return true
	})
	return f, ok
}
