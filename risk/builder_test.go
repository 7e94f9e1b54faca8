package risk

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// row is a minimal Finding: field values by name and a time.
type row struct {
	t    time.Time
	vals map[string][]string
}

func (r row) Values(field string) []string { return r.vals[field] }
func (r row) Time() time.Time              { return r.t }

// consentFields are the output columns of the consent-denied detection.
var consentFields = []string{"user", "src_ip", "appDisplayName", "status.failureReason", "firstTime", "lastTime"}

func consentSpec() Spec {
	return Spec{
		Message:       "User $user$ denied consent for an OAuth application.",
		RiskObjects:   []RiskObject{{Field: "user", Type: User, Score: 50}},
		ThreatObjects: []ThreatObject{{Field: "src_ip", Type: IPAddress}},
	}
}

func consentAnnotations() Annotations {
	return Annotations{
		SearchName:        "ESCU - O365 User Consent Denied for OAuth Application - Rule",
		MITRETechniqueIDs: []string{"T1528"},
		AnalyticStories:   []string{"Office 365 Account Takeover"},
	}
}

// problem is one SpecError in comparable form.
type problem struct {
	Where string
	Kind  error
	Text  string
}

var sentinels = []error{
	ErrNoRiskObject, ErrEmptyField, ErrUnknownField, ErrUnknownType,
	ErrBadScore, ErrDuplicate, ErrEmptyMessage, ErrEmptySearchName,
}

// problems unpacks the error NewBuilder returns, failing the test unless it
// is a join of *SpecError values each matching exactly one sentinel.
func problems(t *testing.T, err error) []problem {
	t.Helper()
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v (%T) is not an errors.Join", err, err)
	}
	var out []problem
	for _, e := range joined.Unwrap() {
		se, ok := e.(*SpecError)
		if !ok {
			t.Fatalf("joined error %v is %T, want *SpecError", e, e)
		}
		var kind error
		for _, s := range sentinels {
			if errors.Is(se, s) {
				if kind != nil {
					t.Fatalf("%v matches both %v and %v", se, kind, s)
				}
				kind = s
			}
		}
		out = append(out, problem{Where: se.Where, Kind: kind, Text: se.Err.Error()})
	}
	return out
}

