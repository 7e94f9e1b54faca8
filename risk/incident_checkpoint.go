package risk

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"time"
)

// Errors of incident engine checkpoints; test with errors.Is. A stream
// run that meets one should stop rather than start afresh: the risk the
// checkpoint held, and the throttles it recorded, would silently be lost.
var (
	// ErrCorruptCheckpoint means data given to [RestoreIncidentEngine] or
	// [IncidentEngine.UnmarshalBinary] is not a checkpoint that
	// [IncidentEngine.AppendBinary] wrote: it is truncated or damaged (a
	// CRC-32C checksum covers it), of another kind, or describes a state
	// that no engine can be in.
	ErrCorruptCheckpoint = errors.New("corrupt or truncated incident engine checkpoint")
	// ErrCheckpointVersion means a checkpoint is of a format version this
	// package does not read, as when it comes from a newer escudo.
	ErrCheckpointVersion = errors.New("unsupported incident engine checkpoint version")
	// ErrCheckpointMismatch means a checkpoint was written by an engine
	// whose rules (names, order, windows, throttles) or options (lateness)
	// differ from those of the engine restoring it. Restoring it anyway
	// would give windows and throttles that mean something else.
	ErrCheckpointMismatch = errors.New("incident engine checkpoint does not match the engine")
)

// The checkpoint form of an IncidentEngine, version 1. It follows the
// binary forms of package aggregate (a magic, a version byte, the body and
// a CRC-32C trailer), so that escudo's checkpoints look alike:
//
//	magic     4 bytes: "EsRI"
//	version   1 byte: checkpointVersion
//	lateness  duration
//	rules     uvarint count (at least 1), then per rule: its name (plain
//	          string), window and throttle in effect (durations; a zero
//	          Throttle is recorded as the window) and disabled (bool: it
//	          panicked)
//	started   bool: an event has been accepted; when false the body ends
//	latest    time relative to 0: the latest event time accepted
//	floor     time: the watermark
//	dropped   uvarint
//	objects   uvarint count, then per object, in the order of the expiry
//	          heap:
//	            its expiry point's time
//	            risk_object (plain string), risk_object_type (string)
//	            seen (bool), then, when seen, last (time): the latest time
//	            at which the rules were evaluated for it
//	            per rule: fired (bool), then, when fired, lastFired (time)
//	            uvarint count of events (at least 1), then per event, in
//	            order: _time (relative to the previous event's, the first's
//	            to latest), search_name and risk_message (strings),
//	            risk_score (varint), a uvarint count of MITRE ATT&CK IDs
//	            and, when there are any, the number of tactics among them
//	            (uvarint) and the IDs (strings), tactics first
//	pending   uvarint count, then per point, in the order of the pending
//	          heap: its object (uvarint position in objects) and time
//	crc       4 bytes, little endian: CRC-32C (Castagnoli) of all the above
//
// A bool is a byte, 0 or 1. Varints are in their shortest form, zigzag
// when signed. A duration is a varint of nanoseconds. A time is a varint
// of Unix seconds relative to a reference time's (latest's unless said
// otherwise), in wrapping arithmetic, then a uvarint of nanoseconds
// within the second. A plain string is a uvarint length and the bytes;
// any other string is a uvarint: 0 followed by a plain string the first
// time it appears, i+1 when it is the same as the i-th such string.
//
// What follows from the rest is not recorded but rebuilt: which events
// have been evaluated (those at or before last), each rule's window over
// them (the evaluated events within its Window of last, and their score,
// count and distinct values), each object's expiry, and the size of the
// engine's tables. The heaps are recorded in their layout, so that ties
// between points of equal time break as they would have without the
// checkpoint.
const (
	checkpointMagic   = "EsRI"
	checkpointVersion = 1
	// checkpointFrame is the size of the magic, the version and the
	// checksum.
	checkpointFrame = len(checkpointMagic) + 1 + 4
)

var (
	_ encoding.BinaryAppender    = (*IncidentEngine)(nil)
	_ encoding.BinaryMarshaler   = (*IncidentEngine)(nil)
	_ encoding.BinaryUnmarshaler = (*IncidentEngine)(nil)
)

