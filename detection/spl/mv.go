package spl

// Multivalue eval functions. Source for this file: Splunk Search Reference
// 10.0, "Multivalue eval functions",
// https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/multivalue-eval-functions
//
// A multivalue is a []string in value order; nil or empty is Splunk's NULL
// (no value). Results that are subsets of the input share its backing
// array; copy them before changing their elements.

// MVIndex is mvindex(mv, i): the value at index i, and whether there is
// one.
//
// Indexes start at zero, and a negative index counts from the end: -1 is
// the last value, -len(mv) the first. An index out of range gives no value
// (Splunk's NULL), as does a field with no values. So the ESCU idiom
// mvindex(x, -1), reached when an mvfind found nothing and if() chose -1,
// returns the LAST value, not NULL [verified: Multivalue eval functions,
// mvindex, "Both the <start> and <end> arguments can be negative. An index
// of -1 is used to specify the last value in the list. If the indexes are
// out of range or invalid, the result is NULL."].
func MVIndex(mv []string, i int) (string, bool) {
	if i < 0 {
		i += len(mv)
	}
	if i < 0 || i >= len(mv) {
		return "", false
	}
	return mv[i], true
}

// MVSlice is mvindex(mv, start, end): the values from start to end, both
// inclusive, with negative indexes counting from the end as in [MVIndex].
// It returns nil (NULL) when either index is out of range or start comes
// after end [verified: Multivalue eval functions, mvindex: "the range of
// values from <start> to <end> are included", and the out-of-range rule
// quoted at MVIndex]. Whether Splunk clamps an end past the last value
// instead of returning NULL is [unverified]; this follows the page and
// returns nil. The result shares mv's backing array.
func MVSlice(mv []string, start, end int) []string {
	n := len(mv)
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	if start < 0 || end < 0 || start >= n || end >= n || start > end {
		return nil
	}
	return mv[start : end+1 : end+1]
}

// MVCount is mvcount(mv): the number of values, and false for a field with
// no values, where Splunk returns NULL rather than 0 [verified: Multivalue
// eval functions, mvcount: "If the field has no values, this function
// returns NULL."]. ESCU writes coalesce(mvcount(x), 0) to get 0; in Go that
// is just len(mv).
func MVCount(mv []string) (int, bool) {
	return len(mv), len(mv) > 0
}

// MVAppend is mvappend(values...): all the values of all the arguments,
// in argument order, as one new multivalue [verified: Multivalue eval
// functions, mvappend]. Arguments with no values contribute nothing; the
// result is nil when no argument has a value. The result never shares an
// argument's backing array.
func MVAppend(mvs ...[]string) []string {
	n := 0
	for _, mv := range mvs {
		n += len(mv)
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for _, mv := range mvs {
		out = append(out, mv...)
	}
	return out
}

// MVFind is mvfind(mv, regex): the index of the first value that re
// matches (unanchored, see [Regex.Match]), and false when none does,
// where Splunk returns NULL [verified: Multivalue eval functions, mvfind:
// "If a match exists, the index of the first matching value is returned
// (beginning with zero). If no values match, NULL is returned."].
//
// ESCU's idiom if(mvfind(x, re) >= 0, mvfind(x, re), -1) is
//
//	i, ok := spl.MVFind(x, re)
//	if !ok {
//		i = -1
//	}
//
// because if() returns its false value when the predicate is not true,
// and NULL >= 0 is not true (see [If]).
func MVFind(mv []string, re *Regex) (int, bool) {
	for i, v := range mv {
		if re.Match(v) {
			return i, true
		}
	}
	return 0, false
}

// MVFilter is mvfilter(predicate): the values of mv for which keep
// returns true, in order, as a new multivalue, or nil when none is kept
// [verified: Multivalue eval functions, mvfilter: it "filters a
// multivalue field based on an arbitrary Boolean expression" that
// references one field]. The ESCU form mvfilter(match(x, "AppRole.Value"))
// is spl.MVFilter(x, re.Match).
//
// Splunk notes that mvfilter also returns the field's NULL values; escudo
// multivalues hold no NULLs, so there is nothing to return.
func MVFilter(mv []string, keep func(string) bool) []string {
	var out []string
	for _, v := range mv {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
