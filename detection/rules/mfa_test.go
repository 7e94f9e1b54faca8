package rules_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

// The tenant of the constructed records.
const mfaTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// MFA result texts as Entra writes them.
const (
	mfaDeclined  = "MFA denied; user declined the authentication"
	mfaNoAnswer  = "MFA denied; user did not respond to mobile app notification"
	mfaCompleted = "MFA successfully completed"
	mfaUAChrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/122.0.0.0 Safari/537.36"
)

// mfaRec is one constructed Azure Monitor sign-in record. Empty strings
// leave a key out (or null it, for the status texts).
type mfaRec struct {
	at       string // properties.createdDateTime; the envelope time is 2 s later
	category string
	op       string
	user     string
	ip       string
	app      string
	code     int
	reason   string
	details  string
	ua       string
	steps    [][2]string // authenticationMethod, authenticationStepResultDetail
	mfa      string      // mfaDetail.authMethod
}

// mfaSignIn returns a failed-MFA sign-in of user at the given time.
func mfaSignIn(at, user, details string) mfaRec {
	return mfaRec{
		at: at, category: "SignInLogs", op: "Sign-in activity", user: user, ip: "203.0.113.90",
		app: "Microsoft Office", code: 500121, reason: "Authentication failed during strong authentication request.",
		details: details, ua: mfaUAChrome,
		steps: [][2]string{{"Password", "Correct password"}, {"Mobile app notification", details}},
		mfa:   "Mobile app notification",
	}
}

