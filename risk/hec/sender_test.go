package hec_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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

const base = time.Millisecond

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
			c := newCollector(t, hecConfig{})
			s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, BatchSize: tt.batch, MaxBatchBytes: tt.maxBytes})
			if err != nil {
				t.Fatal(err)
			}
			n, err := s.Send(context.Background(), numbered(tt.n))
			if err != nil || n != tt.n {
				t.Fatalf("Send = %d, %v; want %d, nil", n, err, tt.n)
			}
			requests, _ := c.counts()
			sizes := c.batchSizes()
			if diff := cmp.Diff(tt.want, sizes); diff != "" {
				t.Errorf("events per request (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if requests != len(tt.want) {
				t.Errorf("%d requests, want %d", requests, len(tt.want))
			}
			checkDelivery(t, tt.n, n, err, c.index())
		})
	}
}

// retryCase is one scripted exchange: what the collector answers, how the
// Sender is set up, and everything that must come of it.
type retryCase struct {
	name         string
	reason       string
	token        string
	url          string // path after the collector's address
	script       []reply
	n            int
	maxAttempts  int
	maxDelay     time.Duration
	now          time.Time
	wantN        int
	wantErr      *hec.SendError
	wantRequests int
	wantSleeps   []time.Duration
}

func runRetryCase(t *testing.T, tt retryCase) {
	t.Helper()
	c := newCollector(t, hecConfig{script: tt.script})
	tok := tt.token
	if tok == "" {
		tok = token
	}
	var sl sleeps
	cfg := hec.Config{URL: c.URL + tt.url, Token: tok, BaseDelay: base, MaxDelay: tt.maxDelay, MaxAttempts: tt.maxAttempts, Sleep: sl.sleep}
	if !tt.now.IsZero() {
		cfg.Now = func() time.Time { return tt.now }
	} else {
		cfg.Now = func() time.Time { t.Error("the Sender read the clock"); return time.Time{} }
	}
	s, err := hec.NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Send(context.Background(), numbered(tt.n))
	if n != tt.wantN {
		t.Errorf("delivered %d, want %d; reason: %s", n, tt.wantN, tt.reason)
	}
	if diff := cmp.Diff(tt.wantErr, sendErr(t, err), equateErrors()); diff != "" {
		t.Errorf("error (-want +got):\n%s\ngot %v\nreason: %s", diff, err, tt.reason)
	}
	if requests, _ := c.counts(); requests != tt.wantRequests {
		t.Errorf("%d requests, want %d; reason: %s", requests, tt.wantRequests, tt.reason)
	}
	if diff := cmp.Diff(tt.wantSleeps, sl.waits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s\nreason: %s", diff, tt.reason)
	}
	checkDelivery(t, tt.n, n, err, c.index())
}

