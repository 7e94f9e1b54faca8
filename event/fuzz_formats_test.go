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
		in := newInput(t, data, format)
		records := checkRead(t, in, int(limit))
		checkFraming(t, in, int(limit), records)
	})
}

// FuzzReaderLayouts covers the layouts of other tools' exports:
// pretty-printed and concatenated objects (jq, portal copies), UTF-16
// with and without a byte-order mark (PowerShell 5.1), and CSV exports
// (Log Analytics, the Entra admin center), with the format detected.
func FuzzReaderLayouts(f *testing.F) {
	for _, name := range []string{"graph-pretty.json", "azure-monitor-pretty.json", "graph-powershell.json", "azure-monitor-utf16be.jsonl", "log-analytics.csv", "entra-admin-center.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "formats", name))
		if err != nil {
			f.Fatal(err)
		}
		head := data[:min(len(data), 8000)]
		f.Add(head, uint16(0))
		f.Add(head, uint16(700))
		if len(head) > 2 && head[0] == 0xFF { // UTF-16LE without its byte-order mark
			f.Add(head[2:], uint16(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		in := newInput(t, data, event.Auto)
		records := checkRead(t, in, int(limit))
		checkFraming(t, in, int(limit), records)
	})
}
