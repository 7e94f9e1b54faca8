package aggregate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"unsafe"
)

// The binary form of tables and accumulators (see the package
// documentation, "Serialisation"):
//
//	magic    4 bytes: "EsAT" for a Table, "EsAA" for an Accumulator
//	version  1 byte: formatVersion
//	body     a Table or an Accumulator
//	crc      4 bytes, little endian: CRC-32C (Castagnoli) of all the above
//
// Integers are varints (zigzag when signed), floats 8 bytes little
// endian, times Unix seconds (varint) and nanoseconds (uvarint). A string
// is a uvarint: 0 followed by its length and bytes when it appears for
// the first time, i+1 when it is the same as the i-th string given so
// far. BY values and field values count separately.
const (
	magicTable       = "EsAT"
	magicAccumulator = "EsAA"
	formatVersion    = 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encoder appends a blob.
type encoder struct {
	b       []byte
	start   int
	vals    map[string]uint64
	keyVals map[string]uint64
	// keyRefs is keyVals for a table's BY values by their id in its
	// interner: 0 for a value not written yet, else its index + 1. Ids
	// and strings correspond one to one, so it numbers the values as
	// keyVals would, without hashing them.
	keyRefs []uint32
	n       uint32 // BY values written
}

func newEncoder(b []byte, magic string) *encoder {
	e := &encoder{b: b, start: len(b)}
	e.b = append(e.b, magic...)
	e.b = append(e.b, formatVersion)
	return e
}

// finish appends the checksum and returns the blob.
func (e *encoder) finish() []byte {
	return binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b[e.start:], castagnoli))
}

func (e *encoder) byte1(c byte)     { e.b = append(e.b, c) }
func (e *encoder) uvarint(x uint64) { e.b = binary.AppendUvarint(e.b, x) }
func (e *encoder) varint(x int64)   { e.b = binary.AppendVarint(e.b, x) }
func (e *encoder) float(f float64)  { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }
func (e *encoder) str(s string)     { e.dictStr(&e.vals, s) }
func (e *encoder) keyStr(s string)  { e.dictStr(&e.keyVals, s) }

// keyID writes BY value id of in as keyStr writes its string.
func (e *encoder) keyID(in *interner, id uint32) {
	if e.keyRefs == nil {
		e.keyRefs = make([]uint32, in.len())
	}
	if r := e.keyRefs[id]; r > 0 {
		e.uvarint(uint64(r))
		return
	}
	e.n++
	e.keyRefs[id] = e.n
	e.uvarint(0)
	e.plain(in.str(id))
}

func (e *encoder) tstamp(t tstamp) {
	e.varint(t.sec)
	e.uvarint(uint64(t.nsec))
}

// plain writes a string outside the dictionaries: a length and bytes.
func (e *encoder) plain(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) plains(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.plain(s)
	}
}

func (e *encoder) dictStr(dict *map[string]uint64, s string) {
	if i, ok := (*dict)[s]; ok {
		e.uvarint(i + 1)
		return
	}
	if *dict == nil {
		*dict = make(map[string]uint64)
	}
	(*dict)[s] = uint64(len(*dict))
	e.uvarint(0)
	e.plain(s)
}

// openBlob checks a blob's framing and returns its body.
func openBlob(data []byte, magic string) ([]byte, error) {
	const frame = len(magicTable) + 1 + 4
	if len(data) < frame {
		return nil, fmt.Errorf("aggregate: UnmarshalBinary: %d bytes, shorter than any blob: %w", len(data), ErrCorrupt)
	}
	if string(data[:len(magic)]) != magic {
		return nil, fmt.Errorf("aggregate: UnmarshalBinary: not %s data: %w", kindName(magic), ErrCorrupt)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, fmt.Errorf("aggregate: UnmarshalBinary: checksum mismatch (truncated or corrupt): %w", ErrCorrupt)
	}
	if v := data[len(magic)]; v != formatVersion {
		return nil, fmt.Errorf("aggregate: UnmarshalBinary: format version %d, this package reads %d: %w", v, formatVersion, ErrVersion)
	}
	return body[len(magic)+1:], nil
}

func kindName(magic string) string {
	if magic == magicTable {
		return "table"
	}
	return "accumulator"
}

