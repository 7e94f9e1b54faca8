package rules_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
)

// consentSample returns the lines of d's sample, each with its newline.
func consentSample(t *testing.T, d detection.Detection[event.AuditEvent]) []string {
	t.Helper()
	data, err := os.ReadFile(testdata(sample.Slug(d.Meta().Name), "audit.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] != "" {
		t.Fatal("the sample does not end with a newline")
	}
	return lines[:len(lines)-1]
}

// consentRun runs d alone over the records in input, which must all
// decode or be skipped by the prefilter, and returns its findings.
func consentRun(t *testing.T, opts detection.Options, d detection.Detection[event.AuditEvent], input string) []detection.Finding {
	t.Helper()
	fs, _ := consentRunCounted(t, opts, d, input)
	return fs
}

// consentRunCounted is consentRun that also returns how many records the
// prefilter skipped.
func consentRunCounted(t *testing.T, opts detection.Options, d detection.Detection[event.AuditEvent], input string) ([]detection.Finding, int64) {
	t.Helper()
	eng, err := detection.NewEngine(opts, detection.Of(d))
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(input)))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Counts
	if n := int64(strings.Count(input, "\n")); c.Bad != 0 || c.Records != n || c.Decoded+c.Prefiltered != n {
		t.Fatalf("%d records do not decode cleanly: %+v", n, c)
	}
	return res.Findings, c.Prefiltered
}

// consentLine returns the one line of lines that holds marker.
func consentLine(t *testing.T, lines []string, marker string) string {
	t.Helper()
	var found []string
	for _, l := range lines {
		if strings.Contains(l, marker) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d sample lines hold %q, want 1", len(found), marker)
	}
	return found[0]
}

