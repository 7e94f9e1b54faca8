package event

import (
	"strings"
	"testing"
	"time"
)

// tsDate is time.Date in UTC.
func tsDate(year int, month time.Month, day, hour, min, sec, nsec int) time.Time {
	return time.Date(year, month, day, hour, min, sec, nsec, time.UTC)
}

type timestampCase struct {
	name    string
	reason  string
	in      string
	want    time.Time // when wantErr is ""
	wantErr string    // the exact error text
}

// rfc3339Cases are shared by TestParseRFC3339, TestParseTimestamp and the
// differential test against time.Parse.
var rfc3339Cases = []timestampCase{
	// RFC 3339 section 5.8 examples.
	{name: "rfc example fraction", reason: "RFC 3339 5.8", in: "1985-04-12T23:20:50.52Z", want: tsDate(1985, 4, 12, 23, 20, 50, 520_000_000)},
	{name: "rfc example offset", reason: "RFC 3339 5.8: -08:00 is added to reach UTC", in: "1996-12-19T16:39:57-08:00", want: tsDate(1996, 12, 20, 0, 39, 57, 0)},
	{name: "rfc example leap second", reason: "RFC 3339 5.8: a leap second reads as the next second", in: "1990-12-31T23:59:60Z", want: tsDate(1991, 1, 1, 0, 0, 0, 0)},
	{name: "rfc example leap second offset", reason: "RFC 3339 5.8: the same leap second in Pacific time", in: "1990-12-31T15:59:60-08:00", want: tsDate(1991, 1, 1, 0, 0, 0, 0)},
	{name: "rfc example odd offset", reason: "RFC 3339 5.8: Netherlands time in 1937", in: "1937-01-01T12:00:27.87+00:20", want: tsDate(1937, 1, 1, 11, 40, 27, 870_000_000)},

	// Separators and case.
	{name: "uppercase", in: "2025-03-14T08:55:12Z", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "lowercase t", reason: "RFC 3339 5.6 NOTE allows lowercase t", in: "2025-03-14t08:55:12Z", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "lowercase z", reason: "RFC 3339 5.6 NOTE allows lowercase z", in: "2025-03-14T08:55:12z", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "lowercase t and z", in: "2025-03-14t08:55:12.5z", want: tsDate(2025, 3, 14, 8, 55, 12, 500_000_000)},
	{name: "space separator", reason: "RFC 3339 5.6 NOTE permits a space for readability", in: "2025-03-14 08:55:12Z", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "two spaces", in: "2025-03-14  08:55:12Z", wantErr: "hour: want 2 digits"},
	{name: "bad separator", in: "2025-03-14X08:55:12Z", wantErr: `want 'T', 't' or ' ' after the date, got "X08:55:12Z"`},
	{name: "underscore separator", in: "2025-03-14_08:55:12Z", wantErr: `want 'T', 't' or ' ' after the date, got "_08:55:12Z"`},

	// Fractions.
	{name: "fraction 1 digit", in: "2025-03-14T08:55:12.5Z", want: tsDate(2025, 3, 14, 8, 55, 12, 500_000_000)},
	{name: "fraction 3 digits", in: "2025-03-14T08:55:12.123Z", want: tsDate(2025, 3, 14, 8, 55, 12, 123_000_000)},
	{name: "fraction 7 digits", reason: "Azure writes 100 ns ticks", in: "2025-03-14T08:55:12.1234567Z", want: tsDate(2025, 3, 14, 8, 55, 12, 123_456_700)},
	{name: "fraction 9 digits", in: "2025-03-14T08:55:12.000000001Z", want: tsDate(2025, 3, 14, 8, 55, 12, 1)},
	{name: "fraction 12 digits", reason: "digits past the ninth are truncated, not rounded", in: "2025-03-14T08:55:12.123456789987Z", want: tsDate(2025, 3, 14, 8, 55, 12, 123_456_789)},
	{name: "fraction all nines", reason: "truncation never carries into the second", in: "2025-03-14T08:55:12.9999999999999Z", want: tsDate(2025, 3, 14, 8, 55, 12, 999_999_999)},
	{name: "fraction zeros", in: "2025-03-14T08:55:12.0000000Z", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "fraction with offset", in: "2025-03-14T09:55:12.25+01:00", want: tsDate(2025, 3, 14, 8, 55, 12, 250_000_000)},
	{name: "fraction no digits", in: "2025-03-14T08:55:12.Z", wantErr: "fraction: want digits after '.'"},
	{name: "fraction at end", in: "2025-03-14T08:55:12.", wantErr: "fraction: want digits after '.'"},
	{name: "fraction comma", reason: "RFC 3339 has only '.', though time.Parse takes ','", in: "2025-03-14T08:55:12,5Z", wantErr: `time zone: want Z or an offset such as +01:00, got ",5Z"`},

	// Offsets.
	{name: "offset +00:00", in: "2025-03-14T08:55:12+00:00", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "offset -00:00", reason: "RFC 3339 4.3: unknown local offset, still UTC", in: "2025-03-14T08:55:12-00:00", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "offset -07:00", in: "2025-03-14T01:55:12-07:00", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "offset +05:45", reason: "Nepal", in: "2025-03-14T14:40:12+05:45", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "offset +23:59", reason: "the largest offset RFC 3339 allows", in: "2025-03-15T08:54:12+23:59", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "offset -23:59", in: "2025-03-13T08:56:12-23:59", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
	{name: "offset crosses year", in: "2025-01-01T00:30:00+01:00", want: tsDate(2024, 12, 31, 23, 30, 0, 0)},
	{name: "offset +24:00", reason: "time-hour is 00..23; time.Parse accepts it", in: "2025-03-14T08:55:12+24:00", wantErr: "offset +24:00 out of range (hours 00..23, minutes 00..59)"},
	{name: "offset -24:00", in: "2025-03-14T08:55:12-24:00", wantErr: "offset -24:00 out of range (hours 00..23, minutes 00..59)"},
	{name: "offset +12:60", reason: "time-minute is 00..59; time.Parse accepts it", in: "2025-03-14T08:55:12+12:60", wantErr: "offset +12:60 out of range (hours 00..23, minutes 00..59)"},
	{name: "offset +99:99", in: "2025-03-14T08:55:12+99:99", wantErr: "offset +99:99 out of range (hours 00..23, minutes 00..59)"},
	{name: "offset no colon", in: "2025-03-14T08:55:12+0100", wantErr: `offset "+0100": want +hh:mm`},
	{name: "offset hours only", in: "2025-03-14T08:55:12+01", wantErr: `offset "+01": want +hh:mm`},
	{name: "offset one digit", in: "2025-03-14T08:55:12-1:00", wantErr: `offset "-1:00": want -hh:mm`},
	{name: "offset non-digit", in: "2025-03-14T08:55:12+0a:00", wantErr: `offset "+0a:00": want +hh:mm`},
	{name: "offset with seconds", in: "2025-03-14T08:55:12+01:00:00", wantErr: `unexpected ":00" after the time zone`},
	{name: "zone name", in: "2025-03-14T08:55:12UTC", wantErr: `time zone: want Z or an offset such as +01:00, got "UTC"`},

	// Leap seconds.
	{name: "leap second end of day", reason: "not checked against the leap-second table", in: "2025-03-14T23:59:60Z", want: tsDate(2025, 3, 15, 0, 0, 0, 0)},
	{name: "leap second end of month", in: "2015-06-30T23:59:60Z", want: tsDate(2015, 7, 1, 0, 0, 0, 0)},
	{name: "leap second end of year", reason: "the fraction is kept", in: "2016-12-31T23:59:60.5Z", want: tsDate(2017, 1, 1, 0, 0, 0, 500_000_000)},
	{name: "leap second end of leap February", in: "2024-02-29T23:59:60Z", want: tsDate(2024, 3, 1, 0, 0, 0, 0)},
	{name: "leap second end of 9999", in: "9999-12-31T23:59:60Z", want: tsDate(10000, 1, 1, 0, 0, 0, 0)},
	{name: "leap second mid-minute", in: "2025-03-14T08:55:60Z", want: tsDate(2025, 3, 14, 8, 56, 0, 0)},
	{name: "second 61", in: "2025-03-14T23:59:61Z", wantErr: "second 61 out of range 00..60"},
	{name: "second 99", in: "2025-03-14T23:59:99Z", wantErr: "second 99 out of range 00..60"},

	// Calendar.
	{name: "Feb 29 leap year", in: "2024-02-29T12:00:00Z", want: tsDate(2024, 2, 29, 12, 0, 0, 0)},
	{name: "Feb 29 leap century", in: "2000-02-29T12:00:00Z", want: tsDate(2000, 2, 29, 12, 0, 0, 0)},
	{name: "Feb 29 non-leap year", in: "2023-02-29T12:00:00Z", wantErr: "day 29 out of range 01..28 for 2023-02"},
	{name: "Feb 29 non-leap century", in: "1900-02-29T12:00:00Z", wantErr: "day 29 out of range 01..28 for 1900-02"},
	{name: "Feb 30 leap year", in: "2024-02-30T12:00:00Z", wantErr: "day 30 out of range 01..29 for 2024-02"},
	{name: "Apr 31", in: "2025-04-31T12:00:00Z", wantErr: "day 31 out of range 01..30 for 2025-04"},
	{name: "Dec 31", in: "2025-12-31T12:00:00Z", want: tsDate(2025, 12, 31, 12, 0, 0, 0)},
	{name: "day 00", in: "2025-03-00T12:00:00Z", wantErr: "day 00 out of range 01..31 for 2025-03"},
	{name: "day 32", in: "2025-01-32T12:00:00Z", wantErr: "day 32 out of range 01..31 for 2025-01"},
	{name: "month 00", in: "2025-00-14T12:00:00Z", wantErr: "month 00 out of range 01..12"},
	{name: "month 13", in: "2025-13-14T12:00:00Z", wantErr: "month 13 out of range 01..12"},
	{name: "hour 24", reason: "RFC 3339 5.7 allows only 00..23", in: "2025-03-14T24:00:00Z", wantErr: "hour 24 out of range 00..23"},
	{name: "minute 60", in: "2025-03-14T08:60:00Z", wantErr: "minute 60 out of range 00..59"},
	{name: "year 0000", reason: "syntactically valid; checkEventTime refuses it", in: "0000-01-01T00:00:00Z", want: tsDate(0, 1, 1, 0, 0, 0, 0)},
	{name: "year 0000 Feb 29", reason: "year 0 is a leap year in the proleptic Gregorian calendar", in: "0000-02-29T00:00:00Z", want: tsDate(0, 2, 29, 0, 0, 0, 0)},
	{name: "year 0000 with offset", reason: "UTC falls in year -1", in: "0000-01-01T00:00:00+01:00", want: tsDate(-1, 12, 31, 23, 0, 0, 0)},
	{name: "year 9999", in: "9999-12-31T23:59:59.999999999Z", want: tsDate(9999, 12, 31, 23, 59, 59, 999_999_999)},
	{name: "epoch", in: "1970-01-01T00:00:00Z", want: time.Unix(0, 0).UTC()},

	// Missing parts.
	{name: "empty", in: "", wantErr: "empty timestamp"},
	{name: "year only", in: "2025", wantErr: "want '-' after the year"},
	{name: "short year", in: "202", wantErr: "year: want 4 digits"},
	{name: "five-digit year", in: "20255-03-14T08:55:12Z", wantErr: "want '-' after the year"},
	{name: "signed year", in: "+2025-03-14T08:55:12Z", wantErr: "year: want 4 digits"},
	{name: "year month", in: "2025-03", wantErr: "want '-' after the month"},
	{name: "one-digit month", in: "2025-3-14T08:55:12Z", wantErr: "month: want 2 digits"},
	{name: "one-digit day", in: "2025-03-4T08:55:12Z", wantErr: "day: want 2 digits"},
	{name: "date only", in: "2025-03-14", wantErr: "missing time of day"},
	{name: "date and T", in: "2025-03-14T", wantErr: "hour: want 2 digits"},
	{name: "one-digit hour", reason: "time.Parse accepts it; RFC 3339 does not", in: "2025-03-14T8:55:12Z", wantErr: "hour: want 2 digits"},
	{name: "hour only", in: "2025-03-14T08", wantErr: "want ':' after the hour"},
	{name: "no seconds", in: "2025-03-14T08:55Z", wantErr: "want ':' after the minute"},
	{name: "one-digit second", in: "2025-03-14T08:55:1Z", wantErr: "second: want 2 digits"},
	{name: "no zone", in: "2025-03-14T08:55:12", wantErr: "missing time zone: want Z or an offset such as +01:00"},
	{name: "no zone fraction", in: "2025-03-14T08:55:12.1234567", wantErr: "missing time zone: want Z or an offset such as +01:00"},

	// Non-digits and trailing garbage.
	{name: "letter in year", in: "2O25-03-14T08:55:12Z", wantErr: "year: want 4 digits"},
	{name: "letter in month", in: "2025-0a-14T08:55:12Z", wantErr: "month: want 2 digits"},
	{name: "letter in minute", in: "2025-03-14T08:5x:12Z", wantErr: "minute: want 2 digits"},
	{name: "slashes", in: "2025/03/14T08:55:12Z", wantErr: "want '-' after the year"},
	{name: "fullwidth digits", in: "２０２５-03-14T08:55:12Z", wantErr: "year: want 4 digits"},
	{name: "trailing garbage", in: "2025-03-14T08:55:12Zx", wantErr: `unexpected "x" after the time zone`},
	{name: "trailing space", in: "2025-03-14T08:55:12Z ", wantErr: `unexpected " " after the time zone`},
	{name: "leading space", in: " 2025-03-14T08:55:12Z", wantErr: "year: want 4 digits"},
	{name: "two zones", in: "2025-03-14T08:55:12+01:00Z", wantErr: `unexpected "Z" after the time zone`},
	{name: "long garbage is cut", in: "2025-03-14T08:55:12Z and then a great deal more", wantErr: `unexpected " and then a grea"… after the time zone`},
	{name: "NUL", in: "2025-03-14T08:55:12\x00", wantErr: `time zone: want Z or an offset such as +01:00, got "\x00"`},
}

func TestParseRFC3339(t *testing.T) {
	for _, tc := range rfc3339Cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRFC3339(tc.in)
			checkTimestamp(t, "parseRFC3339", tc, got, err)
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	// With zoneless false it is parseRFC3339.
	for _, tc := range rfc3339Cases {
		t.Run("zoned/"+tc.name, func(t *testing.T) {
			got, err := parseTimestamp(tc.in, false)
			checkTimestamp(t, "parseTimestamp(zoneless=false)", tc, got, err)
		})
	}
	zoneless := []timestampCase{
		{name: "no zone", reason: "read as UTC", in: "2025-03-14T08:55:12", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
		{name: "no zone fraction", in: "2025-03-14T08:55:12.1234567", want: tsDate(2025, 3, 14, 8, 55, 12, 123_456_700)},
		{name: "no zone lowercase t", in: "2025-03-14t08:55:12", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
		{name: "no zone space", in: "2025-03-14 08:55:12", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
		{name: "no zone leap second", in: "2016-12-31T23:59:60", want: tsDate(2017, 1, 1, 0, 0, 0, 0)},
		{name: "zone still allowed", in: "2025-03-14T08:55:12Z", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
		{name: "offset still allowed", in: "2025-03-14T09:55:12+01:00", want: tsDate(2025, 3, 14, 8, 55, 12, 0)},
		{name: "bad offset still refused", in: "2025-03-14T08:55:12+24:00", wantErr: "offset +24:00 out of range (hours 00..23, minutes 00..59)"},
		{name: "fraction no digits", in: "2025-03-14T08:55:12.", wantErr: "fraction: want digits after '.'"},
		{name: "trailing space", in: "2025-03-14T08:55:12 ", wantErr: `time zone: want Z or an offset such as +01:00, got " "`},
		{name: "no seconds", in: "2025-03-14T08:55", wantErr: "want ':' after the minute"},
		{name: "date only", in: "2025-03-14", wantErr: "missing time of day"},
		{name: "empty", in: "", wantErr: "empty timestamp"},
	}
	for _, tc := range zoneless {
		t.Run("zoneless/"+tc.name, func(t *testing.T) {
			got, err := parseTimestamp(tc.in, true)
			checkTimestamp(t, "parseTimestamp(zoneless=true)", tc, got, err)
		})
	}
	// Every zoned success is a zoneless success with the same time.
	for _, tc := range rfc3339Cases {
		if tc.wantErr != "" {
			continue
		}
		if got, err := parseTimestamp(tc.in, true); err != nil || !got.Equal(tc.want) {
			t.Errorf("parseTimestamp(%q, true) = %v, %v; want %v, nil", tc.in, got, err, tc.want)
		}
	}
}

func TestParseUSDateTime(t *testing.T) {
	tests := []timestampCase{
		{name: "azure envelope", reason: "elastic/integrations#15977", in: "11/14/2025 1:48:53 AM", want: tsDate(2025, 11, 14, 1, 48, 53, 0)},
		{name: "csv export", reason: "Log Analytics Export to CSV", in: "11/14/2025, 1:48:53.123 AM", want: tsDate(2025, 11, 14, 1, 48, 53, 123_000_000)},
		{name: "comma no fraction", in: "11/14/2025, 1:48:53 AM", want: tsDate(2025, 11, 14, 1, 48, 53, 0)},
		{name: "fraction no comma", in: "11/14/2025 1:48:53.5 AM", want: tsDate(2025, 11, 14, 1, 48, 53, 500_000_000)},
		{name: "fraction 7 digits", in: "11/14/2025 1:48:53.1234567 AM", want: tsDate(2025, 11, 14, 1, 48, 53, 123_456_700)},
		{name: "fraction 12 digits", reason: "truncated to nanoseconds", in: "11/14/2025 1:48:53.123456789987 AM", want: tsDate(2025, 11, 14, 1, 48, 53, 123_456_789)},
		{name: "PM", in: "11/14/2025 1:48:53 PM", want: tsDate(2025, 11, 14, 13, 48, 53, 0)},
		{name: "12 AM is midnight", in: "11/14/2025 12:00:00 AM", want: tsDate(2025, 11, 14, 0, 0, 0, 0)},
		{name: "12:59 AM", in: "11/14/2025 12:59:59 AM", want: tsDate(2025, 11, 14, 0, 59, 59, 0)},
		{name: "12 PM is noon", in: "11/14/2025 12:00:00 PM", want: tsDate(2025, 11, 14, 12, 0, 0, 0)},
		{name: "11 PM", in: "11/14/2025 11:59:59 PM", want: tsDate(2025, 11, 14, 23, 59, 59, 0)},
		{name: "lowercase am", in: "1/2/2025 1:02:03 am", want: tsDate(2025, 1, 2, 1, 2, 3, 0)},
		{name: "lowercase pm", in: "1/2/2025 1:02:03 pm", want: tsDate(2025, 1, 2, 13, 2, 3, 0)},
		{name: "mixed case", in: "1/2/2025 1:02:03 pM", want: tsDate(2025, 1, 2, 13, 2, 3, 0)},
		{name: "leading zeros", in: "01/02/2025 01:02:03 PM", want: tsDate(2025, 1, 2, 13, 2, 3, 0)},
		{name: "Feb 29 leap year", in: "2/29/2024 1:00:00 AM", want: tsDate(2024, 2, 29, 1, 0, 0, 0)},
		{name: "Feb 29 non-leap year", in: "2/29/2023 1:00:00 AM", wantErr: "day 29 out of range 01..28 for 2023-02"},
		{name: "Nov 31", in: "11/31/2025 1:00:00 AM", wantErr: "day 31 out of range 01..30 for 2025-11"},
		{name: "day 0", in: "11/0/2025 1:00:00 AM", wantErr: "day 00 out of range 01..30 for 2025-11"},
		{name: "month 13", in: "13/14/2025 1:48:53 AM", wantErr: "month 13 out of range 1..12"},
		{name: "month 0", in: "0/14/2025 1:48:53 AM", wantErr: "month 0 out of range 1..12"},
		{name: "24-hour form refused", reason: "not documented for M/D/YYYY", in: "11/14/2025 13:48:53", wantErr: "missing AM or PM"},
		{name: "no AM or PM", in: "11/14/2025 1:48:53", wantErr: "missing AM or PM"},
		{name: "24-hour with PM", in: "11/14/2025 13:48:53 PM", wantErr: "hour 13 out of range 1..12"},
		{name: "hour 0", in: "11/14/2025 0:48:53 AM", wantErr: "hour 0 out of range 1..12"},
		{name: "three-digit hour", in: "11/14/2025 001:48:53 AM", wantErr: "hour: want 1 or 2 digits"},
		{name: "minute 60", in: "11/14/2025 1:60:53 AM", wantErr: "minute 60 out of range 00..59"},
		{name: "one-digit minute", in: "11/14/2025 1:4:53 AM", wantErr: "minute: want 2 digits"},
		{name: "second 60", reason: ".NET cannot write a leap second", in: "11/14/2025 1:48:60 AM", wantErr: "second 60 out of range 00..59"},
		{name: "no seconds", in: "11/14/2025 1:48 AM", wantErr: "want ':' after the minute"},
		{name: "fraction no digits", in: "11/14/2025 1:48:53. AM", wantErr: "fraction: want digits after '.'"},
		{name: "no space before AM", in: "11/14/2025 1:48:53AM", wantErr: `want ' AM' or ' PM' after the time, got "AM"`},
		{name: "XM", in: "11/14/2025 1:48:53 XM", wantErr: `want ' AM' or ' PM' after the time, got " XM"`},
		{name: "A.M.", in: "11/14/2025 1:48:53 A.M.", wantErr: `want ' AM' or ' PM' after the time, got " A.M."`},
		{name: "trailing garbage", in: "11/14/2025 1:48:53 AMZ", wantErr: `want ' AM' or ' PM' after the time, got " AMZ"`},
		{name: "zone after", in: "11/14/2025 1:48:53 AM +00:00", wantErr: `want ' AM' or ' PM' after the time, got " AM +00:00"`},
		{name: "comma no space", in: "11/14/2025,1:48:53 AM", wantErr: "want ' ' or ', ' after the year"},
		{name: "two spaces", in: "11/14/2025  1:48:53 AM", wantErr: "hour: want 1 or 2 digits"},
		{name: "two-digit year", in: "11/14/25 1:48:53 AM", wantErr: "year: want 4 digits"},
		{name: "date only", in: "11/14/2025", wantErr: "want ' ' or ', ' after the year"},
		{name: "dashes", in: "11-14-2025 1:48:53 AM", wantErr: "want '/' after the month"},
		{name: "three-digit month", in: "111/4/2025 1:48:53 AM", wantErr: "month: want 1 or 2 digits"},
		{name: "no day", in: "11//2025 1:48:53 AM", wantErr: "day: want 1 or 2 digits"},
		{name: "day no slash", in: "11/14 2025 1:48:53 AM", wantErr: "want '/' after the day"},
		{name: "rfc 3339", in: "2025-11-14T01:48:53Z", wantErr: "month: want 1 or 2 digits"},
		{name: "empty", in: "", wantErr: "empty timestamp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseUSDateTime(tc.in)
			checkTimestamp(t, "parseUSDateTime", tc, got, err)
		})
	}
}

func TestCheckEventTime(t *testing.T) {
	tests := []struct {
		name    string
		in      time.Time
		wantErr string
	}{
		{name: "epoch", in: tsDate(1970, 1, 1, 0, 0, 0, 0)},
		{name: "now-ish", in: tsDate(2025, 3, 14, 8, 55, 12, 0)},
		{name: "last instant", in: tsDate(9999, 12, 31, 23, 59, 59, 999_999_999)},
		{name: "just before 1970", in: tsDate(1969, 12, 31, 23, 59, 59, 999_999_999), wantErr: "time 1969-12-31T23:59:59.999999999Z is before 1970"},
		{name: "zero time", in: time.Time{}, wantErr: "time 0001-01-01T00:00:00Z is before 1970"},
		{name: "year 0", in: tsDate(0, 1, 1, 0, 0, 0, 0), wantErr: "time 0000-01-01T00:00:00Z is before 1970"},
		{name: "after 9999", in: tsDate(10000, 1, 1, 0, 0, 0, 0), wantErr: "time 10000-01-01T00:00:00Z is after 9999"},
		{name: "leap second past 9999", in: mustRFC3339(t, "9999-12-31T23:59:60Z"), wantErr: "time 10000-01-01T00:00:00Z is after 9999"},
		{name: "1970 local is 1969 UTC", in: time.Date(1970, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), wantErr: "time 1969-12-31T23:30:00Z is before 1970"},
		{name: "9999 local is 10000 UTC", in: time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -2*3600)), wantErr: "time 10000-01-01T01:00:00Z is after 9999"},
		{name: "1969 local is 1970 UTC", in: time.Date(1969, 12, 31, 23, 30, 0, 0, time.FixedZone("", -3600))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkEventTime(tc.in)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("checkEventTime(%v) = %q, want nil", tc.in, err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("checkEventTime(%v) = nil, want %q", tc.in, tc.wantErr)
			case err != nil && err.Error() != tc.wantErr:
				t.Errorf("checkEventTime(%v) = %q, want %q", tc.in, err, tc.wantErr)
			}
		})
	}
}

// TestParseRFC3339MatchesTimeParse checks parseRFC3339 against
// time.Parse(time.RFC3339Nano, ...) on the table inputs and some more:
// wherever time.Parse succeeds, parseRFC3339 gives the same instant, except
// on the forms that time.Parse accepts and RFC 3339 does not (goLenient).
func TestParseRFC3339MatchesTimeParse(t *testing.T) {
	inputs := []string{
		"2006-01-02T15:04:05Z",
		"2006-01-02T15:04:05.999999999-07:00",
		"2024-02-29T00:00:00+14:00",
		"1969-12-31T23:59:59.999999999Z",
		"0001-01-01T00:00:00Z",
		"2025-03-14T08:55:12.1234567890123456789Z",
	}
	for _, tc := range rfc3339Cases {
		inputs = append(inputs, tc.in)
	}
	compared := 0
	for _, s := range inputs {
		want, werr := time.Parse(time.RFC3339Nano, s)
		got, err := parseRFC3339(s)
		if werr != nil {
			continue
		}
		if goLenient(s) {
			if err == nil {
				t.Errorf("parseRFC3339(%q) = %v, want an error: time.Parse is lenient here, RFC 3339 is not", s, got)
			}
			continue
		}
		compared++
		if err != nil || !got.Equal(want) {
			t.Errorf("parseRFC3339(%q) = %v, %v; time.Parse gives %v", s, got, err, want.UTC())
		}
	}
	if compared < 30 {
		t.Errorf("compared only %d inputs with time.Parse", compared)
	}
}

// goLenient reports whether s, which time.Parse(time.RFC3339Nano, s)
// accepts, uses a form that RFC 3339 does not allow and that time.Parse's
// general parser lets through: a one-digit hour, a ',' before the
// fraction, or an offset hour of 24 or minute of 60.
func goLenient(s string) bool {
	if len(s) < 20 || s[13] != ':' || s[19] == ',' {
		return true
	}
	if c := s[len(s)-1]; c != 'Z' {
		off := s[len(s)-6:]
		hh, _ := tsDigits(off, 1, 2)
		mm, _ := tsDigits(off, 4, 2)
		return hh > 23 || mm > 59
	}
	return false
}

func TestTimestampAllocs(t *testing.T) {
	rfc := []string{
		"2025-03-14T08:55:12Z",
		"2025-03-14t08:55:12.1234567z",
		"2025-03-14 14:40:12.123456789987+05:45",
		"1990-12-31T15:59:60-08:00",
	}
	for _, s := range rfc {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := parseRFC3339(s); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("parseRFC3339(%q): %v allocations, want 0", s, allocs)
		}
		allocs = testing.AllocsPerRun(100, func() {
			if _, err := parseTimestamp(strings.TrimSuffix(s, "Z"), true); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("parseTimestamp(%q, true): %v allocations, want 0", s, allocs)
		}
	}
	for _, s := range []string{"11/14/2025 1:48:53 AM", "11/14/2025, 1:48:53.123 pm"} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := parseUSDateTime(s); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("parseUSDateTime(%q): %v allocations, want 0", s, allocs)
		}
	}
	ev := tsDate(2025, 3, 14, 8, 55, 12, 0)
	if allocs := testing.AllocsPerRun(100, func() { _ = checkEventTime(ev) }); allocs != 0 {
		t.Errorf("checkEventTime: %v allocations, want 0", allocs)
	}
}

