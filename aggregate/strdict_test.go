package aggregate

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// internerInputs returns distinct strings of many lengths: empty, one
// byte, lengths around the one- and two-byte varint boundary, and some
// longer than a chunk.
func internerInputs() []string {
	vs := []string{"", "a", "b", strings.Repeat("x", 127), strings.Repeat("x", 128), strings.Repeat("y", chunkMax+1), strings.Repeat("w", lenLong-1), strings.Repeat("v", lenLong)}
	for i := range 3000 {
		vs = append(vs, "user"+strconv.Itoa(i)+"@contoso.com")
	}
	vs = append(vs, strings.Repeat("z", 3*chunkMax), "after the big ones")
	return vs
}

// TestInterner checks ids and strings through chunk and index growth,
// with the real hash and with hashes forced to collide, all into one
// probe chain or into 8.
func TestInterner(t *testing.T) {
	for _, clear := range []uint64{0, ^uint64(7), ^uint64(0)} {
		t.Run(fmt.Sprintf("hashClear=%#x", clear), func(t *testing.T) {
			in := &interner{hashClear: clear}
			vs := internerInputs()
			if clear == ^uint64(0) {
				vs = vs[:300] // every lookup walks the one chain
			}
			for i, v := range vs {
				if _, ok := in.lookup(v); ok {
					t.Fatalf("lookup(%.20q) found before it was added", v)
				}
				if id := in.id(v); id != uint32(i) {
					t.Fatalf("id(%.20q) = %d, want %d (dense, in order of arrival)", v, id, i)
				}
			}
			if in.len() != len(vs) {
				t.Errorf("len = %d, want %d", in.len(), len(vs))
			}
			for i, v := range vs {
				if got := in.str(uint32(i)); got != v {
					t.Errorf("str(%d) = %.20q, want %.20q", i, got, v)
				}
				if id := in.id(v); id != uint32(i) {
					t.Errorf("second id(%.20q) = %d, want %d", v, id, i)
				}
				if id, ok := in.lookup(v); !ok || id != uint32(i) {
					t.Errorf("lookup(%.20q) = %d, %v, want %d, true", v, id, ok, i)
				}
			}
			if _, ok := in.lookup("absent"); ok {
				t.Error("lookup(absent) found it")
			}
			if 4*in.len() > 3*len(in.slots) {
				t.Errorf("%d strings in %d slots, over the 3/4 load", in.len(), len(in.slots))
			}
		})
	}
}

// TestInternerCopies checks that the interner keeps copies: changing
// the bytes a caller's string was made from does not change what it
// holds, as when the caller's strings are slices of a reused buffer.
func TestInternerCopies(t *testing.T) {
	buf := []byte("alice@example.com 203.0.113.7")
	s := unsafe.String(&buf[0], len(buf))
	var in interner
	a, b := in.intern(s[:17]), in.intern(s[18:])
	copy(buf, bytes.Repeat([]byte{'#'}, len(buf)))
	if a != "alice@example.com" || b != "203.0.113.7" {
		t.Errorf("interned %q, %q; the caller's bytes changed them", a, b)
	}
	if got := in.internBytes([]byte("203.0.113.7")); unsafe.StringData(got) != unsafe.StringData(b) {
		t.Error("internBytes of a known value did not return the stored string")
	}
}

// TestTableKeepsCopies is TestInternerCopies for a table: keys and
// values made from a buffer that is then overwritten, as escudo's
// decoder reuses its record strings.
func TestTableKeepsCopies(t *testing.T) {
	tab, err := NewStats([]string{"user", "app"}, []Spec{{Func: Values, Field: "src"}, {Func: Min, Field: "src"}, {Func: List, Field: "app"}})
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte("alice 203.0.113.7 Evil App")
	s := unsafe.String(&buf[0], len(buf))
	if err := tab.Add([]string{s[:5], s[18:]}, time.Unix(1, 0), [][]string{{s[6:17]}, {s[18:]}}); err != nil {
		t.Fatal(err)
	}
	copy(buf, bytes.Repeat([]byte{'#'}, len(buf)))
	r := tab.Rows()[0]
	want := []string{"alice", "Evil App", "203.0.113.7", "203.0.113.7", "Evil App"}
	got := append(slices.Clone(r.Key), r.Stats[0].List[0], r.Stats[1].Str, r.Stats[2].List[0])
	if !slices.Equal(got, want) {
		t.Errorf("after the caller's bytes changed, the row holds %q, want %q", got, want)
	}
}

