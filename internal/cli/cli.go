// Package cli is the command-line front end shared by the example programs:
// flags, input files, and the table and JSON-lines output. It uses only the
// public API of escudo.
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/findingjson"
	"github.com/escudo-dev/escudo/internal/sample"
	"github.com/escudo-dev/escudo/risk"
)

// Exit statuses.
const (
	ExitOK          = 0
	ExitError       = 1 // bad input or a failed run
	ExitUsage       = 2
	ExitInterrupted = 130 // stopped by Ctrl-C; partial results were printed
)

// Program describes one example program.
type Program struct {
	// Name is the program's name, used in messages.
	Name string
	// Usage is the one-line synopsis after the name.
	Usage string
	// Detections are the rules the program runs.
	Detections []detection.Rule
	// Samples are the bundled inputs, relative to the repository root,
	// read when no file is given.
	Samples []string
	// SearchName adds search_name to each JSON finding (for programs that
	// run several rules).
	SearchName bool
	// Catalogue adds -rules (run only the named detections) and -list
	// (print the catalogue).
	Catalogue bool
	// Stream adds stream mode: -stream, with -window, -lateness,
	// -checkpoint and -close (see stream.go).
	Stream bool
	// Signals, if set, is where stream mode takes its SIGINT and SIGTERM
	// from, in place of the process's signals: a test sends on it. Batch
	// mode does not use it.
	Signals <-chan os.Signal
}

