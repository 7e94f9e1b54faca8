package spl

import (
	"cmp"
	"slices"
	"time"
)

// The transaction command, as the catalogue uses it once (ESCU "Azure AD
// User Enabled And Password Reset", auditlogs-facts §2.4.27):
//
//	transaction user startsWith=(operationName="Enable account")
//	    endsWith=(operationName="Reset password (by admin)") maxspan=2m
//
// Sources: Splunk Search Reference 10.0, transaction,
// https://help.splunk.com/en/splunk-enterprise/search/spl-search-reference/10.0/search-commands/transaction
// (the 9.4 page says the same).

// TxnEvent is what [Transactions] needs to know of one event: its time,
// its value of the transaction's field, and whether it satisfies the
// startswith and endswith conditions (evaluate those with [Term] or plain
// Go when building the slice).
type TxnEvent struct {
	Time time.Time
	// Key is the event's value of the transaction field (user). An event
	// without a value ("") joins no transaction [unverified: the page
	// does not say what happens to events that lack every listed field].
	Key string
	// Start reports whether the event satisfies startswith.
	Start bool
	// End reports whether the event satisfies endswith.
	End bool
}

// TransactionOptions configures [Transactions]. The zero value is
// transaction <field> with no other options.
type TransactionOptions struct {
	// StartsWith and EndsWith say whether the command has a startswith or
	// an endswith condition; each event's [TxnEvent.Start] and
	// [TxnEvent.End] say whether it satisfies them.
	StartsWith, EndsWith bool
	// MaxSpan is maxspan: the events of one transaction must span less
	// than MaxSpan, last time minus first time [verified: transaction,
	// maxspan: "The events in the transaction must span less than the
	// integer specified for maxspan. Events that exceed the maxspan limit
	// are treated as part of a separate transaction."]. Zero or negative
	// means no limit (Splunk's default, -1).
	MaxSpan time.Duration
	// KeepEvicted is keepevicted: also return the transactions that were
	// not closed (Closed false). Splunk's default is false [verified:
	// transaction, keepevicted].
	KeepEvicted bool
}

// Transaction is one transaction found by [Transactions].
type Transaction struct {
	Key string
	// Members are the indexes of the transaction's events in the slice
	// given to Transactions, oldest first.
	Members []int
	// First and Last are the times of the oldest and newest member. The
	// transaction's _time is First: "the time and date fields of the
	// earliest member" [verified: transaction, Description].
	First, Last time.Time
	// Closed is Splunk's closed_txn: the transaction ended on its
	// startswith event, or, for a transaction without startswith, was cut
	// off by maxspan.
	Closed bool
}

// Duration is the transaction's duration field: the time between its
// first and last events [verified: transaction, Description]. Splunk
// gives it in seconds.
func (t Transaction) Duration() time.Duration { return t.Last.Sub(t.First) }

// EventCount is the transaction's eventcount field: the number of events
// [verified: transaction, Description].
func (t Transaction) EventCount() int { return len(t.Members) }

