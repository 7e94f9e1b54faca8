package event_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/event"
)

// checkFieldTable checks a field table against wants, which must name
// every field: each name is listed once and looks up to a field of that
// name, kind and multiplicity, whose values on full are the wanted ones
// (appended after what dst holds) and on the zero event are defaults[name].
func checkFieldTable[E any](t *testing.T, names []string, lookup func(string) (event.Field[E], error), full *E, wants map[string]fieldWant, defaults map[string][]string) {
	t.Helper()
	if len(names) == 0 {
		t.Fatal("no field names")
	}
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			t.Errorf("the names list %q twice", name)
		}
		seen[name] = true
		if _, ok := wants[name]; !ok {
			t.Errorf("field %q has no test case", name)
		}
	}
	for name := range wants {
		if !seen[name] {
			t.Errorf("test case for %q, which the names do not list", name)
		}
	}
	for _, name := range names {
		want, ok := wants[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			f, err := lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			if f.Name() != name || f.Kind() != want.kind || f.Multi() != want.multi {
				t.Errorf("Name, Kind, Multi = %q, %v, %v; want %q, %v, %v", f.Name(), f.Kind(), f.Multi(), name, want.kind, want.multi)
			}
			got := f.Append([]string{"before"}, full)
			if diff := cmp.Diff(append([]string{"before"}, want.values...), got); diff != "" {
				t.Errorf("Append mismatch (-want +got):\n%s", diff)
			}
			var zero E
			if got := f.Append(nil, &zero); !slices.Equal(got, defaults[name]) {
				t.Errorf("Append on the zero event = %q, want %q", got, defaults[name])
			}
		})
	}
}

// checkUnknownFields checks that lookup refuses each name with an error
// wrapping ErrUnknownField and a zero Field.
func checkUnknownFields[E any](t *testing.T, lookup func(string) (event.Field[E], error), fields ...string) {
	t.Helper()
	for _, name := range fields {
		f, err := lookup(name)
		if !errors.Is(err, event.ErrUnknownField) || err.Error() != `unknown field "`+name+`"` {
			t.Errorf("lookup(%q) error = %v, want ErrUnknownField", name, err)
		}
		var zero E
		if f.Name() != "" || f.Append(nil, &zero) != nil {
			t.Errorf("lookup(%q) returned a non-zero Field %q with the error", name, f.Name())
		}
	}
}

