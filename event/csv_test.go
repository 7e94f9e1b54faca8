package event

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// csvRow is one data row as csvFrames gives it, decoded.
type csvRow struct {
	data   string
	line   int
	offset int64
	ev     SignInEvent
}

// readCSVRows frames and decodes every row of a CSV input, failing the
// test on any error.
func readCSVRows(t *testing.T, name string, input []byte) (*csvFrames, []csvRow) {
	t.Helper()
	frames, err := newCSVFrames(bytes.NewReader(input))
	if err != nil {
		t.Fatalf("newCSVFrames: %v", err)
	}
	var rows []csvRow
	var buf []byte
	for {
		data, line, off, err := frames.next(buf)
		if err == io.EOF {
			return frames, rows
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		buf = data
		row := csvRow{data: string(data), line: line, offset: off}
		if err := decode(name, Record{Data: data, Line: line, Offset: off, Format: frames.Format()}, &row.ev); err != nil {
			t.Fatalf("decode line %d: %v\n%s", line, err, data)
		}
		rows = append(rows, row)
	}
}

func readFormatsFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "formats", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decodeJSONLines decodes a JSON-lines file of testdata/formats line by
// line with decode alone, so that the reference does not depend on the
// Reader's framing.
func decodeJSONLines(t *testing.T, name string, f Format) []SignInEvent {
	t.Helper()
	var evs []SignInEvent
	for i, line := range bytes.Split(bytes.TrimSuffix(readFormatsFile(t, name), []byte("\n")), []byte("\n")) {
		var ev SignInEvent
		if err := decode(name, Record{Data: line, Line: i + 1, Format: f}, &ev); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// TestCSVFormats reads each CSV file of testdata/formats and compares its
// sign-ins with the same sign-ins read from JSON, on every field the
// export carries:
//   - log-analytics.csv against log-analytics.jsonl, envelope included:
//     the export carries every column, and only its times are cut to
//     milliseconds (record 2's createdDateTime .9871234 reads as .987);
//   - entra-admin-center.csv against graph.jsonl, all 28 sign-ins in the
//     columns of the user sign-ins download, leaving out the fields
//     csvMissingFields names (risk, Conditional Access policies,
//     authentication steps, isInteractive, the envelope, ...), which must
//     decode as zero values; its times have whole seconds;
//   - entra-admin-center-serviceprincipal.csv against records 9 and 23 of
//     graph.jsonl, in the columns of the service-principal download.
//
// It also checks that each row's line and offset point at the row's
// first byte.
func TestCSVFormats(t *testing.T) {
	graph := decodeJSONLines(t, "graph.jsonl", Graph)
	la := decodeJSONLines(t, "log-analytics.jsonl", LogAnalytics)
	tests := []struct {
		name, reason string
		file         string
		export       csvExport
		format       Format
		want         []SignInEvent
	}{
		{
			name: "log analytics", reason: "every column of SigninLogs is exported",
			file: "log-analytics.csv", export: csvLogAnalytics, format: LogAnalytics, want: la,
		},
		{
			name: "admin center users", reason: "all 28 sign-ins in the user sign-ins download's 57 columns",
			file: "entra-admin-center.csv", export: csvAdminUsers, format: Graph, want: graph,
		},
		{
			name: "admin center service principals", reason: "the 22 columns of the service-principal download",
			file: "entra-admin-center-serviceprincipal.csv", export: csvAdminApps, format: Graph,
			want: []SignInEvent{graph[8], graph[22]},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			input := readFormatsFile(t, tc.file)
			frames, rows := readCSVRows(t, tc.file, input)
			if frames.export != tc.export || frames.Format() != tc.format {
				t.Fatalf("export %v, format %v; want %v, %v (%s)", frames.export, frames.Format(), tc.export, tc.format, tc.reason)
			}
			var got []SignInEvent
			for _, r := range rows {
				got = append(got, r.ev)
				if r.offset <= 0 || input[r.offset-1] != '\n' || bytes.Count(input[:r.offset], []byte("\n")) != r.line-1 {
					t.Errorf("row at line %d, offset %d: not the first byte of line %d", r.line, r.offset, r.line)
				}
			}
			precision := csvTimePrecision(tc.export)
			want := make([]SignInEvent, len(tc.want))
			for i, ev := range tc.want {
				ev.CreatedDateTime = ev.CreatedDateTime.Truncate(precision)
				ev.Envelope.Time = ev.Envelope.Time.Truncate(precision)
				want[i] = ev
			}
			missing := csvMissingFields(tc.export)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(SignInEvent{}, missing...)); diff != "" {
				t.Errorf("events differ from the JSON copy (-want +got):\n%s", diff)
			}
			for _, r := range rows {
				for _, f := range missing {
					if v := csvFieldByPath(reflect.ValueOf(r.ev), f); !v.IsZero() {
						t.Errorf("line %d: %s = %v; the export has no such column, so it must be zero", r.line, f, v)
					}
				}
			}
		})
	}
}

func csvFieldByPath(v reflect.Value, path string) reflect.Value {
	for name := range strings.SplitSeq(path, ".") {
		v = v.FieldByName(name)
	}
	return v
}

// TestCSVConsentGroups checks that both CSV exports of the dataset give
// the five consent-denied groups of expected-consent-groups.txt: the
// fields the consent rule groups by (userPrincipalName, ipAddress,
// appDisplayName, status.failureReason) and errorCode 65004 come through.
func TestCSVConsentGroups(t *testing.T) {
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(readFormatsFile(t, "expected-consent-groups.txt"))), "\n") {
		if !strings.HasPrefix(line, "#") {
			want = append(want, line)
		}
	}
	for _, file := range []string{"log-analytics.csv", "entra-admin-center.csv"} {
		t.Run(file, func(t *testing.T) {
			_, rows := readCSVRows(t, file, readFormatsFile(t, file))
			type span struct{ first, last time.Time }
			groups := map[string]span{}
			for _, r := range rows {
				ev := r.ev
				if c := ev.Status.ErrorCode; c == nil || *c != 65004 {
					continue
				}
				key := strings.Join([]string{ev.UserPrincipalName, ev.IPAddress, ev.AppDisplayName, ev.Status.FailureReason}, "\t")
				s, ok := groups[key]
				if !ok || ev.CreatedDateTime.Before(s.first) {
					s.first = ev.CreatedDateTime
				}
				if !ok || ev.CreatedDateTime.After(s.last) {
					s.last = ev.CreatedDateTime
				}
				groups[key] = s
			}
			var got []string
			for key, s := range groups {
				got = append(got, key+"\t"+s.first.Format("2006-01-02T15:04:05")+"\t"+s.last.Format("2006-01-02T15:04:05"))
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("consent-denied groups (-want +got):\n%s", diff)
			}
		})
	}
}

