package risk

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"
)

// objectsTimeline is the stream of BenchmarkIncidentEngineObjects: n
// objects, each with two risk events 12 hours apart, interleaved so that
// every object is held at once, then one event 8 days later, past every
// window and throttle, that lets them all expire.
type objectsTimeline struct {
	t0    time.Time
	step  time.Duration
	names []string
}

func newObjectsTimeline(n int) *objectsTimeline {
	tl := &objectsTimeline{
		t0:    time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
		step:  12 * time.Hour / time.Duration(n),
		names: make([]string, n),
	}
	for i := range tl.names {
		tl.names[i] = fmt.Sprintf("user%d@example.com", i)
	}
	return tl
}

var (
	benchSources    = []string{"ESCU - Azure AD Device Code Authentication - Rule", "ESCU - O365 User Consent Denied for OAuth Application - Rule"}
	benchTactics    = []string{"TA0001", "TA0006"}
	benchTechniques = []string{"T1528"}
)

// event returns the i-th of the 2n events: object i%n, in round i/n. One
// object in eight crosses the 24 h threshold at its second event.
func (tl *objectsTimeline) event(i int) Event {
	n := len(tl.names)
	obj, round := i%n, i/n
	score := 35
	if round == 1 && obj%8 == 0 {
		score = 70
	}
	return Event{
		Time:              tl.t0.Add(time.Duration(i) * tl.step),
		SearchName:        benchSources[round],
		RiskObject:        tl.names[obj],
		RiskObjectType:    User,
		RiskScore:         score,
		RiskMessage:       benchSources[round],
		MITRETacticIDs:    benchTactics,
		MITRETechniqueIDs: benchTechniques,
	}
}

// run feeds the whole timeline to a new engine with the default rules and
// one hour of lateness, as riskincidents -stream does, and returns the
// engine and the number of incidents. Afterwards only the last event's
// object is held.
func (tl *objectsTimeline) run(tb testing.TB) (*IncidentEngine, int) {
	eng, err := NewIncidentEngine(IncidentOptions{Lateness: time.Hour}, DefaultIncidentRules()...)
	if err != nil {
		tb.Fatal(err)
	}
	incidents := 0
	for i := range 2 * len(tl.names) {
		incs, err := eng.Add(tl.event(i))
		if err != nil {
			tb.Fatal(err)
		}
		incidents += len(incs)
	}
	last := tl.event(2*len(tl.names) - 1)
	last.RiskObject = "after everything"
	last.Time = last.Time.Add(8 * 24 * time.Hour)
	incs, err := eng.Add(last)
	if err != nil {
		tb.Fatal(err)
	}
	incidents += len(incs)
	incs, err = eng.Flush()
	if err != nil {
		tb.Fatal(err)
	}
	return eng, incidents + len(incs)
}

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkIncidentEngineObjects grows the number of risk objects held at
// once. The time per object (ns/object) should not grow with it, and the
// heap the engine still holds once every object has expired (retained-B,
// measured after a GC) should be small and independent of it.
func BenchmarkIncidentEngineObjects(b *testing.B) {
	for _, n := range []int{1000, 10000, 125000, 250000, 500000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			tl := newObjectsTimeline(n)
			b.ReportAllocs()
			var retained, objects uint64
			for b.Loop() {
				b.StopTimer()
				before := heapAlloc()
				b.StartTimer()
				eng, incidents := tl.run(b)
				b.StopTimer()
				if want := n / 8; incidents != want {
					b.Fatalf("%d incidents, want %d", incidents, want)
				}
				if after := heapAlloc(); after > before {
					retained = after - before
				} else {
					retained = 0
				}
				objects = uint64(eng.Objects())
				runtime.KeepAlive(eng)
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/object")
			b.ReportMetric(float64(retained), "retained-B")
			b.ReportMetric(float64(objects), "objects-left")
		})
	}
}

