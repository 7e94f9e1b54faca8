package aggregate_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
)

// The table below computes
//
//	stats dc(user) AS unique_accounts values(user) avg(bytes) stdev(bytes)
//	  latest(app) max(_time) AS lastTime BY src
//
// and prints each result as Splunk shows it.
func ExampleNewStats() {
	specs := []aggregate.Spec{
		{Func: aggregate.DistinctCount, Field: "user"},
		{Func: aggregate.Values, Field: "user"},
		{Func: aggregate.Avg, Field: "bytes"},
		{Func: aggregate.Stdev, Field: "bytes"},
		{Func: aggregate.Latest, Field: "app"},
		{Func: aggregate.MaxTime},
	}
	tab, err := aggregate.NewStats([]string{"src"}, specs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("fields:", tab.Fields()) // the order Add takes values in
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	adds := []struct {
		src, user, bytes, app string
		min                   int
	}{
		{"203.0.113.9", "bob", "1200", "Teams", 3},
		{"203.0.113.9", "alice", "800", "Outlook", 7},
		{"203.0.113.9", "bob", "n/a", "Portal", 5}, // not a number: avg and stdev ignore it
		{"198.51.100.4", "carol", "512", "Teams", 1},
	}
	for _, a := range adds {
		at := t0.Add(time.Duration(a.min) * time.Minute)
		if err := tab.Add([]string{a.src}, at, [][]string{{a.user}, {a.bytes}, {a.app}}); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, r := range tab.Rows() {
		fmt.Print(r.Key[0])
		for j, v := range r.Stats {
			fmt.Printf(" %v=%q", specs[j], v.String())
		}
		fmt.Println()
	}
	// Output:
	// fields: [user bytes app]
	// 198.51.100.4 dc(user)="1" values(user)="carol" avg(bytes)="512" stdev(bytes)="0" latest(app)="Teams" max(_time)="1714557660"
	// 203.0.113.9 dc(user)="2" values(user)="alice\nbob" avg(bytes)="1000" stdev(bytes)="282.842712474619" latest(app)="Outlook" max(_time)="1714558020"
}
