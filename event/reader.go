package event

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	json "github.com/goccy/go-json"
)

// DefaultMaxRecordSize is the record size limit of a [Reader] whose
// MaxRecordSize is zero: far above a real sign-in (1–5 KB) and below what
// would exhaust memory. Splunk's own add-on truncates events at 2 MiB.
const DefaultMaxRecordSize = 1 << 20

// Record is one raw record of the input and where it starts.
type Record struct {
	// Data is the record's bytes without its line terminator. It is valid
	// only until the next call to ReadRecord; copy it to keep it.
	Data []byte
	// Line is the 1-based line number of the record's first byte.
	Line int
	// Offset is the 0-based byte offset of the record's first byte.
	Offset int64
}

// Counts is the accounting of a read: every record is either decoded or
// bad, never both and never neither, so Records == Decoded + Bad.
type Counts struct {
	// Records is the number of records seen (blank lines are not records).
	Records int64
	// Decoded is the number of records decoded into events.
	Decoded int64
	// Bad is the number of records reported as a *DecodeError.
	Bad int64
}

// Reader reads sign-in records from JSON lines: one Graph signIn object per
// line, as the Graph API returns them. Blank lines are skipped, CRLF line
// ends and a leading UTF-8 byte-order mark are accepted.
//
// A Reader follows the shape of encoding/csv: set the exported fields
// before the first read, then call [Reader.Read] until [io.EOF], or range
// over [Reader.All]. A bad record is reported as a *[DecodeError]; reading
// may go on after it, at the next record, so a caller can skip bad records.
// An error that is not a *DecodeError (a failing io.Reader) ends the input.
//
// Invalid UTF-8 inside strings is replaced by U+FFFD, as encoding/json
// does; a repeated key keeps its last value.
//
// A Reader is not safe for concurrent use, except [Reader.Decode].
type Reader struct {
	// Name names the input in errors, such as a file name.
	Name string
	// MaxRecordSize is the largest record accepted, in bytes; a longer one
	// is reported with ErrTooLong and skipped. Zero means DefaultMaxRecordSize.
	MaxRecordSize int

	br     *bufio.Reader
	buf    []byte // the current record when it spans bufio's buffer
	line   int    // lines consumed
	offset int64  // bytes consumed
	err    error  // sticky input error or io.EOF
	counts Counts
}

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Counts returns the accounting of the records read so far with
// [Reader.Read], [Reader.All] or [Reader.ReadAll]. Records returned by
// ReadRecord count as records; their decoding is the caller's to count.
func (r *Reader) Counts() Counts { return r.counts }

func (r *Reader) maxSize() int {
	if r.MaxRecordSize > 0 {
		return r.MaxRecordSize
	}
	return DefaultMaxRecordSize
}

// ReadRecord returns the next record without decoding it, for callers that
// decide themselves what to decode (such as a detection engine that skips
// records no rule can match). It returns io.EOF at the end of the input,
// and a *DecodeError wrapping ErrTooLong for a record over the size limit,
// after which reading resumes at the next line.
func (r *Reader) ReadRecord() (Record, error) {
	for {
		if r.err != nil {
			return Record{}, r.err
		}
		start, line := r.offset, r.line+1
		data, n, tooLong, err := r.readLine()
		r.offset += int64(n)
		if n > 0 {
			r.line++
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				err = fmt.Errorf("read %s: %w", r.nameOr("input"), err)
			}
			r.err = err
			if n == 0 {
				return Record{}, err
			}
		}
		if tooLong {
			r.counts.Records++
			r.counts.Bad++
			return Record{}, &DecodeError{Source: r.Name, Line: line, Offset: start, Err: fmt.Errorf("%w: over %d bytes", ErrTooLong, r.maxSize())}
		}
		if line == 1 {
			if bytes.HasPrefix(data, utf8BOM) {
				data = data[len(utf8BOM):]
				start += int64(len(utf8BOM))
			}
		}
		if isBlank(data) {
			continue
		}
		r.counts.Records++
		return Record{Data: data, Line: line, Offset: start}, nil
	}
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func (r *Reader) nameOr(def string) string {
	if r.Name != "" {
		return r.Name
	}
	return def
}

