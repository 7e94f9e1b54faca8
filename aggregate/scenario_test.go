package aggregate_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
)

// TestScenarios runs the scripts in testdata/*.txt. A script is a list of
// lines; blank lines and lines starting with # are ignored. Tokens are
// separated by spaces, and any part of a token may be a Go double-quoted
// string, so `""`, `"a b"` and `app="x y"` are single tokens.
//
//	by COLUMN...          BY columns (none for a global group); first line
//	fields FIELD...       value fields (may be empty); second line
//	add TIME KEY... [FIELD=VALUE...]
//	                      one observation: len(by) key tokens, then any number
//	                      of values; a field may repeat
//	row KEY... count=N first=TIME last=TIME [FIELD=VALUE...]
//	                      one expected row, in the order Rows must return
//	                      them; values listed in their expected sorted order
//
// TIME is RFC 3339. The rows listed must be exactly the rows returned.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			sc, err := parseScenario(file)
			if err != nil {
				t.Fatal(err)
			}
			tab, err := aggregate.New(sc.by, sc.fields)
			if err != nil {
				t.Fatalf("%s: New: %v", file, err)
			}
			for _, a := range sc.adds {
				if err := tab.Add(a.key, a.at, a.vals); err != nil {
					t.Fatalf("%s:%d: Add: %v", file, a.line, err)
				}
			}
			if diff := cmp.Diff(sc.rows, tab.Rows()); diff != "" {
				t.Errorf("%s: Rows() mismatch (-want +got):\n%s", file, diff)
			}
		})
	}
}

type scenario struct {
	by, fields []string
	adds       []scenarioAdd
	rows       []aggregate.Row
}

type scenarioAdd struct {
	line int
	obs
}

func parseScenario(file string) (*scenario, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := &scenario{rows: []aggregate.Row{}}
	var haveBy, haveFields bool
	s := bufio.NewScanner(f)
	for line := 1; s.Scan(); line++ {
		text := strings.TrimSpace(s.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		toks, err := tokenize(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
		if err := sc.apply(toks, line, &haveBy, &haveFields); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, line, err)
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	if !haveBy || !haveFields {
		return nil, fmt.Errorf("%s: missing by or fields line", file)
	}
	return sc, nil
}

func (sc *scenario) apply(toks []string, line int, haveBy, haveFields *bool) error {
	switch cmd, args := toks[0], toks[1:]; cmd {
	case "by":
		if *haveBy {
			return fmt.Errorf("second by line")
		}
		sc.by, *haveBy = args, true
	case "fields":
		if !*haveBy || *haveFields {
			return fmt.Errorf("fields must come once, right after by")
		}
		sc.fields, *haveFields = args, true
	case "add":
		if !*haveFields {
			return fmt.Errorf("add before by and fields")
		}
		if len(args) < 1+len(sc.by) {
			return fmt.Errorf("add needs a time and %d key values", len(sc.by))
		}
		at, err := time.Parse(time.RFC3339Nano, args[0])
		if err != nil {
			return err
		}
		a := scenarioAdd{line: line, obs: obs{key: nilIfEmpty(args[1 : 1+len(sc.by)]), at: at}}
		if a.vals, err = sc.values(args[1+len(sc.by):], false); err != nil {
			return err
		}
		sc.adds = append(sc.adds, a)
	case "row":
		if !*haveFields {
			return fmt.Errorf("row before by and fields")
		}
		n := len(sc.by)
		if len(args) < n+3 {
			return fmt.Errorf("row needs %d key values, count, first and last", n)
		}
		r := aggregate.Row{Key: nilIfEmpty(args[:n])}
		var err error
		if r.Count, err = strconv.ParseInt(strings.TrimPrefix(args[n], "count="), 10, 64); err != nil || !strings.HasPrefix(args[n], "count=") {
			return fmt.Errorf("want count=N, got %q", args[n])
		}
		for i, dst := range []*time.Time{&r.First, &r.Last} {
			name := []string{"first=", "last="}[i]
			tok := args[n+1+i]
			if !strings.HasPrefix(tok, name) {
				return fmt.Errorf("want %sTIME, got %q", name, tok)
			}
			if *dst, err = time.Parse(time.RFC3339Nano, strings.TrimPrefix(tok, name)); err != nil {
				return err
			}
		}
		if r.Values, err = sc.values(args[n+3:], true); err != nil {
			return err
		}
		sc.rows = append(sc.rows, r)
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
	return nil
}

// values parses FIELD=VALUE tokens into one slice per field. For expected
// rows (want is true) it mirrors Rows: nil when there are no fields, and a
// nil entry for a field without values.
func (sc *scenario) values(toks []string, want bool) ([][]string, error) {
	if len(sc.fields) == 0 {
		if len(toks) > 0 {
			return nil, fmt.Errorf("values %q but no fields declared", toks)
		}
		return nil, nil
	}
	out := make([][]string, len(sc.fields))
	for _, tok := range toks {
		name, v, ok := strings.Cut(tok, "=")
		if !ok {
			return nil, fmt.Errorf("want FIELD=VALUE, got %q", tok)
		}
		i := indexOf(sc.fields, name)
		if i < 0 {
			return nil, fmt.Errorf("unknown field %q", name)
		}
		if want && v == "" {
			return nil, fmt.Errorf("expected rows never hold empty values")
		}
		out[i] = append(out[i], v)
	}
	return out, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// tokenize splits a line at spaces; a double quote starts a Go-quoted
// segment that may hold spaces and escapes, and joins the token around it.
func tokenize(line string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	inTok := false
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			if inTok {
				toks = append(toks, cur.String())
				cur.Reset()
				inTok = false
			}
			i++
		case c == '"':
			q, err := strconv.QuotedPrefix(line[i:])
			if err != nil {
				return nil, fmt.Errorf("column %d: %w", i+1, err)
			}
			u, err := strconv.Unquote(q)
			if err != nil {
				return nil, fmt.Errorf("column %d: %w", i+1, err)
			}
			cur.WriteString(u)
			inTok = true
			i += len(q)
		default:
			cur.WriteByte(c)
			inTok = true
			i++
		}
	}
	if inTok {
		toks = append(toks, cur.String())
	}
	return toks, nil
}
