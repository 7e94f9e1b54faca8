package event

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// This file is a JSON well-formedness scanner: it decides what the walker
// of diagnose.go decides (the same grammar, the same depth limit) without
// building paths or messages, fast enough to run over every record a
// prefilter passes over. Strings, most of a sign-in's bytes, are scanned
// eight bytes at a time in a uint64 (SWAR).

const (
	swarOnes  = 0x0101010101010101 // 0x01 in every byte
	swarHighs = 0x8080808080808080 // 0x80 in every byte
)

// stringSpecial returns a word with the high bit set in the first byte of
// w (in memory order: w is read little-endian) that is a '"', a '\\' or
// below 0x20, and possibly in later bytes; zero if there is none.
//
// It is the "has a byte below n" test, (x - n*0x01..) &^ x & 0x80..,
// which sets a byte's high bit when the byte is below n, applied to
// x = w^0x02.. with n = 0x21 (the bytes below 0x20 and '"', 0x22, are
// those whose x is below 0x21) and to x = w^'\\' with n = 1 (a zero
// byte: '\\'). A borrow can set a false bit only above a true one, so the
// lowest bit set is exact; xoring leaves every byte's high bit as it is
// in w, so the two tests share their &^ w, and bytes of 0x80 and above
// never match.
func stringSpecial(w uint64) uint64 {
	qc := w ^ (swarOnes * 0x02)
	b := w ^ (swarOnes * '\\')
	return ((qc - swarOnes*0x21) | (b - swarOnes)) &^ w & swarHighs
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace (space, \t, \n, \r), or len(data).
func skipSpace(data []byte, i int) int {
	for ; i < len(data); i++ {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
		default:
			return i
		}
	}
	return i
}

// scanString scans the JSON string whose opening quote is data[i]. It
// returns the index just past the closing quote, whether the string holds
// any backslash escape, and ok=false if the string is malformed
// (unterminated, a raw control byte < 0x20, an invalid escape, a \u not
// followed by 4 hex digits). Bytes >= 0x80 are accepted as they are
// (invalid UTF-8 is not an error: decoding replaces it).
func scanString(data []byte, i int) (end int, escaped, ok bool) {
	i++ // the opening quote
	for {
		// Find the next quote, backslash or control byte. (Indexing, not
		// reslicing, keeps the word loop short: the compiler proves the
		// loads in bounds from the loop condition.)
		for ; i <= len(data)-8; i += 8 {
			if m := stringSpecial(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto special
			}
		}
		for ; i < len(data); i++ {
			if c := data[i]; c == '"' || c == '\\' || c < 0x20 {
				goto special
			}
		}
		return len(data), escaped, false // unterminated
	special:
		switch data[i] {
		case '"':
			return i + 1, escaped, true
		case '\\':
		default: // a control byte
			return i, escaped, false
		}
		escaped = true
		if i+1 >= len(data) {
			return len(data), escaped, false
		}
		switch data[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i += 2
		case 'u':
			if i+5 >= len(data) {
				return len(data), escaped, false
			}
			if !isHex(data[i+2]) || !isHex(data[i+3]) || !isHex(data[i+4]) || !isHex(data[i+5]) {
				return i, escaped, false
			}
			i += 6
		default:
			return i, escaped, false
		}
	}
}

