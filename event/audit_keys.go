package event

// The key sets of the audit decoders (see keys.go for how exact keys are
// enforced). Their tables are generated into keys_table.go by
// TestKeyTables from the audit decoding targets (audit_keys_test.go).
//
// They start at 32 so that key sets added to keys.go for sign-ins cannot
// take the same values; a collision would not compile, as the generated
// switch would hold a duplicate case.
const (
	auditGraphTop    keySet = iota + 32 // a Graph directoryAudit
	auditNested                         // inside a directoryAudit's objects; AuditLogs dynamic columns
	auditAzureTop                       // an Azure Monitor AuditLogs record's envelope
	auditAzureNested                    // inside an Azure Monitor AuditLogs record: the directoryAudit under properties
	auditLATop                          // a Log Analytics AuditLogs row
)

// auditKeySets returns the key sets of an audit format's top level and below.
func auditKeySets(f Format) (top, nested keySet) {
	switch f {
	case AzureMonitor:
		return auditAzureTop, auditAzureNested
	case LogAnalytics:
		return auditLATop, auditNested
	}
	return auditGraphTop, auditNested
}
