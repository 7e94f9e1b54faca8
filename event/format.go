package event

import (
	"fmt"
	"strings"
)

// Format is the schema of the sign-in records in an input. How records are
// laid out (JSON lines, a JSON array, Graph API pages, Azure Monitor
// {"records": [...]} documents, concatenated documents, gzip) is always
// detected from the bytes; the Format says how one record maps to a
// [SignInEvent], and is detected too unless set.
type Format uint8

// The record formats.
const (
	// Auto detects the format from the first record of each input.
	Auto Format = iota
	// Graph is the Microsoft Graph signIn resource, as returned by
	// GET /auditLogs/signIns: JSON lines, a JSON array, or API response
	// pages {"@odata.context": ..., "value": [...]}.
	Graph
	// AzureMonitor is the Azure Monitor diagnostic export of Entra sign-in
	// logs: resource-log records with the sign-in under "properties", as
	// {"records": [...]} documents (Event Hub) or JSON lines (storage
	// account PT1H.json blobs). Categories SignInLogs,
	// NonInteractiveUserSignInLogs, ServicePrincipalSignInLogs and
	// ManagedIdentitySignInLogs.
	AzureMonitor
	// LogAnalytics is Log Analytics / Microsoft Sentinel SigninLogs rows
	// exported as JSON (PascalCase columns); "dynamic" columns may be JSON
	// values or, as the query API returns them, strings holding JSON.
	LogAnalytics
)

// Formats lists the formats that [ParseFormat] accepts, by name.
func Formats() []string { return []string{"auto", "graph", "azure-monitor", "log-analytics"} }

// String returns the format's name, as ParseFormat accepts it.
func (f Format) String() string {
	switch f {
	case Auto:
		return "auto"
	case Graph:
		return "graph"
	case AzureMonitor:
		return "azure-monitor"
	case LogAnalytics:
		return "log-analytics"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat returns the format with the given name (see [Formats]).
func ParseFormat(name string) (Format, error) {
	for f := Auto; f <= LogAnalytics; f++ {
		if f.String() == name {
			return f, nil
		}
	}
	return Auto, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Formats(), ", "))
}

// detectFormat tells the format of one record from its top-level keys: an
// Azure Monitor record has "properties" beside its envelope, a Log
// Analytics row has PascalCase columns, and anything else is taken for a
// Graph signIn. ok is false when data is not a JSON object.
func detectFormat(data []byte) (f Format, ok bool) {
	var properties, envelope, pascal bool
	if p := topLevelKeys(data, func(key string) {
		switch key {
		case "properties":
			properties = true
		case "operationName", "category", "time", "resultType", "callerIpAddress":
			envelope = true
		case "TimeGenerated", "CreatedDateTime", "UserPrincipalName", "ResultType", "IPAddress", "AppDisplayName":
			pascal = true
		}
	}); p != nil {
		return Auto, false
	}
	switch {
	case properties && envelope:
		return AzureMonitor, true
	case pascal:
		return LogAnalytics, true
	}
	return Graph, true
}

// topLevelKeys calls fn with each key of the JSON object data, without
// decoding it, and returns any syntax problem.
func topLevelKeys(data []byte, fn func(string)) *problem {
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i == len(data) || data[i] != '{' {
		return &problem{off: i, err: ErrNotObject}
	}
	return walk(data, func(s span) bool {
		if s.depth == 1 && len(s.path) > 0 && s.path[0] == '.' {
			fn(string(s.path[1:]))
		}
		return true
	})
}
