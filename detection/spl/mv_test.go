package spl_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

// ponies is the Splunk reference's mvindex example field.
var ponies = []string{"buttercup", "dash", "flutter", "honey", "ivory", "minty", "pinky", "rarity"}

func TestMVIndex(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		mv     []string
		i      int
		want   string
		wantOK bool
	}{
		{name: "first", reason: "indexes start at zero", mv: ponies, i: 0, want: "buttercup", wantOK: true},
		{name: "third", reason: "reference: mvindex(names,2) is the third value", mv: ponies, i: 2, want: "flutter", wantOK: true},
		{name: "last", reason: "reference: mvindex(ponies,-1) is rarity", mv: ponies, i: -1, want: "rarity", wantOK: true},
		{name: "third from end", reason: "reference: mvindex(ponies,-3) is minty", mv: ponies, i: -3, want: "minty", wantOK: true},
		{name: "minus length", reason: "-len is the first value", mv: ponies, i: -8, want: "buttercup", wantOK: true},
		{name: "past end", reason: "out of range is NULL", mv: ponies, i: 8},
		{name: "before start", reason: "out of range is NULL", mv: ponies, i: -9},
		{name: "no values", reason: "a NULL field has nothing to index", mv: nil, i: 0},
		{name: "no values negative", reason: "ESCU's mvindex(x,-1) after a failed mvfind on an empty field", mv: nil, i: -1},
		{name: "single value", reason: "a single-value field is a one-value multivalue", mv: []string{"a"}, i: -1, want: "a", wantOK: true},
		{
			name:   "json quotes kept",
			reason: "auditlogs-facts 2.4.19: role=mvindex(roles,1) keeps the JSON quotes of newValue",
			mv:     []string{`"38bf..."`, `"Privileged Role Administrator"`, `"9b895d92"`},
			i:      1, want: `"Privileged Role Administrator"`, wantOK: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := spl.MVIndex(tt.mv, tt.i)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("MVIndex(%q, %d) = %q, %v; want %q, %v (%s)", tt.mv, tt.i, got, ok, tt.want, tt.wantOK, tt.reason)
			}
		})
	}
}

func TestMVSlice(t *testing.T) {
	tests := []struct {
		name       string
		reason     string
		mv         []string
		start, end int
		want       []string
	}{
		{name: "first four", reason: "reference: mvindex(names,0,3); end is inclusive", mv: ponies, start: 0, end: 3, want: ponies[:4]},
		{name: "last three", reason: "reference: mvindex(ponies,-3,-1) is minty,pinky,rarity", mv: ponies, start: -3, end: -1, want: []string{"minty", "pinky", "rarity"}},
		{name: "one", reason: "start equal to end is one value", mv: ponies, start: 2, end: 2, want: []string{"flutter"}},
		{name: "mixed signs", reason: "each index is normalised on its own", mv: ponies, start: 1, end: -7, want: []string{"dash"}},
		{name: "whole", reason: "0 to -1 is every value", mv: ponies, start: 0, end: -1, want: ponies},
		{name: "reversed", reason: "start after end is invalid, so NULL", mv: ponies, start: 3, end: 1},
		{name: "end past last", reason: "out of range is NULL (clamping unverified)", mv: ponies, start: 0, end: 8},
		{name: "start before first", reason: "out of range is NULL", mv: ponies, start: -9, end: 0},
		{name: "no values", reason: "NULL in, NULL out", mv: nil, start: 0, end: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spl.MVSlice(tt.mv, tt.start, tt.end)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MVSlice(%d, %d) mismatch (-want +got) (%s):\n%s", tt.start, tt.end, tt.reason, diff)
			}
		})
	}
}

func TestMVSliceDoesNotExposeTail(t *testing.T) {
	mv := []string{"a", "b", "c"}
	got := spl.MVSlice(mv, 0, 0)
	_ = append(got, "x") // must not overwrite mv[1]
	if mv[1] != "b" {
		t.Errorf("appending to MVSlice's result changed the input: %q", mv)
	}
}

func TestMVCount(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		mv     []string
		want   int
		wantOK bool
	}{
		{name: "multivalue", reason: "the number of values", mv: []string{"a", "b", "c"}, want: 3, wantOK: true},
		{name: "single", reason: "reference: a single value gives 1", mv: []string{"a"}, want: 1, wantOK: true},
		{name: "none", reason: "reference: no values gives NULL, not 0", mv: nil, want: 0, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := spl.MVCount(tt.mv)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("MVCount(%q) = %d, %v; want %d, %v (%s)", tt.mv, got, ok, tt.want, tt.wantOK, tt.reason)
			}
		})
	}
}

