// Package rules is escudo's catalogue of built-in detections: Splunk ESCU
// rules re-implemented on the [detection.Detection] interface, each with its
// full ESCU metadata and RBA spec.
//
// Each constructor returns a fresh value; rules hold no state, so one value
// may be used by several engines at once. Where a rule deviates from the
// ESCU text (a typo in a message, a known defect in the SPL), its doc
// comment says so.
package rules

import "github.com/escudo-dev/escudo/detection"

// All returns every built-in detection, in catalogue order.
func All() []detection.Detection {
	return []detection.Detection{
		O365UserConsentDenied(),
	}
}
