package event

import (
	"log/slog"
	"time"
)

// GraphActivityEvent is one Microsoft Graph activity log entry: an HTTP
// request that the Microsoft Graph service received and processed for the
// tenant (learn.microsoft.com/graph/microsoft-graph-activity-logs-overview).
// The logs exist only through diagnostic settings: Azure Monitor exports
// them as resource-log records of category MicrosoftGraphActivityLogs,
// with the request under "properties" (camelCase keys), and Log Analytics
// as rows of the MicrosoftGraphActivityLogs table (PascalCase columns;
// learn.microsoft.com/azure/azure-monitor/reference/tables/microsoftgraphactivitylogs).
// There is no Graph API that returns them, so there is no Graph format.
// Both exports decode to the same GraphActivityEvent, with the record
// around it in Envelope.
//
// Sources. The column list and types are the Log Analytics table
// reference (MicrosoftDocs/azure-reference-other,
// azure-monitor-ref/tables/includes/microsoftgraphactivitylogs-include.md,
// 2024-02-18, and its later revision with DeviceId and SessionId on
// docs.azure.cn). Microsoft documents no Azure Monitor record, so the
// JSON keys under properties are those of the example_log of Splunk's
// ESCU data source "Azure Active Directory MicrosoftGraphActivityLogs"
// (splunk/security_content data_sources/azure_active_directory_microsoftgraphactivitylogs.yml,
// 2025-02-21; auditlogs-facts §1.10) [verified there]; deviceId and
// sessionId are the table's column names in camelCase [unverified: not in
// any record seen].
//
// A string property that is null or absent decodes to "". Numbers are
// pointers so that null stays distinguishable from 0; each is read from a
// JSON number or from a string holding one (Azure Monitor writes
// clientAuthMethod as "0", Log Analytics as 0). Roles, Scopes and Wids are
// kept as the space-separated text the record holds.
//
// GraphActivityEvent is a plain value, but its pointers are shared by
// copies: use [GraphActivityEvent.Clone] for a copy that does not alias.
type GraphActivityEvent struct {
	// TimeGenerated is when the request was received (properties.timeGenerated;
	// Log Analytics TimeGenerated). It is the event time only when the
	// record has no time of its own; see [GraphActivityEvent.Time].
	TimeGenerated time.Time `json:"-"`
	// Location is the name of the region that served the request, such as
	// "East US 2"; the envelope repeats it.
	Location string `json:"location"`
	// RequestID identifies the request.
	RequestID string `json:"requestId"`
	// OperationID identifies the batch: unique per request for requests
	// that are not batched, shared by the requests of one $batch.
	OperationID string `json:"operationId"`
	// ClientRequestID is the client's request ID when it sent one, else
	// the operation ID.
	ClientRequestID string `json:"clientRequestId"`
	// APIVersion is the API version called: "v1.0" or "beta".
	APIVersion string `json:"apiVersion"`
	// RequestMethod is the HTTP method, such as GET or POST.
	RequestMethod string `json:"requestMethod"`
	// ResponseStatusCode is the HTTP status of the response; nil when null.
	ResponseStatusCode *int64 `json:"-"`
	// TenantID is the Entra tenant ID (Log Analytics AadTenantId; its
	// TenantId column is the workspace's and is not read).
	TenantID string `json:"tenantId"`
	// DurationMs is how long the request took, in milliseconds; nil when
	// null. (The Azure Monitor envelope repeats it as a string; that copy
	// is not read.)
	DurationMs *int64 `json:"-"`
	// ResponseSizeBytes is the size of the response; nil when null.
	ResponseSizeBytes *int64 `json:"-"`
	// SignInActivityID identifies the sign-in whose token made the
	// request: the uniqueTokenIdentifier of the sign-in logs.
	SignInActivityID string `json:"signInActivityId"`
	// Roles are the roles claim of the token (application permissions),
	// space-separated.
	Roles string `json:"roles"`
	// TokenIssuedAt is when the token was issued; zero when absent or
	// unreadable, which does not fail the record.
	TokenIssuedAt time.Time `json:"-"`
	// AppID is the client ID of the application that made the request.
	AppID string `json:"appId"`
	// UserID is the object ID of the user the request was made for, when
	// it was delegated (made on behalf of a user).
	UserID string `json:"userId"`
	// ServicePrincipalID is the object ID of the service principal that
	// made the request, when it was an app-only request.
	ServicePrincipalID string `json:"servicePrincipalId"`
	// UserPrincipalObjectID is the object ID of the token's subject, user
	// or service principal (the key is written so in Azure Monitor
	// records; the table has no such column).
	UserPrincipalObjectID string `json:"UserPrincipalObjectID"`
	// Scopes are the scopes claim of the token (delegated permissions),
	// space-separated.
	Scopes string `json:"scopes"`
	// IdentityProvider is the identity provider that authenticated the
	// token's subject.
	IdentityProvider string `json:"identityProvider"`
	// ClientAuthMethod is how the client authenticated: 0 a public client,
	// 1 a client secret, 2 a client certificate; nil when null.
	ClientAuthMethod *int64 `json:"-"`
	// Wids are the tenant-wide directory roles of the user (the token's
	// wids claim), as role template IDs, space-separated.
	Wids string `json:"wids"`
	// IdentityType is the token's idtyp claim, "user" or "app" (Azure
	// Monitor key C_Idtyp, seen in records; not in the table reference).
	IdentityType string `json:"C_Idtyp"`
	// IPAddress is the IP address of the client that made the request.
	IPAddress string `json:"ipAddress"`
	// UserAgent is the client's user agent, such as "azurehound/v2.1.8".
	UserAgent string `json:"userAgent"`
	// RequestURI is the URI of the request, such as
	// "https://graph.microsoft.com/v1.0/servicePrincipals/…/owners".
	RequestURI string `json:"requestUri"`
	// DeviceID identifies the device the authentication came from
	// (Log Analytics DeviceId; the Azure Monitor key deviceId is assumed).
	DeviceID string `json:"deviceId"`
	// SessionID identifies the authentication session (Log Analytics
	// SessionId; the Azure Monitor key sessionId is assumed).
	SessionID string `json:"sessionId"`

	// Envelope holds the Azure Monitor or Log Analytics fields around the
	// request. A Log Analytics row has no envelope of its own; the decoder
	// fills in the fields that follow from the row (see
	// graphactivity_decode.go).
	Envelope Envelope `json:"-"`
}

