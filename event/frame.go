package event

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// This file finds the records in the input bytes (framing); decode.go
// turns one record into an event.
//
// Two layouts are told apart by the first bytes of each input:
//
//   - lines: one record per line (JSON lines: Graph signIns, Azure Monitor
//     PT1H.json blobs, Log Analytics rows). A bad line is reported and
//     reading resumes at the next line. A wrapper document at the start of
//     a line turns the rest of the input into documents.
//   - documents: a stream of JSON values, each an array of records, a
//     wrapper object whose "value" (Graph API page) or "records" (Azure
//     Monitor) array holds the records, or a record on its own. Documents
//     may be pretty-printed and concatenated. A record that is bad but
//     well-nested is reported and reading resumes at the next one; a
//     document whose structure breaks cannot be read further.
//
// Compressed input (gzip, bzip2) is recognised by its magic bytes and
// decompressed on the fly, and UTF-16 is transcoded to UTF-8; lines and
// offsets then count in the decompressed UTF-8 text. Pretty-printed and
// concatenated objects are read as documents, CSV exports row by row
// (csv.go).

type frameMode uint8

const (
	modeLines frameMode = iota + 1
	modeDocuments
	modeCSV
)

// frame is an open container of a document being read.
type frame struct {
	array     bool // an array of records; else a wrapper object
	afterItem bool // an element or member was read: a ',' or the close must follow
}

// isWrapperKey reports keys that make an object a container of records
// rather than a record: Graph API pages and Azure Monitor documents.
func isWrapperKey(key string) bool {
	switch key {
	case "value", "records", "@odata.context", "@odata.nextLink", "@odata.count", "@odata.deltaLink":
		return true
	}
	return false
}

// start recognises compression and encoding, skips a byte-order mark,
// and picks the layout.
func (r *Reader) start() error {
	r.started = true
	r.line = 1
	head, _ := r.br.Peek(8)
	if err := refusedInput(head); err != nil {
		return err
	}
	if r.compression = compressionOf(head); r.compression != Uncompressed {
		r.raw = r.br
		dec, err := r.compression.reader(r.br)
		if err != nil {
			return err
		}
		r.br = bufio.NewReaderSize(dec, readBufferSize)
		head, _ = r.br.Peek(8)
		if err := refusedInput(head); err != nil {
			return err
		}
	}
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		r.discard(len(utf8BOM))
	case bytes.HasPrefix(head, utf16LEBOM):
		r.br.Discard(len(utf16LEBOM))
		r.transcode(UTF16LE)
	case bytes.HasPrefix(head, utf16BEBOM):
		r.br.Discard(len(utf16BEBOM))
		r.transcode(UTF16BE)
	default:
		if enc, ok := sniffUTF16(head); ok {
			r.transcode(enc)
		}
	}
	c, err := r.skipSpace()
	if err != nil {
		return err
	}
	r.mode = modeLines
	switch c {
	case '[':
		r.mode = modeDocuments
	case '{':
		if r.atWrapper() || !r.aloneOnFirstLine() {
			// A wrapper, or objects pretty-printed or concatenated.
			r.mode = modeDocuments
		}
	default:
		if sniffCSV(r.peekLine()) {
			return r.startCSV()
		}
	}
	return nil
}

// startCSV reads a CSV export's header and reads the rest row by row; an
// empty CSV has no records, and one with columns of no known export is
// refused whole.
func (r *Reader) startCSV() error {
	frames, err := newCSVFrames(r.br)
	var row *csvRowError
	switch {
	case err == io.EOF:
		return io.EOF
	case errors.Is(err, ErrUnsupportedCSV) && errors.As(err, &row):
		return row.Err // "CSV with columns …: …", which names the input
	case errors.As(err, &row):
		// The header starts where the reader stands; row.Line counts from
		// it.
		where := ""
		if row.Column > 0 {
			where = fmt.Sprintf(", at line %d, column %d", r.line+row.Line-1, row.Column)
		}
		return &DecodeError{Source: r.Name, Line: r.line, Offset: r.offset, Encoding: r.encoding,
			Err: fmt.Errorf("%w: the header: %w%s; the rest of the input cannot be read", ErrCSV, row.Err, where)}
	case err != nil:
		return err
	}
	frames.maxRow = r.maxSize()
	r.mode, r.csv = modeCSV, frames
	return nil
}