// The headers of the small inputs below.
const (
	csvTestAdminHeader = `"Date (UTC)","Request ID","User agent","Username","Application","IP address","Location","Status","Sign-in error code","Failure reason","Compliant","Authentication requirement","Conditional Access","Multifactor authentication result"` + "\n"
	csvTestLAHeader    = `"TimeGenerated [UTC]","CreatedDateTime [UTC]",UserPrincipalName,IPAddress,AppDisplayName,ResultType,Status,IsInteractive` + "\n"
)

func TestCSVHeaderErrors(t *testing.T) {
	const known = `it reads the Log Analytics "Export to CSV" of sign-in logs and the Microsoft Entra admin center's CSV download of sign-in logs, with English column names; export the sign-ins as JSON instead (Graph API, Azure Monitor, or the admin center's JSON download)`
	tests := []struct {
		name, reason string
		input        string
		want         error
		message      string
	}{
		{
			name: "unknown", reason: "a sign-in summary, not an export: refused, naming the columns and what to use instead",
			input:   "StartTime [UTC],EndTime [UTC],IPAddress,disabledAccountLoginAttempts\n\"4/19/2021, 12:13:19.483 PM\",x,y,z\n",
			want:    ErrUnsupportedCSV,
			message: `line 1: CSV with columns "StartTime [UTC]", "EndTime [UTC]", "IPAddress", … (4 columns) is not a sign-in export escudo knows: ` + known,
		},
		{
			name: "two columns", reason: "short headers are listed whole",
			input:   "a,b\n1,2\n",
			want:    ErrUnsupportedCSV,
			message: `line 1: CSV with columns "a", "b" is not a sign-in export escudo knows: ` + known,
		},
		{
			name: "auth details", reason: "the steps file of the admin center download is named as such",
			input:   `"Request ID","Authentication method","Authentication method detail","Succeeded","Result detail"` + "\n",
			want:    ErrUnsupportedCSV,
			message: `line 1: CSV with columns "Request ID", "Authentication method", "Authentication method detail", … (5 columns) is the authentication-details file of the Microsoft Entra admin center download (…_AuthDetails_….csv), one row per authentication step; read the sign-ins file of the same download (such as InteractiveSignIns_….csv) instead`,
		},
		{
			name: "admin center without its time", reason: "a known export without the time column cannot give events",
			input:   `"Request ID","Username","Status"` + "\n",
			want:    ErrUnsupportedCSV,
			message: `line 1: CSV with columns "Request ID", "Username", "Status" looks like the Microsoft Entra admin center's CSV download of user sign-ins but has no "Date (UTC)" column, so its sign-ins have no time; download the sign-ins again with all columns, or as JSON`,
		},
		{
			name: "log analytics without its time", reason: "a projection without CreatedDateTime or TimeGenerated",
			input:   "UserPrincipalName,IPAddress,ResultType\n",
			want:    ErrUnsupportedCSV,
			message: `line 1: CSV with columns "UserPrincipalName", "IPAddress", "ResultType" looks like the Log Analytics "Export to CSV" of sign-in logs but has no CreatedDateTime or TimeGenerated column, so its sign-ins have no time; export again with all columns, or as JSON`,
		},
		{
			name: "malformed header", reason: "a bare quote is located by encoding/csv",
			input:   "Date (UTC),Re\"quest ID\n",
			want:    csv.ErrBareQuote,
			message: `line 1, column 14: bare " in non-quoted-field`,
		},
		{
			name: "empty", reason: "no header at all is the end of the input",
			input: "", want: io.EOF, message: "EOF",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newCSVFrames(strings.NewReader(tc.input))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want one matching %v (%s)", err, tc.want, tc.reason)
			}
			if err.Error() != tc.message {
				t.Errorf("message:\n got %s\nwant %s", err, tc.message)
			}
			var re *csvRowError
			if tc.want != io.EOF && (!errors.As(err, &re) || re.Line != 1) {
				t.Errorf("error %#v: want a *csvRowError on line 1", err)
			}
		})
	}
}

