package hec

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
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
	// DefaultMaxAttempts is how many times a batch is sent in all.
	DefaultMaxAttempts = 4
	// DefaultBaseDelay is the wait before the first retry.
	DefaultBaseDelay = 500 * time.Millisecond
	// DefaultMaxDelay caps the wait between two attempts.
	DefaultMaxDelay = 30 * time.Second
	// DefaultTimeout bounds one request of the default HTTP client.
	DefaultTimeout = 30 * time.Second
	// DefaultAckTimeout is how long a Sender polls for the indexer
	// acknowledgement of a batch before it sends the batch again.
	DefaultAckTimeout = 2 * time.Minute
	// DefaultAckPollInterval is the wait before each acknowledgement
	// query.
	DefaultAckPollInterval = time.Second
)

// HEC's paths and headers.
const (
	// EventPath is the path of HEC's event endpoint.
	EventPath = "/services/collector/event"
	// AckPath is the path of HEC's indexer acknowledgement endpoint.
	AckPath = "/services/collector/ack"
	// ChannelHeader is the request header that names the channel.
	ChannelHeader = "X-Splunk-Request-Channel"
)

// redacted stands for the token wherever it could be shown.
const redacted = "REDACTED"

// maxText is the most bytes of HEC's text kept in an error.
const maxText = 512

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
	// MaxAttempts is how many times a batch is sent before giving up,
	// whether it is sent again after a failure or after its
	// acknowledgement did not come; zero means DefaultMaxAttempts, and 1
	// disables retries.
	MaxAttempts int
	// BaseDelay is the wait before the first retry; it doubles for each
	// later one. Zero means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps the wait between two attempts, Retry-After's
	// included; zero means DefaultMaxDelay.
	MaxDelay time.Duration

	// Ack turns on indexer acknowledgement, which the token must have on
	// too (useACK): a batch counts as delivered only once HEC's
	// acknowledgement endpoint confirms that the indexers have it. See
	// the package documentation. A token with useACK on needs a channel:
	// without Ack or Channel, HEC refuses every request with 400 "Data
	// channel is missing".
	Ack bool
	// AckTimeout is how long the Sender polls for a batch's
	// acknowledgement before it sends the batch again, counted as the
	// sum of the waits between polls; zero means DefaultAckTimeout.
	AckTimeout time.Duration
	// AckPollInterval is the wait before each acknowledgement query; zero
	// means DefaultAckPollInterval. The Sender polls
	// ceil(AckTimeout/AckPollInterval) times per attempt.
	AckPollInterval time.Duration
	// Channel is the HEC channel, a GUID such as
	// "0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c", sent in the
	// X-Splunk-Request-Channel header of every request. When it is empty
	// and Ack is on, [NewSender] makes a random one (a version 4 UUID from
	// crypto/rand) for the Sender; when it is empty and Ack is off, no
	// channel is sent.
	Channel string

	// Client sends the requests; nil means a client of its own with a
	// DefaultTimeout timeout.
	Client *http.Client
	// Sleep waits d before a retry or an acknowledgement query, returning
	// early with ctx's error when ctx is done; nil means a timer. Tests
	// inject one that does not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now returns the current time; nil means time.Now. It serves only to
	// read a Retry-After date when HEC's answer has no Date header: with
	// one, the wait is the Retry-After date minus HEC's own Date.
	Now func() time.Time
	// Logger, if set, receives a warning before each retry or resend and
	// after each failed acknowledgement query. Nothing else is logged,
	// and never the token.
	Logger *slog.Logger
}

