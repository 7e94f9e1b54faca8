package event

import (
	"log/slog"
	"time"
)

// RiskDetectionEvent is one Microsoft Entra ID Protection risk detection:
// the Microsoft Graph v1.0 riskDetection resource (GET
// /identityProtection/riskDetections;
// learn.microsoft.com/graph/api/resources/riskdetection), with the JSON
// names Graph uses. Azure Monitor exports the same object under the
// "properties" of a resource-log record of category UserRiskEvents, and
// Log Analytics as a row of the AADUserRiskEvents table
// (learn.microsoft.com/azure/azure-monitor/reference/tables/aaduserriskevents);
// all three decode to the same RiskDetectionEvent, with the record around
// it in Envelope. (It is named for the Graph resource: escudo's risk
// package calls the risk-based-alerting records it writes risk events.)
//
// Sources: the Graph v1.0 riskDetection page
// (microsoftgraph/microsoft-graph-docs-contrib
// api-reference/v1.0/resources/riskdetection.md) for the properties; the
// table reference (MicrosoftDocs/azure-reference-other
// azure-monitor-ref/tables/includes/aaduserriskevents-include.md,
// 2024-02-18) for the columns; for the Azure Monitor record, which
// Microsoft does not document, the UserRiskEvents test records of
// Elastic's Azure integration (elastic/integrations
// packages/azure/data_stream/identity_protection/_dev/test/pipeline),
// which also carry riskType, resourceTenantId, homeTenantId, userType and
// crossTenantAccessType, properties of the Graph beta resource.
//
// Every property is nullable; a null or absent string decodes to "". The
// times other than the event time are read loosely: one the decoder cannot
// read (Elastic's records hold "2022-09-09T8:48:50.361Z", with a one-digit
// hour) is left zero rather than failing the record.
//
// RiskDetectionEvent is a plain value, but its pointers (the location's
// coordinates) are shared by copies: use [RiskDetectionEvent.Clone] for a
// copy that does not alias.
type RiskDetectionEvent struct {
	// ID is the detection's identifier (64 hex digits in the records seen).
	ID string `json:"id"`
	// RequestID is the request ID of the sign-in the detection is linked
	// to; empty when it is not linked to a sign-in.
	RequestID string `json:"requestId"`
	// CorrelationID is the correlation ID of that sign-in; empty when there
	// is none. It is not the Azure Monitor envelope's correlationId, which
	// repeats ID (Envelope.CorrelationID).
	CorrelationID string `json:"correlationId"`
	// RiskType is the deprecated beta riskType, which Azure Monitor
	// records still carry; it may differ from RiskEventType ("generic"
	// beside "passwordSpray" in a record seen). Empty in v1.0 Graph and
	// Log Analytics records.
	RiskType string `json:"riskType"`
	// RiskEventType is the type of risk detected, such as
	// unfamiliarFeatures, anonymizedIPAddress, passwordSpray or
	// leakedCredentials (an open set; "generic" for premium detections).
	RiskEventType string `json:"riskEventType"`
	// RiskState is none, confirmedSafe, remediated, dismissed, atRisk,
	// confirmedCompromised or unknownFutureValue.
	RiskState string `json:"riskState"`
	// RiskLevel is low, medium, high, hidden, none or unknownFutureValue.
	RiskLevel string `json:"riskLevel"`
	// RiskDetail is the detail behind the state, such as none,
	// aiConfirmedSigninSafe or adminConfirmedUserCompromised.
	RiskDetail string `json:"riskDetail"`
	// Source is the detection's source, such as IdentityProtection.
	Source string `json:"source"`
	// DetectionTimingType is notDefined, realtime, nearRealtime, offline
	// or unknownFutureValue.
	DetectionTimingType string `json:"detectionTimingType"`
	// Activity is the activity the risk is linked to: signin, user or
	// unknownFutureValue.
	Activity string `json:"activity"`
	// TokenIssuerType is AzureAD, ADFederationServices or
	// UnknownFutureValue.
	TokenIssuerType string `json:"tokenIssuerType"`
	// IPAddress is the address of the client the risk came from.
	IPAddress string `json:"ipAddress"`
	// Location is where the sign-in came from (the Graph signInLocation).
	Location Location `json:"location"`
	// ActivityDateTime is when the risky activity happened.
	ActivityDateTime time.Time `json:"-"`
	// DetectedDateTime is when the risk was detected.
	DetectedDateTime time.Time `json:"-"`
	// LastUpdatedDateTime is when the detection was last updated; for a
	// Graph record it is the event time (see [RiskDetectionEvent.Time]).
	LastUpdatedDateTime time.Time `json:"-"`
	// UserID is the object ID of the user at risk.
	UserID string `json:"userId"`
	// UserDisplayName is the user's display name.
	UserDisplayName string `json:"userDisplayName"`
	// UserPrincipalName is the user's UPN.
	UserPrincipalName string `json:"userPrincipalName"`
	// AdditionalInfo is JSON text that Graph sends as a string, such as
	// `[{"Key":"userAgent","Value":"Mozilla/5.0 …"}]`; it is kept as
	// that text, not decoded. (A Log Analytics row may hold it as JSON; it
	// is then its compact text.)
	AdditionalInfo string `json:"-"`
	// ResourceTenantID is the tenant of the resource signed in to (beta;
	// Azure Monitor records).
	ResourceTenantID string `json:"resourceTenantId"`
	// HomeTenantID is the user's home tenant (beta; Azure Monitor records).
	HomeTenantID string `json:"homeTenantId"`
	// UserType is member or guest (beta; Azure Monitor records).
	UserType string `json:"userType"`
	// CrossTenantAccessType is the cross-tenant access type, such as none
	// or b2bCollaboration (beta; Azure Monitor records).
	CrossTenantAccessType string `json:"crossTenantAccessType"`

	// Envelope holds the Azure Monitor or Log Analytics fields around the
	// detection. For Graph records, which have none, and Log Analytics
	// rows, which have few, the decoder fills in the fields that follow
	// from the detection (see riskdetection_decode.go).
	Envelope Envelope `json:"-"`
}

