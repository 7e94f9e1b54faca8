package event

import (
	"bytes"

	json "github.com/goccy/go-json"
)

// KindOf says what kind of record rec is, without decoding it, so that a
// stream that mixes record kinds can hand each record to the decoder of
// its type: an Azure Monitor record's category ("SignInLogs",
// "AuditLogs", "RiskyUsers", …), a Log Analytics row's table (its Type
// column: "SigninLogs", "AuditLogs", …), or for a Graph object
// "riskDetection" when it has a key only that resource has (riskEventType,
// detectedDateTime), "directoryAudit" when it has the keys of one
// (activityDateTime, activityDisplayName, initiatedBy, …), and "signIn"
// otherwise.
// It returns "" when the record does not say (no category, no Type, or
// not a well-formed object), and the record's decoder then decides.
//
// It reads the top level of the record only, and stops at the key it
// looks for, which Microsoft's exports write among the first.
func KindOf(rec Record) string {
	kind, _ := kindOf(rec)
	return kind
}

// kindOf is KindOf, and whether the record says what it is: it has a
// category, a Type, or one of the keys that tell the Graph resources
// apart. A Graph object with none of them is "signIn" by default, but
// does not say.
func kindOf(rec Record) (kind string, said bool) {
	switch rec.Format {
	case AzureMonitor:
		v, _ := topLevelString(rec.Data, "category")
		return v, v != ""
	case LogAnalytics:
		v, _ := topLevelString(rec.Data, "Type")
		return v, v != ""
	case Graph:
		return graphKind(rec.Data)
	}
	return "", false
}

// graphKind tells the Graph resources apart by their top-level keys: a
// signIn has createdDateTime; a riskDetection riskEventType and
// detectedDateTime, keys no signIn or directoryAudit has
// (learn.microsoft.com/graph/api/resources/riskdetection; a signIn has
// riskEventTypes and riskEventTypes_v2); a directoryAudit
// activityDisplayName, loggedByService, initiatedBy and targetResources,
// and an activityDateTime, which a riskDetection has too. So an audit
// entry missing its time is still read, and reported, as one. A signIn
// is told by its second key, as Graph writes it.
func graphKind(data []byte) (kind string, said bool) {
	kind = "signIn"
	sc := keyScanner{data: data}
	for {
		depth, start, end, _, ok := sc.next()
		if !ok {
			return kind, said
		}
		if depth != 1 {
			continue
		}
		switch string(data[start:end]) {
		case "createdDateTime":
			return "signIn", true
		case "riskEventType", "detectedDateTime":
			return "riskDetection", true
		case "activityDisplayName", "loggedByService", "initiatedBy", "targetResources":
			return "directoryAudit", true
		case "activityDateTime":
			kind, said = "directoryAudit", true // unless a riskDetection key follows
		}
	}
}

// topLevelString returns the value of the first top-level member named
// key of the JSON object data, when it is a string, and whether the key
// is there.
func topLevelString(data []byte, key string) (value string, found bool) {
	sc := keyScanner{data: data}
	for {
		depth, start, end, colon, ok := sc.next()
		if !ok {
			return "", false
		}
		if depth != 1 || string(data[start:end]) != key {
			continue
		}
		k := colon + 1
		for k < len(data) && isSpace(data[k]) {
			k++
		}
		if k == len(data) || data[k] != '"' {
			return "", true
		}
		vend := stringEnd(data, k+1)
		if vend < 0 {
			return "", true
		}
		v := data[k+1 : vend]
		if bytes.IndexByte(v, '\\') >= 0 {
			var s string
			if json.Unmarshal(data[k:vend+1], &s) == nil {
				return s, true
			}
			return "", true
		}
		return kindName(v), true
	}
}

// kindName returns v as a string, without allocating for the categories
// and tables the readers know: the kind of every record is told, and
// most records are of a known kind.
func kindName(v []byte) string {
	switch string(v) {
	case "SignInLogs":
		return "SignInLogs"
	case "NonInteractiveUserSignInLogs":
		return "NonInteractiveUserSignInLogs"
	case "ServicePrincipalSignInLogs":
		return "ServicePrincipalSignInLogs"
	case "ManagedIdentitySignInLogs":
		return "ManagedIdentitySignInLogs"
	case "ADFSSignInLogs":
		return "ADFSSignInLogs"
	case "SigninLogs":
		return "SigninLogs"
	case "AADNonInteractiveUserSignInLogs":
		return "AADNonInteractiveUserSignInLogs"
	case "AADServicePrincipalSignInLogs":
		return "AADServicePrincipalSignInLogs"
	case "AADManagedIdentitySignInLogs":
		return "AADManagedIdentitySignInLogs"
	case "AuditLogs":
		return "AuditLogs"
	case "RiskyUsers":
		return "RiskyUsers"
	case "UserRiskEvents":
		return "UserRiskEvents"
	case "MicrosoftGraphActivityLogs":
		return "MicrosoftGraphActivityLogs"
	case "ProvisioningLogs":
		return "ProvisioningLogs"
	}
	return string(v)
}
