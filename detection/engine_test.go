package detection_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// update is accepted so that `go test ./... -update` works in every
// package; this package has no golden files of its own.
var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

// rule is a configurable detection for tests.
type rule struct {
	name  string
	match func(*event.SignInEvent) bool
	group detection.Grouping[event.SignInEvent]
	rba   risk.Spec
}

func (r rule) Meta() detection.Meta {
	return detection.Meta{Name: r.name, RBA: r.rba, Tags: detection.Tags{MITREAttackID: []string{"T1528"}, AnalyticStory: []string{"Test Story"}}}
}
func (r rule) Match(ev *event.SignInEvent) bool                { return r.match(ev) }
func (r rule) Grouping() detection.Grouping[event.SignInEvent] { return r.group }
func code(c int32) func(*event.SignInEvent) bool {
	return func(ev *event.SignInEvent) bool { return ev.Status.ErrorCode != nil && *ev.Status.ErrorCode == c }
}

func consentRule() rule {
	return rule{
		name:  "consent",
		match: code(65004),
		group: detection.Grouping[event.SignInEvent]{
			By: []detection.By[event.SignInEvent]{{Field: "userPrincipalName", As: "user"}, {Field: "ipAddress", As: "src_ip"}},
			Stats: []detection.Stat[event.SignInEvent]{
				{Func: detection.Count},
				{Func: detection.Min, Field: "_time", As: "firstTime"},
				{Func: detection.Max, Field: "_time", As: "lastTime"},
				{Func: detection.Values, Field: "appDisplayName", As: "apps"},
				{Func: detection.DistinctCount, Field: "appDisplayName", As: "app_count"},
			},
		},
		rba: risk.Spec{
			Message:       "User $user$ denied consent from $src_ip$.",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 50}},
			ThreatObjects: []risk.ThreatObject{{Field: "src_ip", Type: risk.IPAddress}},
		},
	}
}

// line builds one Graph sign-in JSON line.
func line(user, ip, app string, code int, created string) string {
	fields := []string{`"createdDateTime":"` + created + `"`, `"status":{"errorCode":` + itoa(code) + `}`}
	if user != "" {
		fields = append(fields, `"userPrincipalName":"`+user+`"`)
	}
	if ip != "" {
		fields = append(fields, `"ipAddress":"`+ip+`"`)
	}
	if app != "" {
		fields = append(fields, `"appDisplayName":"`+app+`"`)
	}
	return "{" + strings.Join(fields, ",") + "}\n"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for n > 0 {
		s = string(rune('0'+n%10)) + s
		n /= 10
	}
	return s
}

func runOn(t *testing.T, opts detection.Options, input string, ds ...detection.Detection[event.SignInEvent]) (*detection.Result, error) {
	t.Helper()
	eng, err := detection.NewEngine(opts, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(strings.NewReader(input))
	r.Name = "in.jsonl"
	return eng.Run(context.Background(), r)
}

func jsonLines(fs []detection.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.AppendJSON(nil)))
	}
	return out
}

