package event_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/escudo-dev/escudo/event"
	"github.com/google/go-cmp/cmp"
)

const (
	// tsJSON is a record's event time; t0 is its value.
	tsJSON = `"createdDateTime":"2025-03-14T08:55:12Z"`
	// recA, recB and recC are minimal valid records of 51 bytes each.
	recA = `{"id":"a",` + tsJSON + `}`
	recB = `{"id":"b",` + tsJSON + `}`
	recC = `{"id":"c",` + tsJSON + `}`
	// pre opens a record up to the members under test; it is 42 bytes
	// long, so a value right after `"key":` is at 42+len(`"key":`).
	pre = `{` + tsJSON + `,`
	// source is the Reader.Name of the tests.
	source = "f.jsonl"
)

var t0 = time.Date(2025, 3, 14, 8, 55, 12, 0, time.UTC)

// result is the outcome of one call to Read: an event or an error.
type result struct {
	Event *event.SignInEvent
	Err   error
}

// ok is a successful Read of a minimal record with the given id.
func ok(id string) result {
	return result{Event: &event.SignInEvent{ID: id, CreatedDateTime: t0}}
}

// okEvent is a successful Read of ev.
func okEvent(ev event.SignInEvent) result { return result{Event: &ev} }

// bad is a Read that failed with a *DecodeError.
func bad(line int, offset int64, path string, err error) result {
	return result{Err: &event.DecodeError{Source: source, Line: line, Offset: offset, Path: path, Err: err}}
}

// prefix returns the first n bytes of s.
func prefix(s string, n int) string { return s[:n] }

func syntaxErr(msg string) error    { return fmt.Errorf("%w: %s", event.ErrSyntax, msg) }
func notObjectErr(got string) error { return fmt.Errorf("%w: got %s", event.ErrNotObject, got) }
func tooLongErr(limit int) error    { return fmt.Errorf("%w: over %d bytes", event.ErrTooLong, limit) }
func typeErr(want, got string) error {
	return &event.TypeError{Want: want, Got: got}
}

var sentinels = []error{event.ErrTooLong, event.ErrSyntax, event.ErrNotObject, event.ErrMissingTime, event.ErrUnknownField}

// sameError reports whether two errors are equal: *DecodeError and
// *TypeError field by field, any other error by its message and by the
// sentinels it wraps (fmt's wrapper types have no exported fields).
func sameError(x, y error) bool {
	if x == nil || y == nil {
		return x == y
	}
	if dx, ok := x.(*event.DecodeError); ok {
		dy, ok := y.(*event.DecodeError)
		return ok && dx.Source == dy.Source && dx.Line == dy.Line && dx.Offset == dy.Offset &&
			dx.Path == dy.Path && sameError(dx.Err, dy.Err)
	}
	if tx, ok := x.(*event.TypeError); ok {
		ty, ok := y.(*event.TypeError)
		return ok && *tx == *ty
	}
	if x.Error() != y.Error() {
		return false
	}
	for _, s := range sentinels {
		if errors.Is(x, s) != errors.Is(y, s) {
			return false
		}
	}
	return true
}

// equateErrors compares errors with sameError; DecodeError and TypeError
// are still printed field by field in a diff.
var equateErrors = cmp.Comparer(sameError)

// readResults calls Read until io.EOF or an error that is not a
// *DecodeError, which ends the input.
func readResults(t *testing.T, r *event.Reader) []result {
	t.Helper()
	var got []result
	for range 1000 {
		ev, err := r.Read()
		if err == io.EOF {
			return got
		}
		if err != nil {
			got = append(got, result{Err: err})
			if de := (*event.DecodeError)(nil); !errors.As(err, &de) {
				return got
			}
			continue
		}
		got = append(got, result{Event: &ev})
	}
	t.Fatal("no io.EOF after 1000 calls to Read")
	return nil
}

// countsOf is the accounting that results imply.
func countsOf(rs []result) event.Counts {
	var c event.Counts
	for _, r := range rs {
		var de *event.DecodeError
		switch {
		case r.Err == nil:
			c.Records++
			c.Decoded++
		case errors.As(r.Err, &de):
			c.Records++
			c.Bad++
		}
	}
	return c
}

