package aggregate_test

import (
	"encoding/binary"
	"hash/crc32"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
)

// fuzzOp is one observation decoded from fuzz input, with the part (0 to
// 3) it goes to in a split.
type fuzzOp struct {
	at   time.Time
	part int
	vals []string
}

// fuzzWords are the values ops pick from: numbers of every shape, ties,
// strings, and nulls.
var fuzzWords = []string{"", "a", "b", "B", "10", "9", "01", "1", "1.0", "-0", "0", "0.1", "0.2", "3.99",
	"1e300", "-1e300", "1.7e308", "1e-320", "1e200", "é", "1e400", "NaN", "x y"}

// fuzzOps decodes data as a list of ops: per op a header byte (part in
// the low 2 bits, number of values in the next 2, time in the high 4),
// then for each value a byte: below 0xe0 a word, else a raw string of the
// next (b & 0x1f) bytes. The last byte orders the merge.
func fuzzOps(data []byte) ([]fuzzOp, []int) {
	var ops []fuzzOp
	for len(data) > 1 {
		h := data[0]
		data = data[1:]
		op := fuzzOp{part: int(h & 3), at: base.Add(time.Duration(h>>4) * time.Second)}
		for range int(h >> 2 & 3) {
			if len(data) == 0 {
				break
			}
			b := data[0]
			data = data[1:]
			if b < 0xe0 {
				op.vals = append(op.vals, fuzzWords[int(b)%len(fuzzWords)])
				continue
			}
			n := min(int(b&0x1f), len(data))
			op.vals = append(op.vals, string(data[:n]))
			data = data[n:]
		}
		ops = append(ops, op)
	}
	order := []int{0, 1, 2, 3}
	if len(data) == 1 { // a permutation of the four parts
		k := int(data[0])
		for i := 3; i > 0; i-- {
			j := k % (i + 1)
			k /= i + 1
			order[i], order[j] = order[j], order[i]
		}
	}
	return ops, order
}

// FuzzAccumulators checks, for random ops, that every accumulator and a
// table of every stat give the same result from any split of the ops
// merged in any order (list: contiguous parts in order) as from the
// whole, that their binary forms round-trip, and that decoding the raw
// input as a blob never panics.
func FuzzAccumulators(f *testing.F) {
	f.Add([]byte{0x05, 4, 0x16, 5, 0x27, 14, 15, 0x03, 0x11, 0x0c, 1, 2, 0x09, 0xe3, 'a', 'b', 'c', 7})
	f.Add([]byte{0x04, 14, 0x05, 15, 0x06, 14, 0x07, 1, 0x08, 2, 0x09, 3, 0})
	f.Add([]byte{0x0c, 16, 16, 0x0d, 16, 16, 0x0e, 17, 0x0f, 18, 23})
	f.Add([]byte("EsAA\x01\x01\x00\x00\x00\x00\x00"))
	f.Add([]byte("EsAT\x01\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Any bytes as a blob: an error or a value, never a panic.
		if a, err := aggregate.UnmarshalAccumulator(data); err == nil {
			_ = a.Result()
		}
		var raw aggregate.Table
		if err := raw.UnmarshalBinary(data); err == nil {
			_ = raw.Rows()
		}

		ops, order := fuzzOps(data)
		for fn := aggregate.Count; fn <= aggregate.MaxTime; fn++ {
			whole := mustAcc(t, fn)
			var parts [4]aggregate.Accumulator
			for p := range parts {
				parts[p] = mustAcc(t, fn)
			}
			for i, op := range ops {
				whole.Add(op.at, op.vals...)
				p := op.part
				if fn == aggregate.List {
					p = i * 4 / len(ops) // contiguous runs
				}
				parts[p].Add(op.at, op.vals...)
			}
			merged := mustAcc(t, fn)
			for k := range 4 {
				p := order[k]
				if fn == aggregate.List {
					p = k
				}
				blob, err := parts[p].MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				back, err := aggregate.UnmarshalAccumulator(blob)
				if err != nil {
					t.Fatalf("%v: UnmarshalAccumulator of a marshalled part: %v", fn, err)
				}
				if diff := cmp.Diff(parts[p].Result(), back.Result()); diff != "" {
					t.Fatalf("%v: round trip changed the result (-want +got):\n%s", fn, diff)
				}
				if err := merged.Merge(back); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(whole.Result(), merged.Result()); diff != "" {
				t.Fatalf("%v: merge of the parts != whole (-want +got):\n%s", fn, diff)
			}
		}

		// The same through tables of every stat, parts merged in order
		// (so that list holds) after a round trip.
		by := []string{"k"}
		whole := buildStats(t, by, allSpecs, nil)
		var parts [4]*aggregate.Table
		for p := range parts {
			parts[p] = buildStats(t, by, allSpecs, nil)
		}
		for i, op := range ops {
			key := []string{op.vals0()}
			vals := [][]string{op.vals, op.vals}
			if err := whole.Add(key, op.at, vals); err != nil {
				t.Fatal(err)
			}
			if err := parts[i*4/len(ops)].Add(key, op.at, vals); err != nil {
				t.Fatal(err)
			}
		}
		merged := buildStats(t, by, allSpecs, nil)
		for _, p := range parts {
			if err := merged.Merge(clone(t, p)); err != nil {
				t.Fatal(err)
			}
		}
		if diff := cmp.Diff(whole.Rows(), merged.Rows()); diff != "" {
			t.Fatalf("table: merge of the parts != whole (-want +got):\n%s", diff)
		}
	})
}

// vals0 is the op's first value, its group key in the table check.
func (op fuzzOp) vals0() string {
	if len(op.vals) == 0 {
		return ""
	}
	return op.vals[0]
}

// frame wraps body as a blob of the given magic, with a valid checksum,
// so that fuzzing reaches the decoder past the checksum.
func frame(magic string, body []byte) []byte {
	b := append([]byte(magic+"\x01"), body...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

// FuzzUnmarshal decodes arbitrary bodies in valid frames as a table and
// as an accumulator: an error or a value, never a panic; and a value
// decoded must work like any other (rows, merge, a round trip that gives
// the same rows).
func FuzzUnmarshal(f *testing.F) {
	for _, tab := range sampleTables(f) {
		blob, err := tab.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob[5 : len(blob)-4])
	}
	for fn := aggregate.Count; fn <= aggregate.MaxTime; fn++ {
		a := accumulate(f, fn, []in{vs("1", "a"), atv(3, "0.5", "1e300")})
		blob, _ := a.MarshalBinary()
		f.Add(blob[5 : len(blob)-4])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var tab aggregate.Table
		if err := tab.UnmarshalBinary(frame("EsAT", body)); err == nil {
			rows := tab.Rows()
			if diff := cmp.Diff(rows, clone(t, &tab).Rows()); diff != "" {
				t.Fatalf("decoded table: round trip changed the rows (-want +got):\n%s", diff)
			}
			if err := tab.Merge(&tab); err != nil {
				t.Fatal(err)
			}
			_ = tab.Rows()
		}
		if a, err := aggregate.UnmarshalAccumulator(frame("EsAA", body)); err == nil {
			want := a.Result()
			blob, _ := a.MarshalBinary()
			back, err := aggregate.UnmarshalAccumulator(blob)
			if err != nil {
				t.Fatalf("decoded accumulator does not round-trip: %v", err)
			}
			if diff := cmp.Diff(want, back.Result()); diff != "" {
				t.Fatalf("decoded accumulator: round trip changed the result (-want +got):\n%s", diff)
			}
			if err := a.Merge(back); err != nil {
				t.Fatal(err)
			}
			_ = a.Result()
		}
	})
}
