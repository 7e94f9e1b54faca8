package detection

import (
	"context"
	"io"
	"iter"
	"sync"

	"github.com/escudo-dev/escudo/event"
)

// A run without workers (Options.Workers 0 or 1) is one goroutine that
// frames, prefilters, decodes and applies each record in turn, straight
// from the reader's buffer: no record is copied or handed over, which
// the ordered pipeline of a run with workers must do. That goroutine is
// not the caller's, so that cancellation still returns at once while a
// read is blocked (a stalled pipe): the state is held under a lock the
// goroutine gives up only around a read that may block (Reader.Buffered
// is zero) and every 64 records, and a cancelled caller takes the lock,
// marks the run abandoned and returns the state as it is. The goroutine,
// once its read returns, sees the mark and ends without touching the
// state again.

// singleRun is what the caller and the run's goroutine share.
type singleRun struct {
	mu        sync.Mutex
	abandoned bool // set by the caller, under mu, when it returns early
}

// pipelineSingle is pipeline for a run without workers.
func (e *Engine) pipelineSingle(ctx context.Context, s *run, inputs iter.Seq[*event.Reader]) (partial bool, stop error) {
	sr := &singleRun{}
	type result struct {
		partial bool
		stop    error
	}
	done := make(chan result, 1)
	sr.mu.Lock() // the goroutine's until it gives it up
	go func() {
		partial, stop, ok := e.single(ctx, s, sr, inputs)
		if ok {
			sr.mu.Unlock()
			done <- result{partial, stop}
		}
	}()
	select {
	case r := <-done:
		return r.partial, r.stop
	case <-ctx.Done():
		sr.mu.Lock()
		select {
		case r := <-done: // it ended meanwhile
			sr.mu.Unlock()
			return r.partial, r.stop
		default:
		}
		sr.abandoned = true
		sr.mu.Unlock()
		return true, ctx.Err()
	}
}

// single is the run's goroutine. It holds sr.mu but around reads that
// may block; ok is false when it found the run abandoned, and it then
// holds nothing and reports nothing.
func (e *Engine) single(ctx context.Context, s *run, sr *singleRun, inputs iter.Seq[*event.Reader]) (partial bool, stop error, ok bool) {
	var before int64 // bytes of the inputs already read
	nextProgress := int64(ProgressEvery)
	n := 0
	// yield gives up the lock for what may block, and takes it back;
	// false means the run was abandoned meanwhile.
	yield := func(blocking func()) bool {
		sr.mu.Unlock()
		blocking()
		sr.mu.Lock()
		if sr.abandoned {
			sr.mu.Unlock()
			return false
		}
		return true
	}
	lits := e.search()
	var cur *event.Reader
	// end records where the input being read stands, for the results.
	end := func(partial bool, stop error) (bool, error, bool) {
		if cur != nil {
			s.reached(Position{Source: cur.Name, Records: cur.Counts().Records, Offset: cur.Offset()})
		}
		return partial, stop, true
	}
	for r := range inputs {
		cur = r
		for {
			if n++; n%64 == 0 {
				if !yield(func() {}) {
					return false, nil, false
				}
				if ctx.Err() != nil {
					return end(true, ctx.Err())
				}
			}
			var rec event.Record
			var err error
			if r.Buffered() == 0 {
				if !yield(func() { rec, err = r.ReadRecord() }) {
					return false, nil, false
				}
			} else {
				rec, err = r.ReadRecord()
			}
			if err == io.EOF {
				before += r.Offset()
				end(false, nil)
				if e.progress != nil {
					e.progress(Progress{Counts: s.counts, Bytes: before})
				}
				break
			}
			if err != nil && !isDecodeError(err) {
				return end(true, err) // the input failed: the run stops here
			}
			s.counts.Records++
			k := -1
			if err == nil {
				if lits.mayMatch(rec.Data) {
					var kind string
					if k, kind = e.route(rec); k < 0 {
						err = &event.OtherKindError{Source: r.Name, Line: rec.Line, Offset: rec.Offset, Kind: kind}
					}
				} else if k, err = e.pass(r, rec); k == passedOver {
					s.counts.Prefiltered++
					continue
				}
			}
			if err == nil {
				if err = s.parts[k].decode(r, rec); err == nil {
					s.counts.Decoded++
					s.parts[k].observe()
					if s.stream != nil {
						if err := s.applied(r.Name, rec.Line, rec.Offset); err != nil {
							return end(true, err)
						}
					}
				}
			}
			if err != nil {
				if stop := s.bad(err); stop != nil {
					return end(true, stop)
				}
			}
			if e.progress != nil && s.counts.Records >= nextProgress {
				e.progress(Progress{Counts: s.counts, Bytes: before + r.Offset()})
				for nextProgress <= s.counts.Records {
					nextProgress += ProgressEvery
				}
			}
		}
	}
	return false, nil, true
}
