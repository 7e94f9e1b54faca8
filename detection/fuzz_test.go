package detection_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// fuzzRules are detections of different shapes: a selective rule with
// renames, one with values and dc over every event, and one grouping by
// a multivalue field.
func fuzzRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
		consentRule(),
		rule{
			name:  "all by app",
			match: func(*event.SignInEvent) bool { return true },
			group: detection.Grouping[event.SignInEvent]{
				By: []detection.By[event.SignInEvent]{{Field: "appDisplayName"}},
				Stats: []detection.Stat[event.SignInEvent]{
					{Func: detection.Count},
					{Func: detection.DistinctCount, Field: "userPrincipalName", As: "users"},
					{Func: detection.Values, Field: "status.errorCode", As: "codes"},
					{Func: detection.Max, Field: "_time", As: "lastTime"},
				},
			},
			rba: risk.Spec{Message: "$appDisplayName$ had $count$ sign-ins", RiskObjects: []risk.RiskObject{{Field: "appDisplayName", Type: risk.Other, Score: 1}}},
		},
		rule{
			name:  "policy results",
			match: func(ev *event.SignInEvent) bool { return ev.IsInteractive != nil && *ev.IsInteractive },
			group: detection.Grouping[event.SignInEvent]{
				By:    []detection.By[event.SignInEvent]{{Field: "appliedConditionalAccessPolicies{}.result", As: "result"}, {Field: "userPrincipalName", As: "user"}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}, {Func: detection.Min, Field: "_time", As: "firstTime"}},
			},
		},
	}
}

func findingsOf(t *testing.T, input []byte, ds ...detection.Detection[event.SignInEvent]) (string, event.Counts) {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{Lenient: true}, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(input)))
	if err != nil {
		t.Fatalf("lenient run failed: %v", err)
	}
	var out []byte
	for _, f := range res.Findings {
		out = append(out, f.Detection...)
		out = append(out, ' ')
		out = f.AppendJSON(out)
		out = append(out, '\n')
		for _, ev := range riskOf(t, eng, f) {
			b, err := ev.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			out = append(append(out, b...), '\n')
		}
	}
	return string(out), res.Counts
}

// FuzzEngineMulti checks, on arbitrary input, that an engine running
// several detections gives each exactly the findings (and risk events) it
// gives alone, and that the counts add up.
func FuzzEngineMulti(f *testing.F) {
	sample, err := os.ReadFile(filepath.Join("..", "testdata", "o365_user_consent_denied_for_oauth_application", "signins.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	for _, line := range bytes.SplitAfter(sample, []byte("\n"))[:6] {
		f.Add(line)
	}
	f.Add([]byte(line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") + "{\"bad\n"))
	f.Fuzz(func(t *testing.T, input []byte) {
		rules := fuzzRules()
		together, counts := findingsOf(t, input, rules...)
		if counts.Records != counts.Decoded+counts.Bad {
			t.Fatalf("counts do not add up: %+v", counts)
		}
		var alone string
		for _, r := range rules {
			out, c := findingsOf(t, input, r)
			if c != counts {
				t.Fatalf("counts differ alone (%+v) and together (%+v)", c, counts)
			}
			alone += out
		}
		if together != alone {
			t.Fatalf("together:\n%s\nalone:\n%s", together, alone)
		}
	})
}
