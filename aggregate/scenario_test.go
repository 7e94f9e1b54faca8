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
//	fields FIELD...       value fields (may be empty), for a table made by
//	                      New; second line
//	stats SPEC...         instead of fields, for a table made by NewStats:
//	                      specs as SPL writes them (count, dc(src),
//	                      min(_time), stdev(n)...); second line
//	add TIME KEY... [FIELD=VALUE...]
//	                      one observation: len(by) key tokens, then any number
//	                      of values; a field may repeat
//	row KEY... count=N first=TIME last=TIME [FIELD=VALUE...]
//	                      one expected row, in the order Rows must return
//	                      them; values listed in their expected sorted order
//	row KEY... count=N first=TIME last=TIME [SPEC=VALUE...]
//	                      the same for a stats table: the expected result of
//	                      each spec, as Value.String prints it (a time as
//	                      RFC 3339); a list repeats SPEC=, in order; a spec
//	                      with no token is expected to be null
//
// TIME is RFC 3339. The rows listed must be exactly the rows returned. Each
// scenario also runs through a binary round trip, and split in two at every
// observation and merged in order: both must give the same rows.
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
			tab := sc.table(t, sc.adds)
			if sc.stats == nil {
				if diff := cmp.Diff(sc.rows, tab.Rows()); diff != "" {
					t.Errorf("%s: Rows() mismatch (-want +got):\n%s", file, diff)
				}
			} else if diff := cmp.Diff(sc.statRows, renderRows(tab.Rows())); diff != "" {
				t.Errorf("%s: Rows() mismatch (-want +got):\n%s", file, diff)
			}
			want := tab.Rows()
			if diff := cmp.Diff(want, clone(t, tab).Rows()); diff != "" {
				t.Errorf("%s: rows after a binary round trip (-want +got):\n%s", file, diff)
			}
			for cut := range len(sc.adds) + 1 {
				merged := sc.table(t, sc.adds[:cut])
				if err := merged.Merge(sc.table(t, sc.adds[cut:])); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, merged.Rows()); diff != "" {
					t.Fatalf("%s: split after add %d and merged (-want +got):\n%s", file, cut, diff)
				}
			}
		})
	}
}

// table returns the scenario's table fed adds.
func (sc *scenario) table(t *testing.T, adds []scenarioAdd) *aggregate.Table {
	t.Helper()
	var tab *aggregate.Table
	var err error
	if sc.stats == nil {
		tab, err = aggregate.New(sc.by, sc.fields)
	} else {
		tab, err = aggregate.NewStats(sc.by, sc.stats)
	}
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, a := range adds {
		if err := tab.Add(a.key, a.at, a.vals); err != nil {
			t.Fatalf("line %d: Add: %v", a.line, err)
		}
	}
	return tab
}

// statRow is a row of a stats table as scenarios write it: each result
// as text (see renderRows).
type statRow struct {
	Key         []string
	Count       int64
	First, Last time.Time
	Stats       [][]string
}

// renderRows renders results as scenarios write them: a null as nil, a
// list as its values, a time as RFC 3339 in UTC, anything else as
// Value.String prints it.
func renderRows(rows []aggregate.Row) []statRow {
	out := make([]statRow, len(rows))
	for i, r := range rows {
		sr := statRow{Key: r.Key, Count: r.Count, First: r.First, Last: r.Last, Stats: make([][]string, len(r.Stats))}
		for j, v := range r.Stats {
			switch v.Kind {
			case aggregate.KindNull:
			case aggregate.KindMulti:
				sr.Stats[j] = v.List
			case aggregate.KindTime:
				sr.Stats[j] = []string{v.Time.UTC().Format(time.RFC3339Nano)}
			default:
				sr.Stats[j] = []string{v.String()}
			}
		}
		out[i] = sr
	}
	return out
}

// parseSpec parses a spec as SPL writes it.
func parseSpec(tok string) (aggregate.Spec, error) {
	switch tok {
	case "count":
		return aggregate.Spec{Func: aggregate.Count}, nil
	case "min(_time)":
		return aggregate.Spec{Func: aggregate.MinTime}, nil
	case "max(_time)":
		return aggregate.Spec{Func: aggregate.MaxTime}, nil
	}
	name, rest, ok := strings.Cut(tok, "(")
	field, ok2 := strings.CutSuffix(rest, ")")
	if !ok || !ok2 || field == "" {
		return aggregate.Spec{}, fmt.Errorf("bad spec %q", tok)
	}
	for f := aggregate.CountField; f <= aggregate.Stdev; f++ {
		if f.String() == name {
			return aggregate.Spec{Func: f, Field: field}, nil
		}
	}
	return aggregate.Spec{}, fmt.Errorf("unknown function in %q", tok)
}

type scenario struct {
	by, fields []string
	stats      []aggregate.Spec // nil for a New table
	adds       []scenarioAdd
	rows       []aggregate.Row // for a New table
	statRows   []statRow       // for a stats table
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
	sc := &scenario{rows: []aggregate.Row{}, statRows: []statRow{}}
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
	case "stats":
		if !*haveBy || *haveFields {
			return fmt.Errorf("stats must come once, right after by, instead of fields")
		}
		sc.stats = []aggregate.Spec{}
		for _, tok := range args {
			spec, err := parseSpec(tok)
			if err != nil {
				return err
			}
			sc.stats = append(sc.stats, spec)
			if spec.Field != "" && indexOf(sc.fields, spec.Field) < 0 {
				sc.fields = append(sc.fields, spec.Field)
			}
		}
		*haveFields = true
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
		if sc.stats != nil {
			sr := statRow{Key: r.Key, Count: r.Count, First: r.First, Last: r.Last}
			if sr.Stats, err = sc.results(args[n+3:]); err != nil {
				return err
			}
			sc.statRows = append(sc.statRows, sr)
			return nil
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

// results parses SPEC=VALUE tokens into one rendered result per spec.
func (sc *scenario) results(toks []string) ([][]string, error) {
	out := make([][]string, len(sc.stats))
	for _, tok := range toks {
		i := strings.LastIndex(tok, ")=")
		var name, v string
		if i >= 0 {
			name, v = tok[:i+1], tok[i+2:]
		} else if n, val, ok := strings.Cut(tok, "="); ok {
			name, v = n, val
		} else {
			return nil, fmt.Errorf("want SPEC=VALUE, got %q", tok)
		}
		j := -1
		for k, s := range sc.stats {
			if s.String() == name {
				j = k
				break
			}
		}
		if j < 0 {
			return nil, fmt.Errorf("no spec %q", name)
		}
		if f := sc.stats[j].Func; f == aggregate.MinTime || f == aggregate.MaxTime {
			tm, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return nil, err
			}
			v = tm.UTC().Format(time.RFC3339Nano)
		}
		out[j] = append(out[j], v)
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