// Time returns the event time: the record's own time, which Splunk's
// azure:monitor:aad source type takes for _time (TIME_PREFIX "time", in
// Splunk_TA_microsoft-cloudservices 5.0.0 props.conf), that is the Azure
// Monitor envelope's time, or the Log Analytics TimeGenerated. When an
// Azure Monitor record has no time, it is properties.timeGenerated (in
// the records seen the two are the same instant).
func (e *GraphActivityEvent) Time() time.Time {
	if !e.Envelope.Time.IsZero() {
		return e.Envelope.Time
	}
	return e.TimeGenerated
}

// Clone returns a copy of e that shares no pointers with it.
func (e *GraphActivityEvent) Clone() GraphActivityEvent {
	c := *e
	c.ResponseStatusCode = clonePtr(e.ResponseStatusCode)
	c.DurationMs = clonePtr(e.DurationMs)
	c.ResponseSizeBytes = clonePtr(e.ResponseSizeBytes)
	c.ClientAuthMethod = clonePtr(e.ClientAuthMethod)
	return c
}

// LogValue makes a GraphActivityEvent log as a short summary of the
// request: which, when, the method, the API version and the status. The
// URI (which can name users, as in /users/{upn}), who made the request,
// from where and with which permissions (IDs, IP address, user agent,
// scopes, roles) are left out. It has a value receiver so that both
// events and pointers to them log this way.
func (e GraphActivityEvent) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("requestId", e.RequestID),
		slog.Time("time", e.Time()),
		slog.String("method", e.RequestMethod),
		slog.String("apiVersion", e.APIVersion),
	}
	if e.ResponseStatusCode != nil {
		attrs = append(attrs, slog.Int64("status", *e.ResponseStatusCode))
	}
	return slog.GroupValue(attrs...)
}

// Schema returns the schema of Microsoft Graph activity log entries, for
// detections over them: a record is of this type when its kind (see
// [KindOf]) is MicrosoftGraphActivityLogs, the Azure Monitor category and
// the Log Analytics table. It does not use its receiver.
func (*GraphActivityEvent) Schema() *Schema[GraphActivityEvent] {
	return &Schema[GraphActivityEvent]{
		Name:    "Graph activity",
		Field:   LookupGraphActivityField,
		Time:    (*GraphActivityEvent).Time,
		Decode:  decodeGraphActivityFrom,
		Accepts: acceptsGraphActivityKind,
	}
}
