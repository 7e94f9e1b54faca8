package hec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/risk/hec"
)

const token = "0f3c9a7e-5b1d-4e2a-9c8b-7d6e5f4a3b2c"

// reply is one scripted answer of the collector.
type reply struct {
	status int
	body   string
	header http.Header // set on the answer; a nil value removes a header
}

// normal, in a script, lets the collector answer as HEC would.
var normal = reply{}

var (
	busy      = reply{status: 503, body: `{"text":"Server is busy","code":9}`}
	internal  = reply{status: 500, body: `{"text":"Internal server error","code":8}`}
	tooMany   = reply{status: 429, body: `{"text":"Too many requests","code":9}`}
	proxy     = reply{status: 502, body: "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>"}
	echo      = reply{status: 400, body: `{"text":"Token ` + token + ` is disabled","code":1}`}
	noData    = reply{status: 400, body: `{"text":"No data","code":5}`}
	loginPage = reply{status: 200, body: "<!DOCTYPE html>\n<html><title>Sign in</title></html>"}
)

// ackPlan says how the collector treats the acknowledgement of one ackId.
// The zero plan confirms it at the first query.
type ackPlan struct {
	after  int  // queries answered false before the one answered true
	lose   bool // the data is lost (never indexed) and the ack never comes
	forget bool // the data is indexed but the ack never comes
}

// hecConfig configures a collector.
type hecConfig struct {
	ack       bool              // indexer acknowledgement on for the token
	script    []reply           // answers to the first event requests, in turn
	ackScript []reply           // answers to the first ack queries, in turn
	plans     map[int64]ackPlan // by ackId
}

// collector is an HTTP Event Collector on loopback that speaks HEC's
// protocol: it checks the token, the path, the content type and, with
// acknowledgement, the channel; it decodes each event request, indexes
// its events in order, and rejects a bad event with invalid-event-number
// after indexing those before it, as HEC does; with acknowledgement it
// hands out an ackId per request on each channel and answers
// /services/collector/ack, forgetting an ackId once it has answered true.
type collector struct {
	*httptest.Server
	t   *testing.T
	cfg hecConfig

	mu            sync.Mutex
	eventRequests int
	ackQueries    int
	channels      []string // the channel of each request, "" for none
	indexed       []int    // the numbers of the indexed events, in order
	sizes         []int    // the number of events of each request answered with success
	next          map[string]int64
	pending       map[string]map[int64]*pendingAck
}

type pendingAck struct {
	plan    ackPlan
	queries int
}

func newCollector(t *testing.T, cfg hecConfig) *collector {
	t.Helper()
	c := newUnstartedCollector(t, cfg)
	c.Start()
	return c
}

func newUnstartedCollector(t *testing.T, cfg hecConfig) *collector {
	t.Helper()
	c := &collector{t: t, cfg: cfg, next: map[string]int64{}, pending: map[string]map[int64]*pendingAck{}}
	c.Server = httptest.NewUnstartedServer(c)
	t.Cleanup(c.Close)
	return c
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	answer := func(rp reply) {
		w.Header().Set("Content-Type", "application/json")
		for k, v := range rp.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}
	fail := func(status, code int, text string) {
		answer(reply{status: status, body: fmt.Sprintf(`{"text":%q,"code":%d}`, text, code)})
	}
	isAck := r.URL.Path == hec.AckPath
	var n int
	var script []reply
	if isAck {
		n, script = c.ackQueries, c.cfg.ackScript
		c.ackQueries++
	} else {
		n, script = c.eventRequests, c.cfg.script
		c.eventRequests++
	}
	channel := r.Header.Get(hec.ChannelHeader)
	if channel == "" {
		channel = r.URL.Query().Get("channel")
	}
	c.channels = append(c.channels, channel)
	switch {
	case r.Header.Get("Authorization") != "Splunk "+token:
		fail(403, 4, "Invalid token")
	case r.Method != http.MethodPost || !isAck && r.URL.Path != hec.EventPath && r.URL.Path != "/services/collector":
		fail(404, 404, "The requested URL was not found on this server.")
	case r.Header.Get("Content-Type") != "application/json":
		fail(400, 6, "Wrong content type")
	case isAck && !c.cfg.ack:
		fail(400, 14, "ACK is disabled")
	case c.cfg.ack && channel == "":
		fail(400, 10, "Data channel is missing")
	case c.cfg.ack && !isGUID(channel):
		fail(400, 11, "Invalid data channel")
	case n < len(script) && script[n].status != 0:
		answer(script[n])
	case isAck:
		c.serveAck(answer, channel, body)
	default:
		c.serveEvents(answer, channel, body)
	}
}

func (c *collector) serveEvents(answer func(reply), channel string, body []byte) {
	var got []int
	reject := func(i, code int, text string) {
		c.indexed = append(c.indexed, got...) // HEC keeps those before the bad one
		answer(reply{status: 400, body: fmt.Sprintf(`{"text":%q,"code":%d,"invalid-event-number":%d}`, text, code, i)})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for i := 0; dec.More(); i++ {
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			reject(i, 6, "Invalid data format")
			return
		}
		raw, ok := obj["event"]
		switch {
		case !ok:
			reject(i, 12, "Event field is required")
			return
		case string(raw) == `""` || string(raw) == "null":
			reject(i, 13, "Event field cannot be blank")
			return
		}
		var num int
		if err := json.Unmarshal(raw, &num); err != nil {
			c.t.Errorf("collector: event %s is not a number", raw)
		}
		got = append(got, num)
	}
	c.sizes = append(c.sizes, len(got))
	if !c.cfg.ack {
		c.indexed = append(c.indexed, got...)
		answer(reply{status: 200, body: `{"text":"Success","code":0}`})
		return
	}
	id := c.next[channel]
	c.next[channel]++
	plan := c.cfg.plans[id]
	if !plan.lose {
		c.indexed = append(c.indexed, got...)
	}
	if c.pending[channel] == nil {
		c.pending[channel] = map[int64]*pendingAck{}
	}
	c.pending[channel][id] = &pendingAck{plan: plan}
	answer(reply{status: 200, body: fmt.Sprintf(`{"text":"Success","code":0,"ackId":%d}`, id)})
}

