package aggregate_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
)

// sampleTables returns tables of every kind, with groups.
func sampleTables(t testing.TB) map[string]*aggregate.Table {
	rng := rand.New(rand.NewPCG(7, 7))
	obsN := func(nBy, nFields int) []obs { return randomObs(rng, 60, nBy, nFields) }
	return map[string]*aggregate.Table{
		"zero":            {},
		"empty New":       build(t, []string{"a", "b"}, []string{"f"}, nil),
		"New no fields":   build(t, []string{"user", "src", "app", "reason"}, nil, obsN(4, 0)),
		"New with fields": build(t, []string{"a"}, []string{"f", "g"}, obsN(1, 2)),
		"New no BY":       build(t, nil, []string{"f"}, obsN(0, 1)),
		"NewStats":        buildStats(t, []string{"u"}, allSpecs, randomStatsObs(rng, 80, 1)),
		"NewStats no BY":  buildStats(t, nil, allSpecs, randomStatsObs(rng, 30, 0)),
		"NewStats header": buildStats(t, []string{"u"}, []aggregate.Spec{{Func: aggregate.Count}, {Func: aggregate.MaxTime}}, noVals(randomStatsObs(rng, 10, 1))),
	}
}

// noVals drops the values of observations.
func noVals(all []obs) []obs {
	for i := range all {
		all[i].vals = nil
	}
	return all
}