// String describes c with the token redacted.
func (c Config) String() string {
	s := fmt.Sprintf("hec.Config{URL: %s, Token: %s, BatchSize: %d, MaxBatchBytes: %d, MaxAttempts: %d, BaseDelay: %v, MaxDelay: %v",
		safeURL(c.URL), tokenText(c.Token), c.BatchSize, c.MaxBatchBytes, c.MaxAttempts, c.BaseDelay, c.MaxDelay)
	if c.Ack || c.Channel != "" {
		s += fmt.Sprintf(", Ack: %t, AckTimeout: %v, AckPollInterval: %v, Channel: %q", c.Ack, c.AckTimeout, c.AckPollInterval, c.Channel)
	}
	return s + "}"
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
		slog.Bool("ack", c.Ack),
		slog.Duration("ack_timeout", c.AckTimeout),
		slog.Duration("ack_poll_interval", c.AckPollInterval),
		slog.String("channel", c.Channel),
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
// concurrent use; concurrent Sends share its channel. Like [Config], it
// redacts the token when formatted or logged.
type Sender struct {
	endpoint    string
	ackEndpoint string
	auth        string
	token       string
	channel     string
	batchSize   int
	maxBytes    int
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
	ack         bool
	ackTimeout  time.Duration
	ackPoll     time.Duration
	ackPolls    int
	client      *http.Client
	sleep       func(context.Context, time.Duration) error
	now         func() time.Time
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
		{"AckTimeout", int64(cfg.AckTimeout)},
		{"AckPollInterval", int64(cfg.AckPollInterval)},
	} {
		if f.val < 0 {
			bad("negative %s", f.name)
		}
	}
	if cfg.Channel != "" && !isGUID(cfg.Channel) {
		bad("Channel %q is not a GUID", printable(cfg.Channel, 64))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	s := &Sender{
		endpoint:    cfg.URL,
		auth:        "Splunk " + cfg.Token,
		token:       cfg.Token,
		channel:     cfg.Channel,
		batchSize:   orDefault(cfg.BatchSize, DefaultBatchSize),
		maxBytes:    orDefault(cfg.MaxBatchBytes, DefaultMaxBatchBytes),
		maxAttempts: orDefault(cfg.MaxAttempts, DefaultMaxAttempts),
		baseDelay:   orDefault(cfg.BaseDelay, DefaultBaseDelay),
		maxDelay:    orDefault(cfg.MaxDelay, DefaultMaxDelay),
		ack:         cfg.Ack,
		ackTimeout:  orDefault(cfg.AckTimeout, DefaultAckTimeout),
		ackPoll:     orDefault(cfg.AckPollInterval, DefaultAckPollInterval),
		client:      cfg.Client,
		sleep:       cfg.Sleep,
		now:         cfg.Now,
		log:         cfg.Logger,
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = EventPath
		s.endpoint = u.String()
	}
	s.ackEndpoint = ackURL(*u)
	s.ackPolls = int(s.ackTimeout / s.ackPoll)
	if s.ackTimeout%s.ackPoll != 0 {
		s.ackPolls++
	}
	if s.ack && s.channel == "" {
		s.channel = newChannel()
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: DefaultTimeout}
	}
	if s.sleep == nil {
		s.sleep = sleep
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.desc = fmt.Sprintf("hec.Sender{URL: %s, Token: %s}", safeURL(s.endpoint), redacted)
	if s.channel != "" {
		s.desc = fmt.Sprintf("hec.Sender{URL: %s, Token: %s, Ack: %t, Channel: %s}", safeURL(s.endpoint), redacted, s.ack, s.channel)
	}
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
// redacted, and the channel when there is one.
func (s *Sender) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("url", safeURL(s.endpoint)), slog.String("token", redacted)}
	if s.channel != "" {
		attrs = append(attrs, slog.Bool("ack", s.ack), slog.String("channel", s.channel))
	}
	return slog.GroupValue(attrs...)
}

// Channel returns the channel the Sender sends in the
// X-Splunk-Request-Channel header: [Config.Channel], or the one
// [NewSender] made for [Config.Ack]; "" when it sends none.
func (s *Sender) Channel() string { return s.channel }

