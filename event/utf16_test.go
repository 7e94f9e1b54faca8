package event

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// TestUTF16Reader checks the transcoder against unicode/utf16 on text
// with surrogate pairs, lone surrogates and an odd last byte, read in
// every buffer size from one byte up and from a source that hands out
// one byte at a time.
func TestUTF16Reader(t *testing.T) {
	text := "{\"app\":\"Café Planner ☕ 𝄞\"}\r\n"
	units := utf16.Encode([]rune(text))
	units = append(units, 0xD800, 'x', 0xDC00) // a lone high and a lone low surrogate
	for _, big := range []bool{false, true} {
		var raw []byte
		for _, u := range units {
			if big {
				raw = append(raw, byte(u>>8), byte(u))
			} else {
				raw = append(raw, byte(u), byte(u>>8))
			}
		}
		raw = append(raw, 'z') // an odd last byte
		want := string(utf16.Decode(units)) + "\uFFFD"
		for size := 1; size <= 8; size++ {
			for _, slow := range []bool{false, true} {
				var src io.Reader = bytes.NewReader(raw)
				if slow {
					src = iotest.OneByteReader(src)
				}
				u := &utf16Reader{src: bufio.NewReaderSize(src, 16), bigEndian: big}
				var got strings.Builder
				buf := make([]byte, size)
				for {
					n, err := u.Read(buf)
					got.Write(buf[:n])
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if got.String() != want {
					t.Errorf("big-endian %v, buffer %d, slow %v: got %q, want %q", big, size, slow, got.String(), want)
				}
			}
		}
	}
}
