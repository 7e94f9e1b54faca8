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
//     as saved from GET /auditLogs/signIns, several in one file, plain
//     JSON arrays of signIn objects, and single-entity responses;
//   - objects pretty-printed (jq, a portal's JSON view, ConvertTo-Json) or
//     concatenated, with or without commas between them;
//   - Azure Monitor diagnostic exports: {"records": [...]} documents from
//     Event Hub and JSON lines of records from storage (PT1H.json), in the
//     sign-in categories (ADFSSignInLogs among them); records of other
//     categories are counted as other kinds ([OtherKindError]) and skipped;
//   - Log Analytics / Sentinel SigninLogs rows (PascalCase columns), as
//     JSON or as the portal's "Export to CSV";
//   - the Microsoft Entra admin center's CSV download of sign-ins;
//   - any of these gzip- or bzip2-compressed, and in UTF-8 or UTF-16
//     (what Windows PowerShell 5.1 writes), recognised by their first
//     bytes.
//
// Archives and compressions it cannot read (zip, 7z, zstd, xz) are refused
// with [ErrUnsupportedInput], naming what they are. Set [Reader.Format] to
// skip detecting the record format; records of another format are then
// refused with [ErrFormatMismatch]. JSON keys match exactly, at every
// depth, as Splunk's JSON extraction does.
//
// # Event time
//
// The event time ([SignInEvent.Time]) is the sign-in's own createdDateTime
// in every format, so the same sign-in gives the same findings whatever the
// export; the record's time (Azure Monitor time, Log Analytics
// TimeGenerated) is kept in [Envelope] and used only when createdDateTime
// is absent. The event time must be RFC 3339 (lowercase t and z and leap
// seconds accepted, offsets beyond ±23:59 refused) in the years 1970 to
// 9999 ([ErrTimeRange]); no other time ever fails a record: record times
// are also read in the US form Azure emits ("11/14/2025 1:48:53 AM",
// UTC), zone-less nested times as UTC, and unreadable ones are left zero.
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
// source, the 1-based line, the 0-based byte offset (in the text after
// decompression; for UTF-16, of its UTF-8 transcoding), the JSON path (or
// CSV column) and what was wrong; an input that breaks off, such as a
// truncated gzip, as an *[InputError] that says where. Nothing is dropped
// silently, [Counts] add up, and records over [Reader.MaxRecordSize] are
// refused rather than buffered.
package event
