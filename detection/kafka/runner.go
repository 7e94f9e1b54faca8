package kafka

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// Runner runs an engine's detections as one member of a consumer group:
// each input partition it is assigned has one stream per tenant, whose
// state moves with the partition. See the package documentation.
type Runner struct {
	eng      *detection.Engine
	cfg      Config
	log      *slog.Logger
	groupBy  map[string][]string
	state    string // the state topic
	interval time.Duration

	cl    *kgo.Client               // the group's: polls and produces
	sess  *kgo.GroupTransactSession // cl's session, exactly once; nil at least once
	admin *kgo.Client               // no group: metadata, offsets, topics

	// Run touches these, holding work (as does the revoke callback at
	// least once).
	parts   map[int32]*partition // partitions with their state loaded
	inTxn   bool                 // records were read since the last commit (in a transaction, exactly once)
	txnFrom time.Time            // when the first of them was read
	cur     *curBatch            // the input being run, for OnLate
	pending int64                // findings made since the last commit, counted when it commits

	// work is held while records are run and committed; at least once,
	// the revoke callback commits under it (revokeErr is a commit there
	// that failed, for Run to return).
	work      sync.Mutex
	revokeErr error

	revMu   sync.Mutex
	revoked []int32 // partitions revoked or lost, to drop

	prodMu  sync.Mutex
	prodErr error // the first produce that failed in this transaction

	stats statsBox
	ids   *mrand.ChaCha8 // snapshot ids
}

// curBatch is what a stream is running, for locating late records: its
// inputs by reader name.
type curBatch struct {
	partition int32
	tenant    string
	inputs    map[string]*input
}

// NewRunner returns a runner of eng's detections with cfg. The engine
// should be lenient (detection.Options.Lenient): a bad record is then
// counted (Stats.Bad) and logged with its place, and the stream goes on;
// with a strict engine Run stops at it, and a member restarted stops
// there again.
func NewRunner(eng *detection.Engine, cfg Config) (*Runner, error) {
	if eng == nil {
		return nil, fmt.Errorf("%w: nil engine", ErrConfig)
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	var seed [32]byte
	rand.Read(seed[:])
	if cfg.TransactionalID == "" {
		cfg.TransactionalID = cfg.Group + "-" + hex.EncodeToString(seed[:8])
	}
	// A stream is checked against its options here, so that a bad
	// window is a config error and not a failure at the first record.
	if _, err := eng.NewStream(cfg.Stream); err != nil {
		return nil, err
	}
	r := &Runner{
		eng: eng, cfg: cfg, log: cfg.Logger, state: cfg.stateTopic(), interval: cfg.CommitInterval,
		groupBy: make(map[string][]string), parts: make(map[int32]*partition), ids: mrand.NewChaCha8(seed),
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.interval == 0 {
		r.interval = DefaultCommitInterval
	}
	for _, d := range eng.Detections() {
		r.groupBy[d] = eng.GroupBy(d)
	}
	return r, nil
}

// Run consumes until ctx is done, then commits the findings, state and
// offsets of what it has read, leaves the group and returns nil (also
// when ctx is done before it has joined); or until
// an error that it cannot go on after (the cluster refusing the config,
// a produce that fails), which it returns, the open transaction aborted.
// Open windows stay open in the saved state: they close when later events
// move the watermark, on whichever member then owns the partition.
func (r *Runner) Run(ctx context.Context) error {
	r.log.Info("joining", "group", r.cfg.Group, "topic", r.cfg.Topic, "out", r.cfg.OutTopic, "state", r.state,
		"delivery", map[Delivery]string{ExactlyOnce: "exactly-once", AtLeastOnce: "at-least-once"}[r.cfg.Delivery],
		"transactional_id", r.cfg.TransactionalID)
	// The admin client learns of the topics it creates soon, not after
	// franz-go's default 5 s.
	admin, err := kgo.NewClient(append(r.cfg.connOpts(), kgo.MetadataMinAge(100*time.Millisecond))...)
	if err != nil {
		return fmt.Errorf("kafka: %w", err)
	}
	defer admin.Close()
	r.admin = admin
	n, err := r.ensureTopics(ctx)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// Stopped before joining: nothing read, nothing to commit.
			return nil
		}
		if r.cfg.SASLPlain != nil {
			// A broker may close the connection on bad credentials rather
			// than say so.
			return fmt.Errorf("%w (authenticating with SASL PLAIN as %q: check the credentials)", err, r.cfg.SASLPlain.User)
		}
		return err
	}
	r.stats.setPartitions(n)
	for {
		err := r.member(ctx)
		if !isFenced(err) || ctx.Err() != nil {
			return err
		}
		// The cluster fenced this member's producer: another producer
		// of its transactional id, or the group's coordinator treating
		// a stale generation so. Its transaction aborted; it joins again
		// as a new producer epoch, from the last commit.
		r.log.Warn("fenced; joining again", "err", err)
		r.stats.aborted()
		r.dropAll()
		r.inTxn = false
	}
}

