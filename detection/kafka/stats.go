package kafka

import (
	"maps"
	"sync"

	"github.com/escudo-dev/escudo/event"
)

// Stats is what a Runner has done since it started.
type Stats struct {
	// Messages is the number of input messages read; Records, the
	// records in them, each decoded, bad, of another kind or passed over
	// by the prefilter (Counts). Reads that an aborted transaction makes
	// this or another member redo count again.
	Messages int64
	Counts   event.Counts
	// Findings is the number of findings written and committed (at
	// least once: flushed); Late, of late records read (reads redone
	// count again).
	Findings, Late int64
	// Commits and Aborts count the transactions ended.
	Commits, Aborts int64
	// StateBytes is the size of the snapshots saved, in all.
	StateBytes int64
	// Partitions is the input topic's partition count; Lag, per partition
	// this member has read from, how many records behind the partition's
	// end it was at its last poll.
	Partitions int32
	Lag        map[int32]int64
	// OpenWindows is the number of open windows over the partitions whose
	// state this member holds.
	OpenWindows int
}

// statsBox is a Runner's Stats, for Run to update and others to read.
type statsBox struct {
	mu sync.Mutex
	s  Stats
}

// Stats returns what the runner has done so far; it is safe to call while
// Run runs.
func (r *Runner) Stats() Stats {
	r.stats.mu.Lock()
	defer r.stats.mu.Unlock()
	s := r.stats.s
	s.Lag = maps.Clone(s.Lag)
	return s
}

func (b *statsBox) do(f func(*Stats)) {
	b.mu.Lock()
	f(&b.s)
	b.mu.Unlock()
}

func (b *statsBox) setPartitions(n int32) { b.do(func(s *Stats) { s.Partitions = n }) }
func (b *statsBox) late()                 { b.do(func(s *Stats) { s.Late++ }) }
func (b *statsBox) committed(findings int64) {
	b.do(func(s *Stats) { s.Commits++; s.Findings += findings })
}
func (b *statsBox) aborted()      { b.do(func(s *Stats) { s.Aborts++ }) }
func (b *statsBox) saved(n int64) { b.do(func(s *Stats) { s.StateBytes += n }) }
func (b *statsBox) setOpen(n int) { b.do(func(s *Stats) { s.OpenWindows = n }) }
func (b *statsBox) drop(p int32)  { b.do(func(s *Stats) { delete(s.Lag, p) }) }

func (b *statsBox) lag(p int32, n int64) {
	b.do(func(s *Stats) {
		if s.Lag == nil {
			s.Lag = make(map[int32]int64)
		}
		s.Lag[p] = max(0, n)
	})
}

func (b *statsBox) counted(messages int64, c event.Counts) {
	b.do(func(s *Stats) {
		s.Messages += messages
		s.Counts.Records += c.Records
		s.Counts.Decoded += c.Decoded
		s.Counts.Bad += c.Bad
		s.Counts.Other += c.Other
		s.Counts.Prefiltered += c.Prefiltered
	})
}
