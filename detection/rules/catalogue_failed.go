package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// failedAuthenticationRules lists this file's group of the catalogue, in order.
func failedAuthenticationRules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
		AzureADHighNumberOfFailedAuthenticationsForUser(),
		AzureADHighNumberOfFailedAuthenticationsFromIP(),
		AzureADMultipleUsersFailingToAuthenticateFromIP(),
		AzureADUnusualNumberOfFailedAuthenticationsFromIP(),
	}
}

// failedPasswordCode is AADSTS50126, InvalidUserNameOrPassword.
const failedPasswordCode = 50126

// failedPasswordMatch is the base search the four failed-authentication
// rules share:
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126
//	properties.authenticationDetails{}.succeeded=false
//
// The category is compared exactly, as event.Field.Equal does. errorCode
// is integer equality. succeeded=false holds when any authentication step
// has succeeded false, as a multivalue field matches in Splunk; a null
// succeeded is not false. It reads the typed event and never allocates.
func failedPasswordMatch(ev *event.SignInEvent) bool {
	if ev.Envelope.Category != "SignInLogs" {
		return false
	}
	if c := ev.Status.ErrorCode; c == nil || *c != failedPasswordCode {
		return false
	}
	for i := range ev.AuthenticationDetails {
		if s := ev.AuthenticationDetails[i].Succeeded; s != nil && !*s {
			return true
		}
	}
	return false
}

// failedLiterals are the prefilter literals of the four rules (see
// detection.Literals): every record they match carries the error code's
// digits, as status.errorCode in every format and in Azure Monitor's and
// Log Analytics' resultType.
func failedLiterals() []string { return []string{"50126"} }

// failedFields are the fields failedPasswordMatch reads (see
// detection.Fields).
func failedFields() []string {
	return []string{"category", "status.errorCode", "authenticationDetails{}.succeeded"}
}

// failedHowToImplement is escudo's note on the data the four rules need.
const failedHowToImplement = "The search needs Microsoft Entra ID interactive sign-in logs (category SignInLogs) with their authentication details: " +
	"in Splunk, sign-in logs sent by Azure Monitor diagnostic settings to an Event Hub and ingested with the Splunk Add-on for Microsoft Cloud Services " +
	"as sourcetype azure:monitor:aad; in escudo, any Azure Monitor or Log Analytics export that event.Reader reads. " +
	"Graph API records carry no category and do not match."