// TestCSVRowErrors checks that a malformed row is reported with its
// position, and that reading goes on with the next row when encoding/csv
// can.
func TestCSVRowErrors(t *testing.T) {
	good := `"2025-03-14T09:21:07Z","r1","ua","u@example.com","App","192.0.2.1","Seattle, Washington, US","Failure","65004","Denied.","False","Single-factor authentication","Not Applied",""` + "\n"
	type step struct {
		line   int
		offset int64
		err    error // a *csvRowError, or nil for a row
	}
	h := int64(len(csvTestAdminHeader))
	tests := []struct {
		name, reason string
		input        string
		want         []step
	}{
		{
			name: "field count", reason: "a short row is located and skipped; the next row reads",
			input: csvTestAdminHeader + `"2025-03-14T09:21:07Z","r0"` + "\n" + good,
			want: []step{
				{line: 2, offset: h, err: &csvRowError{Line: 2, Offset: h, Err: csv.ErrFieldCount}},
				{line: 3, offset: h + 28},
			},
		},
		{
			name: "bare quote", reason: "a quote inside an unquoted field gives its column; the next row reads",
			input: csvTestAdminHeader + `2025-03-14T09:21:07Z,r"0` + "\n" + good,
			want: []step{
				{line: 2, offset: h, err: &csvRowError{Line: 2, Offset: h, Err: fmt.Errorf("%w, at line 2, column 23", csv.ErrBareQuote)}},
				{line: 3, offset: h + 25},
			},
		},
		{
			name: "unterminated quote", reason: "an open quote runs to the end of the input, which ends there",
			input: csvTestAdminHeader + good + `"2025-03-14T09:21:07Z","r` + "\n",
			want: []step{
				{line: 2, offset: h},
				{line: 3, offset: h + int64(len(good)), err: &csvRowError{Line: 3, Offset: h + int64(len(good)), Err: fmt.Errorf("%w, at line 3, column 27", csv.ErrQuote)}},
			},
		},
		{
			name: "blank lines", reason: "blank lines, LF or CRLF, are skipped and the offset is the row's",
			input: csvTestAdminHeader + "\n\r\n" + good + "\n" + good,
			want:  []step{{line: 4, offset: h + 3}, {line: 6, offset: h + 3 + int64(len(good)) + 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames, err := newCSVFrames(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			var got []step
			for {
				data, line, off, err := frames.next(nil)
				if err == io.EOF {
					break
				}
				got = append(got, step{line: line, offset: off, err: err})
				if err == nil && !json0(data) {
					t.Errorf("line %d: not a JSON object: %s", line, data)
				}
				if len(got) > len(tc.want)+1 {
					break
				}
			}
			opt := cmp.Comparer(func(a, b error) bool {
				var x, y *csvRowError
				if !errors.As(a, &x) || !errors.As(b, &y) {
					return a == nil && b == nil
				}
				return x.Line == y.Line && x.Column == y.Column && x.Offset == y.Offset &&
					(errors.Is(x.Err, y.Err) || errors.Is(y.Err, x.Err) || x.Err.Error() == y.Err.Error())
			})
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(step{}), opt); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.reason, diff)
			}
		})
	}
}

