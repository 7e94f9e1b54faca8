package rules

import (
	"strings"

	"github.com/escudo-dev/escudo/detection"
)

// consentAndMFARules lists this file's group of the catalogue, in order.
func consentAndMFARules() []detection.Detection {
	return []detection.Detection{
		AzureADUserConsentDenied(),
		AzureADMultipleFailedMFARequestsForUser(),
		AzureADMultipleDeniedMFARequestsForUser(),
		AzureADAuthenticationFailedDuringMFAChallenge(),
	}
}

// Values the consent and MFA rules compare with, as Entra writes them.
const (
	// mfaSignInActivity is operationName of every Entra sign-in record.
	mfaSignInActivity = "Sign-in activity"
	// mfaSignInLogs is the Azure Monitor category of interactive user sign-ins.
	mfaSignInLogs = "SignInLogs"
	// mfaStrongAuthFailed is AADSTS500121: authentication failed during
	// the strong-authentication (MFA) request.
	mfaStrongAuthFailed = 500121
	// mfaUserDeclined is status.additionalDetails when the user rejected
	// the MFA prompt.
	mfaUserDeclined = "MFA denied; user declined the authentication"
	// mfaCompleted is the step result of a passed MFA challenge.
	mfaCompleted = "MFA successfully completed"
)

// mfaAzureHowTo is the HowToImplement text shared by the group: all four
// rules read Entra sign-ins with the Azure Monitor envelope.
const mfaAzureHowTo = "Needs Microsoft Entra ID sign-in logs with their Azure Monitor envelope " +
	"(category, operationName, tenantId, callerIpAddress): in Splunk, a diagnostic setting " +
	"that streams SignInLogs to an Event Hub, ingested with the Splunk Add-on for Microsoft " +
	"Cloud Services as sourcetype azure:monitor:aad; in escudo, the same records from an Event " +
	"Hub capture or storage-account blob, or Log Analytics rows. Plain Graph API records carry " +
	"no envelope and never match."

// mfaProducts are the Splunk products ESCU tags these rules with.
func mfaProducts() []string {
	return []string{"Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"}
}

// mfaReferences returns the MITRE ATT&CK page of each technique ID:
// T1078.004 becomes https://attack.mitre.org/techniques/T1078/004/.
func mfaReferences(ids ...string) []string {
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
	}
	return refs
}

// mfaDrilldowns returns ESCU's two standard drilldowns for a rule whose
// risk object is the output column field: the detection's own results for
// that value, and its risk events of the last 7 days.
func mfaDrilldowns(field string) []detection.Drilldown {
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