// TestIncidentEngineReleasesMemory checks, on the engine's own state,
// that it holds one expiry point per object rather than one per event,
// and that once the objects have expired its map and heaps are rebuilt
// small: Go maps and slices never give back room by themselves.
func TestIncidentEngineReleasesMemory(t *testing.T) {
	const n = 20 * compactFrom
	tl := newObjectsTimeline(n)
	eng, err := NewIncidentEngine(IncidentOptions{Lateness: time.Hour}, DefaultIncidentRules()...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 * n {
		if _, err := eng.Add(tl.event(i)); err != nil {
			t.Fatal(err)
		}
		if len(eng.expiries) != len(eng.objects) {
			t.Fatalf("after event %d: %d expiry points for %d objects; want one each", i, len(eng.expiries), len(eng.objects))
		}
	}
	if eng.Objects() != n || eng.objectsPeak != n || cap(eng.expiries) < n {
		t.Fatalf("before expiry: Objects() %d, peak %d, expiries capacity %d; want %d each at least", eng.Objects(), eng.objectsPeak, cap(eng.expiries), n)
	}
	last := tl.event(2*n - 1)
	last.RiskObject = "after everything"
	last.Time = last.Time.Add(8 * 24 * time.Hour)
	if _, err := eng.Add(last); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Flush(); err != nil {
		t.Fatal(err)
	}
	type state struct {
		Objects, Map, Peak          int
		Pending                     int
		Expiries                    int
		PendingSmall, ExpiriesSmall bool
	}
	got := state{
		Objects: eng.Objects(), Map: len(eng.objects), Peak: eng.objectsPeak,
		Pending: len(eng.pending), Expiries: len(eng.expiries),
		PendingSmall: cap(eng.pending) <= compactFrom, ExpiriesSmall: cap(eng.expiries) <= compactFrom,
	}
	want := state{Objects: 1, Map: 1, Peak: 1, Expiries: 1, PendingSmall: true, ExpiriesSmall: true}
	if got != want {
		t.Errorf("after every object but the last expired: got %+v, want %+v (pending capacity %d, expiries capacity %d)", got, want, cap(eng.pending), cap(eng.expiries))
	}
}

// TestValueCounts checks valueCounts against a map through growth past
// indexFrom, when it is indexed, and shrinkage back, when the index and
// the room it no longer needs go.
func TestValueCounts(t *testing.T) {
	var vc valueCounts
	model := map[valueKey]int{}
	check := func(step string) {
		t.Helper()
		if len(vc.vals) != len(model) {
			t.Fatalf("%s: %d values, want %d", step, len(vc.vals), len(model))
		}
		var distinct [valueKinds]int
		for k, n := range model {
			distinct[k.kind]++
			i := vc.find(k)
			if i < 0 || int(vc.vals[i].n) != n {
				t.Fatalf("%s: %v found at %d, want count %d", step, k, i, n)
			}
		}
		if vc.distinct != distinct {
			t.Fatalf("%s: distinct %v, want %v", step, vc.distinct, distinct)
		}
		if vc.find(valueKey{"absent", sourceValue}) != -1 {
			t.Fatalf("%s: found an absent value", step)
		}
		for kind := range valueKinds {
			var want []string
			for k := range model {
				if k.kind == kind {
					want = append(want, k.s)
				}
			}
			slices.Sort(want)
			if got := vc.keys(kind); !slices.Equal(got, want) || (got == nil) != (len(want) == 0) {
				t.Fatalf("%s: keys(%d) = %q, want %q", step, kind, got, want)
			}
		}
	}
	key := func(i int) valueKey {
		return valueKey{fmt.Sprintf("v%d", i/int(valueKinds)), valueKind(i % int(valueKinds))}
	}
	const n = 8 * indexFrom
	for round := range 2 {
		for i := range n {
			for range 1 + i%3 {
				vc.add(key(i))
				model[key(i)]++
			}
			if i%7 == 0 {
				check(fmt.Sprintf("round %d, add %d", round, i))
			}
		}
		if vc.index == nil {
			t.Fatalf("round %d: %d values and no index", round, len(vc.vals))
		}
		for i := range n {
			for range 1 + i%3 {
				vc.remove(key(i))
				if model[key(i)]--; model[key(i)] == 0 {
					delete(model, key(i))
				}
			}
			if i%7 == 0 {
				check(fmt.Sprintf("round %d, remove %d", round, i))
			}
		}
		check(fmt.Sprintf("round %d, empty", round))
		if vc.index != nil || cap(vc.vals) > 2*indexFrom {
			t.Fatalf("round %d: empty, but index %v and room for %d values", round, vc.index != nil, cap(vc.vals))
		}
	}
}
