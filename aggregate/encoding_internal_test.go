package aggregate

import (
	"errors"
	"strings"
	"testing"
)

// TestUnmarshalInvalid feeds well-framed blobs (right magic, version and
// checksum) whose bodies are wrong: each must be an error that says
// where and what, never a panic and never a table.
func TestUnmarshalInvalid(t *testing.T) {
	// table writes a table blob: by columns, then body.
	table := func(by []string, body func(e *encoder)) []byte {
		e := newEncoder(nil, magicTable)
		e.plains(by)
		body(e)
		return e.finish()
	}
	stats := func(specs ...Spec) func(e *encoder) {
		return func(e *encoder) {
			e.byte1(1)
			e.uvarint(uint64(len(specs)))
			for _, s := range specs {
				e.byte1(byte(s.Func))
				e.plain(s.Field)
			}
		}
	}
	then := func(fs ...func(e *encoder)) func(e *encoder) {
		return func(e *encoder) {
			for _, f := range fs {
				f(e)
			}
		}
	}
	groups := func(n uint64) func(e *encoder) { return func(e *encoder) { e.uvarint(n) } }
	// group writes a group of one BY value with count 1 at second 0.
	group := func(key string) func(e *encoder) {
		return func(e *encoder) {
			e.keyStr(key)
			e.varint(1)
			e.tstamp(tstamp{})
			e.tstamp(tstamp{})
		}
	}
	raw := func(b ...byte) func(e *encoder) { return func(e *encoder) { e.b = append(e.b, b...) } }
	count := Spec{Func: Count}
	dc := Spec{Func: DistinctCount, Field: "s"}
	list := Spec{Func: List, Field: "s"}
	sum := Spec{Func: Sum, Field: "n"}
	minS := Spec{Func: Min, Field: "s"}
	earliest := Spec{Func: Earliest, Field: "s"}

	tests := []struct {
		name string
		blob []byte
		want string
	}{
		{"unknown table kind", table(nil, raw(7)), "unknown table kind"},
		{"bad spec", table(nil, stats(Spec{Func: 0})), "bad columns"},
		{"duplicate BY", table([]string{"a", "a"}, then(raw(0, 0), groups(0))), "bad columns"},
		{"group count past the end", table(nil, then(stats(count), groups(1000))), "count 1000"},
		{"truncated group", table([]string{"u"}, then(stats(count), groups(1), raw(0, 1, 'a'))), "truncated"},
		{"zero count", table(nil, then(stats(count), groups(1), raw(0), raw(0, 0, 0, 0))), "bad group count"},
		{"negative count", table(nil, then(stats(count), groups(1), raw(1), raw(0, 0, 0, 0))), "negative count"},
		{"last before first", table(nil, then(stats(count), groups(1), func(e *encoder) {
			e.varint(1)
			e.tstamp(tstamp{sec: 5})
			e.tstamp(tstamp{sec: 4})
		})), "bad group count or times"},
		{"nanoseconds", table(nil, then(stats(count), groups(1), func(e *encoder) {
			e.varint(1)
			e.varint(0)
			e.uvarint(1e9)
		})), "nanoseconds out of range"},
		{"repeated group", table([]string{"u"}, then(stats(count), groups(2), group("a"), group("a"))), "repeated group"},
		{"unseen string", table([]string{"u"}, then(stats(count), groups(1), raw(5))), "reference to a string not seen yet"},
		{"repeated set value", table([]string{"u"}, then(stats(dc), groups(1), group("a"), func(e *encoder) {
			e.uvarint(2)
			e.str("x")
			e.str("x")
		})), "empty or repeated value in a set"},
		{"empty set value", table([]string{"u"}, then(stats(dc), groups(1), group("a"), func(e *encoder) {
			e.uvarint(1)
			e.str("")
		})), "empty or repeated value in a set"},
		{"long list", table([]string{"u"}, then(stats(list), groups(1), group("a"), func(e *encoder) {
			e.uvarint(101)
			for range 101 {
				e.str("x")
			}
		})), "list longer than its limit"},
		{"non-finite partial", table([]string{"u"}, then(stats(sum), groups(1), group("a"), func(e *encoder) {
			e.varint(1)
			e.byte1(0)
			e.uvarint(1)
			e.float(posInf())
		})), "non-finite partial sum"},
		{"sum of nothing", table([]string{"u"}, then(stats(sum), groups(1), group("a"), func(e *encoder) {
			e.varint(0)
			e.byte1(0)
			e.uvarint(1)
			e.float(1)
		})), "sum of no numbers"},
		{"bad sum form", table([]string{"u"}, then(stats(sum), groups(1), group("a"), raw(2, 9))), "bad sum form"},
		{"bad big sum", table([]string{"u"}, then(stats(sum), groups(1), group("a"), func(e *encoder) {
			e.varint(1)
			e.byte1(1)
			e.byte1(9) // sign
			e.varint(0)
			e.uvarint(0)
		})), "bad exact sum"},
		{"bad min flag", table([]string{"u"}, then(stats(minS), groups(1), group("a"), raw(3))), "bad min or max flag"},
		{"empty min", table([]string{"u"}, then(stats(minS), groups(1), group("a"), func(e *encoder) {
			e.byte1(1)
			e.str("")
		})), "empty min or max"},
		{"bad earliest flag", table([]string{"u"}, then(stats(earliest), groups(1), group("a"), raw(2))), "bad earliest or latest flag"},
		{"inconsistent stdev", table([]string{"u"}, then(stats(Spec{Func: Stdev, Field: "n"}), groups(1), group("a"), func(e *encoder) {
			e.varint(2) // two numbers summing to 10 whose squares sum to 1: impossible
			e.byte1(0)
			e.uvarint(1)
			e.float(10)
			e.byte1(0)
			e.uvarint(1)
			e.float(1)
		})), "inconsistent stdev state"},
		{"partial out of range", table([]string{"u"}, then(stats(sum), groups(1), group("a"), func(e *encoder) {
			e.varint(1)
			e.byte1(0)
			e.uvarint(2)
			e.float(1.7e308)
			e.float(1.7e308)
		})), "partial sum out of range"},
		{"trailing bytes", table(nil, then(stats(count), groups(0), raw(0))), "1 bytes after the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tab Table
			err := tab.UnmarshalBinary(tt.blob)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "byte ") {
				t.Errorf("UnmarshalBinary = %v, want ErrCorrupt at a byte offset saying %q", err, tt.want)
			}
			if tab.Len() != 0 || tab.by != nil {
				t.Errorf("failed UnmarshalBinary changed the table")
			}
		})
	}
}

func TestUnmarshalVersion(t *testing.T) {
	e := newEncoder(nil, magicTable)
	e.b[4] = 2
	e.plains(nil)
	e.byte1(0)
	e.plains(nil)
	e.uvarint(0)
	var tab Table
	if err := tab.UnmarshalBinary(e.finish()); !errors.Is(err, ErrVersion) {
		t.Errorf("UnmarshalBinary of version 2 = %v, want ErrVersion", err)
	}
}

func posInf() float64 {
	var f float64 = 1e308
	return f * 10
}
