package rules

import "github.com/escudo-dev/escudo/detection"

// consentAndMFARules lists this file's group of the catalogue, in order.
func consentAndMFARules() []detection.Detection {
	return nil
}