func TestEngineGrouping(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		input  string
		want   []string
	}{
		{
			name:   "times out of order",
			reason: "firstTime/lastTime are min/max of event time whatever the input order; ctime truncates sub-seconds",
			input: line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T10:00:59.999Z") +
				line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") +
				line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:30:00Z"),
			want: []string{`{"user":"a@example.com","src_ip":"192.0.2.1","count":3,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T10:00:59","apps":["App"],"app_count":1}`},
		},
		{
			name:   "null BY field dropped",
			reason: "an event with a missing or empty BY field joins no group, as in Splunk",
			input: line("a@example.com", "", "App", 65004, "2025-03-14T09:00:00Z") +
				line("", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") +
				`{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"","ipAddress":null,"status":{"errorCode":65004}}` + "\n",
			want: nil,
		},
		{
			name:   "non-BY field missing is kept",
			reason: "values() ignores a missing value but the event still counts",
			input: line("a@example.com", "192.0.2.1", "", 65004, "2025-03-14T09:00:00Z") +
				line("a@example.com", "192.0.2.1", "B", 65004, "2025-03-14T09:00:01Z"),
			want: []string{`{"user":"a@example.com","src_ip":"192.0.2.1","count":2,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:01","apps":["B"],"app_count":1}`},
		},
		{
			name:   "sorted by BY values bytewise",
			reason: "rows sort by user then src_ip, bytewise: upper case first, IPv6 after IPv4 digits",
			input: line("b@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") +
				line("a@example.com", "2001:db8::1", "App", 65004, "2025-03-14T09:00:00Z") +
				line("a@example.com", "192.0.2.1", "Zed", 65004, "2025-03-14T09:00:00Z") +
				line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") +
				line("A@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"),
			want: []string{
				`{"user":"A@example.com","src_ip":"192.0.2.1","count":1,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00","apps":["App"],"app_count":1}`,
				`{"user":"a@example.com","src_ip":"192.0.2.1","count":2,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00","apps":["App","Zed"],"app_count":2}`,
				`{"user":"a@example.com","src_ip":"2001:db8::1","count":1,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00","apps":["App"],"app_count":1}`,
				`{"user":"b@example.com","src_ip":"192.0.2.1","count":1,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00","apps":["App"],"app_count":1}`,
			},
		},
		{
			name:   "non-matching codes",
			reason: "only errorCode 65004 matches: not 650040, not 0",
			input: line("a@example.com", "192.0.2.1", "App", 650040, "2025-03-14T09:00:00Z") +
				line("a@example.com", "192.0.2.1", "App", 0, "2025-03-14T09:00:00Z"),
			want: nil,
		},
		{
			name:   "offset timestamps are UTC",
			reason: "a +02:00 createdDateTime is rendered in UTC",
			input:  line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T11:00:00+02:00"),
			want:   []string{`{"user":"a@example.com","src_ip":"192.0.2.1","count":1,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00","apps":["App"],"app_count":1}`},
		},
		{
			name:   "escaping",
			reason: "quotes, dollars, non-ASCII and HTML characters are written as JSON, not HTML-escaped",
			input:  line(`zoë@example.org`, "192.0.2.1", `Acme \"Pay$\" <&>`, 65004, "2025-03-14T09:00:00Z"),
			want:   []string{`{"user":"zoë@example.org","src_ip":"192.0.2.1","count":1,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00","apps":["Acme \"Pay$\" <&>"],"app_count":1}`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runOn(t, detection.Options{}, tc.input, consentRule())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, jsonLines(res.Findings)); diff != "" {
				t.Errorf("%s\n(-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func TestEngineMultivalueBy(t *testing.T) {
	r := rule{
		name:  "by policy result",
		match: func(*event.SignInEvent) bool { return true },
		group: detection.Grouping[event.SignInEvent]{By: []detection.By[event.SignInEvent]{{Field: "appliedConditionalAccessPolicies{}.result", As: "result"}}, Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}}},
	}
	in := `{"createdDateTime":"2025-03-14T09:00:00Z","appliedConditionalAccessPolicies":[{"result":"success"},{"result":"notApplied"}]}` + "\n" +
		`{"createdDateTime":"2025-03-14T09:00:00Z","appliedConditionalAccessPolicies":[{"result":"success"}]}` + "\n" +
		`{"createdDateTime":"2025-03-14T09:00:00Z","appliedConditionalAccessPolicies":[]}` + "\n"
	res, err := runOn(t, detection.Options{}, in, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"result":"notApplied","count":1}`, `{"result":"success","count":2}`}
	if diff := cmp.Diff(want, jsonLines(res.Findings)); diff != "" {
		t.Errorf("a multivalue BY field puts the event in one group per value; an empty array drops it (-want +got):\n%s", diff)
	}
}

func TestEngineLocation(t *testing.T) {
	loc := time.FixedZone("UTC+2", 2*3600)
	res, err := runOn(t, detection.Options{Location: loc}, line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"), consentRule())
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := res.Findings[0].Value("firstTime"); got != "2025-03-14T11:00:00" {
		t.Errorf("firstTime = %q, want the search's time zone 2025-03-14T11:00:00", got)
	}
}

func TestNewEngineErrors(t *testing.T) {
	bad := rule{
		name:  "bad",
		match: code(1),
		group: detection.Grouping[event.SignInEvent]{
			By: []detection.By[event.SignInEvent]{{Field: "nope"}, {Field: "ipAddress", As: "x"}},
			Stats: []detection.Stat[event.SignInEvent]{
				{Func: detection.Sum, Field: detection.TimeField},
				{Func: detection.Values, Field: "alsoNope", As: "x"},
				{Func: detection.Func(99)},
			},
		},
		rba: risk.Spec{Message: "User $user$", RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 500}}},
	}
	_, err := detection.NewEngine(detection.Options{Suppress: map[string]func(detection.Finding) bool{"typo": nil}}, of(bad, consentRule(), consentRule(), nil)...)
	if err == nil {
		t.Fatal("NewEngine accepted broken detections")
	}
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var re *detection.RuleError
		if !errors.As(e, &re) {
			t.Errorf("error %v is not a *RuleError", e)
			continue
		}
		got = append(got, re.Detection)
	}
	want := []string{"bad", "bad", "bad", "bad", "bad", "bad", "consent", "#3", "typo"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("every problem must be reported, each naming its detection (-want +got):\n%s\nerror:\n%v", diff, err)
	}
	for _, wantText := range []string{`unknown field "nope"`, `unknown field "alsoNope"`, `sum of _time is not supported`,
		`duplicate output column "x"`, "unknown function Func(99)", "risk_objects[0].score", `duplicate detection name`, "nil detection", "suppression hook"} {
		if !strings.Contains(err.Error(), wantText) {
			t.Errorf("error does not mention %q:\n%v", wantText, err)
		}
	}
	if !errors.Is(err, event.ErrUnknownField) {
		t.Error("errors.Is(err, event.ErrUnknownField) = false")
	}
}

func TestEngineSuppress(t *testing.T) {
	in := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") +
		line("svc@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z")
	opts := detection.Options{Suppress: map[string]func(detection.Finding) bool{
		"consent": func(f detection.Finding) bool { u, _ := f.Value("user"); return strings.HasPrefix(u, "svc@") },
	}}
	res, err := runOn(t, opts, in, consentRule())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Columns[0].Values[0] != "a@example.com" {
		t.Errorf("suppression hook did not drop exactly the svc@ finding: %v", jsonLines(res.Findings))
	}
}

func TestEnginePanic(t *testing.T) {
	boom := rule{name: "boom", match: func(ev *event.SignInEvent) bool { return *ev.IsInteractive }, group: detection.Grouping[event.SignInEvent]{Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}}}}
	in := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z")
	res, err := runOn(t, detection.Options{}, in, boom, consentRule())
	var pe *detection.PanicError
	if !errors.As(err, &pe) || pe.Detection != "boom" {
		t.Fatalf("err = %v, want a *PanicError naming boom", err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Detection != "consent" || res.Partial {
		t.Errorf("the other detection must still report its complete findings: %+v", res)
	}
}

func TestEngineBadInput(t *testing.T) {
	good := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z")
	in := good + `{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"abc"}}` + "\n" + "<html>\n" + good
	t.Run("strict", func(t *testing.T) {
		res, err := runOn(t, detection.Options{}, in, consentRule())
		var de *event.DecodeError
		if !errors.As(err, &de) || de.Line != 2 || de.Source != "in.jsonl" || de.Path != "status.errorCode" {
			t.Fatalf("err = %v, want a DecodeError at in.jsonl:2 status.errorCode", err)
		}
		if !res.Partial || res.Counts != (event.Counts{Records: 2, Decoded: 1, Bad: 1}) {
			t.Errorf("result = %+v, want partial with 2 records, 1 decoded, 1 bad", res)
		}
	})
	t.Run("lenient", func(t *testing.T) {
		res, err := runOn(t, detection.Options{Lenient: true, MaxErrors: 1}, in, consentRule())
		if err != nil {
			t.Fatal(err)
		}
		if res.Partial || res.Counts != (event.Counts{Records: 4, Decoded: 2, Bad: 2}) || len(res.Errors) != 1 {
			t.Errorf("result = %+v, want 4 records, 2 decoded, 2 bad, 1 error kept", res)
		}
		if len(res.Findings) != 1 || res.Findings[0].Count != 2 {
			t.Errorf("findings = %v, want the two good records in one group", jsonLines(res.Findings))
		}
	})
}

func TestEngineCancel(t *testing.T) {
	eng, err := detection.NewEngine(detection.Options{}, of(consentRule())...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// An endless input: the run can only end by cancellation.
	var seen int
	endless := func(yield func(event.SignInEvent, error) bool) {
		c := int32(65004)
		for i := 0; ; i++ {
			seen++
			if i == 100 {
				cancel()
			}
			ev := event.SignInEvent{UserPrincipalName: "a@example.com", IPAddress: "192.0.2.1", Status: event.Status{ErrorCode: &c}, CreatedDateTime: time.Unix(int64(i), 0)}
			if !yield(ev, nil) {
				return
			}
		}
	}
	res, err := eng.RunEvents(ctx, iter.Seq2[event.SignInEvent, error](endless))
	if !errors.Is(err, context.Canceled) || !res.Partial {
		t.Fatalf("err = %v, partial = %v; want context.Canceled and a partial result", err, res.Partial)
	}
	if seen > 102 || len(res.Findings) != 1 || res.Findings[0].Count != 100 {
		t.Errorf("engine went on after cancellation: saw %d events, findings %v", seen, jsonLines(res.Findings))
	}
}

func TestEngineInputs(t *testing.T) {
	eng, err := detection.NewEngine(detection.Options{}, of(consentRule())...)
	if err != nil {
		t.Fatal(err)
	}
	a := event.NewReader(strings.NewReader(line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z")))
	b := event.NewReader(strings.NewReader(line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T08:00:00Z")))
	res, err := eng.Run(context.Background(), a, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"user":"a@example.com","src_ip":"192.0.2.1","count":2,"firstTime":"2025-03-14T08:00:00","lastTime":"2025-03-14T09:00:00","apps":["App"],"app_count":1}`}
	if diff := cmp.Diff(want, jsonLines(res.Findings)); diff != "" {
		t.Errorf("groups must span inputs (-want +got):\n%s", diff)
	}
}

