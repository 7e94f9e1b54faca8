package detection_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// literalRule is a rule that declares prefilter literals.
type literalRule struct {
	rule
	lits []string
}

func (r literalRule) Literals() []string { return r.lits }

// consentLiteralRule is consentRule with its error code as a literal.
func consentLiteralRule() detection.Detection[event.SignInEvent] {
	return literalRule{consentRule(), []string{"65004"}}
}

// outcome is everything a run gives that must not depend on workers or
// the prefilter: findings, risk events and the decoded count.
func outcome(t *testing.T, opts detection.Options, input []byte, ds ...detection.Detection[event.SignInEvent]) (string, event.Counts) {
	t.Helper()
	eng, err := detection.NewEngine(opts, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(bytes.NewReader(input))
	r.Name = "in"
	res, err := eng.Run(context.Background(), r)
	if err != nil && opts.Lenient {
		t.Fatalf("lenient run: %v", err)
	}
	var b strings.Builder
	for _, f := range res.Findings {
		b.WriteString(f.Detection + " " + string(f.AppendJSON(nil)) + "\n")
		for _, ev := range riskOf(t, eng, f) {
			j, _ := ev.MarshalJSON()
			b.Write(j)
			b.WriteByte('\n')
		}
	}
	for _, e := range res.Errors {
		b.WriteString("error: " + e.Error() + "\n")
	}
	if err != nil {
		b.WriteString("stopped: " + err.Error() + "\n")
	}
	c := res.Counts
	if c.Records != c.Decoded+c.Bad+c.Other+c.Prefiltered {
		t.Errorf("counts do not add up: %+v", c)
	}
	return b.String(), c
}

func readTestdata(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"..", "testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWorkersAndPrefilter checks that any number of workers, with or
// without the prefilter, gives the findings of one worker without it.
func TestWorkersAndPrefilter(t *testing.T) {
	inputs := map[string][]byte{
		"consent sample": readTestdata(t, "o365_user_consent_denied_for_oauth_application", "signins.jsonl"),
		"azure monitor":  readTestdata(t, "formats", "azure-monitor-eventhub.json"),
		"log analytics":  readTestdata(t, "formats", "log-analytics.json"),
		"with bad records": []byte(line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") + "{bad\n" +
			`{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"65004"}}` + "\n" +
			strings.Repeat(line("b@example.com", "192.0.2.2", "App", 65004, "2025-03-14T09:00:01Z"), 700)),
	}
	ds := func() []detection.Detection[event.SignInEvent] {
		return []detection.Detection[event.SignInEvent]{consentLiteralRule(), fuzzRules()[1], fuzzRules()[2]}
	}
	for name, in := range inputs {
		for _, lenient := range []bool{true, false} {
			want, wantCounts := outcome(t, detection.Options{Lenient: lenient}, in, ds()...)
			for _, workers := range []int{1, 2, 3, 8} {
				// Records reach the detections in input order, so even a
				// run stopped at a bad record gives the same findings and
				// counts for any number of workers.
				got, counts := outcome(t, detection.Options{Lenient: lenient, Workers: workers}, in, ds()...)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s, lenient %v, %d workers: differs from one worker (-want +got):\n%s", name, lenient, workers, diff)
				}
				if counts != wantCounts {
					t.Errorf("%s, lenient %v, %d workers: counts %+v, want %+v", name, lenient, workers, counts, wantCounts)
				}
			}
		}
		// The prefilter applies only when every detection declares literals.
		only := []detection.Detection[event.SignInEvent]{consentLiteralRule()}
		want, _ := outcome(t, detection.Options{Lenient: true, DecodeAll: true}, in, only...)
		for _, workers := range []int{1, 4} {
			got, c := outcome(t, detection.Options{Lenient: true, Workers: workers}, in, only...)
			if diff := cmp.Diff(want, got); diff != "" && !strings.Contains(want, "error:") {
				t.Errorf("%s, prefilter, %d workers: findings differ (-want +got):\n%s", name, workers, diff)
			}
			if c.Prefiltered == 0 && name != "with bad records" {
				t.Errorf("%s: the prefilter passed over nothing: %+v", name, c)
			}
		}
	}
}

// prefilterFindings is the findings only (errors aside, since records the
// prefilter passes over are not validated).
func prefilterFindings(t *testing.T, opts detection.Options, input []byte) string {
	t.Helper()
	out, _ := outcome(t, opts, input, consentLiteralRule())
	var keep []string
	for _, l := range strings.SplitAfter(out, "\n") {
		if !strings.HasPrefix(l, "error: ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// FuzzPrefilter checks on arbitrary and adversarial input that the
// prefilter, with one worker or several, never changes the findings.
func FuzzPrefilter(f *testing.F) {
	rec := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z")
	f.Add([]byte(rec))
	f.Add([]byte(strings.Replace(rec, "65004", `6500`, 1) + rec))
	f.Add([]byte(`{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"65004","ipAddress":"192.0.2.1","status":{"errorCode":0}}` + "\n"))
	// The code as a Log Analytics string with an escaped digit: the bytes
	// hold no "65004", the value does.
	f.Add([]byte(`{"CreatedDateTime":"2025-03-14T09:00:00Z","UserPrincipalName":"a@example.com","IPAddress":"192.0.2.1","ResultType":"\u00365004"}` + "\n"))
	f.Add([]byte(`{"records":[{"time":"2025-03-14T09:00:00Z","operationName":"Sign-in activity","category":"SignInLogs","properties":{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a@example.com","ipAddress":"192.0.2.1","status":{"errorCode":65004}}}]}`))
	f.Add(readTestdata(f, "formats", "log-analytics.json")[:4000])
	f.Fuzz(func(t *testing.T, input []byte) {
		want := prefilterFindings(t, detection.Options{Lenient: true, DecodeAll: true}, input)
		for _, workers := range []int{1, 3} {
			got := prefilterFindings(t, detection.Options{Lenient: true, Workers: workers}, input)
			if got != want {
				t.Fatalf("prefilter with %d workers changed the findings:\nwithout:\n%s\nwith:\n%s", workers, want, got)
			}
		}
	})
}

// TestPrefilterSkipsWithoutAllocating checks that records the prefilter
// passes over cost no allocation: a run over twice as many non-matching
// records allocates no more than a run over the original number.
func TestPrefilterSkipsWithoutAllocating(t *testing.T) {
	eng, err := detection.NewEngine(detection.Options{}, of(consentLiteralRule())...)
	if err != nil {
		t.Fatal(err)
	}
	other := line("a@example.com", "192.0.2.1", "App", 50126, "2025-03-14T09:00:00Z")
	run := func(n int) float64 {
		input := []byte(strings.Repeat(other, n))
		rd := bytes.NewReader(input)
		return testing.AllocsPerRun(5, func() {
			rd.Reset(input)
			res, err := eng.Run(context.Background(), event.NewReader(rd))
			if err != nil || res.Counts.Prefiltered != int64(n) {
				t.Fatalf("run over %d records: %v, %+v", n, err, res.Counts)
			}
		})
	}
	small, large := run(1000), run(2000)
	if large > small {
		t.Errorf("%v allocations for 1000 skipped records, %v for 2000: skipping a record allocates", small, large)
	}
}

// TestPrefilterAcrossBufferBoundary places the literal of a matching
// record across the reader's 64 KiB buffer boundary, and in records longer
// than the buffer: the prefilter sees whole records, so it still decodes
// them.
func TestPrefilterAcrossBufferBoundary(t *testing.T) {
	match := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z")
	at := strings.Index(match, "65004")
	for _, split := range []int{0, 1, 2, 3, 4, 5} {
		// One padding record ends so that the literal starts split bytes
		// before the 65,536th byte of the input.
		padLen := 64<<10 - split - at - 1
		pad := `{"createdDateTime":"2025-03-14T09:00:00Z","x":"` + strings.Repeat("p", padLen-len(`{"createdDateTime":"2025-03-14T09:00:00Z","x":""}`)) + `"}` + "\n"
		long := `{"createdDateTime":"2025-03-14T09:00:00Z","x":"` + strings.Repeat("q", 70<<10) + `","userPrincipalName":"b@example.com","ipAddress":"192.0.2.2","status":{"errorCode":65004}}` + "\n"
		input := []byte(pad + match + long)
		if got := strings.Index(string(input), "65004"); got != 64<<10-split {
			t.Fatalf("split %d: literal at %d, want %d", split, got, 64<<10-split)
		}
		want := prefilterFindings(t, detection.Options{Lenient: true, DecodeAll: true}, input)
		if strings.Count("\n"+want, "\nconsent {") != 2 {
			t.Fatalf("split %d: want 2 findings without the prefilter, got:\n%s", split, want)
		}
		for _, workers := range []int{1, 2} {
			if got := prefilterFindings(t, detection.Options{Lenient: true, Workers: workers}, input); got != want {
				t.Errorf("split %d, %d workers: prefilter changed the findings:\n%s\nwant:\n%s", split, workers, got, want)
			}
		}
	}
}

// TestStrictStopExact puts a bad record at position 256, the first record
// of the second batch, after 255 records of distinct groups and before
// many more: a strict run must stop there with the 255 findings before it,
// whatever the number of workers.
func TestStrictStopExact(t *testing.T) {
	var b strings.Builder
	for i := range 600 {
		if i == 255 {
			b.WriteString(`{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"abc"}}` + "\n")
			continue
		}
		b.WriteString(line(fmt.Sprintf("u%03d@example.com", i), "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"))
	}
	for _, workers := range []int{1, 2, 3, 8} {
		res, err := runOn(t, detection.Options{Workers: workers}, b.String(), consentRule())
		var de *event.DecodeError
		if !errors.As(err, &de) || de.Line != 256 {
			t.Fatalf("%d workers: err = %v, want the bad record at line 256", workers, err)
		}
		if len(res.Findings) != 255 || res.Counts != (event.Counts{Records: 256, Decoded: 255, Bad: 1}) || !res.Partial {
			t.Errorf("%d workers: %d findings, counts %+v, partial %v; want 255 findings of the records before the bad one", workers, len(res.Findings), res.Counts, res.Partial)
		}
	}
}
