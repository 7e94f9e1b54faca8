package event

import (
	"reflect"
	"slices"
	"testing"
)

// riskKeySetList is the risk detection key sets, in the order
// keys_table.go lists them.
var riskKeySetList = []keySet{riskGraphTop, riskNested, riskAzureTop, riskAzureNested, riskLATop}

// riskKeyTables derives, by reflection over the risk detection decoding
// targets, the keys each of its key sets accepts exactly; TestKeyTables
// generates keys_table.go from them with the other types'
// (keys_gen_test.go).
func riskKeyTables() map[keySet][]string {
	nested := append(jsonKeys(reflect.TypeOf(Location{})), jsonKeys(reflect.TypeOf(GeoCoordinates{}))...)
	// The wire's own keys (the times, additionalInfo, and the keys read to
	// tell other Graph resources apart) beside the event's.
	graph := append(jsonKeys(reflect.TypeOf(RiskDetectionEvent{})), jsonKeys(reflect.TypeOf(riskGraphWire{}))...)
	return map[keySet][]string{
		riskGraphTop:    graph,
		riskNested:      nested,
		riskAzureTop:    jsonKeys(reflect.TypeOf(azureEnvelope[riskGraphWire]{})),
		riskAzureNested: append(slices.Clone(graph), nested...),
		riskLATop:       jsonKeys(reflect.TypeOf(riskLAWire{})),
	}
}

// riskKeySetName names a risk detection key set in keys_table.go, or "".
func riskKeySetName(s keySet) string {
	switch s {
	case riskGraphTop:
		return "riskGraphTop"
	case riskNested:
		return "riskNested"
	case riskAzureTop:
		return "riskAzureTop"
	case riskAzureNested:
		return "riskAzureNested"
	case riskLATop:
		return "riskLATop"
	}
	return ""
}

func TestRiskKeySetsUnambiguous(t *testing.T) {
	checkKeySetsUnambiguous(t, riskKeyTables(), riskKeySetList)
}

// TestRiskKeySetsMask checks that the generated tables are in use: a case
// variant of a key of each risk detection key set is masked, the key
// itself is not.
func TestRiskKeySetsMask(t *testing.T) {
	tests := []struct {
		name, reason string
		f            Format
		in, want     string
	}{
		{
			name: "graph top", reason: "RiskLevel is a variant of riskLevel at the top of a riskDetection",
			f:  Graph,
			in: `{"riskLevel":"low","RiskLevel":"high"}`, want: `{"riskLevel":"low","#########":"high"}`,
		},
		{
			name: "graph nested", reason: "City is a variant of the location's city",
			f:  Graph,
			in: `{"location":{"city":"Lyon","City":"Paris"}}`, want: `{"location":{"city":"Lyon","####":"Paris"}}`,
		},
		{
			name: "azure top", reason: "Category is a variant of the envelope's category",
			f:  AzureMonitor,
			in: `{"category":"UserRiskEvents","Category":"RiskyUsers"}`, want: `{"category":"UserRiskEvents","########":"RiskyUsers"}`,
		},
		{
			name: "azure nested", reason: "RISKLEVEL is a variant inside properties",
			f:  AzureMonitor,
			in: `{"properties":{"riskLevel":"low","RISKLEVEL":"high"}}`, want: `{"properties":{"riskLevel":"low","#########":"high"}}`,
		},
		{
			name: "log analytics top", reason: "riskLevel is a variant of the RiskLevel column",
			f:  LogAnalytics,
			in: `{"RiskLevel":"low","riskLevel":"high"}`, want: `{"RiskLevel":"low","#########":"high"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top, nested := riskKeySets(tt.f)
			if got := string(maskCaseVariants([]byte(tt.in), top, nested)); got != tt.want {
				t.Errorf("maskCaseVariants(%s) = %s, want %s (%s)", tt.in, got, tt.want, tt.reason)
			}
		})
	}
}
