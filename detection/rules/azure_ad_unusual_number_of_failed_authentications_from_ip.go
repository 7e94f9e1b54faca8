package rules

import (
	"math"
	"strconv"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// AzureADUnusualNumberOfFailedAuthenticationsFromIP returns Splunk ESCU's
// "Azure AD Unusual Number of Failed Authentications From Ip" (version 9,
// 2025-05-02): a 5-minute window in which one source IP's wrong-password
// sign-ins (AADSTS50126) name more than 10 distinct accounts and at least
// three sample standard deviations above that source's mean, a sign of
// password spraying.
//
//	`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126
//	  properties.authenticationDetails{}.succeeded=false
//	| rename properties.* as * | bucket span=5m _time
//	| stats dc(userPrincipalName) AS unique_accounts
//	  values(userPrincipalName) as userPrincipalName values(dest) as dest
//	  values(user) as user
//	  by _time, src, vendor_account, vendor_product
//	| eventstats avg(unique_accounts) as ip_avg, stdev(unique_accounts) as ip_std by src
//	| eval upperBound=(ip_avg+ip_std*3)
//	| eval isOutlier=if(unique_accounts > 10 and unique_accounts >= upperBound, 1,0)
//	| where isOutlier = 1
//
// The output columns are _time, src, vendor_account, vendor_product,
// unique_accounts, userPrincipalName, dest, user, then the columns of the
// second stage: ip_avg, ip_std, upperBound and isOutlier (always 1 in a
// kept row). src, dest, user, vendor_account and vendor_product are the
// CIM fields of azure:monitor:aad (see event.LookupField); _time is the
// 5-minute bin (epoch-aligned, UTC) of createdDateTime. The rule has no
// fillnull: an event missing a BY field (such as a record without a
// tenantId, hence without vendor_account) is dropped, and one without a
// userPrincipalName adds nothing to unique_accounts.
//
// The second stage is the rule's Then: per src, over that source's
// windows, ip_avg is the mean of unique_accounts and ip_std their sample
// standard deviation (divided by n-1), as Splunk's stdev computes it.
// A window can be at most (n-1)/sqrt(n) sample standard deviations above
// the mean of n windows, so a source reaches its upper bound only with 11
// or more windows, or when all its windows have the same count (stdev 0).
// Numbers are written in Go's shortest decimal form (1.9166666666666667).
// The sums run over the source's windows in time order, and float
// addition is not associative, so the last digit of ip_std can depend on
// that order; how Splunk sums, and how many digits it prints, is
// unverified.
//
// For a source with a single window (n=1) the sample standard deviation
// is undefined. escudo takes it as 0 [unverified: reference §5 expects
// Splunk to give 0 or null]. So upperBound equals unique_accounts, and a
// lone window with more than 10 accounts is an outlier. Had Splunk given
// null, upperBound would be null, the comparison false, and the row
// dropped.
//
// The ESCU facts (id, version, date, type, status, data source, stories,
// MITRE IDs, SPL, RBA block, and the security domain "access", which ESCU
// gives this rule) are ESCU's; the description, how-to-implement and
// known-false-positives text is escudo's own summary.
//
// Deviations: none from the SPL; the n=1 standard deviation above is a
// choice where Splunk's result is unverified.
func AzureADUnusualNumberOfFailedAuthenticationsFromIP() detection.Detection[event.SignInEvent] {
	return unusualFailedFromIP{}
}

type unusualFailedFromIP struct{}

func (unusualFailedFromIP) Match(ev *event.SignInEvent) bool { return failedPasswordMatch(ev) }

// Literals implements detection.Literals, for the engine's prefilter.
func (unusualFailedFromIP) Literals() []string { return failedLiterals() }

// Fields implements detection.Fields: what failedPasswordMatch reads.
func (unusualFailedFromIP) Fields() []string { return failedFields() }

func (unusualFailedFromIP) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{
			{Field: detection.TimeField},
			{Field: "src"},
			{Field: "vendor_account"},
			{Field: "vendor_product"},
		},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.DistinctCount, Field: "userPrincipalName", As: "unique_accounts"},
			{Func: detection.Values, Field: "userPrincipalName", As: "userPrincipalName"},
			{Func: detection.Values, Field: "dest", As: "dest"},
			{Func: detection.Values, Field: "user", As: "user"},
		},
		Span:        5 * time.Minute,
		Then:        unusualFailedOutliers,
		ThenColumns: []string{"ip_avg", "ip_std", "upperBound", "isOutlier"},
	}
}

// unusualFailedMin is the SPL's fixed floor: unique_accounts > 10.
const unusualFailedMin = 10

