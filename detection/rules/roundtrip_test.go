package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
)

// TestFindingsRoundTrip reads every rule's findings (of every event
// type) back from their JSON
// form, as examples/detect prints them (search_name first): the columns
// come back as they were, the detection is found by its search name, and
// the risk stage gives the same risk events (their _time to the second,
// which is what the JSON form keeps).
func TestFindingsRoundTrip(t *testing.T) {
	all := rules.All()
	eng, err := detection.NewEngine(detection.Options{}, all...)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		dir := sample.Slug(d.Meta().Name)
		t.Run(dir, func(t *testing.T) {
			data, err := os.ReadFile(testdata(dir, sampleFile(d)))
			if err != nil {
				t.Fatal(err)
			}
			alone, err := detection.NewEngine(detection.Options{}, d)
			if err != nil {
				t.Fatal(err)
			}
			res, err := alone.Run(context.Background(), event.NewReader(bytes.NewReader(data)))
			if err != nil || len(res.Findings) == 0 {
				t.Fatalf("run: %v, %d findings", err, len(res.Findings))
			}
			m := d.Meta()
			for _, f := range res.Findings {
				line := append([]byte(`{"search_name":`+string(must(m.SearchName()))+","), f.AppendJSON(nil)[1:]...)
				var back detection.Finding
				if err := json.Unmarshal(line, &back); err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				wantCount := int64(0) // the count is in the JSON form only as a column
				if _, ok := f.Value("count"); ok {
					wantCount = f.Count
				}
				if back.Detection != f.Detection || back.Count != wantCount {
					t.Errorf("read back as detection %q, count %d; want %q, %d", back.Detection, back.Count, f.Detection, wantCount)
				}
				if diff := cmp.Diff(f.Columns, back.Columns); diff != "" {
					t.Errorf("columns read back (-want +got):\n%s", diff)
				}
				// The JSON form has lastTime to the second, or else the
				// bin's start (_time).
				at := f.LastTime.Truncate(time.Second)
				if _, ok := f.Value("lastTime"); !ok {
					bin, _ := f.Value(detection.TimeField)
					at, _ = time.Parse(detection.CtimeLayout, bin)
				}
				want, got := must2(eng.Risk(f)), must2(eng.Risk(back))
				for i := range want {
					want[i].Time = at
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("risk events of the finding read back (-want +got):\n%s", diff)
				}
			}
		})
	}
}
