// Package event models Microsoft Entra ID sign-ins and reads them from
// exported logs.
//
// [SignInEvent] is a typed Microsoft Graph v1.0 signIn record. Detections,
// group keys and risk messages refer to its fields by their Splunk names
// ("userPrincipalName", "status.errorCode", "location.city"); [LookupField]
// compiles such a name once into a [Field] accessor, so no reflection or
// name matching happens per event.
//
// [Reader] streams records from JSON lines (one signIn object per line, as
// saved from GET /auditLogs/signIns), in the shape of encoding/csv:
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
// A record that cannot be decoded is reported as a *[DecodeError] with the
// 1-based line, the byte offset, the JSON path and what was wrong; nothing
// is dropped silently, and records over [Reader.MaxRecordSize] are refused
// rather than buffered.
package event
