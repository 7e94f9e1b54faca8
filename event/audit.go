package event

import (
	"log/slog"
	"slices"
	"time"
)

// AuditEvent is one Microsoft Entra ID directory audit entry: the Microsoft
// Graph v1.0 directoryAudit resource (GET /auditLogs/directoryAudits;
// learn.microsoft.com/graph/api/resources/directoryaudit), with the JSON
// names Graph uses. Azure Monitor exports the same object under the
// "properties" of a resource-log record of category AuditLogs, and Log
// Analytics as a row of the AuditLogs table; both decode to the same
// AuditEvent, with the record around it in Envelope.
//
// Every Graph property is nullable. A property that is null or absent
// decodes to "", which the detections treat like a missing value. No
// directoryAudit property is a boolean or a number, so AuditEvent has no
// pointers.
//
// The modified properties' oldValue and newValue are kept exactly as the
// record's JSON string decodes: Microsoft writes JSON text into them
// ("\"Global Administrator\"", "[true]", "[{\"ResourceAppId\":…}]"), and
// the ESCU searches compare against that text, quotes and brackets
// included. Parsing it is a separate step.
//
// AuditEvent is a plain value, but its slices are shared by copies: use
// [AuditEvent.Clone] for a copy that does not alias.
type AuditEvent struct {
	// ID is the entry's identifier. Graph documents it as a GUID, but real
	// IDs are composite ("Directory_<correlationId>_<code>_<number>",
	// "Invited Users_…"): treat it as opaque.
	ID string `json:"id"`
	// ActivityDateTime is when the activity was performed (UTC); it is the
	// event time. See [AuditEvent.Time].
	ActivityDateTime time.Time `json:"-"`
	// ActivityDisplayName is the activity's name, such as
	// "Add member to role" or "Consent to application". It is what Azure
	// Monitor calls operationName.
	ActivityDisplayName string `json:"activityDisplayName"`
	// AdditionalDetails are key-value pairs the service adds, such as
	// User-Agent, AppId, UserType or InvitationId.
	AdditionalDetails []KeyValue `json:"additionalDetails"`
	// Category is the resource category of the activity, such as
	// UserManagement, RoleManagement, ApplicationManagement, Policy or
	// DirectoryManagement (an open set). It is not the Azure Monitor
	// diagnostic category, which is Envelope.Category ("AuditLogs").
	Category string `json:"category"`
	// CorrelationID is the GUID that ties together the entries of one
	// operation across services.
	CorrelationID string `json:"correlationId"`
	// InitiatedBy is who performed the activity: a user or an application.
	InitiatedBy AuditActivityInitiator `json:"initiatedBy"`
	// LoggedByService is the service that wrote the entry, such as
	// "Core Directory", "Invited Users", "Authentication Methods" or
	// "Privileged Identity Management".
	LoggedByService string `json:"loggedByService"`
	// OperationType is the kind of operation, such as Add, Assign, Update,
	// Unassign or Delete (an open set).
	OperationType string `json:"operationType"`
	// Result is the outcome: success, failure, timeout or
	// unknownFutureValue (Graph's operationResult).
	Result string `json:"result"`
	// ResultReason describes the result: the cause of a failure, but also
	// text on successes ("Successfully added member to group", "None").
	ResultReason string `json:"resultReason"`
	// TargetResources are what the activity changed: a user, a group, an
	// application, a service principal, a role, a policy, … in the
	// record's order; "Add member to role" has the user and the role.
	TargetResources []TargetResource `json:"targetResources"`
	// UserAgent is properties.userAgent of Azure Monitor records; it is not
	// a Graph property and is null in the records seen, which carry the
	// client's user agent in AdditionalDetails under the key User-Agent
	// instead. Empty for Graph and Log Analytics records.
	UserAgent string `json:"userAgent"`

	// Envelope holds the Azure Monitor or Log Analytics fields around the
	// entry. For Graph records, which have none, the decoder fills in the
	// fields that follow from the entry itself (see [Envelope] and the
	// package's audit decoding notes in audit_decode.go).
	Envelope Envelope `json:"-"`
}

// AuditActivityInitiator is the Graph auditActivityInitiator: who performed
// an audited activity (learn.microsoft.com/graph/api/resources/auditactivityinitiator).
// Normally one of User and App is set and the other is null or absent,
// which decodes to its zero value.
type AuditActivityInitiator struct {
	// User is the user who performed the activity.
	User AuditUserIdentity `json:"user"`
	// App is the application or service principal that performed it.
	App AppIdentity `json:"app"`
}

// AuditUserIdentity is the Graph userIdentity of an audit initiator, with
// the auditUserIdentity additions (learn.microsoft.com/graph/api/resources/useridentity,
// …/audituseridentity). Azure Monitor records also carry a roles array,
// empty in every record seen; it is not read.
type AuditUserIdentity struct {
	// ID is the user's object ID.
	ID string `json:"id"`
	// DisplayName is the user's display name, often null in audit records.
	DisplayName string `json:"displayName"`
	// UserPrincipalName is the user's UPN.
	UserPrincipalName string `json:"userPrincipalName"`
	// IPAddress is the client IP address of the user (audit log only).
	IPAddress string `json:"ipAddress"`
	// HomeTenantID is the ID of the user's home tenant (auditUserIdentity).
	HomeTenantID string `json:"homeTenantId"`
	// HomeTenantName is the name of the user's home tenant, when that
	// tenant consents to show it (auditUserIdentity).
	HomeTenantName string `json:"homeTenantName"`
	// UserType is the user's type, such as "Member" or "Guest"; shown in
	// Graph's example responses, not in the v1.0 resource table.
	UserType string `json:"userType"`
}

