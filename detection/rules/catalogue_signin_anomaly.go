package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// signInAnomalyRules returns this family's sign-in detections, in catalogue order.
func signInAnomalyRules() []detection.Detection[event.SignInEvent] {
	return nil
}
