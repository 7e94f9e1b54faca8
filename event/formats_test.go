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
		for _, suffix := range []string{"", ".gz"} {
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
