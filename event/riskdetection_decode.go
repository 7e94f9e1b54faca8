package event

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"strings"

	json "github.com/goccy/go-json"
)

// Risk detection decoding.
//
// [DecodeRiskDetection] is decode's counterpart for [RiskDetectionEvent],
// with the same steps and error machinery as the other types'
// (decodeRecord): a record that is not an object is refused with its
// position; invalid UTF-8 is replaced by U+FFFD; keys that differ from a
// key the decoder reads only by ASCII case are masked (the key sets of
// riskdetection_keys.go); the record is decoded by its Format; a bad
// record is a located *[DecodeError], a valid record of another kind an
// *[OtherKindError].
//
// Formats:
//
//   - Graph: riskDetection objects, as JSON lines or the pages of GET
//     /identityProtection/riskDetections. An object with a
//     riskEventType or a detectedDateTime is a risk detection; one
//     without either is another kind when it shows one: a directoryAudit
//     (activityDisplayName) or a signIn (createdDateTime).
//   - Azure Monitor: a resource-log record of category UserRiskEvents,
//     the riskDetection under properties. A record of another category
//     (RiskyUsers, ServicePrincipalRiskEvents, …) is another kind; one
//     without a category is read.
//   - Log Analytics: a row of the AADUserRiskEvents table. A row whose
//     Type names another table is another kind.
//
// The event time is the record's own time (see [RiskDetectionEvent.Time]):
// the Azure Monitor envelope's time (Azure writes it in the US form,
// "8/22/2022 6:07:16 PM", in the records seen), else
// properties.lastUpdatedDateTime (RFC 3339); Log Analytics TimeGenerated;
// a Graph object's lastUpdatedDateTime.
//
// The envelope of a Graph record and of a Log Analytics row. Graph has no
// envelope, and the table has no envelope columns but OperationName, so
// the decoder fills in what follows from the detection, for searches on
// the envelope's fields (category=UserRiskEvents, the CIM src) to find
// them as they find Azure Monitor records:
//
//   - Category: "UserRiskEvents", the diagnostic category;
//   - OperationName: "User Risk Detection", what Azure Monitor writes for
//     the category (Elastic's test records; the add-on names it in its
//     EVAL-description and EVAL-app, add-on 5.0.0 props.conf), or for a row its
//     OperationName column;
//   - CallerIPAddress: ipAddress, which Azure Monitor writes as
//     callerIpAddress (the same address in the records seen that have one
//     [inferred]; one record seen has none);
//   - CorrelationID: id, which Azure Monitor repeats as its correlationId
//     (in every record seen [inferred]).
//
// The rest (TenantID, ResultType, ResultDescription, Identity, Level,
// Location) does not follow from the detection and stays empty; in
// particular the CIM dest and vendor_account, the tenant, are empty for
// Graph records and Log Analytics rows (the table's TenantId is the
// workspace's).

// ErrNotRiskDetection means a record that claims to be a risk detection
// holds none, such as an Azure Monitor UserRiskEvents record without
// properties.
var ErrNotRiskDetection = errors.New("not a risk detection record")

// The Azure Monitor category and the Log Analytics table of user risk
// detections (learn.microsoft.com/entra/identity/monitoring-health/howto-configure-diagnostic-settings;
// learn.microsoft.com/azure/azure-monitor/reference/tables/aaduserriskevents),
// and the operationName of the category's records.
const (
	userRiskEvents          = "UserRiskEvents"
	userRiskEventsTable     = "AADUserRiskEvents"
	userRiskDetectionOpName = "User Risk Detection"
)

// DecodeRiskDetection decodes rec, one record as [Reader.ReadRecord]
// returns it, into ev as a risk detection, overwriting ev entirely. It
// reads Graph riskDetection objects and pages, Azure Monitor
// UserRiskEvents records and Log Analytics AADUserRiskEvents rows, by
// rec.Format (Auto detects it from the record). On failure it returns a
// *[DecodeError] saying where and what, or an *[OtherKindError] for a
// valid record of another kind, and ev is undefined. source names the
// input in errors. DecodeError.Encoding is left UTF8: the Reader's own
// decoding, which knows the input, sets it.
//
// DecodeRiskDetection is safe for concurrent use.
func DecodeRiskDetection(source string, rec Record, ev *RiskDetectionEvent) error {
	return decodeRiskDetection(source, rec, ev)
}

