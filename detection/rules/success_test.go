package rules_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/detectiontest"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
	"github.com/escudo-dev/escudo/risk"
)

// successTenant is the tenant of the constructed sign-ins.
const successTenant = "11111111-2222-4333-8444-555555555555"

// successRec is a sign-in to turn into an Azure Monitor record: only what
// the successful-authentication rules read.
type successRec struct {
	at       string // createdDateTime; the envelope time is 2 s later
	category string
	user     string
	ip       string // callerIpAddress and properties.ipAddress; "" for none
	code     int
	reason   string // status.failureReason; "" for none
	steps    string // one per authentication step: T succeeded, F failed, N null
	req      string // authenticationRequirement; "" means singleFactorAuthentication
	proto    string // authenticationProtocol; "" means none
	ua       string // userAgent; "" for none
	noTenant bool   // leave tenantId out
}

// successLine renders r as one storage-blob (PT1H.json) record.
func successLine(t *testing.T, r successRec) string {
	t.Helper()
	created, err := time.Parse(time.RFC3339Nano, r.at)
	if err != nil {
		t.Fatal(err)
	}
	var steps []any
	for _, s := range r.steps {
		var ok any
		switch s {
		case 'T':
			ok = true
		case 'F':
			ok = false
		}
		steps = append(steps, map[string]any{"authenticationMethod": "Password", "succeeded": ok})
	}
	status := map[string]any{"errorCode": r.code}
	if r.reason != "" {
		status["failureReason"] = r.reason
	}
	props := map[string]any{
		"createdDateTime":           created.Format(time.RFC3339Nano),
		"userPrincipalName":         r.user,
		"ipAddress":                 r.ip,
		"status":                    status,
		"authenticationDetails":     steps,
		"authenticationRequirement": successOr(r.req, "singleFactorAuthentication"),
		"authenticationProtocol":    successOr(r.proto, "none"),
	}
	if r.ua != "" {
		props["userAgent"] = r.ua
	}
	rec := map[string]any{
		"time":            created.Add(2 * time.Second).Format(time.RFC3339Nano),
		"operationName":   "Sign-in activity",
		"category":        r.category,
		"resultType":      "0",
		"callerIpAddress": r.ip,
		"properties":      props,
	}
	if !r.noTenant {
		rec["tenantId"] = successTenant
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func successOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// successRun runs d alone over the records and returns its findings as
// JSON lines.
func successRun(t *testing.T, d detection.Detection[event.SignInEvent], recs []successRec) []string {
	t.Helper()
	var in strings.Builder
	for _, r := range recs {
		in.WriteString(successLine(t, r))
		in.WriteByte('\n')
	}
	eng, err := detection.NewEngine(detection.Options{}, of(d)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(in.String())))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Bad != 0 || res.Counts.Decoded+res.Counts.Prefiltered != int64(len(recs)) {
		t.Fatalf("input does not decode cleanly: %+v", res.Counts)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, string(f.AppendJSON(nil)))
	}
	return got
}

type successCase struct {
	name   string
	reason string
	recs   []successRec
	want   []string
}

