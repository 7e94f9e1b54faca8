package risk

import (
	stdjson "encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestEventMarshalJSON(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		event  Event
		want   string
	}{
		{
			name:   "seed",
			reason: "the exact bytes of a consent-denied risk event: key order, UTC time, number score, arrays",
			event: Event{
				Time:              time.Date(2025, 3, 14, 10, 21, 7, 0, time.FixedZone("CET", 3600)),
				SearchName:        "ESCU - O365 User Consent Denied for OAuth Application - Rule",
				RiskObject:        "megan.bowen@contoso.com",
				RiskObjectType:    User,
				RiskScore:         50,
				RiskMessage:       "User megan.bowen@contoso.com denied consent for an OAuth application.",
				ThreatObject:      []string{"203.0.113.24"},
				ThreatObjectType:  []ThreatObjectType{IPAddress},
				MITRETechniqueIDs: []string{"T1528"},
				MITRETacticIDs:    []string{"TA0006"},
				AnalyticStories:   []string{"Office 365 Account Takeover"},
			},
			want: `{"_time":"2025-03-14T09:21:07Z",` +
				`"search_name":"ESCU - O365 User Consent Denied for OAuth Application - Rule",` +
				`"risk_object":"megan.bowen@contoso.com","risk_object_type":"user","risk_score":50,` +
				`"risk_message":"User megan.bowen@contoso.com denied consent for an OAuth application.",` +
				`"threat_object":["203.0.113.24"],"threat_object_type":["ip_address"],` +
				`"annotations.mitre_attack.mitre_technique_id":["T1528"],` +
				`"annotations.mitre_attack.mitre_tactic_id":["TA0006"],` +
				`"analyticstories":["Office 365 Account Takeover"]}`,
		},
		{
			name:   "zero",
			reason: "nil lists are written as [], never null, and the zero time is written as year 1",
			event:  Event{},
			want: `{"_time":"0001-01-01T00:00:00Z","search_name":"","risk_object":"","risk_object_type":"",` +
				`"risk_score":0,"risk_message":"","threat_object":[],"threat_object_type":[],` +
				`"annotations.mitre_attack.mitre_technique_id":[],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":[]}`,
		},
		{
			name:   "sub-second and escaping",
			reason: "fractions of a second appear without trailing zeros; quotes, control characters and invalid UTF-8 are escaped or replaced, and <>& are left to the enclosing encoder",
			event: Event{
				Time:        time.Date(2025, 3, 14, 9, 21, 7, 120000000, time.UTC),
				RiskObject:  "\"x\"\\\n<&>\xff用",
				RiskMessage: "$user$",
			},
			want: `{"_time":"2025-03-14T09:21:07.12Z","search_name":"","risk_object":"\"x\"\\\n<&>\ufffd用",` +
				`"risk_object_type":"","risk_score":0,"risk_message":"$user$","threat_object":[],"threat_object_type":[],` +
				`"annotations.mitre_attack.mitre_technique_id":[],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":[]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.event.MarshalJSON()
			if err != nil {
				t.Fatalf("MarshalJSON: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("MarshalJSON mismatch (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

func TestEventMarshalJSONEmbedded(t *testing.T) {
	// encoding/json calls MarshalJSON for values inside other values and
	// applies its own HTML escaping to the result.
	got, err := stdjson.Marshal([]Event{{RiskMessage: "a<b"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"_time":"0001-01-01T00:00:00Z","search_name":"","risk_object":"","risk_object_type":"",` +
		`"risk_score":0,"risk_message":"a\u003cb","threat_object":[],"threat_object_type":[],` +
		`"annotations.mitre_attack.mitre_technique_id":[],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":[]}]`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("encoding/json Marshal mismatch (-want +got):\n%s", diff)
	}
}

func TestEventMarshalJSONBadYear(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		if _, err := (Event{Time: tm}).MarshalJSON(); !errors.Is(err, ErrBadTime) {
			t.Errorf("MarshalJSON with time %v: error %v, want ErrBadTime", tm, err)
		}
	}
}

