package aggregate

import (
	"math"
	"math/big"
	"slices"
)

// xsum is the exact sum of a multiset of float64 terms, so that sums,
// averages and standard deviations depend only on what was added, never
// on the order of the additions or of the merges, and round once, at the
// end.
//
// While every term is below 2^960 in magnitude the sum is kept as
// Shewchuk's non-overlapping partials (the algorithm behind Python's
// math.fsum): a short list of floats, ordered by increasing magnitude,
// whose exact sum is the sum. Sums of integers that fit in a float64
// stay a single partial. The bound keeps every intermediate sum of up to
// 2^63 terms finite. A term at or above it switches the sum, for good,
// to a big.Float wide enough to hold any such sum exactly. Whether a sum
// is big therefore depends only on its terms.
type xsum struct {
	p   []float64
	big *big.Float
}

const (
	// partialLimit is the magnitude from which a term goes to the big
	// form: 2^960.
	partialLimit = 0x1p960
	// decodeLimit bounds the partials of a decoded sum, with room for
	// every later addition below partialLimit: 2^1020.
	decodeLimit = 0x1p1020
	// bigPrec is the precision of the big form, enough for the exact
	// sum of up to 2^63 float64 terms or exact squares of float64s: from
	// 2^-2148 to 2^(2048+64).
	bigPrec = 4400
)

// add adds the term x, which must be finite.
func (s *xsum) add(x float64) {
	if s.big == nil && math.Abs(x) >= partialLimit {
		s.toBig()
	}
	if s.big != nil {
		s.big.Add(s.big, new(big.Float).SetFloat64(x))
		return
	}
	s.p = growPartials(s.p, x)
}

// addBig adds an exact term too large for a float64 (a square).
func (s *xsum) addBig(x *big.Float) {
	if s.big == nil {
		s.toBig()
	}
	s.big.Add(s.big, x)
}

// growPartials adds x to the partials p, exactly (Shewchuk's
// grow-expansion, as in Python's msum recipe).
func growPartials(p []float64, x float64) []float64 {
	i := 0
	for _, y := range p {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			p[i] = lo
			i++
		}
		x = hi
	}
	return append(p[:i], x)
}

// toBig switches s to the big form.
func (s *xsum) toBig() {
	b := new(big.Float).SetPrec(bigPrec)
	for _, x := range s.p {
		b.Add(b, new(big.Float).SetFloat64(x))
	}
	s.big, s.p = b, nil
}

// merge adds every term of o. o may be s.
func (s *xsum) merge(o *xsum) {
	if o.big != nil || s.big != nil {
		ob := o.bigValue() // a copy, so that o == s is fine
		if s.big == nil {
			s.toBig()
		}
		s.big.Add(s.big, ob)
		return
	}
	if o == s {
		for _, x := range append([]float64(nil), o.p...) {
			s.p = growPartials(s.p, x)
		}
		return
	}
	for _, x := range o.p {
		s.p = growPartials(s.p, x)
	}
}

// bigValue returns the exact sum as a new big.Float.
func (s *xsum) bigValue() *big.Float {
	b := new(big.Float).SetPrec(bigPrec)
	if s.big != nil {
		return b.Set(s.big)
	}
	for _, x := range s.p {
		b.Add(b, new(big.Float).SetFloat64(x))
	}
	return b
}

// value returns the exact sum rounded to the nearest float64 (ties to
// even), ±Inf when it is beyond the float64 range. Zero is +0.
func (s *xsum) value() float64 {
	var f float64
	if s.big != nil {
		f, _ = s.big.Float64()
	} else {
		f = roundPartials(s.p)
	}
	if f == 0 {
		return 0
	}
	return f
}

