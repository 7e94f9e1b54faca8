package aggregate

import (
	"slices"
	"strconv"
	"testing"
)

// TestValueSetGrows checks the set across its switch from a slice to a
// map: every value is kept once, whatever its size.
func TestValueSetGrows(t *testing.T) {
	for _, n := range []int{0, 1, smallSet - 1, smallSet, smallSet + 1, 5 * smallSet} {
		var s valueSet
		var want []string
		for i := range n {
			v := strconv.Itoa(i)
			for range 2 { // the second add of each value must be a no-op
				if !s.has(v) {
					s.add(v)
				}
			}
			want = append(want, v)
		}
		got := s.appendTo(nil)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || s.len() != n {
			t.Errorf("n=%d: set holds %d values %v, want %v", n, s.len(), got, want)
		}
		if s.has("absent") {
			t.Errorf("n=%d: has(absent) = true", n)
		}
	}
}
