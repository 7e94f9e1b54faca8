package detection

import (
	"strconv"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/escudo-dev/escudo/risk"
)

// Detection is one rule over events of type E, such as
// [event.SignInEvent]. It says what it is, which events match, and how
// matches are grouped; the [Engine] owns the loop, the state and the
// output, so a rule holds no per-run state. [Of] makes it a [Rule] that
// an Engine runs beside rules of other event types.
//
// Match must be safe for concurrent use, must not keep ev after it
// returns, and must not modify it: the engine shares one decoded event
// among all its detections and may call Match from several goroutines.
// A Match that panics is reported as a *[PanicError]; it does not crash
// the host.
type Detection[E any] interface {
	// Meta describes the rule: its ESCU metadata and risk spec.
	Meta() Meta
	// Match reports whether ev is one the rule is looking for: the base
	// search, before grouping.
	Match(ev *E) bool
	// Grouping says how matches are aggregated: Splunk's stats ... BY.
	Grouping() Grouping[E]
}

// Grouping is a rule's `stats <Stats> BY <By>`. Field names are the
// Splunk names of the event type's fields (for sign-ins, those of
// [event.LookupField]); the engine resolves them when it is built and
// rejects unknown ones.
//
// The stages run in SPL order: `bucket span=Span _time`, `fillnull`,
// `stats Stats BY By`, `where Where`, then Then (eventstats, eval and
// where over the whole result), then the site's suppression hook.
type Grouping[E any] struct {
	// By lists the BY fields, in order. A match whose BY field is missing,
	// null or empty is dropped, as Splunk drops events with a null BY
	// value, unless FillNull is set. A multivalue BY field puts the match
	// in one group per value. TimeField groups by the event time, or by
	// its bin when Span is set.
	By []By[E]
	// Stats lists the aggregates, in output order. The output columns of a
	// finding are the By columns, then the Stats columns.
	Stats []Stat[E]
	// Span is `bucket span=Span _time`: event times are floored to bins of
	// this length, aligned to the Unix epoch in UTC (as Splunk does for
	// spans under a day). After binning, min(_time) and max(_time) give
	// bin starts, as in Splunk. Zero means no binning.
	Span time.Duration
	// FillNull is `| fillnull` before stats: a BY field or a values/dc
	// field with no value takes the value "0" instead of dropping the
	// event. (Splunk's fillnull fills only fields that some event of the
	// result has; escudo fills every listed field, per event.)
	FillNull bool
	// Where is `| where ...` on the aggregated columns: a finding is kept
	// only if every condition holds.
	Where []Condition
	// Then, if set, post-processes all of a detection's findings at once,
	// after Where: Splunk's eventstats, eval and where over the result,
	// such as comparing each row with its source's mean and standard
	// deviation. It may drop findings and add columns; ThenColumns names
	// the columns it adds, so that risk messages may use them.
	Then func(findings []Finding) []Finding
	// ThenColumns lists the columns Then adds to findings.
	ThenColumns []string
}

// By is one BY field, with its output name: `rename Field as As`.
type By[E any] struct {
	// Field is the event field to group on, such as "userPrincipalName",
	// or TimeField. With Eval set, it is only a name.
	Field string
	// As is the output column name; empty means Field.
	As string
	// Eval, if set, computes the values instead of reading Field: Splunk's
	// eval before stats (mvappend, mvmap, concatenation). It appends the
	// event's values to dst and returns it; several values fan out as a
	// multivalue field does. It must be safe for concurrent use.
	Eval func(dst []string, ev *E) []string
}

// Op is a comparison operator of a Condition.
type Op uint8

// The comparison operators.
const (
	Greater        Op = iota + 1 // >
	GreaterOrEqual               // >=
	Less                         // <
	LessOrEqual                  // <=
	Equal                        // =
	NotEqual                     // !=
)

