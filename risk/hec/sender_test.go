package hec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk/hec"
)

const token = "0f3c9a7e-5b1d-4e2a-9c8b-7d6e5f4a3b2c"

// reply is one scripted answer of the test server.
type reply struct {
	status int
	body   string
}

var (
	busy      = reply{503, `{"text":"Server is busy","code":9}`}
	internal  = reply{500, `{"text":"Internal server error","code":8}`}
	badFormat = reply{400, `{"text":"Invalid data format","code":6,"invalid-event-number":0}`}
	proxy     = reply{502, "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>"}
	echo      = reply{400, `{"text":"Token ` + token + ` is disabled","code":1}`}
)

// server is an HEC on loopback: it checks the token and the path, answers
// with the scripted replies in turn and then with success, and records
// the bodies it accepts.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	script   []reply
	requests int
	accepted [][]byte
}

func newServer(t *testing.T, script ...reply) *server {
	t.Helper()
	s := &server{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.requests
	s.requests++
	answer := func(rp reply) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}
	switch {
	case r.Header.Get("Authorization") != "Splunk "+token:
		answer(reply{403, `{"text":"Invalid token","code":4}`})
	case r.Method != http.MethodPost || r.URL.Path != hec.EventPath:
		answer(reply{404, `{"text":"The requested URL was not found on this server.","code":404}`})
	case r.Header.Get("Content-Type") != "application/json":
		answer(reply{400, `{"text":"Wrong content type","code":6}`})
	case n < len(s.script) && s.script[n].status/100 != 2:
		answer(s.script[n])
	default:
		s.accepted = append(s.accepted, body)
		answer(reply{200, `{"text":"Success","code":0}`})
	}
}

// events decodes the accepted bodies, each a stream of JSON objects, into
// the "event" value of each, per body.
func (s *server) events(t *testing.T) [][]int {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]int
	for _, body := range s.accepted {
		var batch []int
		dec := json.NewDecoder(bytes.NewReader(body))
		for dec.More() {
			var obj struct{ Event int }
			if err := dec.Decode(&obj); err != nil {
				t.Fatalf("body %q: %v", body, err)
			}
			batch = append(batch, obj.Event)
		}
		out = append(out, batch)
	}
	return out
}

func numbered(n int) [][]byte {
	evs := make([][]byte, n)
	for i := range evs {
		evs[i] = hec.AppendEvent(nil, time.Unix(int64(1743465600+i), 0), hec.Metadata{}, []byte(fmt.Sprint(i)))
	}
	return evs
}

