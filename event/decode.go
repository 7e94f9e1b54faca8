package event

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	json "github.com/goccy/go-json"
)

// ErrNotSignIn means a record holds something other than a sign-in, such
// as an Azure Monitor AuditLogs record. A record of a known other kind is
// reported as an *[OtherKindError], which matches it.
var ErrNotSignIn = errors.New("not a sign-in record")

// decode turns one record into ev according to its format.
func decode(source string, rec Record, ev *SignInEvent) error {
	*ev = SignInEvent{}
	err := decodeRecord(source, rec, keySets, func(f Format, data []byte) *problem {
		switch f {
		case AzureMonitor:
			return decodeAzure(data, ev)
		case LogAnalytics:
			return decodeLogAnalytics(data, ev)
		}
		return decodeGraph(data, ev)
	})
	if err == nil {
		normalise(ev)
	}
	return err
}

// decodeRecord is what decoding a record into any event type takes: it
// refuses what is not a JSON object, replaces invalid UTF-8, tells the
// format, masks the keys that differ from the type's only by case (sets
// gives its key sets per format), decodes by format, and locates a
// problem in the input.
func decodeRecord(source string, rec Record, sets func(Format) (top, nested keySet), byFormat func(Format, []byte) *problem) error {
	// goccy/go-json passes over some malformed values of keys it does
	// not read; strict mode promises well-formed JSON of every record, so
	// the scanner checks the whole record first (at several GB/s).
	if !wellFormed(rec.Data) {
		if err := syntaxError(source, rec, sets); err != nil {
			return err
		}
	}
	if p := checkObject(rec.Data); p != nil {
		return locate(source, rec, p)
	}
	f, data, fixed := decoderInput(rec, sets)
	if p := byFormat(f, data); p != nil {
		p.off = originalOffset(p.off, fixed)
		return locate(source, rec, p)
	}
	return nil
}

// decoderInput returns the record's format and the text its decoders
// read: invalid UTF-8 replaced, case variants of keys masked (sets gives
// the key sets per format), with where replacements start (for
// originalOffset).
func decoderInput(rec Record, sets func(Format) (top, nested keySet)) (f Format, data []byte, fixed []int) {
	data = rec.Data
	if !utf8.Valid(data) {
		data, fixed = replaceInvalidUTF8(data)
	}
	f = rec.Format
	if f == Auto {
		f, _ = detectFormat(rec.Data)
	}
	top, nested := sets(f)
	return f, maskCaseVariants(data, top, nested), fixed
}

// syntaxError returns the error decodeRecord reports for a record that
// is not a well-formed JSON object, or nil for one that is: the walker's
// first problem in the text the decoders read, located in the input.
func syntaxError(source string, rec Record, sets func(Format) (top, nested keySet)) error {
	if p := checkObject(rec.Data); p != nil {
		return locate(source, rec, p)
	}
	_, data, fixed := decoderInput(rec, sets)
	p := walk(data, nil)
	if p == nil {
		return nil
	}
	p.off = originalOffset(p.off, fixed)
	return locate(source, rec, p)
}

// replaceInvalidUTF8 replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json does (goccy v0.10 kept the raw bytes; v0.12 replaces them
// in the strings it decodes, not in raw values), so detections and
// output see valid text. It returns where, in the result, each
// replacement starts, to map error offsets back to the input. Only the
// rare records with invalid UTF-8 pay for the copy.
func replaceInvalidUTF8(data []byte) ([]byte, []int) {
	out := make([]byte, 0, len(data)+16)
	var fixed []int
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			fixed = append(fixed, len(out))
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return out, fixed
}

// originalOffset maps an offset in replaceInvalidUTF8's result back to the
// input: each replacement before it added two bytes.
func originalOffset(off int, fixed []int) int {
	extra := 0
	for _, at := range fixed {
		switch {
		case at+3 <= off:
			extra += 2
		case at < off: // inside a replacement: point at the bad byte
			extra += off - at
		}
	}
	return off - extra
}

