package signingen

import (
	"bytes"
	"io"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/escudo-dev/escudo/event"
)

func mustGenerate(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Generate(&buf, o); err != nil {
		t.Fatalf("Generate(%+v): %v", o, err)
	}
	return buf.Bytes()
}

func allFormats() []Format {
	var fs []Format
	for i := range formatNames() {
		fs = append(fs, Format(i))
	}
	return fs
}

func TestDeterministic(t *testing.T) {
	for _, f := range allFormats() {
		for _, gz := range []bool{false, true} {
			name := f.String()
			if gz {
				name += "+gzip"
			}
			t.Run(name, func(t *testing.T) {
				o := Options{N: 1200, Seed: 7, Format: f, Gzip: gz}
				first, second := mustGenerate(t, o), mustGenerate(t, o)
				if !bytes.Equal(first, second) {
					t.Errorf("two runs with seed %d differ (%d and %d bytes)", o.Seed, len(first), len(second))
				}
				o.Seed = 8
				if other := mustGenerate(t, o); bytes.Equal(first, other) {
					t.Errorf("seeds 7 and 8 give the same output")
				}
			})
		}
	}
}

func decodeAll(t *testing.T, data []byte) []event.SignInEvent {
	t.Helper()
	r := event.NewReader(bytes.NewReader(data))
	evs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if c := r.Counts(); c.Bad != 0 || c.Decoded != int64(len(evs)) {
		t.Fatalf("Counts() = %+v, want no bad records and %d decoded", c, len(evs))
	}
	return evs
}

func TestFormatsDecode(t *testing.T) {
	// 2,600 records: two full Graph pages and a partial one, five full
	// Event Hub documents and a partial one.
	const n = 2600
	want := decodeAll(t, mustGenerate(t, Options{N: n, Seed: 3, Format: fmtGraph}))
	if len(want) != n {
		t.Fatalf("graph: decoded %d events, want %d", len(want), n)
	}
	tests := []struct {
		name, reason string
		Format       Format
		gzip         bool
		envelope     bool // whether the Format has an export envelope
	}{
		{"graph-gzip", "gzip output must decode to the same events", fmtGraph, true, false},
		{"graph-page", "pages of 1,000 with nextLinks hold the same sign-ins", fmtGraphPage, false, false},
		{"azure-monitor", "Event Hub documents hold the same sign-ins", fmtAzureMonitor, false, true},
		{"azure-monitor-gzip", "gzip of Event Hub documents", fmtAzureMonitor, true, true},
		{"azure-monitor-lines", "PT1H.json lines hold the same sign-ins", fmtAzureMonitorLines, false, true},
		{"log-analytics", "PascalCase rows with dynamic columns map back to Graph", fmtLogAnalytics, false, true},
		{"log-analytics-gzip", "gzip of Log Analytics rows", fmtLogAnalytics, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeAll(t, mustGenerate(t, Options{N: n, Seed: 3, Format: tt.Format, Gzip: tt.gzip}))
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(event.SignInEvent{}, "Envelope")); diff != "" {
				t.Fatalf("%s: events differ from graph lines (-want +got):\n%s", tt.reason, diff)
			}
			if !tt.envelope {
				return
			}
			for i, ev := range got {
				wantEnv := struct {
					Time       time.Time
					ResultType string
				}{ev.CreatedDateTime.Add(2 * time.Second), strconv.Itoa(int(*ev.Status.ErrorCode))}
				gotEnv := struct {
					Time       time.Time
					ResultType string
				}{ev.Envelope.Time, ev.Envelope.ResultType}
				if diff := cmp.Diff(wantEnv, gotEnv); diff != "" {
					t.Fatalf("record %d: envelope (-want +got):\n%s", i+1, diff)
				}
			}
		})
	}
}

// generateRecords returns n logical records for seed.
func generateRecords(n int, seed uint64) []record {
	g := newGenerator(seed)
	rs := make([]record, n)
	for i := range rs {
		g.next(&rs[i])
	}
	return rs
}

