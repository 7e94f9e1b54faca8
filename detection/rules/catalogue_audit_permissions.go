package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// permissionRules returns this family's audit detections, in catalogue order.
func permissionRules() []detection.Detection[event.AuditEvent] {
	return nil
}
