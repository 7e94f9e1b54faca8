package hec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Defaults for the zero fields of a [Config].
const (
	// DefaultBatchSize is the most events in one request.
	DefaultBatchSize = 100
	// DefaultMaxBatchBytes is the largest request body, HEC's historical
	// default max_content_length.
	DefaultMaxBatchBytes = 1_000_000
	// DefaultMaxAttempts is how many times a batch is tried in all.
	DefaultMaxAttempts = 4
	// DefaultBaseDelay is the wait before the first retry.
	DefaultBaseDelay = 500 * time.Millisecond
	// DefaultMaxDelay caps the wait between two attempts.
	DefaultMaxDelay = 30 * time.Second
	// DefaultTimeout bounds one request of the default HTTP client.
	DefaultTimeout = 30 * time.Second
)

// EventPath is the path of HEC's event endpoint.
const EventPath = "/services/collector/event"

// ErrConfig is wrapped by the errors of [NewSender] for an unusable
// [Config].
var ErrConfig = errors.New("invalid HEC configuration")

// redacted stands for the token wherever it could be shown.
const redacted = "REDACTED"

// Config configures a [Sender]. Only URL and Token are required; a zero
// field takes its default.
//
// A Config holds a secret, the token. Its String, Format and LogValue
// methods redact it, so printing a Config with fmt (any verb) or logging
// it with log/slog never shows the token.
type Config struct {
	// URL is HEC's address, such as "https://splunk.example.com:8088".
	// When its path is empty or "/", the Sender posts to [EventPath];
	// otherwise to URL as is. The scheme must be http or https; with
	// http the token crosses the network in the clear.
	URL string
	// Token is the HEC token, sent as "Authorization: Splunk <token>".
	Token string
	// BatchSize is the most events in one request; zero means
	// DefaultBatchSize.
	BatchSize int
	// MaxBatchBytes is the largest request body in bytes; zero means
	// DefaultMaxBatchBytes. A single event larger than it is sent alone.
	MaxBatchBytes int
	// MaxAttempts is how many times a batch is tried before giving up;
	// zero means DefaultMaxAttempts, and 1 disables retries.
	MaxAttempts int
	// BaseDelay is the wait before the first retry; it doubles for each
	// later one. Zero means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps the wait between two attempts; zero means
	// DefaultMaxDelay.
	MaxDelay time.Duration
	// Client sends the requests; nil means a client of its own with a
	// DefaultTimeout timeout.
	Client *http.Client
	// Sleep waits d before a retry, returning early with ctx's error when
	// ctx is done; nil means a timer. Tests inject one that does not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger, if set, receives a warning before each retry. Nothing else
	// is logged, and never the token.
	Logger *slog.Logger
}

// String describes c with the token redacted.
func (c Config) String() string {
	return fmt.Sprintf("hec.Config{URL: %s, Token: %s, BatchSize: %d, MaxBatchBytes: %d, MaxAttempts: %d, BaseDelay: %v, MaxDelay: %v}",
		safeURL(c.URL), tokenText(c.Token), c.BatchSize, c.MaxBatchBytes, c.MaxAttempts, c.BaseDelay, c.MaxDelay)
}

// Format implements fmt.Formatter so that every verb, %#v and %+v
// included, prints [Config.String]'s redacted form (quoted for %q).
func (c Config) Format(f fmt.State, verb rune) { format(f, verb, c.String()) }

// LogValue implements slog.LogValuer: a group of c's fields with the token
// redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", safeURL(c.URL)),
		slog.String("token", tokenText(c.Token)),
		slog.Int("batch_size", c.BatchSize),
		slog.Int("max_batch_bytes", c.MaxBatchBytes),
		slog.Int("max_attempts", c.MaxAttempts),
		slog.Duration("base_delay", c.BaseDelay),
		slog.Duration("max_delay", c.MaxDelay),
	)
}

func format(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	io.WriteString(f, s)
}

func tokenText(token string) string {
	if token == "" {
		return `""`
	}
	return redacted
}

