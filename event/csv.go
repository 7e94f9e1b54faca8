package event

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/escudo-dev/escudo/internal/jsontext"
)

// This file reads CSV exports of sign-ins. A csvFrames turns each data row
// into the JSON text of one record in a format the decoders already read
// (a Log Analytics row or a Graph signIn), so that decoding, prefiltering
// and parallel decoding work on CSV input unchanged. Two exports are read:
//
// # Log Analytics "Export to CSV"
//
// The Azure portal's Logs blade (Log Analytics, Microsoft Sentinel) exports
// query results with Export → "CSV (all columns)" or "CSV (displayed
// columns)", by default as query_data.csv. The header holds the column
// names; datetime columns get the suffix " [UTC]" ("TimeGenerated [UTC]",
// "CreatedDateTime [UTC]") and their cells are written as the en-US
// interface shows them, "4/28/2021, 2:08:45.221 PM": milliseconds, UTC
// (parseUSDateTime). Dynamic columns hold their JSON text. A field is
// quoted when it holds anything but letters and digits [inferred from the
// samples below]. Booleans are read in any case (True, true, TRUE); how
// the portal spells them is not established. Evidence:
//   - Azure/Azure-Sentinel Solutions/Training/Azure-Sentinel-Training-Lab/
//     Artifacts/Telemetry/sign-in_adelete.csv: SigninLogs rows exported
//     from Log Analytics, with "CreatedDateTime [UTC]" and cells such as
//     "4/28/2021, 2:08:45.221 PM", Status as {"errorCode":0} and
//     AuthenticationDetails as indented JSON over several lines (that file
//     was also re-saved by a spreadsheet: booleans TRUE, no TimeGenerated);
//     signinLogs.csv beside it has "StartTime [UTC]" and "timestamp [UTC]";
//   - the ASIM DNS samples in an OpenTelemetry Windows collector design
//     note (code search: "\"TimeGenerated [UTC]\",EventCount,EventType"):
//     header `"TimeGenerated [UTC]",EventCount,...`, row
//     `"2/25/2025, 9:19:25.391 AM",1,Query,...,"DNS Server",Microsoft,"10.5.0.7",...`,
//     which shows the quoting;
//   - a note on converting the portal's CSV logs (code search:
//     "query_data.csv" "TimeGenerated [UTC]"): the file name, a header
//     `"TimeGenerated [UTC]",LogEntry`, each row starting with a quoted
//     timestamp, embedded quotes doubled;
//   - MicrosoftDocs/azure-docs issue 66181, as cited at parseUSDateTime:
//     the export follows the portal's locale; only the en-US form is
//     converted, any other is left for the decoder to report in place.
//
// The columns are those of SigninLogs and of the AADNonInteractiveUserSignInLogs,
// AADServicePrincipalSignInLogs and AADManagedIdentitySignInLogs tables
// (MicrosoftDocs/azure-monitor-docs articles/azure-monitor/reference/tables/signinlogs.md).
// Each row becomes a Log Analytics row: the keys are the header names
// without " [UTC]", datetime cells become RFC 3339 text in UTC, every
// other cell a JSON string (dynamic columns as strings holding JSON, which
// decodeDynamic reads; booleans, numbers and ResultType as text, which
// flexBool and flexString read), and empty cells are left out. The export
// carries every field a JSON row carries; only the times lose precision,
// to milliseconds: 2025-03-14T17:45:59.9871234Z reads back as
// 2025-03-14T17:45:59.987Z.
//
// # Microsoft Entra admin center download
//
// Sign-in logs → Download → CSV writes one file per tab of the sign-in
// logs: InteractiveSignIns_<from>_<to>.csv and NonInteractiveSignIns_….csv
// (the same columns), ApplicationSignIns_….csv (service principals) and
// MSISignIns_….csv (managed identities), with
// InteractiveSignIns_AuthDetails_….csv beside them (one row per
// authentication step, which is not a sign-in and is not read). Times are
// UTC (MicrosoftDocs/entra-docs docs/identity/monitoring-health/howto-download-logs.md,
// "Timestamps in the downloaded files are based on UTC"), written
// 2025-12-04T08:19:41Z; every field is quoted, and the column names are
// the interface's English labels, some with a trailing space ("Application
// ID ", "Resource ID "), one with a double space ("Autonomous system
// number"), and "Incoming token type" twice. Cells hold display text:
// Status is Success, Failure or Interrupted, Location is "City, State, CC",
// "Authentication requirement" is "Single-factor authentication" rather
// than singleFactorAuthentication. Evidence:
//   - bitpusher2k/M365IRScripts 02-ProcessEntraSignInLog.ps1, which checks
//     the exact header line of the user sign-in download and records how
//     it grew: 54 columns in October 2024, "Session ID" added in November
//     2024, "App owner tenant ID" and "Resource owner tenant ID" in
//     January 2025 (57 columns since, unchanged in the April 2026 version);
//   - a DFIR schema note and its tests (code search: "M365 Schema Reference
//     - Exact CSV Headers"; test_schema_registry.py): the same 57 columns for
//     InteractiveSignIns and NonInteractiveSignIns, the 22 columns of
//     ApplicationSignIns, dates as 2025-12-04T08:19:41Z and locations as
//     "Melbourne, Victoria, AU";
//   - scripts that read the download (code search: "Sign-in error code",
//     "Multifactor authentication result"): Status values Success, Failure
//     and Interrupted, "single-factor" in Authentication requirement,
//     "City, State, CC" or "City, CC" locations; and one that imitates the
//     download from Graph data, leaving the error code empty on success and
//     writing status.additionalDetails as "Multifactor authentication
//     result", "Azure AD" for AzureAD and "Success" for success;
//   - a DFIR case note (code search: "InteractiveSignIns_AuthDetails"):
//     the download's two files share the Request ID, the steps file has
//     Authentication method, Authentication method detail, Succeeded and
//     Result detail, and the sign-ins file repeats "Incoming token type";
//   - a Microsoft Japan support blog (ishiayaya/blog
//     articles/azure-active-directory/how-to-get-sign-in-logs.md): the
//     downloaded CSV has no byte-order mark.
//
// The MSISignIns columns are not published; a file with the
// ApplicationSignIns columns is read whichever tab it came from. Each row
// becomes a Graph signIn; see [csvAdminColumn] for the mapping and
// [csvMissingFields] for what each export lacks.
//
// # Anything else
//
// A CSV whose columns are not one of these exports is refused with
// [ErrUnsupportedCSV] and an error that says which exports are read and
// to export the sign-ins as JSON instead: decoding an unknown table as
// sign-ins would give events with silently empty fields. A known export
// with columns missing (a "displayed columns" export, a trimmed file) is
// read with what it has, provided its time column is there: without it no
// sign-in has an event time, and the header is refused.

