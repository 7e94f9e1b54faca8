package event_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/escudo-dev/escudo/event"
)

// auditFiles are one logical dataset of directory audit entries stored in
// every supported format (testdata/formats/audit/README.md), with the
// format each must detect.
var auditFiles = []struct {
	name   string
	format event.Format
}{
	{"graph.jsonl", event.Graph},
	{"graph-page.json", event.Graph},
	{"azure-monitor.jsonl", event.AzureMonitor},
	{"azure-monitor-eventhub.json", event.AzureMonitor},
	{"log-analytics.json", event.LogAnalytics},
}

// auditPath is the path of a file of the audit dataset.
func auditPath(name string) string { return filepath.Join("..", "testdata", "formats", "audit", name) }

// readAuditRecords frames a file with a Reader (set to format f) and
// decodes every record with DecodeAudit. It returns the events and the
// format of the first record.
func readAuditRecords(t *testing.T, path string, f event.Format) ([]event.AuditEvent, event.Format) {
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
	var evs []event.AuditEvent
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
		var ev event.AuditEvent
		if err := event.DecodeAudit(name, rec, &ev); err != nil {
			t.Fatalf("DecodeAudit: %v", err)
		}
		evs = append(evs, ev)
	}
}

// TestAuditFormatsDecodeEqual reads the same audit entries from every
// format and layout, detected and selected, and checks that they decode
// to the same events as the Graph JSON lines, the envelope aside, and
// that each format's envelope is what it should be.
func TestAuditFormatsDecodeEqual(t *testing.T) {
	want, _ := readAuditRecords(t, auditPath("graph.jsonl"), event.Auto)
	if len(want) != 15 {
		t.Fatalf("reference dataset has %d entries, want 15", len(want))
	}
	noEnvelope := cmpopts.IgnoreFields(event.AuditEvent{}, "Envelope")
	for _, af := range auditFiles {
		for _, explicit := range []event.Format{event.Auto, af.format} {
			t.Run(af.name+"/"+explicit.String(), func(t *testing.T) {
				got, detected := readAuditRecords(t, auditPath(af.name), explicit)
				if detected != af.format {
					t.Errorf("record format = %v, want %v", detected, af.format)
				}
				if diff := cmp.Diff(want, got, noEnvelope); diff != "" {
					t.Errorf("events differ from graph.jsonl (-want +got):\n%s", diff)
				}
				for i, ev := range got {
					env := ev.Envelope
					var wantEnv event.Envelope
					switch af.format {
					case event.Graph:
						// Synthesised from the entry (audit_decode.go).
						wantEnv = event.Envelope{
							Format: event.Graph, Category: "AuditLogs", OperationName: ev.ActivityDisplayName,
							CorrelationID: ev.CorrelationID, CallerIPAddress: ev.InitiatedBy.User.IPAddress,
						}
					case event.AzureMonitor:
						// The dataset's envelope: time is the activity's instant.
						wantEnv = event.Envelope{
							Format: event.AzureMonitor, Time: ev.ActivityDateTime, Category: "AuditLogs",
							OperationName: ev.ActivityDisplayName, ResultDescription: env.ResultDescription,
							CallerIPAddress: ev.InitiatedBy.User.IPAddress, TenantID: auditTenant,
							CorrelationID: ev.CorrelationID, Identity: env.Identity, Level: "4",
						}
					case event.LogAnalytics:
						// TimeGenerated trails the activity by 3 s.
						wantEnv = event.Envelope{
							Format: event.LogAnalytics, Time: ev.ActivityDateTime.Add(3 * time.Second), Category: "AuditLogs",
							OperationName: ev.ActivityDisplayName, ResultDescription: env.ResultDescription,
							CallerIPAddress: ev.InitiatedBy.User.IPAddress, TenantID: auditTenant,
							CorrelationID: ev.CorrelationID, Identity: env.Identity, Level: "4",
						}
					}
					if diff := cmp.Diff(wantEnv, env); diff != "" {
						t.Errorf("record %d: envelope mismatch (-want +got):\n%s", i+1, diff)
					}
				}
			})
		}
	}
}

// auditTenant is the dataset's tenant.
const auditTenant = "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c"

