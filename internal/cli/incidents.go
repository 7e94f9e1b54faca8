package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/internal/sample"
	"github.com/escudo-dev/escudo/risk"
	"github.com/escudo-dev/escudo/risk/hec"
)

// HECTokenEnv is the environment variable that holds the HEC token for
// -hec. A token on the command line would show in the process list and
// the shell history.
const HECTokenEnv = "ESCUDO_HEC_TOKEN"

// maxLateReports is how many dropped events, and how many skipped bad
// ones, are listed on stderr.
const maxLateReports = 10

// IncidentProgram describes a program that turns sign-ins and risk events
// into risk incidents: it runs detections over sign-in files, reads risk
// events from JSON lines, feeds all of them to incident rules and prints
// the incidents, and can send risk events and incidents to Splunk's HTTP
// Event Collector.
type IncidentProgram struct {
	// Name is the program's name, used in messages.
	Name string
	// Usage is the one-line synopsis after the name.
	Usage string
	// Detections are the rules run over sign-in files.
	Detections []detection.Rule
	// Rules are the incident rules.
	Rules []risk.IncidentRule
	// Samples are the bundled sign-in inputs and EventSamples the bundled
	// risk event inputs, relative to the repository root, read when
	// neither a FILE nor -events is given.
	Samples []string
	// EventSamples are the bundled risk event inputs (see Samples).
	EventSamples []string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HEC, if set, adjusts the HEC configuration before the sender is
	// built (tests shorten the retry delays with it).
	HEC func(*hec.Config)
}

// incidentRun is the state of one run of an IncidentProgram.
type incidentRun struct {
	p       IncidentProgram
	stderr  io.Writer
	eng     *risk.IncidentEngine
	lenient bool
	// emit receives incidents as they become final.
	emit func([]risk.Incident) error

	accepted []risk.Event // for -hec
	keep     bool         // keep accepted events
	fromSign int
	fromFile int
	late     []lateEvent // the first dropped events
	invalid  int
	failed   bool // a rule panicked
}

// lateEvent is a risk event the engine dropped as late, and where it was
// read ("" for sign-ins).
type lateEvent struct {
	where string
	err   error
}

