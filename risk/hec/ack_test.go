package hec_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk/hec"
)

func TestSendAck(t *testing.T) {
	const poll = 10 * time.Millisecond
	notAcked := func(id int64, polls int) error {
		return fmt.Errorf("%w: ackId %d unconfirmed after %v (%d polls)", hec.ErrNotAcknowledged, id, time.Duration(polls)*poll, polls)
	}
	tests := []struct {
		name        string
		reason      string
		collector   hecConfig
		n           int
		batch       int
		maxAttempts int
		ackTimeout  time.Duration
		url         string // path after the collector's address
		wantN       int
		wantErr     *hec.SendError
		wantIndexed []int // nil: exactly the delivered events, once each
		wantReqs    int
		wantQueries int
		wantSleeps  []time.Duration
	}{
		{
			name:      "confirmed at the first poll",
			reason:    "each batch waits one poll interval, is confirmed, and only then is the next sent",
			collector: hecConfig{ack: true}, n: 5, batch: 2,
			wantN: 5, wantReqs: 3, wantQueries: 3, wantSleeps: repeat(3, poll),
		},
		{
			name:      "confirmed after a few polls",
			reason:    "the indexers take three queries to confirm; the fourth says true",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{0: {after: 3}}}, n: 1, ackTimeout: 10 * poll,
			wantN: 1, wantReqs: 1, wantQueries: 4, wantSleeps: repeat(4, poll),
		},
		{
			name:      "lost batch resent",
			reason:    "the collector lost the first request's data and never acks it: after AckTimeout (3 polls) it is resent, confirmed, indexed once",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{0: {lose: true}}}, n: 3,
			wantN: 3, wantReqs: 2, wantQueries: 4, wantSleeps: repeat(4, poll),
		},
		{
			name:      "forgotten ack resent",
			reason:    "the collector indexed the data but forgot the ack: the resend indexes it twice, the documented at-least-once",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{0: {forget: true}}}, n: 2,
			wantN:       2,
			wantIndexed: []int{0, 1, 0, 1},
			wantReqs:    2, wantQueries: 4, wantSleeps: repeat(4, poll),
		},
		{
			name:      "ack later than the timeout",
			reason:    "an ack that would come at the fourth query is too late for a timeout of three: resent, duplicated",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{0: {after: 3}}}, n: 1,
			wantN:       1,
			wantIndexed: []int{0, 0},
			wantReqs:    2, wantQueries: 4, wantSleeps: repeat(4, poll),
		},
		{
			name:      "second batch lost twice",
			reason:    "only the unconfirmed batch is resent, until confirmed; every event is indexed exactly once",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{1: {lose: true}, 2: {lose: true}}},
			n:         4, batch: 2,
			wantN: 4, wantReqs: 4, wantQueries: 1 + 3 + 3 + 1, wantSleeps: repeat(8, poll),
		},
		{
			name:      "never acknowledged",
			reason:    "MaxAttempts sends, each polled for AckTimeout, then ErrNotAcknowledged; nothing counts as delivered",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{0: {lose: true}, 1: {lose: true}, 2: {lose: true}}},
			n:         2, maxAttempts: 3,
			wantErr:  &hec.SendError{Err: &hec.Error{Attempts: 3, Err: notAcked(2, 3)}},
			wantReqs: 3, wantQueries: 9, wantSleeps: repeat(9, poll),
		},
		{
			name:      "the poll count rounds up",
			reason:    "a timeout of 2.5 polls is 3 polls",
			collector: hecConfig{ack: true, plans: map[int64]ackPlan{0: {lose: true}}},
			n:         1, maxAttempts: 1, ackTimeout: 25 * time.Millisecond,
			wantErr:  &hec.SendError{Err: &hec.Error{Attempts: 1, Err: notAcked(0, 3)}},
			wantReqs: 1, wantQueries: 3, wantSleeps: repeat(3, poll),
		},
		{
			name:      "a failed query is an unconfirmed one",
			reason:    "a busy ack endpoint is polled again at the next interval",
			collector: hecConfig{ack: true, ackScript: []reply{busy, internal}}, n: 1,
			wantN: 1, wantReqs: 1, wantQueries: 3, wantSleeps: repeat(3, poll),
		},
		{
			name:      "the ack endpoint refuses",
			reason:    "a 400 from the ack endpoint will not change: Send stops, the batch undelivered though HEC took it",
			collector: hecConfig{ack: true, ackScript: []reply{{status: 400, body: `{"text":"Invalid data channel","code":11}`}}},
			n:         2,
			wantErr: &hec.SendError{Err: fmt.Errorf("hec: querying the acknowledgement of ackId 0: %w",
				&hec.Error{StatusCode: 400, Code: 11, Text: "Invalid data channel", Attempts: 1})},
			wantIndexed: []int{0, 1},
			wantReqs:    1, wantQueries: 1, wantSleeps: repeat(1, poll),
		},
		{
			name:      "the ack answer is a page",
			reason:    "a 200 that is not HEC's ack answer confirms nothing",
			collector: hecConfig{ack: true, ackScript: []reply{loginPage}}, n: 1,
			wantErr: &hec.SendError{Err: fmt.Errorf("hec: querying the acknowledgement of ackId 0: %w",
				&hec.Error{StatusCode: 200, Text: "<!DOCTYPE html> <html><title>Sign in</title></html>", Attempts: 1, Err: hec.ErrNotSuccess})},
			wantIndexed: []int{0},
			wantReqs:    1, wantQueries: 1, wantSleeps: repeat(1, poll),
		},
		{
			name:      "acknowledgement off for the token",
			reason:    "a success without ackId cannot be confirmed: reported undelivered, not retried, though HEC took it",
			collector: hecConfig{}, n: 3,
			wantErr:     &hec.SendError{Err: &hec.Error{StatusCode: 200, Text: "Success", Attempts: 1, Err: hec.ErrNoAckID}},
			wantIndexed: []int{0, 1, 2},
			wantReqs:    1,
		},
		{
			name:      "busy, then acknowledged",
			reason:    "retries and acknowledgement compose: the backoff wait, then the poll",
			collector: hecConfig{ack: true, script: []reply{busy}}, n: 1,
			wantN: 1, wantReqs: 2, wantQueries: 1, wantSleeps: []time.Duration{base, poll},
		},
		{
			name:      "collector path",
			reason:    "with the URL's path /services/collector, acks go to /services/collector/ack",
			collector: hecConfig{ack: true}, n: 1, url: "/services/collector",
			wantN: 1, wantReqs: 1, wantQueries: 1, wantSleeps: repeat(1, poll),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCollector(t, tt.collector)
			var sl sleeps
			ackTimeout := tt.ackTimeout
			if ackTimeout == 0 {
				ackTimeout = 3 * poll
			}
			s, err := hec.NewSender(hec.Config{URL: c.URL + tt.url, Token: token, Ack: true, AckTimeout: ackTimeout, AckPollInterval: poll,
				BatchSize: tt.batch, MaxAttempts: tt.maxAttempts, BaseDelay: base, Sleep: sl.sleep})
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
			requests, queries := c.counts()
			if requests != tt.wantReqs || queries != tt.wantQueries {
				t.Errorf("%d requests and %d ack queries, want %d and %d; reason: %s", requests, queries, tt.wantReqs, tt.wantQueries, tt.reason)
			}
			if diff := cmp.Diff(tt.wantSleeps, sl.waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
			if tt.wantIndexed != nil {
				if diff := cmp.Diff(tt.wantIndexed, c.index()); diff != "" {
					t.Errorf("indexed (-want +got):\n%s\nreason: %s", diff, tt.reason)
				}
			} else {
				checkDelivery(t, tt.n, n, err, c.index())
			}
			// Every request, events and acks alike, carried the Sender's
			// one channel.
			ch := s.Channel()
			if !isGUID(ch) {
				t.Errorf("Channel() = %q, not a GUID", ch)
			}
			if diff := cmp.Diff(repeatString(requests+queries, ch), c.seenChannels()); diff != "" {
				t.Errorf("channel of each request (-want +got):\n%s", diff)
			}
			if errors.Is(err, hec.ErrNotAcknowledged) != (tt.wantErr != nil && errors.Is(tt.wantErr.Err, hec.ErrNotAcknowledged)) {
				t.Errorf("errors.Is(%v, ErrNotAcknowledged) is wrong", err)
			}
		})
	}
}

