package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
	"github.com/escudo-dev/escudo/risk"
)

// failedTenant is the tenant of the constructed records.
const failedTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// failedRules are this group's rules, in catalogue order.
func failedRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
		rules.AzureADHighNumberOfFailedAuthenticationsForUser(),
		rules.AzureADHighNumberOfFailedAuthenticationsFromIP(),
		rules.AzureADMultipleUsersFailingToAuthenticateFromIP(),
		rules.AzureADUnusualNumberOfFailedAuthenticationsFromIP(),
	}
}

// failedMod changes a constructed record: its envelope and its properties.
type failedMod func(rec, props map[string]any)

// failedLine returns one Azure Monitor record (a line of a PT1H.json blob)
// for a wrong-password sign-in of user from ip at the given time, with one
// failed authentication step, changed by mods.
func failedLine(at time.Time, user, ip string, mods ...failedMod) string {
	props := map[string]any{
		"id":                fmt.Sprintf("%s-%s-%d", user, ip, at.UnixNano()),
		"createdDateTime":   at.UTC().Format(time.RFC3339Nano),
		"userPrincipalName": user,
		"ipAddress":         ip,
		"appDisplayName":    "Azure Portal",
		"status":            map[string]any{"errorCode": 50126, "failureReason": "Invalid username or password or Invalid on-premise username or password."},
		"authenticationDetails": []any{
			map[string]any{"authenticationMethod": "Password", "succeeded": false},
		},
		"userAgent": "python-requests/2.31.0",
	}
	rec := map[string]any{
		"time":            at.Add(2 * time.Second).UTC().Format(time.RFC3339Nano),
		"operationName":   "Sign-in activity",
		"category":        "SignInLogs",
		"tenantId":        failedTenant,
		"resultType":      "50126",
		"callerIpAddress": ip,
		"properties":      props,
	}
	for _, m := range mods {
		m(rec, props)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err) // test helper: the maps above always marshal
	}
	return string(b)
}

func failedCategory(c string) failedMod {
	return func(rec, _ map[string]any) { rec["category"] = c }
}

func failedCode(c int) failedMod {
	return func(rec, props map[string]any) {
		rec["resultType"] = fmt.Sprint(c)
		props["status"] = map[string]any{"errorCode": c}
	}
}

// failedSteps sets the succeeded value of each authentication step (nil
// is JSON null).
func failedSteps(succeeded ...any) failedMod {
	return func(_, props map[string]any) {
		steps := []any{}
		for _, s := range succeeded {
			steps = append(steps, map[string]any{"authenticationMethod": "Password", "succeeded": s})
		}
		props["authenticationDetails"] = steps
	}
}

// failedDrop removes a key from the envelope ("tenantId") or, with the
// prefix "properties.", from the properties.
func failedDrop(key string) failedMod {
	return func(rec, props map[string]any) {
		if k, ok := strings.CutPrefix(key, "properties."); ok {
			delete(props, k)
			return
		}
		delete(rec, key)
	}
}

// failedAt returns the time 2025-03-10 plus the clock "15:04:05".
func failedAt(clock string) time.Time {
	t, err := time.Parse(time.DateTime, "2025-03-10 "+clock)
	if err != nil {
		panic(err)
	}
	return t
}

// failedBurst returns n failure lines for users from ip, from start at
// step intervals; the user of line i is users[i%len(users)].
func failedBurst(n int, start time.Time, step time.Duration, users []string, ip string, mods ...failedMod) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = failedLine(start.Add(time.Duration(i)*step), users[i%len(users)], ip, mods...)
	}
	return lines
}

// failedUsers returns n distinct user names.
func failedUsers(n int, domain string) []string {
	us := make([]string, n)
	for i := range us {
		us[i] = fmt.Sprintf("user%02d@%s", i, domain)
	}
	return us
}

func failedJoin(groups ...[]string) []string {
	var all []string
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// failedRun runs d over the lines and returns its findings.
func failedRun(t *testing.T, d detection.Detection[event.SignInEvent], lines []string) []detection.Finding {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, of(d)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(lines, "\n")+"\n")))
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts; c.Bad != 0 || c.Decoded+c.Prefiltered != int64(len(lines)) {
		t.Fatalf("decoded or passed over %d of %d lines: %+v", c.Decoded+c.Prefiltered, len(lines), c)
	}
	return res.Findings
}

// failedRows renders the named columns of each finding as "a|b|c", a
// multivalue column as its values joined with commas.
func failedRows(fs []detection.Finding, cols ...string) []string {
	var rows []string
	for _, f := range fs {
		vs := make([]string, len(cols))
		for i, c := range cols {
			vs[i] = strings.Join(f.Values(c), ",")
		}
		rows = append(rows, strings.Join(vs, "|"))
	}
	return rows
}

