package event

import (
	"cmp"
	"strconv"
	"time"
)

// This file holds the fields of [GraphActivityEvent], by their Splunk
// names.
//
// # Names
//
// ESCU reads these records through Splunk's azure:monitor:aad source type
// without renaming them (the Graph activity searches read
// properties.requestUri and properties.userAgent), so the fields are
// named:
//
//   - the request's properties by their Azure Monitor names with the
//     "properties." prefix: "properties.requestUri",
//     "properties.userAgent", "properties.responseStatusCode", …;
//   - the same without the prefix, as after `rename properties.* as *`,
//     for searches written that way ("requestUri", "userAgent", …);
//   - the envelope by its own names ("operationName", "category",
//     "callerIpAddress", "tenantId", "correlationId", "level",
//     "location");
//   - the search-time CIM fields of the Splunk Add-on for Microsoft Cloud
//     Services ("user", "user_id", "src", "dest", "signature", …).
//
// Three property names are also envelope names: location (the region,
// written in both), tenantId (the tenant, written in both) and
// durationMs (a number under properties, a string in the envelope, the
// same value in the records seen). Without the prefix, "location" and
// "tenantId" are the envelope's, as in the base search, and "durationMs"
// is the property's, the envelope's copy not being read. The record
// writes the level as "level"; that is the field's name (the sign-in
// and audit records write "Level").
//
// # CIM fields
//
// The CIM fields follow the azure:monitor:aad stanza of the Splunk
// Add-on for Microsoft Cloud Services 5.0.0
// (Splunk_TA_microsoft-cloudservices/default/props.conf; public copy
// github.com/cdragonzfr/test, auditlogs-facts §1.7), as it evaluates for
// a record whose operationName is "Microsoft Graph Activity", which none
// of its case() branches names:
//
//   - dest and vendor_account are tenantId, src and src_ip callerIpAddress
//     (FIELDALIAS), signature and command operationName (FIELDALIAS),
//     dest_type "tenant", vendor_product "Azure AD" (EVAL);
//   - user is the default branch of EVAL-user,
//     coalesce('properties.initiatedBy.user.userPrincipalName',
//     'properties.userPrincipalName', 'properties.servicePrincipalName'),
//     none of which these records have: user has no value (so a BY user
//     after fillnull groups under "0", see detection.Grouping.FillNull);
//   - user_id is EVAL-user_id, properties.servicePrincipalId when it is
//     not null or empty, else properties.userId: the caller's object ID,
//     app or user.
//
// The add-on's user_agent (the sign-ins' properties.userAgent, else an
// audit additional detail) has no value for these records, so it is not
// provided: ESCU's Graph activity searches rename properties.userAgent to
// user_agent themselves. Nor are the fields that have no value here, or
// that no ESCU rule reads (action, app, object, object_id, status, dvc,
// …). ESCU names add-on version 5.4.2 for this data source, whose props
// were not available: a definition that changed since 5.0.0 would not be
// seen [unverified for 5.4.2].

// LookupGraphActivityField returns the Microsoft Graph activity field with
// the given Splunk name, or an error wrapping [ErrUnknownField].
func LookupGraphActivityField(name string) (Field[GraphActivityEvent], error) {
	return lookup(graphActivityFields(), name)
}

// GraphActivityFieldNames returns the names of every Microsoft Graph
// activity field [LookupGraphActivityField] knows: the properties with the
// "properties." prefix, the same without it, the envelope, then the CIM
// fields.
func GraphActivityFieldNames() []string { return names(graphActivityFields()) }

// graphActivityFields is the one list of named Graph activity fields. It
// is built on each call, so there is no package state; callers look
// fields up once, when a rule is compiled.
func graphActivityFields() []Field[GraphActivityEvent] {
	props := graphActivityPropertyFields()
	fs := make([]Field[GraphActivityEvent], 0, 2*len(props)+24)
	for _, f := range props {
		f.name = "properties." + f.name
		fs = append(fs, f)
	}
	for _, f := range props {
		if f.name != "location" && f.name != "tenantId" { // the envelope's; see the file comment
			fs = append(fs, f)
		}
	}
	return append(fs,
		// The Azure Monitor / Log Analytics envelope, by the names Splunk's
		// azure:monitor:aad source type gives it.
		str[GraphActivityEvent]("operationName", func(e *GraphActivityEvent) string { return e.Envelope.OperationName }),
		str[GraphActivityEvent]("category", func(e *GraphActivityEvent) string { return e.Envelope.Category }),
		str[GraphActivityEvent]("callerIpAddress", func(e *GraphActivityEvent) string { return e.Envelope.CallerIPAddress }),
		str[GraphActivityEvent]("tenantId", func(e *GraphActivityEvent) string { return e.Envelope.TenantID }),
		str[GraphActivityEvent]("correlationId", func(e *GraphActivityEvent) string { return e.Envelope.CorrelationID }),
		str[GraphActivityEvent]("level", func(e *GraphActivityEvent) string { return e.Envelope.Level }),
		str[GraphActivityEvent]("location", func(e *GraphActivityEvent) string { return e.Envelope.Location }),

		// CIM fields, as the add-on computes them for these records.
		str[GraphActivityEvent]("user", func(*GraphActivityEvent) string { return "" }),
		str[GraphActivityEvent]("user_id", func(e *GraphActivityEvent) string { return cmp.Or(e.ServicePrincipalID, e.UserID) }),
		str[GraphActivityEvent]("src", func(e *GraphActivityEvent) string { return e.Envelope.CallerIPAddress }),
		str[GraphActivityEvent]("src_ip", func(e *GraphActivityEvent) string { return e.Envelope.CallerIPAddress }),
		str[GraphActivityEvent]("dest", func(e *GraphActivityEvent) string { return e.Envelope.TenantID }),
		str[GraphActivityEvent]("dest_type", func(*GraphActivityEvent) string { return "tenant" }),
		str[GraphActivityEvent]("vendor_account", func(e *GraphActivityEvent) string { return e.Envelope.TenantID }),
		str[GraphActivityEvent]("vendor_product", func(*GraphActivityEvent) string { return "Azure AD" }),
		str[GraphActivityEvent]("signature", func(e *GraphActivityEvent) string { return e.Envelope.OperationName }),
		str[GraphActivityEvent]("command", func(e *GraphActivityEvent) string { return e.Envelope.OperationName }),
	)
}