// normalise maps the spellings that differ between exports to Graph's, so
// that the same sign-in decodes to the same event from every format.
func normalise(ev *SignInEvent) {
	for i := range ev.AuthenticationDetails {
		d := &ev.AuthenticationDetails[i]
		d.AuthenticationStepDateTime = d.AuthenticationStepDateTime.UTC()
	}
	switch ev.UserType {
	case "Member":
		ev.UserType = "member"
	case "Guest":
		ev.UserType = "guest"
	}
}

// graphWire is the decoding target of a Graph signIn: the event, with the
// timestamp kept as text so that a bad one can be reported in place.
type graphWire struct {
	*SignInEvent
	CreatedDateTime       string           `json:"createdDateTime"`
	AuthenticationDetails []authDetailWire `json:"authenticationDetails"`
}

func decodeGraph(data []byte, ev *SignInEvent) *problem {
	w := graphWire{SignInEvent: ev}
	if err := unmarshalAny(data, &w); err != nil {
		return explain(data, err, wantAt)
	}
	ev.AuthenticationDetails = authDetails(w.AuthenticationDetails)
	if w.CreatedDateTime == "" {
		if k, _ := graphKind(data); k != "signIn" {
			return otherKind(k) // an audit entry or a risk detection, even one without its time
		}
	}
	t, p := eventTime(data, "createdDateTime", w.CreatedDateTime, "", "")
	if p != nil {
		return p
	}
	ev.CreatedDateTime = t
	return nil
}

// parseEventTime parses the event time at path: RFC 3339 (see
// parseRFC3339 for the edge cases), in the years 1970 to 9999.
func parseEventTime(data []byte, path, s string) (time.Time, *problem) {
	t, err := parseRFC3339(s)
	if err != nil {
		return time.Time{}, atPath(data, path, &TypeError{Want: KindTime.String(), Got: strconv.Quote(s)})
	}
	if err := checkEventTime(t); err != nil {
		return time.Time{}, atPath(data, path, fmt.Errorf("%w: %v", ErrTimeRange, err))
	}
	return t, nil
}

// parseRecordTime parses a record's own time (Azure Monitor time, Log
// Analytics TimeGenerated), which is not the event time: RFC 3339, with
// or without a zone (UTC), or the US form Azure also emits
// ("11/14/2025 1:48:53 AM", UTC; elastic/integrations issue #15977). ok
// is false when it is none of them; the record does not fail for it.
func parseRecordTime(s string) (t time.Time, ok bool) {
	if t, err := parseTimestamp(s, true); err == nil {
		return t, true
	}
	if t, err := parseUSDateTime(s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// eventTime returns the event time of a record whose createdDateTime (at
// path) is created, falling back on the record's own time when it is
// absent. Only then does a bad record time fail the record.
func eventTime(data []byte, path, created, recordPath, record string) (time.Time, *problem) {
	if created != "" {
		return parseEventTime(data, path, created)
	}
	if record == "" {
		return time.Time{}, atPath(data, path, ErrMissingTime)
	}
	t, ok := parseRecordTime(record)
	if !ok {
		return time.Time{}, atPath(data, recordPath, &TypeError{Want: KindTime.String(), Got: strconv.Quote(record)})
	}
	if err := checkEventTime(t); err != nil {
		return time.Time{}, atPath(data, recordPath, fmt.Errorf("%w: %v", ErrTimeRange, err))
	}
	return t, nil
}

// looseTime is a timestamp that is not the event time, such as
// authenticationDetails[].authenticationStepDateTime: RFC 3339, a missing
// zone read as UTC. A value it cannot read is left zero rather than
// failing the record, which is decided by its event time alone.
type looseTime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *looseTime) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	var s string
	if len(b) > 0 && b[0] == '"' && json.Unmarshal(b, &s) == nil {
		t.Time, _ = parseTimestamp(s, true)
	}
	return nil
}

// authDetailWire decodes an authentication step with a loose step time.
type authDetailWire struct {
	AuthenticationDetail
	AuthenticationStepDateTime looseTime `json:"authenticationStepDateTime"`
}

