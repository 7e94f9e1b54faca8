package rules_test

import (
	"context"
	"encoding/json"
	"errors"
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

// Tests of the authentication-method and bulk service-principal audit
// rules (catalogue_audit_mfa.go), on constructed Azure Monitor AuditLogs
// records and on the rules' samples.

// authmTenant is the tenant of the constructed records.
const authmTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// authmRec is one constructed AuditLogs record. Empty strings are JSON
// null (or, for ip and desc, leave the envelope key out).
type authmRec struct {
	at      string // activityDateTime and time, RFC 3339 UTC
	op      string // operationName and activityDisplayName
	optype  string // properties.operationType
	result  string // properties.result; "" is success
	user    string // initiator UPN; with app empty, a user initiated the record
	userID  string // initiatedBy.user.id; "" derives one from user, "-" is null
	app     string // initiating application's display name
	appID   string // initiatedBy.app.appId
	ip      string // callerIpAddress and initiatedBy.user.ipAddress
	desc    string // resultDescription and resultReason
	targets []authmTarget
}

// authmTarget is one target resource; mods are displayName, oldValue,
// newValue (an empty value is null).
type authmTarget struct {
	typ, name, upn string
	mods           [][3]string
}

func authmNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (r authmRec) line(t *testing.T) string {
	t.Helper()
	if _, err := time.Parse(time.RFC3339, r.at); err != nil {
		t.Fatal(err)
	}
	corr := fmt.Sprintf("%08x-0000-4000-8000-000000000000", len(r.at)*31+len(r.op))
	init := map[string]any{}
	if r.app != "" {
		init["app"] = map[string]any{"appId": authmNull(r.appID), "displayName": r.app,
			"servicePrincipalId": "7d1e0f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a", "servicePrincipalName": nil}
	} else {
		id := r.userID
		switch id {
		case "":
			id = fmt.Sprintf("%08x-1111-4111-8111-111111111111", len(r.user))
		case "-":
			id = ""
		}
		init["user"] = map[string]any{"id": authmNull(id), "displayName": nil, "userPrincipalName": r.user,
			"ipAddress": authmNull(r.ip), "roles": []any{}}
	}
	targets := []any{}
	for i, tg := range r.targets {
		mods := []any{}
		for _, m := range tg.mods {
			mods = append(mods, map[string]any{"displayName": m[0], "oldValue": authmNull(m[1]), "newValue": authmNull(m[2])})
		}
		tr := map[string]any{"id": fmt.Sprintf("0000000%d-2222-4222-8222-222222222222", i), "displayName": authmNull(tg.name),
			"type": tg.typ, "modifiedProperties": mods, "administrativeUnits": []any{}}
		if tg.upn != "" {
			tr["userPrincipalName"] = tg.upn
		}
		targets = append(targets, tr)
	}
	props := map[string]any{
		"id": "Directory_" + corr + "_AB12C_00000001", "category": "UserManagement", "correlationId": corr,
		"result": authmOr(r.result, "success"), "resultReason": r.desc, "activityDisplayName": r.op,
		"activityDateTime": r.at, "loggedByService": "Core Directory", "operationType": r.optype,
		"userAgent": nil, "initiatedBy": init, "targetResources": targets, "additionalDetails": []any{},
	}
	rec := map[string]any{
		"time": r.at, "resourceId": "/tenants/" + authmTenant + "/providers/Microsoft.aadiam",
		"operationName": r.op, "operationVersion": "1.0", "category": "AuditLogs", "tenantId": authmTenant,
		"resultSignature": "None", "durationMs": 0, "correlationId": corr, "Level": 4, "properties": props,
	}
	if r.ip != "" {
		rec["callerIpAddress"] = r.ip
	}
	if r.desc != "" {
		rec["resultDescription"] = r.desc
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func authmOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// authmEvent decodes a constructed record.
func authmEvent(t *testing.T, r authmRec) *event.AuditEvent {
	t.Helper()
	var ev event.AuditEvent
	if err := event.DecodeAudit("authm", event.Record{Data: []byte(r.line(t)), Line: 1}, &ev); err != nil {
		t.Fatal(err)
	}
	return &ev
}

// authmRun runs d alone over the lines (JSON records) and returns its
// findings and the engine.
func authmRun(t *testing.T, d detection.Detection[event.AuditEvent], lines []string) ([]detection.Finding, *detection.Engine) {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{}, detection.Of(d))
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
	return res.Findings, eng
}

func authmLines(t *testing.T, recs ...authmRec) []string {
	t.Helper()
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.line(t)
	}
	return out
}

// authmRows renders the named columns of each finding as "a|b|c", a
// multivalue column as its values joined with commas.
func authmRows(fs []detection.Finding, cols ...string) []string {
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

// Record makers for each rule's operation.

func authmDisable(at, admin, victim string) authmRec {
	return authmRec{at: at, op: "Disable Strong Authentication", optype: "Update", user: admin,
		targets: []authmTarget{{typ: "User", upn: victim, mods: [][3]string{
			{"StrongAuthenticationRequirement", `[{"RelyingParty":"*","State":1}]`, "[]"},
			{"Included Updated Properties", "", `"StrongAuthenticationRequirement"`}}}}}
}

func authmAddSP(at, name string) authmRec {
	return authmRec{at: at, op: "Add service principal", optype: "Add",
		targets: []authmTarget{{typ: "ServicePrincipal", name: name, mods: [][3]string{{"AccountEnabled", "[]", "[true]"}}}}}
}

func authmByApp(r authmRec, app string) authmRec { r.app = app; return r }

func authmByUser(r authmRec, upn, ip string) authmRec { r.user, r.ip = upn, ip; return r }

// authmSAM is an "Update user" of upn's StrongAuthenticationMethod, as the
// first modified property.
func authmSAM(at, upn, old, new string) authmRec {
	return authmRec{at: at, op: "Update user", optype: "Update", user: upn, ip: "203.0.113.88",
		targets: []authmTarget{{typ: "User", upn: upn, mods: [][3]string{
			{"StrongAuthenticationMethod", old, new},
			{"Included Updated Properties", "", `"StrongAuthenticationMethod"`}}}}}
}

func authmRegistered(at, upn, desc string) authmRec {
	return authmRec{at: at, op: "User registered security info", optype: "Add", user: upn, ip: "198.51.100.201", desc: desc,
		targets: []authmTarget{{typ: "User", name: "Marcus Webb", upn: upn}}}
}

// Method lists as Entra writes them in StrongAuthenticationMethod.
const (
	authmOne   = `[{"MethodType":7,"Default":true}]`
	authmTwo   = `[{"MethodType":7,"Default":true},{"MethodType":6,"Default":false}]`
	authmSwap  = `[{"MethodType":7,"Default":false},{"MethodType":6,"Default":true}]`
	authmThree = `[{"MethodType":7,"Default":true},{"MethodType":6,"Default":false},{"MethodType":0,"Default":false}]`
)

func TestAuthMethodsMeta(t *testing.T) {
	type meta struct {
		ID, Type, Asset, Domain, Message, Risk, Drill string
		Version                                       int
		Threat                                        []string
		MITRE, Stories                                []string
	}
	get := func(d detection.Detection[event.AuditEvent]) meta {
		m := d.Meta()
		r := m.RBA.RiskObjects[0]
		var threat []string
		for _, o := range m.RBA.ThreatObjects {
			threat = append(threat, o.Field+":"+string(o.Type))
		}
		return meta{m.ID, m.Type, m.Tags.AssetType, m.Tags.SecurityDomain, m.RBA.Message,
			fmt.Sprintf("%s:%s:%d", r.Field, r.Type, r.Score), m.Drilldowns[0].Name, m.Version, threat,
			m.Tags.MITREAttackID, m.Tags.AnalyticStory}
	}
	sp := []string{"Azure Active Directory Persistence", "NOBELIUM Group"}
	spMsg := "Multiple OAuth applications were created by $src_user$ in a short period of time"
	want := map[string]meta{
		"Azure AD Multi-Factor Authentication Disabled": {"482dd42a-acfa-486b-a0bb-d6fcda27318e", "TTP", "Azure Active Directory", "identity",
			"MFA disabled for User $user$ initiated by $initiatedBy$", "user:user:45", `View the detection results for - "$user$"`, 9, nil,
			[]string{"T1556.006", "T1586.003"}, []string{"Azure Active Directory Account Takeover"}},
		"Azure AD Multiple Service Principals Created by SP": {"66cb378f-234d-4fe1-bb4c-e7878ff6b017", "Anomaly", "Azure Active Directory", "identity",
			spMsg, "src_user:user:42", `View the detection results for - "$src_user$"`, 9, nil, []string{"T1136.003"}, sp},
		"Azure AD Multiple Service Principals Created by User": {"32880707-f512-414e-bd7f-204c0c85b758", "Anomaly", "Azure Active Directory", "identity",
			spMsg, "src_user:user:42", `View the detection results for - "$src_user$"`, 8, nil, []string{"T1136.003"}, sp},
		"Azure AD New MFA Method Registered": {"0488e814-eb81-42c3-9f1f-b2244973e3a3", "TTP", "Azure Tenant", "identity",
			"A new MFA method was registered for user $user$", "user:user:30", `View the detection results for - "$user$"`, 8, nil,
			[]string{"T1098.005"}, []string{"Azure Active Directory Persistence"}},
		"Azure AD New MFA Method Registered For User": {"2628b087-4189-403f-9044-87403f777a1b", "TTP", "Azure Active Directory", "identity",
			"A new MFA method was registered for user $user$", "user:user:64", `View the detection results for - "$user$"`, 9,
			[]string{"src:ip_address"}, []string{"T1556.006"}, []string{"Compromised User Account", "Azure Active Directory Account Takeover"}},
	}
	got := map[string]meta{}
	var names []string
	for _, d := range authmRules() {
		got[d.Meta().Name] = get(d)
		names = append(names, d.Meta().Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	// The family is registered in the reference's order, after the rules
	// before it, and each rule once.
	var audits []string
	for _, d := range rules.Audits() {
		audits = append(audits, d.Meta().Name)
	}
	i := strings.Index(strings.Join(audits, "\n"), strings.Join(names, "\n"))
	if i < 0 {
		t.Errorf("rules.Audits() does not hold %q in that order: %q", names, audits)
	}
}

// authmRules are the family's rules, in the reference's order.
func authmRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		rules.AzureADMultiFactorAuthenticationDisabled(),
		rules.AzureADMultipleServicePrincipalsCreatedBySP(),
		rules.AzureADMultipleServicePrincipalsCreatedByUser(),
		rules.AzureADNewMFAMethodRegistered(),
		rules.AzureADNewMFAMethodRegisteredForUser(),
	}
}

// TestAuthMethodsMatch pins each rule's base search (and, for the MFA
// method rule, its post-filters) on single decoded records.
func TestAuthMethodsMatch(t *testing.T) {
	at := "2025-03-20T22:20:45Z"
	disabled := rules.AzureADMultiFactorAuthenticationDisabled()
	bySP := rules.AzureADMultipleServicePrincipalsCreatedBySP()
	byUser := rules.AzureADMultipleServicePrincipalsCreatedByUser()
	method := rules.AzureADNewMFAMethodRegistered()
	forUser := rules.AzureADNewMFAMethodRegisteredForUser()
	sp := authmAddSP(at, "Orbitline Sync 01")
	op := func(r authmRec, op string) authmRec { r.op = op; return r }
	failed := func(r authmRec) authmRec { r.result = "failure"; return r }
	tests := []struct {
		name   string
		d      detection.Detection[event.AuditEvent]
		rec    authmRec
		tweak  func(ev *event.AuditEvent) // after decoding, for what no reader produces
		want   bool
		reason string
	}{
		{"disable", disabled, authmDisable(at, "priya.raman@example.com", "marcus.webb@example.net"), nil, true, "the operation"},
		{"disable failed", disabled, failed(authmDisable(at, "priya.raman@example.com", "marcus.webb@example.net")), nil, true, "the search does not test the result"},
		{"companion update", disabled, op(authmDisable(at, "priya.raman@example.com", "marcus.webb@example.net"), "Update user"), nil, false,
			"the Update user entry that comes with the change is another operation"},
		{"no category", disabled, authmDisable(at, "priya.raman@example.com", "marcus.webb@example.net"),
			func(ev *event.AuditEvent) { ev.Envelope.Category = "" }, false, "category=AuditLogs"},

		{"sp by app, appId null", bySP, authmByApp(sp, "Orbitline Provisioner"), nil, true,
			"deviation: appId=* is read as an application initiator, since Entra writes appId null"},
		{"sp by app, appId set", bySP, func() authmRec {
			r := authmByApp(sp, "Tallyhaus")
			r.appID = "2e4a6c8e-0b1d-4f3a-8c5e-7a9b1d3f5e60"
			return r
		}(), nil, true, "appId=*"},
		{"sp by user, sp rule", bySP, authmByUser(sp, "priya.raman@example.com", "198.51.100.77"), nil, false, "no initiatedBy.app"},
		{"sp update by app", bySP, op(authmByApp(sp, "Orbitline Provisioner"), "Update service principal"), nil, false, "another operation"},
		{"sp by user", byUser, authmByUser(sp, "priya.raman@example.com", "198.51.100.77"), nil, true, "initiatedBy.user.id=*"},
		{"sp by user, null id", byUser, func() authmRec { r := authmByUser(sp, "priya.raman@example.com", ""); r.userID = "-"; return r }(), nil, false,
			"a null initiatedBy.user.id is no value, even with a UPN"},
		{"sp by app, user rule", byUser, authmByApp(sp, "Orbitline Provisioner"), nil, false, "no initiatedBy.user.id"},
		{"application by user", byUser, op(authmByUser(sp, "priya.raman@example.com", "198.51.100.77"), "Add application"), nil, false, "another operation"},

		{"method added", method, authmSAM(at, "hana.kobayashi@example.com", authmOne, authmTwo), nil, true, "one more MethodType"},
		{"method removed", method, authmSAM(at, "hana.kobayashi@example.com", authmTwo, authmOne), nil, false,
			"deviation: the sibling O365 rule's where count_new_method_type > count_old_method_type"},
		{"default changed", method, authmSAM(at, "hana.kobayashi@example.com", authmTwo, authmSwap), nil, false, "as many methods as before: not more"},
		{"first method, old []", method, authmSAM(at, "marcus.webb@example.net", "[]", authmOne), nil, true, "0 < 1"},
		{"first method, old null", method, authmSAM(at, "marcus.webb@example.net", "", authmOne), nil, true, `"null" holds no MethodType`},
		{"methods cleared to null", method, authmSAM(at, "marcus.webb@example.net", authmOne, ""), nil, false, "1 > 0"},
		{"lower-case keys", method, authmSAM(at, "hana.kobayashi@example.com", authmOne, strings.ToLower(authmTwo)), nil, true, `rex (?i)"MethodType"`},
		{"lower-case property", method, func() authmRec {
			r := authmSAM(at, "hana.kobayashi@example.com", authmOne, authmTwo)
			r.targets[0].mods[0][0] = "strongauthenticationmethod"
			return r
		}(), nil, true, "search compares without regard to case"},
		{"property prefix", method, func() authmRec {
			r := authmSAM(at, "hana.kobayashi@example.com", authmOne, authmTwo)
			r.targets[0].mods[0][0] = "StrongAuthenticationMethods"
			return r
		}(), nil, false, "search compares whole values"},
		{"second property", method, func() authmRec {
			r := authmSAM(at, "marcus.webb@example.net", authmOne, authmTwo)
			r.targets[0].mods = append([][3]string{{"StrongAuthenticationPhoneAppDetail", "[]", `[{"DeviceName":"Pixel 8"}]`}}, r.targets[0].mods...)
			return r
		}(), nil, false, "only mvindex 0 is read"},
		{"first target without properties", method, func() authmRec {
			r := authmSAM(at, "marcus.webb@example.net", authmOne, authmTwo)
			r.targets = append([]authmTarget{{typ: "Other", name: "Directory"}}, r.targets...)
			return r
		}(), nil, true, "mvindex 0 of the list flattened over every target"},
		{"no properties", method, authmRec{at: at, op: "Update user", optype: "Update", user: "a@example.com", targets: []authmTarget{{typ: "User", upn: "a@example.com"}}},
			nil, false, "no modified property at all"},
		{"other operation", method, op(authmSAM(at, "hana.kobayashi@example.com", authmOne, authmTwo), "Update service principal"), nil, false, `operationName="Update user"`},

		{"registered", forUser, authmRegistered(at, "marcus.webb@example.net", "User registered Mobile Phone SMS"), nil, true, "the operation, operationType Add"},
		{"registered, failed", forUser, failed(authmRegistered(at, "marcus.webb@example.net", "User registered Mobile Phone SMS")), nil, true, "no result test"},
		{"registered, update", forUser, func() authmRec {
			r := authmRegistered(at, "marcus.webb@example.net", "User registered Mobile Phone SMS")
			r.optype = "Update"
			return r
		}(), nil, false, "properties.operationType=Add"},
		{"all required", forUser, op(authmRegistered(at, "marcus.webb@example.net", "User registered all required security info"), "User registered all required security info"),
			nil, false, "another operation"},
		{"registered, no category", forUser, authmRegistered(at, "marcus.webb@example.net", "User registered Mobile Phone SMS"),
			func(ev *event.AuditEvent) { ev.Envelope.Category = "" }, false, "category=AuditLogs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := authmEvent(t, tc.rec)
			if tc.tweak != nil {
				tc.tweak(ev)
			}
			if got := tc.d.Match(ev); got != tc.want {
				t.Errorf("%s: Match = %v, want %v: %s", tc.d.Meta().Name, got, tc.want, tc.reason)
			}
		})
	}
}

// TestAuthMethodsNearMisses runs each rule over the records of its sample
// that must give nothing, alone (see each sample's README).
func TestAuthMethodsNearMisses(t *testing.T) {
	tests := []struct {
		d       detection.Detection[event.AuditEvent]
		markers []string // lines holding one of these are near misses
		n       int      // how many lines that is
	}{
		{rules.AzureADMultiFactorAuthenticationDisabled(), []string{`"operationName":"Update user"`, `"operationName":"Admin deleted security info"`}, 2},
		// Every application but Orbitline Provisioner: three names in a bin
		// (a fourth under another operation), three by 10:09:59 and a fourth
		// at 10:10:00, four an hour apart, one name four times; and every
		// user's records.
		{rules.AzureADMultipleServicePrincipalsCreatedBySP(), []string{`"displayName":"Tallyhaus Deployment Pipeline"`,
			`"displayName":"Kestrel Onboarding Service"`, `"displayName":"Quillmark Sync Agent"`, `"displayName":"Fernleaf Backup Connector"`,
			`"initiatedBy":{"user"`}, 37},
		// Every user but priya.raman, in the same four shapes, and every
		// application's records.
		{rules.AzureADMultipleServicePrincipalsCreatedByUser(), []string{`"userPrincipalName":"elliot.grant@example.com"`,
			`"userPrincipalName":"noor.haddad@example.com"`, `"userPrincipalName":"tomas.lindqvist@example.com"`,
			`"userPrincipalName":"hana.kobayashi@example.com"`, `"initiatedBy":{"app"`}, 38},
		// A method removed, a default changed, the property second, another property.
		{rules.AzureADNewMFAMethodRegistered(), []string{`"2025-03-23T`, `StrongAuthenticationPhoneAppDetail`, `AccountEnabled`}, 4},
		{rules.AzureADNewMFAMethodRegisteredForUser(), []string{`"operationName":"User changed default security info"`,
			`"operationName":"User registered all required security info"`, `"operationName":"User deleted security info"`}, 3},
	}
	for _, tt := range tests {
		name := tt.d.Meta().Name
		data, err := os.ReadFile(testdata(sample.Slug(name), "audit.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		var misses, hits []string
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			miss := false
			for _, m := range tt.markers {
				miss = miss || strings.Contains(l, m)
			}
			if miss {
				misses = append(misses, l)
			} else {
				hits = append(hits, l)
			}
		}
		if len(misses) != tt.n {
			t.Fatalf("%s: %d near misses in the sample, want %d", name, len(misses), tt.n)
		}
		if fs, _ := authmRun(t, tt.d, misses); len(fs) != 0 {
			t.Errorf("%s: near misses give %s; want none", name, findingJSON(fs))
		}
		if fs, _ := authmRun(t, tt.d, hits); len(fs) == 0 {
			t.Errorf("%s: the other records give no finding", name)
		}
	}
}

// TestAuthMethodsServicePrincipalThreshold checks `where unique_apps > 3`
// at and past its boundary in one 10-minute bin, that it counts distinct
// names and not records, and the deviation: it counts per bin (_time is a
// BY field), the bins aligned to the epoch, not to the first record.
func TestAuthMethodsServicePrincipalThreshold(t *testing.T) {
	// at is a time on 2025-03-18, "15:04:05" with an optional fraction.
	at := func(t *testing.T, clock string) string {
		t.Helper()
		ts, err := time.Parse("2006-01-02T15:04:05.999999999Z", "2025-03-18T"+clock+"Z")
		if err != nil {
			t.Fatal(err)
		}
		return ts.Format(time.RFC3339Nano)
	}
	// sp is a creation, at clock, of the service principal name.
	type sp struct{ clock, name string }
	// minutely is n creations a minute apart from 10:02:13, named by names in turn.
	minutely := func(n int, names ...string) []sp {
		var out []sp
		for i := range n {
			out = append(out, sp{fmt.Sprintf("10:%02d:13", 2+i), names[i%len(names)]})
		}
		return out
	}
	initiators := []struct {
		d   detection.Detection[event.AuditEvent]
		by  func(authmRec) authmRec
		who string
	}{
		{rules.AzureADMultipleServicePrincipalsCreatedBySP(), func(r authmRec) authmRec { return authmByApp(r, "Orbitline Provisioner") }, "Orbitline Provisioner"},
		{rules.AzureADMultipleServicePrincipalsCreatedByUser(), func(r authmRec) authmRec { return authmByUser(r, "priya.raman@example.com", "198.51.100.77") }, "priya.raman@example.com"},
	}
	// The starts of the 10:00 and 10:10 bins.
	const at1000, at1010 = "2025-03-18T10:00:00", "2025-03-18T10:10:00"
	tests := []struct {
		name    string
		sps     []sp
		want    []string // src_user|_time|count|unique_apps|firstTime|lastTime, %s the initiator
		because string
	}{
		{"three names", minutely(3, "A", "B", "C"), nil, "3 is not > 3"},
		{"three names, six records", minutely(6, "A", "B", "C"), nil, "dc counts names, not records"},
		{"one name four times", minutely(4, "A"), nil, "dc is 1"},
		{"four names", minutely(4, "A", "B", "C", "D"), []string{"%s|" + at1000 + "|4|4|" + at1000 + "|" + at1000}, "4 > 3; the times are the bin's start"},
		{"four names, eight records", minutely(8, "A", "B", "C", "D"), []string{"%s|" + at1000 + "|8|4|" + at1000 + "|" + at1000}, "repeats add to count only"},
		{"five names", minutely(5, "A", "B", "C", "D", "E"), []string{"%s|" + at1000 + "|5|5|" + at1000 + "|" + at1000}, "5 > 3"},
		{"four names at the bin's edges", []sp{{"10:00:00", "A"}, {"10:04:00", "B"}, {"10:08:00", "C"}, {"10:09:59.999", "D"}},
			[]string{"%s|" + at1000 + "|4|4|" + at1000 + "|" + at1000}, "10:00:00 and 10:09:59.999 are both in the 10:00 bin"},
		{"three, then one at 10:10:00", []sp{{"10:03:15", "A"}, {"10:06:40", "B"}, {"10:09:59", "C"}, {"10:10:00", "D"}}, nil,
			"deviation: 3 in the 10:00 bin and 1 in the 10:10 bin, though all four are within 7 minutes (ESCU as written fires)"},
		{"three, then one at 10:09:59", []sp{{"10:03:15", "A"}, {"10:06:40", "B"}, {"10:09:58", "C"}, {"10:09:59", "D"}},
			[]string{"%s|" + at1000 + "|4|4|" + at1000 + "|" + at1000}, "the same a second earlier: one bin"},
		{"four in a bin, a fifth in the next", append(minutely(4, "A", "B", "C", "D"), sp{"10:10:00", "E"}),
			[]string{"%s|" + at1000 + "|4|4|" + at1000 + "|" + at1000}, "the 10:10 bin has one name; the 10:00 bin does not count it"},
		{"four names in each of two bins", append(minutely(4, "A", "B", "C", "D"), sp{"10:10:00", "A"}, sp{"10:12:00", "B"}, sp{"10:15:00", "E"}, sp{"10:19:59", "F"}),
			[]string{"%s|" + at1000 + "|4|4|" + at1000 + "|" + at1000, "%s|" + at1010 + "|4|4|" + at1010 + "|" + at1010}, "a row per bin"},
		{"four names over three hours", []sp{{"10:02:13", "A"}, {"11:02:13", "B"}, {"12:02:13", "C"}, {"13:02:13", "D"}}, nil,
			"deviation: one name in each of four bins (ESCU as written fires)"},
	}
	for _, in := range initiators {
		for _, tc := range tests {
			t.Run(in.d.Meta().Name+"/"+tc.name, func(t *testing.T) {
				var recs []authmRec
				for _, s := range tc.sps {
					recs = append(recs, in.by(authmAddSP(at(t, s.clock), s.name)))
				}
				fs, _ := authmRun(t, in.d, authmLines(t, recs...))
				var want []string
				for _, w := range tc.want {
					want = append(want, fmt.Sprintf(w, in.who))
				}
				got := authmRows(fs, "src_user", "_time", "count", "unique_apps", "firstTime", "lastTime")
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tc.because, diff)
				}
			})
		}
	}
}