// decodeRiskDetectionFrom decodes rec, a record of r, into ev, as
// Reader.Decode does for sign-ins; it has the signature of Schema.Decode.
func decodeRiskDetectionFrom(r *Reader, rec Record, ev *RiskDetectionEvent) error {
	return fromReader(r, rec, decodeRiskDetection(r.Name, rec, ev))
}

// acceptsRiskDetectionKind reports whether records of a kind, as KindOf
// tells it, are risk detections; it has the signature of Schema.Accepts.
func acceptsRiskDetectionKind(kind string) bool {
	return kind == "riskDetection" || kind == userRiskEvents || kind == userRiskEventsTable
}

// decodeRiskDetection turns one record into ev according to its format.
func decodeRiskDetection(source string, rec Record, ev *RiskDetectionEvent) error {
	*ev = RiskDetectionEvent{}
	return decodeRecord(source, rec, riskKeySets, func(f Format, data []byte) *problem {
		switch f {
		case AzureMonitor:
			return decodeRiskAzure(data, ev)
		case LogAnalytics:
			return decodeRiskLogAnalytics(data, ev)
		}
		return decodeRiskGraph(data, ev)
	})
}

// riskGraphWire is the decoding target of a Graph riskDetection: the
// event, with the times and the additional information kept as they are
// written, to be read and reported in place, and two keys of other Graph
// resources, read only to tell those apart.
type riskGraphWire struct {
	*RiskDetectionEvent
	ActivityDateTime    looseTime  `json:"activityDateTime"`
	DetectedDateTime    rawJSON    `json:"detectedDateTime"`
	LastUpdatedDateTime flexString `json:"lastUpdatedDateTime"`
	AdditionalInfo      rawJSON    `json:"additionalInfo"`
	// CreatedDateTime is a signIn's event time.
	CreatedDateTime rawJSON `json:"createdDateTime"`
	// ActivityDisplayName is a directoryAudit's activity.
	ActivityDisplayName rawJSON `json:"activityDisplayName"`
}

// otherKind returns the Graph resource a decoded record is instead of a
// riskDetection, or "".
func (w *riskGraphWire) otherKind() string {
	if w.RiskDetectionEvent != nil && w.RiskEventType != "" || w.DetectedDateTime != nil {
		return ""
	}
	switch {
	case w.ActivityDisplayName != nil:
		return "directoryAudit"
	case w.CreatedDateTime != nil:
		return "signIn"
	}
	return ""
}

// riskGraphOtherKind is otherKind for a record that did not decode: a
// record of another kind need not fit the riskDetection schema. It reads
// the top-level keys, so it is for the error path only.
func riskGraphOtherKind(data []byte) string {
	var risk, audit, signIn bool
	if p := topLevelKeys(data, func(key string) {
		switch key {
		case "riskEventType", "detectedDateTime":
			risk = true
		case "activityDisplayName":
			audit = true
		case "createdDateTime":
			signIn = true
		}
	}); p != nil || risk {
		return "" // broken JSON is a bad record, whatever its keys
	}
	switch {
	case audit:
		return "directoryAudit"
	case signIn:
		return "signIn"
	}
	return ""
}

// finish reads what the wire kept as text into ev: the loose times and
// the additional information (at prefix+"additionalInfo").
func (w *riskGraphWire) finish(data []byte, prefix string, ev *RiskDetectionEvent) *problem {
	ev.ActivityDateTime = w.ActivityDateTime.Time
	var detected looseTime
	_ = detected.UnmarshalJSON(w.DetectedDateTime) // never fails: an unreadable time is left zero
	ev.DetectedDateTime = detected.Time
	info, p := textAt(data, prefix+"additionalInfo", w.AdditionalInfo, false)
	if p != nil {
		return p
	}
	ev.AdditionalInfo = info
	return nil
}