// checksum returns the CRC-32C of b. (crc32.MakeTable returns the same
// table for Castagnoli at every call.)
func checksum(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
}

// AppendBinary appends a checkpoint of the engine to b and returns the
// extended slice: everything needed to continue the stream in another
// process, as if it had never stopped. [RestoreIncidentEngine] and
// [IncidentEngine.UnmarshalBinary] read it back. It records the engine's
// lateness and the name, window and throttle of each rule, so that a
// restore into an engine built otherwise fails, and all of its state:
// every object's events and throttles, the watermark, the latest event
// time, the dropped count, the events awaiting evaluation and the rules
// disabled by a panic. Nothing of a rule's Fires and Severity functions
// can be recorded; see [RestoreIncidentEngine].
//
// The bytes are a function of the state: an engine restored from them
// writes them again, and two engines fed the same events write the same
// bytes. Times are recorded as instants, to the nanosecond: a restored
// engine holds them in UTC, without the location or monotonic clock
// reading an event's time may have carried, so its incidents' times are
// equal (time.Time.Equal) to those the engine would have returned, and
// their JSON is the same.
//
// The form, like package aggregate's, is a 4-byte magic ("EsRI"), a
// format version byte (1), the body and a CRC-32C (Castagnoli) of all
// that, little endian; the body holds varints, and strings that repeat,
// such as detection names, messages and MITRE ATT&CK IDs, once. A
// checkpoint costs about the length of each object's name and of its
// events' distinct messages, plus some 20 bytes per event and 20 per
// object.
//
// It does not change the engine. It fails only on an engine not made by
// [NewIncidentEngine], with an error wrapping [ErrInvalidRule], or if the
// engine's state is inconsistent, which would be a bug in this package.
func (e *IncidentEngine) AppendBinary(b []byte) ([]byte, error) {
	if len(e.rules) == 0 {
		return b, fmt.Errorf("risk: checkpoint incident engine: %w: the engine has no rules; make it with NewIncidentEngine", ErrInvalidRule)
	}
	start := len(b)
	w := ckptWriter{b: append(b, checkpointMagic...)}
	w.byte1(checkpointVersion)
	w.duration(e.lateness)
	w.uvarint(uint64(len(e.rules)))
	for i := range e.rules {
		r := &e.rules[i]
		w.plain(r.name)
		w.duration(r.window)
		w.duration(r.throttle)
		w.bool(r.disabled)
	}
	w.bool(e.started)
	if e.started {
		ref := e.latest.Unix()
		w.time(e.latest, 0)
		w.time(e.floor, ref)
		w.uvarint(uint64(e.dropped))
		// The expiry heap holds exactly one point per object, so its
		// order is an order of the objects.
		if len(e.expiries) != len(e.objects) {
			return b[:start], fmt.Errorf("risk: checkpoint incident engine: internal error: %d expiry points for %d objects", len(e.expiries), len(e.objects))
		}
		index := make(map[*object]uint64, len(e.expiries))
		w.uvarint(uint64(len(e.expiries)))
		for i, p := range e.expiries {
			o := p.o
			if _, dup := index[o]; dup || e.objects[o.key] != o {
				return b[:start], fmt.Errorf("risk: checkpoint incident engine: internal error: expiry point %d is not of a held object, or of one already seen", i)
			}
			index[o] = uint64(i)
			w.time(p.t, ref)
			w.plain(o.key.object)
			w.str(string(o.key.typ))
			w.bool(o.seen)
			if o.seen {
				w.time(o.last, ref)
			}
			for j := range o.wins {
				win := &o.wins[j]
				w.bool(win.fired)
				if win.fired {
					w.time(win.lastFired, ref)
				}
			}
			w.uvarint(uint64(len(o.events)))
			prev := ref
			for k := range o.events {
				c := &o.events[k]
				w.time(c.t, prev)
				prev = c.t.Unix()
				w.str(c.source)
				w.str(c.message)
				w.varint(int64(c.score))
				w.uvarint(uint64(len(c.ids)))
				if len(c.ids) > 0 {
					w.uvarint(uint64(c.nTactics))
					for _, id := range c.ids {
						w.str(id)
					}
				}
			}
		}
		w.uvarint(uint64(len(e.pending)))
		for i, p := range e.pending {
			at, ok := index[p.o]
			if !ok {
				return b[:start], fmt.Errorf("risk: checkpoint incident engine: internal error: pending point %d is not of a held object", i)
			}
			w.uvarint(at)
			w.time(p.t, ref)
		}
	}
	return binary.LittleEndian.AppendUint32(w.b, checksum(w.b[start:])), nil
}