// TestFailedMatch pins the base search the four rules share, on single
// decoded events.
func TestFailedMatch(t *testing.T) {
	at := failedAt("09:00:00")
	tests := []struct {
		name   string
		reason string
		line   string
		tweak  func(ev *event.SignInEvent) // applied after decoding, for what no reader produces
		want   bool
	}{
		{"match", "SignInLogs, code 50126 and a failed step", failedLine(at, "a@example.com", "192.0.2.1"), nil, true},
		{"non-interactive", "only the SignInLogs category is searched", failedLine(at, "a@example.com", "192.0.2.1", failedCategory("NonInteractiveUserSignInLogs")), nil, false},
		{"service principal", "only the SignInLogs category is searched", failedLine(at, "a@example.com", "192.0.2.1", failedCategory("ServicePrincipalSignInLogs")), nil, false},
		{"lower-case category", "the category is compared exactly, as event.Field.Equal does (the reader rejects it anyway)", failedLine(at, "a@example.com", "192.0.2.1"),
			func(ev *event.SignInEvent) { ev.Envelope.Category = "signinlogs" }, false},
		{"no category", "a record without a category (a Graph record) is not SignInLogs", failedLine(at, "a@example.com", "192.0.2.1", failedDrop("category")), nil, false},
		{"success", "code 0 is not 50126", failedLine(at, "a@example.com", "192.0.2.1", failedCode(0)), nil, false},
		{"locked", "50053 is another failure, not a wrong password", failedLine(at, "a@example.com", "192.0.2.1", failedCode(50053)), nil, false},
		{"501260", "integer equality: a code containing the digits does not match", failedLine(at, "a@example.com", "192.0.2.1", failedCode(501260)), nil, false},
		{"null code", "a record without status.errorCode never matches", failedLine(at, "a@example.com", "192.0.2.1", failedDrop("properties.status")), nil, false},
		{"step succeeded", "succeeded=false needs a step that failed", failedLine(at, "a@example.com", "192.0.2.1", failedSteps(true)), nil, false},
		{"step null", "a null succeeded is not false", failedLine(at, "a@example.com", "192.0.2.1", failedSteps(nil)), nil, false},
		{"no steps", "no authentication details, no succeeded=false", failedLine(at, "a@example.com", "192.0.2.1", failedSteps()), nil, false},
		{"no details key", "an absent authenticationDetails is no succeeded=false", failedLine(at, "a@example.com", "192.0.2.1", failedDrop("properties.authenticationDetails")), nil, false},
		{"second step failed", "a multivalue field matches when any value does", failedLine(at, "a@example.com", "192.0.2.1", failedSteps(true, false)), nil, true},
		{"first step failed", "a multivalue field matches when any value does", failedLine(at, "a@example.com", "192.0.2.1", failedSteps(false, true)), nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := event.NewReader(strings.NewReader(tc.line + "\n"))
			ev, err := r.Read()
			if err != nil {
				t.Fatal(err)
			}
			if tc.tweak != nil {
				tc.tweak(&ev)
			}
			for _, d := range failedRules() {
				if got := d.Match(&ev); got != tc.want {
					t.Errorf("%s: Match = %v, want %v: %s", d.Meta().Name, got, tc.want, tc.reason)
				}
			}
		})
	}
}

// TestFailedMatchAllocs pins that Match reads the typed event without
// allocating, for matching and non-matching events alike.
func TestFailedMatchAllocs(t *testing.T) {
	code, other := int32(50126), int32(0)
	f, tr := false, true
	evs := []event.SignInEvent{
		{Status: event.Status{ErrorCode: &code}, AuthenticationDetails: []event.AuthenticationDetail{{Succeeded: &tr}, {Succeeded: &f}}, Envelope: event.Envelope{Category: "SignInLogs"}},
		{Status: event.Status{ErrorCode: &other}, Envelope: event.Envelope{Category: "SignInLogs"}},
		{Status: event.Status{ErrorCode: &code}, Envelope: event.Envelope{Category: "NonInteractiveUserSignInLogs"}},
		{},
	}
	for _, d := range failedRules() {
		for i := range evs {
			if n := testing.AllocsPerRun(100, func() { d.Match(&evs[i]) }); n != 0 {
				t.Errorf("%s: Match on event %d allocates %v times, want 0", d.Meta().Name, i, n)
			}
		}
	}
}

