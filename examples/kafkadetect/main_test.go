package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/kafka"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/cli/clitest"
	"github.com/escudo-dev/escudo/internal/kafkatest"
	"github.com/twmb/franz-go/pkg/kfake"
)

// The binaries the tests run as processes, built once.
var bin struct{ kafkadetect, detect string }

func TestMain(m *testing.M) {
	if os.Getenv(clusterEnv) != "" {
		os.Exit(serveCluster())
	}
	dir, err := os.MkdirTemp("", "kafkadetect-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin.kafkadetect, bin.detect = filepath.Join(dir, "kafkadetect"), filepath.Join(dir, "detect")
	for out, pkg := range map[string]string{bin.kafkadetect: ".", bin.detect: "../detect"} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build %s: %v\n%s", pkg, err, b)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a kafkadetect process.
type proc struct {
	cmd    *exec.Cmd
	stderr *clitest.SyncBuffer
	done   chan struct{}
	err    error
}

// start starts a kafkadetect member with args, killed when t ends if it
// still runs.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	return startEnv(t, nil, args...)
}

// startEnv is start with env added to the process's environment.
func startEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin.kafkadetect, args...), stderr: &clitest.SyncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	// Ready once it says it joins: its signal handler is in place, so a
	// SIGTERM from here on is a clean stop.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(p.stderr.String(), "msg=joining"); {
		select {
		case <-p.done:
			if strings.Contains(p.stderr.String(), "msg=joining") {
				break // it started, then ended (refused at once): the caller looks at how
			}
			t.Fatalf("kafkadetect %s exited: %v\n%s", strings.Join(args, " "), p.err, tail(p.stderr.String(), 20))
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("kafkadetect did not start within a minute")
		}
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() || testing.Verbose() {
			t.Logf("kafkadetect %s:\n%s", strings.Join(args, " "), tail(p.stderr.String(), 40))
		}
	})
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.cmd.Process.Signal(syscall.SIGQUIT) // its goroutines' stacks, on its stderr
		<-p.done
		t.Fatalf("kafkadetect did not stop within a minute of SIGTERM:\n%s", tail(p.stderr.String(), 150))
	}
	if p.err != nil {
		t.Fatalf("kafkadetect exited: %v\n%s", p.err, tail(p.stderr.String(), 20))
	}
}

// kill sends SIGKILL and waits for the process to end.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// kill kills member p with SIGKILL while group g is stable, never while
// p has a JoinGroup waiting at the coordinator. kfake, the in-process
// cluster, mishandles a member that dies so: it answers the dead
// connection, starts no session timer for it, and restarts its rebalance
// deadline at every join, so the live members' joins, each retried when
// it times out, can keep the group rebalancing for good (CI saw it stuck
// for minutes). Kafka's own coordinator, as we read it, schedules the
// member's session expiry when it answers and keeps one deadline per
// rebalance. The kill still lands at a random point of the stream: in a
// transaction or between two, in a commit, mid-restore.
//
// p is stopped (SIGSTOP) first, so that it can send nothing new, and
// given a moment for what it sent to reach the cluster; if the group is
// then rebalancing, p goes on (SIGCONT) and the kill waits for the next
// stable moment.
func (f *fixture) kill(t *testing.T, p *proc) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		if _, err := f.cluster.WaitGroupStable(ctx, "g", -1); err != nil {
			t.Fatalf("group g not stable within 2 minutes, to kill a member in: %v", err)
		}
		p.cmd.Process.Signal(syscall.SIGSTOP)
		time.Sleep(100 * time.Millisecond)
		if g := f.cluster.GroupInfo("g"); g != nil && g.State == "Stable" {
			p.kill()
			return
		}
		p.cmd.Process.Signal(syscall.SIGCONT)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// fixture is a cluster of three brokers with an input topic of six
// partitions holding held-out Azure Monitor records of several tenants,
// keyed by tenant, time-ordered per partition, interleaved across them.
type fixture struct {
	cluster *kfake.Cluster
	brokers []string
	tenants [][]kafkatest.Record
	total   int64 // input messages
}

func newFixture(t *testing.T, tenants, perTenant int) *fixture {
	f, msgs := emptyFixture(t, tenants, perTenant)
	kafkatest.Produce(t, f.brokers, "in", msgs)
	return f
}

