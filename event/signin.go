package event

import (
	"log/slog"
	"slices"
	"time"
)

// SignInEvent is one Microsoft Entra ID sign-in: the Microsoft Graph v1.0
// signIn resource (GET /auditLogs/signIns), with the JSON names Graph uses.
//
// Every Graph property is nullable. A string property that is null or absent
// decodes to "", which the detections treat like a missing value (Splunk does
// not group on empty values). Booleans and numbers are pointers so that null
// stays distinguishable from false and 0.
//
// SignInEvent is a plain value, but its slices and pointers are shared by
// copies: use [SignInEvent.Clone] for a copy that does not alias.
type SignInEvent struct {
	// ID is the unique identifier of the sign-in.
	ID string `json:"id"`
	// CreatedDateTime is when the sign-in started; it is the event time
	// (Splunk's _time for the o365:graph:api source type).
	CreatedDateTime time.Time `json:"-"`
	// UserDisplayName is the display name of the user.
	UserDisplayName string `json:"userDisplayName"`
	// UserPrincipalName is the user's UPN; ESCU renames it to user.
	UserPrincipalName string `json:"userPrincipalName"`
	// UserID is the object ID (GUID) of the user.
	UserID string `json:"userId"`
	// AppID is the GUID of the client application.
	AppID string `json:"appId"`
	// AppDisplayName is the client application's name.
	AppDisplayName string `json:"appDisplayName"`
	// IPAddress is the client IP address, IPv4 or IPv6.
	IPAddress string `json:"ipAddress"`
	// ClientAppUsed is the legacy client type, such as "Browser".
	ClientAppUsed string `json:"clientAppUsed"`
	// CorrelationID is the request GUID sent by the client.
	CorrelationID string `json:"correlationId"`
	// ConditionalAccessStatus is success, failure, notApplied or unknownFutureValue.
	ConditionalAccessStatus string `json:"conditionalAccessStatus"`
	// IsInteractive reports an interactive sign-in; nil when null.
	IsInteractive *bool `json:"isInteractive"`
	// RiskDetail is the reason behind the risk state (an open set of names).
	RiskDetail string `json:"riskDetail"`
	// RiskLevelAggregated is the aggregated risk level.
	RiskLevelAggregated string `json:"riskLevelAggregated"`
	// RiskLevelDuringSignIn is the risk level during the sign-in.
	RiskLevelDuringSignIn string `json:"riskLevelDuringSignIn"`
	// RiskState is the risk state of the user.
	RiskState string `json:"riskState"`
	// RiskEventTypes is the deprecated list of risk event types.
	RiskEventTypes []string `json:"riskEventTypes"`
	// RiskEventTypesV2 is the list of risk event types (JSON key riskEventTypes_v2).
	RiskEventTypesV2 []string `json:"riskEventTypes_v2"`
	// ResourceDisplayName is the resource signed in to, such as "Microsoft Graph".
	ResourceDisplayName string `json:"resourceDisplayName"`
	// ResourceID is the application ID of that resource.
	ResourceID string `json:"resourceId"`
	// Status is the outcome of the sign-in.
	Status Status `json:"status"`
	// DeviceDetail describes the device used.
	DeviceDetail DeviceDetail `json:"deviceDetail"`
	// Location is where the sign-in came from.
	Location Location `json:"location"`
	// AppliedConditionalAccessPolicies lists the Conditional Access policies
	// evaluated for the sign-in.
	AppliedConditionalAccessPolicies []AppliedConditionalAccessPolicy `json:"appliedConditionalAccessPolicies"`

	// The fields below are Graph beta properties, present in the Azure
	// Monitor and Log Analytics exports and in beta API pages.

	// AuthenticationDetails lists the authentication steps, one per method tried.
	AuthenticationDetails []AuthenticationDetail `json:"authenticationDetails"`
	// AuthenticationRequirement is singleFactorAuthentication or multiFactorAuthentication.
	AuthenticationRequirement string `json:"authenticationRequirement"`
	// AuthenticationProtocol is the protocol used, such as "deviceCode" or "ropc".
	AuthenticationProtocol string `json:"authenticationProtocol"`
	// UserAgent is the client's user agent string.
	UserAgent string `json:"userAgent"`
	// UserType is "member" or "guest"; the Azure Monitor and Log Analytics
	// spellings "Member" and "Guest" are normalised to Graph's.
	UserType string `json:"userType"`
	// TokenIssuerType is the identity provider, such as "AzureAD".
	TokenIssuerType string `json:"tokenIssuerType"`
	// CrossTenantAccessType is the cross-tenant access type, such as "b2bCollaboration".
	CrossTenantAccessType string `json:"crossTenantAccessType"`
	// ServicePrincipalID is the service principal's ID, for application sign-ins.
	ServicePrincipalID string `json:"servicePrincipalId"`
	// ServicePrincipalName is the service principal's name, for application sign-ins.
	ServicePrincipalName string `json:"servicePrincipalName"`
	// ProcessingTimeInMilliseconds is the time the service took; nil when null.
	ProcessingTimeInMilliseconds *int32 `json:"processingTimeInMilliseconds"`
	// MFADetail is the legacy summary of the MFA method used.
	MFADetail MFADetail `json:"mfaDetail"`

	// Envelope holds the Azure Monitor or Log Analytics fields around the
	// sign-in; it is zero for Graph records.
	Envelope Envelope `json:"-"`
}

