package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/internal/cli/clitest"
	"github.com/escudo-dev/escudo/internal/sample"
)

// timed is one Azure Monitor record, its event time and its event type.
type timed struct {
	line string // with its newline
	at   time.Time
	typ  string // the event type's name
}

// streamRecords returns the Azure Monitor records of every rule's sample
// and of the sign-in and audit datasets (as TestMixedExport gathers
// them), each once, those of the event types the catalogue reads, sorted
// by event time: a stream in order, with no late event.
func streamRecords(t *testing.T) []timed {
	t.Helper()
	paths := []string{clitest.Formats("azure-monitor-blob.jsonl"), clitest.Formats("audit/azure-monitor.jsonl")}
	for _, d := range rules.All() {
		paths = append(paths, sample.Path(sample.Dir(d.Meta().Name)+"/"+sample.File(d.EventType())))
	}
	var out []timed
	seen := map[string]bool{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.SplitAfter(string(data), "\n") {
			if !strings.Contains(l, `"category":`) || seen[l] {
				continue // a Graph object, or a record seen already
			}
			seen[l] = true
			if !strings.HasSuffix(l, "\n") {
				l += "\n"
			}
			if at, typ, ok := eventTime(t, l); ok {
				out = append(out, timed{l, at, typ})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// eventTime decodes an Azure Monitor record as the event type that reads
// its kind and returns its event time and the type's name, and false for
// a kind no rule reads.
func eventTime(t *testing.T, line string) (time.Time, string, bool) {
	t.Helper()
	r := event.NewReader(strings.NewReader(line))
	rec, err := r.ReadRecord()
	if err != nil {
		t.Fatal(err)
	}
	kind := event.KindOf(rec)
	switch {
	case (*event.SignInEvent)(nil).Schema().Accepts(kind):
		return timeOf[event.SignInEvent](t, r, rec)
	case (*event.AuditEvent)(nil).Schema().Accepts(kind):
		return timeOf[event.AuditEvent](t, r, rec)
	case (*event.RiskDetectionEvent)(nil).Schema().Accepts(kind):
		return timeOf[event.RiskDetectionEvent](t, r, rec)
	case (*event.GraphActivityEvent)(nil).Schema().Accepts(kind):
		return timeOf[event.GraphActivityEvent](t, r, rec)
	}
	return time.Time{}, "", false
}

func timeOf[E any, P event.Typed[E]](t *testing.T, r *event.Reader, rec event.Record) (time.Time, string, bool) {
	var ev E
	s := P(nil).Schema()
	if err := s.Decode(r, rec, &ev); err != nil {
		t.Fatal(err)
	}
	return s.Time(&ev), s.Name, true
}

// ofTypes returns the records of the rule's event types.
func ofTypes(recs []timed, d detection.Rule) []timed {
	types := strings.Split(d.EventType(), "+")
	var out []timed
	for _, r := range recs {
		if slices.Contains(types, r.typ) {
			out = append(out, r)
		}
	}
	return out
}

func joined(recs []timed) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(r.line)
	}
	return b.String()
}

// mustRun runs detect and fails the test unless it exits 0 with nothing
// on stderr.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := clitest.Run(program(), args...)
	if code != 0 || errOut != "" {
		t.Fatalf("detect %s: status %d, stderr:\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// bySearch splits JSON lines (findings or risk events) by search_name.
func bySearch(t *testing.T, out string) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	for _, l := range strings.SplitAfter(out, "\n") {
		if l == "" {
			continue
		}
		var v struct {
			SearchName string `json:"search_name"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil || v.SearchName == "" {
			t.Fatalf("output line %q: no search_name (%v)", l, err)
		}
		got[v.SearchName] = append(got[v.SearchName], l)
	}
	return got
}

// TestStreamCheckpointSplit is the checkpoint contract over the whole
// catalogue and every sample's records in time order, cut at several
// points A|B: "detect -stream -checkpoint c A" then "detect -stream
// -checkpoint c -close B" print, together, exactly what "detect -stream
// A B" prints, findings and risk events, for every rule with findings,
// nothing repeated and nothing missing; and a later run prints nothing
// again. Each finding has search_name first and info_min_time and
// info_max_time last.
func TestStreamCheckpointSplit(t *testing.T) {
	recs := streamRecords(t)
	n := len(recs)
	cuts := []int{0, 1, n / 3, n / 2, n - 1, n}
	dir := t.TempDir()
	empty := clitest.Write(t, "empty.jsonl", nil)
	fired := 0
	for _, mode := range []string{"-json", "-risk"} {
		for _, k := range cuts {
			a := filepath.Join(dir, fmt.Sprintf("a%d.jsonl", k))
			b := filepath.Join(dir, fmt.Sprintf("b%d.jsonl", k))
			for p, data := range map[string]string{a: joined(recs[:k]), b: joined(recs[k:])} {
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cp := filepath.Join(dir, fmt.Sprintf("state%s%d", mode, k))
			whole := mustRun(t, "-stream", mode, a, b)
			first := mustRun(t, "-stream", mode, "-workers", "1", "-checkpoint", cp, a)
			second := mustRun(t, "-stream", mode, "-workers", "3", "-checkpoint", cp, "-close", b)
			if again := mustRun(t, "-stream", mode, "-checkpoint", cp, "-close", empty); again != "" {
				t.Errorf("%s, cut at %d: a run after -close printed again:\n%s", mode, k, again)
			}
			w, s := bySearch(t, whole), bySearch(t, first+second)
			for name, lines := range w {
				if diff := cmp.Diff(lines, s[name]); diff != "" {
					t.Errorf("%s, cut at %d of %d: %s: split differs from whole (-whole +split):\n%s", mode, k, n, name, diff)
				}
			}
			for name := range s {
				if w[name] == nil {
					t.Errorf("%s, cut at %d: %s has findings only when split", mode, k, name)
				}
			}
			if first+second != whole {
				t.Errorf("%s, cut at %d: the split output is not in the order of the whole", mode, k)
			}
			if mode == "-json" && k == 0 {
				fired = len(w)
				checkColumns(t, whole)
			}
		}
	}
	t.Logf("%d records; %d of %d rules have findings in the stream", n, fired, len(rules.All()))
	if fired != len(rules.All()) {
		t.Errorf("%d of %d rules have findings in the stream; the test needs every rule to fire, so that the split is checked for each", fired, len(rules.All()))
	}
}

// checkColumns checks that each finding line starts with search_name and
// ends with info_min_time and info_max_time, a whole window apart.
func checkColumns(t *testing.T, out string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		var keys []string
		vals := map[string]json.Number{}
		dec.Token() // {
		for dec.More() {
			k, _ := dec.Token()
			keys = append(keys, k.(string))
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if num, ok := v.(json.Number); ok {
				vals[k.(string)] = num
			}
		}
		if len(keys) < 3 || keys[0] != "search_name" || keys[len(keys)-2] != detection.InfoMinTime || keys[len(keys)-1] != detection.InfoMaxTime {
			t.Fatalf("finding's columns %q: want search_name first, info_min_time and info_max_time last", keys)
		}
		lo, err1 := strconv.ParseInt(vals[detection.InfoMinTime].String(), 10, 64)
		hi, err2 := strconv.ParseInt(vals[detection.InfoMaxTime].String(), 10, 64)
		if err1 != nil || err2 != nil || hi <= lo {
			t.Fatalf("finding %s: window [%v, %v)", l, vals[detection.InfoMinTime], vals[detection.InfoMaxTime])
		}
	}
}

// TestStreamCheckpointSplitPerRule runs the split of
// TestStreamCheckpointSplit with each rule alone (-rules) over the
// records of its event types, cut in the middle: what it prints is what
// the whole catalogue's uninterrupted stream prints for it. Its
// checkpoint holds its windows only, and is not one of the catalogue.
func TestStreamCheckpointSplitPerRule(t *testing.T) {
	recs := streamRecords(t)
	whole := bySearch(t, mustRun(t, "-stream", clitest.Write(t, "all.jsonl", []byte(joined(recs)))))
	for _, d := range rules.All() {
		m := d.Meta()
		own := ofTypes(recs, d)
		k := len(own) / 2
		a := clitest.Write(t, "a.jsonl", []byte(joined(own[:k])))
		b := clitest.Write(t, "b.jsonl", []byte(joined(own[k:])))
		slug := sample.Slug(m.Name)
		cp := filepath.Join(t.TempDir(), "state")
		split := mustRun(t, "-stream", "-rules", slug, "-checkpoint", cp, a) + mustRun(t, "-stream", "-rules", slug, "-checkpoint", cp, "-close", b)
		if len(whole[m.SearchName()]) == 0 {
			t.Errorf("%s: no finding in the catalogue's stream; the test needs one", m.Name)
		}
		if diff := cmp.Diff(whole[m.SearchName()], bySearch(t, split)[m.SearchName()]); diff != "" {
			t.Errorf("%s alone, split: differs from the catalogue's whole stream (-catalogue +alone):\n%s", m.Name, diff)
		}
		if d == rules.All()[0] {
			_, errOut, code := clitest.Run(program(), "-stream", "-checkpoint", cp, b)
			if want := fmt.Sprintf("detect: -checkpoint %s: detection: bad checkpoint: taken with 1 detections, the engine runs %d\n", cp, len(rules.All())); code != 1 || errOut != want {
				t.Errorf("a checkpoint of one rule restored for the catalogue: status %d, stderr %q; want 1, %q", code, errOut, want)
			}
		}
	}
}

// timeout bounds every wait: far above what any machine needs, so that it
// only turns a hang into a failure.
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

// firstClose returns the index of the record that closes the window of
// the first finding of a stream's output out: the first whose time, less
// the default lateness, reaches that window's end (info_max_time).
func firstClose(t *testing.T, recs []timed, out string) int {
	t.Helper()
	first, _, _ := strings.Cut(out, "\n")
	var f struct {
		End int64 `json:"info_max_time"`
	}
	if err := json.Unmarshal([]byte(first), &f); err != nil || f.End == 0 {
		t.Fatalf("first finding %q: no info_max_time (%v)", first, err)
	}
	end := time.Unix(f.End, 0)
	for i, r := range recs {
		if !r.at.Add(-detection.DefaultLateness).Before(end) {
			return i
		}
	}
	t.Fatal("no record closes the first window: it closes only at the end")
	return 0
}

// TestStreamTail feeds the records through a pipe to "detect -stream -",
// as tail -f would, and checks that a finding is printed as soon as a
// later event moves the watermark past its window, while the input is
// still open; and that the whole output, once the input ends, is that of
// the same records read from a file.
func TestStreamTail(t *testing.T) {
	recs := streamRecords(t)
	want := mustRun(t, "-stream", clitest.Write(t, "all.jsonl", []byte(joined(recs))))
	i := firstClose(t, recs, want)
	firstLine := want[:strings.Index(want, "\n")+1]
	t.Logf("record %d of %d closes the first window with findings", i, len(recs))

	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pw.Close(); pr.Close() })
	var out, errOut clitest.SyncBuffer
	status := make(chan int, 1)
	go func() { status <- program().Main([]string{"-stream", "-"}, pr, &out, &errOut) }()
	write := func(recs []timed) {
		t.Helper()
		done := make(chan error, 1)
		go func() { _, err := io.WriteString(pw, joined(recs)); done <- err }()
		if err := receive(t, "the pipe to take the records", done); err != nil {
			t.Fatal(err)
		}
	}
	write(recs[:i])
	if got := out.String(); got != "" {
		t.Fatalf("findings printed before their window could close:\n%s", got)
	}
	write(recs[i : i+1])
	waitFor(t, "the first finding, with the input still open", func() bool { return strings.HasPrefix(out.String(), firstLine) })
	write(recs[i+1:])
	pw.Close()
	if code := receive(t, "the program to end with its input", status); code != 0 || errOut.String() != "" {
		t.Errorf("status %d, stderr %q; want 0 and none", code, errOut.String())
	}
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output from the pipe differs from the file's (-file +pipe):\n%s", diff)
	}
}

// TestStreamInterrupt interrupts the catalogue's stream, read from a pipe
// that stays open, after its first finding: exit status 130, only the
// windows closed printed, and a checkpoint that restores (through the
// library too) into a stream that, given the records not read, prints
// the rest of what one uninterrupted stream prints.
func TestStreamInterrupt(t *testing.T) {
	recs := streamRecords(t)
	want := mustRun(t, "-stream", clitest.Write(t, "all.jsonl", []byte(joined(recs))))
	i := firstClose(t, recs, want)
	cp := filepath.Join(t.TempDir(), "state")

	sigs := make(chan os.Signal, 1)
	p := program()
	p.Signals = sigs
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close(); pr.Close() })
	var out, errOut clitest.SyncBuffer
	status := make(chan int, 1)
	go func() { status <- p.Main([]string{"-stream", "-checkpoint", cp, "-"}, pr, &out, &errOut) }()
	written := make(chan error, 1)
	go func() { _, err := io.WriteString(pw, joined(recs[:i+1+(len(recs)-i)/2])); written <- err }()
	if err := receive(t, "the pipe to take the records", written); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a finding", func() bool { return out.String() != "" })
	sigs <- os.Interrupt
	if code := receive(t, "the program to stop", status); code != cli.ExitInterrupted {
		t.Errorf("status %d, want %d", code, cli.ExitInterrupted)
	}
	printed := out.String()
	if !strings.HasPrefix(want, printed) || !strings.HasSuffix(printed, "\n") {
		t.Fatalf("printed on interrupt, not whole windows of the uninterrupted stream:\n%s", printed)
	}

	data, err := os.ReadFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detection.NewEngine(detection.Options{}, rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	st, err := eng.RestoreStream(data, detection.StreamOptions{})
	if err != nil {
		t.Fatalf("the checkpoint saved on interrupt: %v", err)
	}
	read := st.Counts().Records
	t.Logf("interrupted after %d records, with %d lines printed and %d windows open", read, strings.Count(printed, "\n"), st.OpenWindows())
	if wantErr := fmt.Sprintf("detect: interrupted (%d records read): state saved to %s\n", read, cp); errOut.String() != wantErr {
		t.Errorf("stderr %q, want %q", errOut.String(), wantErr)
	}
	if read == 0 || read > int64(i+1+(len(recs)-i)/2) {
		t.Fatalf("the checkpoint holds %d records; %d were written", read, i+1+(len(recs)-i)/2)
	}
	rest := mustRun(t, "-stream", "-checkpoint", cp, "-close", clitest.Write(t, "rest.jsonl", []byte(joined(recs[read:]))))
	if diff := cmp.Diff(want, printed+rest); diff != "" {
		t.Errorf("interrupted and restored differs from uninterrupted (-whole +split):\n%s", diff)
	}
}