func TestNewBuilderValidation(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		spec   func(*Spec)
		fields []string
		ann    func(*Annotations)
		want   []problem
	}{
		{
			name:   "valid",
			reason: "the seed detection's spec is valid against its own output columns",
		},
		{
			name:   "score bounds valid",
			reason: "1 and 100 are the inclusive score bounds",
			spec: func(s *Spec) {
				s.RiskObjects = []RiskObject{{Field: "user", Type: User, Score: 1}, {Field: "src_ip", Type: System, Score: 100}}
			},
		},
		{
			name:   "no threat objects",
			reason: "threat_objects may be empty",
			spec:   func(s *Spec) { s.ThreatObjects = nil },
		},
		{
			name:   "dotted text is no token",
			reason: "$status.failureReason$ is literal text, so it needs no field",
			spec:   func(s *Spec) { s.Message = "Denied: $status.failureReason$ by $user$" },
			fields: []string{"user", "src_ip"},
		},
		{
			name:   "no risk object",
			reason: "contentctl requires at least one risk object",
			spec:   func(s *Spec) { s.RiskObjects = nil },
			want:   []problem{{"risk_objects", ErrNoRiskObject, "at least one risk object is required"}},
		},
		{
			name:   "empty risk field",
			reason: "a risk object must name a field",
			spec:   func(s *Spec) { s.RiskObjects[0].Field = "" },
			want:   []problem{{"risk_objects[0].field", ErrEmptyField, "empty field name"}},
		},
		{
			name:   "empty field even if listed",
			reason: "an empty field name is rejected even when fields contains the empty string",
			spec:   func(s *Spec) { s.RiskObjects[0].Field = "" },
			fields: append([]string{""}, consentFields...),
			want:   []problem{{"risk_objects[0].field", ErrEmptyField, "empty field name"}},
		},
		{
			name:   "unknown risk field",
			reason: "a risk object field must be an output column",
			spec:   func(s *Spec) { s.RiskObjects[0].Field = "userPrincipalName" },
			want:   []problem{{"risk_objects[0].field", ErrUnknownField, `"userPrincipalName" is not an output field`}},
		},
		{
			name:   "unknown risk type",
			reason: "only user, system and other are risk object types",
			spec:   func(s *Spec) { s.RiskObjects[0].Type = "User" },
			want:   []problem{{"risk_objects[0].type", ErrUnknownType, `unknown risk object type "User"`}},
		},
		{
			name:   "score zero",
			reason: "scores start at 1",
			spec:   func(s *Spec) { s.RiskObjects[0].Score = 0 },
			want:   []problem{{"risk_objects[0].score", ErrBadScore, "want 1..100, got 0"}},
		},
		{
			name:   "score above 100",
			reason: "scores end at 100",
			spec:   func(s *Spec) { s.RiskObjects[0].Score = 101 },
			want:   []problem{{"risk_objects[0].score", ErrBadScore, "want 1..100, got 101"}},
		},
		{
			name:   "negative score",
			reason: "negative scores are out of range",
			spec:   func(s *Spec) { s.RiskObjects[0].Score = -5 },
			want:   []problem{{"risk_objects[0].score", ErrBadScore, "want 1..100, got -5"}},
		},
		{
			name:   "duplicate risk object",
			reason: "an exact repeat would only duplicate risk events",
			spec: func(s *Spec) {
				s.RiskObjects = append(s.RiskObjects, RiskObject{Field: "src_ip", Type: System, Score: 10}, s.RiskObjects[0])
			},
			want: []problem{{"risk_objects[2]", ErrDuplicate, "same as risk_objects[0]"}},
		},
		{
			name:   "same field different score",
			reason: "contentctl keeps risk objects as a set of (field, type, score), so these differ",
			spec: func(s *Spec) {
				s.RiskObjects = append(s.RiskObjects, RiskObject{Field: "user", Type: User, Score: 20})
			},
		},
		{
			name:   "empty threat field",
			reason: "a threat object must name a field",
			spec:   func(s *Spec) { s.ThreatObjects[0].Field = "" },
			want:   []problem{{"threat_objects[0].field", ErrEmptyField, "empty field name"}},
		},
		{
			name:   "unknown threat field",
			reason: "a threat object field must be an output column",
			spec:   func(s *Spec) { s.ThreatObjects[0].Field = "src" },
			want:   []problem{{"threat_objects[0].field", ErrUnknownField, `"src" is not an output field`}},
		},
		{
			name:   "unknown threat type",
			reason: "threat object types come from contentctl's list",
			spec:   func(s *Spec) { s.ThreatObjects[0].Type = "ip" },
			want:   []problem{{"threat_objects[0].type", ErrUnknownType, `unknown threat object type "ip"`}},
		},
		{
			name:   "duplicate threat object",
			reason: "an exact repeat would only duplicate threat objects on each event",
			spec:   func(s *Spec) { s.ThreatObjects = append(s.ThreatObjects, s.ThreatObjects[0]) },
			want:   []problem{{"threat_objects[1]", ErrDuplicate, "same as threat_objects[0]"}},
		},
		{
			name:   "empty message",
			reason: "a risk message is required",
			spec:   func(s *Spec) { s.Message = "" },
			want:   []problem{{"message", ErrEmptyMessage, "empty message"}},
		},
		{
			name:   "blank message",
			reason: "a message of only whitespace says nothing and is treated as empty",
			spec:   func(s *Spec) { s.Message = " \t\n" },
			want:   []problem{{"message", ErrEmptyMessage, "empty message"}},
		},
		{
			name:   "unknown tokens",
			reason: "each token must name an output column; each unknown name is reported once, in order",
			spec:   func(s *Spec) { s.Message = "$usr$ from $src$ ($usr$) at $src_ip$" },
			want: []problem{
				{"message", ErrUnknownField, `token $usr$: "usr" is not an output field`},
				{"message", ErrUnknownField, `token $src$: "src" is not an output field`},
			},
		},
		{
			name:   "empty search name",
			reason: "every risk event needs a search_name",
			ann:    func(a *Annotations) { a.SearchName = " " },
			want:   []problem{{"search_name", ErrEmptySearchName, "empty search name"}},
		},
		{
			name:   "no fields",
			reason: "with no output columns every field and token is unknown",
			fields: []string{},
			want: []problem{
				{"message", ErrUnknownField, `token $user$: "user" is not an output field`},
				{"risk_objects[0].field", ErrUnknownField, `"user" is not an output field`},
				{"threat_objects[0].field", ErrUnknownField, `"src_ip" is not an output field`},
			},
		},
		{
			name:   "all problems at once",
			reason: "every problem is reported, in message, risk_objects, threat_objects, search_name order",
			spec: func(s *Spec) {
				s.Message = "$nope$"
				s.RiskObjects = []RiskObject{
					{Field: "", Type: "admin", Score: 0},
					{Field: "user", Type: User, Score: 500},
				}
				s.ThreatObjects = []ThreatObject{{Field: "x", Type: ""}}
			},
			ann: func(a *Annotations) { a.SearchName = "" },
			want: []problem{
				{"message", ErrUnknownField, `token $nope$: "nope" is not an output field`},
				{"risk_objects[0].field", ErrEmptyField, "empty field name"},
				{"risk_objects[0].type", ErrUnknownType, `unknown risk object type "admin"`},
				{"risk_objects[0].score", ErrBadScore, "want 1..100, got 0"},
				{"risk_objects[1].score", ErrBadScore, "want 1..100, got 500"},
				{"threat_objects[0].field", ErrUnknownField, `"x" is not an output field`},
				{"threat_objects[0].type", ErrUnknownType, `unknown threat object type ""`},
				{"search_name", ErrEmptySearchName, "empty search name"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, ann, fields := consentSpec(), consentAnnotations(), consentFields
			if tt.spec != nil {
				tt.spec(&spec)
			}
			if tt.ann != nil {
				tt.ann(&ann)
			}
			if tt.fields != nil {
				fields = tt.fields
			}
			b, err := NewBuilder(spec, fields, ann)
			got := problems(t, err)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("NewBuilder problems mismatch (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if (b == nil) == (err == nil) {
				t.Errorf("NewBuilder returned builder %v and error %v; want exactly one", b, err)
			}
		})
	}
}

