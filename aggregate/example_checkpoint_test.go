package aggregate_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
)

// A partial table checkpoints to bytes, and the bytes restore it, on this
// machine or another, ready to merge with the rest.
func ExampleTable_MarshalBinary() {
	specs := []aggregate.Spec{{Func: aggregate.Count}, {Func: aggregate.Sum, Field: "n"}, {Func: aggregate.List, Field: "n"}}
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	part := func(ns ...string) *aggregate.Table {
		tab, err := aggregate.NewStats([]string{"user"}, specs)
		if err != nil {
			panic(err)
		}
		for i, n := range ns {
			if err := tab.Add([]string{"alice"}, t0.Add(time.Duration(i)*time.Minute), [][]string{{n}}); err != nil {
				panic(err)
			}
		}
		return tab
	}
	first, rest := part("0.1", "0.2"), part("0.3")

	blob, err := first.MarshalBinary() // the checkpoint
	if err != nil {
		fmt.Println(err)
		return
	}
	var restored aggregate.Table
	if err := restored.UnmarshalBinary(blob); err != nil {
		fmt.Println(err)
		return
	}
	if err := restored.Merge(rest); err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range restored.Rows() {
		fmt.Println(r.Key[0], r.Stats[0], r.Stats[1], r.Stats[2].List)
	}
	// A torn checkpoint is an error, not a table.
	fmt.Println(new(aggregate.Table).UnmarshalBinary(blob[:len(blob)-1]))
	// Output:
	// alice 3 0.6 [0.1 0.2 0.3]
	// aggregate: UnmarshalBinary: checksum mismatch (truncated or corrupt): corrupt or truncated data
}
