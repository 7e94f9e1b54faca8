package event

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
)

// DefaultMaxRecordSize is the record size limit of a [Reader] whose
// MaxRecordSize is zero: far above a real sign-in (1–5 KB) and below what
// would exhaust memory. Splunk's own add-on truncates events at 2 MiB.
const DefaultMaxRecordSize = 1 << 20

const readBufferSize = 64 << 10

// Record is one raw record of the input and where it starts.
type Record struct {
	// Data is the record's bytes without its line terminator. It is valid
	// only until the next call to ReadRecord; copy it to keep it.
	Data []byte
	// Line is the 1-based line number of the record's first byte.
	Line int
	// Offset is the 0-based byte offset of the record's first byte.
	Offset int64
	// Format is the record format Decode applies: the Reader's Format, or
	// the one detected from the input's first record; Auto when neither is
	// known yet.
	Format Format
}

// Counts is the accounting of a read: every record is decoded, bad, of
// another kind, or passed over by a prefilter, exactly one of them, so
// Records == Decoded + Bad + Other + Prefiltered.
type Counts struct {
	// Records is the number of records seen (blank lines are not records).
	Records int64
	// Decoded is the number of records decoded into events.
	Decoded int64
	// Bad is the number of records reported as a *DecodeError.
	Bad int64
	// Other is the number of valid records of another kind than sign-ins
	// (see *OtherKindError), skipped; [Reader.OtherKinds] counts them by
	// kind.
	Other int64
	// Prefiltered is the number of records a detection engine's prefilter
	// passed over without decoding them, because no detection could match
	// them; they were not validated. The Reader itself never prefilters.
	Prefiltered int64
}

// Reader reads sign-in records from an export, whatever its layout: JSON
// lines, a JSON array, Graph API response pages, Azure Monitor
// {"records": [...]} documents, pretty-printed or concatenated objects,
// the CSV exports of Log Analytics and of the Entra admin center; gzip- or
// bzip2-compressed, UTF-8 or UTF-16, all recognised by their first bytes.
// The record format (Graph, Azure Monitor, Log Analytics) is detected
// from the first record unless Format is set. Blank lines, CRLF line ends
// and byte-order marks are accepted.
//
// A Reader follows the shape of encoding/csv: set the exported fields
// before the first read, then call [Reader.Read] until [io.EOF], or range
// over [Reader.All]. A bad record is reported as a *[DecodeError]; reading
// may go on after it, at the next record, so a caller can skip bad records.
// (When a JSON document's structure itself is broken, the error says the
// rest of the input cannot be read, and the input ends there.) An error
// that is not a *DecodeError (an *InputError for a failing io.Reader or a
// corrupt gzip, an unsupported input, a format mismatch) ends the input.
// Records of another kind than sign-ins are counted and skipped.
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
	// Format is the record format; Auto (the zero value) detects it from
	// the first record.
	Format Format

	br          *bufio.Reader // the text being framed: decompressed, UTF-8
	source      *stickyReader // the caller's reader
	raw         *bufio.Reader // the compressed bytes, for compressed input
	started     bool
	compression Compression
	encoding    Encoding
	csv         *csvFrames // the rows of a CSV export, in CSV mode
	mode        frameMode
	stack       []frame // open containers, in document mode
	afterTop    bool    // a top-level value was read: a ',' may separate the next
	buf         []byte  // the current record when not read in place
	line        int     // 1-based line of the next unread byte
	offset      int64   // bytes consumed
	err         error   // sticky end: io.EOF or an input error
	detected    Format
	counts      Counts
	kinds       map[string]int64 // records of other kinds skipped, by kind
}

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	src := &stickyReader{r: r}
	return &Reader{br: bufio.NewReaderSize(src, readBufferSize), source: src}
}

// Counts returns the accounting of the records read so far. Records
// returned by ReadRecord count as records; their decoding is counted only
// when done through Read, ReadInto, ReadAll or All.
func (r *Reader) Counts() Counts { return r.counts }

// OtherKinds returns how many records of each other kind Read, ReadInto,
// ReadAll and All skipped, by kind (Azure Monitor category or Log
// Analytics table), in a map of the caller's own.
func (r *Reader) OtherKinds() map[string]int64 { return maps.Clone(r.kinds) }

