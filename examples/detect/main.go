// Command detect runs escudo's whole catalogue of ESCU sign-in detections
// (or the ones named with -rules) over sign-in exports in one pass, and
// prints the findings, each with its search_name, or the risk events.
//
// Usage:
//
//	go run ./examples/detect [-rules NAME,...] [-json|-risk] [-lenient] [-format F] [FILE...]
//	go run ./examples/detect -list
//
// With no FILE it reads every rule's bundled sample under testdata/. Names
// for -rules are the detections' names or their snake_case forms, such as
// azure_ad_device_code_authentication. Output formats, exit statuses and
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
