package aggregate

import (
	"errors"
	"fmt"
)

// ErrEmptyName reports an empty BY column or value field name given to [New],
// or a spec given to [NewStats] that needs a field and names none.
var ErrEmptyName = errors.New("empty name")

// ErrDuplicateName reports a name given twice in the BY columns, or twice in
// the value fields, passed to [New].
var ErrDuplicateName = errors.New("duplicate name")

// ErrLengthMismatch reports that [Table.Add] received a key or a set of values
// whose length differs from the number of BY columns or value fields.
var ErrLengthMismatch = errors.New("length mismatch")

// ErrSchemaMismatch reports that [Table.Merge] was given a table whose BY
// columns or value fields differ from the receiver's.
var ErrSchemaMismatch = errors.New("schema mismatch")

// NameError describes one invalid column name passed to [New]. Err is
// [ErrEmptyName] or [ErrDuplicateName].
type NameError struct {
	List  string // "by" or "fields": which argument of New holds the name
	Index int    // 0-based position of the name in that argument
	Name  string // the offending name
	Err   error  // ErrEmptyName or ErrDuplicateName
}

// Error returns a message naming the list, the position and the name.
func (e *NameError) Error() string {
	return fmt.Sprintf("aggregate: %s[%d] %q: %v", e.List, e.Index, e.Name, e.Err)
}

// Unwrap returns e.Err, so errors.Is(err, ErrDuplicateName) works.
func (e *NameError) Unwrap() error { return e.Err }

// ErrUnknownFunc reports a [Func] that is not one of the declared
// functions, given to [NewStats] or [NewAccumulator].
var ErrUnknownFunc = errors.New("unknown stats function")

// ErrUnexpectedField reports a [Spec] of [Count], [MinTime] or [MaxTime],
// which read no field, that names one.
var ErrUnexpectedField = errors.New("function reads no field")

// ErrFuncMismatch reports an [Accumulator] merged with, or decoded from,
// one of another function.
var ErrFuncMismatch = errors.New("stats function mismatch")

// SpecError describes one invalid spec passed to [NewStats]. Err is
// [ErrUnknownFunc], [ErrEmptyName] (a function that reads a field, with
// no field) or [ErrUnexpectedField].
type SpecError struct {
	Index int  // 0-based position of the spec
	Spec  Spec // the offending spec
	Err   error
}

// Error returns a message naming the position, the spec and the problem.
func (e *SpecError) Error() string {
	return fmt.Sprintf("aggregate: specs[%d] %v: %v", e.Index, e.Spec, e.Err)
}

// Unwrap returns e.Err.
func (e *SpecError) Unwrap() error { return e.Err }