// TestAuthMethodsServicePrincipalColumns checks the two rules' output
// columns and what fills them: the BY columns with the bin's _time last,
// the stats' as-names, src "0" for an application (no callerIpAddress),
// user the service principals' names.
func TestAuthMethodsServicePrincipalColumns(t *testing.T) {
	at := func(m int) string { return time.Date(2025, 3, 18, 10, m, 0, 0, time.UTC).Format(time.RFC3339) }
	cols := []string{"src_user", "vendor_account", "vendor_product", "signature", "_time", "count", "firstTime", "lastTime",
		"unique_apps", "displayName", "dest", "src", "user", "user_agent"}
	const bin = "2025-03-18T10:00:00"
	tests := []struct {
		d    detection.Detection[event.AuditEvent]
		recs []authmRec
		want string
	}{
		{rules.AzureADMultipleServicePrincipalsCreatedBySP(), []authmRec{
			authmByApp(authmAddSP(at(1), "A"), "Orbitline Provisioner"), authmByApp(authmAddSP(at(2), "B"), "Orbitline Provisioner"),
			authmByApp(authmAddSP(at(3), "C"), "Orbitline Provisioner"), authmByApp(authmAddSP(at(4), "D"), "Orbitline Provisioner"),
		}, "Orbitline Provisioner|" + authmTenant + "|Azure AD|Add service principal|" + bin + "|4|" + bin + "|" + bin + "|4|A,B,C,D|" + authmTenant + "|0|A,B,C,D|0"},
		{rules.AzureADMultipleServicePrincipalsCreatedByUser(), []authmRec{
			authmByUser(authmAddSP(at(1), "A"), "priya.raman@example.com", "198.51.100.77"), authmByUser(authmAddSP(at(2), "B"), "priya.raman@example.com", "198.51.100.77"),
			authmByUser(authmAddSP(at(3), "C"), "priya.raman@example.com", "203.0.113.24"), authmByUser(authmAddSP(at(9), "D"), "priya.raman@example.com", "198.51.100.77"),
		}, "priya.raman@example.com|" + authmTenant + "|Azure AD|Add service principal|" + bin + "|4|" + bin + "|" + bin + "|4|A,B,C,D|" + authmTenant + "|198.51.100.77,203.0.113.24|A,B,C,D|0"},
	}
	for _, tc := range tests {
		fs, eng := authmRun(t, tc.d, authmLines(t, tc.recs...))
		name := tc.d.Meta().Name
		if diff := cmp.Diff(cols, eng.Columns(name)); diff != "" {
			t.Errorf("%s: columns (-want +got):\n%s", name, diff)
		}
		if diff := cmp.Diff([]string{tc.want}, authmRows(fs, cols...)); diff != "" {
			t.Errorf("%s: row (-want +got):\n%s", name, diff)
		}
	}
}

