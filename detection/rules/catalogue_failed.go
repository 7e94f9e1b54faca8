package rules

import "github.com/escudo-dev/escudo/detection"

// failedAuthenticationRules lists this file's group of the catalogue, in order.
func failedAuthenticationRules() []detection.Detection {
	return nil
}
