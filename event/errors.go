package event

import (
	"cmp"
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
	// ErrOtherKind means a record is valid but of another kind than the
	// one being read; see [OtherKindError].
	ErrOtherKind = errors.New("record of another kind")
	// ErrCSV means a row of a CSV export is malformed: a stray quote, or
	// a number of fields other than the header's.
	ErrCSV = errors.New("invalid CSV")
	// ErrTimeRange means an event time is before 1970 or after 9999.
	ErrTimeRange = errors.New("event time out of range")
	// ErrFormatMismatch means the records of an input are not of the
	// Format the Reader was told to read; it ends the input.
	ErrFormatMismatch = errors.New("format does not match")
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
	// Encoding is the input's encoding. For UTF-16 input, Line counts the
	// lines of the text and Offset the bytes of its UTF-8 transcoding,
	// which the message says.
	Encoding Encoding
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
	if e.Encoding != UTF8 {
		b.WriteString(" of the UTF-8 transcoding of ")
		b.WriteString(e.Encoding.String())
		b.WriteString(" input")
	}
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

// InputError reports an input that could not be read to its end: the
// io.Reader failed, or a compressed stream is corrupt or cut short, as an
// interrupted download leaves it. The records before the failure were
// read and count; nothing after it can be.
//
// Its message has the form
//
//	read signins.json.gz: gzip: unexpected EOF at compressed byte 5120, after 56 records
type InputError struct {
	// Source names the input, as set in Reader.Name; may be empty.
	Source string
	// Compression is the input's compression.
	Compression Compression
	// Offset is how many bytes of the input were consumed before the
	// failure: compressed bytes for compressed input, else bytes of the
	// text.
	Offset int64
	// Records is how many records were read from this input before the
	// failure.
	Records int64
	// Err is the underlying error, such as io.ErrUnexpectedEOF or a
	// gzip.ErrChecksum.
	Err error
}

// Error implements the error interface.
func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString("read ")
	b.WriteString(cmp.Or(e.Source, "input"))
	b.WriteString(": ")
	msg := e.Err.Error()
	if c := e.Compression.String(); e.Compression != Uncompressed && !strings.HasPrefix(msg, c) {
		b.WriteString(c) // "gzip: unexpected EOF"; gzip's own errors say "gzip: " already
		b.WriteString(": ")
	}
	b.WriteString(msg)
	if e.Compression != Uncompressed {
		b.WriteString(" at compressed byte ")
	} else {
		b.WriteString(" at byte ")
	}
	b.WriteString(strconv.FormatInt(e.Offset, 10))
	b.WriteString(", after ")
	b.WriteString(strconv.FormatInt(e.Records, 10))
	if e.Records == 1 {
		b.WriteString(" record")
	} else {
		b.WriteString(" records")
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *InputError) Unwrap() error { return e.Err }

// OtherKindError reports a valid record of another kind than the one
// being read (sign-ins, for a Reader's Read; audit events, for
// DecodeAudit) in a stream that mixes them, as an Entra diagnostic setting
// streams sign-ins, audit logs, provisioning logs and risk events
// together. Such a record is not bad input: a [Reader] counts it in
// [Counts].Other, by kind, and skips it, in strict mode too. It matches
// [ErrOtherKind] and [ErrNotSignIn].
type OtherKindError struct {
	// Source names the input, as set in Reader.Name; may be empty.
	Source string
	// Line is the 1-based line of the record's first byte.
	Line int
	// Offset is the 0-based byte offset of the record's first byte.
	Offset int64
	// Kind is what the record is: its Azure Monitor category (such as
	// "AuditLogs" or "RiskyUsers") or its Log Analytics table (Type).
	Kind string
}

// Error implements the error interface.
func (e *OtherKindError) Error() string {
	return cmp.Or(e.Source, "line") + ":" + strconv.Itoa(e.Line) + ": " + ErrOtherKind.Error() + ": " + strconv.Quote(e.Kind) +
		" (byte " + strconv.FormatInt(e.Offset, 10) + ")"
}

// Is reports whether target is ErrOtherKind, or ErrNotSignIn, which the
// sign-in reader has always used for these records.
func (e *OtherKindError) Is(target error) bool {
	return target == ErrOtherKind || target == ErrNotSignIn
}