// TestConsentRegistered checks that the consent rules are in the audit
// catalogue, in the reference's order.
func TestConsentRegistered(t *testing.T) {
	want := []string{
		rules.AzureADAdminConsentBypassedByServicePrincipal().Meta().Name,
		rules.AzureADBlockUserConsentForRiskyAppsDisabled().Meta().Name,
		rules.AzureADOAuthApplicationConsentGrantedByUser().Meta().Name,
		rules.AzureADTenantWideAdminConsentGranted().Meta().Name,
		rules.AzureADUserConsentBlockedForRiskyApplication().Meta().Name,
	}
	var got []string
	for _, d := range rules.Audits() {
		if slices.Contains(want, d.Meta().Name) {
			got = append(got, d.Meta().Name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("catalogue has %q, want %q in that order", got, want)
	}
}

// TestConsentNearMisses runs each consent rule over the records of its
// sample that must not match, alone: another operation, a user where an
// application is required, the wrong property or value, a per-user
// consent where a tenant-wide one is required, a result the rule excludes.
func TestConsentNearMisses(t *testing.T) {
	tests := []struct {
		d      detection.Detection[event.AuditEvent]
		marker []string // each picks one near-miss line of the sample
	}{
		{rules.AzureADAdminConsentBypassedByServicePrincipal(), []string{
			`"userPrincipalName":"elliot.grant@example.com"`, `"Add member to group"`, `"Remove app role assignment from service principal"`}},
		{rules.AzureADBlockUserConsentForRiskyAppsDisabled(), []string{`"oldValue":"[true]"`, `"AllowedToUseSSPR"`}},
		{rules.AzureADOAuthApplicationConsentGrantedByUser(), []string{`"result":"failure"`, `"operationName":"Add delegated permission grant"`}},
		{rules.AzureADTenantWideAdminConsentGranted(), []string{`ConsentType: Principal`, `"operationName":"Add delegated permission grant"`}},
		{rules.AzureADUserConsentBlockedForRiskyApplication(), []string{`"result":"success"`}},
	}
	for _, tt := range tests {
		t.Run(tt.d.Meta().Name, func(t *testing.T) {
			lines := consentSample(t, tt.d)
			var misses []string
			for _, m := range tt.marker {
				misses = append(misses, consentLine(t, lines, m))
			}
			if fs := consentRun(t, detection.Options{}, tt.d, strings.Join(misses, "")); len(fs) != 0 {
				t.Errorf("near misses give %d findings, want none: %s", len(fs), fs[0].AppendJSON(nil))
			}
			if len(misses) == len(lines) {
				t.Fatal("the sample has no record that fires")
			}
		})
	}
}

// TestConsentScopeRex pins the deviation of the two rules whose ESCU rex
// is "Scope: (?<Scope> [ ^,]+)": on every ConsentAction.Permissions value
// of their samples that regex extracts nothing (so ESCU's stats ... by
// Scope would drop every row), while the intended "Scope: (?<Scope>[^,]+)"
// extracts the scope list, and each finding's Scope is one of those.
func TestConsentScopeRex(t *testing.T) {
	literal := spl.MustCompileRex(`Scope: (?<Scope> [ ^,]+)`, 1)
	intended := spl.MustCompileRex(`Scope: (?<Scope>[^,]+)`, 1)
	for _, d := range []detection.Detection[event.AuditEvent]{
		rules.AzureADOAuthApplicationConsentGrantedByUser(),
		rules.AzureADUserConsentBlockedForRiskyApplication(),
	} {
		t.Run(d.Meta().Name, func(t *testing.T) {
			lines := consentSample(t, d)
			r := event.NewReader(strings.NewReader(strings.Join(lines, "")))
			var want []string // the intended Scope of each record the rule matches
			for range lines {
				rec, err := r.ReadRecord()
				if err != nil {
					t.Fatal(err)
				}
				var ev event.AuditEvent
				if err := event.DecodeAudit("audit", rec, &ev); err != nil {
					t.Fatal(err)
				}
				for _, tr := range ev.TargetResources {
					for _, p := range tr.ModifiedProperties {
						if p.DisplayName != "ConsentAction.Permissions" {
							continue
						}
						if got := literal.Extract(p.NewValue)[0]; got != nil {
							t.Errorf("ESCU's rex extracts %q from %s", got, p.NewValue)
						}
						got := intended.Extract(p.NewValue)[0]
						if len(got) != 1 || strings.HasPrefix(got[0], " ") {
							t.Errorf("the intended rex extracts %q from %s, want one scope list", got, p.NewValue)
						}
						if d.Match(&ev) {
							want = append(want, got...)
						}
					}
				}
			}
			fs := consentRun(t, detection.Options{}, d, strings.Join(lines, ""))
			var got []string
			for _, f := range fs {
				v, _ := f.Value("Scope")
				got = append(got, v)
			}
			slices.Sort(got)
			slices.Sort(want)
			if want = slices.Compact(want); len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("findings' Scope %q, want the intended extractions %q", got, want)
			}
		})
	}
}

// TestConsentVariants edits one record of a sample and checks the SPL
// semantics at the edges: the operationName wildcard, the add-on's
// src_user_type, search's case folding, positional reads, mvindex of -1,
// and the filters each rule has or lacks.
func TestConsentVariants(t *testing.T) {
	bypass := rules.AzureADAdminConsentBypassedByServicePrincipal()
	risky := rules.AzureADBlockUserConsentForRiskyAppsDisabled()
	granted := rules.AzureADOAuthApplicationConsentGrantedByUser()
	tenant := rules.AzureADTenantWideAdminConsentGranted()
	blocked := rules.AzureADUserConsentBlockedForRiskyApplication()
	const methodResult = `{"displayName":"MethodExecutionResult.","oldValue":null,"newValue":"\"Microsoft.Online.Security.UserConsentBlockedForRiskyAppsException\""}`
	tests := []struct {
		name   string
		d      detection.Detection[event.AuditEvent]
		marker string      // picks the sample line to edit, one that fires
		edits  [][2]string // replacements, each of which must apply
		want   map[string]string
	}{
		{"member to role wildcard takes a PIM operation", bypass, "marcus.webb@example.net",
			[][2]string{{`"operationName":"Add member to role"`, `"operationName":"Add member to role in PIM completed (permanent)"`}},
			map[string]string{"signature": "Add member to role in PIM completed (permanent)", "user": "marcus.webb@example.net"}},
		{"an app with a servicePrincipalName is a servicePrincipal", bypass, "Directory_e5b7d9f1-0004-",
			[][2]string{{`"servicePrincipalName":null`, `"servicePrincipalName":"7e2b9c41-5d3a-4f8e-9b16-2a4c6e8f0a13"`}},
			map[string]string{"user": "Tallyhaus Analytics", "src_user": "Tallyhaus Deployment Pipeline"}},
		{"an app with no service principal has no src_user_type", bypass, "marcus.webb@example.net",
			[][2]string{{`"servicePrincipalId":"8a1c3e5f-7b9d-4f1a-9c3e-6d8f0a2c4e57"`, `"servicePrincipalId":null`}},
			nil},
		{"no AllowUserConsentForRiskyApps: index -1 is dropped, not read from the end", risky, "Directory_d0a2c4e6-9f1b-",
			[][2]string{{`"displayName":"AllowUserConsentForRiskyApps"`, `"displayName":"AllowedToUseSSPR"`},
				{`,{"displayName":"Included Updated Properties","oldValue":null,"newValue":"\"AllowUserConsentForRiskyApps\""}`, ``}},
			nil},
		{"search compares [true] without regard to case", risky, "Directory_d0a2c4e6-9f1b-",
			[][2]string{{`"newValue":"[true]"`, `"newValue":"[TRUE]"`}},
			map[string]string{"user": "hana.kobayashi@example.com"}},
		{"no ConsentAction.Permissions: the last value has no Scope, fillnull gives 0", granted, "Directory_4e6a8c0e-0003-",
			[][2]string{{`"displayName":"ConsentAction.Permissions"`, `"displayName":"ConsentAction.Grants"`}},
			map[string]string{"user": "ines.moreau@example.com", "Scope": "0"}},
		{"tenant-wide consent has no result filter", tenant, "Directory_4e6a8c0e-0004-4a2c-8e4a-6c8e0a2c4e04_R6Y4U",
			[][2]string{{`"result":"success"`, `"result":"failure"`}},
			map[string]string{"user": "hana.kobayashi@example.com", "ConsentType": " AllPrincipals"}},
		{"tenant-wide consent reads the fifth value, not the permissions by name", tenant, "Directory_4e6a8c0e-0004-4a2c-8e4a-6c8e0a2c4e04_R6Y4U",
			[][2]string{{`{"displayName":"ConsentContext.Tags","oldValue":null,"newValue":"\"WindowsAzureActiveDirectoryIntegratedApp\""},`, ``}},
			nil},
		{"blocked consent needs a failure", blocked, "Directory_0b7a1c52-0003-",
			[][2]string{{`"result":"failure"`, `"result":"success"`}},
			nil},
		{"blocked consent needs the reason text", blocked, "Directory_0b7a1c52-0003-",
			[][2]string{{`Risky application detected`, `Risky application suspected`}},
			nil},
		{"no ConsentAction.Reason: reason_index -1 is dropped, not read from the end", blocked, "Directory_0b7a1c52-0003-",
			[][2]string{{`"displayName":"ConsentAction.Reason"`, `"displayName":"ConsentAction.Note"`}, {"," + methodResult, ""}},
			nil},
		{"no ConsentAction.Permissions: the last value has no Scope, fillnull gives 0", blocked, "Directory_0b7a1c52-0003-",
			[][2]string{{`"displayName":"ConsentAction.Permissions"`, `"displayName":"ConsentAction.Grants"`}},
			map[string]string{"user": "ines.moreau@example.com", "reason": `"Risky application detected"`, "Scope": "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.d.Meta().Name+"/"+tt.name, func(t *testing.T) {
			line := consentLine(t, consentSample(t, tt.d), tt.marker)
			if fs := consentRun(t, detection.Options{}, tt.d, line); len(fs) != 1 {
				t.Fatalf("the unedited record gives %d findings, want 1", len(fs))
			}
			for _, e := range tt.edits {
				if !strings.Contains(line, e[0]) {
					t.Fatalf("the record does not hold %q", e[0])
				}
				line = strings.Replace(line, e[0], e[1], 1)
			}
			fs := consentRun(t, detection.Options{}, tt.d, line)
			switch {
			case tt.want == nil && len(fs) != 0:
				t.Errorf("got %s, want no finding", fs[0].AppendJSON(nil))
			case tt.want != nil && len(fs) != 1:
				t.Errorf("got %d findings, want 1", len(fs))
			case tt.want != nil:
				for col, v := range tt.want {
					if got, _ := fs[0].Value(col); got != v {
						t.Errorf("%s = %q, want %q in %s", col, got, v, fs[0].AppendJSON(nil))
					}
				}
			}
		})
	}
}

// TestConsentPrefilter runs each consent rule over all five consent
// samples with and without the literal prefilter: its literals must not
// lose a finding.
func TestConsentPrefilter(t *testing.T) {
	ds := []detection.Detection[event.AuditEvent]{
		rules.AzureADAdminConsentBypassedByServicePrincipal(),
		rules.AzureADBlockUserConsentForRiskyAppsDisabled(),
		rules.AzureADOAuthApplicationConsentGrantedByUser(),
		rules.AzureADTenantWideAdminConsentGranted(),
		rules.AzureADUserConsentBlockedForRiskyApplication(),
	}
	var all strings.Builder
	for _, d := range ds {
		for _, l := range consentSample(t, d) {
			all.WriteString(l)
		}
	}
	for _, d := range ds {
		plain := consentRun(t, detection.Options{DecodeAll: true}, d, all.String())
		filtered, skipped := consentRunCounted(t, detection.Options{}, d, all.String())
		if len(plain) == 0 || skipped == 0 {
			t.Errorf("%s: %d findings over the consent samples, %d records prefiltered; want some of each", d.Meta().Name, len(plain), skipped)
		}
		var a, b []string
		for _, f := range plain {
			a = append(a, string(f.AppendJSON(nil)))
		}
		for _, f := range filtered {
			b = append(b, string(f.AppendJSON(nil)))
		}
		if !slices.Equal(a, b) {
			t.Errorf("%s: with the prefilter %q, without %q", d.Meta().Name, b, a)
		}
	}
}

// TestConsentDecodedAllocations pins the allocation budget of a record
// the consent rule decodes and groups: at most 5 (today 2: the one
// string of the fields read, and the error code's number), counted as
// the allocations of a run over 2,000 such records less those of a run
// over 1,000, in Graph lines and Azure Monitor lines, with and without
// workers.
func TestConsentDecodedAllocations(t *testing.T) {
	const graph = `{"id":"1","createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a@example.com","userId":"u","appId":"x","appDisplayName":"App","ipAddress":"192.0.2.1","clientAppUsed":"Browser","status":{"errorCode":65004,"failureReason":"User declined to consent to access the app.","additionalDetails":null},"deviceDetail":{"browser":"Edge","isCompliant":true},"location":{"city":"Oslo","countryOrRegion":"NO"}}` + "\n"
	const azure = `{"time":"2025-03-14T09:00:01Z","category":"SignInLogs","operationName":"Sign-in activity","resultType":"65004","callerIpAddress":"192.0.2.1","properties":` + `{"id":"1","createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a@example.com","appDisplayName":"App","ipAddress":"192.0.2.1","status":{"errorCode":65004,"failureReason":"User declined to consent to access the app."}}}` + "\n"
	for _, in := range []struct{ name, rec string }{{"graph", graph}, {"azure monitor", azure}} {
		for _, workers := range []int{1, 2} {
			eng, err := detection.NewEngine(detection.Options{Workers: workers}, detection.Of(rules.O365UserConsentDenied()))
			if err != nil {
				t.Fatal(err)
			}
			run := func(n int) float64 {
				input := []byte(strings.Repeat(in.rec, n))
				return testing.AllocsPerRun(3, func() {
					res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(input)))
					if err != nil || res.Counts.Decoded != int64(n) || len(res.Findings) != 1 {
						t.Fatalf("run over %d records: %v, %+v, %d findings", n, err, res.Counts, len(res.Findings))
					}
				})
			}
			small, large := run(1000), run(2000)
			t.Logf("%s, %d workers: %.2f allocations per decoded record", in.name, workers, (large-small)/1000)
			if per := (large - small) / 1000; per > 5 {
				t.Errorf("%s, %d workers: %.1f allocations per decoded record, want at most 5", in.name, workers, per)
			}
		}
	}
}
