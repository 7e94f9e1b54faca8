package event_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// FuzzDecodeGraphActivity feeds arbitrary records to DecodeGraphActivity
// in each format and checks its promises: no panic; every failure is a
// *DecodeError located within the record (its line agreeing with its
// offset, its Err a *TypeError or a sentinel) or an *OtherKindError at the
// record's start; a decoded event has an event time in range, every field
// reads without panicking, and Clone copies it exactly.
//
// The seed corpus is every record of the Graph activity dataset, framed
// by a Reader, and a few edge cases.
func FuzzDecodeGraphActivity(f *testing.F) {
	for _, gf := range graphActivityFiles {
		file, err := os.Open(graphActivityPath(gf.name))
		if err != nil {
			f.Fatal(err)
		}
		r := event.NewReader(file)
		for {
			rec, err := r.ReadRecord()
			if err == io.EOF {
				break
			}
			if err != nil {
				f.Fatal(err)
			}
			f.Add(bytes.Clone(rec.Data), uint8(rec.Format))
		}
		file.Close()
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"time":"2025-03-20T22:15:02Z","properties":{}}`,
		`{"category":"MicrosoftGraphActivityLogs","properties":null}`,
		`{"time":"3/20/2025 10:15:02 PM","properties":{"responseStatusCode":"x"}}`,
		`{"properties":{"timeGenerated":"2025-03-20T22:15:02Z","durationMs":1e3}}`,
		`{"TimeGenerated":"2025-03-20T22:15:02Z","ResponseStatusCode":{"a":1},"Type":"MicrosoftGraphActivityLogs"}`,
		"{\"time\":\"2025-03-20T22:15:02Z\",\"properties\":{\"userAgent\":\"\xff\",\"requestUri\":1}}",
	} {
		for format := range uint8(4) {
			f.Add([]byte(s), format)
		}
	}
	fields := event.GraphActivityFieldNames()

	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		rec := event.Record{Data: data, Line: 1, Format: event.Format(format % 4)}
		var ev event.GraphActivityEvent
		err := event.DecodeGraphActivity("fuzz", rec, &ev)
		var de *event.DecodeError
		var oe *event.OtherKindError
		switch {
		case err == nil:
			if tm := ev.Time(); tm.IsZero() || tm.Year() < 1970 || tm.Year() > 9999 {
				t.Errorf("decoded with event time %v", tm)
			}
			var dst []string
			for _, name := range fields {
				fd, err := event.LookupGraphActivityField(name)
				if err != nil {
					t.Fatal(err)
				}
				dst = fd.Append(dst[:0], &ev)
			}
			if diff := cmp.Diff(ev, ev.Clone()); diff != "" {
				t.Errorf("Clone differs (-want +got):\n%s", diff)
			}
		case errors.As(err, &de):
			checkFuzzDecodeError(t, de, data, event.ErrNotGraphActivity)
		case errors.As(err, &oe):
			if *oe != (event.OtherKindError{Source: "fuzz", Line: 1, Offset: 0, Kind: oe.Kind}) || oe.Kind == "" {
				t.Errorf("OtherKindError %+v not at the record, or without a kind", *oe)
			}
		default:
			t.Fatalf("error %v (%T) is neither a *DecodeError nor an *OtherKindError", err, err)
		}
	})
}

// checkFuzzDecodeError checks a *DecodeError of a fuzzed record: its
// source, its offset within the record, its line agreeing with the
// offset, and its Err a *TypeError or one of the sentinels (notType being
// the decoder's own).
func checkFuzzDecodeError(t *testing.T, de *event.DecodeError, data []byte, notType error) {
	t.Helper()
	if de.Source != "fuzz" || de.Err == nil {
		t.Fatalf("%v: Source %q, Err %v", de, de.Source, de.Err)
	}
	if de.Offset < 0 || de.Offset > int64(len(data)) {
		t.Fatalf("%v: Offset %d outside the record (0..%d)", de, de.Offset, len(data))
	}
	if lines := bytes.Count(data[:de.Offset], []byte("\n")) + 1; de.Line != lines {
		t.Errorf("%v: Line = %d, but Offset %d is on line %d", de, de.Line, de.Offset, lines)
	}
	var te *event.TypeError
	if !errors.As(de.Err, &te) && !errors.Is(de.Err, event.ErrSyntax) && !errors.Is(de.Err, event.ErrNotObject) &&
		!errors.Is(de.Err, event.ErrMissingTime) && !errors.Is(de.Err, event.ErrTimeRange) && !errors.Is(de.Err, notType) {
		t.Errorf("%v: Err (%T) is neither a *TypeError nor one of the sentinels", de, de.Err)
	}
}
