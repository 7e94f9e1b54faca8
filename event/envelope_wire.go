package event

import (
	"cmp"
	"fmt"
	"strconv"
	"time"
)

// This file holds what the decoders of the event types whose event time
// is the record's own time share: Microsoft Graph activity logs
// (graphactivity_decode.go) and Identity Protection risk detections
// (riskdetection_decode.go).

// azureEnvelope is an Azure Monitor resource-log record around an entry
// of type P, under "properties". It is the sign-ins' and audit entries'
// envelope (decode.go's azureWire), for any properties type.
type azureEnvelope[P any] struct {
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
	// Microsoft Graph activity records write "level", risk detection
	// records "Level". Level wins when a record has both.
	Level      flexString `json:"Level"`
	LevelLower flexString `json:"level"`
	Location   string     `json:"location"`
	Properties *P         `json:"properties"`
}

// envelope returns the record's envelope, its time aside.
func (w *azureEnvelope[P]) envelope() Envelope {
	return Envelope{
		Format: AzureMonitor, Category: w.Category, OperationName: w.OperationName,
		ResultType: string(w.ResultType), ResultDescription: w.ResultDescription,
		CallerIPAddress: w.CallerIPAddress, TenantID: w.TenantID, CorrelationID: w.CorrelationID,
		Identity: string(w.Identity), Level: string(cmp.Or(w.Level, w.LevelLower)), Location: w.Location,
	}
}

// recordEventTime parses the event time of a record whose own time is
// the event time: record, the record's time at recordPath (Azure Monitor
// time, Log Analytics TimeGenerated), read as [parseRecordTime] reads
// record times (RFC 3339 with or without a zone, or the US form Azure
// also writes). When the record has no time, the event time is fallback,
// the entry's own time at path, which must then be RFC 3339; path "" says
// there is none. It returns the record's time (zero when it has none)
// and the fallback's (read loosely, zero when unreadable, when the record
// has a time of its own).
func recordEventTime(data []byte, recordPath string, record flexString, path, fallback string) (rt, ft time.Time, p *problem) {
	if record == "" {
		if path == "" || fallback == "" {
			return time.Time{}, time.Time{}, atPath(data, recordPath, ErrMissingTime)
		}
		ft, p = parseEventTime(data, path, fallback)
		return time.Time{}, ft, p
	}
	rt, ok := parseRecordTime(string(record))
	if !ok {
		return time.Time{}, time.Time{}, atPath(data, recordPath, &TypeError{Want: KindTime.String(), Got: quotedAt(data, recordPath, string(record))})
	}
	if err := checkEventTime(rt); err != nil {
		return time.Time{}, time.Time{}, atPath(data, recordPath, fmt.Errorf("%w: %v", ErrTimeRange, err))
	}
	ft, _ = parseTimestamp(fallback, true)
	return rt, ft, nil
}

// quotedAt describes the value at path for an error: as written in the
// record when it is there, else s quoted.
func quotedAt(data []byte, path, s string) string {
	if at, ok := valueOf(data, path); ok {
		return describe(data[at.start:at.end])
	}
	return strconv.Quote(s)
}

// wantInteger is what a number field that may also come as a numeric
// string wants.
const wantInteger = "an integer or numeric string"

// integerAt converts s, the flexString of the number at path, to an
// integer: nil for null or absent, an error at path for what is not an
// integer (a fraction, a word, an object, true).
func integerAt(data []byte, path string, s flexString) (*int64, *problem) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return nil, atPath(data, path, &TypeError{Want: wantInteger, Got: quotedAt(data, path, string(s))})
	}
	return &n, nil
}

// graphShapeKind is the Graph resource a Graph-format record is by its
// top-level keys, for decoders that do not read it: "riskDetection",
// "directoryAudit" or "signIn", as [KindOf] says. A record that is not
// well-formed JSON is a bad record, whatever its keys, and gives its
// syntax problem instead.
func graphShapeKind(data []byte) *problem {
	if p := walk(data, nil); p != nil {
		return p
	}
	return otherKind(KindOf(Record{Data: data, Format: Graph}))
}
