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

// anomalyTenant is the tenant of the constructed records.
const anomalyTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// anomalyRules are this family's rules, in catalogue order.
func anomalyRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
		rules.AzureADMultiSourceFailedAuthenticationsSpike(),
		rules.AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike(),
		rules.AzureADServicePrincipalAuthentication(),
		rules.AzureADSuccessfulPowerShellAuthentication(),
	}
}

// anomalyRec is a sign-in to turn into an Azure Monitor record: only what
// these rules read. The zero value of a field means its usual value, as
// each comment says.
type anomalyRec struct {
	at       time.Time // createdDateTime; the envelope time is 2 s later
	category string    // "" means SignInLogs
	op       string    // operationName; "" means "Sign-in activity", "-" none
	user     string    // userPrincipalName; "" for none
	sp       string    // servicePrincipalName; "" for none
	ip       string    // callerIpAddress; "" for none
	appID    string    // appId; "" means a fixed one, "-" none
	appName  string    // appDisplayName; "" for none
	code     int       // status.errorCode
	details  string    // status.additionalDetails; "" for none
	req      string    // authenticationRequirement; "" means singleFactorAuthentication
	steps    string    // one per authentication step: T succeeded, F failed, N null
	ua       string    // userAgent; "" for none
	country  string    // location.countryOrRegion; "" for none
	resource string    // resourceDisplayName; "" for none
}

// anomalyLine renders r as one storage-blob (PT1H.json) record.
func anomalyLine(r anomalyRec) string {
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
	if r.details != "" {
		status["additionalDetails"] = r.details
	}
	props := map[string]any{
		"createdDateTime":           r.at.UTC().Format(time.RFC3339Nano),
		"ipAddress":                 r.ip,
		"status":                    status,
		"authenticationDetails":     steps,
		"authenticationRequirement": anomalyOr(r.req, "singleFactorAuthentication"),
	}
	optional := map[string]string{
		"userPrincipalName": r.user, "servicePrincipalName": r.sp, "appDisplayName": r.appName,
		"userAgent": r.ua, "resourceDisplayName": r.resource,
		"appId": anomalyOr(r.appID, "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"),
	}
	for k, v := range optional {
		if v != "" && v != "-" {
			props[k] = v
		}
	}
	if r.resource != "" {
		props["resourceId"] = "res-" + r.resource
	}
	if r.country != "" {
		props["location"] = map[string]any{"countryOrRegion": r.country}
	}
	rec := map[string]any{
		"time":       r.at.Add(2 * time.Second).UTC().Format(time.RFC3339Nano),
		"category":   anomalyOr(r.category, "SignInLogs"),
		"tenantId":   anomalyTenant,
		"resultType": fmt.Sprint(r.code),
		"properties": props,
	}
	if r.op != "-" {
		rec["operationName"] = anomalyOr(r.op, "Sign-in activity")
	}
	if r.ip != "" {
		rec["callerIpAddress"] = r.ip
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err) // test helper: the maps above always marshal
	}
	return string(b)
}

func anomalyOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// anomalyAt returns 2025-03-17 at the clock "15:04:05" (fractions allowed).
func anomalyAt(clock string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", "2025-03-17 "+clock)
	if err != nil {
		panic(err)
	}
	return t
}

// anomalyRun runs d alone over the records and returns its findings.
func anomalyRun(t *testing.T, d detection.Detection[event.SignInEvent], recs []anomalyRec) []detection.Finding {
	t.Helper()
	var in strings.Builder
	for _, r := range recs {
		in.WriteString(anomalyLine(r))
		in.WriteByte('\n')
	}
	return anomalyRunText(t, d, in.String(), len(recs))
}

func anomalyRunText(t *testing.T, d detection.Detection[event.SignInEvent], text string, n int) []detection.Finding {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, of(d)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(text)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Bad != 0 || res.Counts.Decoded+res.Counts.Prefiltered != int64(n) {
		t.Fatalf("input does not decode cleanly: %+v, want %d records", res.Counts, n)
	}
	return res.Findings
}

