package event

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrUnknownField is returned by [LookupField] for a name that is not a
// field of [SignInEvent].
var ErrUnknownField = errors.New("unknown field")

// Kind is the JSON type of a field's values.
type Kind uint8

// The kinds of field values.
const (
	KindString Kind = iota + 1 // a JSON string
	KindInt                    // a JSON integer
	KindBool                   // true or false
	KindFloat                  // a JSON number
	KindTime                   // an RFC 3339 timestamp in a JSON string
)

// String returns the kind as the phrase used in decode errors ("a string", "a number", …).
func (k Kind) String() string {
	switch k {
	case KindString:
		return "a string"
	case KindInt:
		return "an integer"
	case KindBool:
		return "true or false"
	case KindFloat:
		return "a number"
	case KindTime:
		return "an RFC 3339 timestamp"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Field is a compiled accessor for one field of an event of type E (such
// as [SignInEvent]), named as Splunk names the field after JSON
// extraction: "userPrincipalName", "status.errorCode", "location.city",
// and for arrays "riskEventTypes_v2{}" or
// "appliedConditionalAccessPolicies{}.result".
//
// Rules, group keys and risk messages refer to fields by name; looking the
// name up once (with [LookupField] for sign-ins) turns it into a Field
// whose accessor is a plain function call, with no reflection or name
// matching per event. The zero Field has no name and no values.
type Field[E any] struct {
	name  string
	kind  Kind
	multi bool
	get   func(dst []string, e *E) []string
}

// NewField returns a field named name (a Splunk name, such as
// "targetResources{}.type") whose values get appends to dst, for an event
// type of the caller's own: its [Schema]'s Field function looks fields up
// among such values. kind is the JSON type of the values and multi says
// whether the field is an array. get must not keep or modify e.
func NewField[E any](name string, kind Kind, multi bool, get func(dst []string, e *E) []string) Field[E] {
	return Field[E]{name: name, kind: kind, multi: multi, get: get}
}

// lookup returns the field of fs with the given name, or an error
// wrapping [ErrUnknownField].
func lookup[E any](fs []Field[E], name string) (Field[E], error) {
	for _, f := range fs {
		if f.name == name {
			return f, nil
		}
	}
	return Field[E]{}, fmt.Errorf("%w %q", ErrUnknownField, name)
}

// names returns the names of fs, in order.
func names[E any](fs []Field[E]) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// Name returns the field's Splunk name.
func (f Field[E]) Name() string { return f.name }

// Kind returns the JSON type of the field's values.
func (f Field[E]) Kind() Kind { return f.kind }

// Multi reports whether the field is an array that can hold several values.
func (f Field[E]) Multi() bool { return f.multi }

// Append appends the field's values in e to dst and returns the extended
// slice. A scalar field gives one value, an array field one per non-empty
// element, and a field that is null, absent or empty gives none.
// Numbers are formatted in decimal, booleans as "true" or "false", and
// times in RFC 3339 (UTC, sub-seconds only when present).
func (f Field[E]) Append(dst []string, e *E) []string {
	if f.get == nil {
		return dst
	}
	return f.get(dst, e)
}

// Equal reports Splunk's field=value: whether any of the field's values in
// e is v (for an array field, any element, as
// authenticationDetails{}.succeeded=true tests). A missing field does not
// match.
func (f Field[E]) Equal(e *E, v string) bool {
	var buf [4]string
	for _, x := range f.Append(buf[:0], e) {
		if x == v {
			return true
		}
	}
	return false
}

// NotEqual reports Splunk's field!=value: the field has a value and none
// of its values is v. Unlike NOT field=value, a missing field does not
// match. (How Splunk treats a multivalue field here is unverified; escudo
// requires every value to differ.)
func (f Field[E]) NotEqual(e *E, v string) bool {
	var buf [4]string
	vs := f.Append(buf[:0], e)
	if len(vs) == 0 {
		return false
	}
	for _, x := range vs {
		if x == v {
			return false
		}
	}
	return true
}

// Value returns the field's first value in e, and whether it has one.
func (f Field[E]) Value(e *E) (string, bool) {
	var buf [1]string
	vs := f.Append(buf[:0], e)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func str[E any](name string, get func(e *E) string) Field[E] {
	return Field[E]{name: name, kind: KindString, get: func(dst []string, e *E) []string {
		if v := get(e); v != "" {
			dst = append(dst, v)
		}
		return dst
	}}
}

func strs[E any](name string, get func(e *E) []string) Field[E] {
	return Field[E]{name: name, kind: KindString, multi: true, get: func(dst []string, e *E) []string {
		for _, v := range get(e) {
			if v != "" {
				dst = append(dst, v)
			}
		}
		return dst
	}}
}

func boolean[E any](name string, get func(e *E) *bool) Field[E] {
	return Field[E]{name: name, kind: KindBool, get: func(dst []string, e *E) []string {
		if p := get(e); p != nil {
			dst = append(dst, strconv.FormatBool(*p))
		}
		return dst
	}}
}

func float[E any](name string, get func(e *E) *float64) Field[E] {
	return Field[E]{name: name, kind: KindFloat, get: func(dst []string, e *E) []string {
		if p := get(e); p != nil {
			dst = append(dst, strconv.FormatFloat(*p, 'f', -1, 64))
		}
		return dst
	}}
}