// MarshalBinary returns a checkpoint of the engine: AppendBinary(nil).
func (e *IncidentEngine) MarshalBinary() ([]byte, error) { return e.AppendBinary(nil) }

// RestoreIncidentEngine returns an engine in the state recorded by data,
// a checkpoint written by [IncidentEngine.AppendBinary], ready to take
// the rest of the stream. It is [NewIncidentEngine] with opts and rules,
// then [IncidentEngine.UnmarshalBinary] of data.
//
// The rules cannot be recorded, as they hold functions, so they must be
// given again: the same rules, in the same order, with the same options,
// as the engine that wrote the checkpoint. The checkpoint records each
// rule's name, window and throttle, and the lateness; any difference is
// an error wrapping [ErrCheckpointMismatch] that names it, rather than a
// restore whose windows and throttles would silently mean something else.
// A rule's Fires and Severity functions cannot be compared: giving a rule
// of the same name a different threshold goes unnoticed, so a rule whose
// parameters may change between runs should carry them in its name.
//
// Invalid opts or rules give the error of NewIncidentEngine; data that
// is truncated, damaged or not a checkpoint, one wrapping
// [ErrCorruptCheckpoint]; a checkpoint of another format version, one
// wrapping [ErrCheckpointVersion]. It never panics, and it returns no
// engine with an error: a run must not silently start afresh.
func RestoreIncidentEngine(data []byte, opts IncidentOptions, rules ...IncidentRule) (*IncidentEngine, error) {
	e, err := NewIncidentEngine(opts, rules...)
	if err != nil {
		return nil, err
	}
	if err := e.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return e, nil
}

