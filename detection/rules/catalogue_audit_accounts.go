package rules

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// The account and domain family of the audit rules: guest invitations,
// custom and federated domains, application owners, accounts enabled and
// their passwords reset, and ImmutableId changes (auditlogs-facts §2.4.4,
// 2.4.10, 2.4.11, 2.4.23, 2.4.27, 2.4.28).
//
// As in the other audit rules, operationName is compared exactly, as
// Entra writes it, where Splunk's search would ignore case; the other
// search terms ignore case, as Splunk's do (spl.Term, spl.Wildcard).

// accountRules returns this family's audit detections, in catalogue order.
func accountRules() []detection.Detection[event.AuditEvent] {
	return []detection.Detection[event.AuditEvent]{
		AzureADExternalGuestUserInvited(),
		AzureADNewCustomDomainAdded(),
		AzureADNewFederatedDomainAdded(),
		AzureADServicePrincipalOwnerAdded(),
		AzureADUserEnabledAndPasswordReset(),
		AzureADUserImmutableIDAttributeUpdated(),
	}
}

// AzureADExternalGuestUserInvited is ESCU's "Azure AD External Guest User
// Invited" (c1fb4edb-cab1-4359-9b40-925ffd797fb5, version 8):
//
//	`azure_monitor_aad` operationName="Invite external user"
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename targetResources{}.type as type | rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent initiatedBy type signature
//
// user is the add-on's CIM user, for "Invite external user" the invited
// guest's UPN (name_domain#EXT#@tenant); initiatedBy is who invited them.
// The search does not filter on result, so a failed invitation is a
// finding too. type, the targets' types, is multivalue: a record with
// several targets gives a row per type.
func AzureADExternalGuestUserInvited() detection.Detection[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool { return ev.Envelope.OperationName == "Invite external user" },
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "userAgent", As: "user_agent"},
				detection.By[event.AuditEvent]{Field: "initiatedBy.user.userPrincipalName", As: "initiatedBy"},
				detection.By[event.AuditEvent]{Field: "targetResources{}.type", As: "type"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Invite external user"},
		Info: detection.Meta{
			ID: "c1fb4edb-cab1-4359-9b40-925ffd797fb5", Name: "Azure AD External Guest User Invited",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Invite external user"},
			Description: "Finds Entra ID audit records of an external guest being invited into the tenant. " +
				"A guest account is a way back in that survives the loss of a compromised member account, " +
				"and guests an attacker controls can be given access to the tenant's resources.",
			Search: "`azure_monitor_aad` operationName=\"Invite external user\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | rename targetResources{}.type as type | rename userAgent as user_agent | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent initiatedBy type signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_external_guest_user_invited_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Inviting partners and contractors as guests is routine; check the invitation against who asked for it.",
			References:          escuReferences("c1fb4edb-cab1-4359-9b40-925ffd797fb5"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message: "External Guest User $user$ initiated by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 45},
					{Field: "initiatedBy", Type: risk.User, Score: 45},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1136.003"},
				MITRETacticID:  attackTactics("T1136.003"),
				Product:        splunkProducts(),
				SecurityDomain: "threat",
			},
		},
	}
}

// domainRule is the shape the two domain rules share: a successful
// operation on a domain, grouped with the domain (the targets' display
// names) as domain.
func domainRule(operation string, info detection.Meta) detection.Def[event.AuditEvent] {
	success := spl.NewTerm("success")
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			return ev.Envelope.OperationName == operation && success.Equal([]string{ev.Result})
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "userAgent", As: "user_agent"},
				detection.By[event.AuditEvent]{Field: "targetResources{}.displayName", As: "domain"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{operation},
		Info: info,
	}
}

// domainTags are the tags of the two domain rules.
func domainTags() detection.Tags {
	return detection.Tags{
		AnalyticStory:  []string{"Azure Active Directory Persistence"},
		AssetType:      "Azure Active Directory",
		MITREAttackID:  []string{"T1484.002"},
		MITRETacticID:  attackTactics("T1484.002"),
		Product:        splunkProducts(),
		SecurityDomain: "threat",
	}
}

