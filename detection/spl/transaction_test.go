package spl_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

var t0 = time.Date(2025, 8, 21, 10, 0, 0, 0, time.UTC)

// op is one audit event of ESCU's "Azure AD User Enabled And Password
// Reset" search (auditlogs-facts §2.4.27).
type op struct {
	user string
	name string // operationName
	at   time.Duration
}

func txnEvents(ops []op) []spl.TxnEvent {
	evs := make([]spl.TxnEvent, len(ops))
	for i, o := range ops {
		evs[i] = spl.TxnEvent{
			Time:  t0.Add(o.at),
			Key:   o.user,
			Start: o.name == "Enable account",
			End:   o.name == "Reset password (by admin)",
		}
	}
	return evs
}

// enableReset is the rule's transaction: startsWith, endsWith, maxspan=2m.
var enableReset = spl.TransactionOptions{StartsWith: true, EndsWith: true, MaxSpan: 2 * time.Minute}

func TestTransactionsEnableReset(t *testing.T) {
	const (
		enable = "Enable account"
		reset  = "Reset password (by admin)"
		update = "Update user"
	)
	tests := []struct {
		name   string
		reason string
		ops    []op
		opts   spl.TransactionOptions
		want   []spl.Transaction
	}{
		{
			name:   "enable update reset",
			reason: "the rule's case: an enable, an absorbed update, and a reset within 2m",
			ops:    []op{{"alice", enable, 0}, {"alice", update, 30 * time.Second}, {"alice", reset, time.Minute}},
			opts:   enableReset,
			want:   []spl.Transaction{{Key: "alice", Members: []int{0, 1, 2}, First: t0, Last: t0.Add(time.Minute), Closed: true}},
		},
		{
			name:   "input order does not matter",
			reason: "events are read newest first whatever order they come in",
			ops:    []op{{"alice", reset, time.Minute}, {"alice", enable, 0}, {"alice", update, 30 * time.Second}},
			opts:   enableReset,
			want:   []spl.Transaction{{Key: "alice", Members: []int{1, 2, 0}, First: t0, Last: t0.Add(time.Minute), Closed: true}},
		},
		{
			name:   "just under maxspan",
			reason: "reference: the events must span less than maxspan",
			ops:    []op{{"alice", enable, 0}, {"alice", reset, 119 * time.Second}},
			opts:   enableReset,
			want:   []spl.Transaction{{Key: "alice", Members: []int{0, 1}, First: t0, Last: t0.Add(119 * time.Second), Closed: true}},
		},
		{
			name:   "exactly maxspan",
			reason: "reference: a span equal to maxspan is not less than it",
			ops:    []op{{"alice", enable, 0}, {"alice", reset, 2 * time.Minute}},
			opts:   enableReset,
			want:   nil,
		},
		{
			name:   "beyond maxspan",
			reason: "the reset's transaction is cut off and never starts",
			ops:    []op{{"alice", enable, 0}, {"alice", reset, 3 * time.Minute}},
			opts:   enableReset,
			want:   nil,
		},
		{
			name:   "enable alone",
			reason: "with endswith, an enable with no reset after it opens nothing (unverified)",
			ops:    []op{{"alice", enable, 0}, {"alice", update, 10 * time.Second}},
			opts:   enableReset,
			want:   nil,
		},
		{
			name:   "reset alone",
			reason: "a transaction that never reaches its start is evicted",
			ops:    []op{{"alice", update, 0}, {"alice", reset, 10 * time.Second}},
			opts:   enableReset,
			want:   nil,
		},
		{
			name:   "reset alone kept",
			reason: "keepevicted=true returns it with closed_txn=0",
			ops:    []op{{"alice", update, 0}, {"alice", reset, 10 * time.Second}},
			opts:   spl.TransactionOptions{StartsWith: true, EndsWith: true, MaxSpan: 2 * time.Minute, KeepEvicted: true},
			want:   []spl.Transaction{{Key: "alice", Members: []int{0, 1}, First: t0, Last: t0.Add(10 * time.Second), Closed: false}},
		},
		{
			name:   "second reset",
			reason: "a later reset belongs to a transaction of its own, which never starts (unverified)",
			ops:    []op{{"alice", enable, 0}, {"alice", reset, 30 * time.Second}, {"alice", reset, time.Minute}},
			opts:   enableReset,
			want:   []spl.Transaction{{Key: "alice", Members: []int{0, 1}, First: t0, Last: t0.Add(30 * time.Second), Closed: true}},
		},
		{
			name:   "update after reset",
			reason: "events newer than the reset are orphans",
			ops:    []op{{"alice", enable, 0}, {"alice", reset, 30 * time.Second}, {"alice", update, 40 * time.Second}},
			opts:   enableReset,
			want:   []spl.Transaction{{Key: "alice", Members: []int{0, 1}, First: t0, Last: t0.Add(30 * time.Second), Closed: true}},
		},
		{
			name:   "two users",
			reason: "reference: events are grouped by the field's value",
			ops: []op{
				{"bob", enable, 0}, {"alice", enable, 5 * time.Second},
				{"bob", reset, 20 * time.Second}, {"alice", reset, 25 * time.Second},
			},
			opts: enableReset,
			want: []spl.Transaction{
				{Key: "bob", Members: []int{0, 2}, First: t0, Last: t0.Add(20 * time.Second), Closed: true},
				{Key: "alice", Members: []int{1, 3}, First: t0.Add(5 * time.Second), Last: t0.Add(25 * time.Second), Closed: true},
			},
		},
		{
			name:   "no key",
			reason: "an event without the field joins nothing",
			ops:    []op{{"", enable, 0}, {"", reset, 10 * time.Second}},
			opts:   enableReset,
			want:   nil,
		},
		{
			name:   "same second",
			reason: "equal times are read last-given first, so enable-then-reset in one second pairs up",
			ops:    []op{{"alice", enable, 0}, {"alice", reset, 0}},
			opts:   enableReset,
			want:   []spl.Transaction{{Key: "alice", Members: []int{0, 1}, First: t0, Last: t0, Closed: true}},
		},
		{
			name:   "two pairs",
			reason: "each enable closes the transaction its reset opened",
			ops: []op{
				{"alice", enable, 0}, {"alice", reset, 10 * time.Second},
				{"alice", enable, 10 * time.Minute}, {"alice", reset, 11 * time.Minute},
			},
			opts: enableReset,
			want: []spl.Transaction{
				{Key: "alice", Members: []int{0, 1}, First: t0, Last: t0.Add(10 * time.Second), Closed: true},
				{Key: "alice", Members: []int{2, 3}, First: t0.Add(10 * time.Minute), Last: t0.Add(11 * time.Minute), Closed: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := spl.Transactions(txnEvents(tt.ops), tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Transactions mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestTransactionsReferenceMaxspan is the reference's example 7:
// ten events 10s apart, | sort -_time | transaction user maxspan=11s,
// gives five two-event transactions, the oldest with closed_txn=0.
func TestTransactionsReferenceMaxspan(t *testing.T) {
	evs := make([]spl.TxnEvent, 10)
	for i := range evs {
		evs[i] = spl.TxnEvent{Time: t0.Add(time.Duration(10*(i+1)) * time.Second), Key: "nobody"}
	}
	got := spl.Transactions(evs, spl.TransactionOptions{MaxSpan: 11 * time.Second})
	var want []spl.Transaction
	for i := 0; i < 10; i += 2 {
		want = append(want, spl.Transaction{
			Key: "nobody", Members: []int{i, i + 1},
			First: evs[i].Time, Last: evs[i+1].Time,
			Closed: i != 0,
		})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	for _, tx := range got {
		if tx.Duration() != 10*time.Second || tx.EventCount() != 2 {
			t.Errorf("duration, eventcount = %v, %d; want 10s, 2 as in the reference", tx.Duration(), tx.EventCount())
		}
	}
}

func TestTransactionsNoConditions(t *testing.T) {
	evs := []spl.TxnEvent{{Time: t0, Key: "a"}, {Time: t0.Add(time.Hour), Key: "a"}, {Time: t0.Add(time.Minute), Key: "b"}}
	got := spl.Transactions(evs, spl.TransactionOptions{})
	want := []spl.Transaction{
		{Key: "a", Members: []int{0, 1}, First: t0, Last: t0.Add(time.Hour)},
		{Key: "b", Members: []int{2}, First: t0.Add(time.Minute), Last: t0.Add(time.Minute)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reference: with no conditions every transaction is output, closed_txn=0 (-want +got):\n%s", diff)
	}
}

func TestMergeMV(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		mvs    [][]string
		want   []string
	}{
		{
			name:   "signatures",
			reason: "auditlogs-facts 2.4.27: the merged signature is a sorted set, so stats BY signature fans out per operation",
			mvs:    [][]string{{"Reset password (by admin)"}, {"Update user"}, {"Enable account"}, {"Update user"}},
			want:   []string{"Enable account", "Reset password (by admin)", "Update user"},
		},
		{name: "byte order", reason: "upper case sorts before lower case, 10 before 9", mvs: [][]string{{"b", "a", "B"}, {"9", "10"}}, want: []string{"10", "9", "B", "a", "b"}},
		{name: "none", reason: "no member has the field", mvs: [][]string{nil, nil}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spl.MergeMV(tt.mvs...)); diff != "" {
				t.Errorf("MergeMV mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}
