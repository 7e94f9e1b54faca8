package event

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	json "github.com/goccy/go-json"
)

// The projected sign-in decoder's scan (see ProjectSignIns): its state,
// the loop over an object's members, the readers of values, and the one
// allocation that makes the strings it keeps.

// memberOf is how the projected decoder reads one key of a record.
type memberOf struct {
	key      string // the JSON key; "@" before an envelope key
	envelope bool   // a key of the Azure Monitor envelope
	always   bool   // read whatever the fields: the time, the category
	bit      uint64 // this member's bit in an object's set of keys seen
	read     func(d *projDecode, data []byte, i int) (end int, ok bool)
}

// signInProjection is the members one projected decoder reads.
type signInProjection struct {
	graph  *memberTable // keys of a Graph signIn, also under properties
	env    *memberTable // keys of an Azure Monitor envelope
	status *memberTable // keys of the status object
	steps  *memberTable // keys of an authentication step
	// Keys of the location, its coordinates and the MFA detail.
	location, geo, mfa *memberTable
	states             sync.Pool // of *projDecode, so that a decode's bookkeeping is not an allocation
}

// projDecode is the state of one projected decode: the event, and the
// strings it keeps, copied at the end into one allocation.
type projDecode struct {
	p       *signInProjection
	nested  keySet // the key set of the record's nested objects
	ev      *SignInEvent
	refs    []strRef
	total   int
	created string // the event time's text, once the strings are made
	time    string // Azure Monitor's time, likewise
	level   [2]string
	scalars *signInScalars
	// step is the authentication step being read, and stepTimes the
	// text of each step's time, parsed once the strings are made.
	step      *AuthenticationDetail
	stepTimes []stepTime
	// geoText is the text of the coordinates (altitude, latitude,
	// longitude), parsed once the strings are made.
	geoText [3]string
	hasProp bool
}

// strRef is a string value to keep: its bytes in the record, and where
// it goes.
type strRef struct {
	dst        *string
	start, end int
}

// signInScalars holds a decode's numbers and booleans, so that the
// pointers of an event cost one allocation rather than one each.
type signInScalars struct {
	errorCode, processing int32
	interactive           bool
	yes, no               bool // the steps' succeeded
	geo                   [3]float64
}

func (d *projDecode) scalar() *signInScalars {
	if d.scalars == nil {
		d.scalars = &signInScalars{yes: true}
	}
	return d.scalars
}

// refsCap is the room for kept strings a decode's state starts with; it
// grows, once, for records with more.
const refsCap = 64

func (p *signInProjection) decode(r *Reader, rec Record, ev *SignInEvent) error {
	d, _ := p.states.Get().(*projDecode)
	if d == nil {
		d = &projDecode{refs: make([]strRef, 0, refsCap)}
	}
	*d = projDecode{p: p, ev: ev, refs: d.refs[:0], stepTimes: d.stepTimes[:0], nested: nestedKeys}
	*ev = SignInEvent{}
	ok := p.scan(d, rec)
	clear(d.refs) // no pointers into ev kept past the decode
	clear(d.stepTimes)
	*d = projDecode{refs: d.refs[:0], stepTimes: d.stepTimes[:0]}
	p.states.Put(d)
	if !ok {
		return r.Decode(rec, ev)
	}
	return nil
}

// scan decodes rec into d.ev; false means the full decoder must.
func (p *signInProjection) scan(d *projDecode, rec Record) bool {
	data := rec.Data
	i := skipSpace(data, 0)
	if i == len(data) || data[i] != '{' {
		return false
	}
	var end int
	var ok bool
	switch rec.Format {
	case Graph:
		end, ok = d.object(data, i, p.graph)
	case AzureMonitor:
		d.nested = azureNested
		end, ok = d.object(data, i, p.env)
		ok = ok && d.hasProp
	default:
		return false
	}
	if !ok || skipSpace(data, end) != len(data) {
		return false
	}
	if !d.strings(data) {
		return false
	}
	ev := d.ev
	if d.created == "" {
		return false // the full decoder falls back on the record time, or tells the kind
	}
	t, err := parseRFC3339(d.created)
	if err != nil || checkEventTime(t) != nil {
		return false
	}
	ev.CreatedDateTime = t
	if rec.Format == AzureMonitor {
		if ev.Envelope.Category != "" && !isSignInCategory(ev.Envelope.Category) {
			return false
		}
		ev.Envelope.Format = AzureMonitor
		ev.Envelope.Time, _ = parseRecordTime(d.time)
		if d.level[0] != "" {
			ev.Envelope.Level = d.level[0]
		} else {
			ev.Envelope.Level = d.level[1]
		}
	}
	normalise(ev)
	return true
}

// object reads the object at data[i] by the members of keys, passing
// over the values of other keys.
func (d *projDecode) object(data []byte, i int, keys *memberTable) (int, bool) {
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, true
	}
	var seen uint64
	for {
		if i >= len(data) || data[i] != '"' {
			return 0, false
		}
		kend, escaped, ok := scanString(data, i)
		if !ok || escaped {
			return 0, false // an escaped key: the full decoder reads it
		}
		key := data[i+1 : kend-1]
		i = skipSpace(data, kend)
		if i >= len(data) || data[i] != ':' {
			return 0, false
		}
		i = skipSpace(data, i+1)
		if i >= len(data) {
			return 0, false
		}
		if m := keys.find(key); m != nil {
			if seen&m.bit != 0 {
				return 0, false // a repeated key: the full decoder decides
			}
			seen |= m.bit
			i, ok = m.read(d, data, i)
		} else {
			i, ok = skipValue(data, i)
		}
		if !ok {
			return 0, false
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return 0, false
		}
		switch data[i] {
		case '}':
			return i + 1, true
		case ',':
			i = skipSpace(data, i+1)
		default:
			return 0, false
		}
	}
}

