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
// "riskDetection" when it has a riskEventType or a detectedDateTime (keys
// only the riskDetection resource has), else "directoryAudit" when it has
// an activityDateTime, and "signIn" otherwise.
// It returns "" when the record does not say (no category, no Type, or
// not a well-formed object), and the record's decoder then decides.
//
// It reads the top level of the record only, and stops at the key it
// looks for, which Microsoft's exports write among the first.
func KindOf(rec Record) string {
	switch rec.Format {
	case AzureMonitor:
		v, _ := topLevelString(rec.Data, "category")
		return v
	case LogAnalytics:
		v, _ := topLevelString(rec.Data, "Type")
		return v
	case Graph:
		if isRiskDetectionShape(rec.Data) {
			return "riskDetection"
		}
		if _, ok := topLevelString(rec.Data, "activityDateTime"); ok {
			return "directoryAudit"
		}
		return "signIn"
	}
	return ""
}

// isRiskDetectionShape reports whether the JSON object data has, at its
// top level, a key that of the Graph resources escudo reads only a
// riskDetection has: riskEventType or detectedDateTime
// (learn.microsoft.com/graph/api/resources/riskdetection; a signIn has
// riskEventTypes and riskEventTypes_v2, other keys). A riskDetection also
// has an activityDateTime, which is why this comes first.
func isRiskDetectionShape(data []byte) (found bool) {
	eachKey(data, func(depth, start, end, _ int) bool {
		if depth == 1 {
			switch string(data[start:end]) {
			case "riskEventType", "detectedDateTime":
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// topLevelString returns the value of the first top-level member named
// key of the JSON object data, when it is a string, and whether the key
// is there.
func topLevelString(data []byte, key string) (value string, found bool) {
	eachKey(data, func(depth, start, end, colon int) bool {
		if depth != 1 || string(data[start:end]) != key {
			return true
		}
		found = true
		k := colon + 1
		for k < len(data) && isSpace(data[k]) {
			k++
		}
		if k == len(data) || data[k] != '"' {
			return false
		}
		vend := stringEnd(data, k+1)
		if vend < 0 {
			return false
		}
		v := data[k+1 : vend]
		if bytes.IndexByte(v, '\\') >= 0 {
			var s string
			if json.Unmarshal(data[k:vend+1], &s) == nil {
				value = s
			}
			return false
		}
		value = string(v)
		return false
	})
	return value, found
}
