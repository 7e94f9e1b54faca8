package risk

import (
	"cmp"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-json"
)

// The names of the two default risk incident rules of Splunk ES.
const (
	// RiskThresholdName is the name of [RiskThreshold24h].
	RiskThresholdName = "Risk Threshold Exceeded For Object Over 24 Hour Period"
	// TacticThresholdName is the name of [TacticThreshold7d].
	TacticThresholdName = "ATT&CK Tactic Threshold Exceeded For Object Over Previous 7 Days"
)

// Errors of the incident engine; test with errors.Is.
var (
	// ErrInvalidRule means an [IncidentRule] or [IncidentOptions] passed to
	// [NewIncidentEngine] is not usable.
	ErrInvalidRule = errors.New("invalid incident rule")
	// ErrInvalidEvent means a risk event passed to [IncidentEngine.Add]
	// lacks a _time, a risk_object or a search_name.
	ErrInvalidEvent = errors.New("invalid risk event")
	// ErrLateEvent means a risk event arrived later than the engine's
	// lateness allows. The engine counts it in [IncidentEngine.Dropped]
	// and otherwise ignores it.
	ErrLateEvent = errors.New("late risk event")
)

// IncidentRule is a risk incident rule: it watches the risk that events
// put on each risk object over a sliding window and raises an [Incident]
// when its predicate holds.
//
// An engine evaluates a rule for an object at the time of each of that
// object's risk events, over the events of the window that ends then: the
// events whose time t satisfies T-Window < t <= T. The window is open at
// its start, so that two events exactly Window apart never count
// together, just as in a Splunk search over the time range
// [now-Window, now), which includes its earliest time and excludes its
// latest. Because evaluations happen only at event times, an incident
// always follows new risk.
type IncidentRule struct {
	// Name names the rule in incidents (incident_rule). It must not be
	// blank, and the rules of an engine must have distinct names.
	Name string
	// Window is the length of the sliding window; it must be positive.
	Window time.Duration
	// Throttle is how long after raising an incident for an object the
	// rule raises none for the same object: the next incident comes at
	// the first evaluation at or after the previous incident's time plus
	// Throttle at which Fires holds. Zero means Window; it must not be
	// negative.
	Throttle time.Duration
	// Fires reports whether the accumulated risk of one object over the
	// window calls for an incident. It must not be nil. It must not keep
	// the state, which is valid only during the call, and should be a
	// pure function of it.
	Fires func(*ObjectState) bool
	// Severity maps an incident's total risk score to its severity; nil
	// means the package function [Severity].
	Severity func(score int) string
}

// RiskThreshold returns a rule named name that fires when the sum of an
// object's risk scores over window is above threshold.
func RiskThreshold(name string, window time.Duration, threshold int) IncidentRule {
	return IncidentRule{
		Name:   name,
		Window: window,
		Fires:  func(s *ObjectState) bool { return s.RiskScore > threshold },
	}
}

// RiskThreshold24h returns Splunk ES's default rule "Risk Threshold
// Exceeded For Object Over 24 Hour Period": the sum of an object's risk
// scores over a sliding 24 hours is above 100. ES throttles it per
// normalised object; escudo throttles it for the length of its window.
// The threshold is that of the ES documentation; the throttle is an
// assumption, as the rule's exact SPL was not available.
func RiskThreshold24h() IncidentRule {
	return RiskThreshold(RiskThresholdName, 24*time.Hour, 100)
}

// TacticThreshold returns a rule named name that fires when an object's
// risk events over window carry at least minTactics distinct MITRE ATT&CK
// tactic IDs and come from at least minSources distinct detections
// (search_name).
func TacticThreshold(name string, window time.Duration, minTactics, minSources int) IncidentRule {
	return IncidentRule{
		Name:   name,
		Window: window,
		Fires: func(s *ObjectState) bool {
			return s.TacticCount >= minTactics && s.SourceCount >= minSources
		},
	}
}