func TestSendRetries(t *testing.T) {
	date := func(s string) http.Header { return http.Header{"Date": {s}} }
	withRetryAfter := func(rp reply, h http.Header, v string) reply {
		hh := http.Header{"Retry-After": {v}}
		for k, vv := range h {
			hh[k] = vv
		}
		rp.header = hh
		return rp
	}
	noDate := http.Header{"Date": nil}
	tests := []retryCase{
		{
			name:   "503 twice then success",
			reason: "a busy server is retried with growing waits; every event arrives exactly once",
			script: []reply{busy, busy}, n: 150,
			wantN: 150, wantRequests: 4, wantSleeps: []time.Duration{base, 2 * base},
		},
		{
			name:   "429",
			reason: "too many requests is retried like a busy server",
			script: []reply{tooMany, tooMany}, n: 3,
			wantN: 3, wantRequests: 3, wantSleeps: []time.Duration{base, 2 * base},
		},
		{
			name:   "408",
			reason: "a request timeout is retried",
			script: []reply{{status: 408, body: "Request Timeout"}}, n: 3,
			wantN: 3, wantRequests: 2, wantSleeps: []time.Duration{base},
		},
		{
			name:   "Retry-After seconds",
			reason: "the wait is the one the collector asks for, not the backoff",
			script: []reply{withRetryAfter(tooMany, nil, "7"), withRetryAfter(busy, nil, "2")}, n: 3,
			wantN: 3, wantRequests: 3, wantSleeps: []time.Duration{7 * time.Second, 2 * time.Second},
		},
		{
			name:   "Retry-After capped",
			reason: "an hour is more than MaxDelay allows",
			script: []reply{withRetryAfter(busy, nil, "3600")}, n: 1, maxDelay: 10 * time.Second,
			wantN: 1, wantRequests: 2, wantSleeps: []time.Duration{10 * time.Second},
		},
		{
			name:   "Retry-After date against the answer's Date",
			reason: "an HTTP date is measured from the collector's own clock, so skew does not matter; ours is not read",
			script: []reply{withRetryAfter(busy, date("Tue, 01 Apr 2025 10:00:00 GMT"), "Tue, 01 Apr 2025 10:00:05 GMT")}, n: 1,
			wantN: 1, wantRequests: 2, wantSleeps: []time.Duration{5 * time.Second},
		},
		{
			name:   "Retry-After date without Date",
			reason: "with no Date header, the date is measured from Config.Now",
			script: []reply{withRetryAfter(tooMany, noDate, "Tue, 01 Apr 2025 10:00:12 GMT")}, n: 1,
			now:   time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC),
			wantN: 1, wantRequests: 2, wantSleeps: []time.Duration{12 * time.Second},
		},
		{
			name:   "Retry-After date in the past",
			reason: "a date already gone is no wait at all",
			script: []reply{withRetryAfter(busy, date("Tue, 01 Apr 2025 10:00:00 GMT"), "Tue, 01 Apr 2025 09:00:00 GMT")}, n: 1,
			wantN: 1, wantRequests: 2, wantSleeps: []time.Duration{0},
		},
		{
			name:   "Retry-After unreadable",
			reason: "a header that is neither seconds nor a date is ignored for the backoff",
			script: []reply{withRetryAfter(busy, nil, "soon"), withRetryAfter(busy, nil, "-5")}, n: 1,
			wantN: 1, wantRequests: 3, wantSleeps: []time.Duration{base, 2 * base},
		},
		{
			name:   "5xx until giving up",
			reason: "MaxAttempts attempts, then the last error with the attempt count",
			script: []reply{internal, internal, internal, internal}, n: 1, maxAttempts: 3,
			wantErr: &hec.SendError{Stop: 0, Err: &hec.Error{StatusCode: 500, Code: 8, Text: "Internal server error", Attempts: 3}},
			wantN:   0, wantRequests: 3, wantSleeps: []time.Duration{base, 2 * base},
		},
		{
			name:   "second batch gives up",
			reason: "the first batch was delivered, and Stop says where the undelivered part begins",
			script: []reply{normal, busy, busy, busy, busy}, n: 150,
			wantErr: &hec.SendError{Stop: 100, Err: &hec.Error{StatusCode: 503, Code: 9, Text: "Server is busy", Attempts: 4}},
			wantN:   100, wantRequests: 5, wantSleeps: []time.Duration{base, 2 * base, 4 * base},
		},
		{
			name:   "a proxy's page",
			reason: "a 502 HTML page is quoted on one line",
			script: []reply{proxy}, n: 1, maxAttempts: 1,
			wantErr:      &hec.SendError{Err: &hec.Error{StatusCode: 502, Text: "<html><body> <h1>502 Bad Gateway</h1> </body></html>", Attempts: 1}},
			wantRequests: 1,
		},
		{
			name:   "capped backoff",
			reason: "the wait doubles up to MaxDelay",
			script: []reply{busy, busy, busy, busy, busy}, n: 1, maxAttempts: 6, maxDelay: 3 * base,
			wantN: 1, wantRequests: 6, wantSleeps: []time.Duration{base, 2 * base, 3 * base, 3 * base, 3 * base},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runRetryCase(t, tt) })
	}
}