// Send posts events, each one HEC event object such as [AppendRiskEvent]
// writes, in order, in batches of at most the configured number of events
// and bytes, one batch at a time. It returns n, how many events were
// delivered, and a nil error when that is all of them.
//
// A batch is delivered when HEC answers it with a 2xx status and its
// success answer, {"text":"Success","code":0}, and, with [Config.Ack],
// when the acknowledgement endpoint then confirms its ackId. Any other
// 2xx answer is an error ([ErrNotSuccess]), not a delivery.
//
// A batch that fails with 408, 429 or a 5xx status other than 501, or
// without an answer (a refused connection, a timeout), is sent again,
// waiting BaseDelay, then twice that, and so on up to MaxDelay; a
// Retry-After header in a failed answer, in seconds or as an HTTP date,
// sets the wait instead, capped by MaxDelay. With [Config.Ack], a batch
// whose acknowledgement has not come after AckTimeout is sent again at
// once. A batch is sent MaxAttempts times at most. Other failures are not
// retried: any other status, such as 403 for a bad token, 400, 404 or
// 413; a certificate that does not verify (unknown authority, wrong host
// name, expired); a 2xx answer that is not HEC's success; ctx being done.
//
// When HEC answers 400 with an invalid-event-number, the events of the
// batch before that one count as delivered, the bad event is reported
// with a [*RejectedError], and Send goes on with the events after it.
// Any other failure of a batch ends Send.
//
// A non-nil error is always a [*SendError], which says exactly which
// events were not delivered: the rejected ones, and events[Stop:] when
// Send stopped early, because of an [*Error] or ctx's error (wrapped). n
// is len(events) minus those.
//
// Delivery is at least once: a batch whose answer or acknowledgement was
// lost after HEC indexed it is indexed again when it is sent again.
func (s *Sender) Send(ctx context.Context, events [][]byte) (int, error) {
	var (
		delivered int
		rejected  []*RejectedError
		body      []byte
	)
	for start := 0; start < len(events); {
		if err := ctx.Err(); err != nil {
			return delivered, &SendError{Rejected: rejected, Stop: start, Err: fmt.Errorf("hec: %w", err)}
		}
		body = body[:0]
		end := start
		for end < len(events) && end-start < s.batchSize {
			ev := events[end]
			if end > start && len(body)+1+len(ev) > s.maxBytes {
				break
			}
			if end > start {
				body = append(body, '\n')
			}
			body = append(body, ev...)
			end++
		}
		rej, err := s.deliver(ctx, body, end-start)
		switch {
		case err != nil:
			return delivered, &SendError{Rejected: rejected, Stop: start, Err: err}
		case rej != nil:
			k := rej.Index
			rej.Start, rej.Index = start, start+k
			rejected = append(rejected, rej)
			delivered += k
			start += k + 1
		default:
			delivered += end - start
			start = end
		}
	}
	if len(rejected) > 0 {
		return delivered, &SendError{Rejected: rejected, Stop: len(events)}
	}
	return delivered, nil
}

// deliver sends one batch of n events until it is delivered, HEC rejects
// one of its events (a RejectedError whose Index is the position in the
// batch), or it fails for good, as Send documents.
func (s *Sender) deliver(ctx context.Context, body []byte, n int) (*RejectedError, error) {
	for attempt := 1; ; attempt++ {
		a := s.postEvents(ctx, body)
		if a.err == nil {
			if !s.ack {
				return nil, nil
			}
			ok, err := s.awaitAck(ctx, a.ackID)
			if err != nil || ok {
				return nil, err
			}
			e := &Error{Attempts: attempt, Err: fmt.Errorf("%w: ackId %d unconfirmed after %v (%d polls)",
				ErrNotAcknowledged, a.ackID, time.Duration(s.ackPolls)*s.ackPoll, s.ackPolls)}
			if attempt >= s.maxAttempts {
				return nil, e
			}
			s.warn(ctx, "hec: resending an unacknowledged batch", attempt, 0, e)
			continue
		}
		herr := a.err
		herr.Attempts = attempt
		if a.invalid >= 0 && a.invalid < n {
			return &RejectedError{Index: a.invalid, Code: herr.Code, Text: herr.Text}, nil
		}
		if ctx.Err() != nil || !a.retry || attempt >= s.maxAttempts {
			return nil, herr
		}
		d := s.delay(attempt)
		if a.hasRetryAfter {
			d = min(a.retryAfter, s.maxDelay)
		}
		s.warn(ctx, "hec: retrying", attempt, d, herr)
		if err := s.sleep(ctx, d); err != nil {
			return nil, fmt.Errorf("hec: waiting to retry after %w: %w", herr, err)
		}
	}
}