// nextCSV returns the next CSV row as the JSON of a record.
func (r *Reader) nextCSV() (Record, error) {
	data, line, off, err := r.csv.next(r.buf)
	r.buf = data
	var row *csvRowError
	switch {
	case err == nil:
		r.counts.Records++
		r.offset = off
		return Record{Data: data, Line: line, Offset: off}, nil
	case errors.As(err, &row):
		r.counts.Records++
		r.counts.Bad++
		if errors.Is(row.Err, ErrTooLong) {
			return Record{}, &DecodeError{Source: r.Name, Line: row.Line, Offset: row.Offset, Encoding: r.encoding, Err: row.Err}
		}
		return Record{}, &DecodeError{Source: r.Name, Line: row.Line, Offset: row.Offset, Encoding: r.encoding, Err: fmt.Errorf("%w: %w", ErrCSV, row.Err)}
	}
	return Record{}, r.inputError(err)
}

// transcode makes the rest of the input read as UTF-8.
func (r *Reader) transcode(enc Encoding) {
	r.encoding = enc
	r.br = bufio.NewReaderSize(&utf16Reader{src: r.br, bigEndian: enc == UTF16BE}, readBufferSize)
}

// aloneOnFirstLine reports whether the JSON value at the read position
// ends on its first line with no other value after it: the case of JSON
// lines. A pretty-printed object ends on a later line; concatenated
// objects have another after the first. A line longer than the read
// buffer or cut short by the end of the input counts as alone, so that
// it is read, and reported, as a line.
func (r *Reader) aloneOnFirstLine() bool {
	depth := 0
	inString, escaped := false, false
	for i, n := 0, 1; n <= readBufferSize; n = r.morePeek(n) {
		b, err := r.br.Peek(n)
		for ; i < len(b); i++ {
			c := b[i]
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case c == '}' || c == ']':
				depth--
				if depth == 0 {
					// Another object (or a separating comma) after the
					// first makes concatenated objects; anything else
					// leaves the line a bad record of its own.
					rest := bytes.TrimLeft(b[i+1:], " \t\r")
					for len(rest) == 0 && err == nil && len(b) < readBufferSize {
						// Wait for what follows the object, as it comes.
						b, err = r.br.Peek(len(b) + 1)
						rest = bytes.TrimLeft(b[i+1:], " \t\r")
					}
					return len(rest) == 0 || rest[0] != '{' && rest[0] != '[' && rest[0] != ','
				}
			case c == '\n':
				return false // the value goes on to the next line
			}
		}
		if err != nil {
			return true
		}
	}
	return true
}

// morePeek returns how many bytes to peek at after n: what is buffered
// already, or one more, which reads once and so returns as soon as the
// input has sent anything. Peeking a fixed size would wait on a pipe for
// bytes that may not come soon (a first record alone on a live stream).
func (r *Reader) morePeek(n int) int {
	if b := r.br.Buffered(); b > n {
		return min(b, readBufferSize)
	}
	return n + 1
}

// peekLine returns the first line at the read position, as far as it is
// buffered, without consuming it.
func (r *Reader) peekLine() []byte {
	b, _ := r.br.Peek(readBufferSize)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// stickyReader returns the first error of r again on every later read, so
// that an input error seen while looking ahead is not lost: bufio hands a
// read error to one caller only.
// It also counts the bytes read, to say where compressed input broke.
type stickyReader struct {
	r   io.Reader
	n   int64
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	s.err = err
	return n, err
}

// compressionOf recognises a compressed input by its magic bytes.
func compressionOf(head []byte) Compression {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return Gzip
	case bytes.HasPrefix(head, bzip2Magic) && len(head) > 3 && head[3] >= '1' && head[3] <= '9':
		return Bzip2
	}
	return Uncompressed
}

// reader returns a reader that decompresses src. Both decompressors keep
// their errors, so they need no stickyReader of their own.
func (c Compression) reader(src *bufio.Reader) (io.Reader, error) {
	if c == Bzip2 {
		return bzip2.NewReader(src), nil
	}
	return gzip.NewReader(src)
}

