package hec_test

import (
	"encoding/json"
	"errors"
	"flag"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk"
	"github.com/escudo-dev/escudo/risk/hec"
)

var _ = flag.Bool("update", false, "rewrite golden files (none in this package)")

func TestAppendEvent(t *testing.T) {
	at := func(sec int64, ns int64) time.Time { return time.Unix(sec, ns) }
	tests := []struct {
		name   string
		reason string
		t      time.Time
		md     hec.Metadata
		event  string
		want   string
	}{
		{
			name:   "whole seconds",
			reason: "no fraction when the time has none; unset metadata is left out",
			t:      at(1743495300, 0),
			event:  `{"a":1}`,
			want:   `{"time":1743495300,"event":{"a":1}}`,
		},
		{
			name:   "milliseconds",
			reason: "the fraction has no trailing zeros",
			t:      at(1743495300, 250_000_000),
			event:  `{}`,
			want:   `{"time":1743495300.25,"event":{}}`,
		},
		{
			name:   "nanoseconds",
			reason: "all nine digits survive: no floating point on the way",
			t:      at(1741974359, 987_123_400),
			event:  `{}`,
			want:   `{"time":1741974359.9871234,"event":{}}`,
		},
		{
			name:   "leading zeros in the fraction",
			reason: "5 ms is .005, not .5",
			t:      at(1, 5_000_000),
			event:  `{}`,
			want:   `{"time":1.005,"event":{}}`,
		},
		{
			name:   "before the epoch",
			reason: "-1.25 s is written as such, not as -2 plus .75",
			t:      at(-2, 750_000_000),
			event:  `{}`,
			want:   `{"time":-1.25,"event":{}}`,
		},
		{
			name:   "just before the epoch",
			reason: "the sign survives when the whole seconds are zero",
			t:      at(-1, 500_000_000),
			event:  `{}`,
			want:   `{"time":-0.5,"event":{}}`,
		},
		{
			name:   "zero time",
			reason: "no time at all: HEC then uses the time it receives the event",
			event:  `{}`,
			want:   `{"event":{}}`,
		},
		{
			name:   "all metadata",
			reason: "keys in the order time, host, source, sourcetype, index, event",
			t:      at(10, 0),
			md:     hec.Metadata{Host: "escudo-01", Source: "src", Sourcetype: "escudo:risk", Index: "risk"},
			event:  `[1,2]`,
			want:   `{"time":10,"host":"escudo-01","source":"src","sourcetype":"escudo:risk","index":"risk","event":[1,2]}`,
		},
		{
			name:   "escaping",
			reason: "quotes, backslashes and control characters are escaped, invalid UTF-8 replaced, HTML characters kept",
			t:      at(10, 0),
			md:     hec.Metadata{Source: "a\"b\\c\n\x01<&>\xff\u2028é"},
			event:  `{}`,
			want:   `{"time":10,"source":"a\"b\\c\n\u0001<&>\ufffd\u2028é","event":{}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(hec.AppendEvent([]byte("prefix"), tt.t, tt.md, []byte(tt.event)))
			if diff := cmp.Diff("prefix"+tt.want, got); diff != "" {
				t.Errorf("AppendEvent (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if !json.Valid([]byte(got[len("prefix"):])) {
				t.Errorf("not valid JSON: %s", got)
			}
		})
	}
}

// TestAppendStringRoundTrip checks the string encoding against
// encoding/json's decoder on awkward strings.
func TestAppendStringRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", "\x00\x1f\x7f", "\"\\/", "日本語", "\u2028\u2029", "tab\there", "emoji 🙂"} {
		b := hec.AppendEvent(nil, time.Time{}, hec.Metadata{Host: s}, []byte("null"))
		var got struct{ Host string }
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q: %v in %s", s, err, b)
		}
		if got.Host != s {
			t.Errorf("host %q came back as %q", s, got.Host)
		}
	}
}

func TestAppendRiskEventAndIncident(t *testing.T) {
	ev := risk.Event{
		Time:           time.Date(2025, 4, 1, 10, 15, 0, 0, time.UTC),
		SearchName:     "ESCU - O365 User Consent Denied for OAuth Application - Rule",
		RiskObject:     "isabel.ruiz@example.com",
		RiskObjectType: risk.User,
		RiskScore:      50,
		RiskMessage:    "User isabel.ruiz@example.com denied consent for an OAuth application.",
	}
	inc := risk.Incident{
		Rule:           risk.RiskThresholdName,
		RiskObject:     "isabel.ruiz@example.com",
		RiskObjectType: risk.User,
		RiskScore:      139,
		EventCount:     3,
		FirstTime:      time.Date(2025, 4, 1, 8, 10, 0, 0, time.UTC),
		LastTime:       time.Date(2025, 4, 1, 10, 15, 0, 0, time.UTC),
		Severity:       "critical",
	}
	tests := []struct {
		name   string
		reason string
		got    func() ([]byte, error)
		want   string
	}{
		{
			name:   "risk event",
			reason: "the source defaults to search_name, and the event is Event.MarshalJSON's",
			got:    func() ([]byte, error) { return hec.AppendRiskEvent(nil, ev, hec.Metadata{Index: "risk"}) },
			want:   `{"time":1743502500,"source":"ESCU - O365 User Consent Denied for OAuth Application - Rule","index":"risk","event":{"_time":"2025-04-01T10:15:00Z","search_name":"ESCU - O365 User Consent Denied for OAuth Application - Rule","risk_object":"isabel.ruiz@example.com","risk_object_type":"user","risk_score":50,"risk_message":"User isabel.ruiz@example.com denied consent for an OAuth application.","threat_object":[],"threat_object_type":[],"annotations.mitre_attack.mitre_technique_id":[],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":[]}}`,
		},
		{
			name:   "risk event with source",
			reason: "a source in the metadata wins",
			got:    func() ([]byte, error) { return hec.AppendRiskEvent([]byte("x"), ev, hec.Metadata{Source: "escudo"}) },
			want:   `x{"time":1743502500,"source":"escudo","event":{"_time":"2025-04-01T10:15:00Z","search_name":"ESCU - O365 User Consent Denied for OAuth Application - Rule","risk_object":"isabel.ruiz@example.com","risk_object_type":"user","risk_score":50,"risk_message":"User isabel.ruiz@example.com denied consent for an OAuth application.","threat_object":[],"threat_object_type":[],"annotations.mitre_attack.mitre_technique_id":[],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":[]}}`,
		},
		{
			name:   "incident",
			reason: "the time is the incident's last time and the source its rule",
			got: func() ([]byte, error) {
				return hec.AppendIncident(nil, inc, hec.Metadata{Sourcetype: "escudo:risk_incident"})
			},
			want: `{"time":1743502500,"source":"Risk Threshold Exceeded For Object Over 24 Hour Period","sourcetype":"escudo:risk_incident","event":{"risk_object":"isabel.ruiz@example.com","risk_object_type":"user","risk_score":139,"risk_event_count":3,"source_count":0,"mitre_tactic_id_count":0,"mitre_technique_id_count":0,"sources":[],"first_time":"2025-04-01T08:10:00Z","last_time":"2025-04-01T10:15:00Z","severity":"critical","incident_rule":"Risk Threshold Exceeded For Object Over 24 Hour Period","risk_messages":[]}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.got()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(b)); diff != "" {
				t.Errorf("(-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}

	bad := ev
	bad.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if b, err := hec.AppendRiskEvent([]byte("keep"), bad, hec.Metadata{}); !errors.Is(err, risk.ErrBadTime) || string(b) != "keep" {
		t.Errorf("AppendRiskEvent of a bad time = %q, %v; want dst unchanged and ErrBadTime", b, err)
	}
	badInc := inc
	badInc.FirstTime = bad.Time
	if b, err := hec.AppendIncident([]byte("keep"), badInc, hec.Metadata{}); !errors.Is(err, risk.ErrBadTime) || string(b) != "keep" {
		t.Errorf("AppendIncident of a bad time = %q, %v; want dst unchanged and ErrBadTime", b, err)
	}
}

func BenchmarkAppendRiskEvent(b *testing.B) {
	ev := risk.Event{
		Time:              time.Date(2025, 4, 1, 10, 15, 0, 250e6, time.UTC),
		SearchName:        "ESCU - O365 User Consent Denied for OAuth Application - Rule",
		RiskObject:        "isabel.ruiz@example.com",
		RiskObjectType:    risk.User,
		RiskScore:         50,
		RiskMessage:       "User isabel.ruiz@example.com denied consent for an OAuth application.",
		ThreatObject:      []string{"198.51.100.77"},
		ThreatObjectType:  []risk.ThreatObjectType{risk.IPAddress},
		MITRETechniqueIDs: []string{"T1528"},
		MITRETacticIDs:    []string{"TA0006"},
	}
	md := hec.Metadata{Sourcetype: "escudo:risk", Index: "risk"}
	buf, err := hec.AppendRiskEvent(nil, ev, md)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = hec.AppendRiskEvent(buf[:0], ev, md)
	}
}
