package detection_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// runLazy is runOn with RunLazy.
func runLazy(t *testing.T, opts detection.Options, input string, ds ...detection.Detection[event.SignInEvent]) (*detection.Result, error) {
	t.Helper()
	eng, err := detection.NewEngine(opts, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(strings.NewReader(input))
	r.Name = "in.jsonl"
	return eng.RunLazy(context.Background(), r)
}

// TestRunLazyPanicStages is TestEnginePanicStages for RunLazy: the
// detection whose Then stage or suppression hook panics yields its
// *PanicError once and no finding; the other yields its findings.
func TestRunLazyPanicStages(t *testing.T) {
	var in strings.Builder
	for i := range 9 {
		in.WriteString(line("u"+itoa(i)+"@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"))
	}
	other := consentRule()
	other.name = "other"
	thenPanics := consentRule()
	thenPanics.group.Then = func([]detection.Finding) []detection.Finding { panic("then boom") }
	calls := 0
	suppress := detection.Options{Suppress: map[string]func(detection.Finding) bool{"consent": func(detection.Finding) bool {
		if calls++; calls == 6 {
			panic("hook boom") // after five findings were kept
		}
		return false
	}}}
	tests := []struct {
		name      string
		det       rule
		opts      detection.Options
		wantStage string
	}{
		{"then", thenPanics, detection.Options{}, detection.StageThen},
		{"suppress", consentRule(), suppress, detection.StageSuppress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := runLazy(t, tt.opts, in.String(), tt.det, other)
			if err != nil {
				t.Fatalf("RunLazy: %v; a Then or suppression panic is All's to report", err)
			}
			var panics, others int
			for f, err := range res.All() {
				var pe *detection.PanicError
				switch {
				case errors.As(err, &pe):
					if pe.Detection != "consent" || pe.Stage != tt.wantStage || !reflect.DeepEqual(f, detection.Finding{}) {
						t.Errorf("All yields %+v with %v, want a zero finding and consent's %s panic", f, err, tt.wantStage)
					}
					panics++
				case err != nil:
					t.Errorf("All yields error %v", err)
				case f.Detection == "other":
					others++
				default:
					t.Errorf("All yields a finding of %q, which panicked", f.Detection)
				}
			}
			if panics != 1 || others != 9 {
				t.Errorf("All yields %d panics and %d findings of the other detection, want 1 and 9", panics, others)
			}
		})
	}
}

// TestRunLazyMatchesRun checks that a lazy result's All yields what Run
// puts in Findings, twice over, that its Risk is Run's, and that All
// stops when the loop breaks.
func TestRunLazyMatchesRun(t *testing.T) {
	var in strings.Builder
	for i := range 40 {
		in.WriteString(line("u"+itoa(i%17)+"@example.com", "192.0.2."+itoa(i%3), "App"+itoa(i%2), 65004, "2025-03-14T09:00:00Z"))
	}
	other := consentRule()
	other.name = "other"
	other.group.Where = []detection.Condition{{Column: "count", Op: detection.Greater, Value: 1}}
	want, err := runOn(t, detection.Options{}, in.String(), consentRule(), other)
	if err != nil {
		t.Fatal(err)
	}
	lazy, err := runLazy(t, detection.Options{}, in.String(), consentRule(), other)
	if err != nil {
		t.Fatal(err)
	}
	if lazy.Findings != nil {
		t.Errorf("a lazy result holds %d findings, want none", len(lazy.Findings))
	}
	if lazy.Counts != want.Counts {
		t.Errorf("counts %+v, Run's %+v", lazy.Counts, want.Counts)
	}
	for pass := range 2 {
		var got []detection.Finding
		for f, err := range lazy.All() {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, f)
		}
		if !reflect.DeepEqual(got, want.Findings) {
			t.Fatalf("pass %d: All yields\n%s\nRun finds\n%s", pass, strings.Join(jsonLines(got), "\n"), strings.Join(jsonLines(want.Findings), "\n"))
		}
	}
	if len(want.Findings) < 3 {
		t.Fatalf("%d findings: the test needs more", len(want.Findings))
	}
	var eager []detection.Finding
	for f, err := range want.All() {
		if err != nil {
			t.Fatal(err)
		}
		eager = append(eager, f)
	}
	if !reflect.DeepEqual(eager, want.Findings) {
		t.Errorf("All of Run's result is not its Findings")
	}
	if got, wantRisk := lazy.Risk(), want.Risk(); len(wantRisk) == 0 || !reflect.DeepEqual(got, wantRisk) {
		t.Errorf("lazy Risk() gives %d events, Run's %d, or they differ", len(got), len(wantRisk))
	}
	n := 0
	for range lazy.All() {
		if n++; n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("a loop that breaks at the second finding saw %d", n)
	}
}
