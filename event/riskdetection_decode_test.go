package event_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/escudo-dev/escudo/event"
)

// riskFiles are one logical dataset of risk detections stored in every
// supported format (testdata/formats/riskdetections/README.md), with the
// format each must detect.
var riskFiles = []struct {
	name   string
	format event.Format
}{
	{"graph.jsonl", event.Graph},
	{"graph-page.json", event.Graph},
	{"azure-monitor.jsonl", event.AzureMonitor},
	{"azure-monitor-eventhub.json", event.AzureMonitor},
	{"log-analytics.json", event.LogAnalytics},
}

// riskPath is the path of a file of the risk detection dataset.
func riskPath(name string) string {
	return filepath.Join("..", "testdata", "formats", "riskdetections", name)
}

// readRisk frames a file with a Reader (set to format f) and decodes every
// record with DecodeRiskDetection. It returns the events and the format of
// the first record.
func readRisk(t *testing.T, path string, f event.Format) ([]event.RiskDetectionEvent, event.Format) {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	name := filepath.Base(path)
	r := event.NewReader(file)
	r.Name = name
	r.Format = f
	var evs []event.RiskDetectionEvent
	var format event.Format
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			return evs, format
		}
		if err != nil {
			t.Fatalf("ReadRecord: %v", err)
		}
		if len(evs) == 0 {
			format = rec.Format
		}
		var ev event.RiskDetectionEvent
		if err := event.DecodeRiskDetection(name, rec, &ev); err != nil {
			t.Fatalf("DecodeRiskDetection: %v", err)
		}
		evs = append(evs, ev)
	}
}

// riskTenant is the dataset's tenant.
const riskTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// riskBeta are the fields only the Azure Monitor records carry: the
// riskDetection's beta properties.
var riskBeta = []string{"RiskType", "ResourceTenantID", "HomeTenantID", "UserType", "CrossTenantAccessType"}

// TestRiskFormatsDecodeEqual reads the same detections from every format
// and layout, detected and selected, and checks that they decode to the
// same events as the Graph JSON lines (the envelope aside, and the beta
// properties only Azure Monitor records carry), and that each format's
// envelope is what it should be.
func TestRiskFormatsDecodeEqual(t *testing.T) {
	want, _ := readRisk(t, riskPath("graph.jsonl"), event.Auto)
	if len(want) != 6 {
		t.Fatalf("reference dataset has %d detections, want 6", len(want))
	}
	ignore := cmpopts.IgnoreFields(event.RiskDetectionEvent{}, append([]string{"Envelope"}, riskBeta...)...)
	for _, rf := range riskFiles {
		for _, explicit := range []event.Format{event.Auto, rf.format} {
			t.Run(rf.name+"/"+explicit.String(), func(t *testing.T) {
				got, detected := readRisk(t, riskPath(rf.name), explicit)
				if detected != rf.format {
					t.Errorf("record format = %v, want %v", detected, rf.format)
				}
				if diff := cmp.Diff(want, got, ignore); diff != "" {
					t.Errorf("events differ from graph.jsonl (-want +got):\n%s", diff)
				}
				for i, ev := range got {
					wantEnv := event.Envelope{
						Format: rf.format, Category: "UserRiskEvents", OperationName: "User Risk Detection",
						CallerIPAddress: ev.IPAddress, CorrelationID: ev.ID,
					}
					switch rf.format {
					case event.AzureMonitor:
						// The envelope's time is lastUpdatedDateTime to the second.
						wantEnv.Time = ev.LastUpdatedDateTime.Truncate(time.Second)
						wantEnv.TenantID, wantEnv.Identity, wantEnv.Level = riskTenant, ev.Envelope.Identity, "4"
						wantEnv.Location = ev.Envelope.Location
						if i == 5 {
							wantEnv.CallerIPAddress = "" // the record has no callerIpAddress
						}
					case event.LogAnalytics:
						wantEnv.Time = ev.LastUpdatedDateTime.Truncate(time.Second)
					}
					if diff := cmp.Diff(wantEnv, ev.Envelope); diff != "" {
						t.Errorf("record %d: envelope mismatch (-want +got):\n%s", i+1, diff)
					}
				}
				if rf.format == event.AzureMonitor && (got[2].RiskType != "generic" || got[0].UserType != "member" || got[0].HomeTenantID != riskTenant) {
					t.Errorf("the Azure Monitor records' beta properties decoded as %+v, %+v", got[0], got[2])
				}
			})
		}
	}
}

