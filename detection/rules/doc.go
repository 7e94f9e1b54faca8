// Package rules is escudo's catalogue of built-in detections: every
// Splunk ESCU detection whose search starts with `azure_monitor_aad`,
// and "O365 User Consent Denied for OAuth Application", re-implemented on
// the [detection.Detection] interface of their event type (sign-ins,
// audit logs, risk detections, Graph activity logs), each with its ESCU
// metadata and RBA spec. [All] returns them as one list.
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
