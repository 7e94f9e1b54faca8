package event

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// This file holds the timestamp parsers of the decoders. They are written
// by hand rather than with time.Parse because time.Parse is both stricter
// and looser than the formats we read: it refuses the lowercase 't' and 'z'
// and the leap second that RFC 3339 allows, and it accepts a one-digit
// hour, a comma before the fraction and offsets of +24:00 or +hh:60, which
// RFC 3339 does not. Each parser returns the time in UTC, does not
// allocate when it succeeds, and on failure returns an error whose text is
// a short phrase saying what is wrong, for the caller to wrap in an error
// that says where.

// parseRFC3339 parses s as an RFC 3339 date-time (RFC 3339 section 5.6)
// and returns it in UTC. It accepts exactly
//
//	YYYY-MM-DD sep hh:mm:ss [.d+] zone
//
// where
//   - YYYY is a 4-digit year, 0000 to 9999 (date-fullyear);
//   - MM is a 2-digit month, 01 to 12, and DD a 2-digit day, 01 to the
//     number of days in that month, 29 in February of a leap year
//     (date-month, date-mday; section 5.7 and Appendix C);
//   - sep is 'T', or 't' (the NOTE in section 5.6 allows the lowercase
//     letter), or a single space, which the same NOTE lets applications use
//     "for the sake of readability";
//   - hh is a 2-digit hour 00 to 23, mm a 2-digit minute 00 to 59 and ss a
//     2-digit second 00 to 60 (time-hour, time-minute, time-second);
//     second 60 is a leap second (section 5.7) and reads as the first
//     second of the next minute, so that 1990-12-31T23:59:60Z is
//     1991-01-01T00:00:00Z; time.Time cannot hold a leap second. Second 60
//     is not checked against the table of leap seconds (Appendix D), nor
//     required to fall at the end of a UTC day;
//   - .d+ is an optional fraction of a second, a '.' and one or more
//     digits (time-secfrac); the first nine digits give the nanoseconds and
//     any further digits are dropped (truncated, not rounded), as
//     time.Parse does;
//   - zone is 'Z' or 'z' (the NOTE in section 5.6) for UTC, or an offset
//     +hh:mm or -hh:mm with hh 00 to 23 and mm 00 to 59 (time-numoffset),
//     which is subtracted to give UTC; -00:00 (section 4.3, an unknown
//     local offset) reads as UTC.
//
// Nothing may come before or after. Unlike time.Parse it refuses a
// one-digit hour, a ',' before the fraction and offsets such as +24:00 or
// +12:60, none of which the RFC 3339 grammar allows; on the inputs both
// accept, the two give the same instant.
func parseRFC3339(s string) (time.Time, error) {
	return parseTimestamp(s, false)
}

// parseTimestamp is [parseRFC3339], except that when zoneless is true the
// zone may be left out, and the time is then read as UTC:
// 2025-03-14T08:55:12.5 is 2025-03-14T08:55:12.5Z. That is for nested
// fields that are not the event time, such as
// authenticationDetails[].authenticationStepDateTime, which some exports
// write without a zone. RFC 3339 has no such form (it requires time-offset
// in full-time, section 5.6), and ISO 8601 reads a time without a zone as
// local time; escudo takes it as UTC, the zone of the other times in the
// same record.
func parseTimestamp(s string, zoneless bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, errEmptyTimestamp
	}
	year, ok := tsDigits(s, 0, 4)
	if !ok {
		return time.Time{}, errors.New("year: want 4 digits")
	}
	if !tsByteAt(s, 4, '-') {
		return time.Time{}, errors.New("want '-' after the year")
	}
	month, ok := tsDigits(s, 5, 2)
	if !ok {
		return time.Time{}, errors.New("month: want 2 digits")
	}
	if month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("month %02d out of range 01..12", month)
	}
	if !tsByteAt(s, 7, '-') {
		return time.Time{}, errors.New("want '-' after the month")
	}
	day, ok := tsDigits(s, 8, 2)
	if !ok {
		return time.Time{}, errors.New("day: want 2 digits")
	}
	if err := tsCheckDay(year, month, day); err != nil {
		return time.Time{}, err
	}
	if len(s) == 10 {
		return time.Time{}, errors.New("missing time of day")
	}
	if c := s[10]; c != 'T' && c != 't' && c != ' ' {
		return time.Time{}, fmt.Errorf("want 'T', 't' or ' ' after the date, got %s", tsQuote(s[10:]))
	}
	hour, ok := tsDigits(s, 11, 2)
	if !ok {
		return time.Time{}, errors.New("hour: want 2 digits")
	}
	if hour > 23 {
		return time.Time{}, fmt.Errorf("hour %02d out of range 00..23", hour)
	}
	if !tsByteAt(s, 13, ':') {
		return time.Time{}, errors.New("want ':' after the hour")
	}
	minute, ok := tsDigits(s, 14, 2)
	if !ok {
		return time.Time{}, errors.New("minute: want 2 digits")
	}
	if minute > 59 {
		return time.Time{}, fmt.Errorf("minute %02d out of range 00..59", minute)
	}
	if !tsByteAt(s, 16, ':') {
		return time.Time{}, errors.New("want ':' after the minute")
	}
	sec, ok := tsDigits(s, 17, 2)
	if !ok {
		return time.Time{}, errors.New("second: want 2 digits")
	}
	if sec > 60 {
		return time.Time{}, fmt.Errorf("second %02d out of range 00..60", sec)
	}
	ns, i, err := tsFraction(s, 19)
	if err != nil {
		return time.Time{}, err
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ns, time.UTC)
	if i == len(s) {
		if zoneless {
			return t, nil
		}
		return time.Time{}, errors.New("missing time zone: want Z or an offset such as +01:00")
	}
	switch c := s[i]; c {
	case 'Z', 'z':
		i++
	case '+', '-':
		if len(s)-i < 6 || s[i+3] != ':' {
			return time.Time{}, fmt.Errorf("offset %s: want %chh:mm", tsQuote(s[i:]), c)
		}
		oh, ok1 := tsDigits(s, i+1, 2)
		om, ok2 := tsDigits(s, i+4, 2)
		if !ok1 || !ok2 {
			return time.Time{}, fmt.Errorf("offset %s: want %chh:mm", tsQuote(s[i:]), c)
		}
		if oh > 23 || om > 59 {
			return time.Time{}, fmt.Errorf("offset %s out of range (hours 00..23, minutes 00..59)", s[i:i+6])
		}
		off := time.Duration(oh*60+om) * time.Minute
		if c == '+' {
			off = -off
		}
		t = t.Add(off)
		i += 6
	default:
		return time.Time{}, fmt.Errorf("time zone: want Z or an offset such as +01:00, got %s", tsQuote(s[i:]))
	}
	if i != len(s) {
		return time.Time{}, fmt.Errorf("unexpected %s after the time zone", tsQuote(s[i:]))
	}
	return t, nil
}