// TestFailedColumns pins each rule's output columns: the SPL result
// columns in SPL order (plus the _time column of the Multiple Users
// deviation, and the Then columns of the Unusual rule).
func TestFailedColumns(t *testing.T) {
	want := map[string][]string{
		"Azure AD High Number Of Failed Authentications For User": {"user", "_time", "vendor_account", "vendor_product", "count", "firstTime", "lastTime", "dest", "src", "user_agent"},
		"Azure AD High Number Of Failed Authentications From Ip":  {"src", "_time", "vendor_account", "vendor_product", "count", "firstTime", "lastTime", "dest", "user", "user_agent"},
		"Azure AD Multiple Users Failing To Authenticate From Ip": {"src", "signature", "_time", "count", "firstTime", "lastTime", "unique_user", "dest", "user", "user_agent", "vendor_account", "vendor_product"},
		"Azure AD Unusual Number of Failed Authentications From Ip": {"_time", "src", "vendor_account", "vendor_product", "unique_accounts", "userPrincipalName", "dest", "user",
			"ip_avg", "ip_std", "upperBound", "isOutlier"},
	}
	eng, err := detection.NewEngine(detection.Options{}, of(failedRules()...)...)
	if err != nil {
		t.Fatal(err)
	}
	got := make(map[string][]string)
	for _, name := range eng.Detections() {
		got[name] = eng.Columns(name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("columns mismatch (-want +got):\n%s", diff)
	}
}

// failedMetaSummary is the part of a rule's metadata the tests pin.
type failedMetaSummary struct {
	ID, Type, Status, Date, Domain, Asset string
	Version                               int
	MITRE, Stories                        []string
	Message                               string
	Risk                                  []risk.RiskObject
	Threat                                []risk.ThreatObject
	DrilldownToken                        bool
}

func TestFailedMeta(t *testing.T) {
	want := map[string]failedMetaSummary{
		"Azure AD High Number Of Failed Authentications For User": {
			ID: "630b1694-210a-48ee-a450-6f79e7679f2c", Type: "TTP", Status: "production", Date: "2025-05-02", Domain: "identity", Asset: "Azure Tenant", Version: 9,
			MITRE: []string{"T1110.001"}, Stories: []string{"Compromised User Account", "Azure Active Directory Account Takeover"},
			Message: "User $user$ failed to authenticate more than 20 times in the span of 10 minutes.",
			Risk:    []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			Threat:  nil, DrilldownToken: true,
		},
		"Azure AD High Number Of Failed Authentications From Ip": {
			ID: "e5ab41bf-745d-4f72-a393-2611151afd8e", Type: "TTP", Status: "production", Date: "2025-05-02", Domain: "identity", Asset: "Azure Tenant", Version: 10,
			MITRE: []string{"T1110.001", "T1110.003"}, Stories: []string{"Compromised User Account", "Azure Active Directory Account Takeover", "NOBELIUM Group"},
			Message: "$src$ failed to authenticate more than 20 times in the span of 10 minutes.",
			Risk:    []risk.RiskObject{{Field: "user", Type: risk.User, Score: 35}},
			Threat:  []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}}, DrilldownToken: true,
		},
		"Azure AD Multiple Users Failing To Authenticate From Ip": {
			ID: "94481a6a-8f59-4c86-957f-55a71e3612a6", Type: "Anomaly", Status: "production", Date: "2025-05-02", Domain: "identity", Asset: "Azure Active Directory", Version: 9,
			MITRE: []string{"T1110.003", "T1110.004", "T1586.003"}, Stories: []string{"Azure Active Directory Account Takeover"},
			Message: "Source Ip $src$ failed to authenticate with more than 30 users within 5 minutes.",
			Risk:    []risk.RiskObject{{Field: "user", Type: risk.User, Score: 63}},
			Threat:  []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}}, DrilldownToken: true,
		},
		"Azure AD Unusual Number of Failed Authentications From Ip": {
			ID: "3d8d3a36-93b8-42d7-8d91-c5f24cec223d", Type: "Anomaly", Status: "production", Date: "2025-05-02", Domain: "access", Asset: "Azure Active Directory", Version: 9,
			MITRE: []string{"T1110.003", "T1110.004", "T1586.003"}, Stories: []string{"Azure Active Directory Account Takeover"},
			Message: "Possible Password Spraying attack against Azure AD from source ip $src$",
			Risk:    []risk.RiskObject{{Field: "userPrincipalName", Type: risk.User, Score: 54}},
			Threat:  []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}}, DrilldownToken: true,
		},
	}
	got := make(map[string]failedMetaSummary)
	for _, d := range failedRules() {
		m := d.Meta()
		tok := "$" + m.RBA.RiskObjects[0].Field + "$"
		hasTok := len(m.Drilldowns) == 2
		for _, dd := range m.Drilldowns {
			hasTok = hasTok && strings.Contains(dd.Name, tok) && strings.Contains(dd.Search, tok)
		}
		got[m.Name] = failedMetaSummary{
			ID: m.ID, Type: m.Type, Status: m.Status, Date: m.Date, Domain: m.Tags.SecurityDomain, Asset: m.Tags.AssetType, Version: m.Version,
			MITRE: m.Tags.MITREAttackID, Stories: m.Tags.AnalyticStory,
			Message: m.RBA.Message, Risk: m.RBA.RiskObjects, Threat: m.RBA.ThreatObjects, DrilldownToken: hasTok,
		}
		if !strings.HasPrefix(m.Search, "`azure_monitor_aad` category") || !strings.HasSuffix(m.Search, "_filter`") {
			t.Errorf("%s: Search is not the ESCU SPL: %q", m.Name, m.Search)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata mismatch (-want +got):\n%s", diff)
	}
}