// authDetails converts decoded steps into ev's.
func authDetails(ws []authDetailWire) []AuthenticationDetail {
	if ws == nil {
		return nil
	}
	out := make([]AuthenticationDetail, len(ws))
	for i, w := range ws {
		out[i] = w.AuthenticationDetail
		out[i].AuthenticationStepDateTime = w.AuthenticationStepDateTime.Time
	}
	return out
}

// isSignInCategory reports the Azure Monitor categories that hold
// sign-ins in the Graph signIn schema. ADFSSignInLogs (AD FS sign-ins
// reported through Connect Health) uses the same schema, per Microsoft's
// Azure Monitor sign-in log schema reference
// (learn.microsoft.com/entra/identity/monitoring-health/reference-azure-monitor-sign-ins-log-schema).
func isSignInCategory(c string) bool {
	switch c {
	case "SignInLogs", "NonInteractiveUserSignInLogs", "ServicePrincipalSignInLogs", "ManagedIdentitySignInLogs", "ADFSSignInLogs":
		return true
	}
	return false
}

// isSignInTable reports the Log Analytics tables that hold sign-ins, by
// their Type column (learn.microsoft.com/azure/azure-monitor/reference/tables).
func isSignInTable(t string) bool {
	switch t {
	case "SigninLogs", "AADNonInteractiveUserSignInLogs", "AADServicePrincipalSignInLogs", "AADManagedIdentitySignInLogs", "ADFSSignInLogs":
		return true
	}
	return false
}

// otherKind returns the problem for a record of another kind.
func otherKind(kind string) *problem {
	return &problem{err: &OtherKindError{Kind: kind}}
}

// azureWire is an Azure Monitor resource-log record around a sign-in.
type azureWire struct {
	Time              flexString `json:"time"`
	OperationName     string     `json:"operationName"`
	Category          string     `json:"category"`
	TenantID          string     `json:"tenantId"`
	ResultType        flexString `json:"resultType"`
	ResultDescription string     `json:"resultDescription"`
	CallerIPAddress   string     `json:"callerIpAddress"`
	CorrelationID     string     `json:"correlationId"`
	Identity          flexString `json:"identity"`
	Level             flexString `json:"Level"`
	// LevelLower is the same field as Level: Microsoft's schema sample
	// writes "Level" (entra-docs reference-azure-monitor-sign-ins-log-schema.md),
	// storage-account blobs have been seen with "level" (SigmaHQ/sigma
	// PR #5992; elastic/integrations issue #16537, ADFSSignInLogs). Both
	// are read; Level wins when a record has both.
	LevelLower flexString `json:"level"`
	Location   string     `json:"location"`
	Properties *graphWire `json:"properties"`
}

func decodeAzure(data []byte, ev *SignInEvent) *problem {
	props := &graphWire{SignInEvent: ev}
	w := azureWire{Properties: props}
	if err := unmarshalAny(data, &w); err != nil {
		// A record of another category may not fit the sign-in schema:
		// say what it is rather than what does not fit.
		if at, ok := valueOf(data, "category"); ok {
			var c string
			if json.Unmarshal(data[at.start:at.end], &c) == nil && c != "" && !isSignInCategory(c) {
				return otherKind(c)
			}
		}
		return explain(data, err, wantAzure)
	}
	if w.Category != "" && !isSignInCategory(w.Category) {
		return otherKind(w.Category)
	}
	if w.Properties == nil || w.Properties.SignInEvent == nil {
		return atPath(data, "properties", fmt.Errorf("%w: no properties", ErrNotSignIn))
	}
	if w.Properties.SignInEvent != ev { // the decoder allocated its own
		*ev = *w.Properties.SignInEvent
	}
	ev.AuthenticationDetails = authDetails(w.Properties.AuthenticationDetails)
	env := Envelope{
		Format: AzureMonitor, Category: w.Category, OperationName: w.OperationName,
		ResultType: string(w.ResultType), ResultDescription: w.ResultDescription,
		CallerIPAddress: w.CallerIPAddress, TenantID: w.TenantID, CorrelationID: w.CorrelationID,
		Identity: string(w.Identity), Level: string(cmp.Or(w.Level, w.LevelLower)), Location: w.Location,
	}
	env.Time, _ = parseRecordTime(string(w.Time))
	t, p := eventTime(data, "properties.createdDateTime", w.Properties.CreatedDateTime, "time", string(w.Time))
	if p != nil {
		return p
	}
	ev.CreatedDateTime = t
	ev.Envelope = env
	return nil
}

