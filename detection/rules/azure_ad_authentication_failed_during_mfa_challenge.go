package rules

import (
	"regexp"
	"strings"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADAuthenticationFailedDuringMFAChallenge returns Splunk ESCU's "Azure
// AD Authentication Failed During MFA Challenge" (version 10, 2025-05-02): an
// interactive sign-in passed its first factor but failed the MFA challenge
// (AADSTS500121), grouped by the methods used besides the MFA method and by
// the messages of the failure.
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=500121
//	| rename properties.* as *, authenticationDetails{}.* as *
//	| eval time=strptime(authenticationStepDateTime,"%Y-%m-%dT%H:%M:%S")
//	| eval auth_detail=mvzip(strftime(time, "%Y-%m-%dT%H:%M:%S"),authenticationStepResultDetail," - "),
//	       auth_msg=mvappend('status.additionalDetails', authenticationStepResultDetail)
//	| eval auth_method=mvmap(authenticationMethod,
//	       if(isnull(mvfind('mfaDetail.authMethod',authenticationMethod)), authenticationMethod, null()))
//	| search NOT auth_msg="MFA successfully completed"
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product auth_method auth_msg user_agent signature
//
// Match is category SignInLogs and status.errorCode equal to the integer
// 500121 (the search does not test operationName), and no auth_msg value
// equal to "MFA successfully completed": NOT on a multivalue field excludes
// the event if any value matches, and keeps it if auth_msg is null.
//
// auth_msg is status.additionalDetails followed by each authentication
// step's authenticationStepResultDetail, in order, duplicates kept as
// mvappend keeps them. auth_method is each step's authenticationMethod for
// which mvfind finds no match in mfaDetail.authMethod: the method is used
// as an unanchored, case-sensitive regular expression searched for in
// mfaDetail.authMethod, so the MFA method itself drops out and the other
// methods (typically Password) stay; with no mfaDetail.authMethod every
// method stays. A method without regular-expression metacharacters is
// matched as a substring, which is the same thing; one with them is
// compiled with Go's regexp (RE2, which differs from Splunk's PCRE only on
// constructs no method name uses), and one that does not compile is kept
// [Splunk's handling of a bad pattern is unverified]. auth_detail and time
// are computed by the SPL but never used, so escudo skips them.
//
// Both evals are multivalue BY fields: an event joins one group per
// (auth_method, auth_msg) pair, and a value repeated within the event
// joins its group once per repeat, as stats does with its default
// dedup_splitvals=false [unverified on a live Splunk]. So a denied prompt
// whose additionalDetails and step result carry the same text counts twice
// in that group. The fillnull puts "0" for an auth_method with no values
// (every method was the MFA method, or there are no steps), an auth_msg
// with none, or any other missing BY field. Output columns: dest, user,
// src, vendor_account, vendor_product, auth_method, auth_msg, user_agent,
// signature, count, firstTime, lastTime.
//
// The ID, name, version, date, status, type, data source, search, tags and
// RBA block are ESCU's. Description, HowToImplement and KnownFalsePositives
// are escudo's own summary, and References are the MITRE ATT&CK pages of
// the rule's techniques.
//
// Deviation: category and the "MFA successfully completed" test are
// compared exactly, as Entra writes them, while Splunk's search compares
// field values case-insensitively. (mvfind's regular expression is
// case-sensitive in Splunk too.)
func AzureADAuthenticationFailedDuringMFAChallenge() detection.Detection[event.SignInEvent] {
	return failedMFAChallenge{}
}

type failedMFAChallenge struct{}

func (failedMFAChallenge) Match(ev *event.SignInEvent) bool {
	c := ev.Status.ErrorCode
	if c == nil || *c != mfaStrongAuthFailed || ev.Envelope.Category != mfaSignInLogs {
		return false
	}
	// NOT auth_msg="MFA successfully completed", over every auth_msg value.
	if ev.Status.AdditionalDetails == mfaCompleted {
		return false
	}
	for i := range ev.AuthenticationDetails {
		if ev.AuthenticationDetails[i].AuthenticationStepResultDetail == mfaCompleted {
			return false
		}
	}
	return true
}

// Literals implements detection.Literals: every matching record holds the
// error code's digits, "500121", as a JSON number or in Log Analytics'
// ResultType string.
func (failedMFAChallenge) Literals() []string { return []string{"500121"} }

// Fields implements detection.Fields: what Match and the auth_method and
// auth_msg evals read.
func (failedMFAChallenge) Fields() []string {
	return []string{"status.errorCode", "category", "status.additionalDetails", "authenticationDetails{}.authenticationStepResultDetail", "authenticationDetails{}.authenticationMethod", "mfaDetail.authMethod"}
}

func (failedMFAChallenge) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: "dest"},
			{Field: "user"},
			{Field: "src"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
			{Field: "auth_method", Eval: mfaAuthMethods},
			{Field: "auth_msg", Eval: mfaAuthMessages},
			{Field: "userAgent", As: "user_agent"},
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

// mfaAuthMessages is the SPL's
// auth_msg=mvappend('status.additionalDetails', authenticationStepResultDetail).
// Empty values are missing ones, as everywhere in escudo.
func mfaAuthMessages(dst []string, ev *event.SignInEvent) []string {
	if d := ev.Status.AdditionalDetails; d != "" {
		dst = append(dst, d)
	}
	for i := range ev.AuthenticationDetails {
		if r := ev.AuthenticationDetails[i].AuthenticationStepResultDetail; r != "" {
			dst = append(dst, r)
		}
	}
	return dst
}

// mfaAuthMethods is the SPL's auth_method=mvmap(authenticationMethod,
// if(isnull(mvfind('mfaDetail.authMethod',authenticationMethod)),
// authenticationMethod, null())): the step methods not found in
// mfaDetail.authMethod, in step order, duplicates kept.
func mfaAuthMethods(dst []string, ev *event.SignInEvent) []string {
	mfa := ev.MFADetail.AuthMethod
	for i := range ev.AuthenticationDetails {
		m := ev.AuthenticationDetails[i].AuthenticationMethod
		if m != "" && !mvfindMatches(mfa, m) {
			dst = append(dst, m)
		}
	}
	return dst
}

// mvfindMatches reports whether Splunk's mvfind(v, pattern) is non-null for
// a single value v: whether the regular expression pattern matches
// anywhere in v. An empty (missing) v never matches.
func mvfindMatches(v, pattern string) bool {
	if v == "" {
		return false
	}
	// Without metacharacters a pattern matches exactly its own text, so
	// the common case needs no compiled expression.
	if !strings.ContainsAny(pattern, `\.+*?()|[]{}^$`) {
		return strings.Contains(v, pattern)
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return false
	}
	return re.MatchString(v)
}

func (failedMFAChallenge) Meta() detection.Meta {
	return detection.Meta{
		ID:         "e62c9c2e-bf51-4719-906c-3074618fcc1c",
		Name:       "Azure AD Authentication Failed During MFA Challenge",
		Version:    10,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "TTP",
		DataSource: []string{"Azure Active Directory"},
		Description: "Finds interactive Entra ID sign-ins that got past the first factor but " +
			"failed the MFA challenge (error 500121), with the other authentication methods used " +
			"and the failure messages. A correct password followed by a failed, denied or " +
			"unanswered MFA prompt can mean that an attacker holds the user's password and is " +
			"being stopped only by MFA.",
		Search: "`azure_monitor_aad` category=SignInLogs properties.status.errorCode=500121\n" +
			"| rename properties.* as *, authenticationDetails{}.* as *\n" +
			"| eval time=strptime(authenticationStepDateTime,\"%Y-%m-%dT%H:%M:%S\")\n" +
			"| eval auth_detail=mvzip(strftime(time, \"%Y-%m-%dT%H:%M:%S\"),authenticationStepResultDetail,\" - \"), auth_msg=mvappend('status.additionalDetails', authenticationStepResultDetail)\n" +
			"| eval auth_method=mvmap(authenticationMethod, if(isnull(mvfind('mfaDetail.authMethod',authenticationMethod)), authenticationMethod, null()))\n" +
			"| search NOT auth_msg=\"MFA successfully completed\"\n" +
			"| rename userAgent as user_agent\n" +
			"| fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product auth_method auth_msg user_agent signature\n" +
			"| `security_content_ctime(firstTime)`\n" +
			"| `security_content_ctime(lastTime)`\n" +
			"| `azure_ad_authentication_failed_during_mfa_challenge_filter`",
		HowToImplement: mfaAzureHowTo + " The search also reads the Graph beta properties " +
			"authenticationDetails and mfaDetail, which the Azure Monitor and Log Analytics " +
			"exports carry.",
		KnownFalsePositives: "Users fail MFA by mistake: a prompt that timed out, a mistyped " +
			"code, a phone out of reach. A single failure means little; repeated ones for the " +
			"same user, or from an unfamiliar source address, deserve a look.",
		References: escuReferences("e62c9c2e-bf51-4719-906c-3074618fcc1c"),
		Drilldowns: escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "User $user$ failed to pass MFA challenge",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Active Directory",
			MITREAttackID:  []string{"T1078.004", "T1586.003", "T1621"},
			MITRETacticID:  attackTactics("T1078.004", "T1586.003", "T1621"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
