package event_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/event"
	"github.com/google/go-cmp/cmp"
)

func TestLookupFieldKnown(t *testing.T) {
	names := fieldNames(t)
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			t.Errorf("FieldNames() lists %q twice", name)
		}
		seen[name] = true
		f, err := event.LookupField(name)
		if err != nil {
			t.Errorf("LookupField(%q): %v", name, err)
			continue
		}
		if got := f.Name(); got != name {
			t.Errorf("LookupField(%q).Name() = %q", name, got)
		}
	}
}

// fieldNames returns FieldNames(), failing the test when it is empty.
func fieldNames(t *testing.T) []string {
	t.Helper()
	names := event.FieldNames()
	if len(names) == 0 {
		t.Fatal("FieldNames() is empty")
	}
	return names
}

func TestFieldNamesFresh(t *testing.T) {
	a := event.FieldNames()
	a[0] = "changed"
	if b := event.FieldNames(); b[0] == "changed" {
		t.Errorf("FieldNames() returns shared memory: a write to one result shows in the next")
	}
}

func TestLookupFieldUnknown(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		field  string
	}{
		{name: "empty", reason: "the empty name is no field", field: ""},
		{name: "renamed", reason: "a search's own renames (src_user) are not event fields", field: "src_user"},
		{name: "object", reason: "an object is not a field; its members are", field: "status"},
		{name: "case", reason: "names are case-sensitive, as in Splunk", field: "Status.ErrorCode"},
		{name: "array without braces", reason: "array fields are named with {}", field: "riskEventTypes_v2"},
		{name: "policy without braces", reason: "array fields are named with {}", field: "appliedConditionalAccessPolicies.result"},
		{name: "index", reason: "a concrete index is a decode-error path, not a field name", field: "appliedConditionalAccessPolicies[0].result"},
		{name: "go name", reason: "Go field names are not Splunk names", field: "UserPrincipalName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := event.LookupField(tt.field)
			if !errors.Is(err, event.ErrUnknownField) {
				t.Fatalf("LookupField(%q) error = %v, want ErrUnknownField (%s)", tt.field, err, tt.reason)
			}
			if diff := cmp.Diff(`unknown field "`+tt.field+`"`, err.Error()); diff != "" {
				t.Errorf("error message mismatch (-want +got):\n%s", diff)
			}
			if f.Name() != "" || f.Append(nil, &event.SignInEvent{ID: "x"}) != nil {
				t.Errorf("LookupField(%q) returned a non-zero Field %q with the error", tt.field, f.Name())
			}
		})
	}
}

// fieldWant is what one field gives on an event.
type fieldWant struct {
	kind   event.Kind
	multi  bool
	values []string
}

