package kafka

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// piece is one call of splitTenants' fn.
type piece struct {
	Tenant string
	Data   string
}

func split(value []byte, key string) []piece {
	var out []piece
	splitTenants(value, key, func(tenant string, data []byte) {
		out = append(out, piece{tenant, string(data)})
	})
	return out
}

func document(recs ...[]byte) []byte {
	return append(append([]byte(`{"records":[`), bytes.Join(recs, []byte(","))...), "]}"...)
}

func TestSplitTenantsOneTenantDocument(t *testing.T) {
	docs := lines(t, eventHubFile)
	if len(docs) != 2 {
		t.Fatalf("%s: %d documents, want 2", eventHubFile, len(docs))
	}
	for i, doc := range docs {
		var calls int
		splitTenants(doc, "key", func(tenant string, data []byte) {
			calls++
			if tenant != formatsTenant {
				t.Errorf("document %d: tenant %q, want %q", i+1, tenant, formatsTenant)
			}
			if len(data) != len(doc) || &data[0] != &doc[0] {
				t.Errorf("document %d: fn got %d bytes, not the value itself (%d bytes)", i+1, len(data), len(doc))
			}
		})
		if calls != 1 {
			t.Errorf("document %d: fn called %d times, want once", i+1, calls)
		}
	}
	// The pretty-printed, comma-separated records of one tenant go whole too.
	pretty := readFile(t, prettyFile)
	want := []piece{{formatsTenant, string(pretty)}}
	if diff := cmp.Diff(want, split(pretty, "key")); diff != "" {
		t.Errorf("%s (-want +got):\n%s", prettyFile, diff)
	}
}

func TestSplitTenantsTwoTenantDocument(t *testing.T) {
	a := lines(t, signInsFile)      // tenant signInTenant
	b := lines(t, logAnalyticsFile) // tenant formatsTenant (AADTenantId)
	g := lines(t, graphFile)        // no tenant: the key's
	doc := document(a[0], b[0], a[1], g[0], b[1])
	want := []piece{
		{signInTenant, string(a[0])},
		{formatsTenant, string(b[0])},
		{signInTenant, string(a[1])},
		{"key", string(g[0])},
		{formatsTenant, string(b[1])},
	}
	if diff := cmp.Diff(want, split(doc, "key")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// The same, pretty-printed: the records are cut out as they are.
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, doc, "", "  "); err != nil {
		t.Fatal(err)
	}
	got := split(pretty.Bytes(), "key")
	if len(got) != len(want) {
		t.Fatalf("pretty: %d pieces, want %d", len(got), len(want))
	}
	for i, p := range got {
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(p.Data)); err != nil {
			t.Fatalf("pretty piece %d: %v", i, err)
		}
		if p.Tenant != want[i].Tenant || compact.String() != want[i].Data {
			t.Errorf("pretty piece %d: tenant %q, want %q; same record: %v", i, p.Tenant, want[i].Tenant, compact.String() == want[i].Data)
		}
		if !bytes.Contains(pretty.Bytes(), []byte(p.Data)) {
			t.Errorf("pretty piece %d is not a part of the value", i)
		}
	}
}

func TestSplitTenantsJSONLines(t *testing.T) {
	a := lines(t, signInsFile)
	b := lines(t, logAnalyticsFile)
	g := lines(t, graphFile)

	one := bytes.Join([][]byte{a[0], a[1], a[2], nil}, []byte("\n"))
	if diff := cmp.Diff([]piece{{signInTenant, string(one)}}, split(one, "key")); diff != "" {
		t.Errorf("one tenant (-want +got):\n%s", diff)
	}

	two := bytes.Join([][]byte{a[0], b[0], a[1]}, []byte("\r\n"))
	want := []piece{{signInTenant, string(a[0])}, {formatsTenant, string(b[0])}, {signInTenant, string(a[1])}}
	if diff := cmp.Diff(want, split(two, "key")); diff != "" {
		t.Errorf("two tenants (-want +got):\n%s", diff)
	}

	// Documents and lone records side by side.
	mixed := bytes.Join([][]byte{document(a[0], a[1]), b[0], document(g[0])}, []byte("\n"))
	want = []piece{{signInTenant, string(a[0])}, {signInTenant, string(a[1])}, {formatsTenant, string(b[0])}, {"key", string(g[0])}}
	if diff := cmp.Diff(want, split(mixed, "key")); diff != "" {
		t.Errorf("documents and records (-want +got):\n%s", diff)
	}
}

