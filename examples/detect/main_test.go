package main

import (
	"maps"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/internal/cli/clitest"
)

// TestShapes runs the program on every export shape it reads and checks
// each gives the findings and risk events of the same sign-ins as JSON
// lines.
func TestShapes(t *testing.T) { clitest.CheckShapes(t, program()) }

// TestFailures checks the exact message and exit status of each failure.
func TestFailures(t *testing.T) { clitest.CheckFailures(t, program()) }

// TestListAndRulesByID checks that -list shows each detection's event
// type, and that -rules takes an ESCU id as well as a name.
func TestListAndRulesByID(t *testing.T) {
	out, _, code := clitest.Run(program(), "-list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.Contains(lines[0], "EVENTS") || len(lines) != 18 {
		t.Fatalf("-list: status %d, %d lines:\n%s", code, len(lines), out)
	}
	types := map[string]int{}
	for _, l := range lines[1:] {
		switch {
		case strings.Contains(l, " sign-in "):
			types["sign-in"]++
		case strings.Contains(l, " audit "):
			types["audit"]++
		case strings.Contains(l, " risk detection "):
			types["risk detection"]++
		case strings.Contains(l, " Graph activity "):
			types["Graph activity"]++
		default:
			t.Errorf("-list line without its event type: %q", l)
		}
	}
	if want := map[string]int{"sign-in": 13, "audit": 2, "risk detection": 1, "Graph activity": 1}; !maps.Equal(types, want) {
		t.Errorf("-list: rules by event type %v, want %v", types, want)
	}
	in := clitest.Formats("azure-monitor-blob.jsonl")
	byName, _, c1 := clitest.Run(program(), "-json", "-rules", "azure_ad_user_consent_denied_for_oauth_application", in)
	byID, _, c2 := clitest.Run(program(), "-json", "-rules", "bb093c30-d860-4858-a56e-cd0895d5b49c", in)
	if c1 != 0 || c2 != 0 || byName == "" || byName != byID {
		t.Errorf("-rules by id (status %d) differs from by name (status %d):\n%s\n%s", c2, c1, byID, byName)
	}
}
