package rules

import "github.com/escudo-dev/escudo/detection"

// successfulAuthenticationRules lists this file's group of the catalogue, in order.
func successfulAuthenticationRules() []detection.Detection {
	return nil
}
