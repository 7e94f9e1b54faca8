package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/escudo-dev/escudo/detection"
)

// This file keeps the partitions' state on the state topic: saving a
// partition's snapshot in the transaction that commits its offsets, and
// restoring the last committed one when a member takes the partition on.

// save adds p's snapshot to the open transaction, on the state topic's
// partition p.id.
func (r *Runner) save(ctx context.Context, p *partition) error {
	s := snapshot{topic: r.cfg.Topic, partition: p.id, next: p.next, streams: make(map[string][]byte, len(p.tenants))}
	for t, st := range p.tenants {
		b, err := st.AppendBinary(nil)
		if err != nil {
			return fmt.Errorf("kafka: partition %d tenant %q: checkpoint: %w", p.id, t, err)
		}
		s.streams[t] = b
	}
	snap := appendSnapshot(nil, s)
	// A snapshot's id is random, so that the chunks of two writers of
	// one partition (at least once, a member the group has given up on
	// but that still writes) never mix; its low bit alternates, and
	// picks one of two sets of keys, so that on a compacted topic a
	// snapshot cut short (at least once, a member dying as it writes)
	// never overwrites the chunks of the last whole one.
	p.seq = r.ids.Uint64()&^1 | (^p.seq & 1)
	prefix := strconv.Itoa(int(p.id)) + "/" + strconv.FormatUint(p.seq&1, 10) + "/"
	for i, v := range chunks(p.seq, snap) {
		r.produce(&kgo.Record{Topic: r.state, Partition: p.id, Key: []byte(prefix + strconv.Itoa(i)), Value: v})
	}
	r.stats.saved(int64(len(snap)))
	return ctx.Err()
}

// restore loads input partition id's last committed snapshot, or a fresh
// state when there is none. It first waits until no transaction is open
// on the state partition: a member that died mid-transaction holds one
// until the cluster aborts it (the transaction timeout).
func (r *Runner) restore(ctx context.Context, id int32) (*partition, error) {
	p := &partition{id: id, tenants: make(map[string]*detection.Stream)}
	var end int64
	for {
		lso, hwm, err := r.ends(ctx, r.state, id)
		var ke *kerr.Error
		if err != nil && !(errors.As(err, &ke) && ke.Retriable) { // a topic just created is not known everywhere yet
			return nil, fmt.Errorf("kafka: state topic %s partition %d: %w", r.state, id, err)
		}
		if err == nil && lso >= hwm {
			end = hwm
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if end == 0 {
		return p, nil
	}
	for back := int64(16); ; back *= 8 {
		from := max(0, end-back)
		msgs, err := r.readState(ctx, id, from, end)
		if err != nil {
			return nil, err
		}
		data, seq, ok := assemble(msgs)
		if !ok {
			if from == 0 {
				if len(msgs) == 0 {
					return p, nil // only aborted writes
				}
				return nil, fmt.Errorf("kafka: state topic %s partition %d: %w: last snapshot incomplete", r.state, id, errSnapshot)
			}
			continue
		}
		s, err := parseSnapshot(data)
		if err != nil {
			return nil, fmt.Errorf("kafka: state topic %s partition %d: %w", r.state, id, err)
		}
		if s.topic != r.cfg.Topic || s.partition != id {
			return nil, fmt.Errorf("kafka: state topic %s partition %d: %w: it holds the state of %s/%d", r.state, id, errSnapshot, s.topic, s.partition)
		}
		p.next, p.seq = s.next, seq
		for t, cp := range s.streams {
			st, err := r.eng.RestoreStream(cp, r.streamOptions(id, t))
			if err != nil {
				return nil, fmt.Errorf("kafka: state of partition %d tenant %q: %w", id, t, err)
			}
			p.tenants[t] = st
		}
		return p, nil
	}
}

// readState reads the committed state messages of partition id in
// [from, end), end being the partition's end with no transaction open.
// Control records are kept so that the read knows when it has reached
// the end, whatever lies there.
func (r *Runner) readState(ctx context.Context, id int32, from, end int64) ([]chunk, error) {
	cl, err := kgo.NewClient(append(r.cfg.connOpts(),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{r.state: {id: kgo.NewOffset().At(from)}}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
	)...)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	defer cl.Close()
	var out []chunk
	for {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fs.Err(); err != nil {
			return nil, fmt.Errorf("kafka: read state topic %s partition %d: %w", r.state, id, err)
		}
		last := int64(-1)
		for _, rec := range fs.Records() {
			last = max(last, rec.Offset)
			if rec.Attrs.IsControl() || rec.Offset >= end {
				continue
			}
			c, err := parseChunk(rec.Value)
			if err != nil {
				return nil, fmt.Errorf("kafka: state topic %s partition %d offset %d: %w", r.state, id, rec.Offset, err)
			}
			out = append(out, c)
		}
		if last >= end-1 {
			return out, nil
		}
	}
}

// ends returns a partition's last stable offset (the end that a
// read-committed consumer sees) and high watermark.
func (r *Runner) ends(ctx context.Context, topic string, id int32) (lso, hwm int64, err error) {
	get := func(isolation int8) (int64, error) {
		req := kmsg.NewPtrListOffsetsRequest()
		req.ReplicaID = -1
		req.IsolationLevel = isolation
		t := kmsg.NewListOffsetsRequestTopic()
		t.Topic = topic
		p := kmsg.NewListOffsetsRequestTopicPartition()
		p.Partition, p.Timestamp, p.CurrentLeaderEpoch = id, -1, -1
		t.Partitions = append(t.Partitions, p)
		req.Topics = append(req.Topics, t)
		resp, err := req.RequestWith(ctx, r.admin)
		if err != nil {
			return 0, err
		}
		if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
			return 0, errors.New("list offsets: malformed response")
		}
		rp := resp.Topics[0].Partitions[0]
		if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
			return 0, fmt.Errorf("list offsets: %w", err)
		}
		return rp.Offset, nil
	}
	if lso, err = get(1); err != nil {
		return 0, 0, err
	}
	hwm, err = get(0)
	return lso, hwm, err
}