// ErrUnsupportedCSV means a CSV input is not one of the sign-in exports
// escudo reads (the Log Analytics "Export to CSV" of the sign-in tables,
// the Microsoft Entra admin center's CSV download of the sign-in logs), or
// lacks the column that holds each sign-in's time. The error says what the
// columns are and which export to use instead.
var ErrUnsupportedCSV = errors.New("unsupported CSV export")

// csvHeaderError explains why a CSV header is refused; it matches
// [ErrUnsupportedCSV].
type csvHeaderError string

func (e csvHeaderError) Error() string { return string(e) }

func (e csvHeaderError) Is(target error) bool {
	return target == ErrUnsupportedCSV || target == ErrUnsupportedInput
}

// csvRowError reports a CSV row that could not be read, or a refused
// header. Line and Column are 1-based (Column is 0 when the problem is
// with the row as a whole); Offset is the 0-based byte offset of the
// row's first byte. Err is a csv sentinel (csv.ErrFieldCount,
// csv.ErrQuote, csv.ErrBareQuote), ErrTooLong, or an error matching
// ErrUnsupportedCSV.
type csvRowError struct {
	Line   int
	Column int
	Offset int64
	Err    error
}

func (e *csvRowError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("line %d, column %d: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *csvRowError) Unwrap() error { return e.Err }

// csvExport is a CSV export csvFrames reads.
type csvExport uint8

const (
	// csvLogAnalytics is the Log Analytics "Export to CSV" of a sign-in table.
	csvLogAnalytics csvExport = iota + 1
	// csvAdminUsers is the admin center download of the interactive or
	// non-interactive user sign-ins (the two have the same columns).
	csvAdminUsers
	// csvAdminApps is the admin center download of the service-principal
	// (or managed-identity) sign-ins.
	csvAdminApps
)

// String names the export, as messages say it.
func (x csvExport) String() string {
	switch x {
	case csvLogAnalytics:
		return `the Log Analytics "Export to CSV" of sign-in logs`
	case csvAdminUsers:
		return "the Microsoft Entra admin center's CSV download of user sign-ins"
	case csvAdminApps:
		return "the Microsoft Entra admin center's CSV download of service principal sign-ins"
	}
	return "an unknown CSV export"
}

// csvMissingFields lists the SignInEvent fields, as Go field paths of
// [SignInEvent], that an export does not carry, so that they decode as
// zero values (nil, "", empty) whatever the sign-in held:
//
//	export                 fields missing (JSON names)
//	Log Analytics CSV      none; CreatedDateTime and the envelope's
//	                       TimeGenerated are cut to milliseconds
//	admin center, users    isInteractive (interactive and non-interactive
//	                       downloads have the same columns), riskDetail,
//	                       riskLevelAggregated, riskLevelDuringSignIn,
//	                       riskState, riskEventTypes, riskEventTypes_v2,
//	                       appliedConditionalAccessPolicies (only the
//	                       overall "Conditional Access" result),
//	                       authenticationDetails (in the separate
//	                       _AuthDetails file), deviceDetail.displayName,
//	                       location.geoCoordinates, servicePrincipalId,
//	                       servicePrincipalName, and the whole envelope
//	                       (category, operationName, tenantId, ...);
//	                       createdDateTime has whole seconds
//	admin center, service  everything about a user, a device or how they
//	principals             authenticated: userDisplayName,
//	                       userPrincipalName, userId, clientAppUsed,
//	                       isInteractive, the risk fields,
//	                       appliedConditionalAccessPolicies, deviceDetail,
//	                       authenticationDetails,
//	                       authenticationRequirement,
//	                       authenticationProtocol, userAgent, userType,
//	                       tokenIssuerType, crossTenantAccessType,
//	                       processingTimeInMilliseconds, mfaDetail,
//	                       status.additionalDetails,
//	                       location.geoCoordinates, and the envelope
//
// Status.ErrorCode of a successful admin center sign-in is 0 although the
// download leaves the code empty: it is taken from Status "Success".
func csvMissingFields(x csvExport) []string {
	switch x {
	case csvAdminUsers:
		return []string{
			"IsInteractive", "RiskDetail", "RiskLevelAggregated", "RiskLevelDuringSignIn", "RiskState",
			"RiskEventTypes", "RiskEventTypesV2", "AppliedConditionalAccessPolicies", "AuthenticationDetails",
			"DeviceDetail.DisplayName", "Location.GeoCoordinates", "ServicePrincipalID", "ServicePrincipalName",
			"Envelope",
		}
	case csvAdminApps:
		return []string{
			"UserDisplayName", "UserPrincipalName", "UserID", "ClientAppUsed", "IsInteractive",
			"RiskDetail", "RiskLevelAggregated", "RiskLevelDuringSignIn", "RiskState",
			"RiskEventTypes", "RiskEventTypesV2", "AppliedConditionalAccessPolicies", "DeviceDetail",
			"AuthenticationDetails", "AuthenticationRequirement", "AuthenticationProtocol", "UserAgent",
			"UserType", "TokenIssuerType", "CrossTenantAccessType", "ProcessingTimeInMilliseconds",
			"MFADetail", "Status.AdditionalDetails", "Location.GeoCoordinates", "Envelope",
		}
	}
	return nil
}

// csvTimePrecision is the precision of the event time in an export.
func csvTimePrecision(x csvExport) time.Duration {
	if x == csvLogAnalytics {
		return time.Millisecond
	}
	return time.Second
}

// csvKind says how a cell is written into the JSON of its record.
type csvKind uint8

const (
	csvText     csvKind = iota // a JSON string
	csvTime                    // a time, as RFC 3339 text in UTC
	csvInt                     // an int32; other text stays a string, for the decoder to report
	csvBool                    // True/False, Yes/No in any case; other text stays a string
	csvEnum                    // display text mapped to the Graph value, such as "Not Applied" to notApplied
	csvLocation                // "City, State, CC" split into the location object
	csvStatus                  // the admin center Status: Success makes an empty error code 0
)

// csvTarget is a Graph signIn property an admin center column fills.
type csvTarget struct {
	path  string // as decode errors name it, such as "status.errorCode"
	kind  csvKind
	enum  []string // the Graph values, for csvEnum
	group int      // 0 top level, else the object it is in (csvGroup)
}

// csvGroup names the nested object of a Graph signIn that admin center
// columns fill, by csvTarget.group.
func csvGroup(g int) string {
	switch g {
	case 1:
		return "status"
	case 2:
		return "deviceDetail"
	case 3:
		return "location"
	case 4:
		return "mfaDetail"
	}
	return ""
}

// csvTargetTable returns the Graph properties the admin center columns
// fill, in the order the JSON is written, grouped by object; the last
// one, the sign-in status text, writes nothing itself. Enumerations list
// their Graph values (the v1.0 and beta SDK enums), which the download
// writes as display text.
func csvTargetTable() []csvTarget {
	conditionalAccessStatus := []string{"success", "failure", "notApplied", "unknownFutureValue"}
	authRequirement := []string{"singleFactorAuthentication", "multiFactorAuthentication"}
	userType := []string{"member", "guest", "unknownFutureValue"}
	tokenIssuerType := []string{"AzureAD", "ADFederationServices", "UnknownFutureValue", "AzureADBackupAuth", "ADFederationServicesMFAAdapter", "NPSExtension"}
	crossTenantAccessType := []string{"none", "b2bCollaboration", "b2bDirectConnect", "microsoftSupport", "serviceProvider", "unknownFutureValue", "passthrough"}
	authProtocol := []string{
		"none", "oAuth2", "ropc", "wsFederation", "saml20", "deviceCode", "unknownFutureValue",
		"authenticationTransfer", "nativeAuth", "implicitAccessTokenAndGetResponseMode",
		"implicitIdTokenAndGetResponseMode", "implicitAccessTokenAndPostResponseMode",
		"implicitIdTokenAndPostResponseMode", "authorizationCodeWithoutPkce", "authorizationCodeWithPkce",
		"clientCredentials", "refreshTokenGrant", "encryptedAuthorizeResponse", "directUserGrant",
		"kerberos", "prtGrant", "seamlessSso", "prtBrokerBased", "prtNonBrokerBased", "onBehalfOf",
		"samlOnBehalfOf", "officeS2S", "wsTrust",
	}
	return []csvTarget{
		{path: "id"},
		{path: "createdDateTime", kind: csvTime},
		{path: "userDisplayName"},
		{path: "userPrincipalName"},
		{path: "userId"},
		{path: "appId"},
		{path: "appDisplayName"},
		{path: "ipAddress"},
		{path: "clientAppUsed"},
		{path: "correlationId"},
		{path: "conditionalAccessStatus", kind: csvEnum, enum: conditionalAccessStatus},
		{path: "resourceDisplayName"},
		{path: "resourceId"},
		{path: "authenticationRequirement", kind: csvEnum, enum: authRequirement},
		{path: "authenticationProtocol", kind: csvEnum, enum: authProtocol},
		{path: "userAgent"},
		{path: "userType", kind: csvEnum, enum: userType},
		{path: "tokenIssuerType", kind: csvEnum, enum: tokenIssuerType},
		{path: "crossTenantAccessType", kind: csvEnum, enum: crossTenantAccessType},
		{path: "servicePrincipalId"},
		{path: "servicePrincipalName"},
		{path: "processingTimeInMilliseconds", kind: csvInt},
		{path: "status.errorCode", kind: csvInt, group: 1},
		{path: "status.failureReason", group: 1},
		{path: "status.additionalDetails", group: 1},
		{path: "deviceDetail.deviceId", group: 2},
		{path: "deviceDetail.browser", group: 2},
		{path: "deviceDetail.operatingSystem", group: 2},
		{path: "deviceDetail.isCompliant", kind: csvBool, group: 2},
		{path: "deviceDetail.isManaged", kind: csvBool, group: 2},
		{path: "deviceDetail.trustType", group: 2},
		{path: "location", kind: csvLocation, group: 3},
		{path: "mfaDetail.authMethod", group: 4},
		{path: "mfaDetail.authDetail", group: 4},
		{path: "", kind: csvStatus, group: -1},
	}
}

// csvTargetIndex returns the index in targets of the target with the
// given path ("" for the status text), or -1. (Every path the column
// table names is a target; TestCSVColumnTable checks it.)
func csvTargetIndex(targets []csvTarget, path string) int {
	for i := range targets {
		if targets[i].path == path {
			return i
		}
	}
	return -1
}

// csvAdminColumn maps an admin center column name (without surrounding
// spaces) to the Graph signIn property it fills ("" for Status). Columns
// not listed are known to have no SignInEvent field and are left out:
// Incoming token type (twice), Unique token identifier, Original transfer
// method, Client credential type, Token Protection - Sign In Session,
// Token Protection - Sign In Session StatusCode, App owner tenant ID,
// Resource tenant ID, Resource owner tenant ID, Home tenant ID, Home
// tenant name, Sign-in identifier, Session ID, IP address (seen by
// resource), Through Global Secure Access, Global Secure Access IP
// address, Autonomous system  number, Flagged for review, Token issuer
// name, Managed Identity type, Associated Resource Id, Federated Token
// Id, Federated Token Issuer, Credential key ID, Credential thumbprint.
//
// "Multifactor authentication result" is Graph's status.additionalDetails
// ("MFA requirement satisfied by claim in the token", "MFA denied; user
// declined the authentication"), which the portal shows under that label
// [inferred from the imitation script and samples cited above]. "Latency"
// is processingTimeInMilliseconds. Enumerations are matched on their
// letters and digits, ignoring case, so the display text and the Graph
// value both read: "Not Applied" and notApplied, "Single-factor
// authentication", "Azure AD", "Device code"; an unknown value is kept as
// written.
func csvAdminColumn(name string) (path string, ok bool) {
	switch name {
	case "Date (UTC)":
		return "createdDateTime", true
	case "Request ID":
		return "id", true
	case "User agent":
		return "userAgent", true
	case "Correlation ID":
		return "correlationId", true
	case "User ID":
		return "userId", true
	case "User":
		return "userDisplayName", true
	case "Username":
		return "userPrincipalName", true
	case "User type":
		return "userType", true
	case "Cross tenant access type":
		return "crossTenantAccessType", true
	case "Authentication Protocol":
		return "authenticationProtocol", true
	case "Application":
		return "appDisplayName", true
	case "Application ID":
		return "appId", true
	case "Resource":
		return "resourceDisplayName", true
	case "Resource ID":
		return "resourceId", true
	case "IP address":
		return "ipAddress", true
	case "Location":
		return "location", true
	case "Status":
		return "", true
	case "Sign-in error code":
		return "status.errorCode", true
	case "Failure reason":
		return "status.failureReason", true
	case "Client app":
		return "clientAppUsed", true
	case "Device ID":
		return "deviceDetail.deviceId", true
	case "Browser":
		return "deviceDetail.browser", true
	case "Operating System":
		return "deviceDetail.operatingSystem", true
	case "Compliant":
		return "deviceDetail.isCompliant", true
	case "Managed":
		return "deviceDetail.isManaged", true
	case "Join Type":
		return "deviceDetail.trustType", true
	case "Multifactor authentication result":
		return "status.additionalDetails", true
	case "Multifactor authentication auth method":
		return "mfaDetail.authMethod", true
	case "Multifactor authentication auth detail":
		return "mfaDetail.authDetail", true
	case "Authentication requirement":
		return "authenticationRequirement", true
	case "Token issuer type":
		return "tokenIssuerType", true
	case "Latency":
		return "processingTimeInMilliseconds", true
	case "Conditional Access":
		return "conditionalAccessStatus", true
	case "Service principal ID":
		return "servicePrincipalId", true
	case "Service principal name":
		return "servicePrincipalName", true
	}
	return "", false
}

// csvUTCSuffix marks the datetime columns of a Log Analytics export.
const csvUTCSuffix = " [UTC]"

// csvMaxHeader bounds the header row; csvFrames.maxRow bounds data rows.
const csvMaxHeader = DefaultMaxRecordSize

// csvFrames reads a CSV export row by row and gives each data row as the
// JSON text of one record of Format. It is not safe for concurrent use.
type csvFrames struct {
	src    csvSource
	r      *csv.Reader
	export csvExport
	format Format
	header []string
	// maxRow bounds the bytes of one row (DefaultMaxRecordSize unless
	// changed; 0 for no limit). A longer row is reported with ErrTooLong
	// and skipped; one so long that it would hold more than maxRow plus
	// 64 KiB in memory is cut off there, which ends the input, because the
	// CSV cannot be resynchronised after it.
	maxRow int

	keys    [][]byte // per column: its JSON key and ':', written once
	kinds   []csvKind
	targets []csvTarget // admin center: csvTargetTable
	target  []int       // admin center: per column, the index in targets, or -1
	slots   []string    // admin center: the current row's cell for each target
	paths   map[string]string

	errorCode, statusText int // admin center: the targets of the error code and of Status

	nextLine int   // the line after the last row read, for errors that have no position
	err      error // sticky: io.EOF, an input error or an ErrTooLong row
}

// newCSVFrames reads the header of a CSV export from r, which must be at
// the header's first byte (after any byte-order mark), and recognises the
// export. It returns io.EOF for an input with no header, a *csvRowError
// matching ErrUnsupportedCSV for a header it does not know or that lacks
// the time column, a *csvRowError for a malformed header, and any error
// of r as it is.
func newCSVFrames(r io.Reader) (*csvFrames, error) {
	c := &csvFrames{maxRow: DefaultMaxRecordSize}
	c.src = csvSource{r: r, limit: csvMaxHeader}
	c.r = csv.NewReader(&c.src)
	c.r.ReuseRecord = true
	hdr, err := c.r.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return nil, io.EOF
		case errors.As(err, &pe):
			return nil, &csvRowError{Line: pe.Line, Column: pe.Column, Err: pe.Err}
		case errors.Is(err, ErrTooLong):
			return nil, &csvRowError{Line: 1, Err: fmt.Errorf("%w: the CSV header is longer than %d bytes", ErrTooLong, csvMaxHeader)}
		}
		return nil, err
	}
	c.header = slices.Clone(hdr)
	c.header[0] = strings.TrimPrefix(c.header[0], "\uFEFF")
	c.nextLine = c.lastLine(hdr) + 1
	c.src.forget(c.r.InputOffset())
	if err := c.recognise(); err != nil {
		return nil, &csvRowError{Line: 1, Err: err}
	}
	c.src.limit = 0
	return c, nil
}

