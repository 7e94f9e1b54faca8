package signingen

import "github.com/escudo-dev/escudo/internal/jsontext"

// Rendering follows testdata/formats/README.md: the same keys in the same
// order as the reference files, so that generated data looks like them.

const (
	tenantID        = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"
	workspaceID     = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
	tenantResource  = "/tenants/" + tenantID + "/providers/Microsoft.aadiam"
	operationName   = "Sign-in activity"
	envelopeDelay   = 2 // seconds from createdDateTime to the export's record time
	graphContext    = "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns"
	graphNextPrefix = "https://graph.microsoft.com/beta/auditLogs/signIns?$skiptoken="
)

// appendGraph appends r as a Graph signIn object. With azure set it is the
// properties of an Azure Monitor record: createdDateTime with seven digits
// and +00:00, and userType capitalised.
func appendGraph(b []byte, r *record, azure bool) []byte {
	b = append(b, '{')
	b = appendKey(b, "id")
	b = appendQuotedGUID(b, &r.id)
	b = appendKey(b, "createdDateTime")
	if azure {
		b = appendTime(b, r.created, timeAzureProps)
	} else {
		b = appendTime(b, r.created, timeGraph)
	}
	b = appendStringField(b, "userDisplayName", r.userDisplayName)
	b = appendStringField(b, "userPrincipalName", r.userPrincipalName)
	b = appendStringField(b, "userId", r.userID)
	b = appendStringField(b, "appId", r.appID)
	b = appendStringField(b, "appDisplayName", r.appDisplayName)
	b = appendStringField(b, "ipAddress", r.ipAddress)
	b = appendStringField(b, "clientAppUsed", r.client.clientApp)
	b = appendKey(b, "correlationId")
	b = appendQuotedGUID(b, &r.correlation)
	b = appendStringField(b, "conditionalAccessStatus", r.caStatus)
	b = appendBool(appendKey(b, "isInteractive"), r.interactive())
	b = appendStringField(b, "riskDetail", "none")
	b = appendStringField(b, "riskLevelAggregated", r.riskLevel)
	b = appendStringField(b, "riskLevelDuringSignIn", r.riskLevel)
	b = appendStringField(b, "riskState", r.riskState)
	b = appendRiskEvents(appendKey(b, "riskEventTypes"), r)
	b = appendRiskEvents(appendKey(b, "riskEventTypes_v2"), r)
	b = appendStringField(b, "resourceDisplayName", r.res.name)
	b = appendStringField(b, "resourceId", r.res.id)
	b = appendStatus(appendKey(b, "status"), r)
	b = appendDevice(appendKey(b, "deviceDetail"), r)
	b = appendLocation(appendKey(b, "location"), r.loc)
	b = appendPolicies(appendKey(b, "appliedConditionalAccessPolicies"), r)
	b = appendAuthDetails(appendKey(b, "authenticationDetails"), r)
	b = appendStringField(b, "authenticationRequirement", r.requirement())
	b = appendStringField(b, "authenticationProtocol", r.protocol)
	b = appendStringField(b, "userAgent", r.client.ua)
	b = appendStringField(b, "userType", r.userType(azure))
	b = appendStringField(b, "tokenIssuerType", "AzureAD")
	b = appendStringField(b, "crossTenantAccessType", r.crossTenantAccessType())
	b = appendStringField(b, "servicePrincipalId", r.servicePrincipalID)
	b = appendStringField(b, "servicePrincipalName", r.servicePrincipalName)
	b = appendInt(appendKey(b, "processingTimeInMilliseconds"), int64(r.processingTime))
	b = appendMFA(appendKey(b, "mfaDetail"), r)
	return append(b, '}')
}

// appendAzure appends r as an Azure Monitor resource-log record.
func appendAzure(b []byte, r *record) []byte {
	b = append(b, '{')
	b = appendKey(b, "time")
	b = appendTime(b, r.created.add(envelopeDelay), timeAzure)
	b = appendStringField(b, "resourceId", tenantResource)
	b = appendStringField(b, "operationName", operationName)
	b = appendStringField(b, "operationVersion", "1.0")
	b = appendStringField(b, "category", r.category.String())
	b = appendStringField(b, "tenantId", tenantID)
	b = appendStringField(b, "resultType", r.out.text)
	b = appendStringField(b, "resultSignature", "None")
	b = appendStringField(b, "resultDescription", r.resultDescription())
	b = append(appendKey(b, "durationMs"), '0')
	b = appendStringField(b, "callerIpAddress", r.ipAddress)
	b = appendKey(b, "correlationId")
	b = appendQuotedGUID(b, &r.correlation)
	b = appendStringField(b, "identity", r.identity())
	b = append(appendKey(b, "Level"), '4')
	b = appendStringField(b, "location", r.loc.country)
	b = appendGraph(appendKey(b, "properties"), r, true)
	return append(b, '}')
}

