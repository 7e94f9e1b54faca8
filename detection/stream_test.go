package detection_test

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
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
	"github.com/escudo-dev/escudo/internal/sample"
)

// timed is one record of the samples and its event time.
type timed struct {
	line string
	at   time.Time
	typ  string // the event type's name
}

// eventTime decodes an Azure Monitor record into the type that reads its
// kind and returns its event time.
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
		at, ok := timeOf[event.SignInEvent](t, r, rec)
		return at, (*event.SignInEvent)(nil).Schema().Name, ok
	case (*event.AuditEvent)(nil).Schema().Accepts(kind):
		at, ok := timeOf[event.AuditEvent](t, r, rec)
		return at, (*event.AuditEvent)(nil).Schema().Name, ok
	case (*event.RiskDetectionEvent)(nil).Schema().Accepts(kind):
		at, ok := timeOf[event.RiskDetectionEvent](t, r, rec)
		return at, (*event.RiskDetectionEvent)(nil).Schema().Name, ok
	case (*event.GraphActivityEvent)(nil).Schema().Accepts(kind):
		at, ok := timeOf[event.GraphActivityEvent](t, r, rec)
		return at, (*event.GraphActivityEvent)(nil).Schema().Name, ok
	}
	return time.Time{}, "", false
}

func timeOf[E any, P event.Typed[E]](t *testing.T, r *event.Reader, rec event.Record) (time.Time, bool) {
	var ev E
	s := P(nil).Schema()
	if err := s.Decode(r, rec, &ev); err != nil {
		t.Fatal(err)
	}
	return s.Time(&ev), true
}