// AzureADNewCustomDomainAdded is ESCU's "Azure AD New Custom Domain Added"
// (30c47f45-dd6a-4720-9963-0bca6c8686ef, version 9):
//
//	`azure_monitor_aad` operationName="Add unverified domain" properties.result=success
//	| rename properties.* as * | rename targetResources{}.displayName as domain
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent domain signature
//
// properties.result=success ignores case, as a search term does. user is
// the add-on's CIM user, for this operation the initiator's UPN; domain
// is the target's display name, the domain added.
func AzureADNewCustomDomainAdded() detection.Detection[event.AuditEvent] {
	return domainRule("Add unverified domain", detection.Meta{
		ID: "30c47f45-dd6a-4720-9963-0bca6c8686ef", Name: "Azure AD New Custom Domain Added",
		Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
		Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add unverified domain"},
		Description: "Finds Entra ID audit records of a custom domain being added to the tenant. Adding " +
			"a domain is the first step of an identity federation backdoor: once the domain is verified " +
			"and federated to an identity provider the attacker runs, they can sign in as the tenant's " +
			"users without their passwords or MFA.",
		Search: "`azure_monitor_aad` operationName=\"Add unverified domain\" properties.result=success\n" +
			"| rename properties.* as * | rename targetResources{}.displayName as domain | rename userAgent as user_agent | fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent domain signature\n" +
			"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_new_custom_domain_added_filter`",
		HowToImplement:      auditHowTo,
		KnownFalsePositives: "Domains are added rarely and on purpose; check the domain against a change request.",
		References:          escuReferences("30c47f45-dd6a-4720-9963-0bca6c8686ef"),
		Drilldowns:          escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:     "A new custom domain, $domain$ , was added by $user$",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 54}},
		},
		Tags: domainTags(),
	})
}

// AzureADNewFederatedDomainAdded is ESCU's "Azure AD New Federated Domain
// Added" (a87cd633-076d-4ab2-9047-977751a3c1a0, version 9):
//
//	`azure_monitor_aad` operationName="Set domain authentication" "properties.result"=success
//	| rename properties.* as * | rename targetResources{}.displayName as domain
//	| rename userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent domain signature
//
// It is AzureADNewCustomDomainAdded for the operation that sets a
// domain's authentication (Managed to Federated, as its LiveType
// modified property shows); the search does not look at the new value,
// so a domain set back to Managed is a finding too.
func AzureADNewFederatedDomainAdded() detection.Detection[event.AuditEvent] {
	return domainRule("Set domain authentication", detection.Meta{
		ID: "a87cd633-076d-4ab2-9047-977751a3c1a0", Name: "Azure AD New Federated Domain Added",
		Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
		Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Set domain authentication"},
		Description: "Finds Entra ID audit records of a domain's authentication being set, which is how " +
			"a domain is federated to an external identity provider. An attacker who federates a domain " +
			"to a provider they run can sign in as any of the tenant's users, passing over passwords and MFA.",
		Search: "`azure_monitor_aad` operationName=\"Set domain authentication\" \"properties.result\"=success\n" +
			"| rename properties.* as * | rename targetResources{}.displayName as domain | rename userAgent as user_agent | fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent domain signature\n" +
			"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_new_federated_domain_added_filter`",
		HowToImplement:      auditHowTo,
		KnownFalsePositives: "Federation settings change rarely and on purpose; check the domain against a change request.",
		References:          escuReferences("a87cd633-076d-4ab2-9047-977751a3c1a0"),
		Drilldowns:          escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:     "A new federated domain, $domain$ , was added by $user$",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 81}},
		},
		Tags: domainTags(),
	})
}