func TestGraphActivityFieldAppend(t *testing.T) {
	full := fullGraphActivityEvent()
	s := func(vs ...string) fieldWant { return fieldWant{event.KindString, false, vs} }
	n := func(vs ...string) fieldWant { return fieldWant{event.KindInt, false, vs} }
	tm := func(vs ...string) fieldWant { return fieldWant{event.KindTime, false, vs} }
	const tenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"
	props := map[string]fieldWant{
		"timeGenerated":         tm("2025-03-22T13:35:10.948Z"), // in UTC
		"location":              s("East US 2"),
		"requestId":             s("5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03"),
		"operationId":           s("5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03"),
		"clientRequestId":       s("1d3f5b7a-9c2e-4d6f-8b0a-2c4e6f8a0b04"),
		"apiVersion":            s("beta"),
		"requestMethod":         s("GET"),
		"responseStatusCode":    n("200"),
		"tenantId":              s(tenant),
		"durationMs":            n("948894"),
		"responseSizeBytes":     n("91"),
		"signInActivityId":      s("KpR3uL9xQ0mW2yT6vN1cCC"),
		"roles":                 s("Application.Read.All"),
		"appId":                 s("04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
		"UserPrincipalObjectID": s("2bb6b362-0afe-4a25-80bb-080a53bf94da"),
		"scopes":                s("Directory.AccessAsUser.All openid"),
		"identityProvider":      s("https://sts.windows.net/5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c/"),
		"clientAuthMethod":      n("0"), // 0 is a value, not null
		"wids":                  s("b79fbf4d-3ef9-4689-8143-76b194e85509"),
		"C_Idtyp":               s("user"),
		"ipAddress":             s("198.51.100.23"),
		"userAgent":             s("azurehound/v2.2.1"),
		"requestUri":            s("https://graph.microsoft.com/beta/servicePrincipals/4c6e8a0b-2d4f-4a6c-8e0a-5c7e9a1b3d46/owners"),
		"userId":                s("2bb6b362-0afe-4a25-80bb-080a53bf94da"),
		"servicePrincipalId":    s("8b6287d5-c4ca-4105-ac76-33bb500ec7c2"),
		"tokenIssuedAt":         tm("2025-03-22T13:30:02Z"),
		"deviceId":              s("5c7e9a1b-3d5f-4a7c-9e1b-3d5f7a9c1e02"),
		"sessionId":             s("0a2c4e6f-8b1d-4f3a-9c5e-7a9b1d3f5e03"),
	}
	wants := map[string]fieldWant{}
	for name, w := range props {
		wants["properties."+name] = w
		wants[name] = w
	}
	for name, w := range map[string]fieldWant{
		// Without the prefix, these two are the envelope's.
		"location": s("East US 2"),
		"tenantId": s(tenant),

		"operationName":   s("Microsoft Graph Activity"),
		"category":        s("MicrosoftGraphActivityLogs"),
		"callerIpAddress": s("198.51.100.23"),
		"correlationId":   s("5b3c1e4a-7d9f-4a0b-9c3d-4e5f6a7b8c03"),
		"level":           s("Informational"),

		// CIM fields, as the add-on computes them.
		"user":           s(), // no UPN in these records
		"user_id":        s("8b6287d5-c4ca-4105-ac76-33bb500ec7c2"),
		"src":            s("198.51.100.23"),
		"src_ip":         s("198.51.100.23"),
		"dest":           s(tenant),
		"dest_type":      s("tenant"),
		"vendor_account": s(tenant),
		"vendor_product": s("Azure AD"),
		"signature":      s("Microsoft Graph Activity"),
		"command":        s("Microsoft Graph Activity"),
	} {
		wants[name] = w
	}
	defaults := map[string][]string{"dest_type": {"tenant"}, "vendor_product": {"Azure AD"}}
	checkFieldTable(t, event.GraphActivityFieldNames(), event.LookupGraphActivityField, &full, wants, defaults)

	// The envelope's location and tenant, not the properties', without the
	// prefix; and the other way round.
	full.Location, full.TenantID = "West Europe", "another-tenant"
	for name, want := range map[string]string{
		"location": "East US 2", "properties.location": "West Europe",
		"tenantId": tenant, "properties.tenantId": "another-tenant",
	} {
		f, _ := event.LookupGraphActivityField(name)
		if v, _ := f.Value(&full); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
}

// TestGraphActivityCIMUserID checks EVAL-user_id: the service principal's
// ID when there is one, else the user's.
func TestGraphActivityCIMUserID(t *testing.T) {
	f, err := event.LookupGraphActivityField("user_id")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		user, sp, want string
	}{
		{"u", "", "u"},
		{"", "sp", "sp"},
		{"u", "sp", "sp"},
		{"", "", ""},
	} {
		ev := event.GraphActivityEvent{UserID: tt.user, ServicePrincipalID: tt.sp}
		if v, _ := f.Value(&ev); v != tt.want {
			t.Errorf("user_id of userId %q, servicePrincipalId %q = %q, want %q", tt.user, tt.sp, v, tt.want)
		}
	}
}

func TestLookupGraphActivityFieldUnknown(t *testing.T) {
	checkUnknownFields(t, event.LookupGraphActivityField,
		"", "status.errorCode", "RequestUri", "properties.operationName", "Level", "user_agent", "properties.time",
	)
}

func TestGraphActivityFieldNamesFresh(t *testing.T) {
	a := event.GraphActivityFieldNames()
	a[0] = "changed"
	if b := event.GraphActivityFieldNames(); b[0] == "changed" {
		t.Errorf("GraphActivityFieldNames() returns shared memory")
	}
}

// TestGraphActivityFieldAppendAllocs pins the hot path: a field appends
// into room in dst without allocating.
func TestGraphActivityFieldAppendAllocs(t *testing.T) {
	full := fullGraphActivityEvent()
	for _, name := range []string{"properties.requestUri", "properties.userAgent", "user_id", "src"} {
		f, err := event.LookupGraphActivityField(name)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]string, 0, 8)
		if allocs := testing.AllocsPerRun(100, func() { dst = f.Append(dst[:0], &full) }); allocs != 0 {
			t.Errorf("Append(%s) with room in dst: %v allocations, want 0", name, allocs)
		}
	}
}
