// Package detectiontest checks that a [detection.Detection[event.SignInEvent]] keeps the
// contract the engine and Splunk rely on, in the manner of testing/slogtest:
// one function runs the shared checks against any detection, built-in or
// written by a user, and returns every violation at once.
//
//	func TestMyRule(t *testing.T) {
//		if err := detectiontest.Check(myRule{}, detectiontest.Full()); err != nil {
//			t.Error(err)
//		}
//	}
package detectiontest

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// mitreID is the form of a MITRE ATT&CK technique ID: T1528, T1078.004.
var mitreID = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// tacticID is the form of a MITRE ATT&CK tactic ID: TA0006.
var tacticID = regexp.MustCompile(`^TA\d{4}$`)

// Checkable is the constraint of the event types Check handles: those an
// engine runs (see [event.Typed]) that can copy themselves deeply, so
// that a Match that modifies its event is caught.
type Checkable[E any] interface {
	*E
	Schema() *event.Schema[E]
	Clone() E
}

// Check runs the conformance checks on d and returns their violations
// joined with errors.Join, or nil. Match is tried on the zero event and on
// each of events (for sign-ins, pass [Full]). It checks that:
//   - the metadata is complete: id, name, version, date, author, status,
//     type, data source, description, MITRE technique IDs of the right
//     form, and at least one analytic story;
//   - the grouping and the RBA spec compile in an engine (fields exist,
//     every $token$ of the risk message names an output column), and a
//     TTP or Anomaly rule has at least one risk object;
//   - Match neither panics nor modifies the event, and answers the same
//     twice;
//   - a detection that declares the fields it reads ([detection.Fields])
//     reads no other: on each event projected onto those fields and its
//     grouping's (as the engine decodes records for it), Match answers
//     as on the whole event, and the grouping gives the same values.
//     Pass events it matches, such as its samples, for this check to
//     bite.
func Check[E any, P Checkable[E]](d detection.Detection[E], events ...*E) error {
	if d == nil {
		return errors.New("nil detection")
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	m := d.Meta()
	for _, f := range []struct{ name, value string }{
		{"id", m.ID}, {"name", m.Name}, {"date", m.Date}, {"author", m.Author},
		{"status", m.Status}, {"type", m.Type}, {"description", m.Description},
	} {
		if strings.TrimSpace(f.value) == "" {
			fail("meta: empty %s", f.name)
		}
	}
	if m.Version <= 0 {
		fail("meta: version %d, want a positive number", m.Version)
	}
	if m.Date != "" {
		if _, err := time.Parse(time.DateOnly, m.Date); err != nil {
			fail("meta: date %q, want YYYY-MM-DD", m.Date)
		}
	}
	if len(m.DataSource) == 0 {
		fail("meta: no data source")
	}
	if len(m.Tags.MITREAttackID) == 0 {
		fail("meta: no MITRE ATT&CK technique ID")
	}
	for _, id := range m.Tags.MITREAttackID {
		if !mitreID.MatchString(id) {
			fail("meta: MITRE ATT&CK ID %q, want the form T1234 or T1234.567", id)
		}
	}
	if len(m.Tags.MITREAttackID) > 0 && len(m.Tags.MITRETacticID) == 0 {
		fail("meta: no MITRE ATT&CK tactic for techniques %v", m.Tags.MITREAttackID)
	}
	for _, id := range m.Tags.MITRETacticID {
		if !tacticID.MatchString(id) {
			fail("meta: MITRE ATT&CK tactic %q, want the form TA0006", id)
		}
	}
	if len(m.Tags.AnalyticStory) == 0 {
		fail("meta: no analytic story")
	}
	if (m.Type == "TTP" || m.Type == "Anomaly") && len(m.RBA.RiskObjects) == 0 {
		fail("rba: a %s detection needs at least one risk object", m.Type)
	}
	if _, err := detection.NewEngine(detection.Options{}, detection.Of[E, P](d)); err != nil {
		errs = append(errs, err)
	}

	for _, ev := range append([]*E{new(E)}, events...) {
		before := P(ev).Clone()
		first, err := match(d, ev)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !reflect.DeepEqual(&before, ev) {
			fail("match: modified the event")
		}
		if again, _ := match(d, ev); again != first {
			fail("match: answered %v then %v for the same event", first, again)
		}
	}
	errs = append(errs, checkFields[E, P](d, events)...)
	return errors.Join(errs...)
}

// checkFields holds a detection that declares the fields it reads (see
// detection.Fields) to its declaration: on each event projected onto
// those fields and the grouping's, as the engine decodes records for it,
// Match must answer as on the whole event, and the grouping must give
// the same values.
func checkFields[E any, P Checkable[E]](d detection.Detection[E], events []*E) []error {
	fd, ok := any(d).(detection.Fields)
	if !ok || fd.Fields() == nil {
		return nil
	}
	schema := P(nil).Schema()
	if schema.ProjectEvent == nil {
		return nil // the type is always decoded whole
	}
	g := d.Grouping()
	fields := append([]string(nil), fd.Fields()...)
	type source struct {
		name string
		get  func(dst []string, ev *E) []string
	}
	var sources []source
	add := func(field string, eval func(dst []string, ev *E) []string) {
		switch {
		case eval != nil:
			sources = append(sources, source{"an Eval", eval})
		case field != "" && field != detection.TimeField:
			if f, err := schema.Field(field); err == nil {
				fields = append(fields, field)
				sources = append(sources, source{field, f.Append})
			}
		}
	}
	for _, b := range g.By {
		add(b.Field, b.Eval)
	}
	for _, st := range g.Stats {
		add(st.Field, st.Eval)
	}
	var errs []error
	for i, ev := range events {
		proj, err := schema.ProjectEvent(ev, fields)
		if err != nil {
			return []error{fmt.Errorf("fields: %w", err)}
		}
		whole, err := match(d, ev)
		if err != nil {
			continue // reported by Check
		}
		got, err := match(d, &proj)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("fields: on event %d projected onto %q, %w", i, fields, err))
			continue
		case got != whole:
			errs = append(errs, fmt.Errorf("fields: Match answers %v on event %d projected onto its declared fields %q, %v on the whole event: it reads a field it does not declare", got, i, fields, whole))
			continue
		case !whole:
			continue
		}
		for _, src := range sources {
			if a, b := src.get(nil, &proj), src.get(nil, ev); !slices.Equal(a, b) {
				errs = append(errs, fmt.Errorf("fields: the grouping's %s gives %q on event %d projected onto %q, %q on the whole event: it reads a field the detection does not declare", src.name, a, i, fields, b))
			}
		}
		if len(errs) >= 5 {
			break // enough to see what is missing
		}
	}
	return errs
}

