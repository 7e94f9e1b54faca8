package event

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	json "github.com/goccy/go-json"
)

// Projected decoding of sign-ins.
//
// A detection engine reads a few of a sign-in's sixty-odd fields (the
// thirteen ESCU sign-in rules read about twenty). ProjectSignIns returns
// a decoder that fills only the fields named, from one scan of the
// record: the values of the keys read are decoded, every other value is
// checked for well-formedness and passed over. It is a fast path, not a
// second decoder: at the first thing it does not expect (a value of an
// unexpected type, an escaped key, a repeated key it reads, a bad time, a
// record of another category, invalid UTF-8 in a value it keeps, the Log
// Analytics format) it hands the record to the full decoder, which
// decodes it whole or reports it exactly as [Reader.Decode] does. So a
// projected event equals the full event on every field named, and an
// error is always the full decoder's.
//
// What a projected decode checks is what the fields named need: the
// record is one well-formed JSON object, of a sign-in category, with a
// valid event time, and the values of the keys read have their types.
// The type of a value no named field reads is not checked (the full
// decoder would report, say, "isCompliant": "yes" even when no rule reads
// it).

// ProjectSignIns returns a decoder of sign-ins that fills only the
// fields named (by Splunk name, as [LookupField] takes them) and the
// event time; the others are left zero. Envelope.Format and
// Envelope.Time are always set. An unknown name is an error wrapping
// [ErrUnknownField]. The decoder's errors and its events' named fields
// are those of [Reader.Decode]. It is safe for concurrent use.
func ProjectSignIns(fields []string) (func(r *Reader, rec Record, ev *SignInEvent) error, error) {
	keys := make(map[string]bool)
	for _, name := range fields {
		if _, err := LookupField(name); err != nil {
			return nil, err
		}
		for _, k := range signInFieldKeys(name) {
			keys[k] = true
		}
	}
	p := &signInProjection{graph: new(memberTable), env: new(memberTable), status: new(memberTable), steps: new(memberTable),
		location: new(memberTable), geo: new(memberTable), mfa: new(memberTable)}
	n := 0
	add := func(to *memberTable, key string, m memberOf) {
		m.bit = uint64(1) << n
		n++
		to.add(key, m)
	}
	for _, m := range signInMembers() {
		switch {
		case !m.always && !keys[m.key]:
		case m.envelope:
			add(p.env, strings.TrimPrefix(m.key, "@"), m)
		default:
			add(p.graph, m.key, m)
		}
	}
	for _, m := range statusMembers() {
		add(p.status, m.key, m)
	}
	for _, m := range stepMembers() {
		add(p.steps, m.key, m)
	}
	for _, m := range locationMembers() {
		add(p.location, m.key, m)
	}
	for _, m := range geoMembers() {
		add(p.geo, m.key, m)
	}
	for _, m := range mfaMembers() {
		add(p.mfa, m.key, m)
	}
	return p.decode, nil
}

// signInFieldKeys returns the record keys a sign-in field reads: the
// Graph keys of the signIn (at the top of a Graph record, under
// properties in Azure Monitor), and "@" before those of the Azure
// Monitor envelope. A named field of a nested object reads its whole
// top-level key.
func signInFieldKeys(name string) []string {
	switch name {
	case "category", "operationName", "resultType", "resultDescription", "callerIpAddress", "tenantId", "identity", "location":
		return []string{"@" + name}
	case "Level":
		return []string{"@Level", "@level"}
	case "user":
		return []string{"userPrincipalName", "servicePrincipalName"}
	case "user_id":
		return []string{"servicePrincipalId", "userId"}
	case "src", "src_ip":
		return []string{"@callerIpAddress"}
	case "dest", "vendor_account":
		return []string{"@tenantId"}
	case "signature":
		return []string{"@operationName"}
	case "action", "reason":
		return []string{"status"}
	case "app":
		return []string{"appDisplayName"}
	case "user_agent":
		return []string{"@operationName", "userAgent"}
	case "authentication_service":
		return []string{"tokenIssuerType"}
	case "vendor_product", "createdDateTime":
		return nil // a constant; the event time is always read
	}
	if i := strings.IndexAny(name, ".{"); i >= 0 {
		name = name[:i]
	}
	return []string{name}
}

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

