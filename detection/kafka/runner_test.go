package kafka_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/kafka"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/findingjson"
	"github.com/escudo-dev/escudo/internal/kafkatest"
	"github.com/escudo-dev/escudo/risk"
)

// catalogue is the engine of the tests: every rule, lenient.
func catalogue(t testing.TB) *detection.Engine {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{Lenient: true}, rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// fastOpts shorten the group's timeouts for tests on one machine.
var fastOpts = []kgo.Opt{kgo.HeartbeatInterval(200 * time.Millisecond), kgo.WithLogger(kgo.BasicLogger(os.Stderr, kgo.LogLevelInfo, nil))}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// member runs one runner until stop is called; stop returns Run's error.
func member(t *testing.T, eng *detection.Engine, cfg kafka.Config) (r *kafka.Runner, stop func() error) {
	t.Helper()
	r, err := kafka.NewRunner(eng, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := r.Run(ctx)
		if err != nil && ctx.Err() == nil {
			t.Errorf("runner stopped by itself: %v", err)
		}
		done <- err
	}()
	stopped := false
	var runErr error
	stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(time.Minute):
				t.Fatal("runner did not stop within a minute")
			}
		}
		return runErr
	}
	t.Cleanup(func() { stop() })
	return r, stop
}

// waitFor polls cond until it holds, failing after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if t.Failed() {
			t.FailNow()
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// group is a consumer group test: a cluster whose input topic holds
// held-out records of several tenants, keyed by tenant.
type group struct {
	brokers []string
	tenants [][]kafkatest.Record
	total   int64 // input messages
	eng     *detection.Engine
}

func newGroup(t *testing.T, tenants, perTenant int) *group {
	c := kafkatest.Cluster(t, 3, map[string]int32{"in": 6})
	g := &group{brokers: c.ListenAddrs(), tenants: kafkatest.Records(t, tenants, perTenant), eng: catalogue(t)}
	msgs := kafkatest.Messages(g.tenants, 25)
	kafkatest.Produce(t, g.brokers, "in", msgs)
	g.total = int64(len(msgs))
	return g
}

func (g *group) config(t *testing.T) kafka.Config {
	return kafka.Config{Brokers: g.brokers, Topic: "in", Group: "g", OutTopic: "out", Logger: testLogger(t), Options: fastOpts}
}

// read sums the messages members have read.
func read(rs ...*kafka.Runner) int64 {
	var n int64
	for _, r := range rs {
		n += r.Stats().Messages
	}
	return n
}

// check compares the findings on "out" with one process's per tenant.
func (g *group) check(t *testing.T, repeats bool) {
	t.Helper()
	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, g.brokers, "out"), repeats)
	want := kafkatest.Expected(t, g.eng, detection.StreamOptions{}, g.tenants)
	if len(want) == 0 {
		t.Fatal("the records close no window with findings: the test tests nothing")
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s", kafkatest.Diff(got, want))
	}
	t.Logf("%d findings of %d tenants, as one process finds", len(got), len(g.tenants))
}

// waitRead waits until the members have read at least n messages
// between them (reads that an aborted transaction redoes count again).
func waitRead(t *testing.T, n int64, rs ...*kafka.Runner) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d messages read", n), func() bool { return read(rs...) >= n })
}

func TestOneMember(t *testing.T) {
	c := kafkatest.Cluster(t, 3, map[string]int32{"in": 6})
	brokers := c.ListenAddrs()
	tenants := kafkatest.Records(t, 4, 2000)
	msgs := kafkatest.Messages(tenants, 50)
	kafkatest.Produce(t, brokers, "in", msgs)

	eng := catalogue(t)
	cfg := kafka.Config{Brokers: brokers, Topic: "in", Group: "g", OutTopic: "out", Logger: testLogger(t), Options: fastOpts}
	r, stop := member(t, eng, cfg)
	kafkatest.WaitCommitted(t, brokers, "g", "in", int64(len(msgs)), time.Minute)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
	t.Logf("stats: %+v", st)

	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, brokers, "out"), false)
	want := kafkatest.Expected(t, eng, detection.StreamOptions{}, tenants)
	if len(want) == 0 {
		t.Fatal("the records close no window with findings: the test tests nothing")
	}
	t.Logf("%d findings of %d tenants", len(want), len(tenants))
	if !slices.Equal(got, want) {
		t.Errorf("%s", kafkatest.Diff(got, want))
	}
}