func (s *Sender) warn(ctx context.Context, msg string, attempt int, d time.Duration, err error) {
	if s.log == nil {
		return
	}
	attrs := []slog.Attr{slog.Int("attempt", attempt)}
	if d > 0 {
		attrs = append(attrs, slog.Duration("delay", d))
	}
	attrs = append(attrs, slog.String("error", err.Error()))
	s.log.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
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

// answer is the outcome of one request.
type answer struct {
	err           *Error // nil on success
	retry         bool   // whether err is worth another attempt
	retryAfter    time.Duration
	hasRetryAfter bool
	invalid       int   // HEC's invalid-event-number; -1 without one
	ackID         int64 // with Ack, the success answer's ackId
}

// reply is the JSON of HEC's answers.
type reply struct {
	Text         *string         `json:"text"`
	Code         *int            `json:"code"`
	InvalidEvent *int            `json:"invalid-event-number"`
	AckID        *int64          `json:"ackId"`
	Acks         map[string]bool `json:"acks"`
}

// postEvents makes one request to the event endpoint.
func (s *Sender) postEvents(ctx context.Context, body []byte) answer {
	a := answer{invalid: -1}
	resp, data, err := s.do(ctx, s.endpoint, body)
	if err != nil {
		a.err, a.retry = &Error{Err: s.scrubErr(err)}, retryableTransport(err)
		return a
	}
	var rp reply
	isJSON := json.Unmarshal(data, &rp) == nil
	if resp.StatusCode/100 == 2 {
		switch {
		case !isJSON || rp.Code == nil || *rp.Code != 0:
			a.err = s.answerError(resp.StatusCode, data, rp, isJSON)
			a.err.Err = ErrNotSuccess
		case s.ack && rp.AckID == nil:
			a.err = s.answerError(resp.StatusCode, data, rp, isJSON)
			a.err.Err = ErrNoAckID
		case s.ack:
			a.ackID = *rp.AckID
		}
		return a
	}
	a.err = s.answerError(resp.StatusCode, data, rp, isJSON)
	a.retry = retryableStatus(resp.StatusCode)
	if a.retry {
		a.retryAfter, a.hasRetryAfter = retryAfter(resp.Header, s.now)
	}
	if resp.StatusCode == http.StatusBadRequest && isJSON && rp.InvalidEvent != nil {
		a.invalid = *rp.InvalidEvent
	}
	return a
}

// do posts body to endpoint and returns the answer with up to 64 KiB of
// its body.
func (s *Sender) do(ctx context.Context, endpoint string, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", s.auth)
	req.Header.Set("Content-Type", "application/json")
	if s.channel != "" {
		req.Header.Set(ChannelHeader, s.channel)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = safeURL(ue.URL)
		}
		return nil, nil, err
	}
	defer resp.Body.Close()
	const maxBody = 64 << 10
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	// Drain a little more so the connection can be reused, but never read
	// an endless answer to the end.
	io.CopyN(io.Discard, resp.Body, 1<<20)
	return resp, data, nil
}

// answerError describes an answer that is not a success.
func (s *Sender) answerError(status int, data []byte, rp reply, isJSON bool) *Error {
	e := &Error{StatusCode: status}
	if isJSON && rp.Code != nil {
		e.Code = *rp.Code
	}
	if isJSON && rp.Text != nil {
		e.Text = *rp.Text
	} else {
		e.Text = strings.TrimSpace(string(data))
	}
	e.Text = printable(s.scrub(e.Text), maxText)
	return e
}

// retryableStatus reports whether an answer with the given status is worth
// another attempt: 408 Request Timeout, 429 Too Many Requests, and every
// 5xx but 501 Not Implemented.
func retryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented:
		return false
	default:
		return code >= 500 && code < 600
	}
}

// retryableTransport reports whether a request that got no answer is
// worth another attempt: not when the server's certificate does not verify
// or the server does not speak TLS, which no retry changes.
func retryableTransport(err error) bool {
	var (
		verify  *tls.CertificateVerificationError
		record  tls.RecordHeaderError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		roots   x509.SystemRootsError
		algo    x509.InsecureAlgorithmError
		constr  x509.ConstraintViolationError
		crit    x509.UnhandledCriticalExtension
	)
	return !errors.As(err, &verify) && !errors.As(err, &record) &&
		!errors.As(err, &unknown) && !errors.As(err, &host) && !errors.As(err, &invalid) &&
		!errors.As(err, &roots) && !errors.As(err, &algo) && !errors.As(err, &constr) && !errors.As(err, &crit)
}

// retryAfter reads a Retry-After header: delay-seconds, or an HTTP date,
// which it measures from the answer's Date header, or from now() when
// there is none. A date in the past is no wait. It reports false when
// there is no valid header.
func retryAfter(h http.Header, now func() time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(1<<63-1)/int64(time.Second) {
			return 1<<63 - 1, true // more than any MaxDelay
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	ref, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		ref = now()
	}
	return max(t.Sub(ref), 0), true
}

// scrub removes the token from text that came from outside, in any case:
// a collector may echo it lower- or upper-cased.
func (s *Sender) scrub(text string) string { return redact(text, s.token) }

// scrubErr keeps err unless its text holds the token, which should never
// happen; then only its redacted text survives.
func (s *Sender) scrubErr(err error) error {
	if msg := err.Error(); redact(msg, s.token) != msg {
		return errors.New(redact(msg, s.token))
	}
	return err
}

// printable cuts s to at most n bytes and replaces control and other
// unprintable characters with spaces, so that a response fits on one
// line of an error message.
func printable(s string, n int) string {
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
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