func (c *collector) serveAck(answer func(reply), channel string, body []byte) {
	var q struct {
		Acks []int64 `json:"acks"`
	}
	if err := json.Unmarshal(body, &q); err != nil || q.Acks == nil {
		answer(reply{status: 400, body: `{"text":"Invalid data format","code":6}`})
		return
	}
	out := map[string]bool{}
	for _, id := range q.Acks {
		done := false
		if p := c.pending[channel][id]; p != nil {
			p.queries++
			if !p.plan.lose && !p.plan.forget && p.queries > p.plan.after {
				done = true
				delete(c.pending[channel], id) // HEC forgets an ackId once it said true
			}
		}
		out[strconv.FormatInt(id, 10)] = done
	}
	b, _ := json.Marshal(map[string]any{"acks": out})
	answer(reply{status: 200, body: string(b)})
}

// counts returns the numbers of event requests and ack queries so far.
func (c *collector) counts() (events, acks int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.eventRequests, c.ackQueries
}

// index returns the numbers of the events indexed so far, in order.
func (c *collector) index() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.indexed...)
}

// batchSizes returns the number of events of each request answered with
// success.
func (c *collector) batchSizes() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int(nil), c.sizes...)
}

// seenChannels returns the channel of each request so far.
func (c *collector) seenChannels() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.channels...)
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'):
			return false
		}
	}
	return true
}

// Bad events the collector rejects.
var (
	blankEvent   = []byte(`{"time":1743465600,"event":""}`)
	garbageEvent = []byte(`{"time":1743465600,"event":}`)
)

// numbered returns n events whose "event" is their index, the indexes in
// bad replaced by blankEvent.
func numbered(n int, bad ...int) [][]byte {
	evs := make([][]byte, n)
	for i := range evs {
		evs[i] = hec.AppendEvent(nil, time.Unix(int64(1743465600+i), 0), hec.Metadata{}, []byte(strconv.Itoa(i)))
	}
	for _, i := range bad {
		evs[i] = blankEvent
	}
	return evs
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
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

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// repeat returns n times d.
func repeat(n int, d time.Duration) []time.Duration {
	var out []time.Duration
	for range n {
		out = append(out, d)
	}
	return out
}

// matchErr, as a want, matches any error for which ok holds; it stands
// for errors whose text is not ours to pin, such as a dial error.
type matchErr struct {
	desc string
	ok   func(error) bool
}

func (m matchErr) Error() string { return "an error that " + m.desc }

// sentinels are compared by errors.Is when two wrapped errors are.
var sentinels = []error{
	context.Canceled, context.DeadlineExceeded, syscall.ECONNREFUSED,
	hec.ErrNotSuccess, hec.ErrNoAckID, hec.ErrNotAcknowledged,
}

var errorType = reflect.TypeFor[error]()

// equateErrors compares the values of type error inside a *hec.SendError:
// an *hec.Error field by field, a matchErr by its predicate, any other
// error by its text and the sentinels it wraps.
func equateErrors() cmp.Option {
	var opt cmp.Option
	opt = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().Type() == errorType },
		cmp.Comparer(func(x, y error) bool {
			if m, ok := x.(matchErr); ok {
				return m.ok(y)
			}
			if m, ok := y.(matchErr); ok {
				return m.ok(x)
			}
			if x == nil || y == nil {
				return x == nil && y == nil
			}
			hx, okx := x.(*hec.Error)
			hy, oky := y.(*hec.Error)
			if okx || oky {
				return okx && oky && cmp.Equal(hx, hy, opt)
			}
			if x.Error() != y.Error() {
				return false
			}
			for _, s := range sentinels {
				if errors.Is(x, s) != errors.Is(y, s) {
					return false
				}
			}
			return true
		}))
	return opt
}

// sendErr returns err as a *hec.SendError, failing t when it is another
// type; nil for nil.
func sendErr(t *testing.T, err error) *hec.SendError {
	t.Helper()
	if err == nil {
		return nil
	}
	se, ok := err.(*hec.SendError)
	if !ok {
		t.Fatalf("error %v is a %T, not a *hec.SendError", err, err)
	}
	return se
}

// checkDelivery checks what Send returned against the events, and the
// delivered ones against what the collector indexed: each delivered
// event exactly once, in order, and nothing else.
func checkDelivery(t *testing.T, n int, gotN int, err error, indexed []int) {
	t.Helper()
	se := sendErr(t, err)
	var want []int
	for i := range n {
		if se == nil || se.Delivered(i) {
			want = append(want, i)
		}
	}
	if gotN != len(want) {
		t.Errorf("Send returned %d delivered, but its error says %d", gotN, len(want))
	}
	if diff := cmp.Diff(want, indexed); diff != "" {
		t.Errorf("indexed events against the delivered ones (-want +got):\n%s", diff)
	}
}
