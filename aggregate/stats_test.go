package aggregate_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// allSpecs reads every function: count(x), dc, values, list, min, max,
// earliest, latest of s; sum, avg and stdev of n (sharing one state),
// avg of s (alone: a sum state), and the header's three.
var allSpecs = []aggregate.Spec{
	{Func: aggregate.Count},
	{Func: aggregate.CountField, Field: "s"},
	{Func: aggregate.DistinctCount, Field: "s"},
	{Func: aggregate.Values, Field: "s"},
	{Func: aggregate.List, Field: "s"},
	{Func: aggregate.Min, Field: "s"},
	{Func: aggregate.Max, Field: "s"},
	{Func: aggregate.Earliest, Field: "s"},
	{Func: aggregate.Latest, Field: "s"},
	{Func: aggregate.Sum, Field: "n"},
	{Func: aggregate.Avg, Field: "n"},
	{Func: aggregate.Stdev, Field: "n"},
	{Func: aggregate.Avg, Field: "s"},
	{Func: aggregate.MinTime},
	{Func: aggregate.MaxTime},
}

func buildStats(t testing.TB, by []string, specs []aggregate.Spec, all []obs) *aggregate.Table {
	t.Helper()
	tab, err := aggregate.NewStats(by, specs)
	if err != nil {
		t.Fatalf("NewStats(%q, %v): %v", by, specs, err)
	}
	for i, o := range all {
		if err := tab.Add(o.key, o.at, o.vals); err != nil {
			t.Fatalf("Add #%d (%q): %v", i, o.key, err)
		}
	}
	return tab
}

func TestNewStats(t *testing.T) {
	tab, err := aggregate.NewStats([]string{"user"}, allSpecs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"s", "n"}, tab.Fields()); diff != "" {
		t.Errorf("Fields() are the specs' distinct fields in order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(allSpecs, tab.Specs()); diff != "" {
		t.Errorf("Specs() (-want +got):\n%s", diff)
	}
	old, err := aggregate.New([]string{"user"}, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	if old.Specs() != nil {
		t.Errorf("New table Specs() = %v, want nil", old.Specs())
	}
}

func TestNewStatsErrors(t *testing.T) {
	_, err := aggregate.NewStats([]string{"a", "a"}, []aggregate.Spec{
		{Func: aggregate.Count},
		{Func: aggregate.DistinctCount},
		{Func: aggregate.Count, Field: "x"},
		{Func: 0, Field: "x"},
		{Func: aggregate.MaxTime, Field: "_time"},
	})
	var got []error
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		got = append(got, e.(interface{ Unwrap() []error }).Unwrap()...)
	}
	want := []error{
		&aggregate.NameError{List: "by", Index: 1, Name: "a", Err: aggregate.ErrDuplicateName},
		&aggregate.SpecError{Index: 1, Spec: aggregate.Spec{Func: aggregate.DistinctCount}, Err: aggregate.ErrEmptyName},
		&aggregate.SpecError{Index: 2, Spec: aggregate.Spec{Func: aggregate.Count, Field: "x"}, Err: aggregate.ErrUnexpectedField},
		&aggregate.SpecError{Index: 3, Spec: aggregate.Spec{Func: 0, Field: "x"}, Err: aggregate.ErrUnknownFunc},
		&aggregate.SpecError{Index: 4, Spec: aggregate.Spec{Func: aggregate.MaxTime, Field: "_time"}, Err: aggregate.ErrUnexpectedField},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return a.Error() == b.Error() })); diff != "" {
		t.Errorf("NewStats reports every problem at once (-want +got):\n%s", diff)
	}
	if got := got[1].Error(); got != "aggregate: specs[1] dc(): empty name" {
		t.Errorf("SpecError text = %q", got)
	}
	if !errors.Is(err, aggregate.ErrUnknownFunc) || !errors.Is(err, aggregate.ErrEmptyName) {
		t.Errorf("NewStats error %v does not match its sentinels", err)
	}
}

func TestStatsRows(t *testing.T) {
	tab := buildStats(t, []string{"user"}, allSpecs, []obs{
		{key: []string{"bob"}, at: at(5), vals: [][]string{{"10"}, {"1"}}},
		{key: []string{"alice"}, at: at(2), vals: [][]string{{"x", "9"}, {"2", "oops"}}},
		{key: []string{"bob"}, at: at(1), vals: [][]string{{"9", ""}, {"3"}}},
		{key: []string{"bob"}, at: at(9), vals: [][]string{{}, {"5"}}},
		{key: []string{"alice"}, at: at(2), vals: [][]string{{"a"}, nil}},
	})
	want := []aggregate.Row{
		{Key: []string{"alice"}, Count: 2, First: at(2), Last: at(2), Stats: []aggregate.Value{
			num(2), num(2), num(3), list("9", "a", "x"), list("x", "9", "a"),
			text("9"), text("x"), text("9"), text("x"),
			num(2), num(2), num(0), num(9),
			tval(at(2)), tval(at(2)),
		}},
		{Key: []string{"bob"}, Count: 3, First: at(1), Last: at(9), Stats: []aggregate.Value{
			num(3), num(2), num(2), list("10", "9"), list("10", "9"),
			text("9"), text("10"), text("9"), text("10"),
			num(9), num(3), num(2), num(9.5),
			tval(at(1)), tval(at(9)),
		}},
	}
	if diff := cmp.Diff(want, tab.Rows()); diff != "" {
		t.Errorf("Rows() mismatch (-want +got):\n%s", diff)
	}
}