func TestSpecErrorChain(t *testing.T) {
	spec := consentSpec()
	spec.RiskObjects[0].Score = 0
	spec.ThreatObjects[0].Type = "ip"
	_, err := NewBuilder(spec, consentFields, consentAnnotations())

	wantText := "risk_objects[0].score: want 1..100, got 0\n" +
		`threat_objects[0].type: unknown threat object type "ip"`
	if diff := cmp.Diff(wantText, err.Error()); diff != "" {
		t.Errorf("Error() mismatch (-want +got):\n%s", diff)
	}
	var se *SpecError
	if !errors.As(err, &se) {
		t.Fatalf("errors.As(%v, *SpecError) = false, want true", err)
	}
	if diff := cmp.Diff("risk_objects[0].score", se.Where); diff != "" {
		t.Errorf("first SpecError.Where mismatch (-want +got):\n%s", diff)
	}
	for _, target := range []error{ErrBadScore, ErrUnknownType} {
		if !errors.Is(err, target) {
			t.Errorf("errors.Is(err, %v) = false, want true", target)
		}
	}
	if errors.Is(err, ErrUnknownField) {
		t.Errorf("errors.Is(err, ErrUnknownField) = true, want false")
	}
}

func TestBuild(t *testing.T) {
	t0 := time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC)
	ann := consentAnnotations()
	seed := Event{
		Time:              t0,
		SearchName:        ann.SearchName,
		RiskObject:        "megan.bowen@contoso.com",
		RiskObjectType:    User,
		RiskScore:         50,
		RiskMessage:       "User megan.bowen@contoso.com denied consent for an OAuth application.",
		ThreatObject:      []string{"203.0.113.24"},
		ThreatObjectType:  []ThreatObjectType{IPAddress},
		MITRETechniqueIDs: []string{"T1528"},
		AnalyticStories:   []string{"Office 365 Account Takeover"},
	}
	with := func(change func(*Event)) Event {
		e := seed
		change(&e)
		return e
	}
	tests := []struct {
		name   string
		reason string
		spec   func(*Spec)
		ann    func(*Annotations)
		time   time.Time
		vals   map[string][]string
		want   []Event
	}{
		{
			name:   "single",
			reason: "one value per field gives one event with the threat object attached",
			vals:   map[string][]string{"user": {"megan.bowen@contoso.com"}, "src_ip": {"203.0.113.24"}},
			want:   []Event{seed},
		},
		{
			name:   "time in UTC",
			reason: "the event time is the finding's time converted to UTC",
			time:   t0.In(time.FixedZone("CEST", 2*3600)),
			vals:   map[string][]string{"user": {"megan.bowen@contoso.com"}, "src_ip": {"203.0.113.24"}},
			want:   []Event{seed},
		},
		{
			name:   "multivalue risk object",
			reason: "a multivalue risk field gives one event per non-empty value, in value order; the message joins all values",
			vals:   map[string][]string{"user": {"a@x", "", "b@x", "c@x"}, "src_ip": {"203.0.113.24"}},
			want: []Event{
				with(func(e *Event) {
					e.RiskObject = "a@x"
					e.RiskMessage = "User a@x  b@x c@x denied consent for an OAuth application."
				}),
				with(func(e *Event) {
					e.RiskObject = "b@x"
					e.RiskMessage = "User a@x  b@x c@x denied consent for an OAuth application."
				}),
				with(func(e *Event) {
					e.RiskObject = "c@x"
					e.RiskMessage = "User a@x  b@x c@x denied consent for an OAuth application."
				}),
			},
		},
		{
			name:   "multiple risk objects",
			reason: "each risk object gives its own events with its own type and score, in spec order",
			spec: func(s *Spec) {
				s.Message = "$user$ on $appDisplayName$"
				s.RiskObjects = []RiskObject{{Field: "appDisplayName", Type: Other, Score: 20}, {Field: "user", Type: User, Score: 50}}
			},
			vals: map[string][]string{"user": {"u@x"}, "src_ip": {"203.0.113.24"}, "appDisplayName": {"App A", "App B"}},
			want: []Event{
				with(func(e *Event) {
					e.RiskObject, e.RiskObjectType, e.RiskScore, e.RiskMessage = "App A", Other, 20, "u@x on App A App B"
				}),
				with(func(e *Event) {
					e.RiskObject, e.RiskObjectType, e.RiskScore, e.RiskMessage = "App B", Other, 20, "u@x on App A App B"
				}),
				with(func(e *Event) {
					e.RiskObject, e.RiskObjectType, e.RiskScore, e.RiskMessage = "u@x", User, 50, "u@x on App A App B"
				}),
			},
		},
		{
			name:   "several multivalue threat objects",
			reason: "every event carries every non-empty threat value, in spec order then value order, with parallel types",
			spec: func(s *Spec) {
				s.ThreatObjects = []ThreatObject{{Field: "src_ip", Type: IPAddress}, {Field: "appDisplayName", Type: Signature}}
			},
			vals: map[string][]string{
				"user":           {"u1", "u2"},
				"src_ip":         {"198.51.100.1", "", "2001:db8::1"},
				"appDisplayName": {"App"},
			},
			want: []Event{
				with(func(e *Event) {
					e.RiskObject, e.RiskMessage = "u1", "User u1 u2 denied consent for an OAuth application."
					e.ThreatObject = []string{"198.51.100.1", "2001:db8::1", "App"}
					e.ThreatObjectType = []ThreatObjectType{IPAddress, IPAddress, Signature}
				}),
				with(func(e *Event) {
					e.RiskObject, e.RiskMessage = "u2", "User u1 u2 denied consent for an OAuth application."
					e.ThreatObject = []string{"198.51.100.1", "2001:db8::1", "App"}
					e.ThreatObjectType = []ThreatObjectType{IPAddress, IPAddress, Signature}
				}),
			},
		},
		{
			name:   "no threat values",
			reason: "absent or empty threat values leave both threat lists nil",
			vals:   map[string][]string{"user": {"u@x"}, "src_ip": {""}},
			want: []Event{with(func(e *Event) {
				e.RiskObject, e.RiskMessage = "u@x", "User u@x denied consent for an OAuth application."
				e.ThreatObject, e.ThreatObjectType = nil, nil
			})},
		},
		{
			name:   "absent risk field",
			reason: "no risk object value means no risk event",
			vals:   map[string][]string{"src_ip": {"203.0.113.24"}},
			want:   nil,
		},
		{
			name:   "empty risk value",
			reason: "an empty value is no risk object",
			vals:   map[string][]string{"user": {""}, "src_ip": {"203.0.113.24"}},
			want:   nil,
		},
		{
			name:   "absent token field",
			reason: "a token whose field the finding lacks becomes the empty string",
			spec:   func(s *Spec) { s.Message = "User $user$ used [$appDisplayName$]" },
			vals:   map[string][]string{"user": {"megan.bowen@contoso.com"}, "src_ip": {"203.0.113.24"}},
			want:   []Event{with(func(e *Event) { e.RiskMessage = "User megan.bowen@contoso.com used []" })},
		},
		{
			name:   "literal dollars",
			reason: "dollar signs that start no token stay as written",
			spec:   func(s *Spec) { s.Message = "$$ costs $5 for $user$ $ $status.failureReason$" },
			vals:   map[string][]string{"user": {"u@x"}},
			want: []Event{with(func(e *Event) {
				e.RiskObject, e.RiskMessage = "u@x", "$$ costs $5 for u@x $ $status.failureReason$"
				e.ThreatObject, e.ThreatObjectType = nil, nil
			})},
		},
		{
			name:   "no re-expansion",
			reason: "a value holding $src_ip$ is inserted as is, never expanded again",
			spec:   func(s *Spec) { s.Message = "$user$|$src_ip$" },
			vals:   map[string][]string{"user": {"$src_ip$"}, "src_ip": {"$user$"}},
			want: []Event{with(func(e *Event) {
				e.RiskObject, e.RiskMessage = "$src_ip$", "$src_ip$|$user$"
				e.ThreatObject = []string{"$user$"}
			})},
		},
		{
			name:   "quotes and non-ASCII",
			reason: "values are copied byte for byte: quotes, backslashes, newlines and non-ASCII",
			vals:   map[string][]string{"user": {"\"José\" \\ 用户\n"}, "src_ip": {"ü'\"<&>"}},
			want: []Event{with(func(e *Event) {
				e.RiskObject = "\"José\" \\ 用户\n"
				e.RiskMessage = "User \"José\" \\ 用户\n denied consent for an OAuth application."
				e.ThreatObject = []string{"ü'\"<&>"}
			})},
		},
		{
			name:   "no annotations lists",
			reason: "empty MITRE and story lists stay nil",
			ann:    func(a *Annotations) { a.MITRETechniqueIDs, a.AnalyticStories = nil, []string{} },
			vals:   map[string][]string{"user": {"megan.bowen@contoso.com"}, "src_ip": {"203.0.113.24"}},
			want:   []Event{with(func(e *Event) { e.MITRETechniqueIDs, e.AnalyticStories = nil, nil })},
		},
		{
			name:   "many fields",
			reason: "more distinct fields than Build's stack buffer still work",
			spec: func(s *Spec) {
				s.Message = "$a$ $b$ $c$ $d$ $e$ $f$ $g$ $h$ $i$ $user$"
				s.ThreatObjects = nil
			},
			vals: map[string][]string{"user": {"u"}, "a": {"1"}, "i": {"9"}},
			want: []Event{with(func(e *Event) {
				e.RiskObject, e.RiskMessage = "u", "1        9 u"
				e.ThreatObject, e.ThreatObjectType = nil, nil
			})},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, ann := consentSpec(), consentAnnotations()
			if tt.spec != nil {
				tt.spec(&spec)
			}
			if tt.ann != nil {
				tt.ann(&ann)
			}
			fields := append([]string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}, consentFields...)
			b, err := NewBuilder(spec, fields, ann)
			if err != nil {
				t.Fatalf("NewBuilder: %v", err)
			}
			tm := t0
			if !tt.time.IsZero() {
				tm = tt.time
			}
			got := b.Build(row{t: tm, vals: tt.vals})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Build mismatch (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			for i, e := range got {
				if loc := e.Time.Location(); loc != time.UTC {
					t.Errorf("event %d time location = %v, want UTC", i, loc)
				}
			}
		})
	}
}