// AuthenticationDetail is one authentication step of a sign-in (Graph beta
// authenticationDetail).
type AuthenticationDetail struct {
	// AuthenticationMethod is the method used, such as "Password" or "Mobile app notification".
	AuthenticationMethod string `json:"authenticationMethod"`
	// AuthenticationMethodDetail adds detail, such as "Password in the cloud".
	AuthenticationMethodDetail string `json:"authenticationMethodDetail"`
	// AuthenticationStepDateTime is when the step happened.
	AuthenticationStepDateTime time.Time `json:"authenticationStepDateTime"`
	// AuthenticationStepRequirement is why the step was required, such as "Primary authentication".
	AuthenticationStepRequirement string `json:"authenticationStepRequirement"`
	// AuthenticationStepResultDetail is the step's outcome, such as "MFA successfully completed".
	AuthenticationStepResultDetail string `json:"authenticationStepResultDetail"`
	// Succeeded reports whether the step succeeded; nil when null.
	Succeeded *bool `json:"succeeded"`
}

// MFADetail is the legacy Graph beta mfaDetail.
type MFADetail struct {
	// AuthMethod is the MFA method, such as "PhoneAppNotification".
	AuthMethod string `json:"authMethod"`
	// AuthDetail is detail about it, such as a masked phone number.
	AuthDetail string `json:"authDetail"`
}

// Envelope is what an Azure Monitor resource-log record or a Log Analytics
// row carries around the sign-in. Splunk's azure:monitor:aad source type
// exposes these fields by the names given here.
type Envelope struct {
	// Format is the format the event was read from.
	Format Format
	// Time is the record's time: Azure Monitor's time, or Log Analytics'
	// TimeGenerated. It is not the event time (see SignInEvent.Time).
	Time time.Time
	// Category is the log category, such as SignInLogs or NonInteractiveUserSignInLogs.
	Category string
	// OperationName is "Sign-in activity" for sign-ins.
	OperationName string
	// ResultType is the error code as text, "0" for success.
	ResultType string
	// ResultDescription is the error text; empty on success.
	ResultDescription string
	// CallerIPAddress is the client IP as Azure Monitor records it.
	CallerIPAddress string
	// TenantID is the Entra tenant's ID.
	TenantID string
	// CorrelationID is the envelope's correlation ID.
	CorrelationID string
	// Identity is the actor's display name (or, for some categories, a JSON object as text).
	Identity string
	// Level is the record's level, such as "4" (Informational).
	Level string
	// Location is the sign-in's two-letter country code.
	Location string
}

// Status is the Graph signInStatus: the outcome of a sign-in.
type Status struct {
	// ErrorCode is the AADSTS error code; 0 means success. Nil when null.
	ErrorCode *int32 `json:"errorCode"`
	// FailureReason is the error message. Graph also sends "Other." on
	// successes, so success is decided on ErrorCode, never on this field.
	FailureReason string `json:"failureReason"`
	// AdditionalDetails is free text, such as "MFA denied; user declined the authentication".
	AdditionalDetails string `json:"additionalDetails"`
}

// DeviceDetail is the Graph deviceDetail: the device used for a sign-in.
type DeviceDetail struct {
	// Browser is the browser name and version, such as "Edge 122.0.0".
	Browser string `json:"browser"`
	// DeviceID is the device's ID, often empty.
	DeviceID string `json:"deviceId"`
	// DisplayName is the device's display name, often empty.
	DisplayName string `json:"displayName"`
	// IsCompliant reports a compliant device; nil when null.
	IsCompliant *bool `json:"isCompliant"`
	// IsManaged reports a managed device; nil when null.
	IsManaged *bool `json:"isManaged"`
	// OperatingSystem is the device's operating system.
	OperatingSystem string `json:"operatingSystem"`
	// TrustType is the join type, such as "Azure AD joined".
	TrustType string `json:"trustType"`
}