// anomalyRows renders the named columns of each finding as "a|b|c", a
// multivalue column as its values joined with commas.
func anomalyRows(fs []detection.Finding, cols ...string) []string {
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

type anomalyCase struct {
	name   string
	reason string
	recs   []anomalyRec
	want   []string // anomalyRows of the findings
}

func anomalyCheck(t *testing.T, d detection.Detection[event.SignInEvent], cols []string, tests []anomalyCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := anomalyRows(anomalyRun(t, d, tc.recs), cols...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\nfindings mismatch (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

// anomalySpray returns wrong-password failures, one per (user, address)
// pair, users[i] from ips[i], from start at step intervals, each changed
// by mod when it is not nil.
func anomalySpray(start time.Time, step time.Duration, users, ips []string, mod func(i int, r *anomalyRec)) []anomalyRec {
	recs := make([]anomalyRec, len(users))
	for i := range recs {
		recs[i] = anomalyRec{at: start.Add(time.Duration(i) * step), user: users[i], ip: ips[i], code: 50126,
			steps: "F", ua: "python-requests/2.31.0", country: []string{"US", "DE", "BR"}[i%3]}
		if mod != nil {
			mod(i, &recs[i])
		}
	}
	return recs
}

// anomalyNames returns n names "<prefix><i>" from from on: users or
// addresses.
func anomalyNames(prefix string, from, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, from+i)
	}
	return out
}

func anomalyUsers(from, n int) []string { return anomalyNames("u", from, n) }
func anomalyIPs(from, n int) []string   { return anomalyNames("203.0.113.", from, n) }

func anomalyJoin(parts ...[]anomalyRec) []anomalyRec {
	var all []anomalyRec
	for _, p := range parts {
		all = append(all, p...)
	}
	return all
}

// TestSignInAnomalySpikeThresholds runs the multi-source spike at and
// just past each threshold of `where uniqueIpUserCombinations > 20 AND
// uniqueUsers > 20 AND uniqueIPs > 20 AND uniqueUserAgents = 1`, and
// checks the 5-minute window (escudo's documented deviation).
func TestSignInAnomalySpikeThresholds(t *testing.T) {
	at := anomalyAt("08:00:00")
	sec := time.Second
	// repeat makes n records of the window reuse the first user or address.
	reuseUser := func(n int) func(int, *anomalyRec) {
		return func(i int, r *anomalyRec) {
			if i < n {
				r.user = "u0"
			}
		}
	}
	reuseIP := func(n int) func(int, *anomalyRec) {
		return func(i int, r *anomalyRec) {
			if i < n {
				r.ip = "203.0.113.0"
			}
		}
	}
	tests := []anomalyCase{
		{"21 of each", "just past every threshold, one user agent: a finding",
			anomalySpray(at, sec, anomalyUsers(0, 21), anomalyIPs(0, 21), nil),
			[]string{"2025-03-17T08:00:00|21|21|21|1|21|failure"}},
		{"20 users", "uniqueUsers at 20 (u0 twice), addresses and pairs 21: none",
			anomalySpray(at, sec, anomalyUsers(0, 21), anomalyIPs(0, 21), reuseUser(2)), nil},
		{"20 addresses", "uniqueIPs at 20, users and pairs 21: none",
			anomalySpray(at, sec, anomalyUsers(0, 21), anomalyIPs(0, 21), reuseIP(2)), nil},
		{"21 users, 21 addresses, 20 pairs", "a user without an address and an address without a user " +
			"count as the address and user 0 (fillnull), but both pairs are null before fillnull and become the one pair 0",
			anomalySpray(at, sec, anomalyUsers(0, 21), anomalyIPs(0, 21), func(i int, r *anomalyRec) {
				switch i {
				case 19:
					r.ip = ""
				case 20:
					r.user = ""
				}
			}), nil},
		{"22 users, 22 addresses, 21 pairs", "the same with one more full pair: a finding, user and src hold 0",
			anomalySpray(at, sec, anomalyUsers(0, 22), anomalyIPs(0, 22), func(i int, r *anomalyRec) {
				switch i {
				case 20:
					r.ip = ""
				case 21:
					r.user = ""
				}
			}),
			[]string{"2025-03-17T08:00:00|21|22|22|1|22|failure"}},
		{"two user agents", "uniqueUserAgents = 1 fails at 2",
			anomalySpray(at, sec, anomalyUsers(0, 21), anomalyIPs(0, 21), func(i int, r *anomalyRec) {
				if i == 20 {
					r.ua = "Mozilla/5.0"
				}
			}), nil},
		{"a missing user agent", "fillnull makes it 0, a second user agent: none",
			anomalySpray(at, sec, anomalyUsers(0, 21), anomalyIPs(0, 21), func(i int, r *anomalyRec) {
				if i == 20 {
					r.ua = ""
				}
			}), nil},
		{"bin edge", "20 in the 08:00 bin (the last at 08:04:59.999) and the 21st at 08:05:00: none (deviation: per bin)",
			anomalyJoin(
				anomalySpray(anomalyAt("08:04:59.999"), 0, anomalyUsers(0, 20), anomalyIPs(0, 20), nil),
				anomalySpray(anomalyAt("08:05:00"), 0, anomalyUsers(20, 1), anomalyIPs(20, 1), nil)), nil},
		{"two bins", "11 and 11 in neighbouring bins: the SPL as written (no BY) would count 22 and fire; escudo: none",
			anomalyJoin(
				anomalySpray(anomalyAt("08:02:00"), 10*sec, anomalyUsers(0, 11), anomalyIPs(0, 11), nil),
				anomalySpray(anomalyAt("08:05:00"), 10*sec, anomalyUsers(11, 11), anomalyIPs(11, 11), nil)), nil},
		{"two windows", "two spikes in two bins: one finding each",
			anomalyJoin(
				anomalySpray(anomalyAt("08:00:00"), sec, anomalyUsers(0, 21), anomalyIPs(0, 21), nil),
				anomalySpray(anomalyAt("09:30:00"), sec, anomalyUsers(0, 21), anomalyIPs(100, 21), nil)),
			[]string{"2025-03-17T08:00:00|21|21|21|1|21|failure", "2025-03-17T09:30:00|21|21|21|1|21|failure"}},
		{"near misses", "the base search drops the 21st failure: another error, another category, a null or no step",
			anomalyJoin(
				anomalySpray(at, sec, anomalyUsers(0, 20), anomalyIPs(0, 20), nil),
				anomalySpray(at, sec, []string{"v0", "v1", "v2", "v3"}, anomalyIPs(50, 4), func(i int, r *anomalyRec) {
					switch i {
					case 0:
						r.code = 50053
					case 1:
						r.category = "NonInteractiveUserSignInLogs"
					case 2:
						r.steps = "N"
					case 3:
						r.steps = ""
					}
				})), nil},
	}
	anomalyCheck(t, rules.AzureADMultiSourceFailedAuthenticationsSpike(),
		[]string{"_time", "uniqueIpUserCombinations", "uniqueUsers", "uniqueIPs", "uniqueUserAgents", "count", "action"}, tests)
}

// TestSignInAnomalySpikeColumns checks the values of a spike finding and
// that the Hunting search gives no risk events.
func TestSignInAnomalySpikeColumns(t *testing.T) {
	d := rules.AzureADMultiSourceFailedAuthenticationsSpike()
	recs := anomalySpray(anomalyAt("08:01:00"), time.Second, anomalyUsers(0, 21), anomalyIPs(0, 21), func(i int, r *anomalyRec) {
		if i == 20 {
			r.country = ""
		}
	})
	fs := anomalyRun(t, d, recs)
	got := anomalyRows(fs, "firstTime", "lastTime", "uniqueCountries", "countries", "dest", "vendor_product", "user_agent")
	want := []string{"2025-03-17T08:00:00|2025-03-17T08:00:00|4|0,BR,DE,US|" + anomalyTenant + "|Azure AD|python-requests/2.31.0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after bucket, first and last time are the bin's start; a missing country is 0 (-want +got):\n%s", diff)
	}
	if evs := riskOf(t, d, fs...); len(evs) != 0 {
		t.Errorf("a Hunting search without an RBA block gave %d risk events", len(evs))
	}
}

// anomalyTry returns sign-ins of user from ip, one per (application,
// user agent) pair, from start a second apart, changed by mod when it is
// not nil. The first of each pair of sign-ins is stopped for MFA, the
// other passes with one factor: both branches of the base search.
func anomalyTry(start time.Time, user, ip string, apps, uas []string, mod func(i int, r *anomalyRec)) []anomalyRec {
	recs := make([]anomalyRec, len(apps))
	for i := range recs {
		r := anomalyRec{at: start.Add(time.Duration(i) * time.Second), user: user, ip: ip, appID: apps[i], ua: uas[i], steps: "T"}
		if i%2 == 0 {
			r.code, r.req, r.details = 50076, "multiFactorAuthentication", "MFA required in Azure AD"
		}
		if mod != nil {
			mod(i, &r)
		}
		recs[i] = r
	}
	return recs
}

// TestSignInAnomalyAppIDsThresholds runs the application and user agent
// spike at and just past each threshold of `where count > 5 and
// unique_app_ids > 2 and unique_user_agents > 5`, with its BY fields and
// 5-minute window (escudo's documented deviation).
func TestSignInAnomalyAppIDsThresholds(t *testing.T) {
	at := anomalyAt("14:00:00")
	const u, ip = "alex@example.com", "203.0.113.50"
	apps3 := []string{"a1", "a2", "a3", "a1", "a2", "a3"}
	apps2 := []string{"a1", "a2", "a1", "a2", "a1", "a2"}
	uas := anomalyNames("agent/", 1, 7)
	tests := []anomalyCase{
		{"6 sign-ins, 3 apps, 6 agents", "just past every threshold: a finding",
			anomalyTry(at, u, ip, apps3, uas[:6], nil),
			[]string{u + "|" + ip + "|2025-03-17T14:00:00|6|3|6"}},
		{"5 agents", "unique_user_agents at 5 (one repeated), count 6 and 3 apps: none",
			anomalyTry(at, u, ip, apps3, append(uas[:5:5], uas[0]), nil), nil},
		{"2 apps", "unique_app_ids at 2, count 6 and 6 agents: none",
			anomalyTry(at, u, ip, apps2, uas[:6], nil), nil},
		{"count 5", "count at 5 can only come with at most 5 agents (each match has one): none",
			anomalyTry(at, u, ip, apps3[:5], uas[:5], nil), nil},
		{"7 sign-ins", "more than enough of everything: one finding",
			anomalyTry(at, u, ip, append(apps3, "a4"), uas, nil),
			[]string{u + "|" + ip + "|2025-03-17T14:00:00|7|4|7"}},
		{"a missing agent", "fillnull makes it 0, the sixth agent: a finding",
			anomalyTry(at, u, ip, apps3, uas[:6], func(i int, r *anomalyRec) {
				if i == 5 {
					r.ua = ""
				}
			}),
			[]string{u + "|" + ip + "|2025-03-17T14:00:00|6|3|6"}},
		{"a missing appId", "fillnull makes it 0, the third application: a finding",
			anomalyTry(at, u, ip, apps2, uas[:6], func(i int, r *anomalyRec) {
				if i == 5 {
					r.appID = "-"
				}
			}),
			[]string{u + "|" + ip + "|2025-03-17T14:00:00|6|3|6"}},
		{"two addresses", "src is a BY field: 4 and 2 sign-ins, none",
			anomalyTry(at, u, ip, apps3, uas[:6], func(i int, r *anomalyRec) {
				if i >= 4 {
					r.ip = "198.51.100.61"
				}
			}), nil},
		{"two users", "user is a BY field: 3 and 3 sign-ins, none",
			anomalyTry(at, u, ip, apps3, uas[:6], func(i int, r *anomalyRec) {
				if i%2 == 1 {
					r.user = "bianca@example.com"
				}
			}), nil},
		{"two bins", "3 sign-ins up to 14:04:59 and 3 from 14:05:00: the SPL as written would fire; escudo: none (deviation)",
			anomalyTry(anomalyAt("14:04:57"), u, ip, apps3, uas[:6], nil), nil},
		{"near misses", "each of these stops the sixth sign-in matching: none",
			anomalyJoin(
				anomalyTry(at, u, ip, apps3[:5], uas[:5], nil),
				anomalyTry(at.Add(time.Minute), u, ip, []string{"a3", "a3", "a3", "a3", "a3", "a3", "a3"}, anomalyNames("other/", 1, 7),
					func(i int, r *anomalyRec) {
						switch i {
						case 0: // multi-factor requirement that passed: neither branch
							r.code, r.req, r.details, r.steps = 0, "multiFactorAuthentication", "MFA completed in Azure AD", "TT"
						case 1: // stopped for MFA, but a single-factor requirement and no succeeded step
							r.code, r.details, r.steps = 50076, "MFA required in Azure AD", "N"
						case 2: // single factor, wrong password
							r.code, r.req, r.details, r.steps = 50126, "", "", "F"
						case 3:
							r.category = "NonInteractiveUserSignInLogs"
						case 4:
							r.op = "-"
						case 5: // MFA denied rather than required
							r.code, r.req, r.details = 500121, "multiFactorAuthentication", "MFA denied; user declined the authentication"
						case 6: // compared exactly (see the doc comment)
							r.code, r.req, r.details = 50076, "multiFactorAuthentication", "mfa required in azure ad"
						}
					})), nil},
	}
	anomalyCheck(t, rules.AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike(),
		[]string{"user", "src", "_time", "count", "unique_app_ids", "unique_user_agents"}, tests)
}

// TestSignInAnomalyAppIDsRisk checks the risk event of a finding: one for
// the user, no threat object, and ESCU's message with its typo.
func TestSignInAnomalyAppIDsRisk(t *testing.T) {
	d := rules.AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike()
	fs := anomalyRun(t, d, anomalyTry(anomalyAt("14:00:00"), "alex@example.com", "203.0.113.50",
		[]string{"a1", "a2", "a3", "a1", "a2", "a3"}, anomalyNames("agent/", 1, 6), nil))
	evs := riskOf(t, d, fs...)
	if len(evs) != 1 {
		t.Fatalf("%d risk events, want 1", len(evs))
	}
	got := []any{evs[0].RiskObject, evs[0].RiskScore, evs[0].RiskMessage, len(evs[0].ThreatObject)}
	want := []any{"alex@example.com", 48, "alex@example.com authenticated in a short periof of time with more than 5 different user agents across 3 or more unique application ids.", 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("risk event (-want +got):\n%s", diff)
	}
}

// TestSignInAnomalyServicePrincipal checks the service principal rule's
// base search and groups.
func TestSignInAnomalyServicePrincipal(t *testing.T) {
	sp := func(clock, name, ip, resource string) anomalyRec {
		return anomalyRec{at: anomalyAt(clock), category: "ServicePrincipalSignInLogs", sp: name, ip: ip, resource: resource}
	}
	with := func(r anomalyRec, mod func(*anomalyRec)) anomalyRec { mod(&r); return r }
	tests := []anomalyCase{
		{"groups", "one finding per service principal, address and resource; times are not binned",
			[]anomalyRec{
				sp("09:00:04.5", "Fabrikam Sync", "203.0.113.80", "Microsoft Graph"),
				sp("11:00:03", "Fabrikam Sync", "203.0.113.80", "Microsoft Graph"),
				sp("09:30:00", "Fabrikam Sync", "203.0.113.80", "Azure Key Vault"),
				sp("10:00:00", "Fabrikam Sync", "198.51.100.150", "Microsoft Graph"),
			},
			[]string{
				"Fabrikam Sync|198.51.100.150|Microsoft Graph|res-Microsoft Graph|1|2025-03-17T10:00:00",
				"Fabrikam Sync|203.0.113.80|Azure Key Vault|res-Azure Key Vault|1|2025-03-17T09:30:00",
				"Fabrikam Sync|203.0.113.80|Microsoft Graph|res-Microsoft Graph|2|2025-03-17T09:00:04",
			}},
		{"failure", "the status is not searched: a failed sign-in counts",
			[]anomalyRec{with(sp("12:00:00", "Northwind Agent", "192.0.2.60", "Microsoft Graph"), func(r *anomalyRec) { r.code = 7000215 })},
			[]string{"Northwind Agent|192.0.2.60|Microsoft Graph|res-Microsoft Graph|1|2025-03-17T12:00:00"}},
		{"fillnull", "no address, no resource: src, resourceDisplayName and resourceId are 0",
			[]anomalyRec{sp("12:00:00", "Northwind Agent", "", "")},
			[]string{"Northwind Agent|0|0|0|1|2025-03-17T12:00:00"}},
		{"user coalesce", "the add-on's user is userPrincipalName before servicePrincipalName",
			[]anomalyRec{with(sp("12:00:00", "Northwind Agent", "192.0.2.60", "Microsoft Graph"), func(r *anomalyRec) { r.user = "keiko@example.com" })},
			[]string{"keiko@example.com|192.0.2.60|Microsoft Graph|res-Microsoft Graph|1|2025-03-17T12:00:00"}},
		{"near misses", "a managed identity, a user's sign-ins, no operationName: none",
			[]anomalyRec{
				with(sp("12:00:00", "vm-batch-01", "192.0.2.61", "Azure Key Vault"), func(r *anomalyRec) { r.category = "ManagedIdentitySignInLogs" }),
				with(sp("12:00:00", "", "192.0.2.62", "Microsoft Graph"), func(r *anomalyRec) { r.category, r.user = "NonInteractiveUserSignInLogs", "mara@example.com" }),
				with(sp("12:00:00", "Northwind Agent", "192.0.2.63", "Microsoft Graph"), func(r *anomalyRec) { r.category = "" }),
				with(sp("12:00:00", "Northwind Agent", "192.0.2.64", "Microsoft Graph"), func(r *anomalyRec) { r.op = "-" }),
			}, nil},
	}
	anomalyCheck(t, rules.AzureADServicePrincipalAuthentication(),
		[]string{"user", "src", "resourceDisplayName", "resourceId", "count", "firstTime"}, tests)
}

// TestSignInAnomalyPowerShell checks the PowerShell rule's base search and
// groups.
func TestSignInAnomalyPowerShell(t *testing.T) {
	ps := func(clock, user, ua, steps string) anomalyRec {
		return anomalyRec{at: anomalyAt(clock), user: user, ip: "203.0.113.15", appName: "Microsoft Azure PowerShell", ua: ua, steps: steps}
	}
	with := func(r anomalyRec, mod func(*anomalyRec)) anomalyRec { mod(&r); return r }
	tests := []anomalyCase{
		{"groups", "per user and user agent; any succeeded step is enough; times are not binned",
			[]anomalyRec{
				ps("09:12:30.5", "hana@example.com", "Chrome", "T"),
				ps("13:47:11.75", "hana@example.com", "Chrome", "FT"),
				ps("10:02:00", "hana@example.com", "PowerShell/7.4.1", "T"),
				ps("11:00:00", "ivan@example.org", "", "T"),
			},
			[]string{
				"hana@example.com|Chrome|2|2025-03-17T09:12:30|2025-03-17T13:47:11",
				"hana@example.com|PowerShell/7.4.1|1|2025-03-17T10:02:00|2025-03-17T10:02:00",
				"ivan@example.org|0|1|2025-03-17T11:00:00|2025-03-17T11:00:00",
			}},
		{"stopped for MFA", "the error code is not searched: the password step passed",
			[]anomalyRec{with(ps("12:05:45", "jonas@example.net", "Chrome", "TF"), func(r *anomalyRec) { r.code, r.req = 50076, "multiFactorAuthentication" })},
			[]string{"jonas@example.net|Chrome|1|2025-03-17T12:05:45|2025-03-17T12:05:45"}},
		{"near misses", "a failed or null step, another application, another category: none",
			[]anomalyRec{
				ps("15:00:00", "leo@example.com", "Chrome", "F"),
				ps("15:01:00", "leo@example.com", "Chrome", "N"),
				ps("15:02:00", "leo@example.com", "Chrome", ""),
				with(ps("15:03:00", "leo@example.com", "Chrome", "T"), func(r *anomalyRec) { r.appName = "Microsoft Azure CLI" }),
				with(ps("15:04:00", "leo@example.com", "Chrome", "T"), func(r *anomalyRec) { r.appName = "Azure Active Directory PowerShell" }),
				with(ps("15:05:00", "leo@example.com", "Chrome", "T"), func(r *anomalyRec) { r.appName = "microsoft azure powershell" }),
				with(ps("15:06:00", "leo@example.com", "Chrome", "T"), func(r *anomalyRec) { r.category = "NonInteractiveUserSignInLogs" }),
			}, nil},
	}
	anomalyCheck(t, rules.AzureADSuccessfulPowerShellAuthentication(),
		[]string{"user", "user_agent", "count", "firstTime", "lastTime"}, tests)
}

// TestSignInAnomalyMeta pins each rule's metadata, output columns and
// where clause to ESCU's (develop 2025-08-21).
func TestSignInAnomalyMeta(t *testing.T) {
	type meta struct {
		ID, Name, Type, Asset, Domain string
		Version                       int
		DataSource, Stories, MITRE    []string
		RBA                           risk.Spec
		Drilldowns                    int
		Columns, Where, Literals      []string
		Span                          time.Duration
		FillNull                      bool
		Filter                        string
	}
	userRisk := func(msg string, score int, threat bool) risk.Spec {
		s := risk.Spec{Message: msg, RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: score}}}
		if threat {
			s.ThreatObjects = []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}}
		}
		return s
	}
	want := []meta{
		{
			ID: "116e11a9-63ea-41eb-a66a-6a13bdc7d2c7", Name: "Azure AD Multi-Source Failed Authentications Spike",
			Type: "Hunting", Asset: "Azure Tenant", Domain: "identity", Version: 9,
			DataSource: []string{"Azure Active Directory"},
			Stories:    []string{"Azure Active Directory Account Takeover", "NOBELIUM Group"},
			MITRE:      []string{"T1110.003", "T1110.004", "T1586.003"},
			Columns: []string{"_time", "count", "firstTime", "lastTime", "uniqueIpUserCombinations", "uniqueUsers", "uniqueIPs",
				"uniqueUserAgents", "uniqueCountries", "countries", "action", "dest", "user", "src", "vendor_account", "vendor_product", "user_agent"},
			Where:    []string{"uniqueIpUserCombinations > 20", "uniqueUsers > 20", "uniqueIPs > 20", "uniqueUserAgents = 1"},
			Literals: []string{"50126"}, Span: 5 * time.Minute, FillNull: true,
			Filter: "`azure_ad_multi_source_failed_authentications_spike_filter`",
		},
		{
			ID: "5d8bb1f0-f65a-4b4e-af2e-fcdb88276314", Name: "Azure AD Multiple AppIDs and UserAgents Authentication Spike",
			Type: "Anomaly", Asset: "Azure Tenant", Domain: "identity", Version: 10,
			DataSource: []string{"Azure Active Directory Sign-in activity"},
			Stories:    []string{"Azure Active Directory Account Takeover"},
			MITRE:      []string{"T1078"},
			RBA:        userRisk("$user$ authenticated in a short periof of time with more than 5 different user agents across 3 or more unique application ids.", 48, false),
			Drilldowns: 2,
			Columns: []string{"user", "src", "vendor_account", "vendor_product", "signature", "_time",
				"count", "unique_app_ids", "unique_user_agents", "firstTime", "lastTime", "dest", "user_agent"},
			Where:    []string{"count > 5", "unique_app_ids > 2", "unique_user_agents > 5"},
			Literals: []string{"singleFactorAuthentication", "MFA required in Azure AD"}, Span: 5 * time.Minute, FillNull: true,
			Filter: "`azure_ad_multiple_appids_and_useragents_authentication_spike_filter`",
		},
		{
			ID: "5a2ec401-60bb-474e-b936-1e66e7aa4060", Name: "Azure AD Service Principal Authentication",
			Type: "TTP", Asset: "Azure Active Directory", Domain: "identity", Version: 8,
			DataSource: []string{"Azure Active Directory Sign-in activity"},
			Stories:    []string{"Azure Active Directory Account Takeover", "NOBELIUM Group"},
			MITRE:      []string{"T1078.004"},
			RBA:        userRisk("Service Principal $user$ authenticated from $src$", 25, true),
			Drilldowns: 2,
			Columns: []string{"dest", "user", "src", "vendor_account", "vendor_product", "resourceDisplayName", "resourceId", "signature",
				"count", "firstTime", "lastTime"},
			Literals: []string{"ServicePrincipalSignInLogs"}, FillNull: true,
			Filter: "`azure_ad_service_principal_authentication_filter`",
		},
		{
			ID: "62f10052-d7b3-4e48-b57b-56f8e3ac7ceb", Name: "Azure AD Successful PowerShell Authentication",
			Type: "TTP", Asset: "Azure Active Directory", Domain: "identity", Version: 9,
			DataSource: []string{"Azure Active Directory"},
			Stories:    []string{"Azure Active Directory Account Takeover"},
			MITRE:      []string{"T1078.004", "T1586.003"},
			RBA:        userRisk("Successful authentication for user $user$ using PowerShell.", 54, true),
			Drilldowns: 2,
			Columns:    []string{"dest", "user", "src", "vendor_account", "vendor_product", "user_agent", "signature", "count", "firstTime", "lastTime"},
			Literals:   []string{"Microsoft Azure PowerShell"}, FillNull: true,
			Filter: "`azure_ad_successful_powershell_authentication_filter`",
		},
	}
	ds := anomalyRules()
	if len(ds) != len(want) {
		t.Fatalf("%d rules, want %d", len(ds), len(want))
	}
	for i, d := range ds {
		t.Run(sample.Slug(d.Meta().Name), func(t *testing.T) {
			m, g := d.Meta(), d.Grouping()
			eng, err := detection.NewEngine(detection.Options{}, of(d)...)
			if err != nil {
				t.Fatal(err)
			}
			var where []string
			for _, c := range g.Where {
				where = append(where, c.String())
			}
			var lits []string
			if l, ok := d.(detection.Literals); ok {
				lits = l.Literals()
			}
			stages := strings.Split(m.Search, "\n| ")
			got := meta{
				ID: m.ID, Name: m.Name, Type: m.Type, Asset: m.Tags.AssetType, Domain: m.Tags.SecurityDomain, Version: m.Version,
				DataSource: m.DataSource, Stories: m.Tags.AnalyticStory, MITRE: m.Tags.MITREAttackID, RBA: m.RBA,
				Drilldowns: len(m.Drilldowns), Columns: eng.Columns(m.Name), Where: where, Literals: lits,
				Span: g.Span, FillNull: g.FillNull, Filter: stages[len(stages)-1],
			}
			if diff := cmp.Diff(want[i], got); diff != "" {
				t.Errorf("metadata mismatch (-want +got):\n%s", diff)
			}
			if m.Date != "2025-05-02" || m.Status != "production" {
				t.Errorf("date %s, status %s; want ESCU's 2025-05-02, production", m.Date, m.Status)
			}
			if g.Then != nil {
				t.Error("the rule has a Then stage; its SPL has no eventstats")
			}
		})
	}
}

