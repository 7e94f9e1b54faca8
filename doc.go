// Package escudo is a library for security detections written as Go code:
// it reads Microsoft Entra ID logs (sign-ins, directory audit logs,
// Identity Protection risk detections, Microsoft Graph activity logs),
// runs Splunk ESCU detections over them in one streaming pass, groups what matched the way Splunk's
// `stats ... BY` does, and turns each finding into Splunk Enterprise
// Security risk-based-alerting (RBA) risk events.
//
// This package holds only this overview; the work is done in the packages
// below.
//
// # Pipeline
//
//	bytes ──event.Reader──▶ record ──by kind──▶ event.SignInEvent, event.AuditEvent, … ──detection.Engine──▶ detection.Finding ──Engine.Risk──▶ risk.Event ──risk.IncidentEngine──▶ risk.Incident
//
//	eng, err := detection.NewEngine(detection.Options{}, detection.Of(rules.O365UserConsentDenied()))
//	res, err := eng.Run(ctx, event.NewReader(f)) // one pass, every detection
//	for _, f := range res.Findings {             // SPL result rows, sorted
//		events, _ := eng.Risk(f)                 // Splunk risk events, by the rule's RBA spec
//	}
//
// # Packages
//
//   - [github.com/escudo-dev/escudo/event]: the typed events
//     ([event.SignInEvent], [event.AuditEvent], [event.RiskDetectionEvent],
//     [event.GraphActivityEvent]), each with field accessors by Splunk
//     name and an [event.Schema], and the streaming [event.Reader] with
//     located errors, which tells each record's kind without decoding it.
//   - [github.com/escudo-dev/escudo/aggregate]: a grouping table, the
//     engine of `stats ... BY ...` (count, dc, values, list, min, max,
//     earliest, latest, sum, avg, stdev, each a mergeable accumulator),
//     with deterministic rows, Merge of partial tables and a binary
//     encoding.
//   - [github.com/escudo-dev/escudo/detection]: the [detection.Detection]
//     interface (generic over the event type; [detection.Of] makes a
//     [detection.Rule] of it), rule metadata, the single-pass
//     [detection.Engine] and [detection.Finding].
//   - [github.com/escudo-dev/escudo/detection/rules]: the built-in ESCU
//     catalogue: every `azure_monitor_aad` detection, and "O365 User
//     Consent Denied for OAuth Application".
//   - [github.com/escudo-dev/escudo/detection/spl]: SPL's functions and
//     commands the catalogue uses (spath, rex, mvindex, transaction, …).
//   - [github.com/escudo-dev/escudo/detection/detectiontest]: conformance
//     checks for any detection, built-in or your own.
//   - [github.com/escudo-dev/escudo/risk]: the RBA spec, its validation,
//     [risk.Event] with Splunk's risk field names, and the incident engine
//     that raises [risk.Incident] values from accumulated risk.
//   - [github.com/escudo-dev/escudo/risk/hec]: risk events and incidents
//     as Splunk HTTP Event Collector events, and a sender with batching and
//     retries.
//
// # Writing a rule
//
// A rule implements three methods: Meta (what it is), Match (which events
// it wants) and Grouping (how matches aggregate). The examples/customrule
// program shows one in about thirty lines, run next to a built-in rule.
package escudo
