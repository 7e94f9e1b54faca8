package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// All returns every built-in detection, in catalogue order, as Rules an
// engine runs together.
func All() []detection.Rule {
	var all []detection.Rule
	for _, d := range SignIns() {
		all = append(all, detection.Of(d))
	}
	for _, d := range Audits() {
		all = append(all, detection.Of(d))
	}
	for _, d := range RiskDetections() {
		all = append(all, detection.Of(d))
	}
	all = append(all, AzureADAzureHoundUserAgentDetected(nil))
	for _, d := range GraphActivities() {
		all = append(all, detection.Of(d))
	}
	return all
}

// SignIns returns the built-in detections over sign-ins, in catalogue
// order, typed: for tests that call their Match, and for engines built of
// them alone.
func SignIns() []detection.Detection[event.SignInEvent] {
	all := []detection.Detection[event.SignInEvent]{O365UserConsentDenied()}
	all = append(all, consentAndMFARules()...)
	all = append(all, failedAuthenticationRules()...)
	all = append(all, successfulAuthenticationRules()...)
	all = append(all, signInAnomalyRules()...)
	return all
}
