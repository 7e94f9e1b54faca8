package event_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// TestExactKeys checks that JSON keys match exactly at every depth, as
// Splunk's JSON extraction does: a key that differs from a field's only by
// case is another field, and never overwrites (or stands in for) the real
// one, whichever comes first.
func TestExactKeys(t *testing.T) {
	const when = `"createdDateTime":"2025-03-14T08:55:12Z"`
	azure := func(envelope, props string) string {
		return `{"time":"2025-03-14T08:55:14Z","operationName":"Sign-in activity","category":"SignInLogs",` + envelope +
			`"properties":{` + when + `,` + props + `}}`
	}
	type view struct {
		User, Category, Level string
		Code                  int32 // -1 for null
	}
	code := func(ev *event.SignInEvent) int32 {
		if ev.Status.ErrorCode == nil {
			return -1
		}
		return *ev.Status.ErrorCode
	}
	tests := []struct {
		name, reason, input string
		want                view
	}{
		{
			name:   "nested variant after",
			reason: `"ERRORCODE":0 after "errorCode":65004 must not turn the denial into a success`,
			input:  `{` + when + `,"status":{"errorCode":65004,"ERRORCODE":0}}`,
			want:   view{Code: 65004},
		},
		{
			name:   "nested variant before",
			reason: "the order of the keys does not matter",
			input:  `{` + when + `,"status":{"ErrorCode":0,"errorCode":65004}}`,
			want:   view{Code: 65004},
		},
		{
			name:   "nested variant alone",
			reason: "a key that is not errorCode leaves errorCode null",
			input:  `{` + when + `,"status":{"ERRORCODE":65004}}`,
			want:   view{Code: -1},
		},
		{
			name:   "top-level lowercase variant",
			reason: "userprincipalname is not userPrincipalName, even all in lower case",
			input:  `{` + when + `,"userprincipalname":"mallory@example.com","userPrincipalName":"alex@example.com"}`,
			want:   view{User: "alex@example.com", Code: -1},
		},
		{
			name:   "top-level variant alone",
			reason: "a variant alone does not fill the field",
			input:  `{` + when + `,"USERPRINCIPALNAME":"mallory@example.com"}`,
			want:   view{Code: -1},
		},
		{
			name:   "escaped exact key",
			reason: `an escape that spells the key exactly is the key (Splunk decodes it too)`,
			input:  `{` + when + `,"status":{"error\u0043ode":65004}}`,
			want:   view{Code: 65004},
		},
		{
			name:   "escaped variant",
			reason: "an escaped variant is a variant",
			input:  `{` + when + `,"status":{"errorCode":65004,"ERROR\u0043ODE":0}}`,
			want:   view{Code: 65004},
		},
		{
			name:   "envelope variant",
			reason: "Category is not category: the record stays a sign-in",
			input:  azure(`"Category":"AuditLogs",`, `"status":{"errorCode":65004}`),
			want:   view{Category: "SignInLogs", Code: 65004},
		},
		{
			name:   "Level",
			reason: "Microsoft's schema sample writes Level",
			input:  azure(`"Level":4,`, `"status":{"errorCode":0}`),
			want:   view{Category: "SignInLogs", Level: "4", Code: 0},
		},
		{
			name:   "level",
			reason: "storage blobs have been seen with level: a documented spelling, accepted",
			input:  azure(`"level":"Informational",`, `"status":{"errorCode":0}`),
			want:   view{Category: "SignInLogs", Level: "Informational", Code: 0},
		},
		{
			name:   "LEVEL",
			reason: "an undocumented spelling is another field",
			input:  azure(`"LEVEL":4,`, `"status":{"errorCode":0}`),
			want:   view{Category: "SignInLogs", Code: 0},
		},
		{
			name:   "Log Analytics dynamic column",
			reason: "the JSON text of a dynamic column is held to exact keys too",
			input:  `{"CreatedDateTime":"2025-03-14T08:55:12Z","UserPrincipalName":"alex@example.com","Status":"{\"ErrorCode\":0,\"errorCode\":65004}"}`,
			want:   view{User: "alex@example.com", Code: 65004},
		},
		{
			name:   "Log Analytics lowercase column",
			reason: "userprincipalname is not the UserPrincipalName column",
			input:  `{"CreatedDateTime":"2025-03-14T08:55:12Z","UserPrincipalName":"alex@example.com","userprincipalname":"mallory@example.com","ResultType":"0"}`,
			want:   view{User: "alex@example.com", Code: 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tt.input + "\n"))
			ev, err := r.Read()
			if err != nil {
				t.Fatal(err)
			}
			got := view{User: ev.UserPrincipalName, Category: ev.Envelope.Category, Level: ev.Envelope.Level, Code: code(&ev)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}
