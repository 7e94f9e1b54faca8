package kafka

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// snapshotCmp compares snapshots' unexported fields.
var snapshotCmp = cmp.AllowUnexported(snapshot{})

func testSnapshot() snapshot {
	return snapshot{
		topic:     "entra-signins",
		partition: 7,
		next:      123456789,
		streams: map[string][]byte{
			"tenant-b":   []byte("checkpoint of b"),
			"tenant-a":   {0, 1, 2, 255},
			"":           []byte("the key-less tenant"),
			"tenant-ü":   bytes.Repeat([]byte{0xab}, 300),
			"tenant-c\n": {},
		},
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	for _, s := range []snapshot{
		testSnapshot(),
		{topic: "t", partition: 0, next: 0, streams: map[string][]byte{}},
		{topic: "", partition: 0, next: -5, streams: map[string][]byte{}},
		{topic: "big", partition: 1<<31 - 1, next: 1<<63 - 1, streams: map[string][]byte{"x": bytes.Repeat([]byte("y"), 1<<16)}},
	} {
		b := appendSnapshot([]byte("prefix"), s)
		if !bytes.HasPrefix(b, []byte("prefix")) {
			t.Fatal("appendSnapshot lost the bytes it appends to")
		}
		got, err := parseSnapshot(b[len("prefix"):])
		if err != nil {
			t.Fatalf("parseSnapshot: %v", err)
		}
		if diff := cmp.Diff(s, got, snapshotCmp); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}

// TestSnapshotTenantsSorted checks that the encoding does not depend on
// the map's order, and that the tenants are written sorted.
func TestSnapshotTenantsSorted(t *testing.T) {
	s := testSnapshot()
	first := appendSnapshot(nil, s)
	for range 20 {
		m := make(map[string][]byte)
		for k, v := range s.streams { // a new map, in another insertion order
			m[k] = v
		}
		if b := appendSnapshot(nil, snapshot{s.topic, s.partition, s.next, m}); !bytes.Equal(b, first) {
			t.Fatal("two encodings of one snapshot differ")
		}
	}
	// Read the tenants back in the order written.
	d := decoder{b: first[len(snapshotMagic)+1 : len(first)-4]}
	d.string()
	d.varint()
	d.varint()
	var tenants []string
	for range d.uvarint() {
		tenants = append(tenants, d.string())
		d.string()
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	if !slices.IsSorted(tenants) || len(tenants) != len(s.streams) {
		t.Errorf("tenants written %q: want all %d, sorted", tenants, len(s.streams))
	}
}

func TestSnapshotCorrupt(t *testing.T) {
	b := appendSnapshot(nil, testSnapshot())
	check := func(what string, v []byte) {
		t.Helper()
		s, err := parseSnapshot(v)
		if !errors.Is(err, errSnapshot) {
			t.Fatalf("%s: parseSnapshot err = %v, want errSnapshot", what, err)
		}
		if s.streams != nil || s.topic != "" {
			t.Fatalf("%s: parseSnapshot returned a snapshot with its error", what)
		}
	}
	for n := range len(b) {
		check("truncated to "+strconv.Itoa(n), b[:n])
	}
	check("one byte more", append(bytes.Clone(b), 0))
	for i := range len(b) {
		for bit := range 8 {
			v := bytes.Clone(b)
			v[i] ^= 1 << bit
			check("bit "+strconv.Itoa(bit)+" of byte "+strconv.Itoa(i), v)
		}
	}
}

func TestSnapshotVersion(t *testing.T) {
	b := appendSnapshot(nil, testSnapshot())
	b[len(snapshotMagic)] = formatVersion + 1
	_, err := parseSnapshot(b)
	if !errors.Is(err, errSnapshot) || !strings.Contains(err.Error(), "format version 2, want 1") {
		t.Errorf("err = %v, want errSnapshot saying format version 2, want 1", err)
	}
	c := chunks(1, []byte("x"))[0]
	c[len(chunkMagic)] = formatVersion + 1
	_, err = parseChunk(c)
	if !errors.Is(err, errSnapshot) || !strings.Contains(err.Error(), "format version 2, want 1") {
		t.Errorf("chunk: err = %v, want errSnapshot saying format version 2, want 1", err)
	}
}

// bigSnapshot is a snapshot of n bytes that does not compress to a
// pattern: chunk boundaries show in any misplaced part.
func bigSnapshot(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func parseChunks(t *testing.T, vs [][]byte) []chunk {
	t.Helper()
	var out []chunk
	for i, v := range vs {
		c, err := parseChunk(v)
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		out = append(out, c)
	}
	return out
}

func TestChunks(t *testing.T) {
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 17} {
		snap := bigSnapshot(n)
		vs := chunks(42, snap)
		if want := max(1, (n+chunkSize-1)/chunkSize); len(vs) != want {
			t.Errorf("%d bytes: %d chunks, want %d", n, len(vs), want)
		}
		cs := parseChunks(t, vs)
		for i, c := range cs {
			if c.seq != 42 || c.index != uint64(i) || c.count != uint64(len(vs)) || len(c.data) > chunkSize {
				t.Errorf("%d bytes: chunk %d is seq %d, %d of %d, %d bytes", n, i, c.seq, c.index, c.count, len(c.data))
			}
			if len(vs[i]) > chunkSize+32 {
				t.Errorf("%d bytes: message %d is %d bytes", n, i, len(vs[i]))
			}
		}
		got, seq, ok := assemble(cs)
		if !ok || seq != 42 || !bytes.Equal(got, snap) {
			t.Errorf("%d bytes: assemble = %d bytes, seq %d, %v; want the snapshot, 42, true", n, len(got), seq, ok)
		}
	}
}

func TestChunkParseErrors(t *testing.T) {
	v := chunks(3, []byte("data"))[0]
	for n := range len(chunkMagic) + 4 { // the header: magic, version, three varints
		if _, err := parseChunk(v[:n]); !errors.Is(err, errSnapshot) {
			t.Errorf("chunk truncated to %d: err = %v, want errSnapshot", n, err)
		}
	}
	for _, tc := range []struct {
		name       string
		index, cnt uint64
	}{{"count 0", 0, 0}, {"index = count", 2, 2}, {"index > count", 5, 2}} {
		h := append([]byte(chunkMagic), formatVersion, 1, byte(tc.index), byte(tc.cnt))
		if _, err := parseChunk(h); !errors.Is(err, errSnapshot) {
			t.Errorf("%s: err = %v, want errSnapshot", tc.name, err)
		}
	}
	if _, err := parseChunk(appendSnapshot(nil, testSnapshot())); !errors.Is(err, errSnapshot) {
		t.Errorf("a snapshot as a chunk: err = %v, want errSnapshot", err)
	}
}

func TestAssemble(t *testing.T) {
	old := bigSnapshot(2*chunkSize + 5) // seq 1, three chunks
	cur := bigSnapshot(chunkSize + 9)   // seq 2, two chunks
	cur[0] ^= 0xff
	oldC := parseChunks(t, chunks(1, old))
	curC := parseChunks(t, chunks(2, cur))

	ok := func(name string, msgs []chunk, want []byte, wantSeq uint64) {
		t.Helper()
		got, seq, found := assemble(msgs)
		if !found || seq != wantSeq || !bytes.Equal(got, want) {
			t.Errorf("%s: assemble = %d bytes, seq %d, %v; want %d bytes, seq %d, true", name, len(got), seq, found, len(want), wantSeq)
		}
	}
	missing := func(name string, msgs []chunk) {
		t.Helper()
		if got, seq, found := assemble(msgs); found {
			t.Errorf("%s: assemble = %d bytes, seq %d, true; want false", name, len(got), seq)
		}
	}

	missing("nothing", nil)
	ok("one snapshot", curC, cur, 2)
	ok("older snapshot first", slices.Concat(oldC, curC), cur, 2)
	// A snapshot cut short (at least once, a member died writing it)
	// gives way to the whole one before.
	ok("first chunk of the last missing", slices.Concat(oldC, curC[1:]), old, 1)
	missing("only the last chunk", curC[1:])
	ok("last snapshot's first chunk missing, older whole", slices.Concat(oldC, curC[len(curC)-1:]), old, 1)
	// A compacted state partition: each key's last message survives, so
	// chunks of older seqs lie between those of the last one.
	ok("interleaved with older seqs", []chunk{oldC[0], curC[0], oldC[2], curC[1]}, cur, 2)
	ok("older seq's same index before", []chunk{oldC[1], curC[0], oldC[0], curC[1]}, cur, 2)
	// A repeated chunk of the last seq is taken once.
	ok("repeated chunk", []chunk{curC[0], curC[0], curC[1]}, cur, 2)
	// A seq that is older by number but last in the partition wins:
	// the last message decides.
	ok("last message's seq", slices.Concat(curC, oldC), old, 1)
}

// TestAssembleHugeCount gives assemble one well-formed chunk whose count
// is huge: it must report the snapshot missing, not allocate count parts.
func TestAssembleHugeCount(t *testing.T) {
	v := append([]byte(chunkMagic), formatVersion)
	v = append(v, 1, 0)                                                 // seq 1, index 0
	v = append(v, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10) // count 1<<59
	c, err := parseChunk(v)
	if err != nil {
		return // refusing the chunk is as good
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("assemble of a chunk of count %d panics: %v", c.count, r)
		}
	}()
	if _, _, ok := assemble([]chunk{c}); ok {
		t.Error("assemble found a snapshot of one part in 1<<59")
	}
}
