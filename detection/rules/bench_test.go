package rules_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/baseline"
	"github.com/escudo-dev/escudo/internal/sample"
	"github.com/escudo-dev/escudo/internal/signingen"
)

// benchRecords is the size of the generated input: realistic sign-ins
// from internal/signingen (about 2.3 KB each in Graph form).
const benchRecords = 20000

var benchInputs sync.Map // signingen.Format -> []byte, generated once per run

func benchInput(b *testing.B, f signingen.Format) []byte {
	b.Helper()
	if v, ok := benchInputs.Load(f); ok {
		return v.([]byte)
	}
	var buf bytes.Buffer
	if _, err := signingen.Generate(&buf, signingen.Options{N: benchRecords, Seed: 1, Format: f}); err != nil {
		b.Fatal(err)
	}
	benchInputs.Store(f, buf.Bytes())
	return buf.Bytes()
}

func graphInput(b *testing.B) []byte {
	f, err := signingen.ParseFormat("graph")
	if err != nil {
		b.Fatal(err)
	}
	return benchInput(b, f)
}

// BenchmarkBaseline is the consent-denied job done the way a Go user would
// write it by hand: encoding/json into a small struct, a filter, a map for
// the grouping, sorted rows and risk events. Every escudo benchmark in
// this file reads the same input, so their MB/s compare directly.
func BenchmarkBaseline(b *testing.B) {
	input := graphInput(b)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		rows, risks := baseline.ConsentDenied(bytes.NewReader(input))
		if len(rows) == 0 || len(risks) != len(rows) {
			b.Fatalf("baseline found %d rows, %d risk events", len(rows), len(risks))
		}
	}
}

// runBench runs an engine over input once per iteration, end to end: read,
// prefilter, decode, match, group, findings and risk events.
func runBench(b *testing.B, input []byte, opts detection.Options, ds ...detection.Detection[event.SignInEvent]) {
	b.Helper()
	runRules(b, input, opts, of(ds...)...)
}

// runRules is runBench for rules of any event type.
func runRules(b *testing.B, input []byte, opts detection.Options, rs ...detection.Rule) {
	b.Helper()
	eng, err := detection.NewEngine(opts, rs...)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(input)))
		if err != nil {
			b.Fatal(err)
		}
		_ = res.Risk()
	}
}

// BenchmarkConsentDenied is the consent-denied rule end to end on the
// baseline's input: decoding every record, with the prefilter, and with
// two workers.
func BenchmarkConsentDenied(b *testing.B) {
	input := graphInput(b)
	for _, c := range []struct {
		name string
		opts detection.Options
	}{
		{"decode-all/workers=1", detection.Options{DecodeAll: true}},
		{"decode-all/workers=2", detection.Options{DecodeAll: true, Workers: 2}},
		{"default/workers=1", detection.Options{}},
		{"default/workers=2", detection.Options{Workers: 2}},
	} {
		b.Run(c.name, func(b *testing.B) { runBench(b, input, c.opts, rules.O365UserConsentDenied()) })
	}
}

// BenchmarkCatalogue runs the whole catalogue in one pass, and each rule
// alone, over the same sign-ins as Azure Monitor records (the format the
// Azure AD rules read).
func BenchmarkCatalogue(b *testing.B) {
	f, err := signingen.ParseFormat("azure-monitor-lines")
	if err != nil {
		b.Fatal(err)
	}
	input := benchInput(b, f)
	// The whole catalogue (every event type's rules) as `detect` runs it
	// with default flags: one decoding worker per core.
	b.Run("catalogue", func(b *testing.B) {
		runRules(b, input, detection.Options{Workers: runtime.GOMAXPROCS(0)}, rules.All()...)
	})
	b.Run("all", func(b *testing.B) { runBench(b, input, detection.Options{}, rules.SignIns()...) })
	for _, d := range rules.SignIns() {
		b.Run(fmt.Sprintf("alone/%s", sample.Slug(d.Meta().Name)), func(b *testing.B) {
			runBench(b, input, detection.Options{}, d)
		})
	}
}

// BenchmarkCatalogueWorkers runs the whole catalogue with one and two
// workers over the Azure Monitor input.
func BenchmarkCatalogueWorkers(b *testing.B) {
	f, err := signingen.ParseFormat("azure-monitor-lines")
	if err != nil {
		b.Fatal(err)
	}
	input := benchInput(b, f)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			runBench(b, input, detection.Options{Workers: w}, rules.SignIns()...)
		})
	}
}
