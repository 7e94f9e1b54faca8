package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/detection/kafka"
	"github.com/escudo-dev/escudo/event"
)

// TestUsage runs the program in-process on bad command lines: each stops
// before it connects to anything, with status 2 (0 for -h) and the
// message main.go prints as the first line on stderr.
func TestUsage(t *testing.T) {
	ok := []string{"-brokers", "127.0.0.1:1", "-topic", "in", "-group", "g", "-out-topic", "out"}
	with := func(extra ...string) []string { return append(append([]string(nil), ok...), extra...) }
	const secret = "c2VjcmV0LWtleS1ub3QtdG8tYmUtZWNob2Vk"
	missingCA := filepath.Join(t.TempDir(), "missing.pem")
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		env   map[string]string
		code  int
		first string // the first line on stderr; "" means none
	}{
		{name: "help", args: []string{"-h"}, code: 0,
			first: "usage: kafkadetect -brokers HOST:PORT[,...] -topic IN -group G -out-topic OUT [-state-topic S] [-start earliest|latest] [-rules NAME,...] [-window 1h] [-lateness 10m] [-stats]"},
		{name: "nothing", args: nil, code: 2, first: "kafkadetect: -brokers, -topic, -group, -out-topic required"},
		{name: "no topic", args: []string{"-brokers", "b:9092", "-group", "g", "-out-topic", "out"}, code: 2,
			first: "kafkadetect: -topic required"},
		{name: "only topic", args: []string{"-topic", "in"}, code: 2, first: "kafkadetect: -brokers, -group, -out-topic required"},
		{name: "blank brokers", args: []string{"-brokers", " , ", "-topic", "in", "-group", "g", "-out-topic", "out"}, code: 2,
			first: "kafkadetect: -brokers required"},
		{name: "bad start", args: with("-start", "beginning"), code: 2,
			first: `kafkadetect: -start "beginning": want earliest or latest`},
		{name: "zero window", args: with("-window", "0s"), code: 2,
			first: "kafkadetect: -window, -lateness, -stats-interval and -commit-interval must be positive"},
		{name: "negative lateness", args: with("-lateness", "-1m"), code: 2,
			first: "kafkadetect: -window, -lateness, -stats-interval and -commit-interval must be positive"},
		{name: "zero stats interval", args: with("-stats-interval", "0s"), code: 2,
			first: "kafkadetect: -window, -lateness, -stats-interval and -commit-interval must be positive"},
		{name: "zero commit interval", args: with("-commit-interval", "0s"), code: 2,
			first: "kafkadetect: -window, -lateness, -stats-interval and -commit-interval must be positive"},
		{name: "unknown rule", args: with("-rules", "no_such_rule,also_missing"), code: 2,
			first: "kafkadetect: -rules: no detection named also_missing, no_such_rule (detect -list lists them)"},
		{name: "positional", args: with("records.json"), code: 2,
			first: `kafkadetect: unexpected argument "records.json": the input is -topic`},
		{name: "unknown flag", args: with("-bootstrap", "x"), code: 2, first: "flag provided but not defined: -bootstrap"},
		{name: "same topics", args: []string{"-brokers", "b:9092", "-topic", "in", "-group", "g", "-out-topic", "in"}, code: 2,
			first: "kafkadetect: kafka: bad config: Topic, OutTopic and StateTopic must differ"},
		{name: "missing CA", args: with("-tls-ca", missingCA), code: 2,
			first: "kafkadetect: -tls-ca: open " + missingCA + ": no such file or directory"},
		{name: "CA not PEM", args: with("-tls-ca", notPEM), code: 2,
			first: "kafkadetect: -tls-ca " + notPEM + ": no PEM certificate in it"},
		{name: "connection string without sb://", args: []string{"-group", "g", "-out-topic", "out"}, code: 2,
			env:   map[string]string{"EVENTHUB_CONNECTION_STRING": "Endpoint=https://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=" + secret},
			first: "kafkadetect: EVENTHUB_CONNECTION_STRING: kafka: bad config: Event Hubs connection string: Endpoint must be sb://NAMESPACE.servicebus.windows.net/"},
		{name: "connection string without key", args: []string{"-group", "g", "-out-topic", "out"}, code: 2,
			env:   map[string]string{"EVENTHUB_CONNECTION_STRING": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;EntityPath=hub"},
			first: "kafkadetect: EVENTHUB_CONNECTION_STRING: kafka: bad config: Event Hubs connection string: no SharedAccessKey"},
		{name: "connection string without EntityPath nor -topic", args: []string{"-group", "g", "-out-topic", "out"}, code: 2,
			env:   map[string]string{"EVENTHUB_CONNECTION_STRING": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=" + secret},
			first: "kafkadetect: -topic required"},
		{name: "connection string, group missing", args: []string{"-out-topic", "out"}, code: 2,
			env:   map[string]string{"EVENTHUB_CONNECTION_STRING": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=" + secret + ";EntityPath=hub"},
			first: "kafkadetect: -group required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			getenv := func(k string) string { return tc.env[k] }
			// A context already cancelled: a case that wrongly got as far
			// as Run would return at once instead of dialling.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			code := run(ctx, tc.args, getenv, &stderr)
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			first, _, _ := strings.Cut(stderr.String(), "\n")
			if first != tc.first {
				t.Errorf("first stderr line:\n got %q\nwant %q", first, tc.first)
			}
			if strings.Contains(stderr.String(), secret) {
				t.Errorf("stderr repeats the shared access key:\n%s", stderr.String())
			}
		})
	}
}

func TestStatsLine(t *testing.T) {
	prev := kafka.Stats{Counts: event.Counts{Records: 100}, Findings: 5}
	cur := kafka.Stats{
		Messages: 40, Counts: event.Counts{Records: 400}, Findings: 12, Late: 1, OpenWindows: 4,
		Lag: map[int32]int64{11: 0, 3: 7, 0: 2}, // sorted numerically: 11 last
	}
	for _, tc := range []struct {
		name      string
		prev, cur kafka.Stats
		d         time.Duration
		want      string
	}{
		{"rate over two seconds", prev, cur, 2 * time.Second,
			"kafkadetect: 150 records/s, lag 0:2 3:7 11:0 (9 in all), 4 open windows, 12 findings, 1 late"},
		{"rate over half a second", prev, cur, 500 * time.Millisecond,
			"kafkadetect: 600 records/s, lag 0:2 3:7 11:0 (9 in all), 4 open windows, 12 findings, 1 late"},
		{"nothing read yet", kafka.Stats{}, kafka.Stats{}, time.Second,
			"kafkadetect: 0 records/s, lag none (0 in all), 0 open windows, 0 findings, 0 late"},
		{"one partition caught up", prev, kafka.Stats{Counts: event.Counts{Records: 103}, Lag: map[int32]int64{5: 0}, OpenWindows: 2, Findings: 5}, 3 * time.Second,
			"kafkadetect: 1 records/s, lag 5:0 (0 in all), 2 open windows, 5 findings, 0 late"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := statsLine(tc.prev, tc.cur, tc.d)
			if got != tc.want {
				t.Errorf("statsLine:\n got %q\nwant %q", got, tc.want)
			}
			if !statsRE.MatchString(got) {
				t.Errorf("%q does not match %v, which TestStatsPrinted waits for", got, statsRE)
			}
		})
	}
}