// appendLogAnalytics appends r as a Log Analytics SigninLogs row (or one of
// the sibling tables), with the dynamic columns as JSON values.
func appendLogAnalytics(b []byte, r *record) []byte {
	b = append(b, '{')
	b = appendStringField(b, "TenantId", workspaceID)
	b = appendStringField(b, "SourceSystem", "Azure AD")
	b = appendKey(b, "TimeGenerated")
	b = appendTime(b, r.created.add(envelopeDelay), timeGraph)
	b = appendStringField(b, "ResourceId", tenantResource)
	b = appendStringField(b, "OperationName", operationName)
	b = appendStringField(b, "OperationVersion", "1.0")
	b = appendStringField(b, "Category", r.category.String())
	b = appendStringField(b, "ResultType", r.out.text)
	b = appendStringField(b, "ResultSignature", "None")
	b = appendStringField(b, "ResultDescription", r.resultDescription())
	b = appendStringField(b, "DurationMs", "0")
	b = appendKey(b, "CorrelationId")
	b = appendQuotedGUID(b, &r.correlation)
	b = appendStringField(b, "Identity", r.identity())
	b = appendStringField(b, "Level", "4")
	b = appendStringField(b, "Location", r.loc.country)
	b = appendStringField(b, "AppDisplayName", r.appDisplayName)
	b = appendStringField(b, "AppId", r.appID)
	b = appendAuthDetails(appendKey(b, "AuthenticationDetails"), r)
	b = appendStringField(b, "AuthenticationProtocol", r.protocol)
	b = appendStringField(b, "AuthenticationRequirement", r.requirement())
	b = appendStringField(b, "ClientAppUsed", r.client.clientApp)
	b = appendPolicies(appendKey(b, "ConditionalAccessPolicies"), r)
	b = appendStringField(b, "ConditionalAccessStatus", r.caStatus)
	b = appendKey(b, "CreatedDateTime")
	b = appendTime(b, r.created, timeGraph)
	b = appendStringField(b, "CrossTenantAccessType", r.crossTenantAccessType())
	b = appendDevice(appendKey(b, "DeviceDetail"), r)
	b = appendKey(b, "Id")
	b = appendQuotedGUID(b, &r.id)
	b = appendStringField(b, "IPAddress", r.ipAddress)
	b = appendBool(appendKey(b, "IsInteractive"), r.interactive())
	b = appendLocation(appendKey(b, "LocationDetails"), r.loc)
	b = appendMFA(appendKey(b, "MfaDetail"), r)
	b = appendKey(b, "ProcessingTimeInMilliseconds")
	b = append(appendInt(append(b, '"'), int64(r.processingTime)), '"')
	b = appendStringField(b, "ResourceDisplayName", r.res.name)
	b = appendStringField(b, "ResourceIdentity", r.res.id)
	b = appendStringField(b, "RiskDetail", "none")
	b = appendRiskEvents(appendKey(b, "RiskEventTypes"), r)
	b = appendRiskEvents(appendKey(b, "RiskEventTypes_V2"), r)
	b = appendStringField(b, "RiskLevelAggregated", r.riskLevel)
	b = appendStringField(b, "RiskLevelDuringSignIn", r.riskLevel)
	b = appendStringField(b, "RiskState", r.riskState)
	b = appendStringField(b, "ServicePrincipalId", r.servicePrincipalID)
	b = appendStringField(b, "ServicePrincipalName", r.servicePrincipalName)
	b = appendStatus(appendKey(b, "Status"), r)
	b = appendStringField(b, "TokenIssuerType", "AzureAD")
	b = appendStringField(b, "UserAgent", r.client.ua)
	b = appendStringField(b, "UserDisplayName", r.userDisplayName)
	b = appendStringField(b, "UserId", r.userID)
	b = appendStringField(b, "UserPrincipalName", r.userPrincipalName)
	b = appendStringField(b, "UserType", r.userType(true))
	b = appendStringField(b, "AADTenantId", tenantID)
	b = appendStringField(b, "Type", r.category.logAnalyticsType())
	return append(b, '}')
}

