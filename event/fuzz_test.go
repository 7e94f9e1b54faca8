package event_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/escudo-dev/escudo/event"
)

var gzipMagic = []byte{0x1f, 0x8b}

// FuzzReader feeds arbitrary bytes to a Reader, optionally with a small
// record size limit (limit 0 means the default), and checks the reader's
// promises: no panic, every failure is a located *DecodeError (or, for
// gzip input only, one final input error), reading goes on to io.EOF, and
// every record is counted as decoded or bad.
//
// The seed corpus is in testdata/fuzz/FuzzReader; the sample sign-ins, a
// gzip stream and nesting bombs are added here.
func FuzzReader(f *testing.F) {
	if sample, err := os.ReadFile(sampleFile); err == nil {
		f.Add(sample, uint16(0))
		f.Add(sample, uint16(700))
		first, _, _ := bytes.Cut(sample, []byte("\n"))
		f.Add(gzipped(f, append(append([]byte("["), first...), ']')), uint16(0))
	} else {
		f.Logf("sample not added: %v", err)
	}
	f.Add(gzipped(f, []byte(recA+"\n"+recB+"\n")), uint16(0))
	f.Add([]byte(`{"x":`+strings.Repeat("[", 10050)+strings.Repeat("]", 10050)+`}`), uint16(0))
	f.Add([]byte(strings.Repeat("{\"a\":", 12000)), uint16(0))
	f.Add([]byte("["+strings.Repeat("[", 12000)), uint16(0))

	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		in := newInput(t, data, event.Auto)
		records := checkRead(t, in, int(limit))
		checkFraming(t, in, int(limit), records)
	})
}