// UnmarshalBinary replaces the engine's state with the one recorded by
// data, a checkpoint written by [IncidentEngine.AppendBinary]; the engine
// keeps its rules and options, which must be those of the engine that
// wrote it (see [RestoreIncidentEngine], which also lists the errors). A
// rule that a panic had disabled stays disabled, as it would have in the
// run that never stopped, and one that the engine's own run disabled is
// enabled again unless the checkpoint's is disabled. On error the engine
// is left as it was. Use it on an engine made by [NewIncidentEngine], as
// through encoding.BinaryUnmarshaler.
func (e *IncidentEngine) UnmarshalBinary(data []byte) error {
	if len(e.rules) == 0 {
		return fmt.Errorf("risk: restore incident engine: %w: the engine has no rules; make it with NewIncidentEngine", ErrInvalidRule)
	}
	if len(data) < checkpointFrame {
		return fmt.Errorf("risk: restore incident engine: %d bytes, shorter than any checkpoint: %w", len(data), ErrCorruptCheckpoint)
	}
	if m := data[:len(checkpointMagic)]; string(m) != checkpointMagic {
		return fmt.Errorf("risk: restore incident engine: not an incident engine checkpoint (it starts %q, not %q): %w", m, checkpointMagic, ErrCorruptCheckpoint)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if checksum(body) != sum {
		return fmt.Errorf("risk: restore incident engine: checksum mismatch (truncated or corrupt): %w", ErrCorruptCheckpoint)
	}
	if v := data[len(checkpointMagic)]; v != checkpointVersion {
		return fmt.Errorf("risk: restore incident engine: checkpoint format version %d, this package reads %d: %w", v, checkpointVersion, ErrCheckpointVersion)
	}
	const skip = len(checkpointMagic) + 1
	r := &ckptReader{b: body[skip:], off: skip}
	h := r.header()
	if r.err != nil {
		return r.err
	}
	if err := e.mismatch(&h); err != nil {
		return err
	}
	st := r.state(e, &h)
	if err := r.end(); err != nil {
		return err
	}
	if st.objects == nil {
		st.objects = make(map[objectKey]*object)
	}
	e.objects, e.objectsPeak = st.objects, len(st.objects)
	e.pending, e.expiries = st.pending, st.expiries
	e.started, e.latest, e.floor, e.dropped = st.started, st.latest, st.floor, st.dropped
	e.errs = nil
	for i := range e.rules {
		e.rules[i].disabled = h.rules[i].disabled
	}
	return nil
}

// ckptRule is what a checkpoint records of a rule.
type ckptRule struct {
	name             string
	window, throttle time.Duration
	disabled         bool
}

// ckptHeader is what a checkpoint records of an engine's configuration.
type ckptHeader struct {
	lateness time.Duration
	rules    []ckptRule
}

// mismatch reports, joined, every difference between the configuration
// recorded in a checkpoint and the engine's.
func (e *IncidentEngine) mismatch(h *ckptHeader) error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("risk: restore incident engine: %w: "+format, append([]any{ErrCheckpointMismatch}, args...)...))
	}
	if h.lateness != e.lateness {
		bad("lateness %v in the checkpoint, %v in the engine's options", h.lateness, e.lateness)
	}
	mine := make([]string, len(e.rules))
	for i := range e.rules {
		mine[i] = e.rules[i].name
	}
	theirs := make([]string, len(h.rules))
	for i := range h.rules {
		theirs[i] = h.rules[i].name
	}
	switch {
	case len(theirs) != len(mine):
		bad("%d rules in the checkpoint (%s), %d in the engine (%s)", len(theirs), quoteList(theirs), len(mine), quoteList(mine))
	case !slices.Equal(theirs, mine) && slices.Equal(slices.Sorted(slices.Values(theirs)), slices.Sorted(slices.Values(mine))):
		bad("rules in the order %s in the checkpoint, %s in the engine; give them in the checkpoint's order", quoteList(theirs), quoteList(mine))
	default:
		for i := range h.rules {
			c, r := &h.rules[i], &e.rules[i]
			if c.name != r.name {
				bad("rule %d: name %q in the checkpoint, %q in the engine", i, c.name, r.name)
				continue
			}
			if c.window != r.window {
				bad("rule %d (%q): window %v in the checkpoint, %v in the engine", i, c.name, c.window, r.window)
			}
			if c.throttle != r.throttle {
				bad("rule %d (%q): throttle %v in the checkpoint, %v in the engine", i, c.name, c.throttle, r.throttle)
			}
		}
	}
	return errors.Join(errs...)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// ckptState is the state of an engine read from a checkpoint.
type ckptState struct {
	started           bool
	latest, floor     time.Time
	dropped           int
	objects           map[objectKey]*object
	pending, expiries pointHeap
}

// header reads the engine's configuration.
func (r *ckptReader) header() ckptHeader {
	var h ckptHeader
	if h.lateness = r.duration(); h.lateness < 0 {
		r.fail("negative lateness %v", h.lateness)
	}
	n := r.count()
	if n == 0 {
		r.fail("no rules")
	}
	seen := make(map[string]bool, n)
	for i := range n {
		c := ckptRule{name: r.plain(), window: r.duration(), throttle: r.duration(), disabled: r.bool()}
		switch {
		case r.err != nil:
			return h
		case strings.TrimSpace(c.name) == "" || seen[c.name]:
			r.fail("rule %d: blank or repeated name %q", i, c.name)
		case c.window <= 0 || c.throttle <= 0:
			r.fail("rule %d (%q): window %v or throttle %v not positive", i, c.name, c.window, c.throttle)
		}
		seen[c.name] = true
		h.rules = append(h.rules, c)
	}
	return h
}

