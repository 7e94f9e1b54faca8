package hec

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// redact replaces each occurrence of secret in text, matched without
// regard to case (Unicode simple case folding, as strings.EqualFold), with
// REDACTED.
func redact(text, secret string) string {
	if secret == "" {
		return text
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(text); {
		if n := foldPrefix(text[i:], secret); n > 0 {
			b.WriteString(text[last:i])
			b.WriteString(redacted)
			i += n
			last = i
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	if b.Len() == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// foldPrefix returns the length in bytes of the prefix of s that equals
// prefix under simple case folding, or 0 when s does not start with it.
func foldPrefix(s, prefix string) int {
	i := 0
	for _, pr := range prefix {
		if i >= len(s) {
			return 0
		}
		sr, size := utf8.DecodeRuneInString(s[i:])
		if !equalFold(sr, pr) {
			return 0
		}
		i += size
	}
	return i
}

// equalFold reports whether a and b are the same letter but for case.
func equalFold(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
