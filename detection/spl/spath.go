package spl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// spath over JSON text held in a field, such as
// targetResources{}.modifiedProperties{}.newValue. Source for this file
// unless noted: Splunk Search Reference 9.4, spath,
// https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/9.4/search-commands/spath
//
// Both modes check the document with encoding/json first (json.Valid, and
// json.Unmarshal to describe a problem), so exactly what encoding/json
// accepts is a document, nesting included (at most 10000 levels). They
// then read the checked text with a small scanner that allocates only the
// strings it has to decode; oracle_test.go keeps an implementation on
// encoding/json's Decoder token stream, which allocates for every token,
// and the fuzz tests check that the two agree.

// ExtractionCutoff is Splunk's default limit for spath's auto-extract mode:
// without a path, spath "finds and extracts all the fields from the first
// 5,000 characters in the input field" (limits.conf [spath]
// extraction_cutoff) [verified: spath, "Location path omitted" and
// "Overriding the spath extraction character limit"]. [AutoExtract] applies
// it only when asked to, through [AutoOptions.Cutoff].
const ExtractionCutoff = 5000

// JSONError reports a document that spath could not read as one JSON
// value. What Splunk extracts from text that is not well-formed JSON, or
// that breaks off part-way, is [unverified]: the reference only says that
// "JSON data used with the spath command must be well-formed" [verified:
// spath, Usage]. escudo extracts nothing from such a document and says
// why.
type JSONError struct {
	// Offset is where the first problem is, as in json.SyntaxError: the
	// number of bytes read when it was found, so the offending byte is the
	// one before it.
	Offset int64
	Err    error // the *json.SyntaxError, as json.Unmarshal reports it
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("spl: spath: not JSON (after %d bytes): %v", e.Offset, e.Err)
}

func (e *JSONError) Unwrap() error { return e.Err }

// Path is an spath location path, compiled once by [CompilePath]:
//
//	spath input=<field> path=<datapath> [output=<field>]
//	spath(<value>, "<datapath>")
//
// A path is location steps separated by periods. A step is an object key,
// optionally followed by one or more array selectors in curly brackets:
// {} selects every element, {N} the element at zero-based index N
// [verified: spath, path: "A location path is composed of one or more
// location steps, separated by periods ... A location step is composed of
// a field name and an optional index surrounded by curly brackets", "JSON
// uses zero-based indexing", and "Using wildcards in place of an array
// index": entities.hashtags{}.text]. A leading selector applies to the
// document itself, which is how ESCU reads a newValue holding a JSON
// array: {}.RequiredAppPermissions{}.EntitlementId. XML attribute steps
// ({@name}) are not supported: escudo's documents are JSON. A Path is
// safe for concurrent use.
//
// Values come out in document order, as one multivalue; duplicate keys
// are all followed. What a path selects becomes:
//
//   - a string: its decoded text (JSON escapes resolved, and bytes that
//     are not UTF-8 replaced by U+FFFD, as encoding/json does), so
//     newValue in {"newValue":"\"full_access_as_app\""} is
//     "full_access_as_app" with its inner quotes, which ESCU then strips
//     with replace();
//   - a number: its text as written (1, 12.5e3);
//   - true or false: "true" or "false";
//   - an object or array: its JSON text exactly as it appears in the
//     document, as ESCU's spath path=...modifiedProperties{}
//     output=targetResources expects (one JSON object text per element)
//     [inferred: auditlogs-facts §3.3; that Splunk returns the text
//     unchanged rather than re-serialised is unverified];
//   - null or "": nothing, as escudo has no null or empty values (Splunk
//     would give the text null [inferred: event package doc, "Null,
//     missing and empty values"]).
//
// A step that does not fit the document (a key step on an array, {} on
// an object, an index past the end) selects nothing; escudo does not step
// into arrays implicitly, so a.b does not reach the b of a's elements
// (a{}.b does) [unverified: the page says a wildcard index "has to refer
// to an array for this to make sense. Otherwise, you get an error"].
type Path struct {
	path  string
	steps []step
}

type step struct {
	kind uint8 // stepKey, stepEach, stepIndex
	key  string
	idx  int
}

const (
	stepKey uint8 = iota
	stepEach
	stepIndex
)

// PathError reports a location path [CompilePath] cannot compile.
type PathError struct {
	Path   string
	Offset int // 0-based byte offset in Path of the problem
	Msg    string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("spl: spath path %q: at byte %d: %s", e.Path, e.Offset, e.Msg)
}