// state reads the state of e, whose configuration matches h, checking
// that it is one an engine can be in between calls: one that Add and
// Flush can continue from.
func (r *ckptReader) state(e *IncidentEngine, h *ckptHeader) ckptState {
	var st ckptState
	if st.started = r.bool(); !st.started {
		for i := range h.rules {
			if h.rules[i].disabled {
				r.fail("rule %d (%q) disabled before any event", i, h.rules[i].name)
			}
		}
		return st
	}
	st.latest = r.time(0)
	ref := st.latest.Unix()
	st.floor = r.time(ref)
	dropped := r.uvarint()
	if r.err != nil {
		return st
	}
	switch {
	case st.latest.IsZero():
		r.fail("latest event time is zero")
	case st.floor.Before(st.latest.Add(-h.lateness)) || st.floor.After(st.latest.Add(time.Nanosecond)):
		r.fail("watermark %s is not within the lateness of the latest event time %s", formatTime(st.floor), formatTime(st.latest))
	case dropped > math.MaxInt:
		r.fail("dropped count %d out of range", dropped)
	}
	st.dropped = int(dropped)

	n := r.count()
	objs := make([]*object, 0, n)
	st.objects = make(map[objectKey]*object, n)
	st.expiries = make(pointHeap, 0, n)
	for i := range n {
		o := r.object(e, i, &st)
		if r.err != nil {
			return st
		}
		objs = append(objs, o)
	}

	n = r.count()
	st.pending = make(pointHeap, 0, n)
	type pendingRef struct {
		obj int
		t   time.Time
	}
	refs := make([]pendingRef, 0, n)
	for i := range n {
		at := r.uvarint()
		t := r.time(ref)
		switch {
		case r.err != nil:
			return st
		case at >= uint64(len(objs)):
			r.fail("pending point %d: object %d of %d", i, at, len(objs))
		case t.Before(st.floor):
			r.fail("pending point %d at %s, before the watermark", i, formatTime(t))
		case i > 0 && t.Before(st.pending[(i-1)/2].t):
			r.fail("pending point %d out of heap order", i)
		}
		if r.err != nil {
			return st
		}
		st.pending = append(st.pending, point{t: t, o: objs[at]})
		refs = append(refs, pendingRef{int(at), t})
	}
	// The points of an object are the times of its events not yet
	// evaluated, one each.
	slices.SortFunc(refs, func(a, b pendingRef) int {
		if a.obj != b.obj {
			return a.obj - b.obj
		}
		return a.t.Compare(b.t)
	})
	for i, o := range objs {
		tail := o.events[o.evaluated:]
		j, _ := slices.BinarySearchFunc(refs, i, func(p pendingRef, obj int) int { return p.obj - obj })
		mine := refs[j:]
		if k := slices.IndexFunc(mine, func(p pendingRef) bool { return p.obj != i }); k >= 0 {
			mine = mine[:k]
		}
		ok := len(mine) == len(tail)
		for k := 0; ok && k < len(tail); k++ {
			ok = mine[k].t.Equal(tail[k].t)
		}
		if !ok {
			r.fail("object %d (%q): %d pending points for %d events not yet evaluated, or at other times", i, o.key.object, len(mine), len(tail))
			return st
		}
	}
	return st
}