// Main runs the program with the command-line arguments and returns its
// exit status: ExitOK, ExitError for bad input, a late risk event dropped
// from a stream (unless -lenient), a failed rule or a failed delivery,
// ExitUsage, or ExitInterrupted.
//
// A late risk event does not stop a run: the engine drops it and goes
// on, and the program prints the incidents of the events it kept (and
// sends them with -hec) before it reports each late event, in the
// FILE:LINE: form of the other errors, and exits with ExitError. With
// -lenient it lists them under a count and exits with ExitOK.
func (p IncidentProgram) Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(p.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print incidents as JSON lines")
	var eventFiles []string
	fs.Func("events", "read risk events as JSON lines from `FILE` (repeatable or comma-separated; - is standard input)", func(v string) error {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				eventFiles = append(eventFiles, f)
			}
		}
		if len(eventFiles) == 0 {
			return errors.New("no file named")
		}
		return nil
	})
	stream := fs.Bool("stream", false, "feed each -events file in its own line order, as a stream, instead of in event-time order")
	lateness := fs.Duration("lateness", time.Hour, "with -stream, how far out of order a risk event may arrive; a later one is dropped, and is an error (exit status 1) unless -lenient")
	hecURL := fs.String("hec", "", "send the risk events and incidents to Splunk's HTTP Event Collector at `URL`, with the token in $"+HECTokenEnv)
	hecIndex := fs.String("hec-index", "", "the index of the events sent with -hec (default: the token's default index)")
	hecAck := fs.Bool("hec-ack", false, "with -hec, count a batch as delivered only when HEC's indexer acknowledgement confirms it (the token needs useACK)")
	lenient := fs.Bool("lenient", false, "skip bad records and bad risk event lines instead of stopping at the first, and accept late risk events being dropped (counted, summary on stderr)")
	formatName := fs.String("format", "auto", "sign-in record format: "+strings.Join(event.Formats(), ", "))
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
	usage := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "%s: "+format+"\n", append([]any{p.Name}, args...)...)
		return ExitUsage
	}
	if *lateness < 0 {
		return usage("-lateness: negative duration %v", *lateness)
	}
	format, err := event.ParseFormat(*formatName)
	if err != nil {
		return usage("-format: %v", err)
	}
	var sender *hec.Sender
	if *hecURL != "" {
		getenv := p.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		cfg := hec.Config{URL: *hecURL, Token: getenv(HECTokenEnv), Ack: *hecAck}
		if cfg.Token == "" {
			return usage("-hec: set the HEC token in the environment variable %s", HECTokenEnv)
		}
		if p.HEC != nil {
			p.HEC(&cfg)
		}
		if sender, err = hec.NewSender(cfg); err != nil {
			return usage("-hec: %v", err)
		}
	}
	opts := risk.IncidentOptions{}
	if *stream {
		opts.Lateness = *lateness
	}
	eng, err := risk.NewIncidentEngine(opts, p.Rules...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return ExitError
	}

	files := fs.Args()
	if len(files) == 0 && len(eventFiles) == 0 {
		for _, rel := range p.Samples {
			files = append(files, sample.Path(rel))
		}
		for _, rel := range p.EventSamples {
			eventFiles = append(eventFiles, sample.Path(rel))
		}
	}

	w := bufio.NewWriter(stdout)
	var incidents []risk.Incident
	r := &incidentRun{p: p, stderr: stderr, eng: eng, lenient: *lenient, keep: sender != nil}
	r.emit = func(incs []risk.Incident) error {
		incidents = append(incidents, incs...)
		return nil
	}
	if *jsonOut && *stream {
		// A stream prints each incident as soon as it is final.
		r.emit = func(incs []risk.Incident) error {
			incidents = append(incidents, incs...)
			writeJSONLines(w, incs)
			return w.Flush()
		}
	}

	// Risk events from sign-ins: the detections' results are one batch,
	// so they go first, in time order.
	var events []located
	if len(files) > 0 {
		res, code := p.detect(files, stdin, format, *lenient, stderr)
		if code != ExitOK {
			return code
		}
		for _, ev := range res.Risk() {
			events = append(events, located{ev: ev})
		}
		r.fromSign = len(events)
		slices.SortStableFunc(events, func(a, b located) int { return a.ev.Time.Compare(b.ev.Time) })
		if *stream {
			if code := r.feed(events); code != ExitOK {
				return code
			}
			events = nil
		}
	}
	for _, name := range eventFiles {
		evs, code := r.readEvents(name, stdin, *stream)
		if code != ExitOK {
			return code
		}
		events = append(events, evs...)
	}
	if !*stream {
		// Files are whole: replay everything in event-time order.
		slices.SortStableFunc(events, func(a, b located) int { return a.ev.Time.Compare(b.ev.Time) })
		if code := r.feed(events); code != ExitOK {
			return code
		}
	}
	incs, err := eng.Flush()
	if err != nil {
		r.ruleFailed(err)
	}
	if err := r.emit(incs); err != nil {
		fmt.Fprintf(stderr, "%s: write: %v\n", p.Name, err)
		return ExitError
	}

	switch {
	case *jsonOut && *stream: // printed already
	case *jsonOut:
		writeJSONLines(w, incidents)
	default:
		fmt.Fprintf(w, "Risk events: %d (%d from sign-ins, %d from risk event files)\n", r.fromSign+r.fromFile, r.fromSign, r.fromFile)
		writeIncidentTable(w, incidents)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "%s: write: %v\n", p.Name, err)
		return ExitError
	}
	r.report()

	code := ExitOK
	if r.failed || (!r.lenient && eng.Dropped() > 0) {
		code = ExitError
	}
	if sender != nil {
		if c := r.send(sender, *hecIndex, incidents); c != ExitOK {
			code = c
		}
	}
	return code
}