// keep notes the string data[start:end] for dst.
func (d *projDecode) keep(dst *string, start, end int) bool {
	d.refs = append(d.refs, strRef{dst: dst, start: start, end: end})
	d.total += end - start
	return true
}

// strings makes the kept strings, in one allocation. A kept value that is
// not valid UTF-8 is left to the full decoder, which replaces the bad
// bytes.
func (d *projDecode) strings(data []byte) bool {
	if len(d.refs) == 0 {
		return true
	}
	var b strings.Builder
	b.Grow(d.total)
	for _, r := range d.refs {
		s := data[r.start:r.end]
		if !utf8.Valid(s) {
			return false
		}
		b.Write(s)
	}
	all := b.String()
	at := 0
	for _, r := range d.refs {
		n := r.end - r.start
		*r.dst = all[at : at+n]
		at += n
	}
	for _, st := range d.stepTimes {
		st.step.AuthenticationStepDateTime, _ = parseTimestamp(st.text, true)
	}
	geo := &d.ev.Location.GeoCoordinates
	for i, dst := range [...]**float64{&geo.Altitude, &geo.Latitude, &geo.Longitude} {
		if d.geoText[i] == "" {
			continue
		}
		f, err := strconv.ParseFloat(d.geoText[i], 64)
		if err != nil {
			return false // out of float64's range: the full decoder says so
		}
		sc := d.scalar()
		sc.geo[i] = f
		*dst = &sc.geo[i]
	}
	return true
}

// stepTime is the time of an authentication step, as text until the
// strings are made.
type stepTime struct {
	step *AuthenticationDetail
	text string
}

// text reads a string (or null) into dst.
func text(dst func(ev *SignInEvent) *string) func(d *projDecode, data []byte, i int) (int, bool) {
	return func(d *projDecode, data []byte, i int) (int, bool) {
		return d.str(dst(d.ev), data, i)
	}
}

func (d *projDecode) str(dst *string, data []byte, i int) (int, bool) {
	switch data[i] {
	case '"':
		end, escaped, ok := scanString(data, i)
		if !ok {
			return 0, false
		}
		if escaped {
			return end, json.Unmarshal(data[i:end], dst) == nil && utf8.ValidString(*dst)
		}
		return end, d.keep(dst, i+1, end-1)
	case 'n':
		return skipValue(data, i)
	}
	return 0, false
}

// flex reads what flexString reads: a string, a number or a boolean as
// its text, null as "", an object or array as its JSON text.
func flex(dst func(d *projDecode) *string) func(d *projDecode, data []byte, i int) (int, bool) {
	return func(d *projDecode, data []byte, i int) (int, bool) {
		switch data[i] {
		case '"':
			return d.str(dst(d), data, i)
		case 'n':
			return skipValue(data, i)
		}
		end, ok := skipValue(data, i)
		return end, ok && d.keep(dst(d), i, end)
	}
}

// int32p reads an integer (or null) into the pointer dst gives.
func (d *projDecode) int32p(data []byte, i int, slot *int32, dst **int32) (int, bool) {
	if data[i] == 'n' {
		return skipValue(data, i)
	}
	end, ok := skipValue(data, i)
	if !ok {
		return 0, false
	}
	n, ok := parseInt32(data[i:end])
	if !ok {
		return 0, false
	}
	*slot = n
	*dst = slot
	return end, true
}

// parseInt32 parses an integer in int32's range, as a decoder into an
// int32 accepts it: digits with an optional minus, no fraction or
// exponent.
func parseInt32(b []byte) (int32, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	if n < -1<<31 || n > 1<<31-1 {
		return 0, false
	}
	return int32(n), true
}

// whole reads the value whole with goccy/go-json, its keys held to the
// nested key set as the full decoder holds them (see maskCaseVariants):
// the objects and arrays a rule reads rarely.
func whole(dst func(ev *SignInEvent) any) func(d *projDecode, data []byte, i int) (int, bool) {
	return func(d *projDecode, data []byte, i int) (int, bool) {
		return d.whole(dst(d.ev), data, i)
	}
}

func (d *projDecode) whole(dst any, data []byte, i int) (int, bool) {
	end, ok := skipValue(data, i)
	if !ok || data[i] == 'n' {
		return end, ok
	}
	v := data[i:end]
	if !utf8.Valid(v) {
		return 0, false
	}
	return end, json.Unmarshal(maskCaseVariants(v, d.nested, d.nested), dst) == nil
}

// memberTable finds the member of a key without hashing it whole: keys
// are spread by their length and last byte over a few buckets, and
// compared in the bucket. A map lookup, which hashes every key of every
// record, cost a sixth of a catalogue run.
type memberTable struct {
	buckets [64][]memberOf
}

func bucketOf(n int, last byte) int { return (n*7 + int(last)) & 63 }

func (t *memberTable) add(key string, m memberOf) {
	b := &t.buckets[bucketOf(len(key), key[len(key)-1])]
	*b = append(*b, m)
	(*b)[len(*b)-1].key = key
}

// find returns the member of key, or nil.
func (t *memberTable) find(key []byte) *memberOf {
	if len(key) == 0 {
		return nil
	}
	b := t.buckets[bucketOf(len(key), key[len(key)-1])]
	for i := range b {
		if b[i].key == string(key) {
			return &b[i]
		}
	}
	return nil
}
