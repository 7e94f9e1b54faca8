package event

import (
	"errors"
	"fmt"
	"strings"
)

// Microsoft Graph activity log decoding.
//
// [DecodeGraphActivity] is decode's counterpart for [GraphActivityEvent],
// with the same steps and error machinery as the sign-ins' and audit
// entries' (decodeRecord): a record that is not an object is refused with
// its position; invalid UTF-8 is replaced by U+FFFD; keys that differ from
// a key the decoder reads only by ASCII case are masked (the key sets of
// graphactivity_keys.go); the record is decoded by its Format; a bad
// record is a located *[DecodeError], a valid record of another kind an
// *[OtherKindError].
//
// Formats:
//
//   - Azure Monitor: a resource-log record of category
//     MicrosoftGraphActivityLogs, {"records":[…]} from Event Hubs or JSON
//     lines from a storage account (the Reader frames both). A record of
//     another category is another kind; one without a category is read.
//   - Log Analytics: a row of the MicrosoftGraphActivityLogs table. A row
//     whose Type names another table is another kind.
//   - Graph: there is no Graph API for these logs, so a Graph-format
//     record is always another kind, the Graph resource its shape shows
//     ("signIn", "directoryAudit", "riskDetection"; see [KindOf]).
//
// The event time is the record's own time (see [GraphActivityEvent.Time]):
// the envelope's time, RFC 3339 or the US form Azure also writes, else
// properties.timeGenerated (RFC 3339); Log Analytics TimeGenerated.
//
// The envelope of a Log Analytics row. The table has no envelope columns
// but AadTenantId and Location, so the decoder fills in what follows from
// the row, for searches on the envelope's fields to find its rows as they
// find Azure Monitor records:
//
//   - Category: "MicrosoftGraphActivityLogs", the category the table is
//     filled from;
//   - OperationName: "Microsoft Graph Activity", what every Azure Monitor
//     record of the category writes (the ESCU example record; the
//     category's only operation [inferred]);
//   - CallerIPAddress: IPAddress, the client's address, which Azure
//     Monitor writes as both callerIpAddress and properties.ipAddress (the
//     same address in every record seen [inferred]);
//   - TenantID: AadTenantId; Location: Location; Time: TimeGenerated.
//
// The rest (ResultType, ResultDescription, CorrelationID, Identity,
// Level) stays empty. The Azure Monitor envelope's operationVersion,
// resultSignature (the status code as text), durationMs (a string there)
// and resourceId are not read.

// ErrNotGraphActivity means a record that claims to be a Microsoft Graph
// activity log entry holds none, such as an Azure Monitor record of the
// category without properties.
var ErrNotGraphActivity = errors.New("not a Microsoft Graph activity record")

// The Azure Monitor category and Log Analytics table of Microsoft Graph
// activity logs (learn.microsoft.com/graph/microsoft-graph-activity-logs-overview),
// and the operationName of its records.
const (
	graphActivityLogs      = "MicrosoftGraphActivityLogs"
	graphActivityOperation = "Microsoft Graph Activity"
)

// DecodeGraphActivity decodes rec, one record as [Reader.ReadRecord]
// returns it, into ev as a Microsoft Graph activity log entry,
// overwriting ev entirely. It reads Azure Monitor MicrosoftGraphActivityLogs
// records and Log Analytics MicrosoftGraphActivityLogs rows, by
// rec.Format (Auto detects it from the record). On failure it returns a
// *[DecodeError] saying where and what, or an *[OtherKindError] for a
// valid record of another kind, and ev is undefined. source names the
// input in errors. DecodeError.Encoding is left UTF8: the Reader's own
// decoding, which knows the input, sets it.
//
// DecodeGraphActivity is safe for concurrent use.
func DecodeGraphActivity(source string, rec Record, ev *GraphActivityEvent) error {
	return decodeGraphActivity(source, rec, ev)
}

// decodeGraphActivityFrom decodes rec, a record of r, into ev, as
// Reader.Decode does for sign-ins; it has the signature of Schema.Decode.
func decodeGraphActivityFrom(r *Reader, rec Record, ev *GraphActivityEvent) error {
	return fromReader(r, rec, decodeGraphActivity(r.Name, rec, ev))
}

// fromReader makes the Reader's fix-ups of a *DecodeError from a record
// of r: the input's encoding, and for CSV input the row's position (no
// CSV export exists of these types, so a CSV row is a sign-in row and is
// another kind).
func fromReader(r *Reader, rec Record, err error) error {
	if de, ok := err.(*DecodeError); ok {
		de.Encoding = r.encoding
		if r.csv != nil {
			de.Line, de.Offset = rec.Line, rec.Offset
		}
	}
	return err
}

// acceptsGraphActivityKind reports whether records of a kind, as KindOf
// tells it, are Microsoft Graph activity log entries; it has the
// signature of Schema.Accepts.
func acceptsGraphActivityKind(kind string) bool { return kind == graphActivityLogs }

