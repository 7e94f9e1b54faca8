package detection

import (
	"errors"
	"fmt"
)

// ErrOptions is wrapped by the errors of [NewEngine] for unusable
// [Options].
var ErrOptions = errors.New("invalid engine options")

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

// PanicError reports a detection whose code panicked during a run: its
// Match, an Eval of its grouping, its Then stage, or the suppression hook
// supplied for it. Every such callback runs behind the same recover. The
// engine stops using that detection for the rest of the run and reports
// no findings for it, not even those it had before the panic; the other
// detections go on.
type PanicError struct {
	// Detection is the name of the detection that panicked.
	Detection string
	// Stage is the callback that panicked: StageMatch, StageThen or
	// StageSuppress.
	Stage string
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// The stages of a PanicError.
const (
	StageMatch    = "match"            // Match, or an Eval of its grouping
	StageThen     = "then stage"       // Grouping.Then
	StageSuppress = "suppression hook" // Options.Suppress
)

// Error implements the error interface.
func (e *PanicError) Error() string {
	if e.Stage == "" || e.Stage == StageMatch {
		return fmt.Sprintf("detection %q panicked: %v", e.Detection, e.Value)
	}
	return fmt.Sprintf("detection %q panicked: %s: %v", e.Detection, e.Stage, e.Value)
}
