package aggregate

import (
	"slices"
	"strings"
)

// This file holds the state of every stats function: what it keeps per
// group, how it adds an observation, merges another state of its type,
// gives its result and encodes itself. Each is a small value type; a
// table keeps them in columns, one element per group.

// countState is count: observations.
type countState struct{ n int64 }

func (s *countState) add(_ *interner, _ tstamp, _ []string) { s.n++ }
func (s *countState) merge(_ *interner, o state)            { s.n += o.(*countState).n }
func (s *countState) result(Func) Value                     { return number(float64(s.n)) }
func (s *countState) encode(e *encoder)                     { e.varint(s.n) }
func (s *countState) decode(d *decoder)                     { s.n = d.count64() }

// countFieldState is count(X): observations with a value of X.
type countFieldState struct{ n int64 }

func (s *countFieldState) add(_ *interner, _ tstamp, vals []string) {
	for _, v := range vals {
		if v != "" {
			s.n++
			return
		}
	}
}
func (s *countFieldState) merge(_ *interner, o state) { s.n += o.(*countFieldState).n }
func (s *countFieldState) result(Func) Value          { return number(float64(s.n)) }
func (s *countFieldState) encode(e *encoder)          { e.varint(s.n) }
func (s *countFieldState) decode(d *decoder)          { s.n = d.count64() }

// setState is dc(X) and values(X): the distinct values.
type setState struct{ set valueSet }

func (s *setState) add(in *interner, _ tstamp, vals []string) {
	for _, v := range vals {
		if v != "" && !s.set.has(v) {
			s.set.add(in.intern(v))
		}
	}
}

func (s *setState) merge(in *interner, o state) {
	os := o.(*setState)
	if os == s {
		return // every value is already there
	}
	os.set.each(func(v string) {
		if !s.set.has(v) {
			s.set.add(in.intern(v))
		}
	})
}

func (s *setState) result(f Func) Value {
	if f == DistinctCount {
		return number(float64(s.set.len()))
	}
	return multi(s.sorted())
}

// sorted returns the values sorted bytewise, in a new slice; nil when
// there are none.
func (s *setState) sorted() []string {
	if s.set.len() == 0 {
		return nil
	}
	vs := s.set.appendTo(make([]string, 0, s.set.len()))
	slices.Sort(vs)
	return vs
}

func (s *setState) encode(e *encoder) {
	vs := s.sorted() // sorted, so that the encoding does not depend on map order
	e.uvarint(uint64(len(vs)))
	for _, v := range vs {
		e.str(v)
	}
}

func (s *setState) decode(d *decoder) {
	n := d.count()
	for range n {
		v := d.str()
		if d.err != nil {
			return
		}
		if v == "" || s.set.has(v) {
			d.fail("empty or repeated value in a set")
			return
		}
		s.set.add(v)
	}
}

// listLimit is the most values list keeps, as Splunk's list does.
const listLimit = 100

// listState is list(X): the first listLimit values in arrival order.
type listState struct{ vals []string }

func (s *listState) add(in *interner, _ tstamp, vals []string) {
	for _, v := range vals {
		if len(s.vals) == listLimit {
			return
		}
		if v != "" {
			s.vals = append(s.vals, in.intern(v))
		}
	}
}

func (s *listState) merge(in *interner, o state) {
	ov := o.(*listState).vals
	if n := listLimit - len(s.vals); len(ov) > n {
		ov = ov[:n]
	}
	for _, v := range slices.Clone(ov) { // a copy: o may be s
		s.vals = append(s.vals, in.intern(v))
	}
}

func (s *listState) result(Func) Value { return multi(slices.Clone(s.vals)) }

func (s *listState) encode(e *encoder) {
	e.uvarint(uint64(len(s.vals)))
	for _, v := range s.vals {
		e.str(v)
	}
}

func (s *listState) decode(d *decoder) {
	n := d.count()
	if n > listLimit {
		d.fail("list longer than its limit")
		return
	}
	for range n {
		v := d.str()
		if d.err != nil {
			return
		}
		if v == "" {
			d.fail("empty value in a list")
			return
		}
		s.vals = append(s.vals, v)
	}
}