func TestEventJSONRoundTrip(t *testing.T) {
	events := []Event{
		{},
		{
			Time:              time.Date(2025, 3, 14, 9, 21, 7, 123456789, time.UTC),
			SearchName:        "ESCU - O365 User Consent Denied for OAuth Application - Rule",
			RiskObject:        "megan.bowen@contoso.com",
			RiskObjectType:    User,
			RiskScore:         50,
			RiskMessage:       "User \"megan\" <&> $user$ \u2028 用户",
			ThreatObject:      []string{"203.0.113.24", "2001:db8::1", ""},
			ThreatObjectType:  []ThreatObjectType{IPAddress, IPAddress, "custom"},
			MITRETechniqueIDs: []string{"T1528", "T1078.004"},
			AnalyticStories:   []string{"Office 365 Account Takeover"},
		},
		{
			Time:           time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			RiskObjectType: "custom",
			RiskScore:      -7,
		},
	}
	for i, want := range events {
		data, err := want.MarshalJSON()
		if err != nil {
			t.Fatalf("event %d: MarshalJSON: %v", i, err)
		}
		var got Event
		if err := got.UnmarshalJSON(data); err != nil {
			t.Fatalf("event %d: UnmarshalJSON(%s): %v", i, data, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("event %d: round trip mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestEventUnmarshalJSON(t *testing.T) {
	prior := Event{RiskObject: "prior", RiskScore: 9}
	tests := []struct {
		name    string
		reason  string
		in      string
		want    Event
		wantErr error // a sentinel, or errAny for any error
	}{
		{
			name:   "full",
			reason: "every key is read back into its field, time in UTC",
			in: `{"_time":"2025-03-14T10:21:07.5+01:00","search_name":"s","risk_object":"u","risk_object_type":"user",` +
				`"risk_score":50,"risk_message":"m","threat_object":["1.2.3.4"],"threat_object_type":["ip_address"],` +
				`"annotations.mitre_attack.mitre_technique_id":["T1528"],"annotations.mitre_attack.mitre_tactic_id":[],"analyticstories":["A"]}`,
			want: Event{
				Time: time.Date(2025, 3, 14, 9, 21, 7, 500000000, time.UTC), SearchName: "s", RiskObject: "u",
				RiskObjectType: User, RiskScore: 50, RiskMessage: "m", ThreatObject: []string{"1.2.3.4"},
				ThreatObjectType: []ThreatObjectType{IPAddress}, MITRETechniqueIDs: []string{"T1528"}, AnalyticStories: []string{"A"},
			},
		},
		{
			name:   "unknown keys and missing keys",
			reason: "unknown keys (such as other result fields ES copies in) are ignored; missing keys give zero values, replacing prior content",
			in:     `{"risk_object":"u","orig_sid":"x","user":{"nested":[1,2]},"count":3}`,
			want:   Event{RiskObject: "u"},
		},
		{
			name:   "empty and null lists",
			reason: "[] and null both decode to nil lists",
			in:     `{"threat_object":[],"threat_object_type":null,"analyticstories":[]}`,
			want:   Event{},
		},
		{
			name:   "null time",
			reason: "a null _time is treated as missing",
			in:     `{"_time":null,"risk_object":"u"}`,
			want:   Event{RiskObject: "u"},
		},
		{
			name:   "null",
			reason: "the JSON literal null leaves the Event unchanged, by encoding/json convention",
			in:     ` null `,
			want:   prior,
		},
		{
			name:   "invalid UTF-8",
			reason: "invalid bytes become U+FFFD so the Event re-encodes to the same text",
			in:     "{\"risk_object\":\"a\xffb\",\"threat_object\":[\"\xc3\"]}",
			want:   Event{RiskObject: "a\ufffdb", ThreatObject: []string{"\ufffd"}},
		},
		{
			name:    "bad time text",
			reason:  "a _time that is not RFC 3339 is an error",
			in:      `{"_time":"03/14/2025 09:21:07"}`,
			wantErr: ErrBadTime,
		},
		{
			name:    "empty time",
			reason:  "an empty _time string is not a time",
			in:      `{"_time":""}`,
			wantErr: ErrBadTime,
		},
		{
			name:    "epoch time",
			reason:  "_time as epoch seconds is not the form MarshalJSON writes",
			in:      `{"_time":1741944067}`,
			wantErr: errAny,
		},
		{
			name:    "year out of range in UTC",
			reason:  "a time whose UTC year is 10000 could not be written back",
			in:      `{"_time":"9999-12-31T23:00:00-02:00"}`,
			wantErr: ErrBadTime,
		},
		{
			name:    "score not a number",
			reason:  "risk_score must be a JSON number",
			in:      `{"risk_score":"50"}`,
			wantErr: errAny,
		},
		{
			name:    "score not an integer",
			reason:  "risk_score must be an integer",
			in:      `{"risk_score":50.5}`,
			wantErr: errAny,
		},
		{
			name:    "list not an array",
			reason:  "threat_object must be an array",
			in:      `{"threat_object":"1.2.3.4"}`,
			wantErr: errAny,
		},
		{
			name:    "truncated",
			reason:  "malformed JSON is an error",
			in:      `{"risk_object":"u"`,
			wantErr: errAny,
		},
		{
			name:    "malformed escape",
			reason:  "goccy/go-json v0.10.5 crashes on this input (goccy/go-json#575); it must be a plain error",
			in:      "{\"\\29\\",
			wantErr: errAny,
		},
		{
			name:    "trailing data",
			reason:  "one event is exactly one JSON value",
			in:      `{} {}`,
			wantErr: errAny,
		},
		{
			name:    "not an object",
			reason:  "an event is a JSON object",
			in:      `["_time"]`,
			wantErr: errAny,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := prior
			err := got.UnmarshalJSON([]byte(tt.in))
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("UnmarshalJSON(%s): %v; reason: %s", tt.in, err, tt.reason)
			case tt.wantErr == errAny && err == nil, tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("UnmarshalJSON(%s) error = %v, want %v; reason: %s", tt.in, err, tt.wantErr, tt.reason)
			case tt.wantErr != nil:
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UnmarshalJSON(%s) mismatch (-want +got):\n%s\nreason: %s", tt.in, diff, tt.reason)
			}
		})
	}
}

// errAny stands for "some error" in test tables.
var errAny = errors.New("any error")

func TestEventUnmarshalJSONViaEncodingJSON(t *testing.T) {
	// A JSON-lines reader decodes []Event or Event fields with
	// encoding/json, which calls UnmarshalJSON for each element.
	in := `[{"risk_object":"a","_time":"2025-03-14T09:21:07Z"},{"risk_object":"b"}]`
	var got []Event
	if err := stdjson.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	want := []Event{{RiskObject: "a", Time: time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC)}, {RiskObject: "b"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("encoding/json Unmarshal mismatch (-want +got):\n%s", diff)
	}
}

// FuzzEventJSON checks that decoding arbitrary bytes never panics, and that
// whatever decodes encodes and decodes back to the same Event.
func FuzzEventJSON(f *testing.F) {
	seed, err := Event{
		Time: time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC), SearchName: "s", RiskObject: "u", RiskObjectType: User,
		RiskScore: 50, RiskMessage: "m $user$", ThreatObject: []string{"1.2.3.4"}, ThreatObjectType: []ThreatObjectType{IPAddress},
		MITRETechniqueIDs: []string{"T1528"}, AnalyticStories: []string{"A"},
	}.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(seed), `{}`, `null`, `[]`, `{"_time":"0000-01-01T00:30:00+01:00"}`,
		`{"_time":"2025-03-14T09:21:07.123456789123Z"}`, "{\"risk_object\":\"\xff\\ud800\"}",
		`{"RISK_OBJECT":"a","risk_object":"b"}`, `{"risk_score":1e2}`, `{"risk_score":99999999999999999999}`,
		`{"threat_object":[null,"a"]}`, `{"\u005ftime":"2025-03-14T09:21:07Z"}`, "{\"\\29\\", `{"\u`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e1 Event
		if err := e1.UnmarshalJSON(data); err != nil {
			return
		}
		out, err := e1.MarshalJSON()
		if err != nil {
			t.Fatalf("MarshalJSON of decoded %#v: %v", e1, err)
		}
		var e2 Event
		if err := e2.UnmarshalJSON(out); err != nil {
			t.Fatalf("UnmarshalJSON(%s) of re-encoded event: %v", out, err)
		}
		if diff := cmp.Diff(e1, e2); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s\ninput: %q\nencoded: %s", diff, data, out)
		}
	})
}
