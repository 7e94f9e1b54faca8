package aggregate

import (
	"fmt"
	"time"
)

// Accumulator is the mergeable state of one stats function over one
// group's observations, in the shape of Apache Beam's CombineFn: create
// it with [NewAccumulator], Add observations, Merge other accumulators
// of the same function (partial results from other workers, partitions
// or checkpoints), and take the Result. Every function's state is plain
// data that marshals to a compact binary form and back.
//
// Merging is exact. For every function but [List], any split of the
// observations into parts, accumulated separately and merged in any
// order, gives the same Result as one accumulator fed everything, to
// the bit: sums are kept exactly (see [Sum]) and every tie is broken by
// value, never by arrival. List keeps the order of arrival, so it gives
// the whole's list when the parts are contiguous runs of the input
// merged in input order.
//
// A [Table] keeps the same states per group, in columns rather than
// behind this interface; an Accumulator is for using one function on
// its own. An Accumulator is not safe for concurrent use.
type Accumulator interface {
	// Func returns the function the accumulator computes.
	Func() Func
	// Add adds one observation: its time and the values the
	// function's field has in it (none, one, or several for a
	// multivalue field; a function that reads no field ignores them).
	// Empty strings are nulls and are ignored. The accumulator keeps
	// copies of the strings it needs, never the caller's slice.
	Add(at time.Time, vals ...string)
	// Merge adds everything o has accumulated. o must have been made
	// for the same Func, or Merge returns an error wrapping
	// [ErrFuncMismatch] and changes nothing. o is not modified, and
	// the receiver shares no mutable state with it afterwards; merging
	// an accumulator into itself counts everything twice.
	Merge(o Accumulator) error
	// Result returns the function's value over everything added and
	// merged.
	Result() Value
	// AppendBinary appends the accumulator's function and state to b,
	// in the versioned form UnmarshalBinary reads (see the package
	// documentation, "Serialisation").
	AppendBinary(b []byte) ([]byte, error)
	// MarshalBinary is AppendBinary(nil).
	MarshalBinary() ([]byte, error)
	// UnmarshalBinary replaces the state with the one encoded in data,
	// which must be of the accumulator's Func; data that is truncated,
	// corrupt or of another function is an error wrapping [ErrCorrupt]
	// or [ErrFuncMismatch], never a panic, and leaves the accumulator
	// as it was. Use [UnmarshalAccumulator] when the function is not
	// known in advance.
	UnmarshalBinary(data []byte) error
}

// NewAccumulator returns an empty accumulator of f. An unknown Func is
// an error wrapping [ErrUnknownFunc].
func NewAccumulator(f Func) (Accumulator, error) {
	if !f.valid() {
		return nil, fmt.Errorf("aggregate: NewAccumulator(%v): %w", f, ErrUnknownFunc)
	}
	return &accumulator{f: f, s: f.info().newState()}, nil
}

// UnmarshalAccumulator decodes an accumulator of any function from the
// output of [Accumulator.MarshalBinary].
func UnmarshalAccumulator(data []byte) (Accumulator, error) {
	body, err := openBlob(data, magicAccumulator)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 || !Func(body[0]).valid() {
		return nil, fmt.Errorf("aggregate: UnmarshalAccumulator: unknown function: %w", ErrCorrupt)
	}
	a := &accumulator{f: Func(body[0]), s: Func(body[0]).info().newState()}
	if err := a.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return a, nil
}

// accumulator is the Accumulator of every function: the function and
// its state.
type accumulator struct {
	f Func
	s state
}

func (a *accumulator) Func() Func { return a.f }

func (a *accumulator) Add(at time.Time, vals ...string) {
	a.s.add(nil, stamp(at), vals)
}

func (a *accumulator) Merge(o Accumulator) error {
	b, ok := o.(*accumulator)
	if !ok || b == nil || b.f != a.f {
		other := "nil"
		if ok && b != nil {
			other = b.f.String()
		} else if o != nil {
			other = fmt.Sprintf("a %T", o)
		}
		return fmt.Errorf("aggregate: Merge: %v accumulator, other is %s: %w", a.f, other, ErrFuncMismatch)
	}
	a.s.merge(nil, b.s)
	return nil
}