func json0(data []byte) bool { return len(data) > 1 && data[0] == '{' && data[len(data)-1] == '}' }

// TestCSVDecodeErrors checks that a bad cell fails in the decoder at the
// path of its property, on the row's line, and that column names the CSV
// column it came from.
func TestCSVDecodeErrors(t *testing.T) {
	tests := []struct {
		name, reason string
		input        string
		path, column string
	}{
		{
			name: "log analytics time", reason: "a time not in the en-US form is left for the decoder, which names the column",
			input: csvTestLAHeader + `"3/14/2025, 9:21:09.000 AM","2025/03/14 9:21:07",u@example.com,"192.0.2.1",App,0,"{}",True` + "\n",
			path:  "CreatedDateTime", column: "CreatedDateTime [UTC]",
		},
		{
			name: "log analytics dynamic", reason: "a bad dynamic value is reported inside its column",
			input: csvTestLAHeader + `"3/14/2025, 9:21:09.000 AM","3/14/2025, 9:21:07.000 AM",u@example.com,"192.0.2.1",App,0,"{""errorCode"":""x""}",True` + "\n",
			path:  "Status.errorCode", column: "Status",
		},
		{
			name: "log analytics boolean", reason: "IsInteractive must be a boolean",
			input: csvTestLAHeader + `"3/14/2025, 9:21:09.000 AM","3/14/2025, 9:21:07.000 AM",u@example.com,"192.0.2.1",App,0,"{}",Maybe` + "\n",
			path:  "IsInteractive", column: "IsInteractive",
		},
		{
			name: "admin center time", reason: "Date (UTC) must be a time",
			input: csvTestAdminHeader + `"yesterday","r1","ua","u@example.com","App","192.0.2.1","Seattle, Washington, US","Failure","65004","Denied.","False","Single-factor authentication","Not Applied",""` + "\n",
			path:  "createdDateTime", column: "Date (UTC)",
		},
		{
			name: "admin center error code", reason: "the error code must be an integer",
			input: csvTestAdminHeader + `"2025-03-14T09:21:07Z","r1","ua","u@example.com","App","192.0.2.1","Seattle, Washington, US","Failure","AADSTS65004","Denied.","False","Single-factor authentication","Not Applied",""` + "\n",
			path:  "status.errorCode", column: "Sign-in error code",
		},
		{
			name: "admin center boolean", reason: "Compliant must be True or False (or Yes or No)",
			input: csvTestAdminHeader + `"2025-03-14T09:21:07Z","r1","ua","u@example.com","App","192.0.2.1","Seattle, Washington, US","Failure","65004","Denied.","Maybe","Single-factor authentication","Not Applied",""` + "\n",
			path:  "deviceDetail.isCompliant", column: "Compliant",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames, err := newCSVFrames(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			data, line, off, err := frames.next(nil)
			if err != nil {
				t.Fatal(err)
			}
			var ev SignInEvent
			err = decode("in.csv", Record{Data: data, Line: line, Offset: off, Format: frames.Format()}, &ev)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decode: %v, want a *DecodeError (%s)\n%s", err, tc.reason, data)
			}
			if de.Path != tc.path || de.Line != 2 || de.Source != "in.csv" {
				t.Errorf("error %q: path %q, line %d; want %q, 2 (%s)", de, de.Path, de.Line, tc.path, tc.reason)
			}
			if got := frames.column(de.Path); got != tc.column {
				t.Errorf("column(%q) = %q, want %q", de.Path, got, tc.column)
			}
		})
	}
}

