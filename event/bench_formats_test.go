package event_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/signingen"
)

// BenchmarkReaderFormats reads the same 5,000 generated sign-ins in every
// layout escudo supports (and gzipped Graph lines), decoding each record.
func BenchmarkReaderFormats(b *testing.B) {
	formats := []string{"graph", "graph-page", "azure-monitor", "azure-monitor-lines", "log-analytics"}
	for _, name := range formats {
		f, err := signingen.ParseFormat(name)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := signingen.Generate(&buf, signingen.Options{N: 5000, Seed: 1, Format: f}); err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) { benchRead(b, buf.Bytes(), int64(buf.Len())) })
		if name == "graph" {
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(buf.Bytes())
			zw.Close()
			// MB/s counts the decompressed bytes, to compare with graph.
			b.Run("graph.gz", func(b *testing.B) { benchRead(b, gz.Bytes(), int64(buf.Len())) })
		}
	}
}

func benchRead(b *testing.B, data []byte, size int64) {
	b.SetBytes(size)
	b.ReportAllocs()
	var ev event.SignInEvent
	for b.Loop() {
		r := event.NewReader(bytes.NewReader(data))
		n := 0
		for {
			err := r.ReadInto(&ev)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 5000 {
			b.Fatalf("read %d records, want 5000", n)
		}
	}
}
