package event_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

// readRecords frames every record of r with ReadRecord and returns them,
// each with its own copy of its bytes (Record.Data is valid only until
// the next ReadRecord).
func readRecords(tb testing.TB, r *event.Reader) []event.Record {
	tb.Helper()
	var recs []event.Record
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			tb.Fatal(err)
		}
		rec.Data = bytes.Clone(rec.Data)
		recs = append(recs, rec)
	}
}
