package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBadInput covers each kind of bad input a real export can hold, as
// the example program reports it: in strict mode, exit status 1 and the
// exact FILE:LINE: message; in lenient mode, exit status 0, the exact
// summary, and findings equal to those of the same file without the bad
// records. Inputs that are odd but valid decode in both modes.
//
// Each input is run twice: with -decode-all, where every record is
// decoded whole, and by default, where a record no rule can match is only
// checked to be a well-formed JSON object. The default run reports every
// bad record the same way, but for the one marked passedOver: a value of
// the wrong type in a record that holds no literal of the rule.
func TestBadInput(t *testing.T) {
	const rec = `{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a@example.com","ipAddress":"192.0.2.1","appDisplayName":"App","status":{"errorCode":65004,"failureReason":"User declined to consent to access the app."}}`
	n := len(rec) + 1 // the byte offset of the line after rec
	html := "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>Bad Gateway</body></html>\n"
	deep := `{"createdDateTime":"2025-03-14T09:00:00Z","x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}"
	long := `{"createdDateTime":"2025-03-14T09:00:00Z","x":"` + strings.Repeat("a", 1<<20) + `"}`
	tests := []struct {
		name   string
		reason string
		input  string
		clean  string // the input without its bad records
		strict string // stderr in strict mode; "" means the input is valid
		skips  []string
		// passedOver marks a bad record the default run passes over as
		// one no rule can match: well-formed, so valid there.
		passedOver bool
	}{
		{name: "blank lines", reason: "blank and white-space lines are not records", input: "\n  \n" + rec + "\n\t\n", clean: rec + "\n"},
		{name: "CRLF", reason: "Windows line ends are accepted", input: rec + "\r\n" + rec + "\r\n", clean: rec + "\n" + rec + "\n"},
		{name: "byte-order mark", reason: "a UTF-8 BOM at the start is skipped", input: "\ufeff" + rec + "\n", clean: rec + "\n"},
		{name: "null nested objects", reason: "status, deviceDetail and location may be null", input: rec + "\n" + `{"createdDateTime":"2025-03-14T09:00:00Z","status":null,"deviceDetail":null,"location":null}` + "\n",
			clean: rec + "\n" + `{"createdDateTime":"2025-03-14T09:00:00Z"}` + "\n"},
		{name: "invalid UTF-8", reason: "invalid UTF-8 in a string becomes U+FFFD, as encoding/json does",
			input: strings.Replace(rec, "a@example", "a\xffb@example", 1) + "\n", clean: strings.Replace(rec, "a@example", "a\uFFFDb@example", 1) + "\n"},
		{name: "duplicate keys", reason: "a repeated key keeps its last value",
			input: strings.Replace(rec, `"userPrincipalName":"a@example.com"`, `"userPrincipalName":"x@example.com","userPrincipalName":"a@example.com"`, 1) + "\n", clean: rec + "\n"},
		{name: "Log Analytics numeric string", reason: "ResultType is a string column in Log Analytics and is read as the error code",
			input: `{"TimeGenerated":"2025-03-14T09:00:02Z","CreatedDateTime":"2025-03-14T09:00:00Z","UserPrincipalName":"a@example.com","IPAddress":"192.0.2.1","AppDisplayName":"App","ResultType":"65004","ResultDescription":"User declined to consent to access the app."}` + "\n",
			clean: rec + "\n"},
		{name: "truncated last line", reason: "a record cut off at the end of the file",
			input: rec + "\n" + rec[:60], clean: rec + "\n",
			strict: fmt.Sprintf("F:2: invalid JSON: unexpected end of record (truncated?) (byte %d)", n+60)},
		{name: "trailing garbage", reason: "bytes after a record's closing brace",
			input: rec + " xyz\n" + rec + "\n", clean: rec + "\n",
			strict: fmt.Sprintf("F:1: invalid JSON: invalid character 'x' after top-level value (byte %d)", len(rec)+1)},
		{name: "HTML error page", reason: "a proxy's error page saved instead of JSON; each of its lines is a bad record",
			input: html + rec + "\n", clean: rec + "\n",
			strict: "F:1: invalid JSON: starts with '<', not JSON (an HTML page?) (byte 0)",
			skips:  []string{"F:1: invalid JSON: starts with '<', not JSON (an HTML page?) (byte 0)", "F:2: invalid JSON: starts with '<', not JSON (an HTML page?) (byte 16)", "F:3: invalid JSON: starts with '<', not JSON (an HTML page?) (byte 66)"}},
		{name: "array record", reason: "a line holding an array", input: rec + "\n[1,2]\n", clean: rec + "\n",
			strict: fmt.Sprintf("F:2: record is not a JSON object: got an array (byte %d)", n)},
		{name: "string record", reason: "a line holding a string", input: rec + "\n\"hello\"\n", clean: rec + "\n",
			strict: fmt.Sprintf("F:2: record is not a JSON object: got a string (byte %d)", n)},
		{name: "number record", reason: "a line holding a number", input: rec + "\n42\n", clean: rec + "\n",
			strict: fmt.Sprintf("F:2: record is not a JSON object: got a number (byte %d)", n)},
		{name: "wrong type", reason: "errorCode as text in a Graph record", input: `{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"abc"}}` + "\n" + rec + "\n", clean: rec + "\n",
			strict: `F:1: status.errorCode: want an integer, got "abc" (byte 64)`, passedOver: true},
		{name: "bad timestamp", reason: "createdDateTime that is not RFC 3339", input: `{"createdDateTime":"yesterday","status":{"errorCode":65004}}` + "\n" + rec + "\n", clean: rec + "\n",
			strict: `F:1: createdDateTime: want an RFC 3339 timestamp, got "yesterday" (byte 19)`},
		{name: "missing timestamp", reason: "a record without createdDateTime has no event time", input: `{"status":{"errorCode":65004}}` + "\n" + rec + "\n", clean: rec + "\n",
			strict: "F:1: createdDateTime: missing event time (byte 0)"},
		{name: "record over the limit", reason: "a 1 MiB record is refused without buffering, and reading resumes at the next line",
			input: long + "\n" + rec + "\n", clean: rec + "\n",
			strict: "F:1: record too long: over 1048576 bytes (byte 0)"},
		{name: "deep nesting", reason: "nesting past the decoder's depth limit is an error, not a stack overflow",
			input: deep + "\n" + rec + "\n", clean: rec + "\n",
			strict: "F:1: x" + strings.Repeat("[0]", 26) + "[…: invalid JSON: nesting deeper than 1000 levels (byte 1046)"},
		{name: "NUL in a string", reason: "a raw NUL byte is not allowed in JSON text", input: `{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a` + "\x00" + `b"}` + "\n" + rec + "\n", clean: rec + "\n",
			strict: "F:1: userPrincipalName: invalid JSON: invalid character NUL in string (byte 64)"},
		{name: "NUL line", reason: "a line of NUL bytes (a preallocated, unwritten file tail)", input: "\x00\x00\x00\x00\n" + rec + "\n", clean: rec + "\n",
			strict: "F:1: invalid JSON: invalid character NUL looking for beginning of value (byte 0)"},
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "f.jsonl")
	cleanFile := filepath.Join(dir, "clean.jsonl")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(file, []byte(tc.input), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cleanFile, []byte(tc.clean), 0o644); err != nil {
				t.Fatal(err)
			}
			wantOut, _, code := runMain([]string{"-json", cleanFile})
			if code != 0 {
				t.Fatalf("the clean input fails with status %d", code)
			}
			clean := strings.Count(tc.clean, "\n")

			out, errOut, code := runMain([]string{"-json", file})
			errOut = strings.ReplaceAll(errOut, file, "F")
			switch {
			case tc.strict == "" || tc.passedOver:
				if code != 0 || errOut != "" || out != wantOut {
					t.Errorf("default run, valid or passed over (%s): status %d, stderr %q, stdout %q; want 0, nothing, %q", tc.reason, code, errOut, out, wantOut)
				}
			case code != 1 || out != "" || errOut != tc.strict+"\n":
				t.Errorf("default run (%s): status %d, stdout %q, stderr %q; want 1, no output, %q", tc.reason, code, out, errOut, tc.strict)
			}

			out, errOut, code = runMain([]string{"-json", "-decode-all", file})
			errOut = strings.ReplaceAll(errOut, file, "F")
			if tc.strict == "" {
				if code != 0 || errOut != "" || out != wantOut {
					t.Errorf("valid input (%s): status %d, stderr %q, stdout %q; want 0, nothing, %q", tc.reason, code, errOut, out, wantOut)
				}
			} else {
				if code != 1 || out != "" {
					t.Errorf("strict (%s): status %d, stdout %q; want 1 and no output", tc.reason, code, out)
				}
				if diff := cmp.Diff(tc.strict+"\n", errOut); diff != "" {
					t.Errorf("strict message (%s) (-want +got):\n%s", tc.reason, diff)
				}
			}

			skips := tc.skips
			if skips == nil && tc.strict != "" {
				skips = []string{tc.strict}
			}
			out, errOut, code = runMain([]string{"-json", "-lenient", "-decode-all", file})
			errOut = strings.ReplaceAll(errOut, file, "F")
			want := fmt.Sprintf("consentdenied: %d records read, %d decoded, %d skipped\n", clean+len(skips), clean, len(skips))
			for _, s := range skips {
				want += "  skipped " + s + "\n"
			}
			if code != 0 {
				t.Errorf("lenient (%s): status %d, want 0", tc.reason, code)
			}
			if diff := cmp.Diff(want, errOut); diff != "" {
				t.Errorf("lenient summary (%s) (-want +got):\n%s", tc.reason, diff)
			}
			if diff := cmp.Diff(wantOut, out); diff != "" {
				t.Errorf("lenient findings must equal those of the clean file (%s) (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func runMain(args []string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = program().Main(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}
