package rules_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/escudo-dev/escudo/detection/rules"
)

// metaLine is what the catalogue golden file keeps of a rule: the ESCU
// metadata a reader of the rule's YAML would check, one rule a line.
type metaLine struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Version        int      `json:"version"`
	Date           string   `json:"date"`
	Type           string   `json:"type"`
	Status         string   `json:"status"`
	EventType      string   `json:"event_type"`
	DataSource     []string `json:"data_source"`
	AssetType      string   `json:"asset_type"`
	SecurityDomain string   `json:"security_domain"`
	AnalyticStory  []string `json:"analytic_story"`
	MITRE          []string `json:"mitre_attack_id"`
	Tactics        []string `json:"mitre_tactic_id"`
	References     []string `json:"references"`
	Message        string   `json:"rba_message"`
	RiskObjects    []string `json:"risk_objects"`
	ThreatObjects  []string `json:"threat_objects"`
}

// TestCatalogueMeta compares every built-in rule's metadata with
// testdata/catalogue/meta.golden.jsonl (rewritten with -update). The
// file was checked, field by field, against the rules' YAML in
// splunk/security_content (develop @ a063ed32, 2025-08-21); where escudo
// deviates (a risk message corrected to its search), the rule's doc
// comment says so.
func TestCatalogueMeta(t *testing.T) {
	var got []byte
	for _, r := range rules.All() {
		m := r.Meta()
		l := metaLine{ID: m.ID, Name: m.Name, Version: m.Version, Date: m.Date, Type: m.Type, Status: m.Status,
			EventType: r.EventType(), DataSource: m.DataSource, AssetType: m.Tags.AssetType,
			SecurityDomain: m.Tags.SecurityDomain, AnalyticStory: m.Tags.AnalyticStory, MITRE: m.Tags.MITREAttackID,
			Tactics: m.Tags.MITRETacticID, References: m.References, Message: m.RBA.Message}
		for _, o := range m.RBA.RiskObjects {
			l.RiskObjects = append(l.RiskObjects, o.Field+":"+string(o.Type)+":"+strconv.Itoa(o.Score))
		}
		for _, o := range m.RBA.ThreatObjects {
			l.ThreatObjects = append(l.ThreatObjects, o.Field+":"+string(o.Type))
		}
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		got = append(append(got, b...), '\n')
	}
	compareGolden(t, testdata("catalogue", "meta.golden.jsonl"), got)
}
