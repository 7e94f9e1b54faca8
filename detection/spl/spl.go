package spl

import (
	"unicode"
	"unicode/utf8"
)

// unit decodes the character of s that starts at byte i and returns it with
// its size in bytes. A byte that does not start a valid UTF-8 sequence is
// one unit of its own, returned as -1-b so that it equals only the same
// byte (never U+FFFD, never another invalid byte): matching compares
// valid text character by character and invalid text byte by byte.
func unit(s string, i int) (r rune, size int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return rune(b), 1
	}
	r, size = utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		return -1 - rune(b), 1
	}
	return r, size
}

// unitsEqual reports whether two units from [unit] are the same character,
// under Unicode simple case folding when fold is set (the folding of
// [strings.EqualFold]). Invalid bytes never fold.
func unitsEqual(a, b rune, fold bool) bool {
	if a == b {
		return true
	}
	if !fold || a < 0 || b < 0 {
		return false
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return lowerASCII(byte(a)) == lowerASCII(byte(b))
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// lowerASCII maps A-Z to a-z and leaves every other byte alone.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