// catalogueRecords returns the Azure Monitor records of every rule's
// sample, each once, with their event times, in time order.
func catalogueRecords(t *testing.T) []timed {
	t.Helper()
	var out []timed
	seen := map[string]bool{}
	for _, d := range rules.All() {
		p := filepath.Join("..", sample.Dir(d.Meta().Name), sample.File(d.EventType()))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.SplitAfter(string(data), "\n") {
			if !strings.Contains(l, `"category":`) || seen[l] {
				continue // a Graph object, or a record seen in another sample
			}
			seen[l] = true
			if at, typ, ok := eventTime(t, l); ok {
				out = append(out, timed{l, at, typ})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// shuffled returns the records in an order of arrival that puts none of
// them a lateness or more behind the latest event before it: sorted by
// time plus a random delay under the lateness.
func shuffled(recs []timed, lateness time.Duration, rng *rand.Rand) []timed {
	type keyed struct {
		timed
		key time.Time
	}
	ks := make([]keyed, len(recs))
	for i, r := range recs {
		ks[i] = keyed{r, r.at.Add(time.Duration(rng.Int64N(int64(lateness))))}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key.Before(ks[j].key) })
	out := make([]timed, len(ks))
	for i, k := range ks {
		out[i] = k.timed
	}
	return out
}

func joinLines(recs []timed) string {
	var b strings.Builder
	for _, r := range recs {
		b.WriteString(r.line)
	}
	return b.String()
}

// streamed runs the whole catalogue as a stream over the records and
// returns each window's findings as JSON lines, by window.
//
// With cut > 0, the stream is stopped after cut records, checkpointed,
// and restored in a new engine, which runs the rest.
func streamed(t *testing.T, opts detection.Options, sopts detection.StreamOptions, recs []timed, cut int) (map[detection.Window][]string, *detection.Stream) {
	t.Helper()
	eng, err := detection.NewEngine(opts, rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	got := map[detection.Window][]string{}
	sopts.OnWindow = func(w detection.Window, fs []detection.Finding) error {
		if _, dup := got[w]; dup {
			t.Errorf("window %+v closed twice", w)
		}
		got[w] = jsonLines(fs)
		return nil
	}
	st, err := eng.NewStream(sopts)
	if err != nil {
		t.Fatal(err)
	}
	if cut > 0 {
		if err := st.Run(context.Background(), event.NewReader(strings.NewReader(joinLines(recs[:cut])))); err != nil {
			t.Fatal(err)
		}
		cp, err := st.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		eng, err = detection.NewEngine(opts, rules.All()...)
		if err != nil {
			t.Fatal(err)
		}
		if st, err = eng.RestoreStream(cp, sopts); err != nil {
			t.Fatal(err)
		}
		recs = recs[cut:]
	}
	if err := st.Run(context.Background(), event.NewReader(strings.NewReader(joinLines(recs)))); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return got, st
}

// TestStreamEqualsBatchPerWindow is the stream contract: for the whole
// catalogue over every sample's records, arriving out of order within
// the lateness, with one worker and with two, and stopped at a random
// record and restored from a checkpoint, each window's findings are
// those of a batch run of the rule over exactly the events of that
// window, with the window's info_min_time and info_max_time added (every
// window with an event of the rule's types is checked, with findings or
// not); and nothing is late.
func TestStreamEqualsBatchPerWindow(t *testing.T) {
	recs := catalogueRecords(t)
	lateness := 10 * time.Minute
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ workers, cut int }{{1, 0}, {2, 0}, {2, 1 + rng.IntN(len(recs)-1)}, {1, 1 + rng.IntN(len(recs)-1)}} {
		workers := c.workers
		got, st := streamed(t, detection.Options{Workers: workers}, detection.StreamOptions{Lateness: lateness}, shuffled(recs, lateness, rng), c.cut)
		if c := st.Counts(); st.Late() != 0 || c.Bad != 0 || c.Decoded+c.Prefiltered != int64(len(recs)) {
			t.Fatalf("%d workers: %d late, counts %+v; want none late and %d decoded or passed over", workers, st.Late(), c, len(recs))
		}
		checked, withFindings := 0, 0
		for _, d := range rules.All() {
			name := d.Meta().Name
			w, _ := st.WindowOf(name)
			byWindow := map[time.Time][]timed{}
			types := strings.Split(d.EventType(), "+")
			for _, r := range recs {
				if !slices.Contains(types, r.typ) {
					continue // no event of the rule's; its windows hold none either
				}
				start := epochFloor(r.at, w)
				byWindow[start] = append(byWindow[start], r)
			}
			for start, in := range byWindow {
				win := detection.Window{Detection: name, Start: start, End: start.Add(w)}
				want := batchWindow(t, d, in, win)
				if diff := cmp.Diff(want, got[win]); diff != "" {
					t.Errorf("%d workers: %s, window %v: streamed findings differ from the batch run over its %d events (-batch +stream):\n%s", workers, name, start, len(in), diff)
				}
				checked++
				if len(want) > 0 {
					withFindings++
				}
				delete(got, win)
			}
		}
		for w, fs := range got {
			t.Errorf("%d workers: window %+v streamed %d findings, and has no events of its rule's types", workers, w, len(fs))
		}
		if withFindings < 40 {
			t.Errorf("%d workers: %d of %d windows have findings; the test needs the catalogue to fire", workers, withFindings, checked)
		}
	}
}

// batchWindow runs d alone, as a batch, over the records in and returns
// its findings with the window's columns, as JSON lines.
func batchWindow(t *testing.T, d detection.Rule, in []timed, w detection.Window) []string {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, d)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(joinLines(in))))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		f.Columns = append(slices.Clip(f.Columns),
			detection.Column{Name: detection.InfoMinTime, Kind: detection.Number, Values: []string{strconv.FormatInt(w.Start.Unix(), 10)}},
			detection.Column{Name: detection.InfoMaxTime, Kind: detection.Number, Values: []string{strconv.FormatInt(w.End.Unix(), 10)}})
		out = append(out, string(f.AppendJSON(nil)))
	}
	return out
}

// epochFloor is the start of the window of length w, aligned to the
// Unix epoch, that holds t.
func epochFloor(t time.Time, w time.Duration) time.Time {
	s, n := t.Unix(), int64(w/time.Second)
	q := s / n
	if s%n < 0 {
		q--
	}
	return time.Unix(q*n, 0).UTC()
}

