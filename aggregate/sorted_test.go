package aggregate_test

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
)

// TestSorted checks that Sorted yields exactly the rows RowsFunc returns,
// in order, for tables made by New and NewStats, with and without a
// keep, and that it stops when the loop breaks.
func TestSorted(t *testing.T) {
	specs := []aggregate.Spec{
		{Func: aggregate.Count},
		{Func: aggregate.DistinctCount, Field: "src"},
		{Func: aggregate.Values, Field: "src"},
		{Func: aggregate.Avg, Field: "n"},
		{Func: aggregate.MaxTime},
	}
	stats, err := aggregate.NewStats([]string{"user", "app"}, specs)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := aggregate.New([]string{"user"}, []string{"src"})
	if err != nil {
		t.Fatal(err)
	}
	var global aggregate.Table // no BY columns: one group
	for i := range 500 {
		// Users in an order unlike their sort order, a few groups each.
		user := "u" + strconv.Itoa((i*7919)%97)
		src := "10.0.0." + strconv.Itoa(i%13)
		if err := stats.Add([]string{user, "app" + strconv.Itoa(i%3)}, at(i), [][]string{{src}, {strconv.Itoa(i)}}); err != nil {
			t.Fatal(err)
		}
		if err := sets.Add([]string{user}, at(i), [][]string{{src}}); err != nil {
			t.Fatal(err)
		}
		if err := global.Add(nil, at(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	busy := func(g aggregate.Group) bool { return g.Count() > 2 }
	tests := []struct {
		name string
		tab  *aggregate.Table
		keep func(aggregate.Group) bool
	}{
		{"stats", stats, nil},
		{"stats kept", stats, busy},
		{"sets", sets, nil},
		{"sets kept", sets, busy},
		{"global", &global, nil},
		{"none kept", stats, func(aggregate.Group) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.tab.RowsFunc(tt.keep)
			got := slices.Collect(tt.tab.Sorted(tt.keep))
			if len(got) != len(want) {
				t.Fatalf("Sorted yields %d rows, RowsFunc returns %d", len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("row %d: Sorted yields %+v, RowsFunc returns %+v", i, got[i], want[i])
				}
			}
			if len(want) < 2 {
				return
			}
			n := 0
			for range tt.tab.Sorted(tt.keep) {
				if n++; n == 2 {
					break
				}
			}
			if n != 2 {
				t.Errorf("a loop that breaks at the second row saw %d", n)
			}
		})
	}
}

// Sorted hands the rows out one at a time, in the order of Rows: a
// caller that prints each row needs memory for one row, not all.
func ExampleTable_Sorted() {
	tab, err := aggregate.New([]string{"user"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, user := range []string{"carol", "alice", "bob", "alice"} {
		_ = tab.Add([]string{user}, t0.Add(time.Duration(i)*time.Minute), nil)
	}
	for row := range tab.Sorted(nil) {
		fmt.Println(row.Key[0], row.Count, row.Last.Format("15:04"))
	}
	// Output:
	// alice 2 10:03
	// bob 1 10:02
	// carol 1 10:00
}
