package detection

import (
	"fmt"
)

// RuleError is a problem with a detection found when an [Engine] is built.
// NewEngine reports every problem of every detection at once, joined with
// errors.Join; each one is a *RuleError.
type RuleError struct {
	// Detection is the name of the detection (or its position when it has
	// no name).
	Detection string
	// Err is what is wrong.
	Err error
}

// Error implements the error interface.
func (e *RuleError) Error() string { return fmt.Sprintf("detection %q: %v", e.Detection, e.Err) }

// Unwrap returns e.Err.
func (e *RuleError) Unwrap() error { return e.Err }

// PanicError reports a detection, or a suppression hook, that panicked
// during a run. The engine stops using that detection for the rest of the
// run and reports no findings for it; the other detections go on.
type PanicError struct {
	// Detection is the name of the detection that panicked.
	Detection string
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error implements the error interface.
func (e *PanicError) Error() string {
	return fmt.Sprintf("detection %q panicked: %v", e.Detection, e.Value)
}