// AppIdentity is the Graph appIdentity: an application that performed an
// audited activity (learn.microsoft.com/graph/api/resources/appidentity).
// In real app-initiated records AppID and ServicePrincipalName are often
// null while DisplayName and ServicePrincipalID are set.
type AppIdentity struct {
	// AppID is the application ID (client ID) of the application.
	AppID string `json:"appId"`
	// DisplayName is the application's name.
	DisplayName string `json:"displayName"`
	// ServicePrincipalID is the object ID of its service principal.
	ServicePrincipalID string `json:"servicePrincipalId"`
	// ServicePrincipalName is the name of its service principal.
	ServicePrincipalName string `json:"servicePrincipalName"`
}

// TargetResource is the Graph targetResource: one object an audited
// activity changed (learn.microsoft.com/graph/api/resources/targetresource).
// Azure Monitor records also carry an administrativeUnits array; it is not
// read.
type TargetResource struct {
	// ID is the object ID of the resource.
	ID string `json:"id"`
	// DisplayName is the resource's display name, often null for users.
	DisplayName string `json:"displayName"`
	// Type is the resource type, such as User, Group, Application,
	// ServicePrincipal, Role, Policy, Directory, Device, Request or Other.
	// The key is type: Graph's first example response spells it "Type",
	// which is another key and, keys being exact, not read.
	Type string `json:"type"`
	// UserPrincipalName is the UPN, for User targets.
	UserPrincipalName string `json:"userPrincipalName"`
	// GroupType is the group's type, for Group targets, such as unifiedGroups.
	GroupType string `json:"groupType"`
	// ModifiedProperties are the properties the activity changed, in the
	// record's order.
	ModifiedProperties []ModifiedProperty `json:"modifiedProperties"`
}

// ModifiedProperty is the Graph modifiedProperty: one changed property of a
// target resource (learn.microsoft.com/graph/api/resources/modifiedproperty).
//
// OldValue and NewValue are the record's strings as JSON decodes them,
// which Microsoft fills with JSON text: NewValue of Role.DisplayName is
// `"Global Administrator"` with its double quotes, of AccountEnabled
// `[true]`, of RequiredResourceAccess a JSON array. They are not decoded
// further. A null value (the OldValue of an added property) is "".
type ModifiedProperty struct {
	// DisplayName is the name of the property, such as AccountEnabled,
	// Role.DisplayName or "Included Updated Properties".
	DisplayName string `json:"displayName"`
	// OldValue is the value before the change, as JSON text; "" for null.
	OldValue string `json:"oldValue"`
	// NewValue is the value after the change, as JSON text; "" for null.
	NewValue string `json:"newValue"`
}

// KeyValue is the Graph keyValue: one of an entry's additional details
// (learn.microsoft.com/graph/api/resources/keyvalue).
type KeyValue struct {
	// Key is the detail's name, such as User-Agent.
	Key string `json:"key"`
	// Value is its value.
	Value string `json:"value"`
}

// Time returns the event time: the entry's ActivityDateTime.
//
// It is the same rule in every format, so the same entry exported from
// Graph, Azure Monitor or Log Analytics falls in the same groups and time
// bins: Graph's activityDateTime, Azure Monitor's
// properties.activityDateTime, Log Analytics' ActivityDateTime. Only when
// a record lacks it does the decoder fall back to the record's own time
// (Azure Monitor time, Log Analytics TimeGenerated), and ActivityDateTime
// then holds that time.
//
// Splunk's azure:monitor:aad source type takes _time from the envelope
// time instead; in the records seen the two are the same instant.
func (e *AuditEvent) Time() time.Time { return e.ActivityDateTime }

// Clone returns a deep copy of e that shares no slices with it.
func (e *AuditEvent) Clone() AuditEvent {
	c := *e
	c.AdditionalDetails = slices.Clone(e.AdditionalDetails)
	if e.TargetResources != nil {
		c.TargetResources = make([]TargetResource, len(e.TargetResources))
		for i, t := range e.TargetResources {
			t.ModifiedProperties = slices.Clone(t.ModifiedProperties)
			c.TargetResources[i] = t
		}
	}
	return c
}

// LogValue makes an AuditEvent log as a short summary of what was done, by
// whom and with what outcome. The modified properties' values, which can
// hold personal data and credential details, the additional details and
// the user agent are left out. It has a value receiver so that both
// events and pointers to them log this way.
func (e AuditEvent) LogValue() slog.Value {
	by := e.InitiatedBy.User.UserPrincipalName
	if by == "" {
		by = e.InitiatedBy.App.DisplayName
	}
	return slog.GroupValue(
		slog.String("id", e.ID),
		slog.Time("time", e.ActivityDateTime),
		slog.String("activity", e.ActivityDisplayName),
		slog.String("initiatedBy", by),
		slog.String("result", e.Result),
		slog.Int("targets", len(e.TargetResources)),
	)
}

// Schema returns the schema of audit events, for detections over them:
// a record is of this type when its kind (see [KindOf]) is the Azure
// Monitor category or Log Analytics table AuditLogs, or a Graph
// directoryAudit. It does not use its receiver.
func (*AuditEvent) Schema() *Schema[AuditEvent] {
	return &Schema[AuditEvent]{
		Name:    "audit",
		Field:   LookupAuditField,
		Time:    (*AuditEvent).Time,
		Decode:  decodeAuditFrom,
		Accepts: acceptsAuditKind,
	}
}