// inputError wraps an error of the underlying reader in an *InputError
// that says where the input broke.
func (r *Reader) inputError(err error) error {
	if err == io.EOF || isDecodeError(err) {
		return err
	}
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	if errors.Is(err, ErrUnsupportedInput) {
		return fmt.Errorf("%s: %w", r.nameOr("input"), err)
	}
	e := &InputError{Source: r.Name, Compression: r.compression, Offset: r.offset, Records: r.counts.Records, Err: err}
	if r.compression != Uncompressed {
		e.Offset = r.source.n - int64(r.raw.Buffered())
	}
	return e
}

// discard consumes n buffered bytes, counting lines.
func (r *Reader) discard(n int) {
	b, _ := r.br.Peek(n)
	r.line += bytes.Count(b, []byte{'\n'})
	r.offset += int64(len(b))
	r.br.Discard(len(b))
}

// chunk returns the buffered bytes, reading more when none are buffered.
func (r *Reader) chunk() ([]byte, error) {
	if _, err := r.br.Peek(1); err != nil {
		return nil, err
	}
	b, _ := r.br.Peek(r.br.Buffered())
	return b, nil
}

// skipSpace consumes whitespace and returns the next byte, unconsumed.
func (r *Reader) skipSpace() (byte, error) {
	for {
		b, err := r.chunk()
		if err != nil {
			return 0, err
		}
		i := 0
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i < len(b) {
			c := b[i]
			r.discard(i)
			return c, nil
		}
		r.discard(i)
	}
}

// atWrapper reports whether the object at the read position wraps
// records (a Graph API page, an Azure Monitor document) rather than being
// one, by its first key, looking ahead without consuming. A Graph
// response for a single entity (GET /auditLogs/signIns/{id}) starts with
// "@odata.context" too, but its context ends in "/$entity", as OData's
// JSON format specifies for a single entity; it is a record.
func (r *Reader) atWrapper() bool {
	for n := 1; n <= readBufferSize; n = r.morePeek(n) {
		b, err := r.br.Peek(n)
		if key, ok, complete := parseFirstKey(b); complete {
			if !ok || !isWrapperKey(key) {
				return false
			}
			if key != "@odata.context" {
				return true
			}
			ctx, complete := firstStringValue(b)
			if complete || err != nil {
				return !bytes.HasSuffix(ctx, []byte("/$entity"))
			}
			continue
		}
		if err != nil {
			return false
		}
	}
	return false
}

// firstStringValue returns the text of the string value of the first
// member of the object at the start of b, or complete false when b ends
// before it does.
func firstStringValue(b []byte) (value []byte, complete bool) {
	colon := bytes.IndexByte(b, ':')
	if colon < 0 {
		return nil, false
	}
	rest := bytes.TrimLeft(b[colon+1:], " \t\r\n")
	if len(rest) == 0 {
		return nil, false
	}
	if rest[0] != '"' {
		return nil, true
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 {
		return nil, false
	}
	return rest[1 : 1+end], true
}

// parseFirstKey reads `{ "key"` from b. complete is false when b ends
// before the answer is known.
func parseFirstKey(b []byte) (key string, ok, complete bool) {
	i := 1 // past '{'
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	if i == len(b) {
		return "", false, false
	}
	if b[i] != '"' {
		return "", false, true
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			return "", false, true // no wrapper key is escaped
		case '"':
			return string(b[i+1 : j]), true, true
		}
	}
	return "", false, false
}