// TestRiskDataset checks the reference copy of the dataset against the
// table of testdata/formats/riskdetections/README.md, and two records
// field by field.
func TestRiskDataset(t *testing.T) {
	evs, _ := readRisk(t, riskPath("graph.jsonl"), event.Graph)
	type row struct {
		Time, User, Type, Level, State, IP string
	}
	want := []row{
		{"2025-03-20T22:20:01.337Z", "marcus.webb@example.net", "unfamiliarFeatures", "medium", "atRisk", "198.51.100.150"},
		{"2025-03-20T22:33:47.901Z", "marcus.webb@example.net", "anonymizedIPAddress", "high", "atRisk", "203.0.113.201"},
		{"2025-03-11T09:48:50.361Z", "priya.raman@example.com", "passwordSpray", "high", "atRisk", "198.51.100.201"},
		{"2025-03-21T09:05:12Z", "hana.kobayashi@example.com", "leakedCredentials", "high", "remediated", ""},
		{"2025-03-14T11:47:02.62Z", "nadia.okafor@example.com", "unlikelyTravel", "low", "dismissed", "203.0.113.24"},
		{"2025-03-22T16:40:00.5Z", "elliot.grant@example.com", "maliciousIPAddress", "high", "confirmedCompromised", "192.0.2.250"},
	}
	var got []row
	for _, ev := range evs {
		got = append(got, row{ev.Time().Format(time.RFC3339Nano), ev.UserPrincipalName, ev.RiskEventType, ev.RiskLevel, ev.RiskState, ev.IPAddress})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dataset mismatch (-want +got):\n%s", diff)
	}
	if len(evs) != len(want) {
		t.FailNow()
	}
	const ua = `[{"Key":"userAgent","Value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"}]`
	full := map[int]event.RiskDetectionEvent{
		0: {
			ID:        "6d2e0c3a9b7f41e58c0a2d4f6b8e1a3c5d7f9b1e3a5c7e9f1b3d5a7c9e1f3a51",
			RequestID: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", CorrelationID: "c4d5e6f7-0a1b-4c2d-9e3f-4a5b6c7d8e01",
			RiskEventType: "unfamiliarFeatures", RiskState: "atRisk", RiskLevel: "medium", RiskDetail: "none",
			Source: "IdentityProtection", DetectionTimingType: "realtime", Activity: "signin", TokenIssuerType: "AzureAD",
			IPAddress: "198.51.100.150",
			Location: event.Location{City: "Chicago", State: "Illinois", CountryOrRegion: "US",
				GeoCoordinates: event.GeoCoordinates{Latitude: f64(41.8781), Longitude: f64(-87.6298)}},
			ActivityDateTime:    time.Date(2025, 3, 20, 22, 13, 41, 0, time.UTC),
			DetectedDateTime:    time.Date(2025, 3, 20, 22, 13, 41, 0, time.UTC),
			LastUpdatedDateTime: time.Date(2025, 3, 20, 22, 20, 1, 337000000, time.UTC),
			UserID:              "d843cad5-ec86-4567-8bbd-ca91c49d479c", UserDisplayName: "Marcus Webb",
			UserPrincipalName: "marcus.webb@example.net",
			AdditionalInfo:    ua, // the JSON text, not decoded
			Envelope: event.Envelope{Format: event.Graph, Category: "UserRiskEvents", OperationName: "User Risk Detection",
				CallerIPAddress: "198.51.100.150", CorrelationID: "6d2e0c3a9b7f41e58c0a2d4f6b8e1a3c5d7f9b1e3a5c7e9f1b3d5a7c9e1f3a51"},
		},
		3: {
			// A user-level detection: no sign-in, so no request, address or location.
			ID:            "9a5b3f6d2e0c44b81f3d5a7c9e1b4d6f8a0c2e4b6d8a0c2e4f6b8d0a2c4e6a84",
			RiskEventType: "leakedCredentials", RiskState: "remediated", RiskLevel: "high",
			RiskDetail: "userPerformedSecuredPasswordReset", Source: "IdentityProtection", DetectionTimingType: "offline",
			Activity:            "user",
			ActivityDateTime:    time.Date(2025, 3, 21, 0, 0, 0, 0, time.UTC),
			DetectedDateTime:    time.Date(2025, 3, 21, 3, 15, 30, 0, time.UTC),
			LastUpdatedDateTime: time.Date(2025, 3, 21, 9, 5, 12, 0, time.UTC),
			UserID:              "b47248af-26f2-44cf-bbc4-1fdfa3c21a07", UserDisplayName: "Hana Kobayashi",
			UserPrincipalName: "hana.kobayashi@example.com",
			Envelope: event.Envelope{Format: event.Graph, Category: "UserRiskEvents", OperationName: "User Risk Detection",
				CorrelationID: "9a5b3f6d2e0c44b81f3d5a7c9e1b4d6f8a0c2e4b6d8a0c2e4f6b8d0a2c4e6a84"},
		},
	}
	for i, w := range full {
		if diff := cmp.Diff(w, evs[i]); diff != "" {
			t.Errorf("record %d mismatch (-want +got):\n%s", i+1, diff)
		}
	}
}

