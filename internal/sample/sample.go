// Package sample locates the bundled sample data under testdata/, for the
// example programs and the tests.
package sample

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Dir returns the directory of a rule's sample and golden files, relative
// to the repository root: testdata/ and the rule's name as ESCU names the
// rule's YAML file ("O365 User Consent Denied for OAuth Application" is
// testdata/o365_user_consent_denied_for_oauth_application).
func Dir(rule string) string {
	return "testdata/" + Slug(rule)
}

// File returns the name of a rule's sample file in its directory, by the
// rule's event type (its schema's Name): audit.jsonl for audit rules,
// graphactivity.jsonl for Microsoft Graph activity rules,
// riskdetections.jsonl for risk detection rules, records.jsonl for a
// rule over several types ("sign-in+Graph activity"), signins.jsonl for
// the others.
func File(eventType string) string {
	switch eventType {
	case "audit":
		return "audit.jsonl"
	case "Graph activity":
		return "graphactivity.jsonl"
	case "risk detection":
		return "riskdetections.jsonl"
	}
	if strings.Contains(eventType, "+") {
		return "records.jsonl" // a rule over several types (detection.Union)
	}
	return "signins.jsonl"
}

// Slug is a rule name lowercased, with every character other than a-z and
// 0-9 replaced by '_'.
func Slug(rule string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, rule)
}

// Path finds a bundled file, given relative to the repository root: as is
// when the program runs from the root, else relative to this source file
// (go run from elsewhere in the repository).
func Path(rel string) string {
	if _, err := os.Stat(rel); err == nil {
		return rel
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return rel
}