// Main runs the program with the command-line arguments and returns its
// exit status.
func (p Program) Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(p.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print findings as JSON lines")
	riskOut := fs.Bool("risk", false, "print risk events as JSON lines")
	lenient := fs.Bool("lenient", false, "skip bad records (counted, summary on stderr) instead of stopping at the first")
	formatName := fs.String("format", "auto", "record format: "+strings.Join(event.Formats(), ", "))
	decodeAll := fs.Bool("decode-all", false, "decode every record whole, holding every value to its type (by default records no rule can match are only checked to be well-formed JSON, and the others decoded into the fields the rules read)")
	fs.Bool("prefilter", false, "deprecated, no effect: the prefilter is the default (see -decode-all)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines decoding records")
	var ruleNames *string
	var list *bool
	if p.Catalogue {
		ruleNames = fs.String("rules", "", "run only these detections: comma-separated names, their snake_case forms, or ids")
		list = fs.Bool("list", false, "print the catalogue (name, id, type, event type, MITRE ids, risk score) and exit")
	}
	var stream *streamFlags
	if p.Stream {
		stream = addStreamFlags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s %s\n", p.Name, p.Usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if *jsonOut && *riskOut {
		fmt.Fprintf(stderr, "%s: -json and -risk cannot be used together\n", p.Name)
		return ExitUsage
	}

	dets := p.Detections
	if list != nil && *list {
		writeCatalogue(stdout, dets)
		return ExitOK
	}
	if ruleNames != nil && *ruleNames != "" {
		var err error
		if dets, err = SelectRules(dets, *ruleNames); err != nil {
			fmt.Fprintf(stderr, "%s: -rules: %v (see -list)\n", p.Name, err)
			return ExitUsage
		}
	}
	format, err := event.ParseFormat(*formatName)
	if err != nil {
		fmt.Fprintf(stderr, "%s: -format: %v\n", p.Name, err)
		return ExitUsage
	}
	if stream != nil && stream.used(fs) {
		return p.mainStream(streamRun{flags: stream, fs: fs, dets: dets, format: format,
			opts: detection.Options{Lenient: *lenient, DecodeAll: *decodeAll, Workers: *workers},
			risk: *riskOut, stdin: stdin, stdout: stdout, stderr: stderr})
	}

	opts := detection.Options{Lenient: *lenient, DecodeAll: *decodeAll, Workers: *workers}
	var meter *progressLine
	if isTerminal(stderr) {
		meter = &progressLine{w: stderr, name: p.Name}
		opts.Progress = meter.update
	}
	eng, err := detection.NewEngine(opts, dets...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return ExitError
	}

	files := fs.Args()
	if len(files) == 0 {
		for _, rel := range p.Samples {
			files = append(files, sample.Path(rel))
		}
	}
	inputs, closeAll, err := open(files, stdin, format)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return ExitError
	}
	defer closeAll()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// A lazy run: the findings are made from the groups as they are
	// written, so a run with a million of them never holds them all.
	res, runErr := eng.RunLazy(ctx, inputs...)
	meter.clear()

	interrupted := res.Partial && ctx.Err() != nil
	broken := res.Partial && !interrupted // stopped by a bad record or an input that failed
	if broken && (isDecodeError(runErr) || res.Counts.Records == 0) {
		// Strict mode stopped at a bad record: the input can be fixed or
		// read with -lenient, so no partial results are printed. (Nor
		// are any when nothing was read before an input was refused.)
		if !isDecodeError(runErr) {
			runErr = errors.Join(runErr, panics(res))
		}
		fmt.Fprintln(stderr, errorLine(runErr))
		return ExitError
	}

	w := bufio.NewWriter(stdout)
	var failed []error // the panics of Then stages and suppression hooks, which All yields
	findings := func(yield func(detection.Finding) bool) {
		failed = failed[:0] // each pass yields them again
		for f, err := range res.All() {
			if err != nil {
				failed = append(failed, err)
			} else if !yield(f) {
				return
			}
		}
	}
	switch {
	case *jsonOut:
		writeFindingsJSON(w, findings, p.SearchName)
	case *riskOut:
		for f := range findings {
			evs, _ := eng.Risk(f)
			writeJSONLines(w, evs)
		}
	default:
		switch {
		case interrupted:
			fmt.Fprintln(w, "(interrupted: results are partial)")
		case broken:
			fmt.Fprintln(w, "(an input could not be read to its end: results are partial)")
		}
		writeTables(w, findings, eng)
	}
	runErr = errors.Join(runErr, errors.Join(failed...))
	if runErr != nil && !res.Partial {
		// A detection panicked: report it, having printed the rest.
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, runErr)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "%s: write: %v\n", p.Name, err)
		return ExitError
	}

	if *lenient {
		c := res.Counts
		fmt.Fprintf(stderr, "%s: %d records read, %d decoded, %d skipped", p.Name, c.Records, c.Decoded, c.Bad)
		if c.Other > 0 {
			fmt.Fprintf(stderr, ", %d of other kinds", c.Other)
		}
		if c.Prefiltered > 0 {
			fmt.Fprintf(stderr, ", %d passed over by the prefilter", c.Prefiltered)
		}
		fmt.Fprintln(stderr)
		for _, e := range res.Errors {
			fmt.Fprintf(stderr, "  skipped %v\n", e)
		}
	}
	if res.Counts.Other > 0 && res.Counts.Decoded+res.Counts.Prefiltered > 0 {
		fmt.Fprintf(stderr, "%s: %s skipped\n", p.Name, otherKinds(res.Counts.Other, res.OtherKinds))
	}
	switch {
	case interrupted:
		fmt.Fprintf(stderr, "%s: interrupted: results are partial (%d records read)\n", p.Name, res.Counts.Records)
		return ExitInterrupted
	case broken:
		fmt.Fprintln(stderr, errorLine(runErr))
		fmt.Fprintf(stderr, "%s: results are partial (%d records read)\n", p.Name, res.Counts.Records)
		return ExitError
	case res.Counts.Decoded+res.Counts.Prefiltered == 0:
		fmt.Fprintf(stderr, "%s: no %s records in %s: %s\n", p.Name, eventTypes(dets), strings.Join(names(inputs), ", "), nothingRead(res))
		return ExitError
	case runErr != nil:
		return ExitError
	}
	return ExitOK
}