func wantAzure(path string) string {
	switch {
	case path == "properties":
		return "an object"
	case strings.HasPrefix(path, "properties."):
		return wantAt(strings.TrimPrefix(path, "properties."))
	case path == "time":
		return KindTime.String()
	}
	return "a string"
}

// laWire is a Log Analytics SigninLogs row. The dynamic columns are kept
// raw and decoded one by one, so that an error names its column.
type laWire struct {
	TimeGenerated                flexString `json:"TimeGenerated"`
	CreatedDateTime              string     `json:"CreatedDateTime"`
	ID                           string     `json:"Id"`
	UserDisplayName              string     `json:"UserDisplayName"`
	UserPrincipalName            string     `json:"UserPrincipalName"`
	UserID                       string     `json:"UserId"`
	AppID                        string     `json:"AppId"`
	AppDisplayName               string     `json:"AppDisplayName"`
	IPAddress                    string     `json:"IPAddress"`
	ClientAppUsed                string     `json:"ClientAppUsed"`
	CorrelationID                string     `json:"CorrelationId"`
	ConditionalAccessStatus      string     `json:"ConditionalAccessStatus"`
	IsInteractive                flexBool   `json:"IsInteractive"`
	RiskDetail                   string     `json:"RiskDetail"`
	RiskLevelAggregated          string     `json:"RiskLevelAggregated"`
	RiskLevelDuringSignIn        string     `json:"RiskLevelDuringSignIn"`
	RiskState                    string     `json:"RiskState"`
	ResourceDisplayName          string     `json:"ResourceDisplayName"`
	ResourceIdentity             string     `json:"ResourceIdentity"`
	ResultType                   flexString `json:"ResultType"`
	ResultDescription            string     `json:"ResultDescription"`
	AuthenticationRequirement    string     `json:"AuthenticationRequirement"`
	AuthenticationProtocol       string     `json:"AuthenticationProtocol"`
	UserAgent                    string     `json:"UserAgent"`
	UserType                     string     `json:"UserType"`
	TokenIssuerType              string     `json:"TokenIssuerType"`
	CrossTenantAccessType        string     `json:"CrossTenantAccessType"`
	ServicePrincipalID           string     `json:"ServicePrincipalId"`
	ServicePrincipalName         string     `json:"ServicePrincipalName"`
	ProcessingTimeInMilliseconds flexString `json:"ProcessingTimeInMilliseconds"`
	Category                     string     `json:"Category"`
	OperationName                string     `json:"OperationName"`
	Identity                     flexString `json:"Identity"`
	Level                        flexString `json:"Level"`
	Location                     string     `json:"Location"`
	AADTenantID                  string     `json:"AADTenantId"`
	Type                         string     `json:"Type"`

	Status                    rawJSON `json:"Status"`
	DeviceDetail              rawJSON `json:"DeviceDetail"`
	LocationDetails           rawJSON `json:"LocationDetails"`
	ConditionalAccessPolicies rawJSON `json:"ConditionalAccessPolicies"`
	AuthenticationDetails     rawJSON `json:"AuthenticationDetails"`
	MfaDetail                 rawJSON `json:"MfaDetail"`
	RiskEventTypes            rawJSON `json:"RiskEventTypes"`
	RiskEventTypesV2          rawJSON `json:"RiskEventTypes_V2"`
}

