// Command kafkadetect runs escudo's catalogue (or the rules named with
// -rules) as one member of a Kafka consumer group, or of Azure Event
// Hubs through its Kafka endpoint: it reads Azure Monitor records from
// the input topic, runs each tenant's stream, and writes each finding to
// the output topic as one JSON message, the object `detect -stream -json`
// prints for it, with the tenant id as key and the finding's
// deterministic id in header finding_id.
//
// Usage:
//
//	kafkadetect -brokers HOST:PORT[,...] -topic IN -group G -out-topic OUT [-state-topic S]
//	    [-start earliest|latest] [-rules NAME,...] [-window 1h] [-lateness 10m] [-stats]
//	    [-stats-interval 5s] [-risk] [-incidents] [-delivery exactly-once|at-least-once] [-commit-interval 500ms]
//	    [-tls] [-tls-ca FILE] [-transactional-id ID]
//
// Start as many members with the same -group as there are machines (up
// to the input's partition count): the group shares the partitions, and a
// partition's state (its tenants' open windows) moves with it. The input
// must be keyed by tenant (see detection/kafka). A member runs until
// SIGINT or SIGTERM, then commits its state and offsets, leaves the
// group and exits 0; the open windows stay open in the saved state and
// close on whichever member goes on with the partition. A member killed
// outright loses nothing either: its partitions resume from the last
// commit, once the cluster has aborted its open transaction (10 s).
//
// With the environment variable EVENTHUB_CONNECTION_STRING set (an Event
// Hubs namespace or event hub connection string), it connects with SASL
// PLAIN over TLS, user $ConnectionString, to the namespace's Kafka
// endpoint; -brokers and -topic then default to the string's namespace
// and EntityPath.
//
// Findings go to OUT in Kafka transactions with the state and offsets
// (exactly once for read-committed consumers); on a cluster without
// transactions (Event Hubs Basic and Standard), -delivery at-least-once
// writes the findings, then the state, then commits the offsets, and a
// member that dies in between repeats its last findings, each with the
// same finding_id. -risk also writes each
// finding's risk events (header kind "risk_event"); -incidents runs
// the default incident rules (risk.DefaultIncidentRules) over each
// tenant's risk events and writes its incidents (header kind
// "incident", with incident_id). -stats prints on
// stderr, every -stats-interval, records consumed per second, the lag of
// each partition the member reads and its open windows. Exit status: 0
// after a signal, 1 when the run fails (the cluster refuses it), 2 for a
// bad command line.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/kafka"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/risk"
)

const name = "kafkadetect"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stderr))
}