// parseUSDateTime parses s as a US-style date and time, read as UTC. It
// accepts exactly
//
//	M/D/YYYY[,] h:mm:ss[.d+] AM
//
// where M is a month 1 to 12 and D a day of that month, each of 1 or 2
// digits (a leading zero is allowed); YYYY is a 4-digit year; an optional
// ',' follows the year, and then one space; h is an hour 1 to 12 of 1 or 2
// digits, mm a 2-digit minute 00 to 59 and ss a 2-digit second 00 to 59
// (the .NET formatters that write these forms cannot express a leap
// second); .d+ is an optional fraction, a '.' and one or more digits,
// truncated to nanoseconds; then one space and AM or PM in any case (AM,
// am, PM, pm). 12 AM is hour 0 and 12 PM hour 12.
//
// Two producers write it:
//   - Azure Monitor's resource-log envelope: some services send the
//     common-schema "time" field as "11/14/2025 1:48:53 AM" rather than
//     ISO 8601 (elastic/integrations issue 15977 and pull request 15976,
//     which added the pattern "MM/dd/yyyy h:mm:ss a" for sign-in logs);
//   - the Log Analytics portal's "Export to CSV", which writes times as
//     shown in the en-US interface, "11/14/2025, 1:48:53.123 AM".
//
// The export follows the portal's locale (MicrosoftDocs/azure-docs issue
// 66181, where a Japanese-locale export wrote "2020/10/16 0:00:01.403"),
// but no source documents a 24-hour M/D/YYYY form such as
// "11/14/2025 13:48:53", so that form is refused: a missing AM/PM is an
// error, as is an hour of 0 or above 12.
func parseUSDateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errEmptyTimestamp
	}
	month, i, ok := tsShortDigits(s, 0)
	if !ok {
		return time.Time{}, errors.New("month: want 1 or 2 digits")
	}
	if month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("month %d out of range 1..12", month)
	}
	if !tsByteAt(s, i, '/') {
		return time.Time{}, errors.New("want '/' after the month")
	}
	day, i, ok := tsShortDigits(s, i+1)
	if !ok {
		return time.Time{}, errors.New("day: want 1 or 2 digits")
	}
	if !tsByteAt(s, i, '/') {
		return time.Time{}, errors.New("want '/' after the day")
	}
	year, ok := tsDigits(s, i+1, 4)
	if !ok {
		return time.Time{}, errors.New("year: want 4 digits")
	}
	if err := tsCheckDay(year, month, day); err != nil {
		return time.Time{}, err
	}
	i += 5
	if tsByteAt(s, i, ',') {
		i++
	}
	if !tsByteAt(s, i, ' ') {
		return time.Time{}, errors.New("want ' ' or ', ' after the year")
	}
	hour, i, ok := tsShortDigits(s, i+1)
	if !ok {
		return time.Time{}, errors.New("hour: want 1 or 2 digits")
	}
	if !tsByteAt(s, i, ':') {
		return time.Time{}, errors.New("want ':' after the hour")
	}
	minute, ok := tsDigits(s, i+1, 2)
	if !ok {
		return time.Time{}, errors.New("minute: want 2 digits")
	}
	if minute > 59 {
		return time.Time{}, fmt.Errorf("minute %02d out of range 00..59", minute)
	}
	if !tsByteAt(s, i+3, ':') {
		return time.Time{}, errors.New("want ':' after the minute")
	}
	sec, ok := tsDigits(s, i+4, 2)
	if !ok {
		return time.Time{}, errors.New("second: want 2 digits")
	}
	if sec > 59 {
		return time.Time{}, fmt.Errorf("second %02d out of range 00..59", sec)
	}
	ns, i, err := tsFraction(s, i+6)
	if err != nil {
		return time.Time{}, err
	}
	if i == len(s) {
		return time.Time{}, errors.New("missing AM or PM")
	}
	if len(s)-i != 3 || s[i] != ' ' || s[i+2]|0x20 != 'm' {
		return time.Time{}, fmt.Errorf("want ' AM' or ' PM' after the time, got %s", tsQuote(s[i:]))
	}
	pm := false
	switch s[i+1] | 0x20 {
	case 'a':
	case 'p':
		pm = true
	default:
		return time.Time{}, fmt.Errorf("want ' AM' or ' PM' after the time, got %s", tsQuote(s[i:]))
	}
	// The hour is checked after AM or PM, so that a 24-hour time such as
	// 13:48:53 is reported as missing AM or PM.
	if hour < 1 || hour > 12 {
		return time.Time{}, fmt.Errorf("hour %d out of range 1..12", hour)
	}
	switch {
	case !pm && hour == 12:
		hour = 0
	case pm && hour != 12:
		hour += 12
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, ns, time.UTC), nil
}