// sleeps records the waits a Sender asks for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func TestSendBatching(t *testing.T) {
	tests := []struct {
		name     string
		reason   string
		n        int
		batch    int
		maxBytes int
		want     []int // events per request
	}{
		{name: "none", reason: "no events, no request", n: 0, batch: 100},
		{name: "one", reason: "a partial batch is sent", n: 1, batch: 100, want: []int{1}},
		{name: "exactly one batch", reason: "100 events in batches of 100 are one request", n: 100, batch: 100, want: []int{100}},
		{name: "one over", reason: "101 events need two requests", n: 101, batch: 100, want: []int{100, 1}},
		{name: "250", reason: "ceil(250/100) = 3 requests", n: 250, batch: 100, want: []int{100, 100, 50}},
		{name: "default size", reason: "a zero BatchSize means 100", n: 150, want: []int{100, 50}},
		{name: "small batches", reason: "ceil(7/3) = 3 requests", n: 7, batch: 3, want: []int{3, 3, 1}},
		{
			name:   "byte limit",
			reason: "events of 32 bytes (33 with the newline) in bodies of at most 70 bytes: two per request",
			n:      5, batch: 100, maxBytes: 70, want: []int{2, 2, 1},
		},
		{
			name:   "event over the byte limit",
			reason: "an event larger than the limit goes alone rather than never",
			n:      3, batch: 100, maxBytes: 10, want: []int{1, 1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: token, BatchSize: tt.batch, MaxBatchBytes: tt.maxBytes})
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.Send(context.Background(), numbered(tt.n))
			if err != nil || n != tt.n {
				t.Fatalf("Send = %d, %v; want %d, nil", n, err, tt.n)
			}
			got := srv.events(t)
			var sizes []int
			next := 0
			for _, batch := range got {
				sizes = append(sizes, len(batch))
				for _, ev := range batch {
					if ev != next {
						t.Fatalf("event %d arrived where %d was due: lost, duplicated or reordered", ev, next)
					}
					next++
				}
			}
			if diff := cmp.Diff(tt.want, sizes); diff != "" {
				t.Errorf("events per request (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if srv.requests != len(tt.want) {
				t.Errorf("%d requests, want %d", srv.requests, len(tt.want))
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	const base = time.Millisecond
	tests := []struct {
		name          string
		reason        string
		token         string
		script        []reply
		n             int
		maxAttempts   int
		maxDelay      time.Duration
		wantDelivered int
		wantErr       string
		wantStatus    int
		wantRequests  int
		wantSleeps    []time.Duration
	}{
		{
			name:          "503 twice then success",
			reason:        "a busy server is retried with growing waits; every event arrives exactly once",
			script:        []reply{busy, busy},
			n:             150,
			wantDelivered: 150,
			wantRequests:  4,
			wantSleeps:    []time.Duration{base, 2 * base},
		},
		{
			name:          "403",
			reason:        "a bad token is not retried; the error carries HEC's text",
			token:         "wrong-token",
			n:             150,
			wantErr:       "hec: 403 Forbidden: Invalid token (code 4)",
			wantStatus:    403,
			wantRequests:  1,
			wantDelivered: 0,
		},
		{
			name:          "400",
			reason:        "a refused batch is not retried",
			script:        []reply{badFormat},
			n:             1,
			wantErr:       "hec: 400 Bad Request: Invalid data format (code 6)",
			wantStatus:    400,
			wantRequests:  1,
			wantDelivered: 0,
		},
		{
			name:          "second batch refused",
			reason:        "the first batch was delivered, and the count says so",
			script:        []reply{{200, `{"text":"Success","code":0}`}, badFormat},
			n:             150,
			wantErr:       "hec: 400 Bad Request: Invalid data format (code 6)",
			wantStatus:    400,
			wantRequests:  2,
			wantDelivered: 100,
		},
		{
			name:          "5xx until giving up",
			reason:        "MaxAttempts attempts, then the last error with the attempt count",
			script:        []reply{internal, internal, internal, internal},
			n:             1,
			maxAttempts:   3,
			wantErr:       "hec: after 3 attempts: 500 Internal Server Error: Internal server error (code 8)",
			wantStatus:    500,
			wantRequests:  3,
			wantSleeps:    []time.Duration{base, 2 * base},
			wantDelivered: 0,
		},
		{
			name:          "not HEC's JSON",
			reason:        "a proxy's HTML page is quoted, on one line",
			script:        []reply{proxy},
			n:             1,
			maxAttempts:   1,
			wantErr:       "hec: 502 Bad Gateway: <html><body> <h1>502 Bad Gateway</h1> </body></html>",
			wantStatus:    502,
			wantRequests:  1,
			wantDelivered: 0,
		},
		{
			name:          "capped backoff",
			reason:        "the wait doubles up to MaxDelay",
			script:        []reply{busy, busy, busy, busy, busy},
			n:             1,
			maxAttempts:   6,
			maxDelay:      3 * base,
			wantDelivered: 1,
			wantRequests:  6,
			wantSleeps:    []time.Duration{base, 2 * base, 3 * base, 3 * base, 3 * base},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.script...)
			tok := tt.token
			if tok == "" {
				tok = token
			}
			var sl sleeps
			s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: tok, BaseDelay: base, MaxDelay: tt.maxDelay, MaxAttempts: tt.maxAttempts, Sleep: sl.sleep})
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.Send(context.Background(), numbered(tt.n))
			if n != tt.wantDelivered {
				t.Errorf("delivered %d, want %d; reason: %s", n, tt.wantDelivered, tt.reason)
			}
			var got string
			if err != nil {
				got = err.Error()
				var he *hec.Error
				if !errors.As(err, &he) || he.StatusCode != tt.wantStatus {
					t.Errorf("error %v: want a *hec.Error with status %d", err, tt.wantStatus)
				}
			}
			if got != tt.wantErr {
				t.Errorf("error = %q, want %q; reason: %s", got, tt.wantErr, tt.reason)
			}
			if srv.requests != tt.wantRequests {
				t.Errorf("%d requests, want %d; reason: %s", srv.requests, tt.wantRequests, tt.reason)
			}
			if diff := cmp.Diff(tt.wantSleeps, sl.d); diff != "" {
				t.Errorf("waits (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			var delivered int
			for _, b := range srv.events(t) {
				delivered += len(b)
			}
			if delivered != tt.wantDelivered {
				t.Errorf("the server accepted %d events, want %d: a retry lost or duplicated some", delivered, tt.wantDelivered)
			}
		})
	}
}

func TestSendConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	var sl sleeps
	s, err := hec.NewSender(hec.Config{URL: url, Token: token, MaxAttempts: 3, BaseDelay: time.Millisecond, Sleep: sl.sleep})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Send(context.Background(), numbered(5))
	if n != 0 || err == nil {
		t.Fatalf("Send = %d, %v; want 0 and an error", n, err)
	}
	var he *hec.Error
	if !errors.As(err, &he) || he.Attempts != 3 || he.StatusCode != 0 || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %#v: want a *hec.Error after 3 attempts wrapping ECONNREFUSED", err)
	}
	prefix := `hec: after 3 attempts: Post "` + url + hec.EventPath + `": dial tcp `
	if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.HasSuffix(msg, "connection refused") {
		t.Errorf("error = %q, want %q…connection refused", msg, prefix)
	}
	if diff := cmp.Diff([]time.Duration{time.Millisecond, 2 * time.Millisecond}, sl.d); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestSendContext(t *testing.T) {
	t.Run("cancelled while waiting", func(t *testing.T) {
		srv := newServer(t, busy, busy, busy)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: token, Sleep: func(ctx context.Context, d time.Duration) error {
			cancel()
			return ctx.Err()
		}})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(3))
		want := "hec: waiting to retry after hec: 503 Service Unavailable: Server is busy (code 9): context canceled"
		if n != 0 || err == nil || err.Error() != want || !errors.Is(err, context.Canceled) {
			t.Errorf("Send = %d, %v; want 0, %q wrapping context.Canceled", n, err, want)
		}
	})
	t.Run("deadline during the real wait", func(t *testing.T) {
		srv := newServer(t, busy)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: token, BaseDelay: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(1))
		if n != 0 || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Send = %d, %v; want 0 and context.DeadlineExceeded", n, err)
		}
		if srv.requests != 1 {
			t.Errorf("%d requests, want 1", srv.requests)
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		srv := newServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var sl sleeps
		s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: token, Sleep: sl.sleep})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(1))
		if n != 0 || !errors.Is(err, context.Canceled) || len(sl.d) != 0 {
			t.Errorf("Send = %d, %v after %d waits; want 0, context.Canceled and no retry", n, err, len(sl.d))
		}
	})
}

func TestSendConcurrently(t *testing.T) {
	srv := newServer(t)
	s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: token, BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if n, err := s.Send(context.Background(), numbered(30)); n != 30 || err != nil {
				t.Errorf("Send = %d, %v", n, err)
			}
		})
	}
	wg.Wait()
	total := 0
	for _, b := range srv.events(t) {
		total += len(b)
	}
	if total != 120 {
		t.Errorf("the server accepted %d events, want 120", total)
	}
}

