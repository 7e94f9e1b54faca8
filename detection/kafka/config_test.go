package kafka_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/detection/kafka"
)

// A made-up key, base64 with padding as Azure's are.
const testKey = "q8Zx3VtT0m6hYbJm1cN4sO7wPrE2aLdKf9UiGzHe5j0="

func TestParseEventHubs(t *testing.T) {
	for _, tc := range []struct {
		name, conn       string
		broker, eventHub string
	}{
		{"namespace",
			"Endpoint=sb://contoso-signins.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + testKey,
			"contoso-signins.servicebus.windows.net:9093", ""},
		{"event hub",
			"Endpoint=sb://contoso-signins.servicebus.windows.net/;SharedAccessKeyName=escudo-listen;SharedAccessKey=" + testKey + ";EntityPath=insights-logs-signinlogs",
			"contoso-signins.servicebus.windows.net:9093", "insights-logs-signinlogs"},
		{"spaces, key case, no trailing slash, trailing semicolon",
			" endpoint=sb://ns.servicebus.windows.net ; sharedaccesskeyname=k; sharedaccesskey=" + testKey + "; entitypath=hub;",
			"ns.servicebus.windows.net:9093", "hub"},
		{"port given",
			"Endpoint=sb://localhost:19093/;SharedAccessKeyName=k;SharedAccessKey=" + testKey,
			"localhost:19093", ""},
		{"shared access signature",
			"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=k",
			"ns.servicebus.windows.net:9093", ""},
	} {
		eh, err := kafka.ParseEventHubs(tc.conn)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if eh.Broker != tc.broker || eh.EventHub != tc.eventHub {
			t.Errorf("%s: Broker %q, EventHub %q; want %q, %q", tc.name, eh.Broker, eh.EventHub, tc.broker, tc.eventHub)
		}
		if eh.Auth.User != "$ConnectionString" || eh.Auth.Pass != tc.conn || eh.Auth.Zid != "" {
			t.Errorf("%s: Auth user %q, pass %q; want $ConnectionString and the whole string", tc.name, eh.Auth.User, eh.Auth.Pass)
		}
	}
}

func TestParseEventHubsErrors(t *testing.T) {
	for _, tc := range []struct{ name, conn string }{
		{"empty", ""},
		{"no endpoint", "SharedAccessKeyName=k;SharedAccessKey=" + testKey},
		{"https scheme", "Endpoint=https://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=" + testKey},
		{"no scheme", "Endpoint=ns.servicebus.windows.net;SharedAccessKeyName=k;SharedAccessKey=" + testKey},
		{"scheme only", "Endpoint=sb://;SharedAccessKeyName=k;SharedAccessKey=" + testKey},
		{"path in endpoint", "Endpoint=sb://ns.servicebus.windows.net/hub/;SharedAccessKey=" + testKey},
		{"space in host", "Endpoint=sb://ns .servicebus.windows.net/;SharedAccessKey=" + testKey},
		{"no key", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k"},
		{"empty key", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey="},
		{"key name only", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=" + testKey},
		{"not a connection string", testKey},
	} {
		eh, err := kafka.ParseEventHubs(tc.conn)
		if !errors.Is(err, kafka.ErrConfig) {
			t.Errorf("%s: err = %v, want one wrapping ErrConfig", tc.name, err)
			continue
		}
		if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), testKey[:12]) {
			t.Errorf("%s: the error repeats the key: %v", tc.name, err)
		}
		if eh != (kafka.EventHubs{}) {
			t.Errorf("%s: an error with a non-zero EventHubs %+v", tc.name, eh)
		}
	}
}

func TestNewRunnerConfigErrors(t *testing.T) {
	eng := catalogue(t)
	good := kafka.Config{Brokers: []string{"127.0.0.1:9092"}, Topic: "in", Group: "g", OutTopic: "out"}
	if _, err := kafka.NewRunner(eng, good); err != nil {
		t.Fatalf("good config: %v", err)
	}
	if _, err := kafka.NewRunner(nil, good); !errors.Is(err, kafka.ErrConfig) {
		t.Errorf("nil engine: err = %v, want ErrConfig", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*kafka.Config)
		says string
	}{
		{"no brokers", func(c *kafka.Config) { c.Brokers = nil }, "no brokers"},
		{"empty Topic", func(c *kafka.Config) { c.Topic = "" }, "Topic is empty"},
		{"empty Group", func(c *kafka.Config) { c.Group = "" }, "Group is empty"},
		{"empty OutTopic", func(c *kafka.Config) { c.OutTopic = "" }, "OutTopic is empty"},
		{"Topic is OutTopic", func(c *kafka.Config) { c.OutTopic = c.Topic }, "must differ"},
		{"Topic is StateTopic", func(c *kafka.Config) { c.StateTopic = c.Topic }, "must differ"},
		{"OutTopic is StateTopic", func(c *kafka.Config) { c.StateTopic = c.OutTopic }, "must differ"},
		{"OutTopic is the default state topic", func(c *kafka.Config) { c.OutTopic = c.Group + "-escudo-state" }, "must differ"},
		{"negative CommitInterval", func(c *kafka.Config) { c.CommitInterval = -time.Millisecond }, "CommitInterval"},
	} {
		cfg := good
		tc.edit(&cfg)
		r, err := kafka.NewRunner(eng, cfg)
		if !errors.Is(err, kafka.ErrConfig) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want ErrConfig saying %q", tc.name, err, tc.says)
		}
		if r != nil {
			t.Errorf("%s: a runner with the error", tc.name)
		}
	}
	// Every fault is reported, not only the first.
	_, err := kafka.NewRunner(eng, kafka.Config{CommitInterval: -1})
	for _, says := range []string{"no brokers", "Topic is empty", "Group is empty", "OutTopic is empty", "CommitInterval"} {
		if !strings.Contains(err.Error(), says) {
			t.Errorf("empty config: error %q does not say %q", err, says)
		}
	}
}