// AzureADServicePrincipalOwnerAdded is ESCU's "Azure AD Service Principal
// Owner Added" (7ddf2084-6cf3-4a44-be83-474f7b73c701, version 10):
//
//	`azure_monitor_aad` operationName="Add owner to application"
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename targetResources{}.userPrincipalName as newOwner
//	| rename targetResources{}.modifiedProperties{}.newValue as displayName
//	| eval displayName = mvindex(displayName,1) | where initiatedBy!=newOwner | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy result newOwner displayName signature
//
// Despite its name, the search reads owners added to an application
// ("Add owner to service principal" is another operation). displayName
// is the second of all the targets' modified properties' new values, as
// Entra writes them (Application.DisplayName, in JSON quotes:
// "\"Tallyhaus Analytics\""; "null" where that value is null).
//
// The where runs on each event, before fillnull: it keeps the records
// whose initiator UPN differs from every target UPN (spl.WhereNotEqual),
// so an owner who adds themselves is left out, and so are the records
// without either side: an owner added by an application (no initiator
// UPN) and an owner that is a service principal (no target UPN). user is
// the add-on's CIM user, for this operation the target UPNs, so it is
// newOwner again.
func AzureADServicePrincipalOwnerAdded() detection.Detection[event.AuditEvent] {
	newValues := mustAuditField("targetResources{}.modifiedProperties{}.newValue")
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != "Add owner to application" {
				return false
			}
			var initiator, owners []string
			if upn := ev.InitiatedBy.User.UserPrincipalName; upn != "" {
				initiator = []string{upn}
			}
			for _, t := range ev.TargetResources {
				if t.UserPrincipalName != "" {
					owners = append(owners, t.UserPrincipalName)
				}
			}
			return spl.WhereNotEqual(initiator, owners)
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "initiatedBy.user.userPrincipalName", As: "initiatedBy"},
				detection.By[event.AuditEvent]{Field: "result"},
				detection.By[event.AuditEvent]{Field: "targetResources{}.userPrincipalName", As: "newOwner"},
				detection.By[event.AuditEvent]{Field: "displayName", Eval: func(dst []string, ev *event.AuditEvent) []string {
					if v, ok := spl.MVIndex(newValues.Append(nil, ev), 1); ok {
						dst = append(dst, v)
					}
					return dst
				}},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{"Add owner to application"},
		Info: detection.Meta{
			ID: "7ddf2084-6cf3-4a44-be83-474f7b73c701", Name: "Azure AD Service Principal Owner Added",
			Version: 10, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Add owner to application"},
			Description: "Finds Entra ID audit records of a user making another user an owner of an " +
				"application. An application's owners can add credentials to it and sign in as it, " +
				"without MFA or conditional access, which makes ownership a way to keep access or to " +
				"gain the application's permissions.",
			Search: "`azure_monitor_aad` operationName=\"Add owner to application\"\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | rename targetResources{}.userPrincipalName as newOwner | rename targetResources{}.modifiedProperties{}.newValue as displayName\n" +
				"| eval displayName = mvindex(displayName,1) | where initiatedBy!=newOwner | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy result newOwner displayName signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_service_principal_owner_added_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators hand over applications to their new owners; check the new owner with the application's team.",
			References:          escuReferences("7ddf2084-6cf3-4a44-be83-474f7b73c701"),
			Drilldowns:          escuDrilldowns("displayName"),
			RBA: risk.Spec{
				Message: "A new owner was added for service principal $displayName$ by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "displayName", Type: risk.User, Score: 54},
					{Field: "initiatedBy", Type: risk.User, Score: 54},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence", "Azure Active Directory Privilege Escalation", "NOBELIUM Group"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098"},
				MITRETacticID:  attackTactics("T1098"),
				Product:        splunkProducts(),
				SecurityDomain: "audit",
			},
		},
	}
}

// The operations of "Azure AD User Enabled And Password Reset".
const (
	opEnableAccount = "Enable account"
	opResetByAdmin  = "Reset password (by admin)"
	opUpdateUser    = "Update user"
)

// enableResetFields are the event fields behind the BY columns of the
// stats after the transaction (enableResetColumns), in order.
func enableResetFields() []string {
	return []string{"dest", "user", "src", "vendor_account", "vendor_product", "initiatedBy.user.userPrincipalName", "signature"}
}