func decodeLogAnalytics(data []byte, ev *SignInEvent) *problem {
	var w laWire
	if err := unmarshalAny(data, &w); err != nil {
		if at, ok := valueOf(data, "Type"); ok {
			var t string
			if json.Unmarshal(data[at.start:at.end], &t) == nil && t != "" && !isSignInTable(t) {
				return otherKind(t)
			}
		}
		return explain(data, err, wantLogAnalytics)
	}
	if w.Type != "" && !isSignInTable(w.Type) {
		return otherKind(w.Type)
	}
	*ev = SignInEvent{
		ID: w.ID, UserDisplayName: w.UserDisplayName, UserPrincipalName: w.UserPrincipalName,
		UserID: w.UserID, AppID: w.AppID, AppDisplayName: w.AppDisplayName, IPAddress: w.IPAddress,
		ClientAppUsed: w.ClientAppUsed, CorrelationID: w.CorrelationID,
		ConditionalAccessStatus: w.ConditionalAccessStatus, IsInteractive: w.IsInteractive.p,
		RiskDetail: w.RiskDetail, RiskLevelAggregated: w.RiskLevelAggregated,
		RiskLevelDuringSignIn: w.RiskLevelDuringSignIn, RiskState: w.RiskState,
		ResourceDisplayName: w.ResourceDisplayName, ResourceID: w.ResourceIdentity,
		AuthenticationRequirement: w.AuthenticationRequirement, AuthenticationProtocol: w.AuthenticationProtocol,
		UserAgent: w.UserAgent, UserType: w.UserType, TokenIssuerType: w.TokenIssuerType,
		CrossTenantAccessType: w.CrossTenantAccessType, ServicePrincipalID: w.ServicePrincipalID,
		ServicePrincipalName: w.ServicePrincipalName,
		Envelope: Envelope{
			Format: LogAnalytics, Category: w.Category, OperationName: w.OperationName,
			ResultType: string(w.ResultType), ResultDescription: w.ResultDescription,
			TenantID: w.AADTenantID, CorrelationID: w.CorrelationID, Identity: string(w.Identity),
			Level: string(w.Level), Location: w.Location,
		},
	}
	var steps []authDetailWire
	dynamics := []struct {
		column, graph string
		raw           rawJSON
		v             any
	}{
		{"Status", "status", w.Status, &ev.Status},
		{"DeviceDetail", "deviceDetail", w.DeviceDetail, &ev.DeviceDetail},
		{"LocationDetails", "location", w.LocationDetails, &ev.Location},
		{"ConditionalAccessPolicies", "appliedConditionalAccessPolicies", w.ConditionalAccessPolicies, &ev.AppliedConditionalAccessPolicies},
		{"AuthenticationDetails", "authenticationDetails", w.AuthenticationDetails, &steps},
		{"MfaDetail", "mfaDetail", w.MfaDetail, &ev.MFADetail},
		{"RiskEventTypes", "riskEventTypes", w.RiskEventTypes, &ev.RiskEventTypes},
		{"RiskEventTypes_V2", "riskEventTypes_v2", w.RiskEventTypesV2, &ev.RiskEventTypesV2},
	}
	for _, d := range dynamics {
		if p := decodeDynamic(data, d.column, d.graph, d.raw, d.v, nestedKeys, wantAt); p != nil {
			return p
		}
	}
	ev.AuthenticationDetails = authDetails(steps)
	if ev.Status.ErrorCode == nil && w.ResultType != "" {
		n, err := strconv.ParseInt(string(w.ResultType), 10, 32)
		if err != nil {
			return atPath(data, "ResultType", &TypeError{Want: "a numeric string", Got: strconv.Quote(string(w.ResultType))})
		}
		c := int32(n)
		ev.Status.ErrorCode = &c
	}
	if ev.Status.FailureReason == "" {
		ev.Status.FailureReason = w.ResultDescription
	}
	if w.ProcessingTimeInMilliseconds != "" {
		n, err := strconv.ParseInt(string(w.ProcessingTimeInMilliseconds), 10, 32)
		if err != nil {
			return atPath(data, "ProcessingTimeInMilliseconds", &TypeError{Want: "an integer or numeric string", Got: strconv.Quote(string(w.ProcessingTimeInMilliseconds))})
		}
		c := int32(n)
		ev.ProcessingTimeInMilliseconds = &c
	}
	ev.Envelope.Time, _ = parseRecordTime(string(w.TimeGenerated))
	t, p := eventTime(data, "CreatedDateTime", w.CreatedDateTime, "TimeGenerated", string(w.TimeGenerated))
	if p != nil {
		return p
	}
	ev.CreatedDateTime = t
	return nil
}