// decodeGraphActivity turns one record into ev according to its format.
func decodeGraphActivity(source string, rec Record, ev *GraphActivityEvent) error {
	*ev = GraphActivityEvent{}
	return decodeRecord(source, rec, graphActivityKeySets, func(f Format, data []byte) *problem {
		switch f {
		case AzureMonitor:
			return decodeGraphActivityAzure(data, ev)
		case LogAnalytics:
			return decodeGraphActivityLogAnalytics(data, ev)
		}
		return graphShapeKind(data)
	})
}

// graphActivityWire is the decoding target of an Azure Monitor record's
// properties: the event, with its times kept as text and its numbers as
// flexStrings, to be read and reported in place.
type graphActivityWire struct {
	*GraphActivityEvent
	TimeGenerated      string     `json:"timeGenerated"`
	ResponseStatusCode flexString `json:"responseStatusCode"`
	DurationMs         flexString `json:"durationMs"`
	ResponseSizeBytes  flexString `json:"responseSizeBytes"`
	ClientAuthMethod   flexString `json:"clientAuthMethod"`
	TokenIssuedAt      looseTime  `json:"tokenIssuedAt"`
}

// graphActivityNumbers are the paths of the numbers of an Azure Monitor
// record and of a Log Analytics row, in the order of numbers.
var (
	graphActivityAzureNumbers = [4]string{"properties.responseStatusCode", "properties.durationMs", "properties.responseSizeBytes", "properties.clientAuthMethod"}
	graphActivityLANumbers    = [4]string{"ResponseStatusCode", "DurationMs", "ResponseSizeBytes", "ClientAuthMethod"}
)

// numbers reads the numbers of the record (the wire's flexStrings, at
// paths) into ev.
func numbers(data []byte, ev *GraphActivityEvent, vals [4]flexString, paths [4]string) *problem {
	dsts := [4]**int64{&ev.ResponseStatusCode, &ev.DurationMs, &ev.ResponseSizeBytes, &ev.ClientAuthMethod}
	for i, s := range vals {
		v, p := integerAt(data, paths[i], s)
		if p != nil {
			return p
		}
		*dsts[i] = v
	}
	return nil
}

func decodeGraphActivityAzure(data []byte, ev *GraphActivityEvent) *problem {
	props := &graphActivityWire{GraphActivityEvent: ev}
	w := azureEnvelope[graphActivityWire]{Properties: props}
	if err := unmarshalAny(data, &w); err != nil {
		// A record of another category need not fit this schema: say what
		// it is rather than what does not fit.
		if c, ok := stringAt(data, "category"); ok && c != "" && c != graphActivityLogs {
			return otherKind(c)
		}
		return explain(data, err, wantGraphActivityAzure)
	}
	if w.Category != "" && w.Category != graphActivityLogs {
		return otherKind(w.Category)
	}
	if w.Properties == nil {
		return atPath(data, "properties", fmt.Errorf("%w: properties is null", ErrNotGraphActivity))
	}
	pw := w.Properties
	if pw.GraphActivityEvent == nil { // the decoder replaced the wire: nothing was decoded into ev
		pw.GraphActivityEvent = ev
	}
	if pw.RequestID == "" && pw.TimeGenerated == "" { // rare: is there a properties object at all?
		if _, ok := valueOf(data, "properties"); !ok {
			return &problem{path: "properties", err: fmt.Errorf("%w: no properties", ErrNotGraphActivity)}
		}
	}
	if a := pw.GraphActivityEvent; a != ev { // the decoder allocated its own
		*ev = *a
	}
	if p := numbers(data, ev, [4]flexString{pw.ResponseStatusCode, pw.DurationMs, pw.ResponseSizeBytes, pw.ClientAuthMethod}, graphActivityAzureNumbers); p != nil {
		return p
	}
	ev.TokenIssuedAt = w.Properties.TokenIssuedAt.Time
	env := w.envelope()
	var p *problem
	env.Time, ev.TimeGenerated, p = recordEventTime(data, "time", w.Time, "properties.timeGenerated", w.Properties.TimeGenerated)
	if p != nil {
		return p
	}
	ev.Envelope = env
	return nil
}

// graphActivityWantAt says what type the schema wants at a path under an
// Azure Monitor record's properties.
func graphActivityWantAt(path string) string {
	switch path {
	case "":
		return "an object"
	case "timeGenerated":
		return KindTime.String()
	}
	return KindString.String()
}

func wantGraphActivityAzure(path string) string {
	switch {
	case path == "" || path == "properties":
		return "an object"
	case strings.HasPrefix(path, "properties."):
		return graphActivityWantAt(strings.TrimPrefix(path, "properties."))
	case path == "time":
		return KindTime.String()
	}
	return KindString.String()
}

