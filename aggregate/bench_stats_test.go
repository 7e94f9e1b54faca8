package aggregate_test

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"

	"github.com/escudo-dev/escudo/aggregate"
)

// consentKeys returns n distinct keys of the ESCU consent-denied shape
// (user, src_ip, appDisplayName, status.failureReason): a user and an
// address per group, an app out of four and a reason out of three.
func consentKeys(n int) [][]string {
	apps := []string{"Evil App", "Contoso Sync", "Mail Helper", "Calendar Pro"}
	reasons := []string{
		"User declined to consent to access the app.",
		"Admin consent is required.",
		"The app is not allowed in this tenant.",
	}
	keys := make([][]string, n)
	for i := range keys {
		keys[i] = []string{
			"user" + strconv.Itoa(i) + "@contoso.com",
			"10." + strconv.Itoa(i>>16) + "." + strconv.Itoa(i>>8&0xff) + "." + strconv.Itoa(i&0xff),
			apps[i%len(apps)],
			reasons[i%len(reasons)],
		}
	}
	return keys
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkBytesPerGroup measures the memory a table holds per group for
// the consent-denied shape (4 BY strings; count, min(_time) and
// max(_time)), 100k groups: the live heap after building the table less
// the live heap before, divided by the number of groups. The keys the
// caller passes are built beforehand and not counted; the table's own
// copy of each key is.
func BenchmarkBytesPerGroup(b *testing.B) {
	const n = 100_000
	keys := consentKeys(n)
	by := []string{"user", "src_ip", "appDisplayName", "status.failureReason"}
	b.ReportAllocs()
	var perGroup float64
	for b.Loop() {
		before := heapInUse()
		tab, err := aggregate.New(by, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i, k := range keys {
			if err := tab.Add(k, at(i), nil); err != nil {
				b.Fatal(err)
			}
		}
		after := heapInUse()
		runtime.KeepAlive(tab)
		perGroup = float64(after-before) / n
	}
	b.ReportMetric(perGroup, "bytes/group")
}

// BenchmarkAddStats measures Add into a table of many stats functions
// that already holds every group, with values already known: the steady
// state of a rule such as "stats dc(src) values(src) avg(n) stdev(n)
// min(app) latest(app) BY user".
func BenchmarkAddStats(b *testing.B) {
	specs := []aggregate.Spec{
		{Func: aggregate.Count},
		{Func: aggregate.DistinctCount, Field: "src"},
		{Func: aggregate.Values, Field: "src"},
		{Func: aggregate.Avg, Field: "n"},
		{Func: aggregate.Stdev, Field: "n"},
		{Func: aggregate.Min, Field: "app"},
		{Func: aggregate.Latest, Field: "app"},
		{Func: aggregate.MaxTime},
	}
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			flat := benchKeys(n)
			tab, err := aggregate.NewStats([]string{"user"}, specs)
			if err != nil {
				b.Fatal(err)
			}
			vals := make([][][]string, n)
			for i := range n {
				vals[i] = [][]string{{flat[2*i+1]}, {strconv.Itoa(i % 17)}, {"app" + strconv.Itoa(i%5)}}
				if err := tab.Add(flat[2*i:2*i+1], at(i), vals[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			j := 0
			for b.Loop() {
				j = (j + stride) % n
				if err := tab.Add(flat[2*j:2*j+1], at(j), vals[j]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarshal measures encoding and decoding a table of n groups of
// the consent-denied shape, a checkpoint and a restore.
func BenchmarkMarshal(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		keys := consentKeys(n)
		tab, err := aggregate.New([]string{"user", "src_ip", "appDisplayName", "status.failureReason"}, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i, k := range keys {
			if err := tab.Add(k, at(i), nil); err != nil {
				b.Fatal(err)
			}
		}
		blob, err := tab.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("encode/groups=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(blob)))
			buf := make([]byte, 0, len(blob))
			for b.Loop() {
				if buf, err = tab.AppendBinary(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("decode/groups=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(blob)))
			for b.Loop() {
				var t aggregate.Table
				if err := t.UnmarshalBinary(blob); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