// safeURL shows a URL without a password or query, where a secret could
// hide.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.RawQuery != "" {
		u.RawQuery = redacted
	}
	return u.Redacted()
}

// Sender posts events to HEC. It is immutable once built and safe for
// concurrent use. Like [Config], it redacts the token when formatted or
// logged.
type Sender struct {
	endpoint    string
	auth        string
	token       string
	batchSize   int
	maxBytes    int
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	client      *http.Client
	sleep       func(context.Context, time.Duration) error
	log         *slog.Logger
	desc        string
}

// NewSender validates cfg and returns a Sender. Every problem is reported
// at once, joined with errors.Join, each wrapping [ErrConfig]; no message
// contains the token.
func NewSender(cfg Config) (*Sender, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("hec: %w: "+format, append([]any{ErrConfig}, args...)...))
	}
	u, err := url.Parse(cfg.URL)
	switch {
	case cfg.URL == "":
		bad("no URL")
	case err != nil:
		bad("URL does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		bad("URL scheme %q is not http or https", u.Scheme)
	case u.Host == "":
		bad("URL has no host")
	}
	switch {
	case cfg.Token == "":
		bad("no token")
	case strings.IndexFunc(cfg.Token, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		bad("token holds white space or control characters")
	}
	for _, f := range []struct {
		name string
		val  int64
	}{
		{"BatchSize", int64(cfg.BatchSize)},
		{"MaxBatchBytes", int64(cfg.MaxBatchBytes)},
		{"MaxAttempts", int64(cfg.MaxAttempts)},
		{"BaseDelay", int64(cfg.BaseDelay)},
		{"MaxDelay", int64(cfg.MaxDelay)},
	} {
		if f.val < 0 {
			bad("negative %s", f.name)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	s := &Sender{
		endpoint:    cfg.URL,
		auth:        "Splunk " + cfg.Token,
		token:       cfg.Token,
		batchSize:   orDefault(cfg.BatchSize, DefaultBatchSize),
		maxBytes:    orDefault(cfg.MaxBatchBytes, DefaultMaxBatchBytes),
		maxAttempts: orDefault(cfg.MaxAttempts, DefaultMaxAttempts),
		baseDelay:   orDefault(cfg.BaseDelay, DefaultBaseDelay),
		maxDelay:    orDefault(cfg.MaxDelay, DefaultMaxDelay),
		client:      cfg.Client,
		sleep:       cfg.Sleep,
		log:         cfg.Logger,
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = EventPath
		s.endpoint = u.String()
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: DefaultTimeout}
	}
	if s.sleep == nil {
		s.sleep = sleep
	}
	s.desc = fmt.Sprintf("hec.Sender{URL: %s, Token: %s}", safeURL(s.endpoint), redacted)
	return s, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// String describes s with the token redacted.
func (s *Sender) String() string { return s.desc }

// Format implements fmt.Formatter: every verb prints [Sender.String].
func (s *Sender) Format(f fmt.State, verb rune) { format(f, verb, s.desc) }

// LogValue implements slog.LogValuer: the endpoint, with the token
// redacted.
func (s *Sender) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", safeURL(s.endpoint)), slog.String("token", redacted))
}

// Send posts events, each one HEC event object such as [AppendRiskEvent]
// writes, in order, in batches of at most the configured number of events
// and bytes. It returns how many events HEC accepted: on error, the first
// n of events were delivered and none after them.
//
// A batch that fails with a 5xx status or without a response (a
// connection error or timeout) is retried, waiting BaseDelay, then twice
// that, and so on up to MaxDelay, until MaxAttempts attempts have failed.
// Any other failure, a 4xx status such as 403 for a bad token among them,
// ends Send at once. Send returns an [*Error] for a failed batch, and
// ctx's error, wrapped, when ctx is done.
func (s *Sender) Send(ctx context.Context, events [][]byte) (int, error) {
	delivered := 0
	var body []byte
	for delivered < len(events) {
		body = body[:0]
		end := delivered
		for end < len(events) && end-delivered < s.batchSize {
			ev := events[end]
			if end > delivered && len(body)+1+len(ev) > s.maxBytes {
				break
			}
			if end > delivered {
				body = append(body, '\n')
			}
			body = append(body, ev...)
			end++
		}
		if err := s.post(ctx, body); err != nil {
			return delivered, err
		}
		delivered = end
	}
	return delivered, nil
}

// post sends one batch, retrying as Send documents.
func (s *Sender) post(ctx context.Context, body []byte) error {
	for attempt := 1; ; attempt++ {
		herr := s.try(ctx, body)
		if herr == nil {
			return nil
		}
		herr.Attempts = attempt
		if ctx.Err() != nil || !herr.retryable() || attempt >= s.maxAttempts {
			return herr
		}
		d := s.delay(attempt)
		if s.log != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "hec: retrying", slog.Int("attempt", attempt),
				slog.Duration("delay", d), slog.String("error", herr.Error()))
		}
		if err := s.sleep(ctx, d); err != nil {
			return fmt.Errorf("hec: waiting to retry after %v: %w", herr, err)
		}
	}
}