func (a *accumulator) Result() Value { return a.s.result(a.f) }

func (a *accumulator) AppendBinary(b []byte) ([]byte, error) {
	e := newEncoder(b, magicAccumulator)
	e.byte1(byte(a.f))
	a.s.encode(e)
	return e.finish(), nil
}

func (a *accumulator) MarshalBinary() ([]byte, error) { return a.AppendBinary(nil) }

func (a *accumulator) UnmarshalBinary(data []byte) error {
	body, err := openBlob(data, magicAccumulator)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return fmt.Errorf("aggregate: UnmarshalBinary: no function: %w", ErrCorrupt)
	}
	if f := Func(body[0]); f != a.f {
		return fmt.Errorf("aggregate: UnmarshalBinary: %v accumulator, data holds %v: %w", a.f, f, ErrFuncMismatch)
	}
	d := newDecoder(body, 1, nil)
	s := a.f.info().newState()
	s.decode(d)
	if err := d.end(); err != nil {
		return err
	}
	a.s = s
	return nil
}

// state is the mergeable state behind one or more stats functions, for
// one group. add, merge and decode take an interner, which is nil for a
// standalone Accumulator.
type state interface {
	// add adds one observation: its time and its values of the field.
	add(in *interner, at tstamp, vals []string)
	// merge adds o, a state of the same type, which may be the receiver.
	merge(in *interner, o state)
	// result returns the value of f, one of the functions the state
	// serves.
	result(f Func) Value
	encode(e *encoder)
	decode(d *decoder)
}

// column holds one state per group of a table, by group index, in one
// slice: no allocation and no pointer per group.
type column interface {
	grow()
	reserve(n int)
	add(g int, in *interner, at tstamp, vals []string)
	// merge merges group og of o, a column of the same type in the table
	// whose interner is oin, into group g.
	merge(g int, in *interner, o column, og int, oin *interner)
	result(g int, in *interner, f Func) Value
	// size returns the number of distinct values of a set column.
	size(g int) int
	encode(e *encoder, g int, in *interner)
	decode(d *decoder, g int)
}

type col[S any, P interface {
	*S
	state
}] struct {
	s []S
}

// colOf returns an empty column of states S.
func colOf[S any, P interface {
	*S
	state
}]() column {
	return new(col[S, P])
}

// stateOf returns an empty state S.
func stateOf[S any, P interface {
	*S
	state
}]() state {
	return P(new(S))
}

func (c *col[S, P]) grow() {
	var z S
	c.s = append(c.s, z)
}

func (c *col[S, P]) reserve(n int) {
	if n > cap(c.s)-len(c.s) {
		s := make([]S, len(c.s), len(c.s)+n)
		copy(s, c.s)
		c.s = s
	}
}

func (c *col[S, P]) add(g int, in *interner, at tstamp, vals []string) {
	P(&c.s[g]).add(in, at, vals)
}

func (c *col[S, P]) merge(g int, in *interner, o column, og int, _ *interner) {
	P(&c.s[g]).merge(in, P(&o.(*col[S, P]).s[og]))
}

func (c *col[S, P]) result(g int, _ *interner, f Func) Value { return P(&c.s[g]).result(f) }

func (c *col[S, P]) size(g int) int { return 0 }

func (c *col[S, P]) encode(e *encoder, g int, _ *interner) { P(&c.s[g]).encode(e) }
func (c *col[S, P]) decode(d *decoder, g int)              { P(&c.s[g]).decode(d) }

// tstamp is an instant as Unix seconds and nanoseconds: 12 bytes
// rather than time.Time's 24, and no location.
type tstamp struct {
	sec  int64
	nsec int32
}

func stamp(t time.Time) tstamp { return tstamp{sec: t.Unix(), nsec: int32(t.Nanosecond())} }

// time returns the instant in UTC.
func (t tstamp) time() time.Time { return time.Unix(t.sec, int64(t.nsec)).UTC() }

func (t tstamp) before(u tstamp) bool { return t.sec < u.sec || t.sec == u.sec && t.nsec < u.nsec }
