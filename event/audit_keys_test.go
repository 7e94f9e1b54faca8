package event

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// auditKeySetList is the audit key sets, in the order keys_table.go lists
// them.
var auditKeySetList = []keySet{auditGraphTop, auditNested, auditAzureTop, auditAzureNested, auditLATop}

// auditKeyTables derives, by reflection over the audit decoding targets,
// the keys each audit key set accepts exactly; TestKeyTables generates
// keys_table.go from them with the sign-ins' (keys_gen_test.go).
func auditKeyTables() map[keySet][]string {
	var nested []string
	for _, t := range []any{AuditActivityInitiator{}, AuditUserIdentity{}, AppIdentity{}, TargetResource{}, ModifiedProperty{}, KeyValue{}} {
		nested = append(nested, jsonKeys(reflect.TypeOf(t))...)
	}
	// The wire's own keys (activityDateTime, and the keys read to tell
	// other Graph resources apart) beside the event's.
	graph := append(jsonKeys(reflect.TypeOf(AuditEvent{})), jsonKeys(reflect.TypeOf(auditGraphWire{}))...)
	return map[keySet][]string{
		auditGraphTop:    graph,
		auditNested:      nested,
		auditAzureTop:    jsonKeys(reflect.TypeOf(auditAzureWire{})),
		auditAzureNested: append(slices.Clone(graph), nested...),
		auditLATop:       jsonKeys(reflect.TypeOf(auditLAWire{})),
	}
}

// auditKeySetName names an audit key set in keys_table.go, or "".
func auditKeySetName(s keySet) string {
	switch s {
	case auditGraphTop:
		return "auditGraphTop"
	case auditNested:
		return "auditNested"
	case auditAzureTop:
		return "auditAzureTop"
	case auditAzureNested:
		return "auditAzureNested"
	case auditLATop:
		return "auditLATop"
	}
	return ""
}

// TestAuditKeySetsUnambiguous checks what masking by depth relies on
// (keys.go): within one key set no two keys differ only by ASCII case, so
// a key the decoder reads is never masked as a variant of another. (Level
// and level, both documented spellings of the envelope's level, are the
// one exception, and both are read.)
func TestAuditKeySetsUnambiguous(t *testing.T) {
	tables := auditKeyTables()
	for _, s := range auditKeySetList {
		seen := map[string]string{}
		for _, k := range tables[s] {
			low := strings.ToLower(k)
			if other, ok := seen[low]; ok && other != k && low != "level" {
				t.Errorf("%s: keys %q and %q differ only by case", auditKeySetName(s), other, k)
			}
			seen[low] = k
		}
	}
}

// TestAuditKeySetsMask checks that the generated tables are in use: a
// case variant of a key of each audit key set is masked, the key itself
// is not.
func TestAuditKeySetsMask(t *testing.T) {
	tests := []struct {
		name, reason string
		top, nested  keySet
		in, want     string
	}{
		{
			name: "graph top", reason: "RESULT is a variant of result at the top of a directoryAudit",
			top: auditGraphTop, nested: auditNested,
			in: `{"result":"failure","RESULT":"success"}`, want: `{"result":"failure","######":"success"}`,
		},
		{
			name: "graph nested", reason: "Type is a variant of a target's type",
			top: auditGraphTop, nested: auditNested,
			in: `{"targetResources":[{"type":"User","Type":"Role"}]}`, want: `{"targetResources":[{"type":"User","####":"Role"}]}`,
		},
		{
			name: "azure top", reason: "Category is a variant of the envelope's category",
			top: auditAzureTop, nested: auditAzureNested,
			in: `{"category":"AuditLogs","Category":"SignInLogs"}`, want: `{"category":"AuditLogs","########":"SignInLogs"}`,
		},
		{
			name: "azure nested", reason: "ActivityDisplayName is a variant inside properties",
			top: auditAzureTop, nested: auditAzureNested,
			in: `{"properties":{"activityDisplayName":"a","ActivityDisplayName":"b"}}`, want: `{"properties":{"activityDisplayName":"a","###################":"b"}}`,
		},
		{
			name: "log analytics top", reason: "result is a variant of the Result column",
			top: auditLATop, nested: auditNested,
			in: `{"Result":"failure","result":"success"}`, want: `{"Result":"failure","######":"success"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(maskCaseVariants([]byte(tt.in), tt.top, tt.nested)); got != tt.want {
				t.Errorf("maskCaseVariants(%s) = %s, want %s (%s)", tt.in, got, tt.want, tt.reason)
			}
		})
	}
}
