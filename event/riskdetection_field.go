package event

import "time"

// This file holds the fields of [RiskDetectionEvent], by their Splunk
// names.
//
// # Names
//
// ESCU reads these records through Splunk's azure:monitor:aad source type
// without renaming them (its one rule over them, "Azure Active Directory
// High Risk Sign-in", searches category=UserRiskEvents
// properties.riskLevel=high), so the fields are named:
//
//   - the riskDetection's properties by their names with the "properties."
//     prefix: "properties.riskLevel", "properties.userPrincipalName",
//     "properties.location.city", …;
//   - the same without the prefix, as after `rename properties.* as *`
//     ("riskLevel", "location.city", …);
//   - the envelope by its own names ("operationName", "category",
//     "callerIpAddress", "tenantId", "correlationId", "identity", "Level",
//     "location");
//   - the search-time CIM fields of the Splunk Add-on for Microsoft Cloud
//     Services ("user", "user_id", "src", "dest", "signature", "severity",
//     …).
//
// Two property names are also envelope names and, without the prefix, are
// the envelope's, as in the base search: correlationId (the envelope's
// repeats the detection's id; the sign-in's correlation ID is
// "properties.correlationId") and location (the envelope's is a country
// code such as "de"; the detection's location is an object, whose parts
// are "location.city" and so on either way).
//
// # CIM fields
//
// The CIM fields follow the azure:monitor:aad stanza of the Splunk
// Add-on for Microsoft Cloud Services 5.0.0
// (Splunk_TA_microsoft-cloudservices/default/props.conf; public copy
// github.com/cdragonzfr/test, auditlogs-facts §1.7), as it evaluates for
// a record whose operationName is "User Risk Detection", which several of
// its definitions name:
//
//   - dest and vendor_account are tenantId, src and src_ip callerIpAddress,
//     signature and command operationName, severity properties.riskLevel,
//     authentication_service properties.tokenIssuerType (FIELDALIAS);
//     dest_type is "tenant" and vendor_product "Azure AD" (EVAL);
//   - user is the default branch of EVAL-user,
//     coalesce('properties.initiatedBy.user.userPrincipalName',
//     'properties.userPrincipalName', 'properties.servicePrincipalName'):
//     the user at risk's UPN;
//   - user_id is EVAL-user_id, properties.servicePrincipalId when it is
//     not null or empty (user risk detections have none), else
//     properties.userId;
//   - user_name is properties.userDisplayName, signature_id operationName,
//     description 'properties.riskState'.", ".'properties.riskType', and
//     vendor_region the location's city, state and countryOrRegion joined
//     by ",", each for operationName "User Risk Detection" only; app is
//     "Azure AD" for that operationName (these records have no
//     appDisplayName); user_type is properties.userType (the last branch
//     of EVAL-user_type, the earlier ones reading audit and sign-in
//     properties these records do not have).
//
// An eval concatenation with a null operand is null [inferred: Splunk's
// "." operator], so description and vendor_region have no value unless
// every part has one. Not provided: action, status, object, object_id, dvc
// and the other fields no ESCU rule over these records reads. ESCU's
// supported add-on version is later than 5.0.0, whose props were not
// available: a definition that changed since would not be seen
// [unverified].

// LookupRiskDetectionField returns the risk detection field with the given
// Splunk name, or an error wrapping [ErrUnknownField].
func LookupRiskDetectionField(name string) (Field[RiskDetectionEvent], error) {
	return lookup(riskFields(), name)
}

// RiskDetectionFieldNames returns the names of every risk detection field
// [LookupRiskDetectionField] knows: the properties with the "properties."
// prefix in the order of the Graph schema, the same without it, the
// envelope, then the CIM fields.
func RiskDetectionFieldNames() []string { return names(riskFields()) }

