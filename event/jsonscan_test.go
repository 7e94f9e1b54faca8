package event

import (
	"bufio"
	"bytes"
	"encoding/binary"
	stdjson "encoding/json"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	// scanRecA and scanRecB are small well-formed records.
	scanRecA = `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","status":{"errorCode":0}}`
	scanRecB = `{"id":"b\u00e9","createdDateTime":"2025-03-14T08:55:12Z","riskEventTypes":[],"isInteractive":true}`
	// scanSampleFile holds real sign-ins, one a line.
	scanSampleFile = "../testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl"
)

// TestStringSpecial checks the SWAR test against the byte-by-byte one for
// every pair of byte values at every pair of positions in a word, over
// backgrounds of plain ASCII and of bytes of 0x80 and above: the lowest
// bit it sets is the first special byte's, and it sets none without one.
func TestStringSpecial(t *testing.T) {
	special := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 }
	for _, bg := range []byte{'a', ' ', '!', '#', 0x7f, 0x80, 0xa2, 0xdc, 0xff} {
		for p := 0; p < 8; p++ {
			for q := p; q < 8; q++ {
				for b1 := 0; b1 < 256; b1++ {
					for b2 := 0; b2 < 256; b2 += 1 + 6*(q-p) { // fewer pairs far apart
						var w [8]byte
						for k := range w {
							w[k] = bg
						}
						w[p], w[q] = byte(b1), byte(b2)
						want := 8
						for k, c := range w {
							if special(c) {
								want = k
								break
							}
						}
						if got := bits.TrailingZeros64(stringSpecial(binary.LittleEndian.Uint64(w[:]))) >> 3; got != want {
							t.Fatalf("stringSpecial(%q): first special byte %d, want %d", w, got, want)
						}
					}
				}
			}
		}
	}
}

func TestSkipSpace(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i    int
		want int
	}{
		{"", 0, 0},
		{"   ", 0, 3},
		{" \t\n\r{", 0, 4},
		{"{ ", 0, 0},
		{"{ ", 1, 2},
		{"\v{", 0, 0},    // \v is not JSON whitespace
		{"\u00a0", 0, 0}, // nor is a no-break space
		{"a  b", 1, 3},
	} {
		if got := skipSpace([]byte(tc.in), tc.i); got != tc.want {
			t.Errorf("skipSpace(%q, %d) = %d, want %d", tc.in, tc.i, got, tc.want)
		}
	}
}