// TestStatsRowsDoNotAlias checks that rows share nothing mutable with the
// table or with each other.
func TestStatsRowsDoNotAlias(t *testing.T) {
	tab := buildStats(t, []string{"u"}, []aggregate.Spec{{Func: aggregate.Values, Field: "s"}, {Func: aggregate.List, Field: "s"}}, []obs{
		{key: []string{"a"}, at: at(0), vals: [][]string{{"x"}}},
		{key: []string{"b"}, at: at(0), vals: [][]string{{"y"}}},
	})
	rows := tab.Rows()
	want := tab.Rows()
	rows[0].Stats[0].List[0] = "edited"
	rows[0].Stats[1].List[0] = "edited"
	_ = append(rows[0].Stats, num(1))
	if diff := cmp.Diff(want, tab.Rows()); diff != "" {
		t.Errorf("editing rows changed the table (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want[1], rows[1]); diff != "" {
		t.Errorf("appending to rows[0].Stats changed rows[1] (-want +got):\n%s", diff)
	}
}

func TestRowsFunc(t *testing.T) {
	specs := []aggregate.Spec{{Func: aggregate.Avg, Field: "n"}, {Func: aggregate.DistinctCount, Field: "s"}}
	tab := buildStats(t, []string{"u"}, specs, []obs{
		{key: []string{"a"}, at: at(0), vals: [][]string{{"1"}, {"x"}}},
		{key: []string{"b"}, at: at(3), vals: [][]string{{"10"}, {"x"}}},
		{key: []string{"b"}, at: at(4), vals: [][]string{{"20"}, {"y"}}},
		{key: []string{"c"}, at: at(1), vals: [][]string{{"x"}, {}}},
	})
	rows := tab.RowsFunc(func(g aggregate.Group) bool {
		avg, ok := g.Stat(0).Float()
		return ok && avg > 5 && g.Count() == 2 && g.First().Equal(at(3)) && g.Last().Equal(at(4)) && g.Stat(7).Kind == aggregate.KindNull
	})
	want := []aggregate.Row{{Key: []string{"b"}, Count: 2, First: at(3), Last: at(4), Stats: []aggregate.Value{num(15), num(2)}}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("RowsFunc(avg > 5) (-want +got):\n%s", diff)
	}
	// RowsWhere on a NewStats table sees, per field (n, s), 0 for n,
	// which has no set, and the distinct count of s's dc.
	var seen [][]int
	tab.RowsWhere(func(count int64, distinct []int) bool {
		seen = append(seen, append([]int(nil), distinct...))
		return true
	})
	if diff := cmp.Diff([][]int{{0, 1}, {0, 2}, {0, 0}}, seen, cmpopts.SortSlices(func(a, b []int) bool { return fmt.Sprint(a) < fmt.Sprint(b) })); diff != "" {
		t.Errorf("RowsWhere distinct counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(tab.Rows(), tab.RowsFunc(nil)); diff != "" {
		t.Errorf("RowsFunc(nil) != Rows() (-want +got):\n%s", diff)
	}
}

// randomStatsObs returns observations over a vocabulary of numbers and
// strings chosen to exercise ties, mixes, nulls and exact sums.
func randomStatsObs(rng *rand.Rand, n, nBy int) []obs {
	words := []string{"", "a", "b", "B", "10", "9", "01", "1", "1.0", "-0", "0", "0.1", "0.2", "0.3",
		"1e300", "-1e300", "3.99", "1e-300", "x y", "é", "1e400", "12345678901234567890"}
	out := make([]obs, n)
	for i := range out {
		o := obs{at: base.Add(time.Duration(rng.IntN(20)) * time.Second)}
		if nBy > 0 {
			o.key = []string{words[rng.IntN(4)]}
		}
		o.vals = make([][]string, 2)
		for f := range o.vals {
			for range rng.IntN(3) {
				o.vals[f] = append(o.vals[f], words[rng.IntN(len(words))])
			}
		}
		out[i] = o
	}
	return out
}

// TestStatsMergeAnySplit splits random input into 1 to 4 parts, puts each
// through a binary round trip, and merges them in a random order: the rows
// must equal the whole table's, to the bit. list needs the parts to be
// contiguous runs merged in input order, so it is checked on such splits
// and left out of the others.
func TestStatsMergeAnySplit(t *testing.T) {
	noList := make([]aggregate.Spec, 0, len(allSpecs))
	for _, s := range allSpecs {
		if s.Func != aggregate.List {
			noList = append(noList, s)
		}
	}
	rng := rand.New(rand.NewPCG(20240501, 4))
	for trial := range 300 {
		nBy := rng.IntN(2)
		by := []string{"u"}[:nBy]
		all := randomStatsObs(rng, rng.IntN(120), nBy)
		nParts := 1 + rng.IntN(4)
		contiguous := trial%2 == 0
		specs := noList
		if contiguous {
			specs = allSpecs
		}
		parts := make([][]obs, nParts)
		if contiguous {
			cut := make([]int, nParts+1)
			cut[nParts] = len(all)
			for p := 1; p < nParts; p++ {
				cut[p] = rng.IntN(len(all) + 1)
			}
			for p := 1; p < nParts; p++ { // sort the cuts
				for q := p; q > 1 && cut[q] < cut[q-1]; q-- {
					cut[q], cut[q-1] = cut[q-1], cut[q]
				}
			}
			for p := range parts {
				parts[p] = all[cut[p]:cut[p+1]]
			}
		} else {
			for _, o := range all {
				p := rng.IntN(nParts)
				parts[p] = append(parts[p], o)
			}
		}
		whole := buildStats(t, by, specs, all)
		order := rng.Perm(nParts)
		if contiguous {
			order = order[:0]
			for p := range nParts {
				order = append(order, p)
			}
		}
		merged := buildStats(t, by, specs, nil)
		for _, p := range order {
			blob, err := buildStats(t, by, specs, parts[p]).MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var back aggregate.Table
			if err := back.UnmarshalBinary(blob); err != nil {
				t.Fatalf("trial %d: UnmarshalBinary: %v", trial, err)
			}
			if err := merged.Merge(&back); err != nil {
				t.Fatalf("trial %d: Merge: %v", trial, err)
			}
		}
		if diff := cmp.Diff(whole.Rows(), merged.Rows()); diff != "" {
			t.Fatalf("trial %d (%d parts, contiguous %v, order %v): merged != whole (-want +got):\n%s", trial, nParts, contiguous, order, diff)
		}
	}
}

func TestStatsMergeErrors(t *testing.T) {
	mk := func(specs ...aggregate.Spec) *aggregate.Table { return buildStats(t, []string{"u"}, specs, nil) }
	legacy, err := aggregate.New([]string{"u"}, []string{"s"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		t, o *aggregate.Table
		want string
	}{
		{
			name: "other function", t: mk(aggregate.Spec{Func: aggregate.DistinctCount, Field: "s"}), o: mk(aggregate.Spec{Func: aggregate.Values, Field: "s"}),
			want: "aggregate: Merge: stats [dc(s)], other table has [values(s)]: schema mismatch",
		},
		{
			name: "New and NewStats", t: mk(aggregate.Spec{Func: aggregate.Values, Field: "s"}), o: legacy,
			want: "aggregate: Merge: table made by NewStats, other table by New: schema mismatch",
		},
		{
			name: "order of specs", t: mk(aggregate.Spec{Func: aggregate.Count}, aggregate.Spec{Func: aggregate.MinTime}), o: mk(aggregate.Spec{Func: aggregate.MinTime}, aggregate.Spec{Func: aggregate.Count}),
			want: "aggregate: Merge: stats [count min(_time)], other table has [min(_time) count]: schema mismatch",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.Merge(tt.o)
			if !errors.Is(err, aggregate.ErrSchemaMismatch) || err.Error() != tt.want {
				t.Errorf("Merge = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStatsAddAllocs(t *testing.T) {
	var specs []aggregate.Spec // all but list, which keeps every value
	for _, s := range allSpecs {
		if s.Func != aggregate.List {
			specs = append(specs, s)
		}
	}
	tab, err := aggregate.NewStats([]string{"user"}, specs)
	if err != nil {
		t.Fatal(err)
	}
	key := []string{"alice"}
	vals := [][]string{{"203.0.113.7", "Evil App"}, {"3", "4"}}
	if err := tab.Add(key, base, vals); err != nil {
		t.Fatal(err)
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		if err := tab.Add(key, at(i%7), vals); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Add of known values to an existing group allocated %v times per call, want 0", allocs)
	}
}

// TestRowTimesUTC pins a documented detail: First, Last and time results
// are the same instants as added, in UTC, whatever zone they were added
// in (a table keeps instants, not locations, so that its binary form
// restores the same rows anywhere).
func TestRowTimesUTC(t *testing.T) {
	zone := time.FixedZone("CEST", 2*3600)
	tab := buildStats(t, nil, []aggregate.Spec{{Func: aggregate.MinTime}}, []obs{{at: base.In(zone)}})
	r := tab.Rows()[0]
	if r.First.Location() != time.UTC || r.Last.Location() != time.UTC || r.Stats[0].Time.Location() != time.UTC {
		t.Errorf("row times in %v, %v, %v; want UTC", r.First.Location(), r.Last.Location(), r.Stats[0].Time.Location())
	}
	if !r.First.Equal(base) || r.First != base {
		t.Errorf("First = %v, want %v", r.First, base)
	}
}
