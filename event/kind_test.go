package event_test

import (
	"errors"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

// TestKindOf checks what KindOf tells of a record without decoding it.
func TestKindOf(t *testing.T) {
	tests := []struct {
		name, data string
		format     event.Format
		want       string
	}{
		{"Azure sign-in", `{"time":"2025-03-14T09:00:00Z","category":"SignInLogs","properties":{"category":"x"}}`, event.AzureMonitor, "SignInLogs"},
		{"Azure audit, properties first", `{"properties":{"category":"ApplicationManagement"},"category":"AuditLogs"}`, event.AzureMonitor, "AuditLogs"},
		{"Azure no category", `{"time":"2025-03-14T09:00:00Z","properties":{"category":"UserManagement"}}`, event.AzureMonitor, ""},
		{"Azure escaped", `{"category":"Audit\u004cogs"}`, event.AzureMonitor, "AuditLogs"},
		{"Azure value named like the key", `{"x":"category","category":"RiskyUsers"}`, event.AzureMonitor, "RiskyUsers"},
		{"Log Analytics", `{"TimeGenerated":"2025-03-14T09:00:00Z","Type":"AuditLogs"}`, event.LogAnalytics, "AuditLogs"},
		{"Graph audit", `{"id":"a","activityDateTime":"2025-03-14T09:00:00Z"}`, event.Graph, "directoryAudit"},
		{"Graph sign-in", `{"id":"a","createdDateTime":"2025-03-14T09:00:00Z","status":{"activityDateTime":"x"}}`, event.Graph, "signIn"},
		{"Graph audit without its time", `{"id":"a","category":"RoleManagement","activityDisplayName":"Add member to role"}`, event.Graph, "directoryAudit"},
		{"Graph sign-in, audit-like key nested", `{"id":"a","status":{"initiatedBy":"x"},"appId":"b"}`, event.Graph, "signIn"},
		{"Graph sign-in first", `{"createdDateTime":"2025-03-14T09:00:00Z","initiatedBy":"x"}`, event.Graph, "signIn"},
		{"Graph risk detection", `{"id":"a","riskEventType":"anonymizedIPAddress","activityDateTime":"2025-03-20T22:31:09Z"}`, event.Graph, "riskDetection"},
		{"Graph risk detection, detectedDateTime first", `{"detectedDateTime":"2025-03-20T22:31:09Z","activityDateTime":"2025-03-20T22:31:09Z"}`, event.Graph, "riskDetection"},
		{"Graph risk detection, no activityDateTime", `{"id":"a","riskEventType":null}`, event.Graph, "riskDetection"},
		{"Graph audit with a nested riskEventType", `{"id":"a","activityDateTime":"2025-03-14T09:00:00Z","additionalDetails":[{"riskEventType":"x"}]}`, event.Graph, "directoryAudit"},
		{"Graph sign-in with risk event types", `{"id":"a","createdDateTime":"2025-03-14T09:00:00Z","riskEventTypes":["x"],"riskEventTypes_v2":["x"]}`, event.Graph, "signIn"},
		{"Azure risk detection", `{"time":"3/20/2025 10:20:01 PM","category":"UserRiskEvents","properties":{"riskEventType":"x"}}`, event.AzureMonitor, "UserRiskEvents"},
		{"Log Analytics risk detection", `{"TimeGenerated":"2025-03-20T22:20:01Z","RiskEventType":"x","Type":"AADUserRiskEvents"}`, event.LogAnalytics, "AADUserRiskEvents"},
		{"not an object", `[1,2]`, event.AzureMonitor, ""},
	}
	for _, tt := range tests {
		if got := event.KindOf(event.Record{Data: []byte(tt.data), Format: tt.format}); got != tt.want {
			t.Errorf("%s: KindOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSignInDecodeOfAudit checks that a Graph directoryAudit given to the
// sign-in decoder is a record of another kind, with or without its time,
// not a sign-in missing its event time.
func TestSignInDecodeOfAudit(t *testing.T) {
	for _, data := range []string{
		`{"id":"a","activityDisplayName":"Add member to role","activityDateTime":"2025-03-14T09:00:00Z"}`,
		`{"id":"a","activityDisplayName":"Add member to role"}`,
	} {
		var ev event.SignInEvent
		err := event.NewReader(nil).Decode(event.Record{Data: []byte(data), Format: event.Graph}, &ev)
		var ok *event.OtherKindError
		if !errors.As(err, &ok) || ok.Kind != "directoryAudit" {
			t.Errorf("Decode(%s) = %v, want an *OtherKindError of kind directoryAudit", data, err)
		}
	}
}
