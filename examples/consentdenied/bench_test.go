package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/internal/baseline"
	"github.com/escudo-dev/escudo/internal/signingen"
)

// commandRecords is the size of the command benchmark's input: 200,000
// generated Graph sign-ins (about 460 MB).
const commandRecords = 200_000

// generated writes n generated Graph sign-ins to a file in dir.
func generated(tb testing.TB, dir string, n int) string {
	tb.Helper()
	f, err := signingen.ParseFormat("graph")
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(dir, "signins.jsonl")
	out, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(out)
	if _, err := signingen.Generate(w, signingen.Options{N: n, Seed: 1, Format: f}); err != nil {
		tb.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// withMalformed copies the file at path with its middle record cut short
// (a malformed record no rule can match: it holds no 65004), and returns
// the copy's path and the line of that record.
func withMalformed(tb testing.TB, path string) (string, int) {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	mid := len(lines) / 2
	for bytes.Contains(lines[mid], []byte("65004")) {
		mid++
	}
	lines[mid] = append(lines[mid][:len(lines[mid])/2:len(lines[mid])/2], '\n')
	bad := filepath.Join(filepath.Dir(path), "malformed.jsonl")
	if err := os.WriteFile(bad, bytes.Join(lines, nil), 0o644); err != nil {
		tb.Fatal(err)
	}
	return bad, mid + 1
}

// runCommand runs the program as `consentdenied args...` would.
func runCommand(args ...string) (stdout, stderr string, code int) {
	var out, errOut strings.Builder
	code = program().Main(args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestMalformedAmongPassedOver checks the promise of the default run: a
// malformed record among those the prefilter passes over is still
// reported as FILE:LINE:, with exit status 1 and no findings.
func TestMalformedAmongPassedOver(t *testing.T) {
	bad, line := withMalformed(t, generated(t, t.TempDir(), 3000))
	out, errOut, code := runCommand("-json", bad)
	if want := fmt.Sprintf("%s:%d: ", bad, line); code != 1 || out != "" || !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, "invalid JSON") {
		t.Errorf("status %d, stdout %q, stderr %q; want 1, nothing, an invalid JSON message starting %q", code, out, errOut, want)
	}
}

// BenchmarkCommand runs `consentdenied -json FILE` with no other flags on
// 200,000 generated sign-ins, beside the hand-written baseline over the
// same file, so that their MB/s compare in one run; and the same command
// on the file with a malformed record in the middle, which must stop
// there with FILE:LINE: and exit status 1.
//
//	go test -run '^$' -bench Command ./examples/consentdenied
func BenchmarkCommand(b *testing.B) {
	path := generated(b, b.TempDir(), commandRecords)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(info.Size())
		for b.Loop() {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			rows, _ := baseline.ConsentDenied(f)
			f.Close()
			if len(rows) == 0 {
				b.Fatal("the baseline found nothing")
			}
		}
	})
	b.Run("consentdenied", func(b *testing.B) {
		b.SetBytes(info.Size())
		for b.Loop() {
			out, errOut, code := runCommand("-json", path)
			if code != 0 || out == "" {
				b.Fatalf("status %d, stderr %q", code, errOut)
			}
		}
	})
	bad, line := withMalformed(b, path)
	b.Run("consentdenied-malformed", func(b *testing.B) {
		b.SetBytes(info.Size() / 2) // it stops at the middle
		want := fmt.Sprintf("%s:%d: ", bad, line)
		for b.Loop() {
			out, errOut, code := runCommand("-json", bad)
			if code != 1 || out != "" || !strings.HasPrefix(errOut, want) || !strings.Contains(errOut, "invalid JSON") {
				b.Fatalf("status %d, stdout %q, stderr %q; want 1, nothing, %q...", code, out, errOut, want)
			}
		}
	})
}