// TestRebalance moves partitions, with their state, between members
// mid-stream: a member joins, another leaves; every transaction a
// rebalance cuts short aborts, and is done again by the new owner.
func TestRebalance(t *testing.T) {
	for _, d := range []struct {
		name     string
		delivery kafka.Delivery
	}{{"exactly-once", kafka.ExactlyOnce}, {"at-least-once", kafka.AtLeastOnce}} {
		t.Run(d.name, func(t *testing.T) {
			g := newGroup(t, 8, 1500)
			cfg := g.config(t)
			cfg.Delivery = d.delivery
			cfg.CommitInterval = 50 * time.Millisecond // many commits, so that rebalances fall between and within them
			r1, stop1 := member(t, g.eng, cfg)
			r2, stop2 := member(t, g.eng, cfg)
			waitRead(t, g.total/4, r1, r2)
			r3, stop3 := member(t, g.eng, cfg)
			waitRead(t, g.total/2, r1, r2, r3)
			if err := stop1(); err != nil {
				t.Fatal(err)
			}
			kafkatest.WaitCommitted(t, g.brokers, "g", "in", g.total, time.Minute)
			for _, stop := range []func() error{stop2, stop3} {
				if err := stop(); err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("read %d messages for %d in the input; aborts %d %d %d", read(r1, r2, r3), g.total,
				r1.Stats().Aborts, r2.Stats().Aborts, r3.Stats().Aborts)
			g.check(t, d.delivery == kafka.AtLeastOnce)
		})
	}
}

// TestRiskAndIncidents writes each finding's risk events and each
// tenant's incidents to the output topic too: the same, tenant by tenant,
// as a one-process stream run with the same incident rules gives.
func TestRiskAndIncidents(t *testing.T) {
	g := newGroup(t, 3, 8000) // some hours: incidents become final as the hours pass
	rules := []risk.IncidentRule{risk.RiskThreshold("Any Risk (test)", time.Hour, 1), risk.TacticThreshold7d()}
	cfg := g.config(t)
	cfg.Risk = true
	cfg.Stream.IncidentRules = rules
	r, stop := member(t, g.eng, cfg)
	kafkatest.WaitCommitted(t, g.brokers, "g", "in", g.total, time.Minute)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	out := kafkatest.ReadOutput(t, g.brokers, "out")
	got := map[string][]string{}
	ids := map[string]bool{}
	for _, o := range out {
		got[o.Kind] = append(got[o.Kind], o.Key+"\t"+o.Value)
		if o.Kind == "incident" {
			if o.ID != "" || o.IncidentID == "" || ids[o.IncidentID] {
				t.Errorf("incident with finding_id %q, incident_id %q (seen before: %v)", o.ID, o.IncidentID, ids[o.IncidentID])
			}
			ids[o.IncidentID] = true
		}
	}

	want := map[string][]string{}
	for _, recs := range g.tenants {
		tenant := recs[0].Tenant
		opts := detection.StreamOptions{IncidentRules: rules}
		opts.OnWindow = func(_ detection.Window, fs []detection.Finding) error {
			for _, f := range fs {
				want["finding"] = append(want["finding"], tenant+"\t"+string(findingjson.Append(nil, f)))
				evs, err := g.eng.Risk(f)
				if err != nil {
					return err
				}
				for _, ev := range evs {
					b, err := ev.MarshalJSON()
					if err != nil {
						return err
					}
					want["risk_event"] = append(want["risk_event"], tenant+"\t"+string(b))
				}
			}
			return nil
		}
		opts.OnIncident = func(inc risk.Incident) error {
			b, err := inc.MarshalJSON()
			want["incident"] = append(want["incident"], tenant+"\t"+string(b))
			return err
		}
		st, err := g.eng.NewStream(opts)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, rec := range recs {
			lines = append(lines, string(rec.Line))
		}
		if err := st.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(lines, "\n")))); err != nil {
			t.Fatal(err)
		}
	}
	for _, kind := range []string{"finding", "risk_event", "incident"} {
		slices.Sort(got[kind])
		slices.Sort(want[kind])
		if len(want[kind]) == 0 {
			t.Fatalf("no %s in the one-process run: the test tests nothing", kind)
		}
		if !slices.Equal(got[kind], want[kind]) {
			t.Errorf("%s: %s", kind, kafkatest.Diff(got[kind], want[kind]))
		}
		t.Logf("%d %ss", len(got[kind]), kind)
	}
	if s := r.Stats(); s.Findings != int64(len(want["finding"])) {
		t.Errorf("Stats.Findings = %d, want %d", s.Findings, len(want["finding"]))
	}
}

