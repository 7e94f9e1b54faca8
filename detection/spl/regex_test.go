package spl_test

import (
	"errors"
	"regexp/syntax"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

func TestRegexMatch(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		re     string
		s      string
		want   bool
	}{
		{name: "substring", reason: "reference: match() finds a match against any substring", re: "yes", s: "oh yes indeed", want: true},
		{name: "anchored", reason: "reference: ^ and $ make a full match", re: `^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`, s: "10.1.2.3", want: true},
		{name: "anchored mismatch", reason: "a full-match pattern rejects extra text", re: `^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`, s: "ip 10.1.2.3", want: false},
		{name: "quoted", reason: `reference: match(test, "\"yes\"") on a value stored with quotes`, re: `"yes"`, s: `"yes"`, want: true},
		{name: "alternation", reason: "reference: | is OR", re: "Consent|Reason", s: "ConsentAction.Reason", want: true},
		{name: "named group syntax", reason: "PCRE's (?<name>) is accepted", re: `(?<scope>[^,]+)`, s: "Mail.Read", want: true},
		{name: "python named group", reason: "ESCU 2.4.35 writes (?P<name>)", re: `servicePrincipals\/(?P<id>.*?)\/`, s: "https://graph.microsoft.com/v1.0/servicePrincipals/abc/owners", want: true},
		{name: "case-insensitive flag", reason: "ESCU 2.4.12 uses (?i)", re: `(?i)"methodtype"`, s: `{"MethodType":3}`, want: true},
		{name: "empty value", reason: "an empty pattern matches anything", re: "", s: "", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := spl.MustCompileRegex(tt.re).Match(tt.s); got != tt.want {
				t.Errorf("match(%q, %q) = %v; want %v (%s)", tt.s, tt.re, got, tt.want, tt.reason)
			}
		})
	}
}

