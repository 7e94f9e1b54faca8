// Command detect runs escudo's whole catalogue of ESCU detections (or the
// ones named with -rules) over Entra ID exports in one pass: sign-ins,
// audit logs, risk detections and Graph activity logs, mixed or not, each
// record read by the rules of its type. It prints the findings, each with
// its search_name, or the risk events.
//
// Usage:
//
//	go run ./examples/detect [-rules NAME,...] [-json|-risk] [-lenient] [-format F] [FILE...]
//	go run ./examples/detect -stream [-window 1h] [-lateness 10m] [-checkpoint FILE] [-close] [-json|-risk] [-rules NAME,...] [-lenient] FILE...|-
//	go run ./examples/detect -list
//
// With no FILE it reads every rule's bundled sample under testdata/. Names
// for -rules are the detections' names, their snake_case forms, such as
// azure_ad_device_code_authentication, or their ids. Output formats, exit statuses and
// messages are those of examples/consentdenied.
//
// With -stream it reads its inputs as an unbounded stream (- is standard
// input, read as it arrives, as from tail -f) and prints each finding as
// a JSON line as soon as its window closes: when the latest event time
// less -lateness passes the window's end. The windows are -window long,
// aligned to the Unix epoch, except for detections that bin _time, whose
// windows are their bins. Each finding has search_name first and ends
// with info_min_time and info_max_time, its window's start and end in
// Unix seconds; -risk prints the risk events of each window's findings
// instead. Stream mode prints JSON lines even without -json, since a
// table cannot be printed before the end. An event whose window has
// closed is late: it is reported on stderr, "detect: FILE:LINE: late
// event at ...", and the exit status is 1 unless -lenient.
//
// With -checkpoint FILE, the stream is restored from FILE if it exists (a
// checkpoint that cannot be restored is an error, never a fresh start),
// and at the end of the inputs its state is saved to FILE instead of the
// open windows being closed: they close in a later run, when its input
// moves the watermark past them. -close closes them at the end of the
// inputs anyway, and saves the closed state. So
//
//	detect -stream -checkpoint c A
//	detect -stream -checkpoint c -close B
//
// print, together, exactly what detect -stream A B prints. A checkpoint
// is of the detections run (-rules), -window and -lateness: a run with
// others refuses it. Each run reads its inputs from their start: give a
// later run only input the earlier ones have not read (on an interrupt
// the message says how many records were read; at a bad record, which
// the state counts as read, its line). Without -checkpoint, the end of
// the inputs closes every window. On SIGINT or SIGTERM the state is
// saved (with -checkpoint), no open window is closed early, and the exit
// status is 130. The checkpoint is written atomically. Bad records,
// input errors, -lenient, -rules, -format, -prefilter and -workers work
// as in batch mode.
package main

import (
	"os"

	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/cli"
	"github.com/escudo-dev/escudo/internal/sample"
)

func main() {
	os.Exit(program().Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func program() cli.Program {
	all := rules.All()
	var samples []string
	for _, d := range all {
		samples = append(samples, sample.Dir(d.Meta().Name)+"/"+sample.File(d.EventType()))
	}
	return cli.Program{
		Name: "detect",
		Usage: "[-rules NAME,...] [-json|-risk] [-lenient] [-format F] [FILE...]\n" +
			"       detect -stream [-window 1h] [-lateness 10m] [-checkpoint FILE] [-close] [-json|-risk] [...] FILE...|-  (JSON lines even without -json)\n" +
			"       detect -list",
		Detections: all,
		Samples:    samples,
		SearchName: true,
		Catalogue:  true,
		Stream:     true,
	}
}