// unusualFailedOutliers is the rule's second stage: eventstats avg and
// stdev of unique_accounts by src, the upper bound, and the outlier test.
// It keeps the input order and returns new findings, leaving fs as it is.
func unusualFailedOutliers(fs []detection.Finding) []detection.Finding {
	type moments struct {
		n        int
		sum, dev float64 // sum of values; sum of squared deviations
	}
	per := make(map[string]*moments)
	vals := make([]float64, len(fs))
	numeric := make([]bool, len(fs))
	srcs := make([]string, len(fs))
	for i, f := range fs {
		srcs[i], _ = f.Value("src")
		s, ok := f.Value("unique_accounts")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			continue // avg and stdev ignore non-numbers, as in Splunk
		}
		vals[i], numeric[i] = v, true
		m := per[srcs[i]]
		if m == nil {
			m = &moments{}
			per[srcs[i]] = m
		}
		m.n++
		m.sum += v
	}
	// Two passes: deviations from the mean, not sums of squares, so that
	// equal counts give a deviation of exactly 0.
	for i := range fs {
		if numeric[i] {
			m := per[srcs[i]]
			d := vals[i] - m.sum/float64(m.n)
			m.dev += d * d
		}
	}
	var out []detection.Finding
	for i, f := range fs {
		if !numeric[i] {
			continue // a null comparison is false: isOutlier=0
		}
		m := per[srcs[i]]
		avg := m.sum / float64(m.n)
		std := 0.0 // n=1: taken as 0 [unverified]
		if m.n > 1 {
			std = math.Sqrt(m.dev / float64(m.n-1))
		}
		upper := avg + std*3
		if !(vals[i] > unusualFailedMin && vals[i] >= upper) {
			continue
		}
		g := f.Clone()
		g.Columns = append(g.Columns,
			detection.Column{Name: "ip_avg", Kind: detection.Number, Values: []string{unusualFailedNumber(avg)}},
			detection.Column{Name: "ip_std", Kind: detection.Number, Values: []string{unusualFailedNumber(std)}},
			detection.Column{Name: "upperBound", Kind: detection.Number, Values: []string{unusualFailedNumber(upper)}},
			detection.Column{Name: "isOutlier", Kind: detection.Number, Values: []string{"1"}},
		)
		out = append(out, g)
	}
	return out
}

func unusualFailedNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func (unusualFailedFromIP) Meta() detection.Meta {
	mitre := []string{"T1110.003", "T1110.004", "T1586.003"}
	return detection.Meta{
		ID:         "3d8d3a36-93b8-42d7-8d91-c5f24cec223d",
		Name:       "Azure AD Unusual Number of Failed Authentications From Ip",
		Version:    9,
		Date:       "2025-05-02",
		Author:     "Splunk (ESCU content); escudo implementation",
		Status:     "production",
		Type:       "Anomaly",
		DataSource: []string{"Azure Active Directory"},
		Description: "The search finds 5-minute windows in which one source IP's failed interactive Entra ID sign-ins for a wrong username or password " +
			"(AADSTS50126, with a failed authentication step) name more than 10 distinct accounts, and at least three standard deviations more " +
			"than that source's average window in the search range. " +
			"Measuring each source against its own baseline picks out a sudden spray of guesses across many accounts, " +
			"while an address that always carries many failures stays quiet.",
		Search: "`azure_monitor_aad` category=SignInLogs properties.status.errorCode=50126 properties.authenticationDetails{}.succeeded=false " +
			"| rename properties.* as * | bucket span=5m _time " +
			"| stats dc(userPrincipalName) AS unique_accounts values(userPrincipalName) as userPrincipalName values(dest) as dest  values(user) as user " +
			"by _time, src, vendor_account, vendor_product " +
			"| eventstats avg(unique_accounts) as ip_avg, stdev(unique_accounts) as ip_std by src " +
			"| eval upperBound=(ip_avg+ip_std*3) " +
			"| eval isOutlier=if(unique_accounts > 10 and unique_accounts >= upperBound, 1,0) " +
			"| where isOutlier = 1 | `azure_ad_unusual_number_of_failed_authentications_from_ip_filter`",
		HowToImplement: failedHowToImplement + " The baseline is the search's own time range, so run it over enough windows (an hour or more) " +
			"for the standard deviation to mean something.",
		KnownFalsePositives: "A shared egress address (a proxy, NAT gateway or VPN) with little traffic most of the time can spike when many users " +
			"mistype passwords at once, for example after a forced password change; a single busy window from a new address is flagged too.",
		References: escuReferences("3d8d3a36-93b8-42d7-8d91-c5f24cec223d"),
		Drilldowns: escuDrilldowns("userPrincipalName"),
		RBA: risk.Spec{
			Message:       "Possible Password Spraying attack against Azure AD from source ip $src$",
			RiskObjects:   []risk.RiskObject{{Field: "userPrincipalName", Type: risk.User, Score: 54}},
			ThreatObjects: []risk.ThreatObject{{Field: "src", Type: risk.IPAddress}},
		},
		Tags: detection.Tags{
			AnalyticStory:  []string{"Azure Active Directory Account Takeover"},
			AssetType:      "Azure Active Directory",
			MITREAttackID:  mitre,
			MITRETacticID:  attackTactics(mitre...),
			Product:        splunkProducts(),
			SecurityDomain: "access",
		},
	}
}