func TestTableRoundTrip(t *testing.T) {
	for name, tab := range sampleTables(t) {
		t.Run(name, func(t *testing.T) {
			blob, err := tab.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var back aggregate.Table
			if err := back.UnmarshalBinary(blob); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if diff := cmp.Diff(tab.Rows(), back.Rows()); diff != "" {
				t.Errorf("rows after a round trip (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tab.By(), back.By()); diff != "" {
				t.Errorf("By after a round trip (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tab.Specs(), back.Specs()); diff != "" {
				t.Errorf("Specs after a round trip (-want +got):\n%s", diff)
			}
			// Encoding is deterministic: the decoded table encodes to the
			// same bytes.
			again, err := back.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(blob, again) {
				t.Errorf("re-encoding a decoded table gave other bytes")
			}
			// The decoded table merges like the original and keeps
			// working.
			twice := clone(t, tab)
			if err := twice.Merge(&back); err != nil {
				t.Fatalf("Merge of the decoded table: %v", err)
			}
			self := clone(t, tab)
			if err := self.Merge(tab); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(self.Rows(), twice.Rows()); diff != "" {
				t.Errorf("t+decoded(t) != t+t (-want +got):\n%s", diff)
			}
			// AppendBinary appends.
			prefixed, err := tab.AppendBinary([]byte("prefix"))
			if err != nil || !bytes.Equal(prefixed, append([]byte("prefix"), blob...)) {
				t.Errorf("AppendBinary does not append the MarshalBinary bytes")
			}
		})
	}
}

// clone returns a copy of tab made through its binary form.
func clone(t testing.TB, tab *aggregate.Table) *aggregate.Table {
	t.Helper()
	blob, err := tab.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var c aggregate.Table
	if err := c.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	return &c
}

// TestTableBinaryCompact checks that repeated strings are written once:
// 1000 groups sharing an app and a reason cost little more than their
// distinct parts.
func TestTableBinaryCompact(t *testing.T) {
	keys := consentKeys(1000)
	tab, err := aggregate.New([]string{"user", "src_ip", "appDisplayName", "status.failureReason"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := 0
	for i, k := range keys {
		if err := tab.Add(k, at(i), nil); err != nil {
			t.Fatal(err)
		}
		raw += len(k[0]) + len(k[1])
	}
	blob, err := tab.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// Per group: user and address (raw), their dictionary tags and
	// lengths (4 bytes), two references (2), count (1), two times
	// (2 × (5+1)): about 19 bytes more than the raw strings.
	if limit := raw + 1000*22; len(blob) > limit {
		t.Errorf("%d groups encode to %d bytes, want at most %d", len(keys), len(blob), limit)
	}
}

func TestTableUnmarshalCorrupt(t *testing.T) {
	tab := buildStats(t, []string{"u"}, allSpecs, randomStatsObs(rand.New(rand.NewPCG(9, 9)), 25, 1))
	blob, err := tab.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want := tab.Rows()
	target := clone(t, tab)
	check := func(t *testing.T, name string, data []byte, wantErr error) {
		t.Helper()
		err := target.UnmarshalBinary(data)
		if !errors.Is(err, wantErr) {
			t.Fatalf("%s: UnmarshalBinary error = %v, want %v", name, err, wantErr)
		}
	}
	defer func() {
		if diff := cmp.Diff(want, target.Rows()); diff != "" {
			t.Errorf("failed UnmarshalBinary calls changed the table (-want +got):\n%s", diff)
		}
	}()
	t.Run("truncated", func(t *testing.T) {
		for n := range len(blob) {
			check(t, "first "+itoa(n)+" bytes", blob[:n], aggregate.ErrCorrupt)
		}
	})
	t.Run("bit flips", func(t *testing.T) {
		for i := range len(blob) {
			for bit := range 8 {
				bad := bytes.Clone(blob)
				bad[i] ^= 1 << bit
				if i == 4 { // the version byte
					check(t, "version", bad, aggregate.ErrCorrupt) // the checksum fails first
					continue
				}
				check(t, "flip", bad, aggregate.ErrCorrupt)
			}
		}
	})
	t.Run("trailing", func(t *testing.T) {
		check(t, "extra byte", append(bytes.Clone(blob), 0), aggregate.ErrCorrupt)
	})
	t.Run("accumulator blob", func(t *testing.T) {
		a, err := aggregate.NewAccumulator(aggregate.Count)
		if err != nil {
			t.Fatal(err)
		}
		ab, _ := a.MarshalBinary()
		check(t, "accumulator", ab, aggregate.ErrCorrupt)
	})
	t.Run("nil", func(t *testing.T) { check(t, "nil", nil, aggregate.ErrCorrupt) })
}

func itoa(n int) string {
	return string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

func TestAccumulatorRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	words := []string{"", "a", "b", "10", "9", "0.1", "1e300", "-3", "é"}
	for f := aggregate.Count; f <= aggregate.MaxTime; f++ {
		t.Run(f.String(), func(t *testing.T) {
			a := mustAcc(t, f)
			for i := range 50 {
				a.Add(at(rng.IntN(10)), words[i%len(words)], words[rng.IntN(len(words))])
			}
			blob, err := a.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			back, err := aggregate.UnmarshalAccumulator(blob)
			if err != nil {
				t.Fatalf("UnmarshalAccumulator: %v", err)
			}
			if back.Func() != f {
				t.Errorf("decoded Func = %v, want %v", back.Func(), f)
			}
			if diff := cmp.Diff(a.Result(), back.Result()); diff != "" {
				t.Errorf("result after a round trip (-want +got):\n%s", diff)
			}
			empty := mustAcc(t, f)
			if err := empty.UnmarshalBinary(blob); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if diff := cmp.Diff(a.Result(), empty.Result()); diff != "" {
				t.Errorf("result after UnmarshalBinary (-want +got):\n%s", diff)
			}
			// Truncations and flips are errors, and leave the target
			// alone.
			for n := range len(blob) {
				if err := empty.UnmarshalBinary(blob[:n]); !errors.Is(err, aggregate.ErrCorrupt) {
					t.Fatalf("UnmarshalBinary of %d of %d bytes = %v, want ErrCorrupt", n, len(blob), err)
				}
				bad := bytes.Clone(blob)
				bad[n] ^= 0x10
				if _, err := aggregate.UnmarshalAccumulator(bad); err == nil {
					t.Fatalf("UnmarshalAccumulator with byte %d flipped succeeded", n)
				}
			}
			if diff := cmp.Diff(a.Result(), empty.Result()); diff != "" {
				t.Errorf("failed UnmarshalBinary changed the accumulator (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccumulatorUnmarshalOtherFunc(t *testing.T) {
	sum := accumulate(t, aggregate.Sum, []in{vs("1")})
	blob, _ := sum.MarshalBinary()
	avg := mustAcc(t, aggregate.Avg)
	err := avg.UnmarshalBinary(blob)
	if !errors.Is(err, aggregate.ErrFuncMismatch) {
		t.Errorf("UnmarshalBinary of a sum into an avg = %v, want ErrFuncMismatch", err)
	}
}