// mfaOrNull is v, or JSON null when v is empty.
func mfaOrNull(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func (r mfaRec) line(t *testing.T) string {
	t.Helper()
	at, err := time.Parse(time.RFC3339, r.at)
	if err != nil {
		t.Fatal(err)
	}
	steps := make([]map[string]any, len(r.steps))
	for i, s := range r.steps {
		steps[i] = map[string]any{
			"authenticationStepDateTime": r.at, "authenticationMethod": s[0],
			"authenticationStepResultDetail": s[1], "succeeded": s[1] == mfaCompleted || s[1] == "Correct password",
		}
	}
	props := map[string]any{
		"id":                    "00000000-0000-4000-8000-000000000000",
		"createdDateTime":       r.at,
		"userPrincipalName":     r.user,
		"ipAddress":             r.ip,
		"status":                map[string]any{"errorCode": r.code, "failureReason": mfaOrNull(r.reason), "additionalDetails": mfaOrNull(r.details)},
		"authenticationDetails": steps,
		"mfaDetail":             nil,
	}
	if r.app != "" {
		props["appDisplayName"] = r.app
	}
	if r.ua != "" {
		props["userAgent"] = r.ua
	}
	if r.mfa != "" {
		props["mfaDetail"] = map[string]any{"authMethod": r.mfa, "authDetail": nil}
	}
	rec := map[string]any{
		"time":            at.Add(2 * time.Second).Format(time.RFC3339Nano),
		"category":        r.category,
		"tenantId":        mfaTenant,
		"callerIpAddress": r.ip,
		"properties":      props,
	}
	if r.op != "" {
		rec["operationName"] = r.op
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mfaRun runs d alone over the records and returns its findings.
func mfaRun(t *testing.T, d detection.Detection[event.SignInEvent], recs []mfaRec) []detection.Finding {
	t.Helper()
	var in strings.Builder
	for _, r := range recs {
		in.WriteString(r.line(t))
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
	return res.Findings
}

// mfaRows renders each finding as "col=value ..." over the given columns,
// multivalue columns joined with "|".
func mfaRows(fs []detection.Finding, cols ...string) []string {
	var rows []string
	for _, f := range fs {
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = c + "=" + strings.Join(f.Values(c), "|")
		}
		rows = append(rows, strings.Join(parts, " "))
	}
	return rows
}

// mfaEvery returns n records made by mk, step apart from start.
func mfaEvery(t *testing.T, start string, step time.Duration, n int, mk func(at string) mfaRec) []mfaRec {
	t.Helper()
	t0, err := time.Parse(time.RFC3339, start)
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]mfaRec, n)
	for i := range recs {
		recs[i] = mk(t0.Add(time.Duration(i) * step).Format(time.RFC3339))
	}
	return recs
}

func mfaJoin(parts ...[]mfaRec) []mfaRec {
	var all []mfaRec
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// TestMFAMeta pins the ESCU facts of each rule and its risk spec.
func TestMFAMeta(t *testing.T) {
	type facts struct {
		ID, Name, Date, Type, Status string
		Version                      int
		DataSource, MITRE, Stories   []string
		Message                      string
		Risk, Threat                 []string
		Drilldowns                   []string
		AssetType, Domain            string
	}
	get := func(d detection.Detection[event.SignInEvent]) facts {
		m := d.Meta()
		f := facts{ID: m.ID, Name: m.Name, Date: m.Date, Type: m.Type, Status: m.Status, Version: m.Version,
			DataSource: m.DataSource, MITRE: m.Tags.MITREAttackID, Stories: m.Tags.AnalyticStory,
			Message: m.RBA.Message, AssetType: m.Tags.AssetType, Domain: m.Tags.SecurityDomain}
		for _, o := range m.RBA.RiskObjects {
			f.Risk = append(f.Risk, o.Field+":"+string(o.Type)+":"+strconv.Itoa(o.Score))
		}
		for _, o := range m.RBA.ThreatObjects {
			f.Threat = append(f.Threat, o.Field+":"+string(o.Type))
		}
		for _, dd := range m.Drilldowns {
			f.Drilldowns = append(f.Drilldowns, dd.Name)
		}
		return f
	}
	story := []string{"Azure Active Directory Account Takeover"}
	drill := []string{`View the detection results for - "$user$"`, `View risk events for the last 7 days for - "$user$"`}
	mitre3 := []string{"T1078.004", "T1586.003", "T1621"}
	signIn := []string{"Azure Active Directory Sign-in activity"}
	tests := []struct {
		name   string
		reason string
		d      detection.Detection[event.SignInEvent]
		want   facts
	}{
		{
			name: "consent denied", reason: "ESCU v10 facts; score 36, no threat object",
			d: rules.AzureADUserConsentDenied(),
			want: facts{ID: "bb093c30-d860-4858-a56e-cd0895d5b49c", Name: "Azure AD User Consent Denied for OAuth Application",
				Date: "2025-05-02", Type: "TTP", Status: "production", Version: 10, DataSource: signIn,
				MITRE: []string{"T1528"}, Stories: story, Message: "User $user$ denied consent for an OAuth application.",
				Risk:       []string{"user:user:36"},
				Drilldowns: drill, AssetType: "Azure Tenant", Domain: "identity"},
		},
		{
			name: "failed MFA requests", reason: "ESCU v10 facts; the message says more than 10, as the search's count > 10 (a deviation)",
			d: rules.AzureADMultipleFailedMFARequestsForUser(),
			want: facts{ID: "264ea131-ab1f-41b8-90e0-33ad1a1888ea", Name: "Azure AD Multiple Failed MFA Requests For User",
				Date: "2025-05-02", Type: "TTP", Status: "production", Version: 10, DataSource: signIn,
				MITRE: mitre3, Stories: story,
				Message: "User $user$ failed to complete MFA authentication more than 10 times in a timespan of 10 minutes.",
				Risk:    []string{"user:user:54"}, Drilldowns: drill, AssetType: "Azure Active Directory", Domain: "identity"},
		},
		{
			name: "denied MFA requests", reason: "ESCU v9 facts; the message agrees with count > 9",
			d: rules.AzureADMultipleDeniedMFARequestsForUser(),
			want: facts{ID: "d0895c20-de71-4fd2-b56c-3fcdb888eba1", Name: "Azure AD Multiple Denied MFA Requests For User",
				Date: "2025-07-31", Type: "TTP", Status: "production", Version: 9, DataSource: signIn,
				MITRE: []string{"T1621"}, Stories: story,
				Message:    "User $user$ denied more than 9 MFA requests in a timespan of 10 minutes.",
				Risk:       []string{"user:user:54"},
				Drilldowns: drill, AssetType: "Azure Active Directory", Domain: "identity"},
		},
		{
			name: "failed MFA challenge", reason: "ESCU v10 facts; src is an ip_address threat object",
			d: rules.AzureADAuthenticationFailedDuringMFAChallenge(),
			want: facts{ID: "e62c9c2e-bf51-4719-906c-3074618fcc1c", Name: "Azure AD Authentication Failed During MFA Challenge",
				Date: "2025-05-02", Type: "TTP", Status: "production", Version: 10, DataSource: []string{"Azure Active Directory"},
				MITRE: mitre3, Stories: story, Message: "User $user$ failed to pass MFA challenge",
				Risk: []string{"user:user:54"}, Threat: []string{"src:ip_address"},
				Drilldowns: drill, AssetType: "Azure Active Directory", Domain: "identity"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, get(tc.d)); diff != "" {
				t.Errorf("%s: metadata mismatch (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMFAColumns pins each rule's output columns: the SPL's BY fields,
// then its stats, in SPL order.
func TestMFAColumns(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		d      detection.Detection[event.SignInEvent]
		want   []string
	}{
		{"consent denied", "BY dest user src vendor_account vendor_product appDisplayName status.failureReason signature",
			rules.AzureADUserConsentDenied(),
			[]string{"dest", "user", "src", "vendor_account", "vendor_product", "appDisplayName", "status.failureReason", "signature", "count", "firstTime", "lastTime"}},
		{"failed MFA requests", "_time is added after the SPL's BY fields (a deviation: the SPL buckets _time but does not group on it)",
			rules.AzureADMultipleFailedMFARequestsForUser(),
			[]string{"user", "status.additionalDetails", "appDisplayName", "user_agent", "vendor_account", "vendor_product", "signature", "_time", "count", "firstTime", "lastTime", "dest", "src"}},
		{"denied MFA requests", "the SPL groups by _time itself",
			rules.AzureADMultipleDeniedMFARequestsForUser(),
			[]string{"user", "status.additionalDetails", "vendor_account", "vendor_product", "signature", "_time", "count", "firstTime", "lastTime", "dest", "user_agent", "src"}},
		{"failed MFA challenge", "the two evals are BY fields",
			rules.AzureADAuthenticationFailedDuringMFAChallenge(),
			[]string{"dest", "user", "src", "vendor_account", "vendor_product", "auth_method", "auth_msg", "user_agent", "signature", "count", "firstTime", "lastTime"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, err := detection.NewEngine(detection.Options{}, of(tc.d)...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, eng.Columns(tc.d.Meta().Name)); diff != "" {
				t.Errorf("%s: columns mismatch (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMFAMatch pins each rule's base search on single typed events.
func TestMFAMatch(t *testing.T) {
	code := func(c int32) *int32 { return &c }
	azure := func(category string, c int32, details string) event.SignInEvent {
		return event.SignInEvent{
			UserPrincipalName: "a@example.com",
			Status:            event.Status{ErrorCode: code(c), AdditionalDetails: details},
			Envelope:          event.Envelope{Format: event.AzureMonitor, Category: category, OperationName: "Sign-in activity"},
		}
	}
	with := func(ev event.SignInEvent, f func(*event.SignInEvent)) event.SignInEvent { f(&ev); return ev }
	steps := func(results ...string) []event.AuthenticationDetail {
		ds := make([]event.AuthenticationDetail, len(results))
		for i, r := range results {
			ds[i] = event.AuthenticationDetail{AuthenticationMethod: "Mobile app notification", AuthenticationStepResultDetail: r}
		}
		return ds
	}
	consent := rules.AzureADUserConsentDenied()
	failed := rules.AzureADMultipleFailedMFARequestsForUser()
	denied := rules.AzureADMultipleDeniedMFARequestsForUser()
	challenge := rules.AzureADAuthenticationFailedDuringMFAChallenge()
	tests := []struct {
		name   string
		reason string
		d      detection.Detection[event.SignInEvent]
		ev     event.SignInEvent
		want   bool
	}{
		{"consent 65004", "the consent-declined code in a sign-in record", consent, azure("SignInLogs", 65004, ""), true},
		{"consent non-interactive", "the search names no category", consent, azure("NonInteractiveUserSignInLogs", 65004, ""), true},
		{"consent 650040", "integer equality on the code", consent, azure("SignInLogs", 650040, ""), false},
		{"consent 65001", "another consent code", consent, azure("SignInLogs", 65001, ""), false},
		{"consent other operation", `operationName must be "Sign-in activity"`, consent,
			with(azure("SignInLogs", 65004, ""), func(e *event.SignInEvent) { e.Envelope.OperationName = "Consent to application" }), false},
		{"consent case", "deviation: operationName is compared exactly (Splunk's search would ignore case)", consent,
			with(azure("SignInLogs", 65004, ""), func(e *event.SignInEvent) { e.Envelope.OperationName = "sign-in activity" }), false},
		{"consent graph record", "a Graph record has no operationName", consent,
			event.SignInEvent{Status: event.Status{ErrorCode: code(65004)}}, false},

		{"failed no answer", "an unanswered prompt is a failure that is not a denial", failed, azure("SignInLogs", 500121, mfaNoAnswer), true},
		{"failed declined", "the declined text is excluded by !=", failed, azure("SignInLogs", 500121, mfaDeclined), false},
		{"failed no details", "Splunk's != needs the field: a missing additionalDetails does not match", failed, azure("SignInLogs", 500121, ""), false},
		{"failed non-interactive", "category must be SignInLogs", failed, azure("NonInteractiveUserSignInLogs", 500121, mfaNoAnswer), false},
		{"failed other code", "50074 is not 500121", failed, azure("SignInLogs", 50074, mfaNoAnswer), false},
		{"failed other operation", `operationName must be "Sign-in activity"`, failed,
			with(azure("SignInLogs", 500121, mfaNoAnswer), func(e *event.SignInEvent) { e.Envelope.OperationName = "" }), false},
		{"failed case", "deviation: escudo compares texts exactly, so another casing of the declined text is not excluded (Splunk's != would exclude it)", failed,
			azure("SignInLogs", 500121, strings.ToUpper(mfaDeclined)), true},

		{"denied declined", "the declined text", denied, azure("SignInLogs", 500121, mfaDeclined), true},
		{"denied no answer", "only the declined text", denied, azure("SignInLogs", 500121, mfaNoAnswer), false},
		{"denied no details", "a missing additionalDetails is not the declined text", denied, azure("SignInLogs", 500121, ""), false},
		{"denied non-interactive", "category must be SignInLogs", denied, azure("NonInteractiveUserSignInLogs", 500121, mfaDeclined), false},
		{"denied case", "deviation: the declined text is compared exactly (Splunk's search would ignore case)", denied,
			azure("SignInLogs", 500121, strings.ToLower(mfaDeclined)), false},
		{"denied category case", "deviation: category is compared exactly", denied, azure("signinlogs", 500121, mfaDeclined), false},
		{"denied 50126", "the code must be 500121", denied, azure("SignInLogs", 50126, mfaDeclined), false},
		{"denied other operation", `operationName must be "Sign-in activity"`, denied,
			with(azure("SignInLogs", 500121, mfaDeclined), func(e *event.SignInEvent) { e.Envelope.OperationName = "Sign-in" }), false},

		{"challenge denied", "a 500121 sign-in", challenge, azure("SignInLogs", 500121, mfaDeclined), true},
		{"challenge no operation", "the search does not test operationName", challenge,
			with(azure("SignInLogs", 500121, mfaDeclined), func(e *event.SignInEvent) { e.Envelope.OperationName = "" }), true},
		{"challenge no auth_msg", "NOT auth_msg=... keeps an event whose auth_msg is null", challenge, azure("SignInLogs", 500121, ""), true},
		{"challenge completed details", "auth_msg includes status.additionalDetails", challenge, azure("SignInLogs", 500121, mfaCompleted), false},
		{"challenge completed step", "NOT excludes the event if any auth_msg value matches", challenge,
			with(azure("SignInLogs", 500121, mfaDeclined), func(e *event.SignInEvent) {
				e.AuthenticationDetails = steps(mfaNoAnswer, mfaCompleted)
			}), false},
		{"challenge other steps", "step results other than the completed text keep the event", challenge,
			with(azure("SignInLogs", 500121, mfaDeclined), func(e *event.SignInEvent) {
				e.AuthenticationDetails = steps("Correct password", mfaNoAnswer)
			}), true},
		{"challenge completed case", "deviation: the completed text is compared exactly, so another casing does not exclude the event (Splunk's NOT would)", challenge,
			azure("SignInLogs", 500121, strings.ToLower(mfaCompleted)), true},
		{"challenge non-interactive", "category must be SignInLogs", challenge, azure("NonInteractiveUserSignInLogs", 500121, mfaDeclined), false},
		{"challenge success", "the code must be 500121", challenge, azure("SignInLogs", 0, ""), false},
		{"challenge null code", "a null errorCode never matches", challenge,
			with(azure("SignInLogs", 0, ""), func(e *event.SignInEvent) { e.Status.ErrorCode = nil }), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.d.Match(&tc.ev); got != tc.want {
				t.Errorf("Match = %v, want %v: %s", got, tc.want, tc.reason)
			}
		})
	}
}

// TestMFAMatchAllocs checks that Match allocates nothing, on matching and
// non-matching events.
func TestMFAMatchAllocs(t *testing.T) {
	c := int32(500121)
	evs := []event.SignInEvent{
		{},
		{Status: event.Status{ErrorCode: &c, AdditionalDetails: mfaNoAnswer},
			Envelope:              event.Envelope{Category: "SignInLogs", OperationName: "Sign-in activity"},
			AuthenticationDetails: []event.AuthenticationDetail{{AuthenticationStepResultDetail: mfaNoAnswer}}},
	}
	for _, d := range []detection.Detection[event.SignInEvent]{rules.AzureADUserConsentDenied(), rules.AzureADMultipleFailedMFARequestsForUser(),
		rules.AzureADMultipleDeniedMFARequestsForUser(), rules.AzureADAuthenticationFailedDuringMFAChallenge()} {
		for i := range evs {
			if n := testing.AllocsPerRun(100, func() { d.Match(&evs[i]) }); n != 0 {
				t.Errorf("%s: Match(event %d) allocates %v times, want 0", d.Meta().Name, i, n)
			}
		}
	}
}

// TestMFAFailedRequestsGrouping pins the threshold, the 10-minute bins and
// the deviations of "Azure AD Multiple Failed MFA Requests For User".
func TestMFAFailedRequestsGrouping(t *testing.T) {
	noAnswer := func(user string) func(string) mfaRec {
		return func(at string) mfaRec { return mfaSignIn(at, user, mfaNoAnswer) }
	}
	cols := []string{"user", "user_agent", "_time", "count", "firstTime", "lastTime", "src"}
	tests := []struct {
		name   string
		reason string
		recs   []mfaRec
		want   []string
	}{
		{
			name: "at threshold", reason: "where count > 10: ten failures in one bin give no finding",
			recs: mfaEvery(t, "2025-03-17T09:00:00Z", time.Minute, 10, noAnswer("a@example.com")),
		},
		{
			name: "over threshold", reason: "eleven failures in one bin give one finding, times binned",
			recs: mfaEvery(t, "2025-03-17T09:00:00Z", 50*time.Second, 11, noAnswer("a@example.com")),
			want: []string{"user=a@example.com user_agent=" + mfaUAChrome + " _time=2025-03-17T09:00:00 count=11 firstTime=2025-03-17T09:00:00 lastTime=2025-03-17T09:00:00 src=203.0.113.90"},
		},
		{
			name: "straddle", reason: "09:09:59 and 09:10:00 fall in different bins: 11 in the first bin, 1 in the second",
			recs: mfaJoin(
				mfaEvery(t, "2025-03-17T09:00:09Z", 59*time.Second, 11, noAnswer("a@example.com")), // last at 09:09:59
				mfaEvery(t, "2025-03-17T09:10:00Z", time.Minute, 1, noAnswer("a@example.com"))),
			want: []string{"user=a@example.com user_agent=" + mfaUAChrome + " _time=2025-03-17T09:00:00 count=11 firstTime=2025-03-17T09:00:00 lastTime=2025-03-17T09:00:00 src=203.0.113.90"},
		},
		{
			name: "deviation: per-bin counts", reason: "10 + 1 across a bin edge stays under the threshold, because escudo adds _time to the BY clause (the SPL as written would count 11)",
			recs: mfaJoin(
				mfaEvery(t, "2025-03-17T09:00:09Z", 59*time.Second, 10, noAnswer("a@example.com")),
				mfaEvery(t, "2025-03-17T09:10:00Z", time.Minute, 1, noAnswer("a@example.com"))),
		},
		{
			name: "declined excluded", reason: "denials are the other rule's: != excludes them",
			recs: mfaEvery(t, "2025-03-17T09:00:00Z", 30*time.Second, 12, func(at string) mfaRec { return mfaSignIn(at, "a@example.com", mfaDeclined) }),
		},
		{
			name: "missing details excluded", reason: "!= needs the field: failures without additionalDetails never count",
			recs: mfaEvery(t, "2025-03-17T09:00:00Z", 30*time.Second, 12, func(at string) mfaRec { return mfaSignIn(at, "a@example.com", "") }),
		},
		{
			name: "fillnull user agent", reason: `a missing userAgent groups as "0" instead of being dropped`,
			recs: mfaEvery(t, "2025-03-17T09:00:00Z", 30*time.Second, 11, func(at string) mfaRec {
				r := mfaSignIn(at, "a@example.com", mfaNoAnswer)
				r.ua = ""
				return r
			}),
			want: []string{"user=a@example.com user_agent=0 _time=2025-03-17T09:00:00 count=11 firstTime=2025-03-17T09:00:00 lastTime=2025-03-17T09:00:00 src=203.0.113.90"},
		},
		{
			name: "values src", reason: "values(src) lists the distinct source addresses, sorted",
			recs: mfaEvery(t, "2025-03-17T09:00:00Z", 30*time.Second, 11, func(at string) mfaRec {
				r := mfaSignIn(at, "a@example.com", mfaNoAnswer)
				if strings.HasSuffix(at, "30Z") {
					r.ip = "198.51.100.7"
				}
				return r
			}),
			want: []string{"user=a@example.com user_agent=" + mfaUAChrome + " _time=2025-03-17T09:00:00 count=11 firstTime=2025-03-17T09:00:00 lastTime=2025-03-17T09:00:00 src=198.51.100.7|203.0.113.90"},
		},
	}
	d := rules.AzureADMultipleFailedMFARequestsForUser()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mfaRows(mfaRun(t, d, tc.recs), cols...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMFAFailedRequestsMessage pins the message deviation: the risk message
// states the search's threshold.
func TestMFAFailedRequestsMessage(t *testing.T) {
	d := rules.AzureADMultipleFailedMFARequestsForUser()
	fs := mfaRun(t, d, mfaEvery(t, "2025-03-17T09:00:00Z", 50*time.Second, 11, func(at string) mfaRec {
		return mfaSignIn(at, "a@example.com", mfaNoAnswer)
	}))
	var got []string
	for _, f := range fs {
		for _, ev := range riskOf(t, d, f) {
			got = append(got, ev.RiskMessage)
		}
	}
	want := []string{"User a@example.com failed to complete MFA authentication more than 10 times in a timespan of 10 minutes."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ESCU says \"more than 9\" but keeps count > 10; escudo's message follows the search (-want +got):\n%s", diff)
	}
	if w := d.Grouping().Where; len(w) != 1 || w[0].String() != "count > 10" {
		t.Errorf("where = %v, want [count > 10]", w)
	}
}

// TestMFADeniedRequestsGrouping pins the threshold, the bins and fillnull
// of "Azure AD Multiple Denied MFA Requests For User".
func TestMFADeniedRequestsGrouping(t *testing.T) {
	declined := func(at string) mfaRec { return mfaSignIn(at, "b@example.com", mfaDeclined) }
	cols := []string{"user", "_time", "count", "firstTime", "lastTime", "user_agent", "src"}
	tests := []struct {
		name   string
		reason string
		recs   []mfaRec
		want   []string
	}{
		{
			name: "at threshold", reason: "where count > 9: nine denials give no finding",
			recs: mfaEvery(t, "2025-03-19T07:30:00Z", time.Minute, 9, declined),
		},
		{
			name: "over threshold", reason: "ten denials in one bin give one finding",
			recs: mfaEvery(t, "2025-03-19T07:30:00Z", 55*time.Second, 10, declined),
			want: []string{"user=b@example.com _time=2025-03-19T07:30:00 count=10 firstTime=2025-03-19T07:30:00 lastTime=2025-03-19T07:30:00 user_agent=" + mfaUAChrome + " src=203.0.113.90"},
		},
		{
			name: "straddle", reason: "9 denials up to 07:39:59 and 10 from 07:40:00 fall in different bins: only the second bin is over",
			recs: mfaJoin(
				mfaEvery(t, "2025-03-19T07:31:59Z", time.Minute, 9, declined), // last at 07:39:59
				mfaEvery(t, "2025-03-19T07:40:00Z", 50*time.Second, 10, declined)),
			want: []string{"user=b@example.com _time=2025-03-19T07:40:00 count=10 firstTime=2025-03-19T07:40:00 lastTime=2025-03-19T07:40:00 user_agent=" + mfaUAChrome + " src=203.0.113.90"},
		},
		{
			name: "fillnull user agent", reason: `values(user_agent) gets "0" for a denial without a userAgent`,
			recs: mfaEvery(t, "2025-03-19T07:30:00Z", 55*time.Second, 10, func(at string) mfaRec {
				r := declined(at)
				if strings.HasPrefix(at, "2025-03-19T07:30:00") {
					r.ua = ""
				}
				return r
			}),
			want: []string{"user=b@example.com _time=2025-03-19T07:30:00 count=10 firstTime=2025-03-19T07:30:00 lastTime=2025-03-19T07:30:00 user_agent=0|" + mfaUAChrome + " src=203.0.113.90"},
		},
		{
			name: "apps merge", reason: "appDisplayName is not a BY field in the develop SPL: denials from two apps count together",
			recs: mfaEvery(t, "2025-03-19T07:30:00Z", 55*time.Second, 10, func(at string) mfaRec {
				r := declined(at)
				if strings.HasSuffix(at, "5Z") {
					r.app = "Microsoft Teams"
				}
				return r
			}),
			want: []string{"user=b@example.com _time=2025-03-19T07:30:00 count=10 firstTime=2025-03-19T07:30:00 lastTime=2025-03-19T07:30:00 user_agent=" + mfaUAChrome + " src=203.0.113.90"},
		},
		{
			name: "non-interactive excluded", reason: "category must be SignInLogs",
			recs: mfaEvery(t, "2025-03-19T07:30:00Z", 55*time.Second, 10, func(at string) mfaRec {
				r := declined(at)
				r.category = "NonInteractiveUserSignInLogs"
				return r
			}),
		},
	}
	d := rules.AzureADMultipleDeniedMFARequestsForUser()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mfaRows(mfaRun(t, d, tc.recs), cols...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMFAConsentDeniedGrouping pins fillnull and the BY fields of "Azure AD
// User Consent Denied for OAuth Application".
func TestMFAConsentDeniedGrouping(t *testing.T) {
	consent := func(at, ip string) mfaRec {
		return mfaRec{at: at, category: "SignInLogs", op: "Sign-in activity", user: "c@example.com", ip: ip,
			app: "Scribblr Notes Sync", code: 65004, reason: "User declined to consent to access the app.", ua: mfaUAChrome}
	}
	cols := []string{"user", "src", "appDisplayName", "status.failureReason", "signature", "count", "firstTime", "lastTime"}
	tests := []struct {
		name   string
		reason string
		recs   []mfaRec
		want   []string
	}{
		{
			name: "groups by src", reason: "one row per source address, with count and first and last times",
			recs: []mfaRec{consent("2025-03-03T08:16:05.75Z", "203.0.113.41"), consent("2025-03-03T08:14:22Z", "203.0.113.41"), consent("2025-03-03T12:40:10Z", "198.51.100.62")},
			want: []string{
				"user=c@example.com src=198.51.100.62 appDisplayName=Scribblr Notes Sync status.failureReason=User declined to consent to access the app. signature=Sign-in activity count=1 firstTime=2025-03-03T12:40:10 lastTime=2025-03-03T12:40:10",
				"user=c@example.com src=203.0.113.41 appDisplayName=Scribblr Notes Sync status.failureReason=User declined to consent to access the app. signature=Sign-in activity count=2 firstTime=2025-03-03T08:14:22 lastTime=2025-03-03T08:16:05",
			},
		},
		{
			name: "fillnull", reason: `a null failureReason and a missing appDisplayName become "0" rather than dropping the event`,
			recs: []mfaRec{func() mfaRec {
				r := consent("2025-03-07T16:02:48Z", "192.0.2.33")
				r.reason, r.app = "", ""
				return r
			}()},
			want: []string{"user=c@example.com src=192.0.2.33 appDisplayName=0 status.failureReason=0 signature=Sign-in activity count=1 firstTime=2025-03-07T16:02:48 lastTime=2025-03-07T16:02:48"},
		},
		{
			name: "other operation", reason: `operationName must be "Sign-in activity"`,
			recs: []mfaRec{func() mfaRec {
				r := consent("2025-03-07T16:02:48Z", "192.0.2.33")
				r.op = "Consent to application"
				return r
			}()},
		},
	}
	d := rules.AzureADUserConsentDenied()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mfaRows(mfaRun(t, d, tc.recs), cols...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMFAChallengeGrouping pins the multivalue fan-out of "Azure AD
// Authentication Failed During MFA Challenge".
func TestMFAChallengeGrouping(t *testing.T) {
	cols := []string{"auth_method", "auth_msg", "user_agent", "count"}
	tests := []struct {
		name   string
		reason string
		rec    mfaRec
		want   []string
	}{
		{
			name: "denied push", reason: "the MFA method drops out of auth_method; the repeated denial text counts twice (mvappend keeps duplicates, stats fans out per value)",
			rec: mfaSignIn("2025-03-24T14:02:10Z", "d@example.com", mfaDeclined),
			want: []string{
				"auth_method=Password auth_msg=Correct password user_agent=" + mfaUAChrome + " count=1",
				"auth_method=Password auth_msg=" + mfaDeclined + " user_agent=" + mfaUAChrome + " count=2",
			},
		},
		{
			name: "no mfaDetail", reason: "mvfind on a null mfaDetail.authMethod is null, so every method stays",
			rec: func() mfaRec {
				r := mfaSignIn("2025-03-24T14:02:10Z", "d@example.com", mfaNoAnswer)
				r.mfa = ""
				return r
			}(),
			want: []string{
				"auth_method=Mobile app notification auth_msg=Correct password user_agent=" + mfaUAChrome + " count=1",
				"auth_method=Mobile app notification auth_msg=" + mfaNoAnswer + " user_agent=" + mfaUAChrome + " count=2",
				"auth_method=Password auth_msg=Correct password user_agent=" + mfaUAChrome + " count=1",
				"auth_method=Password auth_msg=" + mfaNoAnswer + " user_agent=" + mfaUAChrome + " count=2",
			},
		},
		{
			name: "only the MFA method", reason: `auth_method is null when every method is the MFA method: fillnull makes it "0"`,
			rec: func() mfaRec {
				r := mfaSignIn("2025-03-24T14:02:10Z", "d@example.com", mfaNoAnswer)
				r.steps = r.steps[1:]
				return r
			}(),
			want: []string{"auth_method=0 auth_msg=" + mfaNoAnswer + " user_agent=" + mfaUAChrome + " count=2"},
		},
		{
			name: "nothing to say", reason: `no steps and no additionalDetails: auth_method and auth_msg are both "0", user_agent too`,
			rec: func() mfaRec {
				r := mfaSignIn("2025-03-24T14:02:10Z", "d@example.com", "")
				r.steps, r.ua = nil, ""
				return r
			}(),
			want: []string{"auth_method=0 auth_msg=0 user_agent=0 count=1"},
		},
		{
			name: "completed", reason: "a step that says MFA successfully completed removes the whole event",
			rec: func() mfaRec {
				r := mfaSignIn("2025-03-24T14:02:10Z", "d@example.com", mfaNoAnswer)
				r.steps = append(r.steps, [2]string{"Mobile app notification", mfaCompleted})
				return r
			}(),
		},
	}
	d := rules.AzureADAuthenticationFailedDuringMFAChallenge()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mfaRows(mfaRun(t, d, []mfaRec{tc.rec}), cols...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestMFAChallengeAuthMethod pins auth_method's mvfind: each method is a
// regular expression searched for in mfaDetail.authMethod.
func TestMFAChallengeAuthMethod(t *testing.T) {
	var eval func([]string, *event.SignInEvent) []string
	for _, b := range rules.AzureADAuthenticationFailedDuringMFAChallenge().Grouping().By {
		if b.Column() == "auth_method" {
			eval = b.Eval
		}
	}
	if eval == nil {
		t.Fatal("no auth_method BY field")
	}
	tests := []struct {
		name    string
		reason  string
		methods []string
		mfa     string
		want    []string
	}{
		{"push", "the MFA method itself is found and dropped", []string{"Password", "Mobile app notification"}, "Mobile app notification", []string{"Password"}},
		{"substring", "mvfind is an unanchored search: a method contained in the MFA method is dropped", []string{"Password", "Text"}, "Text message", []string{"Password"}},
		{"case", "the search is case-sensitive", []string{"text message"}, "Text message", []string{"text message"}},
		{"dot", "a dot in a method matches any character", []string{"Text.message"}, "Text message", nil},
		{"parentheses", "parentheses group in a regular expression, so the literal text is not found and the method stays", []string{"Phone call (office)"}, "Phone call (office)", []string{"Phone call (office)"}},
		{"bad pattern", "a method that is not a valid expression is kept", []string{"Phone call (office"}, "Phone call (office", []string{"Phone call (office"}},
		{"no mfaDetail", "nothing to find in: every method stays", []string{"Password", "Mobile app notification"}, "", []string{"Password", "Mobile app notification"}},
		{"duplicates", "mvmap keeps repeated methods", []string{"Password", "Password", "Mobile app notification"}, "Mobile app notification", []string{"Password", "Password"}},
		{"empty method", "an empty method is no value", []string{"", "Password"}, "Mobile app notification", []string{"Password"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := event.SignInEvent{MFADetail: event.MFADetail{AuthMethod: tc.mfa}}
			for _, m := range tc.methods {
				ev.AuthenticationDetails = append(ev.AuthenticationDetails, event.AuthenticationDetail{AuthenticationMethod: m})
			}
			if diff := cmp.Diff(tc.want, eval(nil, &ev)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// BenchmarkMFARules runs the four rules together over their samples.
func BenchmarkMFARules(b *testing.B) {
	var data []byte
	for _, d := range []string{
		"azure_ad_user_consent_denied_for_oauth_application",
		"azure_ad_multiple_failed_mfa_requests_for_user",
		"azure_ad_multiple_denied_mfa_requests_for_user",
		"azure_ad_authentication_failed_during_mfa_challenge",
	} {
		part, err := os.ReadFile(testdata(d, "signins.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, part...)
	}
	eng, err := detection.NewEngine(detection.Options{}, of(rules.AzureADUserConsentDenied(), rules.AzureADMultipleFailedMFARequestsForUser(),
		rules.AzureADMultipleDeniedMFARequestsForUser(), rules.AzureADAuthenticationFailedDuringMFAChallenge())...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
	}
}
