// Command riskincidents runs the second step of Splunk risk-based alerting:
// it runs escudo's whole catalogue of ESCU detections (over sign-ins and
// audit logs) over Entra exports, reads risk events from JSON lines, feeds
// all of them to Splunk ES's two default risk incident rules, and prints
// the incidents.
//
// Usage:
//
//	go run ./examples/riskincidents [-json] [-events FILE,...] [-stream [-lateness D]] [-hec URL [-hec-index I] [-hec-ack]] [-lenient] [-format F] [FILE...]
//
// FILE is a sign-in or audit export, in any format examples/detect reads. -events
// names files of risk events as JSON lines, in the form the -risk output
// of the other examples has; it may be repeated or hold several names
// separated by commas, and "-" is standard input. With neither FILE nor
// -events, the program reads the bundled samples: every sign-in rule's
// sample sign-ins and testdata/riskincidents/risk_events.jsonl.
//
// The rules are "Risk Threshold Exceeded For Object Over 24 Hour Period"
// (a total risk score above 100 over a sliding 24 hours) and "ATT&CK Tactic
// Threshold Exceeded For Object Over Previous 7 Days" (at least 3 tactics
// from at least 4 detections over a sliding 7 days), each throttled to one
// incident per object per window.
//
// The program reads whole files, so by default it replays every risk
// event in event-time order, and no event is ever late. With -stream it
// feeds the risk events of the sign-ins first, in time order, then each
// -events file in its own line order as it reads it, printing incidents
// (with -json) as soon as they are final. An event more than -lateness
// (default 1h) behind the latest one so far is late: the incident engine
// cannot count it any more, and drops it. The run does not stop there:
// it reads all its input and prints (and, with -hec, sends) the incidents
// of the events it kept; then it reports each late event on standard
// error, as FILE:LINE: followed by the event's risk object, its _time and
// the earliest time still accepted (up to ten of them, then a count), and
// exits with status 1. With -lenient, dropping late events is accepted:
// they are counted and listed on standard error and the status is 0.
//
// Incidents are printed as a table, or as JSON lines with -json. With
// -hec URL the program also sends the risk events and the incidents to
// Splunk's HTTP Event Collector (sourcetypes escudo:risk and
// escudo:risk_incident, in the index -hec-index or the token's default),
// reading the token from the environment variable ESCUDO_HEC_TOKEN. With
// -hec-ack a batch counts as delivered only when HEC's indexer
// acknowledgement confirms it (the token needs useACK); unconfirmed
// batches are resent, so delivery is at least once.
//
// Exit statuses: 0 on success; 1 for bad input (a bad sign-in record or
// risk event line, or a late risk event with -stream, unless -lenient), a
// failed incident rule or a failed delivery; 2 for bad usage; 130 when
// interrupted.
package main

import (
	"os"

	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/internal/sample"
	"github.com/escudo-dev/escudo/risk"
)

func program() cli.IncidentProgram {
	all := rules.All()
	var samples []string
	for _, d := range all {
		// The sign-in samples only: the golden incidents are those of the
		// sign-in catalogue; the audit rules run on any audit records given.
		if d.EventType() == "sign-in" {
			samples = append(samples, sample.Dir(d.Meta().Name)+"/"+sample.File(d.EventType()))
		}
	}
	return cli.IncidentProgram{
		Name:         "riskincidents",
		Usage:        "[-json] [-events FILE,...] [-stream [-lateness D]] [-hec URL [-hec-index I] [-hec-ack]] [-lenient] [-format F] [FILE...]",
		Detections:   all,
		Rules:        risk.DefaultIncidentRules(),
		Samples:      samples,
		EventSamples: []string{"testdata/riskincidents/risk_events.jsonl"},
	}
}

func main() {
	os.Exit(program().Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
