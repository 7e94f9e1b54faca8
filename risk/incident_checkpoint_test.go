package risk_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk"
)

// ckptOp is one call of a checkpoint scenario: Add(ev), or Flush.
type ckptOp struct {
	flush bool
	ev    risk.Event
}

// ckptScenario is a stream of calls to an engine of given options and
// rules.
type ckptScenario struct {
	opts  risk.IncidentOptions
	kind  string // which rules: "default", "quick" or "panicky"
	ops   []ckptOp
	stats ckptStats
}

// ckptStats says how much of what matters a scenario exercises.
type ckptStats struct {
	late, reordered, flushes int
}

// rules returns the scenario's rules, new, as another process would build
// them. When holds is not nil, it counts for each rule the evaluations
// at which Fires held, so that holds less incidents counts those that
// throttles silenced.
func (s *ckptScenario) rules(holds map[string]int) []risk.IncidentRule {
	rules := risk.DefaultIncidentRules()
	switch s.kind {
	case "quick":
		quick := risk.RiskThreshold("Quick", 3*h, 60)
		quick.Throttle = 2 * h
		rules = append(rules, quick)
	case "panicky":
		// Fires for every object with two events in its window, and
		// panics for ws-0042 once it has enough risk: as the rule is
		// disabled then, the incidents of the objects evaluated after
		// it at the same time depend on the order of the pending heap.
		rules = append(rules, risk.IncidentRule{Name: "Panicky", Window: 2 * h, Throttle: 30 * time.Minute, Fires: func(st *risk.ObjectState) bool {
			if st.RiskObject == "ws-0042" && st.RiskScore > 60 {
				panic("ws-0042 again")
			}
			return st.EventCount >= 2
		}})
	}
	if holds != nil {
		for i := range rules {
			fires, name := rules[i].Fires, rules[i].Name
			rules[i].Fires = func(st *risk.ObjectState) bool {
				ok := fires(st)
				if ok {
					holds[name]++
				}
				return ok
			}
		}
	}
	return rules
}

