package cli

import (
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
)

// TestEventTypes checks how the messages name the event types a program
// reads: one, two joined by "or", more as a list ending in "or", each
// type once, in the detections' order, those of a rule over several
// types each.
func TestEventTypes(t *testing.T) {
	signIn := detection.Of(rules.O365UserConsentDenied())
	audit := detection.Of(rules.AzureADServicePrincipalCreated())
	risk := detection.Of(rules.AzureActiveDirectoryHighRiskSignIn())
	graph := detection.Of(rules.AzureADServicePrincipalEnumeration())
	for _, tt := range []struct {
		dets []detection.Rule
		want string
	}{
		{nil, "sign-in"},
		{[]detection.Rule{signIn, signIn}, "sign-in"},
		{[]detection.Rule{audit}, "audit"},
		{[]detection.Rule{signIn, audit, signIn}, "sign-in or audit"},
		{[]detection.Rule{graph, risk, graph}, "Graph activity or risk detection"},
		{[]detection.Rule{signIn, audit, risk}, "sign-in, audit or risk detection"},
		{[]detection.Rule{rules.AzureADAzureHoundUserAgentDetected(nil)}, "Graph activity or sign-in"},
		{[]detection.Rule{signIn, rules.AzureADAzureHoundUserAgentDetected(nil)}, "sign-in or Graph activity"},
		{rules.All(), "sign-in, audit, risk detection or Graph activity"},
	} {
		if got := eventTypes(tt.dets); got != tt.want {
			t.Errorf("eventTypes = %q, want %q", got, tt.want)
		}
	}
}
