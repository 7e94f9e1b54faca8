// Command consentdenied runs Splunk ESCU's "O365 User Consent Denied for
// OAuth Application" over Microsoft Graph sign-in records and prints what it
// finds: a table by default, findings as JSON lines with -json, or Splunk
// risk events as JSON lines with -risk.
//
// Usage:
//
//	go run ./examples/consentdenied [-json|-risk] [-lenient] [FILE...]
//
// With no FILE it reads the bundled sample, testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl;
// "-" reads standard input. FILE may be any export the event package reads
// (JSON lines, pages, arrays, pretty-printed objects, Azure Monitor, Log
// Analytics, the CSV exports; gzip, bzip2, UTF-16). A bad record stops the
// run with exit status 1 and a "FILE:LINE: what is wrong" message, unless
// -lenient is given. An input that breaks off (a truncated gzip) prints
// the findings of the records read before it, marked partial, and exits
// 1; so does an input that yields no sign-in at all, in lenient mode too.
package main

import (
	"os"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/internal/cli"
)

func main() {
	os.Exit(program().Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func program() cli.Program {
	return cli.Program{
		Name:       "consentdenied",
		Usage:      "[-json|-risk] [-lenient] [FILE...]",
		Detections: []detection.Rule{detection.Of(rules.O365UserConsentDenied())},
		Samples:    []string{"testdata/o365_user_consent_denied_for_oauth_application/signins.jsonl"},
	}
}
