package spl_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

func TestTrim(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		fn     func(s, chars string) string
		s      string
		chars  string
		want   string
	}{
		{name: "trim reference", reason: `reference: trim(" ZZZZabcZZ ", " Z") is "abc"`, fn: spl.Trim, s: " ZZZZabcZZ ", chars: " Z", want: "abc"},
		{name: "ltrim reference", reason: `reference: ltrim(" ZZZZabcZZ ", " Z") is "abcZZ "`, fn: spl.LTrim, s: " ZZZZabcZZ ", chars: " Z", want: "abcZZ "},
		{name: "rtrim reference", reason: "reference rtrim example; the leading space stays (only the right side is trimmed)", fn: spl.RTrim, s: " ZZZZabcZZ ", chars: " Z", want: " ZZZZabc"},
		{name: "ltrim dollar", reason: `reference: ltrim(NET_COST, "$")`, fn: spl.LTrim, s: "$42.00", chars: "$", want: "42.00"},
		{name: "default spaces and tabs", reason: "reference: without trim_chars, spaces and tabs are removed", fn: spl.Trim, s: "\t a b \t", chars: spl.DefaultTrimChars, want: "a b"},
		{name: "default keeps newline", reason: "only spaces and tabs are the default", fn: spl.Trim, s: "\na\n", chars: spl.DefaultTrimChars, want: "\na\n"},
		{name: "set, not sequence", reason: "characters are a set", fn: spl.Trim, s: "xyyx", chars: "x", want: "yy"},
		{name: "ltrim set", reason: "ltrim(\"xyyx\", \"x\")", fn: spl.LTrim, s: "xyyx", chars: "x", want: "yyx"},
		{name: "rtrim set", reason: "rtrim(\"xyyx\", \"x\")", fn: spl.RTrim, s: "xyyx", chars: "x", want: "xyy"},
		{name: "quotes", reason: `auditlogs-facts 2.4.24: trim(replace(appRole, "\"", ""))`, fn: spl.Trim, s: " full_access_as_app ", chars: spl.DefaultTrimChars, want: "full_access_as_app"},
		{name: "multibyte set", reason: "trim characters are characters, not bytes", fn: spl.Trim, s: "😀a😀", chars: "😀", want: "a"},
		{name: "empty", reason: "nothing to trim", fn: spl.Trim, s: "", chars: " ", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.s, tt.chars); got != tt.want {
				t.Errorf("trim(%q, %q) = %q; want %q (%s)", tt.s, tt.chars, got, tt.want, tt.reason)
			}
		})
	}
}

func TestCase(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		got    any
		want   any
	}{
		{name: "lower", reason: "lower() returns lower case", got: spl.Lower("Global Administrator"), want: "global administrator"},
		{name: "upper", reason: "upper() returns upper case", got: spl.Upper("success"), want: "SUCCESS"},
		{name: "lower multivalue", reason: "reference: lower() works on multivalue fields, value by value", got: spl.LowerMV([]string{"A", "b", "C"}), want: []string{"a", "b", "c"}},
		{name: "upper multivalue", reason: "upper() likewise", got: spl.UpperMV([]string{"a", "B"}), want: []string{"A", "B"}},
		{name: "lower null", reason: "NULL in, NULL out", got: spl.LowerMV(nil), want: []string(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestLen(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		s      string
		want   int
	}{
		{name: "ascii", reason: "reference: len(buttercup) is 9", s: "buttercup", want: 9},
		{name: "code points", reason: "reference: len counts UTF-8 code points, not bytes", s: "Preços", want: 6},
		{name: "emoji", reason: "one code point outside the BMP is one", s: "😀", want: 1},
		{name: "empty", reason: "no characters", s: "", want: 0},
		{name: "invalid byte", reason: "an invalid byte counts as one", s: "a\xffb", want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spl.Len(tt.s); got != tt.want {
				t.Errorf("Len(%q) = %d; want %d (%s)", tt.s, got, tt.want, tt.reason)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		s      string
		delim  string
		want   []string
	}{
		{name: "reference ponies", reason: `reference: split(test, ";")`, s: "buttercup;rarity;tenderhoof", delim: ";", want: []string{"buttercup", "rarity", "tenderhoof"}},
		{name: "multi-character delimiter", reason: `reference: split("1a2b3c4def567890", "def")`, s: "1a2b3c4def567890", delim: "def", want: []string{"1a2b3c4", "567890"}},
		{name: "empty delimiter", reason: `reference: split("abcd", "") is one value per character`, s: "abcd", delim: "", want: []string{"a", "b", "c", "d"}},
		{name: "empty delimiter multibyte", reason: "characters, not bytes", s: "aé😀", delim: "", want: []string{"a", "é", "😀"}},
		{name: "double colon", reason: `reference: split("name::value", "::")`, s: "name::value", delim: "::", want: []string{"name", "value"}},
		{name: "empty pieces dropped", reason: "escudo has no empty values (Splunk's behaviour unverified)", s: ",a,,b,", delim: ",", want: []string{"a", "b"}},
		{name: "no delimiter", reason: "one value", s: "abc", delim: ",", want: []string{"abc"}},
		{name: "empty", reason: "no value", s: "", delim: ",", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spl.Split(tt.s, tt.delim)); diff != "" {
				t.Errorf("Split(%q, %q) mismatch (-want +got) (%s):\n%s", tt.s, tt.delim, tt.reason, diff)
			}
		})
	}
}
