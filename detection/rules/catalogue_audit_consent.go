package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// consentRules returns this family's audit detections, in catalogue order.
func consentRules() []detection.Detection[event.AuditEvent] {
	return nil
}