// TestStopAndGoOn stops a member (its context cancelled, as on SIGTERM)
// after the first half of the input and starts another after the second
// half is produced: the windows left open by the first half close on the
// second member, from the state the first saved, and the findings are
// those of one process over all the records.
func TestStopAndGoOn(t *testing.T) {
	c := kafkatest.Cluster(t, 3, map[string]int32{"in": 6})
	brokers := c.ListenAddrs()
	tenants := kafkatest.Records(t, 4, 2000)
	msgs := kafkatest.Messages(tenants, 25)
	half := len(msgs) / 2
	kafkatest.Produce(t, brokers, "in", msgs[:half])
	eng := catalogue(t)
	cfg := kafka.Config{Brokers: brokers, Topic: "in", Group: "g", OutTopic: "out", Logger: testLogger(t), Options: fastOpts}

	r1, stop1 := member(t, eng, cfg)
	kafkatest.WaitCommitted(t, brokers, "g", "in", int64(half), time.Minute)
	if err := stop1(); err != nil {
		t.Fatal(err)
	}
	if r1.Stats().OpenWindows == 0 {
		t.Fatal("the first half leaves no window open: the test tests nothing")
	}
	kafkatest.Produce(t, brokers, "in", msgs[half:])
	_, stop2 := member(t, eng, cfg)
	kafkatest.WaitCommitted(t, brokers, "g", "in", int64(len(msgs)), time.Minute)
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, brokers, "out"), false)
	want := kafkatest.Expected(t, eng, detection.StreamOptions{}, tenants)
	if !slices.Equal(got, want) {
		t.Fatalf("%s", kafkatest.Diff(got, want))
	}
	t.Logf("%d findings; %d windows were open when the first member stopped", len(got), r1.Stats().OpenWindows)
}

// TestStartLatest starts a new group with Start Latest on a topic that
// holds records already: it reads only what is produced after it has
// joined. Each partition gets probe records (no Entra record: counted
// bad, and skipped by the lenient engine) until the member has read one
// there, so that the records that count
// are produced after its offsets are set, whatever the timing.
func TestStartLatest(t *testing.T) {
	c := kafkatest.Cluster(t, 1, map[string]int32{"in": 6})
	brokers := c.ListenAddrs()
	old := kafkatest.Records(t, 3, 1000)
	kafkatest.Produce(t, brokers, "in", kafkatest.Messages(old, 25))
	eng := catalogue(t)
	cfg := kafka.Config{Brokers: brokers, Topic: "in", Group: "g", OutTopic: "out", Start: kafka.Latest, Logger: testLogger(t), Options: fastOpts}
	r, stop := member(t, eng, cfg)

	probe, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("in"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	waitFor(t, "the member reading every partition", func() bool {
		for p := range int32(6) {
			rec := &kgo.Record{Partition: p, Key: []byte("probe"), Value: []byte(`{"category":"Probe","time":"2025-01-01T00:00:00Z"}`)}
			if err := probe.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		return len(r.Stats().Lag) == 6
	})

	// New records, of other tenants and later times than the old ones.
	fresh := kafkatest.Records(t, 6, 1000)[3:]
	msgs := kafkatest.Messages(fresh, 25)
	before := kafkatest.Committed(t, brokers, "g", "in")
	kafkatest.Produce(t, brokers, "in", msgs)
	waitFor(t, "the new records read", func() bool {
		return kafkatest.Committed(t, brokers, "g", "in") >= before+int64(len(msgs))
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, brokers, "out"), false)
	want := kafkatest.Expected(t, eng, detection.StreamOptions{}, fresh)
	if len(want) == 0 {
		t.Fatal("the new records close no window with findings: the test tests nothing")
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s", kafkatest.Diff(got, want))
	}
	if s := r.Stats(); s.Counts.Decoded != int64(len(fresh)*1000) {
		t.Errorf("decoded %d records, want %d, the new ones (counts %+v)", s.Counts.Decoded, len(fresh)*1000, s.Counts)
	}
}

// TestStopBeforeJoining stops a member before it has joined the group (a
// SIGTERM just after start): Run returns nil, as after any stop, and not
// the canceled request's error.
func TestStopBeforeJoining(t *testing.T) {
	c := kafkatest.Cluster(t, 1, map[string]int32{"in": 6})
	cfg := kafka.Config{Brokers: c.ListenAddrs(), Topic: "in", Group: "g", OutTopic: "out", Logger: testLogger(t), Options: fastOpts}
	r, err := kafka.NewRunner(catalogue(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Run(ctx); err != nil {
		t.Fatalf("Run stopped before joining = %v, want nil", err)
	}
	if s := r.Stats(); s.Messages != 0 || s.Commits != 0 {
		t.Errorf("stats %+v: want nothing read and nothing committed", s)
	}
}
