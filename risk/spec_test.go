package risk

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpecTokens(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		message string
		want    []string
	}{
		{
			name:    "none",
			reason:  "a message without tokens has no tokens, and Tokens returns nil",
			message: "Consent was denied.",
			want:    nil,
		},
		{
			name:    "empty",
			reason:  "the empty message has no tokens",
			message: "",
			want:    nil,
		},
		{
			name:    "order and duplicates",
			reason:  "tokens come in order of first appearance, each once",
			message: "$user$ from $src_ip$ then $user$ again $src_ip$ $app$",
			want:    []string{"user", "src_ip", "app"},
		},
		{
			name:    "adjacent",
			reason:  "two tokens may touch; the closing $ of one is not reused as an opener",
			message: "$a$$b$",
			want:    []string{"a", "b"},
		},
		{
			name:    "dollar amount",
			reason:  "a $ not followed by name and closing $ is literal",
			message: "costs $5 today",
			want:    nil,
		},
		{
			name:    "lone and double dollar",
			reason:  "$ alone and $$ (an empty name) are literal",
			message: "$ alone and $$ here",
			want:    nil,
		},
		{
			name:    "empty name before token",
			reason:  "in $$user$ the first $ is literal and $user$ is a token, as a leftmost regex match finds",
			message: "$$user$",
			want:    []string{"user"},
		},
		{
			name:    "dot in name",
			reason:  "contentctl forbids '.' in a token name, so $status.failureReason$ is literal",
			message: "reason $status.failureReason$ end",
			want:    nil,
		},
		{
			name:    "dot then later token",
			reason:  "after a failed token the scan restarts at the next $",
			message: "$a.b$c$",
			want:    []string{"c"},
		},
		{
			name:    "whitespace in name",
			reason:  "whitespace ends a token attempt: space, tab, newline, NBSP, ideographic space and U+001F",
			message: "$a b$ $a\tb$ $a\nb$ $a\u00a0b$ $a\u3000b$ $a\x1fb$",
			want:    nil,
		},
		{
			name:    "unicode and punctuation names",
			reason:  "any other character is allowed in a name, including braces and non-ASCII letters",
			message: "$authenticationDetails{}.succeeded$ $usuário$ $a-b$ $1$",
			want:    []string{"usuário", "a-b", "1"},
		},
		{
			name:    "unterminated",
			reason:  "a token needs its closing $",
			message: "user $user",
			want:    nil,
		},
		{
			name:    "invalid UTF-8",
			reason:  "an invalid byte is not whitespace, so it may be part of a name",
			message: "$a\xffb$",
			want:    []string{"a\xffb"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Spec{Message: tt.message}.Tokens()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Tokens(%q) mismatch (-want +got):\n%s\nreason: %s", tt.message, diff, tt.reason)
			}
		})
	}
}

func TestParseMessage(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		message string
		want    []segment
	}{
		{
			name:    "literal only",
			reason:  "a message without tokens is one literal segment",
			message: "costs $5",
			want:    []segment{{text: "costs $5"}},
		},
		{
			name:    "mixed",
			reason:  "literal text around tokens is kept whole, failed token attempts included",
			message: "$$ User $user$ from $src$.",
			want: []segment{
				{text: "$$ User "},
				{text: "user", isField: true},
				{text: " from "},
				{text: "src", isField: true},
				{text: "."},
			},
		},
		{
			name:    "tokens only",
			reason:  "no empty literal segments are made between or around tokens",
			message: "$a$$b$",
			want: []segment{
				{text: "a", isField: true},
				{text: "b", isField: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseMessage(tt.message)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(segment{})); diff != "" {
				t.Errorf("parseMessage(%q) mismatch (-want +got):\n%s\nreason: %s", tt.message, diff, tt.reason)
			}
		})
	}
}

// FuzzParseMessage checks the hand-written scanner against the regular
// expression: the same tokens at the same places, and literal segments that
// put the message back together.
func FuzzParseMessage(f *testing.F) {
	// The token rule as an RE2 regular expression. The whitespace class
	// lists Python's str whitespace because RE2's \s is ASCII only.
	tokenRE := regexp.MustCompile(`\$([^\t\n\v\f\r\x1c-\x1f \x85\pZ.$]+)\$`)
	for _, s := range []string{
		"", "User $user$ denied consent", "$$user$", "$a.b$c$", "costs $5", "$a$$b$",
		"$a\u2028b$", "$é$", "$\xff$", "$a\x1cb$ $ok$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		var want []segment
		last := 0
		for _, m := range tokenRE.FindAllStringSubmatchIndex(msg, -1) {
			if last < m[0] {
				want = append(want, segment{text: msg[last:m[0]]})
			}
			want = append(want, segment{text: msg[m[2]:m[3]], isField: true})
			last = m[1]
		}
		if last < len(msg) {
			want = append(want, segment{text: msg[last:]})
		}
		got := parseMessage(msg)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(segment{})); diff != "" {
			t.Errorf("parseMessage(%q) mismatch with regexp (-want +got):\n%s", msg, diff)
		}
	})
}