// newLiveFixture is a fixture whose input arrives as a live stream does:
// in 40 parts over over, in the background. Members that kill and
// restart need a stream that outlasts the rebalances they cause (a
// killed member holds one up until its session times out, 10 s), or
// every kill would come after the last record.
func newLiveFixture(t *testing.T, tenants, perTenant int, over time.Duration) *fixture {
	f, msgs := emptyFixture(t, tenants, perTenant)
	kafkatest.Feed(t, f.brokers, "in", msgs, 40, over/40)
	return f
}

// emptyFixture is a fixture whose input, msgs, is not written yet.
func emptyFixture(t *testing.T, tenants, perTenant int) (f *fixture, msgs []kafkatest.Message) {
	c := kafkatest.Cluster(t, 3, map[string]int32{"in": 6})
	f = &fixture{cluster: c, brokers: c.ListenAddrs(), tenants: kafkatest.Records(t, tenants, perTenant)}
	msgs = kafkatest.Messages(f.tenants, 25)
	f.total = int64(len(msgs))
	return f, msgs
}

// skipUnderRace skips a test whose members run long as processes: they
// are built without the race detector (the race run of detection/kafka
// covers the runner), so under it the test would only take twice as
// long.
func skipUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("the members are processes built without -race; detection/kafka's tests run the runner under it")
	}
}

// member starts a member of group g reading "in", writing "out".
func (f *fixture) member(t *testing.T, extra ...string) *proc {
	args := append([]string{"-brokers", strings.Join(f.brokers, ","), "-topic", "in", "-group", "g", "-out-topic", "out"}, extra...)
	return start(t, args...)
}

// committed returns the sum of group g's committed offsets of "in".
func (f *fixture) committed(t *testing.T) int64 {
	return kafkatest.Committed(t, f.brokers, "g", "in")
}

// waitCommitted waits until the group has committed at least n offsets.
func (f *fixture) waitCommitted(t *testing.T, n int64, within time.Duration) {
	t.Helper()
	kafkatest.WaitCommitted(t, f.brokers, "g", "in", n, within)
}

