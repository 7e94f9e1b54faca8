package event

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	json "github.com/goccy/go-json"
)

// Directory audit decoding.
//
// [DecodeAudit] (and decodeAudit behind it) is decode's counterpart for
// [AuditEvent], with the same steps and the same error machinery: a record
// that is not an object is refused with its position; invalid UTF-8 is
// replaced by U+FFFD; keys that differ from a key the decoder reads only
// by ASCII case are masked first (the audit key sets of audit_keys.go);
// the record is decoded by its Format (Auto: detected from its top-level
// keys, as decode does); a bad record is a located *[DecodeError], and a
// valid record of another kind an *[OtherKindError].
//
// What the Reader and the engine need to wire (this file adds no
// methods; the Schema of audit entries is left to schema.go):
//
//   - The Schema: Name "audit", Field LookupAuditField, Time
//     (*AuditEvent).Time, Decode decodeAuditFrom, Accepts acceptsAuditKind:
//
//	func (*AuditEvent) Schema() *Schema[AuditEvent] {
//		return &Schema[AuditEvent]{Name: "audit", Field: LookupAuditField,
//			Time: (*AuditEvent).Time, Decode: decodeAuditFrom, Accepts: acceptsAuditKind}
//	}
//
//   - Decoding: decodeAuditFrom(r *Reader, rec Record, ev *AuditEvent)
//     error has Schema.Decode's signature and does for audit entries what
//     Reader.Decode does for sign-ins: decodeAudit(r.Name, rec, ev), then
//     the Reader's fix-ups of a *DecodeError (Encoding from the input; for
//     CSV input the row's position; no audit CSV format exists, so a CSV
//     row is a sign-in row and is another kind here). DecodeAudit(source,
//     rec, ev) is the same without a Reader, for callers that frame
//     records themselves.
//   - Routing without decoding: acceptsAuditKind says which kinds of
//     KindOf are audit entries: "directoryAudit" (a Graph object with an
//     activityDateTime) and what isAuditCategory (Azure Monitor categories)
//     and isAuditTable (Log Analytics tables, by Type) accept. It does not
//     accept "", which stays the sign-ins' (records that do not say).
//   - Other kinds: an Azure Monitor record of another category (a sign-in
//     among them), a Log Analytics row of another table, and a Graph signIn,
//     provisioningObjectSummary or riskDetection give an *OtherKindError.
//     Its Kind is the record's category or table when it declares one,
//     else the Graph resource its shape shows ("signIn",
//     "provisioningObjectSummary", "riskDetection").
//     OtherKindError's message and Is still speak of sign-ins only
//     (ErrNotSignIn), which errors.go has to generalise.
//
// The envelope of a Graph record. A Graph directoryAudit has no envelope,
// but Splunk's azure:monitor:aad fields that follow from the entry itself
// are filled in, so that searches on them find Graph records as they find
// Azure Monitor ones:
//
//   - Format: Graph;
//   - Category: "AuditLogs", the diagnostic category (the Graph category
//     stays in AuditEvent.Category);
//   - OperationName: activityDisplayName, which Azure Monitor copies into
//     operationName (the same text in every Azure Monitor sample);
//   - CorrelationID: correlationId, which Azure Monitor repeats;
//   - CallerIPAddress: initiatedBy.user.ipAddress, the initiator's client
//     IP, which is what Azure Monitor writes as callerIpAddress (inferred
//     from Microsoft's and ESCU's samples, where the two agree and
//     callerIpAddress is absent for app initiators).
//
// The rest (Time, TenantID, ResultType, ResultDescription, Identity,
// Level, Location) does not follow from the entry and stays empty; in
// particular the CIM dest and vendor_account, the tenant, are empty for
// Graph records. A Log Analytics AuditLogs row has no CallerIpAddress
// column and its Category column is the Graph category, so its envelope
// gets Category "AuditLogs" and CallerIPAddress from InitiatedBy the same
// way.

// ErrNotAudit means a record that claims to be a directory audit entry
// holds none, such as an Azure Monitor AuditLogs record without
// properties.
var ErrNotAudit = errors.New("not a directory audit record")

// auditLogs is the Azure Monitor category and the Log Analytics table of
// directory audit entries.
const auditLogs = "AuditLogs"

// isAuditCategory reports the Azure Monitor categories that hold
// directory audit entries in the Graph directoryAudit schema: AuditLogs
// (learn.microsoft.com/entra/identity/monitoring-health/howto-configure-diagnostic-settings).
// The pre-2019 category Audit used another schema for properties
// (identityType, targetResourceName, targetUpdatedProperties), so its
// records are another kind.
func isAuditCategory(c string) bool { return c == auditLogs }

