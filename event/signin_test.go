package event_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/event"
	"github.com/google/go-cmp/cmp"
)

func ptr[T any](v T) *T { return &v }

// fullEvent returns a sign-in with every field set, so that tests of Clone
// and of the field accessors see every pointer and slice populated. Each
// call returns fresh memory.
func fullEvent() event.SignInEvent {
	return event.SignInEvent{
		ID:                      "7c10c31a-fbed-4215-8d6f-105ad2a3c48a",
		CreatedDateTime:         time.Date(2025, 3, 14, 10, 55, 12, 123456700, time.FixedZone("CET+2", 2*60*60)),
		UserDisplayName:         "Megan Bowen",
		UserPrincipalName:       "megan.bowen@example.com",
		UserID:                  "53faa3c4-3ea9-4123-8d95-5eaf07cedcf1",
		AppID:                   "d3590ed6-52b3-4102-aeff-aad2292ab01c",
		AppDisplayName:          "Microsoft Office",
		IPAddress:               "203.0.113.24",
		ClientAppUsed:           "Browser",
		CorrelationID:           "d89fc652-6fcc-4e07-bdab-946af700d2d6",
		ConditionalAccessStatus: "failure",
		IsInteractive:           ptr(true),
		RiskDetail:              "userPassedMFADrivenByRiskBasedPolicy",
		RiskLevelAggregated:     "medium",
		RiskLevelDuringSignIn:   "high",
		RiskState:               "remediated",
		RiskEventTypes:          []string{"unfamiliarFeatures", "", "anonymizedIPAddress"},
		RiskEventTypesV2:        []string{"unfamiliarFeatures", "anonymizedIPAddress"},
		ResourceDisplayName:     "Microsoft Graph",
		ResourceID:              "00000003-0000-0000-c000-000000000000",
		Status: event.Status{
			ErrorCode:         ptr(int32(65004)),
			FailureReason:     "User declined to consent to access the app.",
			AdditionalDetails: "MFA denied; user declined the authentication",
		},
		DeviceDetail: event.DeviceDetail{
			Browser:         "Edge 122.0.0",
			DeviceID:        "65984e65-6b3a-41df-8e24-d109577afdc5",
			DisplayName:     "DESKTOP-7H2K9QX",
			IsCompliant:     ptr(false),
			IsManaged:       ptr(true),
			OperatingSystem: "Windows 10",
			TrustType:       "Azure AD joined",
		},
		Location: event.Location{
			City:            "Redmond",
			State:           "Washington",
			CountryOrRegion: "US",
			GeoCoordinates: event.GeoCoordinates{
				Altitude:  ptr(152.4),
				Latitude:  ptr(47.674),
				Longitude: ptr(-122.121),
			},
		},
		AppliedConditionalAccessPolicies: []event.AppliedConditionalAccessPolicy{
			{
				ID:                      "079a965b-e9f8-44c4-9f9f-90e7475621ac",
				DisplayName:             "CA001: Require MFA for all users",
				EnforcedGrantControls:   []string{"Mfa", "CompliantDevice"},
				EnforcedSessionControls: []string{"SignInFrequency"},
				Result:                  "failure",
			},
			{
				ID:                      "4eac0e94-1b72-439a-894b-ee8c0094a8d0",
				DisplayName:             "",
				EnforcedGrantControls:   []string{"", "Block"},
				EnforcedSessionControls: []string{},
				Result:                  "notApplied",
			},
		},
		AuthenticationDetails: []event.AuthenticationDetail{
			{
				AuthenticationMethod:           "Password",
				AuthenticationMethodDetail:     "Password in the cloud",
				AuthenticationStepDateTime:     time.Date(2025, 3, 14, 8, 55, 12, 0, time.UTC),
				AuthenticationStepRequirement:  "Primary authentication",
				AuthenticationStepResultDetail: "Correct password",
				Succeeded:                      ptr(true),
			},
			{
				AuthenticationMethod:           "Mobile app notification",
				AuthenticationStepDateTime:     time.Date(2025, 3, 14, 8, 55, 40, 0, time.UTC),
				AuthenticationStepResultDetail: "MFA denied; user declined the authentication",
				Succeeded:                      ptr(false),
			},
		},
		AuthenticationRequirement:    "multiFactorAuthentication",
		AuthenticationProtocol:       "none",
		UserAgent:                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/122.0.0.0",
		UserType:                     "member",
		TokenIssuerType:              "AzureAD",
		CrossTenantAccessType:        "none",
		ServicePrincipalID:           "",
		ServicePrincipalName:         "",
		ProcessingTimeInMilliseconds: ptr(int32(142)),
		MFADetail:                    event.MFADetail{AuthMethod: "PhoneAppNotification", AuthDetail: "+X XXXXXXXX12"},
		Envelope: event.Envelope{
			Format:        event.AzureMonitor,
			Time:          time.Date(2025, 3, 14, 8, 57, 0, 0, time.UTC),
			Category:      "SignInLogs",
			OperationName: "Sign-in activity",
			ResultType:    "65004",
			TenantID:      "0a1b2c3d-0000-4000-8000-000000000001",
			Location:      "US",
		},
	}
}

// references collects the address of every pointer target and slice backing
// array reachable from v, keyed by address, with the path where it was found.
func references(v reflect.Value, path string, into map[uintptr]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		into[v.Pointer()] = path
		references(v.Elem(), path, into)
	case reflect.Slice:
		if v.Cap() > 0 {
			into[v.Pointer()] = path
		}
		for i := range v.Len() {
			references(v.Index(i), fmt.Sprintf("%s[%d]", path, i), into)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return // immutable; its *Location is shared by design
		}
		for i := range v.NumField() {
			references(v.Field(i), path+"."+v.Type().Field(i).Name, into)
		}
	}
}

