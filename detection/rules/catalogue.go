package rules

import "github.com/escudo-dev/escudo/detection"

// All returns every built-in detection, in catalogue order.
func All() []detection.Detection {
	all := []detection.Detection{O365UserConsentDenied()}
	all = append(all, consentAndMFARules()...)
	all = append(all, failedAuthenticationRules()...)
	all = append(all, successfulAuthenticationRules()...)
	return all
}
