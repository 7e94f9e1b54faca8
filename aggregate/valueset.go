package aggregate

// valueSet is a set of distinct strings. Most groups see one value or a
// few per field, so it starts as a slice, searched linearly, and becomes a
// map only past smallSet values: a map per group and field would cost
// hundreds of bytes each, and dominate the memory of tables with many
// groups.
type valueSet struct {
	small []string
	big   map[string]struct{}
}

// smallSet is the largest set kept as a slice.
const smallSet = 16

func (s *valueSet) has(v string) bool {
	if s.big != nil {
		_, ok := s.big[v]
		return ok
	}
	for _, x := range s.small {
		if x == v {
			return true
		}
	}
	return false
}

// add adds v, which the set must not hold.
func (s *valueSet) add(v string) {
	if s.big != nil {
		s.big[v] = struct{}{}
		return
	}
	if len(s.small) < smallSet {
		s.small = append(s.small, v)
		return
	}
	s.big = make(map[string]struct{}, 2*smallSet)
	for _, x := range s.small {
		s.big[x] = struct{}{}
	}
	s.big[v] = struct{}{}
	s.small = nil
}

func (s *valueSet) len() int {
	if s.big != nil {
		return len(s.big)
	}
	return len(s.small)
}

// appendTo appends the values to dst, in no particular order.
func (s *valueSet) appendTo(dst []string) []string {
	if s.big == nil {
		return append(dst, s.small...)
	}
	for v := range s.big {
		dst = append(dst, v)
	}
	return dst
}

// each calls fn for every value, in no particular order. fn must not
// change the set.
func (s *valueSet) each(fn func(string)) {
	if s.big == nil {
		for _, v := range s.small {
			fn(v)
		}
		return
	}
	for v := range s.big {
		fn(v)
	}
}