// TestCSVAdminValues checks how the admin center's cells map to Graph
// values: quoting, display text, locations, times, the status.
func TestCSVAdminValues(t *testing.T) {
	row := func(cells ...string) string {
		var b strings.Builder
		for i, c := range cells {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`"` + strings.ReplaceAll(c, `"`, `""`) + `"`)
		}
		return b.String() + "\r\n"
	}
	i32 := func(n int32) *int32 { return &n }
	yes := func(b bool) *bool { return &b }
	base := SignInEvent{
		ID: "r1", CreatedDateTime: time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC), UserAgent: "ua",
		UserPrincipalName: "u@example.com", AppDisplayName: "App", IPAddress: "192.0.2.1",
		Location:                  Location{City: "Seattle", State: "Washington", CountryOrRegion: "US"},
		Status:                    Status{ErrorCode: i32(65004), FailureReason: "Denied."},
		DeviceDetail:              DeviceDetail{IsCompliant: yes(false)},
		AuthenticationRequirement: "singleFactorAuthentication", ConditionalAccessStatus: "notApplied",
	}
	cells := []string{"2025-03-14T09:21:07Z", "r1", "ua", "u@example.com", "App", "192.0.2.1", "Seattle, Washington, US", "Failure", "65004", "Denied.", "False", "Single-factor authentication", "Not Applied", ""}
	with := func(i int, v string) []string { c := slices.Clone(cells); c[i] = v; return c }
	tests := []struct {
		name, reason string
		cells        []string
		edit         func(*SignInEvent)
	}{
		{name: "display text", reason: "the download's own spellings", cells: cells, edit: func(*SignInEvent) {}},
		{
			name: "graph values", reason: "Graph's enum values read the same",
			cells: with(11, "singleFactorAuthentication"), edit: func(*SignInEvent) {},
		},
		{
			name: "multifactor", reason: "Multifactor authentication is multiFactorAuthentication",
			cells: with(11, "Multifactor authentication"), edit: func(e *SignInEvent) { e.AuthenticationRequirement = "multiFactorAuthentication" },
		},
		{
			name: "unknown enum", reason: "a value escudo does not know is kept as written",
			cells: with(12, "Report-only: Failure"), edit: func(e *SignInEvent) { e.ConditionalAccessStatus = "Report-only: Failure" },
		},
		{
			name: "success", reason: "the download leaves the code of a success empty; Status Success makes it 0",
			cells: with(8, ""), edit: func(e *SignInEvent) { e.Status.ErrorCode = nil },
		},
		{
			name: "success code", reason: "Status Success with an empty code is errorCode 0",
			cells: func() []string { c := with(7, "Success"); c[8] = ""; return c }(),
			edit:  func(e *SignInEvent) { e.Status.ErrorCode = i32(0) },
		},
		{
			name: "interrupted", reason: "any other status leaves an empty code null",
			cells: func() []string { c := with(7, "Interrupted"); c[8] = ""; return c }(),
			edit:  func(e *SignInEvent) { e.Status.ErrorCode = nil },
		},
		{
			name: "city and country", reason: "a location without a state",
			cells: with(6, "Dublin, IE"), edit: func(e *SignInEvent) { e.Location = Location{City: "Dublin", CountryOrRegion: "IE"} },
		},
		{
			name: "country", reason: "a location of one part is the country",
			cells: with(6, "US"), edit: func(e *SignInEvent) { e.Location = Location{CountryOrRegion: "US"} },
		},
		{
			name: "city with a comma", reason: "the last two parts are the state and country; the rest is the city",
			cells: with(6, "Washington, D.C., District of Columbia, US"),
			edit: func(e *SignInEvent) {
				e.Location = Location{City: "Washington, D.C.", State: "District of Columbia", CountryOrRegion: "US"}
			},
		},
		{
			name: "empty location parts", reason: "empty parts are left out",
			cells: with(6, ", , US"), edit: func(e *SignInEvent) { e.Location = Location{CountryOrRegion: "US"} },
		},
		{
			name: "us time", reason: "a spreadsheet's en-US time reads too",
			cells: with(0, "3/14/2025 9:21:07 AM"), edit: func(*SignInEvent) {},
		},
		{
			name: "fraction", reason: "a fraction is kept",
			cells: with(0, "2025-03-14T09:21:07.5Z"), edit: func(e *SignInEvent) { e.CreatedDateTime = e.CreatedDateTime.Add(500 * time.Millisecond) },
		},
		{
			name: "yes", reason: "Yes is true",
			cells: with(10, "Yes"), edit: func(e *SignInEvent) { e.DeviceDetail.IsCompliant = yes(true) },
		},
		{
			name: "quoting", reason: "commas, quotes and line breaks inside quoted fields",
			cells: func() []string {
				c := with(2, `Mozilla/5.0 (X11; Linux x86_64) "quoted", with commas`)
				c[9] = "Line one,\r\nline \"two\"\nline three"
				c[13] = "MFA denied; user declined the authentication"
				return c
			}(),
			edit: func(e *SignInEvent) {
				e.UserAgent = `Mozilla/5.0 (X11; Linux x86_64) "quoted", with commas`
				e.Status.FailureReason = "Line one,\nline \"two\"\nline three" // encoding/csv turns \r\n into \n
				e.Status.AdditionalDetails = "MFA denied; user declined the authentication"
			},
		},
		{
			name: "non-ascii", reason: "UTF-8 is kept, invalid UTF-8 replaced",
			cells: with(4, "Café Planner ☕ \xff"), edit: func(e *SignInEvent) { e.AppDisplayName = "Café Planner ☕ \uFFFD" },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			input := csvTestAdminHeader + row(tc.cells...) + row(cells...)
			_, rows := readCSVRows(t, "in.csv", []byte(input))
			want := base
			tc.edit(&want)
			if diff := cmp.Diff(want, rows[0].ev); diff != "" {
				t.Errorf("%s (-want +got):\n%s\n%s", tc.reason, diff, rows[0].data)
			}
			// The second row starts after the first, line breaks in it included.
			if wantLine := 2 + strings.Count(row(tc.cells...), "\n"); rows[1].line != wantLine {
				t.Errorf("second row on line %d, want %d", rows[1].line, wantLine)
			}
			if off := int64(len(csvTestAdminHeader) + len(row(tc.cells...))); rows[1].offset != off {
				t.Errorf("second row at offset %d, want %d", rows[1].offset, off)
			}
		})
	}
}