// ensureTopics reads the input topic's partition count and creates the
// output and state topics with as many partitions where they are missing.
func (r *Runner) ensureTopics(ctx context.Context) (int32, error) {
	parts, err := r.partitionCounts(ctx, r.cfg.Topic, r.cfg.OutTopic, r.state)
	if err != nil {
		return 0, err
	}
	n, ok := parts[r.cfg.Topic]
	if !ok {
		return 0, fmt.Errorf("kafka: input topic %s does not exist", r.cfg.Topic)
	}
	if got, ok := parts[r.state]; ok && got != n {
		return 0, fmt.Errorf("kafka: state topic %s has %d partitions, input topic %s has %d: they must match", r.state, got, r.cfg.Topic, n)
	}
	for _, t := range []string{r.cfg.OutTopic, r.state} {
		if _, ok := parts[t]; ok {
			continue
		}
		var configs map[string]string
		if t == r.state {
			configs = map[string]string{"cleanup.policy": "compact"}
		}
		if err := r.createTopic(ctx, t, n, configs); err != nil {
			return 0, err
		}
		r.log.Info("created topic", "topic", t, "partitions", n)
	}
	return n, nil
}

// partitionCounts returns the partition count of each existing topic.
func (r *Runner) partitionCounts(ctx context.Context, topics ...string) (map[string]int32, error) {
	req := kmsg.NewPtrMetadataRequest()
	for _, t := range topics {
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, mt)
	}
	resp, err := req.RequestWith(ctx, r.admin)
	if err != nil {
		return nil, fmt.Errorf("kafka: metadata: %w", err)
	}
	out := make(map[string]int32)
	for _, t := range resp.Topics {
		err := kerr.ErrorForCode(t.ErrorCode)
		switch {
		case errors.Is(err, kerr.UnknownTopicOrPartition):
		case err != nil:
			return nil, fmt.Errorf("kafka: metadata of %s: %w", deref(t.Topic), err)
		default:
			out[deref(t.Topic)] = int32(len(t.Partitions))
		}
	}
	return out, nil
}

// createTopic creates a topic; one created meanwhile by another member is
// fine.
func (r *Runner) createTopic(ctx context.Context, topic string, partitions int32, configs map[string]string) error {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.TimeoutMillis = 30_000
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic, t.NumPartitions, t.ReplicationFactor = topic, partitions, -1
	for k, v := range configs {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name, c.Value = k, kmsg.StringPtr(v)
		t.Configs = append(t.Configs, c)
	}
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, r.admin)
	if err != nil {
		return fmt.Errorf("kafka: create topic %s: %w", topic, err)
	}
	for _, rt := range resp.Topics {
		if err := kerr.ErrorForCode(rt.ErrorCode); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("kafka: create topic %s (%d partitions): %w; create it yourself", topic, partitions, err)
		}
	}
	return nil
}

// isFatal reports fetch errors that retrying cannot mend.
func isFatal(err error) bool {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return !ke.Retriable
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// State is what the state topic holds for one input partition, as of the
// last commit.
type State struct {
	// Next is the offset of the partition's next record to read: every
	// record before it is in the state, and the group's committed offset
	// is the same.
	Next int64
	// Tenants are the tenants with a stream in the state, sorted.
	Tenants []string
	// OpenWindows is the number of open windows over them; Bytes, the
	// size of the snapshot.
	OpenWindows, Bytes int
}

// ReadState reads input partition's last committed state from cfg's
// state topic with eng's detections, as a member taking the partition on
// would (waiting for an open transaction there to end), and reports it.
// A partition without state gives the zero State.
func ReadState(ctx context.Context, eng *detection.Engine, cfg Config, partition int32) (State, error) {
	r, err := NewRunner(eng, cfg)
	if err != nil {
		return State{}, err
	}
	admin, err := kgo.NewClient(r.cfg.connOpts()...)
	if err != nil {
		return State{}, fmt.Errorf("kafka: %w", err)
	}
	defer admin.Close()
	r.admin = admin
	p, err := r.restore(ctx, partition)
	if err != nil {
		return State{}, err
	}
	s := State{Next: p.next}
	for t, st := range p.tenants {
		s.Tenants = append(s.Tenants, t)
		s.OpenWindows += st.OpenWindows()
		b, err := st.AppendBinary(nil)
		if err != nil {
			return State{}, err
		}
		s.Bytes += len(b)
	}
	slices.Sort(s.Tenants)
	return s, nil
}
