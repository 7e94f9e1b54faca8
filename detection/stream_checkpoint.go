package detection

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"slices"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/escudo-dev/escudo/risk"
)

// ErrCheckpoint reports a checkpoint that cannot be restored: truncated,
// corrupt (its CRC-32C does not match), of another format or version, or
// taken by an engine whose detections, windows or lateness differ. A
// stream is never restored partly, and never started afresh instead.
var ErrCheckpoint = errors.New("bad checkpoint")

// checkpointMagic and checkpointVersion open every stream checkpoint;
// a CRC-32C (Castagnoli) of all before it closes it, as escudo's other
// binary forms (package aggregate) do.
const (
	checkpointMagic   = "EsSC"
	checkpointVersion = 1
)

// Position is where a stream stood in one of its inputs: the records and
// bytes of it read (decompressed bytes for gzip input).
type Position struct {
	Source  string
	Records int64
	Offset  int64
}

// AppendBinary appends a checkpoint of the stream to b: every open window
// of every detection with its groups, the watermark, the counts, the late
// records, where each input stood, and the incident engine's state. [Engine.RestoreStream] reads it
// back, in this process or another, into a stream that goes on as this
// one would: the same findings, split at the same place, nothing repeated
// and nothing missing. Take it between two calls of Run, not during one.
func (st *Stream) AppendBinary(b []byte) ([]byte, error) {
	s := st.s
	start := len(b)
	b = append(b, checkpointMagic...)
	b = append(b, checkpointVersion)
	b = binary.AppendUvarint(b, uint64(len(s.rules)))
	for i, r := range st.e.rules {
		rs := &s.rules[i]
		b = appendString(b, r.name)
		b = binary.AppendUvarint(b, uint64(len(r.columns)))
		for _, c := range r.columns {
			b = appendString(b, c)
		}
		b = binary.AppendVarint(b, int64(rs.window))
		b = appendBool(b, rs.dead)
		b = binary.AppendUvarint(b, uint64(len(rs.open)))
		for _, w := range rs.open {
			b = binary.AppendVarint(b, w.start.UnixNano())
			blob, err := w.table.MarshalBinary()
			if err != nil {
				return b[:start], fmt.Errorf("detection: checkpoint: %s: %w", r.name, err)
			}
			b = appendBytes(b, blob)
		}
	}
	ss := s.stream
	b = binary.AppendVarint(b, int64(ss.lateness))
	b = appendBool(b, ss.started)
	b = binary.AppendVarint(b, ss.latest.UnixNano())
	b = binary.AppendUvarint(b, uint64(ss.late))
	c := s.counts
	for _, n := range []int64{c.Records, c.Decoded, c.Bad, c.Other, c.Prefiltered, int64(len(s.errs))} {
		b = binary.AppendUvarint(b, uint64(n))
	}
	kinds := slices.Sorted(maps.Keys(s.kinds))
	b = binary.AppendUvarint(b, uint64(len(kinds)))
	for _, k := range kinds {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(s.kinds[k]))
	}
	b = binary.AppendUvarint(b, uint64(len(s.positions)))
	for _, p := range s.positions {
		b = appendString(b, p.Source)
		b = binary.AppendUvarint(b, uint64(p.Records))
		b = binary.AppendUvarint(b, uint64(p.Offset))
	}
	var inc []byte
	if ss.inc != nil {
		var err error
		if inc, err = ss.inc.MarshalBinary(); err != nil {
			return b[:start], fmt.Errorf("detection: checkpoint: incidents: %w", err)
		}
	}
	b = appendBytes(b, inc)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli)), nil
}