// eventTypes names the event types the detections read, in their order:
// "sign-in", "sign-in or audit", "sign-in, audit, risk detection or
// Graph activity".
func eventTypes(dets []detection.Rule) string {
	var types []string
	for _, d := range dets {
		// A rule over several types (detection.Union) names them joined
		// with "+".
		for _, t := range strings.Split(d.EventType(), "+") {
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	switch len(types) {
	case 0:
		return "sign-in"
	case 1, 2:
		return strings.Join(types, " or ")
	}
	return strings.Join(types[:len(types)-1], ", ") + " or " + types[len(types)-1]
}

func isDecodeError(err error) bool {
	var de *event.DecodeError
	return errors.As(err, &de)
}

func names(inputs []*event.Reader) []string {
	out := make([]string, len(inputs))
	for i, r := range inputs {
		out[i] = r.Name
	}
	return out
}

// otherKinds describes the records of other kinds: "6 records of other
// kinds (AuditLogs: 2, RiskyUsers: 1, …)", by kind in name order.
func otherKinds(n int64, kinds map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, kinds[k]))
	}
	return fmt.Sprintf("%d %s of other kinds (%s)", n, plural(n, "record", "records"), strings.Join(parts, ", "))
}

// nothingRead says why a run decoded no sign-in.
func nothingRead(res *detection.Result) string {
	c := res.Counts
	switch {
	case c.Records == 0:
		return "the input is empty"
	case c.Other == c.Records:
		return "only " + otherKinds(c.Other, res.OtherKinds)
	}
	return fmt.Sprintf("%d %s read, none decoded", c.Records, plural(c.Records, "record", "records"))
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// SelectRules picks the named detections, in catalogue order. A name
// matches a detection's name exactly or in its snake_case form, or its
// ESCU id.
func SelectRules(all []detection.Rule, names string) ([]detection.Rule, error) {
	want := make(map[string]string) // slug or id → as given
	for _, n := range strings.Split(names, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[sample.Slug(n)] = n
		}
	}
	var out []detection.Rule
	for _, d := range all {
		m := d.Meta()
		slug, id := sample.Slug(m.Name), sample.Slug(m.ID)
		_, byName := want[slug]
		_, byID := want[id]
		if byName || byID {
			out = append(out, d)
			delete(want, slug)
			delete(want, id)
		}
	}
	if len(want) > 0 {
		var unknown []string
		for _, n := range want {
			unknown = append(unknown, n)
		}
		slices.Sort(unknown)
		return nil, fmt.Errorf("no detection named %s", strings.Join(unknown, ", "))
	}
	return out, nil
}

// writeCatalogue prints one line per detection.
func writeCatalogue(w io.Writer, dets []detection.Rule) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tTYPE\tEVENTS\tMITRE\tRISK SCORE")
	for _, d := range dets {
		m := d.Meta()
		score := "-"
		for _, ro := range m.RBA.RiskObjects {
			score = strconv.Itoa(ro.Score)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, m.ID, m.Type, d.EventType(), strings.Join(m.Tags.MITREAttackID, ","), score)
	}
	tw.Flush()
}

// errorLine renders a run-stopping error: a decode error as its own
// "FILE:LINE: what is wrong" line.
func errorLine(err error) string {
	var de *event.DecodeError
	if errors.As(err, &de) {
		return de.Error()
	}
	return err.Error()
}

// open opens the named files; "-" is standard input.
func open(names []string, stdin io.Reader, format event.Format) ([]*event.Reader, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	var inputs []*event.Reader
	for _, name := range names {
		var r *event.Reader
		if name == "-" {
			r = event.NewReader(stdin)
			r.Name = "<stdin>"
		} else {
			f, err := os.Open(name)
			if err != nil {
				closeAll()
				return nil, nil, err
			}
			if st, err := f.Stat(); err == nil && st.IsDir() {
				f.Close()
				closeAll()
				return nil, nil, fmt.Errorf("%s: is a directory, not an export file (give the files in it, such as %s)", name, filepath.Join(name, "*.json"))
			}
			files = append(files, f)
			r = event.NewReader(f)
			r.Name = name
		}
		r.Format = format
		inputs = append(inputs, r)
	}
	return inputs, closeAll, nil
}