func repeatString(n int, s string) []string {
	var out []string
	for range n {
		out = append(out, s)
	}
	return out
}

func TestChannel(t *testing.T) {
	t.Run("made per Sender", func(t *testing.T) {
		var chans []string
		for range 2 {
			s, err := hec.NewSender(hec.Config{URL: "https://splunk.example.com:8088", Token: token, Ack: true})
			if err != nil {
				t.Fatal(err)
			}
			ch := s.Channel()
			// A version 4 UUID: 4 starts the third group, 8, 9, a or b
			// the fourth.
			if !isGUID(ch) || ch[14] != '4' || !contains([]int{'8', '9', 'a', 'b'}, int(ch[19])) {
				t.Errorf("Channel() = %q, not a random (version 4) UUID", ch)
			}
			chans = append(chans, ch)
		}
		if chans[0] == chans[1] {
			t.Errorf("two Senders share the channel %s", chans[0])
		}
	})
	t.Run("ack token without a channel", func(t *testing.T) {
		c := newCollector(t, hecConfig{ack: true})
		s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Send(context.Background(), numbered(2))
		want := &hec.SendError{Err: &hec.Error{StatusCode: 400, Code: 10, Text: "Data channel is missing", Attempts: 1}}
		if diff := cmp.Diff(want, sendErr(t, err), equateErrors()); diff != "" || n != 0 {
			t.Errorf("Send = %d, %v; want 0 and (-want +got):\n%s", n, err, diff)
		}
		if requests, _ := c.counts(); requests != 1 {
			t.Errorf("%d requests, want 1: HEC's refusal is not retried", requests)
		}
	})
	for _, tt := range []struct {
		name    string
		reason  string
		ack     bool
		channel string
		want    string
	}{
		{"given", "Config.Channel is used as is", true, "0C4B8F3A-5D1E-4F6A-9B2C-7E8D9F0A1B2C", "0C4B8F3A-5D1E-4F6A-9B2C-7E8D9F0A1B2C"},
		{"given without ack", "a channel is sent even without acknowledgement when given", false, "0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c", "0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c"},
		{"none", "without acknowledgement nor Channel, no channel is sent", false, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCollector(t, hecConfig{ack: tt.ack})
			var sl sleeps
			s, err := hec.NewSender(hec.Config{URL: c.URL, Token: token, Ack: tt.ack, Channel: tt.channel, Sleep: sl.sleep})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := s.Send(context.Background(), numbered(1)); n != 1 || err != nil {
				t.Fatalf("Send = %d, %v", n, err)
			}
			if s.Channel() != tt.want {
				t.Errorf("Channel() = %q, want %q; reason: %s", s.Channel(), tt.want, tt.reason)
			}
			requests, queries := c.counts()
			if diff := cmp.Diff(repeatString(requests+queries, tt.want), c.seenChannels()); diff != "" {
				t.Errorf("channel of each request (-want +got):\n%s\nreason: %s", diff, tt.reason)
			}
		})
	}
}