// signInMembers is every key the projected decoder can read, with how.
// The Graph members are read at the top of a Graph record and under an
// Azure Monitor record's properties, whose nested key set differs.
func signInMembers() []memberOf {
	s := func(key string, dst func(ev *SignInEvent) *string) memberOf {
		return memberOf{key: key, read: text(dst)}
	}
	env := func(key string, dst func(ev *SignInEvent) *string) memberOf {
		return memberOf{key: "@" + key, envelope: true, read: text(dst)}
	}
	flexEnv := func(key string, dst func(d *projDecode) *string) memberOf {
		return memberOf{key: "@" + key, envelope: true, read: flex(dst)}
	}
	nested := func(key string, dst func(ev *SignInEvent) any) memberOf {
		return memberOf{key: key, read: whole(dst)}
	}
	return []memberOf{
		s("id", func(e *SignInEvent) *string { return &e.ID }),
		{key: "createdDateTime", always: true, read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.str(&d.created, data, i)
		}},
		s("userDisplayName", func(e *SignInEvent) *string { return &e.UserDisplayName }),
		s("userPrincipalName", func(e *SignInEvent) *string { return &e.UserPrincipalName }),
		s("userId", func(e *SignInEvent) *string { return &e.UserID }),
		s("appId", func(e *SignInEvent) *string { return &e.AppID }),
		s("appDisplayName", func(e *SignInEvent) *string { return &e.AppDisplayName }),
		s("ipAddress", func(e *SignInEvent) *string { return &e.IPAddress }),
		s("clientAppUsed", func(e *SignInEvent) *string { return &e.ClientAppUsed }),
		s("correlationId", func(e *SignInEvent) *string { return &e.CorrelationID }),
		s("conditionalAccessStatus", func(e *SignInEvent) *string { return &e.ConditionalAccessStatus }),
		{key: "isInteractive", read: func(d *projDecode, data []byte, i int) (int, bool) {
			switch {
			case data[i] == 'n':
				return skipValue(data, i)
			case data[i] == 't':
				d.scalar().interactive = true
			case data[i] != 'f':
				return 0, false
			}
			d.ev.IsInteractive = &d.scalar().interactive
			return skipValue(data, i)
		}},
		s("riskDetail", func(e *SignInEvent) *string { return &e.RiskDetail }),
		s("riskLevelAggregated", func(e *SignInEvent) *string { return &e.RiskLevelAggregated }),
		s("riskLevelDuringSignIn", func(e *SignInEvent) *string { return &e.RiskLevelDuringSignIn }),
		s("riskState", func(e *SignInEvent) *string { return &e.RiskState }),
		nested("riskEventTypes", func(e *SignInEvent) any { return &e.RiskEventTypes }),
		nested("riskEventTypes_v2", func(e *SignInEvent) any { return &e.RiskEventTypesV2 }),
		s("resourceDisplayName", func(e *SignInEvent) *string { return &e.ResourceDisplayName }),
		s("resourceId", func(e *SignInEvent) *string { return &e.ResourceID }),
		{key: "status", read: readStatus},
		nested("deviceDetail", func(e *SignInEvent) any { return &e.DeviceDetail }),
		{key: "location", read: objectOf(func(p *signInProjection) *memberTable { return p.location })},
		nested("appliedConditionalAccessPolicies", func(e *SignInEvent) any { return &e.AppliedConditionalAccessPolicies }),
		{key: "authenticationDetails", read: readAuthDetails},
		s("authenticationRequirement", func(e *SignInEvent) *string { return &e.AuthenticationRequirement }),
		s("authenticationProtocol", func(e *SignInEvent) *string { return &e.AuthenticationProtocol }),
		s("userAgent", func(e *SignInEvent) *string { return &e.UserAgent }),
		s("userType", func(e *SignInEvent) *string { return &e.UserType }),
		s("tokenIssuerType", func(e *SignInEvent) *string { return &e.TokenIssuerType }),
		s("crossTenantAccessType", func(e *SignInEvent) *string { return &e.CrossTenantAccessType }),
		s("servicePrincipalId", func(e *SignInEvent) *string { return &e.ServicePrincipalID }),
		s("servicePrincipalName", func(e *SignInEvent) *string { return &e.ServicePrincipalName }),
		{key: "processingTimeInMilliseconds", read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.int32p(data, i, &d.scalar().processing, &d.ev.ProcessingTimeInMilliseconds)
		}},
		{key: "mfaDetail", read: objectOf(func(p *signInProjection) *memberTable { return p.mfa })},

		// The Azure Monitor envelope.
		{key: "@time", envelope: true, always: true, read: flex(func(d *projDecode) *string { return &d.time })},
		env("operationName", func(e *SignInEvent) *string { return &e.Envelope.OperationName }),
		{key: "@category", envelope: true, always: true, read: text(func(e *SignInEvent) *string { return &e.Envelope.Category })},
		env("tenantId", func(e *SignInEvent) *string { return &e.Envelope.TenantID }),
		flexEnv("resultType", func(d *projDecode) *string { return &d.ev.Envelope.ResultType }),
		env("resultDescription", func(e *SignInEvent) *string { return &e.Envelope.ResultDescription }),
		env("callerIpAddress", func(e *SignInEvent) *string { return &e.Envelope.CallerIPAddress }),
		env("correlationId", func(e *SignInEvent) *string { return &e.Envelope.CorrelationID }),
		flexEnv("identity", func(d *projDecode) *string { return &d.ev.Envelope.Identity }),
		flexEnv("Level", func(d *projDecode) *string { return &d.level[0] }),
		flexEnv("level", func(d *projDecode) *string { return &d.level[1] }),
		env("location", func(e *SignInEvent) *string { return &e.Envelope.Location }),
		{key: "@properties", envelope: true, always: true, read: readProperties},
	}
}