// readLine reads one line into a record, without its terminator. A line
// over the size limit is consumed without being kept.
func (r *Reader) readLine() (data []byte, tooLong bool, err error) {
	limit := r.maxSize()
	r.buf = r.buf[:0]
	n := 0
	for {
		frag, e := r.br.ReadSlice('\n')
		n += len(frag)
		r.offset += int64(len(frag))
		if !tooLong {
			if len(r.buf)+len(frag) > limit+2 { // +2 for a CRLF terminator
				tooLong = true
				r.buf = r.buf[:0]
			} else if e == bufio.ErrBufferFull || len(r.buf) > 0 {
				r.buf = append(r.buf, frag...)
			}
		}
		if e == bufio.ErrBufferFull {
			continue
		}
		if len(frag) > 0 && frag[len(frag)-1] == '\n' {
			r.line++
		}
		if n == 0 || e != nil && e != io.EOF {
			// A line cut short by a failing input (an interrupted
			// download) is not a record of its own: the input error says
			// where the input broke, after how many records.
			return nil, false, e
		}
		if tooLong {
			return nil, true, nil
		}
		if len(r.buf) > 0 {
			data = r.buf
		} else {
			data = frag
		}
		data = bytes.TrimSuffix(data, []byte{'\n'})
		data = bytes.TrimSuffix(data, []byte{'\r'})
		if len(data) > limit {
			return nil, true, nil
		}
		return data, false, nil
	}
}

// nextLine returns the next non-blank line as a record. A line that
// starts a wrapper (an Azure Monitor {"records": [...]} document, as
// when Event Hubs messages follow blob lines in one file) turns the rest
// of the input into documents, whose records, and records on their own,
// are then read as documents are.
func (r *Reader) nextLine() (Record, error) {
	for {
		if b, _ := r.br.Peek(9); startsWrapper(b) && r.atWrapper() {
			r.mode = modeDocuments
			return r.nextInDocument()
		}
		line, off := r.line, r.offset
		data, tooLong, err := r.readLine()
		if err != nil {
			return Record{}, r.inputError(err)
		}
		if tooLong {
			r.counts.Records++
			r.counts.Bad++
			return Record{}, r.tooLong(line, off)
		}
		if isBlank(data) {
			continue
		}
		r.counts.Records++
		return Record{Data: data, Line: line, Offset: off}, nil
	}
}

// startsWrapper reports whether a line may start a wrapper document, by
// its first bytes: a quick test before atWrapper's, since it runs for
// every line.
func startsWrapper(b []byte) bool {
	return bytes.HasPrefix(b, []byte(`{"records`)) || bytes.HasPrefix(b, []byte(`{"value"`)) || bytes.HasPrefix(b, []byte(`{"@odata.`))
}

func (r *Reader) tooLong(line int, off int64) *DecodeError {
	return &DecodeError{Source: r.Name, Line: line, Offset: off, Err: fmt.Errorf("%w: over %d bytes", ErrTooLong, r.maxSize()), Encoding: r.encoding}
}

// nextInDocument returns the next record of a document stream.
func (r *Reader) nextInDocument() (Record, error) {
	for {
		c, err := r.skipSpace()
		if err == io.EOF && len(r.stack) > 0 {
			return Record{}, r.frameError("unexpected end of input inside a document (truncated?)")
		}
		if err != nil {
			return Record{}, r.inputError(err)
		}
		if len(r.stack) == 0 {
			switch c {
			case ',':
				if r.afterTop { // objects separated by commas, as copied out of a list
					r.discard(1)
					r.afterTop = false
					continue
				}
			case '[':
				r.discard(1)
				r.stack = append(r.stack, frame{array: true})
				continue
			case '{':
				if r.atWrapper() {
					r.discard(1)
					r.stack = append(r.stack, frame{})
					continue
				}
			}
			r.afterTop = true
			return r.scanRecord() // a record on its own, or a bad value Decode explains
		}
		top := &r.stack[len(r.stack)-1]
		if top.array {
			switch {
			case c == ']':
				r.discard(1)
				r.pop()
			case top.afterItem && c == ',':
				r.discard(1)
				top.afterItem = false
			case top.afterItem:
				return Record{}, r.frameError(fmt.Sprintf("invalid character %s after array element", quoteByte(c)))
			default:
				top.afterItem = true
				return r.scanRecord()
			}
			continue
		}
		// A wrapper object: skip its members but the records array.
		switch {
		case c == '}':
			r.discard(1)
			r.pop()
			continue
		case top.afterItem && c == ',':
			r.discard(1)
			top.afterItem = false
			continue
		case top.afterItem:
			return Record{}, r.frameError(fmt.Sprintf("invalid character %s after object member", quoteByte(c)))
		case c != '"':
			return Record{}, r.frameError(fmt.Sprintf("invalid character %s looking for an object key", quoteByte(c)))
		}
		if _, _, err := r.scanValue(true); err != nil {
			return Record{}, r.inputError(err)
		}
		key := string(r.buf)
		if c, err = r.skipSpace(); err != nil || c != ':' {
			return Record{}, r.frameError("want ':' after object key " + key)
		}
		r.discard(1)
		if c, err = r.skipSpace(); err != nil {
			return Record{}, r.frameError("unexpected end of input inside a document (truncated?)")
		}
		top.afterItem = true
		if key == `"value"` || key == `"records"` {
			if c != '[' {
				return Record{}, r.frameError(fmt.Sprintf("%s: want an array of records, got %s", key, quoteByte(c)))
			}
			r.discard(1)
			r.stack = append(r.stack, frame{array: true})
			continue
		}
		if _, eof, err := r.scanValue(false); err != nil {
			return Record{}, r.inputError(err)
		} else if eof {
			return Record{}, r.frameError("unexpected end of input inside a document (truncated?)")
		}
	}
}

