package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/cli/clitest"
	"github.com/escudo-dev/escudo/internal/sample"
)

// eventTypeOf names the event type whose schema accepts an Azure Monitor
// category, as the engine routes records.
func eventTypeOf(category string) string {
	for _, s := range []struct {
		name    string
		accepts func(string) bool
	}{
		{(*event.SignInEvent)(nil).Schema().Name, (*event.SignInEvent)(nil).Schema().Accepts},
		{(*event.AuditEvent)(nil).Schema().Name, (*event.AuditEvent)(nil).Schema().Accepts},
		{(*event.RiskDetectionEvent)(nil).Schema().Name, (*event.RiskDetectionEvent)(nil).Schema().Accepts},
		{(*event.GraphActivityEvent)(nil).Schema().Name, (*event.GraphActivityEvent)(nil).Schema().Accepts},
	} {
		if s.accepts(category) {
			return s.name
		}
	}
	return ""
}

// TestMixedExport runs the whole catalogue, strict, over one Azure
// Monitor export that interleaves every rule's sample records, of every
// event type, half as records on their own lines and half in
// {"records": [...]} documents of ten, one a line, as blob lines and
// Event Hubs messages gathered in one file would be. It must exit 0 and give, for each rule, exactly the findings
// the rule gives over the records of its own event types alone.
func TestMixedExport(t *testing.T) {
	// The Azure Monitor records of every rule's sample, and of the
	// sign-in and audit datasets (whose records are those of the
	// samples written as Graph objects).
	var lines [][]byte
	paths := []string{clitest.Formats("azure-monitor-blob.jsonl"), clitest.Formats("audit/azure-monitor.jsonl")}
	for _, d := range rules.All() {
		paths = append(paths, sample.Path(sample.Dir(d.Meta().Name)+"/"+sample.File(d.EventType())))
	}
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			if bytes.Contains(l, []byte(`"category":`)) { // not a Graph object
				lines = append(lines, l)
			}
		}
	}
	// Interleave: record i of the export is line i*7 mod n of the samples
	// (7 is prime to n unless n is a multiple of 7: then a stride of 1).
	n, stride := len(lines), 7
	if n%7 == 0 {
		stride = 1
	}
	byType := map[string][][]byte{}
	var mixed []byte
	var doc [][]byte
	flush := func() {
		if len(doc) > 0 {
			mixed = append(append(append(mixed, `{"records":[`...), bytes.Join(doc, []byte(","))...), "]}\n"...)
			doc = doc[:0]
		}
	}
	for i := range n {
		l := lines[i*stride%n]
		var rec struct{ Category string }
		if err := json.Unmarshal(l, &rec); err != nil {
			t.Fatal(err)
		}
		typ := eventTypeOf(rec.Category)
		if typ == "" {
			continue // a near miss of another kind (RiskyUsers): not an event of any rule
		}
		byType[typ] = append(byType[typ], l)
		if (i/10)%2 == 0 {
			mixed = append(append(mixed, l...), '\n')
			continue
		}
		if doc = append(doc, l); len(doc) == 10 {
			flush()
		}
	}
	flush()
	if len(byType) < 2 {
		t.Fatalf("the samples hold %d event types; the test needs several", len(byType))
	}
	all := perRule(t, clitest.Write(t, "mixed.json", mixed))
	for _, d := range rules.All() {
		m := d.Meta()
		name, search := m.Name, m.SearchName()
		var alone []byte
		for _, typ := range strings.Split(d.EventType(), "+") {
			for _, l := range byType[typ] {
				alone = append(append(alone, l...), '\n')
			}
		}
		want := perRule(t, clitest.Write(t, "alone.jsonl", alone), "-rules", sample.Slug(name))
		if len(want[search]) == 0 {
			t.Errorf("%s: no finding over the records of its type; the test needs one", name)
		}
		if diff := cmp.Diff(want[search], all[search]); diff != "" {
			t.Errorf("%s: findings over the mixed export differ from those over its %s records alone (-alone +mixed):\n%s", name, d.EventType(), diff)
		}
	}
}

// perRule runs the program with -json in strict mode and returns its
// findings (JSON lines) by search_name; anything but exit 0 with nothing on stderr
// fails the test.
func perRule(t *testing.T, file string, args ...string) map[string][]string {
	t.Helper()
	out, errOut, code := clitest.Run(program(), append(append([]string{"-json"}, args...), file)...)
	if code != 0 || errOut != "" {
		t.Fatalf("detect %s: exit %d, stderr:\n%s", strings.Join(append(args, file), " "), code, errOut)
	}
	got := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var f struct {
			SearchName string `json:"search_name"`
		}
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got[f.SearchName] = append(got[f.SearchName], l)
	}
	return got
}
