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

// graphActivityFiles are one logical dataset of Microsoft Graph activity
// log entries stored in every format they are exported in
// (testdata/formats/graphactivity/README.md), with the format each must
// detect.
var graphActivityFiles = []struct {
	name   string
	format event.Format
}{
	{"azure-monitor.jsonl", event.AzureMonitor},
	{"azure-monitor-eventhub.json", event.AzureMonitor},
	{"log-analytics.json", event.LogAnalytics},
}

// graphActivityPath is the path of a file of the Graph activity dataset.
func graphActivityPath(name string) string {
	return filepath.Join("..", "testdata", "formats", "graphactivity", name)
}

// readGraphActivity frames a file with a Reader (set to format f) and
// decodes every record with DecodeGraphActivity. It returns the events and
// the format of the first record.
func readGraphActivity(t *testing.T, path string, f event.Format) ([]event.GraphActivityEvent, event.Format) {
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
	var evs []event.GraphActivityEvent
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
		var ev event.GraphActivityEvent
		if err := event.DecodeGraphActivity(name, rec, &ev); err != nil {
			t.Fatalf("DecodeGraphActivity: %v", err)
		}
		evs = append(evs, ev)
	}
}

// i64 returns a pointer to n.
func i64(n int64) *int64 { return &n }

// graphActivityTenant is the dataset's tenant.
const graphActivityTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// TestGraphActivityFormatsDecodeEqual reads the same requests from every
// format and layout, detected and selected, and checks that they decode
// to the same events as the Azure Monitor JSON lines (the envelope aside,
// and the two keys the table has no column for), and that each format's
// envelope is what it should be.
func TestGraphActivityFormatsDecodeEqual(t *testing.T) {
	want, _ := readGraphActivity(t, graphActivityPath("azure-monitor.jsonl"), event.Auto)
	if len(want) != 8 {
		t.Fatalf("reference dataset has %d entries, want 8", len(want))
	}
	for _, af := range graphActivityFiles {
		for _, explicit := range []event.Format{event.Auto, af.format} {
			t.Run(af.name+"/"+explicit.String(), func(t *testing.T) {
				got, detected := readGraphActivity(t, graphActivityPath(af.name), explicit)
				if detected != af.format {
					t.Errorf("record format = %v, want %v", detected, af.format)
				}
				ignore := cmpopts.IgnoreFields(event.GraphActivityEvent{}, "Envelope")
				if af.format == event.LogAnalytics {
					// No column for the token's subject and idtyp claim.
					ignore = cmpopts.IgnoreFields(event.GraphActivityEvent{}, "Envelope", "UserPrincipalObjectID", "IdentityType")
				}
				if diff := cmp.Diff(want, got, ignore); diff != "" {
					t.Errorf("events differ from azure-monitor.jsonl (-want +got):\n%s", diff)
				}
				for i, ev := range got {
					wantEnv := event.Envelope{
						Format: af.format, Time: ev.TimeGenerated, Category: "MicrosoftGraphActivityLogs",
						OperationName: "Microsoft Graph Activity", CallerIPAddress: ev.IPAddress,
						TenantID: graphActivityTenant, Location: ev.Location,
					}
					if af.format == event.AzureMonitor {
						wantEnv.CorrelationID, wantEnv.Level = ev.RequestID, "Informational"
						switch i {
						case 4: // the US form has whole seconds
							wantEnv.Time = ev.TimeGenerated.Truncate(time.Second)
						case 5: // no envelope time
							wantEnv.Time = time.Time{}
						}
					}
					if diff := cmp.Diff(wantEnv, ev.Envelope); diff != "" {
						t.Errorf("record %d: envelope mismatch (-want +got):\n%s", i+1, diff)
					}
				}
			})
		}
	}
}