// TestFailedForUser pins the grouping of "High Number Of Failed
// Authentications For User": 10-minute bins, count > 20, fillnull.
func TestFailedForUser(t *testing.T) {
	a := []string{"adele@example.com"}
	tests := []struct {
		name   string
		reason string
		lines  []string
		want   []string // user|_time|vendor_account|count|firstTime|lastTime|src|user_agent
	}{
		{
			name: "at threshold", reason: "20 failures in one bin: count > 20 does not hold",
			lines: failedBurst(20, failedAt("09:00:00"), 29*time.Second, a, "192.0.2.1"),
		},
		{
			name: "over threshold", reason: "21 failures in one bin give one finding, times at the bin start",
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, a, "192.0.2.1"),
			want:  []string{"adele@example.com|2025-03-10T09:00:00|" + failedTenant + "|21|2025-03-10T09:00:00|2025-03-10T09:00:00|192.0.2.1|python-requests/2.31.0"},
		},
		{
			name: "bin straddle", reason: "09:09:59 and 09:10:00 fall in different 10-minute bins: 20 + 1, no finding",
			lines: failedJoin(
				failedBurst(19, failedAt("09:00:00"), 30*time.Second, a, "192.0.2.1"),
				[]string{failedLine(failedAt("09:09:59"), a[0], "192.0.2.1"), failedLine(failedAt("09:10:00"), a[0], "192.0.2.1")},
			),
		},
		{
			name: "sub-second edge", reason: "09:09:59.999 is still in the 09:00 bin: 21 failures, one finding",
			lines: failedJoin(
				failedBurst(20, failedAt("09:00:00"), 29*time.Second, a, "192.0.2.1"),
				[]string{failedLine(failedAt("09:09:59").Add(999*time.Millisecond), a[0], "192.0.2.1")},
			),
			want: []string{"adele@example.com|2025-03-10T09:00:00|" + failedTenant + "|21|2025-03-10T09:00:00|2025-03-10T09:00:00|192.0.2.1|python-requests/2.31.0"},
		},
		{
			name: "non-matching do not count", reason: "20 matches plus failures of other categories, codes and step results stay at 20",
			lines: failedJoin(
				failedBurst(20, failedAt("09:00:00"), 29*time.Second, a, "192.0.2.1"),
				[]string{
					failedLine(failedAt("09:05:00"), a[0], "192.0.2.1", failedCategory("NonInteractiveUserSignInLogs")),
					failedLine(failedAt("09:05:01"), a[0], "192.0.2.1", failedCode(50053)),
					failedLine(failedAt("09:05:02"), a[0], "192.0.2.1", failedSteps(true)),
				},
			),
		},
		{
			name: "fillnull BY field", reason: "records without a tenantId are kept with vendor_account \"0\"",
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, a, "192.0.2.1", failedDrop("tenantId")),
			want:  []string{"adele@example.com|2025-03-10T09:00:00|0|21|2025-03-10T09:00:00|2025-03-10T09:00:00|192.0.2.1|python-requests/2.31.0"},
		},
		{
			name: "fillnull user", reason: "records without a userPrincipalName group under the user \"0\"",
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, a, "192.0.2.1", failedDrop("properties.userPrincipalName")),
			want:  []string{"0|2025-03-10T09:00:00|" + failedTenant + "|21|2025-03-10T09:00:00|2025-03-10T09:00:00|192.0.2.1|python-requests/2.31.0"},
		},
		{
			name: "fillnull values field", reason: "a record without userAgent adds \"0\" to user_agent",
			lines: failedJoin(
				failedBurst(20, failedAt("09:00:00"), 29*time.Second, a, "192.0.2.1"),
				[]string{failedLine(failedAt("09:09:00"), a[0], "198.51.100.7", failedDrop("properties.userAgent"))},
			),
			want: []string{"adele@example.com|2025-03-10T09:00:00|" + failedTenant + "|21|2025-03-10T09:00:00|2025-03-10T09:00:00|192.0.2.1,198.51.100.7|0,python-requests/2.31.0"},
		},
		{
			name: "two bins over", reason: "each 10-minute bin over the threshold is its own finding, with the bin as _time",
			lines: failedJoin(
				failedBurst(21, failedAt("09:10:00"), 28*time.Second, a, "192.0.2.1"),
				failedBurst(22, failedAt("09:20:00"), 27*time.Second, a, "192.0.2.1"),
			),
			want: []string{
				"adele@example.com|2025-03-10T09:10:00|" + failedTenant + "|21|2025-03-10T09:10:00|2025-03-10T09:10:00|192.0.2.1|python-requests/2.31.0",
				"adele@example.com|2025-03-10T09:20:00|" + failedTenant + "|22|2025-03-10T09:20:00|2025-03-10T09:20:00|192.0.2.1|python-requests/2.31.0",
			},
		},
	}
	d := rules.AzureADHighNumberOfFailedAuthenticationsForUser()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := failedRows(failedRun(t, d, tc.lines), "user", "_time", "vendor_account", "count", "firstTime", "lastTime", "src", "user_agent")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestFailedFromIP pins the grouping of "High Number Of Failed
