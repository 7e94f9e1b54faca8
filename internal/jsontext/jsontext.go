// Package jsontext writes JSON strings for escudo's hand-built JSON
// encoders (findings, HEC events, generated sign-ins), which append to a
// reused buffer instead of going through reflection.
package jsontext

import "unicode/utf8"

const hex = "0123456789abcdef"

// AppendString appends s to dst as a JSON string and returns the extended
// buffer. Quotes, backslashes and control characters are escaped, as are
// U+2028 and U+2029 (which break JavaScript readers); invalid UTF-8 becomes
// \ufffd. Unlike encoding/json, '<', '>' and '&' are left alone: the output
// is for log tools, not HTML. Runs of plain text are copied whole.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
