package rules_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// goldenCase is one rule over its sample, with golden findings and risk
// events next to the sample in the repository's testdata/.
type goldenCase struct {
	dir  string // under testdata/
	rule func() detection.Detection
}

func goldenCases() []goldenCase {
	return []goldenCase{
		{dir: "consentdenied", rule: rules.O365UserConsentDenied},
	}
}

func testdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

// TestGolden runs each rule over its sample and compares the findings
// (JSON lines, the SPL columns) and risk events (JSON lines, Splunk's risk
// fields) with the golden files. Run with -update to rewrite them, then
// review the diff.
func TestGolden(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(tc.dir, func(t *testing.T) {
			findings, risks := runSample(t, tc.rule(), testdata(tc.dir, "signins.jsonl"))
			compareGolden(t, testdata(tc.dir, "findings.golden.jsonl"), findings)
			compareGolden(t, testdata(tc.dir, "risk.golden.jsonl"), risks)
		})
	}
}

func runSample(t *testing.T, d detection.Detection, path string) (findings, risks []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eng, err := detection.NewEngine(detection.Options{}, d)
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(f)
	r.Name = filepath.Base(path)
	res, err := eng.Run(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Bad != 0 || res.Counts.Records != res.Counts.Decoded {
		t.Fatalf("sample does not decode cleanly: %+v", res.Counts)
	}
	for _, fd := range res.Findings {
		findings = append(fd.AppendJSON(findings), '\n')
	}
	for _, ev := range res.Risk() {
		b, err := ev.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		risks = append(append(risks, b...), '\n')
	}
	return findings, risks
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./... -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s mismatch (-want +got):\n%s", path, cmp.Diff(lines(want), lines(got)))
	}
}

func lines(b []byte) []string { return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") }
