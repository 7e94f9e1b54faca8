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

// FuzzDecodeRiskDetection feeds arbitrary records to DecodeRiskDetection
// in each format and checks its promises: no panic; every failure is a
// *DecodeError located within the record (its line agreeing with its
// offset, its Err a *TypeError or a sentinel) or an *OtherKindError at the
// record's start; a decoded event has an event time in range, every field
// reads without panicking, and Clone copies it exactly.
//
// The seed corpus is every record of the risk detection dataset, framed
// by a Reader, and a few edge cases.
func FuzzDecodeRiskDetection(f *testing.F) {
	for _, rf := range riskFiles {
		file, err := os.Open(riskPath(rf.name))
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
		`{}`, `null`, `[]`, `{"lastUpdatedDateTime":"2025-03-20T22:20:01Z"}`,
		`{"category":"UserRiskEvents","properties":null}`, `{"time":"3/20/2025 10:20:01 PM","properties":{"additionalInfo":[1]}}`,
		`{"TimeGenerated":"2025-03-20T22:20:01Z","Location":"{\"city\":5}","AdditionalInfo":{"a":[1,2]}}`,
		`{"riskEventType":"x","lastUpdatedDateTime":"2025-03-20T22:20:01Z","location":{"geoCoordinates":{"latitude":1e400}}}`,
		"{\"lastUpdatedDateTime\":\"2025-03-20T22:20:01Z\",\"userDisplayName\":\"\xff\",\"riskLevel\":1}",
	} {
		for format := range uint8(4) {
			f.Add([]byte(s), format)
		}
	}
	fields := event.RiskDetectionFieldNames()

	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		rec := event.Record{Data: data, Line: 1, Format: event.Format(format % 4)}
		var ev event.RiskDetectionEvent
		err := event.DecodeRiskDetection("fuzz", rec, &ev)
		var de *event.DecodeError
		var oe *event.OtherKindError
		switch {
		case err == nil:
			if tm := ev.Time(); tm.IsZero() || tm.Year() < 1970 || tm.Year() > 9999 {
				t.Errorf("decoded with event time %v", tm)
			}
			var dst []string
			for _, name := range fields {
				fd, err := event.LookupRiskDetectionField(name)
				if err != nil {
					t.Fatal(err)
				}
				dst = fd.Append(dst[:0], &ev)
			}
			if diff := cmp.Diff(ev, ev.Clone()); diff != "" {
				t.Errorf("Clone differs (-want +got):\n%s", diff)
			}
		case errors.As(err, &de):
			checkFuzzDecodeError(t, de, data, event.ErrNotRiskDetection)
		case errors.As(err, &oe):
			if *oe != (event.OtherKindError{Source: "fuzz", Line: 1, Offset: 0, Kind: oe.Kind}) || oe.Kind == "" {
				t.Errorf("OtherKindError %+v not at the record, or without a kind", *oe)
			}
		default:
			t.Fatalf("error %v (%T) is neither a *DecodeError nor an *OtherKindError", err, err)
		}
	})
}
