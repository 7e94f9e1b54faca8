package event_test

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/event"
)

// TestReadLiveFirstRecord checks that the first record of a live stream
// (a pipe still open, as from tail -f) is read as soon as its line has
// come, for records shorter and longer than any fixed look-ahead, as
// JSON lines and as a document: the reader never waits for bytes that
// have not been sent to tell the layout.
func TestReadLiveFirstRecord(t *testing.T) {
	long := `{"id":"a","createdDateTime":"2025-03-14T09:00:00Z","appDisplayName":"` + strings.Repeat("x", 3000) + `"}`
	for _, tt := range []struct{ name, first string }{
		{"short line", `{"id":"a","createdDateTime":"2025-03-14T09:00:00Z"}` + "\n"},
		{"long line", long + "\n"},
		{"records document", `{"records":[{"time":"2025-03-14T09:00:00Z","category":"SignInLogs","properties":{"id":"a","createdDateTime":"2025-03-14T09:00:00Z"}}]}` + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			go pw.Write([]byte(tt.first)) // and nothing more, for now
			got := make(chan error, 1)
			go func() {
				_, err := event.NewReader(pr).Read()
				got <- err
			}()
			select {
			case err := <-got:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the first record was not read while the stream stayed open")
			}
		})
	}
}
