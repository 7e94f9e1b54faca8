package cli_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/internal/cli/clitest"
)

// These tests run stream mode (-stream) on the consent-denied program,
// whose one detection groups by user and has one-hour windows, so every
// window's findings can be written out by hand.

func streamProgram() cli.Program {
	p := program()
	p.Stream = true
	return p
}

// consent is a consent-denied sign-in of user at time at (RFC 3339), as
// one JSON line.
func consent(user, at string) string {
	return `{"createdDateTime":"` + at + `","userPrincipalName":"` + user + `","ipAddress":"192.0.2.1","appDisplayName":"App",` +
		`"status":{"errorCode":65004,"failureReason":"User declined to consent to access the app."}}` + "\n"
}

// finding is the JSON line of the finding of consent(user, at) alone, in
// the window [start, start+1h) of the day of the records, 2025-03-14 (start
// is "09:00"): the batch -json line with info_min_time and info_max_time.
func finding(user, at, start string) string {
	s, err := time.Parse(time.RFC3339, "2025-03-14T"+start+":00Z")
	if err != nil {
		panic(err)
	}
	first := strings.TrimSuffix(at, "Z")
	return `{"user":"` + user + `","src_ip":"192.0.2.1","appDisplayName":"App","status.failureReason":"User declined to consent to access the app.",` +
		`"firstTime":"` + first + `","lastTime":"` + first + `",` +
		fmt.Sprintf(`"info_min_time":%d,"info_max_time":%d}`, s.Unix(), s.Add(time.Hour).Unix()) + "\n"
}

// run runs p with stdin and args and returns its output and status.
func run(p cli.Program, stdin string, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = p.Main(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// timeout bounds every wait of these tests: far above what any machine
// needs, so that it only turns a hang into a failure.
const timeout = 30 * time.Second

// waitFor polls until cond holds, failing the test after timeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

// receive returns the value sent on ch, failing the test after timeout.
func receive[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(timeout):
		t.Fatalf("timed out after %v waiting for %s", timeout, what)
		panic("unreachable")
	}
}

// TestStreamOutput checks what stream mode prints: each window's
// findings as soon as a later event moves the watermark (the latest
// event time less the lateness) past its end, then those of the windows
// still open at the end of the input; as JSON lines with or without
// -json, each ending with its window's info_min_time and info_max_time;
// and with -risk, the risk events of the same findings.
func TestStreamOutput(t *testing.T) {
	in := consent("a@example.com", "2025-03-14T09:00:00Z") +
		consent("b@example.com", "2025-03-14T09:40:00Z") +
		consent("c@example.com", "2025-03-14T10:15:00Z") + // watermark 10:05: the 09:00 window closes
		consent("d@example.com", "2025-03-14T12:30:00Z") // watermark 12:20: the 10:00 window closes; 12:00 stays open
	want := finding("a@example.com", "2025-03-14T09:00:00Z", "09:00") +
		finding("b@example.com", "2025-03-14T09:40:00Z", "09:00") +
		finding("c@example.com", "2025-03-14T10:15:00Z", "10:00") +
		finding("d@example.com", "2025-03-14T12:30:00Z", "12:00")
	path := write(t, "in.jsonl", in)
	for _, args := range [][]string{{"-stream", path}, {"-stream", "-json", path}, {"-json", "-stream", "-"}} {
		out, errOut, code := run(streamProgram(), in, args...)
		if code != 0 || errOut != "" {
			t.Errorf("%q: status %d, stderr %q; want 0 and none", args, code, errOut)
		}
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("%q: stdout (-want +got):\n%s", args, diff)
		}
	}

	// -risk: the risk events of each window's findings, which are those
	// of the batch run over the window's events.
	var wantRisk string
	for _, w := range []string{
		consent("a@example.com", "2025-03-14T09:00:00Z") + consent("b@example.com", "2025-03-14T09:40:00Z"),
		consent("c@example.com", "2025-03-14T10:15:00Z"),
		consent("d@example.com", "2025-03-14T12:30:00Z"),
	} {
		out, _, code := run(streamProgram(), w, "-risk", "-")
		if code != 0 || out == "" {
			t.Fatalf("batch -risk: status %d, output %q", code, out)
		}
		wantRisk += out
	}
	out, errOut, code := run(streamProgram(), "", "-stream", "-risk", path)
	if code != 0 || errOut != "" {
		t.Errorf("-stream -risk: status %d, stderr %q; want 0 and none", code, errOut)
	}
	if diff := cmp.Diff(wantRisk, out); diff != "" {
		t.Errorf("-stream -risk: stdout (-want +got):\n%s", diff)
	}
}