func TestCompileRegexPCREOnly(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		expr   string
		want   *spl.RegexError
	}{
		{
			name: "lookahead", reason: "RE2 has no lookaround",
			expr: `foo(?=bar)`,
			want: &spl.RegexError{Expr: `foo(?=bar)`, Construct: "lookahead (?=...)", Err: &syntax.Error{Code: syntax.ErrInvalidPerlOp, Expr: "(?="}},
		},
		{
			name: "negative lookahead", reason: "RE2 has no lookaround",
			expr: `^(?!admin)`,
			want: &spl.RegexError{Expr: `^(?!admin)`, Construct: "negative lookahead (?!...)", Err: &syntax.Error{Code: syntax.ErrInvalidPerlOp, Expr: "(?!"}},
		},
		{
			name: "lookbehind", reason: "Go reports it as a bad named group; the message must still say lookbehind",
			expr: `(?<=Scope: )\S+`,
			want: &spl.RegexError{Expr: `(?<=Scope: )\S+`, Construct: "lookbehind (?<=...)", Err: &syntax.Error{Code: syntax.ErrInvalidNamedCapture, Expr: `(?<=Scope: )\S+`}},
		},
		{
			name: "negative lookbehind", reason: "RE2 has no lookaround",
			expr: `(?<!x)y`,
			want: &spl.RegexError{Expr: `(?<!x)y`, Construct: "negative lookbehind (?<!...)", Err: &syntax.Error{Code: syntax.ErrInvalidNamedCapture, Expr: "(?<!x)y"}},
		},
		{
			name: "backreference", reason: "RE2 has no backreferences",
			expr: `(a)\1`,
			want: &spl.RegexError{Expr: `(a)\1`, Construct: `a backreference (\1)`, Err: &syntax.Error{Code: syntax.ErrInvalidEscape, Expr: `\1`}},
		},
		{
			name: "possessive", reason: "RE2 has no possessive quantifiers",
			expr: `a*+b`,
			want: &spl.RegexError{Expr: `a*+b`, Construct: "a possessive quantifier (*+)", Err: &syntax.Error{Code: syntax.ErrInvalidRepeatOp, Expr: "*+"}},
		},
		{
			name: "atomic", reason: "RE2 has no atomic groups",
			expr: `(?>a|ab)c`,
			want: &spl.RegexError{Expr: `(?>a|ab)c`, Construct: "an atomic group (?>...)", Err: &syntax.Error{Code: syntax.ErrInvalidPerlOp, Expr: "(?>"}},
		},
		{
			name: "extended", reason: "RE2 has no (?x)",
			expr: `(?x) a b`,
			want: &spl.RegexError{Expr: `(?x) a b`, Construct: "extended mode (?x)", Err: &syntax.Error{Code: syntax.ErrInvalidPerlOp, Expr: "(?x"}},
		},
		{
			name: "recursion", reason: "RE2 has no recursion",
			expr: `\((?R)?\)`,
			want: &spl.RegexError{Expr: `\((?R)?\)`, Construct: "recursion (?R)", Err: &syntax.Error{Code: syntax.ErrInvalidPerlOp, Expr: "(?R"}},
		},
		{
			name: "subroutine", reason: "RE2 has no subroutine calls",
			expr: `(a)(?1)`,
			want: &spl.RegexError{Expr: `(a)(?1)`, Construct: "a subroutine call (?N)", Err: &syntax.Error{Code: syntax.ErrInvalidPerlOp, Expr: "(?1"}},
		},
		{
			name: "end before newline", reason: `RE2 has \z but not \Z`,
			expr: `abc\Z`,
			want: &spl.RegexError{Expr: `abc\Z`, Construct: `\Z (end or before a final newline)`, Err: &syntax.Error{Code: syntax.ErrInvalidEscape, Expr: `\Z`}},
		},
		{
			name: "verb", reason: "RE2 has no PCRE verbs",
			expr: `(*UTF8)x`,
			want: &spl.RegexError{Expr: `(*UTF8)x`, Construct: "a verb such as (*UTF8) or (*CR)", Err: &syntax.Error{Code: syntax.ErrMissingRepeatArgument, Expr: "*"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spl.CompileRegex(tt.expr)
			var got *spl.RegexError
			if !errors.As(err, &got) {
				t.Fatalf("CompileRegex(%q) error = %v; want a *RegexError (%s)", tt.expr, err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CompileRegex(%q) error mismatch (-want +got) (%s):\n%s", tt.expr, tt.reason, diff)
			}
			if !errors.Is(err, spl.ErrPCREOnly) {
				t.Errorf("CompileRegex(%q) error does not wrap ErrPCREOnly", tt.expr)
			}
		})
	}
}

func TestCompileRegexErrorMessage(t *testing.T) {
	_, err := spl.CompileRegex(`(?<=Scope: )\S+`)
	const want = "spl: regex \"(?<=Scope: )\\\\S+\" uses lookbehind (?<=...), which PCRE supports but Go's RE2 does not: error parsing regexp: invalid named capture: `(?<=Scope: )\\S+`"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestCompileRegexPlainError(t *testing.T) {
	_, err := spl.CompileRegex(`a(b`)
	want := &spl.RegexError{Expr: `a(b`, Err: &syntax.Error{Code: syntax.ErrMissingParen, Expr: "a(b"}}
	var got *spl.RegexError
	if !errors.As(err, &got) {
		t.Fatalf("error = %v; want a *RegexError", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	if errors.Is(err, spl.ErrPCREOnly) {
		t.Error("a plain syntax error must not wrap ErrPCREOnly")
	}
}

func TestMustCompileRegexPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustCompileRegex did not panic on a lookahead")
		}
	}()
	spl.MustCompileRegex(`(?=x)`)
}

func TestReplace(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		regex  string
		repl   string
		s      string
		want   string
	}{
		{name: "reference date swap", reason: `reference: replace(date, "^(\d{1,2})/(\d{1,2})/", "\2/\1/") turns 1/14/2023 into 14/1/2023`, regex: `^(\d{1,2})/(\d{1,2})/`, repl: `\2/\1/`, s: "1/14/2023", want: "14/1/2023"},
		{name: "strip quotes", reason: `auditlogs-facts 2.4.24: replace(appRole, "\"", "")`, regex: `"`, repl: "", s: `"full_access_as_app"`, want: "full_access_as_app"},
		{name: "every occurrence", reason: "reference: every occurrence is replaced", regex: "a", repl: "b", s: "banana", want: "bbnbnb"},
		{name: "whole match", reason: `\0 is the whole match`, regex: `\d+`, repl: `<\0>`, s: "a12b3", want: "a<12>b<3>"},
		{name: "dollar literal", reason: "$ is not special in a PCRE replacement", regex: "x", repl: "$1", s: "x", want: "$1"},
		{name: "dollar with group", reason: "$ stays literal next to a group reference", regex: `(\d)`, repl: `$\1`, s: "5", want: "$5"},
		{name: "escaped backslash", reason: `\\ is one backslash`, regex: "/", repl: `\\`, s: "a/b", want: `a\b`},
		{name: "backslash then digit", reason: `\\1 is a backslash and a 1, not a group`, regex: "x", repl: `\\1`, s: "x", want: `\1`},
		{name: "other escape literal", reason: `an unknown escape stays as written`, regex: "x", repl: `\n`, s: "x", want: `\n`},
		{name: "group not taken", reason: "a group that did not take part inserts nothing", regex: `(a)|(b)`, repl: `[\2]`, s: "ab", want: "[][b]"},
		{name: "no match", reason: "the value is unchanged", regex: "z", repl: "y", s: "abc", want: "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := spl.CompileReplace(tt.regex, tt.repl)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Replace(tt.s); got != tt.want {
				t.Errorf("replace(%q, %q, %q) = %q; want %q (%s)", tt.s, tt.regex, tt.repl, got, tt.want, tt.reason)
			}
		})
	}
}

func TestCompileReplaceErrors(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		regex  string
		repl   string
		want   string
	}{
		{name: "missing group", reason: "a reference to a group the regex lacks fails at compile time", regex: `(a)`, repl: `\2`, want: `spl: regex "(a)": replacement "\\2" refers to group 2, but the regex has 1 groups`},
		{name: "bad regex", reason: "the regex is compiled too", regex: `(?=a)`, repl: "", want: "spl: regex \"(?=a)\" uses lookahead (?=...), which PCRE supports but Go's RE2 does not: error parsing regexp: invalid or unsupported Perl syntax: `(?=`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spl.CompileReplace(tt.regex, tt.repl)
			if err == nil || err.Error() != tt.want {
				t.Errorf("CompileReplace(%q, %q) error = %v\nwant %s (%s)", tt.regex, tt.repl, err, tt.want, tt.reason)
			}
		})
	}
}

// TestMustCompileReplace checks that a fixed expression compiles as
// CompileReplace does, and that a bad one panics rather than returning a
// nil Replacer.
func TestMustCompileReplace(t *testing.T) {
	if got := spl.MustCompileReplace(`"`, "").Replace(`"Tallyhaus"`); got != "Tallyhaus" {
		t.Errorf("Replace = %q, want Tallyhaus", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustCompileReplace with a reference to a group the regex lacks did not panic")
		}
	}()
	spl.MustCompileReplace(`a`, `\1`)
}
