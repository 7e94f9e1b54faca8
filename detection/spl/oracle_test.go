package spl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// This file keeps a second implementation of spath, built on
// encoding/json's Decoder token stream, as a test oracle: FuzzSpathOracle
// checks that the scanner in spath.go selects, names and refuses exactly
// what the Decoder does. The Decoder allocates for every token, which is
// why spath.go does not use it.

// maxDepth bounds the nesting the Decoder walk follows, as encoding/json
// bounds Unmarshal.
const maxDepth = 10000

// decoderAppend is Path.Append on the Decoder.
func decoderAppend(p *Path, dst []string, doc string) ([]string, error) {
	w := pathWalker{doc: doc, dec: newDecoder(doc), dst: dst}
	err := w.value(p.steps)
	if err == nil {
		err = endOfDocument(w.dec)
	}
	if err != nil {
		return dst, err
	}
	return w.dst, nil
}

// decoderAuto is AutoExtract without a cutoff on the Decoder.
func decoderAuto(dst []Pair, doc string) ([]Pair, error) {
	a := autoWalker{dec: newDecoder(doc), dst: dst}
	err := a.value(make([]byte, 0, 64), 0)
	if err == nil {
		err = endOfDocument(a.dec)
	}
	if err != nil {
		return dst, err
	}
	return a.dst, nil
}

func newDecoder(doc string) *json.Decoder {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	return dec
}

type pathWalker struct {
	doc string
	dec *json.Decoder
	dst []string
}

// value reads the next value of the stream, following steps into it.
func (w *pathWalker) value(steps []step) error {
	if len(steps) == 0 {
		return w.emit()
	}
	t, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil // a scalar where the path wants to go deeper
	}
	s, rest := steps[0], steps[1:]
	if d == '{' {
		for w.dec.More() {
			k, err := w.dec.Token()
			if err != nil {
				return err
			}
			if key, _ := k.(string); s.kind == stepKey && key == s.key {
				err = w.value(rest)
			} else {
				err = skipValue(w.dec)
			}
			if err != nil {
				return err
			}
		}
	} else {
		for i := 0; w.dec.More(); i++ {
			if s.kind == stepEach || s.kind == stepIndex && i == s.idx {
				err = w.value(rest)
			} else {
				err = skipValue(w.dec)
			}
			if err != nil {
				return err
			}
		}
	}
	_, err = w.dec.Token() // the closing } or ]
	return err
}

// emit reads the next value whole and appends what it stands for.
func (w *pathWalker) emit() error {
	var sp span
	if err := w.dec.Decode(&sp); err != nil {
		return err
	}
	end := int(w.dec.InputOffset())
	raw := w.doc[end-sp.n : end]
	switch sp.first {
	case 'n':
		return nil
	case '"':
		v := raw[1 : len(raw)-1]
		if sp.escaped {
			v = sp.str
		}
		if v != "" {
			w.dst = append(w.dst, v)
		}
	default:
		w.dst = append(w.dst, raw)
	}
	return nil
}

// span receives one value from Decode without building it: its length
// and first byte, which locate it in the document, and for a string with
// escapes or invalid UTF-8 its decoded text.
type span struct {
	n       int
	first   byte
	escaped bool
	str     string
}

func (s *span) UnmarshalJSON(b []byte) error {
	s.n, s.first, s.escaped = len(b), b[0], false
	if b[0] == '"' && (bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b)) {
		// Escapes to resolve, or invalid UTF-8 for encoding/json to
		// replace with U+FFFD as it does for every other string.
		s.escaped = true
		return json.Unmarshal(b, &s.str)
	}
	return nil
}

func skipValue(dec *json.Decoder) error { return dec.Decode(&discard{}) }

// errTrailing stands for text after the document's value until jsonError
// describes it.
var errTrailing = errors.New("text after the JSON value")

// endOfDocument checks that nothing but white space follows the value.
func endOfDocument(dec *json.Decoder) error {
	switch _, err := dec.Token(); err {
	case io.EOF:
		return nil
	case nil:
		return errTrailing
	default:
		return err
	}
}

type autoWalker struct {
	dec   *json.Decoder
	dst   []Pair
	names map[string]string // interned field names
}

func (a *autoWalker) value(name []byte, depth int) error {
	if depth >= maxDepth {
		return fmt.Errorf("nesting deeper than %d", maxDepth)
	}
	t, err := a.dec.Token()
	if err != nil {
		return err
	}
	switch v := t.(type) {
	case json.Delim:
		n := len(name)
		if v == '[' {
			name = append(name, "{}"...)
			for a.dec.More() {
				if err := a.value(name, depth+1); err != nil {
					return err
				}
			}
		} else {
			for a.dec.More() {
				k, err := a.dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				name = name[:n]
				if n > 0 {
					name = append(name, '.')
				}
				name = append(name, key...)
				if err := a.value(name, depth+1); err != nil {
					return err
				}
			}
		}
		_, err = a.dec.Token() // the closing ] or }
		return err
	case string:
		a.emit(name, v)
	case json.Number:
		a.emit(name, string(v))
	case bool:
		a.emit(name, strconv.FormatBool(v))
	}
	return nil
}

func (a *autoWalker) emit(name []byte, value string) {
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

// FuzzSpathOracle checks the scanner against the Decoder: the same
// documents are refused, and the same values and fields come out.
func FuzzSpathOracle(f *testing.F) {
	for _, seed := range []struct{ doc, path string }{
		{`[{"ResourceAppId":"a","RequiredAppPermissions":[{"EntitlementId":"x","ImpersonationAccessGrants":[20]}]}]`, "{}.RequiredAppPermissions{}.EntitlementId"},
		{`{"targetResources": [ {"modifiedProperties": [ {"displayName": "AppRole.Value", "newValue": "\"x\""} ]} ]}`, "targetResources{}.modifiedProperties{}"},
		{`{"a":[[1,2],[3]],"b":null,"c":"","d":true,"e":-1.5e3}`, "a{}{}"},
		{`{"a\u002eb":{"k":"v\"w"},"a":"\xff"}`, "a"},
		{`{"a":1} x`, "a"},
		{`{"a":[1,}]}`, "a{0}"},
		{` [ "x" , { } , [ ] ] `, "{1}"},
		{`["\ud83d\ude00","\ud83d","\ude00\ud83d","\ud83d\u0041","\b\f\n\r\t\/\\\"","` + "\xed\xa0\x80" + `","\u00E9\u00e9"]`, "{}"},
		{`{"k\ud83d":["\u0000"]}`, `k\ud83d{}`},
	} {
		f.Add(seed.doc, seed.path)
	}
	f.Fuzz(func(t *testing.T, doc, path string) {
		if len(doc) > 1<<14 {
			return
		}
		if p, err := CompilePath(path); err == nil {
			got, gerr := p.Append(nil, doc)
			want, werr := decoderAppend(p, nil, doc)
			if (gerr == nil) != (werr == nil) {
				t.Fatalf("Path(%q) on %q: scanner error %v, Decoder error %v", path, doc, gerr, werr)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("Path(%q) on %q: scanner %q, Decoder %q", path, doc, got, want)
			}
		}
		got, gerr := AutoExtract(nil, doc, AutoOptions{})
		want, werr := decoderAuto(nil, doc)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("AutoExtract on %q: scanner error %v, Decoder error %v", doc, gerr, werr)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("AutoExtract on %q: scanner %v, Decoder %v", doc, got, want)
		}
	})
}