// enableResetColumns are those BY columns, as the SPL names them.
func enableResetColumns() []string {
	return []string{"dest", "user", "src", "vendor_account", "vendor_product", "initiatedBy", "signature"}
}

// AzureADUserEnabledAndPasswordReset is ESCU's "Azure AD User Enabled And
// Password Reset" (1347b9e8-2daa-4a6f-be73-b421d3d9e268, version 9):
//
//	`azure_monitor_aad` (operationName="Enable account" OR operationName="Reset password (by admin)"
//	  OR operationName="Update user")
//	| transaction user startsWith=(operationName="Enable account")
//	  endsWith=(operationName="Reset password (by admin)") maxspan=2m
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy signature
//
// The transaction is spl.Transactions, whose doc comment gives Splunk's
// rules and what of them is verified; for this search they come to:
//
//   - Order: transaction reads events newest first [verified], so a
//     transaction opens on a "Reset password (by admin)" and closes on the
//     "Enable account" before it; the "Update user" records between them
//     (Entra writes one beside an enable, in ESCU's samples) are absorbed,
//     as any event of the same user is (spl.Transactions, step 4). A
//     reset before the enable makes no transaction. Among events with the
//     same time, the one with the greater record id is taken as the newer
//     [unverified: Splunk's order of equal _time events is its own].
//   - maxspan=2m: the events must span less than 2 minutes [verified:
//     "must span less than"], so an enable and a reset exactly 2 minutes
//     apart are not one transaction.
//   - Unclosed transactions, such as a reset with no enable before it
//     within 2 minutes, are evicted and not returned (keepevicted=false)
//     [unverified: see spl.Transactions]; an enable with no reset after it
//     opens none [unverified: an orphan, as keeporphans=false drops].
//   - The key is user, the add-on's CIM user, for all three operations the
//     target UPNs: an enable of one account and a reset of another are
//     never one transaction. An event with several target UPNs is keyed
//     on all of them together, and one without any joins none
//     [unverified].
//
// A transaction's fields are the union of its events', sorted
// (spl.MergeMV), and its _time is its first event's, the enable. fillnull
// then fills a field no event of the transaction has (an application
// initiator's initiatedBy, a missing src) with "0", and the stats BY fans
// each transaction out to one row per combination of its multivalue
// fields: an enable, its "Update user" and the reset give three rows, one
// per signature, and two source addresses double that. count counts
// transactions; firstTime and lastTime are the earliest and latest
// transaction _time, so for one transaction both are the time of the
// enable.
//
// The engine groups events, not transactions, so the rule runs the
// transaction and the stats after it in its Then: its BY columns are the
// SPL's, but until Then each holds that one event's values of the field,
// encoded by appendList, and dest also the event's time and record id,
// so that every distinct event is a group of its own (identical records,
// counted, stay as many events). Then decodes them, runs
// spl.Transactions and the stats, and returns findings with exactly the
// SPL's columns, so Engine.Columns is right for this rule too. It keeps
// every matching event until the end of the run, as Splunk's transaction
// keeps them in memory.
func AzureADUserEnabledAndPasswordReset() detection.Detection[event.AuditEvent] {
	names := enableResetFields()
	fields := make([]event.Field[event.AuditEvent], len(names))
	for i, n := range names {
		fields[i] = mustAuditField(n)
	}
	cols := enableResetColumns()
	by := make([]detection.By[event.AuditEvent], len(cols))
	for i, c := range cols {
		f, first := fields[i], i == 0
		by[i] = detection.By[event.AuditEvent]{Field: c, Eval: func(dst []string, ev *event.AuditEvent) []string {
			var b []byte
			if first {
				b = appendList(b, []string{strconv.FormatInt(ev.Time().UnixNano(), 10), ev.ID})
			}
			return append(dst, string(appendList(b, f.Append(nil, ev))))
		}}
	}
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			switch ev.Envelope.OperationName {
			case opEnableAccount, opResetByAdmin, opUpdateUser:
				return true
			}
			return false
		},
		Group: detection.Grouping[event.AuditEvent]{
			By:    by,
			Stats: auditTimes(),
			Then:  enableResetThen,
		},
		Lits: []string{opEnableAccount, opResetByAdmin, opUpdateUser},
		Info: detection.Meta{
			ID: "1347b9e8-2daa-4a6f-be73-b421d3d9e268", Name: "Azure AD User Enabled And Password Reset",
			Version: 9, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP",
			DataSource: []string{
				"Azure Active Directory Enable account",
				"Azure Active Directory Reset password (by admin)",
				"Azure Active Directory Update user",
			},
			Description: "Finds Entra ID accounts that were enabled and then had their password reset by an " +
				"administrator within 2 minutes. Reviving a disabled account and setting its password is a " +
				"quick way for an attacker with administrative rights to get an identity of their own that " +
				"nobody watches.",
			Search: "`azure_monitor_aad` (operationName=\"Enable account\" OR operationName=\"Reset password (by admin)\" OR operationName=\"Update user\")\n" +
				"| transaction user startsWith=(operationName=\"Enable account\") endsWith=(operationName=\"Reset password (by admin)\") maxspan=2m\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_user_enabled_and_password_reset_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Administrators re-enable accounts of people who come back and give them a new password; check with the account's owner.",
			References:          escuReferences("1347b9e8-2daa-4a6f-be73-b421d3d9e268"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message: "A user account, $user$, was enabled and its password reset within 2 minutes by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 45},
					{Field: "initiatedBy", Type: risk.User, Score: 45},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098"},
				MITRETacticID:  attackTactics("T1098"),
				Product:        splunkProducts(),
				SecurityDomain: "identity",
			},
		},
	}
}