// String returns the operator as SPL writes it.
func (o Op) String() string {
	switch o {
	case Greater:
		return ">"
	case GreaterOrEqual:
		return ">="
	case Less:
		return "<"
	case LessOrEqual:
		return "<="
	case Equal:
		return "="
	case NotEqual:
		return "!="
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Condition is one comparison of a `where` clause on a numeric column of
// the findings, such as `count > 10` or `unique_ips > 1`.
type Condition struct {
	// Column is a numeric output column: count, a dc(), or a Then column.
	Column string
	// Op is the comparison.
	Op Op
	// Value is the number compared with.
	Value float64
}

// Holds reports whether the condition holds for f. A column that is
// missing or not a number never satisfies it, as in Splunk.
func (c Condition) Holds(f Finding) bool {
	s, ok := f.Value(c.Column)
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false
	}
	return c.holdsNumber(v)
}

func (c Condition) holdsNumber(v float64) bool {
	switch c.Op {
	case Greater:
		return v > c.Value
	case GreaterOrEqual:
		return v >= c.Value
	case Less:
		return v < c.Value
	case LessOrEqual:
		return v <= c.Value
	case Equal:
		return v == c.Value
	case NotEqual:
		return v != c.Value
	}
	return false
}

// String returns the condition as SPL writes it: "count > 10".
func (c Condition) String() string {
	return c.Column + " " + c.Op.String() + " " + strconv.FormatFloat(c.Value, 'f', -1, 64)
}

// Column returns the output column name of b.
func (b By[E]) Column() string {
	if b.As != "" {
		return b.As
	}
	return b.Field
}

// Func is an aggregate function of Splunk's stats. Each is computed by an
// accumulator of package aggregate (add, merge, result), which documents
// exactly what it computes; a new function is one accumulator there and
// one constant here.
type Func uint8

// The aggregate functions. Those that read a field ignore an event with
// no value for it (null), unless the grouping's FillNull gives it "0",
// and count each value of a multivalue field on its own.
const (
	// Count is `count`: the number of matches in the group.
	Count Func = iota + 1
	// Min is `min(X)`: with Field TimeField, the earliest event time,
	// rendered with ctime (ESCU's firstTime); with any other field, its
	// least value, numbers numerically, as [aggregate.Min].
	Min
	// Max is `max(X)`: the latest event time for TimeField (lastTime),
	// else the greatest value, as [aggregate.Max].
	Max
	// Values is `values(Field)`: the distinct values, sorted bytewise.
	Values
	// DistinctCount is `dc(Field)`: the number of distinct values.
	DistinctCount
	// CountField is `count(Field)`: the number of matches in which Field
	// has a value.
	CountField
	// List is `list(Field)`: the values in input order, the first 100.
	List
	// Earliest is `earliest(Field)`: the value at the earliest event time,
	// and Latest is `latest(Field)`: at the latest.
	Earliest
	Latest
	// Sum is `sum(Field)`, Avg is `avg(Field)` and Stdev is
	// `stdev(Field)` (the sample standard deviation), over the values that
	// are numbers, computed exactly (see [aggregate.Sum]). With no number
	// the column is null: empty text.
	Sum
	Avg
	Stdev
)

// accumulator returns the aggregate function that computes f over a
// field other than TimeField, and whether there is one.
func (f Func) accumulator() (aggregate.Func, bool) {
	switch f {
	case Count:
		return aggregate.Count, true
	case Min:
		return aggregate.Min, true
	case Max:
		return aggregate.Max, true
	case Values:
		return aggregate.Values, true
	case DistinctCount:
		return aggregate.DistinctCount, true
	case CountField:
		return aggregate.CountField, true
	case List:
		return aggregate.List, true
	case Earliest:
		return aggregate.Earliest, true
	case Latest:
		return aggregate.Latest, true
	case Sum:
		return aggregate.Sum, true
	case Avg:
		return aggregate.Avg, true
	case Stdev:
		return aggregate.Stdev, true
	}
	return 0, false
}

// String returns the SPL name of the function: "count", "dc", "avg"...
func (f Func) String() string {
	if a, ok := f.accumulator(); ok {
		return a.String()
	}
	return "Func(" + strconv.Itoa(int(f)) + ")"
}

// TimeField is the field name of the event time, for Min and Max.
const TimeField = "_time"

// Stat is one aggregate of a Grouping, such as `min(_time) as firstTime`.
type Stat[E any] struct {
	// Func is the aggregate function.
	Func Func
	// Field is its argument: an event field, or TimeField for Min and
	// Max of the event time; empty for Count.
	Field string
	// As is the output column name; empty means the SPL default, such as
	// "count" or "values(ipAddress)".
	As string
	// Eval, if set, computes the values of a function that reads a field
	// instead of reading Field (see By.Eval): Splunk's
	// values(eval(...)).
	Eval func(dst []string, ev *E) []string
}

// Column returns the output column name of s.
func (s Stat[E]) Column() string {
	if s.As != "" {
		return s.As
	}
	if s.Func == Count || s.Func == CountField && s.Field == "" {
		return "count"
	}
	return s.Func.String() + "(" + s.Field + ")"
}

// Meta carries every field of an ESCU detection's YAML, so a rule's
// documentation, drilldowns and risk configuration travel with its code.
type Meta struct {
	// ID is the detection's GUID.
	ID string
	// Name is the detection's name; it must be unique within an engine.
	Name string
	// Version is the detection's version number.
	Version int
	// Date is the date of this version, as YYYY-MM-DD.
	Date string
	// Author names the authors.
	Author string
	// Status is production, experimental or deprecated.
	Status string
	// Type is the ESCU analytic type: TTP, Anomaly, Hunting, Correlation.
	Type string
	// DataSource lists the data sources the detection reads.
	DataSource []string
	// Description says what the detection finds and why it matters.
	Description string
	// Search is the SPL the detection implements, for reference.
	Search string
	// HowToImplement says what data the detection needs.
	HowToImplement string
	// KnownFalsePositives says what benign activity can match.
	KnownFalsePositives string
	// References lists links for further reading.
	References []string
	// Drilldowns are the searches an analyst runs from a finding.
	Drilldowns []Drilldown
	// RBA is the risk-based-alerting spec; a detection with no risk
	// objects (a Hunting search) writes no risk events.
	RBA risk.Spec
	// Tags are the ESCU tags.
	Tags Tags
	// SavedSearchName is the name of the Splunk saved search, and the
	// search_name of its risk events; empty means "ESCU - <Name> - Rule",
	// the name ESCU content gets. Set it for rules that are not ESCU's.
	SavedSearchName string
}

// Drilldown is one of an ESCU detection's drilldown searches.
type Drilldown struct {
	// Name is the drilldown's title, with $field$ tokens.
	Name string
	// Search is the drilldown's SPL.
	Search string
	// EarliestOffset is the start of its time range, such as "$info_min_time$".
	EarliestOffset string
	// LatestOffset is the end of its time range.
	LatestOffset string
}

// Tags are an ESCU detection's tags.
type Tags struct {
	// AnalyticStory lists the analytic stories the detection belongs to.
	AnalyticStory []string
	// AssetType is the kind of asset watched, such as "O365 Tenant".
	AssetType string
	// MITREAttackID lists MITRE ATT&CK technique IDs, such as "T1528".
	MITREAttackID []string
	// MITRETacticID lists the ATT&CK tactic IDs of those techniques, such
	// as "TA0006" (Credential Access). ESCU content gets them from an
	// enrichment lookup; escudo carries them with the rule, so nothing is
	// looked up over the network.
	MITRETacticID []string
	// Product lists the Splunk products the detection runs on.
	Product []string
	// SecurityDomain is the ES security domain, such as "identity".
	SecurityDomain string
}

// SearchName returns the saved-search name of the detection, the
// search_name of its findings and risk events: SavedSearchName, or
// "ESCU - <Name> - Rule" when that is empty.
func (m *Meta) SearchName() string {
	if m.SavedSearchName != "" {
		return m.SavedSearchName
	}
	return "ESCU - " + m.Name + " - Rule"
}