func TestClone(t *testing.T) {
	orig := fullEvent()
	clone := orig.Clone()
	if diff := cmp.Diff(orig, clone); diff != "" {
		t.Fatalf("Clone() differs from the original (-want +got):\n%s", diff)
	}

	origRefs := map[uintptr]string{}
	references(reflect.ValueOf(orig), "e", origRefs)
	cloneRefs := map[uintptr]string{}
	references(reflect.ValueOf(clone), "e", cloneRefs)
	if len(origRefs) == 0 {
		t.Fatal("fullEvent has no pointers or slices; the test checks nothing")
	}
	for addr, path := range cloneRefs {
		if p, ok := origRefs[addr]; ok {
			t.Errorf("clone %s shares memory with original %s", path, p)
		}
	}

	// Writing through every pointer and slice of the clone leaves the
	// original as it was.
	*clone.IsInteractive = false
	clone.RiskEventTypes[0] = "changed"
	clone.RiskEventTypesV2[0] = "changed"
	*clone.Status.ErrorCode = 0
	*clone.DeviceDetail.IsCompliant = true
	*clone.DeviceDetail.IsManaged = false
	*clone.Location.GeoCoordinates.Altitude = 1
	*clone.Location.GeoCoordinates.Latitude = 1
	*clone.Location.GeoCoordinates.Longitude = 1
	clone.AppliedConditionalAccessPolicies[0].ID = "changed"
	clone.AppliedConditionalAccessPolicies[0].EnforcedGrantControls[0] = "changed"
	clone.AppliedConditionalAccessPolicies[0].EnforcedSessionControls[0] = "changed"
	clone.AppliedConditionalAccessPolicies[1].EnforcedGrantControls[1] = "changed"
	*clone.AuthenticationDetails[0].Succeeded = false
	*clone.AuthenticationDetails[1].Succeeded = true
	clone.AuthenticationDetails[1].AuthenticationMethod = "changed"
	*clone.ProcessingTimeInMilliseconds = 0
	if diff := cmp.Diff(fullEvent(), orig); diff != "" {
		t.Errorf("writing to the clone changed the original (-want +got):\n%s", diff)
	}
}

func TestCloneEmpty(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		in     event.SignInEvent
	}{
		{
			name:   "zero",
			reason: "nil pointers and nil slices stay nil",
			in:     event.SignInEvent{},
		},
		{
			name:   "empty slices",
			reason: "empty non-nil slices, as decoded from [], stay empty and non-nil",
			in: event.SignInEvent{
				RiskEventTypes:   []string{},
				RiskEventTypesV2: []string{},
				AppliedConditionalAccessPolicies: []event.AppliedConditionalAccessPolicy{
					{EnforcedGrantControls: []string{}},
				},
			},
		},
		{
			name:   "empty policy list",
			reason: "an empty, non-nil policy list stays non-nil",
			in:     event.SignInEvent{AppliedConditionalAccessPolicies: []event.AppliedConditionalAccessPolicy{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Clone()
			if diff := cmp.Diff(tt.in, got); diff != "" {
				t.Errorf("Clone() mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestTime(t *testing.T) {
	e := fullEvent()
	if got, want := e.Time(), e.CreatedDateTime; !got.Equal(want) {
		t.Errorf("Time() = %v, want CreatedDateTime %v", got, want)
	}
}

// logLine logs ev through a text handler without the record's own time, and
// returns the line.
func logLine(ev *event.SignInEvent) string {
	var buf bytes.Buffer
	h := slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
	slog.New(h).Info("sign-in", "event", ev)
	return buf.String()
}

func TestLogValue(t *testing.T) {
	full := fullEvent()
	noCode := fullEvent()
	noCode.Status.ErrorCode = nil
	tests := []struct {
		name   string
		reason string
		ev     *event.SignInEvent
		want   string
	}{
		{
			name:   "full",
			reason: "who, when, where from and the outcome; no device or location details",
			ev:     &full,
			want: "level=INFO msg=sign-in event.id=7c10c31a-fbed-4215-8d6f-105ad2a3c48a" +
				" event.time=2025-03-14T10:55:12.123+02:00 event.user=megan.bowen@example.com" +
				" event.ip=203.0.113.24 event.app=\"Microsoft Office\" event.errorCode=65004\n",
		},
		{
			name:   "null error code",
			reason: "a null errorCode is left out rather than logged as 0 (success)",
			ev:     &noCode,
			want: "level=INFO msg=sign-in event.id=7c10c31a-fbed-4215-8d6f-105ad2a3c48a" +
				" event.time=2025-03-14T10:55:12.123+02:00 event.user=megan.bowen@example.com" +
				" event.ip=203.0.113.24 event.app=\"Microsoft Office\"\n",
		},
		{
			name:   "zero",
			reason: "an empty event logs empty values, not a panic",
			ev:     &event.SignInEvent{},
			want:   "level=INFO msg=sign-in event.id=\"\" event.time=0001-01-01T00:00:00.000Z event.user=\"\" event.ip=\"\" event.app=\"\"\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := logLine(tt.ev)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("log line mismatch (%s) (-want +got):\n%s", tt.reason, diff)
			}
			for _, private := range []string{
				full.DeviceDetail.DisplayName, full.DeviceDetail.DeviceID, full.DeviceDetail.Browser,
				full.Location.City, full.Location.State, "47.674", "-122.121", full.UserAgent, full.MFADetail.AuthDetail,
			} {
				if bytes.Contains([]byte(got), []byte(private)) {
					t.Errorf("log line %q contains private detail %q", got, private)
				}
			}
		})
	}
}