// isFenced reports a producer fenced by the cluster.
func isFenced(err error) bool {
	return errors.Is(err, kerr.ProducerFenced) || errors.Is(err, kerr.InvalidProducerEpoch)
}

// member is one membership of the group: until ctx is done (then it
// commits and leaves) or an error.
func (r *Runner) member(ctx context.Context) error {
	reset := kgo.NewOffset().AtStart()
	if r.cfg.Start == Latest {
		reset = kgo.NewOffset().AtEnd()
	}
	opts := append(r.cfg.connOpts(),
		kgo.ConsumerGroup(r.cfg.Group),
		kgo.ConsumeTopics(r.cfg.Topic),
		kgo.ConsumeResetOffset(reset),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.SessionTimeout(10*time.Second),
		// A rebalance waits this long at most for a member (a member
		// that died while leading one holds the others this long): the
		// runner's own part, a commit, takes well under it.
		kgo.RebalanceTimeout(20*time.Second),
		kgo.RecordPartitioner(partitioner{state: r.state, keyed: kgo.StickyKeyPartitioner(nil)}),
		kgo.OnPartitionsRevoked(r.onRevoked),
		kgo.OnPartitionsLost(r.onRevoked),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, a map[string][]int32) {
			r.log.Info("assigned", "partitions", a[r.cfg.Topic])
		}),
	)
	if r.cfg.Delivery == ExactlyOnce {
		opts = append(opts, kgo.TransactionalID(r.cfg.TransactionalID), kgo.TransactionTimeout(10*time.Second))
		sess, err := kgo.NewGroupTransactSession(append(opts, r.cfg.Options...)...)
		if err != nil {
			return fmt.Errorf("kafka: %w", err)
		}
		r.sess, r.cl = sess, sess.Client()
		defer r.leave(sess.Close)
	} else {
		// A revoke commits (onRevokedAtLeastOnce): a partition is handed
		// on only with its state saved and its offsets committed.
		opts = append(opts, kgo.DisableAutoCommit(), kgo.OnPartitionsRevoked(r.onRevokedAtLeastOnce))
		cl, err := kgo.NewClient(append(opts, r.cfg.Options...)...)
		if err != nil {
			return fmt.Errorf("kafka: %w", err)
		}
		r.cl = cl
		defer r.leave(cl.Close)
	}

	for {
		if ctx.Err() != nil {
			return r.locked(r.finish)
		}
		wait := time.Second
		r.work.Lock()
		if r.inTxn {
			wait = max(time.Millisecond, r.interval-time.Since(r.txnFrom))
		}
		r.work.Unlock()
		pctx, cancel := context.WithTimeout(ctx, wait)
		fetches := r.cl.PollFetches(pctx)
		cancel()
		if fetches.IsClientClosed() {
			return errors.New("kafka: client closed")
		}
		stop, err := r.step(ctx, fetches)
		if stop {
			return err
		}
	}
}

// locked runs f holding r.work.
func (r *Runner) locked(f func() error) error {
	r.work.Lock()
	defer r.work.Unlock()
	return f()
}

// step runs one poll's records and commits when it is time, holding
// r.work, under which a revoke commits too (at least once). It reports
// whether Run stops, and with what.
func (r *Runner) step(ctx context.Context, fetches kgo.Fetches) (stop bool, err error) {
	r.work.Lock()
	defer r.work.Unlock()
	if r.revokeErr != nil {
		return true, r.revokeErr
	}
	r.dropRevoked()
	var fatal error
	fetches.EachError(func(t string, p int32, err error) {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return
		}
		r.log.Warn("fetch", "topic", t, "partition", p, "err", err)
		if isFatal(err) && fatal == nil {
			fatal = fmt.Errorf("kafka: fetch %s/%d: %w", t, p, err)
		}
	})
	if fatal != nil {
		r.abort()
		return true, fatal
	}
	if err := r.apply(ctx, fetches); err != nil {
		r.abort()
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// Stopped while taking a partition on: the poll's records
			// are not all run, so none commit; the last commit stands.
			return true, nil
		}
		return true, err
	}
	r.stats.setOpen(r.openWindows())
	if r.inTxn && time.Since(r.txnFrom) >= r.interval {
		if err := r.commit(); err != nil {
			return true, err
		}
	}
	return false, nil
}

// leave leaves the group, waiting 10 s at most (a rebalance under way
// can hold a leave until its timeout; the group then drops the member
// when its session times out), and closes the client with close.
func (r *Runner) leave(close func()) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.cl.LeaveGroupContext(ctx); err != nil {
		r.log.Warn("leaving the group", "err", err)
	}
	close()
}

