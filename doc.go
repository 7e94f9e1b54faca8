// Package escudo is a library for security detections written as Go code:
// it reads Microsoft Entra ID sign-ins, runs Splunk ESCU detections over
// them in one streaming pass, groups what matched the way Splunk's
// `stats ... BY` does, and turns each finding into Splunk Enterprise
// Security risk-based-alerting (RBA) risk events.
//
// This package holds only this overview; the work is done in the packages
// below.
//
// # Pipeline
//
//	bytes ──event.Reader──▶ event.SignInEvent ──detection.Engine──▶ detection.Finding ──Engine.Risk──▶ risk.Event ──risk.IncidentEngine──▶ risk.Incident
//
//	eng, err := detection.NewEngine(detection.Options{}, detection.Of(rules.O365UserConsentDenied()))
//	res, err := eng.Run(ctx, event.NewReader(f)) // one pass, every detection
//	for _, f := range res.Findings {             // SPL result rows, sorted
//		events, _ := eng.Risk(f)                 // Splunk risk events, by the rule's RBA spec
//	}
//
// # Packages
//
//   - [github.com/escudo-dev/escudo/event]: the typed [event.SignInEvent]
//     (the Microsoft Graph signIn resource), field accessors by Splunk
//     name, and the streaming [event.Reader] with located errors.
//   - [github.com/escudo-dev/escudo/aggregate]: a grouping table, the
//     engine of `stats count min(_time) max(_time) values(X) dc(X) BY ...`,
//     with deterministic rows and Merge of partial tables.
//   - [github.com/escudo-dev/escudo/detection]: the [detection.Detection]
//     interface (generic over the event type; [detection.Of] makes a
//     [detection.Rule] of it), rule metadata, the single-pass
//     [detection.Engine] and [detection.Finding].
//   - [github.com/escudo-dev/escudo/detection/rules]: the built-in ESCU
//     catalogue, starting with "O365 User Consent Denied for OAuth
//     Application".
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
