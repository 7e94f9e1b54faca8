package rules_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/detectiontest"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

// decodeAll frames a file with a Reader and decodes every record with
// decode, failing the test on any error.
func decodeAll[E any](t *testing.T, path string, decode func(string, event.Record, *E) error) []*E {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(bytes.NewReader(data))
	var evs []*E
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			return evs
		}
		if err != nil {
			t.Fatal(err)
		}
		ev := new(E)
		if err := decode(path, rec, ev); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
}

// TestOtherRulesConform runs the conformance checks on the risk detection
// and Graph activity rules, with every record of their datasets as events
// to try.
func TestOtherRulesConform(t *testing.T) {
	risks := decodeAll(t, testdata("formats", "riskdetections", "azure-monitor.jsonl"), event.DecodeRiskDetection)
	for _, d := range rules.RiskDetections() {
		if err := detectiontest.Check(d, risks...); err != nil {
			t.Errorf("%s: %v", d.Meta().Name, err)
		}
	}
	graphs := decodeAll(t, testdata("formats", "graphactivity", "azure-monitor.jsonl"), event.DecodeGraphActivity)
	for _, d := range rules.GraphActivities() {
		if err := detectiontest.Check(d, graphs...); err != nil {
			t.Errorf("%s: %v", d.Meta().Name, err)
		}
	}
}

// runLines runs one rule over JSON lines and returns its findings and
// the run's counts.
func runLines(t *testing.T, r detection.Rule, lines []string, opts detection.Options) ([]detection.Finding, event.Counts) {
	t.Helper()
	eng, err := detection.NewEngine(opts, r)
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(lines, ""))))
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings, res.Counts
}

