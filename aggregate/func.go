package aggregate

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Func is a stats function. Each one is computed by a mergeable
// accumulator (see [Accumulator]); the constants document exactly what
// each computes.
type Func uint8

// The stats functions. In every function that reads a field, an empty
// string is a null and is ignored, and each value of a multivalue field
// counts on its own.
const (
	// Count is `count`: the number of observations.
	Count Func = iota + 1
	// CountField is `count(X)`: the number of observations in which X has
	// at least one value. (Splunk may count each value of a multivalue
	// field instead [unverified].)
	CountField
	// DistinctCount is `dc(X)`: the number of distinct values, compared
	// as strings, so "1", "1.0" and "01" are three (Splunk, "Statistical
	// and charting functions", How field values are processed).
	DistinctCount
	// Values is `values(X)`: the distinct values, sorted bytewise
	// ascending ("10" before "9", "B" before "a"). Splunk sorts them
	// lexicographically and sets no limit by default ("Multivalue stats
	// and chart functions").
	Values
	// List is `list(X)`: the values in the order they were added, the
	// first 100 only (Splunk: "If more than 100 values are in a field,
	// only the first 100 are returned", "Multivalue stats and chart
	// functions"). Merge appends the other accumulator's values after
	// the receiver's, so merging the parts of an input in input order
	// gives the list of the whole; in any other order the list is as
	// deterministic, but ordered by merge.
	List
	// Min is `min(X)` of any field, and Max is `max(X)`. Values that are
	// numbers (see [ParseNumber]) compare numerically; other values
	// compare bytewise; and every number is below every other value. So
	// min of a mix is the smallest number and max of a mix is the
	// greatest string. Splunk's stats docs say min and max "process
	// values as numbers if possible" ("Statistical and charting
	// functions"), and its eval min and max say "Strings are greater than
	// numbers" ("Statistical eval functions"); that stats orders a mix
	// the same way is [unverified]. Numerically equal values ("1", "1.0",
	// "01") are ordered bytewise, so the result is always one of the
	// values as it was added, the same whatever the order of the input.
	Min
	Max
	// Earliest is `earliest(X)`: the value of X at the earliest
	// observation time, and Latest is `latest(X)`: at the latest.
	// Values at the same instant are ordered bytewise, and Earliest takes
	// the smallest, Latest the greatest, so the result depends only on
	// what was added. (Splunk: "the chronologically earliest seen
	// occurrence of a value", "Time functions"; how it breaks ties is
	// [unverified].)
	Earliest
	Latest
	// Sum is `sum(X)`, Avg is `avg(X)` and Stdev is `stdev(X)`, over the
	// values that are numbers (see [ParseNumber]); others are ignored
	// (Splunk: "any non-numeric values are ignored", "Statistical and
	// charting functions"). With no number they are null.
	//
	// The numbers are summed exactly (their squares too), so results
	// depend only on the multiset of numbers, never on the order of the
	// input or of the merges. Sum is the exact sum rounded once to a
	// float64: 0.1+0.2+0.3 is 0.6. Avg is the exact sum divided by the
	// count, rounded once. Stdev is the sample standard deviation
	// (divided by n-1): n·M2 = n·Σx² − (Σx)² is computed exactly and
	// rounded once, then divided by n(n−1) and square-rooted in float64,
	// so it is within an ulp or two of the exact value, and exactly 0 for
	// equal numbers. A single number has Stdev 0
	// [unverified: Splunk may give 0 or null; 0 is what the detection
	// engine's own stdev takes]. Splunk's docs show avg of 100 × 3.99 as
	// 3.9900000000000055 ("Aggregate functions"), the mark of a running
	// float64 sum; escudo gives 3.99 there, so results can differ from
	// Splunk's in the last digits.
	Sum
	Avg
	Stdev
	// MinTime is `min(_time)` and MaxTime is `max(_time)`: the earliest
	// and latest observation time, the firstTime and lastTime of ESCU
	// searches. They read no field.
	MinTime
	MaxTime
)

// funcInfo is what the package knows of a function besides its state
// type.
type funcInfo struct {
	name string
	// field reports whether the function reads a value field; Count,
	// MinTime and MaxTime read only the observation, and live in the
	// group header of a table.
	field bool
	// kind says which specs of a table share a column.
	kind stateKind
	// newState returns an empty state of the function alone, and
	// newColumn an empty table column of them.
	newState  func() state
	newColumn func() column
}

// stateKind says which specs of a table share a column: two specs on the
// same field whose functions have the same kind (other than kindOwn)
// read one state.
type stateKind uint8

const (
	kindOwn     stateKind = iota // the function's own state
	kindSet                      // dc and values: a set
	kindSum                      // sum and avg: a count and a sum
	kindMoments                  // stdev, which also serves sum and avg of its field
)

