package detection

import (
	"errors"
	"fmt"
	"github.com/escudo-dev/escudo/aggregate"
	"time"

	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// Rule is a detection of some event type, ready for an [Engine]: [Of]
// makes one from a Detection[E]. An Engine runs rules of several event
// types in one pass, each record decoded once, into its type, and offered
// to the rules of that type only.
type Rule interface {
	// Meta describes the detection.
	Meta() Meta
	// EventType names the type of the events the detection reads, such as
	// "sign-in".
	EventType() string
	// Detection returns the detection the rule was made from, a
	// Detection[E] of its event type.
	Detection() any
	// addTo compiles the rule into the part of its event type in parts,
	// adding the part when there is none yet. With shared set, the
	// compiled detection feeds that rule's groups (see Union) rather than
	// its own.
	addTo(parts []part, loc *time.Location, shared *rule) ([]part, *rule, []error)
}

// Of makes a Rule of a detection of events of type E. P is inferred: it
// is *E, whose Schema method tells the engine the type's fields, time
// and decoder.
func Of[E any, P event.Typed[E]](d Detection[E]) Rule {
	var p P
	return &ruleOf[E]{d: d, schema: p.Schema()}
}

type ruleOf[E any] struct {
	d      Detection[E]
	schema *event.Schema[E]
}

func (r *ruleOf[E]) Meta() Meta        { return r.d.Meta() }
func (r *ruleOf[E]) EventType() string { return r.schema.Name }
func (r *ruleOf[E]) Detection() any    { return r.d }

func (r *ruleOf[E]) addTo(parts []part, loc *time.Location, shared *rule) ([]part, *rule, []error) {
	t, errs := compile(r.d, r.schema, loc)
	if shared != nil {
		errs = append(errs, shared.sameGroups(t.rule)...)
		t.rule = shared
	}
	for _, p := range parts {
		if p, ok := p.(*partOf[E]); ok {
			p.rules = append(p.rules, t)
			return parts, t.rule, errs
		}
	}
	return append(parts, &partOf[E]{schema: r.schema, rules: []*typed[E]{t}}), t.rule, errs
}

// aggregateSpec returns the accumulator spec of a stat. Its Field names
// the stat's value source: the event field, or for an Eval the stat's
// column (an Eval is its own source), so that stats over one source share
// its state, as dc and values of one field share a set.
func aggregateSpec[E any](s Stat[E]) (aggregate.Spec, error) {
	switch {
	case s.Func == Count:
		if s.Field != "" || s.Eval != nil {
			return aggregate.Spec{Func: aggregate.Count}, fmt.Errorf("count takes no field, got %q", s.Field)
		}
		return aggregate.Spec{Func: aggregate.Count}, nil
	case (s.Func == Min || s.Func == Max) && s.Field == TimeField && s.Eval == nil:
		if s.Func == Min {
			return aggregate.Spec{Func: aggregate.MinTime}, nil
		}
		return aggregate.Spec{Func: aggregate.MaxTime}, nil
	}
	f, ok := s.Func.accumulator()
	if !ok {
		return aggregate.Spec{Func: aggregate.Count}, fmt.Errorf("unknown function %v", s.Func)
	}
	spec := aggregate.Spec{Func: f, Field: s.Field}
	if s.Eval != nil {
		spec.Field = "eval " + s.Column()
	}
	if spec.Field == "" {
		return spec, fmt.Errorf("%v needs a field", s.Func)
	}
	if spec.Field == TimeField {
		return spec, fmt.Errorf("%v of %s is not supported", s.Func, TimeField)
	}
	return spec, nil
}

// typed is a detection compiled for events of type E.
type typed[E any] struct {
	*rule
	reads  []string // every field the detection reads; nil when it does not say
	match  func(*E) bool
	time   func(*E) time.Time
	by     []extractor[E]
	values []extractor[E] // the distinct value sources of the stats, in rule.valNames order
}

// part is the detections of one event type in an engine.
type part interface {
	// name names the event type.
	name() string
	// accepts reports whether records of a kind are of this type.
	accepts(kind string) bool
	// newRun returns the part's state in a run.
	newRun(s *run) partRun
	// project makes the part decode only the fields its detections
	// read, when every one of them says which and the type can.
	project() error
}

// partRun is one event type's state in a run: the event it decodes into
// and its detections' groups (kept in the run's ruleRuns).
type partRun interface {
	// decode decodes a record into the part's own event.
	decode(r *event.Reader, rec event.Record) error
	// observe offers that event to the part's detections.
	observe()
	// newSlots returns room to decode a batch's records in, for workers.
	newSlots() slots
}

// slots holds a batch's records decoded by a worker, by record index,
// with what each of the part's detections' Match answered for them: the
// workers run Match (which must be safe for concurrent use), so that the
// goroutine applying records in order only groups the matches.
type slots interface {
	// reset readies the slots for a new batch.
	reset()
	decode(i int, r *event.Reader, rec event.Record) error
	observe(i int)
}

// partOf is the detections of events of type E.
type partOf[E any] struct {
	schema *event.Schema[E]
	rules  []*typed[E]
	// decode is the decoder of the part's records: the schema's whole
	// decoder, or its projection onto the fields the rules read.
	decode func(r *event.Reader, rec event.Record, e *E) error
}

func (p *partOf[E]) project() error {
	if p.schema.Project == nil || len(p.rules) == 0 {
		return nil
	}
	var fields []string
	seen := make(map[string]bool)
	for _, t := range p.rules {
		if t.reads == nil {
			return nil // a detection that does not say gets whole events
		}
		for _, f := range t.reads {
			if !seen[f] {
				seen[f] = true
				fields = append(fields, f)
			}
		}
	}
	d, err := p.schema.Project(fields)
	if err != nil {
		return fmt.Errorf("projection of %s events: %w", p.schema.Name, err)
	}
	p.decode = d
	return nil
}

// decoder returns the part's decoder.
func (p *partOf[E]) decoder() func(r *event.Reader, rec event.Record, e *E) error {
	if p.decode != nil {
		return p.decode
	}
	return p.schema.Decode
}

func (p *partOf[E]) name() string { return p.schema.Name }

func (p *partOf[E]) accepts(kind string) bool {
	return p.schema.Accepts != nil && p.schema.Accepts(kind)
}

func (p *partOf[E]) newRun(s *run) partRun { return &partRunOf[E]{p: p, s: s} }

type partRunOf[E any] struct {
	p  *partOf[E]
	s  *run
	ev E
}

func (pr *partRunOf[E]) decode(r *event.Reader, rec event.Record) error {
	return pr.p.decoder()(r, rec, &pr.ev)
}

func (pr *partRunOf[E]) observe() { observe(pr.s, pr.p, &pr.ev) }

func (pr *partRunOf[E]) newSlots() slots {
	words := (len(pr.p.rules) + 63) / 64
	return &slotsOf[E]{pr: pr, evs: make([]E, batchRecords), words: words, hits: make([]uint64, batchRecords*words)}
}

type slotsOf[E any] struct {
	pr    *partRunOf[E]
	evs   []E
	words int      // words of hits per record
	hits  []uint64 // per record, a bit per detection of the part that matched it
	// panics are the Match panics met, by record and detection: rare.
	panics []slotPanic
}

// slotPanic is a Match that panicked on a record of a batch.
type slotPanic struct {
	rec, rule int
	perr      *PanicError
}

func (sl *slotsOf[E]) reset() { sl.panics = sl.panics[:0] }

func (sl *slotsOf[E]) decode(i int, r *event.Reader, rec event.Record) error {
	ev := &sl.evs[i]
	if err := sl.pr.p.decoder()(r, rec, ev); err != nil {
		return err
	}
	hits := sl.hits[i*sl.words : (i+1)*sl.words]
	clear(hits)
	for j, t := range sl.pr.p.rules {
		var hit bool
		if perr := t.guard(StageMatch, func() { hit = t.match(ev) }); perr != nil {
			sl.panics = append(sl.panics, slotPanic{i, j, perr})
			continue
		}
		if hit {
			hits[j/64] |= 1 << (j % 64)
		}
	}
	return nil
}

func (sl *slotsOf[E]) observe(i int) {
	s, p, ev := sl.pr.s, sl.pr.p, &sl.evs[i]
	if s.stream != nil {
		s.stream.at = p.schema.Time(ev)
	}
	hits := sl.hits[i*sl.words : (i+1)*sl.words]
	for j, t := range p.rules {
		rs := &s.rules[t.index]
		if rs.dead {
			continue
		}
		if perr := sl.panicOf(i, j); perr != nil {
			rs.dead = true
			s.panics = append(s.panics, perr)
			continue
		}
		if hits[j/64]&(1<<(j%64)) == 0 {
			continue
		}
		// The grouping's Eval functions are the rule's code too.
		if perr := t.guard(StageMatch, func() { t.add(rs, ev) }); perr != nil {
			rs.dead = true
			s.panics = append(s.panics, perr)
		}
	}
}

// panicOf returns the panic of the Match of the part's detection j on
// record i, or nil.
func (sl *slotsOf[E]) panicOf(i, j int) *PanicError {
	for _, p := range sl.panics {
		if p.rec == i && p.rule == j {
			return p.perr
		}
	}
	return nil
}

// observe offers one event to every live detection of its type.
func observe[E any](s *run, p *partOf[E], ev *E) {
	if s.stream != nil {
		s.stream.at = p.schema.Time(ev)
	}
	for _, t := range p.rules {
		rs := &s.rules[t.index]
		if rs.dead {
			continue
		}
		if perr := t.process(rs, ev); perr != nil {
			rs.dead = true
			s.panics = append(s.panics, perr)
		}
	}
}

// process offers ev to one detection: its Match, then its grouping (whose
// Eval functions are the rule's code too).
func (t *typed[E]) process(rs *ruleRun, ev *E) *PanicError {
	return t.guard(StageMatch, func() {
		if t.match(ev) {
			t.add(rs, ev)
		}
	})
}

// add puts a match into its group, or groups when a BY field is
// multivalue, and drops it when a BY field has no value.
func (t *typed[E]) add(rs *ruleRun, ev *E) {
	for j, x := range t.by {
		rs.keyVals[j] = x(rs.keyVals[j][:0], ev)
		if len(rs.keyVals[j]) == 0 {
			if !t.fillNull {
				return // a null BY value: Splunk drops the event
			}
			rs.keyVals[j] = append(rs.keyVals[j], fillValue)
		}
		rs.key[j] = rs.keyVals[j][0]
		rs.idx[j] = 0
	}
	for j, x := range t.values {
		rs.vals[j] = x(rs.vals[j][:0], ev)
		if len(rs.vals[j]) == 0 && t.fillNull {
			rs.vals[j] = append(rs.vals[j], fillValue)
		}
	}
	tm := t.time(ev)
	table := rs.table
	if rs.window > 0 {
		if table = rs.windowAt(t.rule, tm); table == nil {
			return // late: its window has closed
		}
	}
	at := bin(tm, t.span)
	for {
		// The key and vals lengths match the table's columns by
		// construction, so Add cannot fail here.
		_ = table.Add(rs.key, at, rs.vals)
		// Advance the odometer over multivalue BY fields.
		j := len(t.by) - 1
		for ; j >= 0; j-- {
			rs.idx[j]++
			if rs.idx[j] < len(rs.keyVals[j]) {
				rs.key[j] = rs.keyVals[j][rs.idx[j]]
				break
			}
			rs.idx[j] = 0
			rs.key[j] = rs.keyVals[j][0]
		}
		if j < 0 {
			return
		}
	}
}

// extractor appends an event's values for one BY or stats field.
type extractor[E any] func(dst []string, ev *E) []string

// compile compiles a detection over events of schema's type: it resolves
// every field name, checks the output columns and validates its RBA spec.
func compile[E any](d Detection[E], schema *event.Schema[E], loc *time.Location) (*typed[E], []error) {
	m := d.Meta()
	g := d.Grouping()
	r := &rule{name: m.Name, search: m.SearchName(), span: g.Span, fillNull: g.FillNull,
		where: append([]Condition(nil), g.Where...), then: g.Then, thenCols: append([]string(nil), g.ThenColumns...)}
	t := &typed[E]{rule: r, match: d.Match, time: schema.Time}
	var errs []error
	if fs, ok := any(d).(Fields); ok && fs.Fields() != nil {
		t.reads = []string{}
		for _, name := range fs.Fields() {
			if _, err := schema.Field(name); err != nil {
				errs = append(errs, fmt.Errorf("fields: %w", err))
				continue
			}
			t.reads = append(t.reads, name)
		}
	}
	// reads adds a grouping field to what the detection reads.
	reads := func(name string) {
		if t.reads != nil && name != TimeField {
			t.reads = append(t.reads, name)
		}
	}
	if m.Name == "" {
		errs = append(errs, errors.New("meta: empty name"))
	}
	if g.Span < 0 {
		errs = append(errs, fmt.Errorf("grouping: negative span %v", g.Span))
	}
	cols := make(map[string]bool)
	addColumn := func(c string) {
		if cols[c] {
			errs = append(errs, fmt.Errorf("grouping: duplicate output column %q", c))
		}
		cols[c] = true
		r.columns = append(r.columns, c)
	}
	for i, b := range g.By {
		var x extractor[E]
		switch {
		case b.Eval != nil:
			x = b.Eval
		case b.Field == TimeField:
			x = timeExtractor(g.Span, loc, schema.Time)
		default:
			f, err := schema.Field(b.Field)
			if err != nil {
				errs = append(errs, fmt.Errorf("grouping: by[%d]: %w", i, err))
			} else {
				reads(b.Field)
			}
			x = f.Append
		}
		t.by = append(t.by, x)
		r.byCols = append(r.byCols, b.Column())
		addColumn(b.Column())
	}
	valueIndex := make(map[string]int)
	for i, s := range g.Stats {
		spec, err := aggregateSpec(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("grouping: stats[%d]: %w", i, err))
			spec.Field = "" // nothing to resolve
		}
		if spec.Field != "" {
			if _, ok := valueIndex[spec.Field]; !ok {
				var x extractor[E] = s.Eval
				if x == nil {
					f, err := schema.Field(s.Field)
					if err != nil {
						errs = append(errs, fmt.Errorf("grouping: stats[%d]: %w", i, err))
					} else {
						reads(s.Field)
					}
					x = f.Append
				}
				valueIndex[spec.Field] = len(t.values)
				t.values = append(t.values, x)
				r.valNames = append(r.valNames, spec.Field)
			}
		}
		r.specs = append(r.specs, spec)
		addColumn(s.Column())
	}
	for i, c := range r.where {
		switch {
		case !cols[c.Column]:
			errs = append(errs, fmt.Errorf("grouping: where[%d]: %q is not an output column", i, c.Column))
		case c.Op < Greater || c.Op > NotEqual:
			errs = append(errs, fmt.Errorf("grouping: where[%d]: unknown operator %v", i, c.Op))
		}
	}
	if len(g.ThenColumns) > 0 && g.Then == nil {
		errs = append(errs, errors.New("grouping: ThenColumns without Then"))
	}
	fields := append([]string(nil), r.columns...)
	for _, c := range g.ThenColumns {
		if cols[c] {
			errs = append(errs, fmt.Errorf("grouping: Then column %q is already an output column", c))
		}
		fields = append(fields, c)
	}
	spec := m.RBA
	if len(spec.RiskObjects) > 0 || len(spec.ThreatObjects) > 0 || spec.Message != "" {
		b, err := risk.NewBuilder(spec, fields, risk.Annotations{
			SearchName:        m.SearchName(),
			MITRETechniqueIDs: m.Tags.MITREAttackID,
			MITRETacticIDs:    m.Tags.MITRETacticID,
			AnalyticStories:   m.Tags.AnalyticStory,
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("rba: %w", err))
		}
		r.builder = b
	}
	return t, errs
}
