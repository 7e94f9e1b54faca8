// Command gensignins writes realistic, fictitious Microsoft Entra sign-in
// records for benchmarks and load tests. The output is deterministic: the
// same seed gives the same bytes, and the same sign-ins in every format.
//
// Usage:
//
//	go run ./examples/gensignins [-n 10000] [-seed 1] [-format graph] [-consent-denials F] [-gzip] [-o FILE] [-v]
//
// Formats, in the layouts of testdata/formats:
//
//   - graph: JSON lines of Graph signIn objects (the default);
//   - graph-page: Graph API response pages of 1,000 records, one per line,
//     each with an @odata.nextLink but the last;
//   - azure-monitor: Event Hub {"records":[...]} documents of 500 records,
//     one per line;
//   - azure-monitor-lines: JSON lines of Azure Monitor records, as in a
//     storage account's PT1H.json blob;
//   - log-analytics: JSON lines of Log Analytics SigninLogs (and sibling
//     table) rows, with the dynamic columns as JSON values.
//
// The sign-ins start at 2025-03-01T00:00:00Z, about 2 s apart. About 95%
// succeed; the failures are the codes the ESCU detections look for
// (50126, 50074, 50076, 500121, 53003, 50053) and rare consent errors
// (65001, 65004, 90095), 65004 in about 1 of 2,000 records. The tenant has
// 5,000 users, a few dozen applications, offices on 192.0.2.0/24 and
// thousands of home and roaming addresses in 2001:db8::/32,
// 198.51.100.0/24 and 203.0.113.0/24.
//
// With -consent-denials F, a fraction F of the sign-ins (0 to 1; 1 makes
// every one) are instead interactive consent denials (65004), each by a
// user of its own: the tenant user's name with a number after its local
// part, such as jane.doe.17@example.com, and a fresh id. With -n 1000000
// -consent-denials 1 the consent detections see a million distinct
// groups, the load test of their memory. Other sign-ins are as without
// the flag, but not the same ones: the flag draws from the random stream.
//
// The output goes to standard output, or to FILE with -o; -gzip compresses
// it, and -v reports the size and average record size on standard error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/escudo-dev/escudo/internal/signingen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command and returns its exit status: 0, 1 on a write
// error, 2 on a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gensignins", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gensignins [-n N] [-seed S] [-format F] [-consent-denials F] [-gzip] [-o FILE] [-v]")
		fs.PrintDefaults()
	}
	n := fs.Int("n", 10000, "number of sign-ins")
	seed := fs.Uint64("seed", 1, "random seed")
	formatName := fs.String("format", "graph", "output format: graph, graph-page, azure-monitor, azure-monitor-lines or log-analytics")
	consent := fs.Float64("consent-denials", 0, "fraction of sign-ins, 0 to 1, made consent denials (65004) each by a user of its own")
	gz := fs.Bool("gzip", false, "gzip the output")
	out := fs.String("o", "", "output file (default standard output)")
	verbose := fs.Bool("v", false, "report sizes on standard error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	f, err := signingen.ParseFormat(*formatName)
	switch {
	case err != nil:
	case *n < 0:
		err = fmt.Errorf("-n %d: want 0 or more", *n)
	case !(*consent >= 0 && *consent <= 1):
		err = fmt.Errorf("-consent-denials %v: want a fraction from 0 to 1", *consent)
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(stderr, "gensignins:", err)
		return 2
	}

	start := time.Now()
	cw := &countingWriter{w: stdout}
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			fmt.Fprintln(stderr, "gensignins:", err)
			return 1
		}
		cw.w = file
	}
	size, err := signingen.Generate(cw, signingen.Options{N: *n, Seed: *seed, Format: f, Gzip: *gz, ConsentDenials: *consent})
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "gensignins:", err)
		return 1
	}
	if *verbose {
		avg := 0.0
		if *n > 0 {
			avg = float64(size) / float64(*n)
		}
		fmt.Fprintf(stderr, "gensignins: %d %s records, %d bytes, %.0f bytes/record on average", *n, f, size, avg)
		if *gz {
			fmt.Fprintf(stderr, ", %d bytes gzipped", cw.n)
		}
		fmt.Fprintf(stderr, ", %v\n", time.Since(start).Round(time.Millisecond))
	}
	return 0
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
