package spl

import (
	"strings"
	"unicode/utf8"
)

// Text functions. Source for this file unless noted: Splunk Search
// Reference 10.0, "Text functions",
// https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/text-functions
// (replace() is [CompileReplace]; split() is documented with the
// multivalue functions).

// DefaultTrimChars is what trim, ltrim and rtrim remove when called
// without a second argument: spaces and tabs [verified: Text functions,
// trim: "If not specified, spaces and tabs are removed from both sides of
// the string."].
const DefaultTrimChars = " \t"

// Trim is trim(str, trim_chars): s without any of the characters in chars
// at either end. chars is a set, not a sequence: trim(" ZZZZabcZZ ", " Z")
// is "abc" [verified: Text functions, trim, basic example]. Pass
// [DefaultTrimChars] for the one-argument form. Splunk does not support
// trim on a multivalue field [verified]; apply it per value if needed.
func Trim(s, chars string) string { return strings.Trim(s, chars) }

// LTrim is ltrim(str, trim_chars): [Trim] on the left side only;
// ltrim(" ZZZZabcZZ ", " Z") is "abcZZ " [verified: Text functions, ltrim].
func LTrim(s, chars string) string { return strings.TrimLeft(s, chars) }

// RTrim is rtrim(str, trim_chars): [Trim] on the right side only
// [verified: Text functions, rtrim]. rtrim(" ZZZZabcZZ ", " Z") is
// " ZZZZabc" here; the page prints the result as "ZZZZabc", without the
// leading space that trimming the right side alone keeps, which looks like
// a display artefact [unverified].
func RTrim(s, chars string) string { return strings.TrimRight(s, chars) }

// Lower is lower(str): s in lower case. Splunk applies lower() to each
// value of a multivalue field [verified: Text functions, lower: "You can
// use this function on multivalue fields."]; so does [LowerMV]. Unicode
// case mapping as in [strings.ToLower]; whether Splunk maps beyond ASCII
// is [unverified].
func Lower(s string) string { return strings.ToLower(s) }

// Upper is upper(str): s in upper case, as [Lower] is lower().
func Upper(s string) string { return strings.ToUpper(s) }

// LowerMV is lower() on a multivalue field: a new multivalue with each
// value in lower case.
func LowerMV(mv []string) []string { return mapMV(mv, strings.ToLower) }

// UpperMV is upper() on a multivalue field: a new multivalue with each
// value in upper case.
func UpperMV(mv []string) []string { return mapMV(mv, strings.ToUpper) }

func mapMV(mv []string, f func(string) string) []string {
	if len(mv) == 0 {
		return nil
	}
	out := make([]string, len(mv))
	for i, v := range mv {
		out[i] = f(v)
	}
	return out
}

// Len is len(str): the number of UTF-8 code points in s, not bytes
// [verified: Text functions, len: "returns a count of the UTF-8 code points
// in a string"]. A byte that is not valid UTF-8 counts as one.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Split is split(str, delim): the pieces of s between occurrences of
// delim, as a multivalue; an empty delim splits s into one value per
// character [verified: Multivalue eval functions, split: "Use an empty
// string ("") to split the original string into one value per
// character"]. Empty pieces (from "a,,b", or a leading or trailing
// delimiter) are dropped, because escudo has no empty values; whether
// Splunk keeps them as empty values is [unverified]. No search in the
// azure_monitor_aad catalogue uses split.
func Split(s, delim string) []string {
	var out []string
	for _, p := range strings.Split(s, delim) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
