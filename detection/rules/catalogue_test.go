package rules_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/internal/sample"
)

// unionOfSamples reads every built-in rule's sample. (They are inputs of
// their own: the consent sample is Graph, the others Azure Monitor, and a
// Reader detects one record format per input.)
func unionOfSamples(t *testing.T) [][]byte {
	t.Helper()
	var all [][]byte
	for _, d := range rules.SignIns() {
		b, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "signins.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b)
	}
	return all
}

func findingsOver(t *testing.T, inputs [][]byte, opts detection.Options, ds ...detection.Detection[event.SignInEvent]) []string {
	t.Helper()
	eng, err := detection.NewEngine(opts, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	var readers []*event.Reader
	for _, in := range inputs {
		readers = append(readers, event.NewReader(bytes.NewReader(in)))
	}
	res, err := eng.Run(context.Background(), readers...)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.Detection+" "+string(f.AppendJSON(nil)))
		for _, ev := range must2(eng.Risk(f)) {
			b, _ := ev.MarshalJSON()
			out = append(out, string(b))
		}
	}
	return out
}

// TestCatalogueTogetherEqualsAlone runs the whole catalogue in one engine
// over the union of all the rules' samples, and checks that each rule's
// findings and risk events are exactly those it gives alone, with one
// worker or several, with the prefilter or without.
func TestCatalogueTogetherEqualsAlone(t *testing.T) {
	input := unionOfSamples(t)
	var alone []string
	for _, d := range rules.SignIns() {
		alone = append(alone, findingsOver(t, input, detection.Options{}, d)...)
	}
	if len(alone) == 0 {
		t.Fatal("no findings at all")
	}
	for _, opts := range []detection.Options{{}, {Workers: 3}, {DecodeAll: true}, {DecodeAll: true, Workers: 2}} {
		together := findingsOver(t, input, opts, rules.SignIns()...)
		if diff := cmp.Diff(alone, together); diff != "" {
			t.Errorf("options %+v: the catalogue in one pass differs from each rule alone (-alone +together):\n%s", opts, diff)
		}
	}
}

// TestDetectFindsGolden runs examples/detect's program on each rule's
// sample with -rules naming the rule, and checks it prints the rule's
// golden findings (with search_name first) and risk events.
func TestDetectFindsGolden(t *testing.T) {
	all := rules.All()
	p := cli.Program{Name: "detect", Detections: all, SearchName: true, Catalogue: true}
	for _, d := range all {
		m := d.Meta()
		dir := sample.Slug(m.Name)
		t.Run(dir, func(t *testing.T) {
			in := testdata(dir, sampleFile(d))
			var out, errb bytes.Buffer
			if code := p.Main([]string{"-json", "-rules", dir, in}, nil, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			golden, err := os.ReadFile(testdata(dir, "findings.golden.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			prefix := `{"search_name":` + string(must(m.SearchName())) + ","
			want := string(bytes.ReplaceAll(append([]byte("\n"), golden...), []byte("\n{"), []byte("\n"+prefix)))[1:]
			if diff := cmp.Diff(lines([]byte(want)), lines(out.Bytes())); diff != "" {
				t.Errorf("-json output (-want +got):\n%s", diff)
			}
			out.Reset()
			if code := p.Main([]string{"-risk", "-rules", m.Name, in}, nil, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			risks, err := os.ReadFile(testdata(dir, "risk.golden.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(lines(risks), lines(out.Bytes())); diff != "" {
				t.Errorf("-risk output (-want +got):\n%s", diff)
			}
		})
	}
}

func must(s string) []byte {
	b, _ := (detection.Finding{Columns: []detection.Column{{Name: "x", Kind: detection.Text, Values: []string{s}}}}).MarshalJSON()
	return b[len(`{"x":`) : len(b)-1]
}

// must2 returns v, panicking on an error the test cannot have.
func must2[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