// TestAuditDataset checks the reference copy of the dataset record by
// record against the table of testdata/formats/audit/README.md, and three
// records field by field.
func TestAuditDataset(t *testing.T) {
	evs, _ := readAuditRecords(t, auditPath("graph.jsonl"), event.Graph)
	type row struct {
		Activity, Time, Result, By string
		Targets, Modified          int
	}
	want := []row{
		{"Add member to role", "2025-03-10T14:02:11.4821937Z", "success", "priya.raman@example.com", 2, 4},
		{"Consent to application", "2025-03-14T09:24:58.1234567Z", "failure", "nadia.okafor@example.com", 1, 7},
		{"Add service principal", "2025-03-16T04:31:12Z", "success", "Tallyhaus Deployment Pipeline", 1, 6},
		{"Update application", "2025-03-22T13:30:02.5550001Z", "success", "elliot.grant@example.com", 1, 2},
		{"Add app role assignment to service principal", "2025-03-22T13:31:40Z", "success", "Tallyhaus Deployment Pipeline", 2, 9},
		{"Invite external user", "2025-03-19T16:01:03.2718281Z", "success", "hana.kobayashi@example.com", 1, 0},
		{"Update user", "2025-03-24T10:15:27.0830004Z", "success", "elliot.grant@example.com", 1, 2},
		{"Disable Strong Authentication", "2025-03-20T22:20:45Z", "success", "priya.raman@example.com", 1, 2},
		{"Add owner to service principal", "2025-03-22T13:33:05.9Z", "success", "elliot.grant@example.com", 2, 4},
		{"Update authorization policy", "2025-03-18T14:30:19Z", "success", "hana.kobayashi@example.com", 1, 2},
		{"Set domain authentication", "2025-03-11T07:45:00.9999999Z", "success", "dana.whitfield_example.net#EXT#@example.com", 1, 2},
		{"User registered security info", "2025-03-21T09:10:44.321Z", "success", "hana.kobayashi@example.com", 1, 0},
		{"Consent to application", "2025-03-12T10:20:31Z", "success", "elliot.grant@example.com", 1, 6},
		{"Add member to role", "2025-03-13T02:10:55Z", "success", "priya.raman@example.com", 2, 4},
		{"Add member to group", "2025-03-17T11:50:00Z", "success", "hana.kobayashi@example.com", 2, 2},
	}
	var got []row
	for _, ev := range evs {
		r := row{
			Activity: ev.ActivityDisplayName, Time: ev.Time().Format(time.RFC3339Nano), Result: ev.Result,
			By: ev.InitiatedBy.User.UserPrincipalName, Targets: len(ev.TargetResources),
		}
		if r.By == "" {
			r.By = ev.InitiatedBy.App.DisplayName
		}
		for _, tr := range ev.TargetResources {
			r.Modified += len(tr.ModifiedProperties)
		}
		got = append(got, r)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dataset mismatch (-want +got):\n%s", diff)
	}
	if len(evs) != len(want) {
		t.FailNow()
	}

	graph := event.Envelope{Format: event.Graph, Category: "AuditLogs"}
	withEnv := func(e event.Envelope, op, corr, ip string) event.Envelope {
		e.OperationName, e.CorrelationID, e.CallerIPAddress = op, corr, ip
		return e
	}
	full := []struct {
		index int
		want  event.AuditEvent
	}{
		{0, event.AuditEvent{
			ID:                  "Directory_b2e4a6c8-1d3f-4a5b-9c7d-0e2f4a6b8c01_FLAW0_40218865",
			ActivityDateTime:    time.Date(2025, 3, 10, 14, 2, 11, 482193700, time.UTC),
			ActivityDisplayName: "Add member to role",
			AdditionalDetails:   []event.KeyValue{},
			Category:            "RoleManagement",
			CorrelationID:       "b2e4a6c8-1d3f-4a5b-9c7d-0e2f4a6b8c01",
			InitiatedBy: event.AuditActivityInitiator{User: event.AuditUserIdentity{
				ID: "f6189ea3-aa2f-4806-a514-74a311e8435e", UserPrincipalName: "priya.raman@example.com", IPAddress: "198.51.100.77",
			}},
			LoggedByService: "Core Directory",
			OperationType:   "Assign",
			Result:          "success",
			TargetResources: []event.TargetResource{
				{ID: "d843cad5-ec86-4567-8bbd-ca91c49d479c", Type: "User", UserPrincipalName: "marcus.webb@example.net",
					ModifiedProperties: []event.ModifiedProperty{
						{DisplayName: "Role.ObjectID", NewValue: `"a3c1e5f7-9b2d-4c6e-8a1f-3b5d7f9a1c22"`},
						{DisplayName: "Role.DisplayName", NewValue: `"Global Administrator"`},
						{DisplayName: "Role.TemplateId", NewValue: `"62e90394-69f5-4237-9190-012177145e10"`},
						{DisplayName: "Role.WellKnownObjectName", NewValue: `"TenantAdmins"`},
					}},
				{ID: "a3c1e5f7-9b2d-4c6e-8a1f-3b5d7f9a1c22", Type: "Role", ModifiedProperties: []event.ModifiedProperty{}},
			},
			Envelope: withEnv(graph, "Add member to role", "b2e4a6c8-1d3f-4a5b-9c7d-0e2f4a6b8c01", "198.51.100.77"),
		}},
		{3, event.AuditEvent{
			ID:                  "Directory_d4a6c8e0-3f5b-4c7d-9e9f-2a4b6c8d0e23_HQ2LE_90331274",
			ActivityDateTime:    time.Date(2025, 3, 22, 13, 30, 2, 555000100, time.UTC),
			ActivityDisplayName: "Update application",
			AdditionalDetails: []event.KeyValue{
				{Key: "User-Agent", Value: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.0.0"},
				{Key: "AppId", Value: "7e2b9c41-5d3a-4f8e-9b16-2a4c6e8f0a13"},
			},
			Category:      "ApplicationManagement",
			CorrelationID: "d4a6c8e0-3f5b-4c7d-9e9f-2a4b6c8d0e23",
			InitiatedBy: event.AuditActivityInitiator{User: event.AuditUserIdentity{
				ID: "2bb6b362-0afe-4a25-80bb-080a53bf94da", UserPrincipalName: "elliot.grant@example.com", IPAddress: "198.51.100.23",
			}},
			LoggedByService: "Core Directory",
			OperationType:   "Update",
			Result:          "success",
			TargetResources: []event.TargetResource{
				{ID: "1f3a5c7e-9b2d-4e6f-8a0c-3b5d7f9e1a24", DisplayName: "Tallyhaus Analytics", Type: "Application",
					ModifiedProperties: []event.ModifiedProperty{
						{
							DisplayName: "RequiredResourceAccess",
							// JSON text, kept as the string decodes: not parsed.
							OldValue: `[{"ResourceAppId":"00000003-0000-0000-c000-000000000000","RequiredAppPermissions":[{"EntitlementId":"e1fe6dd8-ba31-4d61-89e7-88639da4683d","DirectAccessGrant":false,"ImpersonationAccessGrants":[20]}],"EncodingVersion":1}]`,
							NewValue: `[{"ResourceAppId":"00000003-0000-0000-c000-000000000000","RequiredAppPermissions":[{"EntitlementId":"e1fe6dd8-ba31-4d61-89e7-88639da4683d","DirectAccessGrant":false,"ImpersonationAccessGrants":[20]}],"EncodingVersion":1},` +
								`{"ResourceAppId":"00000002-0000-0ff1-ce00-000000000000","RequiredAppPermissions":[{"EntitlementId":"dc890d15-9560-4a4c-9b7f-a736ec74ec40","DirectAccessGrant":true,"ImpersonationAccessGrants":[]}],"EncodingVersion":1}]`,
						},
						{DisplayName: "Included Updated Properties", NewValue: `"RequiredResourceAccess"`},
					}},
			},
			Envelope: withEnv(graph, "Update application", "d4a6c8e0-3f5b-4c7d-9e9f-2a4b6c8d0e23", "198.51.100.23"),
		}},
		{4, event.AuditEvent{
			ID:                  "Directory_e5b7d9f1-4a6c-4d8e-8f0a-3b5c7d9e1f34_U7TQ2_90331807",
			ActivityDateTime:    time.Date(2025, 3, 22, 13, 31, 40, 0, time.UTC),
			ActivityDisplayName: "Add app role assignment to service principal",
			AdditionalDetails:   []event.KeyValue{},
			Category:            "ApplicationManagement",
			CorrelationID:       "e5b7d9f1-4a6c-4d8e-8f0a-3b5c7d9e1f34",
			// An app initiator: user is null, appId and servicePrincipalName too.
			InitiatedBy: event.AuditActivityInitiator{App: event.AppIdentity{
				DisplayName: "Tallyhaus Deployment Pipeline", ServicePrincipalID: "8a1c3e5f-7b9d-4f1a-9c3e-6d8f0a2c4e57",
			}},
			LoggedByService: "Core Directory",
			OperationType:   "Assign",
			Result:          "success",
			TargetResources: []event.TargetResource{
				{ID: "0b2d4f6a-8c0e-4a2c-8e4a-7f9b1d3f5a68", DisplayName: "Office 365 Exchange Online", Type: "ServicePrincipal",
					ModifiedProperties: []event.ModifiedProperty{
						{DisplayName: "AppRole.Id", NewValue: `"dc890d15-9560-4a4c-9b7f-a736ec74ec40"`},
						{DisplayName: "AppRole.Value", NewValue: `"full_access_as_app"`},
						{DisplayName: "AppRole.DisplayName", NewValue: `"Use Exchange Web Services with full access to all mailboxes"`},
						{DisplayName: "AppRoleAssignment.CreatedDateTime", NewValue: `"3/22/2025 1:31:40 PM"`},
						{DisplayName: "AppRoleAssignment.LastModifiedDateTime", NewValue: `"3/22/2025 1:31:40 PM"`},
						{DisplayName: "ServicePrincipal.ObjectID", NewValue: `"4c6e8a0b-2d4f-4a6c-8e0a-5c7e9a1b3d46"`},
						{DisplayName: "ServicePrincipal.DisplayName", NewValue: `"Tallyhaus Analytics"`},
						{DisplayName: "ServicePrincipal.AppId", NewValue: `"7e2b9c41-5d3a-4f8e-9b16-2a4c6e8f0a13"`},
						{DisplayName: "ServicePrincipal.Name", NewValue: `"7e2b9c41-5d3a-4f8e-9b16-2a4c6e8f0a13"`},
					}},
				{ID: "4c6e8a0b-2d4f-4a6c-8e0a-5c7e9a1b3d46", DisplayName: "Tallyhaus Analytics", Type: "ServicePrincipal", ModifiedProperties: []event.ModifiedProperty{}},
			},
			// No callerIpAddress: the initiator is an app.
			Envelope: withEnv(graph, "Add app role assignment to service principal", "e5b7d9f1-4a6c-4d8e-8f0a-3b5c7d9e1f34", ""),
		}},
	}
	for _, f := range full {
		if diff := cmp.Diff(f.want, evs[f.index]); diff != "" {
			t.Errorf("record %d mismatch (-want +got):\n%s", f.index+1, diff)
		}
	}
}

// at returns the byte offset of the first sub in s, failing the test when
// there is none.
func at(t *testing.T, s, sub string) int64 {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q not in %q", sub, s)
	}
	return int64(i)
}

