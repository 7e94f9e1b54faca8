package event_test

import (
	"os"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

// BenchmarkDecodeAudit decodes the audit dataset's records in each format,
// framed once beforehand, so that it measures decoding alone.
func BenchmarkDecodeAudit(b *testing.B) {
	for _, af := range auditFiles {
		file, err := os.Open(auditPath(af.name))
		if err != nil {
			b.Fatal(err)
		}
		recs := readRecords(b, event.NewReader(file))
		var size int64
		for _, rec := range recs {
			size += int64(len(rec.Data))
		}
		file.Close()
		b.Run(af.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var ev event.AuditEvent
			for b.Loop() {
				for _, rec := range recs {
					if err := event.DecodeAudit(af.name, rec, &ev); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