func TestSendPermanentFailures(t *testing.T) {
	long := strings.Repeat("x", 600)
	tests := []retryCase{
		{
			name: "403", reason: "a bad token is not retried; the error carries HEC's text",
			token:   "wrong-token",
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 403, Code: 4, Text: "Invalid token", Attempts: 1}},
		},
		{
			name: "401", reason: "HEC's answer without a token is not retried",
			script:  []reply{{status: 401, body: `{"text":"Token is required","code":2}`}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 401, Code: 2, Text: "Token is required", Attempts: 1}},
		},
		{
			name: "404", reason: "a wrong path is not retried",
			url:     "/services/collector/raw",
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 404, Code: 404, Text: "The requested URL was not found on this server.", Attempts: 1}},
		},
		{
			name: "413", reason: "too large a body will not shrink by itself",
			script:  []reply{{status: 413, body: "<html>Request Entity Too Large</html>"}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 413, Text: "<html>Request Entity Too Large</html>", Attempts: 1}},
		},
		{
			name: "400 without an event number", reason: "HEC refused the request as a whole: nothing to skip, Send stops",
			script:  []reply{noData},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 400, Code: 5, Text: "No data", Attempts: 1}},
		},
		{
			name: "400 with an event number out of range", reason: "an invalid-event-number that is not in the batch names no event",
			script:  []reply{{status: 400, body: `{"text":"Invalid data format","code":6,"invalid-event-number":3}`}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 400, Code: 6, Text: "Invalid data format", Attempts: 1}},
		},
		{
			name: "501", reason: "not implemented stays so",
			script:  []reply{{status: 501, body: "Not Implemented"}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 501, Text: "Not Implemented", Attempts: 1}},
		},
		{
			name: "200 login page", reason: "a proxy's 200 page is not a delivery, and the events were not indexed",
			script:  []reply{loginPage},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 200, Text: "<!DOCTYPE html> <html><title>Sign in</title></html>", Attempts: 1, Err: hec.ErrNotSuccess}},
		},
		{
			name: "200 empty", reason: "an empty 200 is not HEC's success",
			script:  []reply{{status: 200}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 200, Attempts: 1, Err: hec.ErrNotSuccess}},
		},
		{
			name: "204", reason: "no content is not HEC's success",
			script:  []reply{{status: 204}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 204, Attempts: 1, Err: hec.ErrNotSuccess}},
		},
		{
			name: "200 without code", reason: `"code":0 is what says success`,
			script:  []reply{{status: 200, body: `{"text":"Success"}`}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 200, Text: "Success", Attempts: 1, Err: hec.ErrNotSuccess}},
		},
		{
			name: "200 with another code", reason: "a 200 whose code is not 0 is not a success",
			script:  []reply{{status: 200, body: `{"text":"Server is busy","code":9}`}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 200, Code: 9, Text: "Server is busy", Attempts: 1, Err: hec.ErrNotSuccess}},
		},
		{
			name: "200 with trailing garbage", reason: "HEC's JSON followed by garbage is not HEC's answer; the body is quoted",
			script:  []reply{{status: 200, body: `{"text":"Success","code":0}<br>`}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 200, Text: `{"text":"Success","code":0}<br>`, Attempts: 1, Err: hec.ErrNotSuccess}},
		},
		{
			name: "long unprintable text", reason: "the text is cut to 512 bytes, its control and format characters made spaces",
			script: []reply{{status: 400, body: `{"text":"a\tb\u202ec` + long + `","code":6}`}},
			wantErr: &hec.SendError{Err: &hec.Error{StatusCode: 400, Code: 6, Attempts: 1,
				Text: "a b c" + long[:505] + "…"}},
		},
	}
	for _, tt := range tests {
		tt.n = 3
		tt.maxAttempts = 4
		tt.wantRequests = 1
		t.Run(tt.name, func(t *testing.T) { runRetryCase(t, tt) })
	}
}