func decodeRiskGraph(data []byte, ev *RiskDetectionEvent) *problem {
	w := riskGraphWire{RiskDetectionEvent: ev}
	if err := unmarshalAny(data, &w); err != nil {
		if k := riskGraphOtherKind(data); k != "" {
			return otherKind(k)
		}
		return explain(data, err, riskWantAt)
	}
	if k := w.otherKind(); k != "" {
		return otherKind(k)
	}
	if p := w.finish(data, "", ev); p != nil {
		return p
	}
	_, t, p := recordEventTime(data, "lastUpdatedDateTime", "", "lastUpdatedDateTime", string(w.LastUpdatedDateTime))
	if p != nil {
		return p
	}
	ev.LastUpdatedDateTime = t
	ev.Envelope = Envelope{
		Format: Graph, Category: userRiskEvents, OperationName: userRiskDetectionOpName,
		CallerIPAddress: ev.IPAddress, CorrelationID: ev.ID,
	}
	return nil
}

// riskWantAt says what type the riskDetection schema wants at a path.
func riskWantAt(path string) string {
	switch path {
	case "", "location", "location.geoCoordinates":
		return "an object"
	case "location.geoCoordinates.altitude", "location.geoCoordinates.latitude", "location.geoCoordinates.longitude":
		return KindFloat.String()
	}
	return KindString.String()
}

func decodeRiskAzure(data []byte, ev *RiskDetectionEvent) *problem {
	props := &riskGraphWire{RiskDetectionEvent: ev}
	w := azureEnvelope[riskGraphWire]{Properties: props}
	if err := unmarshalAny(data, &w); err != nil {
		// A record of another category need not fit this schema: say what
		// it is rather than what does not fit.
		if c, ok := stringAt(data, "category"); ok && c != "" && c != userRiskEvents {
			return otherKind(c)
		}
		return explain(data, err, wantRiskAzure)
	}
	if w.Category != "" && w.Category != userRiskEvents {
		return otherKind(w.Category)
	}
	if w.Properties == nil {
		return atPath(data, "properties", fmt.Errorf("%w: properties is null", ErrNotRiskDetection))
	}
	pw := w.Properties
	if pw.RiskDetectionEvent != nil && pw.ID == "" && pw.LastUpdatedDateTime == "" { // rare: is there a properties object at all?
		if _, ok := valueOf(data, "properties"); !ok {
			return &problem{path: "properties", err: fmt.Errorf("%w: no properties", ErrNotRiskDetection)}
		}
	}
	if k := pw.otherKind(); k != "" {
		return otherKind(k)
	}
	if a := pw.RiskDetectionEvent; a != nil && a != ev { // the decoder allocated its own
		*ev = *a
	}
	if p := pw.finish(data, "properties.", ev); p != nil {
		return p
	}
	env := w.envelope()
	var p *problem
	env.Time, ev.LastUpdatedDateTime, p = recordEventTime(data, "time", w.Time, "properties.lastUpdatedDateTime", string(pw.LastUpdatedDateTime))
	if p != nil {
		return p
	}
	ev.Envelope = env
	return nil
}

func wantRiskAzure(path string) string {
	switch {
	case path == "" || path == "properties":
		return "an object"
	case strings.HasPrefix(path, "properties."):
		return riskWantAt(strings.TrimPrefix(path, "properties."))
	case path == "time":
		return KindTime.String()
	}
	return KindString.String()
}

// riskLAWire is a Log Analytics AADUserRiskEvents row
// (learn.microsoft.com/azure/azure-monitor/reference/tables/aaduserriskevents).
// The dynamic Location is kept raw and decoded alone, so that an error
// names its column; AdditionalInfo is kept as JSON text. TenantId, the
// workspace's ID, and SourceSystem are not read.
type riskLAWire struct {
	TimeGenerated       flexString `json:"TimeGenerated"`
	Activity            string     `json:"Activity"`
	ActivityDateTime    looseTime  `json:"ActivityDateTime"`
	AdditionalInfo      rawJSON    `json:"AdditionalInfo"`
	CorrelationID       string     `json:"CorrelationId"`
	DetectedDateTime    looseTime  `json:"DetectedDateTime"`
	DetectionTimingType string     `json:"DetectionTimingType"`
	ID                  string     `json:"Id"`
	IPAddress           string     `json:"IpAddress"`
	LastUpdatedDateTime looseTime  `json:"LastUpdatedDateTime"`
	Location            rawJSON    `json:"Location"`
	OperationName       string     `json:"OperationName"`
	RequestID           string     `json:"RequestId"`
	RiskDetail          string     `json:"RiskDetail"`
	RiskEventType       string     `json:"RiskEventType"`
	RiskLevel           string     `json:"RiskLevel"`
	RiskState           string     `json:"RiskState"`
	Source              string     `json:"Source"`
	TokenIssuerType     string     `json:"TokenIssuerType"`
	Type                string     `json:"Type"`
	UserDisplayName     string     `json:"UserDisplayName"`
	UserID              string     `json:"UserId"`
	UserPrincipalName   string     `json:"UserPrincipalName"`

	// Columns of other tables' rows, read only to tell such a row apart
	// when it has no Type (see laOtherKind).
	CreatedDateTime     rawJSON `json:"CreatedDateTime"`
	ActivityDisplayName rawJSON `json:"ActivityDisplayName"`
}

