package rules_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
)

// TestRunLazyOverSamples runs the whole catalogue over every rule's
// sample, with Run and with RunLazy: the lazy result's All must yield
// exactly Run's findings, in order, and its Risk Run's risk events.
func TestRunLazyOverSamples(t *testing.T) {
	all := rules.All()
	eng, err := detection.NewEngine(detection.Options{}, all...)
	if err != nil {
		t.Fatal(err)
	}
	inputs := func() []*event.Reader {
		var rs []*event.Reader
		for _, d := range all {
			f, err := os.Open(testdata(sample.Slug(d.Meta().Name), sampleFile(d)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { f.Close() })
			rs = append(rs, event.NewReader(f))
		}
		return rs
	}
	want, err := eng.Run(context.Background(), inputs()...)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := eng.RunLazy(context.Background(), inputs()...)
	if err != nil {
		t.Fatal(err)
	}
	var got []detection.Finding
	for f, err := range lazy.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f)
	}
	if len(want.Findings) == 0 || !reflect.DeepEqual(got, want.Findings) {
		t.Fatalf("RunLazy's All yields %d findings, Run finds %d, or they differ", len(got), len(want.Findings))
	}
	seen := make(map[string]bool)
	for _, f := range got {
		seen[f.Detection] = true
	}
	if len(seen) != len(all) {
		t.Errorf("findings of %d detections, want every one of the %d", len(seen), len(all))
	}
	if !reflect.DeepEqual(lazy.Risk(), want.Risk()) {
		t.Errorf("RunLazy's Risk differs from Run's")
	}
}