// info returns f's entry: the one place that lists the functions.
// Adding a stats function is adding its constant, its state type (see
// state.go) and a case here.
func (f Func) info() funcInfo {
	switch f {
	case Count:
		return funcInfo{name: "count", newState: stateOf[countState]}
	case CountField:
		return funcInfo{name: "count", field: true, newState: stateOf[countFieldState], newColumn: colOf[countFieldState]}
	case DistinctCount:
		return funcInfo{name: "dc", field: true, kind: kindSet, newState: stateOf[setState], newColumn: newSetColumn}
	case Values:
		return funcInfo{name: "values", field: true, kind: kindSet, newState: stateOf[setState], newColumn: newSetColumn}
	case List:
		return funcInfo{name: "list", field: true, newState: stateOf[listState], newColumn: colOf[listState]}
	case Min:
		return funcInfo{name: "min", field: true, newState: stateOf[minState], newColumn: colOf[minState]}
	case Max:
		return funcInfo{name: "max", field: true, newState: stateOf[maxState], newColumn: colOf[maxState]}
	case Earliest:
		return funcInfo{name: "earliest", field: true, newState: stateOf[earliestState], newColumn: colOf[earliestState]}
	case Latest:
		return funcInfo{name: "latest", field: true, newState: stateOf[latestState], newColumn: colOf[latestState]}
	case Sum:
		return funcInfo{name: "sum", field: true, kind: kindSum, newState: stateOf[sumState], newColumn: colOf[sumState]}
	case Avg:
		return funcInfo{name: "avg", field: true, kind: kindSum, newState: stateOf[sumState], newColumn: colOf[sumState]}
	case Stdev:
		return funcInfo{name: "stdev", field: true, kind: kindMoments, newState: stateOf[stdevState], newColumn: colOf[stdevState]}
	case MinTime:
		return funcInfo{name: "min", newState: stateOf[minTimeState]}
	case MaxTime:
		return funcInfo{name: "max", newState: stateOf[maxTimeState]}
	}
	return funcInfo{}
}

// valid reports whether f is one of the declared functions.
func (f Func) valid() bool { return f.info().newState != nil }

// readsField reports whether f reads a value field.
func (f Func) readsField() bool { return f.info().field }

// String returns the SPL name of the function: "count", "dc", "min"...
// CountField is "count" and MinTime and MaxTime are "min" and "max", as
// in SPL, where the argument tells them apart.
func (f Func) String() string {
	if !f.valid() {
		return "Func(" + strconv.Itoa(int(f)) + ")"
	}
	return f.info().name
}

// Spec is one stats function of a table: the function and the value
// field it reads. Field is empty for [Count], [MinTime] and [MaxTime]
// and required for every other function.
type Spec struct {
	Func  Func
	Field string
}

// String returns the spec in SPL form: "count", "dc(src)",
// "min(_time)".
func (s Spec) String() string {
	switch s.Func {
	case Count:
		return "count"
	case MinTime:
		return "min(_time)"
	case MaxTime:
		return "max(_time)"
	}
	return s.Func.String() + "(" + s.Field + ")"
}

// Kind is the type of a [Value].
type Kind uint8

// The kinds of value a stats function returns.
const (
	// KindNull is no value: avg of no number, earliest of no value.
	KindNull Kind = iota
	// KindNumber is a number in Value.Num: count, count(X), dc, sum, avg,
	// stdev.
	KindNumber
	// KindText is one of the added values, as it was added, in Value.Str:
	// min, max, earliest, latest.
	KindText
	// KindMulti is a list of values in Value.List: values, list. An empty
	// list is KindNull.
	KindMulti
	// KindTime is an observation time in Value.Time, in UTC: min(_time),
	// max(_time).
	KindTime
)

// Value is the result of one stats function for one group. It is plain
// data: only the field of its Kind is set, and List is the caller's own.
type Value struct {
	Kind Kind
	Num  float64
	Str  string
	List []string
	Time time.Time
}

// Float returns the value as a number: Num for KindNumber, the value
// parsed by [ParseNumber] for KindText, the Unix time in seconds for
// KindTime (what Splunk's _time holds). ok is false for anything else.
func (v Value) Float() (f float64, ok bool) {
	switch v.Kind {
	case KindNumber:
		return v.Num, true
	case KindText:
		return ParseNumber(v.Str)
	case KindTime:
		return float64(v.Time.Unix()) + float64(v.Time.Nanosecond())/1e9, true
	}
	return 0, false
}

// String returns the value as a Splunk result cell shows it: a number
// by [FormatNumber], text as it is, a list one value per line, a time
// as Unix seconds (ESCU searches then format it with ctime), and null
// as "".
func (v Value) String() string {
	switch v.Kind {
	case KindNumber:
		return FormatNumber(v.Num)
	case KindText:
		return v.Str
	case KindMulti:
		return strings.Join(v.List, "\n")
	case KindTime:
		s := strconv.FormatInt(v.Time.Unix(), 10)
		if ns := v.Time.Nanosecond(); ns != 0 {
			s += strings.TrimRight("."+strconv.FormatInt(int64(ns)+1e9, 10)[1:], "0")
		}
		return s
	}
	return ""
}

// FormatNumber formats a stats result the way the detection engine
// prints numbers: the shortest decimal that reads back as the same
// float64, without an exponent, so a count or a sum of integers has no
// ".0" (6), an average is 2.5, and a standard deviation shows every
// digit it has (1.2909944487358056). Negative zero prints as 0. Splunk's
// own docs show an average as 3.9900000000000055 ("Aggregate functions",
// avg), which is this form; how it prints very large or very small
// numbers is [unverified].
func FormatNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// ParseNumber reports whether s is a number to the numeric stats
// functions (min, max, sum, avg, stdev) and returns its value. A number
// is a decimal with an optional sign, digits with an optional fraction
// (or a fraction alone), and an optional exponent: "7", "-0.5", "+.5",
// "007", "1e3", "2.50E-3". Nothing else is a number: no spaces, no
// "0x10", no "1_000", no "Inf" or "NaN", nor a decimal too large for a
// float64 ("1e400"); one too small reads as 0. Splunk's exact rule is
// [unverified].
func ParseNumber(s string) (float64, bool) {
	if !isDecimal(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// isDecimal reports whether s matches [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