// riskRec is a record of the given format at line 3, byte 1000 of an
// input, so that error positions are seen to add to the record's.
func riskRec(data string, f event.Format) event.Record {
	return event.Record{Data: []byte(data), Line: 3, Offset: 1000, Format: f}
}

// TestRiskDecodeErrors checks that bad records are reported as complete,
// located *DecodeErrors: the line and byte offset of the bad value in the
// input, its JSON path and what is wrong.
func TestRiskDecodeErrors(t *testing.T) {
	const when = `"lastUpdatedDateTime":"2025-03-20T22:20:01Z"`
	azure := func(props string) string {
		return `{"time":"3/20/2025 10:20:01 PM","operationName":"User Risk Detection","category":"UserRiskEvents","properties":{` + props + `}}`
	}
	la := func(cols string) string {
		return `{"TimeGenerated":"2025-03-20T22:20:01Z","RiskEventType":"x","Type":"AADUserRiskEvents",` + cols + `}`
	}
	inJSONText := func(err error) error { return fmt.Errorf("in the JSON text: %w", err) }
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		line         int
		off          string
		path         string
		err          error
	}{
		{
			name: "number for a string", reason: "riskLevel is a string",
			format: event.Graph, in: `{` + when + `,"riskLevel":3}`,
			off: `3}`, path: "riskLevel", err: typeErr("a string", "3"),
		},
		{
			name: "location not an object", reason: "location is a signInLocation",
			format: event.Graph, in: `{` + when + `,"location":"Paris"}`,
			off: `"Paris"`, path: "location", err: typeErr("an object", `"Paris"`),
		},
		{
			name: "coordinate not a number", reason: "a coordinate is a number",
			format: event.Graph, in: `{` + when + `,"location":{"geoCoordinates":{"latitude":"north"}}}`,
			off: `"north"`, path: "location.geoCoordinates.latitude", err: typeErr("a number", `"north"`),
		},
		{
			name: "additionalInfo not text", reason: "Graph sends additionalInfo as a string of JSON text",
			format: event.Graph, in: `{` + when + `,"additionalInfo":[{"Key":"userAgent"}]}`,
			off: `[{"Key"`, path: "additionalInfo", err: typeErr("a string", "an array"),
		},
		{
			name: "bad lastUpdatedDateTime", reason: "a Graph record's event time must be RFC 3339",
			format: event.Graph, in: `{"id":"a","lastUpdatedDateTime":"2025-03-20T8:20:01Z"}`,
			off: `"2025-03-20T8`, path: "lastUpdatedDateTime", err: typeErr("an RFC 3339 timestamp", `"2025-03-20T8:20:01Z"`),
		},
		{
			name: "missing time", reason: "a Graph record has no other time to fall back on",
			format: event.Graph, in: `{"id":"a","riskEventType":"x","detectedDateTime":"2025-03-20T22:13:41Z"}`,
			path: "lastUpdatedDateTime", err: event.ErrMissingTime,
		},
		{
			name: "before 1970", reason: "event times are in the years 1970 to 9999",
			format: event.Graph, in: `{"id":"a","lastUpdatedDateTime":"1969-12-31T23:59:59Z"}`,
			off: `"1969`, path: "lastUpdatedDateTime", err: fmt.Errorf("%w: time 1969-12-31T23:59:59Z is before 1970", event.ErrTimeRange),
		},
		{
			name: "truncated", reason: "a record cut short is a syntax error at its end",
			format: event.Graph, in: `{"id":"a","riskLevel":"hi`,
			off: "", path: "riskLevel", err: syntaxErr("unexpected end of record (truncated?)"),
		},
		{
			name: "Azure nested wrong type", reason: "the path names the value under properties",
			format: event.AzureMonitor, in: azure(`"riskState":["atRisk"]`),
			off: `["atRisk"]`, path: "properties.riskState", err: typeErr("a string", "an array"),
		},
		{
			name: "Azure additionalInfo not text", reason: "under properties too",
			format: event.AzureMonitor, in: azure(`"additionalInfo":5`),
			off: `5}`, path: "properties.additionalInfo", err: typeErr("a string", "5"),
		},
		{
			name: "Azure properties null", reason: "a UserRiskEvents record without its detection is none",
			format: event.AzureMonitor, in: `{"time":"3/20/2025 10:20:01 PM","category":"UserRiskEvents","properties":null}`,
			off: `null`, path: "properties", err: fmt.Errorf("%w: properties is null", event.ErrNotRiskDetection),
		},
		{
			name: "Azure no properties", reason: "nor is one without properties at all",
			format: event.AzureMonitor, in: `{"time":"3/20/2025 10:20:01 PM","category":"UserRiskEvents"}`,
			path: "properties", err: fmt.Errorf("%w: no properties", event.ErrNotRiskDetection),
		},
		{
			name: "Azure bad record time", reason: "the record's time is the event time, and must be readable",
			format: event.AzureMonitor, in: `{"time":"20/3/2025 22:20","category":"UserRiskEvents","properties":{"id":"a"}}`,
			off: `"20/3`, path: "time", err: typeErr("an RFC 3339 timestamp", `"20/3/2025 22:20"`),
		},
		{
			name: "Azure no time at all", reason: "no record time and no lastUpdatedDateTime",
			format: event.AzureMonitor, in: `{"category":"UserRiskEvents","properties":{"id":"a"}}`,
			path: "time", err: event.ErrMissingTime,
		},
		{
			name: "Log Analytics column wrong type", reason: "RiskLevel is a string column",
			format: event.LogAnalytics, in: la(`"RiskLevel":true`),
			off: `true}`, path: "RiskLevel", err: typeErr("a string", "true"),
		},
		{
			name: "Log Analytics dynamic text wrong type", reason: "an error inside the Location column's JSON text names the column and the path in it",
			format: event.LogAnalytics, in: la(`"Location":"{\"city\":5}"`),
			off: `"{\"city`, path: "Location.city", err: inJSONText(typeErr("a string", "5")),
		},
		{
			name: "Log Analytics dynamic JSON wrong type", reason: "a dynamic column as real JSON is located exactly",
			format: event.LogAnalytics, in: la(`"Location":{"geoCoordinates":[]}`),
			off: `[]}`, path: "Location.geoCoordinates", err: typeErr("an object", "an array"),
		},
		{
			name: "Log Analytics AdditionalInfo a number", reason: "AdditionalInfo is JSON text, an array or an object",
			format: event.LogAnalytics, in: la(`"AdditionalInfo":12`),
			off: `12}`, path: "AdditionalInfo", err: typeErr("JSON text, an array or an object", "12"),
		},
		{
			name: "Log Analytics no TimeGenerated", reason: "a row's event time is TimeGenerated",
			format: event.LogAnalytics, in: `{"RiskEventType":"x","LastUpdatedDateTime":"2025-03-20T22:20:01Z","Type":"AADUserRiskEvents"}`,
			path: "TimeGenerated", err: event.ErrMissingTime,
		},
		{
			name: "pretty-printed", reason: "the line is that of the bad value",
			format: event.Graph, in: "{\n  \"id\": \"a\",\n  \"userId\": 7,\n  " + when + "\n}",
			line: 2, off: `7,`, path: "userId", err: typeErr("a string", "7"),
		},
		{
			name: "invalid UTF-8 before the problem", reason: "offsets count in the input, not in its repaired copy",
			format: event.Graph, in: "{" + when + ",\"userDisplayName\":\"caf\xe9\xff\",\"riskState\":[]}",
			off: `[]}`, path: "riskState", err: typeErr("a string", "an array"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var off int64
			if tt.off != "" {
				off = at(t, tt.in, tt.off)
			} else if tt.name == "truncated" {
				off = int64(len(tt.in))
			}
			want := &event.DecodeError{Source: "risk.json", Line: 3 + tt.line, Offset: 1000 + off, Path: tt.path, Err: tt.err}
			var ev event.RiskDetectionEvent
			err := event.DecodeRiskDetection("risk.json", riskRec(tt.in, tt.format), &ev)
			if diff := cmp.Diff(error(want), err, equateErrors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestRiskOtherKinds checks both directions of a mixed stream: a record of
// another kind in a risk detection stream is an *OtherKindError naming
// its kind, whether or not it fits this schema, and a risk detection is
// one in a sign-in or audit stream.
func TestRiskOtherKinds(t *testing.T) {
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		kind         string
	}{
		{
			name: "Azure risky user", reason: "RiskyUsers is another category, another schema",
			format: event.AzureMonitor, kind: "RiskyUsers",
			in: `{"time":"3/20/2025 10:20:01 PM","category":"RiskyUsers","operationName":"Risky user","properties":{"riskLevel":"high","riskLastUpdatedDateTime":"2025-03-20T22:20:01Z"}}`,
		},
		{
			name: "Azure service principal risk", reason: "so is ServicePrincipalRiskEvents",
			format: event.AzureMonitor, kind: "ServicePrincipalRiskEvents",
			in: `{"time":"3/20/2025 10:20:01 PM","category":"ServicePrincipalRiskEvents","properties":{"riskLevel":["x"]}}`,
		},
		{
			name: "Azure sign-in without category", reason: "with no category, the properties' shape tells a signIn",
			format: event.AzureMonitor, kind: "signIn",
			in: `{"time":"2025-03-14T08:55:14Z","properties":{"createdDateTime":"2025-03-14T08:55:12Z"}}`,
		},
		{
			name: "Log Analytics risky user", reason: "the table decides",
			format: event.LogAnalytics, kind: "AADRiskyUsers",
			in: `{"TimeGenerated":"2025-03-20T22:20:01Z","RiskLevel":"high","Type":"AADRiskyUsers"}`,
		},
		{
			name: "Log Analytics sign-in without Type", reason: "with no Type, a CreatedDateTime tells a sign-in row",
			format: event.LogAnalytics, kind: "signIn",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","CreatedDateTime":"2025-03-14T08:55:12Z"}`,
		},
		{
			name: "Graph signIn", reason: "a signIn has a createdDateTime and neither riskEventType nor detectedDateTime",
			format: event.Graph, kind: "signIn",
			in: `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","riskLevelDuringSignIn":"high","riskEventTypes_v2":["x"]}`,
		},
		{
			name: "Graph signIn not fitting", reason: "told apart by its keys even when it does not fit",
			format: event.Graph, kind: "signIn",
			in: `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","riskLevel":{"x":1}}`,
		},
		{
			name: "Graph directoryAudit", reason: "a directoryAudit has an activityDisplayName",
			format: event.Graph, kind: "directoryAudit",
			in: `{"id":"a","activityDisplayName":"Update user","activityDateTime":"2025-03-14T08:55:12Z"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.RiskDetectionEvent
			err := event.DecodeRiskDetection("mixed.jsonl", riskRec(tt.in, tt.format), &ev)
			want := &event.OtherKindError{Source: "mixed.jsonl", Line: 3, Offset: 1000, Kind: tt.kind}
			if diff := cmp.Diff(error(want), err, equateErrors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}

	// The other direction: the audit decoder calls the Graph risk
	// detections another kind, and the sign-in reader the Azure Monitor
	// and Log Analytics ones.
	for _, rf := range riskFiles {
		t.Run("other readers/"+rf.name, func(t *testing.T) {
			f, err := os.Open(riskPath(rf.name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := event.NewReader(f)
			kinds := map[string]int{}
			for {
				rec, err := r.ReadRecord()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				var ev event.AuditEvent
				var other *event.OtherKindError
				if err := event.DecodeAudit("", rec, &ev); !errors.As(err, &other) {
					t.Fatalf("DecodeAudit = %v, want another kind", err)
				}
				kinds[other.Kind]++
				if rf.format == event.Graph {
					continue // the sign-in reader has no Graph kinds but signIn
				}
				var si event.SignInEvent
				if err := r.Decode(rec, &si); !errors.As(err, &other) {
					t.Fatalf("Reader.Decode = %v, want another kind", err)
				}
			}
			want := map[event.Format]string{event.Graph: "riskDetection", event.AzureMonitor: "UserRiskEvents", event.LogAnalytics: "AADUserRiskEvents"}[rf.format]
			if diff := cmp.Diff(map[string]int{want: 6}, kinds); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRiskMixedStream decodes the sign-in dataset's mixed Azure Monitor
// stream: its one UserRiskEvents record decodes, and every other record
// is another kind, by its category.
func TestRiskMixedStream(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "formats", "azure-monitor-mixed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := event.NewReader(f)
	kinds := map[string]int{}
	var got []event.RiskDetectionEvent
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var ev event.RiskDetectionEvent
		var other *event.OtherKindError
		switch err := event.DecodeRiskDetection("", rec, &ev); {
		case err == nil:
			got = append(got, ev)
		case errors.As(err, &other):
			kinds[other.Kind]++
		default:
			t.Fatalf("line %d: %v", rec.Line, err)
		}
	}
	want := map[string]int{
		"SignInLogs": 18, "NonInteractiveUserSignInLogs": 5, "ServicePrincipalSignInLogs": 2, "ManagedIdentitySignInLogs": 2,
		"ADFSSignInLogs": 1, "ProvisioningLogs": 1, "RiskyUsers": 1, "MicrosoftGraphActivityLogs": 1, "AuditLogs": 2,
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("other kinds mismatch (-want +got):\n%s", diff)
	}
	if len(got) != 1 {
		t.Fatalf("decoded %d risk detections, want 1", len(got))
	}
	ev := got[0]
	if ev.UserPrincipalName != "marcus.webb@example.net" || ev.RiskLevel != "medium" || ev.RiskEventType != "unfamiliarFeatures" ||
		!ev.Time().Equal(time.Date(2025, 3, 20, 22, 20, 1, 0, time.UTC)) || ev.Envelope.CallerIPAddress != "203.0.113.24" ||
		!ev.LastUpdatedDateTime.IsZero() {
		t.Errorf("the UserRiskEvents record decoded as %+v", ev)
	}
}

// TestRiskExactKeys checks that JSON keys match exactly, as Splunk's JSON
// extraction does.
func TestRiskExactKeys(t *testing.T) {
	const when = `"lastUpdatedDateTime":"2025-03-20T22:20:01Z"`
	type view struct{ Level, City, Category string }
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		want         view
	}{
		{
			name: "variant after", reason: `"RiskLevel":"low" after "riskLevel":"high" must not lower the level`,
			format: event.Graph, in: `{` + when + `,"riskLevel":"high","RiskLevel":"low"}`,
			want: view{Level: "high", Category: "UserRiskEvents"},
		},
		{
			name: "variant alone", reason: "a variant alone does not fill the field",
			format: event.Graph, in: `{` + when + `,"RISKLEVEL":"high"}`,
			want: view{Category: "UserRiskEvents"},
		},
		{
			name: "nested variant", reason: "City beside city leaves city",
			format: event.Graph, in: `{` + when + `,"location":{"City":"Paris","city":"Lyon"}}`,
			want: view{City: "Lyon", Category: "UserRiskEvents"},
		},
		{
			name: "envelope variant", reason: "Category is not category",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:20:01Z","category":"UserRiskEvents","Category":"RiskyUsers","properties":{"riskLevel":"high"}}`,
			want: view{Level: "high", Category: "UserRiskEvents"},
		},
		{
			name: "Log Analytics dynamic text variant", reason: "the JSON text of a dynamic column is held to exact keys too",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-20T22:20:01Z","RiskLevel":"high","Location":"{\"city\":\"Lyon\",\"CITY\":\"Paris\"}"}`,
			want: view{Level: "high", City: "Lyon", Category: "UserRiskEvents"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.RiskDetectionEvent
			if err := event.DecodeRiskDetection("", riskRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, view{ev.RiskLevel, ev.Location.City, ev.Envelope.Category}); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestRiskTimes checks the event time in every format (the record's own
// time, else lastUpdatedDateTime) and the loose reading of the other
// times.
func TestRiskTimes(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name, reason       string
		format             event.Format
		in                 string
		want, wantUpdated  time.Time
		wantDetected       time.Time
		wantRecordTimeZero bool
	}{
		{name: "Graph", reason: "lastUpdatedDateTime is the event time",
			format: event.Graph, in: `{"riskEventType":"x","lastUpdatedDateTime":"2025-03-20T22:20:01.337Z","detectedDateTime":"2025-03-20T22:13:41Z"}`,
			want: utc("2025-03-20T22:20:01.337Z"), wantUpdated: utc("2025-03-20T22:20:01.337Z"), wantDetected: utc("2025-03-20T22:13:41Z"), wantRecordTimeZero: true},
		{name: "Azure US form", reason: "the envelope's time, in the US form Azure writes, not lastUpdatedDateTime",
			format: event.AzureMonitor, in: `{"time":"8/22/2022 6:07:16 PM","category":"UserRiskEvents","properties":{"lastUpdatedDateTime":"2022-08-22T18:07:16.894Z"}}`,
			want: utc("2022-08-22T18:07:16Z"), wantUpdated: utc("2022-08-22T18:07:16.894Z")},
		{name: "Azure one-digit hour", reason: "a nested time Azure writes with a one-digit hour (Elastic's records) is left zero, not an error",
			format: event.AzureMonitor, in: `{"time":"9/9/2022 9:54:27 AM","properties":{"detectedDateTime":"2022-09-09T8:48:50.361Z","lastUpdatedDateTime":"2022-09-09T9:54:27.739Z"}}`,
			want: utc("2022-09-09T09:54:27Z")},
		{name: "Azure fallback", reason: "no envelope time: lastUpdatedDateTime, strictly",
			format: event.AzureMonitor, in: `{"category":"UserRiskEvents","properties":{"lastUpdatedDateTime":"2025-03-20T22:20:01.5Z"}}`,
			want: utc("2025-03-20T22:20:01.5Z"), wantUpdated: utc("2025-03-20T22:20:01.5Z"), wantRecordTimeZero: true},
		{name: "Log Analytics", reason: "TimeGenerated",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-20T22:20:03Z","LastUpdatedDateTime":"2025-03-20T22:20:01.337Z","RiskLevel":"high"}`,
			want: utc("2025-03-20T22:20:03Z"), wantUpdated: utc("2025-03-20T22:20:01.337Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.RiskDetectionEvent
			if err := event.DecodeRiskDetection("", riskRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if got := ev.Time(); !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Time() = %v, want %v in UTC (%s)", got, tt.want, tt.reason)
			}
			if !ev.LastUpdatedDateTime.Equal(tt.wantUpdated) || !ev.DetectedDateTime.Equal(tt.wantDetected) {
				t.Errorf("LastUpdatedDateTime, DetectedDateTime = %v, %v; want %v, %v", ev.LastUpdatedDateTime, ev.DetectedDateTime, tt.wantUpdated, tt.wantDetected)
			}
			if ev.Envelope.Time.IsZero() != tt.wantRecordTimeZero {
				t.Errorf("Envelope.Time = %v", ev.Envelope.Time)
			}
		})
	}
}

// TestRiskAdditionalInfo checks that additionalInfo is kept as the JSON
// text it is, in every format: a string as it decodes, a Log Analytics
// dynamic value as its compact text.
func TestRiskAdditionalInfo(t *testing.T) {
	const text = `[{"Key":"userAgent","Value":"curl/8.5.0"}]`
	for _, tt := range []struct {
		name   string
		format event.Format
		in     string
		want   string
	}{
		{"Graph", event.Graph, `{"lastUpdatedDateTime":"2025-03-20T22:20:01Z","additionalInfo":"[{\"Key\":\"userAgent\",\"Value\":\"curl/8.5.0\"}]"}`, text},
		{"Graph null", event.Graph, `{"lastUpdatedDateTime":"2025-03-20T22:20:01Z","additionalInfo":null}`, ""},
		{"Log Analytics text", event.LogAnalytics, `{"TimeGenerated":"2025-03-20T22:20:01Z","AdditionalInfo":"[{\"Key\":\"userAgent\",\"Value\":\"curl/8.5.0\"}]"}`, text},
		{"Log Analytics JSON", event.LogAnalytics, `{"TimeGenerated":"2025-03-20T22:20:01Z","AdditionalInfo":[ {"Key": "userAgent", "Value": "curl/8.5.0"} ]}`, text},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.RiskDetectionEvent
			if err := event.DecodeRiskDetection("", riskRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.AdditionalInfo != tt.want {
				t.Errorf("AdditionalInfo = %q, want %q", ev.AdditionalInfo, tt.want)
			}
		})
	}
}

// TestDecodeRiskDetectionOverwrites checks that DecodeRiskDetection
// overwrites ev entirely, in every format.
func TestDecodeRiskDetectionOverwrites(t *testing.T) {
	ev := fullRiskDetectionEvent()
	for _, tt := range []struct {
		name   string
		format event.Format
		in     string
	}{
		{"Graph", event.Graph, `{"id":"a","lastUpdatedDateTime":"2025-03-20T22:20:01Z"}`},
		{"Azure Monitor", event.AzureMonitor, `{"time":"2025-03-20T22:20:01Z","properties":{"id":"a"}}`},
		{"Log Analytics", event.LogAnalytics, `{"TimeGenerated":"2025-03-20T22:20:01Z","Id":"a"}`},
	} {
		if err := event.DecodeRiskDetection("", riskRec(tt.in, tt.format), &ev); err != nil {
			t.Fatal(err)
		}
		want := event.RiskDetectionEvent{ID: "a", LastUpdatedDateTime: ev.LastUpdatedDateTime, Envelope: ev.Envelope}
		if diff := cmp.Diff(want, ev); diff != "" {
			t.Errorf("%s: a previous event survives (-want +got):\n%s", tt.name, diff)
		}
	}
}
