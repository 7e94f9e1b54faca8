package event

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrUnknownField is returned by [LookupField] for a name that is not a
// field of [SignInEvent].
var ErrUnknownField = errors.New("unknown field")

// Kind is the JSON type of a field's values.
type Kind uint8

// The kinds of field values.
const (
	KindString Kind = iota + 1 // a JSON string
	KindInt                    // a JSON integer
	KindBool                   // true or false
	KindFloat                  // a JSON number
	KindTime                   // an RFC 3339 timestamp in a JSON string
)

// String returns the kind as the phrase used in decode errors ("a string", "a number", …).
func (k Kind) String() string {
	switch k {
	case KindString:
		return "a string"
	case KindInt:
		return "an integer"
	case KindBool:
		return "true or false"
	case KindFloat:
		return "a number"
	case KindTime:
		return "an RFC 3339 timestamp"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Field is a compiled accessor for one field of a [SignInEvent], named as
// Splunk names the field after JSON extraction: "userPrincipalName",
// "status.errorCode", "location.city", and for arrays
// "riskEventTypes_v2{}" or "appliedConditionalAccessPolicies{}.result".
//
// Rules, group keys and risk messages refer to fields by name; looking the
// name up once with [LookupField] turns it into a Field whose accessor is a
// plain function call, with no reflection or name matching per event.
// The zero Field has no name and no values.
type Field struct {
	name  string
	kind  Kind
	multi bool
	get   func(dst []string, e *SignInEvent) []string
}

// LookupField returns the field with the given Splunk name, or an error
// wrapping [ErrUnknownField].
func LookupField(name string) (Field, error) {
	for _, f := range fields() {
		if f.name == name {
			return f, nil
		}
	}
	return Field{}, fmt.Errorf("%w %q", ErrUnknownField, name)
}

// FieldNames returns the names of every field [LookupField] knows, in the
// order of the Graph schema.
func FieldNames() []string {
	fs := fields()
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return names
}

// Name returns the field's Splunk name.
func (f Field) Name() string { return f.name }

// Kind returns the JSON type of the field's values.
func (f Field) Kind() Kind { return f.kind }

// Multi reports whether the field is an array that can hold several values.
func (f Field) Multi() bool { return f.multi }

// Append appends the field's values in e to dst and returns the extended
// slice. A scalar field gives one value, an array field one per non-empty
// element, and a field that is null, absent or empty gives none.
// Numbers are formatted in decimal, booleans as "true" or "false", and
// times in RFC 3339 (UTC, sub-seconds only when present).
func (f Field) Append(dst []string, e *SignInEvent) []string {
	if f.get == nil {
		return dst
	}
	return f.get(dst, e)
}

// Equal reports Splunk's field=value: whether any of the field's values in
// e is v (for an array field, any element, as
// authenticationDetails{}.succeeded=true tests). A missing field does not
// match.
func (f Field) Equal(e *SignInEvent, v string) bool {
	var buf [4]string
	for _, x := range f.Append(buf[:0], e) {
		if x == v {
			return true
		}
	}
	return false
}

// NotEqual reports Splunk's field!=value: the field has a value and none
// of its values is v. Unlike NOT field=value, a missing field does not
// match. (How Splunk treats a multivalue field here is unverified; escudo
// requires every value to differ.)
func (f Field) NotEqual(e *SignInEvent, v string) bool {
	var buf [4]string
	vs := f.Append(buf[:0], e)
	if len(vs) == 0 {
		return false
	}
	for _, x := range vs {
		if x == v {
			return false
		}
	}
	return true
}

// Value returns the field's first value in e, and whether it has one.
func (f Field) Value(e *SignInEvent) (string, bool) {
	var buf [1]string
	vs := f.Append(buf[:0], e)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func str(name string, get func(e *SignInEvent) string) Field {
	return Field{name: name, kind: KindString, get: func(dst []string, e *SignInEvent) []string {
		if v := get(e); v != "" {
			dst = append(dst, v)
		}
		return dst
	}}
}

func strs(name string, get func(e *SignInEvent) []string) Field {
	return Field{name: name, kind: KindString, multi: true, get: func(dst []string, e *SignInEvent) []string {
		for _, v := range get(e) {
			if v != "" {
				dst = append(dst, v)
			}
		}
		return dst
	}}
}

func boolean(name string, get func(e *SignInEvent) *bool) Field {
	return Field{name: name, kind: KindBool, get: func(dst []string, e *SignInEvent) []string {
		if p := get(e); p != nil {
			dst = append(dst, strconv.FormatBool(*p))
		}
		return dst
	}}
}

func float(name string, get func(e *SignInEvent) *float64) Field {
	return Field{name: name, kind: KindFloat, get: func(dst []string, e *SignInEvent) []string {
		if p := get(e); p != nil {
			dst = append(dst, strconv.FormatFloat(*p, 'f', -1, 64))
		}
		return dst
	}}
}

// policies builds a field over one string property of every applied
// Conditional Access policy.
func policies(name string, get func(p *AppliedConditionalAccessPolicy) string) Field {
	return Field{name: name, kind: KindString, multi: true, get: func(dst []string, e *SignInEvent) []string {
		for i := range e.AppliedConditionalAccessPolicies {
			if v := get(&e.AppliedConditionalAccessPolicies[i]); v != "" {
				dst = append(dst, v)
			}
		}
		return dst
	}}
}

func policyLists(name string, get func(p *AppliedConditionalAccessPolicy) []string) Field {
	return Field{name: name, kind: KindString, multi: true, get: func(dst []string, e *SignInEvent) []string {
		for i := range e.AppliedConditionalAccessPolicies {
			for _, v := range get(&e.AppliedConditionalAccessPolicies[i]) {
				if v != "" {
					dst = append(dst, v)
				}
			}
		}
		return dst
	}}
}

// fields is the one list of named fields. It is built on each call, so there
// is no package state; callers look fields up once, when a rule is compiled.
func fields() []Field {
	return []Field{
		str("id", func(e *SignInEvent) string { return e.ID }),
		{name: "createdDateTime", kind: KindTime, get: func(dst []string, e *SignInEvent) []string {
			if e.CreatedDateTime.IsZero() {
				return dst
			}
			return append(dst, e.CreatedDateTime.UTC().Format(time.RFC3339Nano))
		}},
		str("userDisplayName", func(e *SignInEvent) string { return e.UserDisplayName }),
		str("userPrincipalName", func(e *SignInEvent) string { return e.UserPrincipalName }),
		str("userId", func(e *SignInEvent) string { return e.UserID }),
		str("appId", func(e *SignInEvent) string { return e.AppID }),
		str("appDisplayName", func(e *SignInEvent) string { return e.AppDisplayName }),
		str("ipAddress", func(e *SignInEvent) string { return e.IPAddress }),
		str("clientAppUsed", func(e *SignInEvent) string { return e.ClientAppUsed }),
		str("correlationId", func(e *SignInEvent) string { return e.CorrelationID }),
		str("conditionalAccessStatus", func(e *SignInEvent) string { return e.ConditionalAccessStatus }),
		boolean("isInteractive", func(e *SignInEvent) *bool { return e.IsInteractive }),
		str("riskDetail", func(e *SignInEvent) string { return e.RiskDetail }),
		str("riskLevelAggregated", func(e *SignInEvent) string { return e.RiskLevelAggregated }),
		str("riskLevelDuringSignIn", func(e *SignInEvent) string { return e.RiskLevelDuringSignIn }),
		str("riskState", func(e *SignInEvent) string { return e.RiskState }),
		strs("riskEventTypes{}", func(e *SignInEvent) []string { return e.RiskEventTypes }),
		strs("riskEventTypes_v2{}", func(e *SignInEvent) []string { return e.RiskEventTypesV2 }),
		str("resourceDisplayName", func(e *SignInEvent) string { return e.ResourceDisplayName }),
		str("resourceId", func(e *SignInEvent) string { return e.ResourceID }),
		{name: "status.errorCode", kind: KindInt, get: func(dst []string, e *SignInEvent) []string {
			if p := e.Status.ErrorCode; p != nil {
				dst = append(dst, strconv.FormatInt(int64(*p), 10))
			}
			return dst
		}},
		str("status.failureReason", func(e *SignInEvent) string { return e.Status.FailureReason }),
		str("status.additionalDetails", func(e *SignInEvent) string { return e.Status.AdditionalDetails }),
		str("deviceDetail.browser", func(e *SignInEvent) string { return e.DeviceDetail.Browser }),
		str("deviceDetail.deviceId", func(e *SignInEvent) string { return e.DeviceDetail.DeviceID }),
		str("deviceDetail.displayName", func(e *SignInEvent) string { return e.DeviceDetail.DisplayName }),
		boolean("deviceDetail.isCompliant", func(e *SignInEvent) *bool { return e.DeviceDetail.IsCompliant }),
		boolean("deviceDetail.isManaged", func(e *SignInEvent) *bool { return e.DeviceDetail.IsManaged }),
		str("deviceDetail.operatingSystem", func(e *SignInEvent) string { return e.DeviceDetail.OperatingSystem }),
		str("deviceDetail.trustType", func(e *SignInEvent) string { return e.DeviceDetail.TrustType }),
		str("location.city", func(e *SignInEvent) string { return e.Location.City }),
		str("location.state", func(e *SignInEvent) string { return e.Location.State }),
		str("location.countryOrRegion", func(e *SignInEvent) string { return e.Location.CountryOrRegion }),
		float("location.geoCoordinates.altitude", func(e *SignInEvent) *float64 { return e.Location.GeoCoordinates.Altitude }),
		float("location.geoCoordinates.latitude", func(e *SignInEvent) *float64 { return e.Location.GeoCoordinates.Latitude }),
		float("location.geoCoordinates.longitude", func(e *SignInEvent) *float64 { return e.Location.GeoCoordinates.Longitude }),
		policies("appliedConditionalAccessPolicies{}.id", func(p *AppliedConditionalAccessPolicy) string { return p.ID }),
		policies("appliedConditionalAccessPolicies{}.displayName", func(p *AppliedConditionalAccessPolicy) string { return p.DisplayName }),
		policyLists("appliedConditionalAccessPolicies{}.enforcedGrantControls{}", func(p *AppliedConditionalAccessPolicy) []string { return p.EnforcedGrantControls }),
		policyLists("appliedConditionalAccessPolicies{}.enforcedSessionControls{}", func(p *AppliedConditionalAccessPolicy) []string { return p.EnforcedSessionControls }),
		policies("appliedConditionalAccessPolicies{}.result", func(p *AppliedConditionalAccessPolicy) string { return p.Result }),

		// Graph beta properties.
		details("authenticationDetails{}.authenticationMethod", func(d *AuthenticationDetail) string { return d.AuthenticationMethod }),
		details("authenticationDetails{}.authenticationMethodDetail", func(d *AuthenticationDetail) string { return d.AuthenticationMethodDetail }),
		{name: "authenticationDetails{}.authenticationStepDateTime", kind: KindTime, multi: true, get: func(dst []string, e *SignInEvent) []string {
			for i := range e.AuthenticationDetails {
				if t := e.AuthenticationDetails[i].AuthenticationStepDateTime; !t.IsZero() {
					dst = append(dst, t.UTC().Format(time.RFC3339Nano))
				}
			}
			return dst
		}},
		details("authenticationDetails{}.authenticationStepRequirement", func(d *AuthenticationDetail) string { return d.AuthenticationStepRequirement }),
		details("authenticationDetails{}.authenticationStepResultDetail", func(d *AuthenticationDetail) string { return d.AuthenticationStepResultDetail }),
		{name: "authenticationDetails{}.succeeded", kind: KindBool, multi: true, get: func(dst []string, e *SignInEvent) []string {
			for i := range e.AuthenticationDetails {
				if p := e.AuthenticationDetails[i].Succeeded; p != nil {
					dst = append(dst, strconv.FormatBool(*p))
				}
			}
			return dst
		}},
		str("authenticationRequirement", func(e *SignInEvent) string { return e.AuthenticationRequirement }),
		str("authenticationProtocol", func(e *SignInEvent) string { return e.AuthenticationProtocol }),
		str("userAgent", func(e *SignInEvent) string { return e.UserAgent }),
		str("userType", func(e *SignInEvent) string { return e.UserType }),
		str("tokenIssuerType", func(e *SignInEvent) string { return e.TokenIssuerType }),
		str("crossTenantAccessType", func(e *SignInEvent) string { return e.CrossTenantAccessType }),
		str("servicePrincipalId", func(e *SignInEvent) string { return e.ServicePrincipalID }),
		str("servicePrincipalName", func(e *SignInEvent) string { return e.ServicePrincipalName }),
		{name: "processingTimeInMilliseconds", kind: KindInt, get: func(dst []string, e *SignInEvent) []string {
			if p := e.ProcessingTimeInMilliseconds; p != nil {
				dst = append(dst, strconv.FormatInt(int64(*p), 10))
			}
			return dst
		}},
		str("mfaDetail.authMethod", func(e *SignInEvent) string { return e.MFADetail.AuthMethod }),
		str("mfaDetail.authDetail", func(e *SignInEvent) string { return e.MFADetail.AuthDetail }),

		// The Azure Monitor / Log Analytics envelope, by the names Splunk's
		// azure:monitor:aad source type gives it.
		str("category", func(e *SignInEvent) string { return e.Envelope.Category }),
		str("operationName", func(e *SignInEvent) string { return e.Envelope.OperationName }),
		str("resultType", func(e *SignInEvent) string { return e.Envelope.ResultType }),
		str("resultDescription", func(e *SignInEvent) string { return e.Envelope.ResultDescription }),
		str("callerIpAddress", func(e *SignInEvent) string { return e.Envelope.CallerIPAddress }),
		str("tenantId", func(e *SignInEvent) string { return e.Envelope.TenantID }),
		str("identity", func(e *SignInEvent) string { return e.Envelope.Identity }),
		str("Level", func(e *SignInEvent) string { return e.Envelope.Level }),
		str("location", func(e *SignInEvent) string { return e.Envelope.Location }),

		// CIM fields, computed as the Splunk add-ons do for sign-ins.
		str("user", cimUser),
		str("user_id", func(e *SignInEvent) string { return cmp.Or(e.ServicePrincipalID, e.UserID) }),
		str("src", cimSrc),
		str("src_ip", cimSrc),
		str("dest", func(e *SignInEvent) string { return e.Envelope.TenantID }),
		str("vendor_account", func(e *SignInEvent) string { return e.Envelope.TenantID }),
		str("signature", func(e *SignInEvent) string { return e.Envelope.OperationName }),
		str("action", cimAction),
		str("reason", func(e *SignInEvent) string { return e.Status.FailureReason }),
		str("app", func(e *SignInEvent) string { return cmp.Or(e.AppDisplayName, "Azure AD") }),
		str("user_agent", cimUserAgent),
		str("authentication_service", func(e *SignInEvent) string { return e.TokenIssuerType }),
		str("vendor_product", func(*SignInEvent) string { return "Azure AD" }),
	}
}

// details builds a field over one string property of every authentication step.
func details(name string, get func(d *AuthenticationDetail) string) Field {
	return Field{name: name, kind: KindString, multi: true, get: func(dst []string, e *SignInEvent) []string {
		for i := range e.AuthenticationDetails {
			if v := get(&e.AuthenticationDetails[i]); v != "" {
				dst = append(dst, v)
			}
		}
		return dst
	}}
}

// cimUser is the CIM user of Splunk's Azure add-ons for sign-ins: the
// user's UPN, or the service principal's name for application sign-ins
// (case kept, as azure:monitor:aad does).
func cimUser(e *SignInEvent) string { return cmp.Or(e.UserPrincipalName, e.ServicePrincipalName) }

// cimSrc is the CIM src (and src_ip): the envelope's callerIpAddress, as
// the Splunk Add-on for Microsoft Cloud Services 5.0.0 defines it for
// azure:monitor:aad ("FIELDALIAS-src = callerIpAddress as src", and the
// same for src_ip, in Splunk_TA_microsoft-cloudservices/default/props.conf;
// public copy: github.com/cdragonzfr/test @ faec4257). There is no
// fallback to properties.ipAddress, so a Graph record, which has no
// envelope, has no src: rules that group by src do not fire on Graph
// exports, as they would not in Splunk on o365:graph:api, whose props
// define no CIM aliases at all (splunk_ta_o365 4.5.1).
func cimSrc(e *SignInEvent) string { return e.Envelope.CallerIPAddress }

// cimUserAgent is the CIM user_agent of the same add-on:
// "EVAL-user_agent = case(operationName IN ("Sign-in activity"),
// 'properties.userAgent', true(), mvindex('properties.additionalDetails{}.value', ...))".
// For sign-ins it is properties.userAgent when operationName is
// "Sign-in activity"; the other branch reads the User-Agent entry of an
// audit record's additionalDetails, which sign-ins do not have, so it is
// empty for records without that operationName, Graph records among them.
func cimUserAgent(e *SignInEvent) string {
	if e.Envelope.OperationName == "Sign-in activity" {
		return e.UserAgent
	}
	return ""
}

// cimAction is the CIM action: "success" when the error code is 0, else
// "failure", as the Splunk Add-on for Microsoft Azure computes it for Graph
// sign-ins. (azure:monitor:aad instead tests whether failureReason is null,
// which calls a Graph success carrying "Other." a failure; escudo keeps to
// the error code in every format.)
func cimAction(e *SignInEvent) string {
	switch c := e.Status.ErrorCode; {
	case c == nil:
		return ""
	case *c == 0:
		return "success"
	}
	return "failure"
}