// Time returns the event time: the record's own time, which Splunk's
// azure:monitor:aad source type takes for _time (TIME_PREFIX "time", in
// Splunk_TA_microsoft-cloudservices 5.0.0 props.conf), that is the Azure
// Monitor envelope's time or the Log Analytics TimeGenerated. A Graph
// record has none, and its event time is LastUpdatedDateTime, as it is
// for an Azure Monitor record without a time: in Elastic's two unedited
// UserRiskEvents test records the envelope's time is the detection's
// lastUpdatedDateTime to the second (a third, edited from them, keeps an
// older lastUpdatedDateTime), so an update of a detection is a new record
// at the time of the update [inferred; Microsoft does not document the
// record]. A Graph record's event time may therefore differ from its Azure
// Monitor copy's by the fraction of a second.
func (e *RiskDetectionEvent) Time() time.Time {
	if !e.Envelope.Time.IsZero() {
		return e.Envelope.Time
	}
	return e.LastUpdatedDateTime
}

// Clone returns a deep copy of e that shares no pointers with it.
func (e *RiskDetectionEvent) Clone() RiskDetectionEvent {
	c := *e
	g := &c.Location.GeoCoordinates
	g.Altitude, g.Latitude, g.Longitude = clonePtr(g.Altitude), clonePtr(g.Latitude), clonePtr(g.Longitude)
	return c
}

// LogValue makes a RiskDetectionEvent log as a short summary: which
// detection, when, of what type and level, in what state. The user's
// identity, the address, the location and the additional information are
// left out. It has a value receiver so that both events and pointers to
// them log this way.
func (e RiskDetectionEvent) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("id", e.ID),
		slog.Time("time", e.Time()),
		slog.String("riskEventType", e.RiskEventType),
		slog.String("riskLevel", e.RiskLevel),
		slog.String("riskState", e.RiskState),
	)
}

// Schema returns the schema of risk detections, for detections over them:
// a record is of this type when its kind (see [KindOf]) is the Azure
// Monitor category UserRiskEvents, the Log Analytics table
// AADUserRiskEvents, or a Graph riskDetection. It does not use its
// receiver.
func (*RiskDetectionEvent) Schema() *Schema[RiskDetectionEvent] {
	return &Schema[RiskDetectionEvent]{
		Name:    "risk detection",
		Field:   LookupRiskDetectionField,
		Time:    (*RiskDetectionEvent).Time,
		Decode:  decodeRiskDetectionFrom,
		Accepts: acceptsRiskDetectionKind,
	}
}