// Authentications From Ip": per source, 10-minute bins, count > 20.
func TestFailedFromIP(t *testing.T) {
	users := failedUsers(7, "example.com")
	tests := []struct {
		name   string
		reason string
		lines  []string
		want   []string // src|_time|vendor_account|count|user
	}{
		{
			name: "at threshold", reason: "20 failures from one source in one bin: no finding",
			lines: failedBurst(20, failedAt("09:00:00"), 29*time.Second, users, "192.0.2.1"),
		},
		{
			name: "over threshold", reason: "21 failures over 7 users from one source: one finding listing the users",
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, users, "192.0.2.1"),
			want:  []string{"192.0.2.1|2025-03-10T09:00:00|" + failedTenant + "|21|" + strings.Join(users, ",")},
		},
		{
			name: "bin straddle", reason: "09:09:59 and 09:10:00 fall in different bins: 20 + 1",
			lines: failedJoin(
				failedBurst(19, failedAt("09:00:00"), 30*time.Second, users, "192.0.2.1"),
				[]string{failedLine(failedAt("09:09:59"), users[0], "192.0.2.1"), failedLine(failedAt("09:10:00"), users[0], "192.0.2.1")},
			),
		},
		{
			name: "sources apart", reason: "counts are per source: 11 + 11 from two addresses, no finding",
			lines: failedJoin(
				failedBurst(11, failedAt("09:00:00"), 50*time.Second, users, "192.0.2.1"),
				failedBurst(11, failedAt("09:00:00"), 50*time.Second, users, "192.0.2.2"),
			),
		},
		{
			name: "envelope address", reason: "src is the envelope's callerIpAddress, even when properties.ipAddress differs",
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, users[:1], "192.0.2.1", func(_, props map[string]any) { props["ipAddress"] = "198.51.100.9" }),
			want:  []string{"192.0.2.1|2025-03-10T09:00:00|" + failedTenant + "|21|" + users[0]},
		},
		{
			name: "fillnull BY field", reason: "records without a tenantId are kept with vendor_account \"0\"",
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, users[:2], "2001:db8::17", failedDrop("tenantId")),
			want:  []string{"2001:db8::17|2025-03-10T09:00:00|0|21|" + strings.Join(users[:2], ",")},
		},
	}
	d := rules.AzureADHighNumberOfFailedAuthenticationsFromIP()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := failedRows(failedRun(t, d, tc.lines), "src", "_time", "vendor_account", "count", "user")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestFailedFromIPRisk pins the risk events of one finding: one per user,
// each with the source as threat object, and the corrected message.
func TestFailedFromIPRisk(t *testing.T) {
	users := failedUsers(2, "example.com")
	fs := failedRun(t, rules.AzureADHighNumberOfFailedAuthenticationsFromIP(),
		failedBurst(21, failedAt("09:00:00"), 28*time.Second, users, "192.0.2.1"))
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	var got []string
	for _, ev := range riskOf(t, rules.AzureADHighNumberOfFailedAuthenticationsFromIP(), fs[0]) {
		got = append(got, fmt.Sprintf("%s %s %d %v %q", ev.RiskObject, ev.RiskObjectType, ev.RiskScore, ev.ThreatObject, ev.RiskMessage))
	}
	msg := `"192.0.2.1 failed to authenticate more than 20 times in the span of 10 minutes."`
	want := []string{
		users[0] + " user 35 [192.0.2.1] " + msg,
		users[1] + " user 35 [192.0.2.1] " + msg,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("risk events mismatch (-want +got):\n%s", diff)
	}
}

