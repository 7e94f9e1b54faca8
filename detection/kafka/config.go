package kafka

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/escudo-dev/escudo/detection"
)

// Start says where a group with no committed offsets begins to read.
type Start uint8

const (
	// Earliest reads each partition from its first record.
	Earliest Start = iota
	// Latest reads only records produced after the group first joins.
	Latest
)

// Delivery is how a Runner writes its output.
type Delivery uint8

const (
	// ExactlyOnce writes findings, state and offsets in one Kafka
	// transaction: a read-committed consumer of the output sees each
	// finding once, whatever members die.
	ExactlyOnce Delivery = iota
	// AtLeastOnce, for clusters without transactions (Event Hubs Basic
	// and Standard), writes the findings, then the state, then commits
	// the offsets: a member that dies in between has its partitions'
	// last records run again, and their findings written again, with the
	// same finding_id, for the consumer to drop.
	AtLeastOnce
)

// Config configures a Runner.
type Config struct {
	// Brokers are the seed brokers, HOST:PORT.
	Brokers []string
	// Topic is the input topic: Azure Monitor {"records": [...]}
	// documents, as Event Hubs delivers them, or single records (any
	// JSON shape the event package reads). The records of one tenant must
	// all be on one partition of it (the producer keys them by tenant),
	// so that every group of every rule has one owner.
	Topic string
	// Group is the consumer group; its offsets are committed there, so
	// standard tools show its lag.
	Group string
	// OutTopic receives each finding as one message: the JSON object of
	// `detect -stream -json`, the tenant as key, the finding's id
	// (FindingID) in header finding_id. It is created, with Topic's
	// partition count, if missing.
	OutTopic string
	// StateTopic holds each input partition's state, on the partition
	// of the same number; "" means Group + "-escudo-state". It is
	// created, log-compacted, with Topic's partition count, if missing.
	StateTopic string
	// Start is where a new group begins.
	Start Start
	// Stream configures each tenant's stream: windows and lateness, and
	// IncidentRules, whose incidents go to OutTopic with header kind
	// "incident" and their id (IncidentID) in incident_id. OnWindow,
	// OnLate and OnIncident are the Runner's.
	Stream detection.StreamOptions
	// Delivery is ExactlyOnce (the default) or AtLeastOnce.
	Delivery Delivery
	// Risk also writes the risk events of each finding to OutTopic, with
	// header kind "risk_event" (findings have "finding") and the
	// finding's id in finding_id.
	Risk bool
	// CommitInterval is how long one transaction gathers records before
	// it commits their findings, the state and the offsets together; zero
	// means DefaultCommitInterval. It decides only when results are
	// written, never which.
	CommitInterval time.Duration
	// TLS, if set, is the TLS configuration of the connections.
	TLS *tls.Config
	// SASLPlain, if set, authenticates with SASL PLAIN (over TLS: set it
	// too). See EventHubs.
	SASLPlain *plain.Auth
	// TransactionalID identifies this member's producer; "" means one of
	// its own, Group + "-" + 16 random hex digits. A member restarted with
	// the id it had fences its former self at once instead of waiting for
	// its transaction to time out.
	TransactionalID string
	// Logger receives what the runner does: assignments, restores,
	// commits, bad records. Nil discards it.
	Logger *slog.Logger
	// Options are more franz-go options, applied last (tests use them to
	// shorten timeouts).
	Options []kgo.Opt
}

// DefaultCommitInterval is the CommitInterval by default.
const DefaultCommitInterval = 500 * time.Millisecond

// ErrConfig is the error of an incomplete or contradictory Config.
var ErrConfig = errors.New("kafka: bad config")

func (c *Config) check() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, fmt.Errorf("%w: no brokers", ErrConfig))
	}
	for name, v := range map[string]string{"Topic": c.Topic, "Group": c.Group, "OutTopic": c.OutTopic} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%w: %s is empty", ErrConfig, name))
		}
	}
	if c.Topic != "" && (c.Topic == c.OutTopic || c.Topic == c.stateTopic()) || c.OutTopic != "" && c.OutTopic == c.stateTopic() {
		errs = append(errs, fmt.Errorf("%w: Topic, OutTopic and StateTopic must differ", ErrConfig))
	}
	if c.Delivery > AtLeastOnce {
		errs = append(errs, fmt.Errorf("%w: Delivery %d", ErrConfig, c.Delivery))
	}
	if c.CommitInterval < 0 {
		errs = append(errs, fmt.Errorf("%w: CommitInterval is %v, must not be negative", ErrConfig, c.CommitInterval))
	}
	return errors.Join(errs...)
}

func (c *Config) stateTopic() string {
	if c.StateTopic != "" {
		return c.StateTopic
	}
	return c.Group + "-escudo-state"
}

// connOpts are the options of every client the runner makes: brokers, TLS,
// SASL.
func (c *Config) connOpts() []kgo.Opt {
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...)}
	if c.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(c.TLS.Clone()))
	}
	if c.SASLPlain != nil {
		opts = append(opts, kgo.SASL(c.SASLPlain.AsMechanism()))
	}
	return opts
}

// EventHubs is what an Event Hubs connection string gives a Config: the
// namespace's Kafka endpoint, SASL PLAIN with user "$ConnectionString"
// and the connection string as password, TLS, and the event hub
// (EntityPath) when the string names one.
type EventHubs struct {
	// Broker is the namespace's Kafka endpoint, NAMESPACE.servicebus.windows.net:9093.
	Broker string
	// EventHub is the string's EntityPath, "" when it has none.
	EventHub string
	// Auth is the SASL PLAIN authentication.
	Auth plain.Auth
}

// ParseEventHubs reads an Event Hubs connection string,
// "Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...[;EntityPath=HUB]".
// The error never repeats the key.
func ParseEventHubs(conn string) (EventHubs, error) {
	var eh EventHubs
	var endpoint string
	hasKey := false
	for part := range strings.SplitSeq(conn, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch strings.ToLower(k) {
		case "endpoint":
			endpoint = v
		case "entitypath":
			eh.EventHub = v
		case "sharedaccesskey", "sharedaccesssignature":
			hasKey = v != ""
		}
	}
	host, ok := strings.CutPrefix(endpoint, "sb://")
	host = strings.TrimSuffix(host, "/")
	switch {
	case !ok || host == "" || strings.ContainsAny(host, "/ "):
		return EventHubs{}, fmt.Errorf("%w: Event Hubs connection string: Endpoint must be sb://NAMESPACE.servicebus.windows.net/", ErrConfig)
	case !hasKey:
		return EventHubs{}, fmt.Errorf("%w: Event Hubs connection string: no SharedAccessKey", ErrConfig)
	}
	if !strings.Contains(host, ":") {
		host += ":9093"
	}
	eh.Broker = host
	eh.Auth = plain.Auth{User: "$ConnectionString", Pass: conn}
	return eh, nil
}
