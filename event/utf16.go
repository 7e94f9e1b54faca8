package event

import (
	"bufio"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding is the text encoding of an input, detected from its first
// bytes. Everything past the record layer sees UTF-8.
type Encoding uint8

// The encodings the reader accepts.
const (
	// UTF8 is UTF-8, with or without a byte-order mark.
	UTF8 Encoding = iota
	// UTF16LE is little-endian UTF-16, what Windows PowerShell 5.1's
	// Out-File and ">" write by default (with a byte-order mark).
	UTF16LE
	// UTF16BE is big-endian UTF-16.
	UTF16BE
)

// String returns the encoding's name, as used in error messages.
func (e Encoding) String() string {
	switch e {
	case UTF16LE:
		return "UTF-16LE"
	case UTF16BE:
		return "UTF-16BE"
	}
	return "UTF-8"
}

// utf16Reader transcodes UTF-16 to UTF-8 as it is read, so the framing
// and decoding see UTF-8; lines and byte offsets then count in the UTF-8
// text (see [DecodeError]). A lone surrogate becomes U+FFFD, as invalid
// UTF-8 does, and an odd trailing byte too.
type utf16Reader struct {
	src       *bufio.Reader
	bigEndian bool
	pending   []byte // UTF-8 bytes of a rune that did not fit the caller's buffer
	err       error
}

func (u *utf16Reader) unit(b []byte) uint16 {
	if u.bigEndian {
		return uint16(b[0])<<8 | uint16(b[1])
	}
	return uint16(b[1])<<8 | uint16(b[0])
}

// Read implements io.Reader.
func (u *utf16Reader) Read(p []byte) (int, error) {
	n := copy(p, u.pending)
	u.pending = u.pending[n:]
	for n < len(p) && u.err == nil {
		b, err := u.src.Peek(max(4, u.src.Buffered()))
		if len(b) < 2 {
			if len(b) == 1 { // an odd last byte
				u.src.Discard(1)
				n = u.emit(p, n, utf8.RuneError)
				continue
			}
			u.err = err
			break
		}
		// Transcode what is buffered, a code unit (or a surrogate pair)
		// at a time, while the output has room.
		i := 0
		for i+2 <= len(b) && n < len(p) {
			r, size := rune(u.unit(b[i:])), 2
			if utf16.IsSurrogate(r) {
				if i+4 > len(b) && err == nil {
					break // the pair's second half is not buffered yet
				}
				r = utf8.RuneError
				if i+4 <= len(b) {
					if pair := utf16.DecodeRune(rune(u.unit(b[i:])), rune(u.unit(b[i+2:]))); pair != utf8.RuneError {
						r, size = pair, 4
					}
				}
			}
			i += size
			n = u.emit(p, n, r)
		}
		u.src.Discard(i)
		if i == 0 && len(b) < 4 && err == nil {
			continue // peek more
		}
	}
	if n > 0 {
		return n, nil
	}
	return 0, u.err
}

// emit writes r's UTF-8 form at p[n:], keeping what does not fit for the
// next Read, and returns the new length.
func (u *utf16Reader) emit(p []byte, n int, r rune) int {
	if r < utf8.RuneSelf {
		p[n] = byte(r)
		return n + 1
	}
	var buf [utf8.UTFMax]byte
	k := utf8.EncodeRune(buf[:], r)
	c := copy(p[n:], buf[:k])
	u.pending = append(u.pending[:0], buf[c:k]...)
	return n + c
}

// sniffUTF16 recognises UTF-16 without a byte-order mark by the zero
// bytes of ASCII text: JSON and CSV exports start with an ASCII
// character, so "{\x00" is little-endian and "\x00{" big-endian.
func sniffUTF16(head []byte) (Encoding, bool) {
	if len(head) < 4 {
		return UTF8, false
	}
	ascii := func(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t' }
	switch {
	case head[1] == 0 && head[3] == 0 && ascii(head[0]) && ascii(head[2]):
		return UTF16LE, true
	case head[0] == 0 && head[2] == 0 && ascii(head[1]) && ascii(head[3]):
		return UTF16BE, true
	}
	return UTF8, false
}