func (s *ckptScenario) engine(t testing.TB, holds map[string]int) *risk.IncidentEngine {
	t.Helper()
	eng, err := risk.NewIncidentEngine(s.opts, s.rules(holds)...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// restore returns a new engine restored from blob, as a new process
// would make it.
func (s *ckptScenario) restore(t testing.TB, blob []byte) *risk.IncidentEngine {
	t.Helper()
	eng, err := risk.RestoreIncidentEngine(blob, s.opts, s.rules(nil)...)
	if err != nil {
		t.Fatalf("RestoreIncidentEngine: %v", err)
	}
	return eng
}

var ckptObjects = []struct {
	name string
	typ  risk.ObjectType
}{
	{"adele.vance@example.com", risk.User},
	{" Adele.Vance@example.com", risk.User},  // the same object
	{"adele.vance@example.com", risk.System}, // another one
	{"ws-0042", risk.System},
	{"isabel.ruiz@example.com", risk.User},
	{"svc-backup", risk.Other},
}

var ckptSources = []struct {
	name    string
	tactics []string
}{
	{srcDeviceCode, []string{"TA0001", "TA0006"}},
	{srcDeniedMFA, []string{"TA0006"}},
	{srcO365, []string{"TA0006"}},
	{srcConcurrent, []string{"TA0009"}},
	{srcFailedUser, []string{"TA0006"}},
	{"ESCU - Azure AD Successful Single-Factor Authentication - Rule", []string{"TA0001", "TA0003", "TA0004", "TA0005", "TA0042"}},
	{"ESCU - Azure AD Privileged Role Assigned - Rule", nil},
}

// randomScenario returns n risk events over six days on a 20-minute grid,
// so that ties and exact window edges are common, with some fractions of
// seconds and some times in another zone. They arrive out of order within
// the lateness, and one in ten up to 12 hours later than that, which is
// dropped once a later event has moved the watermark past it. One
// scenario in three flushes midway.
func randomScenario(rng *rand.Rand, n int, lateness time.Duration, kind string) ckptScenario {
	s := ckptScenario{opts: risk.IncidentOptions{Lateness: lateness}, kind: kind}
	cest := time.FixedZone("CEST", 2*3600)
	type delayed struct {
		ev risk.Event
		at time.Time
	}
	order := make([]delayed, n)
	for i := range order {
		src := ckptSources[rng.IntN(len(ckptSources))]
		obj := ckptObjects[rng.IntN(len(ckptObjects))]
		at := t0.Add(time.Duration(rng.IntN(6*24*3)) * 20 * time.Minute)
		if rng.IntN(10) == 0 {
			at = at.Add(time.Duration(rng.IntN(1e9)))
		}
		if rng.IntN(5) == 0 {
			at = at.In(cest)
		}
		var techniques []string
		for range rng.IntN(3) {
			techniques = append(techniques, fmt.Sprintf("T%d", 1078+rng.IntN(6)))
		}
		ev := risk.Event{
			Time: at, SearchName: src.name, RiskObject: obj.name, RiskObjectType: obj.typ,
			RiskScore:      5 * (1 + rng.IntN(12)),
			RiskMessage:    fmt.Sprintf("%s on %s (%d)", src.name, strings.TrimSpace(obj.name), rng.IntN(3)),
			MITRETacticIDs: src.tactics, MITRETechniqueIDs: techniques,
		}
		delay := time.Duration(rng.Int64N(int64(lateness) + 1))
		if rng.IntN(10) == 0 {
			delay = lateness + time.Hour + time.Duration(rng.Int64N(int64(11*h)))
			s.stats.late++
		}
		order[i] = delayed{ev, at.Add(delay)}
	}
	slices.SortStableFunc(order, func(a, b delayed) int { return a.at.Compare(b.at) })
	for i, d := range order {
		if i > 0 && d.ev.Time.Before(order[i-1].ev.Time) {
			s.stats.reordered++
		}
		s.ops = append(s.ops, ckptOp{ev: d.ev})
	}
	if rng.IntN(3) == 0 {
		at := rng.IntN(len(s.ops) + 1)
		s.ops = slices.Insert(s.ops, at, ckptOp{flush: true})
		s.stats.flushes++
	}
	return s
}

// ckptStep is what a call returned and what the engine reports after it.
type ckptStep struct {
	Incidents []risk.Incident
	JSON      string // the incidents as JSON lines: what a stream run writes
	Err       string
	Objects   int
	Dropped   int
	Watermark time.Time
}

// ckptRun is what a scenario gave.
type ckptRun struct {
	steps []ckptStep // one per op, then one for the final Flush
	blobs [][]byte   // blobs[i] is the checkpoint before steps[i]; the last, after them all
}

// play makes the calls s.ops[from:] of eng, then a final Flush,
// recording each and a checkpoint before each and after the last. When
// every > 0, before each call i with i-from a positive multiple of every,
// it replaces eng with one restored from that checkpoint, as a stream run
// stopped there and started again would.
func play(t *testing.T, s *ckptScenario, eng *risk.IncidentEngine, from, every int) ckptRun {
	t.Helper()
	var run ckptRun
	checkpoint := func() []byte {
		t.Helper()
		blob, err := eng.MarshalBinary()
		if err != nil {
			t.Fatalf("MarshalBinary: %v", err)
		}
		run.blobs = append(run.blobs, blob)
		return blob
	}
	for i := from; i <= len(s.ops); i++ {
		blob := checkpoint()
		if every > 0 && i > from && (i-from)%every == 0 {
			eng = s.restore(t, blob)
		}
		var incs []risk.Incident
		var err error
		if i == len(s.ops) || s.ops[i].flush {
			incs, err = eng.Flush()
		} else {
			incs, err = eng.Add(s.ops[i].ev)
		}
		st := ckptStep{
			Incidents: incs, JSON: string(incidentLines(t, incs)),
			Objects: eng.Objects(), Dropped: eng.Dropped(), Watermark: eng.Watermark(),
		}
		if err != nil {
			st.Err = err.Error()
		}
		run.steps = append(run.steps, st)
	}
	checkpoint()
	return run
}

// compareRuns compares a run from call from on with the whole one.
func compareRuns(t *testing.T, what string, whole, got ckptRun, from int) {
	t.Helper()
	if diff := cmp.Diff(whole.steps[from:], got.steps); diff != "" {
		t.Fatalf("%s: calls from %d on (-uninterrupted +restored):\n%s", what, from, diff)
	}
	for i, blob := range got.blobs {
		if !bytes.Equal(whole.blobs[from+i], blob) {
			t.Fatalf("%s: the checkpoint before call %d differs from the uninterrupted run's", what, from+i)
		}
	}
}

// TestCheckpointContinues stops random streams every k-th call, k random,
// checkpoints, restores into an engine built anew, and goes on: every
// call must return what it returns without the stops (incidents, their
// JSON, errors, Objects, Dropped, Watermark), and every checkpoint must be
// the uninterrupted engine's, which also shows that equal states encode
// to equal bytes.
func TestCheckpointContinues(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	var total ckptStats
	holds, incidents := map[string]int{}, map[string]int{}
	dropped, cuts, pendingCuts, throttledCuts := 0, 0, 0, 0
	for round := range 120 {
		kind := []string{"default", "quick", "panicky"}[round%3]
		lateness := []time.Duration{0, 20 * time.Minute, h, 3 * h}[rng.IntN(4)]
		s := randomScenario(rng, 40+rng.IntN(260), lateness, kind)
		total.late += s.stats.late
		total.reordered += s.stats.reordered
		total.flushes += s.stats.flushes

		whole := play(t, &s, s.engine(t, holds), 0, 0)
		every := 1 + rng.IntN(40)
		// The first engine too is restored, from a new engine's checkpoint.
		got := play(t, &s, s.restore(t, whole.blobs[0]), 0, every)
		compareRuns(t, fmt.Sprintf("round %d (%s rules, lateness %v, stop every %d)", round, kind, lateness, every), whole, got, 0)

		// What the stops interrupted.
		var accepted []time.Time
		var fired []risk.Incident
		for i, st := range whole.steps {
			if i > 0 && i%every == 0 {
				cuts++
				wm := whole.steps[i-1].Watermark
				if slices.ContainsFunc(accepted, func(at time.Time) bool { return !at.Before(wm) }) {
					pendingCuts++
				}
				if slices.ContainsFunc(fired, func(inc risk.Incident) bool {
					return inc.Rule == risk.RiskThresholdName && inc.LastTime.Add(24*h).After(wm)
				}) {
					throttledCuts++
				}
			}
			if i < len(s.ops) && !s.ops[i].flush && st.Err == "" {
				accepted = append(accepted, s.ops[i].ev.Time)
			}
			fired = append(fired, st.Incidents...)
			for _, inc := range st.Incidents {
				incidents[inc.Rule]++
			}
		}
		dropped += whole.steps[len(whole.steps)-1].Dropped
	}
	t.Logf("%d late, %d out of order, %d dropped, %d flushes; %d stops, %d with events awaiting evaluation, %d in a 24 h throttle; holds %v; incidents %v",
		total.late, total.reordered, dropped, total.flushes, cuts, pendingCuts, throttledCuts, holds, incidents)
	for _, rule := range []string{risk.RiskThresholdName, risk.TacticThresholdName} {
		if incidents[rule] < 50 || holds[rule]-incidents[rule] < 50 {
			t.Errorf("weak test: rule %q raised %d incidents and was throttled %d times", rule, incidents[rule], holds[rule]-incidents[rule])
		}
	}
	if total.reordered < 500 || dropped < 100 || total.flushes < 20 || pendingCuts < 200 || throttledCuts < 200 || incidents["Panicky"] == 0 {
		t.Errorf("weak test")
	}
}

// TestCheckpointEveryCall stops small streams before every call in turn,
// restoring twice from each checkpoint: both restored engines must go on
// as the uninterrupted one.
func TestCheckpointEveryCall(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 23))
	for round, kind := range []string{"default", "quick", "panicky", "panicky"} {
		s := randomScenario(rng, 60, h, kind)
		whole := play(t, &s, s.engine(t, nil), 0, 0)
		for from := range whole.steps {
			for again := range 2 {
				got := play(t, &s, s.restore(t, whole.blobs[from]), from, 0)
				compareRuns(t, fmt.Sprintf("round %d (%s rules), restore %d", round, kind, again), whole, got, from)
			}
		}
	}
}

// TestCheckpointKeepsTieOrder checks that a restored engine evaluates
// events of equal time in the order the engine would have: that of its
// pending heap, not, say, of its objects. Object y comes first in the
// checkpoint, but the heap holds ws-0042's event at T before y's, so the
// engine evaluates ws-0042 at T first, and its panic disables the rule
// that would fire for y. In the order of the objects, y would have an
// incident.
func TestCheckpointKeepsTieOrder(t *testing.T) {
	T := t0.Add(10 * h)
	ev := func(at time.Time, obj string, score int) ckptOp {
		return ckptOp{ev: risk.Event{Time: at, SearchName: srcO365, RiskObject: obj, RiskObjectType: risk.System, RiskScore: score, RiskMessage: "m"}}
	}
	s := ckptScenario{opts: risk.IncidentOptions{Lateness: h}, kind: "panicky", ops: []ckptOp{
		ev(T.Add(-h), "y", 30), ev(T.Add(-h), "ws-0042", 30),
		ev(T, "y", 30), ev(T, "ws-0042", 50),
		ev(T.Add(30*time.Minute), "w", 1), // evaluates the events at T-1h; those at T wait
		ev(T.Add(2*h), "z", 1),
	}}
	whole := play(t, &s, s.engine(t, nil), 0, 0)
	var got []string
	for _, st := range whole.steps {
		for _, inc := range st.Incidents {
			got = append(got, fmt.Sprintf("%s %s %s", inc.Rule, inc.RiskObject, inc.LastTime.Sub(T)))
		}
		if st.Err != "" {
			got = append(got, st.Err)
		}
	}
	want := []string{`risk: incident rule "Panicky" panicked: ws-0042 again`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("uninterrupted run (-want +got):\n%s", diff)
	}
	for from := range whole.steps {
		compareRuns(t, fmt.Sprintf("restored before call %d", from), whole, play(t, &s, s.restore(t, whole.blobs[from]), from, 0), from)
	}
}

