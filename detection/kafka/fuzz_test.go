package kafka

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzSeeds are real records and documents, cut short so that the
// corpus stays small.
func fuzzSeeds(t testing.TB) [][]byte {
	a := lines(t, signInsFile)
	b := lines(t, logAnalyticsFile)
	g := lines(t, graphFile)
	return [][]byte{
		a[0],
		b[0],
		g[0],
		document(a[0], b[0]),
		document(a[0], a[1]),
		bytes.Join([][]byte{a[0], b[0], g[0]}, []byte("\n")),
		[]byte(`{"records":[{"tenantId":"a"},{"resourceId":"/TENANTS/B/x"},{"AADTenantId":"c"},{}]}`),
		[]byte(`{"a":"\"}","tenantId":"t"} {"tenantId":"u"}, [1,{"x":[]}]`),
		[]byte("{\n  \"records\": [\n    {\"tenantId\": \"a\"},\n    {\"tenantId\": \"b\"}\n  ]\n}\n"),
		[]byte(`{"records":[{"tenantId":"a"`),
	}
}

func FuzzTenantOf(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rec []byte) {
		got := tenantOf(rec)
		// The tenant is text of the record: as written, or lowered
		// (from a resourceId).
		if got != "" && !bytes.Contains(rec, []byte(got)) && !bytes.Contains(bytes.ToLower(rec), []byte(got)) {
			t.Errorf("tenantOf = %q, not in the record", got)
		}
	})
}

func FuzzSplitTenants(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s, "key")
	}
	f.Fuzz(func(t *testing.T, value []byte, key string) {
		// eachRecord first, counted, so that a value it loops on fails
		// instead of hanging the fuzzer.
		var recs [][]byte
		calls := 0
		ok := true
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("eachRecord(%q) does not end (%v)", value, r)
				}
			}()
			ok = eachRecord(value, func(rec []byte) {
				if calls++; calls > len(value)+1 {
					panic("more records than bytes")
				}
				recs = append(recs, rec)
			})
		}()

		var pieces []piece
		splitTenants(value, key, func(tenant string, data []byte) {
			pieces = append(pieces, piece{tenant, string(data)})
		})
		switch {
		case len(pieces) == 0:
			t.Fatal("fn never called")
		case len(pieces) == 1:
			if pieces[0].Data != string(value) {
				t.Fatalf("one piece %q, not the value %q", pieces[0].Data, value)
			}
		default:
			// Cut into its records: all of them, in order, each a part of
			// the value after the one before, with its own tenant.
			if !ok || len(pieces) != len(recs) {
				t.Fatalf("%d pieces of a value of %d records (scans: %v)", len(pieces), len(recs), ok)
			}
			at := 0
			for i, p := range pieces {
				if p.Data != string(recs[i]) {
					t.Fatalf("piece %d is %q, record %d is %q", i, p.Data, i, recs[i])
				}
				j := bytes.Index(value[at:], []byte(p.Data))
				if j < 0 {
					t.Fatalf("piece %d %q is not in the value after the pieces before it", i, p.Data)
				}
				at += j + len(p.Data)
				want := tenantOf([]byte(p.Data))
				if want == "" {
					want = key
				}
				if p.Tenant != want {
					t.Fatalf("piece %d goes to %q, its tenant is %q", i, p.Tenant, want)
				}
			}
		}
	})
}

func FuzzParseSnapshot(f *testing.F) {
	f.Add(appendSnapshot(nil, testSnapshot()))
	f.Add(appendSnapshot(nil, snapshot{topic: "t", streams: map[string][]byte{}}))
	f.Add(appendSnapshot(nil, snapshot{topic: "t", partition: 3, next: 99, streams: map[string][]byte{"a": []byte("x")}}))
	f.Add([]byte(snapshotMagic + "\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := parseSnapshot(data); err == nil {
			if b := appendSnapshot(nil, s); !bytes.Equal(b, data) {
				t.Fatalf("parsed snapshot re-encodes otherwise:\n in %x\nout %x", data, b)
			}
		}
		// The same bytes with a checksum that holds, so that the fuzzer
		// reaches past it: a parse is stable under re-encoding.
		body := data
		if len(body) >= 4 {
			body = body[:len(body)-4]
		}
		fixed := binary.BigEndian.AppendUint32(bytes.Clone(body), crc32.Checksum(body, castagnoli))
		s, err := parseSnapshot(fixed)
		if err != nil {
			return
		}
		again, err := parseSnapshot(appendSnapshot(nil, s))
		if err != nil {
			t.Fatalf("re-encoded snapshot does not parse: %v", err)
		}
		if diff := cmp.Diff(s, again, snapshotCmp); diff != "" {
			t.Fatalf("re-encoded snapshot parses otherwise (-first +again):\n%s", diff)
		}
	})
}
