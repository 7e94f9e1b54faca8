package aggregate_test

import (
	"fmt"
	"sync"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
)

// Each goroutine fills its own table; Merge then combines them into the
// same rows a single table would have produced.
func ExampleTable_Merge() {
	users := [][]string{
		{"alice", "bob", "alice"},
		{"bob", "carol"},
	}
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

	parts := make([]*aggregate.Table, len(users))
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	for w, batch := range users {
		wg.Go(func() {
			tab, err := aggregate.New([]string{"user"}, nil)
			if err != nil {
				errs[w] = err
				return
			}
			for i, u := range batch {
				if err := tab.Add([]string{u}, t0.Add(time.Duration(w*10+i)*time.Minute), nil); err != nil {
					errs[w] = err
					return
				}
			}
			parts[w] = tab
		})
	}
	wg.Wait()

	total, err := aggregate.New([]string{"user"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for w, part := range parts {
		if errs[w] != nil {
			fmt.Println(errs[w])
			return
		}
		if err := total.Merge(part); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, r := range total.Rows() {
		fmt.Println(r.Key[0], r.Count, r.First.Format(time.Kitchen), r.Last.Format(time.Kitchen))
	}
	// Output:
	// alice 2 10:00AM 10:02AM
	// bob 2 10:01AM 10:10AM
	// carol 1 10:11AM 10:11AM
}