func wantLogAnalytics(path string) string {
	switch path {
	case "IsInteractive":
		return KindBool.String()
	case "TimeGenerated", "CreatedDateTime":
		return KindTime.String()
	case "":
		return "an object"
	}
	return "a string"
}

// decodeDynamic decodes a Log Analytics dynamic column into v. The value
// may be JSON, or a string holding JSON as the query API returns it, which
// is held to the event type's nested key set; want says what the type's
// schema wants at a path, for errors.
func decodeDynamic(data []byte, column, graph string, raw rawJSON, v any, nested keySet, want func(path string) string) *problem {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	// Where the column is matters only for an error: find it then.
	columnAt := func() int {
		at, _ := valueOf(data, column)
		return at.start
	}
	inner, inString := []byte(raw), false
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return &problem{off: columnAt(), path: column, err: fmt.Errorf("%w: %v", ErrSyntax, err)}
		}
		if strings.TrimSpace(s) == "" {
			return nil
		}
		inner, inString = []byte(s), true // offsets inside the string do not map to the input
		inner = maskCaseVariants(inner, nested, nested)
	}
	if err := unmarshalAny(inner, v); err != nil {
		p := explain(inner, err, func(path string) string { return want(joinPath(graph, path)) })
		path := joinPath(column, p.path)
		off := columnAt()
		if inString {
			p.err = fmt.Errorf("in the JSON text: %w", p.err)
		} else {
			off += p.off
		}
		return &problem{off: off, path: path, err: p.err}
	}
	return nil
}

// joinPath appends a JSON path to a field's: "status" and "errorCode"
// give "status.errorCode", "policies" and "[1].result" give
// "policies[1].result", and an empty path leaves the field's.
func joinPath(field, path string) string {
	switch {
	case path == "":
		return field
	case path[0] == '[':
		return field + path
	}
	return field + "." + path
}

// rawJSON keeps a value's JSON text for later decoding.
type rawJSON []byte

// UnmarshalJSON implements json.Unmarshaler.
func (m *rawJSON) UnmarshalJSON(b []byte) error {
	*m = append((*m)[:0], b...)
	return nil
}

// flexString accepts a string, a number, a boolean or null (as ""), and
// keeps objects and arrays as their JSON text: envelope fields such as
// Level and resultType are numbers in one export and strings in another.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = flexString(v)
	default:
		*s = flexString(b)
	}
	return nil
}

// flexBool accepts true, false, null, and the strings "true" and "false"
// (and "True"/"False", as some exports write them).
type flexBool struct{ p *bool }

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	var v bool
	switch strings.ToLower(strings.Trim(string(bytes.TrimSpace(b)), `"`)) {
	case "null", "":
		f.p = nil
		return nil
	case "true":
		v = true
	case "false":
		v = false
	default:
		return &TypeError{Want: KindBool.String(), Got: describe(b)}
	}
	f.p = &v
	return nil
}

// unmarshalAny decodes JSON with goccy/go-json. A well-formed object or
// array ends with '}' or ']'; anything else is refused before goccy sees
// it, because goccy v0.10 read past its buffer on input that ends inside
// an escaped key (goccy/go-json#575, #577), a crash under -race. v0.12
// returns an error for those inputs; the check stays, as it costs one
// look at the last byte and the walker explains the refusal either way.
func unmarshalAny(data []byte, v any) error {
	end := len(data) - 1
	for end >= 0 && isSpace(data[end]) {
		end--
	}
	if end < 0 || data[end] != '}' && data[end] != ']' {
		return errUnterminated
	}
	return json.Unmarshal(data, v)
}

