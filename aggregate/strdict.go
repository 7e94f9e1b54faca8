package aggregate

import (
	"hash/maphash"
	"strings"
	"unsafe"
)

// interner is a table's dictionary of the strings it keeps: its BY
// values, the members of its value sets, and the strings its other
// stats keep. Each distinct string is stored once and has a small id,
// dense from 0 in order of first appearance; a group's key and a value
// set are then arrays of ids.
//
// The bytes live in large chunks of memory without pointers, which the
// garbage collector neither scans nor counts per string, and a string
// costs 12 to 16 bytes of bookkeeping: its reference (8 bytes) and its
// slot in the hash index (4 bytes, at a load of 3/8 to 3/4). Storing a copy
// also keeps a value sliced from a large input buffer from pinning the
// whole buffer. A nil interner only copies (a standalone Accumulator).
type interner struct {
	// chunks hold the strings' bytes, one after the other. A chunk is
	// only ever appended to within its capacity, so bytes once written
	// never move and never change: the strings str hands out point into
	// them (see str). cur is the index + 1 of the chunk being filled, 0
	// for none; a long string has a chunk of its own.
	chunks [][]byte
	cur    int
	// refs holds, per id, the string's chunk, offset and length (see
	// ref).
	refs []uint64
	// slots is the hash index: open addressing with linear probing,
	// 1<<bits long, each slot 0 for empty, else id+1 in its low bits
	// bits and high bits of the string's hash in the others (see
	// groupIndex), so that a probe compares strings only when those
	// match.
	slots []uint32
	bits  uint
	seed  maphash.Seed
	// hashClear is cleared from every hash. It is zero except in tests,
	// which set it to force collisions.
	hashClear uint64
}

// Chunks start small, so that the many small tables of a run cost
// little, and double up to chunkMax. A string of lenLong bytes or more
// gets a chunk of its own.
//
// A reference packs the chunk index (high 28 bits), the offset in it (18
// bits) and the length (low 18 bits; lenLong for a string that is its
// whole chunk), so that str makes the string from the reference and the
// chunk's address alone.
const (
	chunkMin = 256
	chunkMax = 1 << refBits
	refBits  = 18
	lenLong  = 1<<refBits - 1
)

func ref(chunk, off, n int) uint64 {
	return uint64(chunk)<<(2*refBits) | uint64(off)<<refBits | uint64(n)
}

// ready prepares the hash index of an empty interner.
func (in *interner) ready() {
	if in.slots == nil {
		in.seed = maphash.MakeSeed()
		in.slots = make([]uint32, 16)
		in.bits = 4
	}
}

// tag returns the bits of h that a slot keeps above the id.
func (in *interner) tag(h uint64) uint32 { return uint32(h>>32) << in.bits }

func (in *interner) hash(v string) uint64 { return maphash.String(in.seed, v) &^ in.hashClear }

// len returns the number of distinct strings.
func (in *interner) len() int { return len(in.refs) }

// str returns the string of id. It shares memory with the chunk that
// holds it, without a copy: those bytes are written once, before id
// exists, and never again, so the string is as immutable as any other.
// Such a string keeps its chunk alive. Rows and stats results hand these
// strings out without a copy, as a table always shared its strings with
// its rows.
func (in *interner) str(id uint32) string {
	r := in.refs[id]
	c := in.chunks[r>>(2*refBits)]
	n := int(r & lenLong)
	switch n {
	case 0:
		return ""
	case lenLong:
		return unsafe.String(unsafe.SliceData(c), len(c))
	}
	// The offset and length come from store, so they are in range of c:
	// skip the bounds checks of c[off:off+n] on this hot path.
	return unsafe.String((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(c)), r>>refBits&lenLong)), n)
}

// find returns the id of v, hashed h, and true, or the slot where v
// would go and false.
func (in *interner) find(v string, h uint64) (uint32, bool) {
	m := uint64(len(in.slots) - 1)
	tag, pos := in.tag(h), uint32(m)
	for i := h & m; ; i = (i + 1) & m {
		s := in.slots[i]
		if s == 0 {
			return uint32(i), false
		}
		if s&^pos == tag && in.str(s&pos-1) == v {
			return s&pos - 1, true
		}
	}
}

// id returns the id of v, storing a copy of v if it is new.
func (in *interner) id(v string) uint32 {
	in.ready()
	h := in.hash(v)
	i, ok := in.find(v, h)
	if ok {
		return i
	}
	if 4*(len(in.refs)+1) > 3*len(in.slots) {
		in.grow()
		i, _ = in.find(v, h)
	}
	id := uint32(len(in.refs))
	in.refs = append(in.refs, in.store(v))
	in.slots[i] = in.tag(h) | (id + 1)
	return id
}

// lookup returns the id of v if the interner holds it.
func (in *interner) lookup(v string) (uint32, bool) {
	if in.slots == nil {
		return 0, false
	}
	return in.find(v, in.hash(v))
}

// grow doubles the hash index.
func (in *interner) grow() {
	in.slots = make([]uint32, 2*len(in.slots))
	in.bits++
	m := uint64(len(in.slots) - 1)
	for id := range in.refs {
		h := in.hash(in.str(uint32(id)))
		i := h & m
		for in.slots[i] != 0 {
			i = (i + 1) & m
		}
		in.slots[i] = in.tag(h) | (uint32(id) + 1)
	}
}

// store copies v into a chunk and returns its reference.
func (in *interner) store(v string) uint64 {
	if len(v) >= lenLong {
		in.chunks = append(in.chunks, []byte(v))
		return ref(len(in.chunks)-1, 0, lenLong)
	}
	if in.cur == 0 || cap(in.chunks[in.cur-1])-len(in.chunks[in.cur-1]) < len(v) {
		size := chunkMin
		if in.cur > 0 {
			size = min(2*cap(in.chunks[in.cur-1]), chunkMax)
		}
		in.chunks = append(in.chunks, make([]byte, 0, max(size, len(v))))
		in.cur = len(in.chunks)
	}
	c := in.chunks[in.cur-1]
	off := len(c)
	in.chunks[in.cur-1] = append(c, v...)
	return ref(in.cur-1, off, len(v))
}

// intern returns the interner's copy of v.
func (in *interner) intern(v string) string {
	if in == nil {
		return strings.Clone(v)
	}
	return in.str(in.id(v))
}

// internBytes is intern for bytes: looking up a known value does not
// allocate.
func (in *interner) internBytes(b []byte) string {
	if in == nil {
		return string(b)
	}
	return in.intern(unsafe.String(unsafe.SliceData(b), len(b))) // not retained: id copies
}