func TestRunEventsMatchesRun(t *testing.T) {
	in := line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z") + line("b@example.com", "192.0.2.2", "App", 65004, "2025-03-14T09:00:00Z")
	eng, err := detection.NewEngine(detection.Options{}, of(consentRule())...)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	r2, err := eng.RunEvents(context.Background(), event.NewReader(strings.NewReader(in)).All())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(jsonLines(r1.Findings), jsonLines(r2.Findings)); diff != "" {
		t.Errorf("RunEvents differs from Run (-Run +RunEvents):\n%s", diff)
	}
	if r1.Counts != r2.Counts {
		t.Errorf("counts differ: %+v vs %+v", r1.Counts, r2.Counts)
	}
}

func TestRisk(t *testing.T) {
	res, err := runOn(t, detection.Options{}, line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00.5Z"), consentRule())
	if err != nil {
		t.Fatal(err)
	}
	want := []risk.Event{{
		Time: time.Date(2025, 3, 14, 9, 0, 0, 5e8, time.UTC), SearchName: "ESCU - consent - Rule",
		RiskObject: "a@example.com", RiskObjectType: risk.User, RiskScore: 50,
		RiskMessage:  "User a@example.com denied consent from 192.0.2.1.",
		ThreatObject: []string{"192.0.2.1"}, ThreatObjectType: []risk.ThreatObjectType{risk.IPAddress},
		MITRETechniqueIDs: []string{"T1528"}, AnalyticStories: []string{"Test Story"},
	}}
	if diff := cmp.Diff(want, res.Risk()); diff != "" {
		t.Errorf("risk events (-want +got):\n%s", diff)
	}
	// The risk stage takes any finding: here one rebuilt by hand from
	// the engine's, with the same columns and times.
	eng, err := detection.NewEngine(detection.Options{}, of(consentRule())...)
	if err != nil {
		t.Fatal(err)
	}
	f := res.Findings[0]
	byHand := detection.Finding{Detection: f.Detection, Columns: f.Columns, Count: f.Count, FirstTime: f.FirstTime, LastTime: f.LastTime}
	if diff := cmp.Diff(want, riskOf(t, eng, byHand)); diff != "" {
		t.Errorf("Engine.Risk (-want +got):\n%s", diff)
	}
	if _, err := eng.Risk(detection.Finding{Detection: "nope"}); err == nil {
		t.Error("Engine.Risk of a finding of an unknown detection: no error")
	}
}

// riskOf is eng.Risk, failing the test on an error.
func riskOf(t testing.TB, eng *detection.Engine, fs ...detection.Finding) []risk.Event {
	t.Helper()
	evs, err := eng.Risk(fs...)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// failingReader fails after its data, like a broken disk or network.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestEngineInputError(t *testing.T) {
	eng, err := detection.NewEngine(detection.Options{Lenient: true}, of(consentRule())...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(failingReader{strings.NewReader(line("a@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"))}))
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !res.Partial {
		t.Errorf("err = %v, partial = %v: an input failure must stop even a lenient run and mark it partial", err, res.Partial)
	}
}

// TestEnginePanicStages checks the one panic path of every rule callback:
// a panic in the Then stage or in the suppression hook, even after the
// hook kept some findings, leaves that detection with no findings and a
// *PanicError naming its stage; the other detections report in full.
func TestEnginePanicStages(t *testing.T) {
	var in strings.Builder
	for i := range 9 {
		in.WriteString(line("u"+itoa(i)+"@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"))
	}
	other := consentRule()
	other.name = "other"
	thenPanics := consentRule()
	thenPanics.group.Then = func([]detection.Finding) []detection.Finding { panic("then boom") }
	calls := 0
	tests := []struct {
		name      string
		det       rule
		opts      detection.Options
		wantStage string
		wantValue any
	}{
		{name: "then", det: thenPanics, wantStage: detection.StageThen, wantValue: "then boom"},
		{name: "suppress", det: consentRule(), wantStage: detection.StageSuppress, wantValue: "hook boom",
			opts: detection.Options{Suppress: map[string]func(detection.Finding) bool{"consent": func(detection.Finding) bool {
				if calls++; calls == 6 {
					panic("hook boom") // after five findings were kept
				}
				return false
			}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := runOn(t, tt.opts, in.String(), tt.det, other)
			var pe *detection.PanicError
			if !errors.As(err, &pe) || pe.Detection != "consent" || pe.Stage != tt.wantStage || pe.Value != tt.wantValue {
				t.Fatalf("err = %v, want a *PanicError of consent's %s", err, tt.wantStage)
			}
			for _, f := range res.Findings {
				if f.Detection == "consent" {
					t.Fatalf("consent panicked but reports findings: %v", jsonLines(res.Findings))
				}
			}
			if len(res.Findings) != 9 {
				t.Errorf("the other detection reports %d findings, want its 9", len(res.Findings))
			}
		})
	}
}

// stallingReader hands out data, then calls stalled and blocks, as a
// pipe whose writer has gone quiet does, until release is closed.
type stallingReader struct {
	data    []byte
	stalled func()
	release chan struct{}
}

func (s *stallingReader) Read(p []byte) (int, error) {
	if len(s.data) > 0 {
		n := copy(p, s.data)
		s.data = s.data[n:]
		return n, nil
	}
	s.stalled()
	<-s.release
	return 0, io.EOF
}

// TestEngineCancelBlockedRead cancels a run while its input is stalled in
// a read: Run must return at once, with every record read before the
// stall counted and applied, for any number of workers.
func TestEngineCancelBlockedRead(t *testing.T) {
	var in strings.Builder
	for i := range 22 {
		in.WriteString(line("u"+itoa(i)+"@example.com", "192.0.2.1", "App", 65004, "2025-03-14T09:00:00Z"))
	}
	for _, workers := range []int{1, 2, 4} {
		eng, err := detection.NewEngine(detection.Options{Workers: workers}, of(consentRule())...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		src := &stallingReader{data: []byte(in.String()), stalled: cancel, release: make(chan struct{})}
		res, err := eng.Run(ctx, event.NewReader(src))
		close(src.release)
		if !errors.Is(err, context.Canceled) || !res.Partial {
			t.Fatalf("%d workers: err = %v, partial = %v; want context.Canceled and a partial result", workers, err, res.Partial)
		}
		if res.Counts != (event.Counts{Records: 22, Decoded: 22}) || len(res.Findings) != 22 {
			t.Errorf("%d workers: counts %+v, %d findings; want the 22 records read before the stall", workers, res.Counts, len(res.Findings))
		}
	}
}

// TestEngineOptions checks the options NewEngine refuses, and that a
// caller can tell when the prefilter it asked for is off.
func TestEngineOptions(t *testing.T) {
	for _, opts := range []detection.Options{{Workers: -1}, {MaxErrors: -2}} {
		if _, err := detection.NewEngine(opts, of(consentRule())...); !errors.Is(err, detection.ErrOptions) {
			t.Errorf("NewEngine(%+v) = %v, want an error wrapping ErrOptions", opts, err)
		}
	}
	for _, tt := range []struct {
		name string
		opts detection.Options
		dets []detection.Detection[event.SignInEvent]
		want bool
	}{
		{"by default, every rule has literals", detection.Options{}, []detection.Detection[event.SignInEvent]{consentLiteralRule()}, true},
		{"by default, one rule has none", detection.Options{}, []detection.Detection[event.SignInEvent]{consentLiteralRule(), otherRule()}, false},
		{"decoding every record", detection.Options{DecodeAll: true}, []detection.Detection[event.SignInEvent]{consentLiteralRule()}, false},
		{"the deprecated option changes nothing", detection.Options{Prefilter: true, DecodeAll: true}, []detection.Detection[event.SignInEvent]{consentLiteralRule()}, false},
	} {
		eng, err := detection.NewEngine(tt.opts, of(tt.dets...)...)
		if err != nil {
			t.Fatal(err)
		}
		if got := eng.Prefiltering(); got != tt.want {
			t.Errorf("%s: Prefiltering() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func otherRule() rule {
	r := consentRule()
	r.name = "other"
	return r
}

// of makes Rules of sign-in detections; a nil detection stays nil.
func of(ds ...detection.Detection[event.SignInEvent]) []detection.Rule {
	out := make([]detection.Rule, len(ds))
	for i, d := range ds {
		if d != nil {
			out[i] = detection.Of(d)
		}
	}
	return out
}

// TestFindingUnmarshalErrors checks what a finding's JSON form refuses.
func TestFindingUnmarshalErrors(t *testing.T) {
	for _, in := range []string{`[1]`, `"x"`, `{"a":{"b":1}}`, `{"a":[1,2]}`, `{"a":true}`, `{"a":"x"`} {
		var f detection.Finding
		if err := f.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("UnmarshalJSON(%s) = nil, want an error", in)
		}
	}
	var f detection.Finding
	if err := f.UnmarshalJSON([]byte(`{"user":"a","count":3,"src":["x","y"],"lastTime":"2025-03-14T09:00:01"}`)); err != nil {
		t.Fatal(err)
	}
	want := detection.Finding{Columns: []detection.Column{
		{Name: "user", Kind: detection.Text, Values: []string{"a"}},
		{Name: "count", Kind: detection.Number, Values: []string{"3"}},
		{Name: "src", Kind: detection.Multi, Values: []string{"x", "y"}},
		{Name: "lastTime", Kind: detection.Text, Values: []string{"2025-03-14T09:00:01"}},
	}, Count: 3, LastTime: time.Date(2025, 3, 14, 9, 0, 1, 0, time.UTC)}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("UnmarshalJSON (-want +got):\n%s", diff)
	}
}