func TestSendRejected(t *testing.T) {
	rejected := func(index, start, code int, text string) *hec.RejectedError {
		return &hec.RejectedError{Index: index, Start: start, Code: code, Text: text}
	}
	blank := func(index, start int) *hec.RejectedError {
		return rejected(index, start, 13, "Event field cannot be blank")
	}
	tests := []struct {
		name         string
		reason       string
		n            int
		batch        int
		bad          []int
		garbage      []int
		script       []reply
		ack          bool
		wantN        int
		wantErr      *hec.SendError
		wantRequests int
		wantQueries  int
	}{
		{
			name:   "one bad event mid-batch",
			reason: "the four before it are delivered, it is reported with its index, the five after it are sent again",
			n:      10, batch: 10, bad: []int{4},
			wantN: 9, wantErr: &hec.SendError{Rejected: []*hec.RejectedError{blank(4, 0)}, Stop: 10}, wantRequests: 2,
		},
		{
			name:   "bad event in the second batch",
			reason: "the index is in Send's input, not the batch: 2 in the batch from 4 is event 6",
			n:      10, batch: 4, bad: []int{6},
			wantN: 9, wantErr: &hec.SendError{Rejected: []*hec.RejectedError{blank(6, 4)}, Stop: 10}, wantRequests: 3,
		},
		{
			name:   "first of a batch, and last of all",
			reason: "an unparsable event first in its batch, a blank one last: both reported, the rest delivered",
			n:      6, batch: 3, garbage: []int{3}, bad: []int{5},
			wantN: 4, wantErr: &hec.SendError{Rejected: []*hec.RejectedError{rejected(3, 3, 6, "Invalid data format"), blank(5, 4)}, Stop: 6},
			wantRequests: 3,
		},
		{
			name:   "all bad",
			reason: "each bad event costs one request and nothing else",
			n:      2, batch: 2, bad: []int{0, 1},
			wantErr:      &hec.SendError{Rejected: []*hec.RejectedError{blank(0, 0), blank(1, 1)}, Stop: 2},
			wantRequests: 2,
		},
		{
			name:   "a rejection, then a failure",
			reason: "the rejected event and everything from Stop on are undelivered; the two before are delivered",
			n:      6, batch: 6, bad: []int{2},
			script: []reply{normal, {status: 400, body: `{"text":"Incorrect index","code":7}`}},
			wantN:  2,
			wantErr: &hec.SendError{Rejected: []*hec.RejectedError{blank(2, 0)}, Stop: 3,
				Err: &hec.Error{StatusCode: 400, Code: 7, Text: "Incorrect index", Attempts: 1}},
			wantRequests: 2,
		},
		{
			name:   "after a retry",
			reason: "a busy answer, then the rejection: the attempts do not change the index",
			n:      4, batch: 4, bad: []int{1}, script: []reply{busy},
			wantN: 3, wantErr: &hec.SendError{Rejected: []*hec.RejectedError{blank(1, 0)}, Stop: 4}, wantRequests: 3,
		},
		{
			name:   "with acknowledgement",
			reason: "the one before the bad event counts on the 400 alone; the rest are sent again and acknowledged",
			n:      5, batch: 5, bad: []int{1}, ack: true,
			wantN: 4, wantErr: &hec.SendError{Rejected: []*hec.RejectedError{blank(1, 0)}, Stop: 5}, wantRequests: 2, wantQueries: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCollector(t, hecConfig{ack: tt.ack, script: tt.script})
			var sl sleeps
			s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, BatchSize: tt.batch, BaseDelay: base, Sleep: sl.sleep, Ack: tt.ack})
			if err != nil {
				t.Fatal(err)
			}
			evs := numbered(tt.n, tt.bad...)
			for _, i := range tt.garbage {
				evs[i] = garbageEvent
			}
			n, err := s.Send(context.Background(), evs)
			if n != tt.wantN {
				t.Errorf("delivered %d, want %d; reason: %s", n, tt.wantN, tt.reason)
			}
			if diff := cmp.Diff(tt.wantErr, sendErr(t, err), equateErrors()); diff != "" {
				t.Errorf("error (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			var re *hec.RejectedError
			if !errors.As(err, &re) || re.Index != tt.wantErr.Rejected[0].Index {
				t.Errorf("errors.As(%v) did not find the first *hec.RejectedError", err)
			}
			requests, queries := c.counts()
			if requests != tt.wantRequests || queries != tt.wantQueries {
				t.Errorf("%d requests and %d ack queries, want %d and %d; reason: %s", requests, queries, tt.wantRequests, tt.wantQueries, tt.reason)
			}
			checkDelivery(t, tt.n, n, err, c.index())
		})
	}
}