// isAuditTable reports the Log Analytics tables that hold directory audit
// entries, by their Type column: AuditLogs
// (learn.microsoft.com/azure/azure-monitor/reference/tables/auditlogs).
func isAuditTable(t string) bool { return t == auditLogs }

// DecodeAudit decodes rec, one record as [Reader.ReadRecord] returns it,
// into ev as a directory audit entry, overwriting ev entirely. It reads
// the Graph directoryAudit, Azure Monitor AuditLogs records and Log
// Analytics AuditLogs rows, by rec.Format (Auto detects it from the
// record). On failure it returns a *[DecodeError] saying where and what,
// or an *[OtherKindError] for a valid record of another kind, and ev is
// undefined. source names the input in errors. DecodeError.Encoding is
// left UTF8: the Reader's own decoding, which knows the input, sets it.
//
// DecodeAudit is safe for concurrent use.
func DecodeAudit(source string, rec Record, ev *AuditEvent) error {
	return decodeAudit(source, rec, ev)
}

// decodeAuditFrom decodes rec, a record of r, into ev, as Reader.Decode
// does for sign-ins; it has the signature of Schema.Decode.
func decodeAuditFrom(r *Reader, rec Record, ev *AuditEvent) error {
	err := decodeAudit(r.Name, rec, ev)
	if de, ok := err.(*DecodeError); ok {
		de.Encoding = r.encoding
		if r.csv != nil {
			// The record is JSON made from a CSV row: point at the row.
			de.Line, de.Offset = rec.Line, rec.Offset
		}
	}
	return err
}

// acceptsAuditKind reports whether records of a kind, as KindOf tells it,
// are directory audit entries; it has the signature of Schema.Accepts.
func acceptsAuditKind(kind string) bool {
	return kind == "directoryAudit" || isAuditCategory(kind) || isAuditTable(kind)
}

// decodeAudit turns one record into ev according to its format.
func decodeAudit(source string, rec Record, ev *AuditEvent) error {
	*ev = AuditEvent{}
	return decodeRecord(source, rec, auditKeySets, func(f Format, data []byte) *problem {
		switch f {
		case AzureMonitor:
			return decodeAuditAzure(data, ev)
		case LogAnalytics:
			return decodeAuditLogAnalytics(data, ev)
		}
		return decodeAuditGraph(data, ev)
	})
}

// auditGraphWire is the decoding target of a Graph directoryAudit: the
// event, with the timestamp kept as text so that a bad one can be
// reported in place, and two keys of other Graph resources, read only to
// tell those apart.
type auditGraphWire struct {
	*AuditEvent
	ActivityDateTime string `json:"activityDateTime"`
	// CreatedDateTime is a signIn's event time.
	CreatedDateTime rawJSON `json:"createdDateTime"`
	// ProvisioningSteps is a provisioningObjectSummary's, which also has
	// an activityDateTime.
	ProvisioningSteps rawJSON `json:"provisioningSteps"`
	// RiskEventType and DetectedDateTime are a riskDetection's, which also
	// has an activityDateTime (see graphKind).
	RiskEventType    rawJSON `json:"riskEventType"`
	DetectedDateTime rawJSON `json:"detectedDateTime"`
}

// otherKind returns the Graph resource a decoded record is instead of a
// directoryAudit, or "".
func (w *auditGraphWire) otherKind() string {
	switch {
	case w.RiskEventType != nil || w.DetectedDateTime != nil:
		return "riskDetection"
	case w.ActivityDateTime == "" && w.CreatedDateTime != nil:
		return "signIn"
	case w.ProvisioningSteps != nil:
		return "provisioningObjectSummary"
	}
	return ""
}

// graphOtherKind is otherKind for a record that did not decode: a record
// of another kind need not fit the directoryAudit schema. It reads the
// top-level keys, so it is for the error path only.
func graphOtherKind(data []byte) string {
	var w auditGraphWire
	present := []byte("{}")
	if p := topLevelKeys(data, func(key string) {
		switch key {
		case "activityDateTime":
			w.ActivityDateTime = "present"
		case "createdDateTime":
			w.CreatedDateTime = present
		case "provisioningSteps":
			w.ProvisioningSteps = present
		case "riskEventType":
			w.RiskEventType = present
		case "detectedDateTime":
			w.DetectedDateTime = present
		}
	}); p != nil {
		return "" // broken JSON is a bad record, whatever its keys
	}
	return w.otherKind()
}

