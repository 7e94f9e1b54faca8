package event_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

// FuzzReader feeds arbitrary bytes to a Reader, optionally with a small
// record size limit (limit 0 means the default), and checks the reader's
// promises: no panic, every failure is a located *DecodeError, reading goes
// on to io.EOF, and every record is counted as decoded or bad.
//
// The seed corpus is in testdata/fuzz/FuzzReader; the sample sign-ins and a
// nesting bomb are added here.
func FuzzReader(f *testing.F) {
	if sample, err := os.ReadFile("../testdata/consentdenied/signins.jsonl"); err == nil {
		f.Add(sample, uint16(0))
		f.Add(sample, uint16(700))
	} else {
		f.Logf("sample not added: %v", err)
	}
	f.Add([]byte(`{"x":`+strings.Repeat("[", 10050)+strings.Repeat("]", 10050)+`}`), uint16(0))
	f.Add([]byte(strings.Repeat("{\"a\":", 12000)), uint16(0))

	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		records := checkRead(t, data, int(limit))
		checkFraming(t, data, int(limit), records)
	})
}

// checkRead reads data to the end with Read, going past bad records, and
// returns the number of records read.
func checkRead(t *testing.T, data []byte, limit int) int64 {
	r := event.NewReader(bytes.NewReader(data))
	r.Name = "fuzz"
	r.MaxRecordSize = limit
	var decoded, bad int64
	// Every Read consumes at least one line, and data has at most
	// len(data)+1 lines; more calls than that means Read is stuck.
	for calls := 0; ; calls++ {
		if calls > len(data)+1 {
			t.Fatalf("no io.EOF after %d calls to Read", calls)
		}
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			checkDecodeError(t, data, err)
			bad++
			continue
		}
		decoded++
	}
	got := r.Counts()
	want := event.Counts{Records: decoded + bad, Decoded: decoded, Bad: bad}
	if got != want {
		t.Errorf("Counts() = %+v, want %+v (from the results of Read)", got, want)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("Read after io.EOF = %v, want io.EOF", err)
	}
	return got.Records
}

// checkDecodeError checks that err is a *DecodeError whose position is
// within data and whose line agrees with its offset.
func checkDecodeError(t *testing.T, data []byte, err error) {
	t.Helper()
	var de *event.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("Read error %v (%T) is not a *DecodeError", err, err)
	}
	if de.Source != "fuzz" {
		t.Errorf("%v: Source = %q, want %q", err, de.Source, "fuzz")
	}
	if de.Err == nil {
		t.Fatalf("DecodeError %+v has a nil Err", *de)
	}
	if de.Offset < 0 || de.Offset > int64(len(data)) {
		t.Fatalf("%v: Offset %d outside the input (0..%d)", err, de.Offset, len(data))
	}
	if de.Line < 1 {
		t.Errorf("%v: Line %d < 1", err, de.Line)
	}
	if lines := bytes.Count(data[:de.Offset], []byte("\n")) + 1; de.Line != lines {
		t.Errorf("%v: Line = %d, but Offset %d is on line %d", err, de.Line, de.Offset, lines)
	}
	var te *event.TypeError
	if !errors.As(err, &te) && !errors.Is(err, event.ErrSyntax) && !errors.Is(err, event.ErrNotObject) &&
		!errors.Is(err, event.ErrMissingTime) && !errors.Is(err, event.ErrTooLong) {
		t.Errorf("%v: Err (%T) is neither a *TypeError nor one of the sentinels", err, de.Err)
	}
}

// checkFraming reads data with ReadRecord and checks that each record is
// the bytes found at its offset, on the line it claims, and that framing
// finds as many records as Read counted.
func checkFraming(t *testing.T, data []byte, limit int, records int64) {
	r := event.NewReader(bytes.NewReader(data))
	r.Name = "fuzz"
	r.MaxRecordSize = limit
	var n int64
	for calls := 0; ; calls++ {
		if calls > len(data)+1 {
			t.Fatalf("no io.EOF after %d calls to ReadRecord", calls)
		}
		rec, err := r.ReadRecord()
		if err == io.EOF {
			break
		}
		n++
		if err != nil {
			if !errors.Is(err, event.ErrTooLong) {
				t.Fatalf("ReadRecord error %v is not ErrTooLong", err)
			}
			checkDecodeError(t, data, err)
			continue
		}
		end := rec.Offset + int64(len(rec.Data))
		if rec.Offset < 0 || end > int64(len(data)) {
			t.Fatalf("record at %d..%d outside the input (0..%d)", rec.Offset, end, len(data))
		}
		if !bytes.Equal(rec.Data, data[rec.Offset:end]) {
			t.Errorf("record %q differs from the input at its offset %d: %q", rec.Data, rec.Offset, data[rec.Offset:end])
		}
		if lines := bytes.Count(data[:rec.Offset], []byte("\n")) + 1; rec.Line != lines {
			t.Errorf("record at offset %d: Line = %d, want %d", rec.Offset, rec.Line, lines)
		}
		if bytes.IndexByte(rec.Data, '\n') >= 0 {
			t.Errorf("record at offset %d holds a newline: %q", rec.Offset, rec.Data)
		}
	}
	if got := r.Counts().Records; got != n || n != records {
		t.Errorf("ReadRecord returned %d records and errors, Counts().Records = %d, Read saw %d records", n, got, records)
	}
}
