// Command detect runs escudo's whole catalogue of ESCU detections (or the
// ones named with -rules) over Entra ID exports in one pass: sign-ins,
// audit logs, risk detections and Graph activity logs, mixed or not, each
// record read by the rules of its type. It prints the findings, each with
// its search_name, or the risk events.
//
// Usage:
//
//	go run ./examples/detect [-rules NAME,...] [-json|-risk] [-lenient] [-format F] [FILE...]
//	go run ./examples/detect -list
//
// With no FILE it reads every rule's bundled sample under testdata/. Names
// for -rules are the detections' names, their snake_case forms, such as
// azure_ad_device_code_authentication, or their ids. Output formats, exit statuses and
// messages are those of examples/consentdenied.
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
		Name:       "detect",
		Usage:      "[-rules NAME,...] [-json|-risk] [-lenient] [-format F] [FILE...] | -list",
		Detections: all,
		Samples:    samples,
		SearchName: true,
		Catalogue:  true,
	}
}
