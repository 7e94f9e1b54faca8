package rules

import (
	"strconv"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/spl"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// IPLocation is what Splunk's iplocation command adds to a result for an
// address: its City, Country, Region, lat and lon fields.
type IPLocation struct {
	City, Country, Region string
	Lat, Lon              float64
}

// IPLocator finds where an address is, as the GeoIP database behind
// Splunk's iplocation does; ok is false for an address it does not know.
// It must be safe for concurrent use.
type IPLocator func(ip string) (loc IPLocation, ok bool)

// ipLocationColumns are the fields iplocation adds, in the order escudo
// puts them after the stats columns.
func ipLocationColumns() []string { return []string{"City", "Country", "Region", "lat", "lon"} }

// iplocation is `| iplocation <field>` over a rule's findings: each gets
// the ipLocationColumns, empty when locate is nil, the field has no
// value, or locate does not know it (Splunk leaves them empty for an
// address its database lacks [unverified: empty rather than absent]).
// It returns new findings and leaves fs as it is.
func iplocation(field string, locate IPLocator) func(fs []detection.Finding) []detection.Finding {
	return func(fs []detection.Finding) []detection.Finding {
		out := make([]detection.Finding, len(fs))
		for i, f := range fs {
			var loc IPLocation
			ok := false
			if ip, has := f.Value(field); has && ip != "" && locate != nil {
				loc, ok = locate(ip)
			}
			vals := []string{loc.City, loc.Country, loc.Region, "", ""}
			if ok {
				vals[3], vals[4] = strconv.FormatFloat(loc.Lat, 'f', -1, 64), strconv.FormatFloat(loc.Lon, 'f', -1, 64)
			}
			cols := append([]detection.Column(nil), f.Columns...)
			for j, name := range ipLocationColumns() {
				c := detection.Column{Name: name, Kind: detection.Text}
				if vals[j] != "" {
					c.Values = []string{vals[j]}
				}
				cols = append(cols, c)
			}
			f.Columns = cols
			out[i] = f
		}
		return out
	}
}

// AzureADAzureHoundUserAgentDetected is ESCU's "Azure AD AzureHound
// UserAgent Detected" (d62852db-a1f1-40db-a7fc-c3d56fa8bda3, version 4),
// a search over two event types:
//
//	`azure_monitor_aad` category IN (MicrosoftGraphActivityLogs, NonInteractiveUserSignInLogs)
//	  properties.userAgent=azurehound*
//	| rename properties.userAgent as user_agent | fillnull
//	| stats count min(_time) as firstTime max(_time) as lastTime
//	  by dest user src vendor_account vendor_product user_agent signature
//	| iplocation src
//
// It is one detection.Union of a Graph activity detection and a sign-in
// detection with the same grouping, so the requests and sign-ins of one
// tenant, user, address and user agent make one row. The wildcard term
// matches the user agent's start without regard to case, as Splunk's
// search does; the categories are compared exactly. For Graph activity
// records the add-on sets no CIM user, so their rows have user "0"
// (fillnull), and sign-ins, with their user's UPN, make rows of their
// own.
//
// iplocation needs a GeoIP database, which escudo does not ship: locate
// is that database. With nil (as rules.All has it), or for an address it
// does not know, the City, Country, Region, lat and lon columns are
// empty. No risk field reads them.
func AzureADAzureHoundUserAgentDetected(locate IPLocator) detection.Rule {
	hound := spl.NewWildcard("azurehound*", spl.WildcardOptions{})
	cims := []string{"dest", "user", "src", "vendor_account", "vendor_product"}
	then := iplocation("src", locate)
	meta := azureHoundMeta()
	graph := detection.Def[event.GraphActivityEvent]{
		When: func(ev *event.GraphActivityEvent) bool {
			return ev.Envelope.Category == "MicrosoftGraphActivityLogs" && hound.Match(ev.UserAgent)
		},
		Group: azureHoundGrouping[event.GraphActivityEvent](cims, "userAgent", then),
		Lits:  []string{"MicrosoftGraphActivityLogs"},
		Info:  meta,
	}
	signIns := detection.Def[event.SignInEvent]{
		When: func(ev *event.SignInEvent) bool {
			return ev.Envelope.Category == "NonInteractiveUserSignInLogs" && hound.Match(ev.UserAgent)
		},
		Group: azureHoundGrouping[event.SignInEvent](cims, "userAgent", then),
		Lits:  []string{"NonInteractiveUserSignInLogs"},
		Reads: []string{"category", "userAgent"},
		Info:  meta,
	}
	return detection.Union(detection.Of(graph), detection.Of(signIns))
}

// azureHoundGrouping is the rule's grouping over one event type: the CIM
// BY fields, userAgent as user_agent, signature, then count and the
// times, filled, with iplocation after.
func azureHoundGrouping[E any](cims []string, userAgent string, then func([]detection.Finding) []detection.Finding) detection.Grouping[E] {
	var by []detection.By[E]
	for _, f := range cims {
		by = append(by, detection.By[E]{Field: f})
	}
	by = append(by, detection.By[E]{Field: userAgent, As: "user_agent"}, detection.By[E]{Field: "signature"})
	return detection.Grouping[E]{
		By: by,
		Stats: []detection.Stat[E]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
		FillNull:    true,
		Then:        then,
		ThenColumns: ipLocationColumns(),
	}
}

// azureHoundMeta is the rule's metadata, which both parts of the union
// carry.
func azureHoundMeta() detection.Meta {
	return detection.Meta{
		ID: "d62852db-a1f1-40db-a7fc-c3d56fa8bda3", Name: "Azure AD AzureHound UserAgent Detected",
		Version: 4, Date: "2025-05-02", Author: "Dean Luxton (ESCU content); escudo implementation",
		Status: "production", Type: "TTP",
		DataSource: []string{"Azure Active Directory NonInteractiveUserSignInLogs", "Azure Active Directory MicrosoftGraphActivityLogs"},
		Description: "Finds Microsoft Graph requests and non-interactive sign-ins made with AzureHound's default user " +
			"agent. AzureHound maps an Entra ID tenant (users, groups, roles, applications and their permissions) " +
			"for BloodHound; auditors use it, and so do attackers planning their next step.",
		Search: "`azure_monitor_aad` category IN (MicrosoftGraphActivityLogs, NonInteractiveUserSignInLogs) properties.userAgent=azurehound*\n" +
			"| rename properties.userAgent as user_agent | fillnull\n" +
			"| stats count min(_time) as firstTime max(_time) as lastTime by dest user src vendor_account vendor_product user_agent signature\n" +
			"| iplocation src | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `azure_ad_azurehound_useragent_detected_filter`",
		HowToImplement: "Needs Entra ID non-interactive sign-in logs and Microsoft Graph activity logs (the NonInteractiveUserSignInLogs " +
			"and MicrosoftGraphActivityLogs categories of a diagnostic setting, or their Log Analytics tables); escudo reads " +
			"both in one pass. iplocation's columns need a GeoIP database, given as the rule's IPLocator.",
		KnownFalsePositives: "Authorised security assessments run AzureHound; check the user and address against the testing schedule.",
		References:          escuReferences("d62852db-a1f1-40db-a7fc-c3d56fa8bda3"),
		Drilldowns:          escuDrilldowns("user"),
		RBA: risk.Spec{
			Message:       "AzureHound UserAgent String $user_agent$ Detected on Tenant $dest$",
			RiskObjects:   []risk.RiskObject{{Field: "user", Type: risk.User, Score: 80}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Privilege Escalation", "Compromised User Account"},
			AssetType:      "Azure Tenant",
			MITREAttackID:  []string{"T1087.004", "T1526"},
			MITRETacticID:  attackTactics("T1087.004", "T1526"),
			Product:        splunkProducts(),
			SecurityDomain: "identity",
		},
	}
}