func (r *record) requirement() string {
	if r.multiFactor {
		return "multiFactorAuthentication"
	}
	return "singleFactorAuthentication"
}

// userType is Graph's member/guest; the exports capitalise it.
func (r *record) userType(capital bool) string {
	switch {
	case r.guest && capital:
		return "Guest"
	case r.guest:
		return "guest"
	case capital:
		return "Member"
	default:
		return "member"
	}
}

func (r *record) crossTenantAccessType() string {
	if r.guest {
		return "b2bCollaboration"
	}
	return "none"
}

// resultDescription is the failure reason, empty on success (the exports
// do not carry Graph's "Other.").
func (r *record) resultDescription() string {
	if r.out.code == codeSuccess {
		return ""
	}
	return r.failureReason
}

func appendQuotedGUID(b []byte, g *guid) []byte {
	return append(appendGUID(append(b, '"'), g), '"')
}

func appendRiskEvents(b []byte, r *record) []byte {
	if r.riskEvent == "" {
		return append(b, '[', ']')
	}
	return append(jsontext.AppendString(append(b, '['), r.riskEvent), ']')
}

func appendStatus(b []byte, r *record) []byte {
	b = append(b, '{')
	b = appendInt(appendKey(b, "errorCode"), int64(r.out.code))
	b = appendStringField(b, "failureReason", r.failureReason)
	b = appendKey(b, "additionalDetails")
	if r.detailsNull {
		b = append(b, "null"...)
	} else {
		b = jsontext.AppendString(b, r.details)
	}
	return append(b, '}')
}

func appendDevice(b []byte, r *record) []byte {
	d := r.device
	if d == nil {
		d = &device{}
	}
	b = append(b, '{')
	b = appendStringField(b, "deviceId", d.id)
	b = appendStringField(b, "displayName", d.name)
	b = appendStringField(b, "operatingSystem", r.client.os)
	b = appendStringField(b, "browser", r.client.browser)
	b = appendBool(appendKey(b, "isCompliant"), d.compliant)
	b = appendBool(appendKey(b, "isManaged"), d.managed)
	b = appendStringField(b, "trustType", d.trustType)
	return append(b, '}')
}

func appendLocation(b []byte, l *location) []byte {
	b = append(b, '{')
	b = appendStringField(b, "city", l.city)
	b = appendStringField(b, "state", l.state)
	b = appendStringField(b, "countryOrRegion", l.country)
	b = appendKey(b, "geoCoordinates")
	b = append(b, `{"altitude":null`...)
	b = appendFloat(appendKey(b, "latitude"), l.lat)
	b = appendFloat(appendKey(b, "longitude"), l.long)
	return append(b, '}', '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsontext.AppendString(b, s)
	}
	return append(b, ']')
}

func appendPolicies(b []byte, r *record) []byte {
	b = append(b, '[')
	for i, ap := range r.policies {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendStringField(b, "id", ap.p.id)
		b = appendStringField(b, "displayName", ap.p.name)
		b = appendStrings(appendKey(b, "enforcedGrantControls"), ap.p.grant)
		b = appendStrings(appendKey(b, "enforcedSessionControls"), ap.p.session)
		b = appendStringField(b, "result", ap.result)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendAuthDetails(b []byte, r *record) []byte {
	b = append(b, '[')
	for i := range r.nSteps {
		s := &r.steps[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendKey(b, "authenticationStepDateTime")
		b = appendTime(b, r.created.add(s.after), timeGraph)
		b = appendStringField(b, "authenticationMethod", s.method)
		b = appendStringField(b, "authenticationMethodDetail", s.detail)
		b = appendBool(appendKey(b, "succeeded"), s.succeeded)
		b = appendStringField(b, "authenticationStepResultDetail", s.result)
		b = appendStringField(b, "authenticationStepRequirement", s.requirement)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendMFA(b []byte, r *record) []byte {
	if r.mfa == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	b = appendStringField(b, "authMethod", r.mfa.method)
	b = appendKey(b, "authDetail")
	if r.mfa.authDetail == "" {
		b = append(b, "null"...)
	} else {
		b = jsontext.AppendString(b, r.mfa.authDetail)
	}
	return append(b, '}')
}
