package detection

import (
	"cmp"
	"context"
	"io"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/escudo-dev/escudo/event"
)

// The parallel run: the calling goroutine frames records and applies the
// prefilter (both cheap byte scans), copies the records that need decoding
// into batches, and hands the batches to Workers goroutines. Each worker
// decodes and runs every detection into its own partial tables; at the
// end the tables are merged (aggregate.Table.Merge), so the findings are
// those of a single worker. Batches are recycled, so steady state
// allocates nothing per batch, and records the prefilter passes over are
// never copied.

const (
	batchRecords = 256
	batchBytes   = 512 << 10
)

// batch is a run of records from one input, in input order.
type batch struct {
	seq   int64 // position of the batch in the whole run
	input int   // index of the input the records come from
	data  []byte
	recs  []batchRecord
}

type batchRecord struct {
	start, end int // within batch.data
	line       int
	offset     int64
	format     event.Format
}

func (b *batch) record(i int) event.Record {
	r := b.recs[i]
	return event.Record{Data: b.data[r.start:r.end], Line: r.line, Offset: r.offset, Format: r.format}
}

// position orders errors as the input does, across batches and workers.
type position struct {
	seq int64
	idx int
}

func (p position) compare(q position) int {
	return cmp.Or(cmp.Compare(p.seq, q.seq), cmp.Compare(p.idx, q.idx))
}

// placedError is a bad-record error and where it was found.
type placedError struct {
	at  position
	err error
}

// worker is one decoding goroutine's state.
type worker struct {
	s      *run
	errs   []placedError // the first maxErrors (lenient) or the first (strict)
	ev     event.SignInEvent
	counts atomic.Pointer[event.Counts] // for progress reports
}

func (e *Engine) runParallel(ctx context.Context, inputs []*event.Reader) (*Result, error) {
	n := e.workers
	main := e.newRun()
	workers := make([]*worker, n)
	todo := make(chan *batch, n)
	free := make(chan *batch, 3*n)
	for range cap(free) {
		free <- &batch{data: make([]byte, 0, batchBytes), recs: make([]batchRecord, 0, batchRecords)}
	}
	var stopAt atomic.Int64 // the first batch holding a strict stop; later ones are not run
	stopAt.Store(math.MaxInt64)

	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{s: e.newRun()}
		workers[i] = w
		wg.Go(func() {
			for b := range todo {
				if ctx.Err() == nil && b.seq <= stopAt.Load() {
					e.work(w, b, inputs[b.input], &stopAt)
				}
				b.data, b.recs = b.data[:0], b.recs[:0]
				free <- b
			}
		})
	}

	var (
		stop     error // a non-record error that ends the run
		partial  bool
		seq      int64
		cur      = <-free
		before   int64
		read     int64         // records framed, for progress reports
		producer []placedError // framing errors
	)
	send := func() {
		if len(cur.recs) > 0 {
			todo <- cur
			seq++
			cur = <-free
		}
	}
	done := ctx.Done()
read:
	for i, r := range inputs {
		send()
		cur.input = i
		for {
			select {
			case <-done:
				partial, stop = true, ctx.Err()
				break read
			default:
			}
			if stopAt.Load() != math.MaxInt64 {
				partial = true
				break read
			}
			if e.progress != nil && read%ProgressEvery == 0 {
				e.progress(e.parallelProgress(main.counts, read, workers, before+r.Offset()))
			}
			rec, err := r.ReadRecord()
			if err == io.EOF {
				before += r.Offset()
				break
			}
			if err != nil {
				if !isDecodeError(err) {
					partial, stop = true, err
					break read
				}
				read++
				main.counts.Bad++
				at := position{seq, len(cur.recs)}
				producer = append(producer, placedError{at, err})
				if !e.lenient {
					stopAt.Store(seq)
					send()
					partial = true
					break read
				}
				continue
			}
			read++
			if !e.mayMatch(rec.Data) {
				main.counts.Prefiltered++
				continue
			}
			start := len(cur.data)
			cur.data = append(cur.data, rec.Data...)
			cur.recs = append(cur.recs, batchRecord{start: start, end: len(cur.data), line: rec.Line, offset: rec.Offset, format: rec.Format})
			cur.seq = seq
			if len(cur.recs) == batchRecords || len(cur.data) >= batchBytes {
				send()
				cur.input = i
			}
		}
	}
	send()
	close(todo)
	wg.Wait()

	// Merge the workers into main.
	placed := producer
	for _, w := range workers {
		main.counts.Decoded += w.s.counts.Decoded
		main.counts.Bad += w.s.counts.Bad
		main.counts.Other += w.s.counts.Other
		for k, n := range w.s.kinds {
			if main.kinds == nil {
				main.kinds = make(map[string]int64)
			}
			main.kinds[k] += n
		}
		main.panics = append(main.panics, w.s.panics...)
		placed = append(placed, w.errs...)
		for j := range main.rules {
			mr, wr := &main.rules[j], &w.s.rules[j]
			if wr.dead || mr.dead {
				mr.dead = true
				continue
			}
			if err := mr.table.Merge(wr.table); err != nil {
				mr.dead = true
				main.panics = append(main.panics, &RuleError{Detection: e.rules[j].name, Err: err})
			}
		}
	}
	// Records counts what the run consumed: in a run stopped early, records
	// framed but never decoded (in batches after the stop) are not read.
	c := &main.counts
	c.Records = c.Decoded + c.Bad + c.Other + c.Prefiltered
	slices.SortFunc(placed, func(a, b placedError) int { return a.at.compare(b.at) })
	if !e.lenient && len(placed) > 0 && stop == nil {
		partial, stop = true, placed[0].err
	}
	for _, pe := range placed[:min(len(placed), e.maxErrors)] {
		if e.lenient {
			main.errs = append(main.errs, pe.err)
		}
	}
	if e.progress != nil {
		e.progress(Progress{Counts: main.counts, Bytes: before})
	}
	return main.finish(partial, stop)
}

// work decodes a batch and offers each event to the detections.
func (e *Engine) work(w *worker, b *batch, r *event.Reader, stopAt *atomic.Int64) {
	for i := range b.recs {
		if err := r.Decode(b.record(i), &w.ev); err != nil {
			if w.s.other(err) {
				continue
			}
			w.s.counts.Bad++
			if len(w.errs) < e.maxErrors {
				w.errs = append(w.errs, placedError{position{b.seq, i}, err})
			}
			if !e.lenient {
				for {
					cur := stopAt.Load()
					if b.seq >= cur || stopAt.CompareAndSwap(cur, b.seq) {
						break
					}
				}
				break
			}
			continue
		}
		w.s.counts.Decoded++
		w.s.observe(&w.ev)
	}
	c := w.s.counts
	w.counts.Store(&c)
}

// parallelProgress adds the workers' decoded, bad and other counts, as of their
// last finished batch, to the reader's counts.
func (e *Engine) parallelProgress(c event.Counts, read int64, workers []*worker, bytes int64) Progress {
	c.Records = read
	for _, w := range workers {
		if wc := w.counts.Load(); wc != nil {
			c.Decoded += wc.Decoded
			c.Bad += wc.Bad
			c.Other += wc.Other
		}
	}
	return Progress{Counts: c, Bytes: bytes}
}
