package rules

import (
	"strings"

	"github.com/escudo-dev/escudo/detection"
)

// attackReferences returns the MITRE ATT&CK page of each technique ID:
// T1078.004 is https://attack.mitre.org/techniques/T1078/004/.
func attackReferences(ids ...string) []string {
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
	}
	return refs
}

// escuDrilldowns returns ESCU's two standard drilldowns for a rule whose
// risk object is the output column field: the detection's own results for
// that value, and the value's risk events of the last 7 days.
func escuDrilldowns(field string) []detection.Drilldown {
	tok := "$" + field + "$"
	return []detection.Drilldown{
		{
			Name:           `View the detection results for - "` + tok + `"`,
			Search:         `%original_detection_search% | search ` + field + ` = "` + tok + `"`,
			EarliestOffset: "$info_min_time$",
			LatestOffset:   "$info_max_time$",
		},
		{
			Name:           `View risk events for the last 7 days for - "` + tok + `"`,
			Search:         "| from datamodel Risk.All_Risk | search normalized_risk_object IN (\"" + tok + "\") starthoursago=168 | stats count min(_time) as firstTime max(_time) as lastTime values(search_name) as \"Search Name\" values(risk_message) as \"Risk Message\" values(analyticstories) as \"Analytic Stories\" values(annotations._all) as \"Annotations\" values(annotations.mitre_attack.mitre_tactic) as \"ATT&CK Tactics\" by normalized_risk_object | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`",
			EarliestOffset: "$info_min_time$",
			LatestOffset:   "$info_max_time$",
		},
	}
}

// splunkProducts are the Splunk products ESCU tags its detections with.
func splunkProducts() []string {
	return []string{"Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"}
}