// statsRE is a -stats line.
var statsRE = regexp.MustCompile(`^kafkadetect: (\d+) records/s, lag((?: \d+:\d+)+| none) \((\d+) in all\), (\d+) open windows, (\d+) findings, (\d+) late$`)

// TestStatsPrinted runs a member with -stats on a small cluster: it
// prints stats lines every -stats-interval, and once it has read
// everything a line shows each partition it read with lag 0, and as
// many findings as its last line on SIGTERM counts.
func TestStatsPrinted(t *testing.T) {
	f := newFixture(t, 2, 300)
	m := f.member(t, "-stats", "-stats-interval", "200ms")
	f.waitCommitted(t, f.total, time.Minute)
	// The lines printed so far may predate the commit (lag is set when a
	// fetch arrives, open windows and findings once its records are run):
	// wait for one printed after it, with lag 0 on every partition read
	// (the tenants' partitions).
	before := strings.Count(m.stderr.String(), "\n")
	var caughtUp []string
	deadline := time.Now().Add(time.Minute)
	for {
		lines := strings.Split(m.stderr.String(), "\n")
		for _, line := range lines[before : len(lines)-1] {
			if sm := statsRE.FindStringSubmatch(line); sm != nil && sm[2] != " none" && sm[3] == "0" {
				caughtUp = sm
				break
			}
		}
		if caughtUp != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no stats line with every partition's lag 0 within a minute of the last commit:\n%s", tail(m.stderr.String(), 20))
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.stop(t)

	stopped := regexp.MustCompile(`(?m)^kafkadetect: stopped: (\d+) records read in (\d+) messages, (\d+) findings written; state and offsets committed$`).
		FindStringSubmatch(m.stderr.String())
	if stopped == nil {
		t.Fatalf("no stopped line:\n%s", tail(m.stderr.String(), 20))
	}
	if caughtUp[4] == "0" {
		t.Errorf("no open windows after reading every record, which leave windows open: %s", caughtUp[0])
	}
	if stopped[3] != caughtUp[5] {
		t.Errorf("the last stats line counts %s findings, the stopped line %s", caughtUp[5], stopped[3])
	}
	if n, _ := strconv.ParseInt(stopped[2], 10, 64); n != f.total {
		t.Errorf("the member read %d messages, the input has %d", n, f.total)
	}
	if n, _ := strconv.Atoi(stopped[1]); n != 2*300 {
		t.Errorf("the member read %d records, the input has %d", n, 2*300)
	}
	// Every stats line the member printed has the format.
	lines := 0
	for line := range strings.Lines(m.stderr.String()) {
		if strings.Contains(line, "records/s") {
			lines++
			if !statsRE.MatchString(strings.TrimSuffix(line, "\n")) {
				t.Errorf("stats line %q does not match %v", line, statsRE)
			}
		}
	}
	t.Logf("%d stats lines; caught up: %s", lines, caughtUp[0])
}
