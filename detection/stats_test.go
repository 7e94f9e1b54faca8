package detection_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// TestEngineStatsFunctions runs every stats function a grouping offers
// over a few sign-ins and compares with values worked out by hand:
// numbers (error codes) summed, averaged and spread; text compared as
// text; values at the earliest and latest times; the list in input order;
// count(X) skipping the event with no IP; and a where on an average.
func TestEngineStatsFunctions(t *testing.T) {
	in := am("2025-03-14T09:00:02Z", "a@example.com", "192.0.2.9", "Portal", 50126) +
		am("2025-03-14T09:00:01Z", "a@example.com", "192.0.2.10", "Teams", 50053) +
		am("2025-03-14T09:00:03Z", "a@example.com", "", "Portal", 50074) +
		am("2025-03-14T09:00:00Z", "b@example.com", "198.51.100.1", "Portal", 50126)
	type S = detection.Stat[event.SignInEvent]
	g := detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{{Field: "userPrincipalName", As: "user"}},
		Stats: []S{
			{Func: detection.Count},
			{Func: detection.CountField, Field: "ipAddress", As: "withIP"},
			{Func: detection.Sum, Field: "status.errorCode", As: "sum"},
			{Func: detection.Avg, Field: "status.errorCode", As: "avg"},
			{Func: detection.Stdev, Field: "status.errorCode", As: "stdev"},
			{Func: detection.Min, Field: "status.errorCode", As: "minCode"},
			{Func: detection.Max, Field: "ipAddress", As: "maxIP"},
			{Func: detection.Earliest, Field: "ipAddress", As: "firstIP"},
			{Func: detection.Latest, Field: "appDisplayName", As: "lastApp"},
			{Func: detection.List, Field: "appDisplayName", As: "apps"},
			{Func: detection.Values, Field: "appDisplayName", As: "distinctApps"},
		},
	}
	// a: codes 50126, 50053, 50074: sum 150253, mean 50084.333…, sample
	// stdev sqrt((41.667² + 31.333² + 10.333²)/2) = 37.581… (Python's
	// statistics.stdev gives 37.58102358017053); IPs
	// compared as text, so "192.0.2.9" > "192.0.2.10"; the earliest event
	// (09:00:01) has 192.0.2.10, the latest (09:00:03) Portal.
	want := []string{
		`{"user":"a@example.com","count":3,"withIP":2,"sum":150253,"avg":50084.333333333336,"stdev":37.58102358017053,"minCode":"50053","maxIP":"192.0.2.9","firstIP":"192.0.2.10","lastApp":"Portal","apps":["Portal","Teams","Portal"],"distinctApps":["Portal","Teams"]}`,
		`{"user":"b@example.com","count":1,"withIP":1,"sum":50126,"avg":50126,"stdev":0,"minCode":"50126","maxIP":"198.51.100.1","firstIP":"198.51.100.1","lastApp":"Portal","apps":["Portal"],"distinctApps":["Portal"]}`,
	}
	res, err := runOn(t, detection.Options{}, in, rule{name: "stats", match: func(*event.SignInEvent) bool { return true }, group: g})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, jsonLines(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// where avg > 50100 keeps b alone; on a null avg (no number) it
	// holds for no group.
	g.Where = []detection.Condition{{Column: "avg", Op: detection.Greater, Value: 50100}}
	res, err = runOn(t, detection.Options{}, in, rule{name: "stats", match: func(*event.SignInEvent) bool { return true }, group: g})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[1:], jsonLines(res.Findings)); diff != "" {
		t.Errorf("where avg > 50100 (-want +got):\n%s", diff)
	}
}

// TestEngineStatsNull checks the results of functions that saw no value:
// sum, avg, stdev, min, earliest are null (empty text), values and list
// empty, dc and count(X) zero.
func TestEngineStatsNull(t *testing.T) {
	type S = detection.Stat[event.SignInEvent]
	g := detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{{Field: "userPrincipalName", As: "user"}},
		Stats: []S{
			{Func: detection.Avg, Field: "deviceDetail.browser", As: "avg"},
			{Func: detection.Min, Field: "deviceDetail.browser", As: "min"},
			{Func: detection.Earliest, Field: "deviceDetail.browser", As: "first"},
			{Func: detection.List, Field: "deviceDetail.browser", As: "list"},
			{Func: detection.DistinctCount, Field: "deviceDetail.browser", As: "dc"},
			{Func: detection.CountField, Field: "deviceDetail.browser", As: "n"},
		},
	}
	in := am("2025-03-14T09:00:00Z", "a@example.com", "192.0.2.1", "Portal", 50126)
	eng, err := detection.NewEngine(detection.Options{}, detection.Of[event.SignInEvent](rule{name: "null", match: func(*event.SignInEvent) bool { return true }, group: g}))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`{"user":"a@example.com","avg":"","min":"","first":"","list":[],"dc":0,"n":0}`}
	if diff := cmp.Diff(want, jsonLines(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
