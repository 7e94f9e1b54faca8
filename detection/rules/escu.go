package rules

import (
	"slices"
	"strings"

	"github.com/escudo-dev/escudo/detection"
)

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

// attackTactics returns the ATT&CK tactic IDs of the techniques, sorted
// and without repeats: the enrichment ES would add from its MITRE lookup,
// kept here for the techniques the catalogue uses (ATT&CK Enterprise).
// An unknown technique contributes none, which detectiontest reports.
func attackTactics(techniques ...string) []string {
	var out []string
	for _, t := range techniques {
		parent, _, _ := strings.Cut(t, ".")
		switch parent {
		case "T1078": // Valid Accounts
			out = append(out, "TA0001", "TA0003", "TA0004", "TA0005")
		case "T1110", "T1528", "T1621": // Brute Force, Steal Application Access Token, MFA Request Generation
			out = append(out, "TA0006")
		case "T1185": // Browser Session Hijacking
			out = append(out, "TA0009")
		case "T1566": // Phishing
			out = append(out, "TA0001")
		case "T1586": // Compromise Accounts
			out = append(out, "TA0042")
		case "T1098": // Account Manipulation
			out = append(out, "TA0003", "TA0004")
		case "T1136": // Create Account
			out = append(out, "TA0003")
		case "T1003": // OS Credential Dumping
			out = append(out, "TA0006")
		case "T1087", "T1526": // Account Discovery, Cloud Service Discovery
			out = append(out, "TA0007")
		case "T1484": // Domain or Tenant Policy Modification
			out = append(out, "TA0004", "TA0005")
		case "T1556": // Modify Authentication Process
			out = append(out, "TA0003", "TA0005", "TA0006")
		case "T1562": // Impair Defenses
			out = append(out, "TA0005")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// splunkProducts are the Splunk products ESCU tags its detections with.
func splunkProducts() []string {
	return []string{"Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"}
}