// TestStreamLate checks that each late event (one whose window has
// closed) is reported on stderr as one located line, with the exit status
// 1, or 0 with -lenient; and that it is merged into no window.
func TestStreamLate(t *testing.T) {
	r1 := consent("a@example.com", "2025-03-14T10:05:00Z")
	r2 := consent("a@example.com", "2025-03-14T11:20:00Z") // watermark 11:10: 10:00 closes
	r3 := consent("b@example.com", "2025-03-14T10:30:00Z") // late
	r4 := consent("c@example.com", "2025-03-14T11:05:00Z") // before the watermark, but 11:00 is open: not late
	r5 := consent("d@example.com", "2025-03-14T09:59:59Z") // late
	path := write(t, "late.jsonl", r1+r2+r3+r4+r5)
	wantOut := finding("a@example.com", "2025-03-14T10:05:00Z", "10:00") +
		finding("a@example.com", "2025-03-14T11:20:00Z", "11:00") +
		finding("c@example.com", "2025-03-14T11:05:00Z", "11:00")
	wantLate := fmt.Sprintf("consentdenied: %[1]s:3: late event at 2025-03-14T10:30:00Z, watermark 2025-03-14T11:10:00Z (byte %[2]d), missed by \"O365 User Consent Denied for OAuth Application\"\n"+
		"consentdenied: %[1]s:5: late event at 2025-03-14T09:59:59Z, watermark 2025-03-14T11:10:00Z (byte %[3]d), missed by \"O365 User Consent Denied for OAuth Application\"\n",
		path, len(r1+r2), len(r1+r2+r3+r4))
	for _, tt := range []struct {
		args    []string
		code    int
		summary string
	}{
		{[]string{"-stream", path}, 1, ""},
		{[]string{"-stream", "-lenient", path}, 0, "consentdenied: 5 records read, 5 decoded, 0 skipped\n"},
	} {
		out, errOut, code := run(streamProgram(), "", tt.args...)
		if code != tt.code {
			t.Errorf("%q: status %d, want %d", tt.args, code, tt.code)
		}
		if diff := cmp.Diff(wantLate+tt.summary, errOut); diff != "" {
			t.Errorf("%q: stderr (-want +got):\n%s", tt.args, diff)
		}
		if diff := cmp.Diff(wantOut, out); diff != "" {
			t.Errorf("%q: stdout (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestStreamCheckpoint checks -checkpoint: a run saves its open windows
// instead of closing them, the next run restores them and closes them
// when its input moves the watermark, -close closes what is left and
// saves the closed state, which a later run does not print again.
func TestStreamCheckpoint(t *testing.T) {
	a := consent("a@example.com", "2025-03-14T09:00:00Z") + consent("b@example.com", "2025-03-14T10:15:00Z")
	b := consent("c@example.com", "2025-03-14T10:20:00Z") + consent("d@example.com", "2025-03-14T11:30:00Z")
	pa, pb, empty := write(t, "a.jsonl", a), write(t, "b.jsonl", b), write(t, "empty.jsonl", "")
	whole, _, code := run(streamProgram(), "", "-stream", pa, pb)
	if code != 0 {
		t.Fatalf("-stream A B: status %d", code)
	}
	cp := filepath.Join(t.TempDir(), "state")
	steps := []struct {
		args []string
		out  string
	}{
		{[]string{"-stream", "-checkpoint", cp, pa}, finding("a@example.com", "2025-03-14T09:00:00Z", "09:00")},
		{[]string{"-stream", "-checkpoint", cp, empty}, ""}, // nothing moves the watermark
		{[]string{"-stream", "-checkpoint", cp, "-close", pb}, finding("b@example.com", "2025-03-14T10:15:00Z", "10:00") +
			finding("c@example.com", "2025-03-14T10:20:00Z", "10:00") + finding("d@example.com", "2025-03-14T11:30:00Z", "11:00")},
		{[]string{"-stream", "-checkpoint", cp, "-close", empty}, ""}, // closed: nothing printed again
	}
	var got string
	for _, s := range steps {
		out, errOut, code := run(streamProgram(), "", s.args...)
		if code != 0 || errOut != "" {
			t.Errorf("%q: status %d, stderr %q; want 0 and none", s.args, code, errOut)
		}
		if diff := cmp.Diff(s.out, out); diff != "" {
			t.Errorf("%q: stdout (-want +got):\n%s", s.args, diff)
		}
		got += out
	}
	if diff := cmp.Diff(whole, got); diff != "" {
		t.Errorf("the runs with a checkpoint differ from one run over both inputs (-whole +split):\n%s", diff)
	}
	if left, err := filepath.Glob(filepath.Join(filepath.Dir(cp), ".*")); err != nil || len(left) > 0 {
		t.Errorf("temporary files left beside the checkpoint: %q", left)
	}
}

// TestStreamInterrupt checks SIGINT and SIGTERM during a stream read from
// a pipe that stays open: exit status 130, nothing printed but the
// windows that had closed (no open window is closed early), and with
// -checkpoint the state saved, so that a run over the rest of the input
// prints what one uninterrupted run does.
func TestStreamInterrupt(t *testing.T) {
	first := consent("a@example.com", "2025-03-14T09:00:00Z") + consent("b@example.com", "2025-03-14T09:10:00Z") +
		consent("c@example.com", "2025-03-14T10:55:00Z") // closes 09:00
	rest := consent("d@example.com", "2025-03-14T11:30:00Z")
	whole, _, code := run(streamProgram(), first+rest, "-stream", "-")
	if code != 0 {
		t.Fatalf("-stream: status %d", code)
	}
	closed := finding("a@example.com", "2025-03-14T09:00:00Z", "09:00") + finding("b@example.com", "2025-03-14T09:10:00Z", "09:00")
	for _, tt := range []struct {
		name   string
		sig    os.Signal
		cp     bool
		stderr string
	}{
		{"SIGINT", os.Interrupt, true, "consentdenied: interrupted (3 records read): state saved to CP\n"},
		{"SIGTERM", syscall.SIGTERM, true, "consentdenied: interrupted (3 records read): state saved to CP\n"},
		{"SIGINT without checkpoint", os.Interrupt, false, "consentdenied: interrupted (3 records read): 1 open window not closed\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "state")
			args := []string{"-stream", "-"}
			if tt.cp {
				args = []string{"-stream", "-checkpoint", cp, "-"}
			}
			sigs := make(chan os.Signal, 1)
			p := streamProgram()
			p.Signals = sigs
			pr, pw := io.Pipe()
			t.Cleanup(func() { pw.Close(); pr.Close() })
			var out, errOut clitest.SyncBuffer
			status := make(chan int, 1)
			go func() { status <- p.Main(args, pr, &out, &errOut) }()
			written := make(chan error, 1)
			go func() { _, err := io.WriteString(pw, first); written <- err }()
			if err := receive(t, "the input to be read", written); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the 09:00 window's findings", func() bool { return out.String() == closed })
			sigs <- tt.sig
			code := receive(t, "the program to stop", status)
			if code != cli.ExitInterrupted {
				t.Errorf("status %d, want %d", code, cli.ExitInterrupted)
			}
			if diff := cmp.Diff(closed, out.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(strings.ReplaceAll(tt.stderr, "CP", cp), errOut.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if !tt.cp {
				return
			}
			more, errMore, code := run(streamProgram(), "", "-stream", "-checkpoint", cp, "-close", write(t, "rest.jsonl", rest))
			if code != 0 || errMore != "" {
				t.Fatalf("run from the checkpoint: status %d, stderr %q", code, errMore)
			}
			if diff := cmp.Diff(whole, out.String()+more); diff != "" {
				t.Errorf("interrupted and restored differs from uninterrupted (-whole +split):\n%s", diff)
			}
		})
	}
}

// TestStreamBadCheckpoint checks that a checkpoint that cannot be
// restored is an error naming the file, with exit status 1 and nothing
// printed, and is left as it was: never a silent fresh start.
func TestStreamBadCheckpoint(t *testing.T) {
	in := write(t, "in.jsonl", consent("a@example.com", "2025-03-14T09:00:00Z")+consent("b@example.com", "2025-03-14T10:15:00Z"))
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if _, errOut, code := run(streamProgram(), "", "-stream", "-checkpoint", good, in); code != 0 {
		t.Fatalf("saving a checkpoint: status %d, %s", code, errOut)
	}
	cp, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(cp)
	flipped[len(flipped)/2] ^= 1
	for _, tt := range []struct {
		name string
		data []byte
		args []string
		want string
	}{
		{"not a checkpoint", []byte("{}\n"), nil, "detection: bad checkpoint: not a stream checkpoint"},
		{"empty", []byte{}, nil, "detection: bad checkpoint: not a stream checkpoint"},
		{"truncated", cp[:len(cp)-10], nil, "detection: bad checkpoint: corrupt or truncated (checksum mismatch)"},
		{"flipped bit", flipped, nil, "detection: bad checkpoint: corrupt or truncated (checksum mismatch)"},
		{"other lateness", cp, []string{"-lateness", "5m"}, "detection: bad checkpoint: lateness 10m0s, this stream's is 5m0s"},
		{"other window", cp, []string{"-window", "2h"}, "detection: bad checkpoint: O365 User Consent Denied for OAuth Application: window 1h0m0s, this stream's is 2h0m0s"},
		{"directory", nil, nil, "is a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state")
			if tt.data != nil {
				if err := os.WriteFile(path, tt.data, 0o644); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Mkdir(path, 0o755); err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{"-stream", "-checkpoint", path}, tt.args...), in)
			out, errOut, code := run(streamProgram(), "", args...)
			if code != 1 {
				t.Errorf("status %d, want 1", code)
			}
			if want := "consentdenied: -checkpoint " + path + ": " + tt.want + "\n"; errOut != want {
				t.Errorf("stderr %q, want %q", errOut, want)
			}
			if out != "" {
				t.Errorf("stdout %q, want none", out)
			}
			if tt.data != nil {
				if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, tt.data) {
					t.Errorf("the checkpoint was changed (%v)", err)
				}
			}
		})
	}
	t.Run("no such directory", func(t *testing.T) {
		path := filepath.Join(dir, "nope", "state")
		out, errOut, code := run(streamProgram(), "", "-stream", "-checkpoint", path, in)
		if want := "consentdenied: -checkpoint " + path + ": cannot write a checkpoint in " + filepath.Dir(path) + ": no such file or directory\n"; code != 1 || errOut != want || out != "" {
			t.Errorf("status %d, stderr %q, stdout %q; want 1, %q and none", code, errOut, out, want)
		}
	})
}

// TestStreamBadRecord checks a bad record in strict stream mode: the
// message of batch mode, exit status 1, the windows already closed
// printed and no other; with -checkpoint, the state up to the bad record
// saved, so that the stream goes on from there.
func TestStreamBadRecord(t *testing.T) {
	before := consent("a@example.com", "2025-03-14T09:00:00Z") + consent("b@example.com", "2025-03-14T10:15:00Z")
	// The bad record holds the rule's literal, so it is decoded (a record
	// no rule can match is only checked to be well-formed).
	bad := `{"createdDateTime":"2025-03-14T10:20:00Z","status":{"errorCode":"65004x"}}` + "\n"
	after := consent("c@example.com", "2025-03-14T10:30:00Z")
	path := write(t, "bad.jsonl", before+bad+after)
	wantErr := fmt.Sprintf("%s:3: status.errorCode: want an integer, got \"65004x\" (byte %d)\n", path, len(before)+len(`{"createdDateTime":"2025-03-14T10:20:00Z","status":{"errorCode":`))
	closed := finding("a@example.com", "2025-03-14T09:00:00Z", "09:00")
	cp := filepath.Join(t.TempDir(), "state")
	for _, args := range [][]string{{"-stream", path}, {"-stream", "-checkpoint", cp, "-close", path}} {
		out, errOut, code := run(streamProgram(), "", args...)
		if code != 1 || errOut != wantErr || out != closed {
			t.Errorf("%q: status %d, stderr %q, stdout %q; want 1, %q, %q", args, code, errOut, out, wantErr, closed)
		}
	}
	more, errOut, code := run(streamProgram(), "", "-stream", "-checkpoint", cp, "-close", write(t, "after.jsonl", after))
	want := finding("b@example.com", "2025-03-14T10:15:00Z", "10:00") + finding("c@example.com", "2025-03-14T10:30:00Z", "10:00")
	if code != 0 || errOut != "" || more != want {
		t.Errorf("going on from the checkpoint: status %d, stderr %q, stdout %q; want 0, none, %q", code, errOut, more, want)
	}
	// -lenient skips it, as in batch mode.
	out, errOut, code := run(streamProgram(), "", "-stream", "-lenient", path)
	wantLenient := "consentdenied: 4 records read, 3 decoded, 1 skipped\n"
	if code != 0 || errOut != wantLenient || out != closed+want {
		t.Errorf("-lenient: status %d, stderr %q, stdout %q; want 0, %q, %q", code, errOut, out, wantLenient, closed+want)
	}
}

// TestStreamInputError checks an input that fails (a gzip download cut
// short): as in batch mode, the findings of every record read are
// printed and the exit status is 1, with where the input broke; with
// -checkpoint the state is saved instead, its windows left open.
func TestStreamInputError(t *testing.T) {
	var in strings.Builder
	for i := range 200 {
		in.WriteString(consent(fmt.Sprintf("u%d@example.com", i), time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC).Add(time.Duration(i)*time.Minute).Format(time.RFC3339)))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(in.String()))
	zw.Close()
	cut := gz.Bytes()[:gz.Len()*6/10]
	zr, err := gzip.NewReader(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	var prefix bytes.Buffer
	prefix.ReadFrom(zr) // stops at the cut
	whole := bytes.Count(prefix.Bytes(), []byte("\n"))
	lines := strings.SplitAfter(in.String(), "\n")
	complete := write(t, "prefix.jsonl", strings.Join(lines[:whole], ""))
	path := write(t, "in.jsonl.gz", string(cut))
	brokeAt := fmt.Sprintf("read %s: gzip: unexpected EOF at compressed byte %d, after %d records\n", path, len(cut), whole)

	want, _, _ := run(streamProgram(), "", "-stream", complete)
	out, errOut, code := run(streamProgram(), "", "-stream", path)
	if wantErr := brokeAt + fmt.Sprintf("consentdenied: results are partial (%d records read)\n", whole); code != 1 || errOut != wantErr {
		t.Errorf("status %d, stderr %q; want 1, %q", code, errOut, wantErr)
	}
	if out != want {
		t.Errorf("stdout differs from the stream of the records before the break (-want +got):\n%s", cmp.Diff(want, out))
	}

	cp := filepath.Join(t.TempDir(), "state")
	wantCP, _, _ := run(streamProgram(), "", "-stream", "-checkpoint", filepath.Join(t.TempDir(), "other"), complete)
	out, errOut, code = run(streamProgram(), "", "-stream", "-checkpoint", cp, path)
	if wantErr := brokeAt + fmt.Sprintf("consentdenied: stopped after %d records read: state saved to %s\n", whole, cp); code != 1 || errOut != wantErr {
		t.Errorf("-checkpoint: status %d, stderr %q; want 1, %q", code, errOut, wantErr)
	}
	if out != wantCP {
		t.Errorf("-checkpoint: stdout (-want +got):\n%s", cmp.Diff(wantCP, out))
	}
	rest := write(t, "rest.jsonl", strings.Join(lines[whole:], ""))
	more, errOut, code := run(streamProgram(), "", "-stream", "-checkpoint", cp, "-close", rest)
	all, _, _ := run(streamProgram(), in.String(), "-stream", "-")
	if code != 0 || errOut != "" || out+more != all {
		t.Errorf("going on from the checkpoint: status %d, stderr %q, output differs from one run over the whole input (-whole +split):\n%s", code, errOut, cmp.Diff(all, out+more))
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestStreamWriteError checks that standard output failing stops the
// stream with exit status 1 and leaves the checkpoint as it was, so that
// the windows not printed are not lost.
func TestStreamWriteError(t *testing.T) {
	in := write(t, "in.jsonl", consent("a@example.com", "2025-03-14T09:00:00Z")+consent("b@example.com", "2025-03-14T10:15:00Z"))
	cp := filepath.Join(t.TempDir(), "state")
	var errOut bytes.Buffer
	code := streamProgram().Main([]string{"-stream", "-checkpoint", cp, in}, strings.NewReader(""), failingWriter{}, &errOut)
	if want := "consentdenied: write: broken pipe\n"; code != 1 || errOut.String() != want {
		t.Errorf("status %d, stderr %q; want 1, %q", code, errOut.String(), want)
	}
	if _, err := os.Stat(cp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a checkpoint was saved (%v)", err)
	}
}

// TestStreamUsage checks the usage errors of stream mode, and that a
// program that does not opt in has no -stream.
func TestStreamUsage(t *testing.T) {
	in := write(t, "in.jsonl", consent("a@example.com", "2025-03-14T09:00:00Z"))
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"-checkpoint", "c", in}, "consentdenied: -checkpoint works only with -stream\n"},
		{[]string{"-window", "2h", "-close", in}, "consentdenied: -close, -window work only with -stream\n"},
		{[]string{"-stream"}, "consentdenied: -stream reads the inputs named: give FILE... or - for standard input\n"},
		{[]string{"-stream", "-lateness", "0", in}, "consentdenied: -lateness is 0s, must be positive\n"},
		{[]string{"-stream", "-window", "-1h", in}, "consentdenied: -window is -1h0m0s, must be positive\n"},
		{[]string{"-stream", "-json", "-risk", in}, "consentdenied: -json and -risk cannot be used together\n"},
	} {
		out, errOut, code := run(streamProgram(), "", tt.args...)
		if code != cli.ExitUsage || errOut != tt.stderr || out != "" {
			t.Errorf("%q: status %d, stderr %q, stdout %q; want %d, %q and none", tt.args, code, errOut, out, cli.ExitUsage, tt.stderr)
		}
	}
	// -stream=false is batch mode.
	batch, _, _ := run(program(), "", "-json", in)
	if out, errOut, code := run(streamProgram(), "", "-stream=false", "-json", in); code != 0 || errOut != "" || out != batch {
		t.Errorf("-stream=false: status %d, stderr %q, stdout %q; want batch mode's %q", code, errOut, out, batch)
	}
	if _, _, code := clitest.Run(program(), "-stream", in); code != cli.ExitUsage {
		t.Errorf("a program without Stream: -stream exits %d, want %d", code, cli.ExitUsage)
	}
}