// TestStreamLate checks late records: one whose window has closed is
// counted, reported with its place and the watermark, and merged into
// nothing; one older than the watermark whose window is still open is
// not late.
func TestStreamLate(t *testing.T) {
	consent := consentRule()                                                         // groups by user and address; one-hour windows
	in := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T10:05:00Z") + // window 10:00
		line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T11:20:00Z") + // watermark 11:10: 10:00 closes
		line("b@example.com", "192.0.2.2", "App", 65004, "2025-03-14T10:30:00Z") + // late: 10:00 has closed
		line("c@example.com", "192.0.2.3", "App", 65004, "2025-03-14T11:05:00Z") // older than the watermark, 11:00 open
	eng, err := detection.NewEngine(detection.Options{}, detection.Of[event.SignInEvent](consent))
	if err != nil {
		t.Fatal(err)
	}
	var lates []detection.LateEvent
	var users []string
	st, err := eng.NewStream(detection.StreamOptions{
		OnLate: func(l detection.LateEvent) { lates = append(lates, l) },
		OnWindow: func(w detection.Window, fs []detection.Finding) error {
			for _, f := range fs {
				u, _ := f.Value("user")
				users = append(users, w.Start.Format("15:04")+" "+u)
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(strings.NewReader(in))
	r.Name = "in.jsonl"
	if err := st.Run(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if st.Late() != 1 || len(lates) != 1 {
		t.Fatalf("%d late, %d reported; want 1", st.Late(), len(lates))
	}
	l := lates[0]
	if l.Source != "in.jsonl" || l.Line != 3 || !l.Time.Equal(time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)) ||
		!l.Watermark.Equal(time.Date(2025, 3, 14, 11, 10, 0, 0, time.UTC)) || len(l.Detections) != 1 {
		t.Errorf("late event %+v", l)
	}
	if want := "in.jsonl:3: late event at 2025-03-14T10:30:00Z, watermark 2025-03-14T11:10:00Z (byte "; !strings.HasPrefix(l.String(), want) {
		t.Errorf("String() = %q, want it to start %q", l.String(), want)
	}
	if diff := cmp.Diff([]string{"10:00 a@example.com", "11:00 a@example.com", "11:00 c@example.com"}, users); diff != "" {
		t.Errorf("findings by window (-want +got):\n%s", diff)
	}
}

// sliceSource hands out readers, then err (io.EOF at the end).
type sliceSource struct {
	rs  []*event.Reader
	err error
}

func (s *sliceSource) Next(ctx context.Context) (*event.Reader, error) {
	if len(s.rs) == 0 {
		return nil, s.err
	}
	r := s.rs[0]
	s.rs = s.rs[1:]
	return r, nil
}

// TestStreamRunSource checks that a stream run from a Source sees what a
// run of the same inputs sees, positions included, and returns the
// source's error.
func TestStreamRunSource(t *testing.T) {
	recs := catalogueRecords(t)
	half := len(recs) / 2
	readers := func() []*event.Reader {
		a, b := event.NewReader(strings.NewReader(joinLines(recs[:half]))), event.NewReader(strings.NewReader(joinLines(recs[half:])))
		a.Name, b.Name = "a", "b"
		return []*event.Reader{a, b}
	}
	var want, got []emitted
	st1, err := catalogueEngine(t, 1).NewStream(detection.StreamOptions{OnWindow: recorder(&want)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st1.Run(context.Background(), readers()...); err != nil {
		t.Fatal(err)
	}
	st2, err := catalogueEngine(t, 2).NewStream(detection.StreamOptions{OnWindow: recorder(&got)})
	if err != nil {
		t.Fatal(err)
	}
	if err := st2.RunSource(context.Background(), &sliceSource{rs: readers(), err: io.EOF}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
		t.Errorf("from a Source (%d windows) differs from Run (-Run +RunSource):\n%s", len(want), diff)
	}
	if diff := cmp.Diff(st1.Positions(), st2.Positions()); diff != "" || len(st1.Positions()) != 2 || st1.Positions()[1].Records != int64(len(recs)-half) {
		t.Errorf("positions %+v; RunSource's differ (-Run +RunSource):\n%s", st1.Positions(), diff)
	}
	boom := errors.New("broker gone")
	st3, err := catalogueEngine(t, 1).NewStream(detection.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st3.RunSource(context.Background(), &sliceSource{rs: readers()[:1], err: boom}); !errors.Is(err, boom) {
		t.Errorf("RunSource = %v, want the source's error", err)
	}
	if c := st3.Counts(); c.Decoded+c.Prefiltered != int64(half) {
		t.Errorf("before the source's error: %d decoded or passed over, want %d", c.Decoded+c.Prefiltered, half)
	}
}