func TestNewSenderValidation(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		cfg    hec.Config
		want   []string
	}{
		{
			name:   "minimal",
			reason: "a URL and a token are enough",
			cfg:    hec.Config{URL: "https://splunk.example.com:8088", Token: token},
		},
		{
			name:   "nothing",
			reason: "the URL and the token are required",
			want:   []string{"hec: invalid HEC configuration: no URL", "hec: invalid HEC configuration: no token"},
		},
		{
			name:   "bad values",
			reason: "every problem at once; the token's text never appears",
			cfg: hec.Config{URL: "ftp://splunk.example.com", Token: "s3cr3t token", BatchSize: -1, MaxBatchBytes: -1,
				MaxAttempts: -1, BaseDelay: -1, MaxDelay: -1},
			want: []string{
				`hec: invalid HEC configuration: URL scheme "ftp" is not http or https`,
				"hec: invalid HEC configuration: token holds white space or control characters",
				"hec: invalid HEC configuration: negative BatchSize",
				"hec: invalid HEC configuration: negative MaxBatchBytes",
				"hec: invalid HEC configuration: negative MaxAttempts",
				"hec: invalid HEC configuration: negative BaseDelay",
				"hec: invalid HEC configuration: negative MaxDelay",
			},
		},
		{
			name:   "no host",
			reason: "a URL needs a host",
			cfg:    hec.Config{URL: "https:///services/collector", Token: token},
			want:   []string{"hec: invalid HEC configuration: URL has no host"},
		},
		{
			name:   "unparsable",
			reason: "the URL's text is not repeated: it may hold a secret",
			cfg:    hec.Config{URL: "http://a b:%zz", Token: token},
			want:   []string{"hec: invalid HEC configuration: URL does not parse"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := hec.NewSender(tt.cfg)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
				if !errors.Is(err, hec.ErrConfig) || s != nil {
					t.Errorf("error %v: want ErrConfig and no Sender", err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}

// TestTokenNeverShown checks that the token appears in no formatted
// config or sender, no log record and no error, even when HEC echoes it.
func TestTokenNeverShown(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newServer(t, busy, echo)
	var sl sleeps
	cfg := hec.Config{URL: srv.URL, Token: token, Sleep: sl.sleep, Logger: logger}
	s, err := hec.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}

	var shown []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%T %v"} {
		shown = append(shown, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, s), fmt.Sprintf(verb, &cfg))
	}
	shown = append(shown, cfg.String(), s.String(), fmt.Sprint(struct{ C hec.Config }{cfg}), fmt.Sprintf("%+v", []any{cfg, s}))
	logger.Info("config", "hec", cfg, "sender", s)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "hec", cfg, "sender", s)

	_, sendErr := s.Send(context.Background(), numbered(1)) // 503, then a 400 that echoes the token
	if sendErr == nil {
		t.Fatal("Send succeeded against a server that echoes the token in a 400")
	}
	shown = append(shown, sendErr.Error(), fmt.Sprintf("%+v", sendErr), fmt.Sprintf("%#v", sendErr))

	bad := hec.Config{URL: srv.URL, Token: token + " x"}
	if _, err := hec.NewSender(bad); err != nil {
		shown = append(shown, err.Error())
	} else {
		t.Error("a token with a space was accepted")
	}
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close()
	rs, err := hec.NewSender(hec.Config{URL: refused.URL, Token: token, MaxAttempts: 2, Sleep: sl.sleep, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Send(context.Background(), numbered(1)); err != nil {
		shown = append(shown, err.Error())
	}
	shown = append(shown, logs.String())

	for _, text := range shown {
		if strings.Contains(text, token) || strings.Contains(text, token[:8]) {
			t.Errorf("the token shows in %q", text)
		}
	}
	if want := "hec: after 2 attempts: 400 Bad Request: Token REDACTED is disabled (code 1)"; sendErr.Error() != want {
		t.Errorf("error %q: want the echoed token redacted: %q", sendErr, want)
	}
	if want := `hec.Config{URL: ` + srv.URL + `, Token: REDACTED, BatchSize: 0, MaxBatchBytes: 0, MaxAttempts: 0, BaseDelay: 0s, MaxDelay: 0s}`; fmt.Sprintf("%#v", cfg) != want {
		t.Errorf("%%#v of a Config = %q, want %q", fmt.Sprintf("%#v", cfg), want)
	}
	if !strings.Contains(logs.String(), `"msg":"hec: retrying"`) || !strings.Contains(logs.String(), `"token":"REDACTED"`) {
		t.Errorf("logs lack the retry warning or the redacted token:\n%s", logs.String())
	}
}

func TestConfigURLRedaction(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		url    string
		want   string
	}{
		{"plain", "a plain URL is shown as is", "https://splunk.example.com:8088", "https://splunk.example.com:8088"},
		{"password", "a password in the URL is a secret too", "https://admin:hunter2@splunk.example.com:8088", "https://admin:xxxxx@splunk.example.com:8088"},
		{"query", "a query can carry a token", "https://splunk.example.com:8088/services/collector?token=abc", "https://splunk.example.com:8088/services/collector?REDACTED"},
		{"unparsable", "an unparsable URL is not echoed", "http://a b:%zz", "(unparsable URL)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hec.Config{URL: tt.url}.String()
			want := "hec.Config{URL: " + tt.want + `, Token: "", BatchSize: 0, MaxBatchBytes: 0, MaxAttempts: 0, BaseDelay: 0s, MaxDelay: 0s}`
			if got != want {
				t.Errorf("String() = %q, want %q; reason: %s", got, want, tt.reason)
			}
		})
	}
}