func TestCSVColumn(t *testing.T) {
	la, _ := newCSVFrames(strings.NewReader(csvTestLAHeader))
	admin, _ := newCSVFrames(strings.NewReader(csvTestAdminHeader))
	tests := []struct {
		name, reason string
		frames       *csvFrames
		path, want   string
	}{
		{"la time", "the suffix is kept", la, "TimeGenerated", "TimeGenerated [UTC]"},
		{"la nested", "a path inside a dynamic column", la, "Status.errorCode", "Status"},
		{"la unknown", "a path with no column", la, "DeviceDetail.browser", ""},
		{"admin time", "", admin, "createdDateTime", "Date (UTC)"},
		{"admin nested", "", admin, "status.errorCode", "Sign-in error code"},
		{"admin location", "the three parts come from one column", admin, "location.city", "Location"},
		{"admin additional details", "", admin, "status.additionalDetails", "Multifactor authentication result"},
		{"admin absent", "no column", admin, "userId", ""},
		{"empty", "", admin, "", ""},
	}
	for _, tc := range tests {
		if got := tc.frames.column(tc.path); got != tc.want {
			t.Errorf("%s: column(%q) = %q, want %q (%s)", tc.name, tc.path, got, tc.want, tc.reason)
		}
	}
}

func TestSniffCSV(t *testing.T) {
	tests := []struct {
		name, reason string
		line         string
		want         bool
	}{
		{"admin center", "quoted header fields", `"Date (UTC)","Request ID","User agent"` + "\r\n", true},
		{"log analytics", "", `TenantId,SourceSystem,"TimeGenerated [UTC]",ResourceId`, true},
		{"indented", "leading spaces are skipped", "  a,b\n", true},
		{"json object", "a JSON line with commas", `{"id":"1","createdDateTime":"2025-03-14T08:55:12Z"}`, false},
		{"json array", "", `[{"id":"1"},{"id":"2"}]`, false},
		{"indented json", "", ` {"a":1,"b":2}`, false},
		{"html", "", `<!DOCTYPE html><html lang="en",>`, false},
		{"no comma", "one column is not recognised", "TimeGenerated [UTC]\n", false},
		{"empty", "", "", false},
		{"blank", "", " \r\n", false},
		{"binary", "control characters", "a,b\x00c", false},
		{"invalid utf-8", "", "a,\xff", false},
	}
	for _, tc := range tests {
		if got := sniffCSV([]byte(tc.line)); got != tc.want {
			t.Errorf("%s: sniffCSV(%q) = %v, want %v (%s)", tc.name, tc.line, got, tc.want, tc.reason)
		}
	}
}

