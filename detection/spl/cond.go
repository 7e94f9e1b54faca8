package spl

// Comparison and conditional functions. Source for this file: Splunk
// Search Reference 10.0, "Comparison and Conditional functions",
// https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/comparison-and-conditional-functions
// (match() is [Regex.Match], like() is [Like]).
//
// case(...) is not provided: no azure_monitor_aad search calls it (the
// add-on's case() for the TA fields lives with the event model), and a Go
// switch says the same thing.

// If is if(predicate, true_value, false_value): a when cond is true, b
// otherwise [verified: Comparison and Conditional functions, if: "If the
// <predicate> expression evaluates to TRUE, returns the <true_value>,
// otherwise the function returns the <false_value>."]. A predicate on a
// NULL (such as mvfind(...) >= 0 when mvfind found nothing) is not TRUE,
// so it selects b: compute cond as false in that case.
func If[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

// Coalesce is coalesce(values...) over single values: the first argument
// that has a value, and whether there is one [verified: Comparison and
// Conditional functions, coalesce: "takes one or more values and returns
// the first value that is not NULL"]. escudo's "" is NULL, so Coalesce
// skips empty strings.
func Coalesce(values ...string) (string, bool) {
	for _, v := range values {
		if v != "" {
			return v, true
		}
	}
	return "", false
}

// CoalesceMV is coalesce(values...) over multivalue fields: the first
// argument with at least one value, whole, or nil. ESCU's
// coalesce(user, mvindex('targetResources{}.displayName', 0)) is
//
//	user := spl.CoalesceMV(userValues, spl.MVSlice(names, 0, 0))
//
// The result shares the chosen argument's backing array.
func CoalesceMV(values ...[]string) []string {
	for _, v := range values {
		if len(v) > 0 {
			return v
		}
	}
	return nil
}