// TestCheckpointSample stops the sample stream of testdata/riskincidents
// (an event 45 minutes out of order, within the hour of lateness) after
// every event: the incidents are still the golden ones.
func TestCheckpointSample(t *testing.T) {
	dir := filepath.Join("..", "testdata", "riskincidents")
	evs := readEvents(t, filepath.Join(dir, "risk_events.jsonl"))
	s := ckptScenario{opts: risk.IncidentOptions{Lateness: h}, kind: "default"}
	for _, ev := range evs {
		s.ops = append(s.ops, ckptOp{ev: ev})
	}
	whole := play(t, &s, s.engine(t, nil), 0, 0)
	got := play(t, &s, s.engine(t, nil), 0, 1)
	compareRuns(t, "stopped after every event", whole, got, 0)
	var lines strings.Builder
	for _, st := range got.steps {
		lines.WriteString(st.JSON)
	}
	want, err := os.ReadFile(filepath.Join(dir, "risk_events.incidents.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), lines.String()); diff != "" {
		t.Errorf("incidents (-golden +got):\n%s", diff)
	}
}

// appendCRC appends the checksum of b, framing it as a checkpoint.
func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

// reframe replaces the checksum of a checkpoint with a valid one, so that
// a change to it reaches the decoder.
func reframe(blob []byte) []byte {
	if len(blob) < 4 {
		return blob
	}
	return appendCRC(slices.Clone(blob[:len(blob)-4]))
}

// TestCheckpointEmptyEngine checks the form of a new engine's checkpoint,
// byte by byte, and that an engine restored from it is new.
func TestCheckpointEmptyEngine(t *testing.T) {
	opts := risk.IncidentOptions{Lateness: 90 * time.Minute}
	eng := newEngine(t, opts, risk.DefaultIncidentRules()...)
	blob, err := eng.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("EsRI\x01")
	want = binary.AppendVarint(want, int64(opts.Lateness))
	want = append(want, 2)
	for _, r := range risk.DefaultIncidentRules() {
		want = append(want, byte(len(r.Name)))
		want = append(want, r.Name...)
		want = binary.AppendVarint(want, int64(r.Window)) // the window
		want = binary.AppendVarint(want, int64(r.Window)) // the throttle: Throttle 0 means the window
		want = append(want, 0)                            // not disabled
	}
	want = appendCRC(append(want, 0)) // not started
	if !bytes.Equal(blob, want) {
		t.Errorf("checkpoint of a new engine:\n got %q\nwant %q", blob, want)
	}

	back, err := risk.RestoreIncidentEngine(blob, opts, risk.DefaultIncidentRules()...)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.MarshalBinary()
	if err != nil || !bytes.Equal(again, blob) {
		t.Errorf("restored new engine checkpoints to %q, %v; want the same bytes", again, err)
	}
	if back.Objects() != 0 || back.Dropped() != 0 || !back.Watermark().IsZero() {
		t.Errorf("restored new engine: Objects() %d, Dropped() %d, Watermark() %v; want 0, 0, zero", back.Objects(), back.Dropped(), back.Watermark())
	}
	if incs, err := back.Flush(); incs != nil || err != nil {
		t.Errorf("Flush of a restored new engine = %v, %v", incs, err)
	}
	// It takes any first event, however early, as a new engine does.
	if _, err := back.Add(in{at: -1000 * h, score: 10}.event()); err != nil {
		t.Error(err)
	}

	// AppendBinary appends.
	prefixed, err := eng.AppendBinary([]byte("prefix"))
	if err != nil || !bytes.Equal(prefixed, append([]byte("prefix"), blob...)) {
		t.Errorf("AppendBinary = %q, %v; want the MarshalBinary bytes after the prefix", prefixed, err)
	}
}

// richCheckpoint returns a checkpoint of an engine that holds a bit of
// everything: objects with evaluated and pending events, fired rules and
// a rule disabled by a panic; and the scenario and call it was taken
// before.
func richCheckpoint(t *testing.T) ([]byte, *ckptScenario, int) {
	t.Helper()
	const at = 30
	for seed := range uint64(100) {
		s := randomScenario(rand.New(rand.NewPCG(9, seed)), 40, h, "panicky")
		whole := play(t, &s, s.engine(t, nil), 0, 0)
		panicked := slices.IndexFunc(whole.steps, func(st ckptStep) bool { return strings.Contains(st.Err, "panicked") })
		before := whole.steps[at-1]
		fired := slices.ContainsFunc(whole.steps[:at], func(st ckptStep) bool { return len(st.Incidents) > 0 })
		pending := slices.ContainsFunc(s.ops[:at], func(op ckptOp) bool { return !op.flush && !op.ev.Time.Before(before.Watermark) })
		if panicked < 0 || panicked >= at-10 || !fired || !pending || before.Objects < 4 || s.ops[at].flush {
			continue
		}
		return whole.blobs[at], &s, at
	}
	t.Fatal("no scenario holds a bit of everything")
	return nil, nil, 0
}

// TestCheckpointTruncatedOrFlipped checks that every truncation and
// every single-bit flip of a checkpoint is an error wrapping
// ErrCorruptCheckpoint, never a panic nor an engine, as CRC-32C catches
// every single-bit error.
func TestCheckpointTruncatedOrFlipped(t *testing.T) {
	blob, s, _ := richCheckpoint(t)
	t.Logf("checkpoint of %d bytes", len(blob))
	restore := func(data []byte) (*risk.IncidentEngine, error) {
		return risk.RestoreIncidentEngine(data, s.opts, s.rules(nil)...)
	}
	for n := range len(blob) {
		eng, err := restore(blob[:n])
		if !errors.Is(err, risk.ErrCorruptCheckpoint) || eng != nil {
			t.Fatalf("truncated to %d bytes: %v, %v; want an error wrapping ErrCorruptCheckpoint", n, eng, err)
		}
		// With a valid checksum, the decoder finds it truncated itself.
		if n >= 9 {
			eng, err = restore(reframe(blob[:n]))
			if !errors.Is(err, risk.ErrCorruptCheckpoint) || eng != nil {
				t.Fatalf("truncated to %d bytes and reframed: %v, %v; want an error wrapping ErrCorruptCheckpoint", n, eng, err)
			}
		}
	}
	if _, err := restore(append(slices.Clone(blob), 0)); !errors.Is(err, risk.ErrCorruptCheckpoint) {
		t.Errorf("with a byte more: %v", err)
	}
	if _, err := restore(reframe(append(slices.Clone(blob[:len(blob)-4]), 0, 0, 0, 0, 0))); !errors.Is(err, risk.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), "1 bytes after the end") {
		t.Errorf("with a byte more and a valid checksum: %v", err)
	}
	for bit := range 8 * len(blob) {
		data := slices.Clone(blob)
		data[bit/8] ^= 1 << (bit % 8)
		eng, err := restore(data)
		if !errors.Is(err, risk.ErrCorruptCheckpoint) || eng != nil {
			t.Fatalf("bit %d flipped: %v, %v; want an error wrapping ErrCorruptCheckpoint", bit, eng, err)
		}
	}
}

