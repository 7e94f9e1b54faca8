package event

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseRFC3339 checks that parseRFC3339 never panics, returns UTC,
// and agrees with time.Parse(time.RFC3339Nano, s) both ways:
//   - when time.Parse accepts s and s is not one of the forms time.Parse
//     lets through that RFC 3339 does not (see goLenient: a one-digit hour,
//     a ',' before the fraction, an offset hour of 24 or minute of 60),
//     parseRFC3339 accepts s and gives the same instant;
//   - when parseRFC3339 accepts s with an uppercase 'T' and 'Z' (or an
//     offset) and a second below 60, time.Parse accepts it too and gives
//     the same instant.
//
// It also checks that parseTimestamp(s, true) accepts whatever
// parseRFC3339 does, with the same result.
func FuzzParseRFC3339(f *testing.F) {
	for _, tc := range rfc3339Cases {
		f.Add(tc.in)
	}
	for _, s := range []string{
		"2006-01-02T15:04:05Z",
		"2006-01-02T15:04:05.999999999-07:00",
		"2006-01-02T1:04:05Z",
		"2006-01-02T15:04:05,5Z",
		"2006-01-02T15:04:05+24:00",
		"2006-01-02T15:04:05-23:60",
		"2006-01-02T15:04:05.Z",
		"2006-01-02T15:04:05.123456789012345678901234567890Z",
		"9999-12-31T23:59:59.999999999-23:59",
		"0000-01-01T00:00:00+23:59",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseRFC3339(s)
		if err == nil {
			if got.Location() != time.UTC {
				t.Fatalf("parseRFC3339(%q) location = %v, want UTC", s, got.Location())
			}
			if z, zerr := parseTimestamp(s, true); zerr != nil || !z.Equal(got) {
				t.Fatalf("parseTimestamp(%q, true) = %v, %v; parseRFC3339 gives %v", s, z, zerr, got)
			}
		} else if !got.IsZero() {
			t.Fatalf("parseRFC3339(%q) = %v with error %q, want the zero time", s, got, err)
		}
		want, werr := time.Parse(time.RFC3339Nano, s)
		if werr == nil && !goLenient(s) {
			if err != nil {
				t.Fatalf("parseRFC3339(%q) = %q; time.Parse accepts it as %v", s, err, want.UTC())
			}
			if !got.Equal(want) {
				t.Fatalf("parseRFC3339(%q) = %v; time.Parse gives %v", s, got, want.UTC())
			}
		}
		if err == nil && s[10] == 'T' && !strings.HasSuffix(s, "z") && s[17:19] != "60" {
			if werr != nil {
				t.Fatalf("parseRFC3339(%q) = %v; time.Parse refuses it: %v", s, got, werr)
			}
			if !got.Equal(want) {
				t.Fatalf("parseRFC3339(%q) = %v; time.Parse gives %v", s, got, want.UTC())
			}
		}
	})
}

// FuzzParseUSDateTime checks that parseUSDateTime never panics, returns
// UTC, and that whatever it accepts with an uppercase AM or PM,
// time.Parse reads the same with the layout "1/2/2006 3:04:05 PM" (or
// "1/2/2006, 3:04:05 PM" with the comma).
func FuzzParseUSDateTime(f *testing.F) {
	for _, s := range []string{
		"11/14/2025 1:48:53 AM",
		"11/14/2025, 1:48:53.123 AM",
		"11/14/2025 12:00:00 PM",
		"01/02/2025 01:02:03 pm",
		"11/14/2025 13:48:53",
		"2/29/2024 11:59:59.9999999999 PM",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseUSDateTime(s)
		if err != nil {
			if !got.IsZero() {
				t.Fatalf("parseUSDateTime(%q) = %v with error %q, want the zero time", s, got, err)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("parseUSDateTime(%q) location = %v, want UTC", s, got.Location())
		}
		if !strings.HasSuffix(s, "AM") && !strings.HasSuffix(s, "PM") {
			return
		}
		layout := "1/2/2006 3:04:05 PM"
		if strings.Contains(s, ",") {
			layout = "1/2/2006, 3:04:05 PM"
		}
		want, werr := time.Parse(layout, s)
		if werr != nil || !got.Equal(want) {
			t.Fatalf("parseUSDateTime(%q) = %v; time.Parse(%q) gives %v, %v", s, got, layout, want, werr)
		}
	})
}