// CompilePath compiles an spath location path. An empty path is an error:
// without a path, spath auto-extracts every field; use [AutoExtract].
func CompilePath(path string) (*Path, error) {
	p := &Path{path: path}
	if path == "" {
		return nil, &PathError{Path: path, Msg: "empty path (use AutoExtract for spath without a path)"}
	}
	i := 0
	for {
		start := i
		for i < len(path) && path[i] != '.' && path[i] != '{' && path[i] != '}' {
			i++
		}
		if i < len(path) && path[i] == '}' {
			return nil, &PathError{Path: path, Offset: i, Msg: "unbalanced }"}
		}
		name := path[start:i]
		if name != "" {
			p.steps = append(p.steps, step{kind: stepKey, key: name})
		}
		braces := 0
		for i < len(path) && path[i] == '{' {
			end := strings.IndexByte(path[i:], '}')
			if end < 0 {
				return nil, &PathError{Path: path, Offset: i, Msg: "unclosed {"}
			}
			sel := path[i+1 : i+end]
			switch {
			case sel == "":
				p.steps = append(p.steps, step{kind: stepEach})
			case sel[0] == '@':
				return nil, &PathError{Path: path, Offset: i, Msg: "XML attribute selectors are not supported"}
			default:
				n, err := strconv.Atoi(sel)
				if err != nil || n < 0 || sel[0] == '+' {
					return nil, &PathError{Path: path, Offset: i, Msg: fmt.Sprintf("array selector {%s}: want {} or a non-negative index", sel)}
				}
				p.steps = append(p.steps, step{kind: stepIndex, idx: n})
			}
			i += end + 1
			braces++
		}
		if name == "" && braces == 0 {
			return nil, &PathError{Path: path, Offset: start, Msg: "empty location step"}
		}
		if i == len(path) {
			return p, nil
		}
		if path[i] != '.' {
			return nil, &PathError{Path: path, Offset: i, Msg: fmt.Sprintf("want . or { after a step, not %q", path[i])}
		}
		i++
		if i == len(path) {
			return nil, &PathError{Path: path, Offset: i, Msg: "empty location step"}
		}
	}
}

