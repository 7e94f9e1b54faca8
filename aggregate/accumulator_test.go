package aggregate_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
)

// in is one observation given to an accumulator.
type in struct {
	at   time.Time
	vals []string
}

// vs is an observation at the base time.
func vs(vals ...string) in { return in{at: base, vals: vals} }

// atv is an observation at at(sec).
func atv(sec int, vals ...string) in { return in{at: at(sec), vals: vals} }

func num(f float64) aggregate.Value { return aggregate.Value{Kind: aggregate.KindNumber, Num: f} }
func text(s string) aggregate.Value { return aggregate.Value{Kind: aggregate.KindText, Str: s} }
func list(s ...string) aggregate.Value {
	return aggregate.Value{Kind: aggregate.KindMulti, List: s}
}
func tval(t time.Time) aggregate.Value { return aggregate.Value{Kind: aggregate.KindTime, Time: t} }

var null = aggregate.Value{}

func mustAcc(t testing.TB, f aggregate.Func) aggregate.Accumulator {
	t.Helper()
	a, err := aggregate.NewAccumulator(f)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func accumulate(t testing.TB, f aggregate.Func, obs []in) aggregate.Accumulator {
	t.Helper()
	a := mustAcc(t, f)
	for _, o := range obs {
		a.Add(o.at, o.vals...)
	}
	return a
}

func TestAccumulators(t *testing.T) {
	hundred := make([]string, 120)
	for i := range hundred {
		hundred[i] = strconv.Itoa(i)
	}
	tests := []struct {
		name   string
		reason string
		f      aggregate.Func
		in     []in
		want   aggregate.Value
	}{
		// count
		{name: "count/empty", reason: "no observation counts 0, not null", f: aggregate.Count, want: num(0)},
		{name: "count/observations", reason: "count counts observations, whatever their values, nulls included", f: aggregate.Count,
			in: []in{vs(), vs(""), vs("a", "b")}, want: num(3)},

		// count(X)
		{name: "count(X)/exists", reason: "an observation counts once when X has a value, however many", f: aggregate.CountField,
			in: []in{vs("a"), vs("a", "b"), vs(""), vs(), vs("", "x")}, want: num(3)},
		{name: "count(X)/none", reason: "no value at all counts 0", f: aggregate.CountField, in: []in{vs(""), vs()}, want: num(0)},

		// dc(X)
		{name: "dc/strings", reason: `distinct as strings: "1", "1.0" and "01" are three (Splunk docs)`, f: aggregate.DistinctCount,
			in: []in{vs("1", "1.0"), vs("01", "1"), vs("")}, want: num(3)},
		{name: "dc/none", reason: "dc of nulls is 0", f: aggregate.DistinctCount, in: []in{vs("")}, want: num(0)},

		// values(X)
		{name: "values/sorted bytewise", reason: "distinct, sorted bytewise: 10 < 9 < B < a < é", f: aggregate.Values,
			in: []in{vs("a", "9"), vs("B", "10", "é"), vs("9", "")}, want: list("10", "9", "B", "a", "é")},
		{name: "values/none", reason: "no value is null, not an empty list", f: aggregate.Values, in: []in{vs("")}, want: null},

		// list(X)
		{name: "list/arrival order", reason: "list keeps duplicates in the order added, multivalue in its order, nulls skipped", f: aggregate.List,
			in: []in{vs("b", "a"), vs(""), vs("b")}, want: list("b", "a", "b")},
		{name: "list/cap", reason: "only the first 100 values (Splunk docs)", f: aggregate.List,
			in: []in{vs(hundred[:60]...), vs(hundred[60:]...)}, want: list(hundred[:100]...)},

		// min(X), max(X)
		{name: "min/numeric", reason: "numbers compare numerically: 9 < 10", f: aggregate.Min, in: []in{vs("10", "9"), vs("100")}, want: text("9")},
		{name: "max/numeric", reason: "numbers compare numerically: 100 > 9", f: aggregate.Max, in: []in{vs("10", "9"), vs("100")}, want: text("100")},
		{name: "min/strings", reason: "strings compare bytewise", f: aggregate.Min, in: []in{vs("b", "B", "a")}, want: text("B")},
		{name: "max/strings", reason: "strings compare bytewise", f: aggregate.Max, in: []in{vs("b", "B", "a")}, want: text("b")},
		{name: "min/mix", reason: "every number is below every string: min of a mix is the smallest number", f: aggregate.Min,
			in: []in{vs("abc", "10", "-", "9")}, want: text("9")},
		{name: "max/mix", reason: "max of a mix is the greatest string", f: aggregate.Max,
			in: []in{vs("10", "abc", "9", "B")}, want: text("abc")},
		{name: "min/equal numbers", reason: `"1", "1.0" and "01" are equal numbers; bytewise the smallest wins, whatever the order`, f: aggregate.Min,
			in: []in{vs("1.0", "1", "01")}, want: text("01")},
		{name: "max/equal numbers", reason: "bytewise the greatest of equal numbers", f: aggregate.Max,
			in: []in{vs("01", "1", "1.0")}, want: text("1.0")},
		{name: "min/signs and exponents", reason: "-0.5 < 1e-3 < +2; the value is returned as it was added", f: aggregate.Min,
			in: []in{vs("+2", "1e-3", "-0.5")}, want: text("-0.5")},
		{name: "max/not numbers", reason: `"0x10", "1_000", "Inf", " 5" and "1e400" are strings`, f: aggregate.Max,
			in: []in{vs("7", "0x10", "1_000")}, want: text("1_000")},
		{name: "min/none", reason: "min of nulls is null", f: aggregate.Min, in: []in{vs("")}, want: null},

		// earliest(X), latest(X)
		{name: "earliest/by time", reason: "the value at the earliest time, not the first added", f: aggregate.Earliest,
			in: []in{atv(5, "late"), atv(1, "early"), atv(3, "mid")}, want: text("early")},
		{name: "latest/by time", reason: "the value at the latest time", f: aggregate.Latest,
			in: []in{atv(5, "late"), atv(9, "last"), atv(3, "mid")}, want: text("last")},
		{name: "earliest/tie", reason: "at the same instant the bytewise smallest value, whatever the order", f: aggregate.Earliest,
			in: []in{atv(1, "b"), atv(1, "a"), atv(2, "0")}, want: text("a")},
		{name: "latest/tie", reason: "at the same instant the bytewise greatest value", f: aggregate.Latest,
			in: []in{atv(2, "a"), atv(2, "b"), atv(1, "z")}, want: text("b")},
		{name: "earliest/nulls skipped", reason: "an observation without a value has no say", f: aggregate.Earliest,
			in: []in{atv(0, ""), atv(1, "x"), {at: at(-1)}}, want: text("x")},
		{name: "latest/none", reason: "no value is null", f: aggregate.Latest, in: []in{atv(0)}, want: null},

		// sum(X), avg(X), stdev(X)
		{name: "sum/integers", reason: "a sum of integers is exact", f: aggregate.Sum, in: []in{vs("1", "2"), vs("3", "x", "")}, want: num(6)},
		{name: "sum/decimals exact", reason: "0.1+0.2+0.3 summed exactly then rounded once is 0.6, not 0.6000000000000001", f: aggregate.Sum,
			in: []in{vs("0.1", "0.2", "0.3")}, want: num(0.6)},
		{name: "sum/cancellation", reason: "1e100 + 1 - 1e100 is 1 when the sum is exact", f: aggregate.Sum,
			in: []in{vs("1e100", "1", "-1e100")}, want: num(1)},
		{name: "sum/huge", reason: "values past 2^960 go to the big form and still sum exactly", f: aggregate.Sum,
			in: []in{vs("1e300", "1e300", "-1e300", "5")}, want: num(1e300)},
		{name: "sum/overflow", reason: "a sum beyond the float64 range is +Inf", f: aggregate.Sum,
			in: []in{vs("1.7e308", "1.7e308")}, want: num(posInf)},
		{name: "sum/no numbers", reason: "non-numbers are ignored; with none, null", f: aggregate.Sum, in: []in{vs("a", "")}, want: null},
		{name: "avg/correctly rounded", reason: "the exact sum of 0.1, 0.2 and 0.3 divided by 3 and rounded once is 0.2 (rounding the sum first would give 0.19999999999999998)", f: aggregate.Avg,
			in: []in{vs("0.1", "0.2", "0.3")}, want: num(0.2)},
		{name: "avg/half", reason: "avg(1,2,3,4) is 2.5", f: aggregate.Avg, in: []in{vs("1", "2"), vs("3", "4", "n/a")}, want: num(2.5)},
		{name: "avg/3.99", reason: "Splunk's docs print 3.9900000000000055 for 100 × 3.99 (a running float sum); the exact sum gives 3.99", f: aggregate.Avg,
			in: repeat(vs("3.99"), 100), want: num(3.99)},
		{name: "avg/huge", reason: "an average of values whose sum overflows is still the average", f: aggregate.Avg,
			in: []in{vs("1.7e308", "1.7e308")}, want: num(1.7e308)},
		{name: "avg/no numbers", reason: "null", f: aggregate.Avg, in: []in{vs("x")}, want: null},
		{name: "stdev/sample", reason: "sample standard deviation, n-1: stdev(1,2,3,4) = sqrt(5/3)", f: aggregate.Stdev,
			in: []in{vs("1", "2", "3", "4")}, want: num(1.2909944487358056)},
		{name: "stdev/one value", reason: "n=1 is taken as 0, as the detection engine does [unverified]", f: aggregate.Stdev, in: []in{vs("7")}, want: num(0)},
		{name: "stdev/equal values", reason: "equal values give exactly 0, not a rounding residue", f: aggregate.Stdev,
			in: repeat(vs("0.1"), 10), want: num(0)},
		{name: "stdev/spike", reason: "eleven 1s and a 12, the detection engine's outlier case: sqrt(1331/132) correctly rounded " +
			"(Python's statistics.stdev agrees; a two-pass float computation gives 3.175426480542942, one unit in the last place more)", f: aggregate.Stdev,
			in: append(repeat(vs("1"), 11), vs("12")), want: num(3.1754264805429417)},
		{name: "stdev/offset", reason: "a large offset does not cancel precision away: stdev(1e9+1, 1e9+2, 1e9+3) = 1", f: aggregate.Stdev,
			in: []in{vs("1000000001", "1000000002", "1000000003")}, want: num(1)},
		{name: "stdev/huge", reason: "values whose squares pass 2^960 are handled exactly too", f: aggregate.Stdev,
			in: []in{vs("1e200", "3e200")}, want: num(1.4142135623730951e200)},
		{name: "stdev/tiny", reason: "values whose squares underflow a float64 are squared exactly too", f: aggregate.Stdev,
			in: []in{vs("1e-300", "3e-300")}, want: num(1.4142135623730952e-300)},
		{name: "stdev/no numbers", reason: "null", f: aggregate.Stdev, in: []in{vs("")}, want: null},

		// min(_time), max(_time)
		{name: "min(_time)", reason: "the earliest observation time, in UTC", f: aggregate.MinTime,
			in:   []in{{at: at(5)}, {at: time.Date(2024, 5, 1, 11, 59, 0, 0, time.FixedZone("", 2*3600))}, {at: at(9)}},
			want: tval(time.Date(2024, 5, 1, 9, 59, 0, 0, time.UTC))},
		{name: "max(_time)", reason: "the latest observation time, nanoseconds kept", f: aggregate.MaxTime,
			in: []in{{at: at(5)}, {at: at(9).Add(7)}, {at: at(1)}}, want: tval(at(9).Add(7))},
		{name: "min(_time)/none", reason: "an empty accumulator has no time", f: aggregate.MinTime, want: null},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := accumulate(t, tt.f, tt.in)
			if a.Func() != tt.f {
				t.Errorf("Func() = %v, want %v", a.Func(), tt.f)
			}
			if diff := cmp.Diff(tt.want, a.Result()); diff != "" {
				t.Errorf("%s\n%v Result() mismatch (-want +got):\n%s", tt.reason, tt.f, diff)
			}
			// The same in reverse order gives the same result (list
			// excepted, by definition).
			if tt.f != aggregate.List {
				rev := make([]in, len(tt.in))
				for i, o := range tt.in {
					rev[len(rev)-1-i] = o
				}
				if diff := cmp.Diff(tt.want, accumulate(t, tt.f, rev).Result()); diff != "" {
					t.Errorf("%s\nreversed input changed the result (-want +got):\n%s", tt.reason, diff)
				}
			}
		})
	}
}

