// Package detection runs detections over Entra logs, the way Splunk runs an
// ESCU search: a base search that picks events ([Detection.Match]), then
// `stats ... BY` ([Grouping]), then the site's `_filter` macro
// ([Options].Suppress).
//
// A [Detection] is small and typed by its event: its metadata ([Meta],
// every field of an ESCU detection's YAML, including its RBA spec), a
// predicate over its event type (such as [event.SignInEvent]), and a
// Grouping that names BY fields (with renames) and aggregates (count,
// min/max of _time, values, dc). [Of] makes it a [Rule]; the event type's
// [event.Schema] tells the engine its fields, time and decoder, so a new
// event type needs no engine code. The [Engine] owns
// everything else: it compiles the detections once (resolving field names,
// validating risk specs), reads the input in a single pass, decodes each
// record once for all detections, keeps one grouping table per detection,
// and returns [Finding] rows that carry the SPL result columns and turn
// into Splunk risk events with [Finding.Risk].
//
// # Semantics
//
// The engine copies Splunk's behaviour where ESCU results depend on it:
// a match whose BY field is missing, null or empty is dropped; firstTime
// and lastTime are the minimum and maximum event time whatever the input
// order, rendered in UTC (or [Options].Location) as 2006-01-02T15:04:05
// with sub-seconds truncated; rows are sorted by their BY values, bytewise,
// in BY order; values() is distinct and sorted bytewise.
//
// # Robustness
//
// Bad input never crashes a run: a bad record stops it with a located
// *[event.DecodeError], or is skipped and counted in lenient mode. A
// detection that panics is reported as a *[PanicError] and the others go
// on. Cancelling the context stops a run promptly with [Result].Partial
// set, even while a read is blocked, with every record read counted.
//
// # Speed
//
// [Options].Workers decodes records on several goroutines; the records
// still reach the detections in input order, on the calling goroutine, so
// the findings, counts and errors (even of a run stopped at a bad record)
// do not depend on the number of workers. By default the engine decodes
// only what its detections can use: a record that holds none of the byte
// strings the detections declare through [Literals] is passed over after
// a check that it is a well-formed JSON object (a byte search and a scan
// instead of a decode), and the others are decoded into only the fields
// the detections declare through [Fields]. Neither changes the findings;
// [Options].DecodeAll decodes every record whole, so that every value of
// every record is held to its type.
//
// The package detectiontest checks any Detection against the contract, and
// package rules holds the built-in catalogue.
package detection