// TestFailedMultipleUsers pins "Multiple Users Failing To Authenticate
// From Ip": distinct users per source and 5-minute bin, unique_user > 30,
// fillnull, and the _time deviation.
func TestFailedMultipleUsers(t *testing.T) {
	u31 := failedUsers(31, "example.com")
	other := failedUsers(20, "example.org")
	tests := []struct {
		name   string
		reason string
		lines  []string
		want   []string // src|signature|_time|count|unique_user|vendor_account
	}{
		{
			name: "at threshold", reason: "30 distinct users in one bin: unique_user > 30 does not hold",
			lines: failedBurst(30, failedAt("09:00:00"), 9*time.Second, u31[:30], "192.0.2.1"),
		},
		{
			name: "over threshold", reason: "31 distinct users in one bin: one finding",
			lines: failedBurst(31, failedAt("09:00:00"), 9*time.Second, u31, "192.0.2.1"),
			want:  []string{"192.0.2.1|Sign-in activity|2025-03-10T09:00:00|31|31|" + failedTenant},
		},
		{
			name: "repeats are not users", reason: "40 failures over 30 users: count 40 but unique_user 30, no finding",
			lines: failedBurst(40, failedAt("09:00:00"), 7*time.Second, u31[:30], "192.0.2.1"),
		},
		{
			name: "bin straddle", reason: "09:04:59 and 09:05:00 fall in different 5-minute bins: 30 + 1 users",
			lines: failedJoin(
				failedBurst(29, failedAt("09:00:00"), 10*time.Second, u31[:29], "192.0.2.1"),
				[]string{failedLine(failedAt("09:04:59"), u31[29], "192.0.2.1"), failedLine(failedAt("09:05:00"), u31[30], "192.0.2.1")},
			),
		},
		{
			name: "deviation: per bin", reason: "20 users in one bin and 20 others in the next: the SPL as written (no _time in BY) would count 40 and fire; escudo counts per 5-minute bin",
			lines: failedJoin(
				failedBurst(20, failedAt("09:00:00"), 10*time.Second, u31[:20], "192.0.2.1"),
				failedBurst(20, failedAt("09:05:00"), 10*time.Second, other, "192.0.2.1"),
			),
		},
		{
			name: "fillnull user counts", reason: "a record without a user counts as the user \"0\", as Splunk's fillnull makes it: 30 + 1",
			lines: failedJoin(
				failedBurst(30, failedAt("09:00:00"), 9*time.Second, u31[:30], "192.0.2.1"),
				[]string{failedLine(failedAt("09:04:40"), "", "192.0.2.1", failedDrop("properties.userPrincipalName"))},
			),
			want: []string{"192.0.2.1|Sign-in activity|2025-03-10T09:00:00|31|31|" + failedTenant},
		},
		{
			name: "fillnull BY field", reason: "records without an operationName are kept with signature \"0\"",
			lines: failedBurst(31, failedAt("09:00:00"), 9*time.Second, u31, "192.0.2.1", failedDrop("operationName")),
			want:  []string{"192.0.2.1|0|2025-03-10T09:00:00|31|31|" + failedTenant},
		},
		{
			name: "fillnull values field", reason: "a record without a tenantId adds \"0\" to vendor_account",
			lines: failedJoin(
				failedBurst(30, failedAt("09:00:00"), 9*time.Second, u31[:30], "192.0.2.1"),
				[]string{failedLine(failedAt("09:04:40"), u31[30], "192.0.2.1", failedDrop("tenantId"))},
			),
			want: []string{"192.0.2.1|Sign-in activity|2025-03-10T09:00:00|31|31|0," + failedTenant},
		},
	}
	d := rules.AzureADMultipleUsersFailingToAuthenticateFromIP()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := failedRows(failedRun(t, d, tc.lines), "src", "signature", "_time", "count", "unique_user", "vendor_account")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestFailedMessages pins the corrected risk messages as rendered.
func TestFailedMessages(t *testing.T) {
	u31 := failedUsers(31, "example.com")
	tests := []struct {
		name   string
		reason string
		d      detection.Detection[event.SignInEvent]
		lines  []string
		want   string
	}{
		{
			name: "for user", reason: "ESCU says 5 minutes; the search bins 10 minutes",
			d:     rules.AzureADHighNumberOfFailedAuthenticationsForUser(),
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, u31[:1], "192.0.2.1"),
			want:  "User user00@example.com failed to authenticate more than 20 times in the span of 10 minutes.",
		},
		{
			name: "from ip", reason: `ESCU says "10 minutes minutes"`,
			d:     rules.AzureADHighNumberOfFailedAuthenticationsFromIP(),
			lines: failedBurst(21, failedAt("09:00:00"), 28*time.Second, u31[:1], "192.0.2.1"),
			want:  "192.0.2.1 failed to authenticate more than 20 times in the span of 10 minutes.",
		},
		{
			name: "multiple users", reason: `ESCU says "with 30 users"; the search needs more than 30`,
			d:     rules.AzureADMultipleUsersFailingToAuthenticateFromIP(),
			lines: failedBurst(31, failedAt("09:00:00"), 9*time.Second, u31, "192.0.2.1"),
			want:  "Source Ip 192.0.2.1 failed to authenticate with more than 30 users within 5 minutes.",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := failedRun(t, tc.d, tc.lines)
			if len(fs) != 1 {
				t.Fatalf("got %d findings, want 1", len(fs))
			}
			evs := riskOf(t, tc.d, fs[0])
			if len(evs) == 0 {
				t.Fatal("no risk events")
			}
			if diff := cmp.Diff(tc.want, evs[0].RiskMessage); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// failedWindows returns, for source ip, windows of 5 minutes from 10:00
// with counts[k] distinct accounts in window k.
func failedWindows(ip string, counts ...int) []string {
	var lines []string
	for k, c := range counts {
		start := failedAt("10:00:00").Add(time.Duration(k) * 5 * time.Minute)
		for i := range c {
			lines = append(lines, failedLine(start.Add(time.Duration(i)*10*time.Second), fmt.Sprintf("w%02d.u%02d@example.com", k, i), ip))
		}
	}
	return lines
}

// TestFailedUnusual pins "Unusual Number of Failed Authentications From
// Ip": distinct accounts per 5-minute window and source, then the
// outlier test against the source's mean and sample standard deviation.
func TestFailedUnusual(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		lines  []string
		want   []string // _time|src|vendor_account|unique_accounts|ip_avg|ip_std|upperBound|isOutlier
	}{
		{
			name: "single window over", reason: "n=1: stdev taken as 0 [unverified], so upperBound = unique_accounts and 11 > 10 is an outlier",
			lines: failedWindows("192.0.2.1", 11),
			want:  []string{"2025-03-10T10:00:00|192.0.2.1|" + failedTenant + "|11|11|0|11|1"},
		},
		{
			name: "single window at floor", reason: "n=1 with 10 accounts: unique_accounts > 10 does not hold",
			lines: failedWindows("192.0.2.1", 10),
		},
		{
			name: "equal windows", reason: "equal counts give stdev exactly 0: both windows of 11 are outliers",
			lines: failedWindows("192.0.2.1", 11, 11),
			want: []string{
				"2025-03-10T10:00:00|192.0.2.1|" + failedTenant + "|11|11|0|11|1",
				"2025-03-10T10:05:00|192.0.2.1|" + failedTenant + "|11|11|0|11|1",
			},
		},
		{
			name: "two unequal windows", reason: "with n=2 the larger of two unequal counts is never 3 sample stdevs out: 20 vs 12, none",
			lines: failedWindows("192.0.2.1", 12, 20),
		},
		{
			name: "spike over baseline", reason: "11 windows of 1 and one of 12: mean 23/12, sample stdev 3.18, upper bound 11.44, so 12 is an outlier",
			lines: failedWindows("192.0.2.1", 1, 1, 1, 1, 1, 12, 1, 1, 1, 1, 1, 1),
			want:  []string{"2025-03-10T10:25:00|192.0.2.1|" + failedTenant + "|12|1.9166666666666667|3.1754264805429413|11.442946108295489|1"},
		},
		{
			name: "spike within variance", reason: "a noisy baseline (1 and 5) lifts the upper bound to 13.53, above the spike of 12",
			lines: failedWindows("192.0.2.1", 1, 5, 1, 5, 1, 5, 12, 1, 5, 1, 5, 1),
		},
		{
			name: "per source", reason: "each source is measured against its own windows only",
			lines: failedJoin(failedWindows("192.0.2.1", 11), failedWindows("192.0.2.2", 1, 5, 1, 5, 1, 5, 12, 1, 5, 1, 5, 1)),
			want:  []string{"2025-03-10T10:00:00|192.0.2.1|" + failedTenant + "|11|11|0|11|1"},
		},
		{
			name: "no fillnull", reason: "records without a tenantId are dropped, not grouped under \"0\": 11 accounts, one of them without tenant, leave 10",
			lines: failedJoin(
				failedWindows("192.0.2.1", 10),
				[]string{failedLine(failedAt("10:03:00"), "extra@example.com", "192.0.2.1", failedDrop("tenantId"))},
			),
		},
		{
			name: "missing account not counted", reason: "a record without userPrincipalName adds no account to dc(userPrincipalName)",
			lines: failedJoin(
				failedWindows("192.0.2.1", 10),
				[]string{failedLine(failedAt("10:03:00"), "", "192.0.2.1", failedDrop("properties.userPrincipalName"))},
			),
		},
		{
			name: "bin straddle", reason: "10:04:59 and 10:05:00 fall in different windows: 10 + 1 accounts, none over 10",
			lines: failedJoin(
				failedWindows("192.0.2.1", 9),
				[]string{failedLine(failedAt("10:04:59"), "edge1@example.com", "192.0.2.1"), failedLine(failedAt("10:05:00"), "edge2@example.com", "192.0.2.1")},
			),
		},
	}
	d := rules.AzureADUnusualNumberOfFailedAuthenticationsFromIP()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := failedRows(failedRun(t, d, tc.lines), "_time", "src", "vendor_account", "unique_accounts", "ip_avg", "ip_std", "upperBound", "isOutlier")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// TestFailedUnusualThen pins the second stage on its own: it keeps input
// order, leaves its input alone, is deterministic, and ignores a row
// whose unique_accounts is not a number.
func TestFailedUnusualThen(t *testing.T) {
	row := func(src, n string) detection.Finding {
		return detection.Finding{Columns: []detection.Column{
			{Name: "src", Kind: detection.Text, Values: []string{src}},
			{Name: "unique_accounts", Kind: detection.Number, Values: []string{n}},
		}}
	}
	in := []detection.Finding{row("b", "11"), row("a", "12"), row("b", "11"), row("a", "x"), row("c", "4")}
	before := make([]detection.Finding, len(in))
	for i, f := range in {
		before[i] = f.Clone()
	}
	g := rules.AzureADUnusualNumberOfFailedAuthenticationsFromIP().Grouping()
	first := g.Then(in)
	second := g.Then(in)
	if diff := cmp.Diff(before, in, cmp.AllowUnexported(detection.Finding{})); diff != "" {
		t.Errorf("Then modified its input (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(failedRows(first, "src", "unique_accounts"), failedRows(second, "src", "unique_accounts")); diff != "" {
		t.Errorf("Then is not deterministic (-first +second):\n%s", diff)
	}
	want := []string{"b|11|11|0|11|1", "a|12|12|0|12|1", "b|11|11|0|11|1"}
	got := failedRows(first, append([]string{"src", "unique_accounts"}, g.ThenColumns...)...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Then rows mismatch (-want +got):\n%s", diff)
	}
	for _, f := range first {
		var names []string
		for _, c := range f.Columns[2:] {
			names = append(names, c.Name)
			if c.Kind != detection.Number {
				t.Errorf("column %s: kind %v, want Number", c.Name, c.Kind)
			}
		}
		if diff := cmp.Diff(g.ThenColumns, names); diff != "" {
			t.Errorf("added columns differ from ThenColumns (-want +got):\n%s", diff)
		}
	}
	if got := g.Then(nil); len(got) != 0 {
		t.Errorf("Then(nil) = %v, want none", got)
	}
}

// TestFailedEngineOptions runs each rule over its sample alone, then all
// four together with the prefilter on their declared literal and several
// workers, and checks the findings are the same: the literal is in every
// record the rules match, and the Then stage sees the merged rows.
func TestFailedEngineOptions(t *testing.T) {
	var want, got []string
	var data []byte
	for _, d := range failedRules() {
		bs, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "signins.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, bs...)
	}
	for _, d := range failedRules() {
		for _, f := range failedRunOpts(t, detection.Options{DecodeAll: true}, data, d) {
			want = append(want, f.Detection+" "+string(f.AppendJSON(nil)))
		}
	}
	for _, f := range failedRunOpts(t, detection.Options{Workers: 4}, data, failedRules()...) {
		got = append(got, f.Detection+" "+string(f.AppendJSON(nil)))
	}
	if len(want) == 0 {
		t.Fatal("no findings")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prefiltered parallel run differs (-alone +together):\n%s", diff)
	}
}

func failedRunOpts(t *testing.T, opts detection.Options, data []byte, ds ...detection.Detection[event.SignInEvent]) []detection.Finding {
	t.Helper()
	eng, err := detection.NewEngine(opts, of(ds...)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(string(data))))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// BenchmarkFailedRules runs the four rules over their samples, together.
func BenchmarkFailedRules(b *testing.B) {
	var data []byte
	for _, d := range failedRules() {
		bs, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "signins.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, bs...)
	}
	eng, err := detection.NewEngine(detection.Options{}, of(failedRules()...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(string(data)))); err != nil {
			b.Fatal(err)
		}
	}
}
