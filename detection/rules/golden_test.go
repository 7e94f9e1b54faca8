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
	"github.com/escudo-dev/escudo/internal/sample"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

func testdata(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "testdata"}, parts...)...)
}

// TestGolden runs each rule over its sample and compares the findings
// (JSON lines, the SPL columns) and risk events (JSON lines, Splunk's risk
// fields) with the golden files. Run with -update to rewrite them, then
// review the diff.
//
// Every built-in rule must have a sample; each finding must resolve every
// $token$ of the rule's risk message to a non-empty value. The sample is
// run twice, by default (prefilter and projection) and decoding every
// record whole: both must give the golden output.
func TestGolden(t *testing.T) {
	for _, d := range rules.All() {
		dir := sample.Slug(d.Meta().Name)
		t.Run(dir, func(t *testing.T) {
			findings, risks := runSample(t, d, testdata(dir, sampleFile(d)), detection.Options{})
			compareGolden(t, testdata(dir, "findings.golden.jsonl"), findings)
			compareGolden(t, testdata(dir, "risk.golden.jsonl"), risks)
			whole, wholeRisks := runSample(t, d, testdata(dir, sampleFile(d)), detection.Options{DecodeAll: true})
			if !bytes.Equal(whole, findings) || !bytes.Equal(wholeRisks, risks) {
				t.Errorf("decoding every record whole changes the output (-default +whole):\n%s%s", cmp.Diff(lines(findings), lines(whole)), cmp.Diff(lines(risks), lines(wholeRisks)))
			}
		})
	}
}

// sampleFile is the name of a rule's sample: signins.jsonl for a sign-in
// rule, audit.jsonl for an audit rule.
func sampleFile(r detection.Rule) string { return sample.File(r.EventType()) }

func runSample(t *testing.T, d detection.Rule, path string, opts detection.Options) (findings, risks []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eng, err := detection.NewEngine(opts, d)
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(f)
	r.Name = filepath.Base(path)
	res, err := eng.Run(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Bad != 0 || c.Records != c.Decoded+c.Other+c.Prefiltered || opts.DecodeAll && c.Prefiltered != 0 {
		t.Fatalf("sample does not decode cleanly: %+v", res.Counts)
	}
	if len(res.Findings) == 0 {
		t.Errorf("the sample gives no finding")
	}
	tokens := d.Meta().RBA.Tokens()
	for _, fd := range res.Findings {
		findings = append(fd.AppendJSON(findings), '\n')
		for _, tok := range tokens {
			if v, ok := fd.Value(tok); !ok || v == "" {
				t.Errorf("finding %s: risk message token $%s$ has no value", fd.AppendJSON(nil), tok)
			}
		}
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
