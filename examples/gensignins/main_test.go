package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

func decodeAll(t *testing.T, data []byte) []event.SignInEvent {
	t.Helper()
	evs, err := event.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, reason string
		args         []string
		wantCode     int
		wantStderr   string // a substring
		wantRecords  int    // decoded from -o, when set
	}{
		{"unknown format", "a bad -format is a usage error", []string{"-format", "csv"}, 2, `unknown format "csv"`, 0},
		{"negative n", "-n must not be negative", []string{"-n", "-1"}, 2, "want 0 or more", 0},
		{"extra argument", "arguments other than flags are refused", []string{"extra"}, 2, `unexpected argument "extra"`, 0},
		{"gzip file verbose", "-o, -gzip and -v work together", []string{"-n", "50", "-format", "log-analytics", "-gzip", "-v", "-o", filepath.Join(dir, "out.gz")}, 0, "50 log-analytics records", 50},
		{"consent denials out of range", "-consent-denials is a fraction", []string{"-consent-denials", "1.5"}, 2, "want a fraction from 0 to 1", 0},
		{"consent denials", "-consent-denials works with -o", []string{"-n", "30", "-consent-denials", "1", "-o", filepath.Join(dir, "consent")}, 0, "", 30},
		{"zero records", "-n 0 writes nothing", []string{"-n", "0", "-format", "graph-page", "-o", filepath.Join(dir, "empty")}, 0, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Fatalf("run(%q) = %d, stderr %q; want %d and a stderr containing %q (%s)",
					tt.args, code, stderr.String(), tt.wantCode, tt.wantStderr, tt.reason)
			}
			if tt.wantCode != 0 {
				return
			}
			data, err := os.ReadFile(tt.args[len(tt.args)-1])
			if err != nil {
				t.Fatal(err)
			}
			if got := len(decodeAll(t, data)); got != tt.wantRecords {
				t.Errorf("decoded %d records from the output, want %d", got, tt.wantRecords)
			}
		})
	}
}
