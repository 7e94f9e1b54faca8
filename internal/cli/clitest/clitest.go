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
			for _, mode := range []string{"-json", "-risk"} {
				want, _, code := Run(p, mode, Formats(s.Twin))
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
		if !slices.Contains(types, d.EventType()) {
			types = append(types, d.EventType())
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
func CheckFailures(t *testing.T, p cli.Program) {
	for _, f := range Failures(t) {
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
	// A download cut short: the gzip of the whole file, truncated, holds
	// the first lines whole and a part of the next.
	gz := Gzip(t, graph)
	cut := gz[:len(gz)*6/10]
	whole := completeLines(t, cut)
	prefix := Write(t, "prefix.jsonl", []byte(strings.Join(lines[:whole], "")))
	// A gzip whose CRC (the trailer's first four bytes) is wrong: every
	// record decompresses, and then the check fails.
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	risky := `{"time":"2025-03-20T22:20:00Z","operationName":"Risky user","category":"RiskyUsers","properties":{"id":"x","riskLevel":"medium"}}` + "\n"
	noTime := `{"id":"a","userPrincipalName":"a@example.com"}` + "\n"
	dir := t.TempDir()
	badCSV, badRow := csvWithBadCode(t)
	utf16 := append([]byte{0xFF, 0xFE}, utf16LE(lines[0]+`{"createdDateTime":"2025-03-14T09:00:00Z","status":{"errorCode":"abc"}}`+"\n")...)
	return []Failure{
		{Name: "truncated gzip", Reason: "the findings of every record read are printed, marked partial, with where the input broke",
			File: "signins.jsonl.gz", Data: cut, Args: []string{"-json"}, Stdout: prefix, Code: 1,
			Stderr: "read %[2]s: gzip: unexpected EOF at compressed byte " + itoa(len(cut)) + ", after " + itoa(whole) + " records\n" +
				"%[1]s: results are partial (" + itoa(whole) + " records read)\n"},
		{Name: "truncated gzip, lenient", Reason: "lenient mode skips bad records, not a broken input",
			File: "signins.jsonl.gz", Data: cut, Args: []string{"-json", "-lenient"}, Stdout: prefix, Code: 1,
			Stderr: "%[1]s: " + itoa(whole) + " records read, " + itoa(whole) + " decoded, 0 skipped\n" +
				"read %[2]s: gzip: unexpected EOF at compressed byte " + itoa(len(cut)) + ", after " + itoa(whole) + " records\n" +
				"%[1]s: results are partial (" + itoa(whole) + " records read)\n"},
		{Name: "gzip checksum", Reason: "a corrupt download is an error even when every record was read",
			File: "signins.jsonl.gz", Data: badCRC, Args: []string{"-json"}, Stdout: Formats("graph.jsonl"), Code: 1,
			Stderr: "read %[2]s: gzip: invalid checksum at compressed byte " + itoa(len(badCRC)) + ", after 28 records\n" +
				"%[1]s: results are partial (28 records read)\n"},
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
			File: "signins.csv", Data: badCSV, Args: []string{"-json"}, Code: 1,
			Stderr: "%[2]s:2: Sign-in error code: want an integer, got \"abc\" (byte " + itoa(badRow) + ")\n"},
		{Name: "directory", Reason: "a directory given as a file is one clear line",
			File: dir, Args: []string{"-json"}, Code: 1,
			Stderr: "%[1]s: " + dir + ": is a directory, not an export file (give the files in it, such as " + filepath.Join(dir, "*.json") + ")\n"},
		{Name: "format mismatch", Reason: "-format azure-monitor on Graph data says the format does not match",
			File: Formats("graph.jsonl"), Args: []string{"-json", "-format", "azure-monitor"}, Code: 1,
			Stderr: "%[2]s:1: format does not match: the records are graph, not azure-monitor\n"},
		{Name: "UTF-16 position", Reason: "an error in UTF-16 input says in which unit its offset counts",
			File: "signins.json", Data: utf16, Args: []string{"-json"}, Code: 1,
			Stderr: `%[2]s:2: status.errorCode: want an integer, got "abc" (byte ` + itoa(len(lines[0])+64) + " of the UTF-8 transcoding of UTF-16LE input)\n"},
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
