package detection

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// DefaultWindow is the search window of a stream run's detections that
// have no window of their own: ESCU schedules its searches hourly.
const DefaultWindow = time.Hour

// DefaultLateness is how far behind the latest event time a stream run's
// watermark stays by default: ESCU's schedules lag their windows by
// about this much.
const DefaultLateness = 10 * time.Minute

// StreamOptions configures a stream run ([Engine.NewStream]).
type StreamOptions struct {
	// Window is the search window of the detections without one of their
	// own, aligned to the Unix epoch; zero means DefaultWindow. A
	// detection whose grouping bins _time (Grouping.Span with TimeField
	// in By) and has no Then stage has its bin as its window: its groups
	// never span two bins.
	Window time.Duration
	// Windows sets the window of detections by name, over Window and the
	// bin.
	Windows map[string]time.Duration
	// Lateness is how far behind the latest event time seen the
	// watermark is; zero means DefaultLateness. A window closes when the
	// watermark reaches its end; an event whose window has closed is
	// late. The event times seen are those of the records decoded: a
	// record the prefilter passes over (no detection can match it) is not
	// decoded, so its time does not move the watermark; with
	// Options.DecodeAll every record's does.
	Lateness time.Duration
	// OnWindow receives the findings of each window that closes with
	// findings, in the order windows close: by end, then in the order of
	// the engine's detections. Each finding ends with the columns
	// info_min_time and info_max_time, the window's start and end in
	// Unix seconds. An error stops the run. Nil discards them.
	OnWindow func(w Window, findings []Finding) error
	// OnLate receives each late record, as it is read. Nil counts them
	// only.
	OnLate func(LateEvent)
	// IncidentRules, if any, run an incident engine downstream in the
	// stream: the risk events of each window's findings (Engine.Risk) go
	// to it as the window closes, and the incidents they raise to
	// OnIncident; Close flushes it. Its state is part of the stream's
	// checkpoint. IncidentOptions.Lateness zero means the longest window
	// plus the stream's lateness, which is how far behind the latest one a
	// risk event can come.
	IncidentRules   []risk.IncidentRule
	IncidentOptions risk.IncidentOptions
	// OnIncident receives each incident, as it is raised. An error stops
	// the run.
	OnIncident func(risk.Incident) error
}

// Window is one window of one detection of a stream run: the events
// whose time is in [Start, End).
type Window struct {
	Detection  string
	Start, End time.Time
}

// LateEvent is a record that came too late: some detection it matched
// had already closed the window of its time.
type LateEvent struct {
	// Source, Line and Offset locate the record, as in a DecodeError.
	Source string
	Line   int
	Offset int64
	// Time is the record's event time; Watermark, the stream's
	// watermark when it was read.
	Time, Watermark time.Time
	// Detections names the detections whose window it missed.
	Detections []string
}

// String returns `source:line: late event at TIME, watermark TIME (byte
// N), missed by "A", "B"`, the detections quoted.
func (l LateEvent) String() string {
	quoted := make([]string, len(l.Detections))
	for i, d := range l.Detections {
		quoted[i] = strconv.Quote(d)
	}
	return l.Source + ":" + strconv.Itoa(l.Line) + ": late event at " + l.Time.UTC().Format(time.RFC3339Nano) +
		", watermark " + l.Watermark.UTC().Format(time.RFC3339Nano) + " (byte " + strconv.FormatInt(l.Offset, 10) + "), missed by " +
		strings.Join(quoted, ", ")
}

// openWindow is one open window of a detection and its groups.
type openWindow struct {
	start time.Time
	table *aggregate.Table
}

// streamState is what a stream run keeps besides the tables.
type streamState struct {
	opts     StreamOptions
	lateness time.Duration
	started  bool      // an event was seen
	latest   time.Time // the latest event time seen
	at       time.Time // the event time of the record being applied
	late     int64     // late records
	closeAt  time.Time // the earliest end of an open window
	anyOpen  bool
	lateNow  bool                 // some detection found the record being applied late
	inc      *risk.IncidentEngine // downstream, when IncidentRules are set
}