func BenchmarkParseRFC3339(b *testing.B) {
	const s = "2025-03-14T08:55:12.1234567Z"
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := parseRFC3339(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTimeParseRFC3339Nano(b *testing.B) {
	const s = "2025-03-14T08:55:12.1234567Z"
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			b.Fatal(err)
		}
	}
}

func checkTimestamp(t *testing.T, fn string, tc timestampCase, got time.Time, err error) {
	t.Helper()
	if tc.wantErr != "" {
		if err == nil {
			t.Fatalf("%s(%q) = %v, nil; want error %q", fn, tc.in, got, tc.wantErr)
		}
		if err.Error() != tc.wantErr {
			t.Fatalf("%s(%q) error = %q, want %q", fn, tc.in, err, tc.wantErr)
		}
		if !got.IsZero() {
			t.Errorf("%s(%q) = %v with an error, want the zero time", fn, tc.in, got)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s(%q) error = %q, want %v", fn, tc.in, err, tc.want)
	}
	if !got.Equal(tc.want) {
		t.Errorf("%s(%q) = %v, want %v", fn, tc.in, got, tc.want)
	}
	if got.Location() != time.UTC {
		t.Errorf("%s(%q) location = %v, want UTC", fn, tc.in, got.Location())
	}
}

func mustRFC3339(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := parseRFC3339(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
