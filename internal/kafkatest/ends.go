package kafkatest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/escudo-dev/escudo/event"
)

// listEnds returns every partition's end offset of topic: the last
// stable offset with isolation 1, the high watermark with 0.
func listEnds(ctx context.Context, cl *kgo.Client, topic string, isolation int8) (map[int32]int64, error) {
	meta := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr(topic)
	meta.Topics = append(meta.Topics, mt)
	mresp, err := meta.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	if len(mresp.Topics) != 1 {
		return nil, fmt.Errorf("metadata of %s: %d topics", topic, len(mresp.Topics))
	}
	if err := kerr.ErrorForCode(mresp.Topics[0].ErrorCode); err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", topic, err)
	}
	req := kmsg.NewPtrListOffsetsRequest()
	req.ReplicaID, req.IsolationLevel = -1, isolation
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = topic
	for _, p := range mresp.Topics[0].Partitions {
		rp := kmsg.NewListOffsetsRequestTopicPartition()
		rp.Partition, rp.Timestamp, rp.CurrentLeaderEpoch = p.Partition, -1, -1
		rt.Partitions = append(rt.Partitions, rp)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	out := make(map[int32]int64)
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return nil, fmt.Errorf("list offsets %s/%d: %w", topic, p.Partition, err)
			}
			out[p.Partition] = p.Offset
		}
	}
	return out, nil
}

func readerOf(b []byte) *event.Reader { return event.NewReader(bytes.NewReader(b)) }

// Committed returns the sum of group's committed offsets of topic's
// partitions (see CommittedOffsets), or -1 when they cannot be read now.
func Committed(t testing.TB, brokers []string, group, topic string, opts ...kgo.Opt) int64 {
	t.Helper()
	offs := CommittedOffsets(t, brokers, group, topic, opts...)
	if offs == nil {
		return -1
	}
	var sum int64
	for _, o := range offs {
		sum += o
	}
	return sum
}

// CommittedOffsets returns group's committed offset of each of topic's
// partitions (0 for a partition without one), read stably: the
// coordinator waits for pending transactional offsets. It returns nil
// when the coordinator does not answer (it may be moving): ask again.
// Opts are more client options (TLS, SASL).
func CommittedOffsets(t testing.TB, brokers []string, group, topic string, opts ...kgo.Opt) map[int32]int64 {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	return CommittedWith(cl, group, topic)
}

// CommittedWith is CommittedOffsets through a client of the caller's, for
// a loop that asks often (a benchmark) and should cost the machine
// little.
func CommittedWith(cl *kgo.Client, group, topic string) map[int32]int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := listEnds(ctx, cl, topic, 0)
	if err != nil {
		return nil
	}
	req := kmsg.NewPtrOffsetFetchRequest()
	req.Group, req.RequireStable = group, true
	rt := kmsg.NewOffsetFetchRequestTopic()
	rt.Topic = topic
	for p := range ends {
		rt.Partitions = append(rt.Partitions, p)
	}
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil || kerr.ErrorForCode(resp.ErrorCode) != nil {
		return nil
	}
	out := make(map[int32]int64)
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if kerr.ErrorForCode(p.ErrorCode) != nil {
				return nil
			}
			out[p.Partition] = max(0, p.Offset)
		}
	}
	return out
}

// WaitCommitted waits until group has committed at least n offsets of
// topic, failing after within.
func WaitCommitted(t testing.TB, brokers []string, group, topic string, n int64, within time.Duration, opts ...kgo.Opt) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := Committed(t, brokers, group, topic, opts...)
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s committed %d of %d offsets of %s within %v", group, got, n, topic, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