// run is the program; it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		brokers    = fs.String("brokers", "", "the seed brokers, `HOST:PORT[,...]`")
		topic      = fs.String("topic", "", "the input topic of Azure Monitor records, keyed by tenant")
		group      = fs.String("group", "", "the consumer group")
		outTopic   = fs.String("out-topic", "", "the topic the findings go to, created if missing")
		stateTopic = fs.String("state-topic", "", "the topic of the partitions' state, created (compacted) if missing; default GROUP-escudo-state")
		start      = fs.String("start", "earliest", "where a new group starts: earliest or latest")
		ruleNames  = fs.String("rules", "", "run only these detections: comma-separated names, their snake_case forms, or ids")
		window     = fs.Duration("window", detection.DefaultWindow, "the search window of the detections that do not bin _time")
		lateness   = fs.Duration("lateness", detection.DefaultLateness, "how long after its end, in event time, a window closes")
		stats      = fs.Bool("stats", false, "print records per second, lag per partition and open windows on stderr every -stats-interval")
		statsEvery = fs.Duration("stats-interval", 5*time.Second, "how often -stats prints")
		withRisk   = fs.Bool("risk", false, "also write each finding's risk events to the output topic (header kind risk_event)")
		incidents  = fs.Bool("incidents", false, "also run the default incident rules over each tenant's risk events and write its incidents to the output topic (header kind incident)")
		interval   = fs.Duration("commit-interval", kafka.DefaultCommitInterval, "how long a transaction gathers records before it commits")
		useTLS     = fs.Bool("tls", false, "connect with TLS")
		tlsCA      = fs.String("tls-ca", "", "trust the CA certificates in `FILE` (PEM), with -tls implied")
		delivery   = fs.String("delivery", "exactly-once", "exactly-once (Kafka transactions: findings, state and offsets commit together) or at-least-once "+
			"(for clusters without transactions, such as Event Hubs Standard: repeats carry the same finding_id)")
		txnID = fs.String("transactional-id", "", "this member's transactional id (default: GROUP-RANDOM); a member restarted with its id fences its former self at once")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s -brokers HOST:PORT[,...] -topic IN -group G -out-topic OUT [-state-topic S] [-start earliest|latest] [-rules NAME,...] [-window 1h] [-lateness 10m] [-stats]\n"+
			"       [-stats-interval 5s] [-risk] [-incidents] [-delivery exactly-once|at-least-once] [-commit-interval 500ms] [-tls] [-tls-ca FILE] [-transactional-id ID]\n", name)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cli.ExitOK
		}
		return cli.ExitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "%s: %s\n", name, fmt.Sprintf(format, a...))
		return cli.ExitUsage
	}
	if fs.NArg() > 0 {
		return usage("unexpected argument %q: the input is -topic", fs.Arg(0))
	}

	cfg := kafka.Config{Topic: *topic, Group: *group, OutTopic: *outTopic, StateTopic: *stateTopic,
		Risk: *withRisk, CommitInterval: *interval, TransactionalID: *txnID,
		Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	if conn := getenv("EVENTHUB_CONNECTION_STRING"); conn != "" {
		eh, err := kafka.ParseEventHubs(conn)
		if err != nil {
			return usage("EVENTHUB_CONNECTION_STRING: %v", err)
		}
		if *brokers == "" {
			*brokers = eh.Broker
		}
		if cfg.Topic == "" {
			cfg.Topic = eh.EventHub
		}
		cfg.SASLPlain = &eh.Auth
		*useTLS = true
	}
	for b := range strings.SplitSeq(*brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			cfg.Brokers = append(cfg.Brokers, b)
		}
	}
	var missing []string
	for _, f := range []struct {
		flag string
		set  bool
	}{{"-brokers", len(cfg.Brokers) > 0}, {"-topic", cfg.Topic != ""}, {"-group", cfg.Group != ""}, {"-out-topic", cfg.OutTopic != ""}} {
		if !f.set {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return usage("%s required", strings.Join(missing, ", "))
	}
	switch *start {
	case "earliest":
		cfg.Start = kafka.Earliest
	case "latest":
		cfg.Start = kafka.Latest
	default:
		return usage("-start %q: want earliest or latest", *start)
	}
	switch *delivery {
	case "exactly-once":
		cfg.Delivery = kafka.ExactlyOnce
	case "at-least-once":
		cfg.Delivery = kafka.AtLeastOnce
	default:
		return usage("-delivery %q: want exactly-once or at-least-once", *delivery)
	}
	if *window <= 0 || *lateness <= 0 || *statsEvery <= 0 || *interval <= 0 {
		return usage("-window, -lateness, -stats-interval and -commit-interval must be positive")
	}
	cfg.Stream = detection.StreamOptions{Window: *window, Lateness: *lateness}
	if *incidents {
		cfg.Stream.IncidentRules = risk.DefaultIncidentRules()
	}
	if *useTLS || *tlsCA != "" {
		cfg.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		if *tlsCA != "" {
			pem, err := os.ReadFile(*tlsCA)
			if err != nil {
				return usage("-tls-ca: %v", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return usage("-tls-ca %s: no PEM certificate in it", *tlsCA)
			}
			cfg.TLS.RootCAs = pool
		}
	}

	dets := rules.All()
	if *ruleNames != "" {
		var err error
		if dets, err = cli.SelectRules(dets, *ruleNames); err != nil {
			return usage("-rules: %v (detect -list lists them)", err)
		}
	}
	eng, err := detection.NewEngine(detection.Options{Lenient: true}, dets...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return cli.ExitError
	}
	r, err := kafka.NewRunner(eng, cfg)
	if err != nil {
		return usage("%v", err)
	}
	if *stats {
		done := make(chan struct{})
		defer close(done)
		go printStats(stderr, r, *statsEvery, done)
	}
	if err := r.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return cli.ExitError
	}
	s := r.Stats()
	fmt.Fprintf(stderr, "%s: stopped: %d records read in %d messages, %d findings written; state and offsets committed\n",
		name, s.Counts.Records, s.Messages, s.Findings)
	return cli.ExitOK
}

// printStats prints one stats line every interval until done.
func printStats(w io.Writer, r *kafka.Runner, every time.Duration, done <-chan struct{}) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	last, at := r.Stats(), time.Now()
	for {
		select {
		case <-done:
			return
		case now := <-tick.C:
			s := r.Stats()
			fmt.Fprintln(w, statsLine(last, s, now.Sub(at)))
			last, at = s, now
		}
	}
}

// statsLine is "kafkadetect: R records/s, lag P:N ... (N in all), W open
// windows, F findings, L late", the rate over the interval d.
func statsLine(prev, cur kafka.Stats, d time.Duration) string {
	rate := float64(cur.Counts.Records-prev.Counts.Records) / d.Seconds()
	parts := make([]int32, 0, len(cur.Lag))
	for p := range cur.Lag {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	var lag strings.Builder
	total := int64(0)
	for _, p := range parts {
		fmt.Fprintf(&lag, " %d:%d", p, cur.Lag[p])
		total += cur.Lag[p]
	}
	if len(parts) == 0 {
		lag.WriteString(" none")
	}
	return fmt.Sprintf("%s: %.0f records/s, lag%s (%d in all), %d open windows, %d findings, %d late",
		name, rate, lag.String(), total, cur.OpenWindows, cur.Findings, cur.Late)
}