// roundPartials returns the correctly rounded sum of non-overlapping
// partials in increasing magnitude (the last step of Python's fsum,
// including its correction for halfway cases split across partials).
func roundPartials(p []float64) float64 {
	n := len(p)
	if n == 0 {
		return 0
	}
	n--
	hi := p[n]
	var lo float64
	for n > 0 {
		x := hi
		n--
		y := p[n]
		hi = x + y
		yr := hi - x
		lo = y - yr
		if lo != 0 {
			break
		}
	}
	if n > 0 && ((lo < 0 && p[n-1] < 0) || (lo > 0 && p[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		yr := x - hi
		if y == yr {
			hi = x
		}
	}
	return hi
}

// quoInt returns x/n correctly rounded to a float64 (rounded twice only
// when the quotient is subnormal).
func quoInt(x *big.Float, n int64) float64 {
	q := new(big.Float).SetPrec(53).Quo(x, new(big.Float).SetInt64(n))
	f, _ := q.Float64()
	return f
}

// float returns the sum rounded to a float64 and whether that is the sum
// exactly.
func (s *xsum) float() (float64, bool) {
	if s.big != nil {
		f, acc := s.big.Float64()
		return f, acc == big.Exact
	}
	v := roundPartials(s.p)
	var buf [8]float64
	rest := growPartials(append(buf[:0], s.p...), -v)
	for _, x := range rest {
		if x != 0 {
			return v, false
		}
	}
	return v, true
}

// isZero reports whether the sum is exactly zero.
func (s *xsum) isZero() bool {
	if s.big != nil {
		return s.big.Sign() == 0
	}
	for _, x := range s.p {
		if x != 0 {
			return false
		}
	}
	return true
}

// addSquare adds x² to the sum of squares, exactly: as the sum of two
// floats, or, when x² would reach the partial limit or fall where the
// low float underflows (|x| below 2^-480), as an exact big number.
// Whether a sum of squares goes big thus depends only on its numbers.
func (s *stdevState) addSquare(x float64) {
	if ax := math.Abs(x); ax >= 0x1p480 || ax != 0 && ax < 0x1p-480 {
		b := new(big.Float).SetPrec(106).SetFloat64(x)
		s.s2.addBig(b.Mul(b, b))
		return
	}
	hi := x * x
	s.s2.add(hi)
	if lo := math.FMA(x, x, -hi); lo != 0 {
		s.s2.add(lo)
	}
}

// stdev returns the sample standard deviation, from
// n·M2 = n·Σx² − (Σx)² computed exactly and rounded once:
// sqrt(n·M2 / (n(n−1))). It is 0 for a single number.
func (s *stdevState) stdev() float64 {
	if s.n < 2 {
		return 0
	}
	nf := float64(s.n)
	d, ok := s.nM2Fast(nf)
	if !ok || !normal(d) {
		var exact *big.Float
		d, exact = s.nM2Big()
		if exact.Sign() <= 0 {
			return 0 // negative only for a decoded state no input gives
		}
		if d == 0 || !normal(d) {
			// Beyond the float64 range, or below its normal range: divide
			// and take the root in big arithmetic. Which way a state goes
			// depends only on the exact n·M2.
			nn := new(big.Float).SetPrec(exact.Prec()).SetInt64(s.n)
			nn.Mul(nn, new(big.Float).SetInt64(s.n-1))
			exact.Quo(exact, nn)
			f, _ := new(big.Float).SetPrec(53).Sqrt(exact).Float64()
			return f
		}
	}
	if d <= 0 {
		return 0
	}
	// The fast and the big paths give the same correctly rounded d, and
	// the same operations follow, so the result does not depend on which
	// path the partials allowed.
	return math.Sqrt(d / (nf * (nf - 1)))
}

// normal reports whether d is zero or a normal, finite float64: one that
// the float path of stdev can take.
func normal(d float64) bool {
	return d == 0 || math.Abs(d) >= 0x1p-1022 && !math.IsInf(d, 0)
}

// nM2Fast computes n·Σx² − (Σx)² exactly from float partials: every
// product as the exact sum of two floats, all of them summed exactly,
// then rounded once. ok is false when that cannot be exact (a big sum, a
// product out of range, a count beyond 2^53); nM2Big then gives the same
// number.
func (s *stdevState) nM2Fast(nf float64) (float64, bool) {
	if s.s1.big != nil || s.s2.big != nil || s.n > 1<<53 {
		return 0, false
	}
	var buf [16]float64
	p := buf[:0]
	ok := true
	addProd := func(a, b float64, neg bool) {
		if a == 0 || b == 0 {
			return
		}
		hi := a * b
		if math.Abs(hi) >= partialLimit || math.Abs(hi) < 0x1p-960 {
			ok = false
			return
		}
		lo := math.FMA(a, b, -hi)
		if neg {
			hi, lo = -hi, -lo
		}
		p = growPartials(p, hi)
		if lo != 0 {
			p = growPartials(p, lo)
		}
	}
	for _, x := range s.s2.p {
		addProd(nf, x, false)
	}
	for _, a := range s.s1.p {
		for _, b := range s.s1.p {
			addProd(a, b, true)
		}
	}
	if !ok {
		return 0, false
	}
	return roundPartials(p), true
}

// nM2Sign returns the sign of n·Σx² − (Σx)², which is never negative for
// numbers actually added.
func (s *stdevState) nM2Sign() int {
	if d, ok := s.nM2Fast(float64(s.n)); ok {
		switch {
		case d < 0:
			return -1
		case d > 0:
			return 1
		}
		return 0
	}
	_, exact := s.nM2Big()
	return exact.Sign()
}

// nM2Big is nM2Fast in big arithmetic, wide enough to be exact. It
// returns the rounded value and the exact one.
func (s *stdevState) nM2Big() (float64, *big.Float) {
	const prec = 2*bigPrec + 64
	s1 := s.s1.bigValue().SetPrec(prec)
	s2 := s.s2.bigValue().SetPrec(prec)
	sq := new(big.Float).SetPrec(prec).Mul(s1, s1)
	n := new(big.Float).SetPrec(prec).SetInt64(s.n)
	d := new(big.Float).SetPrec(prec).Mul(n, s2)
	d.Sub(d, sq)
	f, _ := d.Float64()
	return f, d
}

// encode writes the sum: its form, then, for partials, the canonical
// expansion of the exact sum (see canonical), or the exact big value as
// sign, exponent and mantissa. Either depends only on the value, so a
// sum encodes to the same bytes whatever the order of its additions.
func (s *xsum) encode(e *encoder) {
	if s.big == nil {
		c := s.canonical()
		e.byte1(0)
		e.uvarint(uint64(len(c)))
		for _, x := range c {
			e.float(x)
		}
		return
	}
	e.byte1(1)
	m := new(big.Float)
	exp := s.big.MantExp(m) // s.big = m × 2^exp, 0.5 <= |m| < 1
	mant, _ := m.SetMantExp(m, bigPrec).Int(nil)
	e.byte1(byte(mant.Sign() + 1))
	e.varint(int64(exp))
	mb := mant.Bytes()
	e.uvarint(uint64(len(mb)))
	e.b = append(e.b, mb...)
}

// canonical returns the exact sum as floats in decreasing magnitude, each
// the correctly rounded value of what the ones before it leave: a
// representation that depends on the value alone.
func (s *xsum) canonical() []float64 {
	p := slices.Clone(s.p)
	var out []float64
	for {
		r := roundPartials(p)
		if r == 0 || math.IsInf(r, 0) || math.IsNaN(r) {
			return out
		}
		out = append(out, r)
		p = growPartials(p, -r)
	}
}

// decode reads what encode wrote. Partials are added again, so that any
// list of finite floats gives a well-formed sum.
func (s *xsum) decode(d *decoder) {
	*s = xsum{}
	switch d.byte1() {
	case 0:
		n := d.count()
		for range n {
			x := d.float()
			if d.err != nil {
				return
			}
			if math.IsInf(x, 0) || math.IsNaN(x) {
				d.fail("non-finite partial sum")
				return
			}
			s.p = growPartials(s.p, x)
		}
		// A sum in partials stays below 2^1023 (see xsum); one near the
		// top of the float64 range would let later additions overflow.
		for _, x := range s.p {
			if !(math.Abs(x) < decodeLimit) {
				d.fail("partial sum out of range")
				return
			}
		}
	case 1:
		sign := int(d.byte1()) - 1
		exp := d.varint()
		mb := d.bytes(int(d.count()))
		if d.err != nil {
			return
		}
		if sign < -1 || sign > 1 || exp < -1<<20 || exp > 1<<20 || len(mb) > bigPrec/8+1 {
			d.fail("bad exact sum")
			return
		}
		mant := new(big.Int).SetBytes(mb)
		if mant.BitLen() > bigPrec || (sign == 0) != (mant.Sign() == 0) {
			d.fail("bad exact sum")
			return
		}
		if sign < 0 {
			mant.Neg(mant)
		}
		b := new(big.Float).SetPrec(bigPrec).SetInt(mant)
		s.big = b.SetMantExp(b, int(exp)-bigPrec)
	default:
		d.fail("bad sum form")
	}
}
