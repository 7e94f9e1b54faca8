package spl_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/detection/spl"
)

// ESCU "Azure AD User Enabled And Password Reset":
//
//	transaction user startsWith=(operationName="Enable account")
//	    endsWith=(operationName="Reset password (by admin)") maxspan=2m
func ExampleTransactions() {
	enable := spl.NewTerm("Enable account")
	reset := spl.NewTerm("Reset password (by admin)")

	type audit struct{ at, user, op string }
	records := []audit{
		{"10:00:00", "alice@contoso.com", "Enable account"},
		{"10:00:20", "alice@contoso.com", "Update user"},
		{"10:01:10", "alice@contoso.com", "Reset password (by admin)"},
		{"10:05:00", "bob@contoso.com", "Enable account"}, // no reset: no transaction
	}
	events := make([]spl.TxnEvent, len(records))
	for i, r := range records {
		at, _ := time.Parse("15:04:05", r.at)
		op := []string{r.op}
		events[i] = spl.TxnEvent{Time: at, Key: r.user, Start: enable.Equal(op), End: reset.Equal(op)}
	}
	for _, t := range spl.Transactions(events, spl.TransactionOptions{StartsWith: true, EndsWith: true, MaxSpan: 2 * time.Minute}) {
		var ops [][]string
		for _, m := range t.Members {
			ops = append(ops, []string{records[m].op})
		}
		fmt.Printf("%s _time=%s duration=%v eventcount=%d signature=%q\n",
			t.Key, t.First.Format("15:04:05"), t.Duration(), t.EventCount(), spl.MergeMV(ops...))
	}
	// Output:
	// alice@contoso.com _time=10:00:00 duration=1m10s eventcount=3 signature=["Enable account" "Reset password (by admin)" "Update user"]
}
