// Package clitest holds the checks the example programs share in their
// tests: every export shape gives the findings of its JSON-lines twin,
// and every failure its exact message and exit status.
package clitest

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/internal/sample"
)

// Shape is a file of testdata/formats in a shape of its own and the
// JSON-lines file holding the same sign-ins.
type Shape struct {
	File, Twin string
	// Stderr is what the program prints on standard error for File;
	// StderrAudit, what a program with audit rules prints, which reads
	// the AuditLogs records as events; StderrAll, what a program with
	// rules of every event type prints, which also reads the
	// UserRiskEvents and MicrosoftGraphActivityLogs records.
	Stderr, StderrAudit, StderrAll string
	// WholeSeconds is set for exports whose times lose the fraction of a
	// second (the CSV exports keep milliseconds, or none): risk events'
	// _time, which keeps the fraction, is then compared to the second.
	WholeSeconds bool
}

// Shapes lists the shapes of issue 9 (testdata/formats/README.md).
func Shapes() []Shape {
	return []Shape{
		{File: "graph-pretty.json", Twin: "graph.jsonl"},
		{File: "graph.jsonl.bz2", Twin: "graph.jsonl"},
		{File: "graph-powershell.json", Twin: "graph.jsonl"},
		{File: "graph-quirks.jsonl", Twin: "graph.jsonl"},
		{File: "azure-monitor-pretty.json", Twin: "azure-monitor-blob.jsonl"},
		{File: "azure-monitor-utf16be.jsonl", Twin: "azure-monitor-blob.jsonl"},
		{File: "azure-monitor-quirks.jsonl", Twin: "azure-monitor-blob.jsonl"},
		{File: "azure-monitor-mixed.jsonl", Twin: "azure-monitor-blob.jsonl",
			Stderr:      "%s: 6 records of other kinds (AuditLogs: 2, MicrosoftGraphActivityLogs: 1, ProvisioningLogs: 1, RiskyUsers: 1, UserRiskEvents: 1) skipped\n",
			StderrAudit: "%s: 4 records of other kinds (MicrosoftGraphActivityLogs: 1, ProvisioningLogs: 1, RiskyUsers: 1, UserRiskEvents: 1) skipped\n",
			StderrAll:   "%s: 2 records of other kinds (ProvisioningLogs: 1, RiskyUsers: 1) skipped\n"},
		{File: "log-analytics.csv", Twin: "log-analytics.jsonl", WholeSeconds: true},
		{File: "entra-admin-center.csv", Twin: "graph.jsonl", WholeSeconds: true},
	}
}

// Formats returns the path of a file of testdata/formats.
func Formats(name string) string { return sample.Path(filepath.Join("testdata", "formats", name)) }

