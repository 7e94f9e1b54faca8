package event

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"
)

// TestAcceptsAuditKind checks the routing helper against KindOf on real
// records: every record of the audit dataset is accepted, in every
// format, and no record of the sign-in datasets is, nor the other
// categories of the mixed stream.
func TestAcceptsAuditKind(t *testing.T) {
	read := func(path string) []Record {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := NewReader(f)
		var recs []Record
		for {
			rec, err := r.ReadRecord()
			if err == io.EOF {
				return recs
			}
			if err != nil {
				t.Fatal(err)
			}
			rec.Data = bytes.Clone(rec.Data)
			recs = append(recs, rec)
		}
	}
	formats := filepath.Join("..", "testdata", "formats")
	for _, name := range []string{"graph.jsonl", "graph-page.json", "azure-monitor.jsonl", "azure-monitor-eventhub.json", "log-analytics.json"} {
		for i, rec := range read(filepath.Join(formats, "audit", name)) {
			if k := KindOf(rec); !acceptsAuditKind(k) {
				t.Errorf("audit/%s record %d: kind %q not accepted", name, i+1, k)
			}
		}
	}
	for _, name := range []string{"graph.jsonl", "azure-monitor-blob.jsonl", "log-analytics.json", "azure-monitor-mixed.jsonl"} {
		audits := 0
		for _, rec := range read(filepath.Join(formats, name)) {
			if acceptsAuditKind(KindOf(rec)) {
				audits++
			}
		}
		want := 0
		if name == "azure-monitor-mixed.jsonl" {
			want = 2 // its two AuditLogs records
		}
		if audits != want {
			t.Errorf("%s: %d records accepted as audit entries, want %d", name, audits, want)
		}
	}
	if acceptsAuditKind("") {
		t.Error(`acceptsAuditKind("") = true; the kind "" is the sign-ins'`)
	}
	// Every kind an audit entry's schema accepts is refused by the sign-ins'.
	signIn := (*SignInEvent)(nil).Schema()
	for _, k := range []string{"directoryAudit", "AuditLogs"} {
		if !acceptsAuditKind(k) || signIn.Accepts(k) {
			t.Errorf("kind %q: audit accepts %v, sign-in accepts %v; want true, false", k, acceptsAuditKind(k), signIn.Accepts(k))
		}
	}
}

// TestDecodeAuditFrom checks the Reader's fix-ups: a *DecodeError of a
// UTF-16 input says so.
func TestDecodeAuditFrom(t *testing.T) {
	text := `{"activityDateTime":"2025-03-14T09:24:58Z","result":5}` + "\n"
	units := utf16.Encode([]rune(text))
	data := []byte{0xFF, 0xFE}
	for _, u := range units {
		data = append(data, byte(u), byte(u>>8))
	}
	r := NewReader(bytes.NewReader(data))
	r.Name = "audit.json"
	rec, err := r.ReadRecord()
	if err != nil {
		t.Fatal(err)
	}
	var ev AuditEvent
	err = decodeAuditFrom(r, rec, &ev)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("decodeAuditFrom = %v, want a *DecodeError", err)
	}
	if de.Encoding != UTF16LE || de.Source != "audit.json" || de.Path != "result" || de.Offset != int64(len(text)-3) {
		t.Errorf("DecodeError = %+v, want UTF-16LE, audit.json, result, offset %d", *de, len(text)-3)
	}
}