// auditRec is a record of the given format at line 3, byte 1000 of an
// input, so that error positions are seen to add to the record's.
func auditRec(data string, f event.Format) event.Record {
	return event.Record{Data: []byte(data), Line: 3, Offset: 1000, Format: f}
}

// TestAuditDecodeErrors checks that bad records are reported as complete,
// located *DecodeErrors: the line and byte offset of the bad value in the
// input, its JSON path and what is wrong.
func TestAuditDecodeErrors(t *testing.T) {
	const when = `"activityDateTime":"2025-03-14T09:24:58Z"`
	azure := func(envelope, props string) string {
		return `{"time":"2025-03-14T09:25:00Z","operationName":"Consent to application","category":"AuditLogs",` + envelope + `"properties":{` + props + `}}`
	}
	la := func(cols string) string {
		return `{"TimeGenerated":"2025-03-14T09:25:01Z","ActivityDateTime":"2025-03-14T09:24:58Z","Type":"AuditLogs",` + cols + `}`
	}
	inJSONText := func(err error) error { return fmt.Errorf("in the JSON text: %w", err) }
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		// line (added to the record's 3), and where in the record: the
		// first occurrence of off (or 0 when empty).
		line int
		off  string
		path string
		err  error
	}{
		{
			name: "number for a string", reason: "result is a string in the Graph schema",
			format: event.Graph, in: `{` + when + `,"result":5}`,
			off: `5}`, path: "result", err: typeErr("a string", "5"),
		},
		{
			name: "nested wrong type", reason: "a modified property's newValue is a string, even when it holds JSON",
			format: event.Graph, in: `{` + when + `,"targetResources":[{"id":"a"},{"modifiedProperties":[{"newValue":{"x":1}}]}]}`,
			off: `{"x"`, path: "targetResources[1].modifiedProperties[0].newValue", err: typeErr("a string", "an object"),
		},
		{
			name: "object for an array", reason: "targetResources is a collection",
			format: event.Graph, in: `{` + when + `,"targetResources":{"id":"a"}}`,
			off: `{"id"`, path: "targetResources", err: typeErr("an array", "an object"),
		},
		{
			name: "string for an object", reason: "initiatedBy.user is an object",
			format: event.Graph, in: `{` + when + `,"initiatedBy":{"user":"priya"}}`,
			off: `"priya"`, path: "initiatedBy.user", err: typeErr("an object", `"priya"`),
		},
		{
			name: "bad activityDateTime", reason: "the event time must be RFC 3339",
			format: event.Graph, in: `{"id":"a","activityDateTime":"2025-03-14 09:24"}`,
			off: `"2025-03-14 09:24"`, path: "activityDateTime", err: typeErr("an RFC 3339 timestamp", `"2025-03-14 09:24"`),
		},
		{
			name: "activityDateTime a number", reason: "the event time is a string",
			format: event.Graph, in: `{"id":"a","activityDateTime":1741944298}`,
			off: `1741944298`, path: "activityDateTime", err: typeErr("an RFC 3339 timestamp", "1741944298"),
		},
		{
			name: "before 1970", reason: "event times are in the years 1970 to 9999",
			format: event.Graph, in: `{"id":"a","activityDateTime":"1969-12-31T23:59:59Z"}`,
			off: `"1969`, path: "activityDateTime", err: fmt.Errorf("%w: time 1969-12-31T23:59:59Z is before 1970", event.ErrTimeRange),
		},
		{
			name: "missing time", reason: "a Graph entry has no other time to fall back on",
			format: event.Graph, in: `{"id":"a","activityDisplayName":"Update user"}`,
			path: "activityDateTime", err: event.ErrMissingTime,
		},
		{
			name: "null time", reason: "null is no time",
			format: event.Graph, in: `{"id":"a","activityDateTime":null}`,
			off: `null`, path: "activityDateTime", err: event.ErrMissingTime,
		},
		{
			name: "array", reason: "a record is an object",
			format: event.Graph, in: `[{"id":"a"}]`,
			err: notObjectErr("an array"),
		},
		{
			name: "null record", reason: "a record is an object",
			format: event.Auto, in: `null`,
			err: notObjectErr("null"),
		},
		{
			name: "truncated", reason: "a record cut short is a syntax error at its end",
			format: event.Graph, in: `{"id":"a","activityDateTime":"2025-03`,
			off: "", path: "activityDateTime", err: syntaxErr("unexpected end of record (truncated?)"),
		},
		{
			name: "pretty-printed", reason: "the line is that of the bad value",
			format: event.Graph, in: "{\n  \"id\": \"a\",\n  \"result\": true,\n" + `  ` + when + "\n}",
			line: 2, off: `true`, path: "result", err: typeErr("a string", "true"),
		},
		{
			name: "Azure properties not an object", reason: "properties is the directoryAudit",
			format: event.AzureMonitor, in: `{"time":"2025-03-14T09:25:00Z","category":"AuditLogs","properties":"x"}`,
			off: `"x"`, path: "properties", err: typeErr("an object", `"x"`),
		},
		{
			name: "Azure properties null", reason: "an AuditLogs record without its entry is not an audit entry",
			format: event.AzureMonitor, in: `{"time":"2025-03-14T09:25:00Z","category":"AuditLogs","properties":null}`,
			off: `null`, path: "properties", err: fmt.Errorf("%w: properties is null", event.ErrNotAudit),
		},
		{
			name: "Azure no properties", reason: "nor is one without properties at all",
			format: event.AzureMonitor, in: `{"time":"2025-03-14T09:25:00Z","category":"AuditLogs","operationName":"Update user"}`,
			path: "properties", err: fmt.Errorf("%w: no properties", event.ErrNotAudit),
		},
		{
			name: "Azure nested wrong type", reason: "the path names the value under properties",
			format: event.AzureMonitor, in: azure(``, when+`,"targetResources":[{"type":7}]`),
			off: `7}`, path: "properties.targetResources[0].type", err: typeErr("a string", "7"),
		},
		{
			name: "Azure envelope wrong type", reason: "callerIpAddress is a string",
			format: event.AzureMonitor, in: azure(`"callerIpAddress":["192.0.2.1"],`, when),
			off: `["192`, path: "callerIpAddress", err: typeErr("a string", "an array"),
		},
		{
			name: "Azure bad activityDateTime", reason: "the event time is properties.activityDateTime",
			format: event.AzureMonitor, in: azure(``, `"activityDateTime":"yesterday"`),
			off: `"yesterday"`, path: "properties.activityDateTime", err: typeErr("an RFC 3339 timestamp", `"yesterday"`),
		},
		{
			name: "Azure bad record time", reason: "without activityDateTime the record time is the event time, and must be readable",
			format: event.AzureMonitor, in: `{"time":"soon","category":"AuditLogs","properties":{"id":"a"}}`,
			off: `"soon"`, path: "time", err: typeErr("an RFC 3339 timestamp", `"soon"`),
		},
		{
			name: "Azure no time at all", reason: "no activityDateTime and no record time",
			format: event.AzureMonitor, in: `{"category":"AuditLogs","properties":{"id":"a"}}`,
			path: "properties.activityDateTime", err: event.ErrMissingTime,
		},
		{
			name: "Log Analytics column wrong type", reason: "Result is a string column",
			format: event.LogAnalytics, in: la(`"Result":0`),
			off: `0}`, path: "Result", err: typeErr("a string", "0"),
		},
		{
			name: "Log Analytics dynamic text wrong type", reason: "an error inside a dynamic column's JSON text names the column and the path in it, at the column",
			format: event.LogAnalytics, in: la(`"TargetResources":"[{\"type\":5}]"`),
			off: `"[{`, path: "TargetResources[0].type", err: inJSONText(typeErr("a string", "5")),
		},
		{
			name: "Log Analytics dynamic JSON wrong type", reason: "a dynamic column as real JSON is located exactly",
			format: event.LogAnalytics, in: la(`"InitiatedBy":{"user":[]}`),
			off: `[]}`, path: "InitiatedBy.user", err: typeErr("an object", "an array"),
		},
		{
			name: "Log Analytics dynamic not JSON", reason: "a dynamic column's text must be JSON",
			format: event.LogAnalytics, in: la(`"AdditionalDetails":"not json"`),
			off: `"not json"`, path: "AdditionalDetails", err: inJSONText(syntaxErr("invalid character 'o' in literal null")),
		},
		{
			name: "Log Analytics dynamic wrong container", reason: "InitiatedBy holds an object",
			format: event.LogAnalytics, in: la(`"InitiatedBy":"[1]"`),
			off: `"[1]"`, path: "InitiatedBy", err: inJSONText(typeErr("an object", "an array")),
		},
		{
			name: "Log Analytics bad ActivityDateTime", reason: "the event time is ActivityDateTime",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-14T09:25:01Z","ActivityDateTime":"14/03/2025","Type":"AuditLogs"}`,
			off: `"14/03/2025"`, path: "ActivityDateTime", err: typeErr("an RFC 3339 timestamp", `"14/03/2025"`),
		},
		{
			name: "invalid UTF-8 before the problem", reason: "offsets count in the input, not in its repaired copy",
			format: event.Graph, in: "{" + when + ",\"resultReason\":\"caf\xe9\xff\",\"result\":[]}",
			off: `[]}`, path: "result", err: typeErr("a string", "an array"),
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
			want := &event.DecodeError{Source: "audit.json", Line: 3 + tt.line, Offset: 1000 + off, Path: tt.path, Err: tt.err}
			var ev event.AuditEvent
			err := event.DecodeAudit("audit.json", auditRec(tt.in, tt.format), &ev)
			if diff := cmp.Diff(error(want), err, equateErrors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestAuditOtherKinds checks both directions of a mixed stream: a record
// of another kind in an audit stream is an *OtherKindError naming its
// kind, whether or not it fits the audit schema, and an audit record is
// one in a sign-in stream.
func TestAuditOtherKinds(t *testing.T) {
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		kind         string
	}{
		{
			name: "Azure sign-in", reason: "a SignInLogs record is a sign-in",
			format: event.AzureMonitor, kind: "SignInLogs",
			in: `{"time":"2025-03-14T08:55:14Z","operationName":"Sign-in activity","category":"SignInLogs","properties":{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","status":{"errorCode":0}}}`,
		},
		{
			name: "Azure sign-in not fitting", reason: "the category decides even when the record does not fit the audit schema",
			format: event.AzureMonitor, kind: "NonInteractiveUserSignInLogs",
			in: `{"time":"2025-03-14T08:55:14Z","category":"NonInteractiveUserSignInLogs","properties":{"targetResources":"none","initiatedBy":5}}`,
		},
		{
			name: "Azure legacy audit", reason: "the pre-2019 category Audit has another schema",
			format: event.AzureMonitor, kind: "Audit",
			in: `{"time":"2018-08-30T20:03:22Z","category":"Audit","properties":{"targetUpdatedProperties":[]}}`,
		},
		{
			name: "Azure provisioning", reason: "another category of the same diagnostic setting",
			format: event.AzureMonitor, kind: "ProvisioningLogs",
			in: `{"time":"2025-03-14T08:55:14Z","category":"ProvisioningLogs","properties":{"activityDateTime":"2025-03-14T08:55:12Z","provisioningSteps":[]}}`,
		},
		{
			name: "Azure sign-in without category", reason: "with no category, the properties' shape tells a signIn",
			format: event.AzureMonitor, kind: "signIn",
			in: `{"time":"2025-03-14T08:55:14Z","operationName":"Sign-in activity","properties":{"createdDateTime":"2025-03-14T08:55:12Z"}}`,
		},
		{
			name: "Log Analytics sign-in", reason: "a SigninLogs row is a sign-in",
			format: event.LogAnalytics, kind: "SigninLogs",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","CreatedDateTime":"2025-03-14T08:55:12Z","Type":"SigninLogs","ResultType":"0"}`,
		},
		{
			name: "Log Analytics sign-in not fitting", reason: "the table decides even when the row does not fit",
			format: event.LogAnalytics, kind: "AADNonInteractiveUserSignInLogs",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","Type":"AADNonInteractiveUserSignInLogs","Result":{"x":1}}`,
		},
		{
			name: "Log Analytics sign-in without Type", reason: "with no Type, a CreatedDateTime without ActivityDateTime tells a sign-in row",
			format: event.LogAnalytics, kind: "signIn",
			in: `{"TimeGenerated":"2025-03-14T08:55:14Z","CreatedDateTime":"2025-03-14T08:55:12Z","ResultType":"0"}`,
		},
		{
			name: "Graph signIn", reason: "a Graph signIn has createdDateTime and no activityDateTime",
			format: event.Graph, kind: "signIn",
			in: `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","userPrincipalName":"nadia.okafor@example.com","status":{"errorCode":0}}`,
		},
		{
			name: "Graph signIn not fitting", reason: "told apart by its keys even when it does not fit",
			format: event.Graph, kind: "signIn",
			in: `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","result":{"code":0}}`,
		},
		{
			name: "Graph provisioning", reason: "a provisioningObjectSummary has an activityDateTime too, and provisioningSteps",
			format: event.Graph, kind: "provisioningObjectSummary",
			in: `{"id":"a","activityDateTime":"2025-03-14T08:55:12Z","jobId":"j","provisioningSteps":[],"initiatedBy":{"id":"x","displayName":"Azure AD Provisioning Service","initiatorType":"system"}}`,
		},
		{
			name: "Graph provisioning not fitting", reason: "told apart by its keys even when it does not fit",
			format: event.Graph, kind: "provisioningObjectSummary",
			in: `{"activityDateTime":"2025-03-14T08:55:12Z","provisioningSteps":[],"modifiedProperties":[],"result":[]}`,
		},
		{
			name: "Graph riskDetection", reason: "a riskDetection has an activityDateTime too, and a riskEventType",
			format: event.Graph, kind: "riskDetection",
			in: `{"id":"a","riskEventType":"unfamiliarFeatures","riskLevel":"medium","activityDateTime":"2025-03-20T22:13:41Z","lastUpdatedDateTime":"2025-03-20T22:20:01Z"}`,
		},
		{
			name: "Graph riskDetection by its detectedDateTime", reason: "a riskEventType that is null leaves the detectedDateTime to tell it",
			format: event.Graph, kind: "riskDetection",
			in: `{"id":"a","riskEventType":null,"activityDateTime":"2025-03-20T22:13:41Z","detectedDateTime":"2025-03-20T22:13:41Z"}`,
		},
		{
			name: "Graph riskDetection not fitting", reason: "told apart by its keys even when it does not fit",
			format: event.Graph, kind: "riskDetection",
			in: `{"activityDateTime":"2025-03-20T22:13:41Z","detectedDateTime":"x","result":{"code":0}}`,
		},
		{
			name: "auto", reason: "with the format detected, the same",
			format: event.Auto, kind: "SignInLogs",
			in: `{"time":"2025-03-14T08:55:14Z","operationName":"Sign-in activity","category":"SignInLogs","properties":{"id":"a"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.AuditEvent
			err := event.DecodeAudit("mixed.jsonl", auditRec(tt.in, tt.format), &ev)
			want := &event.OtherKindError{Source: "mixed.jsonl", Line: 3, Offset: 1000, Kind: tt.kind}
			if diff := cmp.Diff(error(want), err, equateErrors); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}

	t.Run("broken sign-in", func(t *testing.T) {
		// Broken JSON is a bad record, whatever its keys say.
		in := `{"id":"a","createdDateTime":"2025-03-14T08:55:12Z","result":`
		var ev event.AuditEvent
		err := event.DecodeAudit("", auditRec(in, event.Graph), &ev)
		if de := (*event.DecodeError)(nil); !errors.As(err, &de) || !errors.Is(err, event.ErrSyntax) {
			t.Errorf("DecodeAudit = %v, want a *DecodeError for invalid JSON", err)
		}
	})

	// The other direction: the sign-in reader counts the audit records of
	// the Azure Monitor and Log Analytics files as another kind.
	for _, name := range []string{"azure-monitor.jsonl", "azure-monitor-eventhub.json", "log-analytics.json"} {
		t.Run("sign-in reader/"+name, func(t *testing.T) {
			f, err := os.Open(auditPath(name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := event.NewReader(f)
			evs, err := r.ReadAll()
			if err != nil || len(evs) != 0 {
				t.Fatalf("ReadAll = %d sign-ins, %v; want none and no error", len(evs), err)
			}
			if diff := cmp.Diff(event.Counts{Records: 15, Other: 15}, r.Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(map[string]int64{"AuditLogs": 15}, r.OtherKinds()); diff != "" {
				t.Errorf("OtherKinds() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuditMixedStream decodes the sign-in dataset's mixed Azure Monitor
// stream with the audit decoder: its two AuditLogs records decode, and
// every other record is another kind, by its category.
func TestAuditMixedStream(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "formats", "azure-monitor-mixed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := event.NewReader(f)
	kinds := map[string]int{}
	var audits []event.AuditEvent
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
		switch err := event.DecodeAudit("", rec, &ev); {
		case err == nil:
			audits = append(audits, ev)
		case errors.As(err, &other):
			kinds[other.Kind]++
		default:
			t.Fatalf("line %d: %v", rec.Line, err)
		}
	}
	want := map[string]int{
		"SignInLogs": 18, "NonInteractiveUserSignInLogs": 5, "ServicePrincipalSignInLogs": 2, "ManagedIdentitySignInLogs": 2,
		"ADFSSignInLogs": 1, "ProvisioningLogs": 1, "RiskyUsers": 1, "UserRiskEvents": 1, "MicrosoftGraphActivityLogs": 1,
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("other kinds mismatch (-want +got):\n%s", diff)
	}
	if len(audits) != 2 {
		t.Fatalf("decoded %d audit entries, want 2", len(audits))
	}
	ev := audits[0]
	if ev.ActivityDisplayName != "Consent to application" || ev.Result != "failure" ||
		!ev.Time().Equal(time.Date(2025, 3, 14, 9, 24, 58, 123456700, time.UTC)) ||
		ev.Envelope.Time.Equal(ev.Time()) || ev.Envelope.Identity != "Nadia Okafor" || ev.Envelope.ResultType != "Failure" {
		t.Errorf("first AuditLogs record decoded as %+v", ev)
	}
}

// TestAuditExactKeys checks that JSON keys match exactly at every depth
// of every format, as Splunk's JSON extraction does: a key that differs
// from a field's only by case is another field, and never overwrites (or
// stands in for) the real one.
func TestAuditExactKeys(t *testing.T) {
	const when = `"activityDateTime":"2025-03-14T09:24:58Z"`
	azure := func(envelope, props string) string {
		return `{"time":"2025-03-14T09:25:00Z","operationName":"Update user",` + envelope + `"properties":{` + when + `,` + props + `}}`
	}
	type view struct {
		Result, Category, Type, UPN, NewValue string
	}
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		want         view
	}{
		{
			name: "variant after", reason: `"RESULT":"success" after "result":"failure" must not turn the failure into a success`,
			format: event.Graph, in: `{` + when + `,"result":"failure","RESULT":"success"}`,
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "variant before", reason: "the order of the keys does not matter",
			format: event.Graph, in: `{` + when + `,"Result":"success","result":"failure"}`,
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "variant alone", reason: "a variant alone does not fill the field",
			format: event.Graph, in: `{` + when + `,"RESULT":"success"}`,
			want: view{Category: "AuditLogs"},
		},
		{
			name: "Type of Graph's example", reason: "Graph's example spells a target's type Type: another key, not read",
			format: event.Graph, in: `{` + when + `,"targetResources":[{"Type":"User","userPrincipalName":"a@example.com"}]}`,
			want: view{Category: "AuditLogs", UPN: "a@example.com"},
		},
		{
			name: "nested variant", reason: "TYPE beside type leaves type",
			format: event.Graph, in: `{` + when + `,"targetResources":[{"type":"User","TYPE":"Role"}]}`,
			want: view{Category: "AuditLogs", Type: "User"},
		},
		{
			name: "modified property variant", reason: "NewValue is not newValue",
			format: event.Graph, in: `{` + when + `,"targetResources":[{"modifiedProperties":[{"newValue":"[true]","NewValue":"[false]"}]}]}`,
			want: view{Category: "AuditLogs", NewValue: "[true]"},
		},
		{
			name: "escaped exact key", reason: "an escape that spells the key exactly is the key",
			format: event.Graph, in: `{` + when + `,"res\u0075lt":"failure"}`,
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "escaped variant", reason: "an escaped variant is a variant",
			format: event.Graph, in: `{` + when + `,"result":"failure","RES\u0055LT":"success"}`,
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "envelope variant", reason: "Category is not category: the record stays an audit entry",
			format: event.AzureMonitor, in: azure(`"category":"AuditLogs","Category":"SignInLogs",`, `"result":"failure"`),
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "properties variant", reason: "inside properties too",
			format: event.AzureMonitor, in: azure(`"category":"AuditLogs",`, `"result":"failure","Result":"success"`),
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "Log Analytics column variant", reason: "result is not the Result column",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-14T09:25:01Z","ActivityDateTime":"2025-03-14T09:24:58Z","Result":"failure","result":"success"}`,
			want: view{Result: "failure", Category: "AuditLogs"},
		},
		{
			name: "Log Analytics dynamic text variant", reason: "the JSON text of a dynamic column is held to exact keys too",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-14T09:25:01Z","ActivityDateTime":"2025-03-14T09:24:58Z",` +
				`"TargetResources":"[{\"type\":\"User\",\"Type\":\"Role\",\"userPrincipalName\":\"a@example.com\",\"USERPRINCIPALNAME\":\"m@example.com\"}]"}`,
			want: view{Category: "AuditLogs", Type: "User", UPN: "a@example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.AuditEvent
			if err := event.DecodeAudit("", auditRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			got := view{Result: ev.Result, Category: ev.Envelope.Category}
			if len(ev.TargetResources) > 0 {
				tr := ev.TargetResources[0]
				got.Type, got.UPN = tr.Type, tr.UserPrincipalName
				if len(tr.ModifiedProperties) > 0 {
					got.NewValue = tr.ModifiedProperties[0].NewValue
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

// TestAuditEventTime checks the event time in every format: the entry's
// activityDateTime, in UTC, falling back on the record's time only when
// the entry has none.
func TestAuditEventTime(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name, reason string
		format       event.Format
		in           string
		want         time.Time // the event time
		wantRecord   time.Time // Envelope.Time
	}{
		{name: "Graph", reason: "activityDateTime with seven fractional digits",
			format: event.Graph, in: `{"activityDateTime":"2025-03-14T09:24:58.1234567Z"}`,
			want: utc("2025-03-14T09:24:58.1234567Z")},
		{name: "lowercase t and z", reason: "RFC 3339 section 5.6 allows them",
			format: event.Graph, in: `{"activityDateTime":"2025-03-14t09:24:58z"}`,
			want: utc("2025-03-14T09:24:58Z")},
		{name: "offset", reason: "an offset is converted to UTC",
			format: event.Graph, in: `{"activityDateTime":"2025-03-14T11:24:58+02:00"}`,
			want: utc("2025-03-14T09:24:58Z")},
		{name: "Azure", reason: "properties.activityDateTime as Azure Monitor writes it (+00:00), not the record time",
			format: event.AzureMonitor, in: `{"time":"2025-03-14T09:25:03.0000000Z","category":"AuditLogs","properties":{"activityDateTime":"2025-03-14T09:24:58.1234567+00:00"}}`,
			want: utc("2025-03-14T09:24:58.1234567Z"), wantRecord: utc("2025-03-14T09:25:03Z")},
		{name: "Azure fallback", reason: "no activityDateTime: the record time",
			format: event.AzureMonitor, in: `{"time":"2025-03-14T09:25:03Z","category":"AuditLogs","properties":{"id":"a"}}`,
			want: utc("2025-03-14T09:25:03Z"), wantRecord: utc("2025-03-14T09:25:03Z")},
		{name: "Azure US-style fallback", reason: "the off-spec record time Azure emits is read as UTC",
			format: event.AzureMonitor, in: `{"time":"3/14/2025 9:25:03 AM","category":"AuditLogs","properties":{"id":"a"}}`,
			want: utc("2025-03-14T09:25:03Z"), wantRecord: utc("2025-03-14T09:25:03Z")},
		{name: "Azure unreadable record time", reason: "a record time that is not the event time never fails the record",
			format: event.AzureMonitor, in: `{"time":"soon","category":"AuditLogs","properties":{"activityDateTime":"2025-03-14T09:24:58+00:00"}}`,
			want: utc("2025-03-14T09:24:58Z")},
		{name: "Log Analytics", reason: "ActivityDateTime, not TimeGenerated",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-14T09:25:01Z","ActivityDateTime":"2025-03-14T09:24:58.5Z"}`,
			want: utc("2025-03-14T09:24:58.5Z"), wantRecord: utc("2025-03-14T09:25:01Z")},
		{name: "Log Analytics fallback", reason: "no ActivityDateTime: TimeGenerated",
			format: event.LogAnalytics, in: `{"TimeGenerated":"2025-03-14T09:25:01Z","OperationName":"Update user"}`,
			want: utc("2025-03-14T09:25:01Z"), wantRecord: utc("2025-03-14T09:25:01Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.AuditEvent
			if err := event.DecodeAudit("", auditRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if got := ev.Time(); !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("Time() = %v, want %v in UTC (%s)", got, tt.want, tt.reason)
			}
			if got := ev.Envelope.Time; !got.Equal(tt.wantRecord) {
				t.Errorf("Envelope.Time = %v, want %v (%s)", got, tt.wantRecord, tt.reason)
			}
		})
	}
}

// TestAuditInvalidUTF8 checks that invalid UTF-8 in a string is replaced
// by U+FFFD, as encoding/json does, in every format.
func TestAuditInvalidUTF8(t *testing.T) {
	tests := []struct {
		name   string
		format event.Format
		in     string
	}{
		{"Graph", event.Graph, "{\"activityDateTime\":\"2025-03-14T09:24:58Z\",\"resultReason\":\"caf\xe9\"}"},
		{"Azure Monitor", event.AzureMonitor, "{\"time\":\"2025-03-14T09:25:00Z\",\"category\":\"AuditLogs\",\"properties\":{\"activityDateTime\":\"2025-03-14T09:24:58Z\",\"resultReason\":\"caf\xe9\"}}"},
		{"Log Analytics", event.LogAnalytics, "{\"TimeGenerated\":\"2025-03-14T09:25:01Z\",\"ActivityDateTime\":\"2025-03-14T09:24:58Z\",\"ResultReason\":\"caf\xe9\"}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev event.AuditEvent
			if err := event.DecodeAudit("", auditRec(tt.in, tt.format), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.ResultReason != "caf\uFFFD" {
				t.Errorf("ResultReason = %q, want %q", ev.ResultReason, "caf\uFFFD")
			}
		})
	}
}

// TestDecodeAuditOverwrites checks that DecodeAudit overwrites ev
// entirely, so that an event can be reused.
func TestDecodeAuditOverwrites(t *testing.T) {
	ev := fullAuditEvent()
	in := `{"activityDateTime":"2025-03-14T09:24:58Z","id":"b"}`
	if err := event.DecodeAudit("", auditRec(in, event.Graph), &ev); err != nil {
		t.Fatal(err)
	}
	want := event.AuditEvent{
		ID: "b", ActivityDateTime: time.Date(2025, 3, 14, 9, 24, 58, 0, time.UTC),
		Envelope: event.Envelope{Format: event.Graph, Category: "AuditLogs"},
	}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("event not overwritten (-want +got):\n%s", diff)
	}
}