// isTerminal reports whether w is a terminal, where a live progress line
// helps; scripts and CI, whose stderr is a file or pipe, get none.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressLine draws a live status line on a terminal, at most a few times
// a second, and erases it at the end.
type progressLine struct {
	w     io.Writer
	name  string
	start time.Time
	last  time.Time
	drawn bool
}

func (m *progressLine) update(p detection.Progress) {
	now := time.Now()
	if m.start.IsZero() {
		m.start = now
	}
	if now.Sub(m.last) < 200*time.Millisecond {
		return
	}
	m.last = now
	secs := now.Sub(m.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.Bytes) / secs / 1e6
	}
	fmt.Fprintf(m.w, "\r\x1b[K%s: %.1f MB, %d records (%.1f MB/s), %d skipped", m.name, float64(p.Bytes)/1e6, p.Counts.Records, rate, p.Counts.Bad)
	m.drawn = true
}

// clear erases the progress line; a nil meter does nothing.
func (m *progressLine) clear() {
	if m != nil && m.drawn {
		fmt.Fprint(m.w, "\r\x1b[K")
	}
}

// writeFindingsJSON writes each finding as a JSON line as it comes.
func writeFindingsJSON(w io.Writer, findings iter.Seq[detection.Finding], searchName bool) {
	var buf []byte
	for f := range findings {
		if searchName {
			f = findingjson.WithSearchName(f)
		}
		buf = f.AppendJSON(buf[:0])
		buf = append(buf, '\n')
		w.Write(buf)
	}
}

// panics returns the panics a lazy result's All yields, joined.
func panics(res *detection.Result) error {
	var errs []error
	for _, err := range res.All() {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// writeJSONLines writes one value per line. Values that fail to encode
// are left out; the events and incidents written here cannot fail, since
// their times come from decoded records.
func writeJSONLines[T json.Marshaler](w io.Writer, vs []T) {
	for _, v := range vs {
		b, err := v.MarshalJSON()
		if err != nil {
			continue
		}
		w.Write(b)
		io.WriteString(w, "\n")
	}
}

// writeTables prints findings, one table per detection, then risk events.
// It ranges over findings twice: once for the tables, whose rows it keeps
// as text until each detection's table is printed, once for the risk
// events.
func writeTables(w io.Writer, findings iter.Seq[detection.Finding], eng *detection.Engine) {
	type rows struct {
		n    int
		text []byte // tab-separated cells, a line per finding
	}
	byName := make(map[string]*rows)
	for _, name := range eng.Detections() {
		byName[name] = new(rows)
	}
	for f := range findings {
		r := byName[f.Detection]
		if r == nil {
			continue // not a detection of the engine: no table shows it
		}
		r.n++
		for i, c := range f.Columns {
			if i > 0 {
				r.text = append(r.text, '\t')
			}
			r.text = append(r.text, cell(strings.Join(c.Values, " "))...)
		}
		r.text = append(r.text, '\n')
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, name := range eng.Detections() {
		r := byName[name]
		fmt.Fprintf(w, "%s: %d findings\n", name, r.n)
		if r.n == 0 {
			fmt.Fprintln(w)
			continue
		}
		fmt.Fprintln(tw, strings.Join(eng.Columns(name), "\t"))
		tw.Write(r.text)
		r.text = nil
		tw.Flush()
		fmt.Fprintln(w)
	}
	var events []risk.Event
	for f := range findings {
		evs, _ := eng.Risk(f)
		events = append(events, evs...)
	}
	fmt.Fprintf(w, "Risk events: %d\n", len(events))
	if len(events) == 0 {
		return
	}
	fmt.Fprintln(tw, "_time\trisk_object\trisk_object_type\trisk_score\tthreat_object\trisk_message")
	for _, ev := range events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n",
			ev.Time.UTC().Format("2006-01-02T15:04:05Z07:00"), cell(ev.RiskObject), ev.RiskObjectType,
			ev.RiskScore, cell(strings.Join(ev.ThreatObject, " ")), cell(ev.RiskMessage))
	}
	tw.Flush()
}

// cell keeps a value on one table line: tabs and newlines would break the
// layout, and control characters could drive the terminal.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