func TestAppend(t *testing.T) {
	b, err := NewBuilder(consentSpec(), consentFields, consentAnnotations())
	if err != nil {
		t.Fatal(err)
	}
	f1 := row{vals: map[string][]string{"user": {"a"}}}
	f2 := row{vals: map[string][]string{"user": {"b", "c"}}}
	f3 := row{vals: map[string][]string{}}
	var got []Event
	for _, f := range []Finding{f1, f2, f3} {
		got = b.Append(got, f)
	}
	want := append(b.Build(f1), b.Build(f2)...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Append mismatch (-want +got):\n%s", diff)
	}
	if got := b.Append(nil, f3); got != nil {
		t.Errorf("Append(nil, finding without risk values) = %v, want nil", got)
	}
}

func TestBuildDoesNotAlias(t *testing.T) {
	spec := consentSpec()
	spec.ThreatObjects = append(spec.ThreatObjects, ThreatObject{Field: "appDisplayName", Type: Signature})
	ann := consentAnnotations()
	ann.AnalyticStories = append(ann.AnalyticStories, "Second Story")
	fields := append([]string(nil), consentFields...)
	b, err := NewBuilder(spec, fields, ann)
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string][]string{"user": {"u1", "u2"}, "src_ip": {"198.51.100.7"}, "appDisplayName": {"App"}}
	f := row{vals: vals}
	want := b.Build(f)

	// The caller's arguments are copied by NewBuilder.
	spec.Message = "changed"
	spec.RiskObjects[0] = RiskObject{Field: "src_ip", Type: System, Score: 1}
	spec.ThreatObjects[0].Type = Domain
	ann.MITRETechniqueIDs[0] = "T0000"
	ann.AnalyticStories[0] = "changed"
	fields[0] = "changed"

	got := b.Build(f)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Build changed after the caller modified NewBuilder's arguments (-want +got):\n%s", diff)
	}

	// Writing into and appending to one event's slices changes nothing else.
	e := &got[0]
	e.ThreatObject[0] = "x"
	e.ThreatObjectType[0] = URL
	e.MITRETechniqueIDs[0] = "x"
	e.AnalyticStories[0] = "x"
	e.ThreatObject = append(e.ThreatObject, "appended")
	e.ThreatObjectType = append(e.ThreatObjectType, URL)
	e.MITRETechniqueIDs = append(e.MITRETechniqueIDs, "appended")
	e.AnalyticStories = append(e.AnalyticStories, "appended")
	if diff := cmp.Diff(want[1], got[1]); diff != "" {
		t.Errorf("second event changed when the first was modified (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, b.Build(f)); diff != "" {
		t.Errorf("Build changed after an event was modified (-want +got):\n%s", diff)
	}
	wantVals := map[string][]string{"user": {"u1", "u2"}, "src_ip": {"198.51.100.7"}, "appDisplayName": {"App"}}
	if diff := cmp.Diff(wantVals, vals); diff != "" {
		t.Errorf("finding values changed (-want +got):\n%s", diff)
	}
}

