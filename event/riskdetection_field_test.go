package event_test

import (
	"testing"

	"github.com/escudo-dev/escudo/event"
)

func TestRiskFieldAppend(t *testing.T) {
	full := fullRiskDetectionEvent()
	s := func(vs ...string) fieldWant { return fieldWant{event.KindString, false, vs} }
	fl := func(vs ...string) fieldWant { return fieldWant{event.KindFloat, false, vs} }
	tm := func(vs ...string) fieldWant { return fieldWant{event.KindTime, false, vs} }
	const tenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"
	const id = "7e3f1d4b0c8a42f69d1b3e5a7c9f2b4d6e8a0c2f4b6d8f0a2c4e6a8b0d2f4b62"
	props := map[string]fieldWant{
		"id":                                s(id),
		"requestId":                         s("b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"),
		"correlationId":                     s("d5e6f7a8-1b2c-4d3e-8f4a-5b6c7d8e9f02"),
		"riskType":                          s("generic"),
		"riskEventType":                     s("anonymizedIPAddress"),
		"riskState":                         s("atRisk"),
		"riskLevel":                         s("high"),
		"riskDetail":                        s("none"),
		"source":                            s("IdentityProtection"),
		"detectionTimingType":               s("realtime"),
		"activity":                          s("signin"),
		"tokenIssuerType":                   s("AzureAD"),
		"ipAddress":                         s("203.0.113.201"),
		"location.city":                     s("Amsterdam"),
		"location.state":                    s("Noord-Holland"),
		"location.countryOrRegion":          s("NL"),
		"location.geoCoordinates.altitude":  fl("0"), // 0 is a value, not null
		"location.geoCoordinates.latitude":  fl("52.3676"),
		"location.geoCoordinates.longitude": fl("4.9041"),
		"activityDateTime":                  tm("2025-03-20T22:31:09.512Z"),
		"detectedDateTime":                  tm("2025-03-20T22:31:09.512Z"), // in UTC
		"lastUpdatedDateTime":               tm("2025-03-20T22:33:47.901Z"),
		"userId":                            s("d843cad5-ec86-4567-8bbd-ca91c49d479c"),
		"userDisplayName":                   s("Marcus Webb"),
		"userPrincipalName":                 s("marcus.webb@example.net"),
		"additionalInfo":                    s(`[{"Key":"userAgent","Value":"Mozilla/5.0"}]`),
		"resourceTenantId":                  s("00000000-0000-0000-0000-000000000000"),
		"homeTenantId":                      s(tenant),
		"userType":                          s("member"),
		"crossTenantAccessType":             s("none"),
	}
	wants := map[string]fieldWant{}
	for name, w := range props {
		wants["properties."+name] = w
		wants[name] = w
	}
	for name, w := range map[string]fieldWant{
		// Without the prefix, the envelope's: it repeats the detection's id.
		"correlationId": s(id),

		"operationName":     s("User Risk Detection"),
		"category":          s("UserRiskEvents"),
		"resultType":        s("Success"),
		"resultDescription": s(),
		"callerIpAddress":   s("203.0.113.201"),
		"tenantId":          s(tenant),
		"identity":          s("marcus webb"),
		"Level":             s("4"),
		"location":          s("nl"),

		// CIM fields, as the add-on computes them.
		"user":                   s("marcus.webb@example.net"),
		"user_id":                s("d843cad5-ec86-4567-8bbd-ca91c49d479c"),
		"user_name":              s("Marcus Webb"),
		"user_type":              s("member"),
		"src":                    s("203.0.113.201"),
		"src_ip":                 s("203.0.113.201"),
		"dest":                   s(tenant),
		"dest_type":              s("tenant"),
		"vendor_account":         s(tenant),
		"vendor_product":         s("Azure AD"),
		"signature":              s("User Risk Detection"),
		"signature_id":           s("User Risk Detection"),
		"command":                s("User Risk Detection"),
		"severity":               s("high"),
		"authentication_service": s("AzureAD"),
		"app":                    s("Azure AD"),
		"description":            s("atRisk, generic"),
		"vendor_region":          s("Amsterdam,Noord-Holland,NL"),
	} {
		wants[name] = w
	}
	defaults := map[string][]string{"dest_type": {"tenant"}, "vendor_product": {"Azure AD"}}
	checkFieldTable(t, event.RiskDetectionFieldNames(), event.LookupRiskDetectionField, &full, wants, defaults)
}

// TestRiskCIMByOperation checks the add-on's fields that depend on
// operationName being "User Risk Detection", and the eval concatenations
// with a null part.
func TestRiskCIMByOperation(t *testing.T) {
	value := func(name string, ev *event.RiskDetectionEvent) string {
		t.Helper()
		f, err := event.LookupRiskDetectionField(name)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.Value(ev)
		return v
	}
	other := fullRiskDetectionEvent()
	other.Envelope.OperationName = "Risky user"
	for _, name := range []string{"user_name", "signature_id", "app", "description", "vendor_region"} {
		if v := value(name, &other); v != "" {
			t.Errorf("%s for operationName %q = %q, want none", name, other.Envelope.OperationName, v)
		}
	}
	// The fields that do not depend on it keep their values.
	if value("user", &other) != "marcus.webb@example.net" || value("severity", &other) != "high" {
		t.Error("user or severity depends on operationName")
	}
	partial := fullRiskDetectionEvent()
	partial.RiskType, partial.Location.State = "", ""
	if v := value("description", &partial); v != "" {
		t.Errorf("description with a null riskType = %q, want none", v)
	}
	if v := value("vendor_region", &partial); v != "" {
		t.Errorf("vendor_region with a null state = %q, want none", v)
	}
}

func TestLookupRiskDetectionFieldUnknown(t *testing.T) {
	checkUnknownFields(t, event.LookupRiskDetectionField,
		"", "status.errorCode", "RiskLevel", "location.geoCoordinates", "properties.location", "properties.operationName", "level",
	)
}