// TestAuthMethodsDisabledUserIsInitiator shows the add-on's user for
// "Disable Strong Authentication": the administrator, so that one
// administrator's changes to two accounts make one row, and the accounts
// are in no column.
func TestAuthMethodsDisabledUserIsInitiator(t *testing.T) {
	d := rules.AzureADMultiFactorAuthenticationDisabled()
	fs, _ := authmRun(t, d, authmLines(t,
		authmDisable("2025-03-20T22:20:45Z", "priya.raman@example.com", "marcus.webb@example.net"),
		authmDisable("2025-03-20T22:24:10Z", "priya.raman@example.com", "jonas.berg@example.com"),
	))
	got := authmRows(fs, "user", "initiatedBy", "src", "user_agent", "count")
	if diff := cmp.Diff([]string{"priya.raman@example.com|priya.raman@example.com|0|0|2"}, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	for _, f := range fs {
		if s := string(f.AppendJSON(nil)); strings.Contains(s, "marcus.webb") || strings.Contains(s, "jonas.berg") {
			t.Errorf("a target account is in the output: %s", s)
		}
	}
}

// TestAuthMethodsNewMethodValues checks the deviation of "Azure AD New MFA
// Method Registered" (a finding needs more methods than before) at its
// boundary, and the newvalue and oldvalue columns: the first property's
// JSON text, "null" for a null, as event's modifiedProperties{} fields
// give it.
func TestAuthMethodsNewMethodValues(t *testing.T) {
	d := rules.AzureADNewMFAMethodRegistered()
	oldField, err := event.LookupAuditField("targetResources{}.modifiedProperties{}.oldValue")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		want           []string // newvalue|oldvalue|count
	}{
		{"1 to 1", authmOne, authmOne, nil},
		{"2 to 2", authmTwo, authmSwap, nil},
		{"1 to 2", authmOne, authmTwo, []string{authmTwo + "|" + authmOne + "|1"}},
		{"2 to 3", authmTwo, authmThree, []string{authmThree + "|" + authmTwo + "|1"}},
		{"3 to 2", authmThree, authmTwo, nil},
		{"null to 1", "", authmOne, []string{authmOne + "|null|1"}},
		{"[] to 1", "[]", authmOne, []string{authmOne + "|[]|1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := authmSAM("2025-03-21T09:10:45Z", "hana.kobayashi@example.com", tc.old, tc.new)
			fs, _ := authmRun(t, d, authmLines(t, r))
			if diff := cmp.Diff(tc.want, authmRows(fs, "newvalue", "oldvalue", "count")); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if v, _ := oldField.Value(authmEvent(t, r)); len(fs) > 0 && v != fs[0].Values("oldvalue")[0] {
				t.Errorf("oldvalue %q, but the event's field gives %q", fs[0].Values("oldvalue")[0], v)
			}
		})
	}
}