func TestOutcomeMix(t *testing.T) {
	const n = 20000
	counts := map[int32]int{}
	for _, r := range generateRecords(n, 1) {
		counts[r.out.code]++
	}
	tests := []struct {
		name, reason string
		code         int32
		min, max     int
	}{
		{"success", "most sign-ins succeed (over 90%)", codeSuccess, n * 90 / 100, n},
		{"50126", "bad passwords are the most common failure (~1.4%)", codeBadPassword, 150, 500},
		{"50074", "MFA interrupts (~0.5%)", codeMFAInterrupt, 40, 200},
		{"50076", "MFA required (~1.5%)", codeMFARequired, 150, 500},
		{"500121", "MFA denied (~0.24%)", codeMFAFailed, 15, 100},
		{"53003", "Conditional Access blocks (~0.35%)", codeBlockedByCA, 20, 140},
		{"50053", "lockouts (~0.12%)", codeLocked, 5, 60},
		{"65004", "consent declined, about 1 in 2,000", codeConsentDeclined, 1, 30},
		{"65001", "consent not granted (~0.07%)", codeConsentNotGranted, 1, 40},
		{"90095", "admin consent required (~0.02%)", codeAdminConsentNeeded, 1, 20},
	}
	for _, tt := range tests {
		if got := counts[tt.code]; got < tt.min || got > tt.max {
			t.Errorf("%s: %d of %d records have errorCode %d, want %d to %d (%s)", tt.name, got, n, tt.code, tt.min, tt.max, tt.reason)
		}
	}
}

func TestRecordShape(t *testing.T) {
	const n = 20000
	rs := generateRecords(n, 1)
	ranges := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("2001:db8::/32"),
	}
	users, ips, ipv6 := map[string]bool{}, map[string]bool{}, 0
	var categories [4]int
	var fractional, deviceCode, mfaDetail int
	prev := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range rs {
		r := &rs[i]
		created := r.created.Time()
		if !created.After(prev) {
			t.Fatalf("record %d: time %v is not after %v", i+1, created, prev)
		}
		prev = created
		addr, err := netip.ParseAddr(r.ipAddress)
		if err != nil || addr.String() != r.ipAddress {
			t.Fatalf("record %d: ipAddress %q is not a canonical address (%v)", i+1, r.ipAddress, err)
		}
		inRange := false
		for _, p := range ranges {
			inRange = inRange || p.Contains(addr)
		}
		if !inRange {
			t.Fatalf("record %d: ipAddress %s is outside the documentation ranges", i+1, addr)
		}
		if addr.Is6() {
			ipv6++
		}
		users[r.userPrincipalName], ips[r.ipAddress] = true, true
		categories[r.category]++
		if r.created.frac != 0 {
			fractional++
		}
		if r.protocol == "deviceCode" {
			deviceCode++
		}
		if r.mfa != nil {
			mfaDetail++
		}
		if r.nSteps > 2 || r.category < catServicePrincipal && r.nSteps == 0 {
			t.Fatalf("record %d: %d authentication steps for a %v sign-in", i+1, r.nSteps, r.category)
		}
	}
	meanGap := prev.Sub(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)).Seconds() / n
	tests := []struct {
		name, reason string
		got, min     float64
		max          float64
	}{
		{"mean gap", "sign-ins are about 2 s apart", meanGap, 1.7, 2.3},
		{"users", "thousands of users sign in", float64(len(users)), 3000, numUsers + 1},
		{"addresses", "thousands of distinct addresses", float64(len(ips)), 3000, n},
		{"ipv6", "most addresses are IPv6", float64(ipv6) / n, 0.5, 1},
		{"interactive", "the four categories are mixed", float64(categories[catInteractive]) / n, 0.3, 0.5},
		{"non-interactive", "the four categories are mixed", float64(categories[catNonInteractive]) / n, 0.4, 0.6},
		{"service principal", "the four categories are mixed", float64(categories[catServicePrincipal]) / n, 0.04, 0.12},
		{"managed identity", "the four categories are mixed", float64(categories[catManagedIdentity]) / n, 0.01, 0.08},
		{"fractional", "some times have fractional seconds", float64(fractional) / n, 0.01, 0.1},
		{"deviceCode", "device-code sign-ins are rare but present", float64(deviceCode), 1, n / 100},
		{"mfaDetail", "mfaDetail is set sometimes", float64(mfaDetail) / n, 0.02, 0.3},
	}
	for _, tt := range tests {
		if tt.got < tt.min || tt.got > tt.max {
			t.Errorf("%s = %v, want %v to %v (%s)", tt.name, tt.got, tt.min, tt.max, tt.reason)
		}
	}
}

