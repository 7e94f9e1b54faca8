package risk

import "errors"

// Sentinel errors found in [SpecError.Err] (test with errors.Is) and, for
// [ErrBadTime], in errors from [Event.UnmarshalJSON] and [Event.MarshalJSON].
var (
	// ErrNoRiskObject means the spec has no risk object.
	ErrNoRiskObject = errors.New("no risk object")
	// ErrEmptyField means a risk or threat object names no field.
	ErrEmptyField = errors.New("empty field name")
	// ErrUnknownField means a risk object, threat object or message token
	// names a field that the finding does not have.
	ErrUnknownField = errors.New("unknown field")
	// ErrUnknownType means a risk or threat object type is not a known one.
	ErrUnknownType = errors.New("unknown type")
	// ErrBadScore means a risk score is outside 1..100.
	ErrBadScore = errors.New("bad score")
	// ErrDuplicate means a risk or threat object repeats an earlier one
	// exactly; it would only duplicate events or threat objects.
	ErrDuplicate = errors.New("duplicate object")
	// ErrEmptyMessage means the message is empty or only whitespace.
	ErrEmptyMessage = errors.New("empty message")
	// ErrEmptySearchName means the annotations carry no search name.
	ErrEmptySearchName = errors.New("empty search name")
	// ErrBadTime means an event's _time is not an RFC 3339 time with a year
	// in 0000..9999 (in UTC).
	ErrBadTime = errors.New("bad _time")
)

// SpecError is one problem found in a [Spec] or its [Annotations] by
// [NewBuilder].
type SpecError struct {
	// Where locates the problem in ESCU YAML terms, such as "message",
	// "risk_objects[0].score" or "threat_objects[1].field".
	Where string
	// Err describes the problem; errors.Is matches it against the package's
	// sentinel errors, such as [ErrBadScore].
	Err error
}

// Error returns Where and Err, as in "risk_objects[0].score: want 1..100,
// got 0".
func (e *SpecError) Error() string {
	return e.Where + ": " + e.Err.Error()
}

// Unwrap returns e.Err.
func (e *SpecError) Unwrap() error {
	return e.Err
}

// detailError is a sentinel with a message that says more than the
// sentinel's own text, so a SpecError reads naturally while errors.Is still
// finds the sentinel.
type detailError struct {
	kind error
	msg  string
}

func (e *detailError) Error() string { return e.msg }

func (e *detailError) Unwrap() error { return e.kind }
