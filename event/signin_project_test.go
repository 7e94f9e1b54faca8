package event_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/signingen"
	"github.com/google/go-cmp/cmp"
)

// projectionInputs returns sign-in inputs to hold projected decoding to
// the full decoder with: generated records in every format, the
// repository's samples, and records made to catch a decoder out.
func projectionInputs(t *testing.T) map[string][]byte {
	t.Helper()
	in := make(map[string][]byte)
	for _, name := range []string{"graph", "graph-page", "azure-monitor", "azure-monitor-lines", "log-analytics"} {
		f, err := signingen.ParseFormat(name)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := signingen.Generate(&buf, signingen.Options{N: 60, Seed: 7, Format: f}); err != nil {
			t.Fatal(err)
		}
		in["generated "+name] = buf.Bytes()
	}
	samples, err := filepath.Glob("../testdata/*/signins.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range samples {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// The first records of each sample: the projections of one field
		// each over every record would take long for little more.
		lines := bytes.SplitAfter(data, []byte("\n"))
		in[p] = bytes.Join(lines[:min(len(lines), 25)], nil)
	}
	in["tricky graph"] = []byte(`{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"a@x","USERPRINCIPALNAME":"b@x","status":{"errorCode":65004,"ERRORCODE":1,"failureReason":"no"}}
{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"a@x","userPrincipalName":"b@x"}
{"createdDateTime":"2025-01-02T03:04:05Z","user\u0050rincipalName":"c@x"}
{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"caf\u00e9@x","appDisplayName":"tab\there"}
{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":42}
{"createdDateTime":"2025-01-02T03:04:05Z","deviceDetail":{"isCompliant":"yes"},"userPrincipalName":"d@x"}
{"createdDateTime":"2025-01-02T03:04:05Z","status":{"errorCode":"65004"}}
{"createdDateTime":"2025-01-02T03:04:05Z","status":{"errorCode":65004.5}}
{"createdDateTime":"2025-01-02T03:04:05Z","status":{"errorCode":99999999999}}
{"createdDateTime":"2025-01-02T03:04:05Z","status":null,"isInteractive":null,"location":null}
{"createdDateTime":"2025-01-02T03:04:05Z","isInteractive":true,"processingTimeInMilliseconds":-7,"userType":"Guest"}
{"createdDateTime":"not a time","userPrincipalName":"e@x"}
{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"f@x"} x
{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"g@x","deviceDetail":{"browser":"Edge"]}
{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"bad` + "\xff" + `utf8"}
{"createdDateTime":"2025-01-02T03:04:05Z","appDisplayName":"bad` + "\xff" + `utf8 in a value no rule keeps? maybe"}
{"createdDateTime":"2025-01-02T03:04:05Z","authenticationDetails":[{"authenticationMethod":"Password","authenticationStepDateTime":"2025-01-02T03:04:05","succeeded":true},{"AUTHENTICATIONMETHOD":"x"}]}
{"createdDateTime":"2025-01-02T03:04:05Z","riskEventTypes_v2":["a","b"],"appliedConditionalAccessPolicies":[{"id":"p","enforcedGrantControls":["Mfa"],"result":"success"}]}
{"id":"audit-like","activityDisplayName":"Add user","activityDateTime":"2025-01-02T03:04:05Z"}
{"userPrincipalName":"no time"}
`)
	in["tricky azure monitor"] = []byte(`{"time":"2025-01-02T03:04:06Z","category":"SignInLogs","resultType":"50126","Level":4,"level":"5","callerIpAddress":"192.0.2.1","identity":{"a":1},"properties":{"createdDateTime":"2025-01-02T03:04:05Z","userPrincipalName":"a@x","status":{"errorCode":50126}}}
{"time":"2025-01-02T03:04:06Z","category":"AuditLogs","properties":{"activityDateTime":"2025-01-02T03:04:05Z"}}
{"time":"2025-01-02T03:04:06Z","category":"SignInLogs","properties":null}
{"time":"2025-01-02T03:04:06Z","category":"SignInLogs","properties":{"userPrincipalName":"falls back on time"}}
{"time":"11/14/2025 1:48:53 AM","category":"NonInteractiveUserSignInLogs","level":4,"properties":{"createdDateTime":"2025-01-02T03:04:05Z","userType":"Member","deviceDetail":{"BROWSER":"x","browser":"Edge"}}}
{"time":"2025-01-02T03:04:06Z","category":"SignInLogs","callerIpAddress":7,"properties":{"createdDateTime":"2025-01-02T03:04:05Z"}}
`)
	return in
}