func decodeAuditGraph(data []byte, ev *AuditEvent) *problem {
	w := auditGraphWire{AuditEvent: ev}
	if err := unmarshalAny(data, &w); err != nil {
		if k := graphOtherKind(data); k != "" {
			return otherKind(k)
		}
		return explain(data, err, auditWantAt)
	}
	if k := w.otherKind(); k != "" {
		return otherKind(k)
	}
	t, p := eventTime(data, "activityDateTime", w.ActivityDateTime, "", "")
	if p != nil {
		return p
	}
	ev.ActivityDateTime = t
	ev.Envelope = Envelope{
		Format:          Graph,
		Category:        auditLogs,
		OperationName:   ev.ActivityDisplayName,
		CorrelationID:   ev.CorrelationID,
		CallerIPAddress: ev.InitiatedBy.User.IPAddress,
	}
	return nil
}

// auditWantAt says what type the directoryAudit schema wants at a path.
// Every property the decoder reads that is not an object, an array or the
// event time is a string.
func auditWantAt(path string) string {
	switch genericPath(path) {
	case "", "initiatedBy", "initiatedBy.user", "initiatedBy.app",
		"targetResources{}", "targetResources{}.modifiedProperties{}", "additionalDetails{}":
		return "an object"
	case "targetResources", "additionalDetails", "targetResources{}.modifiedProperties":
		return "an array"
	case "activityDateTime":
		return KindTime.String()
	}
	return KindString.String()
}

// auditAzureWire is an Azure Monitor resource-log record around a
// directory audit entry; the envelope is the sign-ins' (decode.go's
// azureWire).
type auditAzureWire struct {
	Time              flexString `json:"time"`
	OperationName     string     `json:"operationName"`
	Category          string     `json:"category"`
	TenantID          string     `json:"tenantId"`
	ResultType        flexString `json:"resultType"`
	ResultDescription string     `json:"resultDescription"`
	CallerIPAddress   string     `json:"callerIpAddress"`
	CorrelationID     string     `json:"correlationId"`
	Identity          flexString `json:"identity"`
	// Level and level are the same field, as for sign-ins (decode.go):
	// Level wins when a record has both.
	Level      flexString      `json:"Level"`
	LevelLower flexString      `json:"level"`
	Location   string          `json:"location"`
	Properties *auditGraphWire `json:"properties"`
}

func decodeAuditAzure(data []byte, ev *AuditEvent) *problem {
	props := &auditGraphWire{AuditEvent: ev}
	w := auditAzureWire{Properties: props}
	if err := unmarshalAny(data, &w); err != nil {
		// A record of another category may not fit the audit schema: say
		// what it is rather than what does not fit.
		if c, ok := stringAt(data, "category"); ok && c != "" && !isAuditCategory(c) {
			return otherKind(c)
		}
		return explain(data, err, wantAuditAzure)
	}
	if w.Category != "" && !isAuditCategory(w.Category) {
		return otherKind(w.Category)
	}
	if w.Properties == nil {
		return atPath(data, "properties", fmt.Errorf("%w: properties is null", ErrNotAudit))
	}
	if w.Properties.ActivityDateTime == "" { // rare: is there a properties object at all?
		if _, ok := valueOf(data, "properties"); !ok {
			return &problem{path: "properties", err: fmt.Errorf("%w: no properties", ErrNotAudit)}
		}
	}
	if k := w.Properties.otherKind(); k != "" {
		return otherKind(k)
	}
	if a := w.Properties.AuditEvent; a != nil && a != ev { // the decoder allocated its own
		*ev = *a
	}
	env := Envelope{
		Format: AzureMonitor, Category: w.Category, OperationName: w.OperationName,
		ResultType: string(w.ResultType), ResultDescription: w.ResultDescription,
		CallerIPAddress: w.CallerIPAddress, TenantID: w.TenantID, CorrelationID: w.CorrelationID,
		Identity: string(w.Identity), Level: string(cmp.Or(w.Level, w.LevelLower)), Location: w.Location,
	}
	env.Time, _ = parseRecordTime(string(w.Time))
	t, p := eventTime(data, "properties.activityDateTime", w.Properties.ActivityDateTime, "time", string(w.Time))
	if p != nil {
		return p
	}
	ev.ActivityDateTime = t
	ev.Envelope = env
	return nil
}

func wantAuditAzure(path string) string {
	switch {
	case path == "" || path == "properties":
		return "an object"
	case strings.HasPrefix(path, "properties."):
		return auditWantAt(strings.TrimPrefix(path, "properties."))
	case path == "time":
		return KindTime.String()
	}
	return KindString.String()
}

