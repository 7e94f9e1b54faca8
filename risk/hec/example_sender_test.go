package hec_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/escudo-dev/escudo/risk/hec"
)

// ExampleSender sends five events in batches of two to a stand-in for HEC
// that is busy the first time, then refuses a bad token.
func ExampleSender() {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		switch {
		case r.Header.Get("Authorization") != "Splunk 11111111-2222-3333-4444-555555555555":
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"text":"Invalid token","code":4}`)
		case requests == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"text":"Server is busy","code":9}`)
		default:
			io.WriteString(w, `{"text":"Success","code":0}`)
		}
	}))
	defer srv.Close()

	var events [][]byte
	for i := range 5 {
		events = append(events, hec.AppendEvent(nil, time.Unix(1743502500+int64(i), 0), hec.Metadata{}, []byte(`{"n":1}`)))
	}
	s, err := hec.NewSender(hec.Config{
		URL:       srv.URL,
		Token:     "11111111-2222-3333-4444-555555555555",
		BatchSize: 2,
		BaseDelay: time.Millisecond, // a short wait before the retry
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Replace(s.String(), srv.URL, "http://HEC", 1)) // the token is redacted
	n, err := s.Send(context.Background(), events)
	fmt.Printf("delivered %d, error %v, %d requests\n", n, err, requests)

	bad, _ := hec.NewSender(hec.Config{URL: srv.URL, Token: "wrong"})
	n, err = bad.Send(context.Background(), events)
	fmt.Printf("delivered %d, error %v\n", n, err)
	// Output:
	// hec.Sender{URL: http://HEC/services/collector/event, Token: REDACTED}
	// delivered 5, error <nil>, 4 requests
	// delivered 0, error hec: 403 Forbidden: Invalid token (code 4)
}