// riskFields is the one list of named risk detection fields. It is built
// on each call, so there is no package state; callers look fields up
// once, when a rule is compiled.
func riskFields() []Field[RiskDetectionEvent] {
	props := riskPropertyFields()
	fs := make([]Field[RiskDetectionEvent], 0, 2*len(props)+32)
	for _, f := range props {
		f.name = "properties." + f.name
		fs = append(fs, f)
	}
	for _, f := range props {
		if f.name != "correlationId" { // the envelope's; see the file comment
			fs = append(fs, f)
		}
	}
	return append(fs,
		// The Azure Monitor / Log Analytics envelope, by the names Splunk's
		// azure:monitor:aad source type gives it.
		str[RiskDetectionEvent]("operationName", func(e *RiskDetectionEvent) string { return e.Envelope.OperationName }),
		str[RiskDetectionEvent]("category", func(e *RiskDetectionEvent) string { return e.Envelope.Category }),
		str[RiskDetectionEvent]("resultType", func(e *RiskDetectionEvent) string { return e.Envelope.ResultType }),
		str[RiskDetectionEvent]("resultDescription", func(e *RiskDetectionEvent) string { return e.Envelope.ResultDescription }),
		str[RiskDetectionEvent]("callerIpAddress", func(e *RiskDetectionEvent) string { return e.Envelope.CallerIPAddress }),
		str[RiskDetectionEvent]("tenantId", func(e *RiskDetectionEvent) string { return e.Envelope.TenantID }),
		str[RiskDetectionEvent]("correlationId", func(e *RiskDetectionEvent) string { return e.Envelope.CorrelationID }),
		str[RiskDetectionEvent]("identity", func(e *RiskDetectionEvent) string { return e.Envelope.Identity }),
		str[RiskDetectionEvent]("Level", func(e *RiskDetectionEvent) string { return e.Envelope.Level }),
		str[RiskDetectionEvent]("location", func(e *RiskDetectionEvent) string { return e.Envelope.Location }),

		// CIM fields, as the add-on computes them for these records.
		str[RiskDetectionEvent]("user", func(e *RiskDetectionEvent) string { return e.UserPrincipalName }),
		str[RiskDetectionEvent]("user_id", func(e *RiskDetectionEvent) string { return e.UserID }),
		str[RiskDetectionEvent]("user_name", riskUserDetectionOnly(func(e *RiskDetectionEvent) string { return e.UserDisplayName })),
		str[RiskDetectionEvent]("user_type", func(e *RiskDetectionEvent) string { return e.UserType }),
		str[RiskDetectionEvent]("src", func(e *RiskDetectionEvent) string { return e.Envelope.CallerIPAddress }),
		str[RiskDetectionEvent]("src_ip", func(e *RiskDetectionEvent) string { return e.Envelope.CallerIPAddress }),
		str[RiskDetectionEvent]("dest", func(e *RiskDetectionEvent) string { return e.Envelope.TenantID }),
		str[RiskDetectionEvent]("dest_type", func(*RiskDetectionEvent) string { return "tenant" }),
		str[RiskDetectionEvent]("vendor_account", func(e *RiskDetectionEvent) string { return e.Envelope.TenantID }),
		str[RiskDetectionEvent]("vendor_product", func(*RiskDetectionEvent) string { return "Azure AD" }),
		str[RiskDetectionEvent]("signature", func(e *RiskDetectionEvent) string { return e.Envelope.OperationName }),
		str[RiskDetectionEvent]("signature_id", riskUserDetectionOnly(func(e *RiskDetectionEvent) string { return e.Envelope.OperationName })),
		str[RiskDetectionEvent]("command", func(e *RiskDetectionEvent) string { return e.Envelope.OperationName }),
		str[RiskDetectionEvent]("severity", func(e *RiskDetectionEvent) string { return e.RiskLevel }),
		str[RiskDetectionEvent]("authentication_service", func(e *RiskDetectionEvent) string { return e.TokenIssuerType }),
		str[RiskDetectionEvent]("app", riskUserDetectionOnly(func(*RiskDetectionEvent) string { return "Azure AD" })),
		str[RiskDetectionEvent]("description", riskUserDetectionOnly(func(e *RiskDetectionEvent) string {
			return concat(", ", e.RiskState, e.RiskType)
		})),
		str[RiskDetectionEvent]("vendor_region", riskUserDetectionOnly(func(e *RiskDetectionEvent) string {
			return concat(",", e.Location.City, e.Location.State, e.Location.CountryOrRegion)
		})),
	)
}

// riskUserDetectionOnly gives get's value for a record whose operationName
// is "User Risk Detection", the add-on's case(operationName IN ("User
// Risk Detection"), …), and none for others.
func riskUserDetectionOnly(get func(e *RiskDetectionEvent) string) func(e *RiskDetectionEvent) string {
	return func(e *RiskDetectionEvent) string {
		if e.Envelope.OperationName != userRiskDetectionOpName {
			return ""
		}
		return get(e)
	}
}

