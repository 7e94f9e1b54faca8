package risk_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// t0 is the origin of the test timelines.
var t0 = time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)

const (
	srcDeviceCode = "ESCU - Azure AD Device Code Authentication - Rule"
	srcDeniedMFA  = "ESCU - Azure AD Multiple Denied MFA Requests For User - Rule"
	srcO365       = "ESCU - O365 User Consent Denied for OAuth Application - Rule"
	srcConcurrent = "ESCU - Azure AD Concurrent Sessions From Different Ips - Rule"
	srcFailedUser = "ESCU - Azure AD High Number Of Failed Authentications For User - Rule"
)

// in is one risk event of a test timeline: at is its time after t0.
type in struct {
	at      time.Duration
	obj     string
	src     string
	score   int
	tactics []string
}

func (e in) event() risk.Event {
	src := e.src
	if src == "" {
		src = srcO365
	}
	obj := e.obj
	if obj == "" {
		obj = "adele.vance@example.com"
	}
	return risk.Event{
		Time:              t0.Add(e.at),
		SearchName:        src,
		RiskObject:        obj,
		RiskObjectType:    risk.User,
		RiskScore:         e.score,
		RiskMessage:       fmt.Sprintf("%s on %s", src, obj),
		MITRETacticIDs:    e.tactics,
		MITRETechniqueIDs: []string{"T1528"},
	}
}

// out is an incident in a form that reads well in a table: times are
// offsets from t0, and the rule is its name.
type out struct {
	Rule        string
	Object      string
	Score       int
	Events      int
	Sources     int
	Tactics     int
	First, Last time.Duration
}

func summarise(incs []risk.Incident) []out {
	var s []out
	for _, inc := range incs {
		s = append(s, out{
			Rule: inc.Rule, Object: inc.RiskObject, Score: inc.RiskScore, Events: inc.EventCount,
			Sources: len(inc.Sources), Tactics: inc.TacticCount,
			First: inc.FirstTime.Sub(t0), Last: inc.LastTime.Sub(t0),
		})
	}
	return s
}

