package sample_test

import (
	"testing"

	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
)

// TestFile checks the sample file of each event type, named by its
// schema, so that a renamed schema cannot silently fall back to
// signins.jsonl.
func TestFile(t *testing.T) {
	for name, want := range map[string]string{
		(*event.SignInEvent)(nil).Schema().Name:        "signins.jsonl",
		(*event.AuditEvent)(nil).Schema().Name:         "audit.jsonl",
		(*event.GraphActivityEvent)(nil).Schema().Name: "graphactivity.jsonl",
		(*event.RiskDetectionEvent)(nil).Schema().Name: "riskdetections.jsonl",
	} {
		if got := sample.File(name); got != want {
			t.Errorf("File(%q) = %q, want %q", name, got, want)
		}
	}
	if got := sample.Slug("Azure AD Service Principal Enumeration"); got != "azure_ad_service_principal_enumeration" {
		t.Errorf("Slug = %q", got)
	}
}