// TestSignInAnomalyNearMisses runs each rule over the lines of its sample
// that the README lists as giving no finding, alone: every such line is
// a near miss or part of a group below a threshold.
func TestSignInAnomalyNearMisses(t *testing.T) {
	tests := []struct {
		d     detection.Detection[event.SignInEvent]
		fires func(line string) bool // the lines of the groups that fire
		rest  int                    // how many lines are left
	}{
		{rules.AzureADMultiSourceFailedAuthenticationsSpike(), func(l string) bool {
			return strings.Contains(l, `"createdDateTime":"2025-03-17T08:0`)
		}, 109},
		{rules.AzureADMultipleAppIDsAndUserAgentsAuthenticationSpike(), func(l string) bool {
			return strings.Contains(l, `"userPrincipalName":"alex.moreno@`) || strings.Contains(l, `"userPrincipalName":"gus.tanaka@`)
		}, 36},
		{rules.AzureADServicePrincipalAuthentication(), func(l string) bool {
			return strings.Contains(l, `"category":"ServicePrincipalSignInLogs"`)
		}, 3},
		{rules.AzureADSuccessfulPowerShellAuthentication(), func(l string) bool {
			return !strings.Contains(l, `"userPrincipalName":"leo.marsh@`)
		}, 5},
	}
	for _, tt := range tests {
		name := tt.d.Meta().Name
		t.Run(sample.Slug(name), func(t *testing.T) {
			data, err := os.ReadFile(testdata(sample.Slug(name), "signins.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			var rest []string
			for _, l := range strings.SplitAfter(string(data), "\n") {
				if l != "" && !tt.fires(l) {
					rest = append(rest, l)
				}
			}
			if len(rest) != tt.rest {
				t.Fatalf("%d near-miss lines in the sample, want %d", len(rest), tt.rest)
			}
			if fs := anomalyRunText(t, tt.d, strings.Join(rest, ""), len(rest)); len(fs) != 0 {
				t.Errorf("near misses give %d findings, want none: %s", len(fs), fs[0].AppendJSON(nil))
			}
		})
	}
}

// TestSignInAnomalyLiterals checks that the prefilter drops no record a
// rule matches: over the rule's sample and the shared dataset in the Azure
// Monitor and Log Analytics formats, every record Match accepts holds a
// literal, and the findings are the same with the prefilter as without.
// The two exports of the dataset give the same findings but for src: a
// Log Analytics row has no callerIpAddress, so its src is "0" (see the
// event package's src). The service principal rule must find the
// dataset's service principal.
func TestSignInAnomalyLiterals(t *testing.T) {
	for _, d := range anomalyRules() {
		name := d.Meta().Name
		t.Run(sample.Slug(name), func(t *testing.T) {
			lits := d.(detection.Literals).Literals()
			eng, err := detection.NewEngine(detection.Options{}, of(d)...)
			if err != nil {
				t.Fatal(err)
			}
			var cols []string
			for _, c := range eng.Columns(name) {
				if c != "src" {
					cols = append(cols, c)
				}
			}
			var byFormat [][]string
			for _, path := range []string{
				testdata(sample.Slug(name), "signins.jsonl"),
				testdata("formats", "azure-monitor-blob.jsonl"),
				testdata("formats", "log-analytics.jsonl"),
			} {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				rd := event.NewReader(strings.NewReader(string(data)))
				for {
					rec, err := rd.ReadRecord()
					if err != nil {
						break
					}
					var ev event.SignInEvent
					if err := rd.Decode(rec, &ev); err != nil || !d.Match(&ev) {
						continue
					}
					if !anomalyHasAny(string(rec.Data), lits) {
						t.Errorf("%s:%d matches but holds none of %q", path, rec.Line, lits)
					}
				}
				plain := successRunFile(t, detection.Options{DecodeAll: true}, d, path)
				if diff := cmp.Diff(plain, successRunFile(t, detection.Options{}, d, path)); diff != "" {
					t.Errorf("%s: the prefilter changes the findings (-plain +prefilter):\n%s", path, diff)
				}
				byFormat = append(byFormat, anomalyRows(anomalyRunText(t, d, string(data), strings.Count(string(data), "\n")), cols...))
			}
			if diff := cmp.Diff(byFormat[1], byFormat[2]); diff != "" {
				t.Errorf("Azure Monitor and Log Analytics exports of one dataset differ (-monitor +analytics):\n%s", diff)
			}
			if name == "Azure AD Service Principal Authentication" && len(byFormat[1]) == 0 {
				t.Error("no finding over the shared dataset, which has service principal sign-ins")
			}
		})
	}
}

func anomalyHasAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}
