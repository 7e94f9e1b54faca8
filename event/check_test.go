package event

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readRecords reads the first n records of a file of testdata/formats,
// copied, and returns the Reader, as the file left it.
func readRecords(t *testing.T, name string, n int) (*Reader, []Record) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "formats", name))
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader(bytes.NewReader(data))
	r.Name = name
	var recs []Record
	for len(recs) < n {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rec.Data = bytes.Clone(rec.Data)
		recs = append(recs, rec)
	}
	if len(recs) == 0 {
		t.Fatalf("no records in %s", name)
	}
	return r, recs
}

// isSyntax reports whether err is a record's syntax problem as Check
// reports them: not well-formed JSON, or not an object.
func isSyntax(err error) bool { return errors.Is(err, ErrSyntax) || errors.Is(err, ErrNotObject) }

// sameDecodeError reports how two *DecodeErrors differ, or "".
func sameDecodeError(got, want *DecodeError) string {
	switch {
	case got.Error() != want.Error():
		return "messages differ"
	case got.Source != want.Source, got.Line != want.Line, got.Offset != want.Offset,
		got.Path != want.Path, got.Encoding != want.Encoding, got.Err.Error() != want.Err.Error():
		return "fields differ"
	case errors.Is(got, ErrSyntax) != errors.Is(want, ErrSyntax), errors.Is(got, ErrNotObject) != errors.Is(want, ErrNotObject):
		return "sentinels differ"
	}
	return ""
}

// outcome is how checkAgainstDecode found a record.
type outcome int

const (
	wellFormedRecord outcome = iota // Check is nil
	compared                        // Check's error is Decode's
	decoderPassed                   // Decode does not fail for the record's syntax
	dynamicColumn                   // Decode reports the problem from a Log Analytics column
)

// checkAgainstDecode checks one record: Check is nil when it is a
// well-formed object; otherwise it is a syntax *DecodeError, equal to
// Decode's whenever Decode fails for the record's syntax.
//
// One exception: Decode reports a syntax problem inside a Log Analytics
// dynamic column (Status, DeviceDetail, ...) that goccy passed over on its
// own way (decodeDynamic): the message of goccy's, not the walker's, for
// a column holding a malformed JSON string; for one holding malformed
// JSON, an offset counted from the record's start, not the column's
// (columnAt cannot find a column the walker cannot finish). Check, which
// does not decode, names the same column at its true offset; the test
// requires that much.
func checkAgainstDecode(t *testing.T, r *Reader, rec Record) outcome {
	t.Helper()
	_, chk := r.Check(rec)
	if wellFormed(rec.Data) {
		if chk != nil {
			t.Fatalf("Check(%q) = %v for a well-formed record", rec.Data, chk)
		}
		return wellFormedRecord
	}
	var got *DecodeError
	if !errors.As(chk, &got) || !isSyntax(chk) {
		t.Fatalf("Check(%q) = %v, want a syntax *DecodeError", rec.Data, chk)
	}
	var ev SignInEvent
	dec := r.Decode(rec, &ev)
	var want *DecodeError
	if !errors.As(dec, &want) || !isSyntax(dec) {
		return decoderPassed // goccy passed over the problem, or found another first
	}
	d := sameDecodeError(got, want)
	if d == "" {
		return compared
	}
	if rec.Format == LogAnalytics {
		if c := laDynamicColumn(want.Path); c != "" && c == laDynamicColumn(got.Path) {
			return dynamicColumn
		}
	}
	t.Fatalf("%s for %q:\nCheck:  %v %+v\nDecode: %v %+v", d, rec.Data, got, *got, want, *want)
	return 0
}

// laDynamicColumn returns the Log Analytics dynamic column a path is in,
// or "".
func laDynamicColumn(path string) string {
	col, _, _ := strings.Cut(path, ".")
	col, _, _ = strings.Cut(col, "[")
	switch col {
	case "Status", "DeviceDetail", "LocationDetails", "ConditionalAccessPolicies",
		"AuthenticationDetails", "MfaDetail", "RiskEventTypes", "RiskEventTypes_V2":
		return col
	}
	return ""
}

// mutations calls f with data cut short at every position, and with the
// byte at every position replaced by each of a few bytes that break JSON
// (or do not). stride > 1 visits every stride-th position only.
func mutations(data []byte, stride int, f func([]byte)) {
	buf := make([]byte, len(data))
	for p := 0; p < len(data); p += stride {
		f(data[:p])
		for _, c := range []byte{'"', '\\', '}', ']', ',', ':', 0x01, 0xff, 'x', '0'} {
			if data[p] == c {
				continue
			}
			copy(buf, data)
			buf[p] = c
			f(buf)
		}
	}
}

// withInvalidUTF8 returns data with the first byte of some string values
// replaced by 0xff, which decoding replaces by three bytes (U+FFFD), so
// that the problems after them are at shifted offsets in the text the
// walker reads. The values that tell a record's kind are left alone.
func withInvalidUTF8(data []byte) []byte {
	out := bytes.Clone(data)
	n := 0
	for i := 0; i+3 < len(out) && n < 5; i++ {
		if out[i] != ':' || out[i+1] != '"' || out[i+2] == '"' || out[i+2] == '\\' {
			continue
		}
		if key := out[:i]; bytes.HasSuffix(key, []byte(`"category"`)) || bytes.HasSuffix(key, []byte(`"Type"`)) {
			continue
		}
		out[i+2] = 0xff
		n++
	}
	return out
}