func TestMVAppend(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		args   [][]string
		want   []string
	}{
		{
			name:   "reference order",
			reason: `reference: mvappend("localhost", srcip, destip, "192.168.1.1") keeps argument order`,
			args:   [][]string{{"localhost"}, {"203.0.113.0", "203.0.113.1"}, {"203.0.113.255"}, {"192.168.1.1"}},
			want:   []string{"localhost", "203.0.113.0", "203.0.113.1", "203.0.113.255", "192.168.1.1"},
		},
		{name: "null argument", reason: "a NULL argument contributes nothing", args: [][]string{{"a"}, nil, {"b"}}, want: []string{"a", "b"}},
		{name: "all null", reason: "nothing to append is NULL", args: [][]string{nil, {}}, want: nil},
		{name: "no arguments", reason: "NULL", args: nil, want: nil},
		{name: "duplicates kept", reason: "mvappend does not dedup", args: [][]string{{"a"}, {"a"}}, want: []string{"a", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spl.MVAppend(tt.args...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MVAppend mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestMVFind(t *testing.T) {
	names := []string{"AllowInvitesFrom", "AllowUserConsentForRiskyApps", "BlockMsolPowerShell"}
	tests := []struct {
		name   string
		reason string
		mv     []string
		re     string
		want   int
		wantOK bool
	}{
		{name: "found", reason: "auditlogs-facts 2.4.3: index of the modified property", mv: names, re: "AllowUserConsentForRiskyApps", want: 1, wantOK: true},
		{name: "unanchored", reason: "the regex may match any substring", mv: names, re: "Consent", want: 1, wantOK: true},
		{name: "first of several", reason: "the first matching value wins", mv: names, re: "Allow", want: 0, wantOK: true},
		{name: "not found", reason: "reference: no match is NULL", mv: names, re: "ConsentAction.Reason"},
		{name: "no values", reason: "NULL field", mv: nil, re: "x"},
		{name: "dot is any character", reason: "ESCU's unescaped ConsentAction.Permissions also matches ConsentActionXPermissions", mv: []string{"ConsentActionXPermissions"}, re: "ConsentAction.Permissions", want: 0, wantOK: true},
		{name: "reference example", reason: `reference: mvfind(mymvfield, "err\d+")`, mv: []string{"ok", "err", "err42"}, re: `err\d+`, want: 2, wantOK: true},
		{name: "case-sensitive", reason: "PCRE and RE2 are case-sensitive without (?i)", mv: []string{"allowuserconsentforriskyapps"}, re: "AllowUserConsentForRiskyApps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := spl.MVFind(tt.mv, spl.MustCompileRegex(tt.re))
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("MVFind(%q, %q) = %d, %v; want %d, %v (%s)", tt.mv, tt.re, got, ok, tt.want, tt.wantOK, tt.reason)
			}
		})
	}
}

func TestMVFilter(t *testing.T) {
	emails := []string{"a@example.net", "b@example.com", "c@example.org"}
	netOrOrg := spl.MustCompileRegex(`\.net$|\.org$`)
	tests := []struct {
		name   string
		reason string
		mv     []string
		keep   func(string) bool
		want   []string
	}{
		{name: "reference example", reason: `reference: mvfilter(match(email, "\.net$") OR match(email, "\.org$"))`, mv: emails, keep: netOrOrg.Match, want: []string{"a@example.net", "c@example.org"}},
		{name: "none kept", reason: "nothing kept is NULL", mv: emails, keep: func(string) bool { return false }, want: nil},
		{name: "no values", reason: "NULL in, NULL out", mv: nil, keep: func(string) bool { return true }, want: nil},
		{
			name:   "AppRole.Value",
			reason: "auditlogs-facts 2.4.24: mvfilter(match(targetResources, \"AppRole.Value\")) keeps one JSON object text",
			mv:     []string{`{"displayName":"AppRole.Id"}`, `{"displayName":"AppRole.Value","newValue":"\"x\""}`},
			keep:   spl.MustCompileRegex("AppRole.Value").Match,
			want:   []string{`{"displayName":"AppRole.Value","newValue":"\"x\""}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spl.MVFilter(tt.mv, tt.keep)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MVFilter mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}