// TacticThreshold7d returns Splunk ES's default rule "ATT&CK Tactic
// Threshold Exceeded For Object Over Previous 7 Days": at least 3 distinct
// tactics from at least 4 distinct detections over a sliding 7 days. The
// thresholds are the commonly cited ones; they were not verified against
// the rule's SPL in ES.
func TacticThreshold7d() IncidentRule {
	return TacticThreshold(TacticThresholdName, 7*24*time.Hour, 3, 4)
}

// DefaultIncidentRules returns [RiskThreshold24h] and [TacticThreshold7d].
func DefaultIncidentRules() []IncidentRule {
	return []IncidentRule{RiskThreshold24h(), TacticThreshold7d()}
}

// Severity returns the severity of a risk score as ES's notables grade it:
// "informational" up to 20, "low" up to 40, "medium" up to 60, "high" up
// to 80 and "critical" above.
func Severity(score int) string {
	switch {
	case score <= 20:
		return "informational"
	case score <= 40:
		return "low"
	case score <= 60:
		return "medium"
	case score <= 80:
		return "high"
	}
	return "critical"
}

// ObjectState is what a rule's window holds for one risk object when the
// rule is evaluated. It is valid only during the call to Fires.
type ObjectState struct {
	// RiskObject is the normalised risk object: risk_object trimmed of
	// surrounding white space and lower-cased.
	RiskObject string
	// RiskObjectType is the events' risk_object_type.
	RiskObjectType ObjectType
	// RiskScore is the sum of the events' risk scores.
	RiskScore int
	// EventCount is the number of events.
	EventCount int
	// SourceCount is the number of distinct detections (search_name).
	SourceCount int
	// TacticCount is the number of distinct MITRE ATT&CK tactic IDs.
	TacticCount int
	// TechniqueCount is the number of distinct MITRE ATT&CK technique IDs.
	TechniqueCount int
	// FirstTime is the time of the earliest event.
	FirstTime time.Time
	// LastTime is the time of the latest event, which is the evaluation
	// time.
	LastTime time.Time

	w *window
}

// Sources returns the distinct search names, sorted.
func (s *ObjectState) Sources() []string {
	if s.w == nil {
		return nil
	}
	return s.w.vals.keys(sourceValue)
}

// Tactics returns the distinct MITRE ATT&CK tactic IDs, sorted.
func (s *ObjectState) Tactics() []string {
	if s.w == nil {
		return nil
	}
	return s.w.vals.keys(tacticValue)
}

// Techniques returns the distinct MITRE ATT&CK technique IDs, sorted.
func (s *ObjectState) Techniques() []string {
	if s.w == nil {
		return nil
	}
	return s.w.vals.keys(techniqueValue)
}

// Incident is one risk incident: a rule found that the risk on an object
// over its window called for attention. It is a plain value; the engine
// keeps no reference to the Incidents it returns.
type Incident struct {
	// Rule is the name of the rule that raised it (incident_rule).
	Rule string
	// RiskObject is the normalised risk object (risk_object).
	RiskObject string
	// RiskObjectType is risk_object_type.
	RiskObjectType ObjectType
	// RiskScore is the total risk score over the window (risk_score).
	RiskScore int
	// EventCount is the number of contributing risk events
	// (risk_event_count).
	EventCount int
	// Sources holds the distinct search names of the contributing events,
	// sorted (sources; source_count is its length).
	Sources []string
	// TacticCount is the number of distinct MITRE ATT&CK tactic IDs
	// (mitre_tactic_id_count).
	TacticCount int
	// TechniqueCount is the number of distinct MITRE ATT&CK technique IDs
	// (mitre_technique_id_count).
	TechniqueCount int
	// FirstTime is the time of the earliest contributing event
	// (first_time).
	FirstTime time.Time
	// LastTime is the time of the latest contributing event, at which
	// the rule fired (last_time).
	LastTime time.Time
	// Severity is the rule's severity for RiskScore (severity).
	Severity string
	// Messages holds the distinct risk messages of the contributing
	// events, in event time order (risk_messages).
	Messages []string
}