// finish commits what has been read, on the way out.
func (r *Runner) finish() error {
	if !r.inTxn {
		return nil
	}
	return r.commit()
}

// apply runs a poll's records into their partitions' streams.
func (r *Runner) apply(ctx context.Context, fetches kgo.Fetches) error {
	var err error
	fetches.EachPartition(func(fp kgo.FetchTopicPartition) {
		if err != nil || len(fp.Records) == 0 {
			return
		}
		r.stats.lag(fp.Partition, fp.HighWatermark-fp.Records[len(fp.Records)-1].Offset-1)
		if !r.inTxn {
			if r.sess != nil {
				if err = r.sess.Begin(); err != nil {
					err = fmt.Errorf("kafka: begin transaction: %w", err)
					return
				}
			}
			r.inTxn, r.txnFrom = true, time.Now()
		}
		var p *partition
		if p, err = r.partition(ctx, fp.Partition); err != nil {
			return
		}
		if first := fp.Records[0].Offset; r.sess == nil && first > p.next && !p.sought {
			// At least once, the runner commits offsets only after the
			// state, so they are never ahead of it by its own doing; when
			// they are (offsets reset by hand or by another tool), the
			// records between are read again from the state's offset
			// rather than lost.
			p.sought = true
			r.log.Info("reading again from the state's offset", "partition", p.id, "from", p.next, "committed", first)
			r.cl.SetOffsets(map[string]map[int32]kgo.EpochOffset{r.cfg.Topic: {p.id: {Epoch: -1, Offset: p.next}}})
			return
		}
		err = r.feed(p, fp.Records)
	})
	return err
}

// feed runs one partition's records of a poll, each tenant's into its
// stream, in offset order.
func (r *Runner) feed(p *partition, recs []*kgo.Record) error {
	batches := make(map[string]*batch)
	var order []string
	n := 0
	for _, rec := range recs {
		if rec.Offset < p.next {
			r.log.Debug("skipped", "partition", p.id, "offset", rec.Offset, "next", p.next)
			continue // in the state already: read before a restore
		}
		n++
		p.next = rec.Offset + 1
		splitShaped(rec.Value, string(rec.Key), func(tenant string, data []byte, sh shape) {
			b := batches[tenant]
			if b == nil {
				b = &batch{}
				batches[tenant] = b
				order = append(order, tenant)
			}
			b.addShaped(data, rec.Offset, sh)
		})
	}
	if n == 0 {
		return nil
	}
	p.dirty = true
	slices.Sort(order)
	ctx := context.Background() // a batch runs whole: its offsets commit with it
	for _, tenant := range order {
		b := batches[tenant]
		st, err := r.stream(p, tenant)
		if err != nil {
			return err
		}
		before := st.Counts()
		byName := make(map[string]*input, len(b.inputs))
		readers := make([]*event.Reader, len(b.inputs))
		for i, in := range b.inputs {
			rd := event.NewReader(in.reader())
			rd.Name = r.cfg.Topic + "/" + strconv.Itoa(int(p.id)) + "@" + strconv.FormatInt(in.starts[0].offset, 10)
			readers[i], byName[rd.Name] = rd, in
		}
		r.cur = &curBatch{partition: p.id, tenant: tenant, inputs: byName}
		err = st.Run(ctx, readers...)
		r.cur = nil
		after := st.Counts()
		r.stats.counted(int64(n), sub(after, before))
		n = 0 // messages count once, with their first tenant
		if bad := after.Bad - before.Bad; bad > 0 {
			r.log.Warn("bad records skipped", "partition", p.id, "tenant", tenant, "count", bad,
				"from", b.inputs[0].starts[0].offset, "to", lastOffset(b))
		}
		if err != nil {
			var de *event.DecodeError
			if errors.As(err, &de) {
				if in := byName[de.Source]; in != nil {
					off, line := in.locate(de.Line)
					return fmt.Errorf("kafka: %s: %w", where(r.cfg.Topic, p.id, off, line), err)
				}
			}
			return fmt.Errorf("kafka: partition %d: %w", p.id, err)
		}
	}
	return nil
}

func lastOffset(b *batch) int64 {
	in := b.inputs[len(b.inputs)-1]
	return in.starts[len(in.starts)-1].offset
}

func sub(a, b event.Counts) event.Counts {
	return event.Counts{Records: a.Records - b.Records, Decoded: a.Decoded - b.Decoded, Bad: a.Bad - b.Bad,
		Other: a.Other - b.Other, Prefiltered: a.Prefiltered - b.Prefiltered}
}

