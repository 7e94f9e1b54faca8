package detection

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Union makes one Rule of detections of several event types that feed
// one grouping, as an SPL search over several categories does
// (`category IN (MicrosoftGraphActivityLogs, NonInteractiveUserSignInLogs)`
// and then one stats): each member matches and extracts from events of
// its own type, and their matches land in the same groups, so one finding
// can count events of both types.
//
// The members must be of distinct event types and must agree on the
// grouping's output: the same detection name, the same BY columns and
// the same stats (function and field or Eval, in order); NewEngine
// reports a member that does not. The first member's Meta, and its
// Span, FillNull, Where and Then, are the rule's; the others' are not
// used. The rule's EventType is its members' types joined with "+", in
// order, and its Detection is a [Detections] of the members'.
func Union(rules ...Rule) Rule { return &union{rules: slices.Clone(rules)} }

// Detections is what Detection returns for a rule of several event types
// ([Union]): each member's detection, in order.
type Detections []any

// Literals implements [Literals]: every member's literals, or nil when a
// member declares none (then the prefilter cannot pass over a record any
// member might match).
func (ds Detections) Literals() []string {
	var all []string
	for _, d := range ds {
		l, ok := d.(Literals)
		if !ok {
			return nil
		}
		lits := l.Literals()
		if lits == nil {
			return nil
		}
		all = append(all, lits...)
	}
	return all
}

type union struct{ rules []Rule }

func (u *union) Meta() Meta {
	if len(u.rules) == 0 || u.rules[0] == nil {
		return Meta{}
	}
	return u.rules[0].Meta()
}

func (u *union) EventType() string {
	types := make([]string, 0, len(u.rules))
	for _, r := range u.rules {
		if r != nil {
			types = append(types, r.EventType())
		}
	}
	return strings.Join(types, "+")
}

func (u *union) Detection() any {
	if len(u.rules) == 0 {
		return nil // reported by NewEngine as a nil detection
	}
	ds := make(Detections, len(u.rules))
	for i, r := range u.rules {
		if r == nil || r.Detection() == nil {
			return nil
		}
		ds[i] = r.Detection()
	}
	return ds
}

func (u *union) addTo(parts []part, loc *time.Location, shared *rule) ([]part, *rule, []error) {
	var errs []error
	seen := make(map[string]bool)
	for i, m := range u.rules {
		if seen[m.EventType()] {
			errs = append(errs, fmt.Errorf("union: member %d: a second detection of event type %q", i, m.EventType()))
			continue
		}
		seen[m.EventType()] = true
		var r *rule
		var merrs []error
		parts, r, merrs = m.addTo(parts, loc, shared)
		for _, err := range merrs {
			errs = append(errs, fmt.Errorf("union: member %d (%s): %w", i, m.EventType(), err))
		}
		if shared == nil {
			shared = r
		}
	}
	return parts, shared, errs
}

// sameGroups reports how o, a Union member, differs from r, the rule
// whose groups it feeds: in name, BY columns or stats.
func (r *rule) sameGroups(o *rule) []error {
	var errs []error
	if o.name != r.name {
		errs = append(errs, fmt.Errorf("detection name %q, not the union's %q", o.name, r.name))
	}
	if !slices.Equal(o.byCols, r.byCols) {
		errs = append(errs, fmt.Errorf("BY columns %q, not the union's %q", o.byCols, r.byCols))
	}
	if !slices.Equal(o.columns, r.columns) || !slices.Equal(o.specs, r.specs) || !slices.Equal(o.valNames, r.valNames) {
		errs = append(errs, errors.New("stats differ from the union's first member's"))
	}
	return errs
}