// located is a risk event and where it was read ("" for sign-ins).
type located struct {
	ev    risk.Event
	where string
}

// detect runs the detections over the sign-in files.
func (p IncidentProgram) detect(files []string, stdin io.Reader, format event.Format, lenient bool, stderr io.Writer) (*detection.Result, int) {
	opts := detection.Options{Lenient: lenient, Workers: runtime.GOMAXPROCS(0)}
	var meter *progressLine
	if isTerminal(stderr) {
		meter = &progressLine{w: stderr, name: p.Name}
		opts.Progress = meter.update
	}
	eng, err := detection.NewEngine(opts, p.Detections...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return nil, ExitError
	}
	inputs, closeAll, err := open(files, stdin, format)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, err)
		return nil, ExitError
	}
	defer closeAll()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, runErr := eng.Run(ctx, inputs...)
	meter.clear()
	switch {
	case res.Partial && ctx.Err() != nil:
		fmt.Fprintf(stderr, "%s: interrupted (%d records read)\n", p.Name, res.Counts.Records)
		return nil, ExitInterrupted
	case res.Partial:
		fmt.Fprintln(stderr, errorLine(runErr))
		return nil, ExitError
	case runErr != nil:
		// A detection panicked; the others' findings are complete.
		fmt.Fprintf(stderr, "%s: %v\n", p.Name, runErr)
	}
	if lenient {
		c := res.Counts
		fmt.Fprintf(stderr, "%s: %d records read, %d decoded, %d skipped\n", p.Name, c.Records, c.Decoded, c.Bad)
		for _, e := range res.Errors {
			fmt.Fprintf(stderr, "  skipped %v\n", e)
		}
	}
	return res, ExitOK
}

// readEvents reads one file of risk events as JSON lines ("-" is stdin).
// In a stream it feeds each event as it is read; otherwise it returns
// them.
func (r *incidentRun) readEvents(name string, stdin io.Reader, stream bool) ([]located, int) {
	var in io.Reader = stdin
	display := "<stdin>"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(r.stderr, "%s: %v\n", r.p.Name, err)
			return nil, ExitError
		}
		defer f.Close()
		in, display = f, name
	}
	var out []located
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		data := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		}
		if len(data) == 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", display, line)
		var ev risk.Event
		if err := ev.UnmarshalJSON(data); err != nil {
			if code := r.bad(where, err); code != ExitOK {
				return nil, code
			}
			continue
		}
		r.fromFile++
		l := located{ev: ev, where: where}
		if stream {
			if code := r.feed([]located{l}); code != ExitOK {
				return nil, code
			}
			continue
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(r.stderr, "%s:%d: %v\n", display, line+1, err)
		return nil, ExitError
	}
	return out, ExitOK
}

// bad handles a bad risk event: it stops the run unless lenient.
func (r *incidentRun) bad(where string, err error) int {
	if !r.lenient {
		fmt.Fprintf(r.stderr, "%s: %v\n", where, err)
		return ExitError
	}
	r.invalid++
	if r.invalid <= maxLateReports {
		fmt.Fprintf(r.stderr, "%s: skipped %s: %v\n", r.p.Name, where, err)
	}
	return ExitOK
}

// feed gives events to the engine in order.
func (r *incidentRun) feed(events []located) int {
	for _, l := range events {
		incs, err := r.eng.Add(l.ev)
		switch {
		case errors.Is(err, risk.ErrLateEvent):
			if len(r.late) < maxLateReports {
				r.late = append(r.late, lateEvent{where: l.where, err: err})
			}
			continue
		case errors.Is(err, risk.ErrInvalidEvent):
			where := l.where
			if where == "" {
				where = r.p.Name
			}
			if code := r.bad(where, err); code != ExitOK {
				return code
			}
			continue
		case err != nil:
			r.ruleFailed(err)
		}
		if r.keep {
			r.accepted = append(r.accepted, l.ev)
		}
		if err := r.emit(incs); err != nil {
			fmt.Fprintf(r.stderr, "%s: write: %v\n", r.p.Name, err)
			return ExitError
		}
	}
	return ExitOK
}