// wireIncident is Incident in JSON form; field order is key order.
type wireIncident struct {
	RiskObject     string     `json:"risk_object"`
	RiskObjectType ObjectType `json:"risk_object_type"`
	RiskScore      int        `json:"risk_score"`
	EventCount     int        `json:"risk_event_count"`
	SourceCount    int        `json:"source_count"`
	TacticCount    int        `json:"mitre_tactic_id_count"`
	TechniqueCount int        `json:"mitre_technique_id_count"`
	Sources        []string   `json:"sources"`
	FirstTime      string     `json:"first_time"`
	LastTime       string     `json:"last_time"`
	Severity       string     `json:"severity"`
	Rule           string     `json:"incident_rule"`
	Messages       []string   `json:"risk_messages"`
}

// MarshalJSON writes inc as one JSON object with exactly these keys, in
// this order: "risk_object", "risk_object_type", "risk_score",
// "risk_event_count", "source_count", "mitre_tactic_id_count",
// "mitre_technique_id_count", "sources" (an array), "first_time",
// "last_time" (RFC 3339 in UTC, with a fraction of a second only when
// there is one), "severity", "incident_rule" and "risk_messages" (an
// array). Arrays are [] when empty, never null. As with
// [Event.MarshalJSON], '<', '>' and '&' are not escaped, and a time whose
// year in UTC is outside 0000..9999 is an error wrapping [ErrBadTime].
func (inc Incident) MarshalJSON() ([]byte, error) {
	first, err := rfc3339(inc.FirstTime)
	if err != nil {
		return nil, fmt.Errorf("risk: encode incident: first_time: %w", err)
	}
	last, err := rfc3339(inc.LastTime)
	if err != nil {
		return nil, fmt.Errorf("risk: encode incident: last_time: %w", err)
	}
	w := wireIncident{
		RiskObject:     inc.RiskObject,
		RiskObjectType: inc.RiskObjectType,
		RiskScore:      inc.RiskScore,
		EventCount:     inc.EventCount,
		SourceCount:    len(inc.Sources),
		TacticCount:    inc.TacticCount,
		TechniqueCount: inc.TechniqueCount,
		Sources:        nonNil(inc.Sources),
		FirstTime:      first,
		LastTime:       last,
		Severity:       inc.Severity,
		Rule:           inc.Rule,
		Messages:       nonNil(inc.Messages),
	}
	b, err := json.MarshalWithOption(w, json.DisableHTMLEscape())
	if err != nil {
		return nil, fmt.Errorf("risk: encode incident: %w", err)
	}
	return b, nil
}

func rfc3339(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("%w: year %d outside 0000..9999", ErrBadTime, y)
	}
	return t.Format(time.RFC3339Nano), nil
}

// IncidentOptions configure an [IncidentEngine]. The zero value is valid:
// events must arrive in time order (equal times in any order).
type IncidentOptions struct {
	// Lateness is how far behind the latest event time seen an event may
	// arrive and still count. An event whose time is earlier is dropped:
	// Add returns an error wrapping [ErrLateEvent] and [IncidentEngine.Dropped]
	// counts it. It must not be negative.
	Lateness time.Duration
}