// errUnterminated is a decoder error that explain turns into the exact
// syntax problem with the walker.
var errUnterminated = errors.New("JSON value does not end with '}' or ']'")

// checkObject rejects a record that is not a JSON object before decoding,
// since the decoder accepts null and reports other shapes obscurely.
func checkObject(data []byte) *problem {
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i == len(data) {
		return &problem{off: i, err: fmt.Errorf("%w: empty record", ErrSyntax)}
	}
	var what string
	switch c := data[i]; {
	case c == '{':
		return nil
	case c == '[':
		what = "an array"
	case c == '"':
		what = "a string"
	case c == '-' || c >= '0' && c <= '9':
		what = "a number"
	case c == 'n':
		what = "null"
	case c == 't' || c == 'f':
		what = "a boolean"
	case c == '<':
		return &problem{off: i, err: fmt.Errorf("%w: starts with '<', not JSON (an HTML page?)", ErrSyntax)}
	}
	if p := walk(data, nil); p != nil {
		return p
	}
	return &problem{off: i, err: fmt.Errorf("%w: got %s", ErrNotObject, what)}
}

// explain turns a decoder error into a located problem; want says what the
// schema wants at a path.
func explain(data []byte, err error, want func(path string) string) *problem {
	if p := walk(data, nil); p != nil {
		return p // a real syntax error, located exactly
	}
	// The JSON is well-formed, so the decoder refused a value. Find it by
	// the decoder's offset, or by its text, and say what the schema wants.
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *time.ParseError
	var ours *TypeError
	var s found
	ok := false
	switch {
	case errors.As(err, &te):
		s, ok = valueEndingToken(data, int(te.Offset))
	case errors.As(err, &se):
		s, ok = valueAt(data, int(se.Offset))
	case errors.As(err, &pe):
		s, ok = valueWithText(data, strconv.Quote(pe.Value))
	case errors.As(err, &ours):
		s, ok = valueWithText(data, ours.Got)
	}
	if !ok {
		return &problem{off: 0, err: fmt.Errorf("%w: %v", ErrSyntax, err)}
	}
	w := want(s.path)
	if w == "" && te != nil && namesType(te.Type, data[s.start]) {
		w = te.Type.String()
	}
	if w == "" {
		w = "another type"
	}
	return &problem{off: s.start, path: s.path, err: &TypeError{Want: w, Got: describe(data[s.start:s.end])}}
}

// namesType reports whether a type error for a value starting with c
// names its Go type, as under goccy/go-json v0.10: a string, number or
// boolean target, or a slice given a number. v0.11 on also reports a
// wrong value for any struct, map or slice, where v0.10 gave a syntax
// error and the message says "another type" rather than an internal
// name such as event.MFADetail; keeping to v0.10's cases keeps the
// messages users see.
func namesType(t reflect.Type, c byte) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	case reflect.Slice:
		return c == '-' || c >= '0' && c <= '9'
	}
	return false
}

// atPath reports err at the value at path, or at the record when absent.
func atPath(data []byte, path string, err error) *problem {
	if s, ok := valueOf(data, path); ok {
		return &problem{off: s.start, path: path, err: err}
	}
	return &problem{off: 0, path: path, err: err}
}

// locate turns a problem within a record into an error with the input's
// line and byte offset: a *DecodeError, or an *OtherKindError.
func locate(source string, rec Record, p *problem) error {
	var ok *OtherKindError
	if errors.As(p.err, &ok) {
		return &OtherKindError{Source: source, Line: rec.Line, Offset: rec.Offset, Kind: ok.Kind}
	}
	off := min(max(p.off, 0), len(rec.Data))
	return &DecodeError{
		Source: source,
		Line:   rec.Line + bytes.Count(rec.Data[:off], []byte("\n")),
		Offset: rec.Offset + int64(off),
		Path:   p.path,
		Err:    p.err,
	}
}