// decoder reads a blob's body. Its first error sticks: every read after
// it returns a zero value, so a decode function checks d.err once it is
// done, or before it allocates.
type decoder struct {
	b       []byte
	off     int // offset of b in the blob, for errors
	err     error
	in      *interner
	vals    []string
	keyVals []string
	keyIDs  []uint32 // the id of each of keyVals in in
}

// newDecoder reads body, which starts at offset off of the blob after
// the off bytes of framing already read.
func newDecoder(body []byte, skip int, in *interner) *decoder {
	return &decoder{b: body[skip:], off: len(magicTable) + 1 + skip, in: in}
}

func (d *decoder) fail(reason string) {
	if d.err == nil {
		d.err = fmt.Errorf("aggregate: UnmarshalBinary: byte %d: %s: %w", d.off, reason, ErrCorrupt)
	}
	d.b = nil
}

func (d *decoder) advance(n int) {
	d.b = d.b[n:]
	d.off += n
}

// end returns the decoding error, or one for bytes left over.
func (d *decoder) end() error {
	if d.err == nil && len(d.b) > 0 {
		d.fail(fmt.Sprintf("%d bytes after the end", len(d.b)))
	}
	return d.err
}

func (d *decoder) byte1() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.advance(1)
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad or truncated varint")
		return 0
	}
	d.advance(n)
	return x
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad or truncated varint")
		return 0
	}
	d.advance(n)
	return x
}

// count reads the number of elements that follow, each of which takes at
// least one byte: so it is never more than the bytes left, and callers
// may allocate for it.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(fmt.Sprintf("count %d, more than the %d bytes left", n, len(d.b)))
		return 0
	}
	return int(n)
}

// count64 reads a non-negative counter.
func (d *decoder) count64() int64 {
	n := d.varint()
	if n < 0 {
		d.fail("negative count")
		return 0
	}
	return n
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.fail("truncated")
		return nil
	}
	b := d.b[:n:n]
	d.advance(n)
	return b
}

