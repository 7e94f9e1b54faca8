package event_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/escudo-dev/escudo/event"
)

// formatFiles are one logical dataset stored in every supported layout and
// format (testdata/formats/README.md), with the format each must detect.
var formatFiles = []struct {
	name   string
	format event.Format
}{
	{"graph.jsonl", event.Graph},
	{"graph-page.json", event.Graph},
	{"graph-array.json", event.Graph},
	{"azure-monitor-eventhub.json", event.AzureMonitor},
	{"azure-monitor-blob.jsonl", event.AzureMonitor},
	{"log-analytics.json", event.LogAnalytics},
	{"log-analytics.jsonl", event.LogAnalytics},
	// The shapes of other tools' exports (testdata/formats/README.md).
	{"graph-pretty.json", event.Graph},
	{"graph-powershell.json", event.Graph},
	{"azure-monitor-pretty.json", event.AzureMonitor},
	{"azure-monitor-utf16be.jsonl", event.AzureMonitor},
	{"azure-monitor-mixed.jsonl", event.AzureMonitor},
	{"graph-quirks.jsonl", event.Graph},
	{"azure-monitor-quirks.jsonl", event.AzureMonitor},
}

func readFormatFile(t *testing.T, name string, f event.Format) ([]event.SignInEvent, event.Format) {
	t.Helper()
	file, err := os.Open(filepath.Join("..", "testdata", "formats", name))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r := event.NewReader(file)
	r.Name = name
	r.Format = f
	rec, err := r.ReadRecord()
	if err != nil {
		t.Fatalf("first record: %v", err)
	}
	var first event.SignInEvent
	if err := r.Decode(rec, &first); err != nil {
		t.Fatal(err)
	}
	rest, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return append([]event.SignInEvent{first}, rest...), rec.Format
}

// TestFormatsDecodeEqual reads the same sign-ins from every layout, format
// and gzip, detected automatically and selected explicitly, and checks
// they decode to the same events as the Graph JSON lines (the envelope
// aside, which only Azure Monitor and Log Analytics carry).
func TestFormatsDecodeEqual(t *testing.T) {
	want, _ := readFormatFile(t, "graph.jsonl", event.Auto)
	if len(want) != 28 {
		t.Fatalf("reference dataset has %d sign-ins, want 28", len(want))
	}
	noEnvelope := cmpopts.IgnoreFields(event.SignInEvent{}, "Envelope")
	for _, ff := range formatFiles {
		for _, suffix := range []string{"", ".gz", ".bz2"} {
			if _, err := os.Stat(filepath.Join("..", "testdata", "formats", ff.name+suffix)); suffix != "" && err != nil {
				continue // most files have no gzip or bzip2 copy
			}
			for _, explicit := range []event.Format{event.Auto, ff.format} {
				name := ff.name + suffix
				t.Run(name+"/"+explicit.String(), func(t *testing.T) {
					got, detected := readFormatFile(t, name, explicit)
					if detected != ff.format {
						t.Errorf("record format = %v, want %v", detected, ff.format)
					}
					if diff := cmp.Diff(want, got, noEnvelope); diff != "" {
						t.Errorf("events differ from graph.jsonl (-want +got):\n%s", diff)
					}
					for i, ev := range got {
						env := ev.Envelope
						switch ff.format {
						case event.Graph:
							if env != (event.Envelope{}) {
								t.Errorf("record %d: a Graph record has an envelope: %+v", i, env)
							}
						default:
							if env.Format != ff.format || env.Time.IsZero() || env.Category == "" || env.OperationName != "Sign-in activity" || env.TenantID == "" {
								t.Errorf("record %d: envelope not kept: %+v", i, env)
							}
							if env.Time.Before(ev.CreatedDateTime) {
								t.Errorf("record %d: envelope time %v before the sign-in %v: the event time must stay createdDateTime", i, env.Time, ev.CreatedDateTime)
							}
						}
					}
				})
			}
		}
	}
}

// TestFormatsCategories checks that all four Azure Monitor sign-in
// categories are read, and their envelope kept.
func TestFormatsCategories(t *testing.T) {
	evs, _ := readFormatFile(t, "azure-monitor-blob.jsonl", event.Auto)
	seen := map[string]int{}
	for _, ev := range evs {
		seen[ev.Envelope.Category]++
	}
	for _, c := range []string{"SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs", "ManagedIdentitySignInLogs"} {
		if seen[c] == 0 {
			t.Errorf("no %s record decoded (seen %v)", c, seen)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, name := range event.Formats() {
		f, err := event.ParseFormat(name)
		if err != nil || f.String() != name {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if _, err := event.ParseFormat("csv"); err == nil {
		t.Error("ParseFormat(csv) accepted an unknown format")
	}
}

// TestFormatsMixedCategories reads an Azure Monitor stream that mixes
// sign-ins with records of other categories, as a diagnostic setting
// streams them together: the sign-ins are read (ADFSSignInLogs among
// them), and the others are counted by category and skipped, in strict
// mode too (Read returns no error for them).
func TestFormatsMixedCategories(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "formats", "azure-monitor-mixed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := event.NewReader(f)
	evs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	adfs := 0
	for _, ev := range evs {
		if ev.Envelope.Category == "ADFSSignInLogs" {
			adfs++
		}
	}
	if len(evs) != 28 || adfs != 1 {
		t.Errorf("read %d sign-ins, %d of them ADFSSignInLogs; want 28 and 1", len(evs), adfs)
	}
	if diff := cmp.Diff(event.Counts{Records: 34, Decoded: 28, Other: 6}, r.Counts()); diff != "" {
		t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
	}
	want := map[string]int64{"AuditLogs": 2, "ProvisioningLogs": 1, "RiskyUsers": 1, "UserRiskEvents": 1, "MicrosoftGraphActivityLogs": 1}
	if diff := cmp.Diff(want, r.OtherKinds()); diff != "" {
		t.Errorf("OtherKinds() mismatch (-want +got):\n%s", diff)
	}
}
