package rules

import (
	"strings"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// successfulAuthenticationRules lists this file's group of the catalogue, in order.
func successfulAuthenticationRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
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