// readLine reads one line and returns it without its terminator, the number
// of bytes consumed, and whether it was over the size limit (then its bytes
// were discarded). It never holds more than the limit in memory.
func (r *Reader) readLine() (data []byte, n int, tooLong bool, err error) {
	limit := r.maxSize()
	r.buf = r.buf[:0]
	for {
		frag, e := r.br.ReadSlice('\n')
		n += len(frag)
		if !tooLong {
			if len(r.buf)+len(frag) > limit+2 { // +2 for the CRLF terminator
				tooLong = true
				r.buf = r.buf[:0]
			} else if e == bufio.ErrBufferFull || len(r.buf) > 0 {
				r.buf = append(r.buf, frag...)
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			return nil, n, true, e
		}
		if len(r.buf) > 0 {
			data = r.buf
		} else {
			data = frag
		}
		data = bytes.TrimSuffix(data, []byte("\n"))
		data = bytes.TrimSuffix(data, []byte("\r"))
		if len(data) > limit {
			return nil, n, true, e
		}
		return data, n, false, e
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// Decode decodes rec into ev, which it overwrites entirely. On failure it
// returns a *DecodeError saying where and what, and ev is undefined.
// Decode does not change the Reader and is safe for concurrent use, so
// records may be decoded on several goroutines.
func (r *Reader) Decode(rec Record, ev *SignInEvent) error {
	return decodeGraph(r.Name, rec, ev)
}

// graphWire is the decoding target: the event, with the timestamp kept as
// text so that a bad one can be reported with its position.
type graphWire struct {
	*SignInEvent
	CreatedDateTime string `json:"createdDateTime"`
}

func decodeGraph(source string, rec Record, ev *SignInEvent) error {
	*ev = SignInEvent{}
	if p := checkObject(rec.Data); p != nil {
		return locate(source, rec, p)
	}
	w := graphWire{SignInEvent: ev}
	if err := unmarshal(rec.Data, &w); err != nil {
		return locate(source, rec, explain(rec.Data, err))
	}
	if w.CreatedDateTime == "" {
		return locate(source, rec, atPath(rec.Data, "createdDateTime", ErrMissingTime))
	}
	t, err := time.Parse(time.RFC3339, w.CreatedDateTime)
	if err != nil {
		return locate(source, rec, atPath(rec.Data, "createdDateTime", &TypeError{Want: KindTime.String(), Got: fmt.Sprintf("%q", w.CreatedDateTime)}))
	}
	ev.CreatedDateTime = t
	return nil
}

// unmarshal decodes one JSON object with goccy/go-json. A well-formed
// object ends with '}'; anything else is refused before goccy sees it,
// because goccy v0.10 reads past its buffer on a record that ends inside
// an escaped key (goccy/go-json#575, #577), a crash under -race.
func unmarshal(data []byte, v any) error {
	end := len(data) - 1
	for end >= 0 && isSpace(data[end]) {
		end--
	}
	if end < 0 || data[end] != '}' {
		return errUnterminated
	}
	return json.Unmarshal(data, v)
}

// errUnterminated is a decoder error that explain() turns into the exact
// syntax problem with the walker.
var errUnterminated = errors.New("record does not end with '}'")

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// checkObject rejects a record that is not a JSON object before decoding,
// since the decoder accepts null and reports other shapes obscurely.
func checkObject(data []byte) *problem {
	i := 0
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	if i == len(data) {
		return &problem{off: i, err: fmt.Errorf("%w: empty record", ErrSyntax)}
	}
	var what string
	switch c := data[i]; {
	case c == '{':
		return nil
	case c == '[':
		what = "an array"
	case c == '"':
		what = "a string"
	case c == '-' || c >= '0' && c <= '9':
		what = "a number"
	case c == 'n':
		what = "null"
	case c == 't' || c == 'f':
		what = "a boolean"
	case c == '<':
		return &problem{off: i, err: fmt.Errorf("%w: starts with '<', not JSON (an HTML page?)", ErrSyntax)}
	default:
		if p := walk(data, nil); p != nil {
			return p
		}
		what = "not an object"
	}
	if p := walk(data, nil); p != nil {
		return p
	}
	return &problem{off: i, err: fmt.Errorf("%w: got %s", ErrNotObject, what)}
}

// explain turns a decoder error into a located problem.
func explain(data []byte, err error) *problem {
	if p := walk(data, nil); p != nil {
		return p // a real syntax error, located exactly
	}
	// The JSON is well-formed, so the decoder refused a value's type. Find
	// the value at the decoder's offset, and say what the schema wants.
	var off int64 = -1
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		off = te.Offset
	case errors.As(err, &se):
		off = se.Offset
	}
	if off >= 0 && off <= int64(len(data)) {
		if s, ok := valueAt(data, int(off)); ok {
			want := wantAt(s.path)
			if want == "" && te != nil {
				want = te.Type.String()
			}
			if want == "" {
				want = "another type"
			}
			return &problem{off: s.start, path: s.path, err: &TypeError{Want: want, Got: describe(data[s.start:s.end])}}
		}
	}
	return &problem{off: 0, err: fmt.Errorf("%w: %v", ErrSyntax, err)}
}

// atPath reports err at the value at path, or at the record when absent.
func atPath(data []byte, path string, err error) *problem {
	if s, ok := valueOf(data, path); ok {
		return &problem{off: s.start, path: path, err: err}
	}
	return &problem{off: 0, path: path, err: err}
}

// locate turns a problem within a record into a DecodeError with the
// input's line and byte offset.
func locate(source string, rec Record, p *problem) *DecodeError {
	off := min(max(p.off, 0), len(rec.Data))
	return &DecodeError{
		Source: source,
		Line:   rec.Line + bytes.Count(rec.Data[:off], []byte("\n")),
		Offset: rec.Offset + int64(off),
		Path:   p.path,
		Err:    p.err,
	}
}

// Read reads and decodes the next record. It returns io.EOF at the end of
// the input and a *DecodeError for a bad record; after a *DecodeError the
// next Read continues with the following record.
func (r *Reader) Read() (SignInEvent, error) {
	var ev SignInEvent
	err := r.ReadInto(&ev)
	return ev, err
}

// ReadInto is Read decoding into ev, so a caller can reuse one event.
func (r *Reader) ReadInto(ev *SignInEvent) error {
	rec, err := r.ReadRecord()
	if err != nil {
		return err
	}
	if err := r.Decode(rec, ev); err != nil {
		r.counts.Bad++
		return err
	}
	r.counts.Decoded++
	return nil
}

// ReadAll reads every record to the end. It stops at the first error and
// returns the events read until then; at the end of the input the error is
// nil, not io.EOF.
func (r *Reader) ReadAll() ([]SignInEvent, error) {
	var evs []SignInEvent
	for {
		ev, err := r.Read()
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

// All returns an iterator over the remaining records: each is yielded as
// an event and a nil error, or a zero event and its *DecodeError. Iteration
// goes on past a bad record for as long as the loop continues, and ends at
// the end of the input or after yielding an input error.
//
// The iterator is single-use: it consumes the Reader.
func (r *Reader) All() iter.Seq2[SignInEvent, error] {
	return func(yield func(SignInEvent, error) bool) {
		for {
			ev, err := r.Read()
			if err == io.EOF {
				return
			}
			var de *DecodeError
			if !yield(ev, err) || err != nil && !errors.As(err, &de) {
				return
			}
		}
	}
}