// delay is the wait after the given failed attempt: BaseDelay doubled
// attempt-1 times, at most MaxDelay.
func (s *Sender) delay(attempt int) time.Duration {
	d := s.baseDelay
	for i := 1; i < attempt && d < s.maxDelay; i++ {
		d *= 2
	}
	return min(d, s.maxDelay)
}

// try makes one request, returning nil on a 2xx response.
func (s *Sender) try(ctx context.Context, body []byte) *Error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return &Error{Err: err}
	}
	req.Header.Set("Authorization", s.auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return &Error{Err: s.scrubErr(err)}
	}
	defer resp.Body.Close()
	const maxBody = 64 << 10
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	// Drain a little more so the connection can be reused, but never read
	// an endless answer to the end.
	io.CopyN(io.Discard, resp.Body, 1<<20)
	if resp.StatusCode/100 == 2 {
		return nil
	}
	e := &Error{StatusCode: resp.StatusCode}
	var reply struct {
		Text *string `json:"text"`
		Code *int    `json:"code"`
	}
	if json.Unmarshal(data, &reply) == nil && reply.Text != nil {
		e.Text = *reply.Text
		if reply.Code != nil {
			e.Code = *reply.Code
		}
	} else {
		e.Text = strings.TrimSpace(string(data))
	}
	e.Text = s.scrub(printable(e.Text, 512))
	return e
}

// scrub removes the token from text that came from outside.
func (s *Sender) scrub(text string) string {
	return strings.ReplaceAll(text, s.token, redacted)
}

// scrubErr keeps err unless its text holds the token, which should never
// happen; then only its redacted text survives.
func (s *Sender) scrubErr(err error) error {
	if msg := err.Error(); strings.Contains(msg, s.token) {
		return errors.New(s.scrub(msg))
	}
	return err
}

// printable cuts s to at most n bytes and replaces control characters, so
// that a response fits on one line of an error message.
func printable(s string, n int) string {
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// Error is a batch that HEC refused, or that could not reach HEC.
type Error struct {
	// StatusCode is the HTTP status of HEC's response; 0 when there was
	// none.
	StatusCode int
	// Code is the code in HEC's JSON response, such as 4 for an invalid
	// token or 9 for a busy server; 0 when there was none.
	Code int
	// Text is the text of HEC's response: its "text" field, or the body
	// itself when that is not HEC's JSON, cut to 512 bytes.
	Text string
	// Attempts is how many times the batch was tried.
	Attempts int
	// Err is the error that prevented a response, such as a refused
	// connection or a cancelled context; nil when HEC answered.
	Err error
}

// Error describes the failure, as in
// "hec: 403 Forbidden: Invalid token (code 4)" or
// "hec: after 4 attempts: 503 Service Unavailable: Server is busy (code 9)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("hec: ")
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "after %d attempts: ", e.Attempts)
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
		return b.String()
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Text != "" {
		b.WriteString(": ")
		b.WriteString(e.Text)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) retryable() bool {
	return e.Err != nil || e.StatusCode >= 500
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
