// Package event models Microsoft Entra ID sign-ins and reads them from
// exported logs.
//
// [SignInEvent] is a typed Microsoft Graph signIn record (all v1.0
// properties, the beta ones the detections need, and the Azure Monitor or
// Log Analytics envelope when there is one). Detections, group keys and
// risk messages refer to its fields by their Splunk names
// ("userPrincipalName", "status.errorCode", "authenticationDetails{}.succeeded");
// [LookupField] compiles such a name once into a [Field] accessor, so no
// reflection or name matching happens per event.
//
// # Reading
//
// [Reader] streams records in the shape of encoding/csv:
//
//	r := event.NewReader(f)
//	r.Name = "signins.jsonl"
//	for {
//		ev, err := r.Read()
//		if err == io.EOF {
//			break
//		}
//		...
//	}
//
// It reads the exports people have, detected from the bytes:
//
//   - JSON lines of Graph signIn objects;
//   - Graph API response pages ({"@odata.context": ..., "value": [...]})
//     as saved from GET /auditLogs/signIns, several in one file, and plain
//     JSON arrays of signIn objects;
//   - Azure Monitor diagnostic exports: {"records": [...]} documents from
//     Event Hub and JSON lines of records from storage (PT1H.json), in the
//     four sign-in categories;
//   - Log Analytics / Sentinel SigninLogs rows (PascalCase columns);
//   - any of these gzip-compressed, recognised by the magic bytes.
//
// Set [Reader.Format] to skip detecting the record format.
//
// # Event time
//
// The event time ([SignInEvent.Time]) is the sign-in's own createdDateTime
// in every format, so the same sign-in gives the same findings whatever the
// export; the record's time (Azure Monitor time, Log Analytics
// TimeGenerated) is kept in [Envelope] and used only when createdDateTime
// is absent.
//
// # Null, missing and empty values
//
// This is the one place that says how a JSON null, a missing key and an
// empty string reach the detections. They are the same to escudo: a
// [Field] has no value for any of them ([Field.Value] reports false,
// [Field.Append] appends nothing). So:
//
//   - a BY field: the event is dropped from that detection's groups, as
//     Splunk drops events whose BY field is null (ESCU puts fillnull before
//     stats for this reason; splunk/security_content issue #4000);
//   - values() and dc(): nothing is added, so "" is never a value;
//   - fillnull (detection.Grouping.FillNull): "0" is filled in for each of
//     the three alike.
//
// Splunk's own behaviour differs in two places, which escudo does not copy,
// because both would make a finding hinge on how an exporter spells
// "nothing": with KV_MODE = json a JSON null is extracted as the text
// "null" (verified only indirectly: Splunk's own add-ons compare fields
// with "null", for example 'properties.resultReason'=="null" in the
// Splunk Add-on for Microsoft Cloud Services 5.0.0 props.conf), so Splunk
// would group by "null"; and "" is extracted as a field with an empty value
// (verified indirectly the same way: the add-ons guard with
// isnotnull(x) AND x!=""), whose treatment by stats BY, values() and
// fillnull is unverified.
//
// # Bad input
//
// A record that cannot be decoded is reported as a *[DecodeError] with the
// source, the 1-based line, the 0-based byte offset, the JSON path and
// what was wrong; nothing is dropped silently, [Counts] add up, and records
// over [Reader.MaxRecordSize] are refused rather than buffered.
package event
