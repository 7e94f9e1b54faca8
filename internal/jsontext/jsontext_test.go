package jsontext_test

import (
	"encoding/json"
	"flag"
	"testing"

	"github.com/escudo-dev/escudo/internal/jsontext"
)

var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

func TestAppendString(t *testing.T) {
	tests := []struct {
		name, reason, in, want string
	}{
		{"plain", "plain text is copied", "megan.bowen@example.com", `"megan.bowen@example.com"`},
		{"quotes", "quotes and backslashes are escaped", `Acme "Pay$" \ Co`, `"Acme \"Pay$\" \\ Co"`},
		{"controls", "control characters use short or \\u escapes", "a\nb\rc\td\x01\x1f", `"a\nb\rc\td\u0001\u001f"`},
		{"html", "<, > and & are left alone", "<a&b>", `"<a&b>"`},
		{"utf8", "valid UTF-8 is copied raw", "Zoë Café ☕", `"Zoë Café ☕"`},
		{"invalid", "each invalid byte becomes \\ufffd", "a\xff\xfeb", `"a\ufffd\ufffdb"`},
		{"separators", "U+2028 and U+2029 are escaped", "a\u2028b\u2029", `"a\u2028b\u2029"`},
		{"empty", "the empty string", "", `""`},
	}
	for _, tc := range tests {
		got := string(jsontext.AppendString([]byte("x"), tc.in))
		if got != "x"+tc.want {
			t.Errorf("%s: AppendString(%q) = %s, want %s (%s)", tc.name, tc.in, got, tc.want, tc.reason)
		}
		var back string
		if err := json.Unmarshal([]byte(tc.want), &back); err != nil {
			t.Errorf("%s: output is not JSON: %v", tc.name, err)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a\"b\\c\n\x00é\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		out := jsontext.AppendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("AppendString(%q) = %s: not JSON: %v", s, out, err)
		}
		// Valid UTF-8 must round-trip exactly.
		if isValid := []rune(s); string(isValid) == s && back != s {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
	})
}
