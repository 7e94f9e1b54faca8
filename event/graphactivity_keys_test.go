package event

import (
	"reflect"
	"strings"
	"testing"
)

// graphActivityKeySetList is the Graph activity key sets, in the order
// keys_table.go lists them.
var graphActivityKeySetList = []keySet{graphActivityAzureTop, graphActivityAzureNested, graphActivityLATop}

// graphActivityKeyTables derives, by reflection over the Graph activity
// decoding targets, the keys each of its key sets accepts exactly;
// TestKeyTables generates keys_table.go from them with the other types'
// (keys_gen_test.go).
func graphActivityKeyTables() map[keySet][]string {
	props := append(jsonKeys(reflect.TypeOf(GraphActivityEvent{})), jsonKeys(reflect.TypeOf(graphActivityWire{}))...)
	return map[keySet][]string{
		graphActivityAzureTop:    jsonKeys(reflect.TypeOf(azureEnvelope[graphActivityWire]{})),
		graphActivityAzureNested: props,
		graphActivityLATop:       jsonKeys(reflect.TypeOf(graphActivityLAWire{})),
	}
}

// graphActivityKeySetName names a Graph activity key set in
// keys_table.go, or "".
func graphActivityKeySetName(s keySet) string {
	switch s {
	case graphActivityAzureTop:
		return "graphActivityAzureTop"
	case graphActivityAzureNested:
		return "graphActivityAzureNested"
	case graphActivityLATop:
		return "graphActivityLATop"
	}
	return ""
}

// checkKeySetsUnambiguous checks what masking by depth relies on
// (keys.go): within one key set no two keys differ only by ASCII case, so
// a key the decoder reads is never masked as a variant of another. Level
// and level, both spellings of the envelope's level, are the one
// exception, and both are read.
func checkKeySetsUnambiguous(t *testing.T, tables map[keySet][]string, sets []keySet) {
	t.Helper()
	for _, s := range sets {
		if len(tables[s]) == 0 {
			t.Errorf("%s: no keys", s.name())
		}
		seen := map[string]string{}
		for _, k := range tables[s] {
			low := strings.ToLower(k)
			if other, ok := seen[low]; ok && other != k && low != "level" {
				t.Errorf("%s: keys %q and %q differ only by case", s.name(), other, k)
			}
			seen[low] = k
		}
	}
}

func TestGraphActivityKeySetsUnambiguous(t *testing.T) {
	checkKeySetsUnambiguous(t, graphActivityKeyTables(), graphActivityKeySetList)
}

// TestGraphActivityKeySetsMask checks that the generated tables are in
// use: a case variant of a key of each Graph activity key set is masked,
// the key itself is not, and nothing is masked where nothing is read.
func TestGraphActivityKeySetsMask(t *testing.T) {
	tests := []struct {
		name, reason string
		f            Format
		in, want     string
	}{
		{
			name: "azure top", reason: "Category is a variant of the envelope's category",
			f:  AzureMonitor,
			in: `{"category":"MicrosoftGraphActivityLogs","Category":"AuditLogs"}`, want: `{"category":"MicrosoftGraphActivityLogs","########":"AuditLogs"}`,
		},
		{
			name: "azure nested", reason: "RequestUri is a variant of properties.requestUri",
			f:  AzureMonitor,
			in: `{"properties":{"requestUri":"a","RequestUri":"b"}}`, want: `{"properties":{"requestUri":"a","##########":"b"}}`,
		},
		{
			name: "azure nested, the odd key", reason: "UserPrincipalObjectID is read as written; userPrincipalObjectId is its variant",
			f:  AzureMonitor,
			in: `{"properties":{"UserPrincipalObjectID":"a","userPrincipalObjectId":"b"}}`, want: `{"properties":{"UserPrincipalObjectID":"a","#####################":"b"}}`,
		},
		{
			name: "log analytics top", reason: "requestUri is a variant of the RequestUri column",
			f:  LogAnalytics,
			in: `{"RequestUri":"a","requestUri":"b"}`, want: `{"RequestUri":"a","##########":"b"}`,
		},
		{
			name: "log analytics nested", reason: "a row has no dynamic columns: nothing below its top is read, nothing masked",
			f:  LogAnalytics,
			in: `{"RequestUri":"a","x":{"requestUri":"b"}}`, want: `{"RequestUri":"a","x":{"requestUri":"b"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top, nested := graphActivityKeySets(tt.f)
			if got := string(maskCaseVariants([]byte(tt.in), top, nested)); got != tt.want {
				t.Errorf("maskCaseVariants(%s) = %s, want %s (%s)", tt.in, got, tt.want, tt.reason)
			}
		})
	}
}