func (r *incidentRun) ruleFailed(err error) {
	r.failed = true
	fmt.Fprintf(r.stderr, "%s: %v\n", r.p.Name, err)
}

// report tells stderr about dropped and skipped risk events. A dropped
// event is an error unless lenient: each is reported as FILE:LINE: error,
// as a bad line is, and a count follows.
func (r *incidentRun) report() {
	switch n := r.eng.Dropped(); {
	case n == 0:
	case r.lenient:
		fmt.Fprintf(r.stderr, "%s: %d risk events dropped as later than the lateness allows\n", r.p.Name, n)
		for _, l := range r.late {
			if l.where == "" {
				fmt.Fprintf(r.stderr, "  dropped %v\n", l.err)
			} else {
				fmt.Fprintf(r.stderr, "  dropped %s: %v\n", l.where, l.err)
			}
		}
	default:
		for _, l := range r.late {
			where := l.where
			if where == "" {
				where = r.p.Name
			}
			fmt.Fprintf(r.stderr, "%s: %v\n", where, l.err)
		}
		listed := ""
		if n > len(r.late) {
			listed = fmt.Sprintf(" (the first %d listed)", len(r.late))
		}
		fmt.Fprintf(r.stderr, "%s: %d risk events dropped as later than the lateness allows%s; raise -lateness, or accept the loss with -lenient\n", r.p.Name, n, listed)
	}
	if r.invalid > 0 {
		fmt.Fprintf(r.stderr, "%s: %d bad risk events skipped\n", r.p.Name, r.invalid)
	}
}

// send delivers the accepted risk events, then the incidents, to HEC.
func (r *incidentRun) send(s *hec.Sender, index string, incidents []risk.Incident) int {
	var batch [][]byte
	for _, ev := range r.accepted {
		b, err := hec.AppendRiskEvent(nil, ev, hec.Metadata{Sourcetype: "escudo:risk", Index: index})
		if err != nil {
			fmt.Fprintf(r.stderr, "%s: -hec: %v\n", r.p.Name, err)
			return ExitError
		}
		batch = append(batch, b)
	}
	for _, inc := range incidents {
		b, err := hec.AppendIncident(nil, inc, hec.Metadata{Sourcetype: "escudo:risk_incident", Index: index})
		if err != nil {
			fmt.Fprintf(r.stderr, "%s: -hec: %v\n", r.p.Name, err)
			return ExitError
		}
		batch = append(batch, b)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	n, err := s.Send(ctx, batch)
	if err != nil {
		fmt.Fprintf(r.stderr, "%s: -hec: %v (%d of %d events delivered)\n", r.p.Name, err, n, len(batch))
		if ctx.Err() != nil {
			return ExitInterrupted
		}
		return ExitError
	}
	fmt.Fprintf(r.stderr, "%s: sent %d risk events and %d incidents to HEC\n", r.p.Name, len(r.accepted), len(incidents))
	return ExitOK
}

func writeIncidentTable(w io.Writer, incidents []risk.Incident) {
	fmt.Fprintf(w, "Incidents: %d\n", len(incidents))
	if len(incidents) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "last_time\trisk_object\trisk_object_type\trisk_score\trisk_event_count\tsource_count\tmitre_tactic_id_count\tseverity\tincident_rule")
	for _, inc := range incidents {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\n",
			inc.LastTime.UTC().Format(time.RFC3339Nano), cell(inc.RiskObject), cell(string(inc.RiskObjectType)),
			inc.RiskScore, inc.EventCount, len(inc.Sources), inc.TacticCount, inc.Severity, cell(inc.Rule))
	}
	tw.Flush()
}
