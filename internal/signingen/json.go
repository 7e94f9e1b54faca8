package signingen

import (
	"strconv"
	"time"

	"github.com/escudo-dev/escudo/internal/jsontext"
)

const hexDigits = "0123456789abcdef"

// appendKey appends "key": after a comma unless the object has just been
// opened. Keys are constants without characters that need escaping.
func appendKey(b []byte, key string) []byte {
	if c := b[len(b)-1]; c != '{' && c != '[' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendStringField(b []byte, key, v string) []byte {
	return jsontext.AppendString(appendKey(b, key), v)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// guid is a random (version 4) GUID.
type guid [16]byte

func appendGUID(b []byte, g *guid) []byte {
	for i, c := range g {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}

func (g guid) String() string { return string(appendGUID(nil, &g)) }

// stamp is a time as Unix seconds plus a fraction in 100 ns ticks, the
// resolution Entra writes (seven fractional digits).
type stamp struct {
	sec  int64
	frac int32 // 0 to 9,999,999
}

func (s stamp) add(sec int64) stamp { return stamp{s.sec + sec, s.frac} }

// Time returns s as a time.Time in UTC.
func (s stamp) Time() time.Time { return time.Unix(s.sec, int64(s.frac)*100).UTC() }

// timeStyle is how a Format writes a timestamp.
type timeStyle uint8

const (
	// timeGraph is Graph's createdDateTime: 2025-03-14T09:21:07Z, with
	// seven fractional digits only when there is a fraction.
	timeGraph timeStyle = iota
	// timeAzure is an Azure Monitor record's time: always seven digits, Z.
	timeAzure
	// timeAzureProps is createdDateTime inside Azure Monitor properties:
	// always seven digits, +00:00.
	timeAzureProps
)

// appendTime appends s as a quoted timestamp in the given style.
func appendTime(b []byte, s stamp, style timeStyle) []byte {
	t := time.Unix(s.sec, 0).UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	b = append(b, '"')
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	if s.frac != 0 || style != timeGraph {
		b = append(b, '.')
		b = appendDigits(b, int(s.frac), 7)
	}
	if style == timeAzureProps {
		b = append(b, "+00:00"...)
	} else {
		b = append(b, 'Z')
	}
	return append(b, '"')
}

// appendDigits appends v zero-padded to width digits.
func appendDigits(b []byte, v, width int) []byte {
	var buf [8]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:width]...)
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

func appendFloat(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'f', -1, 64) }