func match[E any](d detection.Detection[E], ev *E) (ok bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("match: panicked: %v\n%s", v, debug.Stack())
		}
	}()
	return d.Match(ev), nil
}

// Full returns a sign-in with every field set, for tests that want to see
// a rule handle a complete record.
func Full() *event.SignInEvent {
	t, f := true, false
	code := int32(65004)
	lat, lon, alt := 47.674, -122.121, 120.5
	return &event.SignInEvent{
		ID:                      "6f0c2d1e-4b7a-4e59-9a3c-2f1d8e7b5a10",
		CreatedDateTime:         time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC),
		UserDisplayName:         "Megan Bowen",
		UserPrincipalName:       "megan.bowen@example.com",
		UserID:                  "0b9f8a7c-1d2e-4f3a-8b6c-5d4e3f2a1b0c",
		AppID:                   "7e3f9c2a-5b1d-4c8e-9f0a-1b2c3d4e5f60",
		AppDisplayName:          "Contoso Expense Sync",
		IPAddress:               "203.0.113.24",
		ClientAppUsed:           "Browser",
		CorrelationID:           "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f",
		ConditionalAccessStatus: "notApplied",
		IsInteractive:           &t,
		RiskDetail:              "none",
		RiskLevelAggregated:     "none",
		RiskLevelDuringSignIn:   "none",
		RiskState:               "none",
		RiskEventTypes:          []string{"unfamiliarFeatures"},
		RiskEventTypesV2:        []string{"unfamiliarFeatures"},
		ResourceDisplayName:     "Microsoft Graph",
		ResourceID:              "00000003-0000-0000-c000-000000000000",
		Status: event.Status{
			ErrorCode:         &code,
			FailureReason:     "User declined to consent to access the app.",
			AdditionalDetails: "The user selected Cancel on the consent prompt.",
		},
		DeviceDetail: event.DeviceDetail{
			Browser: "Edge 122.0.0", DeviceID: "d1", DisplayName: "LAPTOP-1",
			IsCompliant: &f, IsManaged: &f, OperatingSystem: "Windows 10", TrustType: "Azure AD registered",
		},
		Location: event.Location{
			City: "Redmond", State: "Washington", CountryOrRegion: "US",
			GeoCoordinates: event.GeoCoordinates{Altitude: &alt, Latitude: &lat, Longitude: &lon},
		},
		AppliedConditionalAccessPolicies: []event.AppliedConditionalAccessPolicy{{
			ID: "a1b2", DisplayName: "Require MFA", EnforcedGrantControls: []string{"Mfa"},
			EnforcedSessionControls: []string{"SignInFrequency"}, Result: "success",
		}},
	}
}