func TestBuildConcurrent(t *testing.T) {
	b, err := NewBuilder(consentSpec(), consentFields, consentAnnotations())
	if err != nil {
		t.Fatal(err)
	}
	f := row{vals: map[string][]string{"user": {"a", "b"}, "src_ip": {"198.51.100.7"}}}
	want := b.Build(f)
	var wg sync.WaitGroup
	results := make([][]Event, 8)
	for i := range results {
		wg.Go(func() {
			for range 100 {
				results[i] = b.Build(f)
			}
		})
	}
	wg.Wait()
	for i, got := range results {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("goroutine %d: Build mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestTypesValid(t *testing.T) {
	objects := []struct {
		name   string
		reason string
		typ    ObjectType
		want   bool
	}{
		{"user", "a default ES type", User, true},
		{"system", "a default ES type", System, true},
		{"other", "a default ES type", Other, true},
		{"capitalised", "types are case-sensitive", "User", false},
		{"empty", "the empty type is no type", "", false},
		{"threat type", "threat object types are not risk object types", "ip_address", false},
	}
	for _, tt := range objects {
		t.Run("ObjectType/"+tt.name, func(t *testing.T) {
			if got := tt.typ.Valid(); got != tt.want {
				t.Errorf("ObjectType(%q).Valid() = %v, want %v; reason: %s", tt.typ, got, tt.want, tt.reason)
			}
		})
	}

	all := []ThreatObjectType{
		CertificateCommonName, CertificateOrganization, CertificateSerial, CertificateUnit,
		Command, Domain, EmailAddress, EmailSubject, FileHash, FileName, FilePath,
		HTTPUserAgent, IPAddress, Process, ProcessName, ParentProcess, ParentProcessName,
		ProcessHash, RegistryPath, RegistryValueName, RegistryValueText, Service,
		Signature, ThreatSystem, TLSHash, URL,
	}
	if len(all) != 26 {
		t.Fatalf("contentctl lists 26 threat object types, test lists %d", len(all))
	}
	threats := []struct {
		name   string
		reason string
		typ    ThreatObjectType
		want   bool
	}{
		{"capitalised", "types are case-sensitive", "IP_ADDRESS", false},
		{"empty", "the empty type is no type", "", false},
		{"legacy observable", "legacy ESCU observable names are not threat object types", "IP Address", false},
		{"risk type", "user is a risk object type only", "user", false},
	}
	for _, typ := range all {
		threats = append(threats, struct {
			name   string
			reason string
			typ    ThreatObjectType
			want   bool
		}{string(typ), "listed in contentctl's ThreatObjectType", typ, true})
	}
	for _, tt := range threats {
		t.Run("ThreatObjectType/"+tt.name, func(t *testing.T) {
			if got := tt.typ.Valid(); got != tt.want {
				t.Errorf("ThreatObjectType(%q).Valid() = %v, want %v; reason: %s", tt.typ, got, tt.want, tt.reason)
			}
		})
	}
}
