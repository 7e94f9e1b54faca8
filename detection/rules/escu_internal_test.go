package rules

import (
	"slices"
	"testing"
)

// TestEveryTechniqueHasItsTactics checks that each MITRE ATT&CK
// technique a built-in rule names is one attackTactics knows, and that
// each rule's tactics are exactly its techniques' tactics.
func TestEveryTechniqueHasItsTactics(t *testing.T) {
	for _, r := range All() {
		m := r.Meta()
		for _, tech := range m.Tags.MITREAttackID {
			if len(attackTactics(tech)) == 0 {
				t.Errorf("%s: technique %s has no tactic in attackTactics", m.Name, tech)
			}
		}
		if want := attackTactics(m.Tags.MITREAttackID...); !slices.Equal(m.Tags.MITRETacticID, want) {
			t.Errorf("%s: tactics %v, want %v (those of %v)", m.Name, m.Tags.MITRETacticID, want, m.Tags.MITREAttackID)
		}
	}
}
