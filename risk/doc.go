// Package risk turns detection findings into Splunk Enterprise Security
// risk-based-alerting (RBA) risk events.
//
// It is the RBA half of escudo: a [Spec] mirrors the rba block of an ESCU
// detection (message, risk_objects, threat_objects), a [Builder] validates a
// Spec once against the detection's output columns, and [Builder.Build] turns
// one result row, read through the small [Finding] interface, into [Event]
// values that carry Splunk's risk field names. The package imports no other
// escudo package.
//
// # Building risk events
//
// [NewBuilder] checks everything up front and reports every problem at once
// as an errors.Join of [*SpecError] values: a misspelt field or token is a
// construction error, never a silent empty value at run time. It also parses
// the message into literal and field segments, so Build does no parsing.
//
// Build returns one event per risk object per non-empty value of that risk
// object's field. A multivalue field (Splunk values()) therefore gives one
// event per value, as ES does. Every event carries all threat objects: the
// non-empty values of every threat object field, in spec order and then
// value order, with the matching types in a parallel slice.
//
// # Message tokens
//
// A token is $name$, where name is one or more characters none of which is
// whitespace, '.' or '$'. This is contentctl's token rule; whitespace is the
// Unicode set that Python's regular expressions use. Any other '$' is literal
// text, so "costs $5 today" and "$$" need no escaping. A '$' that a
// substituted value brings in is never expanded again.
//
// # Behaviour not verified against Splunk ES
//
// Three choices follow the reference notes rather than a tested ES instance:
//
//   - A multivalue field in the message is rendered as its values joined with
//     a single space, the default delimiter of stats values() and list().
//     How ES itself renders it is not documented.
//   - A field the finding lacks is replaced with the empty string. ES may
//     instead leave the $token$ in place; ESCU avoids the case with fillnull.
//   - A contentctl maintainer states that ES writes one risk event per risk
//     object and threat object pair. escudo instead attaches all threat
//     objects to each risk event, which is what this project asks for.
//
// # JSON
//
// [Event.MarshalJSON] writes a fixed key order with Splunk's field names, and
// [Event.UnmarshalJSON] reads that form back, so risk events can be stored
// and read as JSON lines.
//
// # Risk incidents
//
// RBA's second step watches the risk accumulated per object and raises one
// incident when an object crosses a line. An [IncidentEngine] consumes
// risk events in event time (never the wall clock), keeps per normalised
// risk object (risk_object trimmed and lower-cased, with its type) what
// the windows of its [IncidentRule] values need, throttles repeats, and
// tolerates events that arrive out of order within [IncidentOptions]
// Lateness. [RiskThreshold24h] and [TacticThreshold7d] are Splunk ES's two
// default incident rules; [RiskThreshold] and [TacticThreshold] build
// variants, and any rule may be written with its own Fires predicate.
// [Incident.MarshalJSON] writes incidents as JSON lines. Package hec sends
// risk events and incidents to a Splunk HTTP Event Collector.
package risk
