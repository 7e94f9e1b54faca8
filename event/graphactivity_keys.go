package event

// The key sets of the Microsoft Graph activity decoders (see keys.go for
// how exact keys are enforced). Their tables are generated into
// keys_table.go by TestKeyTables from the decoding targets
// (graphactivity_keys_test.go).
//
// They start at 48, above the audit sets (32 on), so that sets added to
// either cannot take the same values; a collision would not compile, as
// the generated switch would hold a duplicate case.
const (
	graphActivityAzureTop    keySet = iota + 48 // an Azure Monitor MicrosoftGraphActivityLogs record's envelope
	graphActivityAzureNested                    // inside it: the request under properties
	graphActivityLATop                          // a Log Analytics MicrosoftGraphActivityLogs row
)

// noKeys is the key set of a level where a decoder reads no keys: nothing
// there is masked. (exact and folded know no case for it.)
const noKeys keySet = 0

// graphActivityKeySets returns the key sets of a format's top level and
// below. A Log Analytics row has no dynamic columns, and a Graph-format
// record is not decoded (it is another kind), so below their top level
// nothing is read.
func graphActivityKeySets(f Format) (top, nested keySet) {
	switch f {
	case AzureMonitor:
		return graphActivityAzureTop, graphActivityAzureNested
	case LogAnalytics:
		return graphActivityLATop, noKeys
	}
	return noKeys, noKeys
}