// Transactions groups events into transactions the way Splunk's
// transaction command does for one field with startswith, endswith and
// maxspan, and returns them ordered by First, then Key, then the index of
// the first member (Splunk emits them as it closes them, newest first;
// the order here is escudo's, for determinism).
//
// Splunk reads the events newest first: "The transaction command requires
// that the incoming events be in descending chronological order"
// [verified: transaction, "Descending chronological order required"], and
// "because the transaction command sees events in reverse chronological
// order, it closes a transaction when it satisfies the start condition"
// [verified: transaction, keepevicted]. Transactions therefore takes the
// events in any order and reads them by descending Time; events with the
// same Time are read last-given first, as if the slice were in ascending
// order. Reading newest first, per key:
//
//  1. An event while no transaction is open for its key opens one. With
//     endswith, only an event that satisfies it can open one (it is the
//     transaction's last event); any other event is an orphan and is
//     dropped, as keeporphans=false does [verified: keeporphans, default
//     false; that a non-end event cannot open a transaction when endswith
//     is set is unverified: it is what "marks the end of a transaction"
//     means to a reader going backwards, and without it an "Enable
//     account" with no reset after it would be a one-event transaction,
//     closed by its own start].
//  2. An event that would make the open transaction span MaxSpan or more
//     ends that transaction instead, and is then treated as in step 1
//     [verified: maxspan, quoted at TransactionOptions.MaxSpan].
//  3. With endswith, a second event that satisfies it ends the open
//     transaction (which never saw its start) and opens a new one
//     [unverified].
//  4. Otherwise the event joins the open transaction (ESCU's "Update
//     user" events are absorbed this way); if it satisfies startswith,
//     the transaction is closed there.
//
// Which transactions are returned: Closed is Splunk's closed_txn, set
// "if one of the following conditions is met: maxevents, maxspan,
// maxpause, startswith" [verified: transaction, keepevicted], so here a
// transaction is closed by its startswith event or, without startswith,
// by being cut off by maxspan. Without startswith every transaction is
// returned, closed or not: the reference's own example
// (transaction user maxspan=11s, no keepevicted) lists the oldest,
// still-open transaction with closed_txn=0 [verified: transaction,
// example 7]. With startswith, a transaction that never reached its start
// (ended by step 2 or 3, or still open when the events run out) counts as
// evicted and is returned only with KeepEvicted [unverified; it is the
// reading under which startswith=... endswith=... yields complete
// transactions only, as the ESCU rule intends]. maxevents, maxpause and
// the memory limits are not implemented, so Splunk's default
// maxevents=1000 is not enforced.
//
// Merging the members' fields is left to the caller; [MergeMV] gives
// Splunk's default rendering of a merged multivalue field.
func Transactions(events []TxnEvent, opts TransactionOptions) []Transaction {
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	// Newest first; among equal times, the later index first.
	slices.SortStableFunc(order, func(a, b int) int {
		if c := events[b].Time.Compare(events[a].Time); c != 0 {
			return c
		}
		return cmp.Compare(b, a)
	})

	var out []Transaction
	finish := func(t *Transaction) {
		if t.Closed || opts.KeepEvicted || !opts.StartsWith {
			slices.Reverse(t.Members) // oldest first
			out = append(out, *t)
		}
	}
	open := map[string]*Transaction{}
	for _, i := range order {
		ev := events[i]
		if ev.Key == "" {
			continue
		}
		t := open[ev.Key]
		if t != nil && opts.MaxSpan > 0 && t.Last.Sub(ev.Time) >= opts.MaxSpan {
			t.Closed = !opts.StartsWith // cut off by maxspan
			finish(t)
			delete(open, ev.Key)
			t = nil
		}
		if t != nil && opts.EndsWith && ev.End {
			finish(t) // a second end: the open one never started
			delete(open, ev.Key)
			t = nil
		}
		if t == nil {
			if opts.EndsWith && !ev.End {
				continue // an orphan
			}
			t = &Transaction{Key: ev.Key, Last: ev.Time}
			open[ev.Key] = t
		}
		t.Members = append(t.Members, i)
		t.First = ev.Time
		if opts.StartsWith && ev.Start {
			t.Closed = true
			finish(t)
			delete(open, ev.Key)
		}
	}
	for _, t := range open {
		finish(t)
	}
	slices.SortFunc(out, func(a, b Transaction) int {
		if c := a.First.Compare(b.First); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(a.Members[0], b.Members[0])
	})
	return out
}

// MergeMV merges the values a field has in the members of a transaction
// the way transaction renders them by default (mvlist=false): "a set of
// unique field values ordered alphabetically" [verified: transaction,
// mvlist]. Alphabetical is taken as byte order, as Splunk's lexicographic
// sorts are [unverified for transaction]. The result is new, or nil when
// no member has a value.
func MergeMV(mvs ...[]string) []string {
	out := MVAppend(mvs...)
	slices.Sort(out)
	return slices.Compact(out)
}
