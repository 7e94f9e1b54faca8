package event

import (
	"bytes"
	stdjson "encoding/json"
	"testing"

	"github.com/escudo-dev/escudo/internal/signingen"
	json "github.com/goccy/go-json"
)

// BenchmarkWellFormed checks generated sign-ins, one record at a time as
// a prefilter passes over them, with escudo's scanner, goccy's Valid and
// encoding/json's Valid. MB/s counts the records' bytes.
func BenchmarkWellFormed(b *testing.B) {
	for _, format := range []string{"graph", "azure-monitor-lines", "log-analytics"} {
		records := generatedRecords(b, format, 2000)
		size := int64(0)
		for _, r := range records {
			size += int64(len(r))
		}
		for _, v := range []struct {
			name  string
			valid func([]byte) bool
		}{
			{"escudo", wellFormed},
			{"goccy", json.Valid},
			{"encoding-json", stdjson.Valid},
		} {
			b.Run(format+"/"+v.name, func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					for _, r := range records {
						if !v.valid(r) {
							b.Fatalf("%s refuses a generated record", v.name)
						}
					}
				}
			})
		}
	}
}

// generatedRecords returns n generated sign-ins in a line format, one
// record a line.
func generatedRecords(tb testing.TB, format string, n int) [][]byte {
	f, err := signingen.ParseFormat(format)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := signingen.Generate(&buf, signingen.Options{N: n, Seed: 1, Format: f}); err != nil {
		tb.Fatal(err)
	}
	var records [][]byte
	for line := range bytes.Lines(buf.Bytes()) {
		if line = bytes.TrimRight(line, "\r\n"); len(line) > 0 {
			records = append(records, line)
		}
	}
	if len(records) != n {
		tb.Fatalf("%d records of %s, want %d", len(records), format, n)
	}
	return records
}