// Run runs p with args and returns its output and exit status.
func Run(p cli.Program, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = p.Main(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// CheckShapes checks that p prints, for each shape, the findings (-json)
// and risk events (-risk) it prints for the shape's twin, with exit
// status 0, and that the findings are not empty.
func CheckShapes(t *testing.T, p cli.Program) {
	for _, s := range Shapes() {
		t.Run(s.File, func(t *testing.T) {
			twins := []string{Formats(s.Twin)}
			if s.StderrAudit != "" {
				// The file's records of the program's other event types
				// are events too: the twin is then the sign-ins' twin and
				// those records.
				if other := otherTypeLines(t, p, Formats(s.File)); other != "" {
					twins = append(twins, other)
				}
			}
			for _, mode := range []string{"-json", "-risk"} {
				want, _, code := Run(p, append([]string{mode}, twins...)...)
				if code != 0 || want == "" {
					t.Fatalf("%s %s: status %d, output %q; want 0 and findings", mode, s.Twin, code, want)
				}
				got, errOut, code := Run(p, mode, Formats(s.File))
				wantErr := s.Stderr
				switch types := eventTypes(t, p); {
				case types == allTypes && s.StderrAll != "":
					wantErr = s.StderrAll
				case types != "sign-in" && s.StderrAudit != "":
					wantErr = s.StderrAudit
				}
				wantErr = strings.ReplaceAll(wantErr, "%s", p.Name)
				if code != 0 || errOut != wantErr {
					t.Errorf("%s %s: status %d, stderr %q; want 0, %q", mode, s.File, code, errOut, wantErr)
				}
				if s.WholeSeconds && mode == "-risk" {
					want, got = wholeSeconds(want), wholeSeconds(got)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s %s: output differs from %s's (-want +got):\n%s", mode, s.File, s.Twin, diff)
				}
			}
		})
	}
}

// otherTypeLines writes the records of the JSON-lines file path that are
// of the event types of p's detections other than sign-ins to a file of
// their own and returns its path, or "" when there are none.
func otherTypeLines(t *testing.T, p cli.Program, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, d := range p.Detections {
		for _, typ := range strings.Split(d.EventType(), "+") {
			types[typ] = true
		}
	}
	typeOf := map[string]string{"AuditLogs": "audit", "UserRiskEvents": "risk detection", "MicrosoftGraphActivityLogs": "Graph activity"}
	var other []byte
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		for category, typ := range typeOf {
			if types[typ] && bytes.Contains(l, []byte(`"category":"`+category+`"`)) {
				other = append(other, l...)
			}
		}
	}
	if len(other) == 0 {
		return ""
	}
	return Write(t, "other-types.jsonl", other)
}

// wholeSeconds drops the fraction of a second from risk events' _time.
func wholeSeconds(s string) string {
	return regexp.MustCompile(`("_time":"[^".]*)\.[0-9]+Z"`).ReplaceAllString(s, `${1}Z"`)
}

// allTypes is what a program with detections of every event type says it
// reads.
const allTypes = "sign-in, audit, risk detection or Graph activity"

// eventTypes returns what p says it reads, by the event types of its
// detections: "sign-in", "sign-in or audit" or allTypes. Another set of
// types fails the test, which would need a case here.
func eventTypes(t *testing.T, p cli.Program) string {
	t.Helper()
	var types []string
	for _, d := range p.Detections {
		for _, typ := range strings.Split(d.EventType(), "+") {
			if !slices.Contains(types, typ) {
				types = append(types, typ)
			}
		}
	}
	switch strings.Join(types, "|") {
	case "", "sign-in":
		return "sign-in"
	case "sign-in|audit":
		return "sign-in or audit"
	case "sign-in|audit|risk detection|Graph activity":
		return allTypes
	}
	t.Fatalf("no expected message for a program reading %q", types)
	return ""
}

// Gzip returns data gzip-compressed.
func Gzip(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Write writes a file in a temporary directory and returns its path.
func Write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Failure is one failure case: an input, the arguments before it, and the
// exact stderr and exit status expected, with %[1]s standing for the
// program's name, %[2]s for the input's path and %[3]s for the event types
// the program reads ("sign-in", "sign-in or audit", allTypes).
type Failure struct {
	Name, Reason string
	Args         []string
	File         string // the input's file name
	Data         []byte
	// Stdout is the twin file whose -json output must be printed, or ""
	// for none.
	Stdout string
	Stderr string
	Code   int
}

// CheckFailures runs each failure case and checks its exact messages,
// output and exit status.
func CheckFailures(t *testing.T, p cli.Program) { checkFailures(t, p, Failures(t)) }

// CheckAuditFailures runs the failure cases of audit input
// ([AuditFailures]) on a program that reads audit records.
func CheckAuditFailures(t *testing.T, p cli.Program) { checkFailures(t, p, AuditFailures(t)) }

func checkFailures(t *testing.T, p cli.Program, cases []Failure) {
	for _, f := range cases {
		t.Run(f.Name, func(t *testing.T) {
			path := f.File
			if f.Data != nil {
				path = Write(t, f.File, f.Data)
			}
			want := ""
			if f.Stdout != "" {
				var code int
				want, _, code = Run(p, "-json", f.Stdout)
				if code != 0 {
					t.Fatalf("the twin %s fails with status %d", f.Stdout, code)
				}
			}
			out, errOut, code := Run(p, append(f.Args, path)...)
			types := eventTypes(t, p)
			wantErr := strings.NewReplacer("%[1]s", p.Name, "%[2]s", path, "%[3]s", types).Replace(f.Stderr)
			if code != f.Code {
				t.Errorf("status %d, want %d (%s)", code, f.Code, f.Reason)
			}
			if diff := cmp.Diff(wantErr, errOut); diff != "" {
				t.Errorf("stderr (%s) (-want +got):\n%s", f.Reason, diff)
			}
			if diff := cmp.Diff(want, out); diff != "" {
				t.Errorf("stdout (%s) (-want +got):\n%s", f.Reason, diff)
			}
		})
	}
}

// Failures returns the failure cases of issue 9.
func Failures(t *testing.T) []Failure {
	graph, err := os.ReadFile(Formats("graph.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(graph), "\n")
	risky := `{"time":"2025-03-20T22:20:00Z","operationName":"Risky user","category":"RiskyUsers","properties":{"id":"x","riskLevel":"medium"}}` + "\n"
	noTime := `{"id":"a","userPrincipalName":"a@example.com"}` + "\n"
	dir := t.TempDir()
	badCSV, badRow := csvWithBadCode(t)
	utf16 := append([]byte{0xFF, 0xFE}, utf16LE(lines[0]+`{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"abc"}}`+"\n")...)
	utf16Cut := append([]byte{0xFF, 0xFE}, utf16LE(lines[0]+`{"createdDateTime":"2025-03-14T09:00:00Z"`+"\n")...)
	return append(gzipFailures(t, "signins.jsonl.gz", Formats("graph.jsonl"), graph), []Failure{
		{Name: "empty", Reason: "an input that yields no sign-in is an error",
			File: "empty.json", Data: []byte{}, Args: []string{"-json"}, Code: 1,
			Stderr: "%[1]s: no %[3]s records in %[2]s: the input is empty\n"},
		{Name: "empty, lenient", Reason: "in lenient mode too",
			File: "empty.json", Data: []byte{}, Args: []string{"-json", "-lenient"}, Code: 1,
			Stderr: "%[1]s: 0 records read, 0 decoded, 0 skipped\n%[1]s: no %[3]s records in %[2]s: the input is empty\n"},
		{Name: "only other kinds", Reason: "records of a kind no detection reads are not errors, but not what the program reads either",
			File: "risky.jsonl", Data: []byte(risky + risky), Args: []string{"-json"}, Code: 1,
			Stderr: "%[1]s: no %[3]s records in %[2]s: only 2 records of other kinds (RiskyUsers: 2)\n"},
		{Name: "not sign-ins, lenient", Reason: "every record bad: lenient mode says nothing was decoded",
			File: "other.jsonl", Data: []byte(noTime + noTime), Args: []string{"-json", "-lenient"}, Code: 1,
			Stderr: "%[1]s: 2 records read, 0 decoded, 2 skipped\n" +
				"  skipped %[2]s:1: createdDateTime: missing event time (byte 0)\n" +
				"  skipped %[2]s:2: createdDateTime: missing event time (byte " + itoa(len(noTime)) + ")\n" +
				"%[1]s: no %[3]s records in %[2]s: 2 records read, none decoded\n"},
		{Name: "zip", Reason: "an archive is named, not reported as invalid JSON",
			File: "signins.zip", Data: []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), Args: []string{"-json"}, Code: 1,
			Stderr: "%[2]s: zip archive: unzip it first\n"},
		{Name: "zstd", Reason: "zstd is named",
			File: "signins.json.zst", Data: []byte{0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58}, Args: []string{"-json"}, Code: 1,
			Stderr: "%[2]s: zstd-compressed: decompress it first (zstd -d)\n"},
		{Name: "xz", Reason: "xz is named",
			File: "signins.json.xz", Data: []byte{0xFD, '7', 'z', 'X', 'Z', 0x00, 0x00, 0x04}, Args: []string{"-json"}, Code: 1,
			Stderr: "%[2]s: xz-compressed: decompress it first (xz -d)\n"},
		{Name: "7z", Reason: "7z is named",
			File: "signins.7z", Data: []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04}, Args: []string{"-json"}, Code: 1,
			Stderr: "%[2]s: 7z archive: extract it first (7z x)\n"},
		{Name: "unknown CSV", Reason: "a CSV whose columns are no known export is refused, saying which to use",
			File: "report.csv", Data: []byte("Name,Department,Last sign-in\nAlex,IT,2025-03-14\n"), Args: []string{"-json"}, Code: 1,
			Stderr: `%[2]s: CSV with columns "Name", "Department", "Last sign-in" is not a sign-in export escudo knows: ` +
				`it reads the Log Analytics "Export to CSV" of sign-in logs and the Microsoft Entra admin center's CSV download of sign-in logs, ` +
				`with English column names; export the sign-ins as JSON instead (Graph API, Azure Monitor, or the admin center's JSON download)` + "\n"},
		{Name: "bad CSV cell", Reason: "an error in a CSV row names its line and the export's column",
			File: "signins.csv", Data: badCSV, Args: []string{"-json", "-decode-all"}, Code: 1,
			Stderr: "%[2]s:2: Sign-in error code: want an integer, got \"abc\" (byte " + itoa(badRow) + ")\n"},
		{Name: "directory", Reason: "a directory given as a file is one clear line",
			File: dir, Args: []string{"-json"}, Code: 1,
			Stderr: "%[1]s: " + dir + ": is a directory, not an export file (give the files in it, such as " + filepath.Join(dir, "*.json") + ")\n"},
		{Name: "format mismatch", Reason: "-format azure-monitor on Graph data says the format does not match",
			File: Formats("graph.jsonl"), Args: []string{"-json", "-format", "azure-monitor"}, Code: 1,
			Stderr: "%[2]s:1: format does not match: the records are graph, not azure-monitor\n"},
		{Name: "UTF-16 position", Reason: "an error in UTF-16 input says in which unit its offset counts",
			File: "signins.json", Data: utf16, Args: []string{"-json", "-decode-all"}, Code: 1,
			Stderr: `%[2]s:2: status.errorCode: want an integer, got "abc" (byte ` + itoa(len(lines[0])+64) + " of the UTF-8 transcoding of UTF-16LE input)\n"},
		{Name: "UTF-16 position, passed over", Reason: "a malformed record no rule can match is reported as the decoder reports it, in UTF-16 input too",
			File: "signins.json", Data: utf16Cut, Args: []string{"-json"}, Code: 1,
			Stderr: `%[2]s:2: invalid JSON: unexpected end of record (truncated?) (byte ` + itoa(len(lines[0])+41) + " of the UTF-8 transcoding of UTF-16LE input)\n"},
	}...)
}

// gzipFailures are the failure cases of a gzip download of path (whose
// content is data) that is cut short or corrupt: the findings of every
// record read are printed, marked partial, and the message says where
// the input broke.
func gzipFailures(t *testing.T, file, path string, data []byte) []Failure {
	lines := strings.SplitAfter(string(data), "\n")
	// A download cut short: the gzip of the whole file, truncated, holds
	// the first lines whole and a part of the next.
	gz := Gzip(t, data)
	cut := gz[:len(gz)*6/10]
	whole := completeLines(t, cut)
	prefix := Write(t, "prefix.jsonl", []byte(strings.Join(lines[:whole], "")))
	// A gzip whose CRC (the trailer's first four bytes) is wrong: every
	// record decompresses, and then the check fails.
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	total := itoa(bytes.Count(data, []byte("\n")))
	return []Failure{
		{Name: "truncated gzip", Reason: "the findings of every record read are printed, marked partial, with where the input broke",
			File: file, Data: cut, Args: []string{"-json"}, Stdout: prefix, Code: 1,
			Stderr: "read %[2]s: gzip: unexpected EOF at compressed byte " + itoa(len(cut)) + ", after " + itoa(whole) + " records\n" +
				"%[1]s: results are partial (" + itoa(whole) + " records read)\n"},
		{Name: "truncated gzip, lenient", Reason: "lenient mode skips bad records, not a broken input",
			File: file, Data: cut, Args: []string{"-json", "-lenient", "-decode-all"}, Stdout: prefix, Code: 1,
			Stderr: "%[1]s: " + itoa(whole) + " records read, " + itoa(whole) + " decoded, 0 skipped\n" +
				"read %[2]s: gzip: unexpected EOF at compressed byte " + itoa(len(cut)) + ", after " + itoa(whole) + " records\n" +
				"%[1]s: results are partial (" + itoa(whole) + " records read)\n"},
		{Name: "gzip checksum", Reason: "a corrupt download is an error even when every record was read",
			File: file, Data: badCRC, Args: []string{"-json"}, Stdout: path, Code: 1,
			Stderr: "read %[2]s: gzip: invalid checksum at compressed byte " + itoa(len(badCRC)) + ", after " + total + " records\n" +
				"%[1]s: results are partial (" + total + " records read)\n"},
	}
}

// completeLines returns how many whole lines the gzip prefix cut holds.
func completeLines(t *testing.T, cut []byte) int {
	zr, err := gzip.NewReader(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(zr) // stops at the truncation
	return bytes.Count(buf.Bytes(), []byte("\n"))
}

func utf16LE(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

// csvWithBadCode is the admin center CSV's header and first row, with the
// row's "Sign-in error code" replaced by text, and the row's byte offset.
func csvWithBadCode(t *testing.T) ([]byte, int) {
	data, err := os.ReadFile(Formats("entra-admin-center.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := strings.Cut(string(data), "\n")
	r := csv.NewReader(strings.NewReader(string(data)))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := rows[1]
	row[slices.Index(rows[0], "Sign-in error code")] = "abc"
	var b bytes.Buffer
	b.WriteString(header + "\n")
	w := csv.NewWriter(&b)
	w.Write(row)
	w.Flush()
	_ = rest
	return b.Bytes(), len(header) + 1
}

// AuditFailures returns the failure cases of the sign-in reader
// ([Failures]) that concern the records themselves, made of audit
// records: a cut or corrupt gzip download, a bad event time, a field of
// the wrong type, a missing time, in strict and lenient mode, in UTF-16,
// and a -format that does not match. The program must read audit
// records.
func AuditFailures(t *testing.T) []Failure {
	path := Formats("audit/graph.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Line 2 with its activityDateTime not a time, its targetResources
	// not an array, and without activityDateTime.
	when := regexp.MustCompile(`"activityDateTime":"([^"]*)",`).FindStringSubmatch(lines[1])
	if when == nil {
		t.Fatal("the audit dataset's second record has no activityDateTime")
	}
	badTime := strings.Replace(lines[1], when[0], `"activityDateTime":"yesterday `+when[1]+`",`, 1)
	badType := regexp.MustCompile(`"targetResources":\[.*\],"additionalDetails"`).ReplaceAllString(lines[1], `"targetResources":"x","additionalDetails"`)
	noTime := strings.Replace(lines[1], when[0], "", 1)
	// at is the byte offset of value in line 2 of the input.
	at := func(line2, value string) string { return itoa(len(lines[0]) + strings.Index(line2, value)) }
	timeErr := `%[2]s:2: activityDateTime: want an RFC 3339 timestamp, got "yesterday ` + when[1] + `" (byte ` + at(badTime, `"yesterday`)
	good := Write(t, "good.jsonl", []byte(lines[0]+lines[2]))
	utf16 := append([]byte{0xFF, 0xFE}, utf16LE(lines[0]+badTime)...)
	return append(gzipFailures(t, "audit.jsonl.gz", path, data), []Failure{
		{Name: "bad audit time", Reason: "a strict run stops at a bad record, naming its line, field and byte",
			File: "audit.jsonl", Data: []byte(lines[0] + badTime + lines[2]), Args: []string{"-json"}, Code: 1,
			Stderr: timeErr + ")\n"},
		{Name: "bad audit field type", Reason: "a field of the wrong type is named with what was wanted",
			File: "audit.jsonl", Data: []byte(lines[0] + badType), Args: []string{"-json"}, Code: 1,
			Stderr: `%[2]s:2: targetResources: want an array, got "x" (byte ` + at(badType, `"x"`) + ")\n"},
		{Name: "audit without its time", Reason: "a directoryAudit without activityDateTime is an audit record missing its time, not a sign-in",
			File: "audit.jsonl", Data: []byte(lines[0] + noTime), Args: []string{"-json"}, Code: 1,
			Stderr: "%[2]s:2: activityDateTime: missing event time (byte " + itoa(len(lines[0])) + ")\n"},
		{Name: "bad audit record, lenient", Reason: "lenient mode reports the bad record and keeps the findings of the others",
			File: "audit.jsonl", Data: []byte(lines[0] + badTime + lines[2]), Args: []string{"-json", "-lenient"}, Stdout: good, Code: 0,
			Stderr: "%[1]s: 3 records read, 2 decoded, 1 skipped\n" +
				"  skipped " + timeErr + ")\n"},
		{Name: "audit UTF-16 position", Reason: "an error in UTF-16 audit input says in which unit its offset counts",
			File: "audit.json", Data: utf16, Args: []string{"-json"}, Code: 1,
			Stderr: timeErr + " of the UTF-8 transcoding of UTF-16LE input)\n"},
		{Name: "audit format mismatch", Reason: "-format azure-monitor on Graph audit records says the format does not match",
			File: path, Args: []string{"-json", "-format", "azure-monitor"}, Code: 1,
			Stderr: "%[2]s:1: format does not match: the records are graph, not azure-monitor\n"},
	}...)
}

// SyncBuffer is a buffer that a running program (a goroutine, a child
// process's output) writes while the test reads it.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what has been written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
