package kafka

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// This file is the form in which the owner of an input partition saves
// its state on the state topic: the partition's snapshot (every tenant's
// stream checkpoint and the offset to read next), cut into chunks that
// each fit in one message.

// snapshotMagic and chunkMagic begin a snapshot and each chunk of one;
// the byte after them is the format version.
const (
	snapshotMagic = "EsKP"
	chunkMagic    = "EsKC"
	formatVersion = 1
)

// chunkSize is the most snapshot bytes one state message holds: well
// under the 1 MiB message limit of Kafka's defaults and of Event Hubs.
const chunkSize = 512 << 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// snapshot is one partition's saved state.
type snapshot struct {
	topic     string
	partition int32
	next      int64             // offset of the next record to read
	streams   map[string][]byte // tenant → detection.Stream checkpoint
}

// appendSnapshot appends s's encoding: magic, version, topic, partition,
// next offset, the tenants in order with their checkpoints, CRC-32C.
func appendSnapshot(b []byte, s snapshot) []byte {
	start := len(b)
	b = append(b, snapshotMagic...)
	b = append(b, formatVersion)
	b = appendString(b, s.topic)
	b = binary.AppendVarint(b, int64(s.partition))
	b = binary.AppendVarint(b, s.next)
	tenants := make([]string, 0, len(s.streams))
	for t := range s.streams {
		tenants = append(tenants, t)
	}
	slices.Sort(tenants)
	b = binary.AppendUvarint(b, uint64(len(tenants)))
	for _, t := range tenants {
		b = appendString(b, t)
		b = appendString(b, string(s.streams[t]))
	}
	return binary.BigEndian.AppendUint32(b, crc32.Checksum(b[start:], castagnoli))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// errSnapshot is a state message or snapshot that cannot be read.
var errSnapshot = errors.New("kafka: bad state snapshot")

// parseSnapshot decodes a snapshot made by appendSnapshot.
func parseSnapshot(b []byte) (snapshot, error) {
	var s snapshot
	if len(b) < len(snapshotMagic)+1+4 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return s, fmt.Errorf("%w: not a snapshot", errSnapshot)
	}
	if v := b[len(snapshotMagic)]; v != formatVersion {
		return s, fmt.Errorf("%w: format version %d, want %d", errSnapshot, v, formatVersion)
	}
	body, sum := b[:len(b)-4], binary.BigEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return s, fmt.Errorf("%w: checksum mismatch", errSnapshot)
	}
	d := decoder{b: body[len(snapshotMagic)+1:]}
	s.topic = d.string()
	part := d.varint()
	if part < 0 || part > math.MaxInt32 {
		d.fail()
	}
	s.partition = int32(part)
	s.next = d.varint()
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		n = 0
	}
	s.streams = make(map[string][]byte, n)
	prev := ""
	for i := uint64(0); i < n && d.err == nil; i++ {
		t := d.string()
		if i > 0 && t <= prev {
			d.fail() // tenants are written sorted, each once
		}
		prev = t
		s.streams[t] = []byte(d.string())
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail()
	}
	if d.err != nil {
		return snapshot{}, d.err
	}
	return s, nil
}

// chunk is one state message: part index of count of the snapshot whose
// id is seq.
type chunk struct {
	seq, index, count uint64
	data              []byte
}

// chunks cuts a snapshot's bytes into state messages' values.
func chunks(seq uint64, snap []byte) [][]byte {
	n := max(1, (len(snap)+chunkSize-1)/chunkSize)
	out := make([][]byte, 0, n)
	for i := range n {
		part := snap[i*chunkSize : min(len(snap), (i+1)*chunkSize)]
		v := append([]byte(chunkMagic), formatVersion)
		v = binary.AppendUvarint(v, seq)
		v = binary.AppendUvarint(v, uint64(i))
		v = binary.AppendUvarint(v, uint64(n))
		out = append(out, append(v, part...))
	}
	return out
}

// parseChunk decodes a state message's value.
func parseChunk(v []byte) (chunk, error) {
	if len(v) < len(chunkMagic)+1 || string(v[:len(chunkMagic)]) != chunkMagic {
		return chunk{}, fmt.Errorf("%w: not a state message", errSnapshot)
	}
	if ver := v[len(chunkMagic)]; ver != formatVersion {
		return chunk{}, fmt.Errorf("%w: state message format version %d, want %d", errSnapshot, ver, formatVersion)
	}
	d := decoder{b: v[len(chunkMagic)+1:]}
	c := chunk{seq: d.uvarint(), index: d.uvarint(), count: d.uvarint()}
	if d.err == nil && (c.count == 0 || c.index >= c.count) {
		d.fail()
	}
	if d.err != nil {
		return chunk{}, d.err
	}
	c.data = d.b
	return c, nil
}

// assemble finds the last whole snapshot in a state partition's messages,
// in offset order: the chunks of the latest seq whose chunks are all
// there. A snapshot cut short (a member died while writing it, at least
// once; with transactions a partial one is never committed) gives way to
// the one before. It returns false when no snapshot lies whole in msgs
// (read further back).
func assemble(msgs []chunk) ([]byte, uint64, bool) {
	tried := make(map[uint64]bool)
	for i := len(msgs) - 1; i >= 0; i-- {
		last := msgs[i]
		if tried[last.seq] {
			continue
		}
		tried[last.seq] = true
		if last.count > uint64(i+1) {
			continue // more chunks than messages: cut short
		}
		parts := make([][]byte, last.count)
		found := uint64(0)
		for _, c := range msgs[:i+1] {
			if c.seq == last.seq && c.count == last.count && parts[c.index] == nil {
				parts[c.index] = c.data
				found++
			}
		}
		if found == last.count {
			return slices.Concat(parts...), last.seq, true
		}
	}
	return nil, 0, false
}

// decoder reads the varint-framed fields of a snapshot.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or malformed", errSnapshot)
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