func (r *Reader) pop() {
	r.stack = r.stack[:len(r.stack)-1]
	r.afterTop = len(r.stack) == 0
}

// frameError reports a document whose structure is broken; nothing after
// it can be framed, so the input ends there.
func (r *Reader) frameError(msg string) error {
	r.err = io.EOF
	r.counts.Records++
	r.counts.Bad++
	return &DecodeError{Source: r.Name, Line: r.line, Offset: r.offset, Encoding: r.encoding,
		Err: fmt.Errorf("%w: %s; the rest of the input cannot be read", ErrSyntax, msg)}
}

// scanRecord consumes one JSON value as a record.
func (r *Reader) scanRecord() (Record, error) {
	line, off := r.line, r.offset
	tooLong, eof, err := r.scanValue(true)
	if err != nil {
		return Record{}, r.inputError(err)
	}
	r.counts.Records++
	if tooLong {
		r.counts.Bad++
		return Record{}, r.tooLong(line, off)
	}
	if eof {
		// The record was cut short: Decode reports it; nothing follows.
		r.err = io.EOF
	}
	return Record{Data: r.buf, Line: line, Offset: off}, nil
}

// scanValue consumes one JSON value, finding its end by nesting and
// strings alone (the decoder checks the rest). With keep, its bytes go to
// r.buf unless they exceed the size limit. eof reports a value cut short
// by the end of the input.
func (r *Reader) scanValue(keep bool) (tooLong, eof bool, err error) {
	limit := r.maxSize()
	r.buf = r.buf[:0]
	depth := 0
	var started, inString, escaped, scalar bool
	for {
		b, err := r.chunk()
		if err == io.EOF {
			return tooLong, !scalar, nil // a number or literal may end at EOF
		}
		if err != nil {
			return tooLong, false, err
		}
		end := -1
	scan:
		for i := 0; i < len(b); i++ {
			c := b[i]
			switch {
			case !started:
				started = true
				switch c {
				case '{', '[':
					depth = 1
				case '"':
					inString = true
				default:
					scalar = true
				}
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
					if depth == 0 {
						end = i + 1
						break scan
					}
				default:
					// Most bytes of a record are inside strings: jump to
					// the next quote or backslash with a vectorised search.
					j := bytes.IndexByte(b[i:], '"')
					if j < 0 {
						j = len(b) - i
					}
					if k := bytes.IndexByte(b[i:i+j], '\\'); k >= 0 {
						j = k
					}
					i += j - 1 // the loop's i++ lands on the quote or backslash
				}
			case scalar:
				if c == ',' || c == ']' || c == '}' || isSpace(c) {
					end = i
					break scan
				}
			default:
				switch c {
				case '"':
					inString = true
				case '{', '[':
					depth++
				case '}', ']':
					depth--
					if depth == 0 {
						end = i + 1
						break scan
					}
				}
			}
		}
		n := len(b)
		if end >= 0 {
			n = end
		}
		if keep && !tooLong {
			if len(r.buf)+n > limit {
				tooLong = true
				r.buf = r.buf[:0]
			} else {
				r.buf = append(r.buf, b[:n]...)
			}
		}
		r.discard(n)
		if end >= 0 {
			return tooLong, false, nil
		}
	}
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