// PanicError reports an incident rule whose Fires or Severity function
// panicked. The engine stops evaluating that rule; the other rules go on.
type PanicError struct {
	// Rule is the name of the rule.
	Rule string
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error implements the error interface.
func (e *PanicError) Error() string {
	return fmt.Sprintf("risk: incident rule %q panicked: %v", e.Rule, e.Value)
}

// IncidentEngine is the second step of risk-based alerting: it takes risk
// events one at a time, accumulates them per risk object, and evaluates
// its rules on event time.
//
// # Objects
//
// A risk object is its risk_object, trimmed of surrounding white space and
// lower-cased, together with its risk_object_type: "Adele.Vance@contoso.com"
// and " adele.vance@contoso.com" are one object, a user and a system of the
// same name are two. Incidents carry the normalised name.
//
// # Time
//
// The engine never reads the clock. Its notion of now is a watermark: the
// latest event time seen, less the lateness of [IncidentOptions]. An event
// earlier than the watermark is late and dropped (counted, and reported by
// Add's error). Each rule is evaluated at the time T of each risk event of
// an object, but only once the watermark has passed T, when no event at or
// before T can still arrive; so every event within the lateness counts,
// whatever its arrival order, and the incidents are the same for any
// arrival order within the lateness. With zero lateness an event is
// evaluated when an event with a later time arrives, or at Flush.
//
// # Throttling
//
// A rule raises at most one incident per object per throttle period (see
// [IncidentRule.Throttle]), not one per risk event: once it fires for an
// object at time T, it stays silent for that object until T+Throttle, and
// fires again at the first risk event from then on at which it holds.
//
// # Memory
//
// The engine keeps an object's events only while some future evaluation
// could still count them, that is for the longest window after the
// watermark passes them, and forgets an object altogether once it has no
// such events and no throttle is running for it. [IncidentEngine.Objects]
// reports how many objects it holds. An event costs the same however many
// objects the engine holds, but for heap operations logarithmic in the
// number of objects and of events awaiting evaluation. The memory of
// forgotten objects is given back: the engine rebuilds its tables smaller
// once they are mostly empty.
//
// An IncidentEngine is not safe for concurrent use.
type IncidentEngine struct {
	rules     []incidentRule
	lateness  time.Duration
	maxWindow time.Duration

	objects map[objectKey]*object
	// objectsPeak is the most objects held since objects was made. Go
	// maps never shrink, so advance rebuilds objects once it holds a
	// small fraction of that.
	objectsPeak int
	// pending holds a point for each event not yet evaluated, at its
	// time.
	pending pointHeap
	// expiries holds exactly one point for each object, at or before its
	// expiry: expiry only moves later, and a point popped before it is
	// pushed again at it, so updating it pushes nothing.
	expiries pointHeap

	started bool
	latest  time.Time // latest event time accepted
	floor   time.Time // the watermark: earlier events are late, earlier points final
	dropped int
	errs    []error
	state   ObjectState // the argument of Fires, reused
}

type incidentRule struct {
	name     string
	window   time.Duration
	throttle time.Duration
	fires    func(*ObjectState) bool
	severity func(int) string
	disabled bool // it panicked
}

type objectKey struct {
	object string
	typ    ObjectType
}

// contribution is what the engine keeps of one risk event.
type contribution struct {
	t       time.Time
	source  string
	message string
	score   int
	// ids holds copies of the event's MITRE ATT&CK tactic IDs, then its
	// technique IDs, in one allocation; the first nTactics are tactics.
	ids      []string
	nTactics int
}

// object is one risk object's events, sorted by time and then message,
// and each rule's window over them.
type object struct {
	key    objectKey
	events []contribution
	// events[:evaluated] are those at or before last, the latest time
	// at which the rules were evaluated; every window lies within them.
	evaluated int
	last      time.Time
	seen      bool // last is set
	wins      []window
	// expiry is when the object stops mattering (see expire); it never
	// moves earlier.
	expiry time.Time
}

// window is one rule's running aggregate over events[start:evaluated] of
// an object.
type window struct {
	start     int
	score     int
	count     int
	vals      valueCounts
	fired     bool
	lastFired time.Time
}

// NewIncidentEngine validates opts and rules and returns an engine that
// evaluates the rules. It copies the rules. It reports every problem at
// once, joined with errors.Join, each wrapping [ErrInvalidRule]: a blank
// or repeated name, a window that is not positive, a negative throttle, a
// nil Fires, no rules at all, or a negative lateness.
func NewIncidentEngine(opts IncidentOptions, rules ...IncidentRule) (*IncidentEngine, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("risk: %w: "+format, append([]any{ErrInvalidRule}, args...)...))
	}
	if opts.Lateness < 0 {
		bad("negative lateness %v", opts.Lateness)
	}
	if len(rules) == 0 {
		bad("no rules")
	}
	e := &IncidentEngine{lateness: opts.Lateness, objects: make(map[objectKey]*object)}
	seen := make(map[string]bool)
	for i, r := range rules {
		where := fmt.Sprintf("rule %d (%q)", i, r.Name)
		if strings.TrimSpace(r.Name) == "" {
			bad("%s: blank name", where)
		} else if seen[r.Name] {
			bad("%s: duplicate name", where)
		}
		seen[r.Name] = true
		if r.Window <= 0 {
			bad("%s: window %v is not positive", where, r.Window)
		}
		if r.Throttle < 0 {
			bad("%s: negative throttle %v", where, r.Throttle)
		}
		if r.Fires == nil {
			bad("%s: nil Fires", where)
		}
		ir := incidentRule{name: r.Name, window: r.Window, throttle: r.Throttle, fires: r.Fires, severity: r.Severity}
		if ir.throttle == 0 {
			ir.throttle = ir.window
		}
		if ir.severity == nil {
			ir.severity = Severity
		}
		e.maxWindow = max(e.maxWindow, ir.window)
		e.rules = append(e.rules, ir)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// Add gives the engine one risk event and returns the incidents that have
// become final since the previous call, sorted by [SortIncidents]' order.
// It copies what it keeps of ev.
//
// It returns an error, and no incidents, when ev is not accepted: one
// wrapping [ErrInvalidEvent] when ev has a zero time or a blank
// risk_object or search_name, and one wrapping [ErrLateEvent] when it is
// late. It also returns an error joining a [*PanicError] for each rule
// that panicked, alongside the incidents of the other rules.
func (e *IncidentEngine) Add(ev Event) ([]Incident, error) {
	key := objectKey{object: strings.ToLower(strings.TrimSpace(ev.RiskObject)), typ: ev.RiskObjectType}
	switch {
	case ev.Time.IsZero():
		return nil, fmt.Errorf("risk: add event: %w: no _time", ErrInvalidEvent)
	case key.object == "":
		return nil, fmt.Errorf("risk: add event: %w: blank risk_object", ErrInvalidEvent)
	case strings.TrimSpace(ev.SearchName) == "":
		return nil, fmt.Errorf("risk: add event: %w: blank search_name", ErrInvalidEvent)
	}
	t := ev.Time
	if e.started && t.Before(e.floor) {
		e.dropped++
		return nil, fmt.Errorf("risk: add event for %q: %w: _time %s is before %s, the earliest time the engine still accepts (latest _time %s, lateness %v)",
			ev.RiskObject, ErrLateEvent, formatTime(t), formatTime(e.floor), formatTime(e.latest), e.lateness)
	}

	o := e.objects[key]
	added := o == nil
	if added {
		o = &object{key: key, wins: make([]window, len(e.rules))}
		e.objects[key] = o
		e.objectsPeak = max(e.objectsPeak, len(e.objects))
	}
	c := contribution{
		t:        t,
		source:   ev.SearchName,
		message:  ev.RiskMessage,
		score:    ev.RiskScore,
		nTactics: len(ev.MITRETacticIDs),
	}
	if n := len(ev.MITRETacticIDs) + len(ev.MITRETechniqueIDs); n > 0 {
		c.ids = append(append(make([]string, 0, n), ev.MITRETacticIDs...), ev.MITRETechniqueIDs...)
	}
	// Every event before o.evaluated is at or before a final time, so
	// earlier than t: the new event goes after them.
	tail := o.events[o.evaluated:]
	i, _ := slices.BinarySearchFunc(tail, c, func(a, b contribution) int {
		if n := a.t.Compare(b.t); n != 0 {
			return n
		}
		if n := strings.Compare(a.message, b.message); n != 0 {
			return n
		}
		return -1 // after equal ones
	})
	o.events = slices.Insert(o.events, o.evaluated+i, c)
	e.pending.push(point{t: t, o: o})
	e.expire(o)
	if added {
		e.expiries.push(point{t: o.expiry, o: o})
	}

	if !e.started || t.After(e.latest) {
		e.latest = t
	}
	return e.advance(e.latest.Add(-e.lateness))
}

// Flush evaluates every event added so far, as if the stream had ended,
// and returns the incidents that have become final, sorted as by
// [SortIncidents]. Afterwards the watermark lies just after the latest
// event time seen, so an event added later must be later than every event
// before it. The error joins a [*PanicError] for each rule that panicked.
func (e *IncidentEngine) Flush() ([]Incident, error) {
	if !e.started {
		return nil, nil
	}
	return e.advance(e.latest.Add(time.Nanosecond))
}

// Dropped returns how many late events the engine has dropped.
func (e *IncidentEngine) Dropped() int { return e.dropped }

// Objects returns how many risk objects the engine holds state for.
func (e *IncidentEngine) Objects() int { return len(e.objects) }

// Watermark returns the engine's watermark: an event earlier than it is
// late. It is the zero time before the first event.
func (e *IncidentEngine) Watermark() time.Time { return e.floor }

// advance moves the watermark to floor, if that is later, evaluates the
// events that are now final, in time order, and forgets the objects that
// can no longer matter.
func (e *IncidentEngine) advance(floor time.Time) ([]Incident, error) {
	if !e.started || floor.After(e.floor) {
		e.floor = floor
	}
	e.started = true
	var out []Incident
	for e.pending.Len() > 0 && e.pending[0].t.Before(e.floor) {
		p := e.pending.pop()
		out = e.evaluate(p.o, p.t, out)
	}
	for e.expiries.Len() > 0 && !e.expiries[0].t.After(e.floor) {
		p := e.expiries.pop()
		if p.o.expiry.After(p.t) {
			// The expiry moved on since the point was pushed.
			e.expiries.push(point{t: p.o.expiry, o: p.o})
			continue
		}
		delete(e.objects, p.o.key)
	}
	e.compact()
	SortIncidents(out)
	err := errors.Join(e.errs...)
	e.errs = e.errs[:0]
	return out, err
}

// evaluate evaluates every rule for o at time t, the time of one of its
// events, appending any incidents to out.
func (e *IncidentEngine) evaluate(o *object, t time.Time, out []Incident) []Incident {
	if o.seen && !t.After(o.last) {
		return out // another event at the same time: done already
	}
	o.seen, o.last = true, t
	for o.evaluated < len(o.events) && !o.events[o.evaluated].t.After(t) {
		c := &o.events[o.evaluated]
		for i := range o.wins {
			o.wins[i].add(c)
		}
		o.evaluated++
	}
	for i := range e.rules {
		r := &e.rules[i]
		w := &o.wins[i]
		cut := t.Add(-r.window)
		for w.start < o.evaluated && !o.events[w.start].t.After(cut) {
			w.remove(&o.events[w.start])
			w.start++
		}
		if r.disabled || w.count == 0 {
			continue
		}
		// The state lives in the engine: passed to a func value, a local
		// would escape, costing an allocation per evaluation.
		st := &e.state
		*st = ObjectState{
			RiskObject:     o.key.object,
			RiskObjectType: o.key.typ,
			RiskScore:      w.score,
			EventCount:     w.count,
			SourceCount:    w.vals.distinct[sourceValue],
			TacticCount:    w.vals.distinct[tacticValue],
			TechniqueCount: w.vals.distinct[techniqueValue],
			FirstTime:      o.events[w.start].t,
			LastTime:       t,
			w:              w,
		}
		fire, sev, perr := r.call(st)
		st.w = nil
		if perr != nil {
			r.disabled = true
			e.errs = append(e.errs, perr)
			continue
		}
		if !fire || (w.fired && t.Before(w.lastFired.Add(r.throttle))) {
			continue
		}
		w.fired, w.lastFired = true, t
		out = append(out, Incident{
			Rule:           r.name,
			RiskObject:     o.key.object,
			RiskObjectType: o.key.typ,
			RiskScore:      w.score,
			EventCount:     w.count,
			Sources:        w.vals.keys(sourceValue),
			TacticCount:    st.TacticCount,
			TechniqueCount: st.TechniqueCount,
			FirstTime:      st.FirstTime,
			LastTime:       t,
			Severity:       sev,
			Messages:       messages(o.events[w.start:o.evaluated]),
		})
	}
	// Events that have left every window never enter one again.
	drop := o.evaluated
	for i := range o.wins {
		drop = min(drop, o.wins[i].start)
	}
	if drop > 0 {
		clear(o.events[:drop])
		o.events = o.events[drop:]
		o.evaluated -= drop
		for i := range o.wins {
			o.wins[i].start -= drop
		}
	}
	e.expire(o)
	return out
}

// call runs the rule's predicate and, when it fires, its severity
// function, turning a panic into a *PanicError.
func (r *incidentRule) call(st *ObjectState) (fire bool, sev string, perr *PanicError) {
	defer func() {
		if v := recover(); v != nil {
			perr = &PanicError{Rule: r.name, Value: v, Stack: debug.Stack()}
		}
	}()
	if !r.fires(st) {
		return false, "", nil
	}
	return true, r.severity(st.RiskScore), nil
}

// expire records when o stops mattering: once the watermark reaches the
// latest of its last event time plus the longest window and each rule's
// last incident plus its throttle, no future evaluation can count its
// events or be throttled by it. That time never moves earlier: the last
// event time only grows (the events left are never all dropped, as the
// latest evaluated one is in every window), and so does each last
// incident time.
func (e *IncidentEngine) expire(o *object) {
	at := o.events[len(o.events)-1].t.Add(e.maxWindow)
	for i := range o.wins {
		if w := &o.wins[i]; w.fired {
			if end := w.lastFired.Add(e.rules[i].throttle); end.After(at) {
				at = end
			}
		}
	}
	o.expiry = at
}

// compactFrom is the size below which the engine never rebuilds its
// tables: small ones cost little to keep.
const compactFrom = 256

// compact gives back the memory of forgotten objects and of evaluated
// events: it rebuilds the objects map once it holds less than a quarter
// of the most it has held, and each heap once it fills less than a
// quarter of its room. A rebuild copies fewer entries than were removed
// since the table last grew or was rebuilt, so it adds a constant to the
// cost of each removal.
func (e *IncidentEngine) compact() {
	if e.objectsPeak > compactFrom && len(e.objects) < e.objectsPeak/4 {
		m := make(map[objectKey]*object, len(e.objects))
		for k, o := range e.objects {
			m[k] = o
		}
		e.objects, e.objectsPeak = m, len(m)
	}
	e.pending.compact()
	e.expiries.compact()
}

// messages returns the distinct messages of events, in order.
func messages(events []contribution) []string {
	var out []string
	seen := make(map[string]bool, len(events))
	for _, c := range events {
		if !seen[c.message] {
			seen[c.message] = true
			out = append(out, c.message)
		}
	}
	return out
}

func (w *window) add(c *contribution) {
	w.score += c.score
	w.count++
	w.vals.add(valueKey{c.source, sourceValue})
	for i, id := range c.ids {
		w.vals.add(valueKey{id, c.kind(i)})
	}
}

func (w *window) remove(c *contribution) {
	w.score -= c.score
	w.count--
	w.vals.remove(valueKey{c.source, sourceValue})
	for i, id := range c.ids {
		w.vals.remove(valueKey{id, c.kind(i)})
	}
}

// kind returns the kind of c.ids[i].
func (c *contribution) kind(i int) valueKind {
	if i < c.nTactics {
		return tacticValue
	}
	return techniqueValue
}

// valueKind tells the values a window counts apart.
type valueKind uint8

const (
	sourceValue    valueKind = iota // a search_name
	tacticValue                     // a MITRE ATT&CK tactic ID
	techniqueValue                  // a MITRE ATT&CK technique ID
	valueKinds                      // the number of kinds
)

// valueKey is a value of some kind.
type valueKey struct {
	s    string
	kind valueKind
}

// counted is a value and how often it occurs in a window.
type counted struct {
	valueKey
	n int32 // occurrences; a window holds fewer than 2^31 events
}

// indexFrom is the number of distinct values from which valueCounts
// indexes its slice with a map.
const indexFrom = 32

// valueCounts counts the occurrences of the distinct values of a window's
// events. Windows typically hold a handful, so they sit in a slice,
// unsorted, searched in order; one that grows past indexFrom values is
// indexed with a map, which goes again when it shrinks to half that.
// (Three maps per window would cost each object over 1.5 kB.)
type valueCounts struct {
	vals     []counted
	index    map[valueKey]int32 // position in vals
	distinct [valueKinds]int    // how many vals are of each kind
}

func (vc *valueCounts) find(k valueKey) int {
	if vc.index != nil {
		if i, ok := vc.index[k]; ok {
			return int(i)
		}
		return -1
	}
	for i := range vc.vals {
		if v := &vc.vals[i]; v.kind == k.kind && v.s == k.s {
			return i
		}
	}
	return -1
}

func (vc *valueCounts) add(k valueKey) {
	if i := vc.find(k); i >= 0 {
		vc.vals[i].n++
		return
	}
	if vc.vals == nil {
		vc.vals = make([]counted, 0, 4)
	}
	vc.vals = append(vc.vals, counted{k, 1})
	vc.distinct[k.kind]++
	switch {
	case vc.index != nil:
		vc.index[k] = int32(len(vc.vals) - 1)
	case len(vc.vals) > indexFrom:
		vc.index = make(map[valueKey]int32, 2*len(vc.vals))
		for i, v := range vc.vals {
			vc.index[v.valueKey] = int32(i)
		}
	}
}

// remove removes one occurrence of k, which must be counted.
func (vc *valueCounts) remove(k valueKey) {
	i := vc.find(k)
	if vc.vals[i].n > 1 {
		vc.vals[i].n--
		return
	}
	vc.distinct[k.kind]--
	last := len(vc.vals) - 1
	if vc.index != nil {
		delete(vc.index, k)
		if i != last {
			vc.index[vc.vals[last].valueKey] = int32(i)
		}
	}
	vc.vals[i] = vc.vals[last]
	vc.vals[last] = counted{}
	vc.vals = vc.vals[:last]
	if vc.index != nil && len(vc.vals) <= indexFrom/2 {
		vc.index = nil
	}
	if cap(vc.vals) > 2*indexFrom && len(vc.vals) < cap(vc.vals)/4 {
		vc.vals = append(make([]counted, 0, 2*len(vc.vals)), vc.vals...)
	}
}

// keys returns the values of one kind, sorted, or nil when there are
// none.
func (vc *valueCounts) keys(kind valueKind) []string {
	if vc.distinct[kind] == 0 {
		return nil
	}
	out := make([]string, 0, vc.distinct[kind])
	for _, v := range vc.vals {
		if v.kind == kind {
			out = append(out, v.s)
		}
	}
	slices.Sort(out)
	return out
}

// SortIncidents sorts incidents by LastTime, then RiskObject, then
// RiskObjectType, then Rule: the order in which an engine returns them.
func SortIncidents(incidents []Incident) {
	slices.SortStableFunc(incidents, func(a, b Incident) int {
		return cmp.Or(
			a.LastTime.Compare(b.LastTime),
			strings.Compare(a.RiskObject, b.RiskObject),
			strings.Compare(string(a.RiskObjectType), string(b.RiskObjectType)),
			strings.Compare(a.Rule, b.Rule),
		)
	})
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// point is a time and an object: an evaluation pending at that time, or
// the time the object expires.
type point struct {
	t time.Time
	o *object
}

// pointHeap is a min-heap of points by time. (container/heap would box
// every point pushed into an interface: one allocation per event.)
type pointHeap []point

func (h pointHeap) Len() int { return len(h) }

func (h *pointHeap) push(p point) {
	*h = append(*h, p)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s[i].t.Before(s[parent].t) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
}

func (h *pointHeap) pop() point {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = point{}
	s = s[:n]
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < n && s[l].t.Before(s[least].t) {
			least = l
		}
		if r < n && s[r].t.Before(s[least].t) {
			least = r
		}
		if least == i {
			break
		}
		s[i], s[least] = s[least], s[i]
		i = least
	}
	*h = s
	return top
}

// compact gives back most of the heap's room once it is mostly empty.
func (h *pointHeap) compact() {
	if cap(*h) > compactFrom && len(*h) < cap(*h)/4 {
		*h = append(make(pointHeap, 0, 2*len(*h)), *h...)
	}
}
