package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// authMethodRules returns this family's audit detections, in catalogue order.
func authMethodRules() []detection.Detection[event.AuditEvent] {
	return nil
}