func TestSendErrorMethods(t *testing.T) {
	err := &hec.SendError{
		Rejected: []*hec.RejectedError{{Index: 4, Code: 13, Text: "Event field cannot be blank"}, {Index: 9}},
		Stop:     12,
		Err:      &hec.Error{StatusCode: 503, Code: 9, Text: "Server is busy", Attempts: 4},
	}
	want := "hec: event 4 rejected: Event field cannot be blank (code 13)\n" +
		"hec: event 9 rejected\n" +
		"hec: after 4 attempts: 503 Service Unavailable: Server is busy (code 9)"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var delivered []int
	for i := range 14 {
		if err.Delivered(i) {
			delivered = append(delivered, i)
		}
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3, 5, 6, 7, 8, 10, 11}, delivered); diff != "" {
		t.Errorf("Delivered (-want +got):\n%s", diff)
	}
	if only := (&hec.SendError{Err: &hec.Error{StatusCode: 403, Code: 4, Text: "Invalid token"}}).Error(); only != "hec: 403 Forbidden: Invalid token (code 4)" {
		t.Errorf("with Err alone, Error() = %q, want Err's text", only)
	}
}

func TestSendConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there now
	var sl sleeps
	s, err := hec.NewSender(hec.Config{URL: url, Token: token, MaxAttempts: 3, BaseDelay: base, Sleep: sl.sleep})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Send(context.Background(), numbered(5))
	prefix := `Post "` + url + hec.EventPath + `": dial tcp `
	want := &hec.SendError{Err: &hec.Error{Attempts: 3, Err: matchErr{
		desc: "wraps ECONNREFUSED and reads " + prefix + "…connection refused",
		ok: func(err error) bool {
			return errors.Is(err, syscall.ECONNREFUSED) && strings.HasPrefix(err.Error(), prefix) && strings.HasSuffix(err.Error(), "connection refused")
		},
	}}}
	if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != 0 {
		t.Errorf("Send = %d, %v; want 0 and (-want +got):\n%s", n, err, diff)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "hec: after 3 attempts: "+prefix) {
		t.Errorf("error = %q, want it to start with %q", msg, "hec: after 3 attempts: "+prefix)
	}
	if diff := cmp.Diff([]time.Duration{base, 2 * base}, sl.waits()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

// cancelOnLog is a slog.Handler that cancels a context when the Sender
// warns that it will retry: the moment just before it waits.
type cancelOnLog struct{ cancel context.CancelFunc }

func (h cancelOnLog) Enabled(context.Context, slog.Level) bool  { return true }
func (h cancelOnLog) Handle(context.Context, slog.Record) error { h.cancel(); return nil }
func (h cancelOnLog) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h cancelOnLog) WithGroup(string) slog.Handler             { return h }