// graphActivityLAWire is a Log Analytics MicrosoftGraphActivityLogs row
// (learn.microsoft.com/azure/azure-monitor/reference/tables/microsoftgraphactivitylogs).
// TenantId, the workspace's ID, SourceSystem and the reserved ATContent
// columns are not read.
type graphActivityLAWire struct {
	TimeGenerated      flexString `json:"TimeGenerated"`
	AadTenantID        string     `json:"AadTenantId"`
	APIVersion         string     `json:"ApiVersion"`
	AppID              string     `json:"AppId"`
	ClientAuthMethod   flexString `json:"ClientAuthMethod"`
	ClientRequestID    string     `json:"ClientRequestId"`
	DeviceID           string     `json:"DeviceId"`
	DurationMs         flexString `json:"DurationMs"`
	IdentityProvider   string     `json:"IdentityProvider"`
	IPAddress          string     `json:"IPAddress"`
	Location           string     `json:"Location"`
	OperationID        string     `json:"OperationId"`
	RequestID          string     `json:"RequestId"`
	RequestMethod      string     `json:"RequestMethod"`
	RequestURI         string     `json:"RequestUri"`
	ResponseSizeBytes  flexString `json:"ResponseSizeBytes"`
	ResponseStatusCode flexString `json:"ResponseStatusCode"`
	Roles              string     `json:"Roles"`
	Scopes             string     `json:"Scopes"`
	ServicePrincipalID string     `json:"ServicePrincipalId"`
	SessionID          string     `json:"SessionId"`
	SignInActivityID   string     `json:"SignInActivityId"`
	TokenIssuedAt      looseTime  `json:"TokenIssuedAt"`
	Type               string     `json:"Type"`
	UserAgent          string     `json:"UserAgent"`
	UserID             string     `json:"UserId"`
	Wids               string     `json:"Wids"`

	// Columns of other tables' rows, read only to tell such a row apart
	// when it has no Type.
	CreatedDateTime     rawJSON `json:"CreatedDateTime"`
	ActivityDisplayName rawJSON `json:"ActivityDisplayName"`
	RiskEventType       rawJSON `json:"RiskEventType"`
}

// laOtherKind returns the Graph resource a Log Analytics row without Type
// is by the columns only its table has, or "": a sign-in row's
// CreatedDateTime, an AuditLogs row's ActivityDisplayName, an
// AADUserRiskEvents row's RiskEventType (nil when the row has none).
func laOtherKind(created, activity, risk rawJSON) string {
	switch {
	case created != nil:
		return "signIn"
	case activity != nil:
		return "directoryAudit"
	case risk != nil:
		return "riskDetection"
	}
	return ""
}

func decodeGraphActivityLogAnalytics(data []byte, ev *GraphActivityEvent) *problem {
	var w graphActivityLAWire
	if err := unmarshalAny(data, &w); err != nil {
		if t, ok := stringAt(data, "Type"); ok && t != "" && t != graphActivityLogs {
			return otherKind(t)
		}
		return explain(data, err, wantGraphActivityLogAnalytics)
	}
	if w.Type != "" && w.Type != graphActivityLogs {
		return otherKind(w.Type)
	}
	if w.Type == "" {
		if k := laOtherKind(w.CreatedDateTime, w.ActivityDisplayName, w.RiskEventType); k != "" {
			return otherKind(k)
		}
	}
	*ev = GraphActivityEvent{
		Location: w.Location, RequestID: w.RequestID, OperationID: w.OperationID,
		ClientRequestID: w.ClientRequestID, APIVersion: w.APIVersion, RequestMethod: w.RequestMethod,
		TenantID: w.AadTenantID, SignInActivityID: w.SignInActivityID, Roles: w.Roles,
		TokenIssuedAt: w.TokenIssuedAt.Time, AppID: w.AppID, UserID: w.UserID,
		ServicePrincipalID: w.ServicePrincipalID, Scopes: w.Scopes, IdentityProvider: w.IdentityProvider,
		Wids: w.Wids, IPAddress: w.IPAddress, UserAgent: w.UserAgent, RequestURI: w.RequestURI,
		DeviceID: w.DeviceID, SessionID: w.SessionID,
	}
	if p := numbers(data, ev, [4]flexString{w.ResponseStatusCode, w.DurationMs, w.ResponseSizeBytes, w.ClientAuthMethod}, graphActivityLANumbers); p != nil {
		return p
	}
	t, _, p := recordEventTime(data, "TimeGenerated", w.TimeGenerated, "", "")
	if p != nil {
		return p
	}
	ev.TimeGenerated = t
	ev.Envelope = Envelope{
		Format: LogAnalytics, Time: t, Category: graphActivityLogs, OperationName: graphActivityOperation,
		CallerIPAddress: w.IPAddress, TenantID: w.AadTenantID, Location: w.Location,
	}
	return nil
}

func wantGraphActivityLogAnalytics(path string) string {
	switch path {
	case "TimeGenerated":
		return KindTime.String()
	case "":
		return "an object"
	}
	return KindString.String()
}