func decodeRiskLogAnalytics(data []byte, ev *RiskDetectionEvent) *problem {
	var w riskLAWire
	if err := unmarshalAny(data, &w); err != nil {
		if t, ok := stringAt(data, "Type"); ok && t != "" && t != userRiskEventsTable {
			return otherKind(t)
		}
		return explain(data, err, wantRiskLogAnalytics)
	}
	if w.Type != "" && w.Type != userRiskEventsTable {
		return otherKind(w.Type)
	}
	if w.Type == "" && w.RiskEventType == "" {
		if k := laOtherKind(w.CreatedDateTime, w.ActivityDisplayName, nil); k != "" {
			return otherKind(k)
		}
	}
	*ev = RiskDetectionEvent{
		ID: w.ID, RequestID: w.RequestID, CorrelationID: w.CorrelationID, RiskEventType: w.RiskEventType,
		RiskState: w.RiskState, RiskLevel: w.RiskLevel, RiskDetail: w.RiskDetail, Source: w.Source,
		DetectionTimingType: w.DetectionTimingType, Activity: w.Activity, TokenIssuerType: w.TokenIssuerType,
		IPAddress: w.IPAddress, ActivityDateTime: w.ActivityDateTime.Time, DetectedDateTime: w.DetectedDateTime.Time,
		LastUpdatedDateTime: w.LastUpdatedDateTime.Time, UserID: w.UserID, UserDisplayName: w.UserDisplayName,
		UserPrincipalName: w.UserPrincipalName,
	}
	if p := decodeDynamic(data, "Location", "location", w.Location, &ev.Location, riskNested, riskWantAt); p != nil {
		return p
	}
	info, p := textAt(data, "AdditionalInfo", w.AdditionalInfo, true)
	if p != nil {
		return p
	}
	ev.AdditionalInfo = info
	t, _, p := recordEventTime(data, "TimeGenerated", w.TimeGenerated, "", "")
	if p != nil {
		return p
	}
	ev.Envelope = Envelope{
		Format: LogAnalytics, Time: t, Category: userRiskEvents,
		OperationName:   cmp.Or(w.OperationName, userRiskDetectionOpName),
		CallerIPAddress: w.IPAddress, CorrelationID: w.ID,
	}
	return nil
}

func wantRiskLogAnalytics(path string) string {
	switch path {
	case "TimeGenerated":
		return KindTime.String()
	case "":
		return "an object"
	}
	return KindString.String()
}

// textAt returns the text of a JSON-text property at path, such as a risk
// detection's additionalInfo: a string as it decodes, or "" for null. With
// dynamic (a Log Analytics dynamic column), JSON other than a string is
// taken as the text it is, compacted, as the query API and a JSON export
// may write the same column either way; without, it is an error.
func textAt(data []byte, path string, raw rawJSON, dynamic bool) (string, *problem) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", atPath(data, path, fmt.Errorf("%w: %v", ErrSyntax, err))
		}
		return s, nil
	case dynamic && (raw[0] == '[' || raw[0] == '{'):
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return "", atPath(data, path, fmt.Errorf("%w: %v", ErrSyntax, err))
		}
		return b.String(), nil
	}
	want := KindString.String()
	if dynamic {
		want = "JSON text, an array or an object"
	}
	return "", atPath(data, path, &TypeError{Want: want, Got: describe(raw)})
}