// watermark is the latest event time less the lateness.
func (st *streamState) watermark() time.Time { return st.latest.Add(-st.lateness) }

// windowOf returns the window length of rule r in a stream run.
func windowOf(r *rule, opts StreamOptions) time.Duration {
	if w, ok := opts.Windows[r.name]; ok {
		return w
	}
	if r.span > 0 && r.then == nil && slices.Contains(r.byCols, TimeField) {
		return r.span
	}
	if opts.Window > 0 {
		return opts.Window
	}
	return DefaultWindow
}

// windowAt returns the table of the window holding time t, opening it if
// need be, or nil when that window has closed (the event is late).
func (rs *ruleRun) windowAt(r *rule, t time.Time) *aggregate.Table {
	start := bin(t, rs.window)
	end := start.Add(rs.window)
	if rs.st.started && !end.After(rs.st.watermark()) {
		rs.late, rs.st.lateNow = true, true
		return nil
	}
	i, found := slices.BinarySearchFunc(rs.open, start, func(w openWindow, t time.Time) int { return w.start.Compare(t) })
	if found {
		return rs.open[i].table
	}
	table, err := aggregate.NewStats(r.byCols, r.specs)
	if err != nil {
		return nil // checked by NewEngine
	}
	rs.open = slices.Insert(rs.open, i, openWindow{start: start, table: table})
	if !rs.st.anyOpen || end.Before(rs.st.closeAt) {
		rs.st.closeAt, rs.st.anyOpen = end, true
	}
	return table
}

// applied is called after each decoded record of a stream run: it
// reports the record if it was late, moves the watermark and closes the
// windows it passes. It returns a sink's error.
func (s *run) applied(source string, line int, offset int64) error {
	st := s.stream
	if st.lateNow { // rare: only then look for the detections it missed
		st.lateNow = false
		var late []string
		for i := range s.rules {
			if rs := &s.rules[i]; rs.late {
				rs.late = false
				late = append(late, s.e.rules[i].name)
			}
		}
		st.late++
		if st.opts.OnLate != nil {
			st.opts.OnLate(LateEvent{Source: source, Line: line, Offset: offset, Time: st.at, Watermark: st.watermark(), Detections: late})
		}
	}
	if !st.started || st.at.After(st.latest) {
		st.started, st.latest = true, st.at
	}
	if st.anyOpen && !st.closeAt.After(st.watermark()) {
		return s.closeWindows(st.watermark())
	}
	return nil
}

// closeWindows closes every open window that ends at or before upTo, in
// order of end and then of detection, sending each one's findings to the
// sink. A zero upTo closes them all.
func (s *run) closeWindows(upTo time.Time) error {
	st := s.stream
	all := upTo.IsZero()
	for {
		// The next window to close: the earliest end, the first
		// detection.
		rule, at := -1, time.Time{}
		for i := range s.rules {
			rs := &s.rules[i]
			if len(rs.open) == 0 {
				continue
			}
			end := rs.open[0].start.Add(rs.window)
			if (all || !end.After(upTo)) && (rule < 0 || end.Before(at)) {
				rule, at = i, end
			}
		}
		if rule < 0 {
			break
		}
		rs, r := &s.rules[rule], s.e.rules[rule]
		w := rs.open[0]
		rs.open = rs.open[1:]
		if rs.dead {
			continue
		}
		fs, perr := r.findings(w.table, s.e.loc)
		if perr != nil {
			rs.dead = true
			s.panics = append(s.panics, perr)
			continue
		}
		if len(fs) == 0 {
			continue
		}
		win := Window{Detection: r.name, Start: w.start, End: w.start.Add(rs.window)}
		for i := range fs {
			fs[i].Columns = append(fs[i].Columns[:len(fs[i].Columns):len(fs[i].Columns)],
				Column{Name: InfoMinTime, Kind: Number, Values: []string{strconv.FormatInt(win.Start.Unix(), 10)}},
				Column{Name: InfoMaxTime, Kind: Number, Values: []string{strconv.FormatInt(win.End.Unix(), 10)}})
		}
		if st.opts.OnWindow != nil {
			if err := st.opts.OnWindow(win, fs); err != nil {
				return err
			}
		}
		if err := s.incidents(fs); err != nil {
			return err
		}
	}
	s.reindex()
	return nil
}

