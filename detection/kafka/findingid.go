package kafka

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"time"

	"github.com/escudo-dev/escudo/detection"
)

// FindingID returns the deterministic id of a finding of tenant's stream:
// 32 hex digits, the first 16 bytes of a SHA-256 over the tenant, the
// detection, the window's start and end, and the values of the group's
// columns (by, from Engine.GroupBy), each length-prefixed so that no two
// different inputs hash the same bytes. A finding made again from the same
// records (after a crash, where delivery is at least once) has the same id,
// so a consumer can drop repeats by it; two groups, windows or tenants
// never share one but by a hash collision.
func FindingID(tenant string, w detection.Window, f detection.Finding, by []string) string {
	h := newIDHash("escudo finding v1", tenant, f.Detection,
		w.Start.UTC().Format(time.RFC3339Nano), w.End.UTC().Format(time.RFC3339Nano))
	for _, name := range by {
		for _, c := range f.Columns {
			if c.Name != name {
				continue
			}
			h.field(c.Name)
			h.count(len(c.Values))
			for _, v := range c.Values {
				h.field(v)
			}
			break
		}
	}
	return h.id()
}

// IncidentID returns the deterministic id of an incident of tenant's
// stream, given as its JSON object (risk.Incident.MarshalJSON): 32 hex
// digits of a SHA-256 over the tenant and the object. An incident raised
// again from the same records has the same object, so the same id.
func IncidentID(tenant string, incident []byte) string {
	h := newIDHash("escudo incident v1", tenant)
	h.h.Write(incident)
	return h.id()
}

// idHash is the SHA-256 behind an id, fed length-prefixed fields so that
// no two different lists of fields hash the same bytes.
type idHash struct {
	h   hash.Hash
	buf []byte
}

func newIDHash(fields ...string) *idHash {
	h := &idHash{h: sha256.New()}
	for _, f := range fields {
		h.field(f)
	}
	return h
}

func (h *idHash) count(n int) {
	h.buf = binary.AppendUvarint(h.buf[:0], uint64(n))
	h.h.Write(h.buf)
}

func (h *idHash) field(s string) {
	h.count(len(s))
	h.h.Write([]byte(s))
}

// id is the first 16 bytes of the hash, in hex.
func (h *idHash) id() string {
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.h.Sum(sum[:0])[:16])
}