func TestRead(t *testing.T) {
	long := `{"id":"` + strings.Repeat("x", 100) + `",` + tsJSON + `}`
	// big spans several of bufio's 64 KiB buffers.
	bigID := strings.Repeat("x", 150<<10)
	big := `{"id":"` + bigID + `",` + tsJSON + `}`
	bigBad := `{"id":"` + bigID + `",` + tsJSON + `,"status":"x"}`

	tests := []struct {
		name   string
		reason string
		input  string
		max    int // Reader.MaxRecordSize
		want   []result
	}{
		// Framing.
		{
			name:   "empty",
			reason: "no input is no records, not an error",
			input:  "",
		},
		{
			name:   "lines, then a records document",
			reason: "a wrapper document after JSON lines (Event Hubs messages after blob lines) is read as one, then the lines after it",
			input:  recA + "\n" + `{"records":[` + recB + "," + recC + "]}\n" + recA + "\n",
			want:   []result{ok("a"), ok("b"), ok("c"), ok("a")},
		},
		{
			name:   "lines, then a Graph page",
			reason: "a Graph page on a line of its own after lines is a wrapper too",
			input:  recA + "\n" + `{"@odata.context":"x","value":[` + recB + "]}\n",
			want:   []result{ok("a"), ok("b")},
		},
		{
			name:   "only blank lines",
			reason: "lines of spaces, tabs and CRs are not records",
			input:  " \n\t\n\r\n  \t  \n\n",
		},
		{
			name:   "blank lines between records",
			reason: "blank lines are skipped but still counted as lines",
			input:  " \t\n" + recA + "\n \t \n\t\n" + recB + "\n\n5\n",
			want:   []result{ok("a"), ok("b"), bad(7, 114, "", notObjectErr("a number"))},
		},
		{
			name:   "CRLF",
			reason: "CRLF line ends are accepted, and the CR counts in the offsets",
			input:  recA + "\r\n" + `{"id":"b","createdDateTime":5}` + "\r\n" + recC + "\r\n",
			want: []result{
				ok("a"),
				bad(2, 81, "createdDateTime", typeErr("an RFC 3339 timestamp", "5")),
				ok("c"),
			},
		},
		{
			name:   "leading CR",
			reason: "a CR is JSON white space, also before the record",
			input:  recA + "\n\r" + recB + "\n \r\t" + recC + "\n",
			want:   []result{ok("a"), ok("b"), ok("c")},
		},
		{
			name:   "BOM",
			reason: "a UTF-8 byte-order mark at the start of the input is skipped",
			input:  "\ufeff" + recA + "\n" + recB,
			want:   []result{ok("a"), ok("b")},
		},
		{
			name:   "BOM counts in offsets",
			reason: "offsets are in the input, so they count the three BOM bytes",
			input:  "\ufeff" + `{"id":"a","createdDateTime":"bad"}` + "\n" + `{"id":"b","createdDateTime":"bad"}`,
			want: []result{
				bad(1, 31, "createdDateTime", typeErr("an RFC 3339 timestamp", `"bad"`)),
				bad(2, 66, "createdDateTime", typeErr("an RFC 3339 timestamp", `"bad"`)),
			},
		},
		{
			name:   "BOM on a blank first line",
			reason: "the BOM belongs to the input, not to the first record",
			input:  "\ufeff\n" + recA,
			want:   []result{ok("a")},
		},
		{
			name:   "BOM later",
			reason: "a BOM anywhere but at the start is not JSON",
			input:  recA + "\n\ufeff" + recB,
			want:   []result{ok("a"), bad(2, 52, "", syntaxErr("invalid character byte 0xef looking for beginning of value"))},
		},
		{
			name:   "last line without newline",
			reason: "the final newline is optional",
			input:  recA + "\n" + recB,
			want:   []result{ok("a"), ok("b")},
		},
		{
			name:   "last line truncated",
			reason: "a record cut off mid-way is reported at its end",
			input:  recA + "\n" + `{"id":"b","createdDate`,
			want:   []result{ok("a"), bad(2, 74, "", syntaxErr("unexpected end of record (truncated?)"))},
		},
		{
			name:   "truncated in a value",
			reason: "a record cut off inside a string names the member",
			input:  recA + "\n" + `{"id":"b","createdDateTime":"2025-03`,
			want:   []result{ok("a"), bad(2, 88, "createdDateTime", syntaxErr("unexpected end of record (truncated?)"))},
		},
		{
			name:   "trailing garbage",
			reason: "text after the object is an error at its first byte, and reading goes on",
			input:  recA + " xyz\n" + recB + "\n",
			want:   []result{bad(1, 52, "", syntaxErr("invalid character 'x' after top-level value")), ok("b")},
		},
		{
			name:   "two objects on a line",
			reason: "objects concatenated without a separator are read one by one, as jq and other tools write them",
			input:  recA + recB + "\n" + recC,
			want:   []result{ok("a"), ok("b"), ok("c")},
		},
		{
			name:   "HTML page",
			reason: "an error page saved instead of JSON is recognised",
			input:  "<html><head><title>503</title></head>\n<body>Service Unavailable</body></html>\n",
			want: []result{
				bad(1, 0, "", syntaxErr("starts with '<', not JSON (an HTML page?)")),
				bad(2, 38, "", syntaxErr("starts with '<', not JSON (an HTML page?)")),
			},
		},
		{
			name:   "not objects",
			reason: "in JSON lines, valid JSON that is not an object is reported with what it is",
			input:  recA + "\n[1,2]\n\"s\"\n5\nnull\ntrue\n",
			want: []result{
				ok("a"),
				bad(2, 52, "", notObjectErr("an array")),
				bad(3, 58, "", notObjectErr("a string")),
				bad(4, 62, "", notObjectErr("a number")),
				bad(5, 64, "", notObjectErr("null")),
				bad(6, 69, "", notObjectErr("a boolean")),
			},
		},
		{
			name:   "not an object, invalid",
			reason: "in JSON lines, a non-object that is not valid JSON either is a syntax error",
			input:  recA + "\n[1,\n",
			want:   []result{ok("a"), bad(2, 55, "[1]", syntaxErr("unexpected end of record (truncated?)"))},
		},
		{
			name:   "array document, truncated",
			reason: "input that starts with '[' is a JSON array of records; one cut short is reported once",
			input:  "[1,\n",
			want: []result{
				bad(1, 1, "", notObjectErr("a number")),
				bad(2, 4, "", fmt.Errorf("%w: unexpected end of input inside a document (truncated?); the rest of the input cannot be read", event.ErrSyntax)),
			},
		},
		{
			name:   "record of NUL bytes",
			reason: "a line of NULs (a preallocated file) is an error, not a blank line",
			input:  "\x00\x00\x00\x00\n" + recA,
			want:   []result{bad(1, 0, "", syntaxErr("invalid character NUL looking for beginning of value")), ok("a")},
		},

		// Values.
		{
			name:   "nulls",
			reason: "Graph sends null for absent objects and lists; they decode to zero values",
			input: pre + `"status":null,"deviceDetail":null,"location":null,"isInteractive":null,` +
				`"riskEventTypes":null,"appliedConditionalAccessPolicies":null,"userPrincipalName":null}`,
			want: []result{okEvent(event.SignInEvent{CreatedDateTime: t0})},
		},
		{
			name:   "null members",
			reason: "null members of an object decode to zero values, others are kept",
			input:  pre + `"location":{"city":"Redmond","geoCoordinates":null},"status":{"errorCode":null,"failureReason":"Other."}}`,
			want: []result{okEvent(event.SignInEvent{
				CreatedDateTime: t0,
				Location:        event.Location{City: "Redmond"},
				Status:          event.Status{FailureReason: "Other."},
			})},
		},
		{
			name:   "numbers and booleans",
			reason: "pointers distinguish 0 and false from null",
			input:  pre + `"isInteractive":false,"status":{"errorCode":0},"location":{"geoCoordinates":{"latitude":-0.5,"altitude":0}}}`,
			want: []result{okEvent(event.SignInEvent{
				CreatedDateTime: t0,
				IsInteractive:   ptr(false),
				Status:          event.Status{ErrorCode: ptr(int32(0))},
				Location:        event.Location{GeoCoordinates: event.GeoCoordinates{Latitude: ptr(-0.5), Altitude: ptr(0.0)}},
			})},
		},
		{
			name:   "unknown members",
			reason: "members outside the schema are ignored, whatever their type",
			input:  pre + `"id":"a","futureField":"Member","x":{"deep":[1,2,{"y":null}]},"status":{"extra":true}}`,
			want:   []result{ok("a")},
		},
		{
			name:   "white space and escapes",
			reason: "JSON white space between tokens and string escapes are decoded",
			input:  `{ "id" : "a\"b\\c\/d\u00e9\n" ,` + "\t" + tsJSON + ` }`,
			want:   []result{okEvent(event.SignInEvent{ID: "a\"b\\c/dé\n", CreatedDateTime: t0})},
		},
		{
			name:   "escaped NUL",
			reason: `\u0000 is a valid escape and decodes to a NUL character`,
			input:  `{"id":"a\u0000b",` + tsJSON + `}`,
			want:   []result{okEvent(event.SignInEvent{ID: "a\x00b", CreatedDateTime: t0})},
		},
		{
			name:   "raw NUL in string",
			reason: "control characters must be escaped in JSON strings",
			input:  "{\"id\":\"a\x00b\"," + tsJSON + "}",
			want:   []result{bad(1, 8, "id", syntaxErr("invalid character NUL in string"))},
		},
		{
			name:   "duplicate keys",
			reason: "a repeated key keeps its last value",
			input:  `{"id":"a","id":"b",` + tsJSON + `}`,
			want:   []result{ok("b")},
		},
		{
			name:   "duplicate time",
			reason: "a repeated createdDateTime keeps its last value, even when an earlier one is bad",
			input:  `{"id":"a","createdDateTime":"bad",` + tsJSON + `}`,
			want:   []result{ok("a")},
		},

		// Wrong types: one error, at the value, saying what was wanted.
		{
			name:   "errorCode string",
			reason: "the value is quoted as written",
			input:  pre + `"status":{"errorCode":"abc"}}`,
			want:   []result{bad(1, 64, "status.errorCode", typeErr("an integer", `"abc"`))},
		},
		{
			name:   "errorCode fraction",
			reason: "error codes are integers",
			input:  pre + `"status":{"errorCode":1.5}}`,
			want:   []result{bad(1, 64, "status.errorCode", typeErr("an integer", "1.5"))},
		},
		{
			name:   "errorCode overflow",
			reason: "error codes are 32-bit; a larger number is refused, not wrapped",
			input:  pre + `"status":{"errorCode":99999999999}}`,
			want:   []result{bad(1, 64, "status.errorCode", typeErr("an integer", "99999999999"))},
		},
		{
			name:   "errorCode just over int32",
			reason: "the bound is exact",
			input:  pre + `"status":{"errorCode":2147483648}}`,
			want:   []result{bad(1, 64, "status.errorCode", typeErr("an integer", "2147483648"))},
		},
		{
			name:   "isInteractive string",
			reason: `"true" is a string, not a boolean`,
			input:  pre + `"isInteractive":"true"}`,
			want:   []result{bad(1, 58, "isInteractive", typeErr("true or false", `"true"`))},
		},
		{
			name:   "latitude string",
			reason: "nested paths are dotted",
			input:  pre + `"location":{"geoCoordinates":{"latitude":"x"}}}`,
			want:   []result{bad(1, 83, "location.geoCoordinates.latitude", typeErr("a number", `"x"`))},
		},
		{
			name:   "policy result number",
			reason: "array elements are indexed in the path",
			input:  pre + `"appliedConditionalAccessPolicies":[{"id":"p"},{"result":5}]}`,
			want:   []result{bad(1, 99, "appliedConditionalAccessPolicies[1].result", typeErr("a string", "5"))},
		},
		{
			name:   "policy not an object",
			reason: "the elements of the policy list are objects",
			input:  pre + `"appliedConditionalAccessPolicies":[5]}`,
			want:   []result{bad(1, 78, "appliedConditionalAccessPolicies[0]", typeErr("an object", "5"))},
		},
		{
			name:   "riskEventTypes number",
			reason: "the elements of a string list are strings",
			input:  pre + `"riskEventTypes":[1]}`,
			want:   []result{bad(1, 60, "riskEventTypes[0]", typeErr("a string", "1"))},
		},
		{
			name:   "riskEventTypes string",
			reason: "a list is an array, not a single string",
			input:  pre + `"riskEventTypes":"x"}`,
			want:   []result{bad(1, 59, "riskEventTypes", typeErr("an array", `"x"`))},
		},
		{
			name:   "status string",
			reason: "an object is wanted",
			input:  pre + `"status":"x"}`,
			want:   []result{bad(1, 51, "status", typeErr("an object", `"x"`))},
		},
		{
			name:   "deviceDetail array",
			reason: "containers are described by their type",
			input:  pre + `"deviceDetail":[]}`,
			want:   []result{bad(1, 57, "deviceDetail", typeErr("an object", "an array"))},
		},
		{
			// The schema names no kind for mfaDetail and authenticationDetails.
			// goccy/go-json v0.12 reports a type error where v0.10 gave a
			// syntax error; the messages stay as they were.
			name:   "mfaDetail array",
			reason: "a value of no schema kind is of another type, not of a Go type",
			input:  pre + `"mfaDetail":[1]}`,
			want:   []result{bad(1, 54, "mfaDetail", typeErr("another type", "an array"))},
		},
		{
			name:   "authenticationDetails string",
			reason: "a value of no schema kind is of another type, not of a Go type",
			input:  pre + `"authenticationDetails":"x"}`,
			want:   []result{bad(1, 66, "authenticationDetails", typeErr("another type", `"x"`))},
		},
		{
			name:   "authenticationDetails number",
			reason: "a number where the list of steps is names its Go type, as it did with goccy/go-json v0.10",
			input:  pre + `"authenticationDetails":1}`,
			want:   []result{bad(1, 66, "authenticationDetails", typeErr("[]event.authDetailWire", "1"))},
		},
		{
			name:   "id number",
			reason: "the first member is located too",
			input:  `{"id":5,` + tsJSON + `}`,
			want:   []result{bad(1, 6, "id", typeErr("a string", "5"))},
		},
		{
			name:   "long value shortened",
			reason: "a long offending value is cut to 40 bytes in the message",
			input:  pre + `"isInteractive":"` + strings.Repeat("y", 50) + `"}`,
			want:   []result{bad(1, 58, "isInteractive", typeErr("true or false", `"`+strings.Repeat("y", 39)+"…"))},
		},

		// The event time.
		{
			name:   "time missing",
			reason: "a record without an event time cannot be placed in a window",
			input:  `{"id":"a"}`,
			want:   []result{bad(1, 0, "createdDateTime", event.ErrMissingTime)},
		},
		{
			name:   "time null",
			reason: "null is as good as missing, and is located",
			input:  `{"id":"a","createdDateTime":null}`,
			want:   []result{bad(1, 28, "createdDateTime", event.ErrMissingTime)},
		},
		{
			name:   "time empty",
			reason: "an empty string is as good as missing",
			input:  `{"id":"a","createdDateTime":""}`,
			want:   []result{bad(1, 28, "createdDateTime", event.ErrMissingTime)},
		},
		{
			name:   "time bad",
			reason: "a string that is not RFC 3339 is a type error",
			input:  `{"id":"a","createdDateTime":"bad"}`,
			want:   []result{bad(1, 28, "createdDateTime", typeErr("an RFC 3339 timestamp", `"bad"`))},
		},
		{
			name:   "time without zone",
			reason: "RFC 3339 requires a zone; a local time is ambiguous",
			input:  `{"id":"a","createdDateTime":"2025-03-14T08:55:12"}`,
			want:   []result{bad(1, 28, "createdDateTime", typeErr("an RFC 3339 timestamp", `"2025-03-14T08:55:12"`))},
		},
		{
			name:   "time number",
			reason: "epoch numbers are not Graph timestamps",
			input:  `{"id":"a","createdDateTime":5}`,
			want:   []result{bad(1, 28, "createdDateTime", typeErr("an RFC 3339 timestamp", "5"))},
		},
		{
			name:   "time with offset and 7 digits",
			reason: "Graph sends 7 fractional digits; numeric offsets are accepted",
			input:  `{"id":"a","createdDateTime":"2025-03-14T08:55:12.1234567+00:00"}` + "\n" + `{"id":"b","createdDateTime":"2025-03-14T10:55:12+02:00"}`,
			want: []result{
				okEvent(event.SignInEvent{ID: "a", CreatedDateTime: time.Date(2025, 3, 14, 8, 55, 12, 123456700, time.UTC)}),
				ok("b"),
			},
		},

		// Size limits.
		{
			name:   "too long",
			reason: "a record over the limit is refused, and the next one reads fine",
			input:  recA + "\n" + long + "\n" + recB + "\n",
			max:    60,
			want:   []result{ok("a"), bad(2, 52, "", tooLongErr(60)), ok("b")},
		},
		{
			name:   "too long last line",
			reason: "a too-long record without a newline ends the input cleanly",
			input:  recA + "\n" + long,
			max:    60,
			want:   []result{ok("a"), bad(2, 52, "", tooLongErr(60))},
		},
		{
			name:   "exactly the limit",
			reason: "the limit is on the record, not on its LF or CRLF terminator",
			input:  recA + "\r\n" + recB + "\n" + recC,
			max:    len(recA),
			want:   []result{ok("a"), ok("b"), ok("c")},
		},
		{
			name:   "one over the limit",
			reason: "one byte over is refused",
			input:  recA + "\r\n" + recB,
			max:    len(recA) - 1,
			want:   []result{bad(1, 0, "", tooLongErr(50)), bad(2, 53, "", tooLongErr(50))},
		},
		{
			name:   "too long across buffers",
			reason: "a record longer than bufio's buffer is skipped to its end, not split",
			input:  recA + "\n" + big + "\n" + recB + "\n",
			max:    80 << 10,
			want:   []result{ok("a"), bad(2, 52, "", tooLongErr(80<<10)), ok("b")},
		},
		{
			name:   "long record across buffers",
			reason: "under the default limit, a record longer than bufio's buffer decodes",
			input:  recA + "\n" + big + "\n" + recB + "\n",
			want:   []result{ok("a"), okEvent(event.SignInEvent{ID: bigID, CreatedDateTime: t0}), ok("b")},
		},
		{
			name:   "bad record across buffers",
			reason: "positions in a record longer than bufio's buffer are still exact",
			input:  recA + "\n" + bigBad + "\n" + recB + "\n",
			want: []result{
				ok("a"),
				bad(2, int64(52+len(bigBad)-len(`"x"}`)), "status", typeErr("an object", `"x"`)),
				ok("b"),
			},
		},

		// Nesting.
		{
			name:   "deep arrays",
			reason: "nesting beyond 1000 levels is refused, with no stack overflow, and the path is cut short",
			input:  `{"id":"a","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,` + tsJSON + `}`,
			want:   []result{bad(1, 14+1000, prefix("x"+strings.Repeat("[0]", 1000), 80)+"…", syntaxErr("nesting deeper than 1000 levels"))},
		},
		{
			name:   "deep objects",
			reason: "the limit holds for objects too",
			input:  `{"id":"a","x":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + `,` + tsJSON + `}`,
			want:   []result{bad(1, 14+5*1000, prefix("x"+strings.Repeat(".a", 1000), 80)+"…", syntaxErr("nesting deeper than 1000 levels"))},
		},
		{
			name:   "deep but allowed",
			reason: "nesting under the limit in an unknown member is fine",
			input:  `{"id":"a","x":` + strings.Repeat("[", 990) + strings.Repeat("]", 990) + `,` + tsJSON + `}`,
			want:   []result{ok("a")},
		},

		// Going on after errors.
		{
			name:   "continues after errors",
			reason: "after a *DecodeError the next Read returns the next record",
			input: recA + "\n" +
				pre + `"status":{"errorCode":"abc"}}` + "\n" +
				recB + "\n" +
				"not json\n" +
				`{"id":"x"}` + "\n" +
				recC,
			want: []result{
				ok("a"),
				bad(2, 52+64, "status.errorCode", typeErr("an integer", `"abc"`)),
				ok("b"),
				bad(4, 52+72+52+1, "", syntaxErr("invalid character 'o' in literal null")),
				bad(5, 52+72+52+9, "createdDateTime", event.ErrMissingTime),
				ok("c"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tt.input))
			r.Name = source
			r.MaxRecordSize = tt.max
			got := readResults(t, r)
			if diff := cmp.Diff(tt.want, got, equateErrors); diff != "" {
				t.Errorf("Read results mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			if diff := cmp.Diff(countsOf(tt.want), r.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
			if c := r.Counts(); c.Records != c.Decoded+c.Bad {
				t.Errorf("Counts() = %+v: Records != Decoded + Bad", c)
			}
			if _, err := r.Read(); err != io.EOF {
				t.Errorf("Read after io.EOF = %v, want io.EOF again", err)
			}
		})
	}
}

// TestReadInvalidUTF8 checks that invalid UTF-8 in a string is accepted,
// replaced with U+FFFD as the Reader documents, and that errors in such a
// record are still located in the input's own bytes.
func TestReadInvalidUTF8(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		input  string
		want   []result
	}{
		{
			name:   "replaced",
			reason: "each invalid byte becomes U+FFFD; invalid UTF-8 is no reason to refuse a record",
			input:  "{\"id\":\"a\xffb\xc3\",\"userDisplayName\":\"M\xe9gan\"," + tsJSON + "}\n" + recB,
			want: []result{
				okEvent(event.SignInEvent{ID: "a\ufffdb\ufffd", UserDisplayName: "M\ufffdgan", CreatedDateTime: t0}),
				ok("b"),
			},
		},
		{
			name:   "error after invalid UTF-8",
			reason: "offsets count the input's bytes, not those of the replacement characters",
			input:  "{\"id\":\"a\xffb\",\"createdDateTime\":\"bad\"}",
			want:   []result{bad(1, 30, "createdDateTime", typeErr("an RFC 3339 timestamp", `"bad"`))},
		},
		{
			name:   "truncated after invalid UTF-8",
			reason: "an error at the end of the record is within the input",
			input:  "{\"\xe0",
			want:   []result{bad(1, 3, "", syntaxErr("unexpected end of record (truncated?)"))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tt.input))
			r.Name = source
			got := readResults(t, r)
			if diff := cmp.Diff(tt.want, got, equateErrors); diff != "" {
				t.Errorf("Read results mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestReadAll(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		input   string
		want    []event.SignInEvent
		wantErr error
	}{
		{
			name:   "empty",
			reason: "no records and a nil error, not io.EOF",
			input:  "",
		},
		{
			name:   "all good",
			reason: "every record, in order, and a nil error at the end",
			input:  recA + "\n\n" + recB + "\n" + recC,
			want:   []event.SignInEvent{*ok("a").Event, *ok("b").Event, *ok("c").Event},
		},
		{
			name:    "stops at the first error",
			reason:  "ReadAll returns the events before the error and the error",
			input:   recA + "\n" + `{"id":"x"}` + "\n" + recC,
			want:    []event.SignInEvent{*ok("a").Event},
			wantErr: bad(2, 52, "createdDateTime", event.ErrMissingTime).Err,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tt.input))
			r.Name = source
			got, err := r.ReadAll()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadAll events mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			if diff := cmp.Diff(tt.wantErr, err, equateErrors); diff != "" {
				t.Errorf("ReadAll error mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

var errBoom = errors.New("boom")

func TestAll(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		input  io.Reader
		limit  int // stop the loop after this many results; 0 for no limit
		want   []result
	}{
		{
			name:   "goes past decode errors",
			reason: "a bad record is yielded with its error and iteration continues",
			input:  strings.NewReader(recA + "\n5\n" + recB + "\n"),
			want:   []result{ok("a"), bad(2, 52, "", notObjectErr("a number")), ok("b")},
		},
		{
			name:   "break",
			reason: "the loop may stop early",
			input:  strings.NewReader(recA + "\n" + recB + "\n" + recC + "\n"),
			limit:  2,
			want:   []result{ok("a"), ok("b")},
		},
		{
			name:   "input error",
			reason: "an input error is yielded once and ends the iteration",
			input:  io.MultiReader(strings.NewReader(recA+"\n"), iotest.ErrReader(errBoom)),
			want:   []result{ok("a"), {Err: &event.InputError{Source: source, Offset: 52, Records: 1, Err: errBoom}}},
		},
		{
			name:   "empty",
			reason: "no records, no iterations",
			input:  strings.NewReader(""),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(tt.input)
			r.Name = source
			var got []result
			for ev, err := range r.All() {
				if err != nil {
					got = append(got, result{Err: err})
				} else {
					got = append(got, result{Event: &ev})
				}
				if len(got) == tt.limit || len(got) > 100 {
					break
				}
			}
			if diff := cmp.Diff(tt.want, got, equateErrors); diff != "" {
				t.Errorf("All mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			if diff := cmp.Diff(countsOf(tt.want), r.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAllInputErrorIs checks that the error All yields for a failing input
// is not a *DecodeError and wraps the input's error.
func TestAllInputErrorIs(t *testing.T) {
	r := event.NewReader(iotest.ErrReader(errBoom))
	var errs []error
	for _, err := range r.All() {
		errs = append(errs, err)
		if len(errs) > 10 {
			break
		}
	}
	if len(errs) != 1 {
		t.Fatalf("All yielded %d errors, want 1: %v", len(errs), errs)
	}
	var de *event.DecodeError
	if errors.As(errs[0], &de) || !errors.Is(errs[0], errBoom) {
		t.Errorf("All yielded %v, want an input error wrapping %v, not a *DecodeError", errs[0], errBoom)
	}
}

func TestReadInputError(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		input   io.Reader
		src     string // Reader.Name
		want    []result
		wantErr error // the sticky error, returned by every later Read
	}{
		{
			name:    "fails at once",
			reason:  "the error names the input and wraps the reader's error",
			input:   iotest.ErrReader(errBoom),
			src:     source,
			want:    []result{{Err: &event.InputError{Source: source, Err: errBoom}}},
			wantErr: errBoom,
		},
		{
			name:    "unnamed input",
			reason:  `without a Name the input is called "input"`,
			input:   iotest.ErrReader(errBoom),
			want:    []result{{Err: &event.InputError{Err: errBoom}}},
			wantErr: errBoom,
		},
		{
			name:    "timeout after records",
			reason:  "records read before the failure are returned first",
			input:   iotest.TimeoutReader(strings.NewReader(recA + "\n" + recB + "\n")),
			src:     source,
			want:    []result{ok("a"), ok("b"), {Err: &event.InputError{Source: source, Offset: 104, Records: 2, Err: iotest.ErrTimeout}}},
			wantErr: iotest.ErrTimeout,
		},
		{
			name:   "fails mid-record",
			reason: "a line cut short by the failing input is not a record: the input error says where it broke",
			input:  io.MultiReader(strings.NewReader(recA+"\n"+`{"id":"b"`), iotest.ErrReader(errBoom)),
			src:    source,
			want: []result{
				ok("a"),
				{Err: &event.InputError{Source: source, Offset: 61, Records: 1, Err: errBoom}},
			},
			wantErr: errBoom,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(tt.input)
			r.Name = tt.src
			got := readResults(t, r)
			if diff := cmp.Diff(tt.want, got, equateErrors); diff != "" {
				t.Errorf("Read results mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			last := got[len(got)-1].Err
			var de *event.DecodeError
			if errors.As(last, &de) || !errors.Is(last, tt.wantErr) {
				t.Errorf("last error %v: want an input error wrapping %v, not a *DecodeError", last, tt.wantErr)
			}
			// The input error is sticky.
			for range 3 {
				if _, err := r.Read(); err != last {
					t.Errorf("Read after the input error = %v, want the same error %v", err, last)
				}
			}
			if _, err := r.ReadRecord(); err != last {
				t.Errorf("ReadRecord after the input error = %v, want the same error %v", err, last)
			}
			if diff := cmp.Diff(countsOf(tt.want), r.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// recordResult is the outcome of one call to ReadRecord.
type recordResult struct {
	Data   string
	Line   int
	Offset int64
	Err    error
}

func TestReadRecord(t *testing.T) {
	tests := []struct {
		name       string
		reason     string
		input      string
		max        int
		want       []recordResult
		wantCounts event.Counts
	}{
		{
			name:   "framing",
			reason: "records lose their terminators and the BOM; blank lines are skipped; positions are of the first byte",
			input:  "\ufeff" + `{"a":1}` + "\r\n\n \t\r\n" + ` {"b":2}` + "\n" + `x` + "\r\n" + `{"c":3}`,
			want: []recordResult{
				{Data: `{"a":1}`, Line: 1, Offset: 3},
				{Data: ` {"b":2}`, Line: 4, Offset: 17},
				{Data: `x`, Line: 5, Offset: 26},
				{Data: `{"c":3}`, Line: 6, Offset: 29},
			},
			wantCounts: event.Counts{Records: 4},
		},
		{
			name:   "too long",
			reason: "a too-long record is a *DecodeError wrapping ErrTooLong, counted as bad, and framing goes on",
			input:  `{"a":1}` + "\n" + `{"a":12345}` + "\n" + `{"b":2}`,
			max:    8,
			want: []recordResult{
				{Data: `{"a":1}`, Line: 1, Offset: 0},
				{Err: &event.DecodeError{Source: source, Line: 2, Offset: 8, Err: tooLongErr(8)}},
				{Data: `{"b":2}`, Line: 3, Offset: 20},
			},
			wantCounts: event.Counts{Records: 3, Bad: 1},
		},
		{
			name:       "no decoding",
			reason:     "ReadRecord does not look inside records, so invalid JSON is returned as is",
			input:      "<html>\n\x00\n",
			want:       []recordResult{{Data: "<html>", Line: 1, Offset: 0}, {Data: "\x00", Line: 2, Offset: 7}},
			wantCounts: event.Counts{Records: 2},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tt.input))
			r.Name = source
			r.MaxRecordSize = tt.max
			var got []recordResult
			for range 100 {
				rec, err := r.ReadRecord()
				if err == io.EOF {
					break
				}
				got = append(got, recordResult{Data: string(rec.Data), Line: rec.Line, Offset: rec.Offset, Err: err})
			}
			if diff := cmp.Diff(tt.want, got, equateErrors); diff != "" {
				t.Errorf("ReadRecord mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			if diff := cmp.Diff(tt.wantCounts, r.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// sampleFile is the sample sign-ins shared by the repository's tests.
const sampleFile = "../testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl"

// TestDecode checks that records framed by ReadRecord and decoded with
// Decode, on several goroutines at once, give what Read gives.
func TestDecode(t *testing.T) {
	data, err := os.ReadFile(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	want, err := event.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("ReadAll on %s: %v", sampleFile, err)
	}

	r := event.NewReader(bytes.NewReader(data))
	recs := readRecords(t, r)
	if diff := cmp.Diff(event.Counts{Records: int64(len(want))}, r.Counts()); diff != "" {
		t.Errorf("Counts() after ReadRecord mismatch (-want +got):\n%s", diff)
	}

	got := make([]event.SignInEvent, len(recs))
	errs := make([]error, len(recs))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(recs); i += 4 {
				errs[i] = r.Decode(recs[i], &got[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode mismatch with Read (-want +got):\n%s", diff)
	}
}

func TestReadInto(t *testing.T) {
	data, err := os.ReadFile(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	in := string(first) + "\n" + recB + "\n" + pre + `"status":{"errorCode":"abc"}}` + "\n" + recC + "\n"

	r := event.NewReader(strings.NewReader(in))
	r.Name = source
	var ev event.SignInEvent
	if err := r.ReadInto(&ev); err != nil {
		t.Fatal(err)
	}
	if ev.DeviceDetail.Browser == "" || len(ev.AppliedConditionalAccessPolicies) == 0 || ev.Status.ErrorCode == nil {
		t.Fatalf("first sample record is not fully populated: %+v", ev)
	}
	// Keep references into the first event: reusing ev must not write
	// through them.
	policies := ev.AppliedConditionalAccessPolicies
	policy0 := policies[0]
	code := ev.Status.ErrorCode
	codeValue := *code

	// A small record leaves nothing of the big one behind.
	if err := r.ReadInto(&ev); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*ok("b").Event, ev); diff != "" {
		t.Errorf("ReadInto over a used event left fields behind (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(policy0, policies[0]); diff != "" || *code != codeValue {
		t.Errorf("ReadInto wrote into the previous event's memory (-want +got):\n%s", diff)
	}

	// A bad record, then a good one into the same event.
	err = r.ReadInto(&ev)
	if diff := cmp.Diff(bad(3, int64(len(first)+1+52+64), "status.errorCode", typeErr("an integer", `"abc"`)).Err, err, equateErrors); diff != "" {
		t.Errorf("ReadInto error mismatch (-want +got):\n%s", diff)
	}
	if err := r.ReadInto(&ev); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(*ok("c").Event, ev); diff != "" {
		t.Errorf("ReadInto after a bad record mismatch (-want +got):\n%s", diff)
	}
	if err := r.ReadInto(&ev); err != io.EOF {
		t.Errorf("ReadInto at the end = %v, want io.EOF", err)
	}
	if diff := cmp.Diff(event.Counts{Records: 4, Decoded: 3, Bad: 1}, r.Counts()); diff != "" {
		t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
	}
}

// TestSample reads the shared sample file and checks it against what its
// README says: 44 records, all valid, 21 of them with error code 65004.
func TestSample(t *testing.T) {
	f, err := os.Open(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := event.NewReader(bufio.NewReader(f))
	r.Name = sampleFile
	evs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	consent := 0
	for _, ev := range evs {
		if ev.Status.ErrorCode != nil && *ev.Status.ErrorCode == 65004 {
			consent++
		}
	}
	if diff := cmp.Diff(event.Counts{Records: 44, Decoded: 44}, r.Counts()); diff != "" {
		t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
	}
	if consent != 21 {
		t.Errorf("%d records with errorCode 65004, want 21", consent)
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		err    error
		want   string
	}{
		{
			name:   "type error",
			reason: "source, line, path, problem and byte offset",
			err:    &event.DecodeError{Source: "signins.jsonl", Line: 7, Offset: 5120, Path: "status.errorCode", Err: typeErr("an integer", `"abc"`)},
			want:   `signins.jsonl:7: status.errorCode: want an integer, got "abc" (byte 5120)`,
		},
		{
			name:   "no path",
			reason: "a problem with the whole record has no path",
			err:    &event.DecodeError{Source: "signins.jsonl", Line: 1, Offset: 0, Err: notObjectErr("an array")},
			want:   `signins.jsonl:1: record is not a JSON object: got an array (byte 0)`,
		},
		{
			name:   "no source",
			reason: `an unnamed input reads "line:N"`,
			err:    &event.DecodeError{Line: 2, Offset: 52, Err: tooLongErr(60)},
			want:   `line:2: record too long: over 60 bytes (byte 52)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
				t.Errorf("Error() mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestDecodeErrorUnwrap(t *testing.T) {
	te := typeErr("an integer", "1.5")
	err := error(&event.DecodeError{Line: 1, Err: fmt.Errorf("wrapped: %w", te)})
	var got *event.TypeError
	if !errors.As(err, &got) || got != te {
		t.Errorf("errors.As(%v, *TypeError) = %v, want the wrapped TypeError", err, got)
	}
	err = &event.DecodeError{Line: 1, Err: tooLongErr(5)}
	if !errors.Is(err, event.ErrTooLong) || errors.Is(err, event.ErrSyntax) {
		t.Errorf("errors.Is(%v): want ErrTooLong only", err)
	}
}

// TestGraphEntity checks the two Graph responses that start with
// "@odata.context": a single entity (GET /auditLogs/signIns/{id}), whose
// context ends in "/$entity", is a record; a collection page is a wrapper
// of records.
func TestGraphEntity(t *testing.T) {
	entity := "{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns/$entity\",\n  \"id\": \"a\",\n  " + tsJSON + "\n}\n"
	page := `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns","value":[` + recA + `,` + recB + `]}`
	for _, tt := range []struct {
		name, input string
		want        []result
	}{
		{"entity", entity, []result{ok("a")}},
		{"page", page, []result{ok("a"), ok("b")}},
	} {
		r := event.NewReader(strings.NewReader(tt.input))
		r.Name = source
		if diff := cmp.Diff(tt.want, readResults(t, r), equateErrors); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