func TestSendContext(t *testing.T) {
	busyErr := &hec.Error{StatusCode: 503, Code: 9, Text: "Server is busy", Attempts: 1}
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		c := newCollector(t, hecConfig{script: []reply{busy, busy, busy}})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, Sleep: func(ctx context.Context, d time.Duration) error {
			cancel()
			return ctx.Err()
		}})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(3))
		want := &hec.SendError{Err: fmt.Errorf("hec: waiting to retry after %w: %w", busyErr, context.Canceled)}
		if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != 0 {
			t.Errorf("Send = %d, %v; want 0 and (-want +got):\n%s", n, err, diff)
		}
		if msg := "hec: waiting to retry after hec: 503 Service Unavailable: Server is busy (code 9): context canceled"; err.Error() != msg {
			t.Errorf("error = %q, want %q", err, msg)
		}
		var he *hec.Error
		if !errors.As(err, &he) || !errors.Is(err, context.Canceled) {
			t.Errorf("error %v: want both the *hec.Error and context.Canceled", err)
		}
	})
	t.Run("cancelled during the real wait", func(t *testing.T) {
		c := newCollector(t, hecConfig{script: []reply{busy}})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// No Sleep: the Sender's own timer of an hour must give way to ctx.
		s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, BaseDelay: time.Hour, Logger: slog.New(cancelOnLog{cancel})})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(1))
		want := &hec.SendError{Err: fmt.Errorf("hec: waiting to retry after %w: %w", busyErr, context.Canceled)}
		if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != 0 {
			t.Errorf("Send = %d, %v; want 0 and (-want +got):\n%s", n, err, diff)
		}
		if requests, _ := c.counts(); requests != 1 {
			t.Errorf("%d requests, want 1", requests)
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		c := newCollector(t, hecConfig{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var sl sleeps
		s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, Sleep: sl.sleep})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(1))
		want := &hec.SendError{Err: fmt.Errorf("hec: %w", context.Canceled)}
		if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != 0 {
			t.Errorf("Send = %d, %v; want 0 and (-want +got):\n%s", n, err, diff)
		}
		if requests, _ := c.counts(); requests != 0 || len(sl.waits()) != 0 {
			t.Errorf("%d requests and %d waits, want none", requests, len(sl.waits()))
		}
	})
	t.Run("cancelled while polling the second batch's ack", func(t *testing.T) {
		c := newCollector(t, hecConfig{ack: true})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		polls := 0
		s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, Ack: true, BatchSize: 2, Sleep: func(ctx context.Context, d time.Duration) error {
			if polls++; polls == 2 {
				cancel()
			}
			return ctx.Err()
		}})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(ctx, numbered(4))
		want := &hec.SendError{Stop: 2, Err: fmt.Errorf("hec: waiting for the acknowledgement of ackId 1: %w", context.Canceled)}
		if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != 2 {
			t.Errorf("Send = %d, %v; want 2 and (-want +got):\n%s", n, err, diff)
		}
		// HEC took the second batch, but nothing confirmed it: it is
		// reported as not delivered, never as delivered.
		if diff := cmp.Diff([]int{0, 1, 2, 3}, c.index()); diff != "" {
			t.Errorf("indexed (-want +got):\n%s", diff)
		}
		if requests, queries := c.counts(); requests != 2 || queries != 1 {
			t.Errorf("%d requests and %d ack queries, want 2 and 1", requests, queries)
		}
	})
}

