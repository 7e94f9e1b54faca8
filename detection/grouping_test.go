package detection_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// am builds one Azure Monitor sign-in record line.
func am(created, user, ip, app string, code int) string {
	var props []string
	props = append(props, `"createdDateTime":"`+created+`"`, `"status":{"errorCode":`+itoa(code)+`}`)
	if user != "" {
		props = append(props, `"userPrincipalName":"`+user+`"`)
	}
	if ip != "" {
		props = append(props, `"ipAddress":"`+ip+`"`)
	}
	if app != "" {
		props = append(props, `"appDisplayName":"`+app+`"`)
	}
	return `{"time":"` + created + `","category":"SignInLogs","operationName":"Sign-in activity","tenantId":"t1","callerIpAddress":"` + ip + `","properties":{` + strings.Join(props, ",") + "}}\n"
}

func failures() func(*event.SignInEvent) bool { return code(50126) }

func TestGroupingStages(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		group  detection.Grouping[event.SignInEvent]
		input  string
		want   []string
	}{
		{
			name:   "bins straddled",
			reason: "09:09:59 and 09:10:00 fall in different 10-minute bins; min/max(_time) give bin starts",
			group: detection.Grouping[event.SignInEvent]{
				Span:  10 * time.Minute,
				By:    []detection.By[event.SignInEvent]{{Field: "user"}, {Field: detection.TimeField}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}, {Func: detection.Min, Field: "_time", As: "firstTime"}, {Func: detection.Max, Field: "_time", As: "lastTime"}},
			},
			input: am("2025-03-14T09:09:59Z", "a@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:10:00Z", "a@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:19:59.999Z", "a@example.com", "192.0.2.1", "App", 50126),
			want: []string{
				`{"user":"a@example.com","_time":"2025-03-14T09:00:00","count":1,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:00:00"}`,
				`{"user":"a@example.com","_time":"2025-03-14T09:10:00","count":2,"firstTime":"2025-03-14T09:10:00","lastTime":"2025-03-14T09:10:00"}`,
			},
		},
		{
			name:   "bin without BY",
			reason: "binning without _time in BY still makes min/max give bin starts, as in Splunk",
			group: detection.Grouping[event.SignInEvent]{
				Span:  5 * time.Minute,
				By:    []detection.By[event.SignInEvent]{{Field: "user"}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}, {Func: detection.Min, Field: "_time", As: "firstTime"}, {Func: detection.Max, Field: "_time", As: "lastTime"}},
			},
			input: am("2025-03-14T09:04:59Z", "a@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:07:30Z", "a@example.com", "192.0.2.1", "App", 50126),
			want: []string{`{"user":"a@example.com","count":2,"firstTime":"2025-03-14T09:00:00","lastTime":"2025-03-14T09:05:00"}`},
		},
		{
			name:   "threshold boundary",
			reason: "where count > 2: a group of exactly 2 is dropped, 3 is kept",
			group: detection.Grouping[event.SignInEvent]{
				By:    []detection.By[event.SignInEvent]{{Field: "user"}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}},
				Where: []detection.Condition{{Column: "count", Op: detection.Greater, Value: 2}},
			},
			input: strings.Repeat(am("2025-03-14T09:00:00Z", "at@example.com", "192.0.2.1", "App", 50126), 2) +
				strings.Repeat(am("2025-03-14T09:00:00Z", "over@example.com", "192.0.2.1", "App", 50126), 3),
			want: []string{`{"user":"over@example.com","count":3}`},
		},
		{
			name:   "dc and values with where on dc",
			reason: "where unique_ips > 1 keeps a user seen from two addresses; values are sorted",
			group: detection.Grouping[event.SignInEvent]{
				By:    []detection.By[event.SignInEvent]{{Field: "user"}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.DistinctCount, Field: "src", As: "unique_ips"}, {Func: detection.Values, Field: "src", As: "src"}},
				Where: []detection.Condition{{Column: "unique_ips", Op: detection.Greater, Value: 1}},
			},
			input: am("2025-03-14T09:00:00Z", "a@example.com", "198.51.100.7", "App", 50126) +
				am("2025-03-14T09:00:00Z", "a@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:00:00Z", "b@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:00:00Z", "b@example.com", "192.0.2.1", "App", 50126),
			want: []string{`{"user":"a@example.com","unique_ips":2,"src":["192.0.2.1","198.51.100.7"]}`},
		},
		{
			name:   "fillnull",
			reason: "with fillnull a missing BY or values field is \"0\" and the event is kept",
			group: detection.Grouping[event.SignInEvent]{
				FillNull: true,
				By:       []detection.By[event.SignInEvent]{{Field: "user"}, {Field: "appDisplayName"}},
				Stats:    []detection.Stat[event.SignInEvent]{{Func: detection.Count}, {Func: detection.Values, Field: "user_agent", As: "user_agent"}},
			},
			input: am("2025-03-14T09:00:00Z", "a@example.com", "192.0.2.1", "", 50126),
			want:  []string{`{"user":"a@example.com","appDisplayName":"0","count":1,"user_agent":["0"]}`},
		},
		{
			name:   "eval fan-out",
			reason: "an Eval BY field with two values puts the event in two groups",
			group: detection.Grouping[event.SignInEvent]{
				By: []detection.By[event.SignInEvent]{{Field: "combo", Eval: func(dst []string, ev *event.SignInEvent) []string {
					return append(dst, ev.IPAddress+"-"+ev.UserPrincipalName, "any")
				}}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}},
			},
			input: am("2025-03-14T09:00:00Z", "a@example.com", "192.0.2.1", "App", 50126),
			want:  []string{`{"combo":"192.0.2.1-a@example.com","count":1}`, `{"combo":"any","count":1}`},
		},
		{
			name:   "then stage",
			reason: "Then sees all findings after where, may drop rows and add columns",
			group: detection.Grouping[event.SignInEvent]{
				By:    []detection.By[event.SignInEvent]{{Field: "user"}},
				Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}},
				Then: func(fs []detection.Finding) []detection.Finding {
					var out []detection.Finding
					for _, f := range fs {
						if f.Count >= 2 {
							f.Columns = append(f.Columns, detection.Column{Name: "rows", Kind: detection.Number, Values: []string{itoa(len(fs))}})
							out = append(out, f)
						}
					}
					return out
				},
				ThenColumns: []string{"rows"},
			},
			input: am("2025-03-14T09:00:00Z", "a@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:00:00Z", "b@example.com", "192.0.2.1", "App", 50126) +
				am("2025-03-14T09:00:00Z", "b@example.com", "192.0.2.1", "App", 50126),
			want: []string{`{"user":"b@example.com","count":2,"rows":2}`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rule{name: "r", match: failures(), group: tc.group}
			res, err := runOn(t, detection.Options{}, tc.input, r)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, jsonLines(res.Findings)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func TestGroupingErrors(t *testing.T) {
	bad := rule{name: "bad", match: failures(), group: detection.Grouping[event.SignInEvent]{
		Span:        -time.Minute,
		By:          []detection.By[event.SignInEvent]{{Field: "user"}},
		Stats:       []detection.Stat[event.SignInEvent]{{Func: detection.Count}},
		Where:       []detection.Condition{{Column: "nope", Op: detection.Greater, Value: 1}, {Column: "count", Op: detection.Op(42)}},
		ThenColumns: []string{"extra"},
	}}
	_, err := detection.NewEngine(detection.Options{}, of(bad)...)
	if err == nil {
		t.Fatal("NewEngine accepted a broken grouping")
	}
	for _, want := range []string{"negative span", `where[0]: "nope" is not an output column`, "where[1]: unknown operator Op(42)", "ThenColumns without Then"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestConditionHolds(t *testing.T) {
	f := detection.Finding{Columns: []detection.Column{{Name: "count", Kind: detection.Number, Values: []string{"10"}}, {Name: "user", Kind: detection.Text, Values: []string{"a"}}}}
	tests := []struct {
		c    detection.Condition
		want bool
	}{
		{detection.Condition{Column: "count", Op: detection.Greater, Value: 10}, false},
		{detection.Condition{Column: "count", Op: detection.Greater, Value: 9}, true},
		{detection.Condition{Column: "count", Op: detection.GreaterOrEqual, Value: 10}, true},
		{detection.Condition{Column: "count", Op: detection.Less, Value: 10}, false},
		{detection.Condition{Column: "count", Op: detection.LessOrEqual, Value: 10}, true},
		{detection.Condition{Column: "count", Op: detection.Equal, Value: 10}, true},
		{detection.Condition{Column: "count", Op: detection.NotEqual, Value: 10}, false},
		{detection.Condition{Column: "user", Op: detection.NotEqual, Value: 1}, false}, // not a number
		{detection.Condition{Column: "nope", Op: detection.NotEqual, Value: 1}, false}, // missing
	}
	for _, tc := range tests {
		if got := tc.c.Holds(f); got != tc.want {
			t.Errorf("%v on count=10 = %v, want %v", tc.c, got, tc.want)
		}
	}
}
