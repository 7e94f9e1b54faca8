package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/risk/hec"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

var testdata = filepath.Join("..", "..", "testdata", "riskincidents")

// run runs the program as main does, with the given arguments and
// environment.
func run(t *testing.T, p cli.IncidentProgram, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	p.Getenv = func(k string) string { return env[k] }
	var out, errb bytes.Buffer
	code = p.Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func golden(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "incidents.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGolden runs the program on the bundled samples, as `go run
// ./examples/riskincidents -json` does, and compares the incidents with
// testdata/riskincidents/incidents.golden.jsonl. Run with -update to
// rewrite the golden file, then review the diff.
func TestGolden(t *testing.T) {
	code, out, errs := run(t, program(), nil, "", "-json")
	if code != cli.ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	path := filepath.Join(testdata, "incidents.golden.jsonl")
	if *update {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(golden(t), out); diff != "" {
		t.Errorf("incidents (-golden +got):\n%s", diff)
	}
}

func TestMain_(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	samples, err := os.ReadFile(filepath.Join(testdata, "risk_events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(samples), "\n")
	events := filepath.Join(testdata, "risk_events.jsonl")
	bad := write("bad.jsonl", lines[0]+"{\"_time\":\"yesterday\"}\n"+lines[1])
	blank := write("blank.jsonl", strings.Replace(lines[0], `"risk_object":"isabel.ruiz@example.com"`, `"risk_object":" "`, 1))
	// Line 1 at 10:15, then twelve copies of the event at 09:30.
	manyLate := write("many_late.jsonl", lines[1]+strings.Repeat(lines[2], 12))
	lateErr := `: risk: add event for "isabel.ruiz@example.com": late risk event: _time 2025-04-01T09:30:00Z is before 2025-04-01T10:15:00Z, the earliest time the engine still accepts (latest _time 2025-04-01T10:15:00Z, lateness 0s)` + "\n"
	fileIncidents, err := os.ReadFile(filepath.Join(testdata, "risk_events.incidents.golden.jsonl"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		reason     string
		args       []string
		stdin      string
		env        map[string]string
		wantCode   int
		wantStdout string   // exact, unless stdoutHas is set
		stdoutHas  []string // instead of wantStdout
		wantStderr string   // exact
	}{
		{
			name:      "table",
			reason:    "the default output is a summary and a table",
			wantCode:  cli.ExitOK,
			stdoutHas: []string{"Risk events: 612 (597 from sign-ins, 15 from risk event files)\nIncidents: 107\nlast_time ", "2025-04-12T19:45:00Z     mei.chen@example.org "},
		},
		{
			name:       "stream",
			reason:     "fed as a stream, with the sign-ins' events first and the file in its order, the incidents are the same",
			args:       []string{"-json", "-stream"},
			wantStdout: golden(t),
		},
		{
			name:       "events file alone",
			reason:     "-events without FILE reads only risk events; in time order they give their golden incidents",
			args:       []string{"-json", "-events", events},
			wantStdout: string(fileIncidents),
		},
		{
			name:     "stream without lateness",
			reason:   "the sample's event 45 minutes out of order is dropped: the incidents of the rest are printed, then the late event is an error at FILE:LINE, naming its time and object",
			args:     []string{"-json", "-stream", "-lateness", "0", "-events", events},
			wantCode: cli.ExitError,
			stdoutHas: []string{
				`"risk_score":135,"risk_event_count":3,"source_count":2,`, // the first incident comes later, without the late event
				`"last_time":"2025-04-01T16:40:00Z"`,
			},
			wantStderr: events + ":3" + lateErr +
				"riskincidents: 1 risk events dropped as later than the lateness allows; raise -lateness, or accept the loss with -lenient\n",
		},
		{
			name:   "stream without lateness lenient",
			reason: "-lenient accepts the loss: the late event is counted and located on stderr, and the run succeeds",
			args:   []string{"-json", "-lenient", "-stream", "-lateness", "0", "-events", events},
			stdoutHas: []string{
				`"risk_score":135,"risk_event_count":3,"source_count":2,`,
				`"last_time":"2025-04-01T16:40:00Z"`,
			},
			wantStderr: "riskincidents: 1 risk events dropped as later than the lateness allows\n" +
				"  dropped " + events + ":3" + lateErr,
		},
		{
			name:       "many late events",
			reason:     "the table of what was kept is printed; the first ten late events are listed, and the count says how many there were",
			args:       []string{"-stream", "-lateness", "0", "-events", manyLate},
			wantCode:   cli.ExitError,
			wantStdout: "Risk events: 13 (0 from sign-ins, 13 from risk event files)\nIncidents: 0\n",
			wantStderr: lateLines("", manyLate, lateErr, 2, 11) +
				"riskincidents: 12 risk events dropped as later than the lateness allows (the first 10 listed); raise -lateness, or accept the loss with -lenient\n",
		},
		{
			name:       "many late events lenient",
			reason:     "-lenient lists the first ten under the count",
			args:       []string{"-lenient", "-stream", "-lateness", "0", "-events", manyLate},
			wantStdout: "Risk events: 13 (0 from sign-ins, 13 from risk event files)\nIncidents: 0\n",
			wantStderr: "riskincidents: 12 risk events dropped as later than the lateness allows\n" +
				lateLines("  dropped ", manyLate, lateErr, 2, 11),
		},
		{
			name:       "stdin and commas",
			reason:     "- reads standard input, and -events takes comma-separated names",
			args:       []string{"-json", "-events", "-," + events},
			stdin:      "\n",
			wantStdout: string(fileIncidents),
		},
		{
			name:       "bad line",
			reason:     "a bad risk event line stops the run with FILE:LINE and prints nothing",
			args:       []string{"-json", "-events", bad},
			wantCode:   cli.ExitError,
			wantStderr: bad + `:2: risk: decode event: bad _time: parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"` + "\n",
		},
		{
			name:   "bad line lenient",
			reason: "-lenient skips the bad line and says so",
			args:   []string{"-json", "-lenient", "-events", bad},
			wantStderr: "riskincidents: skipped " + bad + `:2: risk: decode event: bad _time: parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "yesterday" as "2006"` + "\n" +
				"riskincidents: 1 bad risk events skipped\n",
		},
		{
			name:       "blank risk object",
			reason:     "an event the engine refuses is located too",
			args:       []string{"-json", "-events", blank},
			wantCode:   cli.ExitError,
			wantStderr: blank + ":1: risk: add event: invalid risk event: blank risk_object\n",
		},
		{
			name:       "missing file",
			reason:     "an unreadable file is an error, not an empty input",
			args:       []string{"-events", filepath.Join(dir, "nope.jsonl")},
			wantCode:   cli.ExitError,
			wantStderr: "riskincidents: open " + filepath.Join(dir, "nope.jsonl") + ": no such file or directory\n",
		},
		{
			name:       "hec without token",
			reason:     "the token comes from the environment, never the command line",
			args:       []string{"-hec", "http://127.0.0.1:1"},
			wantCode:   cli.ExitUsage,
			wantStderr: "riskincidents: -hec: set the HEC token in the environment variable ESCUDO_HEC_TOKEN\n",
		},
		{
			name:       "hec bad URL",
			reason:     "a bad URL is a usage error, and the token is not shown",
			args:       []string{"-hec", "ftp://splunk.example.com"},
			env:        map[string]string{cli.HECTokenEnv: "secret-token"},
			wantCode:   cli.ExitUsage,
			wantStderr: "riskincidents: -hec: hec: invalid HEC configuration: URL scheme \"ftp\" is not http or https\n",
		},
		{
			name:       "negative lateness",
			reason:     "a negative lateness makes no sense",
			args:       []string{"-lateness", "-1s"},
			wantCode:   cli.ExitUsage,
			wantStderr: "riskincidents: -lateness: negative duration -1s\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, program(), tt.env, tt.stdin, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr %q; reason: %s", code, tt.wantCode, errs, tt.reason)
			}
			if tt.stdoutHas == nil {
				if diff := cmp.Diff(tt.wantStdout, out); diff != "" {
					t.Errorf("stdout (-want +got):\n%s\nreason: %s", diff, tt.reason)
				}
			}
			for _, s := range tt.stdoutHas {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s\nreason: %s", s, out, tt.reason)
				}
			}
			if diff := cmp.Diff(tt.wantStderr, errs); diff != "" {
				t.Errorf("stderr (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// lateLines returns the stderr lines of late events read from lines
// first to last of file, all with the message err, each after prefix.
func lateLines(prefix, file, err string, first, last int) string {
	var b strings.Builder
	for n := first; n <= last; n++ {
		fmt.Fprintf(&b, "%s%s:%d%s", prefix, file, n, err)
	}
	return b.String()
}

// TestLateKeepsOutput checks that a late event makes no difference to what
// is printed: strict and lenient runs print the same incidents, those of
// the events kept, and differ only in their exit status and stderr.
func TestLateKeepsOutput(t *testing.T) {
	events := filepath.Join(testdata, "risk_events.jsonl")
	for _, args := range [][]string{
		{"-json", "-stream", "-lateness", "0", "-events", events},
		{"-stream", "-lateness", "0", "-events", events},
	} {
		strictCode, strictOut, _ := run(t, program(), nil, "", args...)
		lenientCode, lenientOut, _ := run(t, program(), nil, "", append([]string{"-lenient"}, args...)...)
		if strictCode != cli.ExitError || lenientCode != cli.ExitOK {
			t.Errorf("%v: exit %d strict, %d lenient; want %d and %d", args, strictCode, lenientCode, cli.ExitError, cli.ExitOK)
		}
		if strictOut == "" {
			t.Errorf("%v: strict run printed nothing", args)
		}
		if diff := cmp.Diff(lenientOut, strictOut); diff != "" {
			t.Errorf("%v: stdout (-lenient +strict):\n%s", args, diff)
		}
	}
}

// fakeHEC is an HTTP Event Collector on loopback that checks the token,
// fails on demand, and records the events it accepts.
type fakeHEC struct {
	*httptest.Server
	token    string
	mu       sync.Mutex
	fail     []int // statuses of the first requests
	requests int
	events   []map[string]any
	acked    int // ackIds confirmed, with indexer acknowledgement
}

func newFakeHEC(t *testing.T, token string, fail ...int) *fakeHEC {
	t.Helper()
	f := &fakeHEC{token: token, fail: fail}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		n := f.requests
		f.requests++
		switch {
		case r.Header.Get("Authorization") != "Splunk "+f.token:
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"text":"Invalid token","code":4}`)
			return
		case n < len(f.fail):
			w.WriteHeader(f.fail[n])
			io.WriteString(w, `{"text":"Server is busy","code":9}`)
			return
		}
		channel := r.Header.Get("X-Splunk-Request-Channel")
		if strings.HasSuffix(r.URL.Path, "/ack") {
			// Indexer acknowledgement: every ackId handed out is indexed.
			var q struct{ Acks []int }
			json.Unmarshal(body, &q)
			acks := map[string]bool{}
			for _, id := range q.Acks {
				acks[strconv.Itoa(id)] = true
				f.acked++
			}
			json.NewEncoder(w).Encode(map[string]any{"acks": acks})
			return
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		for dec.More() {
			var ev map[string]any
			if err := dec.Decode(&ev); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"text":"Invalid data format","code":6}`)
				return
			}
			f.events = append(f.events, ev)
		}
		if channel != "" {
			fmt.Fprintf(w, `{"text":"Success","code":0,"ackId":%d}`, n)
			return
		}
		io.WriteString(w, `{"text":"Success","code":0}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func TestHEC(t *testing.T) {
	const token = "7c1e0c55-9f61-4b4e-8a35-2d5f6a1b9e07"
	env := map[string]string{cli.HECTokenEnv: token}
	tests := []struct {
		name       string
		reason     string
		token      string
		fail       []int
		ack        bool
		wantCode   int
		wantStderr string
		wantEvents int
	}{
		{
			name:       "delivered",
			reason:     "every risk event and every incident arrives once",
			token:      token,
			wantStderr: "riskincidents: sent 612 risk events and 107 incidents to HEC\n",
			wantEvents: 612 + 107,
		},
		{
			name:       "busy twice",
			reason:     "503 twice, then success: no loss, no duplicate",
			token:      token,
			fail:       []int{503, 503},
			wantStderr: "riskincidents: sent 612 risk events and 107 incidents to HEC\n",
			wantEvents: 612 + 107,
		},
		{
			name:       "acknowledged",
			reason:     "with -hec-ack every batch is confirmed by the ack endpoint, and arrives once",
			token:      token,
			ack:        true,
			wantStderr: "riskincidents: sent 612 risk events and 107 incidents to HEC\n",
			wantEvents: 612 + 107,
		},
		{
			name:       "forbidden",
			reason:     "403 gives up at once with HEC's text; the incidents are still printed",
			token:      "another-token",
			wantCode:   cli.ExitError,
			wantStderr: "riskincidents: -hec: hec: 403 Forbidden: Invalid token (code 4) (0 of 719 events delivered)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeHEC(t, tt.token, tt.fail...)
			p := program()
			p.HEC = func(c *hec.Config) { c.BaseDelay, c.AckPollInterval = time.Millisecond, time.Millisecond }
			args := []string{"-json", "-hec", srv.URL, "-hec-index", "risk"}
			if tt.ack {
				args = append(args, "-hec-ack")
			}
			code, out, errs := run(t, p, env, "", args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; reason: %s", code, tt.wantCode, tt.reason)
			}
			if diff := cmp.Diff(golden(t), out); diff != "" {
				t.Errorf("stdout (-golden +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantStderr, errs); diff != "" {
				t.Errorf("stderr (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if strings.Contains(errs, token) {
				t.Error("the token shows on stderr")
			}
			if tt.ack && srv.acked == 0 {
				t.Error("-hec-ack: no acknowledgement was asked for")
			}
			if len(srv.events) != tt.wantEvents {
				t.Fatalf("HEC got %d events, want %d; reason: %s", len(srv.events), tt.wantEvents, tt.reason)
			}
			if tt.wantEvents == 0 {
				return
			}
			count := map[string]int{}
			seen := map[string]bool{}
			for _, ev := range srv.events {
				count[ev["sourcetype"].(string)]++
				if ev["index"] != "risk" {
					t.Fatalf("event %v: index is not risk", ev)
				}
				b, _ := json.Marshal(ev)
				seen[string(b)] = true
			}
			if diff := cmp.Diff(map[string]int{"escudo:risk": 612, "escudo:risk_incident": 107}, count); diff != "" {
				t.Errorf("events per sourcetype (-want +got):\n%s", diff)
			}
			// The samples hold identical risk events (one finding, several
			// values), so distinct events are fewer than events; a
			// duplicated batch would still show in the counts above.
			if len(seen) < 500 {
				t.Errorf("only %d distinct events", len(seen))
			}
		})
	}
}

// TestHECLate checks that a late event in strict mode keeps what was
// computed: the events kept and their incidents are still delivered, the
// late event is reported after them, and the exit status is 1.
func TestHECLate(t *testing.T) {
	const token = "7c1e0c55-9f61-4b4e-8a35-2d5f6a1b9e07"
	srv := newFakeHEC(t, token)
	events := filepath.Join(testdata, "risk_events.jsonl")
	code, _, errs := run(t, program(), map[string]string{cli.HECTokenEnv: token}, "",
		"-json", "-stream", "-lateness", "0", "-events", events, "-hec", srv.URL)
	if code != cli.ExitError {
		t.Errorf("exit %d, want %d", code, cli.ExitError)
	}
	want := events + `:3: risk: add event for "isabel.ruiz@example.com": late risk event: _time 2025-04-01T09:30:00Z is before 2025-04-01T10:15:00Z, the earliest time the engine still accepts (latest _time 2025-04-01T10:15:00Z, lateness 0s)` + "\n" +
		"riskincidents: 1 risk events dropped as later than the lateness allows; raise -lateness, or accept the loss with -lenient\n" +
		"riskincidents: sent 14 risk events and 2 incidents to HEC\n"
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if len(srv.events) != 14+2 {
		t.Errorf("HEC got %d events, want 16", len(srv.events))
	}
}
