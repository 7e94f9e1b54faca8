package event_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// f64 returns a pointer to v.
func f64(v float64) *float64 { return &v }

// fullRiskDetectionEvent returns a risk detection with every field set,
// so that tests of Clone and of the field accessors see every pointer
// populated. Each call returns fresh memory.
func fullRiskDetectionEvent() event.RiskDetectionEvent {
	return event.RiskDetectionEvent{
		ID:                  "7e3f1d4b0c8a42f69d1b3e5a7c9f2b4d6e8a0c2f4b6d8f0a2c4e6a8b0d2f4b62",
		RequestID:           "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
		CorrelationID:       "d5e6f7a8-1b2c-4d3e-8f4a-5b6c7d8e9f02",
		RiskType:            "generic",
		RiskEventType:       "anonymizedIPAddress",
		RiskState:           "atRisk",
		RiskLevel:           "high",
		RiskDetail:          "none",
		Source:              "IdentityProtection",
		DetectionTimingType: "realtime",
		Activity:            "signin",
		TokenIssuerType:     "AzureAD",
		IPAddress:           "203.0.113.201",
		Location: event.Location{
			City: "Amsterdam", State: "Noord-Holland", CountryOrRegion: "NL",
			GeoCoordinates: event.GeoCoordinates{Altitude: f64(0), Latitude: f64(52.3676), Longitude: f64(4.9041)},
		},
		ActivityDateTime:      time.Date(2025, 3, 20, 22, 31, 9, 512000000, time.UTC),
		DetectedDateTime:      time.Date(2025, 3, 20, 23, 31, 9, 512000000, time.FixedZone("CET", 60*60)),
		LastUpdatedDateTime:   time.Date(2025, 3, 20, 22, 33, 47, 901000000, time.UTC),
		UserID:                "d843cad5-ec86-4567-8bbd-ca91c49d479c",
		UserDisplayName:       "Marcus Webb",
		UserPrincipalName:     "marcus.webb@example.net",
		AdditionalInfo:        `[{"Key":"userAgent","Value":"Mozilla/5.0"}]`,
		ResourceTenantID:      "00000000-0000-0000-0000-000000000000",
		HomeTenantID:          "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
		UserType:              "member",
		CrossTenantAccessType: "none",
		Envelope: event.Envelope{
			Format:          event.AzureMonitor,
			Time:            time.Date(2025, 3, 20, 22, 33, 47, 0, time.UTC),
			Category:        "UserRiskEvents",
			OperationName:   "User Risk Detection",
			ResultType:      "Success",
			CallerIPAddress: "203.0.113.201",
			TenantID:        "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
			CorrelationID:   "7e3f1d4b0c8a42f69d1b3e5a7c9f2b4d6e8a0c2f4b6d8f0a2c4e6a8b0d2f4b62",
			Identity:        "marcus webb",
			Level:           "4",
			Location:        "nl",
		},
	}
}

func TestRiskDetectionClone(t *testing.T) {
	orig := fullRiskDetectionEvent()
	clone := orig.Clone()
	if diff := cmp.Diff(orig, clone); diff != "" {
		t.Fatalf("Clone() differs from the original (-want +got):\n%s", diff)
	}
	origRefs := map[uintptr]string{}
	references(reflect.ValueOf(orig), "e", origRefs)
	cloneRefs := map[uintptr]string{}
	references(reflect.ValueOf(clone), "e", cloneRefs)
	if len(origRefs) < 3 {
		t.Fatalf("fullRiskDetectionEvent has %d pointers, want 3; the test checks too little", len(origRefs))
	}
	for addr, path := range cloneRefs {
		if p, ok := origRefs[addr]; ok {
			t.Errorf("clone %s shares memory with original %s", path, p)
		}
	}
	g := clone.Location.GeoCoordinates
	*g.Altitude, *g.Latitude, *g.Longitude = 1, 1, 1
	if diff := cmp.Diff(fullRiskDetectionEvent(), orig); diff != "" {
		t.Errorf("writing to the clone changed the original (-want +got):\n%s", diff)
	}
	if zero := (&event.RiskDetectionEvent{}).Clone(); !cmp.Equal(zero, event.RiskDetectionEvent{}) {
		t.Errorf("Clone of the zero event = %+v", zero)
	}
}