func TestAppendTime(t *testing.T) {
	whole := stamp{sec: 1741944067}               // 2025-03-14T09:21:07Z
	frac := stamp{sec: 1741974359, frac: 9871234} // 2025-03-14T17:45:59.9871234Z
	tests := []struct {
		name, reason string
		s            stamp
		style        timeStyle
		want         string
	}{
		{"graph whole", "Graph writes whole seconds without a fraction", whole, timeGraph, `"2025-03-14T09:21:07Z"`},
		{"graph fraction", "Graph writes seven digits when there is a fraction", frac, timeGraph, `"2025-03-14T17:45:59.9871234Z"`},
		{"azure whole", "Azure Monitor time always has seven digits", whole, timeAzure, `"2025-03-14T09:21:07.0000000Z"`},
		{"azure properties", "properties.createdDateTime ends in +00:00", whole, timeAzureProps, `"2025-03-14T09:21:07.0000000+00:00"`},
		{"azure properties fraction", "the fraction is kept", frac, timeAzureProps, `"2025-03-14T17:45:59.9871234+00:00"`},
		{"small fraction", "leading zeros of the fraction are kept", stamp{whole.sec, 42}, timeGraph, `"2025-03-14T09:21:07.0000042Z"`},
	}
	for _, tt := range tests {
		got := string(appendTime(nil, tt.s, tt.style))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s\n%s", tt.name, diff, tt.reason)
		}
		parsed, err := time.Parse(time.RFC3339Nano, strings.Trim(got, `"`))
		if err != nil || !parsed.Equal(tt.s.Time()) {
			t.Errorf("%s: %s parses to %v, %v; want %v", tt.name, got, parsed, err, tt.s.Time())
		}
	}
}

func TestGenerateAllocs(t *testing.T) {
	g := newGenerator(1)
	var r record
	buf := make([]byte, 0, recordBufSize)
	for _, f := range allFormats() {
		o := Options{N: 1 << 30, Format: f}
		i := 1 // not the first record of a page, not the last
		allocs := testing.AllocsPerRun(1000, func() {
			g.next(&r)
			buf = appendRecord(buf[:0], &r, o, i)
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per record, want 0", f, allocs)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for _, f := range allFormats() {
		b.Run(f.String(), func(b *testing.B) {
			g := newGenerator(1)
			var r record
			buf := make([]byte, 0, recordBufSize)
			o := Options{N: 1 << 30, Format: f}
			var total int64
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				g.next(&r)
				buf = appendRecord(buf[:0], &r, o, i)
				total += int64(len(buf))
			}
			b.SetBytes(total / int64(b.N))
		})
	}
}

func TestConsentDenials(t *testing.T) {
	const n = 3000
	for _, f := range []Format{fmtGraph, fmtAzureMonitorLines} {
		t.Run(f.String(), func(t *testing.T) {
			evs := decodeAll(t, mustGenerate(t, Options{N: n, Seed: 5, Format: f, ConsentDenials: 1}))
			if len(evs) != n {
				t.Fatalf("decoded %d events, want %d", len(evs), n)
			}
			users := make(map[string]bool)
			for i, ev := range evs {
				if c := ev.Status.ErrorCode; c == nil || *c != codeConsentDeclined {
					t.Fatalf("record %d: errorCode %v, want %d: with ConsentDenials 1 every sign-in is a consent denial", i, c, codeConsentDeclined)
				}
				if ev.IPAddress == "" || ev.AppDisplayName == "" || ev.Status.FailureReason == "" {
					t.Fatalf("record %d: a consent rule's BY field is empty: %q %q %q", i, ev.IPAddress, ev.AppDisplayName, ev.Status.FailureReason)
				}
				if users[ev.UserPrincipalName] {
					t.Fatalf("record %d: userPrincipalName %q is another record's: each denial has a user of its own", i, ev.UserPrincipalName)
				}
				users[ev.UserPrincipalName] = true
			}
		})
	}
	t.Run("fraction", func(t *testing.T) {
		denials := 0
		g := newGenerator(5)
		g.consentDenials = 0.25
		var r record
		for range n {
			g.next(&r)
			if r.out.code == codeConsentDeclined {
				denials++
			}
		}
		// 750 expected, with a standard deviation of about 24; the
		// tenant's own rare declines add one or two.
		if denials < 600 || denials > 900 {
			t.Errorf("%d of %d records are consent denials with ConsentDenials 0.25, want about %d", denials, n, n/4)
		}
	})
	t.Run("out of range", func(t *testing.T) {
		for _, v := range []float64{-0.1, 1.01, math.NaN()} {
			if _, err := Generate(io.Discard, Options{N: 1, ConsentDenials: v}); err == nil {
				t.Errorf("ConsentDenials %v: no error, want one", v)
			}
		}
	})
}