// scanNumber returns the index just past the JSON number that starts at
// data[i] ('-' or a digit): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(data []byte, i int) (int, bool) {
	if data[i] == '-' {
		i++
		if i >= len(data) {
			return i, false
		}
	}
	switch c := data[i]; {
	case c == '0':
		i++
	case c-'1' < 9:
		i = skipDigits(data, i+1)
	default:
		return i, false
	}
	if i < len(data) && data[i] == '.' {
		j := skipDigits(data, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(data) && data[i]|0x20 == 'e' {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := skipDigits(data, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i]-'0' < 10 {
		i++
	}
	return i
}

// Literals as little-endian words, to compare four bytes at once.
const (
	litTrue = uint32('t') | uint32('r')<<8 | uint32('u')<<16 | uint32('e')<<24
	litNull = uint32('n') | uint32('u')<<8 | uint32('l')<<16 | uint32('l')<<24
	litAlse = uint32('a') | uint32('l')<<8 | uint32('s')<<16 | uint32('e')<<24 // false without its f
)

// skipValue returns the index just past the well-formed JSON value that
// starts at data[i] (no leading whitespace; i < len(data)), or ok=false if
// it is not well-formed. Objects and arrays are scanned without recursion
// (an explicit depth counter / small stack), so hostile nesting cannot
// overflow the goroutine stack; nesting deeper than maxDepth is malformed.
//
// Depth counts from the value at i, as the walker counts from the
// record: a value inside n containers is at depth n, and one deeper than
// maxDepth is refused, so an empty container may sit at depth maxDepth
// but nothing inside it.
func skipValue(data []byte, i int) (end int, ok bool) {
	end, _, ok = scanValue(data, i)
	return end, ok
}

// scanValue is skipValue, and whether a string of the value holds a \u00
// escape: the escape of an ASCII character, which could hide a key or a
// literal from a byte search. The other escapes (\" \\ \/ \b \f \n \r
// \t) stand for characters no key or literal escudo searches for holds.
func scanValue(data []byte, i int) (end int, escaped, ok bool) {
	// open holds a bit per open container, 1 for an object; inObject is
	// the innermost one's. depth never exceeds maxDepth.
	var open [maxDepth/64 + 1]uint64
	depth := 0
	inObject := false
	key := false // data[i] must be an object key
	for {
		if i >= len(data) {
			return i, escaped, false
		}
		if c := data[i]; c == '"' {
			// A string: keys and values alike. Most end in a word of
			// plain bytes, found here; scanString reads the others.
			end := -1
			for j := i + 1; j <= len(data)-8; j += 8 {
				if m := stringSpecial(binary.LittleEndian.Uint64(data[j:])); m != 0 {
					if j += bits.TrailingZeros64(m) >> 3; data[j] == '"' {
						end = j + 1
					}
					break
				}
			}
			if end < 0 {
				var ok, esc bool
				if end, esc, ok = scanString(data, i); !ok {
					return end, escaped, false
				}
				escaped = escaped || esc && bytes.Contains(data[i:end], escapeASCII)
			}
			i = end
			if key {
				if i < len(data) && data[i] <= ' ' {
					i = skipSpace(data, i)
				}
				if i >= len(data) || data[i] != ':' {
					return i, escaped, false
				}
				i++
				if i < len(data) && data[i] <= ' ' {
					i = skipSpace(data, i)
				}
				key = false
				continue // to the member's value
			}
		} else if key {
			return i, escaped, false
		} else {
			switch c {
			case '{', '[':
				i++
				if i < len(data) && data[i] <= ' ' {
					i = skipSpace(data, i)
				}
				closer := byte('}')
				if c == '[' {
					closer = ']'
				}
				if i < len(data) && data[i] == closer {
					i++ // empty: a value like any other
					break
				}
				if depth == maxDepth {
					return i, escaped, false // what it holds would be too deep
				}
				if inObject {
					open[depth>>6] |= 1 << (depth & 63)
				} else {
					open[depth>>6] &^= 1 << (depth & 63)
				}
				depth++
				inObject = c == '{'
				key = inObject
				continue // to the first member
			case 't':
				if i+4 > len(data) || binary.LittleEndian.Uint32(data[i:]) != litTrue {
					return i, escaped, false
				}
				i += 4
			case 'n':
				if i+4 > len(data) || binary.LittleEndian.Uint32(data[i:]) != litNull {
					return i, escaped, false
				}
				i += 4
			case 'f':
				if i+5 > len(data) || binary.LittleEndian.Uint32(data[i+1:]) != litAlse {
					return i, escaped, false
				}
				i += 5
			default:
				if c != '-' && c-'0' >= 10 {
					return i, escaped, false
				}
				var ok bool
				if i, ok = scanNumber(data, i); !ok {
					return i, escaped, false
				}
			}
		}
		// A value ended at i: close what it ends, up to the next member.
		for {
			if depth == 0 {
				return i, escaped, true
			}
			if i < len(data) && data[i] <= ' ' {
				i = skipSpace(data, i)
			}
			if i >= len(data) {
				return i, escaped, false
			}
			c := data[i]
			i++
			if c == ',' {
				if i < len(data) && data[i] <= ' ' {
					i = skipSpace(data, i)
				}
				key = inObject
				break
			}
			if inObject && c != '}' || !inObject && c != ']' {
				return i - 1, escaped, false
			}
			depth--
			inObject = open[depth>>6]>>(depth&63)&1 != 0
		}
	}
}

// wellFormed reports whether data is one well-formed JSON object, with
// optional whitespace around it and nothing else.
func wellFormed(data []byte) bool {
	ok, _ := wellFormedEscaped(data)
	return ok
}

// escapeASCII starts the \u escape of an ASCII character.
var escapeASCII = []byte(`\u00`)

// wellFormedEscaped is wellFormed, and whether a string of the object
// holds a \u00 escape (see scanValue).
func wellFormedEscaped(data []byte) (ok, escaped bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false, false
	}
	end, escaped, ok := scanValue(data, i)
	return ok && skipSpace(data, end) == len(data), escaped
}
