package event

import (
	"reflect"
	"strings"
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
