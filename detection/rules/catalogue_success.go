package rules

import (
	"strings"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// successfulAuthenticationRules lists this file's group of the catalogue, in order.
func successfulAuthenticationRules() []detection.Detection {
	return []detection.Detection{
		AzureADSuccessfulAuthenticationFromDifferentIPs(),
		AzureADConcurrentSessionsFromDifferentIPs(),
		AzureADSuccessfulSingleFactorAuthentication(),
		AzureADDeviceCodeAuthentication(),
	}
}

// The values these rules search for. Each is also a rule's prefilter
// literal, so Match and Literals cannot drift apart.
const (
	successInteractive    = "SignInLogs"                   // category
	successNonInteractive = "NonInteractiveUserSignInLogs" // category
	successSingleFactor   = "singleFactorAuthentication"   // authenticationRequirement
	successDeviceCode     = "deviceCode"                   // authenticationProtocol
)

// successAnyStep is `properties.authenticationDetails{}.succeeded=true`:
// some authentication step succeeded, as a multivalue field matches in
// Splunk when any of its values does. A null succeeded is not true. It
// reads the typed event and never allocates.
func successAnyStep(ev *event.SignInEvent) bool {
	for i := range ev.AuthenticationDetails {
		if s := ev.AuthenticationDetails[i].Succeeded; s != nil && *s {
			return true
		}
	}
	return false
}

// successReferences returns the MITRE ATT&CK page of each technique ID:
// T1078.004 is https://attack.mitre.org/techniques/T1078/004/.
func successReferences(ids ...string) []string {
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
	}
	return refs
}

// successDrilldowns returns ESCU's two standard drilldowns for a rule whose
// risk object is the output column field: the detection's results for the
// object, and its risk events of the last seven days.
func successDrilldowns(field string) []detection.Drilldown {
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

// successProducts are the Splunk products ESCU tags these rules with.
func successProducts() []string {
	return []string{"Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"}
}

// successSearch joins the stages of an SPL pipeline, one per line, as
// ESCU's YAML lays them out.
func successSearch(stages ...string) string {
	return strings.Join(stages, "\n| ")
}

// successHowToImplement is escudo's note on the data a rule needs: the
// Azure Monitor category it searches and the sign-in properties it reads
// beyond the Graph v1.0 ones.
func successHowToImplement(category, properties string) string {
	return "The search needs Microsoft Entra ID sign-in logs of category " + category +
		" with the " + properties + " properties (Graph beta properties that the Azure Monitor and Log Analytics exports carry): " +
		"in Splunk, sign-in logs sent by an Azure Monitor diagnostic setting to an Event Hub and ingested with the " +
		"Splunk Add-on for Microsoft Cloud Services as sourcetype azure:monitor:aad; in escudo, any Azure Monitor " +
		"(Event Hub or storage blob) or Log Analytics export that event.Reader reads. " +
		"The diagnostic setting must export the " + category + " category. " +
		"Graph API records carry no category and do not match."
}