func TestFieldAppend(t *testing.T) {
	full := fullEvent()
	// Every field of fullEvent, so a field added to FieldNames without a
	// case here fails the test.
	wants := map[string]fieldWant{
		"id":                      {event.KindString, false, []string{"7c10c31a-fbed-4215-8d6f-105ad2a3c48a"}},
		"createdDateTime":         {event.KindTime, false, []string{"2025-03-14T08:55:12.1234567Z"}},
		"userDisplayName":         {event.KindString, false, []string{"Megan Bowen"}},
		"userPrincipalName":       {event.KindString, false, []string{"megan.bowen@example.com"}},
		"userId":                  {event.KindString, false, []string{"53faa3c4-3ea9-4123-8d95-5eaf07cedcf1"}},
		"appId":                   {event.KindString, false, []string{"d3590ed6-52b3-4102-aeff-aad2292ab01c"}},
		"appDisplayName":          {event.KindString, false, []string{"Microsoft Office"}},
		"ipAddress":               {event.KindString, false, []string{"203.0.113.24"}},
		"clientAppUsed":           {event.KindString, false, []string{"Browser"}},
		"correlationId":           {event.KindString, false, []string{"d89fc652-6fcc-4e07-bdab-946af700d2d6"}},
		"conditionalAccessStatus": {event.KindString, false, []string{"failure"}},
		"isInteractive":           {event.KindBool, false, []string{"true"}},
		"riskDetail":              {event.KindString, false, []string{"userPassedMFADrivenByRiskBasedPolicy"}},
		"riskLevelAggregated":     {event.KindString, false, []string{"medium"}},
		"riskLevelDuringSignIn":   {event.KindString, false, []string{"high"}},
		"riskState":               {event.KindString, false, []string{"remediated"}},
		// The empty middle element is skipped.
		"riskEventTypes{}":                  {event.KindString, true, []string{"unfamiliarFeatures", "anonymizedIPAddress"}},
		"riskEventTypes_v2{}":               {event.KindString, true, []string{"unfamiliarFeatures", "anonymizedIPAddress"}},
		"resourceDisplayName":               {event.KindString, false, []string{"Microsoft Graph"}},
		"resourceId":                        {event.KindString, false, []string{"00000003-0000-0000-c000-000000000000"}},
		"status.errorCode":                  {event.KindInt, false, []string{"65004"}},
		"status.failureReason":              {event.KindString, false, []string{"User declined to consent to access the app."}},
		"status.additionalDetails":          {event.KindString, false, []string{"MFA denied; user declined the authentication"}},
		"deviceDetail.browser":              {event.KindString, false, []string{"Edge 122.0.0"}},
		"deviceDetail.deviceId":             {event.KindString, false, []string{"65984e65-6b3a-41df-8e24-d109577afdc5"}},
		"deviceDetail.displayName":          {event.KindString, false, []string{"DESKTOP-7H2K9QX"}},
		"deviceDetail.isCompliant":          {event.KindBool, false, []string{"false"}},
		"deviceDetail.isManaged":            {event.KindBool, false, []string{"true"}},
		"deviceDetail.operatingSystem":      {event.KindString, false, []string{"Windows 10"}},
		"deviceDetail.trustType":            {event.KindString, false, []string{"Azure AD joined"}},
		"location.city":                     {event.KindString, false, []string{"Redmond"}},
		"location.state":                    {event.KindString, false, []string{"Washington"}},
		"location.countryOrRegion":          {event.KindString, false, []string{"US"}},
		"location.geoCoordinates.altitude":  {event.KindFloat, false, []string{"152.4"}},
		"location.geoCoordinates.latitude":  {event.KindFloat, false, []string{"47.674"}},
		"location.geoCoordinates.longitude": {event.KindFloat, false, []string{"-122.121"}},
		"appliedConditionalAccessPolicies{}.id": {event.KindString, true, []string{
			"079a965b-e9f8-44c4-9f9f-90e7475621ac", "4eac0e94-1b72-439a-894b-ee8c0094a8d0"}},
		// The second policy's empty display name is skipped.
		"appliedConditionalAccessPolicies{}.displayName": {event.KindString, true, []string{"CA001: Require MFA for all users"}},
		// Controls of all policies, flattened, empty ones skipped.
		"appliedConditionalAccessPolicies{}.enforcedGrantControls{}":   {event.KindString, true, []string{"Mfa", "CompliantDevice", "Block"}},
		"appliedConditionalAccessPolicies{}.enforcedSessionControls{}": {event.KindString, true, []string{"SignInFrequency"}},
		"appliedConditionalAccessPolicies{}.result":                    {event.KindString, true, []string{"failure", "notApplied"}},

		"authenticationDetails{}.authenticationMethod":           {event.KindString, true, []string{"Password", "Mobile app notification"}},
		"authenticationDetails{}.authenticationMethodDetail":     {event.KindString, true, []string{"Password in the cloud"}},
		"authenticationDetails{}.authenticationStepDateTime":     {event.KindTime, true, []string{"2025-03-14T08:55:12Z", "2025-03-14T08:55:40Z"}},
		"authenticationDetails{}.authenticationStepRequirement":  {event.KindString, true, []string{"Primary authentication"}},
		"authenticationDetails{}.authenticationStepResultDetail": {event.KindString, true, []string{"Correct password", "MFA denied; user declined the authentication"}},
		"authenticationDetails{}.succeeded":                      {event.KindBool, true, []string{"true", "false"}},
		"authenticationRequirement":                              {event.KindString, false, []string{"multiFactorAuthentication"}},
		"authenticationProtocol":                                 {event.KindString, false, []string{"none"}},
		"userAgent":                                              {event.KindString, false, []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0.0.0"}},
		"userType":                                               {event.KindString, false, []string{"member"}},
		"tokenIssuerType":                                        {event.KindString, false, []string{"AzureAD"}},
		"crossTenantAccessType":                                  {event.KindString, false, []string{"none"}},
		"servicePrincipalId":                                     {event.KindString, false, nil},
		"servicePrincipalName":                                   {event.KindString, false, nil},
		"processingTimeInMilliseconds":                           {event.KindInt, false, []string{"142"}},
		"mfaDetail.authMethod":                                   {event.KindString, false, []string{"PhoneAppNotification"}},
		"mfaDetail.authDetail":                                   {event.KindString, false, []string{"+X XXXXXXXX12"}},

		"category":          {event.KindString, false, []string{"SignInLogs"}},
		"operationName":     {event.KindString, false, []string{"Sign-in activity"}},
		"resultType":        {event.KindString, false, []string{"65004"}},
		"resultDescription": {event.KindString, false, nil},
		"callerIpAddress":   {event.KindString, false, nil},
		"tenantId":          {event.KindString, false, []string{"0a1b2c3d-0000-4000-8000-000000000001"}},
		"identity":          {event.KindString, false, nil},
		"Level":             {event.KindString, false, nil},
		"location":          {event.KindString, false, []string{"US"}},

		// CIM fields, as Splunk's add-ons compute them.
		"user":                   {event.KindString, false, []string{"megan.bowen@example.com"}},
		"user_id":                {event.KindString, false, []string{"53faa3c4-3ea9-4123-8d95-5eaf07cedcf1"}},
		"src":                    {event.KindString, false, nil}, // no callerIpAddress, and no fallback to ipAddress
		"src_ip":                 {event.KindString, false, nil},
		"dest":                   {event.KindString, false, []string{"0a1b2c3d-0000-4000-8000-000000000001"}},
		"vendor_account":         {event.KindString, false, []string{"0a1b2c3d-0000-4000-8000-000000000001"}},
		"signature":              {event.KindString, false, []string{"Sign-in activity"}},
		"action":                 {event.KindString, false, []string{"failure"}},
		"reason":                 {event.KindString, false, []string{"User declined to consent to access the app."}},
		"app":                    {event.KindString, false, []string{"Microsoft Office"}},
		"user_agent":             {event.KindString, false, []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0.0.0"}},
		"authentication_service": {event.KindString, false, []string{"AzureAD"}},
		"vendor_product":         {event.KindString, false, []string{"Azure AD"}},
	}

	names := fieldNames(t)
	for _, name := range names {
		if _, ok := wants[name]; !ok {
			t.Errorf("field %q has no test case", name)
		}
	}
	for name := range wants {
		if !slices.Contains(names, name) {
			t.Errorf("test case for %q, which FieldNames() does not list", name)
		}
	}

	for _, name := range names {
		want, ok := wants[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			f, err := event.LookupField(name)
			if err != nil {
				t.Fatal(err)
			}
			if f.Kind() != want.kind || f.Multi() != want.multi {
				t.Errorf("Kind, Multi = %v, %v; want %v, %v", f.Kind(), f.Multi(), want.kind, want.multi)
			}

			// Append keeps what dst holds and adds the values after it.
			got := f.Append([]string{"before"}, &full)
			if diff := cmp.Diff(append([]string{"before"}, want.values...), got); diff != "" {
				t.Errorf("Append mismatch (-want +got):\n%s", diff)
			}

			v, ok := f.Value(&full)
			switch {
			case len(want.values) == 0 && ok:
				t.Errorf("Value() = %q, true; want no value", v)
			case len(want.values) > 0 && (!ok || v != want.values[0]):
				t.Errorf("Value() = %q, %v; want %q, true", v, ok, want.values[0])
			}

			// An empty event has no value for any field, but for the CIM
			// fields the add-ons give a default.
			defaults := map[string][]string{"app": {"Azure AD"}, "vendor_product": {"Azure AD"}}
			if got := f.Append(nil, &event.SignInEvent{}); !slices.Equal(got, defaults[name]) {
				t.Errorf("Append on the zero event = %q, want %q", got, defaults[name])
			}
		})
	}
}

func TestFieldFormats(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		field  string
		ev     event.SignInEvent
		want   []string
	}{
		{
			name:   "error code zero",
			reason: "0 is success and must be a value, unlike null",
			field:  "status.errorCode",
			ev:     event.SignInEvent{Status: event.Status{ErrorCode: ptr(int32(0))}},
			want:   []string{"0"},
		},
		{
			name:   "negative error code",
			reason: "integers are decimal with a sign",
			field:  "status.errorCode",
			ev:     event.SignInEvent{Status: event.Status{ErrorCode: ptr(int32(-2147483648))}},
			want:   []string{"-2147483648"},
		},
		{
			name:   "false",
			reason: "false is a value, unlike null",
			field:  "isInteractive",
			ev:     event.SignInEvent{IsInteractive: ptr(false)},
			want:   []string{"false"},
		},
		{
			name:   "float zero",
			reason: "0 degrees is a value, unlike null",
			field:  "location.geoCoordinates.latitude",
			ev:     event.SignInEvent{Location: event.Location{GeoCoordinates: event.GeoCoordinates{Latitude: ptr(0.0)}}},
			want:   []string{"0"},
		},
		{
			name:   "float integral",
			reason: "floats are the shortest decimal form, without exponent or trailing zeros",
			field:  "location.geoCoordinates.altitude",
			ev:     event.SignInEvent{Location: event.Location{GeoCoordinates: event.GeoCoordinates{Altitude: ptr(1500.0)}}},
			want:   []string{"1500"},
		},
		{
			name:   "float rounding",
			reason: "the shortest form that reads back as the same float64, not a rounded one",
			field:  "location.geoCoordinates.longitude",
			ev:     event.SignInEvent{Location: event.Location{GeoCoordinates: event.GeoCoordinates{Longitude: ptr(sum(0.1, 0.2))}}},
			want:   []string{"0.30000000000000004"},
		},
		{
			name:   "float tiny",
			reason: "numbers are in plain decimal, never in exponent notation",
			field:  "location.geoCoordinates.altitude",
			ev:     event.SignInEvent{Location: event.Location{GeoCoordinates: event.GeoCoordinates{Altitude: ptr(1e-7)}}},
			want:   []string{"0.0000001"},
		},
		{
			name:   "time whole seconds",
			reason: "times are RFC 3339 in UTC, without sub-seconds when there are none",
			field:  "createdDateTime",
			ev:     event.SignInEvent{CreatedDateTime: mustTime(t, "2025-03-14T03:55:12-05:00")},
			want:   []string{"2025-03-14T08:55:12Z"},
		},
		{
			name:   "time milliseconds",
			reason: "sub-seconds keep their digits, without trailing zeros",
			field:  "createdDateTime",
			ev:     event.SignInEvent{CreatedDateTime: mustTime(t, "2025-03-14T08:55:12.120Z")},
			want:   []string{"2025-03-14T08:55:12.12Z"},
		},
		{
			name:   "empty string",
			reason: "an empty string is no value, as in Splunk",
			field:  "userPrincipalName",
			ev:     event.SignInEvent{UserPrincipalName: ""},
			want:   nil,
		},
		{
			name:   "only empty elements",
			reason: "an array of empty strings has no values",
			field:  "riskEventTypes_v2{}",
			ev:     event.SignInEvent{RiskEventTypesV2: []string{"", ""}},
			want:   nil,
		},
		{
			name:   "repeated elements",
			reason: "every element is a value, repeats included (mvdedup is the caller's business)",
			field:  "riskEventTypes_v2{}",
			ev:     event.SignInEvent{RiskEventTypesV2: []string{"a", "a"}},
			want:   []string{"a", "a"},
		},
		{
			name:   "policies without results",
			reason: "policies whose result is empty give no values",
			field:  "appliedConditionalAccessPolicies{}.result",
			ev: event.SignInEvent{AppliedConditionalAccessPolicies: []event.AppliedConditionalAccessPolicy{
				{ID: "p1"}, {ID: "p2", Result: "success"}, {ID: "p3"},
			}},
			want: []string{"success"},
		},
		{
			name:   "policies without controls",
			reason: "nil and empty control lists give no values",
			field:  "appliedConditionalAccessPolicies{}.enforcedGrantControls{}",
			ev: event.SignInEvent{AppliedConditionalAccessPolicies: []event.AppliedConditionalAccessPolicy{
				{ID: "p1"}, {ID: "p2", EnforcedGrantControls: []string{}},
			}},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := event.LookupField(tt.field)
			if err != nil {
				t.Fatal(err)
			}
			got := f.Append(nil, &tt.ev)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Append(%s) mismatch (%s) (-want +got):\n%s", tt.field, tt.reason, diff)
			}
		})
	}
}