// TestProjectSignIns holds every projection of one field, and the
// projection of all of them, to the full decoder over every input: a
// record the projection decodes has the full event's value of the field
// and its time; one it refuses gets the full decoder's error. The only
// difference allowed is the documented one: a value of the wrong type
// in a field the projection does not read is no error.
func TestProjectSignIns(t *testing.T) {
	names := event.FieldNames()
	decoders := make(map[string]func(*event.Reader, event.Record, *event.SignInEvent) error)
	for _, name := range names {
		d, err := event.ProjectSignIns([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		decoders[name] = d
	}
	all, err := event.ProjectSignIns(names)
	if err != nil {
		t.Fatal(err)
	}
	for inputName, data := range projectionInputs(t) {
		r := event.NewReader(bytes.NewReader(data))
		for _, rec := range readRecords(t, r) {
			var full, got event.SignInEvent
			fullErr := r.Decode(rec, &full)
			check := func(what string, proj func(*event.Reader, event.Record, *event.SignInEvent) error, fields []string) {
				t.Helper()
				got = event.SignInEvent{UserID: "stale"} // a decode overwrites the whole event
				projErr := proj(r, rec, &got)
				switch {
				case projErr != nil:
					if fullErr == nil || projErr.Error() != fullErr.Error() {
						t.Errorf("%s line %d, %s: error %v, full decoder %v", inputName, rec.Line, what, projErr, fullErr)
					}
					return
				case fullErr != nil:
					var te *event.TypeError
					if !errors.As(fullErr, &te) || errors.Is(fullErr, event.ErrMissingTime) {
						t.Errorf("%s line %d, %s: decoded, but the full decoder reports %v", inputName, rec.Line, what, fullErr)
					}
					return
				}
				if !got.CreatedDateTime.Equal(full.CreatedDateTime) {
					t.Errorf("%s line %d, %s: time %v, want %v", inputName, rec.Line, what, got.CreatedDateTime, full.CreatedDateTime)
				}
				if got.Envelope.Format != full.Envelope.Format || !got.Envelope.Time.Equal(full.Envelope.Time) {
					t.Errorf("%s line %d, %s: envelope format/time %v %v, want %v %v", inputName, rec.Line, what, got.Envelope.Format, got.Envelope.Time, full.Envelope.Format, full.Envelope.Time)
				}
				// What the decoder read equals what the event-level
				// projection keeps of the whole event.
				pg, err := event.ProjectSignInEvent(&got, fields)
				if err != nil {
					t.Fatal(err)
				}
				pf, _ := event.ProjectSignInEvent(&full, fields)
				if !reflect.DeepEqual(pf, pg) {
					t.Errorf("%s line %d, %s: the projected event differs from the projection of the whole event (-whole +decoded):\n%s", inputName, rec.Line, what, cmp.Diff(pf, pg))
				}
				for _, name := range fields {
					f, _ := event.LookupField(name)
					if g, w := f.Append(nil, &got), f.Append(nil, &full); !slices.Equal(g, w) {
						t.Errorf("%s line %d, %s: %s = %q, want %q", inputName, rec.Line, what, name, g, w)
					}
				}
			}
			for _, name := range names {
				check("projection of "+name, decoders[name], []string{name})
			}
			check("projection of every field", all, names)
			if fullErr == nil && got.UserID != "stale" {
				// The envelope's correlation id is the one member no
				// field names, so no projection reads it.
				full.Envelope.CorrelationID, got.Envelope.CorrelationID = "", ""
				if d := cmp.Diff(full, got); d != "" && allDecoded(all, r, rec) {
					t.Errorf("%s line %d: projection of every field differs from the full event (-full +projected):\n%s", inputName, rec.Line, d)
				}
			}
		}
	}
}

// allDecoded reports whether the projection of every field decodes rec.
func allDecoded(all func(*event.Reader, event.Record, *event.SignInEvent) error, r *event.Reader, rec event.Record) bool {
	var ev event.SignInEvent
	return all(r, rec, &ev) == nil
}

func TestProjectSignInsUnknownField(t *testing.T) {
	_, err := event.ProjectSignIns([]string{"user", "no.such.field"})
	if !errors.Is(err, event.ErrUnknownField) {
		t.Fatalf("error %v, want ErrUnknownField", err)
	}
}

// TestProjectSignInsAllocs pins the allocations of a projected decode of
// the consent-denied rule's fields: the strings kept (one allocation for
// all of them) and the numbers (one).
func TestProjectSignInsAllocs(t *testing.T) {
	f, err := signingen.ParseFormat("azure-monitor-lines")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := signingen.Generate(&buf, signingen.Options{N: 50, Seed: 3, Format: f}); err != nil {
		t.Fatal(err)
	}
	proj, err := event.ProjectSignIns([]string{"userPrincipalName", "ipAddress", "appDisplayName", "status.failureReason", "status.errorCode"})
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(bytes.NewReader(buf.Bytes()))
	recs := readRecords(t, r)
	var ev event.SignInEvent
	i := 0
	allocs := testing.AllocsPerRun(len(recs), func() {
		if err := proj(r, recs[i%len(recs)], &ev); err != nil {
			t.Fatal(err)
		}
		i++
	})
	if allocs > 2 {
		t.Errorf("%.1f allocations per projected decode, want at most 2", allocs)
	}
}
