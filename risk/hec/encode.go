package hec

import (
	"strconv"
	"time"

	"github.com/escudo-dev/escudo/internal/jsontext"

	"github.com/escudo-dev/escudo/risk"
)

// Metadata holds the HEC metadata of an event. An empty field is left out
// of the event, so that HEC applies the token's default.
type Metadata struct {
	// Host is the event's host.
	Host string
	// Source is the event's source.
	Source string
	// Sourcetype is the event's sourcetype.
	Sourcetype string
	// Index is the index the event goes to; the token must allow it.
	Index string
}

// AppendEvent appends to dst one HEC event object with the given time,
// metadata and event, and returns the extended slice. The keys are, in
// order: "time" (seconds since the Unix epoch, with a fraction of up to
// nine digits only when t has one; left out when t is the zero time, so
// that HEC uses the time it receives the event), then "host", "source",
// "sourcetype" and "index" when set, then "event", whose value is event
// as is. event must be one JSON value; AppendEvent does not check it.
func AppendEvent(dst []byte, t time.Time, md Metadata, event []byte) []byte {
	dst = append(dst, '{')
	if !t.IsZero() {
		dst = append(dst, `"time":`...)
		dst = appendEpoch(dst, t)
		dst = append(dst, ',')
	}
	for _, kv := range [...]struct{ key, val string }{
		{`"host":`, md.Host},
		{`"source":`, md.Source},
		{`"sourcetype":`, md.Sourcetype},
		{`"index":`, md.Index},
	} {
		if kv.val != "" {
			dst = append(dst, kv.key...)
			dst = jsontext.AppendString(dst, kv.val)
			dst = append(dst, ',')
		}
	}
	dst = append(dst, `"event":`...)
	dst = append(dst, event...)
	return append(dst, '}')
}

// AppendRiskEvent appends ev as one HEC event object: its time, md, and
// the JSON of [risk.Event.MarshalJSON]. When md.Source is empty, the
// source is ev's search_name. It returns the error of MarshalJSON, and dst
// unchanged, when ev cannot be encoded.
func AppendRiskEvent(dst []byte, ev risk.Event, md Metadata) ([]byte, error) {
	b, err := ev.MarshalJSON()
	if err != nil {
		return dst, err
	}
	if md.Source == "" {
		md.Source = ev.SearchName
	}
	return AppendEvent(dst, ev.Time, md, b), nil
}

// AppendIncident appends inc as one HEC event object: its last time, md,
// and the JSON of [risk.Incident.MarshalJSON]. When md.Source is empty,
// the source is inc's rule name. It returns the error of MarshalJSON, and
// dst unchanged, when inc cannot be encoded.
func AppendIncident(dst []byte, inc risk.Incident, md Metadata) ([]byte, error) {
	b, err := inc.MarshalJSON()
	if err != nil {
		return dst, err
	}
	if md.Source == "" {
		md.Source = inc.Rule
	}
	return AppendEvent(dst, inc.LastTime, md, b), nil
}

// appendEpoch appends t as decimal seconds since the Unix epoch, exactly:
// no floating point is involved, so nanoseconds survive.
func appendEpoch(dst []byte, t time.Time) []byte {
	sec, ns := t.Unix(), int64(t.Nanosecond())
	if sec < 0 {
		dst = append(dst, '-')
		sec = -sec
		if ns > 0 { // -1.25 s is Unix -2 plus 750 ms
			sec--
			ns = 1e9 - ns
		}
	}
	dst = strconv.AppendInt(dst, sec, 10)
	if ns == 0 {
		return dst
	}
	var frac [10]byte
	frac[0] = '.'
	for i := 9; i >= 1; i-- {
		frac[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := 10
	for frac[n-1] == '0' {
		n--
	}
	return append(dst, frac[:n]...)
}
