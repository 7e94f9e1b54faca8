package kafka

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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
	h := sha256.New()
	var buf []byte
	field := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		h.Write(buf)
		h.Write([]byte(s))
	}
	field("escudo finding v1")
	field(tenant)
	field(f.Detection)
	field(w.Start.UTC().Format(time.RFC3339Nano))
	field(w.End.UTC().Format(time.RFC3339Nano))
	for _, name := range by {
		for _, c := range f.Columns {
			if c.Name != name {
				continue
			}
			field(c.Name)
			buf = binary.AppendUvarint(buf[:0], uint64(len(c.Values)))
			h.Write(buf)
			for _, v := range c.Values {
				field(v)
			}
			break
		}
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// IncidentID returns the deterministic id of an incident of tenant's
// stream, given as its JSON object (risk.Incident.MarshalJSON): 32 hex
// digits of a SHA-256 over the tenant and the object. An incident raised
// again from the same records has the same object, so the same id.
func IncidentID(tenant string, incident []byte) string {
	h := sha256.New()
	var buf []byte
	for _, s := range []string{"escudo incident v1", tenant} {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		h.Write(buf)
		h.Write([]byte(s))
	}
	h.Write(incident)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}