func TestZeroField(t *testing.T) {
	var f event.Field[event.SignInEvent]
	full := fullEvent()
	if got := f.Append([]string{"kept"}, &full); !slices.Equal(got, []string{"kept"}) {
		t.Errorf("zero Field Append = %q, want dst unchanged", got)
	}
	if v, ok := f.Value(&full); ok || v != "" {
		t.Errorf("zero Field Value = %q, %v; want \"\", false", v, ok)
	}
	if f.Name() != "" || f.Kind() != 0 || f.Multi() {
		t.Errorf("zero Field = %q, %v, %v; want \"\", 0, false", f.Name(), f.Kind(), f.Multi())
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		kind   event.Kind
		want   string
	}{
		{name: "string", reason: "phrases read well in \"want …, got …\"", kind: event.KindString, want: "a string"},
		{name: "int", reason: "integers are told apart from other numbers", kind: event.KindInt, want: "an integer"},
		{name: "bool", reason: "JSON booleans are the two literals", kind: event.KindBool, want: "true or false"},
		{name: "float", reason: "any JSON number", kind: event.KindFloat, want: "a number"},
		{name: "time", reason: "timestamps are strings in RFC 3339", kind: event.KindTime, want: "an RFC 3339 timestamp"},
		{name: "zero", reason: "the zero Kind is no kind, shown by number", kind: 0, want: "Kind(0)"},
		{name: "out of range", reason: "unknown kinds are shown by number", kind: 200, want: "Kind(200)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.kind.String()); diff != "" {
				t.Errorf("String() mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// Looking up a string field and appending it must not allocate: it runs
// once per event and field in the detection engine.
func TestFieldAppendAllocs(t *testing.T) {
	full := fullEvent()
	for _, name := range []string{"userPrincipalName", "status.failureReason", "appliedConditionalAccessPolicies{}.result"} {
		f, err := event.LookupField(name)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]string, 0, 8)
		allocs := testing.AllocsPerRun(100, func() {
			dst = f.Append(dst[:0], &full)
		})
		if allocs != 0 {
			t.Errorf("Append(%s) with room in dst: %v allocations, want 0", name, allocs)
		}
	}
}

// mustTime parses an RFC 3339 time, failing the test on error.
func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// sum adds at run time, so the float64 rounding is not folded away as
// constant arithmetic would.
func sum(a, b float64) float64 { return a + b }

// TestCIMParity checks the CIM fields that follow the Splunk Add-on for
// Microsoft Cloud Services' definitions for azure:monitor:aad: src is
// callerIpAddress alone, and user_agent is userAgent only for
// operationName "Sign-in activity".
func TestCIMParity(t *testing.T) {
	tests := []struct {
		name, reason       string
		ev                 event.SignInEvent
		wantSrc, wantAgent string
	}{
		{
			name:      "Azure Monitor sign-in",
			reason:    "src from the envelope, user_agent from properties.userAgent",
			ev:        event.SignInEvent{IPAddress: "192.0.2.1", UserAgent: "curl/8", Envelope: event.Envelope{CallerIPAddress: "198.51.100.7", OperationName: "Sign-in activity"}},
			wantSrc:   "198.51.100.7",
			wantAgent: "curl/8",
		},
		{
			name:   "Graph sign-in",
			reason: "no envelope: no src (no fallback to ipAddress) and no user_agent (operationName is not Sign-in activity)",
			ev:     event.SignInEvent{IPAddress: "192.0.2.1", UserAgent: "curl/8"},
		},
		{
			name:    "other operation",
			reason:  "user_agent is only properties.userAgent for Sign-in activity",
			ev:      event.SignInEvent{UserAgent: "curl/8", Envelope: event.Envelope{CallerIPAddress: "198.51.100.7", OperationName: "Update user"}},
			wantSrc: "198.51.100.7",
		},
	}
	src, err := event.LookupField("src")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := event.LookupField("user_agent")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotSrc, _ := src.Value(&tt.ev)
			gotAgent, _ := agent.Value(&tt.ev)
			if gotSrc != tt.wantSrc || gotAgent != tt.wantAgent {
				t.Errorf("src, user_agent = %q, %q; want %q, %q (%s)", gotSrc, gotAgent, tt.wantSrc, tt.wantAgent, tt.reason)
			}
		})
	}
}