func TestCSVSameWord(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Not Applied", "notApplied", true},
		{"Single-factor authentication", "singleFactorAuthentication", true},
		{"Azure AD", "AzureAD", true},
		{"SAML 2.0", "saml20", true},
		{"WS-Federation", "wsFederation", true},
		{"Device code", "deviceCode", true},
		{"none", "None", true},
		{"no", "none", false},
		{"-", "none", false},
		{"Café", "Cafe", false},
	}
	for _, tc := range tests {
		if got := csvSameWord(tc.a, tc.b); got != tc.want {
			t.Errorf("csvSameWord(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestCSVTooLong checks the row limit: a row over it is reported and
// skipped, and one too long to hold ends the input, both with ErrTooLong
// on the row's line.
func TestCSVTooLong(t *testing.T) {
	row := func(n int) string {
		return `"2025-03-14T09:21:07Z","` + strings.Repeat("x", n) + `"` + strings.Repeat(`,""`, 12) + "\n"
	}
	good := row(10)
	tests := []struct {
		name, reason string
		long         string
		fatal        bool
	}{
		{name: "over", reason: "a row over the limit is skipped", long: row(80 << 10)},
		{name: "far over", reason: "a row far over the limit is not read into memory", long: row(200 << 10), fatal: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames, err := newCSVFrames(strings.NewReader(csvTestAdminHeader + good + tc.long + good))
			if err != nil {
				t.Fatal(err)
			}
			frames.maxRow = 64 << 10
			if _, _, _, err := frames.next(nil); err != nil {
				t.Fatal(err)
			}
			_, _, off, err := frames.next(nil)
			var re *csvRowError
			if !errors.As(err, &re) || !errors.Is(err, ErrTooLong) || re.Line != 3 || off != int64(len(csvTestAdminHeader+good)) {
				t.Fatalf("error %v at offset %d, want ErrTooLong on line 3 at %d (%s)", err, off, len(csvTestAdminHeader+good), tc.reason)
			}
			_, line, _, again := frames.next(nil)
			switch {
			case tc.fatal && again != err:
				t.Errorf("after the row next gave %v, want the same error again", again)
			case !tc.fatal && (again != nil || line != 4):
				t.Errorf("after the row next gave line %d, %v; want the next row, line 4", line, again)
			}
		})
	}
}

// TestCSVAllocs pins next to the one allocation per row encoding/csv
// makes (the row's text).
func TestCSVAllocs(t *testing.T) {
	for _, file := range []string{"log-analytics.csv", "entra-admin-center.csv"} {
		// Repeat the first data row (which may span lines) many times.
		data := readFormatsFile(t, file)
		frames, err := newCSVFrames(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		_, _, start, _ := frames.next(nil)
		_, _, end, _ := frames.next(nil)
		input := append(slices.Clip(data[:start]), bytes.Repeat(data[start:end], 400)...)
		if frames, err = newCSVFrames(bytes.NewReader(input)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 0, 16<<10)
		for range 10 { // warm up the buffers
			buf, _, _, _ = frames.next(buf)
		}
		allocs := testing.AllocsPerRun(200, func() {
			var err error
			if buf, _, _, err = frames.next(buf); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 1 {
			t.Errorf("%s: %v allocations per row, want at most 1", file, allocs)
		}
	}
}

func BenchmarkCSVFrames(b *testing.B) {
	for _, file := range []string{"log-analytics.csv", "entra-admin-center.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "formats", file))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var buf []byte
			for b.Loop() {
				frames, err := newCSVFrames(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				for {
					if buf, _, _, err = frames.next(buf); err != nil {
						break
					}
				}
			}
		})
	}
}

// FuzzCSVFrames checks that framing any input never panics, that every
// error but io.EOF carries a line, that rows come in order, and that
// every row frames to a JSON object that decodes or fails with a located
// *DecodeError.
func FuzzCSVFrames(f *testing.F) {
	adminRow := `"2025-03-14T09:21:07Z","r1","ua, with ""quotes""","u@example.com","App","192.0.2.1","Seattle, Washington, US","Failure","65004","Denied.","False","Single-factor authentication","Not Applied",""` + "\n"
	laRow := `"3/14/2025, 9:21:09.000 AM","3/14/2025, 9:21:07.123 AM",u@example.com,"192.0.2.1",App,65004,"{""errorCode"":65004,""failureReason"":""Denied.""}",True` + "\n"
	for _, seed := range []string{
		csvTestAdminHeader + adminRow + adminRow,
		csvTestAdminHeader + "\r\n" + strings.ReplaceAll(adminRow, "\n", "\r\n"),
		csvTestAdminHeader + `"2025-03-14T09:21:07Z","r1"` + "\n" + adminRow,
		csvTestAdminHeader + `"yesterday",r"1,"` + "\n",
		csvTestAdminHeader + `"2025-03-14T09:21:07Z","r1","open` + "\n",
		csvTestLAHeader + laRow + laRow,
		csvTestLAHeader + `"13/14/2025, 9:21:09.000 AM",x,u,"1",A,0,"{",Maybe` + "\n",
		`"Date (UTC)","Request ID","Username","Status","Location"` + "\n" + `"2025-03-14T09:21:07Z","r","u","Success",",,"` + "\n",
		"a,b\n1,2\n",
		"\uFEFFa,b\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		frames, err := newCSVFrames(bytes.NewReader(input))
		if err != nil {
			var re *csvRowError
			if err != io.EOF && (!errors.As(err, &re) || re.Line < 1) {
				t.Fatalf("newCSVFrames: %v has no line", err)
			}
			return
		}
		lastLine := 1
		var buf []byte
		for n := 0; n < 1000; n++ {
			data, line, off, err := frames.next(buf)
			if err == io.EOF {
				return
			}
			if line <= lastLine || off < 0 || off > int64(len(input)) {
				t.Fatalf("row at line %d, offset %d after line %d", line, off, lastLine)
			}
			lastLine = line
			if err != nil {
				var re *csvRowError
				if !errors.As(err, &re) || re.Line < line {
					t.Fatalf("next: %v has no line", err)
				}
				if errors.Is(err, ErrTooLong) {
					return
				}
				continue
			}
			buf = data
			var ev SignInEvent
			err = decode("fuzz", Record{Data: data, Line: line, Offset: off, Format: frames.Format()}, &ev)
			var de *DecodeError
			var ok *OtherKindError // a Log Analytics row of another table
			if err != nil && !(errors.As(err, &de) && de.Line == line) && !(errors.As(err, &ok) && ok.Line == line) {
				t.Fatalf("decode: %v is not a *DecodeError or *OtherKindError on line %d\n%s", err, line, data)
			}
		}
	})
}

// TestCSVColumnTable checks that every admin center column the mapping
// names fills a target, so no mapped column is silently dropped.
func TestCSVColumnTable(t *testing.T) {
	targets := csvTargetTable()
	for _, name := range []string{"entra-admin-center.csv", "entra-admin-center-serviceprincipal.csv"} {
		f, err := os.Open(filepath.Join("..", "testdata", "formats", name))
		if err != nil {
			t.Fatal(err)
		}
		header, err := csv.NewReader(f).Read()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range header {
			if path, ok := csvAdminColumn(strings.TrimSpace(h)); ok && csvTargetIndex(targets, path) < 0 {
				t.Errorf("%s: column %q maps to %q, which is no target", name, h, path)
			}
		}
	}
	for _, path := range []string{"status.errorCode", ""} {
		if csvTargetIndex(targets, path) < 0 {
			t.Errorf("no target %q", path)
		}
	}
}