// feed adds the events in order, then flushes, and returns every incident
// and every error.
func feed(t *testing.T, eng *risk.IncidentEngine, events []risk.Event) ([]risk.Incident, []error) {
	t.Helper()
	var incs []risk.Incident
	var errs []error
	for _, ev := range events {
		got, err := eng.Add(ev)
		incs = append(incs, got...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	got, err := eng.Flush()
	incs = append(incs, got...)
	if err != nil {
		errs = append(errs, err)
	}
	return incs, errs
}

func events(ins []in) []risk.Event {
	var evs []risk.Event
	for _, e := range ins {
		evs = append(evs, e.event())
	}
	return evs
}

func newEngine(t *testing.T, opts risk.IncidentOptions, rules ...risk.IncidentRule) *risk.IncidentEngine {
	t.Helper()
	eng, err := risk.NewIncidentEngine(opts, rules...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

const h = time.Hour

func TestNewIncidentEngineValidation(t *testing.T) {
	fires := func(*risk.ObjectState) bool { return true }
	tests := []struct {
		name   string
		reason string
		opts   risk.IncidentOptions
		rules  []risk.IncidentRule
		want   []string
	}{
		{
			name:   "defaults",
			reason: "the two ES rules are valid as they come",
			rules:  risk.DefaultIncidentRules(),
		},
		{
			name:   "no rules",
			reason: "an engine without rules could never raise an incident",
			want:   []string{"risk: invalid incident rule: no rules"},
		},
		{
			name:   "everything wrong",
			reason: "every problem is reported at once, in order, each naming its rule",
			opts:   risk.IncidentOptions{Lateness: -time.Second},
			rules: []risk.IncidentRule{
				{Name: " ", Window: h, Fires: fires},
				{Name: "a", Window: 0, Fires: fires},
				{Name: "a", Window: -h, Throttle: -1, Fires: nil},
			},
			want: []string{
				"risk: invalid incident rule: negative lateness -1s",
				`risk: invalid incident rule: rule 0 (" "): blank name`,
				`risk: invalid incident rule: rule 1 ("a"): window 0s is not positive`,
				`risk: invalid incident rule: rule 2 ("a"): duplicate name`,
				`risk: invalid incident rule: rule 2 ("a"): window -1h0m0s is not positive`,
				`risk: invalid incident rule: rule 2 ("a"): negative throttle -1ns`,
				`risk: invalid incident rule: rule 2 ("a"): nil Fires`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng, err := risk.NewIncidentEngine(tt.opts, tt.rules...)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
				if !errors.Is(err, risk.ErrInvalidRule) {
					t.Errorf("error %v does not wrap ErrInvalidRule", err)
				}
				if eng != nil {
					t.Error("engine returned with an error")
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestRiskThreshold24h(t *testing.T) {
	r := risk.RiskThresholdName
	tests := []struct {
		name   string
		reason string
		in     []in
		want   []out
	}{
		{
			name:   "exactly 100",
			reason: "the rule fires above 100, not at 100",
			in:     []in{{at: 0, score: 50}, {at: h, score: 50}},
		},
		{
			name:   "101",
			reason: "101 is above the threshold; the incident is at the event that crossed it",
			in:     []in{{at: 0, score: 50}, {at: h, score: 51}},
			want:   []out{{Rule: r, Object: "adele.vance@example.com", Score: 101, Events: 2, Sources: 1, First: 0, Last: h}},
		},
		{
			name:   "exactly 24 h apart",
			reason: "the window is (T-24h, T]: an event exactly 24 h before T is out of it",
			in:     []in{{at: 0, score: 60}, {at: 24 * h, score: 60}},
		},
		{
			name:   "1 ns under 24 h apart",
			reason: "an event less than 24 h before T is in the window",
			in:     []in{{at: 0, score: 60}, {at: 24*h - 1, score: 60}},
			want:   []out{{Rule: r, Object: "adele.vance@example.com", Score: 120, Events: 2, Sources: 1, First: 0, Last: 24*h - 1}},
		},
		{
			name:   "spread over 25 h",
			reason: "152 in 25 h, but no 24 h window holds more than 98",
			in:     []in{{at: 0, score: 54}, {at: 12 * h, score: 42}, {at: 25 * h, score: 56}},
		},
		{
			name:   "three rules",
			reason: "scores from different detections add up; the incident lists each source once",
			in: []in{
				{at: 0, score: 35, src: srcDeviceCode},
				{at: h, score: 54, src: srcDeniedMFA},
				{at: 2 * h, score: 50, src: srcO365},
			},
			want: []out{{Rule: r, Object: "adele.vance@example.com", Score: 139, Events: 3, Sources: 3, First: 0, Last: 2 * h}},
		},
		{
			name:   "oldest events leave the window",
			reason: "at 31h the window is (7h, 31h]: the events at 0 and 7h have left it, so first_time moves on",
			in: []in{
				{at: 0, score: 90}, {at: 7 * h, score: 20}, // 110 at 7h
				{at: 20 * h, score: 20}, // 130, throttled
				{at: 31 * h, score: 85}, // 20+85 = 105, after the throttle
			},
			want: []out{
				{Rule: r, Object: "adele.vance@example.com", Score: 110, Events: 2, Sources: 1, First: 0, Last: 7 * h},
				{Rule: r, Object: "adele.vance@example.com", Score: 105, Events: 2, Sources: 1, First: 20 * h, Last: 31 * h},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{}, risk.RiskThreshold24h())
			incs, errs := feed(t, eng, events(tt.in))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(tt.want, summarise(incs)); diff != "" {
				t.Errorf("incidents (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestTacticThreshold7d(t *testing.T) {
	r := risk.TacticThresholdName
	ta := func(ids ...string) []string { return ids }
	d := 24 * h
	tests := []struct {
		name   string
		reason string
		in     []in
		want   []out
	}{
		{
			name:   "three tactics, four sources",
			reason: "3 distinct tactics from 4 distinct detections within 7 days fire the rule",
			in: []in{
				{at: 0, score: 35, src: srcFailedUser, tactics: ta("TA0006")},
				{at: 1 * d, score: 35, src: srcDeviceCode, tactics: ta("TA0001", "TA0006")},
				{at: 3 * d, score: 42, src: srcConcurrent, tactics: ta("TA0009")},
				{at: 5 * d, score: 36, src: srcO365, tactics: ta("TA0006")},
			},
			want: []out{{Rule: r, Object: "adele.vance@example.com", Score: 148, Events: 4, Sources: 4, Tactics: 3, First: 0, Last: 5 * d}},
		},
		{
			name:   "two tactics",
			reason: "4 sources are not enough with 2 tactics",
			in: []in{
				{at: 0, score: 35, src: srcFailedUser, tactics: ta("TA0006")},
				{at: 1 * d, score: 35, src: srcDeviceCode, tactics: ta("TA0001", "TA0006")},
				{at: 3 * d, score: 42, src: srcConcurrent, tactics: ta("TA0006")},
				{at: 5 * d, score: 36, src: srcO365, tactics: ta("TA0006")},
			},
		},
		{
			name:   "three sources",
			reason: "3 tactics are not enough from 3 sources, however many events",
			in: []in{
				{at: 0, score: 35, src: srcFailedUser, tactics: ta("TA0006")},
				{at: 1 * d, score: 35, src: srcDeviceCode, tactics: ta("TA0001", "TA0006")},
				{at: 3 * d, score: 42, src: srcConcurrent, tactics: ta("TA0009")},
				{at: 5 * d, score: 42, src: srcConcurrent, tactics: ta("TA0009")},
			},
		},
		{
			name:   "exactly 7 days",
			reason: "the fourth source comes exactly 7 days after the first, which has left the window",
			in: []in{
				{at: 0, score: 35, src: srcFailedUser, tactics: ta("TA0006")},
				{at: 1 * d, score: 35, src: srcDeviceCode, tactics: ta("TA0001", "TA0006")},
				{at: 3 * d, score: 42, src: srcConcurrent, tactics: ta("TA0009")},
				{at: 7 * d, score: 36, src: srcO365, tactics: ta("TA0006")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{}, risk.TacticThreshold7d())
			incs, errs := feed(t, eng, events(tt.in))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(tt.want, summarise(incs)); diff != "" {
				t.Errorf("incidents (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestThrottle(t *testing.T) {
	r := risk.RiskThresholdName
	const obj = "adele.vance@example.com"
	withThrottle := func(d time.Duration) risk.IncidentRule {
		rule := risk.RiskThreshold24h()
		rule.Throttle = d
		return rule
	}
	tests := []struct {
		name   string
		reason string
		rule   risk.IncidentRule
		in     []in
		want   []out
	}{
		{
			name:   "one incident per window",
			reason: "after the incident at 1h, new risk within 24 h raises none, however high the score",
			rule:   risk.RiskThreshold24h(),
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: 2 * h, score: 60}, {at: 3 * h, score: 90}, {at: 25*h - 1, score: 60}},
			want:   []out{{Rule: r, Object: obj, Score: 120, Events: 2, Sources: 1, First: 0, Last: h}},
		},
		{
			name:   "again after the throttle",
			reason: "new risk exactly 24 h after the incident raises the next one, over the window then",
			rule:   risk.RiskThreshold24h(),
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: 2 * h, score: 60}, {at: 25 * h, score: 60}},
			want: []out{
				{Rule: r, Object: obj, Score: 120, Events: 2, Sources: 1, First: 0, Last: h},
				{Rule: r, Object: obj, Score: 120, Events: 2, Sources: 1, First: 2 * h, Last: 25 * h},
			},
		},
		{
			name:   "no new risk, no new incident",
			reason: "the throttle ending is not itself an event: the rule is evaluated only when risk arrives",
			rule:   risk.RiskThreshold24h(),
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: 2 * h, score: 60}, {at: 30 * h, score: 1, obj: "other@example.com"}},
			want:   []out{{Rule: r, Object: obj, Score: 120, Events: 2, Sources: 1, First: 0, Last: h}},
		},
		{
			name:   "shorter throttle",
			reason: "with a 1 h throttle, the event 1 h after the incident raises another",
			rule:   withThrottle(h),
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: 90 * time.Minute, score: 60}, {at: 2 * h, score: 60}},
			want: []out{
				{Rule: r, Object: obj, Score: 120, Events: 2, Sources: 1, First: 0, Last: h},
				{Rule: r, Object: obj, Score: 240, Events: 4, Sources: 1, First: 0, Last: 2 * h},
			},
		},
		{
			name:   "per object",
			reason: "an incident for one object does not throttle another",
			rule:   risk.RiskThreshold24h(),
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: h, score: 101, obj: "b@example.com"}},
			want: []out{
				{Rule: r, Object: obj, Score: 120, Events: 2, Sources: 1, First: 0, Last: h},
				{Rule: r, Object: "b@example.com", Score: 101, Events: 1, Sources: 1, First: h, Last: h},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{}, tt.rule)
			incs, errs := feed(t, eng, events(tt.in))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(tt.want, summarise(incs)); diff != "" {
				t.Errorf("incidents (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestLateness(t *testing.T) {
	r := risk.RiskThresholdName
	const obj = "adele.vance@example.com"
	tests := []struct {
		name        string
		reason      string
		lateness    time.Duration
		in          []in
		want        []out
		wantErrs    []string
		wantDropped int
	}{
		{
			name:     "within the lateness",
			reason:   "an event 45 minutes out of order still counts, and the incident is where it would be in order",
			lateness: h,
			in:       []in{{at: 0, score: 35}, {at: 2 * h, score: 50}, {at: 75 * time.Minute, score: 54}},
			want:     []out{{Rule: r, Object: obj, Score: 139, Events: 3, Sources: 1, First: 0, Last: 2 * h}},
		},
		{
			name:     "at the lateness",
			reason:   "an event exactly the lateness behind the latest is not late",
			lateness: h,
			in:       []in{{at: 0, score: 35}, {at: 2 * h, score: 50}, {at: h, score: 54}},
			want:     []out{{Rule: r, Object: obj, Score: 139, Events: 3, Sources: 1, First: 0, Last: 2 * h}},
		},
		{
			name:        "beyond the lateness",
			reason:      "an event more than the lateness behind the latest is dropped, counted and reported",
			lateness:    h,
			in:          []in{{at: 0, score: 35}, {at: 2 * h, score: 50}, {at: h - 1, score: 54}},
			wantErrs:    []string{`risk: add event for "adele.vance@example.com": late risk event: _time 2025-04-01T00:59:59.999999999Z is before 2025-04-01T01:00:00Z, the earliest time the engine still accepts (latest _time 2025-04-01T02:00:00Z, lateness 1h0m0s)`},
			wantDropped: 1,
		},
		{
			name:     "equal times without lateness",
			reason:   "with zero lateness events must come in time order, but equal times are in order",
			in:       []in{{at: h, score: 50}, {at: h, score: 51}},
			want:     []out{{Rule: r, Object: obj, Score: 101, Events: 2, Sources: 1, First: h, Last: h}},
			lateness: 0,
		},
		{
			name:        "out of order without lateness",
			reason:      "with zero lateness any earlier event is late",
			in:          []in{{at: h, score: 50}, {at: h - 1, score: 51}},
			wantErrs:    []string{`risk: add event for "adele.vance@example.com": late risk event: _time 2025-04-01T00:59:59.999999999Z is before 2025-04-01T01:00:00Z, the earliest time the engine still accepts (latest _time 2025-04-01T01:00:00Z, lateness 0s)`},
			wantDropped: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{Lateness: tt.lateness}, risk.RiskThreshold24h())
			incs, errs := feed(t, eng, events(tt.in))
			var gotErrs []string
			for _, err := range errs {
				if !errors.Is(err, risk.ErrLateEvent) {
					t.Errorf("error %v does not wrap ErrLateEvent", err)
				}
				gotErrs = append(gotErrs, err.Error())
			}
			if diff := cmp.Diff(tt.wantErrs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if got := eng.Dropped(); got != tt.wantDropped {
				t.Errorf("Dropped() = %d, want %d; reason: %s", got, tt.wantDropped, tt.reason)
			}
			if diff := cmp.Diff(tt.want, summarise(incs)); diff != "" {
				t.Errorf("incidents (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// TestIncidentTiming checks when Add returns an incident: once the
// watermark has passed its time, and not before.
func TestIncidentTiming(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		lateness time.Duration
		in       []in
		wantAt   int // index of the Add that returns the incident; len(in) means Flush
	}{
		{
			name:   "in order",
			reason: "without lateness the incident at 1h is final when a later event arrives",
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: h + 1, score: 1}},
			wantAt: 2,
		},
		{
			name:   "equal time",
			reason: "an event at the same time could still change the window, so it does not make 1h final",
			in:     []in{{at: 0, score: 60}, {at: h, score: 60}, {at: h, score: 1}},
			wantAt: 3,
		},
		{
			name:     "lateness delays",
			reason:   "with 1 h lateness the incident at 1h waits for an event later than 2h",
			lateness: h,
			in:       []in{{at: 0, score: 60}, {at: h, score: 60}, {at: 2 * h, score: 1}, {at: 2*h + 1, score: 1}},
			wantAt:   3,
		},
		{
			name:     "flush",
			reason:   "Flush makes everything final",
			lateness: h,
			in:       []in{{at: 0, score: 60}, {at: h, score: 60}},
			wantAt:   2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{Lateness: tt.lateness}, risk.RiskThreshold24h())
			var at []int
			for i, e := range tt.in {
				incs, err := eng.Add(e.event())
				if err != nil {
					t.Fatal(err)
				}
				for range incs {
					at = append(at, i)
				}
			}
			incs, err := eng.Flush()
			if err != nil {
				t.Fatal(err)
			}
			for range incs {
				at = append(at, len(tt.in))
			}
			if diff := cmp.Diff([]int{tt.wantAt}, at); diff != "" {
				t.Errorf("calls returning incidents (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestFlush(t *testing.T) {
	eng := newEngine(t, risk.IncidentOptions{Lateness: h}, risk.RiskThreshold24h())
	if incs, err := eng.Flush(); incs != nil || err != nil {
		t.Errorf("Flush of an empty engine = %v, %v; want nothing", incs, err)
	}
	for _, e := range []in{{at: 0, score: 60}, {at: h, score: 60}} {
		if _, err := eng.Add(e.event()); err != nil {
			t.Fatal(err)
		}
	}
	incs, err := eng.Flush()
	if err != nil || len(incs) != 1 {
		t.Fatalf("Flush = %v, %v; want one incident", incs, err)
	}
	if incs, err := eng.Flush(); incs != nil || err != nil {
		t.Errorf("second Flush = %v, %v; want nothing", incs, err)
	}
	if got, want := eng.Watermark(), t0.Add(h+1); !got.Equal(want) {
		t.Errorf("Watermark() after Flush = %v, want %v", got, want)
	}
	// The flushed time is final: an event at it is late, even within the
	// lateness, and a later one is fine.
	if _, err := eng.Add(in{at: h, score: 1}.event()); !errors.Is(err, risk.ErrLateEvent) {
		t.Errorf("Add at the flushed time: error %v, want ErrLateEvent", err)
	}
	if _, err := eng.Add(in{at: h + 1, score: 1}.event()); err != nil {
		t.Errorf("Add after the flushed time: %v", err)
	}
}

func TestNormalisation(t *testing.T) {
	r := risk.RiskThresholdName
	mk := func(at time.Duration, obj string, typ risk.ObjectType, score int) risk.Event {
		ev := in{at: at, obj: obj, score: score}.event()
		ev.RiskObjectType = typ
		return ev
	}
	tests := []struct {
		name   string
		reason string
		in     []risk.Event
		want   []out
	}{
		{
			name:   "case and white space",
			reason: "risk_object is trimmed and lower-cased, so these are one object, named in lower case",
			in: []risk.Event{
				mk(0, "  Adele.Vance@Example.com ", risk.User, 40),
				mk(h, "adele.vance@example.com\t", risk.User, 40),
				mk(2*h, "ADELE.VANCE@EXAMPLE.COM", risk.User, 40),
			},
			want: []out{{Rule: r, Object: "adele.vance@example.com", Score: 120, Events: 3, Sources: 1, First: 0, Last: 2 * h}},
		},
		{
			name:   "type",
			reason: "a user and a system of the same name are two objects",
			in: []risk.Event{
				mk(0, "web01", risk.User, 60),
				mk(h, "WEB01", risk.System, 60),
			},
		},
		{
			name:   "inner white space",
			reason: "only surrounding white space is trimmed",
			in: []risk.Event{
				mk(0, "adele vance", risk.User, 60),
				mk(h, "adele  vance", risk.User, 60),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{}, risk.RiskThreshold24h())
			incs, errs := feed(t, eng, tt.in)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(tt.want, summarise(incs)); diff != "" {
				t.Errorf("incidents (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestMemory(t *testing.T) {
	long := risk.RiskThreshold24h()
	long.Name = "long throttle"
	long.Throttle = 48 * h
	tests := []struct {
		name     string
		reason   string
		lateness time.Duration
		rules    []risk.IncidentRule
		in       []in
		want     []int // Objects() after each Add, then after Flush
	}{
		{
			name:   "window passed",
			reason: "an object is forgotten when the watermark reaches its last event plus the window",
			rules:  []risk.IncidentRule{risk.RiskThreshold24h()},
			in: []in{
				{at: 0, obj: "a", score: 1},
				{at: h, obj: "b", score: 1},
				{at: 24*h - 1, obj: "c", score: 1}, // a still matters
				{at: 24 * h, obj: "c", score: 1},   // a's window has passed
				{at: 25 * h, obj: "d", score: 1},   // and b's
			},
			want: []int{1, 2, 3, 2, 2, 2},
		},
		{
			name:     "lateness",
			reason:   "with lateness the watermark trails the latest event, and so does forgetting",
			lateness: h,
			rules:    []risk.IncidentRule{risk.RiskThreshold24h()},
			in: []in{
				{at: 0, obj: "a", score: 1},
				{at: 24 * h, obj: "b", score: 1},
				{at: 25 * h, obj: "b", score: 1},
			},
			want: []int{1, 2, 1, 1},
		},
		{
			name:   "longest window",
			reason: "events are kept for the longest window of the rules",
			rules:  risk.DefaultIncidentRules(),
			in: []in{
				{at: 0, obj: "a", score: 1},
				{at: 24 * h, obj: "b", score: 1},
				{at: 7*24*h - 1, obj: "b", score: 1},
				{at: 7 * 24 * h, obj: "b", score: 1},
			},
			want: []int{1, 2, 2, 1, 1},
		},
		{
			name:   "throttle",
			reason: "an object whose incident throttles a rule is kept until the throttle ends",
			rules:  []risk.IncidentRule{long},
			in: []in{
				{at: 0, obj: "a", score: 101}, // fires at 0, throttled until 48h
				{at: 47 * h, obj: "b", score: 1},
				{at: 48 * h, obj: "b", score: 1},
			},
			want: []int{1, 2, 1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{Lateness: tt.lateness}, tt.rules...)
			var got []int
			for _, e := range tt.in {
				if _, err := eng.Add(e.event()); err != nil {
					t.Fatal(err)
				}
				got = append(got, eng.Objects())
			}
			if _, err := eng.Flush(); err != nil {
				t.Fatal(err)
			}
			got = append(got, eng.Objects())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Objects() after each step (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// TestForgottenObjectReturns checks that an object's state is rebuilt
// from scratch when it comes back after being forgotten.
func TestForgottenObjectReturns(t *testing.T) {
	eng := newEngine(t, risk.IncidentOptions{}, risk.RiskThreshold24h())
	incs, errs := feed(t, eng, events([]in{
		{at: 0, score: 101},
		{at: 30 * h, obj: "other", score: 1}, // forgets adele
		{at: 31 * h, score: 101},
	}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []out{
		{Rule: risk.RiskThresholdName, Object: "adele.vance@example.com", Score: 101, Events: 1, Sources: 1, First: 0, Last: 0},
		{Rule: risk.RiskThresholdName, Object: "adele.vance@example.com", Score: 101, Events: 1, Sources: 1, First: 31 * h, Last: 31 * h},
	}
	if diff := cmp.Diff(want, summarise(incs)); diff != "" {
		t.Errorf("incidents (-want +got):\n%s", diff)
	}
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		score  int
		want   string
	}{
		{"negative", "risk factors can lower a score below zero", -5, "informational"},
		{"zero", "no risk", 0, "informational"},
		{"20", "20 is the top of informational", 20, "informational"},
		{"21", "just above informational", 21, "low"},
		{"40", "40 is the top of low", 40, "low"},
		{"41", "just above low", 41, "medium"},
		{"60", "60 is the top of medium", 60, "medium"},
		{"61", "just above medium", 61, "high"},
		{"80", "80 is the top of high", 80, "high"},
		{"81", "above 80 is critical", 81, "critical"},
		{"101", "every 24 h incident is critical", 101, "critical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := risk.Severity(tt.score); got != tt.want {
				t.Errorf("Severity(%d) = %q, want %q; reason: %s", tt.score, got, tt.want, tt.reason)
			}
		})
	}
}

func TestCustomRule(t *testing.T) {
	type seen struct {
		Sources, Tactics, Techniques []string
		Score, Events                int
	}
	var states []seen
	rule := risk.IncidentRule{
		Name:   "Two Detections Within An Hour",
		Window: h,
		Fires: func(s *risk.ObjectState) bool {
			states = append(states, seen{s.Sources(), s.Tactics(), s.Techniques(), s.RiskScore, s.EventCount})
			return s.SourceCount >= 2
		},
		Severity: func(score int) string {
			if score >= 50 {
				return "high"
			}
			return "low"
		},
	}
	eng := newEngine(t, risk.IncidentOptions{}, rule)
	incs, errs := feed(t, eng, events([]in{
		{at: 0, score: 10, src: srcDeviceCode, tactics: []string{"TA0006", "TA0001"}},
		{at: 30 * time.Minute, score: 10, src: srcDeviceCode, tactics: []string{"TA0006"}},
		{at: 50 * time.Minute, score: 35, src: srcO365, tactics: []string{"TA0006"}},
		{at: 3 * h, score: 20, src: srcO365},
	}))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	wantStates := []seen{
		{[]string{srcDeviceCode}, []string{"TA0001", "TA0006"}, []string{"T1528"}, 10, 1},
		{[]string{srcDeviceCode}, []string{"TA0001", "TA0006"}, []string{"T1528"}, 20, 2},
		{[]string{srcDeviceCode, srcO365}, []string{"TA0001", "TA0006"}, []string{"T1528"}, 55, 3},
		{[]string{srcO365}, nil, []string{"T1528"}, 20, 1},
	}
	if diff := cmp.Diff(wantStates, states); diff != "" {
		t.Errorf("states the predicate saw (-want +got):\n%s", diff)
	}
	want := []risk.Incident{{
		Rule:           "Two Detections Within An Hour",
		RiskObject:     "adele.vance@example.com",
		RiskObjectType: risk.User,
		RiskScore:      55,
		EventCount:     3,
		Sources:        []string{srcDeviceCode, srcO365},
		TacticCount:    2,
		TechniqueCount: 1,
		FirstTime:      t0,
		LastTime:       t0.Add(50 * time.Minute),
		Severity:       "high",
		Messages:       []string{srcDeviceCode + " on adele.vance@example.com", srcO365 + " on adele.vance@example.com"},
	}}
	if diff := cmp.Diff(want, incs); diff != "" {
		t.Errorf("incidents (-want +got):\n%s", diff)
	}
}

func TestInvalidEvents(t *testing.T) {
	good := in{at: h, score: 10}.event()
	tests := []struct {
		name   string
		reason string
		edit   func(*risk.Event)
		want   string
	}{
		{"no time", "a risk event without _time cannot be placed in a window", func(e *risk.Event) { e.Time = time.Time{} }, "risk: add event: invalid risk event: no _time"},
		{"blank object", "an object of only white space normalises to nothing", func(e *risk.Event) { e.RiskObject = " \t" }, "risk: add event: invalid risk event: blank risk_object"},
		{"blank search name", "the source of every event is counted", func(e *risk.Event) { e.SearchName = "" }, "risk: add event: invalid risk event: blank search_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := newEngine(t, risk.IncidentOptions{}, risk.RiskThreshold24h())
			ev := good
			tt.edit(&ev)
			incs, err := eng.Add(ev)
			if err == nil || err.Error() != tt.want || !errors.Is(err, risk.ErrInvalidEvent) {
				t.Errorf("Add error = %v, want %q wrapping ErrInvalidEvent; reason: %s", err, tt.want, tt.reason)
			}
			if incs != nil || eng.Dropped() != 0 || eng.Objects() != 0 {
				t.Errorf("after a rejected event: %d incidents, Dropped() %d, Objects() %d; want nothing", len(incs), eng.Dropped(), eng.Objects())
			}
		})
	}
}

func TestPanickingRule(t *testing.T) {
	calls := 0
	bad := risk.IncidentRule{Name: "bad", Window: h, Fires: func(*risk.ObjectState) bool {
		calls++
		panic("boom")
	}}
	badSeverity := risk.RiskThreshold24h()
	badSeverity.Name = "bad severity"
	badSeverity.Severity = func(int) string { panic("no severity") }
	eng := newEngine(t, risk.IncidentOptions{}, bad, risk.RiskThreshold24h(), badSeverity)
	incs, errs := feed(t, eng, events([]in{{at: 0, score: 60}, {at: h, score: 60}, {at: 2 * h, score: 1}}))
	var msgs []string
	for _, err := range errs {
		var pe *risk.PanicError
		if !errors.As(err, &pe) || len(pe.Stack) == 0 {
			t.Errorf("error %v holds no *PanicError with a stack", err)
		}
		msgs = append(msgs, err.Error())
	}
	want := []string{
		`risk: incident rule "bad" panicked: boom`,
		`risk: incident rule "bad severity" panicked: no severity`,
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if calls != 1 {
		t.Errorf("the panicking rule was called %d times, want once: it is disabled after its panic", calls)
	}
	wantIncs := []out{{Rule: risk.RiskThresholdName, Object: "adele.vance@example.com", Score: 120, Events: 2, Sources: 1, First: 0, Last: h}}
	if diff := cmp.Diff(wantIncs, summarise(incs)); diff != "" {
		t.Errorf("the other rule's incidents (-want +got):\n%s", diff)
	}
}

// TestOrder checks that the incidents come sorted by time, then object,
// then rule, and are the same for any arrival order within the lateness.
func TestOrder(t *testing.T) {
	risky := risk.RiskThreshold("Risk Over 50", 24*h, 50)
	var ins []in
	for _, obj := range []string{"c", "a", "b"} {
		ins = append(ins,
			in{at: 0, obj: obj, score: 60, src: srcDeviceCode, tactics: []string{"TA0001"}},
			in{at: 10 * time.Minute, obj: obj, score: 60, src: srcDeniedMFA, tactics: []string{"TA0006"}},
			in{at: 10 * time.Minute, obj: obj, score: 1, src: srcO365, tactics: []string{"TA0009"}},
			in{at: 20 * time.Minute, obj: obj, score: 1, src: srcConcurrent, tactics: []string{"TA0009"}},
		)
	}
	base := events(ins)
	slices.SortStableFunc(base, func(a, b risk.Event) int { return a.Time.Compare(b.Time) })
	var want []out
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 50 {
		evs := slices.Clone(base)
		if i > 0 {
			rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		}
		eng := newEngine(t, risk.IncidentOptions{Lateness: 20 * time.Minute}, risk.TacticThreshold7d(), risky, risk.RiskThreshold24h())
		incs, errs := feed(t, eng, evs)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		got := summarise(incs)
		if i == 0 {
			want = []out{
				{Rule: "Risk Over 50", Object: "a", Score: 60, Events: 1, Sources: 1, Tactics: 1, First: 0, Last: 0},
				{Rule: "Risk Over 50", Object: "b", Score: 60, Events: 1, Sources: 1, Tactics: 1, First: 0, Last: 0},
				{Rule: "Risk Over 50", Object: "c", Score: 60, Events: 1, Sources: 1, Tactics: 1, First: 0, Last: 0},
				{Rule: risk.RiskThresholdName, Object: "a", Score: 121, Events: 3, Sources: 3, Tactics: 3, First: 0, Last: 10 * time.Minute},
				{Rule: risk.RiskThresholdName, Object: "b", Score: 121, Events: 3, Sources: 3, Tactics: 3, First: 0, Last: 10 * time.Minute},
				{Rule: risk.RiskThresholdName, Object: "c", Score: 121, Events: 3, Sources: 3, Tactics: 3, First: 0, Last: 10 * time.Minute},
				{Rule: risk.TacticThresholdName, Object: "a", Score: 122, Events: 4, Sources: 4, Tactics: 3, First: 0, Last: 20 * time.Minute},
				{Rule: risk.TacticThresholdName, Object: "b", Score: 122, Events: 4, Sources: 4, Tactics: 3, First: 0, Last: 20 * time.Minute},
				{Rule: risk.TacticThresholdName, Object: "c", Score: 122, Events: 4, Sources: 4, Tactics: 3, First: 0, Last: 20 * time.Minute},
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("permutation %d: incidents (-want +got):\n%s", i, diff)
		}
	}
}

func TestIncidentMarshalJSON(t *testing.T) {
	full := risk.Incident{
		Rule:           risk.RiskThresholdName,
		RiskObject:     "adele.vance@example.com",
		RiskObjectType: risk.User,
		RiskScore:      139,
		EventCount:     3,
		Sources:        []string{srcDeviceCode, srcO365},
		TacticCount:    2,
		TechniqueCount: 3,
		FirstTime:      time.Date(2025, 4, 1, 8, 10, 0, 0, time.UTC),
		LastTime:       time.Date(2025, 4, 1, 10, 15, 0, 250e6, time.FixedZone("CEST", 2*3600)),
		Severity:       "critical",
		Messages:       []string{"<a> & <b>", "second"},
	}
	tests := []struct {
		name    string
		reason  string
		inc     risk.Incident
		want    string
		wantErr string
	}{
		{
			name:   "full",
			reason: "keys in the documented order, times in UTC with a fraction only when there is one, no HTML escaping",
			inc:    full,
			want:   `{"risk_object":"adele.vance@example.com","risk_object_type":"user","risk_score":139,"risk_event_count":3,"source_count":2,"mitre_tactic_id_count":2,"mitre_technique_id_count":3,"sources":["ESCU - Azure AD Device Code Authentication - Rule","ESCU - O365 User Consent Denied for OAuth Application - Rule"],"first_time":"2025-04-01T08:10:00Z","last_time":"2025-04-01T08:15:00.25Z","severity":"critical","incident_rule":"Risk Threshold Exceeded For Object Over 24 Hour Period","risk_messages":["<a> & <b>","second"]}`,
		},
		{
			name:   "empty",
			reason: "lists are [] rather than null",
			inc:    risk.Incident{FirstTime: t0, LastTime: t0},
			want:   `{"risk_object":"","risk_object_type":"","risk_score":0,"risk_event_count":0,"source_count":0,"mitre_tactic_id_count":0,"mitre_technique_id_count":0,"sources":[],"first_time":"2025-04-01T00:00:00Z","last_time":"2025-04-01T00:00:00Z","severity":"","incident_rule":"","risk_messages":[]}`,
		},
		{
			name:    "bad year",
			reason:  "RFC 3339 has four-digit years",
			inc:     risk.Incident{FirstTime: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), LastTime: t0},
			wantErr: "risk: encode incident: first_time: bad _time: year 10000 outside 0000..9999",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.inc.MarshalJSON()
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, risk.ErrBadTime) {
					t.Errorf("error = %v, want %q wrapping ErrBadTime; reason: %s", err, tt.wantErr, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(b)); diff != "" {
				t.Errorf("JSON (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// readEvents reads risk events as JSON lines, checking that each line is
// exactly what Event.MarshalJSON writes for it.
func readEvents(t *testing.T, path string) []risk.Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var evs []risk.Event
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		var ev risk.Event
		if err := ev.UnmarshalJSON(sc.Bytes()); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		b, err := ev.MarshalJSON()
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		if !bytes.Equal(b, sc.Bytes()) {
			t.Errorf("%s:%d is not in the form Event.MarshalJSON writes:\n got %s\nwant %s", path, n, sc.Bytes(), b)
		}
		evs = append(evs, ev)
	}
	return evs
}

func incidentLines(t *testing.T, incs []risk.Incident) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, inc := range incs {
		b, err := inc.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// TestSampleGolden feeds testdata/riskincidents/risk_events.jsonl to the
// default rules in file order, with one hour of lateness, and compares the
// incidents with risk_events.incidents.golden.jsonl. The file holds an
// event 45 minutes out of order, which the incidents need: without
// lateness it is dropped and the incidents change. Run with -update
// to rewrite the golden file, then review the diff.
func TestSampleGolden(t *testing.T) {
	dir := filepath.Join("..", "testdata", "riskincidents")
	evs := readEvents(t, filepath.Join(dir, "risk_events.jsonl"))
	eng := newEngine(t, risk.IncidentOptions{Lateness: h}, risk.DefaultIncidentRules()...)
	incs, errs := feed(t, eng, evs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := incidentLines(t, incs)
	golden := filepath.Join(dir, "risk_events.incidents.golden.jsonl")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("incidents (-want +got):\n%s", diff)
	}

	// In time order, the same incidents.
	sorted := slices.Clone(evs)
	slices.SortStableFunc(sorted, func(a, b risk.Event) int { return a.Time.Compare(b.Time) })
	incs, errs = feed(t, newEngine(t, risk.IncidentOptions{}, risk.DefaultIncidentRules()...), sorted)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if diff := cmp.Diff(string(want), string(incidentLines(t, incs))); diff != "" {
		t.Errorf("in time order, incidents (-want +got):\n%s", diff)
	}

	// Without lateness, the late event is dropped and reported; the first
	// incident then comes only at the next event, six hours later, and its
	// throttle silences the second.
	strict := newEngine(t, risk.IncidentOptions{}, risk.DefaultIncidentRules()...)
	incs, errs = feed(t, strict, evs)
	if len(errs) != 1 || !errors.Is(errs[0], risk.ErrLateEvent) || strict.Dropped() != 1 {
		t.Errorf("without lateness: errors %v, Dropped() %d; want one late event", errs, strict.Dropped())
	}
	wantStrict := []out{
		{Rule: risk.RiskThresholdName, Object: "isabel.ruiz@example.com", Score: 135, Events: 3, Sources: 2, Tactics: 2, First: 8*h + 10*time.Minute, Last: 16*h + 40*time.Minute},
		{Rule: risk.TacticThresholdName, Object: "mei.chen@example.org", Score: 148, Events: 4, Sources: 4, Tactics: 3, First: 6*24*h + 9*h, Last: 11*24*h + 19*h + 45*time.Minute},
	}
	if diff := cmp.Diff(wantStrict, summarise(incs)); diff != "" {
		t.Errorf("without lateness, incidents (-want +got):\n%s", diff)
	}
}

// reference is a direct, slow statement of the incident semantics, for
// differential testing: for each object, at each distinct event time T in
// order, the rule sees the events in (T-Window, T] and fires unless it
// fired less than Throttle before T.
func reference(rules []risk.IncidentRule, evs []risk.Event) []risk.Incident {
	type key struct {
		obj string
		typ risk.ObjectType
	}
	byObj := make(map[key][]risk.Event)
	var keys []key
	for _, ev := range evs {
		k := key{strings.ToLower(strings.TrimSpace(ev.RiskObject)), ev.RiskObjectType}
		if _, ok := byObj[k]; !ok {
			keys = append(keys, k)
		}
		byObj[k] = append(byObj[k], ev)
	}
	var incs []risk.Incident
	for _, k := range keys {
		list := byObj[k]
		slices.SortStableFunc(list, func(a, b risk.Event) int {
			if c := a.Time.Compare(b.Time); c != 0 {
				return c
			}
			return strings.Compare(a.RiskMessage, b.RiskMessage)
		})
		for _, r := range rules {
			throttle := r.Throttle
			if throttle == 0 {
				throttle = r.Window
			}
			var last *time.Time
			for i, ev := range list {
				T := ev.Time
				if i+1 < len(list) && list[i+1].Time.Equal(T) {
					continue // evaluate once per time, with all its events
				}
				var win []risk.Event
				for _, e := range list {
					if e.Time.After(T.Add(-r.Window)) && !e.Time.After(T) {
						win = append(win, e)
					}
				}
				st := risk.ObjectState{RiskObject: k.obj, RiskObjectType: k.typ, FirstTime: win[0].Time, LastTime: T}
				srcs, tacs, techs := map[string]bool{}, map[string]bool{}, map[string]bool{}
				var msgs []string
				for _, e := range win {
					st.RiskScore += e.RiskScore
					st.EventCount++
					srcs[e.SearchName] = true
					for _, x := range e.MITRETacticIDs {
						tacs[x] = true
					}
					for _, x := range e.MITRETechniqueIDs {
						techs[x] = true
					}
					if !slices.Contains(msgs, e.RiskMessage) {
						msgs = append(msgs, e.RiskMessage)
					}
				}
				st.SourceCount, st.TacticCount, st.TechniqueCount = len(srcs), len(tacs), len(techs)
				if !r.Fires(&st) || (last != nil && T.Before(last.Add(throttle))) {
					continue
				}
				last = &T
				var sources []string
				for s := range srcs {
					sources = append(sources, s)
				}
				slices.Sort(sources)
				incs = append(incs, risk.Incident{
					Rule: r.Name, RiskObject: k.obj, RiskObjectType: k.typ, RiskScore: st.RiskScore,
					EventCount: st.EventCount, Sources: sources, TacticCount: st.TacticCount,
					TechniqueCount: st.TechniqueCount, FirstTime: st.FirstTime, LastTime: T,
					Severity: risk.Severity(st.RiskScore), Messages: msgs,
				})
			}
		}
	}
	risk.SortIncidents(incs)
	return incs
}

// TestAgainstReference compares the engine with the reference on random
// streams: events on a coarse time grid (so that ties and exact window
// boundaries are common), delivered out of order within the lateness.
func TestAgainstReference(t *testing.T) {
	sources := []struct {
		name    string
		tactics []string
	}{
		{srcDeviceCode, []string{"TA0001", "TA0006"}},
		{srcDeniedMFA, []string{"TA0006"}},
		{srcO365, []string{"TA0006"}},
		{srcConcurrent, []string{"TA0009"}},
		{srcFailedUser, []string{"TA0006"}},
		{"ESCU - Azure AD Successful Single-Factor Authentication - Rule", []string{"TA0001", "TA0003", "TA0004", "TA0005", "TA0042"}},
	}
	objects := []string{"a", "A ", "b", "c", "d"}
	quick := risk.RiskThreshold("Quick", 3*h, 60)
	quick.Throttle = 2 * h
	rules := append(risk.DefaultIncidentRules(), quick)
	rng := rand.New(rand.NewPCG(7, 11))
	reordered, incidents := 0, 0
	for round := range 300 {
		n := 1 + rng.IntN(60)
		lateness := time.Duration(rng.IntN(4)) * h
		var evs []risk.Event
		for range n {
			s := sources[rng.IntN(len(sources))]
			obj := objects[rng.IntN(len(objects))]
			at := time.Duration(rng.IntN(10*24)) * h
			evs = append(evs, risk.Event{
				Time: t0.Add(at), SearchName: s.name, RiskObject: obj, RiskObjectType: risk.User,
				RiskScore: 5 * (1 + rng.IntN(12)), RiskMessage: fmt.Sprintf("m%d", rng.IntN(4)),
				MITRETacticIDs: s.tactics, MITRETechniqueIDs: []string{fmt.Sprintf("T%d", rng.IntN(5))},
			})
		}
		slices.SortStableFunc(evs, func(a, b risk.Event) int { return a.Time.Compare(b.Time) })
		// Deliver out of order: sorting on the time plus a random delay
		// of up to the lateness puts no event after one more than the
		// lateness later than itself.
		type delayed struct {
			ev risk.Event
			at time.Time
		}
		order := make([]delayed, len(evs))
		for i, ev := range evs {
			order[i] = delayed{ev, ev.Time.Add(time.Duration(rng.Int64N(int64(lateness) + 1)))}
		}
		slices.SortStableFunc(order, func(a, b delayed) int { return a.at.Compare(b.at) })
		arrival := make([]risk.Event, len(evs))
		for i, d := range order {
			arrival[i] = d.ev
			if i > 0 && d.ev.Time.Before(order[i-1].ev.Time) {
				reordered++
			}
		}
		eng := newEngine(t, risk.IncidentOptions{Lateness: lateness}, rules...)
		got, errs := feed(t, eng, arrival)
		if len(errs) > 0 {
			t.Fatalf("round %d: %v", round, errs)
		}
		want := reference(rules, evs)
		incidents += len(want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d (lateness %v): incidents (-reference +engine):\n%s", round, lateness, diff)
		}
		if eng.Objects() > len(objects) {
			t.Fatalf("round %d: %d objects held", round, eng.Objects())
		}
	}
	if reordered < 100 || incidents < 300 {
		t.Errorf("weak test: %d events out of order, %d incidents", reordered, incidents)
	}
	t.Logf("%d events out of order, %d incidents", reordered, incidents)
}

// TestAgainstReferenceManyValues compares the engine with the reference
// on objects whose windows hold many distinct sources, tactics and
// techniques, up to hundreds, so that the engine's counts of distinct
// values grow large and shrink again as events leave the windows. A rule
// that fires at every evaluation shows the counts at each.
func TestAgainstReferenceManyValues(t *testing.T) {
	always := risk.IncidentRule{Name: "Always", Window: 6 * h, Throttle: 1, Fires: func(*risk.ObjectState) bool { return true }}
	rules := append(risk.DefaultIncidentRules(), always)
	rng := rand.New(rand.NewPCG(3, 5))
	for round := range 20 {
		lateness := time.Duration(rng.IntN(3)) * h
		var evs []risk.Event
		for range 300 {
			tactics := make([]string, rng.IntN(4))
			for i := range tactics {
				tactics[i] = fmt.Sprintf("TA%04d", rng.IntN(60))
			}
			techniques := make([]string, rng.IntN(6))
			for i := range techniques {
				techniques[i] = fmt.Sprintf("T%d", 1000+rng.IntN(400))
			}
			evs = append(evs, risk.Event{
				Time: t0.Add(time.Duration(rng.IntN(10*24*6)) * 10 * time.Minute), SearchName: fmt.Sprintf("ESCU - Rule %d", rng.IntN(80)),
				RiskObject: []string{"a", "b"}[rng.IntN(2)], RiskObjectType: risk.User, RiskScore: 1 + rng.IntN(20),
				RiskMessage: fmt.Sprintf("m%d", rng.IntN(3)), MITRETacticIDs: tactics, MITRETechniqueIDs: techniques,
			})
		}
		slices.SortStableFunc(evs, func(a, b risk.Event) int { return a.Time.Compare(b.Time) })
		arrival := slices.Clone(evs)
		// Swap neighbours less than the lateness apart.
		for i := 1; i < len(arrival); i++ {
			if arrival[i].Time.Sub(arrival[i-1].Time) <= lateness && rng.IntN(2) == 0 {
				arrival[i], arrival[i-1] = arrival[i-1], arrival[i]
			}
		}
		eng := newEngine(t, risk.IncidentOptions{Lateness: lateness}, rules...)
		got, errs := feed(t, eng, arrival)
		if len(errs) > 0 {
			t.Fatalf("round %d: %v", round, errs)
		}
		want := reference(rules, evs)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d (lateness %v): incidents (-reference +engine):\n%s", round, lateness, diff)
		}
		most := 0
		for _, inc := range want {
			most = max(most, inc.TechniqueCount)
		}
		if most < 100 {
			t.Fatalf("round %d: weak test: at most %d distinct techniques in a window", round, most)
		}
	}
}

func BenchmarkIncidentEngine(b *testing.B) {
	for _, objects := range []int{10, 1000} {
		b.Run(fmt.Sprintf("objects=%d", objects), func(b *testing.B) {
			srcs := []string{srcDeviceCode, srcDeniedMFA, srcO365, srcConcurrent}
			evs := make([]risk.Event, 10000)
			for i := range evs {
				src := srcs[i%len(srcs)]
				evs[i] = risk.Event{
					Time:              t0.Add(time.Duration(i) * time.Minute),
					SearchName:        src,
					RiskObject:        fmt.Sprintf("user%d@example.com", i%objects),
					RiskObjectType:    risk.User,
					RiskScore:         35,
					RiskMessage:       "message " + src,
					MITRETacticIDs:    []string{"TA0006"},
					MITRETechniqueIDs: []string{"T1528"},
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				eng, err := risk.NewIncidentEngine(risk.IncidentOptions{Lateness: h}, risk.DefaultIncidentRules()...)
				if err != nil {
					b.Fatal(err)
				}
				for _, ev := range evs {
					if _, err := eng.Add(ev); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := eng.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(evs)), "events/op")
		})
	}
}
