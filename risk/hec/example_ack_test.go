package hec_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/escudo-dev/escudo/risk/hec"
)

// ExampleConfig_ack sends three events with indexer acknowledgement to a
// stand-in for HEC that hands out an ackId per request and confirms each
// at the second query. Each batch counts as delivered only once
// confirmed; every request carries the Sender's channel.
func ExampleConfig_ack() {
	var (
		mu       sync.Mutex
		nextID   int
		queried  = map[int]int{}
		channels = map[string]bool{}
		requests int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		channels[r.Header.Get(hec.ChannelHeader)] = true
		switch r.URL.Path {
		case hec.EventPath:
			fmt.Fprintf(w, `{"text":"Success","code":0,"ackId":%d}`, nextID)
			nextID++
		case hec.AckPath:
			var q struct{ Acks []int }
			json.NewDecoder(r.Body).Decode(&q)
			acks := map[string]bool{}
			for _, id := range q.Acks {
				queried[id]++
				acks[strconv.Itoa(id)] = queried[id] >= 2 // the indexers need a moment
			}
			json.NewEncoder(w).Encode(map[string]any{"acks": acks})
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"text":"The requested URL was not found on this server.","code":404}`)
		}
	}))
	defer srv.Close()

	var events [][]byte
	for i := range 3 {
		events = append(events, hec.AppendEvent(nil, time.Unix(1743502500+int64(i), 0), hec.Metadata{}, []byte(`{"n":1}`)))
	}
	s, err := hec.NewSender(hec.Config{
		URL:             srv.URL,
		Token:           "11111111-2222-3333-4444-555555555555",
		BatchSize:       2,
		Ack:             true,                  // the token must have useACK on
		AckPollInterval: time.Millisecond,      // query every millisecond…
		AckTimeout:      10 * time.Millisecond, // …ten times, then send the batch again
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := s.Send(context.Background(), events)
	fmt.Printf("delivered %d, error %v\n", n, err)
	fmt.Printf("%d requests (2 batches, 4 ack queries), all on the channel: %t\n", requests, len(channels) == 1 && channels[s.Channel()])
	// Output:
	// delivered 3, error <nil>
	// 6 requests (2 batches, 4 ack queries), all on the channel: true
}
