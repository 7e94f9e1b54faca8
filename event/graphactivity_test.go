package event_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// fullGraphActivityEvent returns a Graph activity entry with every field
// set, so that tests of Clone and of the field accessors see every
// pointer populated. Each call returns fresh memory.
func fullGraphActivityEvent() event.GraphActivityEvent {
	return event.GraphActivityEvent{
		TimeGenerated:         time.Date(2025, 3, 22, 14, 35, 10, 948000000, time.FixedZone("CET", 60*60)),
		Location:              "East US 2",
		RequestID:             "5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03",
		OperationID:           "5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03",
		ClientRequestID:       "1d3f5b7a-9c2e-4d6f-8b0a-2c4e6f8a0b04",
		APIVersion:            "beta",
		RequestMethod:         "GET",
		ResponseStatusCode:    i64(200),
		TenantID:              "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
		DurationMs:            i64(948894),
		ResponseSizeBytes:     i64(91),
		SignInActivityID:      "KpR3uL9xQ0mW2yT6vN1cCC",
		Roles:                 "Application.Read.All",
		TokenIssuedAt:         time.Date(2025, 3, 22, 13, 30, 2, 0, time.UTC),
		AppID:                 "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
		UserID:                "2bb6b362-0afe-4a25-80bb-080a53bf94da",
		ServicePrincipalID:    "8b6287d5-c4ca-4105-ac76-33bb500ec7c2",
		UserPrincipalObjectID: "2bb6b362-0afe-4a25-80bb-080a53bf94da",
		Scopes:                "Directory.AccessAsUser.All openid",
		IdentityProvider:      "https://sts.windows.net/5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c/",
		ClientAuthMethod:      i64(0),
		Wids:                  "b79fbf4d-3ef9-4689-8143-76b194e85509",
		IdentityType:          "user",
		IPAddress:             "198.51.100.23",
		UserAgent:             "azurehound/v2.2.1",
		RequestURI:            "https://graph.microsoft.com/beta/servicePrincipals/4c6e8a0b-2d4f-4a6c-8e0a-5c7e9a1b3d46/owners",
		DeviceID:              "5c7e9a1b-3d5f-4a7c-9e1b-3d5f7a9c1e02",
		SessionID:             "0a2c4e6f-8b1d-4f3a-9c5e-7a9b1d3f5e03",
		Envelope: event.Envelope{
			Format:          event.AzureMonitor,
			Time:            time.Date(2025, 3, 22, 13, 35, 11, 0, time.UTC),
			Category:        "MicrosoftGraphActivityLogs",
			OperationName:   "Microsoft Graph Activity",
			CallerIPAddress: "198.51.100.23",
			TenantID:        "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
			CorrelationID:   "5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03",
			Level:           "Informational",
			Location:        "East US 2",
		},
	}
}

func TestGraphActivityClone(t *testing.T) {
	orig := fullGraphActivityEvent()
	clone := orig.Clone()
	if diff := cmp.Diff(orig, clone); diff != "" {
		t.Fatalf("Clone() differs from the original (-want +got):\n%s", diff)
	}
	origRefs := map[uintptr]string{}
	references(reflect.ValueOf(orig), "e", origRefs)
	cloneRefs := map[uintptr]string{}
	references(reflect.ValueOf(clone), "e", cloneRefs)
	if len(origRefs) < 4 {
		t.Fatalf("fullGraphActivityEvent has %d pointers, want 4; the test checks too little", len(origRefs))
	}
	for addr, path := range cloneRefs {
		if p, ok := origRefs[addr]; ok {
			t.Errorf("clone %s shares memory with original %s", path, p)
		}
	}
	*clone.ResponseStatusCode, *clone.DurationMs, *clone.ResponseSizeBytes, *clone.ClientAuthMethod = 1, 1, 1, 1
	if diff := cmp.Diff(fullGraphActivityEvent(), orig); diff != "" {
		t.Errorf("writing to the clone changed the original (-want +got):\n%s", diff)
	}
	if zero := (&event.GraphActivityEvent{}).Clone(); !cmp.Equal(zero, event.GraphActivityEvent{}) {
		t.Errorf("Clone of the zero event = %+v", zero)
	}
}

func TestGraphActivityTime(t *testing.T) {
	e := fullGraphActivityEvent()
	if got := e.Time(); !got.Equal(e.Envelope.Time) {
		t.Errorf("Time() = %v, want the record's time %v", got, e.Envelope.Time)
	}
	if e.Envelope.Time.Equal(e.TimeGenerated) {
		t.Fatal("fullGraphActivityEvent's record time equals its timeGenerated; the test checks nothing")
	}
	e.Envelope.Time = time.Time{}
	if got := e.Time(); !got.Equal(e.TimeGenerated) {
		t.Errorf("without a record time, Time() = %v, want TimeGenerated %v", got, e.TimeGenerated)
	}
}

func TestGraphActivityLogValue(t *testing.T) {
	full := fullGraphActivityEvent()
	want := "level=INFO msg=audit event.requestId=5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03 event.time=2025-03-22T13:35:11.000Z" +
		" event.method=GET event.apiVersion=beta event.status=200\n"
	for _, ev := range []any{full, &full} {
		got := auditLogLine(ev)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("log line mismatch (-want +got):\n%s", diff)
		}
		for _, private := range []string{full.RequestURI, full.UserID, full.IPAddress, full.UserAgent, full.Scopes, full.Roles} {
			if strings.Contains(got, private) {
				t.Errorf("log line %q contains private detail %q", got, private)
			}
		}
	}
	if got := auditLogLine(&event.GraphActivityEvent{}); !strings.Contains(got, `event.requestId="" `) || strings.Contains(got, "status") {
		t.Errorf("the zero event logs %q, want empty values and no status", got)
	}
}

// TestGraphActivitySchema checks the schema the engine reads: its name,
// fields, time, decoder and the kinds it accepts.
func TestGraphActivitySchema(t *testing.T) {
	s := (*event.GraphActivityEvent)(nil).Schema()
	if s.Name != "Graph activity" {
		t.Errorf("Name = %q", s.Name)
	}
	if _, err := s.Field("properties.requestUri"); err != nil {
		t.Error(err)
	}
	ev := fullGraphActivityEvent()
	if !s.Time(&ev).Equal(ev.Time()) {
		t.Error("Time is not the event's Time")
	}
	for kind, want := range map[string]bool{
		"MicrosoftGraphActivityLogs": true, "": false, "signIn": false, "SignInLogs": false, "AuditLogs": false,
		"UserRiskEvents": false, "riskDetection": false, "microsoftgraphactivitylogs": false,
	} {
		if got := s.Accepts(kind); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", kind, got, want)
		}
	}
	// The sign-ins' schema does not take this type's kind.
	if (*event.SignInEvent)(nil).Schema().Accepts("MicrosoftGraphActivityLogs") {
		t.Error("the sign-in schema accepts MicrosoftGraphActivityLogs")
	}
	r := event.NewReader(strings.NewReader(`{"time":"2025-03-20T22:15:02Z","category":"MicrosoftGraphActivityLogs","properties":{"requestId":"r"}}` + "\n"))
	rec, err := r.ReadRecord()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Decode(r, rec, &ev); err != nil || ev.RequestID != "r" || ev.UserAgent != "" {
		t.Errorf("Decode = %v, event %+v", err, ev)
	}
}