func TestRiskDetectionTime(t *testing.T) {
	e := fullRiskDetectionEvent()
	if got := e.Time(); !got.Equal(e.Envelope.Time) {
		t.Errorf("Time() = %v, want the record's time %v", got, e.Envelope.Time)
	}
	if e.Envelope.Time.Equal(e.LastUpdatedDateTime) {
		t.Fatal("fullRiskDetectionEvent's record time equals its lastUpdatedDateTime; the test checks nothing")
	}
	e.Envelope.Time = time.Time{}
	if got := e.Time(); !got.Equal(e.LastUpdatedDateTime) {
		t.Errorf("without a record time, Time() = %v, want LastUpdatedDateTime %v", got, e.LastUpdatedDateTime)
	}
}

func TestRiskDetectionLogValue(t *testing.T) {
	full := fullRiskDetectionEvent()
	want := "level=INFO msg=audit event.id=7e3f1d4b0c8a42f69d1b3e5a7c9f2b4d6e8a0c2f4b6d8f0a2c4e6a8b0d2f4b62" +
		" event.time=2025-03-20T22:33:47.000Z event.riskEventType=anonymizedIPAddress event.riskLevel=high event.riskState=atRisk\n"
	for _, ev := range []any{full, &full} {
		got := auditLogLine(ev)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("log line mismatch (-want +got):\n%s", diff)
		}
		for _, private := range []string{full.UserPrincipalName, full.UserDisplayName, full.IPAddress, full.Location.City, full.AdditionalInfo} {
			if strings.Contains(got, private) {
				t.Errorf("log line %q contains private detail %q", got, private)
			}
		}
	}
}

// TestRiskDetectionSchema checks the schema the engine reads: its name,
// fields, time, decoder and the kinds it accepts.
func TestRiskDetectionSchema(t *testing.T) {
	s := (*event.RiskDetectionEvent)(nil).Schema()
	if s.Name != "risk detection" {
		t.Errorf("Name = %q", s.Name)
	}
	if _, err := s.Field("properties.riskLevel"); err != nil {
		t.Error(err)
	}
	ev := fullRiskDetectionEvent()
	if !s.Time(&ev).Equal(ev.Time()) {
		t.Error("Time is not the event's Time")
	}
	for kind, want := range map[string]bool{
		"riskDetection": true, "UserRiskEvents": true, "AADUserRiskEvents": true,
		"": false, "signIn": false, "directoryAudit": false, "RiskyUsers": false, "AADRiskyUsers": false,
		"ServicePrincipalRiskEvents": false, "MicrosoftGraphActivityLogs": false,
	} {
		if got := s.Accepts(kind); got != want {
			t.Errorf("Accepts(%q) = %v, want %v", kind, got, want)
		}
	}
	// No other type's schema takes these kinds.
	for _, k := range []string{"riskDetection", "UserRiskEvents", "AADUserRiskEvents"} {
		if (*event.SignInEvent)(nil).Schema().Accepts(k) || (*event.AuditEvent)(nil).Schema().Accepts(k) ||
			(*event.GraphActivityEvent)(nil).Schema().Accepts(k) {
			t.Errorf("another type's schema accepts %q", k)
		}
	}
	r := event.NewReader(strings.NewReader(`{"id":"a","riskEventType":"x","lastUpdatedDateTime":"2025-03-20T22:20:01Z"}` + "\n"))
	rec, err := r.ReadRecord()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Decode(r, rec, &ev); err != nil || ev.ID != "a" || ev.UserPrincipalName != "" {
		t.Errorf("Decode = %v, event %+v", err, ev)
	}
}
