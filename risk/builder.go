package risk

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Finding is what a [Builder] reads of a detection result row. Build uses a
// Finding only during the call, from the calling goroutine, and calls Values
// at most once per distinct field.
type Finding interface {
	// Values returns the values of the named field: one element for a
	// single-valued field, several for a multivalue field (Splunk
	// values()), nil when absent. Build does not keep or modify the slice.
	Values(field string) []string
	// Time returns the time the risk events carry (the finding's lastTime).
	Time() time.Time
}

// Annotations is what every risk event of one detection carries besides
// what its [Spec] gives.
type Annotations struct {
	// SearchName is the saved-search name, such as
	// "ESCU - O365 User Consent Denied for OAuth Application - Rule".
	SearchName string
	// MITRETacticIDs is the ATT&CK tactic IDs of those techniques, such
	// as ["TA0006"]; ES adds them from its MITRE lookup.
	MITRETacticIDs []string
	// MITRETechniqueIDs is the detection's tags.mitre_attack_id, such as
	// ["T1528"].
	MITRETechniqueIDs []string
	// AnalyticStories is the detection's tags.analytic_story.
	AnalyticStories []string
}

// Builder turns findings into risk events for one detection. It holds a
// validated, compiled copy of a [Spec] and its [Annotations]. A Builder is
// immutable and safe for concurrent use.
type Builder struct {
	searchName string
	mitre      []string
	tactics    []string
	stories    []string

	// fields lists each distinct field Build reads; risks, threats and
	// segs refer to it by index so a finding is asked for a field once.
	fields  []string
	risks   []compiledRisk
	threats []compiledThreat
	segs    []compiledSegment
	// message is the whole message when it has no tokens, so Build can
	// return it without copying.
	message   string
	hasTokens bool
}

type compiledRisk struct {
	field int
	typ   ObjectType
	score int
}

type compiledThreat struct {
	field int
	typ   ThreatObjectType
}

// compiledSegment is literal text when field < 0, and otherwise the index
// in Builder.fields of the field that replaces a token.
type compiledSegment struct {
	text  string
	field int
}

