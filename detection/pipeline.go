package detection

import (
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/escudo-dev/escudo/event"
)

// A run with workers is a pipeline of three stages, each on its own
// goroutine(s) (a run without is one goroutine: pipeline_single.go):
//
//   - the producer frames the records of each input in order and applies
//     the prefilter (both cheap byte scans), copying the records that need
//     decoding into batches; it hands a batch over when it is full, at the
//     end of an input, and before any read that may block (Reader.Buffered
//     is zero), so no record waits behind a stalled pipe;
//   - Workers workers decode the batches' records;
//   - the calling goroutine takes the batches in input order and applies
//     every record to the detections in that order.
//
// So detections see records in input order whatever the number of
// workers: a strict run stops at exactly the first bad record, and its
// findings and counts are those of the records before it. Batches are
// recycled, so steady state allocates nothing per batch, and records the
// prefilter passes over are counted, never copied.

const (
	batchRecords = 256
	batchBytes   = 512 << 10
)

// batch is a run of records of one input, in input order.
type batch struct {
	seq   int64         // position of the batch in the whole run
	input *event.Reader // the input the records come from
	data  []byte
	recs  []batchRecord
	// end is set on the last batch of an input (io.EOF) or of the run (an
	// input error, which stops it).
	end   error
	bytes int64    // input bytes read when the batch was handed over, over all inputs
	at    Position // where its input stood when the batch was handed over

	// Filled by a decoding worker: the decoded records, in the slots of
	// their event type's part (made on first use), and their errors.
	slots []slots
	errs  []error
}

type batchRecord struct {
	start, end int // within batch.data
	line       int
	offset     int64
	format     event.Format
	err        error // a framing error, or a record of a kind no detection reads, in place of the record
	part       int   // the part of the record's event type
	// check marks a record the prefilter passes over: the worker judges
	// it (Engine.pass), setting part to passedOver or to the part that
	// must decode it.
	check bool
}

func (b *batch) record(i int) event.Record {
	r := b.recs[i]
	return event.Record{Data: b.data[r.start:r.end], Line: r.line, Offset: r.offset, Format: r.format}
}

func (b *batch) reset() {
	b.data, b.recs, b.end, b.errs = b.data[:0], b.recs[:0], nil, b.errs[:0]
}

// route returns the index of the part whose event type a record is, and
// the record's kind, or -1 when no part reads that kind. An engine has one
// part per event type of its detections; with one, every record goes to
// it without a look, and its decoder reports records of other kinds.
func (e *Engine) route(rec event.Record) (int, string) {
	if len(e.parts) == 1 {
		return 0, ""
	}
	kind := event.KindOf(rec)
	for k, p := range e.parts {
		if p.accepts(kind) {
			return k, kind
		}
	}
	return -1, kind
}

func (b *batch) full() bool { return len(b.recs) == batchRecords || len(b.data) >= batchBytes }

// errStopped ends the last batch of a run stopped by cancellation.
var errStopped = errors.New("stopped")

// producer is the state the producer shares with the calling goroutine.
type producer struct {
	// stop asks the producer to hand over what it has framed and end.
	stop chan struct{}
	// idle holds the number of batches handed over while the producer is
	// in a read that may block, with nothing framed and kept back; -1
	// while it is not. wake is signalled when it is set.
	idle atomic.Int64
	wake chan struct{}
}