// object reads the i-th object and its expiry point into st.
func (r *ckptReader) object(e *IncidentEngine, i int, st *ckptState) *object {
	ref := st.latest.Unix()
	pt := r.time(ref)
	o := &object{key: objectKey{object: r.plain(), typ: ObjectType(r.str())}}
	if o.seen = r.bool(); o.seen {
		o.last = r.time(ref)
	}
	o.wins = make([]window, len(e.rules))
	for j := range o.wins {
		w := &o.wins[j]
		if w.fired = r.bool(); w.fired {
			w.lastFired = r.time(ref)
		}
	}
	n := r.count()
	if r.err != nil {
		return nil
	}
	where := fmt.Sprintf("object %d (%q)", i, o.key.object)
	switch _, dup := st.objects[o.key]; {
	case strings.TrimSpace(o.key.object) == "":
		r.fail("%s: blank risk_object", where)
	case dup:
		r.fail("%s: repeated", where)
	case n == 0:
		r.fail("%s: no events", where)
	}
	if r.err != nil {
		return nil
	}
	o.events = make([]contribution, 0, n)
	prev := ref
	for k := range n {
		c := contribution{t: r.time(prev), source: r.str(), message: r.str(), score: r.int()}
		prev = c.t.Unix()
		if ids := r.count(); ids > 0 {
			c.nTactics = r.count()
			if c.nTactics > ids {
				r.fail("%s: event %d: %d tactics among %d IDs", where, k, c.nTactics, ids)
			}
			c.ids = make([]string, ids)
			for x := range c.ids {
				c.ids[x] = r.str()
			}
		}
		if r.err != nil {
			return nil
		}
		switch {
		case c.t.IsZero() || c.t.After(st.latest):
			r.fail("%s: event %d at %s, after the latest event time", where, k, formatTime(c.t))
		case strings.TrimSpace(c.source) == "":
			r.fail("%s: event %d: blank search_name", where, k)
		case k > 0 && compareContributions(&o.events[k-1], &c) > 0:
			r.fail("%s: event %d out of order", where, k)
		}
		if r.err != nil {
			return nil
		}
		o.events = append(o.events, c)
	}

	// The events at or before last have been evaluated; each rule's
	// window holds those of them within its window of last.
	if o.seen {
		o.evaluated, _ = slices.BinarySearchFunc(o.events, o.last, func(c contribution, t time.Time) int {
			if c.t.After(t) {
				return 1
			}
			return -1
		})
		switch {
		case o.evaluated == 0 || !o.events[o.evaluated-1].t.Equal(o.last):
			r.fail("%s: evaluated at %s, the time of none of its events", where, formatTime(o.last))
		case !o.last.Before(st.floor):
			r.fail("%s: evaluated at %s, not before the watermark", where, formatTime(o.last))
		}
	}
	first := o.evaluated
	for j := range o.wins {
		w := &o.wins[j]
		if w.fired && (!o.seen || w.lastFired.After(o.last)) {
			r.fail("%s: rule %d fired at %s, after its last evaluation", where, j, formatTime(w.lastFired))
			return nil
		}
		cut := o.last.Add(-e.rules[j].window)
		for w.start < o.evaluated && !o.events[w.start].t.After(cut) {
			w.start++
		}
		first = min(first, w.start)
		for k := w.start; k < o.evaluated; k++ {
			w.add(&o.events[k])
		}
	}
	if first > 0 {
		r.fail("%s: holds events outside every window", where)
	}
	e.expire(o)
	switch x := len(st.expiries); {
	case pt.After(o.expiry) || !pt.After(st.floor):
		r.fail("%s: expiry point at %s, after its expiry %s or not after the watermark", where, formatTime(pt), formatTime(o.expiry))
	case x > 0 && pt.Before(st.expiries[(x-1)/2].t):
		r.fail("%s: expiry point out of heap order", where)
	}
	if r.err != nil {
		return nil
	}
	st.objects[o.key] = o
	st.expiries = append(st.expiries, point{t: pt, o: o})
	return o
}

// compareContributions orders events as an object holds them: by time,
// then message.
func compareContributions(a, b *contribution) int {
	if n := a.t.Compare(b.t); n != 0 {
		return n
	}
	return strings.Compare(a.message, b.message)
}

// ckptWriter appends the body of a checkpoint.
type ckptWriter struct {
	b    []byte
	dict map[string]uint64
}

func (w *ckptWriter) byte1(c byte)             { w.b = append(w.b, c) }
func (w *ckptWriter) uvarint(x uint64)         { w.b = binary.AppendUvarint(w.b, x) }
func (w *ckptWriter) varint(x int64)           { w.b = binary.AppendVarint(w.b, x) }
func (w *ckptWriter) duration(d time.Duration) { w.varint(int64(d)) }

// plain writes a string that is written only once: a length and bytes.
func (w *ckptWriter) plain(s string) {
	w.uvarint(uint64(len(s)))
	w.b = append(w.b, s...)
}

// time writes t relative to the Unix seconds ref.
func (w *ckptWriter) time(t time.Time, ref int64) {
	w.varint(int64(uint64(t.Unix()) - uint64(ref)))
	w.uvarint(uint64(t.Nanosecond()))
}