// MustCompilePath is like [CompilePath] but panics on error.
func MustCompilePath(path string) *Path {
	p, err := CompilePath(path)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the path as given.
func (p *Path) String() string { return p.path }

// Append appends the values the path selects in the JSON document doc to
// dst, in document order, and returns the extended slice. If doc is not
// one well-formed JSON value it returns dst unchanged and a *[JSONError];
// a caller emulating Splunk treats that as "no values".
//
// Splunk documents spath(<value>, <path>) as "not supported on multivalue
// fields" [verified: Text functions, spath]; for spath input= on a
// multivalue field (ESCU's spath input=appRole after values()), what
// Splunk reads is [unverified]. Call Append once per value to read them
// all.
//
// Strings that the document writes without escapes (in valid UTF-8),
// numbers, and object or array texts are substrings of doc, not copies.
func (p *Path) Append(dst []string, doc string) ([]string, error) {
	lim, err := checkJSON(doc, 0)
	if err != nil {
		return dst, err
	}
	w := pathScan{scan: scan{doc: doc, s: doc[:lim]}, dst: dst}
	w.value(p.steps)
	return w.dst, nil
}

// checkJSON checks doc with encoding/json and returns how much of it may
// be scanned: all of it if it is one well-formed JSON value; with a
// positive cutoff, the first cutoff bytes if they are well-formed as far
// as they go (the first problem, if any, lies after them); otherwise a
// *JSONError for the first problem, as json.Unmarshal reports it.
func checkJSON(doc string, cutoff int) (int, *JSONError) {
	b := []byte(doc)
	if json.Valid(b) {
		if cutoff > 0 && cutoff < len(doc) {
			return cutoff, nil
		}
		return len(doc), nil
	}
	var se *json.SyntaxError
	if !errors.As(json.Unmarshal(b, &discard{}), &se) {
		se = &json.SyntaxError{Offset: int64(len(doc))} // not expected: Valid and Unmarshal disagree
	}
	// doc[:se.Offset-1] is a well-formed beginning of a JSON value (for
	// "unexpected end of JSON input", all of doc is).
	if cutoff > 0 && int64(cutoff) < se.Offset {
		return cutoff, nil
	}
	return 0, &JSONError{Offset: se.Offset, Err: se}
}

// discard receives a value from json.Unmarshal without building it.
type discard struct{}

func (*discard) UnmarshalJSON([]byte) error { return nil }

// scan reads JSON text that encoding/json has checked: s is well-formed,
// or the well-formed beginning of the well-formed-so-far doc. Reading
// past the end of s sets eof, and whatever value was being read is
// dropped. Nothing is allocated but the strings that need decoding.
type scan struct {
	doc string // the whole document
	s   string // the part that may be read: doc, or doc up to the cutoff
	i   int
	eof bool
}

func (p *scan) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 and eof.
func (p *scan) peek() byte {
	p.ws()
	if p.i >= len(p.s) {
		p.eof = true
		return 0
	}
	return p.s[p.i]
}

// skip reads past the next value and returns its text, or false at eof.
func (p *scan) skip() (string, bool) {
	c := p.peek()
	if p.eof {
		return "", false
	}
	start := p.i
	switch c {
	case '"':
		if !p.skipString() {
			return "", false
		}
	case '{', '[':
		depth := 0
		for p.i < len(p.s) {
			switch p.s[p.i] {
			case '"':
				if !p.skipString() {
					return "", false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			p.i++
			if depth == 0 {
				return p.s[start:p.i], true
			}
		}
		p.eof = true
		return "", false
	default: // a number, true, false or null: up to the next delimiter
		for p.i < len(p.s) && !endsLiteral(p.s[p.i]) {
			p.i++
		}
		if p.i == len(p.s) && p.i < len(p.doc) && !endsLiteral(p.doc[p.i]) {
			p.eof = true // the cutoff falls inside it
			return "", false
		}
	}
	return p.s[start:p.i], true
}

func endsLiteral(c byte) bool {
	switch c {
	case ',', ']', '}', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// skipString reads past the string that starts at i.
func (p *scan) skipString() bool {
	for p.i++; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case '\\':
			p.i++
		case '"':
			p.i++
			return true
		}
	}
	p.eof = true
	return false
}

// str reads the next value, a string, and returns its decoded text.
func (p *scan) str() (string, bool) {
	raw, ok := p.skip()
	if !ok {
		return "", false
	}
	return decodeString(raw), true
}

// decodeString returns the text of the JSON string raw, quotes included.
// Text without escapes, in valid UTF-8, is a substring of raw; otherwise
// it is decoded as encoding/json decodes strings: escapes resolved, a
// surrogate pair combined, and a lone surrogate or a byte that is not
// UTF-8 replaced by U+FFFD.
func decodeString(raw string) string {
	in := raw[1 : len(raw)-1]
	if strings.IndexByte(in, '\\') < 0 && utf8.ValidString(in) {
		return in
	}
	var b strings.Builder
	b.Grow(len(in))
	for i := 0; i < len(in); {
		c := in[i]
		switch {
		case c == '\\':
			switch e := in[i+1]; e {
			case 'u':
				r := hex4(in[i+2 : i+6])
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(in) && in[i] == '\\' && in[i+1] == 'u' {
						if d := utf16.DecodeRune(r, hex4(in[i+2:i+6])); d != utf8.RuneError {
							b.WriteRune(d)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				b.WriteRune(r)
				continue
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			default: // " \ /
				c = e
			}
			b.WriteByte(c)
			i += 2
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(in[i:])
			b.WriteRune(r) // U+FFFD for a byte that is not UTF-8
			i += n
		}
	}
	return b.String()
}

// hex4 decodes the four hex digits of a checked \u escape.
func hex4(h string) rune {
	var r rune
	for i := 0; i < 4; i++ {
		c := h[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// key reads an object member's key and the colon after it.
func (p *scan) key() (string, bool) {
	k, ok := p.str()
	if ok && p.peek() == ':' {
		p.i++
	}
	return k, ok && !p.eof
}

// next reads past the comma or closing bracket after a member or element
// and reports whether another one follows.
func (p *scan) next() bool {
	c := p.peek()
	if p.eof {
		return false
	}
	p.i++
	return c == ','
}

// open reads past the { or [ that starts a container and reports whether
// it has a first member or element.
func (p *scan) open() bool {
	p.i++
	c := p.peek()
	if p.eof {
		return false
	}
	if c == '}' || c == ']' {
		p.i++
		return false
	}
	return true
}

type pathScan struct {
	scan
	dst []string
}

// value reads the next value, following steps into it.
func (w *pathScan) value(steps []step) {
	if len(steps) == 0 {
		w.emit()
		return
	}
	c := w.peek()
	if w.eof {
		return
	}
	s, rest := steps[0], steps[1:]
	switch c {
	case '{':
		for more := w.open(); more && !w.eof; more = w.next() {
			k, ok := w.key()
			if !ok {
				return
			}
			if s.kind == stepKey && k == s.key {
				w.value(rest)
			} else {
				w.skip()
			}
		}
	case '[':
		for i, more := 0, w.open(); more && !w.eof; i, more = i+1, w.next() {
			if s.kind == stepEach || s.kind == stepIndex && i == s.idx {
				w.value(rest)
			} else {
				w.skip()
			}
		}
	default:
		w.skip() // a scalar where the path wants to go deeper
	}
}

// emit reads the next value whole and appends what it stands for.
func (w *pathScan) emit() {
	raw, ok := w.skip()
	switch {
	case !ok || raw[0] == 'n':
	case raw[0] == '"':
		if v := decodeString(raw); v != "" {
			w.dst = append(w.dst, v)
		}
	default:
		w.dst = append(w.dst, raw)
	}
}

// Pair is one field of [AutoExtract]: a Splunk field name and one value.
type Pair struct {
	Name, Value string
}

// AutoOptions configures [AutoExtract]. The zero value reads the whole
// document.
type AutoOptions struct {
	// Cutoff, if positive, reads only the first Cutoff bytes of the
	// document, as Splunk's extraction_cutoff does ([ExtractionCutoff] is
	// its default, 5000). Fields whose values end within the cutoff are
	// kept, and a document that is well-formed as far as the cutoff is
	// not an error for ending there. Whether Splunk counts bytes
	// or characters, and what it keeps of a value cut in half, is
	// [unverified]; escudo keeps only whole values.
	Cutoff int
}

// AutoExtract is spath without a path ("auto-extract" mode [verified:
// spath, "Location path omitted"]): it appends to dst one [Pair] per
// scalar value in the JSON document doc, in document order, named the way
// Splunk names JSON fields: object keys joined with ".", and {} appended
// for each array level, so the ESCU newValue
// [{"ResourceAppId":"…","RequiredAppPermissions":[{"EntitlementId":"…"}]}]
// gives {}.ResourceAppId and {}.RequiredAppPermissions{}.EntitlementId
// [verified in ESCU's SPL, auditlogs-facts §1.8: the names it searches
// for after spath input=newvalue]. A name repeats once per value, so grouping the
// pairs by name gives Splunk's multivalue fields.
//
// Values are as for [Path]: null and "" give no pair, and objects and
// arrays give none of their own (their scalars are the pairs). A document
// that is a bare scalar has no field name and gives nothing [unverified].
// If doc is not one well-formed JSON value (within the cutoff, if one is
// set), AutoExtract returns dst unchanged and a *[JSONError].
func AutoExtract(dst []Pair, doc string, opts AutoOptions) ([]Pair, error) {
	lim, err := checkJSON(doc, opts.Cutoff)
	if err != nil {
		return dst, err
	}
	a := autoScan{scan: scan{doc: doc, s: doc[:lim]}, dst: dst}
	a.value(make([]byte, 0, 64))
	return a.dst, nil
}

type autoScan struct {
	scan
	dst   []Pair
	names map[string]string // interned field names
}

// value reads the next value; name is its Splunk field name.
func (a *autoScan) value(name []byte) {
	c := a.peek()
	if a.eof {
		return
	}
	n := len(name)
	switch c {
	case '{':
		for more := a.open(); more && !a.eof; more = a.next() {
			k, ok := a.key()
			if !ok {
				return
			}
			name = name[:n]
			if n > 0 {
				name = append(name, '.')
			}
			a.value(append(name, k...))
		}
	case '[':
		name = append(name, "{}"...)
		for more := a.open(); more && !a.eof; more = a.next() {
			a.value(name)
		}
	case '"':
		if v, ok := a.str(); ok {
			a.emit(name, v)
		}
	default:
		if raw, ok := a.skip(); ok && raw[0] != 'n' {
			a.emit(name, raw)
		}
	}
}

func (a *autoScan) emit(name []byte, value string) {
	if len(name) == 0 || value == "" {
		return
	}
	s, ok := a.names[string(name)]
	if !ok {
		if a.names == nil {
			a.names = make(map[string]string)
		}
		s = string(name)
		a.names[s] = s
	}
	a.dst = append(a.dst, Pair{Name: s, Value: value})
}
