package aggregate_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
)

// An accumulator computes one stats function on its own: here the
// standard deviation of two workers' counts, merged. The result is the
// same to the bit whichever way the input is split or merged.
func ExampleNewAccumulator() {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	a, err := aggregate.NewAccumulator(aggregate.Stdev)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := aggregate.NewAccumulator(aggregate.Stdev)
	for _, n := range []string{"1", "1", "1", "1", "1", "1"} {
		a.Add(t0, n)
	}
	for _, n := range []string{"1", "1", "1", "1", "1", "12"} {
		b.Add(t0, n)
	}
	if err := a.Merge(b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.Func(), a.Result())
	// Output:
	// stdev 3.1754264805429417
}