// enableResetRecord is one matching event as the BY columns of
// AzureADUserEnabledAndPasswordReset carry it to Then.
type enableResetRecord struct {
	at     time.Time
	ctime  string     // at, as the engine rendered firstTime (its Location)
	id     string     // the record's id
	values [][]string // the values of each BY field, in column order
}

// enableResetThen is the transaction and the stats after it (see
// AzureADUserEnabledAndPasswordReset), over the findings that each hold one
// distinct event.
func enableResetThen(fs []detection.Finding) []detection.Finding {
	cols := enableResetColumns()
	var recs []enableResetRecord
	for _, f := range fs {
		r, ok := decodeEnableReset(f, cols)
		if !ok {
			continue // not a finding of this rule's grouping
		}
		for range f.Count {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		return nil
	}
	// Time order, then record id, so that equal times are taken in a
	// fixed order (the findings' order, by their encoded columns, for
	// records alike in both).
	slices.SortStableFunc(recs, func(a, b enableResetRecord) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.id, b.id))
	})

	start, end := spl.NewTerm(opEnableAccount), spl.NewTerm(opResetByAdmin)
	user, signature := slices.Index(cols, "user"), slices.Index(cols, "signature")
	txnEvents := make([]spl.TxnEvent, len(recs))
	for i, r := range recs {
		var key string
		if users := r.values[user]; len(users) > 0 {
			key = string(appendList(nil, users))
		}
		txnEvents[i] = spl.TxnEvent{Time: r.at, Key: key, Start: start.Equal(r.values[signature]), End: end.Equal(r.values[signature])}
	}
	txns := spl.Transactions(txnEvents, spl.TransactionOptions{StartsWith: true, EndsWith: true, MaxSpan: 2 * time.Minute})

	// stats count min(_time) max(_time) BY the columns, over transactions.
	type row struct {
		values        []string
		count         int64
		first, last   time.Time
		firstC, lastC string
	}
	rows := map[string]*row{}
	for _, t := range txns {
		oldest := recs[t.Members[0]]
		merged := make([][]string, len(cols))
		for c := range cols {
			mvs := make([][]string, len(t.Members))
			for j, m := range t.Members {
				mvs[j] = recs[m].values[c]
			}
			if merged[c] = spl.MergeMV(mvs...); len(merged[c]) == 0 {
				merged[c] = []string{"0"} // fillnull
			}
		}
		eachCombination(merged, func(values []string) {
			k := string(appendList(nil, values))
			r := rows[k]
			if r == nil {
				r = &row{values: slices.Clone(values), first: t.First, firstC: oldest.ctime}
				rows[k] = r
			}
			// Transactions come ordered by First: the first seen is
			// min(_time), the last max(_time).
			r.count++
			r.last, r.lastC = t.First, oldest.ctime
		})
	}

	out := make([]detection.Finding, 0, len(rows))
	for _, r := range rows {
		f := detection.Finding{
			Detection: fs[0].Detection, SearchName: fs[0].SearchName,
			Count: r.count, FirstTime: r.first, LastTime: r.last,
		}
		for c, name := range cols {
			f.Columns = append(f.Columns, detection.Column{Name: name, Kind: detection.Text, Values: []string{r.values[c]}})
		}
		f.Columns = append(f.Columns,
			detection.Column{Name: "count", Kind: detection.Number, Values: []string{strconv.FormatInt(r.count, 10)}},
			detection.Column{Name: "firstTime", Kind: detection.Text, Values: []string{r.firstC}},
			detection.Column{Name: "lastTime", Kind: detection.Text, Values: []string{r.lastC}},
		)
		out = append(out, f)
	}
	// As the engine orders rows: by their BY values, bytewise, in BY order.
	slices.SortFunc(out, func(a, b detection.Finding) int {
		for c := range cols {
			if d := strings.Compare(a.Columns[c].Values[0], b.Columns[c].Values[0]); d != 0 {
				return d
			}
		}
		return 0
	})
	return out
}

