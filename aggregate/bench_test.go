package aggregate_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/escudo-dev/escudo/aggregate"
)

// benchKeys returns n distinct two-column keys laid out in one flat slice,
// key i being flat[2*i : 2*i+2], to keep setup memory small at a million
// groups.
func benchKeys(n int) []string {
	flat := make([]string, 0, 2*n)
	for i := range n {
		flat = append(flat, "user"+strconv.Itoa(i)+"@contoso.com", "10."+strconv.Itoa(i>>16)+"."+strconv.Itoa(i>>8&0xff)+"."+strconv.Itoa(i&0xff))
	}
	return flat
}

// stride walks the groups in a scattered order (it is prime, so coprime
// with every size below) rather than sequentially, closer to real traffic.
const stride = 7919

// BenchmarkAdd measures Add into a table that already holds every group, the
// steady state of a detection: one map lookup and the stats update.
func BenchmarkAdd(b *testing.B) {
	for _, n := range []int{10, 10_000, 1_000_000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			flat := benchKeys(n)
			tab, err := aggregate.New([]string{"user", "src_ip"}, nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				if err := tab.Add(flat[2*i:2*i+2], at(i), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			j := 0
			for b.Loop() {
				j = (j + stride) % n
				if err := tab.Add(flat[2*j:2*j+2], at(j), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddValues is BenchmarkAdd with one value field whose values are
// already known, as for values(src_ip) BY user.
func BenchmarkAddValues(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			flat := benchKeys(n)
			tab, err := aggregate.New([]string{"user"}, []string{"src_ip"})
			if err != nil {
				b.Fatal(err)
			}
			vals := make([][]string, n)
			for i := range n {
				vals[i] = []string{flat[2*i+1]}
				if err := tab.Add(flat[2*i:2*i+1], at(i), vals[i:i+1]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			j := 0
			for b.Loop() {
				j = (j + stride) % n
				if err := tab.Add(flat[2*j:2*j+1], at(j), vals[j:j+1]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMerge merges two tables of n groups each, half of them shared,
// into an empty table.
func BenchmarkMerge(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			flat := benchKeys(n + n/2)
			parts := make([]*aggregate.Table, 2)
			for p := range parts {
				tab, err := aggregate.New([]string{"user", "src_ip"}, []string{"app"})
				if err != nil {
					b.Fatal(err)
				}
				for i := p * n / 2; i < p*n/2+n; i++ {
					if err := tab.Add(flat[2*i:2*i+2], at(i), [][]string{{"app" + strconv.Itoa(p)}}); err != nil {
						b.Fatal(err)
					}
				}
				parts[p] = tab
			}
			b.ReportAllocs()
			for b.Loop() {
				total, err := aggregate.New([]string{"user", "src_ip"}, []string{"app"})
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range parts {
					if err := total.Merge(p); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRows measures producing the sorted rows of a table.
func BenchmarkRows(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			flat := benchKeys(n)
			tab, err := aggregate.New([]string{"user", "src_ip"}, nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				if err := tab.Add(flat[2*i:2*i+2], at(i), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = tab.Rows()
			}
		})
	}
}