func TestScanString(t *testing.T) {
	long := strings.Repeat("abcdefgh", 5)
	for _, tc := range []struct {
		in      string // a string at the start of the input
		end     int    // for a good string
		escaped bool
		ok      bool
	}{
		{`""`, 2, false, true},
		{`"a"`, 3, false, true},
		{`"a",`, 3, false, true},
		{`"` + long + `"x`, len(long) + 2, false, true},
		{`"` + long + `\n"`, len(long) + 4, true, true},
		{`"1234567"`, 9, false, true},   // the quote at the end of the first word
		{`"12345678"`, 10, false, true}, // the quote in the byte tail
		{`"\""`, 4, true, true},
		{`"\\"`, 4, true, true},
		{`"\/"`, 4, true, true},
		{`"\b\f\n\r\t"`, 12, true, true},
		{`"\u00e9"`, 8, true, true},
		{`"\uABCD\uabcd"`, 14, true, true},
		{`"\\\""`, 6, true, true},
		{`"\\\\"x"`, 6, true, true},
		{"\"caf\xc3\xa9\"", 7, false, true},
		{"\"\xff\xfe\x80\"", 5, false, true}, // invalid UTF-8 is not a syntax error
		{"\"\x7f\"", 3, false, true},         // DEL is not a control byte in JSON
		{"\"" + long + "\xff\"", len(long) + 3, false, true},

		{`"`, 0, false, false},
		{`"abc`, 0, false, false},
		{`"` + long, 0, false, false},
		{`"\"`, 0, true, false},
		{`"\`, 0, true, false},
		{`"abc\`, 0, true, false},
		{"\"a\x00\"", 0, false, false},
		{"\"a\x1f\"", 0, false, false},
		{"\"a\n\"", 0, false, false},
		{"\"a\t\"", 0, false, false},
		{"\"" + long + "\x01\"", 0, false, false},
		{`"\a"`, 0, true, false},
		{`"\x41"`, 0, true, false},
		{`"\U00e9"`, 0, true, false},
		{`"\'"`, 0, true, false},
		{`"\u"`, 0, true, false},
		{`"\u12"`, 0, true, false},
		{`"\u123"`, 0, true, false},
		{`"\u12g4"`, 0, true, false},
		{`"\u12 4"`, 0, true, false},
		{`"\uG000"`, 0, true, false},
		{`"\u123`, 0, true, false},
		{`"\u1234`, 0, true, false},
	} {
		end, escaped, ok := scanString([]byte(tc.in), 0)
		if ok != tc.ok || escaped != tc.escaped || ok && end != tc.end {
			t.Errorf("scanString(%q) = %d, %v, %v; want %d, %v, %v", tc.in, end, escaped, ok, tc.end, tc.escaped, tc.ok)
		}
		// The walker, which explains the decoder's errors, agrees.
		if walkOK := walk([]byte(tc.in[:min(len(tc.in), max(end, 1))]), nil) == nil; ok && !walkOK {
			t.Errorf("walk refuses %q, which scanString accepts", tc.in[:end])
		}
		if p := walk([]byte(tc.in), nil); !ok && p == nil {
			t.Errorf("walk accepts %q, which scanString refuses", tc.in)
		}
	}
	// A string that does not start the input.
	if end, _, ok := scanString([]byte(`{"key":1}`), 1); !ok || end != 6 {
		t.Errorf(`scanString at 1 = %d, %v; want 6, true`, end, ok)
	}
}

func TestSkipValue(t *testing.T) {
	for _, tc := range []struct {
		in  string
		end int // -1: malformed
	}{
		{`0`, 1},
		{`-0`, 2},
		{`7`, 1},
		{`-12.5e+3`, 8},
		{`1e5`, 3},
		{`1E5`, 3},
		{`1e-5`, 4},
		{`0.5`, 3},
		{`-0.0e0`, 6},
		{`123456789012345678901234567890`, 30},
		{`01`, 1}, // the number is 0; what follows is not skipValue's
		{`-01`, 2},
		{`1.`, -1},
		{`.5`, -1},
		{`-`, -1},
		{`-a`, -1},
		{`+1`, -1},
		{`1e`, -1},
		{`1e+`, -1},
		{`1.e5`, -1},
		{`0x10`, 1},
		{`true`, 4},
		{`false`, 5},
		{`null`, 4},
		{`truex`, 4},
		{`tru`, -1},
		{`nul`, -1},
		{`fals`, -1},
		{`True`, -1},
		{`nULL`, -1},
		{`fAlse`, -1},
		{`"s"`, 3},
		{`{}`, 2},
		{`[]`, 2},
		{`{ }`, 3},
		{"[ \t\n\r]", 6},
		{`{"a":1}`, 7},
		{`{ "a" : 1 , "b" : [ 1 , 2 ] }`, 29},
		{`[1,"a",true,false,null,{},[],{"k":[{}]}]`, 40},
		{`{"a":1}x`, 7},
		{`[1]]`, 3},
		{`{"a":{"b":{"c":[]}}}`, 20},
		{`{`, -1},
		{`[`, -1},
		{`{"a"`, -1},
		{`{"a":`, -1},
		{`{"a":1`, -1},
		{`{"a":1,`, -1},
		{`{"a" 1}`, -1},
		{`{"a":1,}`, -1},
		{`{,}`, -1},
		{`{"a":1 "b":2}`, -1},
		{`{a:1}`, -1},
		{`{'a':1}`, -1},
		{`{1:1}`, -1},
		{`[1,]`, -1},
		{`[,1]`, -1},
		{`[1 2]`, -1},
		{`[1}`, -1},
		{`{"a":1]`, -1},
		{`{"a":[}`, -1},
		{`{"a":"\q"}`, -1},
		{"{\"a\":\"\x01\"}", -1},
		{"{\"a\x01\":1}", -1},
		{`[01]`, -1},
		{`{"a":01}`, -1},
		{`{"a":-}`, -1},
		{`]`, -1},
		{`}`, -1},
		{`,`, -1},
		{`:`, -1},
		{`x`, -1},
		{`<html>`, -1},
		{"\xef\xbb\xbf{}", -1},
		{` {}`, -1}, // skipValue takes no leading space
	} {
		end, ok := skipValue([]byte(tc.in), 0)
		if ok != (tc.end >= 0) || ok && end != tc.end {
			t.Errorf("skipValue(%q) = %d, %v; want %d", tc.in, end, ok, tc.end)
		}
	}
	// A value that does not start the input.
	if end, ok := skipValue([]byte(`{"key":[1,2]}`), 7); !ok || end != 12 {
		t.Errorf(`skipValue at 7 = %d, %v; want 12, true`, end, ok)
	}
}

// nested returns a record whose field "a" holds n nested arrays, with
// inner inside the innermost.
func nested(n int, inner string) string {
	return `{"a":` + strings.Repeat("[", n) + inner + strings.Repeat("]", n) + `}`
}

// nestedObjects is nested with objects: {"a":{"a":...}}.
func nestedObjects(n int, inner string) string {
	return strings.Repeat(`{"a":`, n) + inner + strings.Repeat("}", n)
}

func TestWellFormed(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`{}`, true},
		{` {} `, true},
		{"\t\r\n{\"a\":1}\n\r\t ", true},
		{scanRecA, true},
		{scanRecB, true},
		{`{"a":"\u00e9\n","b":[1,2.5,-0,1e5,true,false,null,{}]}`, true},
		{"{\"a\":\"\xff\"}", true},
		{"{\"\xff\":1}", true},

		{``, false},
		{` `, false},
		{"\n\t\r ", false},
		{`[]`, false},
		{`[{}]`, false},
		{`"a"`, false},
		{`1`, false},
		{`-1`, false},
		{`true`, false},
		{`false`, false},
		{`null`, false},
		{`{}{}`, false},
		{`{} {}`, false},
		{`{}x`, false},
		{`{},`, false},
		{`{}]`, false},
		{"{}\x00", false},
		{"{}\v", false},
		{"\v{}", false},
		{"\xef\xbb\xbf{}", false}, // a byte-order mark is the framer's, not JSON
		{`{`, false},
		{`{"a":1`, false},
		{`{"a":01}`, false},
		{`{"a":1.}`, false},
		{`{"a":.5}`, false},
		{`{"a":-}`, false},
		{`{"a":1e}`, false},
		{`{"a":"\u12g4"}`, false},
		{`{"a":"\z"}`, false},
		{"{\"a\":\"\n\"}", false},
		{`{"a":tru}`, false},
		{`{"a":[1,]}`, false},
		{`{"a":1,}`, false},
		{scanRecA[:len(scanRecA)-1], false},
		{scanRecA[:len(scanRecA)/2], false},

		// The walker's depth limit: a value inside maxDepth containers is
		// allowed, one deeper is not.
		{nested(maxDepth-1, `1`), true},
		{nested(maxDepth-1, `"s"`), true},
		{nested(maxDepth, ``), true},
		{nested(maxDepth, `1`), false},
		{nested(maxDepth, `[]`), false},
		{nested(maxDepth+1, ``), false},
		{nestedObjects(maxDepth, `1`), true},
		{nestedObjects(maxDepth, `{}`), true},
		{nestedObjects(maxDepth+1, `1`), false},
		{nestedObjects(maxDepth+1, `{}`), false},
		{nested(100000, ``), false},
		{strings.Repeat(`{"a":`, 100000), false},
		{`{"a":` + strings.Repeat(`[{"b":`, 400) + `1` + strings.Repeat(`}]`, 400) + `}`, true},
		{`{"a":` + strings.Repeat(`[{"b":`, 500) + `1` + strings.Repeat(`}]`, 500) + `}`, false},
		{`{"a":` + strings.Repeat(`[{"b":`, 400) + `1` + strings.Repeat(`]}`, 400) + `}`, false},
	} {
		data := []byte(tc.in)
		if got := wellFormed(data); got != tc.want {
			t.Errorf("wellFormed(%.60q) = %v, want %v", tc.in, got, tc.want)
		}
		if decoder := walk(data, nil) == nil && checkObject(data) == nil; decoder != tc.want {
			t.Errorf("the decoder's syntax verdict on %.60q is %v, want %v", tc.in, decoder, tc.want)
		}
	}
}

