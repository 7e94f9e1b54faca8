package aggregate_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
)

// randomObs returns n observations for a table with nBy BY columns and
// nFields value fields. Values come from a small alphabet with separator-like
// and empty strings, so groups repeat, collide naively and carry nulls.
func randomObs(rng *rand.Rand, n, nBy, nFields int) []obs {
	alphabet := []string{"", "a", "b", "ab", "a|b", "|", "10", "9", "B", "é", "\x00"}
	pick := func() string { return alphabet[rng.IntN(len(alphabet))] }
	out := make([]obs, n)
	for i := range out {
		o := obs{at: base.Add(time.Duration(rng.IntN(3600)) * time.Second)}
		if nBy > 0 {
			o.key = make([]string, nBy)
			for j := range o.key {
				o.key[j] = pick()
			}
		}
		if nFields > 0 {
			o.vals = make([][]string, nFields)
			for j := range o.vals {
				for range rng.IntN(3) {
					o.vals[j] = append(o.vals[j], pick())
				}
			}
		}
		out[i] = o
	}
	return out
}

func TestMergeEqualsSingleTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240501, 65004))
	for trial := range 200 {
		nBy, nFields := rng.IntN(4), rng.IntN(3)
		by := make([]string, nBy)
		for i := range by {
			by[i] = fmt.Sprintf("by%d", i)
		}
		fields := make([]string, nFields)
		for i := range fields {
			fields[i] = fmt.Sprintf("f%d", i)
		}
		all := randomObs(rng, rng.IntN(300), nBy, nFields)
		nParts := 2 + rng.IntN(3)

		single := build(t, by, fields, all)
		parts := make([][]obs, nParts)
		for _, o := range all {
			p := rng.IntN(nParts)
			parts[p] = append(parts[p], o)
		}
		tables := make([]*aggregate.Table, nParts)
		before := make([][]aggregate.Row, nParts)
		for p := range parts {
			tables[p] = build(t, by, fields, parts[p])
			before[p] = tables[p].Rows()
		}

		// Merge into the first part, as a caller reusing a worker's table
		// would, and separately into a fresh table.
		fresh := build(t, by, fields, nil)
		for p := range tables {
			if err := fresh.Merge(tables[p]); err != nil {
				t.Fatalf("trial %d: Merge into fresh table: %v", trial, err)
			}
		}
		into := tables[0]
		for p := 1; p < nParts; p++ {
			if err := into.Merge(tables[p]); err != nil {
				t.Fatalf("trial %d: Merge into part 0: %v", trial, err)
			}
		}
		want := single.Rows()
		if diff := cmp.Diff(want, fresh.Rows()); diff != "" {
			t.Fatalf("trial %d (%d BY, %d fields, %d parts): merged into fresh table != single table (-want +got):\n%s", trial, nBy, nFields, nParts, diff)
		}
		if diff := cmp.Diff(want, into.Rows()); diff != "" {
			t.Fatalf("trial %d (%d BY, %d fields, %d parts): merged into part 0 != single table (-want +got):\n%s", trial, nBy, nFields, nParts, diff)
		}

		// The merged table must not share state with its sources: adding
		// new values to it must leave the other parts as they were.
		for _, o := range randomObs(rng, 50, nBy, nFields) {
			if err := fresh.Add(o.key, o.at.Add(-time.Hour), o.vals); err != nil {
				t.Fatal(err)
			}
		}
		for p := 1; p < nParts; p++ {
			if diff := cmp.Diff(before[p], tables[p].Rows()); diff != "" {
				t.Fatalf("trial %d: Merge or later Adds modified the merged-in table %d (-want +got):\n%s", trial, p, diff)
			}
		}
	}
}

func TestMergeIntoSelf(t *testing.T) {
	tab := build(t, []string{"user"}, []string{"app"}, []obs{
		{key: []string{"a"}, at: at(1), vals: [][]string{{"x"}}},
		{key: []string{"a"}, at: at(3), vals: [][]string{{"y"}}},
		{key: []string{"b"}, at: at(2), vals: [][]string{{""}}},
	})
	if err := tab.Merge(tab); err != nil {
		t.Fatal(err)
	}
	want := []aggregate.Row{
		{Key: []string{"a"}, Count: 4, First: at(1), Last: at(3), Values: [][]string{{"x", "y"}}},
		{Key: []string{"b"}, Count: 2, First: at(2), Last: at(2), Values: [][]string{nil}},
	}
	if diff := cmp.Diff(want, tab.Rows()); diff != "" {
		t.Errorf("Merge into itself is like adding every observation twice (-want +got):\n%s", diff)
	}
}

func TestMergeErrors(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		by       []string
		fields   []string
		otherBy  []string
		otherFld []string
		nilOther bool
		want     string
		wantIs   error
	}{
		{
			name:    "different BY",
			reason:  "groups keyed on different columns cannot be combined",
			by:      []string{"user"},
			otherBy: []string{"src"},
			want:    `aggregate: Merge: BY columns ["user"], other table has ["src"]: schema mismatch`,
			wantIs:  aggregate.ErrSchemaMismatch,
		},
		{
			name:    "BY order",
			reason:  "keys are positional, so the same columns in another order would swap values",
			by:      []string{"user", "src"},
			otherBy: []string{"src", "user"},
			want:    `aggregate: Merge: BY columns ["user" "src"], other table has ["src" "user"]: schema mismatch`,
			wantIs:  aggregate.ErrSchemaMismatch,
		},
		{
			name:    "fewer BY",
			reason:  "a table with no BY columns is still a different schema",
			by:      []string{"user"},
			otherBy: nil,
			want:    `aggregate: Merge: BY columns ["user"], other table has []: schema mismatch`,
			wantIs:  aggregate.ErrSchemaMismatch,
		},
		{
			name:     "different fields",
			reason:   "value sets are positional too",
			by:       []string{"user"},
			fields:   []string{"app", "src"},
			otherBy:  []string{"user"},
			otherFld: []string{"app"},
			want:     `aggregate: Merge: value fields ["app" "src"], other table has ["app"]: schema mismatch`,
			wantIs:   aggregate.ErrSchemaMismatch,
		},
		{
			name:     "nil table",
			reason:   "a nil table is a caller bug, reported rather than crashing",
			by:       []string{"user"},
			nilOther: true,
			want:     "aggregate: Merge: nil table",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := build(t, tt.by, tt.fields, nil)
			key := make([]string, len(tt.by))
			vals := make([][]string, len(tt.fields))
			if err := tab.Add(key, at(0), vals); err != nil {
				t.Fatal(err)
			}
			wantRows := tab.Rows()
			var other *aggregate.Table
			if !tt.nilOther {
				other = build(t, tt.otherBy, tt.otherFld, nil)
				if err := other.Add(make([]string, len(tt.otherBy)), at(1), make([][]string, len(tt.otherFld))); err != nil {
					t.Fatal(err)
				}
			}
			err := tab.Merge(other)
			if err == nil {
				t.Fatalf("%s\nMerge = nil, want error %q", tt.reason, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("%s\nMerge error = %q, want %q", tt.reason, err.Error(), tt.want)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Merge error %v does not match %v", err, tt.wantIs)
			}
			if diff := cmp.Diff(wantRows, tab.Rows()); diff != "" {
				t.Errorf("failed Merge changed the table (-want +got):\n%s", diff)
			}
		})
	}
}
