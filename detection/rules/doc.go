// Package rules is escudo's catalogue of built-in detections: Splunk ESCU
// rules re-implemented on the [detection.Detection[event.SignInEvent]] interface, each with its
// ESCU metadata and RBA spec.
//
// Each constructor returns a fresh value; rules hold no state, so one value
// may be used by several engines at once. Where a rule deviates from the
// ESCU text (a typo in a message, a known defect in the SPL), its doc
// comment says so, and a test pins the behaviour.
//
// The ESCU facts of each rule (id, version, date, type, status, data
// source, analytic stories, MITRE ATT&CK ids, SPL, RBA block) are ESCU's,
// from splunk/security_content. Where the reference escudo was built from
// does not carry ESCU's prose (description, how to implement, known false
// positives), the rule's text is escudo's own summary of what the search
// does, and says so.
package rules