// FuzzWellFormed checks wellFormed against the decoder's own syntax
// verdict (the walker, and checkObject) and against encoding/json, and
// skipValue against the walker on values of every type.
func FuzzWellFormed(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := wellFormed(data)
		prob := walk(data, nil)
		if want := prob == nil && checkObject(data) == nil; got != want {
			t.Fatalf("wellFormed = %v, the decoder's verdict %v (%v)", got, want, prob)
		}
		i := skipSpace(data, 0)
		std := stdjson.Valid(data) && i < len(data) && data[i] == '{'
		// The one difference: encoding/json nests up to 10000 levels, the
		// walker (and so the decoder's verdict) up to maxDepth.
		deep := prob != nil && strings.Contains(prob.err.Error(), "nesting deeper than")
		if got != std && !(std && deep) {
			t.Fatalf("wellFormed = %v, encoding/json %v", got, std)
		}
		if i < len(data) {
			end, ok := skipValue(data, i)
			if one := ok && skipSpace(data, end) == len(data); one != (prob == nil) {
				t.Fatalf("skipValue = %d, %v; the walker says %v", end, ok, prob)
			}
			if data[i] == '"' {
				end, escaped, ok := scanString(data, i)
				if ok && escaped != bytes.Contains(data[i:end], []byte{'\\'}) {
					t.Fatalf("scanString: escaped = %v for %q", escaped, data[i:end])
				}
			}
		}
	})
}