// readProperties reads an Azure Monitor record's signIn.
func readProperties(d *projDecode, data []byte, i int) (int, bool) {
	if data[i] != '{' {
		return 0, false // null, or not an object: the full decoder says what
	}
	d.hasProp = true
	return d.object(data, i, d.p.graph)
}

// statusMembers are the keys of the status object.
func statusMembers() []memberOf {
	return []memberOf{
		{key: "errorCode", read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.int32p(data, i, &d.scalar().errorCode, &d.ev.Status.ErrorCode)
		}},
		{key: "failureReason", read: text(func(e *SignInEvent) *string { return &e.Status.FailureReason })},
		{key: "additionalDetails", read: text(func(e *SignInEvent) *string { return &e.Status.AdditionalDetails })},
	}
}

// readStatus reads the status object: the error code and two strings,
// the members most rules read, without goccy.
func readStatus(d *projDecode, data []byte, i int) (int, bool) {
	switch data[i] {
	case 'n':
		return skipValue(data, i)
	case '{':
	default:
		return 0, false
	}
	return d.object(data, i, d.p.status)
}

// readAuthDetails reads the authentication steps as the full decoder
// does (goccy into []authDetailWire): each step's strings and succeeded,
// and its time loosely, zero when it is not a timestamp.
func readAuthDetails(d *projDecode, data []byte, i int) (int, bool) {
	switch data[i] {
	case 'n':
		return skipValue(data, i)
	case '[':
	default:
		return 0, false
	}
	// Count the steps, so that the slice is made once and the strings
	// kept for its elements stay where they are.
	n := 0
	j := skipSpace(data, i+1)
	if j < len(data) && data[j] != ']' {
		for {
			if j >= len(data) {
				return 0, false
			}
			end, ok := skipValue(data, j)
			if !ok {
				return 0, false
			}
			n++
			j = skipSpace(data, end)
			if j >= len(data) || data[j] != ',' {
				break
			}
			j = skipSpace(data, j+1)
		}
	}
	if j >= len(data) || data[j] != ']' {
		return 0, false
	}
	steps := make([]AuthenticationDetail, n)
	// Room for every step's time, so that the texts kept for them stay
	// where they are.
	d.stepTimes = slices.Grow(d.stepTimes, n)
	j = skipSpace(data, i+1)
	for k := range steps {
		var ok bool
		switch data[j] {
		case 'n':
			j, ok = skipValue(data, j)
		case '{':
			d.step = &steps[k]
			j, ok = d.object(data, j, d.p.steps)
		}
		if !ok {
			return 0, false
		}
		j = skipSpace(data, j)
		if data[j] == ',' {
			j = skipSpace(data, j+1)
		}
	}
	d.step = nil
	d.ev.AuthenticationDetails = steps
	return j + 1, true
}