// expected runs `detect -stream -json -checkpoint` over each tenant's
// records in one process: the findings of every window its records
// close, each as "tenant\tJSON", sorted. The checkpoint keeps the
// windows the records leave open open, as a member does.
func (f *fixture) expected(t *testing.T, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for i, recs := range f.tenants {
		in := filepath.Join(dir, fmt.Sprintf("tenant%d.json", i))
		var b bytes.Buffer
		for _, r := range recs {
			b.Write(r.Line)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"-stream", "-json", "-lenient", "-checkpoint", filepath.Join(dir, fmt.Sprintf("cp%d", i))}, extra...)
		cmd := exec.Command(bin.detect, append(args, in)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.Output()
		if err != nil {
			t.Fatalf("detect: %v\n%s", err, stderr.String())
		}
		for line := range strings.Lines(string(stdout)) {
			out = append(out, recs[0].Tenant+"\t"+strings.TrimSuffix(line, "\n"))
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		t.Fatal("the records close no window with findings: the test would test nothing")
	}
	return out
}

// check compares the findings on "out" with the one-process ones.
func (f *fixture) check(t *testing.T, repeats bool) {
	t.Helper()
	got := kafkatest.Findings(t, kafkatest.ReadOutput(t, f.brokers, "out"), repeats)
	want := f.expected(t)
	if !slices.Equal(got, want) {
		t.Fatalf("%s", kafkatest.Diff(got, want))
	}
	t.Logf("%d findings of %d tenants, as one process finds", len(got), len(f.tenants))
}

func TestKillAndRestart(t *testing.T) {
	skipUnderRace(t)
	f := newLiveFixture(t, 8, 2500, 30*time.Second)
	members := []*proc{f.member(t), f.member(t), f.member(t)}
	f.waitCommitted(t, f.total*2/5, time.Minute)
	f.kill(t, members[1])
	t.Logf("killed a member with %d of %d messages committed", f.committed(t), f.total)
	members[1] = f.member(t)
	f.waitCommitted(t, f.total, 2*time.Minute)
	for _, m := range members {
		m.stop(t)
	}
	f.check(t, false)
}

func TestAddMember(t *testing.T) {
	f := newFixture(t, 8, 2500)
	members := []*proc{f.member(t), f.member(t), f.member(t)}
	f.waitCommitted(t, f.total*2/5, time.Minute)
	members = append(members, f.member(t))
	t.Logf("a fourth member joined with %d of %d messages committed", f.committed(t), f.total)
	f.waitCommitted(t, f.total, 2*time.Minute)
	for _, m := range members {
		m.stop(t)
	}
	f.check(t, false)
}

// TestRandomKills kills members with SIGKILL at random points of the
// stream (while the group is stable: see fixture.kill), each restarted
// at once, some with the transactional id they had (which
// fences the dead one's open transaction at once) and some with a new
// one (whose open transaction the cluster aborts after its timeout).
// Then, the output must be the one-process findings, and each
// partition's state must stand where the group's offsets do, holding the
// streams of the partition's tenants.
func TestRandomKills(t *testing.T) {
	for _, d := range []struct {
		delivery string
		kills    int
	}{{"exactly-once", 3}, {"at-least-once", 2}} {
		t.Run(d.delivery, func(t *testing.T) {
			skipUnderRace(t)
			seed := time.Now().UnixNano()
			rng := rand.New(rand.NewPCG(uint64(seed), 0))
			t.Logf("seed %d", seed) // the schedule of kills, not the result, depends on it
			f := newLiveFixture(t, 8, 2500, 40*time.Second)
			ids := []string{"m0", "m1", "m2"}
			startMember := func(i int) *proc {
				return f.member(t, "-delivery", d.delivery, "-transactional-id", ids[i], "-commit-interval", "100ms")
			}
			members := []*proc{startMember(0), startMember(1), startMember(2)}
			// Each kill comes when the group has committed a random
			// fraction of the input, the fractions rising: mid-stream.
			at := make([]float64, d.kills)
			for k := range at {
				at[k] = 0.1 + 0.8*rng.Float64()
			}
			slices.Sort(at)
			for k := range d.kills {
				f.waitCommitted(t, int64(at[k]*float64(f.total)), 2*time.Minute)
				time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond) // within a transaction or between two
				i := rng.IntN(len(members))
				f.kill(t, members[i])
				if rng.IntN(2) == 0 {
					ids[i] = fmt.Sprintf("m%d-%d", i, k) // a new producer: the old transaction times out
				}
				t.Logf("kill %d: member %d killed with %d of %d messages committed; restarted as %s", k+1, i, f.committed(t), f.total, ids[i])
				members[i] = startMember(i)
			}
			f.waitCommitted(t, f.total, 3*time.Minute)
			for _, m := range members {
				m.stop(t)
			}
			f.check(t, d.delivery == "at-least-once")
			f.checkState(t)
		})
	}
}

// checkState holds each partition's saved state to the group's offsets
// and to the tenants keyed onto the partition.
func (f *fixture) checkState(t *testing.T) {
	t.Helper()
	offs := kafkatest.CommittedOffsets(t, f.brokers, "g", "in")
	if offs == nil {
		t.Fatal("cannot read the group's offsets")
	}
	eng, err := detection.NewEngine(detection.Options{Lenient: true}, rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	tenantsOf := make(map[int32][]string)
	for _, recs := range f.tenants {
		p := kafkatest.PartitionOf(recs[0].Tenant, 6)
		tenantsOf[p] = append(tenantsOf[p], recs[0].Tenant)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := kafka.Config{Brokers: f.brokers, Topic: "in", Group: "g", OutTopic: "out",
		Stream: detection.StreamOptions{Window: detection.DefaultWindow, Lateness: detection.DefaultLateness}}
	for p := range int32(6) {
		st, err := kafka.ReadState(ctx, eng, cfg, p)
		if err != nil {
			t.Fatalf("partition %d: %v", p, err)
		}
		slices.Sort(tenantsOf[p])
		if st.Next != offs[p] || !slices.Equal(st.Tenants, tenantsOf[p]) {
			t.Errorf("partition %d: state at offset %d with tenants %v; the group's offset is %d, the partition's tenants %v",
				p, st.Next, st.Tenants, offs[p], tenantsOf[p])
		}
	}
}
