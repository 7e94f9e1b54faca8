package event

// The key sets of the risk detection decoders (see keys.go for how exact
// keys are enforced). Their tables are generated into keys_table.go by
// TestKeyTables from the decoding targets (riskdetection_keys_test.go).
//
// They start at 64, above the Graph activity sets (48 on), so that sets
// added to either cannot take the same values; a collision would not
// compile, as the generated switch would hold a duplicate case.
const (
	riskGraphTop    keySet = iota + 64 // a Graph riskDetection
	riskNested                         // inside a riskDetection's objects (its location); the Location dynamic column
	riskAzureTop                       // an Azure Monitor UserRiskEvents record's envelope
	riskAzureNested                    // inside it: the riskDetection under properties
	riskLATop                          // a Log Analytics AADUserRiskEvents row
)

// riskKeySets returns the key sets of a risk detection format's top level
// and below.
func riskKeySets(f Format) (top, nested keySet) {
	switch f {
	case AzureMonitor:
		return riskAzureTop, riskAzureNested
	case LogAnalytics:
		return riskLATop, riskNested
	}
	return riskGraphTop, riskNested
}
