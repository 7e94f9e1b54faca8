package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// roleAssignmentRules returns this family's audit detections, in catalogue order.
func roleAssignmentRules() []detection.Detection[event.AuditEvent] {
	return nil
}