// Format returns the format of the records next gives: LogAnalytics or Graph.
func (c *csvFrames) Format() Format { return c.format }

// next appends the JSON object of the next data row to dst[:0] and returns
// it, with the row's 1-based line and the 0-based byte offset of its first
// byte in the CSV text (counted from the header's first byte). Blank lines
// are skipped. At the end it returns io.EOF. A malformed row gives a
// *csvRowError with its line (and column), and reading may go on with
// the next row; a row over maxRow too (see there). An error of the
// underlying reader, or a row too long to hold, ends the input: next
// returns the same error again.
func (c *csvFrames) next(dst []byte) (data []byte, line int, offset int64, err error) {
	dst = dst[:0]
	if c.err != nil {
		return dst, 0, 0, c.err
	}
	c.src.limit = c.maxRow
	rec, err := c.r.Read()
	start := c.src.rowStart()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			c.err = io.EOF
			return dst, 0, 0, io.EOF
		case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
			c.nextLine = c.lastLine(rec) + 1
			c.src.forget(c.r.InputOffset())
			return dst, pe.StartLine, start, &csvRowError{Line: pe.StartLine, Offset: start,
				Err: fmt.Errorf("%w: the row has %d fields, the header %d", csv.ErrFieldCount, len(rec), len(c.header))}
		case errors.As(err, &pe):
			c.nextLine = pe.Line + 1
			c.src.forget(c.r.InputOffset())
			// The row is located by its first line and byte; where in it
			// the quote went wrong is said in the message.
			return dst, pe.StartLine, start, &csvRowError{Line: pe.StartLine, Offset: start,
				Err: fmt.Errorf("%w, at line %d, column %d", pe.Err, pe.Line, pe.Column)}
		case errors.Is(err, ErrTooLong):
			c.err = &csvRowError{Line: c.nextLine, Offset: start,
				Err: fmt.Errorf("%w: a CSV row longer than %d bytes; the rest of the input cannot be read", ErrTooLong, c.maxRow)}
			return dst, c.nextLine, start, c.err
		}
		c.err = err
		return dst, 0, 0, err
	}
	line, _ = c.r.FieldPos(0)
	c.nextLine = c.lastLine(rec) + 1
	end := c.r.InputOffset()
	c.src.forget(end)
	if n := end - start; c.maxRow > 0 && n > int64(c.maxRow) {
		return dst, line, start, &csvRowError{Line: line, Offset: start,
			Err: fmt.Errorf("%w: a CSV row of %d bytes, over the limit of %d", ErrTooLong, n, c.maxRow)}
	}
	if c.format == LogAnalytics {
		dst = c.appendLogAnalytics(dst, rec)
	} else {
		dst = c.appendGraph(dst, rec)
	}
	return dst, line, start, nil
}