// incidents hands the risk events of a window's findings to the
// incident engine, and what it raises to OnIncident.
func (s *run) incidents(fs []Finding) error {
	st := s.stream
	if st.inc == nil {
		return nil
	}
	events, err := s.e.Risk(fs...)
	if err != nil {
		return err
	}
	for _, ev := range events {
		incs, err := st.inc.Add(ev)
		if err != nil && !errors.Is(err, risk.ErrLateEvent) {
			return err // a late risk event is counted by the engine (Dropped)
		}
		if err := st.deliver(incs); err != nil {
			return err
		}
	}
	return nil
}

// deliver hands incidents to OnIncident.
func (st *streamState) deliver(incs []risk.Incident) error {
	if st.opts.OnIncident == nil {
		return nil
	}
	for _, inc := range incs {
		if err := st.opts.OnIncident(inc); err != nil {
			return err
		}
	}
	return nil
}

// The columns a stream run adds to each finding: its window, as Splunk
// names a search's time range.
const (
	InfoMinTime = "info_min_time"
	InfoMaxTime = "info_max_time"
)

// Stream is a stream run of an engine's detections: it reads inputs as
// they come, holds each detection's open windows, and hands each window's
// findings to StreamOptions.OnWindow when the watermark passes its end.
// Its state, unlike a batch run's, outlives one call: Run may be called
// again with more inputs, Close ends the stream, and a checkpoint saves
// the state for another process to go on from. A Stream is not safe for
// concurrent use.
//
// A window's findings are those a batch run ([Engine.Run]) gives over
// exactly the events whose time is in the window, whatever the number of
// workers and the order of arrival within the lateness; so a batch run is
// a stream run with one window over the whole input.
type Stream struct {
	e *Engine
	s *run
}

