package rules

import (
	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADUserConsentDenied returns Splunk ESCU's "Azure AD User Consent
// Denied for OAuth Application" (version 10, 2025-05-02): a user declined an
// OAuth application's consent prompt (AADSTS65004), in Entra sign-in logs
// with their Azure Monitor envelope.
//
//	`azure_monitor_aad` operationName="Sign-in activity" properties.status.errorCode=65004
//	| rename properties.* as * | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product appDisplayName status.failureReason signature
//
// Match is operationName "Sign-in activity" and status.errorCode equal to
// the integer 65004, in any sign-in category (the search does not name
// one). Graph API records have no operationName, so they never match. BY
// fields are the CIM fields of azure:monitor:aad (dest and vendor_account
// are tenantId, src is callerIpAddress, signature is operationName); the
// fillnull turns a missing one, such as a null status.failureReason, into
// "0" instead of dropping the event. Output columns: dest, user, src,
// vendor_account, vendor_product, appDisplayName, status.failureReason,
// signature, count, firstTime, lastTime.
//
// The ID, name, version, date, status, type, data source, search, tags and
// RBA block are ESCU's. Description, HowToImplement and KnownFalsePositives
// are escudo's own summary, and References are the MITRE ATT&CK pages of
// the rule's techniques.
//
// Deviation: operationName is compared exactly, as Entra writes it, while
// Splunk's search compares field values case-insensitively.
func AzureADUserConsentDenied() detection.Detection[event.SignInEvent] { return azureConsentDenied{} }

type azureConsentDenied struct{}

func (azureConsentDenied) Match(ev *event.SignInEvent) bool {
	c := ev.Status.ErrorCode
	return c != nil && *c == 65004 && ev.Envelope.OperationName == mfaSignInActivity
}

// Literals implements detection.Literals: every matching record holds the
// error code's digits, as a JSON number or in Log Analytics' ResultType.
func (azureConsentDenied) Literals() []string { return []string{"65004"} }

// Fields implements detection.Fields: what Match reads.
func (azureConsentDenied) Fields() []string { return []string{"status.errorCode", "operationName"} }

func (azureConsentDenied) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "dest"},
			{Field: "user"},
			{Field: "src"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "appDisplayName"},
			{Field: "status.failureReason"},
			{Field: "signature"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
		FillNull: true,
	}
}

func (azureConsentDenied) Meta() detection.Meta {
	return detection.Meta{
		ID:         "bb093c30-d860-4858-a56e-cd0895d5b49c",
		Name:       "Azure AD User Consent Denied for OAuth Application",
		Version:    10,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "TTP",
		DataSource: []string{"Azure Active Directory Sign-in activity"},
		Description: "Finds Entra ID sign-ins that failed because the user declined an OAuth " +
			"application's request for permissions (error 65004). A user who refuses a consent " +
			"prompt may have recognised an unfamiliar or suspicious application, such as one sent " +
			"in a consent-phishing lure; the same application may be trying other users of the " +
			"tenant, some of whom may grant it access to their data.",
		Search: "`azure_monitor_aad` operationName=\"Sign-in activity\" properties.status.errorCode=65004\n" +
			"| rename properties.* as *\n" +
			"| fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product appDisplayName status.failureReason signature\n" +
			"| `security_content_ctime(firstTime)`\n" +
			"| `security_content_ctime(lastTime)`\n" +
			"| `azure_ad_user_consent_denied_for_oauth_application_filter`",
		HowToImplement: mfaAzureHowTo,
		KnownFalsePositives: "Users decline consent to legitimate applications too, for example " +
			"when a prompt asks for more permissions than they expected or was opened by mistake. " +
			"Check the application and filter ones known to be benign.",
		References: escuReferences("bb093c30-d860-4858-a56e-cd0895d5b49c"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:     "User $user$ denied consent for an OAuth application.",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 36}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Tenant",
			MITREAttackID:  []string{"T1528"},
			MITRETacticID:  attackTactics("T1528"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
