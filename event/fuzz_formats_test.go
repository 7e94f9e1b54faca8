package event_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

// The format fuzz targets run FuzzReader's checks with the record format
// set explicitly, seeded with that format's files from testdata/formats
// (whole, gzipped, and cut at a few places), so the fuzzer starts from
// real Graph pages, Azure Monitor documents and Log Analytics rows.

func FuzzReaderGraph(f *testing.F) {
	fuzzFormat(f, event.Graph, "graph.jsonl", "graph-page.json", "graph-array.json")
}

func FuzzReaderAzureMonitor(f *testing.F) {
	fuzzFormat(f, event.AzureMonitor, "azure-monitor-eventhub.json", "azure-monitor-blob.jsonl")
}

func FuzzReaderLogAnalytics(f *testing.F) {
	fuzzFormat(f, event.LogAnalytics, "log-analytics.json", "log-analytics.jsonl")
}

func fuzzFormat(f *testing.F, format event.Format, files ...string) {
	for _, name := range files {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "formats", name))
		if err != nil {
			f.Fatal(err)
		}
		// Whole files are large; the first few records keep the fuzzer fast.
		head := data[:min(len(data), 6000)]
		f.Add(head, uint16(0))
		f.Add(head, uint16(900))
		f.Add(gzipped(f, head), uint16(0))
		if i := bytes.IndexByte(data[100:], '}'); i >= 0 {
			f.Add(data[:100+i], uint16(0)) // cut inside the first record
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		in := input{data: data, plain: data, format: format}
		if bytes.HasPrefix(data, gzipMagic) {
			in.gzip = true
			in.plain = gunzip(t, data)
		}
		records := checkRead(t, in, int(limit))
		checkFraming(t, in, int(limit), records)
	})
}
