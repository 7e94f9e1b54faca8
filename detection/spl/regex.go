package spl

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// ErrPCREOnly is wrapped by the *[RegexError] of a regular expression that
// uses a PCRE feature Go's RE2 engine does not have (lookaround,
// backreferences, possessive quantifiers, atomic groups, ...).
var ErrPCREOnly = errors.New("PCRE-only construct")

// RegexError is the error of [CompileRegex], [CompileRex] and
// [CompileReplace] for an expression Go cannot compile. It unwraps to
// [ErrPCREOnly] when the cause is a known PCRE-only feature, and always to
// the underlying *syntax.Error (if any).
type RegexError struct {
	Expr      string // the expression as given
	Construct string // the PCRE feature, e.g. "lookahead (?=...)"; "" if not a known one
	Err       error  // the error from regexp/syntax, or a description
}

func (e *RegexError) Error() string {
	if e.Construct != "" {
		return fmt.Sprintf("spl: regex %q uses %s, which PCRE supports but Go's RE2 does not: %v", e.Expr, e.Construct, e.Err)
	}
	return fmt.Sprintf("spl: regex %q: %v", e.Expr, e.Err)
}

// Unwrap returns the underlying error, and [ErrPCREOnly] when Construct is
// set.
func (e *RegexError) Unwrap() []error {
	if e.Construct != "" {
		return []error{ErrPCREOnly, e.Err}
	}
	return []error{e.Err}
}

// Regex is a compiled SPL regular expression, as used by match(), mvfind(),
// replace() and rex. It is safe for concurrent use.
//
// Splunk's regular expressions are PCRE [verified: About Splunk regular
// expressions, Knowledge Manager Manual 9.1, "Splunk regular expressions
// are PCRE (Perl Compatible Regular Expressions) and use the PCRE C
// library";
// https://help.splunk.com/en/splunk-enterprise/manage-knowledge-objects/knowledge-management-manual/9.1/get-started-with-knowledge-objects/about-splunk-regular-expressions].
// escudo compiles them with Go's regexp (RE2 syntax, guaranteed linear
// time), which accepts the common subset with the same meaning, including
// both named-group spellings (?<name>...) and (?P<name>...). Where the two
// differ:
//
//   - Rejected at compile time with an error wrapping [ErrPCREOnly]:
//     lookahead and lookbehind ((?=, (?!, (?<=, (?<!), backreferences (\1),
//     possessive quantifiers (a*+), atomic groups ((?>), recursion and
//     subroutine calls ((?R), (?1)), conditionals ((?(), branch reset
//     ((?|), comments ((?#), extended mode ((?x)), (?'name') groups,
//     verbs ((*UTF8)), and the escapes \Z \K \G \h \R \X \e \c \o \N.
//   - Accepted with a different meaning: $ without (?m) matches only at
//     the very end in Go, while PCRE also matches before a final newline;
//     \s in Go omits the vertical tab that PCRE 8.34+ includes; \v is the
//     vertical tab alone in Go, any vertical space in PCRE; (?i) folds
//     Unicode in Go, ASCII only in PCRE without UTF/UCP mode
//     [unverified which mode Splunk sets]; a{,3} is the literal text
//     "a{,3}" in Go and in PCRE before 10.43, a repetition in later PCRE2;
//     and for rex max_match, Go skips an empty match that abuts the
//     previous match, where PCRE loops may not [unverified].
//
// The expression is given as PCRE receives it, that is after SPL has
// removed its own string quoting: the SPL literal "\"yes\"" is the
// expression "yes" in quotes, and "err\d+" stays err\d+ [verified: Text
// functions, replace: "The eval expression performs one level of escaping
// before passing the regular expression to PCRE"].
type Regex struct {
	expr string
	re   *regexp.Regexp
}

// CompileRegex compiles an SPL (PCRE) regular expression. It fails with a
// *[RegexError] if Go cannot compile it; see [Regex] for what differs.
func CompileRegex(expr string) (*Regex, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, regexError(expr, err)
	}
	return &Regex{expr: expr, re: re}, nil
}

// MustCompileRegex is like [CompileRegex] but panics on error. Use it for
// expressions fixed in code, at package initialisation or in a
// constructor.
func MustCompileRegex(expr string) *Regex {
	r, err := CompileRegex(expr)
	if err != nil {
		panic(err)
	}
	return r
}

// String returns the expression as given to [CompileRegex].
func (r *Regex) String() string { return r.expr }

// Match is match(s, regex): whether the expression matches any substring
// of s (it is unanchored; use ^ and $ for a whole-value match) [verified:
// Comparison and Conditional functions, match: "returns TRUE if the
// regular expression <regex> finds a match against any substring of the
// string value <str>"].
func (r *Regex) Match(s string) bool { return r.re.MatchString(s) }

// regexError turns a regexp compile error into a *RegexError, naming the
// PCRE feature when the failing text is a known one.
func regexError(expr string, err error) *RegexError {
	e := &RegexError{Expr: expr, Err: err}
	var se *syntax.Error
	if errors.As(err, &se) {
		e.Construct = pcreConstruct(se)
	}
	return e
}

