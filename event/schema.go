package event

import "time"

// Schema describes an event type to a detection engine: its name, its
// fields by Splunk name, its event time, and how a record of an input
// decodes into it. Adding an event type adds a Schema (and the files
// behind it); the engine needs nothing else.
type Schema[E any] struct {
	// Name names the type in messages and listings, such as "sign-in".
	Name string
	// Field returns the field with the given Splunk name, or an error
	// wrapping [ErrUnknownField].
	Field func(name string) (Field[E], error)
	// Time returns an event's time.
	Time func(e *E) time.Time
	// Decode decodes a record of r into e, which it overwrites, as
	// [Reader.Decode] does: a *DecodeError for a bad record, an
	// *OtherKindError for a valid record of another type.
	Decode func(r *Reader, rec Record, e *E) error
	// Project, when set, returns a decoder that fills only the named
	// fields of an event and its time, leaving the others zero, for an
	// engine whose detections read only those (see [ProjectSignIns]).
	// Its errors and its events' named fields must be Decode's. Nil
	// means the type is always decoded whole.
	Project func(fields []string) (func(r *Reader, rec Record, e *E) error, error)
	// ProjectEvent, set with Project, returns what Project's decoder
	// makes of the record an event was decoded from, from the event: a
	// copy holding only what the fields read (see [ProjectSignInEvent]).
	ProjectEvent func(e *E, fields []string) (E, error)
	// Accepts reports whether records of a kind (as [KindOf] tells it)
	// are of this type, so that an engine with detections of several
	// types hands each record to the right decoder. At most one type may
	// accept the kind "" (a record that does not say).
	Accepts func(kind string) bool
}

// Typed is the constraint of the event types detections run on: a
// pointer to the event type with a Schema method, which must not use its
// receiver (it is called on a nil pointer). Type inference fills it in:
// for a Detection[SignInEvent], it is *SignInEvent.
type Typed[E any] interface {
	*E
	Schema() *Schema[E]
}

// Schema returns the schema of sign-ins. It does not use its receiver.
func (*SignInEvent) Schema() *Schema[SignInEvent] {
	return &Schema[SignInEvent]{
		Name:         "sign-in",
		Field:        LookupField,
		Time:         (*SignInEvent).Time,
		Decode:       (*Reader).Decode,
		Project:      ProjectSignIns,
		ProjectEvent: ProjectSignInEvent,
		Accepts: func(kind string) bool {
			// A record that does not say what it is has always been read
			// as a sign-in.
			return kind == "" || kind == "signIn" || isSignInCategory(kind) || isSignInTable(kind)
		},
	}
}