// decodeEnableReset reads back the event a finding of
// AzureADUserEnabledAndPasswordReset's grouping holds.
func decodeEnableReset(f detection.Finding, cols []string) (enableResetRecord, bool) {
	r := enableResetRecord{at: f.FirstTime, values: make([][]string, len(cols))}
	var ok bool
	if r.ctime, ok = f.Value("firstTime"); !ok {
		return r, false
	}
	for c, name := range cols {
		s, ok := f.Value(name)
		if !ok {
			return r, false
		}
		if c == 0 { // the time and id first
			var ident []string
			if ident, s, ok = readList(s); !ok || len(ident) != 2 {
				return r, false
			}
			r.id = ident[1]
		}
		var rest string
		if r.values[c], rest, ok = readList(s); !ok || rest != "" {
			return r, false
		}
	}
	return r, true
}

// eachCombination calls fn with every combination of one value from each
// of mvs, in order (the fan-out of stats BY over multivalue fields). Each
// of mvs must have a value; fn must not keep its argument.
func eachCombination(mvs [][]string, fn func([]string)) {
	idx := make([]int, len(mvs))
	cur := make([]string, len(mvs))
	for i, mv := range mvs {
		cur[i] = mv[0]
	}
	for {
		fn(cur)
		i := len(mvs) - 1
		for ; i >= 0; i-- {
			if idx[i]++; idx[i] < len(mvs[i]) {
				cur[i] = mvs[i][idx[i]]
				break
			}
			idx[i], cur[i] = 0, mvs[i][0]
		}
		if i < 0 {
			return
		}
	}
}

