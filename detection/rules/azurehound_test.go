package rules_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

// azureHoundSample returns the lines of the rule's sample.
func azureHoundSample(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(testdata("azure_ad_azurehound_useragent_detected", "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
}

// runAzureHound runs the rule, with locate, over lines, strict.
func runAzureHound(t *testing.T, locate rules.IPLocator, lines ...string) []detection.Finding {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, rules.AzureADAzureHoundUserAgentDetected(locate))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(lines, ""))))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Bad != 0 || c.Other != 0 || c.Decoded+c.Prefiltered != int64(len(lines)) {
		t.Fatalf("counts %+v: every line is a record of one of the rule's two types", res.Counts)
	}
	return res.Findings
}

// TestAzureHoundNearMisses runs the rule over its sample's near misses
// alone: a browser's agent, an agent with "azurehound" not at its start,
// an interactive sign-in.
func TestAzureHoundNearMisses(t *testing.T) {
	var misses []string
	for _, l := range azureHoundSample(t) {
		if !strings.Contains(strings.ToLower(l), `"useragent":"azurehound/`) || strings.Contains(l, `"category":"SignInLogs"`) {
			misses = append(misses, l)
		}
	}
	if len(misses) != 3 {
		t.Fatalf("%d near misses in the sample, want 3", len(misses))
	}
	if fs := runAzureHound(t, nil, misses...); len(fs) != 0 {
		t.Errorf("near misses give %d findings, want none", len(fs))
	}
}

// TestAzureHoundBothTypes checks that the rule reads both of its event
// types: the Graph requests alone, and the sign-ins alone, give their
// rows of the whole sample's findings.
func TestAzureHoundBothTypes(t *testing.T) {
	var graph, signIns []string
	for _, l := range azureHoundSample(t) {
		if strings.Contains(l, `"category":"MicrosoftGraphActivityLogs"`) {
			graph = append(graph, l)
		} else {
			signIns = append(signIns, l)
		}
	}
	all := runAzureHound(t, nil, append(append([]string(nil), graph...), signIns...)...)
	g, s := runAzureHound(t, nil, graph...), runAzureHound(t, nil, signIns...)
	if len(g) != 2 || len(s) != 1 {
		t.Fatalf("%d findings from the Graph requests and %d from the sign-ins, want 2 and 1", len(g), len(s))
	}
	if diff := cmp.Diff(jsonOf(append(g, s...)), jsonOf(all)); diff != "" {
		t.Errorf("the types alone differ from both together (-alone +together):\n%s", diff)
	}
}

// TestAzureHoundLocation checks iplocation: a locator's answer fills the
// five columns, and an address it does not know leaves them empty.
func TestAzureHoundLocation(t *testing.T) {
	locate := func(ip string) (rules.IPLocation, bool) {
		if ip == "203.0.113.61" {
			return rules.IPLocation{City: "Lisbon", Country: "Portugal", Region: "Lisbon", Lat: 38.7223, Lon: -9.1393}, true
		}
		return rules.IPLocation{}, false
	}
	got := map[string][]string{}
	for _, f := range runAzureHound(t, locate, azureHoundSample(t)...) {
		src, _ := f.Value("src")
		for _, c := range []string{"City", "Country", "Region", "lat", "lon"} {
			v, _ := f.Value(c)
			got[src] = append(got[src], v)
		}
	}
	want := map[string][]string{
		"203.0.113.61":  {"Lisbon", "Portugal", "Lisbon", "38.7223", "-9.1393"},
		"198.51.100.23": {"", "", "", "", ""},
		"203.0.113.24":  {"", "", "", "", ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("iplocation columns by src (-want +got):\n%s", diff)
	}
}

func jsonOf(fs []detection.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.AppendJSON(nil)))
	}
	return out
}