// NewBuilder validates spec and ann against fields, the names of the fields
// a finding has (the detection's output columns), and compiles the message.
// It copies every slice it keeps, so the caller may reuse its arguments.
//
// It reports every problem at once, as an errors.Join of [*SpecError]
// values, in the order message, risk_objects, threat_objects, search_name:
//   - the message must not be blank, and each of its $field$ tokens must
//     name a field in fields;
//   - there must be at least one risk object; each needs a non-empty Field
//     present in fields, a valid Type and a Score in 1..100;
//   - each threat object needs a non-empty Field present in fields and a
//     valid Type;
//   - no risk or threat object may repeat an earlier one exactly;
//   - ann.SearchName must not be blank.
func NewBuilder(spec Spec, fields []string, ann Annotations) (*Builder, error) {
	known := make(map[string]bool, len(fields))
	for _, f := range fields {
		known[f] = true
	}
	var errs []error
	report := func(where string, kind error, format string, args ...any) {
		errs = append(errs, &SpecError{
			Where: where,
			Err:   &detailError{kind: kind, msg: fmt.Sprintf(format, args...)},
		})
	}
	checkField := func(where, name string) {
		switch {
		case name == "":
			report(where, ErrEmptyField, "empty field name")
		case !known[name]:
			report(where, ErrUnknownField, "%q is not an output field", name)
		}
	}

	if strings.TrimSpace(spec.Message) == "" {
		report("message", ErrEmptyMessage, "empty message")
	}
	for _, name := range spec.Tokens() {
		if !known[name] {
			report("message", ErrUnknownField, "token $%s$: %q is not an output field", name, name)
		}
	}
	if len(spec.RiskObjects) == 0 {
		report("risk_objects", ErrNoRiskObject, "at least one risk object is required")
	}
	for i, ro := range spec.RiskObjects {
		where := fmt.Sprintf("risk_objects[%d]", i)
		checkField(where+".field", ro.Field)
		if !ro.Type.Valid() {
			report(where+".type", ErrUnknownType, "unknown risk object type %q", ro.Type)
		}
		if ro.Score < 1 || ro.Score > 100 {
			report(where+".score", ErrBadScore, "want 1..100, got %d", ro.Score)
		}
		if j := slices.Index(spec.RiskObjects[:i], ro); j >= 0 {
			report(where, ErrDuplicate, "same as risk_objects[%d]", j)
		}
	}
	for i, to := range spec.ThreatObjects {
		where := fmt.Sprintf("threat_objects[%d]", i)
		checkField(where+".field", to.Field)
		if !to.Type.Valid() {
			report(where+".type", ErrUnknownType, "unknown threat object type %q", to.Type)
		}
		if j := slices.Index(spec.ThreatObjects[:i], to); j >= 0 {
			report(where, ErrDuplicate, "same as threat_objects[%d]", j)
		}
	}
	if strings.TrimSpace(ann.SearchName) == "" {
		report("search_name", ErrEmptySearchName, "empty search name")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	b := &Builder{
		searchName: ann.SearchName,
		mitre:      slices.Clone(ann.MITRETechniqueIDs),
		tactics:    slices.Clone(ann.MITRETacticIDs),
		stories:    slices.Clone(ann.AnalyticStories),
		message:    spec.Message,
	}
	index := func(name string) int {
		if i := slices.Index(b.fields, name); i >= 0 {
			return i
		}
		b.fields = append(b.fields, name)
		return len(b.fields) - 1
	}
	for _, ro := range spec.RiskObjects {
		b.risks = append(b.risks, compiledRisk{field: index(ro.Field), typ: ro.Type, score: ro.Score})
	}
	for _, to := range spec.ThreatObjects {
		b.threats = append(b.threats, compiledThreat{field: index(to.Field), typ: to.Type})
	}
	for _, seg := range parseMessage(spec.Message) {
		cs := compiledSegment{text: seg.text, field: -1}
		if seg.isField {
			cs = compiledSegment{field: index(seg.text)}
			b.hasTokens = true
		}
		b.segs = append(b.segs, cs)
	}
	return b, nil
}

// Build returns the risk events of one finding.
//
// It gives one event per risk object per value of that risk object's field,
// in spec order and then value order: a multivalue field gives one event per
// value, and empty values and an absent field give none. Every event carries
// all threat objects: ThreatObject holds every non-empty value of every
// threat object field, in spec order and then value order, and
// ThreatObjectType the matching types. (A contentctl maintainer says ES
// instead writes one event per risk object and threat object pair; escudo
// keeps them together on purpose.)
//
// In the message, each $field$ token is replaced by the finding's values of
// that field joined with a single space, and by "" when the field is absent.
// How ES renders a multivalue or missing field is not verified; see the
// package documentation. Substituted text is never scanned for tokens, so a
// value such as "$user$" appears as is.
//
// Every event has Time set to f.Time() in UTC and its own slices; none
// shares memory with another event or with the Builder.
func (b *Builder) Build(f Finding) []Event {
	return b.Append(nil, f)
}

// Append is [Builder.Build] appending the events to dst, so that callers can
// reuse a slice. It returns the extended slice.
func (b *Builder) Append(dst []Event, f Finding) []Event {
	var buf [8][]string
	vals := buf[:0]
	if len(b.fields) > len(buf) {
		vals = make([][]string, 0, len(b.fields))
	}
	for _, name := range b.fields {
		vals = append(vals, f.Values(name))
	}

	n := 0
	for _, ro := range b.risks {
		n += countNonEmpty(vals[ro.field])
	}
	if n == 0 {
		return dst
	}

	// All events' string lists share one allocation and their threat types
	// another. Event k owns block k of each, laid out as threat values,
	// MITRE technique IDs, tactic IDs, stories, and cut with full slice
	// expressions so that an
	// append to one event's slice copies instead of overwriting the next.
	nt := 0
	for _, to := range b.threats {
		nt += countNonEmpty(vals[to.field])
	}
	nm, na, ns := len(b.mitre), len(b.tactics), len(b.stories)
	per := nt + nm + na + ns
	var strs []string
	var types []ThreatObjectType
	if per > 0 {
		strs = make([]string, 0, n*per)
		for _, to := range b.threats {
			for _, v := range vals[to.field] {
				if v != "" {
					strs = append(strs, v)
				}
			}
		}
		strs = append(strs, b.mitre...)
		strs = append(strs, b.tactics...)
		strs = append(strs, b.stories...)
		for len(strs) < n*per {
			strs = append(strs, strs[:per]...)
		}
	}
	if nt > 0 {
		types = make([]ThreatObjectType, 0, n*nt)
		for _, to := range b.threats {
			for range countNonEmpty(vals[to.field]) {
				types = append(types, to.typ)
			}
		}
		for len(types) < n*nt {
			types = append(types, types[:nt]...)
		}
	}
	msg := b.render(vals)
	t := f.Time().UTC()

	dst = slices.Grow(dst, n)
	k := 0
	for _, ro := range b.risks {
		for _, v := range vals[ro.field] {
			if v == "" {
				continue
			}
			dst = append(dst, Event{
				Time:              t,
				SearchName:        b.searchName,
				RiskObject:        v,
				RiskObjectType:    ro.typ,
				RiskScore:         ro.score,
				RiskMessage:       msg,
				ThreatObject:      cut(strs, k*per, nt),
				ThreatObjectType:  cut(types, k*nt, nt),
				MITRETechniqueIDs: cut(strs, k*per+nt, nm),
				MITRETacticIDs:    cut(strs, k*per+nt+nm, na),
				AnalyticStories:   cut(strs, k*per+nt+nm+na, ns),
			})
			k++
		}
	}
	return dst
}

// render substitutes the finding's values into the compiled message.
func (b *Builder) render(vals [][]string) string {
	if !b.hasTokens {
		return b.message
	}
	size := 0
	for _, s := range b.segs {
		if s.field < 0 {
			size += len(s.text)
			continue
		}
		for i, v := range vals[s.field] {
			if i > 0 {
				size++
			}
			size += len(v)
		}
	}
	var sb strings.Builder
	sb.Grow(size)
	for _, s := range b.segs {
		if s.field < 0 {
			sb.WriteString(s.text)
			continue
		}
		for i, v := range vals[s.field] {
			if i > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(v)
		}
	}
	return sb.String()
}

func countNonEmpty(vs []string) int {
	n := 0
	for _, v := range vs {
		if v != "" {
			n++
		}
	}
	return n
}

// cut returns the size elements of s from off, with capacity cut to the
// length, or nil when size is 0.
func cut[T any](s []T, off, size int) []T {
	if size == 0 {
		return nil
	}
	return s[off : off+size : off+size]
}
