package kafka

import (
	"bufio"
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Real records, from the repository's test data.
const (
	signInsFile      = "../../testdata/azure_ad_device_code_authentication/signins.jsonl" // Azure Monitor, tenant 8e2d…
	logAnalyticsFile = "../../testdata/formats/log-analytics.jsonl"                       // Log Analytics rows
	eventHubFile     = "../../testdata/formats/azure-monitor-eventhub.json"               // two {"records":[...]} documents
	prettyFile       = "../../testdata/formats/azure-monitor-pretty.json"                 // records pretty-printed, comma-separated
	graphFile        = "../../testdata/formats/graph.jsonl"                               // Graph signIn objects: no tenant

	signInTenant  = "8e2d4c6a-1b3f-4d5e-9a7c-6b8d0e2f4a61"
	formatsTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c" // of every record in testdata/formats
	workspaceID   = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b" // Log Analytics TenantId: the workspace, not the tenant
)

// lines returns the non-empty lines of a test data file.
func lines(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			out = append(out, bytes.Clone(sc.Bytes()))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no lines", path)
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTenantOfRealRecords(t *testing.T) {
	for i, rec := range lines(t, signInsFile) {
		// The record also has a properties.resourceId (an app id) after
		// the top-level one: neither may be taken over tenantId.
		if got := tenantOf(rec); got != signInTenant {
			t.Errorf("sign-in %d: tenantOf = %q, want %q", i+1, got, signInTenant)
		}
	}
	for i, rec := range lines(t, logAnalyticsFile) {
		if !bytes.Contains(rec, []byte(`"TenantId":"`+workspaceID+`"`)) {
			t.Fatalf("row %d: no workspace TenantId: the test tests nothing", i+1)
		}
		if got := tenantOf(rec); got != formatsTenant {
			t.Errorf("Log Analytics row %d: tenantOf = %q, want the AADTenantId %q (not the workspace %q)", i+1, got, formatsTenant, workspaceID)
		}
	}
	for i, rec := range lines(t, graphFile) {
		if got := tenantOf(rec); got != "" {
			t.Errorf("Graph sign-in %d: tenantOf = %q, want \"\"", i+1, got)
		}
	}
}

func TestTenantOfLogAnalyticsWithoutAAD(t *testing.T) {
	// A row that lost its AADTenantId falls to its ResourceId, never to
	// TenantId (the workspace).
	row := lines(t, logAnalyticsFile)[0]
	row = bytes.Replace(row, []byte(`"AADTenantId"`), []byte(`"OtherId"`), 1)
	if got := tenantOf(row); got != formatsTenant {
		t.Errorf("tenantOf = %q, want the ResourceId's tenant %q", got, formatsTenant)
	}
	row = bytes.Replace(row, []byte(`"ResourceId"`), []byte(`"OtherResource"`), 1)
	if got := tenantOf(row); got != "" {
		t.Errorf("tenantOf = %q, want \"\": TenantId is the workspace", got)
	}
}

func TestTenantOfResourceID(t *testing.T) {
	for _, tc := range []struct{ rec, want string }{
		{`{"resourceId":"/tenants/` + signInTenant + `/providers/Microsoft.aadiam"}`, signInTenant},
		{`{"ResourceId":"/tenants/` + signInTenant + `/providers/Microsoft.aadiam"}`, signInTenant},
		// Azure writes resource ids in upper case as often as not.
		{`{"resourceId":"/TENANTS/8E2D4C6A-1B3F-4D5E-9A7C-6B8D0E2F4A61/PROVIDERS/MICROSOFT.AADIAM"}`, signInTenant},
		{`{"resourceId":"/Tenants/` + signInTenant + `"}`, signInTenant},
		{`{"resourceId":"/tenants/` + signInTenant + `/providers/Microsoft.aadiam/diagnosticSettings/x/y"}`, signInTenant},
		{`{"resourceId":"/tenants/"}`, ""},
		{`{"resourceId":"/tenants"}`, ""},
		{`{"resourceId":"tenants/` + signInTenant + `/providers/x"}`, ""},
		{`{"resourceId":"/subscriptions/0000/resourceGroups/rg"}`, ""},
		{`{"resourceid":"/tenants/` + signInTenant + `/providers/x"}`, ""}, // keys match exactly
		{`{"resourceId":123}`, ""},
		// tenantId wins over resourceId, and AADTenantId too.
		{`{"resourceId":"/tenants/aaaa/providers/x","tenantId":"bbbb"}`, "bbbb"},
		{`{"resourceId":"/tenants/aaaa/providers/x","AADTenantId":"cccc"}`, "cccc"},
		{`{"AADTenantId":"cccc","tenantId":"bbbb"}`, "bbbb"},
		// An empty tenantId names nothing.
		{`{"tenantId":"","resourceId":"/tenants/aaaa/providers/x"}`, "aaaa"},
		{`{"tenantId":null,"AADTenantId":"cccc"}`, "cccc"},
	} {
		if got := tenantOf([]byte(tc.rec)); got != tc.want {
			t.Errorf("tenantOf(%s) = %q, want %q", tc.rec, got, tc.want)
		}
	}
}

func TestTenantOfNestedAndEscaped(t *testing.T) {
	for _, tc := range []struct{ rec, want string }{
		// Nested tenantIds are not the record's.
		{`{"properties":{"tenantId":"nested","homeTenantId":"h","resourceTenantId":"r"}}`, ""},
		{`{"properties":{"tenantId":"nested"},"tenantId":"top"}`, "top"},
		{`{"a":[{"tenantId":"x"},["tenantId","y"]],"b":{"c":{"tenantId":"z"}},"tenantId":"top"}`, "top"},
		{`{"a":[[[]]],"b":{},"c":[],"tenantId":"top"}`, "top"},
		// Strings before the key hold quotes, braces and the key itself.
		{`{"a":"x\"tenantId\":\"bad","tenantId":"good"}`, "good"},
		{`{"a":"}{][","b":"\\","tenantId":"good"}`, "good"},
		{`{"a":["\"]",{"k":"\"}"}],"tenantId":"good"}`, "good"},
		{`{"note":"\"tenantId\":\"inside\""}`, ""},
		// Whitespace and scalars of every kind before the key.
		{" \t\r\n{ \"n\" : 1.5e3 , \"t\":true,\"f\":false,\"z\":null,\n\"tenantId\"\t:\t\"good\" }", "good"},
		{`{"n":-1,"tenantId":"good"}`, "good"},
	} {
		if got := tenantOf([]byte(tc.rec)); got != tc.want {
			t.Errorf("tenantOf(%s) = %q, want %q", tc.rec, got, tc.want)
		}
	}
}

func TestTenantOfMalformed(t *testing.T) {
	for _, rec := range []string{
		``, ` `, `null`, `[]`, `"tenantId"`, `[{"tenantId":"x"}]`, `not json`,
		`{`, `{"tenantId"`, `{"tenantId":`, `{"tenantId" "x"}`, `{tenantId:"x"}`,
		`{"tenantId":"x`, `{"tenantId":"x\"}`, `{"a":{"b":1,"tenantId":"x"}`, `{"a":[1,2,"tenantId":"x"}`,
		`{"a" 1,"tenantId":"x"}`, `{"a":1 "tenantId":"x"}`, `{"a":1;"tenantId":"x"}`, `{"\`,
	} {
		if got := tenantOf([]byte(rec)); got != "" {
			t.Errorf("tenantOf(%s) = %q, want \"\"", rec, got)
		}
	}
}

// TestTenantOfPrefixes cuts a real record at every byte: no cut panics,
// and each gives no tenant or the record's own (a cut after the tenantId
// still names it: the record's reader reports the rest).
func TestTenantOfPrefixes(t *testing.T) {
	rec := lines(t, signInsFile)[0]
	// The first field to name the tenant is the resourceId, before the
	// tenantId: a cut gives the tenant once either string is whole.
	end := len(rec)
	for _, field := range []string{
		`"resourceId":"/tenants/` + signInTenant + `/providers/Microsoft.aadiam"`,
		`"tenantId":"` + signInTenant + `"`,
	} {
		i := bytes.Index(rec, []byte(field))
		if i < 0 {
			t.Fatalf("record without %s", field)
		}
		end = min(end, i+len(field))
	}
	for n := range len(rec) {
		got := tenantOf(rec[:n])
		switch {
		case n < end && got != "":
			t.Fatalf("prefix %d (before a field naming the tenant ends): tenantOf = %q, want \"\"", n, got)
		case n >= end && got != signInTenant:
			t.Fatalf("prefix %d (after a field naming the tenant): tenantOf = %q, want %q", n, got, signInTenant)
		}
	}
}

func TestForTopLevel(t *testing.T) {
	type kv struct{ K, V string }
	collect := func(data string) []kv {
		var out []kv
		forTopLevel([]byte(data), func(k, v []byte) bool {
			out = append(out, kv{string(k), string(v)})
			return true
		})
		return out
	}
	for _, tc := range []struct {
		data string
		want []kv
	}{
		{`{}`, nil},
		{` { } `, nil},
		{`{"a":1}`, []kv{{"a", "1"}}},
		{`{"a":"x","b":{"c":[1,{"d":"}"}]},"e":[],"f":null}`, []kv{{"a", `"x"`}, {"b", `{"c":[1,{"d":"}"}]}`}, {"e", `[]`}, {"f", "null"}}},
		{`{"a\"b":"c\\"}`, []kv{{`a\"b`, `"c\\"`}}}, // keys and values raw, escapes kept
		{"{\"a\" :\n 1 ,\t\"b\": 2}", []kv{{"a", "1"}, {"b", "2"}}},
		// Malformed: what came before the fault is given, then it stops.
		{`{"a":1,"b"}`, []kv{{"a", "1"}}},
		{`{"a":1 "b":2}`, []kv{{"a", "1"}}},
		{`{"a":1,}`, []kv{{"a", "1"}}},
		{`{"a":{"b":1}`, []kv{{"a", `{"b":1}`}}},
		{`["a",1]`, nil},
		{`{"a":,"b":2}`, nil}, // a missing value stops the scan
	} {
		if diff := cmp.Diff(tc.want, collect(tc.data)); diff != "" {
			t.Errorf("forTopLevel(%s) (-want +got):\n%s", tc.data, diff)
		}
	}

	// fn returning false stops the walk.
	var keys []string
	forTopLevel([]byte(`{"a":1,"b":2,"c":3}`), func(k, _ []byte) bool {
		keys = append(keys, string(k))
		return string(k) != "b"
	})
	if diff := cmp.Diff([]string{"a", "b"}, keys); diff != "" {
		t.Errorf("stop at b (-want +got):\n%s", diff)
	}
}

func TestSkipValue(t *testing.T) {
	for _, tc := range []struct {
		data string
		i    int
		want int
	}{
		{`"abc"`, 0, 5},
		{`"a\"c",`, 0, 6},
		{`"a\\"c`, 0, 5},
		{`"abc`, 0, -1},
		{`"ab\`, 0, -1},
		{`"`, 0, -1},
		{`{"a":[1,2,{"b":"]}"}]}x`, 0, 22},
		{`[[[]]]]`, 0, 6},
		{`[[`, 0, -1},
		{`{"a":"}`, 0, -1},
		{`[1,"x`, 0, -1},
		{`123,`, 0, 3},
		{`true}`, 0, 4},
		{`null]`, 0, 4},
		{"1.5\n", 0, 3},
		{`12345`, 0, 5},
		{`x`, 1, -1},
		{``, 0, -1},
		{`,`, 0, -1}, // no value: a stray ',', '}' or ']' is malformed
		{` "a"`, 1, 4},
	} {
		if got := skipValue([]byte(tc.data), tc.i); got != tc.want {
			t.Errorf("skipValue(%q, %d) = %d, want %d", tc.data, tc.i, got, tc.want)
		}
	}
}

// TestTenantOfUpperCaseTenantID: a tenant id is a GUID, in whichever
// case it is written, so every form of it is lowered: one tenant, one
// stream.
func TestTenantOfUpperCaseTenantID(t *testing.T) {
	up := `8E2D4C6A-1B3F-4D5E-9A7C-6B8D0E2F4A61`
	for _, rec := range []string{`{"tenantId":"` + up + `"}`, `{"AADTenantId":"` + up + `"}`} {
		if got := tenantOf([]byte(rec)); got != signInTenant {
			t.Errorf("tenantOf(%s) = %q, want %q", rec, got, signInTenant)
		}
	}
	if got := tenantOf([]byte(`{"resourceId":"/tenants/` + up + `/providers/x"}`)); got != signInTenant {
		t.Errorf("tenantOf = %q, want %q", got, signInTenant)
	}
}