func (d *decoder) float() float64 {
	b := d.bytes(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (d *decoder) tstamp() tstamp {
	sec := d.varint()
	nsec := d.uvarint()
	if nsec >= 1e9 {
		d.fail("nanoseconds out of range")
		return tstamp{}
	}
	return tstamp{sec: sec, nsec: int32(nsec)}
}

func (d *decoder) plain() string {
	return string(d.bytes(d.count()))
}

func (d *decoder) plains() []string {
	n := d.count()
	var ss []string
	for range n {
		s := d.plain()
		if d.err != nil {
			return nil
		}
		ss = append(ss, s)
	}
	return ss
}

// str reads a field value, interned.
func (d *decoder) str() string { return d.dictStr(&d.vals, d.in) }

// key reads a BY value into the table's interner, d.in, and returns it
// and its id.
func (d *decoder) key() (string, uint32) {
	i := d.uvarint()
	if d.err != nil {
		return "", 0
	}
	if i > 0 {
		if i > uint64(len(d.keyVals)) {
			d.fail("reference to a string not seen yet")
			return "", 0
		}
		return d.keyVals[i-1], d.keyIDs[i-1]
	}
	b := d.bytes(d.count())
	if d.err != nil {
		return "", 0
	}
	id := d.in.id(unsafe.String(unsafe.SliceData(b), len(b))) // copied by id
	s := d.in.str(id)
	d.keyVals = append(d.keyVals, s)
	d.keyIDs = append(d.keyIDs, id)
	return s, id
}

func (d *decoder) dictStr(dict *[]string, in *interner) string {
	i := d.uvarint()
	if d.err != nil {
		return ""
	}
	if i > 0 {
		if i > uint64(len(*dict)) {
			d.fail("reference to a string not seen yet")
			return ""
		}
		return (*dict)[i-1]
	}
	b := d.bytes(d.count())
	if d.err != nil {
		return ""
	}
	s := in.internBytes(b)
	*dict = append(*dict, s)
	return s
}

// AppendBinary appends the table to b in a compact, versioned binary
// form that [Table.UnmarshalBinary] reads back: its BY columns, its
// fields or specs, and every group's key and state, groups in the order
// they were created. Strings that repeat across groups are written once.
// Unmarshalling the result and merging it gives the same rows as
// merging t; a checkpoint is a table's AppendBinary. The form is
// described in the package documentation ("Serialisation").
func (t *Table) AppendBinary(b []byte) ([]byte, error) {
	e := newEncoder(b, magicTable)
	e.plains(t.by)
	if t.stats {
		e.byte1(1)
		e.uvarint(uint64(len(t.specs)))
		for _, s := range t.specs {
			e.byte1(byte(s.Func))
			e.plain(s.Field)
		}
	} else {
		e.byte1(0)
		e.plains(t.fields)
	}
	e.uvarint(uint64(len(t.groups)))
	for i := range t.groups {
		g := &t.groups[i]
		for c := range t.by {
			e.keyID(&t.strs, t.keys.id(i, c))
		}
		e.varint(g.count)
		e.tstamp(g.first())
		e.tstamp(g.last())
		for _, c := range t.cols {
			c.encode(e, i, &t.strs)
		}
	}
	return e.finish(), nil
}

// MarshalBinary is AppendBinary(nil).
func (t *Table) MarshalBinary() ([]byte, error) { return t.AppendBinary(nil) }

// UnmarshalBinary replaces t with the table encoded in data by
// [Table.AppendBinary]: its columns, specs and groups. Data that is
// truncated or corrupt (the form carries a CRC-32C checksum) is an error
// wrapping [ErrCorrupt], data of another format version one wrapping
// [ErrVersion]; neither ever panics, and t is left as it was.
func (t *Table) UnmarshalBinary(data []byte) error {
	body, err := openBlob(data, magicTable)
	if err != nil {
		return err
	}
	d := newDecoder(body, 0, nil)
	by := d.plains()
	var nt *Table
	switch mode := d.byte1(); {
	case d.err != nil:
	case mode == 0:
		fields := d.plains()
		if d.err == nil {
			nt, err = New(by, fields)
		}
	case mode == 1:
		n := d.count()
		specs := make([]Spec, 0, n)
		for range n {
			f := Func(d.byte1())
			specs = append(specs, Spec{Func: f, Field: d.plain()})
		}
		if d.err == nil {
			nt, err = NewStats(by, specs)
		}
	default:
		d.fail("unknown table kind")
	}
	if err != nil {
		d.fail("bad columns: " + err.Error())
	}
	if d.err != nil {
		return d.err
	}
	d.in = &nt.strs
	n := d.count()
	// Each group takes at least a byte per BY value and five more.
	nt.reserve(min(n, len(d.b)/(len(by)+5)))
	key := make([]string, len(by))
	ids := make([]uint32, len(by))
	for range n {
		for k := range key {
			key[k], ids[k] = d.key()
		}
		count := d.count64()
		first, last := d.tstamp(), d.tstamp()
		if d.err != nil {
			break
		}
		if count < 1 || last.before(first) {
			d.fail("bad group count or times")
			break
		}
		h := nt.hashKey(key)
		if _, dup := nt.find(key, h); dup {
			d.fail("repeated group")
			break
		}
		i := nt.insertIDs(key, ids, h, first)
		g := &nt.groups[i]
		g.count = count
		g.observe(last)
		for _, c := range nt.cols {
			c.decode(d, i)
		}
	}
	if err := d.end(); err != nil {
		return err
	}
	*t = *nt
	return nil
}

// ErrCorrupt reports data that [Table.UnmarshalBinary],
// [Accumulator.UnmarshalBinary] or [UnmarshalAccumulator] cannot read:
// truncated, corrupt, or not such data at all.
var ErrCorrupt = errors.New("corrupt or truncated data")

// ErrVersion reports encoded data of a format version this package does
// not read.
var ErrVersion = errors.New("unsupported format version")

// reserve makes room for n more groups.
func (t *Table) reserve(n int) {
	if n := len(t.groups) + n; 4*n > 3*len(t.index.slots) {
		t.index.rebuild(t, n, len(t.groups))
	}
	t.groups = slices.Grow(t.groups, n)
	t.keys.reserve(n)
	for _, c := range t.cols {
		c.reserve(n)
	}
}