// commit ends the transaction: each partition read in it saves its state,
// and the findings, the states and the offsets commit together. When the
// transaction aborts (a rebalance, the member fenced), every partition's
// state is dropped, to be restored from what was committed, and the
// session goes back to the committed offsets. At least once, the
// findings are flushed first, then the states, then the offsets
// committed: a member that dies in between leaves a state no older than
// its offsets, whose records it repeats.
func (r *Runner) commit() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r.sess == nil {
		return r.commitAtLeastOnce(ctx)
	}
	for _, p := range r.parts {
		if p.dirty {
			if err := r.save(ctx, p); err != nil {
				r.abort()
				return err
			}
		}
	}
	perr := r.produceErr()
	try := kgo.TryCommit
	if perr != nil {
		try = kgo.TryAbort
	}
	committed, err := r.sess.End(ctx, try)
	r.inTxn = false
	switch {
	case err != nil:
		r.dropAll()
		return fmt.Errorf("kafka: end transaction: %w", err)
	case perr != nil:
		r.dropAll()
		return fmt.Errorf("kafka: produce: %w", perr)
	case !committed:
		r.log.Info("transaction aborted; state restored from the last commit")
		r.stats.aborted()
		r.dropAll()
		return nil
	}
	r.committed()
	return nil
}

func (r *Runner) commitAtLeastOnce(ctx context.Context) error {
	flush := func() error {
		if err := r.cl.Flush(ctx); err != nil {
			return fmt.Errorf("kafka: flush: %w", err)
		}
		if err := r.produceErr(); err != nil {
			return fmt.Errorf("kafka: produce: %w", err)
		}
		return nil
	}
	if err := flush(); err != nil {
		return err
	}
	for _, p := range r.parts {
		if p.dirty {
			if err := r.save(ctx, p); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := r.cl.CommitUncommittedOffsets(ctx); err != nil {
		return fmt.Errorf("kafka: commit offsets: %w", err)
	}
	r.inTxn = false
	r.committed()
	return nil
}

// committed marks every partition saved.
func (r *Runner) committed() {
	for _, p := range r.parts {
		p.dirty = false
	}
	r.stats.committed(r.pending)
	r.pending = 0
}

// produceErr returns, and forgets, the first produce that failed since it
// was last called.
func (r *Runner) produceErr() error {
	r.prodMu.Lock()
	defer r.prodMu.Unlock()
	err := r.prodErr
	r.prodErr = nil
	return err
}

// abort ends an open transaction without committing it, after an error.
func (r *Runner) abort() {
	if !r.inTxn {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r.sess != nil {
		r.sess.End(ctx, kgo.TryAbort)
	}
	r.inTxn = false
	r.dropAll()
}

// onRevoked is the session's revoke and lost callback, on another
// goroutine: the partitions' state is dropped before the next poll.
func (r *Runner) onRevoked(_ context.Context, _ *kgo.Client, rev map[string][]int32) {
	r.revMu.Lock()
	r.revoked = append(r.revoked, rev[r.cfg.Topic]...)
	r.revMu.Unlock()
	r.log.Info("revoked", "partitions", rev[r.cfg.Topic])
}

// onRevokedAtLeastOnce is the revoke callback at least once: before the
// partitions go, what has been read is committed (findings, state,
// offsets), so that their next owner goes on from where this one stood.
func (r *Runner) onRevokedAtLeastOnce(ctx context.Context, cl *kgo.Client, rev map[string][]int32) {
	r.work.Lock()
	if r.inTxn && r.revokeErr == nil {
		r.revokeErr = r.commit()
	}
	r.work.Unlock()
	r.onRevoked(ctx, cl, rev)
}

func (r *Runner) dropRevoked() {
	r.revMu.Lock()
	rev := r.revoked
	r.revoked = nil
	r.revMu.Unlock()
	for _, id := range rev {
		delete(r.parts, id)
		r.stats.drop(id)
	}
}

func (r *Runner) dropAll() {
	clear(r.parts)
	r.pending = 0
	r.stats.setOpen(0)
}

// produce adds one message to the transaction.
func (r *Runner) produce(rec *kgo.Record) {
	r.cl.Produce(context.Background(), rec, func(_ *kgo.Record, err error) {
		if err != nil {
			r.prodMu.Lock()
			if r.prodErr == nil {
				r.prodErr = err
			}
			r.prodMu.Unlock()
		}
	})
}

// partitioner puts state messages on the partition they name and the
// others by their key, as Kafka's Java client does.
type partitioner struct {
	state string
	keyed kgo.Partitioner
}

// ForTopic implements kgo.Partitioner.
func (p partitioner) ForTopic(t string) kgo.TopicPartitioner {
	if t == p.state {
		return kgo.ManualPartitioner().ForTopic(t)
	}
	return p.keyed.ForTopic(t)
}