// graphActivityPropertyFields are the request's properties, by their
// Azure Monitor names under properties, in the order of the ESCU example
// record.
func graphActivityPropertyFields() []Field[GraphActivityEvent] {
	return []Field[GraphActivityEvent]{
		timeField("timeGenerated", func(e *GraphActivityEvent) time.Time { return e.TimeGenerated }),
		str[GraphActivityEvent]("location", func(e *GraphActivityEvent) string { return e.Location }),
		str[GraphActivityEvent]("requestId", func(e *GraphActivityEvent) string { return e.RequestID }),
		str[GraphActivityEvent]("operationId", func(e *GraphActivityEvent) string { return e.OperationID }),
		str[GraphActivityEvent]("clientRequestId", func(e *GraphActivityEvent) string { return e.ClientRequestID }),
		str[GraphActivityEvent]("apiVersion", func(e *GraphActivityEvent) string { return e.APIVersion }),
		str[GraphActivityEvent]("requestMethod", func(e *GraphActivityEvent) string { return e.RequestMethod }),
		integer("responseStatusCode", func(e *GraphActivityEvent) *int64 { return e.ResponseStatusCode }),
		str[GraphActivityEvent]("tenantId", func(e *GraphActivityEvent) string { return e.TenantID }),
		integer("durationMs", func(e *GraphActivityEvent) *int64 { return e.DurationMs }),
		integer("responseSizeBytes", func(e *GraphActivityEvent) *int64 { return e.ResponseSizeBytes }),
		str[GraphActivityEvent]("signInActivityId", func(e *GraphActivityEvent) string { return e.SignInActivityID }),
		str[GraphActivityEvent]("roles", func(e *GraphActivityEvent) string { return e.Roles }),
		str[GraphActivityEvent]("appId", func(e *GraphActivityEvent) string { return e.AppID }),
		str[GraphActivityEvent]("UserPrincipalObjectID", func(e *GraphActivityEvent) string { return e.UserPrincipalObjectID }),
		str[GraphActivityEvent]("scopes", func(e *GraphActivityEvent) string { return e.Scopes }),
		str[GraphActivityEvent]("identityProvider", func(e *GraphActivityEvent) string { return e.IdentityProvider }),
		integer("clientAuthMethod", func(e *GraphActivityEvent) *int64 { return e.ClientAuthMethod }),
		str[GraphActivityEvent]("wids", func(e *GraphActivityEvent) string { return e.Wids }),
		str[GraphActivityEvent]("C_Idtyp", func(e *GraphActivityEvent) string { return e.IdentityType }),
		str[GraphActivityEvent]("ipAddress", func(e *GraphActivityEvent) string { return e.IPAddress }),
		str[GraphActivityEvent]("userAgent", func(e *GraphActivityEvent) string { return e.UserAgent }),
		str[GraphActivityEvent]("requestUri", func(e *GraphActivityEvent) string { return e.RequestURI }),
		str[GraphActivityEvent]("userId", func(e *GraphActivityEvent) string { return e.UserID }),
		str[GraphActivityEvent]("servicePrincipalId", func(e *GraphActivityEvent) string { return e.ServicePrincipalID }),
		timeField("tokenIssuedAt", func(e *GraphActivityEvent) time.Time { return e.TokenIssuedAt }),
		str[GraphActivityEvent]("deviceId", func(e *GraphActivityEvent) string { return e.DeviceID }),
		str[GraphActivityEvent]("sessionId", func(e *GraphActivityEvent) string { return e.SessionID }),
	}
}

// integer builds a field over an integer that is nil when null.
func integer[E any](name string, get func(e *E) *int64) Field[E] {
	return Field[E]{name: name, kind: KindInt, get: func(dst []string, e *E) []string {
		if p := get(e); p != nil {
			dst = append(dst, strconv.FormatInt(*p, 10))
		}
		return dst
	}}
}

// timeField builds a field over a time that is zero when absent, in RFC
// 3339 (UTC, sub-seconds only when present).
func timeField[E any](name string, get func(e *E) time.Time) Field[E] {
	return Field[E]{name: name, kind: KindTime, get: func(dst []string, e *E) []string {
		if t := get(e); !t.IsZero() {
			dst = append(dst, t.UTC().Format(time.RFC3339Nano))
		}
		return dst
	}}
}
