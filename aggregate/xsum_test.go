package aggregate

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// randomTerm returns a float of random sign and of a magnitude anywhere
// from 1e-100 to 1e300, or a small integer, or a tiny value.
func randomTerm(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return float64(rng.IntN(2001) - 1000)
	case 1:
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(40)-20))
	case 2:
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(400)-100))
	case 3:
		return math.Ldexp(rng.Float64()-0.5, rng.IntN(60)+950) // around the partial limit
	case 4:
		return 0.1 * float64(rng.IntN(100))
	}
	return math.Ldexp(1, -rng.IntN(300))
}

// exactSum is the reference: the sum in rationals, rounded once.
func exactSum(xs []float64) (*big.Rat, float64) {
	r := new(big.Rat)
	for _, x := range xs {
		r.Add(r, new(big.Rat).SetFloat64(x))
	}
	f, _ := r.Float64()
	return r, f
}

func TestXsumExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		n := rng.IntN(40)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = randomTerm(rng)
		}
		_, want := exactSum(xs)
		if want == 0 {
			want = 0 // +0
		}
		var s xsum
		for _, x := range xs {
			s.add(x)
		}
		if got := s.value(); got != want && !(math.IsInf(got, 0) && math.IsInf(want, 0)) {
			t.Fatalf("trial %d: sum of %v = %v, want %v (exact, rounded once)", trial, xs, got, want)
		}
		// The encoded form reads back to the same sum.
		e := newEncoder(nil, magicAccumulator)
		s.encode(e)
		d := newDecoder(e.b[5:], 0, nil)
		var back xsum
		back.decode(d)
		if err := d.end(); err != nil {
			t.Fatalf("trial %d: decode: %v", trial, err)
		}
		if back.value() != s.value() && !math.IsInf(s.value(), 0) {
			t.Fatalf("trial %d: decoded sum %v, want %v", trial, back.value(), s.value())
		}
		// Any split merged in any order gives the same sum.
		parts := make([]xsum, 1+rng.IntN(4))
		for _, x := range xs {
			parts[rng.IntN(len(parts))].add(x)
		}
		var m xsum
		for _, p := range rng.Perm(len(parts)) {
			m.merge(&parts[p])
		}
		if m.value() != s.value() {
			t.Fatalf("trial %d: merged sum %v, whole %v", trial, m.value(), s.value())
		}
	}
}

func TestStdevExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 500 {
		n := 2 + rng.IntN(30)
		xs := make([]float64, n)
		scale := math.Pow(10, float64(rng.IntN(300)-100))
		offset := float64(rng.IntN(3)) * scale * 1e6
		for i := range xs {
			xs[i] = offset + (rng.Float64()-0.5)*scale
		}
		// Reference: n·Σx² − (Σx)² in rationals, rounded once, then
		// the same float steps as stdev.
		s1, _ := exactSum(xs)
		s2 := new(big.Rat)
		for _, x := range xs {
			r := new(big.Rat).SetFloat64(x)
			s2.Add(s2, r.Mul(r, r))
		}
		d := new(big.Rat).Mul(big.NewRat(int64(n), 1), s2)
		d.Sub(d, new(big.Rat).Mul(s1, s1))
		df, _ := d.Float64()
		nf := float64(n)
		want := math.Sqrt(df / (nf * (nf - 1)))
		if math.IsInf(df, 0) {
			continue // beyond float64: covered by TestStdevHuge
		}
		var s stdevState
		for _, x := range xs {
			s.addNumber(x)
			s.addSquare(x)
		}
		if got := s.stdev(); got != want {
			t.Fatalf("trial %d: stdev of %v = %v, want %v", trial, xs, got, want)
		}
		// The big path gives the same d as the fast one.
		if fast, ok := s.nM2Fast(nf); ok {
			if big, _ := s.nM2Big(); big != fast {
				t.Fatalf("trial %d: fast n·M2 %v, big %v", trial, fast, big)
			}
		}
	}
}

func TestStdevHuge(t *testing.T) {
	var s stdevState
	for _, x := range []float64{1e300, -1e300, 3e300} {
		s.addNumber(x)
		s.addSquare(x)
	}
	// mean 1e300, deviations 0, -2e300, 2e300: M2 = 8e600, /2 = 4e600,
	// sqrt = 2e300.
	if got := s.stdev(); math.Abs(got-2e300) > 2e300*1e-15 {
		t.Errorf("stdev(1e300, -1e300, 3e300) = %v, want 2e300", got)
	}
	if got := s.sumState.avg(); got != 1e300 {
		t.Errorf("avg = %v, want 1e300", got)
	}
}

// TestGroupHeaderSize pins the per-group header: count, first and last
// time (the key is 4 bytes per BY column beside it), and the inline set
// of a table's dc/values column.
func TestGroupHeaderSize(t *testing.T) {
	if got := unsafe.Sizeof(group{}); got != 32 {
		t.Errorf("group header is %d bytes, want 32", got)
	}
	if got := unsafe.Sizeof(idSet{}); got != 8 {
		t.Errorf("a table's dc/values set is %d bytes per group, want 8", got)
	}
	for _, tt := range []struct {
		name string
		size uintptr
		want uintptr
	}{
		{"count", unsafe.Sizeof(countState{}), 8},
		{"min(_time)", unsafe.Sizeof(minTimeState{}), 16},
		{"dc/values", unsafe.Sizeof(setState{}), 32},
		{"list", unsafe.Sizeof(listState{}), 24},
		{"min/max", unsafe.Sizeof(minState{}), 32},
		{"earliest/latest", unsafe.Sizeof(earliestState{}), 32},
		{"sum/avg", unsafe.Sizeof(sumState{}), 40},
		{"stdev", unsafe.Sizeof(stdevState{}), 72},
	} {
		if tt.size != tt.want {
			t.Errorf("%s state is %d bytes per group, want %d", tt.name, tt.size, tt.want)
		}
	}
}

// TestSpecsShareColumns checks that specs reading the same state of the
// same field keep one column: dc and values one set, sum, avg and stdev
// one moments state, a repeated spec its first one's.
func TestSpecsShareColumns(t *testing.T) {
	for _, tt := range []struct {
		specs []Spec
		cols  int
	}{
		{[]Spec{{Func: DistinctCount, Field: "s"}, {Func: Values, Field: "s"}}, 1},
		{[]Spec{{Func: Sum, Field: "n"}, {Func: Avg, Field: "n"}}, 1},
		{[]Spec{{Func: Avg, Field: "n"}, {Func: Stdev, Field: "n"}, {Func: Sum, Field: "n"}}, 1},
		{[]Spec{{Func: Avg, Field: "n"}, {Func: Stdev, Field: "m"}}, 2},
		{[]Spec{{Func: Min, Field: "s"}, {Func: Max, Field: "s"}, {Func: Min, Field: "s"}}, 2},
		{[]Spec{{Func: Count}, {Func: MinTime}, {Func: MaxTime}}, 0},
		{[]Spec{{Func: DistinctCount, Field: "s"}, {Func: DistinctCount, Field: "u"}}, 2},
	} {
		tab, err := NewStats(nil, tt.specs)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.cols) != tt.cols {
			t.Errorf("NewStats(%v) keeps %d columns, want %d", tt.specs, len(tab.cols), tt.cols)
		}
	}
}
