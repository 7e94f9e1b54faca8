package event

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors carried in [DecodeError.Err]; test for them with [errors.Is].
var (
	// ErrTooLong means a record exceeded the reader's MaxRecordSize.
	ErrTooLong = errors.New("record too long")
	// ErrSyntax means a record is not valid JSON.
	ErrSyntax = errors.New("invalid JSON")
	// ErrNotObject means a record is valid JSON but not an object.
	ErrNotObject = errors.New("record is not a JSON object")
	// ErrMissingTime means a record has no event time.
	ErrMissingTime = errors.New("missing event time")
)

// DecodeError reports a record that could not be decoded, and where.
// The reader never loses a record silently: each one is either decoded or
// reported by a DecodeError.
//
// Its message has the form "SOURCE:LINE: PATH: what is wrong (byte OFFSET)",
// for example
//
//	signins.jsonl:7: status.errorCode: want an integer, got "abc" (byte 5120)
type DecodeError struct {
	// Source names the input, as set in Reader.Name; may be empty.
	Source string
	// Line is the 1-based line of the input where the problem is.
	Line int
	// Offset is the 0-based byte offset in the input where the problem is.
	Offset int64
	// Path is the JSON path of the offending value, such as "status.errorCode"
	// or "appliedConditionalAccessPolicies[1].result"; empty when the
	// problem is with the record as a whole.
	Path string
	// Err is what was wrong: a *TypeError, or an error wrapping one of the
	// sentinels of this package.
	Err error
}

// Error implements the error interface.
func (e *DecodeError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
	} else {
		b.WriteString("line")
	}
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Line))
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	b.WriteString(" (byte ")
	b.WriteString(strconv.FormatInt(e.Offset, 10))
	b.WriteByte(')')
	return b.String()
}

// Unwrap returns e.Err.
func (e *DecodeError) Unwrap() error { return e.Err }

// TypeError reports a JSON value of the wrong type for its field, such as a
// string where Graph sends a number.
type TypeError struct {
	// Want describes the expected type, such as "an integer".
	Want string
	// Got is the offending JSON value, shortened when long, or its type
	// ("an object", "an array").
	Got string
}

// Error implements the error interface.
func (e *TypeError) Error() string { return "want " + e.Want + ", got " + e.Got }
