package kafka_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/kafka"
	"github.com/escudo-dev/escudo/detection/rules"
)

// A member of consumer group "escudo": it reads Azure Monitor records,
// keyed by tenant, from topic entra-logs, runs the whole catalogue over
// each tenant's stream and writes the findings to escudo-findings, until
// SIGTERM, when it commits and leaves the group. Start one per machine.
func ExampleRunner() {
	eng, err := detection.NewEngine(detection.Options{Lenient: true}, rules.All()...)
	if err != nil {
		log.Fatal(err)
	}
	r, err := kafka.NewRunner(eng, kafka.Config{
		Brokers:  []string{"kafka1:9092", "kafka2:9092"},
		Topic:    "entra-logs",
		Group:    "escudo",
		OutTopic: "escudo-findings",
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := r.Run(ctx); err != nil {
		log.Fatal(err)
	}
	s := r.Stats()
	log.Printf("%d records read, %d findings written", s.Counts.Records, s.Findings)
}
