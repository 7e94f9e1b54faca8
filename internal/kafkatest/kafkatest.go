// Package kafkatest holds what the Kafka tests share: an in-process kfake
// cluster on 127.0.0.1, held-out sign-ins of several tenants keyed onto a
// topic's partitions, reading an output topic as a read-committed
// consumer does, and what a one-process stream run finds in each
// tenant's records, to hold a consumer group's output to.
package kafkatest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/internal/findingjson"
	"github.com/escudo-dev/escudo/internal/signingen"
)

// generatedTenant is the tenant id signingen writes into every record.
const generatedTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// Cluster starts an in-process cluster of brokers brokers on 127.0.0.1
// with the topics given (name → partitions), closed when t ends.
func Cluster(t testing.TB, brokers int, topics map[string]int32) *kfake.Cluster {
	t.Helper()
	opts := []kfake.Opt{kfake.NumBrokers(brokers)}
	for name, n := range topics {
		opts = append(opts, kfake.SeedTopics(n, name))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Record is one input record of a tenant.
type Record struct {
	Tenant string
	Time   time.Time
	Line   []byte // the Azure Monitor record, one JSON line
}

// Tenant returns the id of test tenant i.
func Tenant(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", 0xe5c0d0+i, i) }

// Records returns n held-out sign-ins (Azure Monitor records, in time
// order) of each of tenants tenants, from seeds no golden file uses; a
// few percent are consent denials so that the consent rule finds groups
// in every window.
func Records(t testing.TB, tenants, n int) [][]Record {
	t.Helper()
	out := make([][]Record, tenants)
	for i := range tenants {
		var buf bytes.Buffer
		o := signingen.Options{N: n, Seed: uint64(9000 + i), ConsentDenials: 0.02}
		o.Format, _ = signingen.ParseFormat("azure-monitor-lines")
		if _, err := signingen.Generate(&buf, o); err != nil {
			t.Fatal(err)
		}
		tenant := Tenant(i)
		for line := range bytes.Lines(buf.Bytes()) {
			line = bytes.TrimRight(line, "\r\n")
			line = bytes.ReplaceAll(line, []byte(generatedTenant), []byte(tenant))
			out[i] = append(out[i], Record{Tenant: tenant, Time: timeOf(t, line), Line: line})
		}
	}
	return out
}

// timeOf reads a record's top-level "time".
func timeOf(t testing.TB, line []byte) time.Time {
	const key = `"time":"`
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		t.Fatalf("record without time: %.200s", line)
	}
	rest := line[i+len(key):]
	ts, err := time.Parse(time.RFC3339Nano, string(rest[:bytes.IndexByte(rest, '"')]))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// Message is one input message: a document of records of one tenant.
type Message struct {
	Tenant string
	Value  []byte
}

// Messages packs each tenant's records into Event Hubs documents
// ({"records": [...]}) of up to per records, and interleaves the tenants
// in event time, so that each partition, keyed by tenant, is in time
// order.
func Messages(tenants [][]Record, per int) []Message {
	type doc struct {
		m     Message
		first time.Time
	}
	var docs []doc
	for _, recs := range tenants {
		for i := 0; i < len(recs); i += per {
			part := recs[i:min(len(recs), i+per)]
			n := len(`{"records":[]}`)
			for _, r := range part {
				n += len(r.Line) + 1
			}
			b := make([]byte, 0, n)
			b = append(b, `{"records":[`...)
			for j, r := range part {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, r.Line...)
			}
			b = append(b, "]}"...)
			docs = append(docs, doc{Message{part[0].Tenant, b}, part[0].Time})
		}
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].first.Before(docs[j].first) })
	out := make([]Message, len(docs))
	for i, d := range docs {
		out[i] = d.m
	}
	return out
}

// Produce writes the messages to topic, keyed by tenant, in order; opts
// are more client options (TLS, SASL).
func Produce(t testing.TB, brokers []string, topic string, msgs []Message, opts ...kgo.Opt) {
	t.Helper()
	ProduceTo(t, brokers, topic, msgs, nil, opts...)
}

// ProduceTo writes the messages to topic, keyed by tenant, in order, each
// on the partition partition gives its tenant, or by the key's hash when
// partition is nil. The benchmarks spread tenants evenly so that each
// member has as much to do. Opts are more client options (TLS, SASL).
func ProduceTo(t testing.TB, brokers []string, topic string, msgs []Message, partition func(tenant string) int32, opts ...kgo.Opt) {
	t.Helper()
	var part kgo.Partitioner = kgo.StickyKeyPartitioner(nil)
	if partition != nil {
		part = kgo.ManualPartitioner()
	}
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic),
		kgo.RecordPartitioner(part), kgo.ProducerBatchMaxBytes(4 << 20), kgo.MaxBufferedRecords(100_000)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := cl.ProduceSync(ctx, records(msgs, partition)...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// records are the messages as Kafka records keyed by tenant, on the
// partition partition gives each tenant when it is not nil.
func records(msgs []Message, partition func(tenant string) int32) []*kgo.Record {
	recs := make([]*kgo.Record, len(msgs))
	for i, m := range msgs {
		recs[i] = &kgo.Record{Key: []byte(m.Tenant), Value: m.Value}
		if partition != nil {
			recs[i].Partition = partition(m.Tenant)
		}
	}
	return recs
}

// Feed writes the messages to topic as Produce does, but as a live
// stream arrives: in parts parts, one every every, in the background.
// When t ends it stops writing; a write that failed before then fails t.
func Feed(t testing.TB, brokers []string, topic string, msgs []Message, parts int, every time.Duration) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.StickyKeyPartitioner(nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fed := make(chan error, 1)
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for i := range parts {
			if i > 0 {
				select {
				case <-tick.C:
				case <-ctx.Done():
					fed <- nil
					return
				}
			}
			part := msgs[i*len(msgs)/parts : (i+1)*len(msgs)/parts]
			if err := cl.ProduceSync(ctx, records(part, nil)...).FirstErr(); err != nil && ctx.Err() == nil {
				fed <- fmt.Errorf("writing part %d of %d of the input: %w", i+1, parts, err)
				return
			}
		}
		fed <- nil
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-fed; err != nil {
			t.Error(err)
		}
		cl.Close()
	})
}