// scanSeeds returns the fuzz seeds: the records of the Reader's fuzz
// corpus, of the sample and of the format files in ../testdata, and edge
// cases.
func scanSeeds(tb testing.TB) [][]byte {
	seeds := [][]byte{
		[]byte(scanRecA), []byte(scanRecB), []byte(`{}`), []byte(` {"a":[1,-0.5e+3,true,false,null,"\u00e9\n"]} `),
		[]byte(`{"a":01}`), []byte(`{"a":"\u12g4"}`), []byte("{\"a\":\"\xff\x01\"}"), []byte(`[{}]`),
		[]byte(nested(maxDepth, ``)), []byte(nested(maxDepth, `1`)), []byte(nested(2000, ``)),
	}
	files := []string{scanSampleFile}
	for _, name := range []string{"graph.jsonl", "graph-quirks.jsonl", "azure-monitor-blob.jsonl", "azure-monitor-quirks.jsonl", "log-analytics.jsonl"} {
		files = append(files, filepath.Join("..", "testdata", "formats", name))
	}
	// The inputs of the Reader's fuzz corpus, one record a line.
	corpus, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzReader*", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range corpus {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			lit, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte("[]byte("))
			if !ok {
				continue
			}
			in, err := strconv.Unquote(string(bytes.TrimSuffix(lit, []byte(")"))))
			if err != nil {
				tb.Fatalf("%s: %v", name, err)
			}
			for rec := range strings.Lines(in) {
				seeds = append(seeds, []byte(strings.TrimRight(rec, "\r\n")))
			}
		}
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<20)
		for n := 0; sc.Scan() && n < 20; n++ {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				seeds = append(seeds, bytes.Clone(line))
			}
		}
	}
	return seeds
}
