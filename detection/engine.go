package detection

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// CtimeLayout is the layout of Splunk's `convert
// timeformat="%Y-%m-%dT%H:%M:%S" ctime(...)`, which ESCU applies to
// firstTime and lastTime. Formatting with it truncates sub-seconds, as
// Splunk does; it never rounds.
const CtimeLayout = "2006-01-02T15:04:05"

// DefaultMaxErrors is how many bad-record errors a lenient run keeps when
// Options.MaxErrors is zero.
const DefaultMaxErrors = 10

// Options configure an [Engine]. The zero value is valid: strict input,
// times in UTC, no suppression.
type Options struct {
	// Suppress holds, per detection name, the site's suppression hook: the
	// `<detection>_filter` macro that ends each ESCU search. A finding for
	// which the hook returns true is dropped. A name that matches no
	// detection is an error, so a typo cannot silently disable a filter.
	Suppress map[string]func(Finding) bool
	// Location is the time zone of the ctime columns (firstTime, lastTime);
	// nil means UTC. Splunk renders them in the search's time zone.
	Location *time.Location
	// Lenient makes a run skip bad records, counting them and keeping the
	// first MaxErrors errors in the Result, instead of stopping at the first.
	Lenient bool
	// MaxErrors is how many errors a lenient run keeps; zero means
	// DefaultMaxErrors.
	MaxErrors int
	// DecodeAll makes the engine decode every record whole, as v1 did:
	// no prefilter, no projection. By default the engine passes over,
	// without decoding, the records that hold none of its detections'
	// literals (see [Literals]), checking only that each is a
	// well-formed JSON object ([event.Reader.Check]), and decodes the
	// others into only the fields its detections read (see [Fields]).
	// Either way the findings are the same; what DecodeAll adds is that
	// every record's every field is held to its type and every record's
	// time is checked, so that a bad value no detection reads, in a
	// record no detection can match, is still reported.
	DecodeAll bool
	// Prefilter is the prefilter of earlier releases, now on by default
	// and validating what it passes over (see DecodeAll).
	//
	// Deprecated: it has no effect; set DecodeAll to decode everything.
	Prefilter bool
	// Workers is the number of goroutines that decode records. With more
	// than one, records are framed on a goroutine of their own, decoded by
	// the workers, which also run the detections' Match on them, and are
	// grouped on one goroutine in input order; with zero or one, one
	// goroutine frames, decodes and applies each record in turn. Either
	// way the findings, counts and
	// errors are the same for any number of workers. It must not be
	// negative. RunEvents, whose events are decoded already, does not use
	// it.
	Workers int
	// Progress, if set, is called from the running goroutine every
	// ProgressEvery records and once at the end of each input, so that a
	// long run can show how far it is. It must return quickly.
	Progress func(Progress)
}

// Literals is implemented by detections that can name byte strings every
// record they match must contain, such as the error code "65004". Unless
// Options.DecodeAll is set, the engine decodes only records holding at
// least one literal of some detection, when every detection declares
// some. A literal must appear verbatim in the JSON of
// every record the detection can match, in every input format; the
// engine also decodes every record with a \u00 escape in a string,
// since an escaped character could hide a literal. Literals must be
// ASCII letters, digits, spaces and punctuation other than '"', '\\' and
// '/' (which other escapes could hide).
type Literals interface {
	Literals() []string
}

// Fields is implemented by detections that declare every event field
// their Match (and the Eval functions of their grouping) reads, by the
// names the event type's Schema.Field takes, such as "status.errorCode".
// The fields of the grouping (By.Field, Stat.Field) need not be listed.
// When every detection of an event type declares its fields, the engine
// decodes that type's records into only the fields read (see
// event.Schema.Project): an undeclared field is then zero in the event
// Match sees, so a declaration must be complete; detectiontest.Check
// holds it to that. A detection that does not implement Fields, or
// returns nil, gets whole events.
type Fields interface {
	Fields() []string
}

// ProgressEvery is how many records pass between two Progress calls.
const ProgressEvery = 16384

// Progress is how far a run is.
type Progress struct {
	// Counts is the accounting of the records read so far.
	Counts event.Counts
	// Bytes is the number of input bytes read so far, over all inputs
	// (decompressed bytes for gzip input).
	Bytes int64
}