// appendList appends a lossless encoding of vs to b: the number of
// values, then each value's length and bytes ("2;3:abc1:d" for
// {"abc", "d"}).
func appendList(b []byte, vs []string) []byte {
	b = strconv.AppendInt(b, int64(len(vs)), 10)
	b = append(b, ';')
	for _, v := range vs {
		b = strconv.AppendInt(b, int64(len(v)), 10)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}

// readList reads a list appendList wrote at the start of s, and returns
// it and the rest of s; ok is false when s does not start with one.
func readList(s string) (vs []string, rest string, ok bool) {
	n, s, ok := readCount(s, ';')
	if !ok {
		return nil, "", false
	}
	for range n {
		var size int
		if size, s, ok = readCount(s, ':'); !ok || size > len(s) {
			return nil, "", false
		}
		vs = append(vs, s[:size])
		s = s[size:]
	}
	return vs, s, true
}

// readCount reads a decimal count ended by sep at the start of s.
func readCount(s string, sep byte) (int, string, bool) {
	i := strings.IndexByte(s, sep)
	if i < 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n < 0 {
		return 0, "", false
	}
	return n, s[i+1:], true
}

// AzureADUserImmutableIDAttributeUpdated is ESCU's "Azure AD User
// ImmutableId Attribute Updated" (0c0badad-4536-4a84-a561-5ff760f3c00e,
// version 8):
//
//	`azure_monitor_aad` operationName="Update user"
//	  properties.targetResources{}.modifiedProperties{}.displayName=SourceAnchor
//	| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy
//	| rename targetResources{}.modifiedProperties{}.newValue as modifiedProperties | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product initiatedBy signature
//
// The base search keeps "Update user" records where any modified
// property is named SourceAnchor (Entra's name for ImmutableId), without
// regard to case, as a search term compares. user is the add-on's CIM
// user, for "Update user" the target's UPN; the renamed modifiedProperties
// is not used after it.
func AzureADUserImmutableIDAttributeUpdated() detection.Detection[event.AuditEvent] {
	anchor := spl.NewWildcard("SourceAnchor", spl.WildcardOptions{}) // search terms ignore case
	return detection.Def[event.AuditEvent]{
		When: func(ev *event.AuditEvent) bool {
			if ev.Envelope.OperationName != opUpdateUser {
				return false
			}
			for _, t := range ev.TargetResources {
				for _, p := range t.ModifiedProperties {
					if anchor.Match(p.DisplayName) {
						return true
					}
				}
			}
			return false
		},
		Group: detection.Grouping[event.AuditEvent]{
			By: auditBy(
				detection.By[event.AuditEvent]{Field: "initiatedBy.user.userPrincipalName", As: "initiatedBy"},
				detection.By[event.AuditEvent]{Field: "signature"},
			),
			Stats:    auditTimes(),
			FillNull: true,
		},
		Lits: []string{opUpdateUser},
		Info: detection.Meta{
			ID: "0c0badad-4536-4a84-a561-5ff760f3c00e", Name: "Azure AD User ImmutableId Attribute Updated",
			Version: 8, Date: "2025-05-02", Author: "Splunk (ESCU content); escudo implementation",
			Status: "production", Type: "TTP", DataSource: []string{"Azure Active Directory Update user"},
			Description: "Finds Entra ID audit records of a user's SourceAnchor (ImmutableId) being changed. " +
				"The ImmutableId ties an Entra account to its identity at a federated provider; setting it " +
				"is a step of the identity federation backdoor, after which the attacker's provider can " +
				"sign in as that user without their password or MFA.",
			Search: "`azure_monitor_aad` operationName=\"Update user\" properties.targetResources{}.modifiedProperties{}.displayName=SourceAnchor\n" +
				"| rename properties.* as * | rename initiatedBy.user.userPrincipalName as initiatedBy | rename targetResources{}.modifiedProperties{}.newValue as modifiedProperties | fillnull\n" +
				"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product initiatedBy signature\n" +
				"| `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_user_immutableid_attribute_updated_filter`",
			HowToImplement:      auditHowTo,
			KnownFalsePositives: "Directory synchronisation (Entra Connect) sets the attribute when it matches accounts; leave out its service account after checking.",
			References:          escuReferences("0c0badad-4536-4a84-a561-5ff760f3c00e"),
			Drilldowns:          escuDrilldowns("user"),
			RBA: risk.Spec{
				Message: "The SourceAnchor or ImmutableID attribute has been modified for user $user$ by $initiatedBy$",
				RiskObjects: []risk.RiskObject{
					{Field: "user", Type: risk.User, Score: 45},
					{Field: "initiatedBy", Type: risk.User, Score: 45},
				},
			},
			Tags: detection.Tags{
				AnalyticStory:  []string{"Azure Active Directory Persistence"},
				AssetType:      "Azure Active Directory",
				MITREAttackID:  []string{"T1098"},
				MITRETacticID:  attackTactics("T1098"),
				Product:        splunkProducts(),
				SecurityDomain: "threat",
			},
		},
	}
}