func TestSendConcurrently(t *testing.T) {
	for _, ack := range []bool{false, true} {
		t.Run(fmt.Sprintf("ack=%t", ack), func(t *testing.T) {
			c := newCollector(t, hecConfig{ack: ack})
			var sl sleeps
			s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, BatchSize: 7, Ack: ack, Sleep: sl.sleep})
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
			count := map[int]int{}
			for _, ev := range c.index() {
				count[ev]++
			}
			want := map[int]int{}
			for i := range 30 {
				want[i] = 4
			}
			if diff := cmp.Diff(want, count); diff != "" {
				t.Errorf("times each event was indexed (-want +got):\n%s", diff)
			}
			requests, queries := c.counts()
			wantQueries := 0
			if ack {
				wantQueries = 4 * 5
			}
			if requests != 4*5 || queries != wantQueries {
				t.Errorf("%d requests and %d ack queries, want %d and %d", requests, queries, 4*5, wantQueries)
			}
		})
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
			name:   "ack",
			reason: "acknowledgement needs nothing more; a channel of any hex case is a GUID",
			cfg:    hec.Config{URL: "https://splunk.example.com:8088", Token: token, Ack: true, Channel: "0C4B8F3A-5d1e-4f6a-9b2c-7e8d9f0a1b2c"},
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
				MaxAttempts: -1, BaseDelay: -1, MaxDelay: -1, AckTimeout: -1, AckPollInterval: -1, Channel: "channel\n1"},
			want: []string{
				`hec: invalid HEC configuration: URL scheme "ftp" is not http or https`,
				"hec: invalid HEC configuration: token holds white space or control characters",
				"hec: invalid HEC configuration: negative BatchSize",
				"hec: invalid HEC configuration: negative MaxBatchBytes",
				"hec: invalid HEC configuration: negative MaxAttempts",
				"hec: invalid HEC configuration: negative BaseDelay",
				"hec: invalid HEC configuration: negative MaxDelay",
				"hec: invalid HEC configuration: negative AckTimeout",
				"hec: invalid HEC configuration: negative AckPollInterval",
				`hec: invalid HEC configuration: Channel "channel 1" is not a GUID`,
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
// config or sender, no log record and no error, even when HEC echoes it,
// in any letter case, anywhere in its text.
func TestTokenNeverShown(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	upper := strings.ToUpper(token)
	mixed := strings.ToUpper(token[:18]) + token[18:]
	c := newCollector(t, hecConfig{script: []reply{
		{status: 503, body: `{"text":"Busy with ` + upper + `","code":9}`},
		echo,
		{status: 200, body: "<html>welcome " + mixed + "</html>"},
		{status: 400, body: `{"text":"` + strings.Repeat(".", 500) + token + `","code":6}`},
	}})
	var sl sleeps
	cfg := hec.Config{URL: c.URL, Token: token, Sleep: sl.sleep, Logger: logger, Ack: true, Channel: "0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c"}
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

	var sendErrs []error
	for range 3 { // a 503 then a 400 echoing it; a 200 page; a long text
		_, err := s.Send(context.Background(), numbered(1))
		if err == nil {
			t.Fatal("Send succeeded against a server that echoes the token")
		}
		sendErrs = append(sendErrs, err)
		shown = append(shown, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}

	bad := hec.Config{URL: c.URL, Token: token + " x"}
	if _, err := hec.NewSender(bad); err != nil {
		shown = append(shown, err.Error())
	} else {
		t.Error("a token with a space was accepted")
	}
	refused := httptest.NewServer(http.NotFoundHandler())
	refused.Close()
	rs, err := hec.NewSender(hec.Config{URL: refused.URL + "/services/collector/event?token=" + upper, Token: token, MaxAttempts: 2, Sleep: sl.sleep, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Send(context.Background(), numbered(1)); err != nil {
		shown = append(shown, err.Error(), fmt.Sprintf("%+v", err))
	}
	shown = append(shown, logs.String())

	for _, text := range shown {
		if lower := strings.ToLower(text); strings.Contains(lower, token) || strings.Contains(lower, token[:8]) || strings.Contains(lower, token[len(token)-8:]) {
			t.Errorf("the token shows in %q", text)
		}
	}
	want := []string{
		"hec: after 2 attempts: 400 Bad Request: Token REDACTED is disabled (code 1)",
		"hec: 200 OK: not HEC's success answer: <html>welcome REDACTED</html>",
		"hec: 400 Bad Request: " + strings.Repeat(".", 500) + "REDACTED (code 6)",
	}
	var got []string
	for _, err := range sendErrs {
		got = append(got, err.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors with the echoed token redacted (-want +got):\n%s", diff)
	}
	if want := `hec.Config{URL: ` + c.URL + `, Token: REDACTED, BatchSize: 0, MaxBatchBytes: 0, MaxAttempts: 0, BaseDelay: 0s, MaxDelay: 0s, Ack: true, AckTimeout: 0s, AckPollInterval: 0s, Channel: "0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c"}`; fmt.Sprintf("%#v", cfg) != want {
		t.Errorf("%%#v of a Config = %q, want %q", fmt.Sprintf("%#v", cfg), want)
	}
	for _, want := range []string{`"msg":"hec: retrying"`, `"token":"REDACTED"`, `Busy with REDACTED`, `?REDACTED`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
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