// stringAt returns the string at path in a valid JSON document, and
// whether there is one. It walks the document: for error paths only.
func stringAt(data []byte, path string) (string, bool) {
	at, ok := valueOf(data, path)
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(data[at.start:at.end], &s) != nil {
		return "", false
	}
	return s, true
}

// auditLAWire is a Log Analytics AuditLogs row
// (learn.microsoft.com/azure/azure-monitor/reference/tables/auditlogs).
// The dynamic columns are kept raw and decoded one by one, so that an
// error names its column.
type auditLAWire struct {
	TimeGenerated       flexString `json:"TimeGenerated"`
	ActivityDateTime    string     `json:"ActivityDateTime"`
	ActivityDisplayName string     `json:"ActivityDisplayName"`
	// Category is the Graph category (RoleManagement, …), not AuditLogs.
	Category          string     `json:"Category"`
	CorrelationID     string     `json:"CorrelationId"`
	ID                string     `json:"Id"`
	Identity          flexString `json:"Identity"`
	LoggedByService   string     `json:"LoggedByService"`
	OperationName     string     `json:"OperationName"`
	AADOperationType  string     `json:"AADOperationType"`
	Result            string     `json:"Result"`
	ResultDescription string     `json:"ResultDescription"`
	ResultReason      string     `json:"ResultReason"`
	ResultType        flexString `json:"ResultType"`
	AADTenantID       string     `json:"AADTenantId"`
	Level             flexString `json:"Level"`
	Location          string     `json:"Location"`
	Type              string     `json:"Type"`
	// CreatedDateTime is a sign-in row's event time, read only to tell
	// such a row apart when it has no Type.
	CreatedDateTime rawJSON `json:"CreatedDateTime"`

	AdditionalDetails rawJSON `json:"AdditionalDetails"`
	InitiatedBy       rawJSON `json:"InitiatedBy"`
	TargetResources   rawJSON `json:"TargetResources"`
}

func decodeAuditLogAnalytics(data []byte, ev *AuditEvent) *problem {
	var w auditLAWire
	if err := unmarshalAny(data, &w); err != nil {
		if t, ok := stringAt(data, "Type"); ok && t != "" && !isAuditTable(t) {
			return otherKind(t)
		}
		return explain(data, err, wantAuditLogAnalytics)
	}
	if w.Type != "" && !isAuditTable(w.Type) {
		return otherKind(w.Type)
	}
	if w.ActivityDateTime == "" && w.CreatedDateTime != nil {
		return otherKind("signIn")
	}
	*ev = AuditEvent{
		ID: w.ID, ActivityDisplayName: w.ActivityDisplayName, Category: w.Category,
		CorrelationID: w.CorrelationID, LoggedByService: w.LoggedByService,
		OperationType: w.AADOperationType, Result: w.Result, ResultReason: w.ResultReason,
	}
	dynamics := []struct {
		column, graph string
		raw           rawJSON
		v             any
	}{
		{"AdditionalDetails", "additionalDetails", w.AdditionalDetails, &ev.AdditionalDetails},
		{"InitiatedBy", "initiatedBy", w.InitiatedBy, &ev.InitiatedBy},
		{"TargetResources", "targetResources", w.TargetResources, &ev.TargetResources},
	}
	for _, d := range dynamics {
		if p := decodeDynamic(data, d.column, d.graph, d.raw, d.v, auditNested, auditWantAt); p != nil {
			return p
		}
	}
	ev.Envelope = Envelope{
		Format: LogAnalytics, Category: auditLogs, OperationName: w.OperationName,
		ResultType: string(w.ResultType), ResultDescription: w.ResultDescription,
		CallerIPAddress: ev.InitiatedBy.User.IPAddress, TenantID: w.AADTenantID,
		CorrelationID: w.CorrelationID, Identity: string(w.Identity), Level: string(w.Level),
		Location: w.Location,
	}
	ev.Envelope.Time, _ = parseRecordTime(string(w.TimeGenerated))
	t, p := eventTime(data, "ActivityDateTime", w.ActivityDateTime, "TimeGenerated", string(w.TimeGenerated))
	if p != nil {
		return p
	}
	ev.ActivityDateTime = t
	return nil
}

func wantAuditLogAnalytics(path string) string {
	switch path {
	case "TimeGenerated", "ActivityDateTime":
		return KindTime.String()
	case "":
		return "an object"
	}
	return KindString.String()
}