func TestSplitTenantsKey(t *testing.T) {
	g := lines(t, graphFile)
	// Graph records name no tenant: they go whole to the key, even when
	// the key is the tenant of none of them.
	value := bytes.Join(g[:3], []byte("\n"))
	if diff := cmp.Diff([]piece{{"key-tenant", string(value)}}, split(value, "key-tenant")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A record of the key's tenant and one naming none stay together.
	a := lines(t, signInsFile)
	value = document(a[0], g[0])
	if diff := cmp.Diff([]piece{{signInTenant, string(value)}}, split(value, signInTenant)); diff != "" {
		t.Errorf("key is the record's tenant (-want +got):\n%s", diff)
	}
	for _, v := range []string{``, ` `, "\n", `{"records":[]}`} {
		if diff := cmp.Diff([]piece{{"k", v}}, split([]byte(v), "k")); diff != "" {
			t.Errorf("%q (-want +got):\n%s", v, diff)
		}
	}
}

func TestSplitTenantsMalformed(t *testing.T) {
	a := lines(t, signInsFile)
	b := lines(t, logAnalyticsFile)
	for _, tc := range []struct {
		name  string
		value []byte
		want  string // tenant of the whole value
	}{
		{"truncated second record", append(append(bytes.Clone(a[0]), '\n'), b[0][:len(b[0])/2]...), signInTenant},
		// A document that does not scan goes whole to its first record's
		// tenant, found as the one pass went into it.
		{"truncated document", document(a[0], b[0])[:len(a[0])+len(b[0])/2], signInTenant},
		{"unterminated string first", []byte(`{"tenantId":"x`), "key"},
		{"open object", []byte(`{"a":`), "key"},
		{"bad element", append(document(a[0], b[0])[:len(a[0])+12], `,{"a":1 "b"]}`...), signInTenant},
	} {
		want := []piece{{tc.want, string(tc.value)}}
		if diff := cmp.Diff(want, split(tc.value, "key")); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestSplitTenantsTerminates gives eachRecord values with a stray closing
// bracket at the top level: it must end, having called fn at most once
// per byte.
func TestSplitTenantsTerminates(t *testing.T) {
	for _, v := range []string{`}`, `]`, ` ] `, `{"tenantId":"t"}}`, `[1]]`, `{"records":[]}]`, "{}\n}\n{}"} {
		t.Run(fmt.Sprintf("%q", v), func(t *testing.T) {
			errLoop := errors.New("loops")
			defer func() {
				if r := recover(); r == errLoop {
					t.Errorf("eachRecord(%q) does not end: fn called more than %d times (splitTenants, and Runner.feed, hang on this message, growing memory)", v, len(v)+1)
				} else if r != nil {
					panic(r)
				}
			}()
			calls := 0
			eachRecord([]byte(v), func([]byte) {
				if calls++; calls > len(v)+1 {
					panic(errLoop)
				}
			})
		})
	}
}

func TestInputLocate(t *testing.T) {
	msgs := []struct {
		offset int64
		data   string
	}{
		{100, "a"},
		{101, "b1\nb2\nb3"}, // pretty-printed: three lines
		{105, "c"},
		{106, "d1\n"}, // ends in a newline: two lines, the second empty
		{107, ""},     // empty: one (empty) line
		{110, "e1\r\ne2"},
	}
	var b input
	var want []byte
	type at struct {
		offset int64
		line   int
	}
	var wantAt []at // by batch line - 1
	for _, m := range msgs {
		b.add([]byte(m.data), m.offset)
		want = append(append(want, m.data...), '\n')
		for l := range bytes.Count([]byte(m.data), []byte("\n")) + 1 {
			wantAt = append(wantAt, at{m.offset, l + 1})
		}
	}
	if string(b.bytes()) != string(want) {
		t.Fatalf("buf = %q, want %q", b.bytes(), want)
	}
	bufLines := bytes.Split(bytes.TrimSuffix(b.bytes(), []byte("\n")), []byte("\n"))
	if b.lines != len(bufLines) || len(wantAt) != len(bufLines) {
		t.Fatalf("lines = %d, buf has %d, messages %d", b.lines, len(bufLines), len(wantAt))
	}
	for i, w := range wantAt {
		off, line := b.locate(i + 1)
		if off != w.offset || line != w.line {
			t.Errorf("locate(%d) = (%d, %d), want (%d, %d)", i+1, off, line, w.offset, w.line)
			continue
		}
		// The line is that line of that message.
		for _, m := range msgs {
			if m.offset == off {
				if got, want := string(bufLines[i]), string(bytes.Split([]byte(m.data), []byte("\n"))[line-1]); got != want {
					t.Errorf("batch line %d is %q, but line %d of message %d is %q", i+1, got, line, off, want)
				}
			}
		}
	}
	// Lines past the end are the last message's; lines before the first, none.
	if off, line := b.locate(len(wantAt) + 3); off != 110 || line != 5 {
		t.Errorf("locate(past end) = (%d, %d), want (110, 5)", off, line)
	}
	if off, line := b.locate(0); off != -1 || line != 0 {
		t.Errorf("locate(0) = (%d, %d), want (-1, 0)", off, line)
	}
	var empty input
	if off, line := empty.locate(1); off != -1 || line != 1 {
		t.Errorf("empty input: locate(1) = (%d, %d), want (-1, 1)", off, line)
	}
}

// TestBatchLocateReader reads a batch of compact and pretty-printed
// messages with the event reader, input by input as Runner.feed does,
// and locates each record it returns: its message is the one holding the
// record's first byte, its line that byte's line within the message.
func TestBatchLocateReader(t *testing.T) {
	a := lines(t, signInsFile)
	indent := func(v []byte) []byte {
		var buf bytes.Buffer
		if err := json.Indent(&buf, v, "", "    "); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	msgs := [][]byte{
		indent(a[1]),
		a[0],
		indent(document(a[2], a[3], a[4])),
		document(a[5], a[6]),
		document(a[7]),
		a[8],
		a[9],
	}
	var b batch
	type start struct {
		in     *input
		byteAt int
		offset int64
	}
	var starts []start
	for i, m := range msgs {
		b.add(m, int64(1000+10*i))
		in := b.inputs[len(b.inputs)-1]
		starts = append(starts, start{in, len(in.bytes()) - len(m) - 1, int64(1000 + 10*i)})
	}
	if len(b.inputs) != 5 {
		t.Errorf("%d inputs, want 5: pretty, compact record, pretty document, two compact documents, two compact records", len(b.inputs))
	}
	n := 0
	for _, in := range b.inputs {
		rd := event.NewReader(bytes.NewReader(in.bytes()))
		for {
			rec, err := rd.ReadRecord()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
			var holder *start
			for i := range starts {
				if s := &starts[i]; s.in == in && s.byteAt <= int(rec.Offset) {
					holder = s
				}
			}
			wantLine := bytes.Count(in.bytes()[holder.byteAt:rec.Offset], []byte("\n")) + 1
			off, line := in.locate(rec.Line)
			if off != holder.offset || line != wantLine {
				t.Errorf("record %d (input line %d): locate = (%d, %d), want (%d, %d)", n, rec.Line, off, line, holder.offset, wantLine)
			}
		}
	}
	if n != 10 {
		t.Errorf("read %d records, want 10", n)
	}
}

func TestWhere(t *testing.T) {
	if got, want := where("in", 3, 1234, 7), "in/3@1234:7"; got != want {
		t.Errorf("where = %q, want %q", got, want)
	}
}

// records reads the records of an input with the event reader.
func records(t *testing.T, input []byte) []string {
	t.Helper()
	rd := event.NewReader(bytes.NewReader(input))
	var out []string
	for {
		rec, err := rd.ReadRecord()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, rec.Data); err != nil {
			out = append(out, "not JSON: "+string(rec.Data))
			continue
		}
		out = append(out, compact.String())
	}
}

// TestBatchReadsAsMessages holds a batch to what Runner.feed needs of it:
// the reader reads from it the records of its messages, each message as
// it reads alone, whatever messages come before it in the poll.
func TestBatchReadsAsMessages(t *testing.T) {
	a := lines(t, signInsFile)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, a[1], "", "  "); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		msgs [][]byte
	}{
		{"pretty then compact", [][]byte{pretty.Bytes(), a[0]}},
		{"compact then pretty document", [][]byte{a[0], append([]byte("{\n  \"records\": [\n"), append(pretty.Bytes(), "\n]}"...)...)}},
		{"compact then pretty record", [][]byte{a[0], pretty.Bytes()}},
	} {
		var b batch
		var want []string
		for i, m := range tc.msgs {
			b.add(m, int64(i))
			want = append(want, records(t, m)...)
		}
		var got []string
		for _, in := range b.inputs {
			got = append(got, records(t, in.bytes())...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the batch reads otherwise than its messages (-messages +batch):\n%.2000s", tc.name, diff)
		}
	}
}