func (w *ckptWriter) bool(v bool) {
	if v {
		w.byte1(1)
	} else {
		w.byte1(0)
	}
}

// str writes a string that may repeat: in full the first time, then as a
// reference.
func (w *ckptWriter) str(s string) {
	if i, ok := w.dict[s]; ok {
		w.uvarint(i + 1)
		return
	}
	if w.dict == nil {
		w.dict = make(map[string]uint64)
	}
	w.dict[s] = uint64(len(w.dict))
	w.uvarint(0)
	w.plain(s)
}

// ckptReader reads the body of a checkpoint. Its first error sticks:
// every read after it returns a zero value, so callers check r.err once
// they are done, or before they allocate. It accepts only what
// ckptWriter writes, so that a checkpoint read back writes the same
// bytes.
type ckptReader struct {
	b    []byte
	off  int // offset of b in the checkpoint, for errors
	err  error
	dict []string
	have map[string]bool // the strings of dict
}

func (r *ckptReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("risk: restore incident engine: byte %d: %s: %w", r.off, fmt.Sprintf(format, args...), ErrCorruptCheckpoint)
	}
	r.b = nil
}

func (r *ckptReader) advance(n int) {
	r.b = r.b[n:]
	r.off += n
}

// end returns the reading error, or one for bytes left over.
func (r *ckptReader) end() error {
	if r.err == nil && len(r.b) > 0 {
		r.fail("%d bytes after the end", len(r.b))
	}
	return r.err
}

func (r *ckptReader) byte1() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail("truncated")
		return 0
	}
	c := r.b[0]
	r.advance(1)
	return c
}

func (r *ckptReader) bool() bool {
	switch c := r.byte1(); c {
	case 0:
		return false
	case 1:
		return true
	default:
		r.fail("bool %d", c)
		return false
	}
}

func (r *ckptReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.b)
	switch {
	case n <= 0:
		r.fail("bad or truncated varint")
		return 0
	case n > 1 && r.b[n-1] == 0:
		r.fail("varint not in its shortest form")
		return 0
	}
	r.advance(n)
	return x
}

// varint reads a zigzag varint, as binary.AppendVarint writes it.
func (r *ckptReader) varint() int64 {
	u := r.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (r *ckptReader) int() int {
	x := r.varint()
	if int64(int(x)) != x {
		r.fail("integer %d out of range", x)
		return 0
	}
	return int(x)
}

func (r *ckptReader) duration() time.Duration { return time.Duration(r.varint()) }

// count reads the number of elements that follow, each of which takes at
// least one byte: so it is never more than the bytes left, and callers
// may allocate for it.
func (r *ckptReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.fail("count %d, more than the %d bytes left", n, len(r.b))
		return 0
	}
	return int(n)
}

// time reads a time written relative to the Unix seconds ref.
func (r *ckptReader) time(ref int64) time.Time {
	d := r.varint()
	ns := r.uvarint()
	if ns >= 1e9 {
		r.fail("nanoseconds %d out of range", ns)
		return time.Time{}
	}
	if r.err != nil {
		return time.Time{}
	}
	return time.Unix(int64(uint64(ref)+uint64(d)), int64(ns)).UTC()
}

func (r *ckptReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.fail("truncated")
		return nil
	}
	b := r.b[:n:n]
	r.advance(n)
	return b
}

func (r *ckptReader) plain() string { return string(r.bytes(r.count())) }

// str reads a string that ckptWriter.str wrote.
func (r *ckptReader) str() string {
	i := r.uvarint()
	if r.err != nil {
		return ""
	}
	if i > 0 {
		if i > uint64(len(r.dict)) {
			r.fail("reference to a string not seen yet")
			return ""
		}
		return r.dict[i-1]
	}
	b := r.bytes(r.count())
	if r.err != nil {
		return ""
	}
	if r.have[string(b)] {
		r.fail("string %q written twice", b)
		return ""
	}
	if r.have == nil {
		r.have = make(map[string]bool)
	}
	s := string(b)
	r.have[s] = true
	r.dict = append(r.dict, s)
	return s
}