// produce frames the inputs into batches and hands them to todo in order,
// until the inputs end, p.stop is closed (it hands over what it has, with
// errStopped) or quit is closed.
func (e *Engine) produce(inputs iter.Seq[*event.Reader], free <-chan *batch, todo chan<- *batch, p *producer, quit <-chan struct{}) {
	defer close(todo)
	var (
		seq    int64
		before int64 // bytes of the inputs already read
		cur    *batch
		idle   bool // p.idle holds seq, not -1
	)
	take := func() bool {
		select {
		case cur = <-free:
			return true
		case <-quit:
			return false
		}
	}
	send := func(r *event.Reader) bool {
		cur.seq, cur.input, cur.bytes = seq, r, before+r.Offset()
		cur.at = Position{Source: r.Name, Records: r.Counts().Records, Offset: r.Offset()}
		seq++
		select {
		case todo <- cur:
		case <-quit:
			return false
		}
		return take()
	}
	if !take() {
		return
	}
	var n uint // records framed
	lits := e.search()
	for r := range inputs {
		for {
			n++
			buffered := r.Buffered()
			// Stop when asked: checked before a read that may block and
			// every 64 records, not at each, which would cost a tenth of
			// the prefilter path.
			if buffered == 0 || n%64 == 0 {
				select {
				case <-p.stop:
					cur.end = errStopped
					send(r)
					return
				default:
				}
			}
			if buffered == 0 {
				// The next read may block: hand over what is framed
				// first, and say that nothing is kept back.
				if len(cur.recs) > 0 && !send(r) {
					return
				}
				p.idle.Store(seq)
				idle = true
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
			rec, err := r.ReadRecord()
			if idle {
				// Only then: a store per record would bounce the line
				// between the cores.
				p.idle.Store(-1)
				idle = false
			}
			switch {
			case err == io.EOF:
				cur.end = io.EOF
				ok := send(r)
				before += r.Offset()
				if !ok {
					return
				}
			case err != nil && !isDecodeError(err):
				cur.end = err // the input failed: the run stops here
				send(r)
				return
			case err != nil: // a framing error, such as a record too long
				cur.recs = append(cur.recs, batchRecord{err: err})
			case !lits.mayMatch(rec.Data):
				// Passed over, but checked by a worker, which is where
				// the time goes.
				start := len(cur.data)
				cur.data = append(cur.data, rec.Data...)
				cur.recs = append(cur.recs, batchRecord{start: start, end: len(cur.data), line: rec.Line, offset: rec.Offset, format: rec.Format, check: true})
			default:
				k, kind := e.route(rec)
				if k < 0 {
					// A record of a kind no detection reads: counted as
					// such, never decoded.
					cur.recs = append(cur.recs, batchRecord{err: &event.OtherKindError{Source: r.Name, Line: rec.Line, Offset: rec.Offset, Kind: kind}})
					break
				}
				start := len(cur.data)
				cur.data = append(cur.data, rec.Data...)
				cur.recs = append(cur.recs, batchRecord{start: start, end: len(cur.data), line: rec.Line, offset: rec.Offset, format: rec.Format, part: k})
			}
			if err == io.EOF {
				break
			}
			if cur.full() && !send(r) {
				return
			}
		}
	}
}

// decode is a worker: it decodes every record of the batches it takes,
// each into the slots of its event type.
func (e *Engine) decode(s *run, todo <-chan *batch, decoded chan<- *batch, quit <-chan struct{}) {
	for b := range todo {
		if b.slots == nil {
			b.slots = make([]slots, len(s.parts))
		}
		for _, sl := range b.slots {
			if sl != nil {
				sl.reset()
			}
		}
		for i := range b.recs {
			err := b.recs[i].err
			if err == nil && b.recs[i].check {
				b.recs[i].part, err = e.pass(b.input, b.record(i))
			}
			if err == nil && b.recs[i].part >= 0 {
				k := b.recs[i].part
				if b.slots[k] == nil {
					b.slots[k] = s.parts[k].newSlots()
				}
				err = b.slots[k].decode(i, b.input, b.record(i))
			}
			b.errs = append(b.errs, err)
		}
		select {
		case decoded <- b:
		case <-quit:
			return
		}
	}
}

// Run reads every record of the inputs, in order, decodes each once and
// runs every detection on it, then returns the findings: one pass, with
// groups spanning inputs. Records reach the detections in input order
// whatever Options.Workers is, so the results do not depend on it.
//
// It stops early, with Result.Partial set, when ctx is cancelled
// (returning ctx's error), when an input fails (an *event.InputError), or,
// unless the engine is lenient, at the first bad record (returning its
// *event.DecodeError); the Result then holds the findings and counts of
// every record up to that point. Cancellation returns at once, even when
// a read is blocked (a stalled pipe): records are handed over before any
// read that may block, so every record read is counted. A read left
// blocked then ends with its input; until it does, do not use the Reader
// (closing the input ends it).
//
// A detection that panics is reported as a *PanicError in the returned
// error, alongside the other detections' complete findings.
func (e *Engine) Run(ctx context.Context, inputs ...*event.Reader) (*Result, error) {
	s := e.newRun()
	partial, stop := e.pipeline(ctx, s, slices.Values(inputs))
	return s.finish(partial, stop)
}

// pipeline runs the inputs through the stages into the run's state and
// returns whether it stopped before their end, and why.
func (e *Engine) pipeline(ctx context.Context, s *run, inputs iter.Seq[*event.Reader]) (partial bool, stop error) {
	if e.workers <= 1 {
		return e.pipelineSingle(ctx, s, inputs)
	}
	n := e.workers
	quit := make(chan struct{})
	defer close(quit)
	free := make(chan *batch, 2*n+2)
	for range cap(free) {
		free <- &batch{data: make([]byte, 0, 64<<10), recs: make([]batchRecord, 0, 16)} // grown as records come, kept when recycled
	}
	todo := make(chan *batch, n)
	p := &producer{stop: make(chan struct{}), wake: make(chan struct{}, 1)}
	p.idle.Store(-1)
	go e.produce(inputs, free, todo, p, quit)
	decoded := make(chan *batch, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { e.decode(s, todo, decoded, quit) })
	}
	go func() { wg.Wait(); close(decoded) }()
	ready := decoded // the batches as the workers finish them

	pending := make(map[int64]*batch) // decoded out of order, waiting for their turn
	var next int64
	nextProgress := int64(ProgressEvery)
	done := ctx.Done()
	cancelled := false
	for {
		// Once cancelled, the run ends when every batch handed over is
		// applied and the producer keeps nothing back: it has ended, or
		// it waits in a read that may never return.
		if cancelled && p.idle.Load() == next {
			return true, ctx.Err()
		}
		var b *batch
		select {
		case <-done:
			cancelled, done = true, nil
			close(p.stop)
			continue
		case <-p.wake:
			continue
		case got, ok := <-ready:
			if !ok {
				// Every batch was taken: the producer ended without a
				// last batch only when quit was closed, which ends Run
				// before, so this is the end of the inputs.
				return cancelled, ctx.Err()
			}
			pending[got.seq] = got
		}
		for b = pending[next]; b != nil; b = pending[next] {
			delete(pending, next)
			next++
			stop := s.apply(b, b.input)
			s.reached(b.at)
			if e.progress != nil && (s.counts.Records >= nextProgress || b.end == io.EOF) {
				e.progress(Progress{Counts: s.counts, Bytes: b.bytes})
				for nextProgress <= s.counts.Records {
					nextProgress += ProgressEvery
				}
			}
			end := b.end
			b.reset()
			free <- b
			if stop != nil {
				return true, stop
			}
			switch {
			case end == errStopped:
				return true, ctx.Err()
			case end != nil && end != io.EOF:
				return true, end
			}
		}
	}
}

// apply offers a batch's records, decoded by the workers, to the
// detections, in order. It returns the error that stops the run.
func (s *run) apply(b *batch, r *event.Reader) error {
	for i := range b.recs {
		rec := &b.recs[i]
		s.counts.Records++
		err := rec.err
		if err == nil {
			err = b.errs[i]
		}
		if err != nil {
			if stop := s.bad(err); stop != nil {
				return stop
			}
			continue
		}
		if rec.part == passedOver {
			s.counts.Prefiltered++
			continue
		}
		s.counts.Decoded++
		b.slots[rec.part].observe(i)
		if s.stream != nil {
			if err := s.applied(r.Name, rec.line, rec.offset); err != nil {
				return err
			}
		}
	}
	return nil
}