// TestCheckpointFlippedReframed flips every bit of a checkpoint's body
// and gives it a valid checksum, so that the decoder itself sees the
// change: each is an error wrapping one of the checkpoint errors, or a
// state it accepts, which must then be one that continues like any other
// and checkpoints to the very bytes it was read from.
func TestCheckpointFlippedReframed(t *testing.T) {
	blob, s, from := richCheckpoint(t)
	kinds := map[string]int{}
	for bit := range 8 * (len(blob) - 4) {
		data := slices.Clone(blob)
		data[bit/8] ^= 1 << (bit % 8)
		data = reframe(data)
		eng, err := risk.RestoreIncidentEngine(data, s.opts, s.rules(nil)...)
		switch {
		case err == nil:
			kinds["accepted"]++
			again, err := eng.MarshalBinary()
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("bit %d flipped: accepted, but checkpoints to other bytes (%v)", bit, err)
			}
			if kinds["accepted"]%32 != 1 {
				break // playing the rest of the stream for every one would take a minute
			}
			run := play(t, s, eng, from, 0)
			if _, err := risk.RestoreIncidentEngine(run.blobs[len(run.blobs)-1], s.opts, s.rules(nil)...); err != nil {
				t.Fatalf("bit %d flipped: accepted, but after the rest of the stream: %v", bit, err)
			}
		case eng != nil:
			t.Fatalf("bit %d flipped: an engine and an error: %v", bit, err)
		case !strings.HasPrefix(err.Error(), "risk: restore incident engine: "):
			t.Fatalf("bit %d flipped: error %q does not say what failed", bit, err)
		case errors.Is(err, risk.ErrCorruptCheckpoint):
			kinds["corrupt"]++
		case errors.Is(err, risk.ErrCheckpointVersion):
			kinds["version"]++
		case errors.Is(err, risk.ErrCheckpointMismatch):
			kinds["mismatch"]++
		default:
			t.Fatalf("bit %d flipped: error %v wraps no checkpoint error", bit, err)
		}
	}
	t.Logf("%v", kinds)
	// Most flips are in strings (names, messages), which any bytes make.
	if kinds["corrupt"] < 1000 || kinds["version"] != 8 || kinds["mismatch"] < 50 || kinds["accepted"] == 0 {
		t.Errorf("weak test: %v", kinds)
	}
}

// ckptSpec is an incident engine checkpoint spelled out field by field,
// written by bytes as the format notes in incident_checkpoint.go describe
// it, independently of the package's own writer.
type ckptSpec struct {
	lateness      time.Duration
	rules         []specRule
	started       bool
	latest, floor time.Time
	badNanos      bool // write latest with 10^9 nanoseconds
	dropped       uint64
	objects       []specObject
	pending       []specPending
}

type specRule struct {
	name             string
	window, throttle time.Duration
	disabled         bool
}

type specObject struct {
	expiry    time.Time // of its expiry point
	name, typ string
	typRef    uint64 // when not 0, the type is written as this reference
	seen      bool
	last      time.Time
	fired     []bool
	lastFired []time.Time
	events    []specEvent
}

type specEvent struct {
	at         time.Time
	src, msg   string
	srcLiteral bool // write src in full, even if written before
	score      int64
	ids        []string
	tactics    uint64
}

type specPending struct {
	obj uint64
	at  time.Time
}

// ckptBody writes the fields of a checkpoint.
type ckptBody struct {
	b    []byte
	dict map[string]uint64
}

func (w *ckptBody) uv(x uint64) { w.b = binary.AppendUvarint(w.b, x) }
func (w *ckptBody) v(x int64)   { w.b = binary.AppendVarint(w.b, x) }