func successCheck(t *testing.T, d detection.Detection[event.SignInEvent], tests []successCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := successRun(t, d, tc.recs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nfindings mismatch (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

const (
	successSI  = "SignInLogs"
	successNI  = "NonInteractiveUserSignInLogs"
	successU   = "adele.vance@example.com"
	successIP1 = "203.0.113.10"
	successIP2 = "198.51.100.20"
	successIP3 = "192.0.2.30"
)

func TestSuccessDifferentIPsGrouping(t *testing.T) {
	head := `{"user":"adele.vance@example.com","vendor_account":"` + successTenant + `","vendor_product":"Azure AD","signature":"Sign-in activity",`
	dest := `"dest":["` + successTenant + `"]`
	successCheck(t, rules.AzureADSuccessfulAuthenticationFromDifferentIPs(), []successCase{
		{
			name:   "two addresses",
			reason: "two successful sign-ins from two addresses in one 30-minute bin: unique_ips 2 > 1",
			recs: []successRec{
				{at: "2025-03-10T09:02:11Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-10T09:17:40.5Z", category: successSI, user: successU, ip: successIP2, steps: "T"},
			},
			want: []string{head + `"_time":"2025-03-10T09:00:00","count":2,"firstTime":"2025-03-10T09:00:00","lastTime":"2025-03-10T09:00:00","unique_ips":2,` + dest + `,"src":["198.51.100.20","203.0.113.10"]}`},
		},
		{
			name:   "one address",
			reason: "at the threshold: unique_ips 1 is not > 1",
			recs: []successRec{
				{at: "2025-03-10T09:02:11Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-10T09:17:40Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-10T09:29:59Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
			},
		},
		{
			name: "bin straddle",
			reason: "deviation: 09:29:59 and 09:30:00 fall in different 30-minute bins and escudo groups by the bin, " +
				"so two addresses one second apart across the edge make no finding (the SPL as written would count them together)",
			recs: []successRec{
				{at: "2025-03-10T09:29:59Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-10T09:30:00Z", category: successSI, user: successU, ip: successIP2, steps: "T"},
			},
		},
		{
			name:   "bin straddle, second bin over",
			reason: "the 09:30 bin holds 09:30:00 and 09:59:59 only: count 2, not 3, and only their addresses",
			recs: []successRec{
				{at: "2025-03-10T09:29:59Z", category: successSI, user: successU, ip: successIP3, steps: "T"},
				{at: "2025-03-10T09:30:00Z", category: successSI, user: successU, ip: successIP2, steps: "T"},
				{at: "2025-03-10T09:59:59.999Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
			},
			want: []string{head + `"_time":"2025-03-10T09:30:00","count":2,"firstTime":"2025-03-10T09:30:00","lastTime":"2025-03-10T09:30:00","unique_ips":2,` + dest + `,"src":["198.51.100.20","203.0.113.10"]}`},
		},
		{
			name:   "any step succeeded",
			reason: "succeeded=true holds when any step succeeded: a password step that passed before a failed MFA step (500121) counts",
			recs: []successRec{
				{at: "2025-03-10T15:04:00Z", category: successSI, user: successU, ip: successIP1, code: 500121, reason: "Authentication failed during strong authentication request.", steps: "TF"},
				{at: "2025-03-10T15:06:30Z", category: successSI, user: successU, ip: successIP2, steps: "TT"},
			},
			want: []string{head + `"_time":"2025-03-10T15:00:00","count":2,"firstTime":"2025-03-10T15:00:00","lastTime":"2025-03-10T15:00:00","unique_ips":2,` + dest + `,"src":["198.51.100.20","203.0.113.10"]}`},
		},
		{
			name:   "no step succeeded",
			reason: "a failed password, a null succeeded and no steps at all do not match, so only one address remains",
			recs: []successRec{
				{at: "2025-03-10T15:04:00Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-10T15:05:00Z", category: successSI, user: successU, ip: successIP2, code: 50126, reason: "Invalid username or password or Invalid on-premise username or password.", steps: "F"},
				{at: "2025-03-10T15:06:00Z", category: successSI, user: successU, ip: successIP2, steps: "N"},
				{at: "2025-03-10T15:07:00Z", category: successSI, user: successU, ip: successIP3},
			},
		},
		{
			name:   "other category",
			reason: "category=SignInLogs: a non-interactive success from a second address does not match",
			recs: []successRec{
				{at: "2025-03-10T15:04:00Z", category: successSI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-10T15:05:00Z", category: successNI, user: successU, ip: successIP2, steps: "T"},
			},
		},
		{
			name:   "fillnull",
			reason: `fillnull: a sign-in with no client address has src "0", which dc(src) counts; a missing tenant fills dest and vendor_account with "0"`,
			recs: []successRec{
				{at: "2025-03-10T16:05:00Z", category: successSI, user: successU, ip: successIP1, steps: "T", noTenant: true},
				{at: "2025-03-10T16:06:10Z", category: successSI, user: successU, steps: "T", noTenant: true},
			},
			want: []string{`{"user":"adele.vance@example.com","vendor_account":"0","vendor_product":"Azure AD","signature":"Sign-in activity","_time":"2025-03-10T16:00:00","count":2,"firstTime":"2025-03-10T16:00:00","lastTime":"2025-03-10T16:00:00","unique_ips":2,"dest":["0"],"src":["0","203.0.113.10"]}`},
		},
	})
}

func TestSuccessConcurrentSessionsGrouping(t *testing.T) {
	head := func(bin string) string {
		return `{"user":"adele.vance@example.com","_time":"` + bin + `","vendor_account":"` + successTenant + `","vendor_product":"Azure AD","category":"NonInteractiveUserSignInLogs",`
	}
	dest := `"dest":["` + successTenant + `"]`
	successCheck(t, rules.AzureADConcurrentSessionsFromDifferentIPs(), []successCase{
		{
			name:   "two addresses",
			reason: "two successful non-interactive sign-ins from two addresses in one 5-minute bin",
			recs: []successRec{
				{at: "2025-03-11T08:01:10Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T08:03:45Z", category: successNI, user: successU, ip: successIP2, steps: "T", ua: "agent-b"},
			},
			want: []string{head("2025-03-11T08:00:00") + `"count":2,"firstTime":"2025-03-11T08:00:00","lastTime":"2025-03-11T08:00:00","unique_ips":2,` + dest + `,"src":["198.51.100.20","203.0.113.10"],"user_agent":["agent-a","agent-b"]}`},
		},
		{
			name:   "one address",
			reason: "at the threshold: unique_ips 1 is not > 1",
			recs: []successRec{
				{at: "2025-03-11T08:10:05Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T08:14:59Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
			},
		},
		{
			name:   "bin straddle",
			reason: "08:04:59 and 08:05:00 fall in different 5-minute bins: no bin has two addresses",
			recs: []successRec{
				{at: "2025-03-11T08:04:59Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T08:05:00Z", category: successNI, user: successU, ip: successIP2, steps: "T", ua: "agent-a"},
			},
		},
		{
			name: "success with failureReason",
			reason: `deviation: action=success is errorCode 0, so a success carrying failureReason "Other." counts ` +
				"(the Splunk add-on, which tests failureReason for null, would call it a failure)",
			recs: []successRec{
				{at: "2025-03-11T09:00:30Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T09:02:00Z", category: successNI, user: successU, ip: successIP2, reason: "Other.", steps: "T", ua: "agent-a"},
			},
			want: []string{head("2025-03-11T09:00:00") + `"count":2,"firstTime":"2025-03-11T09:00:00","lastTime":"2025-03-11T09:00:00","unique_ips":2,` + dest + `,"src":["198.51.100.20","203.0.113.10"],"user_agent":["agent-a"]}`},
		},
		{
			name: "failure without failureReason",
			reason: "deviation: a non-zero error code is not action=success even with no failureReason " +
				"(the Splunk add-on would call it a success); nor is a failure with one",
			recs: []successRec{
				{at: "2025-03-11T09:10:00Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T09:11:00Z", category: successNI, user: successU, ip: successIP2, code: 70044, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T09:12:00Z", category: successNI, user: successU, ip: successIP3, code: 50074, reason: "Strong Authentication is required.", steps: "T", ua: "agent-a"},
			},
		},
		{
			name:   "other category",
			reason: "category=NonInteractiveUserSignInLogs: an interactive success from a second address does not match",
			recs: []successRec{
				{at: "2025-03-11T09:20:00Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T09:21:00Z", category: successSI, user: successU, ip: successIP2, steps: "T", ua: "agent-a"},
			},
		},
		{
			name:   "no step succeeded",
			reason: "succeeded=true: a null succeeded or no steps do not match",
			recs: []successRec{
				{at: "2025-03-11T09:30:00Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-11T09:31:00Z", category: successNI, user: successU, ip: successIP2, steps: "N", ua: "agent-a"},
				{at: "2025-03-11T09:32:00Z", category: successNI, user: successU, ip: successIP3, ua: "agent-a"},
			},
		},
		{
			name:   "fillnull",
			reason: `fillnull: no userAgent gives user_agent "0", no address gives src "0", which dc(src) counts`,
			recs: []successRec{
				{at: "2025-03-11T09:40:00Z", category: successNI, user: successU, ip: successIP1, steps: "T"},
				{at: "2025-03-11T09:41:00Z", category: successNI, user: successU, steps: "T", ua: "agent-a"},
			},
			want: []string{head("2025-03-11T09:40:00") + `"count":2,"firstTime":"2025-03-11T09:40:00","lastTime":"2025-03-11T09:40:00","unique_ips":2,` + dest + `,"src":["0","203.0.113.10"],"user_agent":["0","agent-a"]}`},
		},
	})
}

func TestSuccessSingleFactorGrouping(t *testing.T) {
	row := func(src, ua, count, first, last string) string {
		return `{"dest":"` + successTenant + `","user":"adele.vance@example.com","src":"` + src + `","vendor_account":"` + successTenant +
			`","vendor_product":"Azure AD","user_agent":"` + ua + `","signature":"Sign-in activity","count":` + count +
			`,"firstTime":"` + first + `","lastTime":"` + last + `"}`
	}
	successCheck(t, rules.AzureADSuccessfulSingleFactorAuthentication(), []successCase{
		{
			name:   "single factor",
			reason: "single-factor successes group by address and agent; firstTime and lastTime are the true times, truncated",
			recs: []successRec{
				{at: "2025-03-12T13:40:05.75Z", category: successSI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-12T09:15:00.5Z", category: successSI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
				{at: "2025-03-12T12:00:00Z", category: successSI, user: successU, ip: successIP1, steps: "T", ua: "agent-b"},
			},
			want: []string{
				row(successIP1, "agent-a", "2", "2025-03-12T09:15:00", "2025-03-12T13:40:05"),
				row(successIP1, "agent-b", "1", "2025-03-12T12:00:00", "2025-03-12T12:00:00"),
			},
		},
		{
			name:   "multi factor",
			reason: "authenticationRequirement=singleFactorAuthentication: a multi-factor sign-in does not match",
			recs: []successRec{
				{at: "2025-03-12T10:01:15Z", category: successSI, user: successU, ip: successIP1, steps: "TT", req: "multiFactorAuthentication", ua: "agent-a"},
			},
		},
		{
			name:   "exact value",
			reason: "values compare exactly: a differently cased requirement does not match",
			recs: []successRec{
				{at: "2025-03-12T10:01:15Z", category: successSI, user: successU, ip: successIP1, steps: "T", req: "SingleFactorAuthentication", ua: "agent-a"},
			},
		},
		{
			name:   "wrong password",
			reason: "succeeded=true: a single-factor sign-in whose only step failed does not match",
			recs: []successRec{
				{at: "2025-03-12T10:30:00Z", category: successSI, user: successU, ip: successIP1, code: 50126, steps: "F", ua: "agent-a"},
				{at: "2025-03-12T10:31:00Z", category: successSI, user: successU, ip: successIP1, steps: "N", ua: "agent-a"},
			},
		},
		{
			name:   "error code ignored",
			reason: "the SPL does not test the error code: a correct password followed by a declined consent (65004) matches",
			recs: []successRec{
				{at: "2025-03-12T14:03:09Z", category: successSI, user: successU, ip: successIP2, code: 65004, reason: "User declined to consent to access the app.", steps: "T", ua: "agent-a"},
			},
			want: []string{row(successIP2, "agent-a", "1", "2025-03-12T14:03:09", "2025-03-12T14:03:09")},
		},
		{
			name:   "other category",
			reason: "category=SignInLogs: a non-interactive single-factor success does not match",
			recs: []successRec{
				{at: "2025-03-12T15:00:00Z", category: successNI, user: successU, ip: successIP1, steps: "T", ua: "agent-a"},
			},
		},
		{
			name:   "fillnull",
			reason: `fillnull: a sign-in with no userAgent, address or tenant is kept, with "0" in those columns`,
			recs: []successRec{
				{at: "2025-03-12T16:05:00Z", category: successSI, user: successU, steps: "T", noTenant: true},
			},
			want: []string{`{"dest":"0","user":"adele.vance@example.com","src":"0","vendor_account":"0","vendor_product":"Azure AD","user_agent":"0","signature":"Sign-in activity","count":1,"firstTime":"2025-03-12T16:05:00","lastTime":"2025-03-12T16:05:00"}`},
		},
	})
}

func TestSuccessDeviceCodeGrouping(t *testing.T) {
	row := func(src, ua, count, first, last string) string {
		return `{"dest":"` + successTenant + `","user":"adele.vance@example.com","src":"` + src + `","vendor_account":"` + successTenant +
			`","vendor_product":"Azure AD","user_agent":"` + ua + `","category":"SignInLogs","count":` + count +
			`,"firstTime":"` + first + `","lastTime":"` + last + `"}`
	}
	successCheck(t, rules.AzureADDeviceCodeAuthentication(), []successCase{
		{
			name:   "device code",
			reason: "device-code sign-ins match whatever their outcome: a failure and a success group together",
			recs: []successRec{
				{at: "2025-03-13T11:31:07Z", category: successSI, user: successU, ip: successIP3, code: 50126, steps: "F", proto: "deviceCode", ua: "agent-a"},
				{at: "2025-03-13T11:33:50Z", category: successSI, user: successU, ip: successIP3, steps: "T", proto: "deviceCode", ua: "agent-a"},
			},
			want: []string{row(successIP3, "agent-a", "2", "2025-03-13T11:31:07", "2025-03-13T11:33:50")},
		},
		{
			name:   "other protocols",
			reason: `authenticationProtocol=deviceCode: ropc, none and a differently cased "DeviceCode" do not match`,
			recs: []successRec{
				{at: "2025-03-13T11:35:00Z", category: successSI, user: successU, ip: successIP3, steps: "T", proto: "ropc", ua: "agent-a"},
				{at: "2025-03-13T11:36:00Z", category: successSI, user: successU, ip: successIP3, steps: "T", ua: "agent-a"},
				{at: "2025-03-13T11:37:00Z", category: successSI, user: successU, ip: successIP3, steps: "T", proto: "DeviceCode", ua: "agent-a"},
			},
		},
		{
			name:   "other category",
			reason: "category=SignInLogs: a non-interactive device-code refresh does not match",
			recs: []successRec{
				{at: "2025-03-13T12:00:00Z", category: successNI, user: successU, ip: successIP2, steps: "T", proto: "deviceCode", ua: "agent-a"},
			},
		},
		{
			name:   "fillnull",
			reason: `fillnull: no address and no userAgent give src and user_agent "0"; the sign-in is kept`,
			recs: []successRec{
				{at: "2025-03-13T13:00:00Z", category: successSI, user: successU, steps: "T", proto: "deviceCode"},
			},
			want: []string{row("0", "0", "1", "2025-03-13T13:00:00", "2025-03-13T13:00:00")},
		},
	})
}

// TestSuccessMatch pins each rule's base search on typed events.
func TestSuccessMatch(t *testing.T) {
	yes, no := true, false
	zero, failed := int32(0), int32(50126)
	ev := func(category string, code *int32, req, proto string, steps ...*bool) *event.SignInEvent {
		e := &event.SignInEvent{
			UserPrincipalName:         successU,
			AuthenticationRequirement: req,
			AuthenticationProtocol:    proto,
			Status:                    event.Status{ErrorCode: code},
			Envelope:                  event.Envelope{Category: category},
		}
		for _, s := range steps {
			e.AuthenticationDetails = append(e.AuthenticationDetails, event.AuthenticationDetail{Succeeded: s})
		}
		return e
	}
	ips := rules.AzureADSuccessfulAuthenticationFromDifferentIPs()
	sessions := rules.AzureADConcurrentSessionsFromDifferentIPs()
	single := rules.AzureADSuccessfulSingleFactorAuthentication()
	device := rules.AzureADDeviceCodeAuthentication()
	tests := []struct {
		name   string
		reason string
		rule   detection.Detection[event.SignInEvent]
		ev     *event.SignInEvent
		want   bool
	}{
		{"ips/succeeded", "an interactive sign-in with a succeeded step", ips, ev(successSI, &zero, "", "", &yes), true},
		{"ips/second step", "any step, not only the first", ips, ev(successSI, &failed, "", "", &no, &yes), true},
		{"ips/failed", "no step succeeded", ips, ev(successSI, &failed, "", "", &no), false},
		{"ips/null step", "a null succeeded is not true", ips, ev(successSI, &zero, "", "", nil), false},
		{"ips/no steps", "no authentication details", ips, ev(successSI, &zero, "", ""), false},
		{"ips/non-interactive", "the wrong category", ips, ev(successNI, &zero, "", "", &yes), false},
		{"ips/graph", "a Graph record has no category", ips, ev("", &zero, "", "", &yes), false},
		{"sessions/success", "non-interactive, errorCode 0, a succeeded step", sessions, ev(successNI, &zero, "", "", &yes), true},
		{"sessions/failure", "a non-zero error code is not action=success", sessions, ev(successNI, &failed, "", "", &yes), false},
		{"sessions/null code", "a null error code has no action", sessions, ev(successNI, nil, "", "", &yes), false},
		{"sessions/no step", "no step succeeded", sessions, ev(successNI, &zero, "", "", &no), false},
		{"sessions/interactive", "the wrong category", sessions, ev(successSI, &zero, "", "", &yes), false},
		{"single/match", "single-factor, interactive, a succeeded step", single, ev(successSI, &zero, "singleFactorAuthentication", "", &yes), true},
		{"single/multi", "multi-factor", single, ev(successSI, &zero, "multiFactorAuthentication", "", &yes, &yes), false},
		{"single/missing", "no requirement", single, ev(successSI, &zero, "", "", &yes), false},
		{"single/failed", "no step succeeded", single, ev(successSI, &failed, "singleFactorAuthentication", "", &no), false},
		{"single/non-interactive", "the wrong category", single, ev(successNI, &zero, "singleFactorAuthentication", "", &yes), false},
		{"device/match", "device code, interactive", device, ev(successSI, &zero, "", "deviceCode", &yes), true},
		{"device/failed", "outcome is not tested", device, ev(successSI, &failed, "", "deviceCode", &no), true},
		{"device/no steps", "steps are not tested", device, ev(successSI, nil, "", "deviceCode"), true},
		{"device/ropc", "another protocol", device, ev(successSI, &zero, "", "ropc", &yes), false},
		{"device/non-interactive", "the wrong category", device, ev(successNI, &zero, "", "deviceCode", &yes), false},
		{"device/full", "detectiontest.Full has no envelope", device, detectiontest.Full(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.rule.Match(tc.ev); got != tc.want {
				t.Errorf("Match = %v, want %v: %s", got, tc.want, tc.reason)
			}
		})
	}
}

// TestSuccessMatchAllocs checks that Match does not allocate, on matching
// and non-matching events.
func TestSuccessMatchAllocs(t *testing.T) {
	yes := true
	zero := int32(0)
	evs := []*event.SignInEvent{
		{}, detectiontest.Full(),
		{
			AuthenticationRequirement: "singleFactorAuthentication", AuthenticationProtocol: "deviceCode",
			Status:                event.Status{ErrorCode: &zero},
			AuthenticationDetails: []event.AuthenticationDetail{{Succeeded: &yes}},
			Envelope:              event.Envelope{Category: successSI},
		},
	}
	for _, d := range successRules() {
		for i, ev := range evs {
			if n := testing.AllocsPerRun(100, func() { d.Match(ev) }); n != 0 {
				t.Errorf("%s: Match on event %d allocates %v times, want 0", d.Meta().Name, i, n)
			}
		}
	}
}

func successRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
		rules.AzureADSuccessfulAuthenticationFromDifferentIPs(),
		rules.AzureADConcurrentSessionsFromDifferentIPs(),
		rules.AzureADSuccessfulSingleFactorAuthentication(),
		rules.AzureADDeviceCodeAuthentication(),
	}
}

// TestSuccessCatalogue checks that the group is in the catalogue, in order.
func TestSuccessCatalogue(t *testing.T) {
	var got []string
	for _, d := range rules.SignIns() {
		for _, s := range successRules() {
			if d.Meta().Name == s.Meta().Name {
				got = append(got, d.Meta().Name)
			}
		}
	}
	want := []string{
		"Azure AD Successful Authentication From Different Ips",
		"Azure AD Concurrent Sessions From Different Ips",
		"Azure AD Successful Single-Factor Authentication",
		"Azure AD Device Code Authentication",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("catalogue mismatch (-want +got):\n%s", diff)
	}
}

// successMeta is the part of a rule's metadata the tests pin.
type successMeta struct {
	ID, Name, Date, Status, Type string
	Version                      int
	DataSource                   []string
	Stories, MITRE               []string
	Domain, Asset                string
	RBA                          risk.Spec
	Columns                      []string
	Span                         time.Duration
	FillNull                     bool
	Where                        []string
	Filter                       string // the filter macro that ends the SPL
}

func TestSuccessMeta(t *testing.T) {
	ipRisk := func(msg string, score int) risk.Spec {
		return risk.Spec{
			Message:       msg,
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: score}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		}
	}
	tests := []struct {
		name   string
		reason string
		rule   detection.Detection[event.SignInEvent]
		want   successMeta
	}{
		{
			name:   "different ips",
			reason: "ESCU develop 2025-08, with _time added to the BY clause (deviation)",
			rule:   rules.AzureADSuccessfulAuthenticationFromDifferentIPs(),
			want: successMeta{
				ID: "be6d868d-33b6-4aaa-912e-724fb555b11a", Name: "Azure AD Successful Authentication From Different Ips",
				Date: "2025-05-02", Status: "production", Type: "TTP", Version: 10,
				DataSource: []string{"Azure Active Directory"},
				Stories:    []string{"Compromised User Account", "Azure Active Directory Account Takeover"},
				MITRE:      []string{"T1110.001", "T1110.003"}, Domain: "identity", Asset: "Azure Tenant",
				RBA:     ipRisk("User $user$ has had successful authentication events from more than one unique IP address in the span of 30 minutes.", 56),
				Columns: []string{"user", "vendor_account", "vendor_product", "signature", "_time", "count", "firstTime", "lastTime", "unique_ips", "dest", "src"},
				Span:    30 * time.Minute, FillNull: true, Where: []string{"unique_ips > 1"},
				Filter: "`azure_ad_successful_authentication_from_different_ips_filter`",
			},
		},
		{
			name:   "concurrent sessions",
			reason: "ESCU develop 2025-08; its security domain is threat",
			rule:   rules.AzureADConcurrentSessionsFromDifferentIPs(),
			want: successMeta{
				ID: "a9126f73-9a9b-493d-96ec-0dd06695490d", Name: "Azure AD Concurrent Sessions From Different Ips",
				Date: "2025-05-02", Status: "production", Type: "TTP", Version: 10,
				DataSource: []string{"Azure Active Directory"},
				Stories:    []string{"Compromised User Account", "Azure Active Directory Account Takeover"},
				MITRE:      []string{"T1185"}, Domain: "threat", Asset: "Azure Tenant",
				RBA:     ipRisk("User $user$ has concurrent sessions from more than one unique IP address in the span of 5 minutes.", 42),
				Columns: []string{"user", "_time", "vendor_account", "vendor_product", "category", "count", "firstTime", "lastTime", "unique_ips", "dest", "src", "user_agent"},
				Span:    5 * time.Minute, FillNull: true, Where: []string{"unique_ips > 1"},
				Filter: "`azure_ad_concurrent_sessions_from_different_ips_filter`",
			},
		},
		{
			name:   "single factor",
			reason: "ESCU develop 2025-08",
			rule:   rules.AzureADSuccessfulSingleFactorAuthentication(),
			want: successMeta{
				ID: "a560e7f6-1711-4353-885b-40be53101fcd", Name: "Azure AD Successful Single-Factor Authentication",
				Date: "2025-05-02", Status: "production", Type: "TTP", Version: 9,
				DataSource: []string{"Azure Active Directory"},
				Stories:    []string{"Azure Active Directory Account Takeover"},
				MITRE:      []string{"T1078.004", "T1586.003"}, Domain: "identity", Asset: "Azure Active Directory",
				RBA:      ipRisk("Successful authentication for user $user$ without MFA", 45),
				Columns:  []string{"dest", "user", "src", "vendor_account", "vendor_product", "user_agent", "signature", "count", "firstTime", "lastTime"},
				FillNull: true,
				Filter:   "`azure_ad_successful_single_factor_authentication_filter`",
			},
		},
		{
			name:   "device code",
			reason: "ESCU develop 2025-08",
			rule:   rules.AzureADDeviceCodeAuthentication(),
			want: successMeta{
				ID: "d68d8732-6f7e-4ee5-a6eb-737f2b990b91", Name: "Azure AD Device Code Authentication",
				Date: "2025-05-02", Status: "production", Type: "TTP", Version: 8,
				DataSource: []string{"Azure Active Directory"},
				Stories:    []string{"Azure Active Directory Account Takeover"},
				MITRE:      []string{"T1528", "T1566.002"}, Domain: "identity", Asset: "Azure Tenant",
				RBA:      ipRisk("Device code requested for $user$ from $src$", 35),
				Columns:  []string{"dest", "user", "src", "vendor_account", "vendor_product", "user_agent", "category", "count", "firstTime", "lastTime"},
				FillNull: true,
				Filter:   "`azure_ad_device_code_authentication_filter`",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.rule.Meta()
			g := tc.rule.Grouping()
			eng, err := detection.NewEngine(detection.Options{}, of(tc.rule)...)
			if err != nil {
				t.Fatal(err)
			}
			var where []string
			for _, c := range g.Where {
				where = append(where, c.String())
			}
			lines := strings.Split(m.Search, "\n")
			got := successMeta{
				ID: m.ID, Name: m.Name, Date: m.Date, Status: m.Status, Type: m.Type, Version: m.Version,
				DataSource: m.DataSource, Stories: m.Tags.AnalyticStory, MITRE: m.Tags.MITREAttackID,
				Domain: m.Tags.SecurityDomain, Asset: m.Tags.AssetType, RBA: m.RBA,
				Columns: eng.Columns(m.Name), Span: g.Span, FillNull: g.FillNull, Where: where,
				Filter: strings.TrimPrefix(lines[len(lines)-1], "| "),
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nmetadata mismatch (-want +got):\n%s", tc.reason, diff)
			}
			if g.Then != nil {
				t.Error("the rule has a Then stage; its SPL has no eventstats")
			}
			for _, dd := range m.Drilldowns {
				if !strings.Contains(dd.Name, "$user$") || !strings.Contains(dd.Search, "$user$") {
					t.Errorf("drilldown %q does not use the risk object $user$", dd.Name)
				}
			}
			if len(m.Drilldowns) != 2 {
				t.Errorf("%d drilldowns, want ESCU's 2", len(m.Drilldowns))
			}
		})
	}
}

// TestSuccessPrefilter checks each rule's declared literals and that the
// engine's prefilter and parallel workers change none of its findings, over
// its own sample and over the shared dataset in the Azure Monitor and Log
// Analytics formats.
func TestSuccessPrefilter(t *testing.T) {
	want := map[string][]string{
		"Azure AD Successful Authentication From Different Ips": {"SignInLogs"},
		"Azure AD Concurrent Sessions From Different Ips":       {"NonInteractiveUserSignInLogs"},
		"Azure AD Successful Single-Factor Authentication":      {"singleFactorAuthentication"},
		"Azure AD Device Code Authentication":                   {"deviceCode"},
	}
	for _, d := range successRules() {
		name := d.Meta().Name
		t.Run(sample.Slug(name), func(t *testing.T) {
			l, ok := d.(detection.Literals)
			if !ok {
				t.Fatal("the rule declares no literals")
			}
			if diff := cmp.Diff(want[name], l.Literals()); diff != "" {
				t.Errorf("literals mismatch (-want +got):\n%s", diff)
			}
			for _, path := range []string{
				testdata(sample.Slug(name), "signins.jsonl"),
				testdata("formats", "azure-monitor-blob.jsonl"),
				testdata("formats", "log-analytics.jsonl"),
			} {
				plain := successRunFile(t, detection.Options{DecodeAll: true}, d, path)
				for _, opts := range []detection.Options{{}, {Workers: 3}, {DecodeAll: true, Workers: 3}} {
					got := successRunFile(t, opts, d, path)
					if diff := cmp.Diff(plain, got); diff != "" {
						t.Errorf("%s with %+v: findings differ from a plain run (-plain +got):\n%s", path, opts, diff)
					}
				}
			}
		})
	}
}

func successRunFile(t *testing.T, opts detection.Options, d detection.Detection[event.SignInEvent], path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	eng, err := detection.NewEngine(opts, of(d)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, fd := range res.Findings {
		got = append(got, string(fd.AppendJSON(nil)))
	}
	return got
}

// BenchmarkSuccessMatch runs each rule's Match over its decoded sample.
func BenchmarkSuccessMatch(b *testing.B) {
	for _, d := range successRules() {
		b.Run(sample.Slug(d.Meta().Name), func(b *testing.B) {
			f, err := os.Open(testdata(sample.Slug(d.Meta().Name), "signins.jsonl"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			evs, err := event.NewReader(f).ReadAll()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for i := range evs {
					d.Match(&evs[i])
				}
			}
		})
	}
}
