package event_test

import (
	"bytes"
	"testing"

	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/signingen"
)

// BenchmarkProjectSignIns decodes the same generated sign-ins whole and
// projected onto the consent-denied rule's fields, in Graph and Azure
// Monitor lines: the cost of decoding only what the rules read, against
// decoding everything, in one run.
func BenchmarkProjectSignIns(b *testing.B) {
	consent := []string{"userPrincipalName", "ipAddress", "appDisplayName", "status.failureReason", "status.errorCode"}
	for _, format := range []string{"graph", "azure-monitor-lines"} {
		f, err := signingen.ParseFormat(format)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := signingen.Generate(&buf, signingen.Options{N: 2000, Seed: 1, Format: f}); err != nil {
			b.Fatal(err)
		}
		r := event.NewReader(bytes.NewReader(buf.Bytes()))
		recs := readRecords(b, r)
		proj, err := event.ProjectSignIns(consent)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			decode func(*event.Reader, event.Record, *event.SignInEvent) error
		}{{"full", (*event.Reader).Decode}, {"projected", proj}} {
			b.Run(format+"/"+c.name, func(b *testing.B) {
				b.SetBytes(int64(buf.Len()))
				b.ReportAllocs()
				var ev event.SignInEvent
				for b.Loop() {
					for _, rec := range recs {
						if err := c.decode(r, rec, &ev); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
