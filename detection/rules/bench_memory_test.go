package rules_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/signingen"
)

// liveHeap returns the live heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkConsentBytesPerGroup measures what a run of the consent rule
// holds per group when every record is a group of its own (gensignins
// -consent-denials 1): the live heap with the result kept, less the live
// heap before the run, per group. run=lazy is what the example programs
// hold before they write the findings out one at a time (the groups);
// run=eager adds Result.Findings, every finding at once. The input is
// generated beforehand and not counted.
func BenchmarkConsentBytesPerGroup(b *testing.B) {
	const n = 100_000
	var in bytes.Buffer
	if _, err := signingen.Generate(&in, signingen.Options{N: n, Seed: 1, ConsentDenials: 1}); err != nil {
		b.Fatal(err)
	}
	eng, err := detection.NewEngine(detection.Options{}, detection.Of(rules.O365UserConsentDenied()))
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		run  func(context.Context, ...*event.Reader) (*detection.Result, error)
	}{
		{"lazy", eng.RunLazy},
		{"eager", eng.Run},
	} {
		b.Run("run="+tt.name, func(b *testing.B) {
			b.ReportAllocs()
			var perGroup float64
			for b.Loop() {
				before := liveHeap()
				res, err := tt.run(context.Background(), event.NewReader(bytes.NewReader(in.Bytes())))
				if err != nil {
					b.Fatal(err)
				}
				after := liveHeap()
				groups := 0
				for range res.All() {
					groups++
				}
				if groups != n {
					b.Fatalf("%d findings, want one per record, %d", groups, n)
				}
				runtime.KeepAlive(res)
				perGroup = float64(after-before) / n
			}
			b.ReportMetric(perGroup, "bytes/group")
		})
	}
}