// checkEventTime reports whether t, taken in UTC, lies in the years 1970
// to 9999 inclusive, which is what an event time must do.
//
// The upper bound is the one the risk package enforces: risk.Event and
// risk.Incident refuse to encode or decode a _time whose year in UTC is
// outside 0000..9999, because RFC 3339 has four-digit years. The lower
// bound is the Unix epoch: escudo's windows and bins count from it, and the
// _time of the Splunk events escudo writes (risk/hec) is seconds since
// it; a sign-in before 1970 can only be a broken clock or a broken export,
// and reading it as a negative epoch would only hide that.
func checkEventTime(t time.Time) error {
	u := t.UTC()
	switch y := u.Year(); {
	case y < 1970:
		return fmt.Errorf("time %s is before 1970", u.Format(time.RFC3339Nano))
	case y > 9999:
		return fmt.Errorf("time %s is after 9999", u.Format(time.RFC3339Nano))
	}
	return nil
}

var errEmptyTimestamp = errors.New("empty timestamp")

// tsDigits returns the value of the n decimal digits at s[i:], and
// whether there are n digits there.
func tsDigits(s string, i, n int) (int, bool) {
	if i < 0 || len(s)-i < n {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// tsShortDigits returns the value of the 1 or 2 decimal digits at s[i:] and
// the index after them; ok is false when s[i] is not a digit or a third
// digit follows.
func tsShortDigits(s string, i int) (v, next int, ok bool) {
	if !tsIsDigit(s, i) {
		return 0, i, false
	}
	v, i = int(s[i]-'0'), i+1
	if tsIsDigit(s, i) {
		v, i = v*10+int(s[i]-'0'), i+1
	}
	if tsIsDigit(s, i) {
		return 0, i, false
	}
	return v, i, true
}

// tsFraction reads an optional fraction of a second, '.' and one or more
// digits, at s[i:]. It returns the nanoseconds, from the first nine
// digits (later ones are truncated), and the index after the fraction.
func tsFraction(s string, i int) (ns, next int, err error) {
	if !tsByteAt(s, i, '.') {
		return 0, i, nil
	}
	i++
	if !tsIsDigit(s, i) {
		return 0, i, errors.New("fraction: want digits after '.'")
	}
	scale := 100_000_000
	for ; tsIsDigit(s, i); i++ {
		ns += int(s[i]-'0') * scale
		scale /= 10
	}
	return ns, i, nil
}

// tsCheckDay reports whether day is a day of month (1..12) in year, using
// the proleptic Gregorian calendar (RFC 3339 Appendix C).
func tsCheckDay(year, month, day int) error {
	n := tsDaysIn(year, month)
	if day < 1 || day > n {
		return fmt.Errorf("day %02d out of range 01..%02d for %04d-%02d", day, n, year, month)
	}
	return nil
}

func tsDaysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func tsByteAt(s string, i int, c byte) bool { return i >= 0 && i < len(s) && s[i] == c }

func tsIsDigit(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

// tsQuote quotes s for an error message, cut to at most 16 bytes.
func tsQuote(s string) string {
	const max = 16
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
