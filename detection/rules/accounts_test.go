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
)

// accountDetections are the account and domain family, in catalogue order.
func accountDetections() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		rules.AzureADExternalGuestUserInvited(),
		rules.AzureADNewCustomDomainAdded(),
		rules.AzureADNewFederatedDomainAdded(),
		rules.AzureADServicePrincipalOwnerAdded(),
		rules.AzureADUserEnabledAndPasswordReset(),
		rules.AzureADUserImmutableIDAttributeUpdated(),
	}
}

// acctRun runs one audit detection over JSON lines and returns its
// findings.
func acctRun(t *testing.T, opts detection.Options, d detection.Detection[event.AuditEvent], lines string) []detection.Finding {
	t.Helper()
	eng, err := detection.NewEngine(opts, detection.Of(d))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(lines)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Bad != 0 {
		t.Fatalf("bad records: %+v", res.Counts)
	}
	return res.Findings
}

func acctSample(t *testing.T, d detection.Detection[event.AuditEvent]) string {
	t.Helper()
	b, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAccountRulesRegistered checks the family is in the audit catalogue,
// in the reference's order.
func TestAccountRulesRegistered(t *testing.T) {
	var got []string
	for _, d := range rules.Audits() {
		got = append(got, d.Meta().Name)
	}
	var want []string
	for _, d := range accountDetections() {
		want = append(want, d.Meta().Name)
	}
	i := 0
	for _, n := range got {
		if i < len(want) && n == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Errorf("audit catalogue %q does not hold %q in order", got, want)
	}
}

// TestAccountNearMisses runs each rule over the records of its sample
// that must not match, alone.
func TestAccountNearMisses(t *testing.T) {
	tests := []struct {
		d      detection.Detection[event.AuditEvent]
		marker []string // lines holding one of these are near misses
		lines  int
	}{
		// Another operation on the same guest; a member user created.
		{rules.AzureADExternalGuestUserInvited(), []string{`"Redeem external user invite"`, `"operationName":"Add user"`}, 2},
		// A failed addition; the domain verified rather than added.
		{rules.AzureADNewCustomDomainAdded(), []string{`"result":"failure"`, `"Verify domain"`}, 2},
		// A failed change; federation settings rather than authentication.
		{rules.AzureADNewFederatedDomainAdded(), []string{`"result":"failure"`, `"Set federation settings on domain"`}, 2},
		// An owner who adds themselves; a service principal made owner (no
		// newOwner); an owner added by an application (no initiatedBy);
		// an owner added to a service principal, another operation.
		{rules.AzureADServicePrincipalOwnerAdded(), []string{
			`Ledgerly Expense Sync`, `"type":"ServicePrincipal","modifiedProperties":[{"displayName":"Application.ObjectID"`,
			`"initiatedBy":{"app"`, `"Add owner to service principal"`}, 4},
		// A reset 2m01s after the enable; a reset with no enable; an enable
		// of one account and a reset of another; a reset before the enable.
		{rules.AzureADUserEnabledAndPasswordReset(), []string{`tomas.novak`, `yara.haddad`, `olga.petrova`, `piet.devries`, `sam.okoro`}, 11},
		// An update of AccountEnabled only; SourceAnchor set by "Add user".
		{rules.AzureADUserImmutableIDAttributeUpdated(), []string{`"time":"2025-03-24T10:15:27`, `"operationName":"Add user"`}, 2},
	}
	for _, tt := range tests {
		name := tt.d.Meta().Name
		var misses []string
		for _, l := range strings.SplitAfter(acctSample(t, tt.d), "\n") {
			for _, m := range tt.marker {
				if strings.Contains(l, m) {
					misses = append(misses, l)
					break
				}
			}
		}
		if len(misses) != tt.lines {
			t.Fatalf("%s: %d near misses in the sample, want %d", name, len(misses), tt.lines)
		}
		if fs := acctRun(t, detection.Options{}, tt.d, strings.Join(misses, "")); len(fs) != 0 {
			t.Errorf("%s: near misses give %d findings, want none: %s", name, len(fs), fs[0].AppendJSON(nil))
		}
	}
}

// TestAccountPrefilter checks the rules' literals lose nothing: each
// sample gives the same findings with the raw-bytes prefilter and
// several workers as without.
func TestAccountPrefilter(t *testing.T) {
	for _, d := range accountDetections() {
		in := acctSample(t, d)
		want := acctRun(t, detection.Options{DecodeAll: true}, d, in)
		got := acctRun(t, detection.Options{Workers: 3}, d, in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: prefiltered findings differ (-want +got):\n%s", d.Meta().Name, diff)
		}
	}
}

// TestAccountSearchTermsIgnoreCase checks that the search terms other than
// operationName ignore case, as Splunk's search does:
// properties.result=success and ...modifiedProperties{}.displayName=SourceAnchor.
func TestAccountSearchTermsIgnoreCase(t *testing.T) {
	tests := []struct {
		d        detection.Detection[event.AuditEvent]
		old, new string
	}{
		{rules.AzureADNewCustomDomainAdded(), `"result":"success"`, `"result":"Success"`},
		{rules.AzureADNewFederatedDomainAdded(), `"result":"success"`, `"result":"SUCCESS"`},
		{rules.AzureADUserImmutableIDAttributeUpdated(), `"displayName":"SourceAnchor"`, `"displayName":"sourceanchor"`},
	}
	for _, tt := range tests {
		in := acctSample(t, tt.d)
		want := len(acctRun(t, detection.Options{DecodeAll: true}, tt.d, in))
		changed := strings.ReplaceAll(in, tt.old, tt.new)
		if changed == in {
			t.Fatalf("%s: the sample has no %s", tt.d.Meta().Name, tt.old)
		}
		if got := len(acctRun(t, detection.Options{}, tt.d, changed)); got != want || want == 0 {
			t.Errorf("%s: with %s, %d findings, want %d", tt.d.Meta().Name, tt.new, got, want)
		}
	}
}

// TestOwnerAddedDisplayName checks displayName is mvindex(newValue, 1) over
// the modified properties of every target, flattened, with a null value
// counted, as Splunk extracts them.
func TestOwnerAddedDisplayName(t *testing.T) {
	rec := func(mods string) string {
		return `{"time":"2025-03-22T13:32:10Z","operationName":"Add owner to application","category":"AuditLogs",` +
			`"tenantId":"5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c","callerIpAddress":"198.51.100.23","properties":{` +
			`"id":"Directory_1","activityDisplayName":"Add owner to application","activityDateTime":"2025-03-22T13:32:10+00:00","result":"success",` +
			`"initiatedBy":{"user":{"userPrincipalName":"elliot.grant@example.com"}},"targetResources":` + mods + `}}` + "\n"
	}
	tests := []struct {
		name, targets, want string
	}{
		{"second value of the owner target",
			`[{"type":"User","userPrincipalName":"nadia.okafor@example.com","modifiedProperties":[` +
				`{"displayName":"Application.ObjectID","oldValue":null,"newValue":"\"a1\""},` +
				`{"displayName":"Application.DisplayName","oldValue":null,"newValue":"\"Tallyhaus Analytics\""}]},` +
				`{"type":"Application","modifiedProperties":[]}]`, `"Tallyhaus Analytics"`},
		{"null second value",
			`[{"type":"User","userPrincipalName":"nadia.okafor@example.com","modifiedProperties":[` +
				`{"displayName":"Application.ObjectID","oldValue":null,"newValue":"\"a1\""},` +
				`{"displayName":"Application.DisplayName","oldValue":null,"newValue":null}]}]`, "null"},
		{"flattened across targets",
			`[{"type":"User","userPrincipalName":"nadia.okafor@example.com","modifiedProperties":[` +
				`{"displayName":"Application.ObjectID","oldValue":null,"newValue":"\"a1\""}]},` +
				`{"type":"Application","modifiedProperties":[{"displayName":"X","oldValue":null,"newValue":"\"second\""}]}]`, `"second"`},
		{"no second value: fillnull",
			`[{"type":"User","userPrincipalName":"nadia.okafor@example.com","modifiedProperties":[]}]`, "0"},
	}
	for _, tt := range tests {
		fs := acctRun(t, detection.Options{}, rules.AzureADServicePrincipalOwnerAdded(), rec(tt.targets))
		if len(fs) != 1 {
			t.Errorf("%s: %d findings, want 1", tt.name, len(fs))
			continue
		}
		if got, _ := fs[0].Value("displayName"); got != tt.want {
			t.Errorf("%s: displayName %q, want %q", tt.name, got, tt.want)
		}
	}
}

// acctTxn is one record of a transaction test: an offset from the
// test's start, an operation, its target, its initiator ("" for an
// application) and the caller's address ("" for none).
type acctTxn struct {
	at                    time.Duration
	op, target, initiator string
	ip                    string
}

const (
	acctEnable = "Enable account"
	acctReset  = "Reset password (by admin)"
	acctUpdate = "Update user"
)

var acctTxnStart = time.Date(2025, 3, 25, 9, 0, 0, 123456700, time.UTC)

// acctTxnLines renders records as Azure Monitor AuditLogs lines.
func acctTxnLines(t *testing.T, recs []acctTxn) string {
	t.Helper()
	var b strings.Builder
	for i, r := range recs {
		at := acctTxnStart.Add(r.at).Format("2006-01-02T15:04:05.0000000")
		init := map[string]any{"app": map[string]any{"displayName": "Tallyhaus Deployment Pipeline", "servicePrincipalId": "7d1e0f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a"}}
		if r.initiator != "" {
			init = map[string]any{"user": map[string]any{"id": "f6189ea3-aa2f-4806-a514-74a311e8435e", "userPrincipalName": r.initiator, "ipAddress": r.ip}}
		}
		rec := map[string]any{
			"time": at + "Z", "operationName": r.op, "category": "AuditLogs", "tenantId": "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
			"properties": map[string]any{
				"id": fmt.Sprintf("Directory_%02d", i), "activityDisplayName": r.op, "activityDateTime": at + "+00:00",
				"result": "success", "initiatedBy": init,
				"targetResources": []any{map[string]any{"type": "User", "userPrincipalName": r.target, "modifiedProperties": []any{}}},
			},
		}
		if r.ip != "" {
			rec["callerIpAddress"] = r.ip
		}
		line, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// TestEnableResetTransaction checks the transaction and the stats after
// it: each row is user, src, initiatedBy, signature, count, firstTime,
// lastTime.
func TestEnableResetTransaction(t *testing.T) {
	const (
		leon, ines = "leon.fischer@example.com", "ines.moreau@example.org"
		priya      = "priya.raman@example.com"
		ip, ip2    = "198.51.100.77", "192.0.2.45"
		t0         = "2025-03-25T09:00:00"
	)
	row := func(user, src, by, sig string, count int, first, last string) string {
		return strings.Join([]string{user, src, by, sig, fmt.Sprint(count), first, last}, " ")
	}
	tests := []struct {
		name string
		recs []acctTxn
		want []string
	}{
		{"reset 1m59s after the enable",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {time.Minute + 59*time.Second, acctReset, leon, priya, ip}},
			[]string{row(leon, ip, priya, acctEnable, 1, t0, t0), row(leon, ip, priya, acctReset, 1, t0, t0)}},
		{"reset 2m after the enable: maxspan is exclusive",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {2 * time.Minute, acctReset, leon, priya, ip}}, nil},
		{"reset 2m01s after the enable",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {2*time.Minute + time.Second, acctReset, leon, priya, ip}}, nil},
		{"reset without an enable",
			[]acctTxn{{0, acctUpdate, leon, priya, ip}, {30 * time.Second, acctReset, leon, priya, ip}}, nil},
		{"enable of one account, reset of another",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {30 * time.Second, acctReset, ines, priya, ip}}, nil},
		{"reset before the enable",
			[]acctTxn{{0, acctReset, leon, priya, ip}, {40 * time.Second, acctEnable, leon, priya, ip}}, nil},
		{"enable without a reset",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {time.Millisecond, acctUpdate, leon, priya, ip}}, nil},
		{"update between them is absorbed; its address and the reset's fan out",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {time.Millisecond, acctUpdate, leon, priya, ip}, {70 * time.Second, acctReset, leon, priya, ip2}},
			[]string{
				row(leon, ip2, priya, acctEnable, 1, t0, t0), row(leon, ip2, priya, acctReset, 1, t0, t0), row(leon, ip2, priya, acctUpdate, 1, t0, t0),
				row(leon, ip, priya, acctEnable, 1, t0, t0), row(leon, ip, priya, acctReset, 1, t0, t0), row(leon, ip, priya, acctUpdate, 1, t0, t0),
			}},
		{"update before the enable is not",
			[]acctTxn{{0, acctUpdate, leon, priya, ip}, {time.Second, acctEnable, leon, priya, ip}, {time.Minute, acctReset, leon, priya, ip}},
			[]string{row(leon, ip, priya, acctEnable, 1, "2025-03-25T09:00:01", "2025-03-25T09:00:01"), row(leon, ip, priya, acctReset, 1, "2025-03-25T09:00:01", "2025-03-25T09:00:01")}},
		{"the reset nearest the enable closes it",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {30 * time.Second, acctReset, leon, priya, ip}, {time.Minute, acctReset, leon, priya, ip2}},
			[]string{row(leon, ip, priya, acctEnable, 1, t0, t0), row(leon, ip, priya, acctReset, 1, t0, t0)}},
		{"two transactions: count 2, firstTime and lastTime their enables",
			[]acctTxn{
				{0, acctEnable, leon, priya, ip}, {time.Minute, acctReset, leon, priya, ip},
				{10 * time.Minute, acctEnable, leon, priya, ip}, {11 * time.Minute, acctReset, leon, priya, ip},
			},
			[]string{row(leon, ip, priya, acctEnable, 2, t0, "2025-03-25T09:10:00"), row(leon, ip, priya, acctReset, 2, t0, "2025-03-25T09:10:00")}},
		{"fillnull after the merge: an application's reset keeps the enabler",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {time.Minute, acctReset, leon, "", ""}},
			[]string{row(leon, ip, priya, acctEnable, 1, t0, t0), row(leon, ip, priya, acctReset, 1, t0, t0)}},
		{"fillnull: no member has initiatedBy or src",
			[]acctTxn{{0, acctEnable, leon, "", ""}, {time.Minute, acctReset, leon, "", ""}},
			[]string{row(leon, "0", "0", acctEnable, 1, t0, t0), row(leon, "0", "0", acctReset, 1, t0, t0)}},
		{"two accounts, each its own transaction",
			[]acctTxn{{0, acctEnable, leon, priya, ip}, {time.Second, acctEnable, ines, priya, ip}, {20 * time.Second, acctReset, ines, priya, ip}, {30 * time.Second, acctReset, leon, priya, ip}},
			[]string{
				row(ines, ip, priya, acctEnable, 1, "2025-03-25T09:00:01", "2025-03-25T09:00:01"), row(ines, ip, priya, acctReset, 1, "2025-03-25T09:00:01", "2025-03-25T09:00:01"),
				row(leon, ip, priya, acctEnable, 1, t0, t0), row(leon, ip, priya, acctReset, 1, t0, t0),
			}},
	}
	cols := []string{"user", "src", "initiatedBy", "signature", "count", "firstTime", "lastTime"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range acctRun(t, detection.Options{}, rules.AzureADUserEnabledAndPasswordReset(), acctTxnLines(t, tt.recs)) {
				var vs []string
				for _, c := range cols {
					v, _ := f.Value(c)
					vs = append(vs, v)
				}
				got = append(got, strings.Join(vs, " "))
				if n, _ := f.Value("count"); n != fmt.Sprint(f.Count) {
					t.Errorf("count column %s, Count %d", n, f.Count)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEnableResetColumns checks that the rule's findings, built by its
// Then, have exactly the SPL's columns, which are also what the engine
// reports, and none of the encoding the grouping carries; and that their
// times are those of the transactions.
func TestEnableResetColumns(t *testing.T) {
	d := rules.AzureADUserEnabledAndPasswordReset()
	want := []string{"dest", "user", "src", "vendor_account", "vendor_product", "initiatedBy", "signature", "count", "firstTime", "lastTime"}
	eng, err := detection.NewEngine(detection.Options{}, detection.Of(d))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, eng.Columns(d.Meta().Name)); diff != "" {
		t.Errorf("engine columns (-want +got):\n%s", diff)
	}
	fs := acctRun(t, detection.Options{}, d, acctSample(t, d))
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	// The sample's two transactions, and the times of their enables.
	enabled := map[string]time.Time{
		"leon.fischer@example.com": time.Date(2025, 3, 25, 9, 0, 0, 123456700, time.UTC),
		"ines.moreau@example.org":  time.Date(2025, 3, 25, 11, 30, 0, 0, time.UTC),
	}
	for _, f := range fs {
		var names []string
		for _, c := range f.Columns {
			names = append(names, c.Name)
		}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("finding columns (-want +got):\n%s", diff)
		}
		if dest, _ := f.Value("dest"); dest != "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c" {
			t.Errorf("dest %q, want the tenant", dest)
		}
		if f.Detection != d.Meta().Name || f.SearchName != "ESCU - "+d.Meta().Name+" - Rule" {
			t.Errorf("finding of %q (%q)", f.Detection, f.SearchName)
		}
		user, _ := f.Value("user")
		first, _ := f.Value("firstTime")
		if at := enabled[user]; !f.FirstTime.Equal(at) || !f.LastTime.Equal(at) || first != at.Format(detection.CtimeLayout) {
			t.Errorf("%s: firstTime %s, FirstTime %v, LastTime %v; want the enable's exact time %v", user, first, f.FirstTime, f.LastTime, at)
		}
	}
}

// TestEnableResetLocation checks firstTime and lastTime are rendered in the
// engine's Location, as the other rules' are.
func TestEnableResetLocation(t *testing.T) {
	recs := []acctTxn{{0, acctEnable, "leon.fischer@example.com", "priya.raman@example.com", "198.51.100.77"},
		{time.Minute, acctReset, "leon.fischer@example.com", "priya.raman@example.com", "198.51.100.77"}}
	zone := time.FixedZone("UTC+2", 2*3600)
	fs := acctRun(t, detection.Options{Location: zone}, rules.AzureADUserEnabledAndPasswordReset(), acctTxnLines(t, recs))
	if len(fs) != 2 {
		t.Fatalf("%d findings, want 2", len(fs))
	}
	for _, f := range fs {
		first, _ := f.Value("firstTime")
		last, _ := f.Value("lastTime")
		if first != "2025-03-25T11:00:00" || last != first {
			t.Errorf("firstTime %s, lastTime %s; want 2025-03-25T11:00:00 (09:00:00 UTC)", first, last)
		}
	}
}