// MarshalBinary is AppendBinary(nil).
func (st *Stream) MarshalBinary() ([]byte, error) { return st.AppendBinary(nil) }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// RestoreStream makes a stream of e's detections from a checkpoint of
// one ([Stream.AppendBinary]) and opts, which are the callbacks and
// windows of the restored stream. The engine must run the same
// detections, with the same columns, windows and lateness, as the one
// that took the checkpoint; anything else, and a checkpoint truncated or
// corrupt, is an error wrapping [ErrCheckpoint] that says what differs.
func (e *Engine) RestoreStream(data []byte, opts StreamOptions) (*Stream, error) {
	st, err := e.NewStream(opts)
	if err != nil {
		return nil, err
	}
	if len(data) < len(checkpointMagic)+1+4 || string(data[:len(checkpointMagic)]) != checkpointMagic {
		return nil, fmt.Errorf("detection: %w: not a stream checkpoint", ErrCheckpoint)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("detection: %w: corrupt or truncated (checksum mismatch)", ErrCheckpoint)
	}
	if v := body[len(checkpointMagic)]; v != checkpointVersion {
		return nil, fmt.Errorf("detection: %w: format version %d, this build reads %d", ErrCheckpoint, v, checkpointVersion)
	}
	d := &cpDecoder{b: body[len(checkpointMagic)+1:]}
	s := st.s
	if n := d.uvarint(); d.err == nil && n != uint64(len(s.rules)) {
		return nil, fmt.Errorf("detection: %w: taken with %d detections, the engine runs %d", ErrCheckpoint, n, len(s.rules))
	}
	for i, r := range e.rules {
		rs := &s.rules[i]
		if name := d.string(); d.err == nil && name != r.name {
			return nil, fmt.Errorf("detection: %w: detection %d is %q, the engine's is %q", ErrCheckpoint, i, name, r.name)
		}
		cols := make([]string, d.count())
		for j := range cols {
			cols[j] = d.string()
		}
		if d.err == nil && !slices.Equal(cols, r.columns) {
			return nil, fmt.Errorf("detection: %w: %s: columns %q, the engine's are %q", ErrCheckpoint, r.name, cols, r.columns)
		}
		if w := time.Duration(d.varint()); d.err == nil && w != rs.window {
			return nil, fmt.Errorf("detection: %w: %s: window %v, this stream's is %v", ErrCheckpoint, r.name, w, rs.window)
		}
		rs.dead = d.bool()
		rs.open = make([]openWindow, d.count())
		for j := range rs.open {
			rs.open[j].start = time.Unix(0, d.varint()).UTC()
			t := new(aggregate.Table)
			if blob := d.bytes(); d.err == nil {
				if err := t.UnmarshalBinary(blob); err != nil {
					return nil, fmt.Errorf("detection: %w: %s: window at %v: %w", ErrCheckpoint, r.name, rs.open[j].start, err)
				}
			}
			rs.open[j].table = t
		}
	}
	ss := s.stream
	if l := time.Duration(d.varint()); d.err == nil && l != ss.lateness {
		return nil, fmt.Errorf("detection: %w: lateness %v, this stream's is %v", ErrCheckpoint, l, ss.lateness)
	}
	ss.started = d.bool()
	ss.latest = time.Unix(0, d.varint()).UTC()
	ss.late = int64(d.uvarint())
	c := &s.counts
	for _, n := range []*int64{&c.Records, &c.Decoded, &c.Bad, &c.Other, &c.Prefiltered} {
		*n = int64(d.uvarint())
	}
	d.uvarint() // errors kept by a lenient run: counted, not restored
	if n := d.count(); n > 0 {
		s.kinds = make(map[string]int64, n)
		for range n {
			k := d.string()
			s.kinds[k] = int64(d.uvarint())
		}
	}
	s.positions = make([]Position, d.count())
	for i := range s.positions {
		s.positions[i] = Position{Source: d.string(), Records: int64(d.uvarint()), Offset: int64(d.uvarint())}
	}
	inc := d.bytes()
	if d.err == nil && len(d.b) > 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err == nil {
		switch {
		case len(inc) == 0 && ss.inc != nil:
			return nil, fmt.Errorf("detection: %w: taken without incident rules, restored with some", ErrCheckpoint)
		case len(inc) > 0 && ss.inc == nil:
			return nil, fmt.Errorf("detection: %w: taken with incident rules, restored without", ErrCheckpoint)
		case len(inc) > 0:
			restored, err := risk.RestoreIncidentEngine(inc, ss.opts.IncidentOptions, ss.opts.IncidentRules...)
			if err != nil {
				return nil, fmt.Errorf("detection: %w: incidents: %w", ErrCheckpoint, err)
			}
			ss.inc = restored
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("detection: %w: %v", ErrCheckpoint, d.err)
	}
	s.reindex()
	return st, nil
}

// reindex recomputes the earliest end of the open windows.
func (s *run) reindex() {
	st := s.stream
	st.anyOpen = false
	for i := range s.rules {
		if rs := &s.rules[i]; len(rs.open) > 0 {
			if end := rs.open[0].start.Add(rs.window); !st.anyOpen || end.Before(st.closeAt) {
				st.closeAt, st.anyOpen = end, true
			}
		}
	}
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendBytes(b, p []byte) []byte { return append(binary.AppendUvarint(b, uint64(len(p))), p...) }

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// cpDecoder reads a checkpoint's body; its first error sticks, and every
// read after it gives zero values.
type cpDecoder struct {
	b   []byte
	err error
}

func (d *cpDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errors.New("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *cpDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errors.New("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length, which must fit in what is left.
func (d *cpDecoder) count() int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)) {
		d.err = errors.New("count past the end")
		return 0
	}
	return int(n)
}

func (d *cpDecoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *cpDecoder) string() string { return string(d.bytes()) }

func (d *cpDecoder) bool() bool {
	if d.err != nil {
		return false
	}
	if len(d.b) == 0 || d.b[0] > 1 {
		d.err = errors.New("bad flag")
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}
