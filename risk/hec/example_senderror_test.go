package hec_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/escudo-dev/escudo/risk/hec"
)

// ExampleSendError sends four events, the third of them bad, to a
// stand-in for HEC that refuses it as HEC does, by its place in the
// request. Send delivers the other three and says which one it did not.
func ExampleSendError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		for i, line := range strings.Split(string(body), "\n") {
			if !strings.Contains(line, `"event":{`) {
				// HEC keeps the events before the bad one and drops the rest.
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"text":"Event field cannot be blank","code":13,"invalid-event-number":%d}`, i)
				return
			}
		}
		io.WriteString(w, `{"text":"Success","code":0}`)
	}))
	defer srv.Close()

	events := [][]byte{
		hec.AppendEvent(nil, time.Unix(1743502500, 0), hec.Metadata{}, []byte(`{"n":0}`)),
		hec.AppendEvent(nil, time.Unix(1743502501, 0), hec.Metadata{}, []byte(`{"n":1}`)),
		hec.AppendEvent(nil, time.Unix(1743502502, 0), hec.Metadata{}, []byte(`""`)),
		hec.AppendEvent(nil, time.Unix(1743502503, 0), hec.Metadata{}, []byte(`{"n":3}`)),
	}
	s, err := hec.NewSender(hec.Config{URL: srv.URL, Token: "11111111-2222-3333-4444-555555555555"})
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := s.Send(context.Background(), events)
	fmt.Printf("delivered %d of %d\n", n, len(events))
	var se *hec.SendError
	if errors.As(err, &se) {
		for _, r := range se.Rejected {
			fmt.Printf("event %d rejected: %s (code %d)\n", r.Index, r.Text, r.Code)
		}
		for i := range events {
			fmt.Printf("event %d delivered: %t\n", i, se.Delivered(i))
		}
		fmt.Printf("stopped early: %t\n", se.Err != nil)
	}
	// Output:
	// delivered 3 of 4
	// event 2 rejected: Event field cannot be blank (code 13)
	// event 0 delivered: true
	// event 1 delivered: true
	// event 2 delivered: false
	// event 3 delivered: true
	// stopped early: false
}