func (w *ckptBody) flag(x bool) {
	if x {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

func (w *ckptBody) plain(s string) {
	w.uv(uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *ckptBody) str(s string) {
	if i, ok := w.dict[s]; ok {
		w.uv(i + 1)
		return
	}
	w.dict[s] = uint64(len(w.dict))
	w.uv(0)
	w.plain(s)
}

func (w *ckptBody) time(t, ref time.Time) {
	w.v(t.Unix() - ref.Unix())
	w.uv(uint64(t.Nanosecond()))
}

func (s *ckptSpec) bytes() []byte {
	w := &ckptBody{b: []byte("EsRI\x01"), dict: map[string]uint64{}}
	w.v(int64(s.lateness))
	w.uv(uint64(len(s.rules)))
	for _, r := range s.rules {
		w.plain(r.name)
		w.v(int64(r.window))
		w.v(int64(r.throttle))
		w.flag(r.disabled)
	}
	w.flag(s.started)
	if s.started {
		w.v(s.latest.Unix())
		if s.badNanos {
			w.uv(1e9)
		} else {
			w.uv(uint64(s.latest.Nanosecond()))
		}
		w.time(s.floor, s.latest)
		w.uv(s.dropped)
		w.uv(uint64(len(s.objects)))
		for _, o := range s.objects {
			w.time(o.expiry, s.latest)
			w.plain(o.name)
			if o.typRef > 0 {
				w.uv(o.typRef)
			} else {
				w.str(o.typ)
			}
			w.flag(o.seen)
			if o.seen {
				w.time(o.last, s.latest)
			}
			for j, fired := range o.fired {
				w.flag(fired)
				if fired {
					w.time(o.lastFired[j], s.latest)
				}
			}
			w.uv(uint64(len(o.events)))
			prev := s.latest
			for _, ev := range o.events {
				w.time(ev.at, prev)
				prev = ev.at
				if ev.srcLiteral {
					w.uv(0)
					w.plain(ev.src)
				} else {
					w.str(ev.src)
				}
				w.str(ev.msg)
				w.v(ev.score)
				w.uv(uint64(len(ev.ids)))
				if len(ev.ids) > 0 {
					w.uv(ev.tactics)
					for _, id := range ev.ids {
						w.str(id)
					}
				}
			}
		}
		w.uv(uint64(len(s.pending)))
		for _, p := range s.pending {
			w.uv(p.obj)
			w.time(p.at, s.latest)
		}
	}
	return appendCRC(w.b)
}

// TestCheckpointInvalidStates checks, from a checkpoint written by hand
// that is exactly the engine's, that the decoder refuses each state that
// no engine can be in, with a valid checksum, saying what is wrong.
func TestCheckpointInvalidStates(t *testing.T) {
	T := t0.Add(10 * h)
	ev := func(at time.Time) risk.Event {
		return risk.Event{Time: at, SearchName: "s", RiskObject: "A", RiskObjectType: risk.User, RiskScore: 10,
			RiskMessage: "m", MITRETacticIDs: []string{"TA0006"}, MITRETechniqueIDs: []string{"T1528"}}
	}
	opts := risk.IncidentOptions{Lateness: h}
	eng := newEngine(t, opts, risk.DefaultIncidentRules()...)
	for _, at := range []time.Time{T, T.Add(2 * h)} {
		if _, err := eng.Add(ev(at)); err != nil {
			t.Fatal(err)
		}
	}
	real, err := eng.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	const week = 7 * 24 * h
	specEv := func(at time.Time) specEvent {
		return specEvent{at: at, src: "s", msg: "m", score: 10, ids: []string{"TA0006", "T1528"}, tactics: 1}
	}
	obj := func() specObject {
		return specObject{
			expiry: T.Add(week), // pushed at the first event, when its expiry was that
			name:   "a", typ: "user", seen: true, last: T, fired: []bool{false, false}, lastFired: []time.Time{{}, {}},
			events: []specEvent{specEv(T), specEv(T.Add(2 * h))},
		}
	}
	base := func() ckptSpec {
		s := ckptSpec{lateness: h, started: true, latest: T.Add(2 * h), floor: T.Add(h),
			objects: []specObject{obj()}, pending: []specPending{{0, T.Add(2 * h)}}}
		for _, r := range risk.DefaultIncidentRules() {
			s.rules = append(s.rules, specRule{name: r.Name, window: r.Window, throttle: r.Window})
		}
		return s
	}
	b := base()
	if got := b.bytes(); !bytes.Equal(got, real) {
		t.Fatalf("the format notes do not describe the checkpoint:\n got %q\nwant %q", got, real)
	}

	tests := []struct {
		name string
		edit func(s *ckptSpec)
		want string
	}{
		{"no rules", func(s *ckptSpec) { s.rules = nil }, "byte 13: no rules"},
		{"negative lateness", func(s *ckptSpec) { s.lateness = -1 }, "negative lateness -1ns"},
		{"blank rule name", func(s *ckptSpec) { s.rules[0].name = " " }, `rule 0: blank or repeated name " "`},
		{"repeated rule name", func(s *ckptSpec) { s.rules[1].name = s.rules[0].name }, "rule 1: blank or repeated name"},
		{"no window", func(s *ckptSpec) { s.rules[1].window = 0 }, "window 0s or throttle 168h0m0s not positive"},
		{"negative throttle", func(s *ckptSpec) { s.rules[1].throttle = -h }, "throttle -1h0m0s not positive"},
		{"disabled, not started", func(s *ckptSpec) { s.started = false; s.rules[1].disabled = true }, "disabled before any event"},
		{"nanoseconds", func(s *ckptSpec) { s.badNanos = true }, "nanoseconds 1000000000 out of range"},
		{"latest zero", func(s *ckptSpec) { s.latest = time.Time{} }, "latest event time is zero"},
		{"watermark too early", func(s *ckptSpec) { s.floor = T.Add(time.Hour - 1) }, "is not within the lateness of the latest event time"},
		{"watermark too late", func(s *ckptSpec) { s.floor = T.Add(2*h + 2) }, "is not within the lateness of the latest event time"},
		{"dropped", func(s *ckptSpec) { s.dropped = 1 << 63 }, "dropped count 9223372036854775808 out of range"},
		{"blank object", func(s *ckptSpec) { s.objects[0].name = " " }, "blank risk_object"},
		{"repeated object", func(s *ckptSpec) { s.objects = append(s.objects, obj()) }, `object 1 ("a"): repeated`},
		{"no events", func(s *ckptSpec) { s.objects[0].events = nil; s.pending = nil }, "no events"},
		{"event after latest", func(s *ckptSpec) { s.objects[0].events[1].at = T.Add(2*h + 1) }, "event 1 at 2025-04-01T12:00:00.000000001Z, after the latest event time"},
		{"blank search_name", func(s *ckptSpec) { s.objects[0].events[1].src = "\t" }, "event 1: blank search_name"},
		{"events out of order", func(s *ckptSpec) {
			s.objects[0].events[0].at, s.objects[0].events[1].at = T.Add(2*h), T
		}, "event 1 out of order"},
		{"messages out of order", func(s *ckptSpec) {
			s.objects[0].events = append(s.objects[0].events, specEv(T.Add(2*h)))
			s.objects[0].events[1].msg = "n"
			s.pending = append(s.pending, specPending{0, T.Add(2 * h)})
		}, "event 2 out of order"},
		{"tactics", func(s *ckptSpec) { s.objects[0].events[0].tactics = 3 }, "event 0: 3 tactics among 2 IDs"},
		{"evaluated at no event", func(s *ckptSpec) { s.objects[0].last = T.Add(30 * time.Minute) }, "evaluated at 2025-04-01T10:30:00Z, the time of none of its events"},
		{"evaluated at the watermark", func(s *ckptSpec) {
			s.objects[0].events[1].at = T.Add(h)
			s.objects[0].last = T.Add(h)
			s.pending = nil
		}, "evaluated at 2025-04-01T11:00:00Z, not before the watermark"},
		{"fired after evaluation", func(s *ckptSpec) {
			s.objects[0].fired[0], s.objects[0].lastFired[0] = true, T.Add(1)
		}, "rule 0 fired at 2025-04-01T10:00:00.000000001Z, after its last evaluation"},
		{"fired, never evaluated", func(s *ckptSpec) {
			s.objects[0].seen = false
			s.objects[0].fired[1], s.objects[0].lastFired[1] = true, T
		}, "rule 1 fired at 2025-04-01T10:00:00Z, after its last evaluation"},
		{"event outside every window", func(s *ckptSpec) {
			s.objects[0].events = append([]specEvent{specEv(T.Add(-week))}, s.objects[0].events...)
		}, "holds events outside every window"},
		{"expiry point after expiry", func(s *ckptSpec) { s.objects[0].expiry = T.Add(week + 2*h + 1) }, "expiry point at 2025-04-08T12:00:00.000000001Z, after its expiry 2025-04-08T12:00:00Z or not after the watermark"},
		{"expiry point at the watermark", func(s *ckptSpec) { s.objects[0].expiry = s.floor }, "or not after the watermark"},
		{"expiry heap", func(s *ckptSpec) {
			o := obj()
			o.name, o.expiry = "b", T.Add(week-1)
			s.objects = append(s.objects, o)
			s.pending = append(s.pending, specPending{1, T.Add(2 * h)})
		}, `object 1 ("b"): expiry point out of heap order`},
		{"pending object", func(s *ckptSpec) { s.pending[0].obj = 1 }, "pending point 0: object 1 of 1"},
		{"pending before the watermark", func(s *ckptSpec) { s.pending[0].at = T.Add(h - 1) }, "pending point 0 at 2025-04-01T10:59:59.999999999Z, before the watermark"},
		{"pending heap", func(s *ckptSpec) {
			s.objects[0].events = slices.Insert(s.objects[0].events, 1, specEv(T.Add(90*time.Minute)))
			s.pending = append(s.pending, specPending{0, T.Add(90 * time.Minute)})
		}, "pending point 1 out of heap order"},
		{"no pending point", func(s *ckptSpec) { s.pending = nil }, `object 0 ("a"): 0 pending points for 1 events not yet evaluated, or at other times`},
		{"pending point at another time", func(s *ckptSpec) { s.pending[0].at = T.Add(3 * h) }, "1 pending points for 1 events not yet evaluated, or at other times"},
		{"pending point too many", func(s *ckptSpec) { s.pending = append(s.pending, s.pending[0]) }, "2 pending points for 1 events"},
		{"string twice", func(s *ckptSpec) { s.objects[0].events[1].srcLiteral = true }, `string "s" written twice`},
		{"string not seen", func(s *ckptSpec) { s.objects[0].typRef = 1 }, "reference to a string not seen yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base()
			tt.edit(&s)
			got, err := risk.RestoreIncidentEngine(s.bytes(), opts, risk.DefaultIncidentRules()...)
			if got != nil || !errors.Is(err, risk.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("RestoreIncidentEngine = %v, %v; want an error wrapping ErrCorruptCheckpoint that says %q", got, err, tt.want)
			}
		})
	}
	// A bool is 0 or 1.
	data := slices.Clone(real)
	i := bytes.Index(data, []byte("\x01a\x00\x04user\x01")) + len("\x01a\x00\x04user")
	data[i] = 2
	if _, err := risk.RestoreIncidentEngine(appendCRC(data[:len(data)-4]), opts, risk.DefaultIncidentRules()...); !errors.Is(err, risk.ErrCorruptCheckpoint) || !strings.Contains(err.Error(), "bool 2") {
		t.Errorf("seen = 2: %v", err)
	}
}

// TestCheckpointFraming checks the errors for data that is not a version
// 1 incident engine checkpoint.
func TestCheckpointFraming(t *testing.T) {
	eng := newEngine(t, risk.IncidentOptions{}, risk.DefaultIncidentRules()...)
	if _, err := eng.Add(in{at: h, score: 10}.event()); err != nil {
		t.Fatal(err)
	}
	blob, err := eng.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	body := blob[5 : len(blob)-4]
	tests := []struct {
		name string
		data []byte
		is   error
		want string
	}{
		{"nil", nil, risk.ErrCorruptCheckpoint,
			"risk: restore incident engine: 0 bytes, shorter than any checkpoint: corrupt or truncated incident engine checkpoint"},
		{"too short", []byte("EsRI\x01\x00\x00\x00"), risk.ErrCorruptCheckpoint,
			"risk: restore incident engine: 8 bytes, shorter than any checkpoint: corrupt or truncated incident engine checkpoint"},
		{"an aggregate table", appendCRC(append([]byte("EsAT\x01"), body...)), risk.ErrCorruptCheckpoint,
			`risk: restore incident engine: not an incident engine checkpoint (it starts "EsAT", not "EsRI"): corrupt or truncated incident engine checkpoint`},
		{"JSON", []byte(`{"risk_object":"x"}`), risk.ErrCorruptCheckpoint,
			`risk: restore incident engine: not an incident engine checkpoint (it starts "{\"ri", not "EsRI"): corrupt or truncated incident engine checkpoint`},
		{"version 2", appendCRC(append([]byte("EsRI\x02"), body...)), risk.ErrCheckpointVersion,
			"risk: restore incident engine: checkpoint format version 2, this package reads 1: unsupported incident engine checkpoint version"},
		{"version 0", appendCRC(append([]byte("EsRI\x00"), body...)), risk.ErrCheckpointVersion,
			"risk: restore incident engine: checkpoint format version 0, this package reads 1: unsupported incident engine checkpoint version"},
		{"version flipped", append(append([]byte("EsRI\x02"), body...), blob[len(blob)-4:]...), risk.ErrCorruptCheckpoint,
			"risk: restore incident engine: checksum mismatch (truncated or corrupt): corrupt or truncated incident engine checkpoint"},
		{"varint not shortest", appendCRC(append([]byte("EsRI\x01\x80\x00"), body[1:]...)), risk.ErrCorruptCheckpoint,
			"risk: restore incident engine: byte 5: varint not in its shortest form: corrupt or truncated incident engine checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := risk.RestoreIncidentEngine(tt.data, risk.IncidentOptions{}, risk.DefaultIncidentRules()...)
			if got != nil || err == nil || !errors.Is(err, tt.is) || err.Error() != tt.want {
				t.Errorf("RestoreIncidentEngine = %v, %v;\nwant the error %q wrapping %v", got, err, tt.want, tt.is)
			}
		})
	}
}

// TestCheckpointMismatch restores checkpoints into engines of other
// rules or options: each difference is named, and the engine refused.
func TestCheckpointMismatch(t *testing.T) {
	opts := risk.IncidentOptions{Lateness: h}
	eng := newEngine(t, opts, risk.DefaultIncidentRules()...)
	for _, ev := range events([]in{{at: 0, score: 60}, {at: h, score: 60}, {at: 2 * h, score: 10}}) {
		if _, err := eng.Add(ev); err != nil {
			t.Fatal(err)
		}
	}
	blob, err := eng.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	def := risk.DefaultIncidentRules
	rt, tt7 := risk.RiskThreshold24h(), risk.TacticThreshold7d()
	halfDay := risk.RiskThreshold24h()
	halfDay.Window = 12 * h
	throttled := risk.RiskThreshold24h()
	throttled.Throttle = 6 * h
	renamed := risk.RiskThreshold24h()
	renamed.Name = "Risk Over 100"
	const prefix = "risk: restore incident engine: incident engine checkpoint does not match the engine: "
	tests := []struct {
		name  string
		opts  risk.IncidentOptions
		rules []risk.IncidentRule
		want  []string
	}{
		{"lateness", risk.IncidentOptions{Lateness: 30 * time.Minute}, def(), []string{
			"lateness 1h0m0s in the checkpoint, 30m0s in the engine's options"}},
		{"no lateness", risk.IncidentOptions{}, def(), []string{
			"lateness 1h0m0s in the checkpoint, 0s in the engine's options"}},
		{"a rule fewer", opts, []risk.IncidentRule{rt}, []string{
			`2 rules in the checkpoint ("` + risk.RiskThresholdName + `", "` + risk.TacticThresholdName + `"), 1 in the engine ("` + risk.RiskThresholdName + `")`}},
		{"a rule more", opts, append(def(), risk.RiskThreshold("Quick", h, 10)), []string{
			`2 rules in the checkpoint ("` + risk.RiskThresholdName + `", "` + risk.TacticThresholdName + `"), 3 in the engine ("` + risk.RiskThresholdName + `", "` + risk.TacticThresholdName + `", "Quick")`}},
		{"order", opts, []risk.IncidentRule{tt7, rt}, []string{
			`rules in the order "` + risk.RiskThresholdName + `", "` + risk.TacticThresholdName + `" in the checkpoint, "` + risk.TacticThresholdName + `", "` + risk.RiskThresholdName + `" in the engine; give them in the checkpoint's order`}},
		{"name", opts, []risk.IncidentRule{renamed, tt7}, []string{
			`rule 0: name "` + risk.RiskThresholdName + `" in the checkpoint, "Risk Over 100" in the engine`}},
		{"window", opts, []risk.IncidentRule{halfDay, tt7}, []string{
			`rule 0 ("` + risk.RiskThresholdName + `"): window 24h0m0s in the checkpoint, 12h0m0s in the engine`,
			`rule 0 ("` + risk.RiskThresholdName + `"): throttle 24h0m0s in the checkpoint, 12h0m0s in the engine`}},
		{"throttle", opts, []risk.IncidentRule{throttled, tt7}, []string{
			`rule 0 ("` + risk.RiskThresholdName + `"): throttle 24h0m0s in the checkpoint, 6h0m0s in the engine`}},
		{"everything", risk.IncidentOptions{}, []risk.IncidentRule{halfDay, renamed}, []string{
			"lateness 1h0m0s in the checkpoint, 0s in the engine's options",
			`rule 0 ("` + risk.RiskThresholdName + `"): window 24h0m0s in the checkpoint, 12h0m0s in the engine`,
			`rule 0 ("` + risk.RiskThresholdName + `"): throttle 24h0m0s in the checkpoint, 12h0m0s in the engine`,
			`rule 1: name "` + risk.TacticThresholdName + `" in the checkpoint, "Risk Over 100" in the engine`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := risk.RestoreIncidentEngine(blob, tt.opts, tt.rules...)
			if got != nil || !errors.Is(err, risk.ErrCheckpointMismatch) {
				t.Fatalf("RestoreIncidentEngine = %v, %v; want an error wrapping ErrCheckpointMismatch", got, err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, prefix+w)
			}
			if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}

	// A throttle given as the window is the same as none given.
	explicit := risk.RiskThreshold24h()
	explicit.Throttle = explicit.Window
	if _, err := risk.RestoreIncidentEngine(blob, opts, explicit, tt7); err != nil {
		t.Errorf("with the throttle in effect given explicitly: %v", err)
	}
	// Invalid rules are those of NewIncidentEngine.
	if _, err := risk.RestoreIncidentEngine(blob, opts); !errors.Is(err, risk.ErrInvalidRule) {
		t.Errorf("with no rules: %v; want ErrInvalidRule", err)
	}
	// The zero engine has no rules: it neither checkpoints nor restores.
	var zero risk.IncidentEngine
	if _, err := zero.MarshalBinary(); !errors.Is(err, risk.ErrInvalidRule) {
		t.Errorf("MarshalBinary of the zero engine: %v; want ErrInvalidRule", err)
	}
	if err := zero.UnmarshalBinary(blob); !errors.Is(err, risk.ErrInvalidRule) {
		t.Errorf("UnmarshalBinary into the zero engine: %v; want ErrInvalidRule", err)
	}
}

// TestUnmarshalBinary checks that UnmarshalBinary replaces the state of
// an engine in use, and leaves it as it was when it fails.
func TestUnmarshalBinary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	a := randomScenario(rng, 80, h, "quick")
	b := randomScenario(rng, 80, h, "quick")
	whole := play(t, &a, a.engine(t, nil), 0, 0)
	from := 50
	eng := b.engine(t, nil)
	play(t, &b, eng, 0, 0) // eng now holds b's state
	before, err := eng.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	bad := slices.Clone(whole.blobs[from])
	bad[len(bad)-5] ^= 1
	if err := eng.UnmarshalBinary(bad); !errors.Is(err, risk.ErrCorruptCheckpoint) {
		t.Fatalf("UnmarshalBinary of a damaged checkpoint: %v", err)
	}
	if err := eng.UnmarshalBinary(reframe(bad)); err == nil {
		t.Fatalf("UnmarshalBinary of a damaged checkpoint reframed: no error")
	}
	if after, err := eng.MarshalBinary(); err != nil || !bytes.Equal(before, after) {
		t.Fatalf("a failed UnmarshalBinary changed the engine")
	}
	if err := eng.UnmarshalBinary(whole.blobs[from]); err != nil {
		t.Fatal(err)
	}
	compareRuns(t, "UnmarshalBinary into an engine in use", whole, play(t, &a, eng, from, 0), from)
}

// FuzzRestoreIncidentEngine restores arbitrary bytes, as they come and
// with their last four bytes replaced by a valid checksum, so that
// mutations reach the decoder: an error wrapping a checkpoint error, or
// an engine that checkpoints to the very bytes it came from and goes on
// like any other: two engines restored from them take the same events to
// the same incidents and checkpoints, which restore in turn.
func FuzzRestoreIncidentEngine(f *testing.F) {
	rng := rand.New(rand.NewPCG(2, 3))
	for range 3 {
		s := randomScenario(rng, 50, h, "default")
		eng := s.engine(f, nil)
		for i, op := range s.ops {
			if i%10 == 0 {
				blob, err := eng.MarshalBinary()
				if err != nil {
					f.Fatal(err)
				}
				f.Add(blob)
			}
			if op.flush {
				_, _ = eng.Flush()
			} else {
				_, _ = eng.Add(op.ev)
			}
		}
	}
	other := newEngineTB(f, risk.IncidentOptions{}, risk.DefaultIncidentRules()...)
	blob, _ := other.MarshalBinary()
	f.Add(blob) // a mismatch
	f.Add([]byte("EsRI\x02\x00\x00\x00\x00"))
	opts := risk.IncidentOptions{Lateness: h}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(data []byte) {
			a, err := risk.RestoreIncidentEngine(data, opts, risk.DefaultIncidentRules()...)
			if err != nil {
				if a != nil || !(errors.Is(err, risk.ErrCorruptCheckpoint) || errors.Is(err, risk.ErrCheckpointVersion) || errors.Is(err, risk.ErrCheckpointMismatch)) {
					t.Fatalf("RestoreIncidentEngine = %v, %v; want no engine and a checkpoint error", a, err)
				}
				return
			}
			again, err := a.MarshalBinary()
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("restored engine checkpoints to other bytes (%v)", err)
			}
			b, err := risk.RestoreIncidentEngine(data, opts, risk.DefaultIncidentRules()...)
			if err != nil {
				t.Fatalf("second restore: %v", err)
			}
			start := a.Watermark()
			if start.IsZero() {
				start = t0
			}
			for i := range 12 {
				ev := risk.Event{
					Time: start.Add(time.Duration(i) * 40 * time.Minute), SearchName: ckptSources[i%len(ckptSources)].name,
					RiskObject: ckptObjects[i%len(ckptObjects)].name, RiskObjectType: ckptObjects[i%len(ckptObjects)].typ,
					RiskScore: 30, RiskMessage: "m", MITRETacticIDs: ckptSources[i%len(ckptSources)].tactics,
				}
				incA, errA := a.Add(ev)
				incB, errB := b.Add(ev)
				if diff := cmp.Diff(incA, incB); diff != "" || fmt.Sprint(errA) != fmt.Sprint(errB) {
					t.Fatalf("two engines restored from the same bytes differ at event %d: %v, %v (-a +b):\n%s", i, errA, errB, diff)
				}
			}
			incA, _ := a.Flush()
			incB, _ := b.Flush()
			if diff := cmp.Diff(incA, incB); diff != "" {
				t.Fatalf("two engines restored from the same bytes differ at Flush (-a +b):\n%s", diff)
			}
			blobA, errA := a.MarshalBinary()
			blobB, errB := b.MarshalBinary()
			if errA != nil || errB != nil || !bytes.Equal(blobA, blobB) {
				t.Fatalf("two engines restored from the same bytes checkpoint differently: %v, %v", errA, errB)
			}
			if _, err := risk.RestoreIncidentEngine(blobA, opts, risk.DefaultIncidentRules()...); err != nil {
				t.Fatalf("after more events, the checkpoint does not restore: %v", err)
			}
		}
		check(data)
		check(reframe(data))
	})
}