// column returns the CSV header of the column that the value at a JSON
// path (as a *DecodeError names it, such as "status.errorCode",
// "CreatedDateTime" or "ConditionalAccessPolicies[1].result") came from,
// or "" when no column did.
func (c *csvFrames) column(path string) string {
	for path != "" {
		if h, ok := c.paths[path]; ok {
			return h
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return ""
}

// lastLine returns the line on which the record just read ends: the line
// of its last field plus the line breaks inside that field.
func (c *csvFrames) lastLine(rec []string) int {
	if len(rec) == 0 {
		return c.nextLine
	}
	line, _ := c.r.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n")
}

// recognise tells the export from the header and prepares the mapping of
// its columns.
func (c *csvFrames) recognise() error {
	names := make([]string, len(c.header))
	for i, h := range c.header {
		names[i] = strings.TrimSpace(h)
	}
	has := func(name string) bool { return slices.Contains(names, name) }
	hasAny := func(list ...string) bool { return slices.ContainsFunc(list, has) }

	// The admin center: a principal, an outcome, and the time or the
	// request ID (a file without the time is refused below, by name).
	if hasAny("Username", "User", "User ID", "Service principal ID", "Service principal name") &&
		hasAny("Status", "Sign-in error code", "Failure reason") && (has("Date (UTC)") || has("Request ID")) {
		c.export, c.format = csvAdminUsers, Graph
		if !hasAny("Username", "User", "User ID") && hasAny("Service principal ID", "Service principal name") {
			c.export = csvAdminApps
		}
		if !has("Date (UTC)") {
			return csvHeaderError(fmt.Sprintf("CSV with columns %s looks like %s but has no \"Date (UTC)\" column, "+
				"so its sign-ins have no time; download the sign-ins again with all columns, or as JSON", csvColumnList(c.header), c.export))
		}
		c.prepareAdmin(names)
		return nil
	}
	if signIns, timed := c.logAnalyticsHeader(); signIns {
		c.export, c.format = csvLogAnalytics, LogAnalytics
		if !timed {
			return csvHeaderError(fmt.Sprintf("CSV with columns %s looks like %s but has no CreatedDateTime or TimeGenerated column, "+
				"so its sign-ins have no time; export again with all columns, or as JSON", csvColumnList(c.header), c.export))
		}
		c.prepareLogAnalytics()
		return nil
	}
	if has("Authentication method") && has("Request ID") {
		return csvHeaderError(fmt.Sprintf("CSV with columns %s is the authentication-details file of the Microsoft Entra admin center "+
			"download (…_AuthDetails_….csv), one row per authentication step; read the sign-ins file of the same download "+
			"(such as InteractiveSignIns_….csv) instead", csvColumnList(c.header)))
	}
	return csvHeaderError(fmt.Sprintf("CSV with columns %s is not a sign-in export escudo knows: it reads "+
		"the Log Analytics \"Export to CSV\" of sign-in logs and the Microsoft Entra admin center's CSV download of "+
		"sign-in logs, with English column names; export the sign-ins as JSON instead (Graph API, Azure Monitor, or the "+
		"admin center's JSON download)", csvColumnList(c.header)))
}

// logAnalyticsHeader reports whether the header is that of a Log
// Analytics sign-in table, a sign-in's principal and something of its
// request or outcome, and whether it has a time column.
func (c *csvFrames) logAnalyticsHeader() (signIns, timed bool) {
	var principal, request bool
	for _, h := range c.header {
		switch strings.TrimSuffix(h, csvUTCSuffix) {
		case "CreatedDateTime", "TimeGenerated":
			timed = true
		case "UserPrincipalName", "ServicePrincipalId", "ServicePrincipalName":
			principal = true
		case "AppDisplayName", "AppId", "IPAddress", "ResultType", "Status":
			request = true
		}
	}
	return principal && request, timed
}

func (c *csvFrames) prepareLogAnalytics() {
	n := len(c.header)
	c.keys, c.kinds = make([][]byte, n), make([]csvKind, n)
	c.paths = make(map[string]string, n)
	for i, h := range c.header {
		name := strings.TrimSuffix(h, csvUTCSuffix)
		if name != h || name == "CreatedDateTime" || name == "TimeGenerated" {
			c.kinds[i] = csvTime
		}
		c.keys[i] = append(jsontext.AppendString(nil, name), ':')
		c.paths[name] = h
	}
}

func (c *csvFrames) prepareAdmin(names []string) {
	c.target = make([]int, len(names))
	c.targets = csvTargetTable()
	c.slots = make([]string, len(c.targets))
	c.keys = make([][]byte, len(c.targets))
	c.paths = make(map[string]string, len(names))
	c.errorCode, c.statusText = csvTargetIndex(c.targets, "status.errorCode"), csvTargetIndex(c.targets, "")
	for i := range c.targets {
		p := c.targets[i].path
		c.keys[i] = append(jsontext.AppendString(nil, p[strings.LastIndexByte(p, '.')+1:]), ':')
	}
	for i, name := range names {
		path, ok := csvAdminColumn(name)
		if !ok {
			c.target[i] = -1
			continue
		}
		c.target[i] = csvTargetIndex(c.targets, path)
		if path != "" {
			c.paths[path] = c.header[i]
		}
	}
}

// csvColumnList quotes the first three column names for a message.
func csvColumnList(header []string) string {
	var b strings.Builder
	for i, h := range header {
		if i == 3 {
			fmt.Fprintf(&b, ", … (%d columns)", len(header))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		if len(h) > 40 {
			h = h[:40] + "…"
		}
		b.WriteString(strconv.Quote(h))
	}
	return b.String()
}

// appendLogAnalytics writes a Log Analytics row: each non-empty cell under
// its column name, times as RFC 3339, everything else as a string.
func (c *csvFrames) appendLogAnalytics(dst []byte, rec []string) []byte {
	dst = append(dst, '{')
	first := true
	for i, v := range rec {
		if v == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, c.keys[i]...)
		if c.kinds[i] == csvTime {
			dst = appendCSVTime(dst, v)
		} else {
			dst = jsontext.AppendString(dst, v)
		}
	}
	return append(dst, '}')
}

// appendGraph writes a Graph signIn from an admin center row: the
// properties in targets order, the nested ones in their objects, each
// only when its cell is not empty.
func (c *csvFrames) appendGraph(dst []byte, rec []string) []byte {
	clear(c.slots)
	for i, v := range rec {
		if t := c.target[i]; t >= 0 && v != "" {
			c.slots[t] = v
		}
	}
	if c.errorCode >= 0 && c.statusText >= 0 && c.slots[c.errorCode] == "" && strings.EqualFold(strings.TrimSpace(c.slots[c.statusText]), "Success") {
		c.slots[c.errorCode] = "0"
	}
	dst = append(dst, '{')
	topFirst := true // no member written at the top level yet
	open := 0        // the group of the nested object being written, 0 for none
	inFirst := false // no member written in that object yet
	comma := func(first *bool) {
		if !*first {
			dst = append(dst, ',')
		}
		*first = false
	}
	for t := range c.targets {
		v, tg := c.slots[t], &c.targets[t]
		if v == "" || tg.kind == csvStatus {
			continue
		}
		if tg.group != open {
			if open != 0 {
				dst = append(dst, '}')
				open = 0
			}
			if tg.group != 0 && tg.kind != csvLocation {
				comma(&topFirst)
				dst = jsontext.AppendString(dst, csvGroup(tg.group))
				dst = append(dst, ':', '{')
				open, inFirst = tg.group, true
			}
		}
		switch {
		case tg.kind == csvLocation:
			comma(&topFirst)
			dst = appendCSVLocation(dst, v)
		case open != 0:
			comma(&inFirst)
			dst = append(dst, c.keys[t]...)
			dst = appendCSVValue(dst, tg, v)
		default:
			comma(&topFirst)
			dst = append(dst, c.keys[t]...)
			dst = appendCSVValue(dst, tg, v)
		}
	}
	if open != 0 {
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendCSVValue writes the JSON value of an admin center cell.
func appendCSVValue(dst []byte, tg *csvTarget, v string) []byte {
	switch tg.kind {
	case csvTime:
		return appendCSVTime(dst, v)
	case csvInt:
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32); err == nil {
			return strconv.AppendInt(dst, n, 10)
		}
	case csvBool:
		switch s := strings.TrimSpace(v); {
		case strings.EqualFold(s, "true"), strings.EqualFold(s, "yes"):
			return append(dst, "true"...)
		case strings.EqualFold(s, "false"), strings.EqualFold(s, "no"):
			return append(dst, "false"...)
		}
	case csvEnum:
		for _, e := range tg.enum {
			if csvSameWord(v, e) {
				return jsontext.AppendString(dst, e)
			}
		}
	}
	return jsontext.AppendString(dst, v)
}

// appendCSVTime writes a time cell as RFC 3339 text in UTC: the cell may
// be RFC 3339 (the admin center) or the en-US form of the Log Analytics
// portal. Any other text is written as it is, so that the decoder reports
// it as a bad time at its path.
func appendCSVTime(dst []byte, v string) []byte {
	s := strings.TrimSpace(v)
	parse := parseRFC3339 // chosen by shape: a failed parse allocates its error
	if strings.IndexByte(s, '/') >= 0 {
		parse = parseUSDateTime
	}
	t, err := parse(s)
	if err != nil {
		return jsontext.AppendString(dst, v)
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// appendCSVLocation writes "location":{...} from the admin center's
// "City, State, CC": the last part is the country or region, the one
// before it the state, and the rest the city; "City, CC" has no state and
// a single part is the country.
func appendCSVLocation(dst []byte, v string) []byte {
	var city, state, country string
	rest := v
	i := strings.LastIndexByte(rest, ',')
	country, rest = rest[i+1:], rest[:max(i, 0)]
	if i >= 0 {
		if j := strings.LastIndexByte(rest, ','); j >= 0 {
			city, state = rest[:j], rest[j+1:]
		} else {
			city = rest
		}
	}
	dst = append(dst, `"location":{`...)
	first := true
	for _, m := range [...]struct{ key, v string }{{"city", city}, {"state", state}, {"countryOrRegion", country}} {
		s := strings.TrimSpace(m.v)
		if s == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsontext.AppendString(dst, m.key)
		dst = append(dst, ':')
		dst = jsontext.AppendString(dst, s)
	}
	return append(dst, '}')
}

// csvSameWord reports whether a and b have the same letters and digits in
// the same order, ignoring case and everything else ("Not Applied" and
// notApplied, "Single-factor authentication" and
// singleFactorAuthentication, "Azure AD" and AzureAD). Bytes of non-ASCII
// text must match exactly.
func csvSameWord(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && !csvWordByte(a[i]) {
			i++
		}
		for j < len(b) && !csvWordByte(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		x, y := a[i], b[j]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
		i, j = i+1, j+1
	}
}

func csvWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf
}

// sniffCSV reports whether the first line of an input (UTF-8, without a
// byte-order mark, with or without its line end) looks like the header
// row of a CSV export rather than JSON: it does not start with '{' or '['
// (or '<', an HTML or XML page), has a comma, and holds no control
// characters but tabs. It is deliberately narrow; a CSV it misses is read
// as JSON and reported as a syntax error.
func sniffCSV(firstLine []byte) bool {
	line := bytes.TrimRight(firstLine, "\r\n")
	line = bytes.TrimLeft(line, " \t")
	if len(line) == 0 || !utf8.Valid(line) {
		return false
	}
	switch line[0] {
	case '{', '[', '<':
		return false
	}
	for _, b := range line {
		if b < 0x20 && b != '\t' || b == 0x7f {
			return false
		}
	}
	return bytes.IndexByte(line, ',') >= 0
}

// csvSource is the reader under the csv.Reader. It keeps the bytes read
// since the start of the current row, so that the row's offset can skip
// the blank lines csv.Reader passes over, and it bounds a row's size.
type csvSource struct {
	r     io.Reader
	base  int64  // the offset of buf[0] in the input
	buf   []byte // the bytes read from r since base
	limit int    // the largest row, or 0 for no limit
}

// csvReadAhead is how far csv.Reader's buffer may read past a row.
const csvReadAhead = 64 << 10

var errCSVTooLong = fmt.Errorf("%w: CSV row", ErrTooLong)

func (s *csvSource) Read(p []byte) (int, error) {
	if s.limit > 0 && len(s.buf) > s.limit+csvReadAhead {
		return 0, errCSVTooLong
	}
	n, err := s.r.Read(p)
	s.buf = append(s.buf, p[:n]...)
	return n, err
}

// forget drops the bytes before offset off, the end of the row just read.
func (s *csvSource) forget(off int64) {
	k := int(off - s.base)
	if k <= 0 {
		return
	}
	k = min(k, len(s.buf))
	s.buf = s.buf[:copy(s.buf, s.buf[k:])]
	s.base += int64(k)
}

// rowStart returns the offset of the first byte of the row that starts at
// base, past the blank lines ("\n" or "\r\n") that csv.Reader skips.
func (s *csvSource) rowStart() int64 {
	i := 0
	for i < len(s.buf) {
		switch {
		case s.buf[i] == '\n':
			i++
			continue
		case s.buf[i] == '\r' && i+1 < len(s.buf) && s.buf[i+1] == '\n':
			i += 2
			continue
		}
		break
	}
	return s.base + int64(i)
}