// TestGraphActivityDataset checks the reference copy of the dataset
// against the table of testdata/formats/graphactivity/README.md, and two
// records field by field.
func TestGraphActivityDataset(t *testing.T) {
	evs, _ := readGraphActivity(t, graphActivityPath("azure-monitor.jsonl"), event.AzureMonitor)
	type row struct {
		Time, Method, API string
		Status            int64
		Caller, IP        string
	}
	want := []row{
		{"2025-03-20T22:15:02.1234567Z", "GET", "v1.0", 200, "user", "198.51.100.150"},
		{"2025-03-16T04:31:05.5Z", "GET", "v1.0", 200, "app", "192.0.2.77"},
		{"2025-03-22T13:35:10.948Z", "GET", "beta", 200, "user", "198.51.100.23"},
		{"2025-03-22T13:36:41.2Z", "POST", "v1.0", 403, "user", "198.51.100.23"},
		{"2025-03-22T13:40:05Z", "GET", "beta", 200, "user", "198.51.100.23"},
		{"2025-03-17T11:52:30Z", "PATCH", "v1.0", 204, "user", "203.0.113.88"},
		{"2025-03-16T05:30:44.071Z", "GET", "v1.0", 429, "app", "2001:db8:85a3::8a2e:370:7334"},
		{"2025-03-24T10:20:11.3Z", "POST", "v1.0", 200, "user", "198.51.100.23"},
	}
	var got []row
	for _, ev := range evs {
		got = append(got, row{ev.Time().Format(time.RFC3339Nano), ev.RequestMethod, ev.APIVersion, *ev.ResponseStatusCode, ev.IdentityType, ev.IPAddress})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dataset mismatch (-want +got):\n%s", diff)
	}
	if len(evs) != len(want) {
		t.FailNow()
	}
	full := map[int]event.GraphActivityEvent{
		0: {
			TimeGenerated: time.Date(2025, 3, 20, 22, 15, 2, 123456700, time.UTC), Location: "East US 2",
			RequestID: "3f1a9c2e-5b7d-4e8f-9a1b-2c3d4e5f6a01", OperationID: "3f1a9c2e-5b7d-4e8f-9a1b-2c3d4e5f6a01",
			ClientRequestID: "7b2c4d6e-8f0a-4b1c-9d2e-3f4a5b6c7d01", APIVersion: "v1.0", RequestMethod: "GET",
			ResponseStatusCode: i64(200), TenantID: graphActivityTenant, DurationMs: i64(41250), ResponseSizeBytes: i64(1388),
			SignInActivityID: "Xk3b9QzP0EuR7tY2mN5aAA", TokenIssuedAt: time.Date(2025, 3, 20, 22, 10, 44, 0, time.UTC),
			AppID: "d3590ed6-52b3-4102-aeff-aad2292ab01c", UserID: "d843cad5-ec86-4567-8bbd-ca91c49d479c",
			UserPrincipalObjectID: "d843cad5-ec86-4567-8bbd-ca91c49d479c",
			Scopes:                "Files.ReadWrite.All Mail.Read User.Read openid profile email", ClientAuthMethod: i64(0),
			IdentityType: "user", IPAddress: "198.51.100.150",
			UserAgent:  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
			RequestURI: "https://graph.microsoft.com/v1.0/me", DeviceID: "5c7e9a1b-3d5f-4a7c-9e1b-3d5f7a9c1e02",
			SessionID: "0a2c4e6f-8b1d-4f3a-9c5e-7a9b1d3f5e03",
			Envelope: event.Envelope{
				Format: event.AzureMonitor, Time: time.Date(2025, 3, 20, 22, 15, 2, 123456700, time.UTC),
				Category: "MicrosoftGraphActivityLogs", OperationName: "Microsoft Graph Activity",
				CallerIPAddress: "198.51.100.150", TenantID: graphActivityTenant,
				CorrelationID: "3f1a9c2e-5b7d-4e8f-9a1b-2c3d4e5f6a01", Level: "Informational", Location: "East US 2",
			},
		},
		1: {
			TimeGenerated: time.Date(2025, 3, 16, 4, 31, 5, 500000000, time.UTC), Location: "West Europe",
			RequestID: "4a2b0d3f-6c8e-4f9a-8b2c-3d4e5f6a7b02", OperationID: "4a2b0d3f-6c8e-4f9a-8b2c-3d4e5f6a7b02",
			ClientRequestID: "4a2b0d3f-6c8e-4f9a-8b2c-3d4e5f6a7b02", APIVersion: "v1.0", RequestMethod: "GET",
			ResponseStatusCode: i64(200), TenantID: graphActivityTenant, DurationMs: i64(187003), ResponseSizeBytes: i64(52410),
			SignInActivityID: "c9Vb2LmQ8kS1xF4hJ7pWBB", Roles: "Directory.Read.All User.Read.All",
			TokenIssuedAt: time.Date(2025, 3, 16, 4, 30, 0, 0, time.UTC), AppID: "436ed65d-7eb4-4d7e-bd76-b59dba56fe28",
			// An app-only request: a servicePrincipalId, no userId.
			ServicePrincipalID: "8b6287d5-c4ca-4105-ac76-33bb500ec7c2", UserPrincipalObjectID: "8b6287d5-c4ca-4105-ac76-33bb500ec7c2",
			IdentityProvider: "https://sts.windows.net/" + graphActivityTenant + "/", ClientAuthMethod: i64(2),
			IdentityType: "app", IPAddress: "192.0.2.77", UserAgent: "OrbitlineReporting/3.4 (+https://reports.example.org)",
			RequestURI: "https://graph.microsoft.com/v1.0/users?$select=id,displayName,userPrincipalName&$top=999",
			Envelope: event.Envelope{
				Format: event.AzureMonitor, Time: time.Date(2025, 3, 16, 4, 31, 5, 500000000, time.UTC),
				Category: "MicrosoftGraphActivityLogs", OperationName: "Microsoft Graph Activity",
				CallerIPAddress: "192.0.2.77", TenantID: graphActivityTenant,
				CorrelationID: "4a2b0d3f-6c8e-4f9a-8b2c-3d4e5f6a7b02", Level: "Informational", Location: "West Europe",
			},
		},
	}
	for i, w := range full {
		if diff := cmp.Diff(w, evs[i]); diff != "" {
			t.Errorf("record %d mismatch (-want +got):\n%s", i+1, diff)
		}
	}
}