// extreme is the state of min(X) and max(X): the best value so far, and
// its number when it is one (see Min for the order).
type extreme struct {
	s   string
	f   float64
	num bool
	ok  bool
}

// cmpValues orders values as min and max do: numbers numerically, then
// every other value bytewise; numerically equal numbers bytewise.
func cmpValues(af float64, an bool, as string, bf float64, bn bool, bs string) int {
	switch {
	case an && bn:
		if af < bf {
			return -1
		}
		if af > bf {
			return 1
		}
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(as, bs)
}

// offer adds v; want is -1 for min, +1 for max.
func (x *extreme) offer(in *interner, v string, want int) {
	f, num := ParseNumber(v)
	x.offerParsed(in, v, f, num, want)
}

func (x *extreme) offerParsed(in *interner, v string, f float64, num bool, want int) {
	if x.ok && cmpValues(f, num, v, x.f, x.num, x.s) != want {
		return
	}
	*x = extreme{s: in.intern(v), f: f, num: num, ok: true}
}

func (x *extreme) addAll(in *interner, vals []string, want int) {
	for _, v := range vals {
		if v != "" {
			x.offer(in, v, want)
		}
	}
}

func (x *extreme) mergeFrom(in *interner, o *extreme, want int) {
	if o.ok && o != x {
		x.offerParsed(in, o.s, o.f, o.num, want)
	}
}

func (x *extreme) result() Value {
	if !x.ok {
		return Value{}
	}
	return Value{Kind: KindText, Str: x.s}
}

func (x *extreme) encode(e *encoder) {
	if !x.ok {
		e.byte1(0)
		return
	}
	e.byte1(1)
	e.str(x.s)
}

func (x *extreme) decode(d *decoder) {
	switch d.byte1() {
	case 0:
	case 1:
		v := d.str()
		if v == "" && d.err == nil {
			d.fail("empty min or max")
		}
		f, num := ParseNumber(v)
		*x = extreme{s: v, f: f, num: num, ok: true}
	default:
		d.fail("bad min or max flag")
	}
}

// minState is min(X).
type minState struct{ x extreme }

func (s *minState) add(in *interner, _ tstamp, vals []string) { s.x.addAll(in, vals, -1) }
func (s *minState) merge(in *interner, o state)               { s.x.mergeFrom(in, &o.(*minState).x, -1) }
func (s *minState) result(Func) Value                         { return s.x.result() }
func (s *minState) encode(e *encoder)                         { s.x.encode(e) }
func (s *minState) decode(d *decoder)                         { s.x.decode(d) }

// maxState is max(X).
type maxState struct{ x extreme }

func (s *maxState) add(in *interner, _ tstamp, vals []string) { s.x.addAll(in, vals, 1) }
func (s *maxState) merge(in *interner, o state)               { s.x.mergeFrom(in, &o.(*maxState).x, 1) }
func (s *maxState) result(Func) Value                         { return s.x.result() }
func (s *maxState) encode(e *encoder)                         { s.x.encode(e) }
func (s *maxState) decode(d *decoder)                         { s.x.decode(d) }

// timed is the state of earliest(X) and latest(X): the value at the
// extreme time so far. Candidates are ordered by (time, value bytewise).
// The time is kept as seconds and nanoseconds beside the ok flag, to
// fit in 32 bytes.
type timed struct {
	s    string
	sec  int64
	nsec int32
	ok   bool
}

func (x *timed) at() tstamp { return tstamp{sec: x.sec, nsec: x.nsec} }

// offer adds v seen at t; later is false for earliest, true for latest.
func (x *timed) offer(in *interner, t tstamp, v string, later bool) {
	if x.ok {
		cur := x.at()
		var better bool
		if later {
			better = cur.before(t) || cur == t && v > x.s
		} else {
			better = t.before(cur) || cur == t && v < x.s
		}
		if !better {
			return
		}
	}
	*x = timed{s: in.intern(v), sec: t.sec, nsec: t.nsec, ok: true}
}

func (x *timed) addAll(in *interner, t tstamp, vals []string, later bool) {
	for _, v := range vals {
		if v != "" {
			x.offer(in, t, v, later)
		}
	}
}

func (x *timed) mergeFrom(in *interner, o *timed, later bool) {
	if o.ok && o != x {
		x.offer(in, o.at(), o.s, later)
	}
}

func (x *timed) result() Value {
	if !x.ok {
		return Value{}
	}
	return Value{Kind: KindText, Str: x.s}
}

func (x *timed) encode(e *encoder) {
	if !x.ok {
		e.byte1(0)
		return
	}
	e.byte1(1)
	e.tstamp(x.at())
	e.str(x.s)
}

func (x *timed) decode(d *decoder) {
	switch d.byte1() {
	case 0:
	case 1:
		t := d.tstamp()
		v := d.str()
		if v == "" && d.err == nil {
			d.fail("empty earliest or latest")
		}
		*x = timed{s: v, sec: t.sec, nsec: t.nsec, ok: true}
	default:
		d.fail("bad earliest or latest flag")
	}
}

// earliestState is earliest(X).
type earliestState struct{ x timed }

func (s *earliestState) add(in *interner, t tstamp, vals []string) { s.x.addAll(in, t, vals, false) }
func (s *earliestState) merge(in *interner, o state)               { s.x.mergeFrom(in, &o.(*earliestState).x, false) }
func (s *earliestState) result(Func) Value                         { return s.x.result() }
func (s *earliestState) encode(e *encoder)                         { s.x.encode(e) }
func (s *earliestState) decode(d *decoder)                         { s.x.decode(d) }

// latestState is latest(X).
type latestState struct{ x timed }

func (s *latestState) add(in *interner, t tstamp, vals []string) { s.x.addAll(in, t, vals, true) }
func (s *latestState) merge(in *interner, o state)               { s.x.mergeFrom(in, &o.(*latestState).x, true) }
func (s *latestState) result(Func) Value                         { return s.x.result() }
func (s *latestState) encode(e *encoder)                         { s.x.encode(e) }
func (s *latestState) decode(d *decoder)                         { s.x.decode(d) }

// sumState is sum(X) and avg(X): how many numbers, and their exact sum.
type sumState struct {
	n  int64
	s1 xsum
}

func (s *sumState) add(_ *interner, _ tstamp, vals []string) {
	for _, v := range vals {
		if f, ok := ParseNumber(v); ok {
			s.addNumber(f)
		}
	}
}

func (s *sumState) addNumber(f float64) {
	s.n++
	s.s1.add(f)
}

func (s *sumState) merge(_ *interner, o state) { s.mergeSum(o.(*sumState)) }

func (s *sumState) mergeSum(o *sumState) {
	s.n += o.n
	s.s1.merge(&o.s1)
}

func (s *sumState) result(f Func) Value {
	if s.n == 0 {
		return Value{}
	}
	if f == Avg {
		return number(s.avg())
	}
	return number(s.s1.value())
}

// avg returns the exact sum divided by the count, correctly rounded:
// when the sum is a float64 (as sums of integers are), by one float
// division; otherwise in big arithmetic.
func (s *sumState) avg() float64 {
	if v, exact := s.s1.float(); exact && s.n <= 1<<53 {
		return v / float64(s.n)
	}
	return quoInt(s.s1.bigValue(), s.n)
}

func (s *sumState) encode(e *encoder) {
	e.varint(s.n)
	s.s1.encode(e)
}

func (s *sumState) decode(d *decoder) {
	s.n = d.count64()
	s.s1.decode(d)
	if s.n == 0 && !s.s1.isZero() {
		d.fail("sum of no numbers")
	}
}

// stdevState is stdev(X), and sum(X) and avg(X) beside it: how many
// numbers, their exact sum and the exact sum of their squares. (Welford's
// running mean and Chan's parallel merge of count, mean and M2 are the
// usual mergeable form, but their rounding depends on the order of the
// merges; exact sums do not.)
type stdevState struct {
	sumState
	s2 xsum
}

func (s *stdevState) add(_ *interner, _ tstamp, vals []string) {
	for _, v := range vals {
		if f, ok := ParseNumber(v); ok {
			s.addNumber(f)
			s.addSquare(f)
		}
	}
}

func (s *stdevState) merge(_ *interner, o state) {
	os := o.(*stdevState)
	s.mergeSum(&os.sumState)
	s.s2.merge(&os.s2)
}

func (s *stdevState) result(f Func) Value {
	if s.n == 0 {
		return Value{}
	}
	if f == Stdev {
		return number(s.stdev())
	}
	return s.sumState.result(f)
}

func (s *stdevState) encode(e *encoder) {
	s.sumState.encode(e)
	s.s2.encode(e)
}

func (s *stdevState) decode(d *decoder) {
	s.sumState.decode(d)
	s.s2.decode(d)
	if d.err != nil {
		return
	}
	if s.n == 0 && !s.s2.isZero() || s.n > 0 && s.nM2Sign() < 0 {
		d.fail("inconsistent stdev state")
	}
}

// minTimeState is min(_time); also the First of every group.
type minTimeState struct {
	sec  int64
	nsec int32
	ok   bool
}

func (s *minTimeState) observe(t tstamp) {
	if !s.ok || t.before(tstamp{s.sec, s.nsec}) {
		*s = minTimeState{sec: t.sec, nsec: t.nsec, ok: true}
	}
}
func (s *minTimeState) add(_ *interner, t tstamp, _ []string) { s.observe(t) }
func (s *minTimeState) merge(_ *interner, o state) {
	if os := o.(*minTimeState); os.ok {
		s.observe(os.at())
	}
}
func (s *minTimeState) at() tstamp        { return tstamp{s.sec, s.nsec} }
func (s *minTimeState) result(Func) Value { return timeValue(s.ok, s.at()) }
func (s *minTimeState) encode(e *encoder) { encodeTime(e, s.ok, s.at()) }
func (s *minTimeState) decode(d *decoder) {
	ok, t := decodeTime(d)
	*s = minTimeState{sec: t.sec, nsec: t.nsec, ok: ok}
}

// maxTimeState is max(_time); also the Last of every group.
type maxTimeState struct {
	sec  int64
	nsec int32
	ok   bool
}

func (s *maxTimeState) observe(t tstamp) {
	if !s.ok || (tstamp{s.sec, s.nsec}).before(t) {
		*s = maxTimeState{sec: t.sec, nsec: t.nsec, ok: true}
	}
}
func (s *maxTimeState) add(_ *interner, t tstamp, _ []string) { s.observe(t) }
func (s *maxTimeState) merge(_ *interner, o state) {
	if os := o.(*maxTimeState); os.ok {
		s.observe(os.at())
	}
}
func (s *maxTimeState) at() tstamp        { return tstamp{s.sec, s.nsec} }
func (s *maxTimeState) result(Func) Value { return timeValue(s.ok, s.at()) }
func (s *maxTimeState) encode(e *encoder) { encodeTime(e, s.ok, s.at()) }
func (s *maxTimeState) decode(d *decoder) {
	ok, t := decodeTime(d)
	*s = maxTimeState{sec: t.sec, nsec: t.nsec, ok: ok}
}

func timeValue(ok bool, t tstamp) Value {
	if !ok {
		return Value{}
	}
	return Value{Kind: KindTime, Time: t.time()}
}

func encodeTime(e *encoder, ok bool, t tstamp) {
	if !ok {
		e.byte1(0)
		return
	}
	e.byte1(1)
	e.tstamp(t)
}

func decodeTime(d *decoder) (bool, tstamp) {
	switch d.byte1() {
	case 0:
		return false, tstamp{}
	case 1:
		return true, d.tstamp()
	}
	d.fail("bad time flag")
	return false, tstamp{}
}

// number returns f as a Value; negative zero becomes zero.
func number(f float64) Value {
	if f == 0 {
		f = 0
	}
	return Value{Kind: KindNumber, Num: f}
}

func multi(vs []string) Value {
	if len(vs) == 0 {
		return Value{}
	}
	return Value{Kind: KindMulti, List: vs}
}