// NewStream starts a stream run of e's detections.
func (e *Engine) NewStream(opts StreamOptions) (*Stream, error) {
	var errs []error
	if opts.Window < 0 {
		errs = append(errs, fmt.Errorf("%w: StreamOptions.Window is %v, must not be negative", ErrOptions, opts.Window))
	}
	if opts.Lateness < 0 {
		errs = append(errs, fmt.Errorf("%w: StreamOptions.Lateness is %v, must not be negative", ErrOptions, opts.Lateness))
	}
	for name, w := range opts.Windows {
		if e.rule(name) == nil {
			errs = append(errs, fmt.Errorf("%w: StreamOptions.Windows: no detection %q", ErrOptions, name))
		} else if w <= 0 {
			errs = append(errs, fmt.Errorf("%w: StreamOptions.Windows[%q] is %v, must be positive", ErrOptions, name, w))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s := e.newRun()
	s.stream = &streamState{opts: opts, lateness: opts.Lateness}
	if s.stream.lateness == 0 {
		s.stream.lateness = DefaultLateness
	}
	longest := time.Duration(0)
	for i, r := range e.rules {
		rs := &s.rules[i]
		rs.table = nil
		rs.window, rs.st = windowOf(r, opts), s.stream
		longest = max(longest, rs.window)
	}
	if len(opts.IncidentRules) > 0 {
		iopts := opts.IncidentOptions
		if iopts.Lateness == 0 {
			iopts.Lateness = longest + s.stream.lateness
		}
		inc, err := risk.NewIncidentEngine(iopts, opts.IncidentRules...)
		if err != nil {
			return nil, fmt.Errorf("%w: StreamOptions.IncidentRules: %w", ErrOptions, err)
		}
		s.stream.opts.IncidentOptions, s.stream.inc = iopts, inc
	}
	return &Stream{e: e, s: s}, nil
}

// Run reads the inputs, in order, into the stream: the findings of each
// window the watermark passes go to OnWindow as it does, and late records
// to OnLate. It stops as a batch run does: at the end of the inputs, at a
// bad record in strict mode (returning its *event.DecodeError), at an
// input error, when ctx is cancelled (returning ctx's error), or when
// OnWindow fails. In every case the state holds every record read, and
// the stream can be checkpointed or run on.
func (st *Stream) Run(ctx context.Context, inputs ...*event.Reader) error {
	_, err := st.e.pipeline(ctx, st.s, slices.Values(inputs))
	return err
}

// Source is where a stream's inputs come from, one after the other: the
// files of a directory as they appear, a pipe, the messages of a Kafka
// partition. Next returns the next input, waiting for one if need be
// (and giving up when ctx is done, with ctx's error), or io.EOF when there
// will be no more.
type Source interface {
	Next(ctx context.Context) (*event.Reader, error)
}

// RunSource runs the inputs of src into the stream, as Run does, until
// src ends (io.EOF, then RunSource returns nil), fails (its error), or
// the run stops.
func (st *Stream) RunSource(ctx context.Context, src Source) error {
	var srcErr error // set by the producer before its last batch, read after it
	inputs := func(yield func(*event.Reader) bool) {
		for {
			r, err := src.Next(ctx)
			if err != nil {
				if !errors.Is(err, io.EOF) {
					srcErr = err
				}
				return
			}
			if !yield(r) {
				return
			}
		}
	}
	partial, err := st.e.pipeline(ctx, st.s, inputs)
	if err == nil && !partial {
		err = srcErr // the producer ended, after its last batch
	}
	return err
}

// reached records where an input stood after a batch of it was applied.
func (s *run) reached(p Position) {
	if i := slices.IndexFunc(s.positions, func(q Position) bool { return q.Source == p.Source }); i >= 0 {
		s.positions[i] = p
	} else {
		s.positions = append(s.positions, p)
	}
}

// Positions returns where the stream stood in each input it has read, by
// the input's Name, as of the end of the last Run: for a restored stream,
// as of the checkpoint. A source that can resume (a Kafka partition, a
// file read again) starts from there.
func (st *Stream) Positions() []Position { return slices.Clone(st.s.positions) }

// Close ends the stream: every open window closes, in order, its findings
// going to OnWindow. The stream holds no window afterwards; more input may
// still be run, its windows opening anew.
func (st *Stream) Close() error {
	if err := st.s.closeWindows(time.Time{}); err != nil {
		return err
	}
	if inc := st.s.stream.inc; inc != nil {
		incs, err := inc.Flush()
		if err != nil {
			return err
		}
		if err := st.s.stream.deliver(incs); err != nil {
			return err
		}
	}
	return errors.Join(st.s.panics...)
}

// Counts returns the accounting of every record the stream has read.
func (st *Stream) Counts() event.Counts { return st.s.counts }

// Late returns the number of late records the stream has read.
func (st *Stream) Late() int64 { return st.s.stream.late }

// Watermark returns the stream's watermark, and false before its first
// event.
func (st *Stream) Watermark() (time.Time, bool) {
	return st.s.stream.watermark(), st.s.stream.started
}

// WindowOf returns the length of the named detection's windows, and
// false for a detection the engine does not run.
func (st *Stream) WindowOf(detection string) (time.Duration, bool) {
	for i, r := range st.e.rules {
		if r.name == detection {
			return st.s.rules[i].window, true
		}
	}
	return 0, false
}

// OpenWindows returns the number of open windows over all detections.
func (st *Stream) OpenWindows() int {
	n := 0
	for i := range st.s.rules {
		n += len(st.s.rules[i].open)
	}
	return n
}