// pcreConstructs maps the start of the text regexp/syntax reports as
// failing to the PCRE feature it is. Longer prefixes come first.
var pcreConstructs = []struct{ prefix, name string }{
	{"(?<=", "lookbehind (?<=...)"},
	{"(?<!", "negative lookbehind (?<!...)"},
	{"(?=", "lookahead (?=...)"},
	{"(?!", "negative lookahead (?!...)"},
	{"(?>", "an atomic group (?>...)"},
	{"(?|", "a branch reset group (?|...)"},
	{"(?#", "a comment group (?#...)"},
	{"(?'", "a (?'name'...) named group; write (?<name>...)"},
	{"(?(", "a conditional group (?(...)...)"},
	{"(?R", "recursion (?R)"},
	{"(?&", "a subroutine call (?&name)"},
	{"(?P>", "a subroutine call (?P>name)"},
	{"(?x", "extended mode (?x)"},
	{"(?J", "the (?J) option"},
	{"(?X", "the (?X) option"},
	{`\Z`, `\Z (end or before a final newline)`},
	{`\K`, `\K (reset match start)`},
	{`\G`, `\G (start of match)`},
	{`\h`, `\h (horizontal space)`},
	{`\H`, `\H (not horizontal space)`},
	{`\V`, `\V (not vertical space)`},
	{`\R`, `\R (any newline)`},
	{`\X`, `\X (extended grapheme cluster)`},
	{`\e`, `\e (escape character)`},
	{`\c`, `\c (control character)`},
	{`\o`, `\o{...} (octal)`},
	{`\N`, `\N (not newline)`},
	{`\g`, `\g (backreference)`},
	{`\k`, `\k (named backreference)`},
}

func pcreConstruct(se *syntax.Error) string {
	s := se.Expr
	switch se.Code {
	case syntax.ErrInvalidRepeatOp:
		// *+ ++ ?+ {n}+: a repetition of a repetition, PCRE's possessive
		// quantifier.
		if strings.HasSuffix(s, "+") {
			return "a possessive quantifier (" + s + ")"
		}
		return ""
	case syntax.ErrInvalidEscape:
		if len(s) == 2 && s[1] >= '1' && s[1] <= '9' {
			return "a backreference (" + s + ")"
		}
	case syntax.ErrMissingRepeatArgument:
		if s == "*" {
			return "a verb such as (*UTF8) or (*CR)"
		}
		return ""
	case syntax.ErrInvalidPerlOp, syntax.ErrInvalidNamedCapture:
		if len(s) >= 3 && s[0] == '(' && s[1] == '?' && s[2] >= '0' && s[2] <= '9' {
			return "a subroutine call (?N)"
		}
	}
	for _, c := range pcreConstructs {
		if strings.HasPrefix(s, c.prefix) {
			return c.name
		}
	}
	return ""
}

// Replacer is replace(str, regex, replacement), compiled once. It is safe
// for concurrent use.
type Replacer struct {
	re      *Regex
	tmpl    string // the replacement in Go's Expand syntax
	literal bool   // the replacement references no group
}

// CompileReplace compiles the regex and the replacement of
// replace(str, regex, replacement).
//
// The replacement uses PCRE's \N to insert the text of group N, N a single
// digit 0-9 (\0 is the whole match) [verified: Text functions, replace:
// "The <replacement> argument can also reference groups that are matched
// in the <regex>", example "\2/\1/"; single digit as documented for rex
// sed mode: "Use \n for back references, where "n" is a single digit"].
// \\ inserts one backslash; any other backslash, and every $, is literal
// text [unverified: the docs do not spell out the replacement escapes].
// A reference to a group the regex does not have is an error at compile
// time rather than an empty insertion.
func CompileReplace(regex, replacement string) (*Replacer, error) {
	re, err := CompileRegex(regex)
	if err != nil {
		return nil, err
	}
	tmpl, lit, maxRef := expandTemplate(replacement)
	if maxRef > re.re.NumSubexp() {
		return nil, &RegexError{Expr: regex, Err: fmt.Errorf("replacement %q refers to group %d, but the regex has %d groups", replacement, maxRef, re.re.NumSubexp())}
	}
	r := &Replacer{re: re, tmpl: tmpl}
	if maxRef < 0 {
		r.tmpl, r.literal = lit, true
	}
	return r, nil
}

// MustCompileReplace is like [CompileReplace] but panics on error, for
// expressions fixed in code, as [MustCompileRegex].
func MustCompileReplace(regex, replacement string) *Replacer {
	r, err := CompileReplace(regex, replacement)
	if err != nil {
		panic(err)
	}
	return r
}

// Replace returns s with every non-overlapping match of the regex
// replaced [verified: Text functions, replace: "substitutes the
// replacement string for every occurrence of the regular expression in
// the string"]. Splunk does not support replace() on a multivalue field
// [verified: same page]; what it then returns is [unverified], so apply
// Replace to each value if that is the intent.
func (r *Replacer) Replace(s string) string {
	if r.literal {
		return r.re.re.ReplaceAllLiteralString(s, r.tmpl)
	}
	return r.re.re.ReplaceAllString(s, r.tmpl)
}

// expandTemplate converts a PCRE replacement to Go's Expand syntax (\N
// becomes ${N}, \\ a backslash, $ becomes $$) and to the literal text it
// stands for when it references no group. maxRef is the highest group
// number referenced, -1 for none.
func expandTemplate(repl string) (tmpl, lit string, maxRef int) {
	var t, l strings.Builder
	maxRef = -1
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch {
		case c == '\\' && i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9':
			t.WriteString("${")
			t.WriteByte(repl[i+1])
			t.WriteByte('}')
			maxRef = max(maxRef, int(repl[i+1]-'0'))
			i++
		case c == '\\' && i+1 < len(repl) && repl[i+1] == '\\':
			t.WriteByte('\\')
			l.WriteByte('\\')
			i++
		case c == '$':
			t.WriteString("$$")
			l.WriteByte('$')
		default:
			t.WriteByte(c)
			l.WriteByte(c)
		}
	}
	return t.String(), l.String(), maxRef
}
