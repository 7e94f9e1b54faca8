// Package signingen writes realistic, deterministic Microsoft Entra sign-in
// records in every format escudo reads, for benchmarks and load tests
// (examples/gensignins is its command line).
package signingen

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
)

// Format is an output layout.
type Format uint8

const (
	fmtGraph             Format = iota // JSON lines of Graph signIn objects
	fmtGraphPage                       // Graph API response pages, one per line
	fmtAzureMonitor                    // Event Hub {"records":[...]} documents, one per line
	fmtAzureMonitorLines               // JSON lines of Azure Monitor records (PT1H.json)
	fmtLogAnalytics                    // JSON lines of Log Analytics rows
)

func formatNames() []string {
	return []string{"graph", "graph-page", "azure-monitor", "azure-monitor-lines", "log-analytics"}
}

// String returns the format's name, as ParseFormat accepts it.
func (f Format) String() string {
	if names := formatNames(); int(f) < len(names) {
		return names[f]
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// ParseFormat returns the format with the given name: graph, graph-page,
// azure-monitor, azure-monitor-lines or log-analytics.
func ParseFormat(s string) (Format, error) {
	for i, name := range formatNames() {
		if s == name {
			return Format(i), nil
		}
	}
	return 0, fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(formatNames(), ", "))
}

const (
	pageSize      = 1000 // records per Graph API page
	documentSize  = 500  // records per Event Hub document
	writeBufSize  = 1 << 20
	recordBufSize = 16 << 10
)

// Options says what to generate.
type Options struct {
	// N is the number of sign-ins.
	N int
	// Seed makes the output deterministic: the same seed, the same bytes.
	Seed uint64
	// Format is the layout to write.
	Format Format
	// Gzip compresses the output.
	Gzip bool
	// ConsentDenials is the fraction of sign-ins, from 0 to 1, made
	// consent denials (AADSTS65004, interactive) each by a user of its own,
	// with a userPrincipalName and id no other sign-in has: the shape of a
	// million distinct groups for a consent detection. 0, the default,
	// leaves the output as it is without the option.
	ConsentDenials float64
}

// Generate writes o.N sign-ins to w and returns the number of bytes
// generated before any compression.
func Generate(w io.Writer, o Options) (int64, error) {
	var zw *gzip.Writer
	if o.Gzip {
		var err error
		if zw, err = gzip.NewWriterLevel(w, gzip.BestSpeed); err != nil {
			return 0, err
		}
		w = zw
	}
	bw := bufio.NewWriterSize(w, writeBufSize)
	if !(o.ConsentDenials >= 0 && o.ConsentDenials <= 1) {
		return 0, fmt.Errorf("consent denials %v: want a fraction from 0 to 1", o.ConsentDenials)
	}
	g := newGenerator(o.Seed)
	g.consentDenials = o.ConsentDenials
	var r record
	buf := make([]byte, 0, recordBufSize)
	var total int64
	for i := range o.N {
		g.next(&r)
		buf = appendRecord(buf[:0], &r, o, i)
		total += int64(len(buf))
		if _, err := bw.Write(buf); err != nil {
			return total, err
		}
	}
	if err := bw.Flush(); err != nil {
		return total, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return total, err
		}
	}
	return total, nil
}

// appendRecord appends record i of o.N in o.Format, with the opening and
// closing of the page or document it falls in.
func appendRecord(b []byte, r *record, o Options, i int) []byte {
	last := i == o.N-1
	switch o.Format {
	case fmtGraph:
		b = appendGraph(b, r, false)
	case fmtGraphPage:
		if i%pageSize == 0 {
			b = append(b, `{"@odata.context":"`+graphContext+`","value":[`...)
		} else {
			b = append(b, ',')
		}
		b = appendGraph(b, r, false)
		if i%pageSize != pageSize-1 && !last {
			return b
		}
		b = append(b, ']')
		if !last {
			b = append(b, `,"@odata.nextLink":"`+graphNextPrefix...)
			b = appendSkipToken(b, o.Seed, uint64(i/pageSize+1))
			b = append(b, '"')
		}
		b = append(b, '}')
	case fmtAzureMonitor:
		if i%documentSize == 0 {
			b = append(b, `{"records":[`...)
		} else {
			b = append(b, ',')
		}
		b = appendAzure(b, r)
		if i%documentSize != documentSize-1 && !last {
			return b
		}
		b = append(b, ']', '}')
	case fmtAzureMonitorLines:
		b = appendAzure(b, r)
	case fmtLogAnalytics:
		b = appendLogAnalytics(b, r)
	}
	return append(b, '\n')
}

// appendSkipToken appends an opaque page token, 32 hex digits derived from
// the seed and page number (splitmix64), so it does not draw from the
// sign-ins' random stream.
func appendSkipToken(b []byte, seed, page uint64) []byte {
	x := seed ^ page*0x9e3779b97f4a7c15
	for range 2 {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		z ^= z >> 31
		for shift := 60; shift >= 0; shift -= 4 {
			b = append(b, hexDigits[z>>uint(shift)&0xf])
		}
	}
	return b
}
