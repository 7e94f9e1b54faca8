package cli_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/cli"
)

var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

func program() cli.Program {
	return cli.Program{
		Name:       "consentdenied",
		Usage:      "[-json|-risk] [-lenient] [FILE...]",
		Detections: []detection.Rule{detection.Of(rules.O365UserConsentDenied())},
		Samples:    []string{"testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl"},
	}
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "o365_user_consent_denied_for_oauth_application", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const good = `{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a@example.com","ipAddress":"192.0.2.1","appDisplayName":"App","status":{"errorCode":65004,"failureReason":"User declined to consent to access the app."}}` + "\n"

func TestMain_(t *testing.T) {
	bad := write(t, "bad.jsonl", good+`{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"abc"}}`+"\n"+good)
	cut := `{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":1}`
	malformed := filepath.Join(filepath.Dir(bad), "malformed.jsonl")
	if err := os.WriteFile(malformed, []byte(good+cut+"\n"+good), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		reason     string
		args       []string
		stdin      string
		wantCode   int
		wantStdout string // exact, when set
		stdoutHas  string
		wantStderr string // exact, with the temp dir replaced by DIR
	}{
		{name: "sample table", reason: "no arguments runs the rule on the bundled sample", wantCode: 0, stdoutHas: "O365 User Consent Denied for OAuth Application: 9 findings"},
		{name: "sample json", reason: "-json prints exactly the golden findings", args: []string{"-json"}, wantStdout: golden(t, "findings.golden.jsonl")},
		{name: "sample risk", reason: "-risk prints exactly the golden risk events", args: []string{"-risk"}, wantStdout: golden(t, "risk.golden.jsonl")},
		{name: "stdin", reason: "- reads standard input", args: []string{"-json", "-"}, stdin: good, wantStdout: `{"user":"a@example.com","src_ip":"192.0.2.1","appDisplayName":"App","status.failureReason":"User declined to consent to access the app.","firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00"}` + "\n"},
		{name: "strict malformed record", reason: "a malformed line, even one no rule can match, exits 1 with FILE:LINE: and prints nothing", args: []string{"-json", malformed}, wantCode: 1, wantStdout: "",
			wantStderr: "DIR/malformed.jsonl:2: invalid JSON: unexpected end of record (truncated?) (byte " + strconv.Itoa(len(good)+len(cut)) + ")\n"},
		{name: "wrong type passed over", reason: "by default a record no rule can match is checked to be well-formed JSON, not decoded", args: []string{"-json", bad}, wantCode: 0,
			wantStdout: `{"user":"a@example.com","src_ip":"192.0.2.1","appDisplayName":"App","status.failureReason":"User declined to consent to access the app.","firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00"}` + "\n"},
		{name: "strict bad record", reason: "with -decode-all a value of the wrong type exits 1 with FILE:LINE: and prints nothing", args: []string{"-json", "-decode-all", bad}, wantCode: 1, wantStdout: "",
			wantStderr: "DIR/bad.jsonl:2: status.errorCode: want an integer, got \"abc\" (byte 281)\n"},
		{name: "lenient bad record", reason: "-lenient skips the bad record, counts it and still finds the rest", args: []string{"-json", "-lenient", "-decode-all", bad}, wantCode: 0,
			wantStdout: `{"user":"a@example.com","src_ip":"192.0.2.1","appDisplayName":"App","status.failureReason":"User declined to consent to access the app.","firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00"}` + "\n",
			wantStderr: "consentdenied: 3 records read, 2 decoded, 1 skipped\n  skipped DIR/bad.jsonl:2: status.errorCode: want an integer, got \"abc\" (byte 281)\n"},
		{name: "lenient passes over", reason: "-lenient by default counts the records passed over", args: []string{"-json", "-lenient", bad}, wantCode: 0,
			wantStdout: `{"user":"a@example.com","src_ip":"192.0.2.1","appDisplayName":"App","status.failureReason":"User declined to consent to access the app.","firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00"}` + "\n",
			wantStderr: "consentdenied: 3 records read, 2 decoded, 0 skipped, 1 passed over by the prefilter\n"},
		{name: "json and risk", reason: "the two output modes exclude each other", args: []string{"-json", "-risk"}, wantCode: 2, wantStdout: "",
			wantStderr: "consentdenied: -json and -risk cannot be used together\n"},
		{name: "missing file", reason: "an unreadable file is an error, not an empty input", args: []string{"DIR/nope.jsonl"}, wantCode: 1, wantStdout: "",
			wantStderr: "consentdenied: open DIR/nope.jsonl: no such file or directory\n"},
	}
	dir := filepath.Dir(bad)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			var stdout, stderr bytes.Buffer
			// Run from the repository root, as the README does.
			t.Chdir(filepath.Join("..", ".."))
			code := program().Main(args, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("exit status %d, want %d (%s); stderr:\n%s", code, tc.wantCode, tc.reason, stderr.String())
			}
			if tc.stdoutHas != "" && !strings.Contains(stdout.String(), tc.stdoutHas) {
				t.Errorf("stdout lacks %q (%s):\n%s", tc.stdoutHas, tc.reason, stdout.String())
			}
			if tc.stdoutHas == "" {
				if diff := cmp.Diff(tc.wantStdout, stdout.String()); diff != "" {
					t.Errorf("stdout (%s) (-want +got):\n%s", tc.reason, diff)
				}
			}
			gotErr := strings.ReplaceAll(stderr.String(), dir, "DIR")
			if tc.wantStderr != "" || tc.wantCode == 0 && !strings.Contains(strings.Join(args, " "), "-lenient") {
				if diff := cmp.Diff(tc.wantStderr, gotErr); diff != "" {
					t.Errorf("stderr (%s) (-want +got):\n%s", tc.reason, diff)
				}
			}
		})
	}
}