// sampleLines returns the lines of a rule's sample that hold every one of
// the markers.
func sampleLines(t *testing.T, dir, file string, markers ...string) []string {
	t.Helper()
	data, err := os.ReadFile(testdata(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.SplitAfter(string(data), "\n") {
		keep := l != ""
		for _, m := range markers {
			keep = keep && strings.Contains(l, m)
		}
		if keep {
			out = append(out, l)
		}
	}
	return out
}

// TestHighRiskSignInNearMisses runs the rule over the records of its
// sample that must not match, alone: risk levels medium, low and hidden,
// and a RiskyUsers record of level high (another category, another kind).
func TestHighRiskSignInNearMisses(t *testing.T) {
	rule := detection.Of(rules.AzureActiveDirectoryHighRiskSignIn())
	const dir = "azure_active_directory_high_risk_sign_in"
	var misses []string
	for _, level := range []string{`"riskLevel":"medium"`, `"riskLevel":"low"`, `"riskLevel":"hidden"`} {
		ls := sampleLines(t, dir, "riskdetections.jsonl", level)
		if len(ls) != 1 {
			t.Fatalf("%d sample lines with %s, want 1", len(ls), level)
		}
		misses = append(misses, ls...)
	}
	risky := sampleLines(t, dir, "riskdetections.jsonl", `"category":"RiskyUsers"`, `"riskLevel":"high"`)
	if len(risky) != 1 {
		t.Fatalf("%d RiskyUsers lines of level high, want 1", len(risky))
	}
	// Decoded whole, so that the kinds are told: a record the prefilter
	// passes over is counted as such, whatever its kind.
	fs, c := runLines(t, rule, append(misses, risky...), detection.Options{DecodeAll: true})
	if len(fs) != 0 || c.Decoded != 3 || c.Other != 1 || c.Bad != 0 {
		t.Errorf("near misses give %d findings, counts %+v; want none, 3 decoded and 1 other", len(fs), c)
	}
	// The same records with riskLevel high do fire: the near misses miss
	// by their level alone.
	var highs []string
	for _, l := range misses {
		for _, lv := range []string{`"riskLevel":"medium"`, `"riskLevel":"low"`, `"riskLevel":"hidden"`} {
			l = strings.Replace(l, lv, `"riskLevel":"high"`, 1)
		}
		highs = append(highs, l)
	}
	if fs, _ := runLines(t, rule, highs, detection.Options{}); len(fs) != 3 {
		t.Errorf("the near misses made high give %d findings, want 3", len(fs))
	}
}

// TestHighRiskSignInTerms checks the base search's terms: both compare
// without regard to case, and match the whole value.
func TestHighRiskSignInTerms(t *testing.T) {
	d := rules.AzureActiveDirectoryHighRiskSignIn()
	for _, tt := range []struct {
		category, level string
		want            bool
	}{
		{"UserRiskEvents", "high", true},
		{"UserRiskEvents", "High", true},
		{"userriskevents", "HIGH", true},
		{"UserRiskEvents", "highest", false},
		{"UserRiskEvents", "medium", false},
		{"UserRiskEvents", "", false},
		{"RiskyUsers", "high", false},
		{"", "high", false},
	} {
		ev := event.RiskDetectionEvent{RiskLevel: tt.level, Envelope: event.Envelope{Category: tt.category}}
		if got := d.Match(&ev); got != tt.want {
			t.Errorf("Match(category %q, riskLevel %q) = %v, want %v", tt.category, tt.level, got, tt.want)
		}
	}
}

// TestHighRiskSignInEveryFormat runs the rule over the risk detection
// dataset in every format: the same users are found, with the tenant and
// addresses each format carries.
func TestHighRiskSignInEveryFormat(t *testing.T) {
	rule := detection.Of(rules.AzureActiveDirectoryHighRiskSignIn())
	for _, name := range []string{"graph.jsonl", "graph-page.json", "azure-monitor.jsonl", "azure-monitor-eventhub.json", "log-analytics.json"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(testdata("formats", "riskdetections", name))
			if err != nil {
				t.Fatal(err)
			}
			fs, c := runLines(t, rule, []string{string(data)}, detection.Options{DecodeAll: true})
			if c.Decoded != 6 || c.Bad != 0 {
				t.Fatalf("counts %+v, want 6 decoded", c)
			}
			var got []string
			for _, f := range fs {
				dest, _ := f.Value("dest")
				user, _ := f.Value("user")
				src, _ := f.Value("src")
				got = append(got, dest+" "+user+" "+src)
			}
			tenant, last := "0", "192.0.2.250" // Graph and Log Analytics: no tenant; src from ipAddress
			if strings.HasPrefix(name, "azure-monitor") {
				tenant, last = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c", "0" // the record without callerIpAddress
			}
			want := []string{
				tenant + " elliot.grant@example.com " + last,
				tenant + " hana.kobayashi@example.com 0", // a user-level detection: no address
				tenant + " marcus.webb@example.net 203.0.113.201",
				tenant + " priya.raman@example.com 198.51.100.201",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// spnRecord is a Microsoft Graph activity record of a GET of uri by the
// user with object ID user from ip, at second s of a minute.
func spnRecord(uri, user, ip string, s int) string {
	return fmt.Sprintf(`{"time":"2025-03-22T13:%02d:%02d.0000000Z","operationName":"Microsoft Graph Activity","category":"MicrosoftGraphActivityLogs",`+
		`"callerIpAddress":%q,"tenantId":"5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c","level":"Informational","properties":{"requestMethod":"GET",`+
		`"responseStatusCode":200,"ipAddress":%q,"userAgent":"azurehound/v2.2.1","requestUri":%q,"userId":%q}}`+"\n", 30+s/60, s%60, ip, ip, uri, user)
}

// spnURIs returns n request URIs for n distinct service principals, in
// the beta and v1.0 forms the two rex read.
func spnURIs(n int) []string {
	var out []string
	for i := range n {
		id := fmt.Sprintf("4c6e8a0b-2d4f-4a6c-8e0a-%012d", i)
		if i%2 == 0 {
			out = append(out, "https://graph.microsoft.com/beta/servicePrincipals/"+id+"/owners?%24top=999")
		} else {
			out = append(out, "https://graph.microsoft.com/v1.0/servicePrincipals/"+id+"/appRoleAssignedTo")
		}
	}
	return out
}

// TestServicePrincipalEnumerationThreshold checks where the rule fires:
// spn_count>9, counted from the rex of properties.requestUri, with the
// "0" fillnull gives the records neither rex matches counting once.
func TestServicePrincipalEnumerationThreshold(t *testing.T) {
	const user, ip = "2bb6b362-0afe-4a25-80bb-080a53bf94da", "198.51.100.23"
	records := func(uris ...string) []string {
		var out []string
		for i, u := range uris {
			out = append(out, spnRecord(u, user, ip, i))
		}
		return out
	}
	list := "https://graph.microsoft.com/beta/servicePrincipals?$select=id,appId&$top=999"
	nine, ten := spnURIs(9), spnURIs(10)
	tests := []struct {
		name, reason string
		uris         []string
		want         string // spn_count of the one finding, or "" for none
	}{
		{"9 service principals", "spn_count 9 is not > 9", nine, ""},
		{"10 service principals", "spn_count 10 is", ten, "10"},
		{"9 read twice", "dc counts each id once, whichever API version read it", append(slices.Clone(nine), nine...), ""},
		{"the same id in both versions", "beta and v1.0 give the same spn",
			append(slices.Clone(nine), strings.Replace(nine[0], "/beta/", "/v1.0/", 1)), ""},
		{"9 and a list call", "the list call has no spn, so fillnull makes it \"0\", a tenth distinct value", append(slices.Clone(nine), list), "10"},
		{"9 and a bare read", "…/servicePrincipals/{id} with no / after the id matches neither rex: \"0\" too",
			append(slices.Clone(nine), "https://graph.microsoft.com/v1.0/servicePrincipals/4c6e8a0b-2d4f-4a6c-8e0a-999999999999"), "10"},
		{"12 bare reads", "all \"0\": spn_count 1", slices.Repeat([]string{"https://graph.microsoft.com/v1.0/servicePrincipals/abc?$select=id"}, 12), ""},
		{"10 in upper case", "TERM matches any case but the rex do not: every spn is \"0\"",
			func() []string {
				var out []string
				for _, u := range ten {
					out = append(out, strings.Replace(u, "servicePrincipals", "SERVICEPRINCIPALS", 1))
				}
				return out
			}(), ""},
		{"10 in another host", "the rex name graph.microsoft.com", func() []string {
			var out []string
			for _, u := range ten {
				out = append(out, strings.Replace(u, "graph.microsoft.com", "graph.microsoft.us", 1))
			}
			return out
		}(), ""},
	}
	rule := detection.Of(rules.AzureADServicePrincipalEnumeration())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, c := runLines(t, rule, records(tt.uris...), detection.Options{})
			if c.Decoded+c.Prefiltered != int64(len(tt.uris)) || c.Bad != 0 {
				t.Fatalf("counts %+v", c)
			}
			got := ""
			if len(fs) > 1 {
				t.Fatalf("%d findings, want at most 1", len(fs))
			}
			if len(fs) == 1 {
				got, _ = fs[0].Value("spn_count")
				if n, _ := fs[0].Value("count"); n != fmt.Sprint(len(tt.uris)) {
					t.Errorf("count = %s, want %d: every record of the group counts", n, len(tt.uris))
				}
			}
			if got != tt.want {
				t.Errorf("spn_count of the finding = %q, want %q (%s)", got, tt.want, tt.reason)
			}
		})
	}
}

// TestServicePrincipalEnumerationTerm checks the base search: the
// category, and TERM(servicePrincipals) as a token of any of the record's
// strings, in any case.
func TestServicePrincipalEnumerationTerm(t *testing.T) {
	d := rules.AzureADServicePrincipalEnumeration()
	env := event.Envelope{Category: "MicrosoftGraphActivityLogs"}
	tests := []struct {
		name string
		ev   event.GraphActivityEvent
		want bool
	}{
		{"a read", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/servicePrincipals/x/owners", Envelope: env}, true},
		{"a list call", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/servicePrincipals?$top=999", Envelope: env}, true},
		{"upper case", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/SERVICEPRINCIPALS", Envelope: env}, true},
		{"another field", event.GraphActivityEvent{UserAgent: "enum servicePrincipals tool", Envelope: env}, true},
		{"category in any case", event.GraphActivityEvent{RequestURI: "/servicePrincipals/x/", Envelope: event.Envelope{Category: "microsoftgraphactivitylogs"}}, true},
		{"a longer word", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/servicePrincipalsByAppId(appId='x')", Envelope: env}, false},
		{"a neighbour word", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/users?$select=servicePrincipalId", Envelope: env}, false},
		{"users", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/users/x/memberOf", Envelope: env}, false},
		{"no category", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/servicePrincipals/x/owners"}, false},
		{"another category", event.GraphActivityEvent{RequestURI: "https://graph.microsoft.com/v1.0/servicePrincipals/x/owners", Envelope: event.Envelope{Category: "AuditLogs"}}, false},
	}
	for _, tt := range tests {
		if got := d.Match(&tt.ev); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestServicePrincipalEnumerationNearMisses runs the rule over the
// callers of its sample that must not match, alone: nine service
// principals read, twelve read without a segment after the id, twelve
// users read.
func TestServicePrincipalEnumerationNearMisses(t *testing.T) {
	const dir = "azure_ad_service_principal_enumeration"
	rule := detection.Of(rules.AzureADServicePrincipalEnumeration())
	for _, tt := range []struct {
		ip   string
		want int
	}{
		{"198.51.100.150", 9}, {"203.0.113.88", 12}, {"203.0.113.24", 12},
	} {
		lines := sampleLines(t, dir, "graphactivity.jsonl", `"callerIpAddress":"`+tt.ip+`"`)
		if len(lines) != tt.want {
			t.Fatalf("%s: %d sample lines, want %d", tt.ip, len(lines), tt.want)
		}
		if fs, c := runLines(t, rule, lines, detection.Options{}); len(fs) != 0 || c.Decoded+c.Prefiltered != int64(tt.want) || c.Bad != 0 {
			t.Errorf("%s: %d findings, counts %+v; want none", tt.ip, len(fs), c)
		}
	}
}

// TestOtherLiterals checks the literals the two rules declare: the case
// spellings of "high" are all 16 (h, i and g fold to nothing but their
// ASCII pairs, so no other spelling matches the term), and the prefilter
// changes no finding over the samples and datasets.
func TestOtherLiterals(t *testing.T) {
	lits := rules.AzureActiveDirectoryHighRiskSignIn().(detection.Literals).Literals()
	slices.Sort(lits)
	if len(lits) != 16 || len(slices.Compact(slices.Clone(lits))) != 16 || !slices.Contains(lits, "high") || !slices.Contains(lits, "HIGH") || !slices.Contains(lits, "hIgH") {
		t.Errorf("literals %q, want the 16 case spellings of high", lits)
	}
	for _, c := range "high" {
		for r := unicode.SimpleFold(c); r != c; r = unicode.SimpleFold(r) {
			if r > unicode.MaxASCII {
				t.Errorf("%c folds to %U, a spelling the literals miss", c, r)
			}
		}
	}
	inputs := map[string][]string{
		"azure_active_directory_high_risk_sign_in": {"riskdetections.jsonl"},
		"azure_ad_service_principal_enumeration":   {"graphactivity.jsonl"},
		"formats/riskdetections":                   {"graph.jsonl", "azure-monitor.jsonl", "log-analytics.json"},
		"formats/graphactivity":                    {"azure-monitor.jsonl", "azure-monitor-eventhub.json", "log-analytics.json"},
	}
	// Log Analytics Graph activity rows made to match (their URIs read ten
	// service principals), with a Type and without one: the rows without
	// hold TimeGenerated, not the category's name.
	la, err := os.ReadFile(testdata("formats", "graphactivity", "log-analytics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var laHits, laUntyped []string
	for i, u := range spnURIs(10) {
		row := fmt.Sprintf(`{"TimeGenerated":"2025-03-22T13:40:%02dZ","RequestUri":%q,"IPAddress":"198.51.100.23","UserId":"u"`, i, u)
		laHits = append(laHits, row+`,"Type":"MicrosoftGraphActivityLogs"}`+"\n")
		laUntyped = append(laUntyped, row+"}\n")
	}
	for _, r := range []detection.Rule{detection.Of(rules.AzureActiveDirectoryHighRiskSignIn()), detection.Of(rules.AzureADServicePrincipalEnumeration())} {
		var all [][]string
		for dir, files := range inputs {
			for _, f := range files {
				data, err := os.ReadFile(testdata(append(strings.Split(dir, "/"), f)...))
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, []string{string(data)})
			}
		}
		all = append(all, []string{string(la)}, laHits, laUntyped)
		hits := 0
		for i, lines := range all {
			plain, _ := runLines(t, r, lines, detection.Options{DecodeAll: true})
			pre, _ := runLines(t, r, lines, detection.Options{})
			if diff := cmp.Diff(plain, pre); diff != "" {
				t.Errorf("%s: input %d: the prefilter changes the findings (-without +with):\n%s", r.Meta().Name, i, diff)
			}
			hits += len(plain)
		}
		if hits == 0 {
			t.Errorf("%s: no findings at all; the test checks nothing", r.Meta().Name)
		}
	}
}

// TestOtherRulesInOneEngine runs the whole catalogue in one engine over
// one stream interleaving the two rules' samples with the sign-in
// dataset's mixed Azure Monitor stream (sign-ins, audit entries and the
// other categories), with the prefilter and without, one worker or
// several: each of the two rules finds exactly its golden findings, and
// the records of kinds no rule reads are counted as such.
func TestOtherRulesInOneEngine(t *testing.T) {
	var streams [][]string
	for _, p := range [][]string{
		{"azure_active_directory_high_risk_sign_in", "riskdetections.jsonl"},
		{"azure_ad_service_principal_enumeration", "graphactivity.jsonl"},
		{"formats", "azure-monitor-mixed.jsonl"},
	} {
		data, err := os.ReadFile(testdata(p...))
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n"))
	}
	var mixed []string
	for i := 0; len(mixed) < len(streams[0])+len(streams[1])+len(streams[2]); i++ {
		for _, s := range streams {
			if i < len(s) {
				mixed = append(mixed, strings.TrimSuffix(s[i], "\n")+"\n")
			}
		}
	}
	want := map[string]string{}
	for _, d := range []string{"azure_active_directory_high_risk_sign_in", "azure_ad_service_principal_enumeration"} {
		b, err := os.ReadFile(testdata(d, "findings.golden.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		want[d] = string(b)
	}
	for _, opts := range []detection.Options{{DecodeAll: true}, {}, {DecodeAll: true, Workers: 3}, {Workers: 2}} {
		eng, err := detection.NewEngine(opts, rules.All()...)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(mixed, ""))))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range res.Findings {
			switch f.Detection {
			case "Azure Active Directory High Risk Sign-in":
				got["azure_active_directory_high_risk_sign_in"] += string(f.AppendJSON(nil)) + "\n"
			case "Azure AD Service Principal Enumeration":
				got["azure_ad_service_principal_enumeration"] += string(f.AppendJSON(nil)) + "\n"
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("options %+v: findings differ from the goldens (-want +got):\n%s", opts, diff)
		}
		// The mixed stream's own UserRiskEvents and MicrosoftGraphActivityLogs
		// records are read now; what no rule reads stays another kind,
		// passed over by the prefilter or not.
		if diff := cmp.Diff(map[string]int64{"ProvisioningLogs": 1, "RiskyUsers": 2}, res.OtherKinds); diff != "" {
			t.Errorf("options %+v: other kinds (-want +got):\n%s", opts, diff)
		}
		if res.Counts.Bad != 0 {
			t.Errorf("options %+v: %d bad records", opts, res.Counts.Bad)
		}
	}
}

// TestOtherFindingsRoundTrip reads the two rules' golden findings back
// from their JSON form, as examples/detect prints them, and checks the
// risk events made from them. For High Risk Sign-in they are the golden
// risk events, to the second. For Service Principal Enumeration, whose
// SPL has no lastTime column but min(_time) as _time, the finding read
// back takes _time for its time (as for a row of a time bin), so its risk
// events carry the group's first request time where the engine's carry
// its last: the JSON form does not keep the last time.
func TestOtherFindingsRoundTrip(t *testing.T) {
	eng, err := detection.NewEngine(detection.Options{}, rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"azure_active_directory_high_risk_sign_in", "azure_ad_service_principal_enumeration"} {
		t.Run(dir, func(t *testing.T) {
			golden, err := os.ReadFile(testdata(dir, "findings.golden.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			risks, err := os.ReadFile(testdata(dir, "risk.golden.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			wantRisk := lines(risks)
			for i, l := range lines(golden) {
				var f detection.Finding
				name := map[string]string{
					"azure_active_directory_high_risk_sign_in": "ESCU - Azure Active Directory High Risk Sign-in - Rule",
					"azure_ad_service_principal_enumeration":   "ESCU - Azure AD Service Principal Enumeration - Rule",
				}[dir]
				if err := f.UnmarshalJSON([]byte(`{"search_name":"` + name + `",` + l[1:])); err != nil {
					t.Fatal(err)
				}
				evs, err := eng.Risk(f)
				if err != nil || len(evs) != 1 {
					t.Fatalf("Risk = %d events, %v", len(evs), err)
				}
				b, _ := evs[0].MarshalJSON()
				got := string(b)
				want := wantRisk[i]
				if dir == "azure_ad_service_principal_enumeration" {
					first, _ := f.Value("_time")
					want = regexpTime.ReplaceAllString(want, `"_time":"`+first+`Z"`)
				} else {
					want = regexpTime.ReplaceAllString(want, `"_time":"${1}Z"`)
				}
				if got != want {
					t.Errorf("risk event of finding %d read back:\n got %s\nwant %s", i+1, got, want)
				}
			}
		})
	}
}

// regexpTime is a risk event's _time, its fraction of a second aside.
var regexpTime = regexp.MustCompile(`"_time":"([^".]*?)(?:\.[0-9]+)?Z"`)
