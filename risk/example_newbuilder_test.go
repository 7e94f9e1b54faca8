package risk_test

import (
	"errors"
	"fmt"

	"github.com/escudo-dev/escudo/risk"
)

// ExampleNewBuilder shows that NewBuilder reports every problem in a spec at
// once, and how to inspect them.
func ExampleNewBuilder() {
	spec := risk.Spec{
		Message:     "User $usr$ denied consent.",
		RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 0}},
	}
	_, err := risk.NewBuilder(spec, []string{"user", "src_ip"}, risk.Annotations{SearchName: "ESCU - Example - Rule"})
	fmt.Println(err)

	var se *risk.SpecError
	fmt.Println(errors.As(err, &se), se.Where)
	fmt.Println(errors.Is(err, risk.ErrBadScore))
	// Output:
	// message: token $usr$: "usr" is not an output field
	// risk_objects[0].score: want 1..100, got 0
	// true message
	// true
}