// stepMembers are the keys of an authentication step.
func stepMembers() []memberOf {
	s := func(key string, dst func(st *AuthenticationDetail) *string) memberOf {
		return memberOf{key: key, read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.str(dst(d.step), data, i)
		}}
	}
	return []memberOf{
		s("authenticationMethod", func(st *AuthenticationDetail) *string { return &st.AuthenticationMethod }),
		s("authenticationMethodDetail", func(st *AuthenticationDetail) *string { return &st.AuthenticationMethodDetail }),
		s("authenticationStepRequirement", func(st *AuthenticationDetail) *string { return &st.AuthenticationStepRequirement }),
		s("authenticationStepResultDetail", func(st *AuthenticationDetail) *string { return &st.AuthenticationStepResultDetail }),
		{key: "succeeded", read: func(d *projDecode, data []byte, i int) (int, bool) {
			switch data[i] {
			case 'n':
				return skipValue(data, i)
			case 't', 'f':
				end, ok := skipValue(data, i)
				if !ok {
					return 0, false
				}
				v := data[i] == 't'
				if v {
					d.step.Succeeded = &d.scalar().yes
				} else {
					d.step.Succeeded = &d.scalar().no
				}
				return end, true
			}
			return 0, false
		}},
		{key: "authenticationStepDateTime", read: func(d *projDecode, data []byte, i int) (int, bool) {
			// Read loosely, as looseTime does: a string, or anything
			// else as no time.
			end, ok := skipValue(data, i)
			if !ok || data[i] != '"' {
				return end, ok
			}
			d.stepTimes = append(d.stepTimes, stepTime{step: d.step})
			return d.str(&d.stepTimes[len(d.stepTimes)-1].text, data, i)
		}},
	}
}

// ProjectSignInEvent returns a copy of e that holds only what a decoder
// made by [ProjectSignIns] with the same fields reads from the record e
// was decoded from: the members the fields read, the event time, and
// the envelope's format and time; every other member is zero. It lets a
// test hold a detection's declared fields to what it reads (see
// detectiontest) on events rather than records. An unknown name is an
// error wrapping [ErrUnknownField].
func ProjectSignInEvent(e *SignInEvent, fields []string) (SignInEvent, error) {
	keys := make(map[string]bool)
	for _, name := range fields {
		if _, err := LookupField(name); err != nil {
			return SignInEvent{}, err
		}
		for _, k := range signInFieldKeys(name) {
			keys[k] = true
		}
	}
	out := *e
	v := reflect.ValueOf(&out).Elem()
	t := v.Type()
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if key != "" && key != "-" && !keys[key] {
			v.Field(i).SetZero()
		}
	}
	env := &out.Envelope
	for key, dst := range map[string]*string{
		"@category": &env.Category, "@operationName": &env.OperationName, "@resultType": &env.ResultType,
		"@resultDescription": &env.ResultDescription, "@callerIpAddress": &env.CallerIPAddress,
		"@tenantId": &env.TenantID, "@identity": &env.Identity, "@Level": &env.Level, "@location": &env.Location,
	} {
		if !keys[key] {
			*dst = ""
		}
	}
	env.CorrelationID = "" // no field reads it
	return out, nil
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

// objectOf reads an object (or null) by the members of the table table
// gives.
func objectOf(table func(p *signInProjection) *memberTable) func(d *projDecode, data []byte, i int) (int, bool) {
	return func(d *projDecode, data []byte, i int) (int, bool) {
		switch data[i] {
		case 'n':
			return skipValue(data, i)
		case '{':
			return d.object(data, i, table(d.p))
		}
		return 0, false
	}
}

// locationMembers are the keys of the location.
func locationMembers() []memberOf {
	return []memberOf{
		{key: "city", read: text(func(e *SignInEvent) *string { return &e.Location.City })},
		{key: "state", read: text(func(e *SignInEvent) *string { return &e.Location.State })},
		{key: "countryOrRegion", read: text(func(e *SignInEvent) *string { return &e.Location.CountryOrRegion })},
		{key: "geoCoordinates", read: objectOf(func(p *signInProjection) *memberTable { return p.geo })},
	}
}

// geoMembers are the keys of the coordinates: numbers, kept as text and
// parsed when the strings are made.
func geoMembers() []memberOf {
	num := func(key string, i int) memberOf {
		return memberOf{key: key, read: func(d *projDecode, data []byte, at int) (int, bool) {
			switch c := data[at]; {
			case c == 'n':
				return skipValue(data, at)
			case c == '-' || c >= '0' && c <= '9':
				end, ok := skipValue(data, at)
				return end, ok && d.keep(&d.geoText[i], at, end)
			}
			return 0, false
		}}
	}
	return []memberOf{num("altitude", 0), num("latitude", 1), num("longitude", 2)}
}

// mfaMembers are the keys of the MFA detail.
func mfaMembers() []memberOf {
	return []memberOf{
		{key: "authMethod", read: text(func(e *SignInEvent) *string { return &e.MFADetail.AuthMethod })},
		{key: "authDetail", read: text(func(e *SignInEvent) *string { return &e.MFADetail.AuthDetail })},
	}
}