var posInf = func() float64 { f, _ := strconv.ParseFloat("+Inf", 64); return f }()

func repeat(o in, n int) []in {
	out := make([]in, n)
	for i := range out {
		out[i] = o
	}
	return out
}

func TestAccumulatorKeepsCopies(t *testing.T) {
	a := mustAcc(t, aggregate.List)
	buf := []byte("alice")
	vals := []string{string(buf)}
	a.Add(base, vals...)
	vals[0] = "mallory"
	got := a.Result()
	got.List[0] = "edited"
	if diff := cmp.Diff(list("alice"), a.Result()); diff != "" {
		t.Errorf("accumulator shares state with its caller (-want +got):\n%s", diff)
	}
}

func TestAccumulatorMergeErrors(t *testing.T) {
	sum := accumulate(t, aggregate.Sum, []in{vs("1")})
	avg := accumulate(t, aggregate.Avg, []in{vs("5")})
	for _, tt := range []struct {
		name  string
		other aggregate.Accumulator
		want  string
	}{
		{name: "other function", other: avg, want: "aggregate: Merge: sum accumulator, other is avg: stats function mismatch"},
		{name: "nil", other: nil, want: "aggregate: Merge: sum accumulator, other is nil: stats function mismatch"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := sum.Merge(tt.other)
			if !errors.Is(err, aggregate.ErrFuncMismatch) || err.Error() != tt.want {
				t.Errorf("Merge = %v, want %q", err, tt.want)
			}
			if diff := cmp.Diff(num(1), sum.Result()); diff != "" {
				t.Errorf("failed Merge changed the accumulator (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccumulatorMergeSelf(t *testing.T) {
	for _, tt := range []struct {
		f    aggregate.Func
		want aggregate.Value
	}{
		{aggregate.Count, num(4)},
		{aggregate.Values, list("a", "b")},
		{aggregate.List, list("a", "b", "a", "b")},
		{aggregate.Sum, num(0.6000000000000001)}, // 2×(0.1+0.2) exactly is halfway between two floats: to even
		{aggregate.Stdev, num(0.05773502691896258)},
		{aggregate.Min, text("a")},
	} {
		t.Run(tt.f.String(), func(t *testing.T) {
			obs := []in{vs("a", "0.1"), vs("b", "0.2")}
			if tt.f == aggregate.Values || tt.f == aggregate.List || tt.f == aggregate.Min {
				obs = []in{vs("a"), vs("b")}
			}
			a := accumulate(t, tt.f, obs)
			if err := a.Merge(a); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, a.Result()); diff != "" {
				t.Errorf("merging into itself is adding everything twice (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewAccumulatorUnknown(t *testing.T) {
	for _, f := range []aggregate.Func{0, 200} {
		if _, err := aggregate.NewAccumulator(f); !errors.Is(err, aggregate.ErrUnknownFunc) {
			t.Errorf("NewAccumulator(%v) error = %v, want ErrUnknownFunc", f, err)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"7", 7, true}, {"-0.5", -0.5, true}, {"+.5", 0.5, true}, {"007", 7, true}, {"1.", 1, true},
		{"1e3", 1000, true}, {"2.50E-3", 0.0025, true}, {"1e-400", 0, true},
		{"", 0, false}, {".", 0, false}, {"-", 0, false}, {"1e", 0, false}, {"e5", 0, false}, {" 5", 0, false},
		{"5 ", 0, false}, {"0x10", 0, false}, {"1_000", 0, false}, {"Inf", 0, false}, {"NaN", 0, false},
		{"1e400", 0, false}, {"1,5", 0, false}, {"--1", 0, false},
	} {
		got, ok := aggregate.ParseNumber(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestValueString(t *testing.T) {
	for _, tt := range []struct {
		name string
		v    aggregate.Value
		want string
	}{
		{"integer", num(6), "6"},
		{"half", num(2.5), "2.5"},
		{"full precision", num(1.2909944487358056), "1.2909944487358056"},
		{"negative zero", num(negZero()), "0"},
		{"large", num(1e21), "1000000000000000000000"},
		{"text", text("01"), "01"},
		{"multi", list("a", "b"), "a\nb"},
		{"time", tval(at(0)), "1714557600"},
		{"time with fraction", tval(at(0).Add(500 * time.Millisecond)), "1714557600.5"},
		{"null", null, ""},
	} {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func negZero() float64 { z := 0.0; return -z }

func TestSpecString(t *testing.T) {
	for _, tt := range []struct {
		s    aggregate.Spec
		want string
	}{
		{aggregate.Spec{Func: aggregate.Count}, "count"},
		{aggregate.Spec{Func: aggregate.CountField, Field: "x"}, "count(x)"},
		{aggregate.Spec{Func: aggregate.DistinctCount, Field: "src"}, "dc(src)"},
		{aggregate.Spec{Func: aggregate.MinTime}, "min(_time)"},
		{aggregate.Spec{Func: aggregate.MaxTime}, "max(_time)"},
		{aggregate.Spec{Func: aggregate.Stdev, Field: "n"}, "stdev(n)"},
		{aggregate.Spec{Func: 99, Field: "n"}, "Func(99)(n)"},
	} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.s, got, tt.want)
		}
	}
}