// concat is eval's a.sep.b…: the parts joined by sep, or "" (null) when
// any part is null [inferred].
func concat(sep string, parts ...string) string {
	out := ""
	for i, p := range parts {
		if p == "" {
			return ""
		}
		if i > 0 {
			out += sep
		}
		out += p
	}
	return out
}

// riskPropertyFields are the riskDetection's properties (and the beta
// ones Azure Monitor records carry), by their names under properties, in
// the order of the Graph schema.
func riskPropertyFields() []Field[RiskDetectionEvent] {
	geo := func(name string, get func(g *GeoCoordinates) *float64) Field[RiskDetectionEvent] {
		return float("location.geoCoordinates."+name, func(e *RiskDetectionEvent) *float64 { return get(&e.Location.GeoCoordinates) })
	}
	return []Field[RiskDetectionEvent]{
		str[RiskDetectionEvent]("id", func(e *RiskDetectionEvent) string { return e.ID }),
		str[RiskDetectionEvent]("requestId", func(e *RiskDetectionEvent) string { return e.RequestID }),
		str[RiskDetectionEvent]("correlationId", func(e *RiskDetectionEvent) string { return e.CorrelationID }),
		str[RiskDetectionEvent]("riskType", func(e *RiskDetectionEvent) string { return e.RiskType }),
		str[RiskDetectionEvent]("riskEventType", func(e *RiskDetectionEvent) string { return e.RiskEventType }),
		str[RiskDetectionEvent]("riskState", func(e *RiskDetectionEvent) string { return e.RiskState }),
		str[RiskDetectionEvent]("riskLevel", func(e *RiskDetectionEvent) string { return e.RiskLevel }),
		str[RiskDetectionEvent]("riskDetail", func(e *RiskDetectionEvent) string { return e.RiskDetail }),
		str[RiskDetectionEvent]("source", func(e *RiskDetectionEvent) string { return e.Source }),
		str[RiskDetectionEvent]("detectionTimingType", func(e *RiskDetectionEvent) string { return e.DetectionTimingType }),
		str[RiskDetectionEvent]("activity", func(e *RiskDetectionEvent) string { return e.Activity }),
		str[RiskDetectionEvent]("tokenIssuerType", func(e *RiskDetectionEvent) string { return e.TokenIssuerType }),
		str[RiskDetectionEvent]("ipAddress", func(e *RiskDetectionEvent) string { return e.IPAddress }),
		str[RiskDetectionEvent]("location.city", func(e *RiskDetectionEvent) string { return e.Location.City }),
		str[RiskDetectionEvent]("location.state", func(e *RiskDetectionEvent) string { return e.Location.State }),
		str[RiskDetectionEvent]("location.countryOrRegion", func(e *RiskDetectionEvent) string { return e.Location.CountryOrRegion }),
		geo("altitude", func(g *GeoCoordinates) *float64 { return g.Altitude }),
		geo("latitude", func(g *GeoCoordinates) *float64 { return g.Latitude }),
		geo("longitude", func(g *GeoCoordinates) *float64 { return g.Longitude }),
		timeField("activityDateTime", func(e *RiskDetectionEvent) time.Time { return e.ActivityDateTime }),
		timeField("detectedDateTime", func(e *RiskDetectionEvent) time.Time { return e.DetectedDateTime }),
		timeField("lastUpdatedDateTime", func(e *RiskDetectionEvent) time.Time { return e.LastUpdatedDateTime }),
		str[RiskDetectionEvent]("userId", func(e *RiskDetectionEvent) string { return e.UserID }),
		str[RiskDetectionEvent]("userDisplayName", func(e *RiskDetectionEvent) string { return e.UserDisplayName }),
		str[RiskDetectionEvent]("userPrincipalName", func(e *RiskDetectionEvent) string { return e.UserPrincipalName }),
		str[RiskDetectionEvent]("additionalInfo", func(e *RiskDetectionEvent) string { return e.AdditionalInfo }),
		str[RiskDetectionEvent]("resourceTenantId", func(e *RiskDetectionEvent) string { return e.ResourceTenantID }),
		str[RiskDetectionEvent]("homeTenantId", func(e *RiskDetectionEvent) string { return e.HomeTenantID }),
		str[RiskDetectionEvent]("userType", func(e *RiskDetectionEvent) string { return e.UserType }),
		str[RiskDetectionEvent]("crossTenantAccessType", func(e *RiskDetectionEvent) string { return e.CrossTenantAccessType }),
	}
}
