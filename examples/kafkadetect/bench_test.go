package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/escudo-dev/escudo/internal/kafkatest"
)

// clusterEnv makes the test binary a kfake cluster of its own (see
// serveCluster), so that a benchmark's members and cluster are separate
// processes, as on real machines, and the members' CPU is theirs.
const clusterEnv = "KAFKADETECT_TEST_CLUSTER"

// serveCluster runs a one-broker cluster with topic "in" of six
// partitions, prints its address, and serves until its standard input
// closes.
func serveCluster() int {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(6, "in"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer c.Close()
	fmt.Println(strings.Join(c.ListenAddrs(), ","))
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// clusterProcess starts serveCluster in a child process and returns its
// brokers; the cluster ends with b.
func clusterProcess(b *testing.B) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), clusterEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("cluster process: %v", err)
	}
	return strings.Split(strings.TrimSpace(line), ",")
}

// BenchmarkGroupScaling measures how the records consumed per second grow
// from one kafkadetect member to two, on one machine: a cluster process,
// an input topic of six partitions holding sign-ins of twelve tenants,
// two to a partition, and in each iteration a new group of one member,
// then a new group of two, each reading the whole topic (576,000
// sign-ins, 874 MB). The rate is taken while the group commits from 20%
// to 90% of the input, which leaves out the start (joining, the
// rebalance as the second member joins, the first fetches) and the tail. It
// reports records/s of each and their ratio, x-two-vs-one.
//
// Sub-benchmark procs=1 runs each member with GOMAXPROCS=1, as in a
// container with a one-CPU limit (where Go sets it so): one member, one
// core. procs=all lets each member use every core: then one member alone
// already runs its fetching, decompression and garbage collection on the
// second core beside its detection, and two members share both.
func BenchmarkGroupScaling(b *testing.B) {
	brokers := clusterProcess(b)
	const tenants, perTenant = 12, 48_000
	recs := kafkatest.Records(b, tenants, perTenant)
	msgs := kafkatest.Messages(recs, 50)
	part := make(map[string]int32)
	var size int64
	for i, r := range recs {
		part[r[0].Tenant] = int32(i % 6)
		for _, rec := range r {
			size += int64(len(rec.Line))
		}
	}
	kafkatest.ProduceTo(b, brokers, "in", msgs, func(t string) int32 { return part[t] })
	total := int64(len(msgs))
	records := float64(tenants * perTenant)
	watch, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		b.Fatal(err)
	}
	defer watch.Close()

	groups := 0
	rate := func(b *testing.B, members int, env []string) float64 {
		groups++
		group := fmt.Sprintf("g%d", groups)
		var ps []*exec.Cmd
		for range members {
			cmd := exec.Command(bin.kafkadetect, "-brokers", strings.Join(brokers, ","), "-topic", "in", "-group", group, "-out-topic", group+"-out")
			cmd.Env = append(os.Environ(), env...)
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			ps = append(ps, cmd)
		}
		defer func() {
			for _, p := range ps {
				p.Process.Signal(syscall.SIGTERM)
				p.Wait()
			}
		}()
		wait := func(n int64) time.Time {
			deadline := time.Now().Add(10 * time.Minute)
			for {
				var sum int64
				for _, o := range kafkatest.CommittedWith(watch, group, "in") {
					sum += o
				}
				if sum >= n {
					return time.Now()
				}
				if time.Now().After(deadline) {
					b.Fatalf("group %s committed %d of %d offsets in 10 minutes", group, sum, n)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		from := wait(total / 5)
		to := wait(total * 9 / 10)
		return 0.7 * records / to.Sub(from).Seconds()
	}
	for _, procs := range []struct {
		name string
		env  []string
	}{{"procs=1", []string{"GOMAXPROCS=1"}}, {"procs=all", nil}} {
		b.Run(procs.name, func(b *testing.B) {
			var one, two float64
			b.SetBytes(2 * size) // each iteration reads the topic twice
			for range b.N {
				one += rate(b, 1, procs.env)
				two += rate(b, 2, procs.env)
			}
			b.ReportMetric(one/float64(b.N), "records/s-one")
			b.ReportMetric(two/float64(b.N), "records/s-two")
			b.ReportMetric(two/one, "x-two-vs-one")
		})
	}
}