// TestCheckMatchesDecode breaks real records of every format at every
// position, and checks Check against Decode (checkAgainstDecode) for
// each: Graph and Azure Monitor lines, Log Analytics rows as JSON lines
// and as CSV (whose errors name the column and the row), UTF-16 input
// (whose errors say their offsets are of the UTF-8 transcoding), each
// also with invalid UTF-8 in the record.
func TestCheckMatchesDecode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stride int // every stride-th position
	}{
		{"graph.jsonl", 1},
		{"log-analytics.csv", 3},
		{"azure-monitor-blob.jsonl", 5},
		{"log-analytics.jsonl", 3},
		{"azure-monitor-utf16be.jsonl", 5},
		{"entra-admin-center.csv", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stride := tc.stride
			if testing.Short() {
				stride = 7
			}
			r, recs := readRecords(t, tc.name, 1)
			rec := recs[0]
			if _, err := r.Check(rec); err != nil {
				t.Fatalf("Check of the record as read = %v", err)
			}
			var n [dynamicColumn + 1]int
			for _, base := range [][]byte{rec.Data, withInvalidUTF8(rec.Data)} {
				mutations(base, stride, func(data []byte) {
					m := rec
					m.Data = data
					n[checkAgainstDecode(t, r, m)]++
				})
			}
			malformed := n[compared] + n[decoderPassed] + n[dynamicColumn]
			t.Logf("%d broken records: %d well-formed, %d fail Decode as Check says, %d pass Decode or fail it otherwise, %d fail in a Log Analytics column",
				n[wellFormedRecord]+malformed, n[wellFormedRecord], n[compared], n[decoderPassed], n[dynamicColumn])
			// Most fail Decode: the rest are broken in a value the decoder
			// skips, or decoded as another kind.
			if n[compared] < malformed/2 {
				t.Errorf("only %d of %d malformed records compared", n[compared], malformed)
			}
		})
	}
}

// TestCheckInvalidUTF8 checks Check's offsets in a record with invalid
// UTF-8 before the problem, which decoding replaces by U+FFFD (three
// bytes for each invalid one): the offset is the input's.
func TestCheckInvalidUTF8(t *testing.T) {
	r := NewReader(strings.NewReader(""))
	for _, tc := range []struct {
		in, want string
	}{
		{"{\"a\":\"\xff\",\"b\":tru}", `line:1: b: invalid JSON: invalid character '}' in literal true (byte 16)`},
		{"{\"a\":\"\xff\xfe\",\"b\":[1,}", `line:1: b[1]: invalid JSON: invalid character '}' looking for beginning of value (byte 17)`},
		{"{\"\xff\":{\"\xc3\":1,\n\"c\":01}}", "line:2: \ufffd: invalid JSON: invalid character '1' after object key:value pair (byte 18)"},
		// An invalid byte where a value belongs: the walker reads the first
		// byte of its replacement, as decoding shows it.
		{"{\"a\":\xff}", `line:1: a: invalid JSON: invalid character byte 0xef looking for beginning of value (byte 5)`},
	} {
		rec := Record{Data: []byte(tc.in), Line: 1}
		_, err := r.Check(rec)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Check(%q) = %v, want %s", tc.in, err, tc.want)
		}
		checkAgainstDecode(t, r, rec)
	}
}

// TestCheckKinds checks Check on records that are not well-formed
// objects, and on well-formed ones the decoder refuses for other reasons.
func TestCheckKinds(t *testing.T) {
	r := NewReader(strings.NewReader(""))
	r.Name = "in.jsonl"
	for _, tc := range []struct {
		in, want string // want "" for nil
	}{
		{`{"id":1}`, ""}, // a type error, no syntax problem
		{`{"category":"AuditLogs","properties":{}}`, ""},
		{``, `in.jsonl:3: invalid JSON: empty record (byte 100)`},
		{`  `, `in.jsonl:3: invalid JSON: empty record (byte 102)`},
		{`[{}]`, `in.jsonl:3: record is not a JSON object: got an array (byte 100)`},
		{`null`, `in.jsonl:3: record is not a JSON object: got null (byte 100)`},
		{`<html>`, `in.jsonl:3: invalid JSON: starts with '<', not JSON (an HTML page?) (byte 100)`},
		{`{"a":1}{}`, `in.jsonl:3: invalid JSON: invalid character '{' after top-level value (byte 107)`},
		{`{"a":1,}`, `in.jsonl:3: invalid JSON: invalid character '}' looking for beginning of object key (byte 107)`},
		{"{\"a\":\n[1,]}", `in.jsonl:4: a[1]: invalid JSON: invalid character ']' looking for beginning of value (byte 109)`},
		{`{"a":"\q"}`, `in.jsonl:3: a: invalid JSON: invalid escape 'q' in string (byte 107)`},
		{nested(maxDepth, `1`), `in.jsonl:3: a` + strings.Repeat("[0]", 26) + `[…: invalid JSON: nesting deeper than 1000 levels (byte 1105)`},
	} {
		rec := Record{Data: []byte(tc.in), Line: 3, Offset: 100}
		_, err := r.Check(rec)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
			t.Errorf("Check(%.40q) = %v, want %q", tc.in, err, tc.want)
		}
		if err != nil {
			checkAgainstDecode(t, r, rec)
		}
	}
}

// TestCheckAllocs checks that Check allocates nothing for well-formed
// records, of JSON lines and of a CSV export.
func TestCheckAllocs(t *testing.T) {
	for _, name := range []string{"graph.jsonl", "azure-monitor-blob.jsonl", "log-analytics.csv"} {
		r, recs := readRecords(t, name, 3)
		for _, rec := range recs {
			var err error
			if n := testing.AllocsPerRun(100, func() { _, err = r.Check(rec) }); n != 0 {
				t.Errorf("%s: Check allocates %v times per record", name, n)
			}
			if err != nil {
				t.Errorf("%s: Check = %v", name, err)
			}
		}
	}
}
