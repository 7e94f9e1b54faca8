package event_test

import (
	"bytes"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// fullAuditEvent returns an audit entry with every field set (and a few
// values empty, to show they are skipped), so that tests of Clone and of
// the field accessors see every slice populated. Each call returns fresh
// memory.
func fullAuditEvent() event.AuditEvent {
	return event.AuditEvent{
		ID:                  "Directory_b425f2d7-2245-4952-b599-61dff8054f2b_FLAW0_72812697",
		ActivityDateTime:    time.Date(2025, 3, 14, 11, 24, 58, 123456700, time.FixedZone("CET+2", 2*60*60)),
		ActivityDisplayName: "Add member to role",
		AdditionalDetails: []event.KeyValue{
			{Key: "AppId", Value: "96f6a3d6-d5aa-4af5-a77a-9319b5283712"},
			{Key: "User-Agent", Value: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0.0.0"},
			{Key: "empty", Value: ""},
		},
		Category:      "RoleManagement",
		CorrelationID: "b425f2d7-2245-4952-b599-61dff8054f2b",
		InitiatedBy: event.AuditActivityInitiator{
			User: event.AuditUserIdentity{
				ID:                "3bd47e42-37c9-442f-a2b4-f04de61ef0ce",
				DisplayName:       "Priya Raman",
				UserPrincipalName: "priya.raman@example.com",
				IPAddress:         "198.51.100.77",
				HomeTenantID:      "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
				HomeTenantName:    "Example",
				UserType:          "Member",
			},
			App: event.AppIdentity{
				AppID:                "7e2b9c41-5d3a-4f8e-9b16-2a4c6e8f0a13",
				DisplayName:          "Tallyhaus Deployment Pipeline",
				ServicePrincipalID:   "8a1c3e5f-7b9d-4f1a-9c3e-6d8f0a2c4e57",
				ServicePrincipalName: "tallyhaus-pipeline",
			},
		},
		LoggedByService: "Core Directory",
		OperationType:   "Assign",
		Result:          "success",
		ResultReason:    "OK",
		TargetResources: []event.TargetResource{
			{
				ID:                "0d664d57-a3ee-4049-8642-280a5c7243ef",
				Type:              "User",
				UserPrincipalName: "marcus.webb@example.net",
				ModifiedProperties: []event.ModifiedProperty{
					{DisplayName: "Role.ObjectID", NewValue: `"38bf5baf-7ec7-4bc2-8920-6d4044da12c2"`},
					{DisplayName: "Role.DisplayName", NewValue: `"Global Administrator"`},
				},
			},
			{
				ID:          "38bf5baf-7ec7-4bc2-8920-6d4044da12c2",
				DisplayName: "Global Administrator",
				Type:        "Role",
				ModifiedProperties: []event.ModifiedProperty{
					{DisplayName: "AccountEnabled", OldValue: "[false]", NewValue: "[true]"},
				},
			},
			{
				ID:          "c5e3a7b9-1d4f-4e8a-8c3b-5d7f9b1c3e44",
				DisplayName: "Finance Team",
				Type:        "Group",
				GroupType:   "unifiedGroups",
			},
		},
		UserAgent: "python-requests/2.31",
		Envelope: event.Envelope{
			Format:            event.AzureMonitor,
			Time:              time.Date(2025, 3, 14, 9, 25, 0, 0, time.UTC),
			Category:          "AuditLogs",
			OperationName:     "Add member to role",
			ResultType:        "Success",
			ResultDescription: "None",
			CallerIPAddress:   "198.51.100.77",
			TenantID:          "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
			CorrelationID:     "b425f2d7-2245-4952-b599-61dff8054f2b",
			Identity:          "Priya Raman",
			Level:             "4",
			Location:          "US",
		},
	}
}

func TestAuditClone(t *testing.T) {
	orig := fullAuditEvent()
	clone := orig.Clone()
	if diff := cmp.Diff(orig, clone); diff != "" {
		t.Fatalf("Clone() differs from the original (-want +got):\n%s", diff)
	}

	origRefs := map[uintptr]string{}
	references(reflect.ValueOf(orig), "e", origRefs)
	cloneRefs := map[uintptr]string{}
	references(reflect.ValueOf(clone), "e", cloneRefs)
	if len(origRefs) == 0 {
		t.Fatal("fullAuditEvent has no slices; the test checks nothing")
	}
	for addr, path := range cloneRefs {
		if p, ok := origRefs[addr]; ok {
			t.Errorf("clone %s shares memory with original %s", path, p)
		}
	}

	// Writing through every slice of the clone leaves the original as it was.
	clone.AdditionalDetails[0].Value = "changed"
	clone.TargetResources[0].ID = "changed"
	clone.TargetResources[0].ModifiedProperties[1].NewValue = "changed"
	clone.TargetResources[1].ModifiedProperties[0].OldValue = "changed"
	if diff := cmp.Diff(fullAuditEvent(), orig); diff != "" {
		t.Errorf("writing to the clone changed the original (-want +got):\n%s", diff)
	}
}

func TestAuditCloneEmpty(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		in     event.AuditEvent
	}{
		{name: "zero", reason: "nil slices stay nil", in: event.AuditEvent{}},
		{
			name:   "empty slices",
			reason: "empty non-nil slices, as decoded from [], stay empty and non-nil",
			in: event.AuditEvent{
				AdditionalDetails: []event.KeyValue{},
				TargetResources:   []event.TargetResource{{ModifiedProperties: []event.ModifiedProperty{}}, {}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Clone()
			if diff := cmp.Diff(tt.in, got); diff != "" {
				t.Errorf("Clone() mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestAuditTime(t *testing.T) {
	e := fullAuditEvent()
	if got, want := e.Time(), e.ActivityDateTime; !got.Equal(want) {
		t.Errorf("Time() = %v, want ActivityDateTime %v", got, want)
	}
	if e.Time().Equal(e.Envelope.Time) {
		t.Fatal("fullAuditEvent's record time equals its activity time; the test checks nothing")
	}
}

// auditLogLine logs ev through a text handler without the record's own
// time, and returns the line.
func auditLogLine(ev any) string {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	slog.New(h).Info("audit", "event", ev)
	return buf.String()
}

func TestAuditLogValue(t *testing.T) {
	full := fullAuditEvent()
	byApp := fullAuditEvent()
	byApp.InitiatedBy.User = event.AuditUserIdentity{}
	tests := []struct {
		name   string
		reason string
		ev     any
		want   string
	}{
		{
			name:   "full",
			reason: "what, when, by whom and the outcome; no values, details or user agent",
			ev:     &full,
			want: "level=INFO msg=audit event.id=Directory_b425f2d7-2245-4952-b599-61dff8054f2b_FLAW0_72812697" +
				" event.time=2025-03-14T11:24:58.123+02:00 event.activity=\"Add member to role\"" +
				" event.initiatedBy=priya.raman@example.com event.result=success event.targets=3\n",
		},
		{
			name:   "value",
			reason: "an event logs the same as a pointer to it",
			ev:     full,
			want: "level=INFO msg=audit event.id=Directory_b425f2d7-2245-4952-b599-61dff8054f2b_FLAW0_72812697" +
				" event.time=2025-03-14T11:24:58.123+02:00 event.activity=\"Add member to role\"" +
				" event.initiatedBy=priya.raman@example.com event.result=success event.targets=3\n",
		},
		{
			name:   "app",
			reason: "an app initiator is named by its display name",
			ev:     &byApp,
			want: "level=INFO msg=audit event.id=Directory_b425f2d7-2245-4952-b599-61dff8054f2b_FLAW0_72812697" +
				" event.time=2025-03-14T11:24:58.123+02:00 event.activity=\"Add member to role\"" +
				" event.initiatedBy=\"Tallyhaus Deployment Pipeline\" event.result=success event.targets=3\n",
		},
		{
			name:   "zero",
			reason: "an empty event logs empty values, not a panic",
			ev:     &event.AuditEvent{},
			want:   "level=INFO msg=audit event.id=\"\" event.time=0001-01-01T00:00:00.000Z event.activity=\"\" event.initiatedBy=\"\" event.result=\"\" event.targets=0\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := auditLogLine(tt.ev)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("log line mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			for _, private := range []string{
				full.UserAgent, full.AdditionalDetails[1].Value, "Global Administrator", "[true]", full.InitiatedBy.User.IPAddress,
			} {
				if bytes.Contains([]byte(got), []byte(private)) {
					t.Errorf("log line %q contains private detail %q", got, private)
				}
			}
		})
	}
}