// graphActivityRec is a record of the given format at line 3, byte 1000
// of an input, so that error positions are seen to add to the record's.
func graphActivityRec(data string, f event.Format) event.Record {
	return event.Record{Data: []byte(data), Line: 3, Offset: 1000, Format: f}
}

// TestGraphActivityDecodeErrors checks that bad records are reported as
// complete, located *DecodeErrors: the line and byte offset of the bad
// value in the input, its JSON path and what is wrong.
func TestGraphActivityDecodeErrors(t *testing.T) {
	azure := func(envelope, props string) string {
		return `{"time":"2025-03-20T22:15:02Z","operationName":"Microsoft Graph Activity","category":"MicrosoftGraphActivityLogs",` +
			envelope + `"properties":{"requestId":"r"` + props + `}}`
	}
	la := func(cols string) string {
		return `{"TimeGenerated":"2025-03-20T22:15:02Z","RequestId":"r","Type":"MicrosoftGraphActivityLogs"` + cols + `}`
	}
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		line         int
		off          string // where in the record: the first occurrence (or 0 when empty)
		path         string
		err          error
	}{
		{
			name: "string for a string", reason: "requestUri is a string",
			format: event.AzureMonitor, in: azure(``, `,"requestUri":["a"]`),
			off: `["a"]`, path: "properties.requestUri", err: typeErr("a string", "an array"),
		},
		{
			name: "status not a number", reason: "responseStatusCode is an integer, or a string holding one",
			format: event.AzureMonitor, in: azure(``, `,"responseStatusCode":"OK"`),
			off: `"OK"`, path: "properties.responseStatusCode", err: typeErr("an integer or numeric string", `"OK"`),
		},
		{
			name: "status a fraction", reason: "an HTTP status has no fraction",
			format: event.AzureMonitor, in: azure(``, `,"responseStatusCode":200.5`),
			off: `200.5`, path: "properties.responseStatusCode", err: typeErr("an integer or numeric string", "200.5"),
		},
		{
			name: "duration an object", reason: "durationMs is a number",
			format: event.AzureMonitor, in: azure(``, `,"durationMs":{"ms":5}`),
			off: `{"ms"`, path: "properties.durationMs", err: typeErr("an integer or numeric string", "an object"),
		},
		{
			name: "clientAuthMethod a boolean", reason: "clientAuthMethod is 0, 1 or 2",
			format: event.AzureMonitor, in: azure(``, `,"clientAuthMethod":true`),
			off: `true`, path: "properties.clientAuthMethod", err: typeErr("an integer or numeric string", "true"),
		},
		{
			name: "properties not an object", reason: "properties is the request",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:15:02Z","category":"MicrosoftGraphActivityLogs","properties":[1]}`,
			off: `[1]`, path: "properties", err: typeErr("an object", "an array"),
		},
		{
			name: "properties null", reason: "a record without its request is none",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:15:02Z","category":"MicrosoftGraphActivityLogs","properties":null}`,
			off: `null`, path: "properties", err: fmt.Errorf("%w: properties is null", event.ErrNotGraphActivity),
		},
		{
			name: "no properties", reason: "nor is one without properties at all",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:15:02Z","category":"MicrosoftGraphActivityLogs"}`,
			path: "properties", err: fmt.Errorf("%w: no properties", event.ErrNotGraphActivity),
		},
		{
			name: "envelope wrong type", reason: "callerIpAddress is a string",
			format: event.AzureMonitor, in: azure(`"callerIpAddress":5,`, ``),
			off: `5,`, path: "callerIpAddress", err: typeErr("a string", "5"),
		},
		{
			name: "bad record time", reason: "the record's time is the event time, and must be readable",
			format: event.AzureMonitor, in: `{"time":"soon","category":"MicrosoftGraphActivityLogs","properties":{"timeGenerated":"2025-03-20T22:15:02Z"}}`,
			off: `"soon"`, path: "time", err: typeErr("an RFC 3339 timestamp", `"soon"`),
		},
		{
			name: "record time out of range", reason: "event times are in the years 1970 to 9999",
			format: event.AzureMonitor, in: `{"time":"1969-12-31T23:59:59Z","category":"MicrosoftGraphActivityLogs","properties":{"requestId":"r"}}`,
			off: `"1969`, path: "time", err: fmt.Errorf("%w: time 1969-12-31T23:59:59Z is before 1970", event.ErrTimeRange),
		},
		{
			name: "bad timeGenerated without a time", reason: "with no record time, properties.timeGenerated is the event time and must be RFC 3339",
			format: event.AzureMonitor, in: `{"category":"MicrosoftGraphActivityLogs","properties":{"timeGenerated":"3/20/2025 10:15:02 PM"}}`,
			off: `"3/20`, path: "properties.timeGenerated", err: typeErr("an RFC 3339 timestamp", `"3/20/2025 10:15:02 PM"`),
		},
		{
			name: "no time at all", reason: "no record time and no timeGenerated",
			format: event.AzureMonitor, in: `{"category":"MicrosoftGraphActivityLogs","properties":{"requestId":"r"}}`,
			path: "time", err: event.ErrMissingTime,
		},
		{
			name: "null time", reason: "null is no time",
			format: event.AzureMonitor, in: `{"time":null,"category":"MicrosoftGraphActivityLogs","properties":{"requestId":"r"}}`,
			off: `null`, path: "time", err: event.ErrMissingTime,
		},
		{
			name: "truncated", reason: "a record cut short is a syntax error at its end",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:15:02Z","properties":{"requestUri":"https://gr`,
			off: "", path: "properties.requestUri", err: syntaxErr("unexpected end of record (truncated?)"),
		},
		{
			name: "pretty-printed", reason: "the line is that of the bad value",
			format: event.AzureMonitor, in: "{\n  \"time\": \"2025-03-20T22:15:02Z\",\n  \"properties\": {\n    \"userAgent\": false\n  }\n}",
			line: 3, off: `false`, path: "properties.userAgent", err: typeErr("a string", "false"),
		},
		{
			name: "Log Analytics column wrong type", reason: "RequestUri is a string column",
			format: event.LogAnalytics, in: la(`,"RequestUri":7`),
			off: `7}`, path: "RequestUri", err: typeErr("a string", "7"),
		},
		{
			name: "Log Analytics number not a number", reason: "ResponseStatusCode is an int column",
			format: event.LogAnalytics, in: la(`,"ResponseStatusCode":"two hundred"`),
			off: `"two hundred"`, path: "ResponseStatusCode", err: typeErr("an integer or numeric string", `"two hundred"`),
		},
		{
			name: "Log Analytics no TimeGenerated", reason: "a row's event time is TimeGenerated",
			format: event.LogAnalytics, in: `{"RequestId":"r","RequestUri":"https://graph.microsoft.com/v1.0/me","Type":"MicrosoftGraphActivityLogs"}`,
			path: "TimeGenerated", err: event.ErrMissingTime,
		},
		{
			name: "Log Analytics bad TimeGenerated", reason: "and must be readable",
			format: event.LogAnalytics, in: `{"TimeGenerated":"yesterday","RequestId":"r","Type":"MicrosoftGraphActivityLogs"}`,
			off: `"yesterday"`, path: "TimeGenerated", err: typeErr("an RFC 3339 timestamp", `"yesterday"`),
		},
		{
			name: "Graph-format syntax error", reason: "broken JSON is a bad record, not another kind",
			format: event.Graph, in: `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z",}`,
			off: `}`, err: syntaxErr("invalid character '}' looking for beginning of object key"),
		},
		{
			name: "array", reason: "a record is an object",
			format: event.AzureMonitor, in: `[{"category":"MicrosoftGraphActivityLogs"}]`,
			err: notObjectErr("an array"),
		},
		{
			name: "invalid UTF-8 before the problem", reason: "offsets count in the input, not in its repaired copy",
			format: event.AzureMonitor, in: azure(``, ",\"userAgent\":\"caf\xe9\xff\",\"requestUri\":[]"),
			off: `[]}`, path: "properties.requestUri", err: typeErr("a string", "an array"),
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
			want := &event.DecodeError{Source: "graph.json", Line: 3 + tt.line, Offset: 1000 + off, Path: tt.path, Err: tt.err}
			var ev event.GraphActivityEvent
			err := event.DecodeGraphActivity("graph.json", graphActivityRec(tt.in, tt.format), &ev)
			if diff := cmp.Diff(error(want), err, equateErrors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestGraphActivityOtherKinds checks that a record of another kind in a
// Graph activity stream is an *OtherKindError naming its kind, whether
// or not it fits this schema, and that every Graph-format record is one.
func TestGraphActivityOtherKinds(t *testing.T) {
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		kind         string
	}{
		{
			name: "Azure sign-in", reason: "a SignInLogs record is a sign-in",
			format: event.AzureMonitor, kind: "SignInLogs",
			in: `{"time":"2025-03-14T08:55:14Z","operationName":"Sign-in activity","category":"SignInLogs","properties":{"id":"a","createdDateTime":"2025-03-14T08:55:12Z"}}`,
		},
		{
			name: "Azure audit not fitting", reason: "the category decides even when the record does not fit this schema",
			format: event.AzureMonitor, kind: "AuditLogs",
			in: `{"time":"2025-03-14T08:55:14Z","category":"AuditLogs","properties":{"requestUri":{"x":1}}}`,
		},
		{
			name: "Azure risk detection", reason: "another category of the same diagnostic setting",
			format: event.AzureMonitor, kind: "UserRiskEvents",
			in: `{"time":"3/20/2025 10:20:01 PM","category":"UserRiskEvents","properties":{"riskLevel":"high"}}`,
		},
		{
			name: "Log Analytics sign-in", reason: "a SigninLogs row is a sign-in",
			format: event.LogAnalytics, kind: "SigninLogs",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","CreatedDateTime":"2025-03-14T08:55:12Z","Type":"SigninLogs"}`,
		},
		{
			name: "Log Analytics sign-in without Type", reason: "with no Type, a CreatedDateTime tells a sign-in row",
			format: event.LogAnalytics, kind: "signIn",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","CreatedDateTime":"2025-03-14T08:55:12Z","IPAddress":"203.0.113.24"}`,
		},
		{
			name: "Log Analytics audit without Type", reason: "an ActivityDisplayName tells an AuditLogs row",
			format: event.LogAnalytics, kind: "directoryAudit",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","ActivityDisplayName":"Update user"}`,
		},
		{
			name: "Log Analytics risk without Type", reason: "a RiskEventType tells an AADUserRiskEvents row",
			format: event.LogAnalytics, kind: "riskDetection",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","RiskEventType":"passwordSpray"}`,
		},
		{
			name: "Graph signIn", reason: "there is no Graph API for these logs: a Graph object is a signIn, …",
			format: event.Graph, kind: "signIn",
			in: `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z"}`,
		},
		{
			name: "Graph directoryAudit", reason: "… a directoryAudit …",
			format: event.Graph, kind: "directoryAudit",
			in: `{"id":"a","activityDateTime":"2025-03-14T08:55:12Z"}`,
		},
		{
			name: "Graph riskDetection", reason: "… or a riskDetection, as KindOf tells",
			format: event.Graph, kind: "riskDetection",
			in: `{"id":"a","riskEventType":"x","activityDateTime":"2025-03-14T08:55:12Z"}`,
		},
		{
			name: "Graph-shaped properties alone", reason: "even what looks like this type's properties: no such Graph resource exists",
			format: event.Graph, kind: "signIn",
			in: `{"requestUri":"https://graph.microsoft.com/v1.0/me","timeGenerated":"2025-03-20T22:15:02Z"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.GraphActivityEvent
			err := event.DecodeGraphActivity("mixed.jsonl", graphActivityRec(tt.in, tt.format), &ev)
			want := &event.OtherKindError{Source: "mixed.jsonl", Line: 3, Offset: 1000, Kind: tt.kind}
			if diff := cmp.Diff(error(want), err, equateErrors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}

	// The other direction: the sign-in reader counts the Graph activity
	// records as another kind.
	for _, af := range graphActivityFiles {
		t.Run("sign-in reader/"+af.name, func(t *testing.T) {
			f, err := os.Open(graphActivityPath(af.name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := event.NewReader(f)
			evs, err := r.ReadAll()
			if err != nil || len(evs) != 0 {
				t.Fatalf("ReadAll = %d sign-ins, %v; want none and no error", len(evs), err)
			}
			if diff := cmp.Diff(event.Counts{Records: 8, Other: 8}, r.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]int64{"MicrosoftGraphActivityLogs": 8}, r.OtherKinds()); diff != "" {
				t.Errorf("OtherKinds() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGraphActivityMixedStream decodes the sign-in dataset's mixed Azure
// Monitor stream: its one MicrosoftGraphActivityLogs record decodes, and
// every other record is another kind, by its category.
func TestGraphActivityMixedStream(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "formats", "azure-monitor-mixed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := event.NewReader(f)
	kinds := map[string]int{}
	var got []event.GraphActivityEvent
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var ev event.GraphActivityEvent
		var other *event.OtherKindError
		switch err := event.DecodeGraphActivity("", rec, &ev); {
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
		"ADFSSignInLogs": 1, "ProvisioningLogs": 1, "RiskyUsers": 1, "UserRiskEvents": 1, "AuditLogs": 2,
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("other kinds mismatch (-want +got):\n%s", diff)
	}
	if len(got) != 1 {
		t.Fatalf("decoded %d Graph activity entries, want 1", len(got))
	}
	ev := got[0]
	if ev.RequestURI != "https://graph.microsoft.com/v1.0/me" || ev.UserAgent != "curl/8.5.0" || *ev.ResponseStatusCode != 200 ||
		!ev.Time().Equal(time.Date(2025, 3, 21, 10, 0, 0, 0, time.UTC)) || ev.Envelope.Level != "4" || ev.Envelope.ResultType != "Success" {
		t.Errorf("the MicrosoftGraphActivityLogs record decoded as %+v", ev)
	}
}

// TestGraphActivityExactKeys checks that JSON keys match exactly, as
// Splunk's JSON extraction does: a key that differs from a field's only
// by case is another field, and never overwrites (or stands in for) the
// real one.
func TestGraphActivityExactKeys(t *testing.T) {
	azure := func(envelope, props string) string {
		return `{"time":"2025-03-20T22:15:02Z",` + envelope + `"properties":{` + props + `}}`
	}
	type view struct{ URI, UserAgent, Category, Subject string }
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		want         view
	}{
		{
			name: "variant after", reason: `"RequestUri" after "requestUri" must not change the request`,
			format: event.AzureMonitor, in: azure(``, `"requestUri":"https://graph.microsoft.com/v1.0/me","RequestUri":"x"`),
			want: view{URI: "https://graph.microsoft.com/v1.0/me"},
		},
		{
			name: "variant before", reason: "the order of the keys does not matter",
			format: event.AzureMonitor, in: azure(``, `"UserAgent":"x","userAgent":"azurehound/v2.2.1"`),
			want: view{UserAgent: "azurehound/v2.2.1"},
		},
		{
			name: "variant alone", reason: "a variant alone does not fill the field",
			format: event.AzureMonitor, in: azure(``, `"USERAGENT":"azurehound/v2.2.1"`),
			want: view{},
		},
		{
			name: "the odd key", reason: "UserPrincipalObjectID is read as Azure writes it, and its camelCase spelling is a variant",
			format: event.AzureMonitor, in: azure(``, `"userPrincipalObjectId":"x","UserPrincipalObjectID":"d843cad5"`),
			want: view{Subject: "d843cad5"},
		},
		{
			name: "envelope variant", reason: "Category is not category: the record stays this type's",
			format: event.AzureMonitor, in: azure(`"category":"MicrosoftGraphActivityLogs","Category":"SignInLogs",`, `"requestId":"r"`),
			want: view{Category: "MicrosoftGraphActivityLogs"},
		},
		{
			name: "Log Analytics column variant", reason: "userAgent is not the UserAgent column",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-20T22:15:02Z","UserAgent":"curl/8.5.0","userAgent":"azurehound/v2.2.1"}`,
			want: view{UserAgent: "curl/8.5.0", Category: "MicrosoftGraphActivityLogs"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.GraphActivityEvent
			if err := event.DecodeGraphActivity("", graphActivityRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			got := view{ev.RequestURI, ev.UserAgent, ev.Envelope.Category, ev.UserPrincipalObjectID}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestGraphActivityEventTime checks the event time in every format: the
// record's own time, falling back on properties.timeGenerated only when
// an Azure Monitor record has none.
func TestGraphActivityEventTime(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name, reason  string
		format        event.Format
		in            string
		want          time.Time // the event time
		wantGenerated time.Time // TimeGenerated
	}{
		{name: "Azure", reason: "the envelope's time, as Splunk's _time, not properties.timeGenerated",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:15:02.5Z","category":"MicrosoftGraphActivityLogs","properties":{"timeGenerated":"2025-03-20T22:15:01.9Z"}}`,
			want: utc("2025-03-20T22:15:02.5Z"), wantGenerated: utc("2025-03-20T22:15:01.9Z")},
		{name: "Azure US form", reason: "the envelope time in the US form Azure also writes, read as UTC",
			format: event.AzureMonitor, in: `{"time":"3/20/2025 10:15:02 PM","properties":{"timeGenerated":"2025-03-20T22:15:02.4Z"}}`,
			want: utc("2025-03-20T22:15:02Z"), wantGenerated: utc("2025-03-20T22:15:02.4Z")},
		{name: "Azure offset", reason: "an offset is converted to UTC",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T23:15:02+01:00","properties":{"requestId":"r"}}`,
			want: utc("2025-03-20T22:15:02Z")},
		{name: "Azure fallback", reason: "no envelope time: properties.timeGenerated",
			format: event.AzureMonitor, in: `{"category":"MicrosoftGraphActivityLogs","properties":{"timeGenerated":"2025-03-20T22:15:02.1234567Z"}}`,
			want: utc("2025-03-20T22:15:02.1234567Z"), wantGenerated: utc("2025-03-20T22:15:02.1234567Z")},
		{name: "Azure unreadable timeGenerated", reason: "a timeGenerated that is not the event time never fails the record",
			format: event.AzureMonitor, in: `{"time":"2025-03-20T22:15:02Z","properties":{"timeGenerated":"soon"}}`,
			want: utc("2025-03-20T22:15:02Z")},
		{name: "Log Analytics", reason: "TimeGenerated, also the TimeGenerated property",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-20T22:15:02.5Z","RequestId":"r"}`,
			want: utc("2025-03-20T22:15:02.5Z"), wantGenerated: utc("2025-03-20T22:15:02.5Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.GraphActivityEvent
			if err := event.DecodeGraphActivity("", graphActivityRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if got := ev.Time(); !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Time() = %v, want %v in UTC (%s)", got, tt.want, tt.reason)
			}
			if got := ev.TimeGenerated; !got.Equal(tt.wantGenerated) {
				t.Errorf("TimeGenerated = %v, want %v (%s)", got, tt.wantGenerated, tt.reason)
			}
		})
	}
}

// TestGraphActivityNumbers checks that numbers are read from JSON numbers
// and from strings holding them, as the exports write them, and that null
// and "" leave them nil.
func TestGraphActivityNumbers(t *testing.T) {
	tests := []struct {
		name, in string
		format   event.Format
		status   *int64
		auth     *int64
	}{
		{"numbers", `{"time":"2025-03-20T22:15:02Z","properties":{"responseStatusCode":404,"clientAuthMethod":1}}`, event.AzureMonitor, i64(404), i64(1)},
		{"strings", `{"time":"2025-03-20T22:15:02Z","properties":{"responseStatusCode":"404","clientAuthMethod":"1"}}`, event.AzureMonitor, i64(404), i64(1)},
		{"null and empty", `{"time":"2025-03-20T22:15:02Z","properties":{"responseStatusCode":null,"clientAuthMethod":""}}`, event.AzureMonitor, nil, nil},
		{"Log Analytics strings", `{"TimeGenerated":"2025-03-20T22:15:02Z","ResponseStatusCode":"500","ClientAuthMethod":"0"}`, event.LogAnalytics, i64(500), i64(0)},
		{"Log Analytics numbers", `{"TimeGenerated":"2025-03-20T22:15:02Z","ResponseStatusCode":500,"ClientAuthMethod":0}`, event.LogAnalytics, i64(500), i64(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.GraphActivityEvent
			if err := event.DecodeGraphActivity("", graphActivityRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]*int64{tt.status, tt.auth}, []*int64{ev.ResponseStatusCode, ev.ClientAuthMethod}); diff != "" {
				t.Errorf("responseStatusCode, clientAuthMethod (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGraphActivityInvalidUTF8 checks that invalid UTF-8 in a string is
// replaced by U+FFFD, as encoding/json does, in every format.
func TestGraphActivityInvalidUTF8(t *testing.T) {
	for _, tt := range []struct {
		name   string
		format event.Format
		in     string
	}{
		{"Azure Monitor", event.AzureMonitor, "{\"time\":\"2025-03-20T22:15:02Z\",\"properties\":{\"userAgent\":\"caf\xe9\"}}"},
		{"Log Analytics", event.LogAnalytics, "{\"TimeGenerated\":\"2025-03-20T22:15:02Z\",\"UserAgent\":\"caf\xe9\"}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.GraphActivityEvent
			if err := event.DecodeGraphActivity("", graphActivityRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.UserAgent != "caf\uFFFD" {
				t.Errorf("UserAgent = %q, want %q", ev.UserAgent, "caf\uFFFD")
			}
		})
	}
}

// TestDecodeGraphActivityOverwrites checks that DecodeGraphActivity
// overwrites ev entirely: nothing of a previous event survives.
func TestDecodeGraphActivityOverwrites(t *testing.T) {
	ev := fullGraphActivityEvent()
	for _, tt := range []struct {
		name   string
		format event.Format
		in     string
	}{
		{"Azure Monitor", event.AzureMonitor, `{"time":"2025-03-20T22:15:02Z","properties":{"requestId":"r"}}`},
		{"Log Analytics", event.LogAnalytics, `{"TimeGenerated":"2025-03-20T22:15:02Z","RequestId":"r"}`},
	} {
		if err := event.DecodeGraphActivity("", graphActivityRec(tt.in, tt.format), &ev); err != nil {
			t.Fatal(err)
		}
		want := event.GraphActivityEvent{RequestID: "r", Envelope: ev.Envelope, TimeGenerated: ev.TimeGenerated}
		if diff := cmp.Diff(want, ev); diff != "" {
			t.Errorf("%s: a previous event survives (-want +got):\n%s", tt.name, diff)
		}
	}
}