// Location is the Graph signInLocation.
type Location struct {
	// City is the city of the sign-in.
	City string `json:"city"`
	// State is the state or province.
	State string `json:"state"`
	// CountryOrRegion is the two-letter country or region code.
	CountryOrRegion string `json:"countryOrRegion"`
	// GeoCoordinates are the coordinates of the location.
	GeoCoordinates GeoCoordinates `json:"geoCoordinates"`
}

// GeoCoordinates is the Graph geoCoordinates; each part is nil when null.
type GeoCoordinates struct {
	// Altitude is in feet, usually null.
	Altitude *float64 `json:"altitude"`
	// Latitude in degrees.
	Latitude *float64 `json:"latitude"`
	// Longitude in degrees.
	Longitude *float64 `json:"longitude"`
}

// AppliedConditionalAccessPolicy is one Conditional Access policy evaluated
// for a sign-in.
type AppliedConditionalAccessPolicy struct {
	// ID is the policy's GUID.
	ID string `json:"id"`
	// DisplayName is the policy's name.
	DisplayName string `json:"displayName"`
	// EnforcedGrantControls lists grant controls, such as "Mfa".
	EnforcedGrantControls []string `json:"enforcedGrantControls"`
	// EnforcedSessionControls lists session controls.
	EnforcedSessionControls []string `json:"enforcedSessionControls"`
	// Result is success, failure, notApplied, notEnabled, reportOnlySuccess, and so on.
	Result string `json:"result"`
}

// Time returns the event time: the sign-in's CreatedDateTime.
//
// It is the same rule in every format, so the same sign-in exported from
// Graph, Azure Monitor or Log Analytics falls in the same groups and time
// bins: Graph's createdDateTime, Azure Monitor's properties.createdDateTime,
// Log Analytics' CreatedDateTime. Only when a record lacks it does the
// reader fall back to the record's own time (Azure Monitor time, Log
// Analytics TimeGenerated), and CreatedDateTime then holds that time.
//
// Splunk's azure:monitor:aad source type takes _time from the envelope
// time instead, which trails the sign-in by the export delay (seconds);
// results at a time-bin edge can differ from Splunk's by that much.
func (e *SignInEvent) Time() time.Time { return e.CreatedDateTime }

// Clone returns a deep copy of e that shares no slices or pointers with it.
func (e *SignInEvent) Clone() SignInEvent {
	c := *e
	c.IsInteractive = clonePtr(e.IsInteractive)
	c.RiskEventTypes = slices.Clone(e.RiskEventTypes)
	c.RiskEventTypesV2 = slices.Clone(e.RiskEventTypesV2)
	c.Status.ErrorCode = clonePtr(e.Status.ErrorCode)
	c.DeviceDetail.IsCompliant = clonePtr(e.DeviceDetail.IsCompliant)
	c.DeviceDetail.IsManaged = clonePtr(e.DeviceDetail.IsManaged)
	g := &c.Location.GeoCoordinates
	g.Altitude, g.Latitude, g.Longitude = clonePtr(g.Altitude), clonePtr(g.Latitude), clonePtr(g.Longitude)
	c.ProcessingTimeInMilliseconds = clonePtr(e.ProcessingTimeInMilliseconds)
	if e.AuthenticationDetails != nil {
		c.AuthenticationDetails = make([]AuthenticationDetail, len(e.AuthenticationDetails))
		for i, d := range e.AuthenticationDetails {
			d.Succeeded = clonePtr(d.Succeeded)
			c.AuthenticationDetails[i] = d
		}
	}
	if e.AppliedConditionalAccessPolicies != nil {
		c.AppliedConditionalAccessPolicies = make([]AppliedConditionalAccessPolicy, len(e.AppliedConditionalAccessPolicies))
		for i, p := range e.AppliedConditionalAccessPolicies {
			p.EnforcedGrantControls = slices.Clone(p.EnforcedGrantControls)
			p.EnforcedSessionControls = slices.Clone(p.EnforcedSessionControls)
			c.AppliedConditionalAccessPolicies[i] = p
		}
	}
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// LogValue makes a SignInEvent log as a short summary of who, where and the
// outcome, so that logging an event does not dump personal data such as the
// device and location details wholesale. It has a value receiver so that
// both events and pointers to them log this way.
func (e SignInEvent) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", e.ID),
		slog.Time("time", e.CreatedDateTime),
		slog.String("user", e.UserPrincipalName),
		slog.String("ip", e.IPAddress),
		slog.String("app", e.AppDisplayName),
	}
	if e.Status.ErrorCode != nil {
		attrs = append(attrs, slog.Int("errorCode", int(*e.Status.ErrorCode)))
	}
	return slog.GroupValue(attrs...)
}