// newInput works out, independently of the Reader, the text it frames:
// positions count in the decompressed bytes (those that decompress before
// any gzip error), transcoded from UTF-16 when it is UTF-16.
func newInput(t *testing.T, data []byte, format event.Format) input {
	in := input{data: data, plain: data, format: format}
	if bytes.HasPrefix(data, gzipMagic) {
		in.gzip = true
		in.plain = gunzip(t, data)
	}
	switch p := in.plain; {
	case bytes.HasPrefix(p, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(p, []byte{0, 0, 0xFE, 0xFF}):
		// UTF-32: refused
	case bytes.HasPrefix(p, []byte{0xFF, 0xFE}):
		in.plain = fromUTF16(p[2:], false)
	case bytes.HasPrefix(p, []byte{0xFE, 0xFF}):
		in.plain = fromUTF16(p[2:], true)
	case len(p) >= 4 && p[1] == 0 && p[3] == 0 && isPrintable(p[0]) && isPrintable(p[2]):
		in.plain = fromUTF16(p, false)
	case len(p) >= 4 && p[0] == 0 && p[2] == 0 && isPrintable(p[1]) && isPrintable(p[3]):
		in.plain = fromUTF16(p, true)
	}
	return in
}

func isPrintable(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t' }

// fromUTF16 transcodes UTF-16 to UTF-8: lone surrogates and an odd last
// byte become U+FFFD.
func fromUTF16(b []byte, bigEndian bool) []byte {
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			units = append(units, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	s := string(utf16.Decode(units))
	if len(b)%2 == 1 {
		s += "\uFFFD"
	}
	return []byte(s)
}

// input is a fuzz input, and what a Reader reads from it.
type input struct {
	data   []byte // as given to the Reader
	plain  []byte // data decompressed, when gzip
	gzip   bool
	format event.Format // the Reader's Format
}

func gzipped(f *testing.F, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		f.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// gunzip returns as much of data decompressed as gzip can read.
func gunzip(t *testing.T, data []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	const max = 16 << 20
	out, _ := io.ReadAll(io.LimitReader(zr, max+1))
	if len(out) > max {
		t.Skip("decompresses to over 16 MiB")
	}
	return out
}

// maxCalls bounds the calls to Read or ReadRecord that reach io.EOF: each
// call consumes at least one byte of the (decompressed) input.
func (in input) maxCalls() int { return len(in.plain) + 2 }

// checkRead reads the input to the end with Read, going past bad records,
// and returns the number of records read.
func checkRead(t *testing.T, in input, limit int) int64 {
	r := event.NewReader(bytes.NewReader(in.data))
	r.Name = "fuzz"
	r.Format = in.format
	r.MaxRecordSize = limit
	var decoded, bad int64
	var end error
	for calls := 0; ; calls++ {
		if calls > in.maxCalls() {
			t.Fatalf("no io.EOF after %d calls to Read", calls)
		}
		_, err := r.Read()
		if err == io.EOF {
			end = err
			break
		}
		if err != nil {
			if end = checkReadError(t, in, err); end != nil {
				break
			}
			bad++
			continue
		}
		decoded++
	}
	got := r.Counts()
	var other int64
	for _, n := range r.OtherKinds() {
		other += n
	}
	want := event.Counts{Records: decoded + bad + other, Decoded: decoded, Bad: bad, Other: other}
	if got != want {
		t.Errorf("Counts() = %+v, want %+v (from the results of Read)", got, want)
	}
	if _, err := r.Read(); err != end {
		t.Errorf("Read after the end = %v, want %v again", err, end)
	}
	return got.Records
}

// checkReadError checks an error from Read or ReadRecord. It returns nil
// for a *DecodeError, after which reading goes on, and the error itself for
// an input error, which ends the input and is allowed for gzip input only.
func checkReadError(t *testing.T, in input, err error) error {
	t.Helper()
	var de *event.DecodeError
	var ie *event.InputError
	switch {
	case errors.As(err, &de):
		checkDecodeError(t, in.plain, de)
		return nil
	case errors.As(err, &ie) && (in.gzip || ie.Compression != event.Uncompressed):
		return err // compressed input may be corrupt
	case errors.Is(err, event.ErrUnsupportedInput), errors.Is(err, event.ErrFormatMismatch):
		return err // refused at the start, or records of another format than set
	}
	t.Fatalf("error %v (%T) is not a *DecodeError", err, err)
	return nil
}

// checkDecodeError checks that de is located within data and that its
// line agrees with its offset.
func checkDecodeError(t *testing.T, data []byte, de *event.DecodeError) {
	t.Helper()
	if de.Source != "fuzz" {
		t.Errorf("%v: Source = %q, want %q", de, de.Source, "fuzz")
	}
	if de.Err == nil {
		t.Fatalf("DecodeError %+v has a nil Err", *de)
	}
	if de.Offset < 0 || de.Offset > int64(len(data)) {
		t.Fatalf("%v: Offset %d outside the input (0..%d)", de, de.Offset, len(data))
	}
	if de.Line < 1 {
		t.Errorf("%v: Line %d < 1", de, de.Line)
	}
	if de.Encoding != event.UTF8 {
		return // positions count in the transcoded text, not in data
	}
	if lines := bytes.Count(data[:de.Offset], []byte("\n")) + 1; de.Line != lines {
		t.Errorf("%v: Line = %d, but Offset %d is on line %d", de, de.Line, de.Offset, lines)
	}
	var te *event.TypeError
	if !errors.As(de.Err, &te) && !errors.Is(de.Err, event.ErrSyntax) && !errors.Is(de.Err, event.ErrNotObject) &&
		!errors.Is(de.Err, event.ErrMissingTime) && !errors.Is(de.Err, event.ErrNotSignIn) && !errors.Is(de.Err, event.ErrTooLong) &&
		!errors.Is(de.Err, event.ErrCSV) && !errors.Is(de.Err, event.ErrTimeRange) {
		t.Errorf("%v: Err (%T) is neither a *TypeError nor one of the sentinels", de, de.Err)
	}
}

// checkFraming reads the input with ReadRecord and checks that each record
// is the bytes found at its offset, on the line it claims, and that framing
// finds as many records as Read counted.
func checkFraming(t *testing.T, in input, limit int, records int64) {
	r := event.NewReader(bytes.NewReader(in.data))
	r.Name = "fuzz"
	r.Format = in.format
	r.MaxRecordSize = limit
	data := in.plain
	var n int64
	for calls := 0; ; calls++ {
		if calls > in.maxCalls() {
			t.Fatalf("no io.EOF after %d calls to ReadRecord", calls)
		}
		rec, err := r.ReadRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			if checkReadError(t, in, err) != nil {
				break
			}
			n++
			continue
		}
		n++
		end := min(rec.Offset+int64(len(rec.Data)), int64(len(data)))
		if rec.Offset < 0 || rec.Offset >= int64(len(data)) {
			t.Fatalf("record at %d outside the input (0..%d)", rec.Offset, len(data))
		}
		if !bytes.Equal(rec.Data, data[rec.Offset:end]) && (data[rec.Offset] == '{' || data[rec.Offset] == '[') {
			// A record other than its input bytes is the JSON the reader
			// made of a CSV row, which does not start like JSON.
			t.Errorf("record %q differs from the input at its offset %d: %q", rec.Data, rec.Offset, data[rec.Offset:end])
		}
		if lines := bytes.Count(data[:rec.Offset], []byte("\n")) + 1; rec.Line != lines {
			t.Errorf("record at offset %d: Line = %d, want %d", rec.Offset, rec.Line, lines)
		}
	}
	if got := r.Counts().Records; got != n || n != records {
		t.Errorf("ReadRecord returned %d records and errors, Counts().Records = %d, Read saw %d records", n, got, records)
	}
}