// Engine runs many detections over one stream of sign-ins in a single
// pass: each record is decoded once and offered to every detection.
//
// An Engine is immutable once built, and safe for concurrent use: each
// Run keeps its own state.
type Engine struct {
	literals  [][]byte // the prefilter's literals; nil means decode everything
	workers   int
	progress  func(Progress)
	rules     []*rule // every detection, in order
	parts     []part  // the detections by event type
	loc       *time.Location
	lenient   bool
	maxErrors int
}

// rule is a detection compiled for the engine: names resolved, columns
// known, risk spec validated.
//
// This is the part that does not depend on the event type; typed[E] adds
// the Match and the field extractors.
type rule struct {
	index    int // in Engine.rules and run.rules
	name     string
	search   string
	byCols   []string
	valNames []string         // the distinct value sources of the stats, as the table's fields
	specs    []aggregate.Spec // per stat, its accumulator
	columns  []string
	span     time.Duration
	fillNull bool
	where    []Condition
	then     func([]Finding) []Finding
	thenCols []string
	builder  *risk.Builder
	suppress func(Finding) bool
}

// NewEngine compiles the rules (detections made Rules with [Of]): it
// resolves every field name, checks the output columns and validates each
// RBA spec against them. It reports every problem at once, as errors
// joined with errors.Join, each a *[RuleError].
func NewEngine(opts Options, rules ...Rule) (*Engine, error) {
	e := &Engine{loc: opts.Location, lenient: opts.Lenient, maxErrors: opts.MaxErrors, progress: opts.Progress, workers: opts.Workers}
	if e.loc == nil {
		e.loc = time.UTC
	}
	if e.maxErrors <= 0 {
		e.maxErrors = DefaultMaxErrors
	}
	var errs []error
	if opts.Workers < 0 {
		errs = append(errs, fmt.Errorf("%w: Options.Workers is %d, must not be negative", ErrOptions, opts.Workers))
	}
	if opts.MaxErrors < 0 {
		errs = append(errs, fmt.Errorf("%w: Options.MaxErrors is %d, must not be negative", ErrOptions, opts.MaxErrors))
	}
	seen := make(map[string]bool)
	for i, d := range rules {
		if d == nil || d.Detection() == nil {
			errs = append(errs, &RuleError{Detection: "#" + strconv.Itoa(i), Err: errors.New("nil detection")})
			continue
		}
		var r *rule
		var rerrs []error
		e.parts, r, rerrs = d.addTo(e.parts, e.loc, nil)
		r.index = len(e.rules)
		if r.name == "" {
			r.name = "#" + strconv.Itoa(i)
		}
		if seen[r.name] {
			rerrs = append(rerrs, errors.New("duplicate detection name"))
		}
		seen[r.name] = true
		for _, err := range rerrs {
			errs = append(errs, &RuleError{Detection: r.name, Err: err})
		}
		r.suppress = opts.Suppress[r.name]
		e.rules = append(e.rules, r)
	}
	for name := range opts.Suppress {
		if !seen[name] {
			errs = append(errs, &RuleError{Detection: name, Err: errors.New("suppression hook for a detection the engine does not run")})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(e.parts) == 0 {
		// No detections: records are still read and checked, as sign-ins.
		e.parts = []part{&partOf[event.SignInEvent]{schema: (*event.SignInEvent)(nil).Schema()}}
	}
	if !opts.DecodeAll {
		e.literals = prefilterLiterals(rules)
		for _, p := range e.parts {
			if err := p.project(); err != nil {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Prefiltering reports whether the engine passes over records without
// decoding them: Options.DecodeAll is not set and every detection
// declares literals (see [Literals]).
func (e *Engine) Prefiltering() bool { return e.literals != nil }

// passedOver is the part of a record the prefilter passes over: none.
const passedOver = -2

// pass judges a record the prefilter passes over by what strict mode asks
// of it (see [event.Reader.Check]): it returns passedOver for a
// well-formed record of a kind some detection reads; the error of a
// malformed one, or the *event.OtherKindError of a record of another
// kind; or, for a record that does not say what it is, the part whose
// decoder must judge it.
func (e *Engine) pass(r *event.Reader, rec event.Record) (int, error) {
	kind, err := r.Check(rec)
	if err != nil {
		return -1, err
	}
	if kind == "" {
		k, kind := e.route(rec)
		if k < 0 {
			return -1, &event.OtherKindError{Source: r.Name, Line: rec.Line, Offset: rec.Offset, Kind: kind}
		}
		return k, nil
	}
	for _, p := range e.parts {
		if p.accepts(kind) {
			return passedOver, nil
		}
	}
	return -1, &event.OtherKindError{Source: r.Name, Line: rec.Line, Offset: rec.Offset, Kind: kind}
}

// Detections returns the names of the engine's detections, in order.
func (e *Engine) Detections() []string {
	names := make([]string, len(e.rules))
	for i, r := range e.rules {
		names[i] = r.name
	}
	return names
}

// Columns returns the output columns of the named detection's findings, in
// order, or nil if the engine has no such detection.
func (e *Engine) Columns(detection string) []string {
	for _, r := range e.rules {
		if r.name == detection {
			return append(append([]string(nil), r.columns...), r.thenCols...)
		}
	}
	return nil
}

// GroupBy returns the names of the columns that identify a group in the
// named detection's findings: its BY columns, which come first, as
// renamed; for a detection with a Then stage, whose rows are its own,
// every column. It returns nil if the engine has no such detection. Two
// findings of one window with the same values there are the same group,
// which is what a finding id (detection/kafka) is made of.
func (e *Engine) GroupBy(detection string) []string {
	r := e.rule(detection)
	if r == nil {
		return nil
	}
	if r.then != nil {
		return e.Columns(detection)
	}
	return slices.Clone(r.columns[:len(r.byCols)])
}

// Result is what a run found.
type Result struct {
	// Findings holds the findings of every detection, in the engine's
	// detection order; within a detection, rows are sorted by their BY
	// values, bytewise, in BY order. It is nil in a result of
	// [Engine.RunLazy], whose findings [Result.All] makes.
	Findings []Finding
	// Counts is the accounting of the input: every record was decoded or
	// is counted as bad.
	Counts event.Counts
	// OtherKinds counts the records of another kind than sign-ins (in
	// Counts.Other) by kind, such as {"AuditLogs": 3}; nil when none.
	OtherKinds map[string]int64
	// Errors holds the first bad-record errors of a lenient run.
	Errors []error
	// Partial reports a run that stopped before the end of its input, by
	// cancellation or at a bad record; Findings cover only what was read.
	Partial bool

	engine *Engine // for Risk
	run    *run    // the groups of a lazy result, which All turns into findings
}

// Risk returns the risk events of the result's findings, in finding
// order, by their detections' RBA specs (see [Engine.Risk]).
func (r *Result) Risk() []risk.Event {
	if r.engine == nil {
		return nil
	}
	if r.run == nil {
		out, _ := r.engine.Risk(r.Findings...)
		return out
	}
	var out []risk.Event
	for f, err := range r.All() {
		if err == nil {
			ev, _ := r.engine.Risk(f)
			out = append(out, ev...)
		}
	}
	return out
}

// All returns the result's findings, in the order of Findings. For a
// result of [Engine.Run] it ranges over Findings, and every error is nil.
// For a result of [Engine.RunLazy] it makes them from the run's groups
// as it goes, one detection after the other, so that a caller that writes
// each finding out and drops it holds one finding at a time rather than
// all of them (a detection with a Then stage or a suppression hook still
// makes its findings together, since the stage sees them all). There, a
// detection whose Then stage or suppression hook panics yields no
// finding but one pair with a zero Finding and its *[PanicError], as
// Run reports it; the other detections' findings follow. Each range
// over All makes the findings anew.
func (r *Result) All() iter.Seq2[Finding, error] {
	return func(yield func(Finding, error) bool) {
		if r.run == nil {
			for _, f := range r.Findings {
				if !yield(f, nil) {
					return
				}
			}
			return
		}
		r.run.each(yield)
	}
}

// RunLazy is [Engine.Run] that leaves the findings in the run's groups
// until they are asked for: Result.Findings is nil, and [Result.All]
// makes the findings as it is ranged over, in the order Run gives them.
// A run with many findings, such as one per distinct user, then never
// holds them all at once: a caller that writes each one out as All
// yields it needs memory for the groups and one finding. The returned
// error is Run's, less the panics of Then stages and suppression hooks,
// which All yields. The result holds the run's groups for as long as it
// is kept.
func (e *Engine) RunLazy(ctx context.Context, inputs ...*event.Reader) (*Result, error) {
	s := e.newRun()
	partial, stop := e.pipeline(ctx, s, slices.Values(inputs))
	return s.finishLazy(partial, stop)
}

// Risk is the risk stage: it returns the risk events of findings, in
// order, each by the RBA spec of the engine's detection that the finding
// names (Finding.Detection): one risk event per risk-object value, with
// the threat objects attached. A detection without risk objects gives
// none. A finding that names no detection of the engine is an error
// (the others still give their events).
func (e *Engine) Risk(findings ...Finding) ([]risk.Event, error) {
	var out []risk.Event
	var errs []error
	for _, f := range findings {
		r := e.rule(f.Detection)
		switch {
		case r == nil:
			errs = append(errs, fmt.Errorf("risk: finding of %q, a detection the engine does not have", f.Detection))
		case r.builder != nil:
			out = r.builder.Append(out, f)
		}
	}
	return out, errors.Join(errs...)
}

// rule returns the named detection, or nil.
func (e *Engine) rule(name string) *rule {
	for _, r := range e.rules {
		if r.name == name {
			return r
		}
	}
	return nil
}

// RunEvents is Run over events that are already decoded, such as those of
// [event.Reader.All] or of a caller's own source. Each pair is one record:
// an event, or a non-nil error (a *event.DecodeError counts as a bad
// record, an *event.OtherKindError as a record of another kind; any other
// error stops the run). It runs on the calling goroutine: Options.Workers
// and the prefilter and projection, which concern decoding, do not
// apply; the events are used as they are.
func (e *Engine) RunEvents(ctx context.Context, events iter.Seq2[event.SignInEvent, error]) (*Result, error) {
	return runEvents(ctx, e, events)
}

// runEvents is RunEvents for events of any type the engine has
// detections of; events of another type are counted, and run by none.
func runEvents[E any](ctx context.Context, e *Engine, events iter.Seq2[E, error]) (*Result, error) {
	s := e.newRun()
	var p *partOf[E]
	for _, q := range e.parts {
		if q, ok := q.(*partOf[E]); ok {
			p = q
		}
	}
	done := ctx.Done()
	for ev, err := range events {
		select {
		case <-done:
			return s.finish(true, ctx.Err())
		default:
		}
		s.counts.Records++
		if err != nil {
			if stop := s.bad(err); stop != nil {
				return s.finish(true, stop)
			}
			continue
		}
		s.counts.Decoded++
		if p != nil {
			observe(s, p, &ev)
		}
	}
	return s.finish(false, nil)
}

func isDecodeError(err error) bool {
	var de *event.DecodeError
	return errors.As(err, &de)
}

// run is the state of one Run.
type run struct {
	e         *Engine
	stream    *streamState // nil in a batch run
	positions []Position   // where each input stood, by the batches applied
	rules     []ruleRun
	parts     []partRun // per event type: its detections' events
	counts    event.Counts
	kinds     map[string]int64 // records of other kinds, by kind
	errs      []error
	panics    []error
}

// ruleRun is one detection's state in a run.
type ruleRun struct {
	dead  bool             // panicked: no more events, no findings
	table *aggregate.Table // a batch run's one table
	// A stream run's windows: the detection's window length, its open
	// windows by start, and whether the event just offered fell in a
	// closed one.
	window  time.Duration
	open    []openWindow
	late    bool
	st      *streamState
	keyVals [][]string // per BY field, this event's values
	key     []string   // the group key being added
	idx     []int      // fan-out odometer over multivalue BY fields
	vals    [][]string // per value field, this event's values
}

func (e *Engine) newRun() *run {
	s := &run{e: e, rules: make([]ruleRun, len(e.rules))}
	for i, r := range e.rules {
		t, err := aggregate.NewStats(r.byCols, r.specs)
		if err != nil {
			// Columns were checked by NewEngine; a failure here is a bug,
			// reported on the detection rather than crashing.
			s.rules[i].dead = true
			s.panics = append(s.panics, &RuleError{Detection: r.name, Err: err})
			continue
		}
		s.rules[i] = ruleRun{
			table:   t,
			keyVals: make([][]string, len(r.byCols)),
			key:     make([]string, len(r.byCols)),
			idx:     make([]int, len(r.byCols)),
			vals:    make([][]string, len(r.valNames)),
		}
	}
	s.parts = make([]partRun, len(e.parts))
	for i, p := range e.parts {
		s.parts[i] = p.newRun(s)
	}
	return s
}

// fillValue is what Splunk's fillnull writes into a null field.
const fillValue = "0"

// timeExtractor gives the event time, floored to its bin, as the _time
// BY value: ctime text, which sorts in time order.
func timeExtractor[E any](span time.Duration, loc *time.Location, timeOf func(*E) time.Time) extractor[E] {
	return func(dst []string, ev *E) []string {
		return append(dst, bin(timeOf(ev), span).In(loc).Format(CtimeLayout))
	}
}

// bin floors t to a multiple of span counted from the Unix epoch, as
// Splunk's bin does for spans under a day; span 0 leaves t as it is.
// Whole-second spans are computed in seconds, so every event time the
// reader accepts (years 1970 to 9999) bins right; a span with a fraction
// of a second, in nanoseconds, which an int64 holds from 1678 to 2262.
func bin(t time.Time, span time.Duration) time.Time {
	if span <= 0 {
		return t
	}
	if span%time.Second == 0 {
		s, sec := int64(span/time.Second), t.Unix()
		r := sec % s
		if r < 0 {
			r += s
		}
		return time.Unix(sec-r, 0).UTC()
	}
	ns := t.UnixNano()
	r := ns % int64(span)
	if r < 0 {
		r += int64(span)
	}
	return time.Unix(0, ns-r).UTC()
}

// other counts err when it reports a record of another kind, which is
// skipped whatever the mode.
func (s *run) other(err error) bool {
	var ok *event.OtherKindError
	if !errors.As(err, &ok) {
		return false
	}
	s.counts.Other++
	if s.kinds == nil {
		s.kinds = make(map[string]int64)
	}
	s.kinds[ok.Kind]++
	return true
}

// bad accounts for a bad record or one of another kind; it returns the
// error that stops the run, or nil to go on.
func (s *run) bad(err error) error {
	if s.other(err) {
		return nil
	}
	if !isDecodeError(err) {
		return err // the input itself failed
	}
	s.counts.Bad++
	if !s.e.lenient {
		return err
	}
	if len(s.errs) < s.e.maxErrors {
		s.errs = append(s.errs, err)
	}
	return nil
}

// guard runs one of the rule's callbacks, turning a panic into the
// *PanicError of that stage: the one recover of every rule callback.
func (r *rule) guard(stage string, fn func()) (perr *PanicError) {
	defer func() {
		if v := recover(); v != nil {
			perr = &PanicError{Detection: r.name, Stage: stage, Value: v, Stack: debug.Stack()}
		}
	}()
	fn()
	return nil
}

// finish turns the tables into findings.
func (s *run) finish(partial bool, stop error) (*Result, error) {
	res := &Result{Counts: s.counts, OtherKinds: s.kinds, Errors: s.errs, Partial: partial, engine: s.e}
	s.each(func(f Finding, err error) bool {
		if err != nil {
			s.panics = append(s.panics, err)
		} else {
			res.Findings = append(res.Findings, f)
		}
		return true
	})
	errs := append([]error{stop}, s.panics...)
	return res, errors.Join(errs...)
}

// finishLazy is finish for RunLazy: the result keeps the tables, and
// All turns them into findings.
func (s *run) finishLazy(partial bool, stop error) (*Result, error) {
	res := &Result{Counts: s.counts, OtherKinds: s.kinds, Errors: s.errs, Partial: partial, engine: s.e, run: s}
	errs := append([]error{stop}, s.panics...)
	return res, errors.Join(errs...)
}

// each yields the findings of every live detection, in order, or for a
// detection whose Then stage or suppression hook panics, its
// *PanicError alone. It reports whether yield asked for more.
func (s *run) each(yield func(Finding, error) bool) bool {
	for i, r := range s.e.rules {
		rs := &s.rules[i]
		if rs.dead {
			continue
		}
		if r.then == nil && r.suppress == nil {
			// Nothing needs the findings together: make them one at a
			// time.
			for f := range r.stream(rs.table, s.e.loc) {
				if !yield(f, nil) {
					return false
				}
			}
			continue
		}
		kept, perr := r.findings(rs.table, s.e.loc)
		if perr != nil {
			// A detection that panics reports no findings at all.
			if !yield(Finding{}, perr) {
				return false
			}
			continue
		}
		for _, f := range kept {
			if !yield(f, nil) {
				return false
			}
		}
	}
	return true
}

// stream yields the findings of a table of the rule's groups that pass
// its where conditions, one at a time: the findings of a rule without a
// Then stage or suppression hook.
func (r *rule) stream(t *aggregate.Table, loc *time.Location) iter.Seq[Finding] {
	return func(yield func(Finding) bool) {
		// When the conditions can be tested on the groups, they are, and
		// only for the other kinds does each finding need testing.
		where := r.groupWhere()
		for row := range t.Sorted(where) {
			if f := r.finding(row, loc); where != nil || r.holds(f) {
				if !yield(f) {
					return
				}
			}
		}
	}
}

// findings turns a table of the rule's groups into its findings: where,
// then, suppression.
func (r *rule) findings(t *aggregate.Table, loc *time.Location) ([]Finding, *PanicError) {
	kept := slices.Collect(r.stream(t, loc))
	kept, perr := r.thenStage(kept)
	if perr == nil {
		kept, perr = r.unsuppressed(kept)
	}
	return kept, perr
}

func (r *rule) finding(row aggregate.Row, loc *time.Location) Finding {
	f := Finding{
		Detection:  r.name,
		SearchName: r.search,
		Columns:    make([]Column, 0, len(r.columns)),
		Count:      row.Count,
		FirstTime:  row.First,
		LastTime:   row.Last,
	}
	for j, name := range r.byCols {
		f.Columns = append(f.Columns, Column{Name: name, Kind: Text, Values: []string{row.Key[j]}})
	}
	for j, spec := range r.specs {
		f.Columns = append(f.Columns, statColumn(r.columns[len(r.byCols)+j], spec.Func, row.Stats[j], loc))
	}
	return f
}

// statColumn renders one stats result as Splunk's result row shows it:
// numbers as numbers, min(_time) and max(_time) with ctime (the
// security_content_ctime macro of every ESCU search), values and list as
// multivalue columns, and a null result (avg of no number, earliest of no
// value) as empty text.
func statColumn(name string, f aggregate.Func, v aggregate.Value, loc *time.Location) Column {
	c := Column{Name: name}
	switch v.Kind {
	case aggregate.KindNumber:
		c.Kind, c.Values = Number, []string{aggregate.FormatNumber(v.Num)}
	case aggregate.KindTime:
		c.Kind, c.Values = Text, []string{v.Time.In(loc).Format(CtimeLayout)}
	case aggregate.KindText:
		c.Kind, c.Values = Text, []string{v.Str}
	case aggregate.KindMulti:
		c.Kind, c.Values = Multi, v.List
	default:
		c.Kind = Text
		if f == aggregate.Values || f == aggregate.List {
			c.Kind = Multi // no value: an empty multivalue column
		}
	}
	return c
}

// groupWhere returns the rule's where conditions as a test on a group's
// stats, so that the many groups a threshold discards are never turned
// into findings; nil when some condition is on a column that is not a
// numeric stat (holds then does all the filtering).
func (r *rule) groupWhere() func(aggregate.Group) bool {
	if len(r.where) == 0 {
		return nil
	}
	type test struct {
		c    Condition
		spec int
	}
	var tests []test
	for _, c := range r.where {
		j := slices.Index(r.columns, c.Column) - len(r.byCols)
		if j < 0 {
			return nil
		}
		switch r.specs[j].Func {
		case aggregate.Count, aggregate.CountField, aggregate.DistinctCount, aggregate.Sum, aggregate.Avg, aggregate.Stdev:
			tests = append(tests, test{c, j})
		default:
			return nil
		}
	}
	return func(g aggregate.Group) bool {
		for _, t := range tests {
			v := g.Stat(t.spec)
			if v.Kind != aggregate.KindNumber || !t.c.holdsNumber(v.Num) {
				return false
			}
		}
		return true
	}
}

// holds reports whether f passes the rule's where conditions.
func (r *rule) holds(f Finding) bool {
	for _, c := range r.where {
		if !c.Holds(f) {
			return false
		}
	}
	return true
}

// thenStage runs the rule's Then stage.
func (r *rule) thenStage(fs []Finding) (out []Finding, perr *PanicError) {
	if r.then == nil {
		return fs, nil
	}
	perr = r.guard(StageThen, func() { out = r.then(fs) })
	return out, perr
}

// unsuppressed returns the findings the suppression hook keeps.
func (r *rule) unsuppressed(fs []Finding) (kept []Finding, perr *PanicError) {
	if r.suppress == nil {
		return fs, nil
	}
	perr = r.guard(StageSuppress, func() {
		for _, f := range fs {
			if !r.suppress(f) {
				kept = append(kept, f)
			}
		}
	})
	return kept, perr
}
