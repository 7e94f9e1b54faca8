package rules_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/detectiontest"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/signingen"
	"github.com/escudo-dev/escudo/risk"
)

// TestConformance checks every built-in rule's metadata, grouping and
// RBA spec, that its Match is safe, and that it reads no field it does
// not declare: over every sign-in sample of the repository (each rule's
// firing cases and near misses) and generated sign-ins.
func TestConformance(t *testing.T) {
	evs := []*event.SignInEvent{detectiontest.Full()}
	paths, err := filepath.Glob(testdata("*", "signins.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sign-in samples: %v", err)
	}
	var gen bytes.Buffer
	f, err := signingen.ParseFormat("azure-monitor-lines")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signingen.Generate(&gen, signingen.Options{N: 1000, Seed: 5, Format: f}); err != nil {
		t.Fatal(err)
	}
	inputs := [][]byte{gen.Bytes()}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	for _, data := range inputs {
		for ev, err := range event.NewReader(bytes.NewReader(data)).All() {
			if err != nil {
				t.Fatal(err)
			}
			evs = append(evs, &ev)
		}
	}
	for _, d := range rules.SignIns() {
		t.Run(d.Meta().Name, func(t *testing.T) {
			if err := detectiontest.Check(d, evs...); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestConsentDeniedMeta(t *testing.T) {
	m := rules.O365UserConsentDenied().Meta()
	got := struct {
		ID, Name, Type string
		Version        int
		MITRE, Stories []string
		Score          int
		Message        string
		Threat         string
		References     int
		Drilldowns     int
	}{m.ID, m.Name, m.Type, m.Version, m.Tags.MITREAttackID, m.Tags.AnalyticStory,
		m.RBA.RiskObjects[0].Score, m.RBA.Message, m.RBA.ThreatObjects[0].Field + ":" + string(m.RBA.ThreatObjects[0].Type),
		len(m.References), len(m.Drilldowns)}
	want := struct {
		ID, Name, Type string
		Version        int
		MITRE, Stories []string
		Score          int
		Message        string
		Threat         string
		References     int
		Drilldowns     int
	}{"2d8679ef-b075-46be-8059-c25116cb1072", "O365 User Consent Denied for OAuth Application", "TTP", 9,
		[]string{"T1528"}, []string{"Office 365 Account Takeover"},
		50, "User $user$ denied consent for an OAuth application.", "src_ip:ip_address", 6, 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata mismatch (-want +got):\n%s", diff)
	}
}

// TestConsentDeniedMatch pins the parity points of DESIGN.md on single events.
func TestConsentDeniedMatch(t *testing.T) {
	code := func(c int32) *int32 { return &c }
	tests := []struct {
		name   string
		reason string
		ev     event.SignInEvent
		want   bool
	}{
		{"65004", "the consent-declined code matches", event.SignInEvent{Status: event.Status{ErrorCode: code(65004)}}, true},
		{"650040", "integer equality: a code containing the digits does not match", event.SignInEvent{Status: event.Status{ErrorCode: code(650040)}}, false},
		{"6500", "a prefix of the code does not match", event.SignInEvent{Status: event.Status{ErrorCode: code(6500)}}, false},
		{"0", "success does not match", event.SignInEvent{Status: event.Status{ErrorCode: code(0)}}, false},
		{"null code", "a null errorCode never matches", event.SignInEvent{Status: event.Status{FailureReason: "User declined to consent to access the app."}}, false},
		{"text only", `"65004" in a text field is not the error code`, event.SignInEvent{AppDisplayName: "65004", Status: event.Status{AdditionalDetails: "65004"}}, false},
	}
	d := rules.O365UserConsentDenied()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := d.Match(&tc.ev); got != tc.want {
				t.Errorf("Match = %v, want %v: %s", got, tc.want, tc.reason)
			}
		})
	}
}

// TestEngineTogetherEqualsAlone runs the built-in rule next to a second
// detection over the same sample, and checks each gets exactly the
// findings it gets alone.
func TestEngineTogetherEqualsAlone(t *testing.T) {
	path := testdata("o365_user_consent_denied_for_oauth_application", "signins.jsonl")
	others := []detection.Detection[event.SignInEvent]{rules.O365UserConsentDenied(), failuresByApp{}}
	together := run(t, path, others...)
	var alone []detection.Finding
	for _, d := range others {
		alone = append(alone, run(t, path, d)...)
	}
	if len(together) == 0 {
		t.Fatal("no findings")
	}
	if diff := cmp.Diff(findingJSON(alone), findingJSON(together)); diff != "" {
		t.Errorf("together differs from alone (-alone +together):\n%s", diff)
	}
}

// failuresByApp is a second, differently shaped detection: every failed
// sign-in, counted per app, with the distinct users.
type failuresByApp struct{}

func (failuresByApp) Meta() detection.Meta { return detection.Meta{Name: "failures by app"} }
func (failuresByApp) Match(ev *event.SignInEvent) bool {
	return ev.Status.ErrorCode != nil && *ev.Status.ErrorCode != 0
}
func (failuresByApp) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{{Field: "appDisplayName", As: "app"}},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.DistinctCount, Field: "userPrincipalName", As: "users"},
			{Func: detection.Values, Field: "status.errorCode", As: "codes"},
		},
	}
}

func run(t *testing.T, path string, ds ...detection.Detection[event.SignInEvent]) []detection.Finding {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eng, err := detection.NewEngine(detection.Options{}, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func findingJSON(fs []detection.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Detection + " " + string(f.AppendJSON(nil))
	}
	return out
}

// of makes Rules of sign-in detections.
func of(ds ...detection.Detection[event.SignInEvent]) []detection.Rule {
	out := make([]detection.Rule, len(ds))
	for i, d := range ds {
		out[i] = detection.Of(d)
	}
	return out
}

// riskOf runs the risk stage of an engine holding d over findings of d.
func riskOf(t testing.TB, d detection.Detection[event.SignInEvent], fs ...detection.Finding) []risk.Event {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, detection.Of(d))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := eng.Risk(fs...)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}
