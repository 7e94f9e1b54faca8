package event_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/event"
)

// TestTimeFields checks how each time field is read: the event time
// (createdDateTime) strictly, by RFC 3339 and in the years 1970 to 9999,
// in every format; every other time leniently, so that a record never
// fails over a time that is not its event time.
func TestTimeFields(t *testing.T) {
	graph := func(created, extra string) string {
		return `{"id":"a","createdDateTime":"` + created + `"` + extra + `}`
	}
	azure := func(envTime, created string) string {
		return `{"time":` + envTime + `,"operationName":"Sign-in activity","category":"SignInLogs","properties":{"id":"a"` + created + `}}`
	}
	la := func(generated, created string) string {
		return `{"TimeGenerated":"` + generated + `","UserPrincipalName":"alex@example.com","ResultType":"0"` + created + `}`
	}
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name, reason, input string
		wantTime            time.Time // the event time
		wantRecord          time.Time // Envelope.Time
		wantStep            time.Time // the first authenticationStepDateTime
		wantErr             error     // a sentinel or *TypeError the *DecodeError wraps
		wantPath            string
	}{
		{name: "lowercase t and z", reason: "RFC 3339 section 5.6 allows them",
			input: graph("2025-03-14t08:55:12z", ""), wantTime: utc("2025-03-14T08:55:12Z")},
		{name: "leap second", reason: "second 60 is the first second of the next minute",
			input: graph("2016-12-31T23:59:60Z", ""), wantTime: utc("2017-01-01T00:00:00Z")},
		{name: "offset +24:00", reason: "an offset beyond ±23:59 is refused",
			input: graph("2025-03-14T08:55:12+24:00", ""), wantErr: &event.TypeError{Want: "an RFC 3339 timestamp", Got: `"2025-03-14T08:55:12+24:00"`}, wantPath: "createdDateTime"},
		{name: "before 1970", reason: "an event time before the epoch is a located error",
			input: graph("1969-12-31T23:59:59Z", ""), wantErr: event.ErrTimeRange, wantPath: "createdDateTime"},
		{name: "year 0001", reason: "far before the epoch too",
			input: graph("0001-01-01T00:00:00Z", ""), wantErr: event.ErrTimeRange, wantPath: "createdDateTime"},
		{name: "Azure before 1970", reason: "the same in every format",
			input: azure(`"2025-03-14T08:55:14Z"`, `,"createdDateTime":"1960-01-01T00:00:00+00:00"`), wantErr: event.ErrTimeRange, wantPath: "properties.createdDateTime"},
		{name: "Log Analytics before 1970", reason: "the same in every format",
			input: la("2025-03-14T08:55:14Z", `,"CreatedDateTime":"1960-01-01T00:00:00Z"`), wantErr: event.ErrTimeRange, wantPath: "CreatedDateTime"},
		{name: "Azure US-style time", reason: "the off-spec envelope time Azure emits is read as UTC",
			input:    azure(`"11/14/2025 1:48:53 AM"`, `,"createdDateTime":"2025-11-14T01:48:51.0000000+00:00"`),
			wantTime: utc("2025-11-14T01:48:51Z"), wantRecord: utc("2025-11-14T01:48:53Z")},
		{name: "Azure unreadable time", reason: "a record time that is not the event time never fails the record",
			input:    azure(`"yesterday"`, `,"createdDateTime":"2025-11-14T01:48:51.0000000+00:00"`),
			wantTime: utc("2025-11-14T01:48:51Z")},
		{name: "Azure numeric time", reason: "nor does one of the wrong type",
			input:    azure(`1731548933`, `,"createdDateTime":"2025-11-14T01:48:51.0000000+00:00"`),
			wantTime: utc("2025-11-14T01:48:51Z")},
		{name: "Azure time as the event time", reason: "without createdDateTime the record time is the event time, and then must be readable",
			input: azure(`"yesterday"`, ``), wantErr: &event.TypeError{Want: "an RFC 3339 timestamp", Got: `"yesterday"`}, wantPath: "time"},
		{name: "Azure US-style time as the event time", reason: "the US form serves as event time too",
			input: azure(`"11/14/2025 1:48:53 PM"`, ``), wantTime: utc("2025-11-14T13:48:53Z"), wantRecord: utc("2025-11-14T13:48:53Z")},
		{name: "Log Analytics unreadable TimeGenerated", reason: "TimeGenerated is not the event time",
			input: la("soon", `,"CreatedDateTime":"2025-03-14T08:55:12Z"`), wantTime: utc("2025-03-14T08:55:12Z")},
		{name: "zone-less step time", reason: "a nested timestamp without a zone is read as UTC",
			input:    graph("2025-03-14T08:55:12Z", `,"authenticationDetails":[{"authenticationStepDateTime":"2025-03-14T08:55:10.5","succeeded":true}]`),
			wantTime: utc("2025-03-14T08:55:12Z"), wantStep: utc("2025-03-14T08:55:10.5Z")},
		{name: "unreadable step time", reason: "a nested timestamp that cannot be read is left zero; the record stands",
			input:    graph("2025-03-14T08:55:12Z", `,"authenticationDetails":[{"authenticationStepDateTime":"n/a","succeeded":true}]`),
			wantTime: utc("2025-03-14T08:55:12Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tt.input + "\n"))
			ev, err := r.Read()
			if tt.wantErr != nil {
				var de *event.DecodeError
				if !errors.As(err, &de) || de.Path != tt.wantPath || de.Line != 1 || !sameCause(de.Err, tt.wantErr) {
					t.Fatalf("Read() error = %v; want a *DecodeError at line 1, path %s, for %v (%s)", err, tt.wantPath, tt.wantErr, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read() = %v (%s)", err, tt.reason)
			}
			var step time.Time
			if len(ev.AuthenticationDetails) > 0 {
				step = ev.AuthenticationDetails[0].AuthenticationStepDateTime
			}
			if !ev.Time().Equal(tt.wantTime) || !ev.Envelope.Time.Equal(tt.wantRecord) || !step.Equal(tt.wantStep) {
				t.Errorf("event, record and step times = %v, %v, %v; want %v, %v, %v (%s)",
					ev.Time(), ev.Envelope.Time, step, tt.wantTime, tt.wantRecord, tt.wantStep, tt.reason)
			}
		})
	}
}

// sameCause compares a decode error's cause with a want: a *TypeError by
// value, a sentinel with errors.Is.
func sameCause(got, want error) bool {
	var wt, gt *event.TypeError
	if errors.As(want, &wt) {
		return errors.As(got, &gt) && *gt == *wt
	}
	return errors.Is(got, want)
}