func newEngineTB(tb testing.TB, opts risk.IncidentOptions, rules ...risk.IncidentRule) *risk.IncidentEngine {
	tb.Helper()
	eng, err := risk.NewIncidentEngine(opts, rules...)
	if err != nil {
		tb.Fatal(err)
	}
	return eng
}

// BenchmarkIncidentCheckpoint checkpoints and restores an engine holding
// 10,000 users, each with the risk events of a working day from four
// detections, messages naming the user, one in five over the 24 h
// threshold (so with a throttle running), and the last hour's events
// awaiting evaluation. B/object is the checkpoint's size per object.
func BenchmarkIncidentCheckpoint(b *testing.B) {
	const users = 10000
	opts := risk.IncidentOptions{Lateness: h}
	eng := newEngineTB(b, opts, risk.DefaultIncidentRules()...)
	srcs := ckptSources[:4]
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range 4 * users {
		u, round := i%users, i/users
		src := srcs[(u+round)%len(srcs)]
		score := 20
		if u%5 == 0 {
			score = 40
		}
		user := fmt.Sprintf("user%05d@contoso.com", u)
		ev := risk.Event{
			Time:       t0.Add(time.Duration(i) * 8 * time.Hour / users).Add(time.Duration(rng.IntN(1000)) * time.Millisecond),
			SearchName: src.name, RiskObject: user, RiskObjectType: risk.User, RiskScore: score,
			RiskMessage:    fmt.Sprintf("%s for %s from 198.51.100.%d", src.name, user, rng.IntN(256)),
			MITRETacticIDs: src.tactics, MITRETechniqueIDs: []string{"T1528", "T1078.004"},
		}
		if _, err := eng.Add(ev); err != nil {
			b.Fatal(err)
		}
	}
	blob, err := eng.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	perObject := float64(len(blob)) / float64(eng.Objects())
	b.Run("AppendBinary", func(b *testing.B) {
		b.SetBytes(int64(len(blob)))
		b.ReportAllocs()
		buf := make([]byte, 0, len(blob))
		for b.Loop() {
			if buf, err = eng.AppendBinary(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(perObject, "B/object")
		b.ReportMetric(float64(eng.Objects()), "objects")
	})
	b.Run("Restore", func(b *testing.B) {
		b.SetBytes(int64(len(blob)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := risk.RestoreIncidentEngine(blob, opts, risk.DefaultIncidentRules()...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(perObject, "B/object")
	})
}

// A stream run checkpoints its incident engine when it stops and restores
// it when it starts again: the incidents are those of a run that never
// stopped, here one that needs risk from both runs. The engine restoring
// must have the same rules and options as the one that wrote the
// checkpoint; a checkpoint that does not match, or that is damaged, is
// refused rather than turned into a fresh engine.
func ExampleRestoreIncidentEngine() {
	opts := risk.IncidentOptions{Lateness: time.Hour}
	event := func(hhmm, search string, score int) risk.Event {
		at, _ := time.Parse(time.RFC3339, "2025-04-01T"+hhmm+":00Z")
		return risk.Event{Time: at, SearchName: search, RiskObject: "isabel.ruiz@example.com", RiskObjectType: risk.User,
			RiskScore: score, RiskMessage: search + " for isabel.ruiz@example.com"}
	}

	// The first run sees two events, then stops.
	first, err := risk.NewIncidentEngine(opts, risk.DefaultIncidentRules()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range []risk.Event{
		event("08:10", "ESCU - Azure AD Device Code Authentication - Rule", 35),
		event("09:30", "ESCU - Azure AD Multiple Denied MFA Requests For User - Rule", 54),
	} {
		if _, err := first.Add(ev); err != nil {
			fmt.Println(err)
			return
		}
	}
	checkpoint, err := first.MarshalBinary() // saved with the rest of the run's state
	if err != nil {
		fmt.Println(err)
		return
	}

	// The next run, in another process, restores it and goes on.
	next, err := risk.RestoreIncidentEngine(checkpoint, opts, risk.DefaultIncidentRules()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	incs, _ := next.Add(event("10:15", "ESCU - O365 User Consent Denied for OAuth Application - Rule", 50))
	more, _ := next.Flush()
	for _, inc := range append(incs, more...) {
		fmt.Printf("%s %s: %s, score %d from %d events\n",
			inc.LastTime.Format(time.RFC3339), inc.RiskObject, inc.Rule, inc.RiskScore, inc.EventCount)
	}

	// Other options, or a torn checkpoint, are errors.
	_, err = risk.RestoreIncidentEngine(checkpoint, risk.IncidentOptions{}, risk.DefaultIncidentRules()...)
	fmt.Println(err)
	_, err = risk.RestoreIncidentEngine(checkpoint[:len(checkpoint)-1], opts, risk.DefaultIncidentRules()...)
	fmt.Println(errors.Is(err, risk.ErrCorruptCheckpoint))
	// Output:
	// 2025-04-01T10:15:00Z isabel.ruiz@example.com: Risk Threshold Exceeded For Object Over 24 Hour Period, score 139 from 3 events
	// risk: restore incident engine: incident engine checkpoint does not match the engine: lateness 1h0m0s in the checkpoint, 0s in the engine's options
	// true
}
