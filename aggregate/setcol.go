package aggregate

import "slices"

// setColumn is the column of dc and values in a table, the most common
// after the header's stats. Its sets hold the ids of their values in the
// table's interner rather than strings, and a set of one or two values,
// what most groups see, lives inline in the column: 8 bytes and no
// pointer per group, so the garbage collector does not scan the column.
// Larger sets spill to a side slice. It encodes exactly as setState.
type setColumn struct {
	s      []idSet
	spills []spill
}

// idSet is one group's set. a and b are 0 or a value's id + 1: {0, 0}
// is empty, {x, 0} one value, {x, y} two. With spilled set in a, a's
// other bits are the set's index in spills. An interner has fewer than
// spilled ids, as it would need 16 GiB of references to reach it.
type idSet struct{ a, b uint32 }

const spilled = 1 << 31

// n returns the number of values in s, whose spill, if any, is in
// spills.
func (s idSet) n(spills []spill) int {
	switch {
	case s.a == 0:
		return 0
	case s.a&spilled != 0:
		return spills[s.a&^spilled].len()
	case s.b == 0:
		return 1
	}
	return 2
}

// spill is a set of more than two values: a slice searched linearly, and
// a map past smallSet values, as valueSet.
type spill struct {
	small []uint32
	big   map[uint32]struct{}
}

func (p *spill) len() int {
	if p.big != nil {
		return len(p.big)
	}
	return len(p.small)
}

func newSetColumn() column { return new(setColumn) }

func (c *setColumn) grow() { c.s = append(c.s, idSet{}) }

func (c *setColumn) reserve(n int) { c.s = slices.Grow(c.s, n) }

// addID adds id to the set of group g, if it is not there.
func (c *setColumn) addID(g int, id uint32) {
	s := &c.s[g]
	switch {
	case s.a == 0:
		s.a = id + 1
		return
	case s.a&spilled == 0:
		if s.a == id+1 || s.b == id+1 {
			return
		}
		if s.b == 0 {
			s.b = id + 1
			return
		}
		c.spills = append(c.spills, spill{small: []uint32{s.a - 1, s.b - 1, id}})
		*s = idSet{a: spilled | uint32(len(c.spills)-1)}
		return
	}
	p := &c.spills[s.a&^spilled]
	if p.big != nil {
		p.big[id] = struct{}{}
		return
	}
	if slices.Contains(p.small, id) {
		return
	}
	if len(p.small) < smallSet {
		p.small = append(p.small, id)
		return
	}
	p.big = make(map[uint32]struct{}, 2*smallSet)
	for _, x := range p.small {
		p.big[x] = struct{}{}
	}
	p.big[id] = struct{}{}
	p.small = nil
}

// has reports whether the set of group g holds id.
func (c *setColumn) has(g int, id uint32) bool {
	s := c.s[g]
	if s.a&spilled == 0 {
		return s.a == id+1 || s.b == id+1
	}
	p := &c.spills[s.a&^spilled]
	if p.big != nil {
		_, ok := p.big[id]
		return ok
	}
	return slices.Contains(p.small, id)
}

// appendIDs appends the ids of group g's set to dst, in no particular
// order.
func (c *setColumn) appendIDs(dst []uint32, g int) []uint32 {
	s := c.s[g]
	if s.a&spilled == 0 {
		if s.a != 0 {
			dst = append(dst, s.a-1)
		}
		if s.b != 0 {
			dst = append(dst, s.b-1)
		}
		return dst
	}
	p := &c.spills[s.a&^spilled]
	if p.big == nil {
		return append(dst, p.small...)
	}
	for id := range p.big {
		dst = append(dst, id)
	}
	return dst
}

// addStr adds v, which is not empty, to the set of group g, if it is
// not there. A set of one or two values compares v with them, without a
// lookup in the interner.
func (c *setColumn) addStr(g int, in *interner, v string) {
	if s := c.s[g]; s.a != 0 && s.a&spilled == 0 {
		if in.str(s.a-1) == v || s.b != 0 && in.str(s.b-1) == v {
			return
		}
	}
	c.addID(g, in.id(v))
}

func (c *setColumn) add(g int, in *interner, _ tstamp, vals []string) {
	for _, v := range vals {
		if v != "" {
			c.addStr(g, in, v)
		}
	}
}

func (c *setColumn) merge(g int, in *interner, o column, og int, oin *interner) {
	oc := o.(*setColumn)
	if oc == c && og == g {
		return // every value is already there
	}
	// Collect first: o may be c, and adding to c may move c.spills.
	for _, id := range oc.appendIDs(nil, og) {
		if in != oin {
			id = in.id(oin.str(id))
		}
		c.addID(g, id)
	}
}

func (c *setColumn) size(g int) int { return c.s[g].n(c.spills) }

// sorted returns the values of group g's set, sorted bytewise, in a new
// slice; nil when there are none.
func (c *setColumn) sorted(g int, in *interner) []string {
	if c.s[g].a == 0 {
		return nil
	}
	var buf [2]uint32
	ids := c.appendIDs(buf[:0], g)
	vs := make([]string, len(ids))
	for i, id := range ids {
		vs[i] = in.str(id)
	}
	if len(vs) > 1 {
		slices.Sort(vs)
	}
	return vs
}

func (c *setColumn) result(g int, in *interner, f Func) Value {
	if f == DistinctCount {
		return number(float64(c.size(g)))
	}
	return multi(c.sorted(g, in))
}

// encode writes the set as setState.encode does: sorted, so that the
// encoding does not depend on the order of the values.
func (c *setColumn) encode(e *encoder, g int, in *interner) {
	vs := c.sorted(g, in)
	e.uvarint(uint64(len(vs)))
	for _, v := range vs {
		e.str(v)
	}
}

func (c *setColumn) decode(d *decoder, g int) {
	n := d.count()
	for range n {
		v := d.str()
		if d.err != nil {
			return
		}
		if v == "" {
			d.fail("empty or repeated value in a set")
			return
		}
		id := d.in.id(v)
		if c.has(g, id) {
			d.fail("empty or repeated value in a set")
			return
		}
		c.addID(g, id)
	}
}
