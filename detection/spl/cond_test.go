package spl_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

func TestIf(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		cond   bool
		want   int
	}{
		{name: "true", reason: "reference: TRUE returns the true value", cond: true, want: 3},
		{name: "false", reason: "reference: otherwise the false value", cond: false, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spl.If(tt.cond, 3, -1); got != tt.want {
				t.Errorf("If(%v, 3, -1) = %d; want %d (%s)", tt.cond, got, tt.want, tt.reason)
			}
		})
	}
}

func TestCoalesce(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		args   []string
		want   string
		wantOK bool
	}{
		{name: "first", reason: "reference: both exist, the first argument wins", args: []string{"10.0.0.1", "10.0.0.2"}, want: "10.0.0.1", wantOK: true},
		{name: "skip null", reason: "reference: the first value that is not NULL", args: []string{"", "10.0.0.2"}, want: "10.0.0.2", wantOK: true},
		{name: "all null", reason: "no value at all", args: []string{"", ""}},
		{name: "no arguments", reason: "nothing to choose from", args: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := spl.Coalesce(tt.args...)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Coalesce(%q) = %q, %v; want %q, %v (%s)", tt.args, got, ok, tt.want, tt.wantOK, tt.reason)
			}
		})
	}
}

func TestCoalesceMV(t *testing.T) {
	targets := []string{"Office 365 Exchange Online", "Other"}
	tests := []struct {
		name   string
		reason string
		args   [][]string
		want   []string
	}{
		{
			name:   "fallback to first target",
			reason: "auditlogs-facts 2.4.1: coalesce(user, mvindex('targetResources{}.displayName',0)) with no TA user",
			args:   [][]string{nil, spl.MVSlice(targets, 0, 0)},
			want:   []string{"Office 365 Exchange Online"},
		},
		{name: "user present", reason: "the first argument with a value wins, whole", args: [][]string{{"u1", "u2"}, targets}, want: []string{"u1", "u2"}},
		{name: "none", reason: "all NULL is NULL", args: [][]string{nil, {}}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spl.CoalesceMV(tt.args...)); diff != "" {
				t.Errorf("CoalesceMV mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}