// TestAuthMethodsActionColumn checks the deviation of "Azure AD New MFA
// Method Registered For User": the action BY field, which escudo has no
// value for, is "0" and drops nothing; registrations that differ only in
// what was registered are separate rows.
func TestAuthMethodsActionColumn(t *testing.T) {
	if _, err := event.LookupAuditField("action"); !errors.Is(err, event.ErrUnknownField) {
		t.Fatalf(`event now has an audit field "action" (err %v): read it in cimChangeAction`, err)
	}
	d := rules.AzureADNewMFAMethodRegisteredForUser()
	fs, eng := authmRun(t, d, authmLines(t,
		authmRegistered("2025-03-22T02:13:50Z", "marcus.webb@example.net", "User registered Mobile Phone SMS"),
		authmRegistered("2025-03-22T02:14:20Z", "marcus.webb@example.net", "User registered Mobile Phone SMS"),
		authmRegistered("2025-03-22T02:15:01Z", "marcus.webb@example.net", "User registered Authenticator App with Notification and Code"),
	))
	wantCols := []string{"action", "dest", "user", "src", "vendor_account", "vendor_product", "user_agent", "result",
		"resultDescription", "signature", "count", "firstTime", "lastTime"}
	if diff := cmp.Diff(wantCols, eng.Columns(d.Meta().Name)); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	got := authmRows(fs, "action", "user", "src", "user_agent", "result", "resultDescription", "count")
	want := []string{
		"0|marcus.webb@example.net|198.51.100.201|0|success|User registered Authenticator App with Notification and Code|1",
		"0|marcus.webb@example.net|198.51.100.201|0|success|User registered Mobile Phone SMS|2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	rs, err := eng.Risk(fs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.RiskObject != "marcus.webb@example.net" || len(r.ThreatObject) != 1 || r.ThreatObject[0] != "198.51.100.201" ||
			r.ThreatObjectType[0] != risk.IPAddress {
			t.Errorf("risk event %+v: want the user as risk object and src as ip_address threat object", r)
		}
	}
}

// TestAuthMethodsPrefilter checks the rules' literals: with the prefilter,
// each rule gives the same findings over its sample as without.
func TestAuthMethodsPrefilter(t *testing.T) {
	for _, d := range authmRules() {
		name := d.Meta().Name
		data, err := os.ReadFile(testdata(sample.Slug(name), "audit.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		var got [2][]string
		for i, pre := range []bool{false, true} {
			eng, err := detection.NewEngine(detection.Options{DecodeAll: !pre}, detection.Of(d))
			if err != nil {
				t.Fatal(err)
			}
			if eng.Prefiltering() != pre {
				t.Fatalf("%s: Prefiltering() = %v, want %v", name, eng.Prefiltering(), pre)
			}
			res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(string(data))))
			if err != nil {
				t.Fatal(err)
			}
			got[i] = findingJSON(res.Findings)
		}
		if len(got[0]) == 0 {
			t.Errorf("%s: no findings", name)
		}
		if diff := cmp.Diff(got[0], got[1]); diff != "" {
			t.Errorf("%s: the prefilter changes the findings (-without +with):\n%s", name, diff)
		}
	}
}