// TestTableCollisions fills tables whose group index and interner hashes
// are forced to collide (into one chain, or a few) and checks that they
// give the same rows and the same encoding as a table with real hashes,
// across index growth.
func TestTableCollisions(t *testing.T) {
	fill := func(tab *Table, n int) {
		for i := range n {
			u := "user" + strconv.Itoa(i%(n/3+1))
			key := []string{u, "10.0." + strconv.Itoa(i%7) + ".1", "const"}
			vals := [][]string{{"app" + strconv.Itoa(i%5), "app" + strconv.Itoa(i%11)}}
			if err := tab.Add(key, time.Unix(int64(i*7919%1000), 0), vals); err != nil {
				t.Fatal(err)
			}
		}
	}
	by, fields := []string{"user", "src", "c"}, []string{"app"}
	for _, tt := range []struct {
		clear uint64
		n     int
	}{{^uint64(0), 400}, {^uint64(3), 3000}, {0, 3000}} {
		t.Run(fmt.Sprintf("hashClear=%#x", tt.clear), func(t *testing.T) {
			ref, _ := New(by, fields)
			fill(ref, tt.n)
			tab, _ := New(by, fields)
			tab.index.hashClear, tab.strs.hashClear = tt.clear, tt.clear
			fill(tab, tt.n)
			if tab.Len() != ref.Len() {
				t.Fatalf("%d groups, want %d", tab.Len(), ref.Len())
			}
			if got, want := tab.Rows(), ref.Rows(); !rowsEqual(got, want) {
				t.Error("rows differ from those of a table with real hashes")
			}
			gb, _ := tab.MarshalBinary()
			wb, _ := ref.MarshalBinary()
			if !bytes.Equal(gb, wb) {
				t.Error("encoding differs from that of a table with real hashes")
			}
			// Merging into a colliding table goes through both lookups.
			m, _ := New(by, fields)
			m.index.hashClear, m.strs.hashClear = tt.clear, tt.clear
			if err := m.Merge(ref); err != nil {
				t.Fatal(err)
			}
			if err := m.Merge(tab); err != nil {
				t.Fatal(err)
			}
			if err := ref.Merge(ref); err != nil {
				t.Fatal(err)
			}
			if !rowsEqual(m.Rows(), ref.Rows()) {
				t.Error("merging two tables differs from merging one into itself")
			}
		})
	}
}

func rowsEqual(a, b []Row) bool {
	return slices.EqualFunc(a, b, func(x, y Row) bool {
		return slices.Equal(x.Key, y.Key) && x.Count == y.Count && x.First.Equal(y.First) && x.Last.Equal(y.Last) &&
			slices.EqualFunc(x.Values, y.Values, slices.Equal)
	})
}

// TestSetColumn checks a table's id set through its inline, slice and
// map forms, against a plain set.
func TestSetColumn(t *testing.T) {
	var in interner
	for _, n := range []int{0, 1, 2, 3, smallSet, smallSet + 1, smallSet + 3, 5 * smallSet} {
		var c setColumn
		c.grow()
		c.grow() // a second group, which must stay empty
		var want []string
		for i := range n {
			v := "v" + strconv.Itoa(i)
			for range 2 { // the second add must be a no-op
				c.add(0, &in, tstamp{}, []string{v, ""})
			}
			want = append(want, v)
		}
		slices.Sort(want)
		if got := c.sorted(0, &in); !slices.Equal(got, want) || c.size(0) != n {
			t.Errorf("n=%d: set holds %d values %q, want %q", n, c.size(0), got, want)
		}
		for _, v := range want {
			if id, _ := in.lookup(v); !c.has(0, id) {
				t.Errorf("n=%d: has(%s) = false", n, v)
			}
		}
		if c.size(1) != 0 || c.sorted(1, &in) != nil {
			t.Errorf("n=%d: the other group's set is not empty", n)
		}
	}
}

// TestGroupKeys checks that a key column kept once while constant gives
// every group's id before and after it varies, with columns starting to
// vary out of column order, and one never varying.
func TestGroupKeys(t *testing.T) {
	// Column c varies from group varyAt[c] on; -1 never.
	varyAt := []int{5, -1, 0, 1, 700}
	var k groupKeys
	var want [][]uint32
	for i := range 1000 {
		ids := make([]uint32, len(varyAt))
		for c, at := range varyAt {
			ids[c] = uint32(100 * c)
			if at >= 0 && i >= at {
				ids[c] += uint32(i*7%13) + 1
			}
		}
		k.add(i, ids)
		want = append(want, ids)
	}
	for i, ids := range want {
		for c, id := range ids {
			if got := k.id(i, c); got != id {
				t.Fatalf("group %d column %d: id %d, want %d", i, c, got, id)
			}
		}
	}
	if k.stride != 4 || k.pos[1] != -1 {
		t.Errorf("stride %d, positions %v: want 4 columns kept per row and column 1 once", k.stride, k.pos)
	}
}