// Buffered reports how many bytes of text the Reader holds that it has
// not framed yet. When it is zero, the next ReadRecord reads from the
// underlying io.Reader and may block (on a pipe or a socket); a caller
// that batches records can hand over what it has first.
func (r *Reader) Buffered() int {
	if !r.started {
		return 0
	}
	return r.br.Buffered()
}

// Offset returns the number of input bytes consumed so far (for gzip
// input, decompressed bytes).
func (r *Reader) Offset() int64 { return r.offset }

func (r *Reader) maxSize() int {
	if r.MaxRecordSize > 0 {
		return r.MaxRecordSize
	}
	return DefaultMaxRecordSize
}

func (r *Reader) nameOr(def string) string {
	if r.Name != "" {
		return r.Name
	}
	return def
}

// ReadRecord returns the next record without decoding it, for callers that
// decide themselves what to decode (such as a detection engine that skips
// records no rule can match). It returns io.EOF at the end of the input,
// and a *DecodeError for a record over the size limit or a broken
// document structure.
func (r *Reader) ReadRecord() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	if !r.started {
		if err := r.start(); err != nil {
			if isDecodeError(err) {
				// A header that cannot be read: one bad record, and the
				// end of the input.
				r.counts.Records++
				r.counts.Bad++
				r.err = io.EOF
				return Record{}, err
			}
			r.err = r.inputError(err)
			return Record{}, r.err
		}
	}
	var rec Record
	var err error
	switch r.mode {
	case modeDocuments:
		rec, err = r.nextInDocument()
	case modeCSV:
		rec, err = r.nextCSV()
	default:
		rec, err = r.nextLine()
	}
	if err != nil {
		if !isDecodeError(err) {
			r.err = err
		}
		return Record{}, err
	}
	if r.detected == Auto { // the first record: detect its format
		if f, ok := detectFormat(rec.Data); ok {
			r.detected = f
			if r.Format != Auto && f != r.Format {
				r.counts.Records-- // the input is refused as a whole, before its first record
				r.err = fmt.Errorf("%s:%d: %w: the records are %v, not %v", r.nameOr("line"), rec.Line, ErrFormatMismatch, f, r.Format)
				return Record{}, r.err
			}
		}
	}
	rec.Format = cmp.Or(r.Format, r.detected)
	return rec, nil
}

func isDecodeError(err error) bool {
	var de *DecodeError
	return errors.As(err, &de)
}

// Decode decodes rec into ev, which it overwrites entirely. On failure it
// returns a *DecodeError saying where and what, or an *OtherKindError for
// a valid record of another kind, and ev is undefined.
// Decode does not change the Reader and is safe for concurrent use, so
// records may be decoded on several goroutines.
func (r *Reader) Decode(rec Record, ev *SignInEvent) error {
	return r.fixDecodeError(rec, decode(r.Name, rec, ev))
}

// fixDecodeError completes a *DecodeError about rec with what only the
// Reader knows: the input's encoding, and for a CSV export the row and
// the column's name. Other errors are returned as they are.
func (r *Reader) fixDecodeError(rec Record, err error) error {
	if de, ok := err.(*DecodeError); ok {
		de.Encoding = r.encoding
		if r.csv != nil {
			// The record is JSON made from a CSV row: point at the row,
			// and name the column as the export does.
			de.Line, de.Offset = rec.Line, rec.Offset
			if col := r.csv.column(de.Path); col != "" {
				de.Path = col
			}
		}
	}
	return err
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
// Records of another kind are counted and skipped.
func (r *Reader) ReadInto(ev *SignInEvent) error {
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			return err
		}
		err = r.Decode(rec, ev)
		var other *OtherKindError
		switch {
		case err == nil:
			r.counts.Decoded++
			return nil
		case errors.As(err, &other):
			r.counts.Other++
			if r.kinds == nil {
				r.kinds = make(map[string]int64)
			}
			r.kinds[other.Kind]++
		default:
			r.counts.Bad++
			return err
		}
	}
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
			if !yield(ev, err) || err != nil && !isDecodeError(err) {
				return
			}
		}
	}
}
