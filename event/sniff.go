package event

import (
	"bytes"
	"errors"
)

// ErrUnsupportedInput means an input is of a kind the reader does not
// read, such as a zip archive or a UTF-32 text; the error says what it is
// and what to do instead.
var ErrUnsupportedInput = errors.New("unsupported input")

// unsupportedError says what an unsupported input is; it matches
// [ErrUnsupportedInput].
type unsupportedError string

func (e unsupportedError) Error() string { return string(e) }

func (e unsupportedError) Is(target error) bool { return target == ErrUnsupportedInput }

// Compression is the compression of an input, recognised by its magic
// bytes and undone as it is read.
type Compression uint8

// The compressions the reader undoes.
const (
	// Uncompressed is plain text.
	Uncompressed Compression = iota
	// Gzip is gzip (RFC 1952), as Azure storage and curl --compressed deliver.
	Gzip
	// Bzip2 is bzip2.
	Bzip2
)

// String returns the compression's name, as used in error messages.
func (c Compression) String() string {
	switch c {
	case Gzip:
		return "gzip"
	case Bzip2:
		return "bzip2"
	}
	return "uncompressed"
}

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
	gzipMagic  = []byte{0x1f, 0x8b}
	bzip2Magic = []byte("BZh")
)

// refusedInput returns the error for an input whose first bytes show a
// kind the reader does not read, or nil. (Go's standard library reads zip
// only from a file it can seek in, and has no zstd, xz or 7z.)
func refusedInput(head []byte) error {
	for _, k := range []struct {
		magic []byte
		what  string
	}{
		{[]byte("PK\x03\x04"), "zip archive: unzip it first"},
		{[]byte("PK\x05\x06"), "zip archive (empty): unzip it first"},
		{[]byte{0x28, 0xB5, 0x2F, 0xFD}, "zstd-compressed: decompress it first (zstd -d)"},
		{[]byte{0xFD, '7', 'z', 'X', 'Z', 0x00}, "xz-compressed: decompress it first (xz -d)"},
		{[]byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}, "7z archive: extract it first (7z x)"},
		{[]byte("\x00\x00\xFE\xFF"), "UTF-32 text: convert it to UTF-8 first"},
		{[]byte("\xFF\xFE\x00\x00"), "UTF-32 text: convert it to UTF-8 first"},
		{[]byte("%PDF"), "a PDF document, not an export"},
		{[]byte("\x89PNG"), "a PNG image, not an export"},
	} {
		if bytes.HasPrefix(head, k.magic) {
			return unsupportedError(k.what)
		}
	}
	return nil
}