// Output is one message of the output topic.
type Output struct {
	Key, Value string
	// ID, IncidentID and Kind are the headers finding_id, incident_id
	// and kind.
	ID, IncidentID, Kind string
}

// ReadOutput reads topic from its start as a read-committed consumer,
// until every partition's end (with no transaction open) has been read.
// Opts are more client options (TLS, SASL).
func ReadOutput(t testing.TB, brokers []string, topic string, opts ...kgo.Opt) []Output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adm, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	ends := endOffsets(ctx, t, adm, topic)
	offs := make(map[int32]kgo.Offset)
	for p := range ends {
		offs[p] = kgo.NewOffset().AtStart()
	}
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...), kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offs})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []Output
	done := make(map[int32]bool)
	for p, e := range ends {
		done[p] = e == 0
	}
	for slices.Contains(mapValues(done), false) {
		fs := cl.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatalf("read %s: %v", topic, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if r.Offset >= ends[r.Partition]-1 {
				done[r.Partition] = true
			}
			if r.Attrs.IsControl() {
				return
			}
			o := Output{Key: string(r.Key), Value: string(r.Value)}
			for _, h := range r.Headers {
				switch h.Key {
				case "finding_id":
					o.ID = string(h.Value)
				case "incident_id":
					o.IncidentID = string(h.Value)
				case "kind":
					o.Kind = string(h.Value)
				}
			}
			out = append(out, o)
		})
	}
	return out
}

func mapValues[K comparable, V any](m map[K]V) []V {
	var vs []V
	for _, v := range m {
		vs = append(vs, v)
	}
	return vs
}

// endOffsets waits until no transaction is open on any partition of topic
// and returns each partition's end.
func endOffsets(ctx context.Context, t testing.TB, cl *kgo.Client, topic string) map[int32]int64 {
	t.Helper()
	for {
		committed, err := listEnds(ctx, cl, topic, 1)
		if err != nil {
			t.Fatal(err)
		}
		all, err := listEnds(ctx, cl, topic, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(committed) == fmt.Sprint(all) {
			return all
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: a transaction stays open: committed ends %v, ends %v", topic, committed, all)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Findings returns the set of findings in out, each as "tenant\tJSON",
// sorted, after checking that every finding has an id. Exactly once
// (repeats false), no id may repeat; at least once, a repeated id is
// dropped, and must repeat the same finding.
func Findings(t testing.TB, out []Output, repeats bool) []string {
	t.Helper()
	seen := make(map[string]string)
	var fs []string
	n := 0
	for _, o := range out {
		if o.Kind != "finding" {
			continue
		}
		if o.ID == "" {
			t.Errorf("finding without finding_id: %s", o.Value)
		}
		if prev, ok := seen[o.ID]; ok {
			if !repeats || prev != o.Value {
				t.Errorf("finding_id %s repeats:\n%s\n%s", o.ID, prev, o.Value)
			}
			n++
			continue
		}
		seen[o.ID] = o.Value
		fs = append(fs, o.Key+"\t"+o.Value)
	}
	if n > 0 {
		t.Logf("%d repeated findings dropped by finding_id", n)
	}
	slices.Sort(fs)
	return fs
}

// Expected returns what one process finds in each tenant's records on its
// own, as Findings does: a stream run (`detect -stream -json`) of eng over
// the tenant's records, keeping the windows the records close (those the
// watermark passes; Close would close the others too early for a
// member that waits for more records).
func Expected(t testing.TB, eng *detection.Engine, opts detection.StreamOptions, tenants [][]Record) []string {
	t.Helper()
	var out []string
	for _, recs := range tenants {
		if len(recs) == 0 {
			continue
		}
		tenant := recs[0].Tenant
		o := opts
		o.OnWindow = func(_ detection.Window, fs []detection.Finding) error {
			for _, f := range fs {
				out = append(out, tenant+"\t"+string(findingjson.Append(nil, f)))
			}
			return nil
		}
		st, err := eng.NewStream(o)
		if err != nil {
			t.Fatal(err)
		}
		var lines [][]byte
		for _, r := range recs {
			lines = append(lines, r.Line)
		}
		if err := st.Run(context.Background(), readerOf(bytes.Join(lines, []byte("\n")))); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// Diff describes how got differs from want, both sorted, in a few lines.
func Diff(got, want []string) string {
	var b strings.Builder
	i, j, n := 0, 0, 0
	for (i < len(got) || j < len(want)) && n < 10 {
		switch {
		case j >= len(want) || i < len(got) && got[i] < want[j]:
			fmt.Fprintf(&b, "+ %.300s\n", got[i])
			i++
			n++
		case i >= len(got) || got[i] > want[j]:
			fmt.Fprintf(&b, "- %.300s\n", want[j])
			j++
			n++
		default:
			i++
			j++
		}
	}
	return fmt.Sprintf("%d findings, want %d (+ extra, - missing):\n%s", len(got), len(want), b.String())
}

// PartitionOf returns the partition of n that a producer keying by
// tenant (murmur2, as Kafka's Java client and Produce do) puts tenant's
// records on.
func PartitionOf(tenant string, n int) int32 {
	return int32(kgo.StickyKeyPartitioner(nil).ForTopic("").Partition(&kgo.Record{Key: []byte(tenant)}, n))
}
