package kafka_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/kafka"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/kafkatest"
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
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
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

func TestOneMember(t *testing.T) {
	c := kafkatest.Cluster(t, 3, map[string]int32{"in": 6})
	brokers := c.ListenAddrs()
	tenants := kafkatest.Records(t, 4, 2000)
	msgs := kafkatest.Messages(tenants, 50)
	kafkatest.Produce(t, brokers, "in", msgs)

	eng := catalogue(t)
	cfg := kafka.Config{Brokers: brokers, Topic: "in", Group: "g", OutTopic: "out", Logger: testLogger(t), Options: fastOpts}
	r, stop := member(t, eng, cfg)
	waitFor(t, "every message read", func() bool { return r.Stats().Messages == int64(len(msgs)) })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
	t.Logf("stats: %+v", st)

	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, brokers, "out"))
	want := kafkatest.Expected(t, eng, detection.StreamOptions{}, tenants)
	if len(want) == 0 {
		t.Fatal("the records close no window with findings: the test tests nothing")
	}
	t.Logf("%d findings of %d tenants", len(want), len(tenants))
	if !slices.Equal(got, want) {
		t.Errorf("%s", kafkatest.Diff(got, want))
	}
}
