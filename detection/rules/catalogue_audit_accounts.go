package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// accountRules returns this family's audit detections, in catalogue order.
func accountRules() []detection.Detection[event.AuditEvent] {
	return nil
}
