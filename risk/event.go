package risk

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-json"
)

// Event is one Splunk ES risk event. It is a plain value: [Builder.Build]
// gives each event its own slices, and nothing in this package keeps a
// reference to an Event it returns. Copying an Event by assignment shares
// its slices, as with any Go struct.
type Event struct {
	// Time is the event time (_time); Build sets it in UTC.
	Time time.Time
	// SearchName is the detection's saved-search name (search_name).
	SearchName string
	// RiskObject is the value of the risk object field (risk_object).
	RiskObject string
	// RiskObjectType is risk_object_type.
	RiskObjectType ObjectType
	// RiskScore is risk_score.
	RiskScore int
	// RiskMessage is the message with its tokens substituted
	// (risk_message).
	RiskMessage string
	// ThreatObject holds the threat object values (threat_object).
	ThreatObject []string
	// ThreatObjectType holds the type of each ThreatObject element, in
	// the same order (threat_object_type).
	ThreatObjectType []ThreatObjectType
	// MITRETechniqueIDs is annotations.mitre_attack.mitre_technique_id.
	MITRETechniqueIDs []string
	// MITRETacticIDs is annotations.mitre_attack.mitre_tactic_id.
	MITRETacticIDs []string
	// AnalyticStories is analyticstories.
	AnalyticStories []string
}

// wireEvent is Event in JSON form; field order is key order.
type wireEvent struct {
	Time              *string            `json:"_time"`
	SearchName        string             `json:"search_name"`
	RiskObject        string             `json:"risk_object"`
	RiskObjectType    ObjectType         `json:"risk_object_type"`
	RiskScore         int                `json:"risk_score"`
	RiskMessage       string             `json:"risk_message"`
	ThreatObject      []string           `json:"threat_object"`
	ThreatObjectType  []ThreatObjectType `json:"threat_object_type"`
	MITRETechniqueIDs []string           `json:"annotations.mitre_attack.mitre_technique_id"`
	MITRETacticIDs    []string           `json:"annotations.mitre_attack.mitre_tactic_id"`
	AnalyticStories   []string           `json:"analyticstories"`
}

// MarshalJSON writes e as one JSON object with exactly these keys, in this
// order: "_time" (RFC 3339 in UTC, with a fraction of a second only when
// there is one), "search_name", "risk_object", "risk_object_type",
// "risk_score" (a number), "risk_message", "threat_object",
// "threat_object_type", "annotations.mitre_attack.mitre_technique_id",
// "annotations.mitre_attack.mitre_tactic_id" and "analyticstories". The
// five lists are arrays, [] when empty, never null.
//
// It does not escape '<', '>' and '&'; an enclosing encoder such as
// encoding/json's escapes them if configured to. Invalid UTF-8 in a string
// is written as U+FFFD. It returns an error wrapping [ErrBadTime] when the
// time's year in UTC is outside 0000..9999, which RFC 3339 cannot express.
func (e Event) MarshalJSON() ([]byte, error) {
	t := e.Time.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("risk: encode event: %w: year %d outside 0000..9999", ErrBadTime, y)
	}
	ts := t.Format(time.RFC3339Nano)
	w := wireEvent{
		Time:              &ts,
		SearchName:        e.SearchName,
		RiskObject:        e.RiskObject,
		RiskObjectType:    e.RiskObjectType,
		RiskScore:         e.RiskScore,
		RiskMessage:       e.RiskMessage,
		ThreatObject:      nonNil(e.ThreatObject),
		ThreatObjectType:  nonNil(e.ThreatObjectType),
		MITRETechniqueIDs: nonNil(e.MITRETechniqueIDs),
		MITRETacticIDs:    nonNil(e.MITRETacticIDs),
		AnalyticStories:   nonNil(e.AnalyticStories),
	}
	b, err := json.MarshalWithOption(w, json.DisableHTMLEscape())
	if err != nil {
		return nil, fmt.Errorf("risk: encode event: %w", err)
	}
	return b, nil
}

// UnmarshalJSON reads the form [Event.MarshalJSON] writes and replaces *e
// with it; the JSON literal null leaves *e unchanged. Keys match without
// regard to case, as in encoding/json; unknown keys are ignored and missing
// keys leave fields at their zero value.
//
// A missing or null _time gives the zero time; any other _time must be an
// RFC 3339 string whose year in UTC is in 0000..9999, or the error wraps
// [ErrBadTime]. Time is set in UTC, empty lists become nil and invalid UTF-8
// in strings becomes U+FFFD, so that a decoded Event encodes and decodes to
// itself. Risk and threat object types are not checked, as ES allows custom
// ones.
func (e *Event) UnmarshalJSON(data []byte) error {
	// Validate with the standard library first: goccy/go-json v0.10.5
	// crashed the process (a fatal checkptr error under -race,
	// goccy/go-json#575) on some malformed input, such as {"\29\. v0.12
	// returns an error there, but this keeps the one error for any
	// invalid JSON.
	if !stdjson.Valid(data) {
		return errors.New("risk: decode event: invalid JSON")
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var w wireEvent
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("risk: decode event: %w", err)
	}
	var t time.Time
	if w.Time != nil {
		var err error
		t, err = time.Parse(time.RFC3339Nano, *w.Time)
		if err != nil {
			return fmt.Errorf("risk: decode event: %w: %w", ErrBadTime, err)
		}
		t = t.UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			return fmt.Errorf("risk: decode event: %w: year %d in UTC outside 0000..9999", ErrBadTime, y)
		}
	}
	*e = Event{
		Time:              t,
		SearchName:        validUTF8(w.SearchName),
		RiskObject:        validUTF8(w.RiskObject),
		RiskObjectType:    ObjectType(validUTF8(string(w.RiskObjectType))),
		RiskScore:         w.RiskScore,
		RiskMessage:       validUTF8(w.RiskMessage),
		ThreatObject:      validList(w.ThreatObject),
		ThreatObjectType:  validList(w.ThreatObjectType),
		MITRETechniqueIDs: validList(w.MITRETechniqueIDs),
		MITRETacticIDs:    validList(w.MITRETacticIDs),
		AnalyticStories:   validList(w.AnalyticStories),
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// validList returns s with its strings made valid UTF-8, or nil when s is
// empty.
func validList[T ~string](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	for i, v := range s {
		s[i] = T(validUTF8(string(v)))
	}
	return s
}

// validUTF8 replaces each byte of s that is not part of valid UTF-8 with
// U+FFFD, as encoding/json does when decoding. goccy/go-json v0.10 kept
// such bytes but replaced them when encoding, so without this a decoded
// Event would not survive a round trip; v0.12 replaces them when decoding
// too, and this keeps the round trip whatever the decoder does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	buf := make([]byte, 0, len(s)+8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		buf = utf8.AppendRune(buf, r) // r is U+FFFD for an invalid byte
		i += size
	}
	return string(buf)
}
