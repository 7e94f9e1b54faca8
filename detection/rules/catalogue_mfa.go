package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// consentAndMFARules lists this file's group of the catalogue, in order.
func consentAndMFARules() []detection.Detection[event.SignInEvent] {
	return []detection.Detection[event.SignInEvent]{
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
