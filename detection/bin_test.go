package detection

import (
	"testing"
	"time"
)

// TestBin checks time bins over the whole range of event times the
// reader accepts, past the year 2262 where nanoseconds since the epoch
// overflow an int64.
func TestBin(t *testing.T) {
	tests := []struct {
		in   string
		span time.Duration
		want string
	}{
		{"2025-03-14T08:55:12.987Z", 10 * time.Minute, "2025-03-14T08:50:00Z"},
		{"2025-03-14T08:55:12.987Z", time.Hour, "2025-03-14T08:00:00Z"},
		{"2025-03-14T08:55:12.987Z", 0, "2025-03-14T08:55:12.987Z"},
		{"2025-03-14T08:55:12.987Z", 500 * time.Millisecond, "2025-03-14T08:55:12.5Z"},
		{"1970-01-01T00:04:59Z", 5 * time.Minute, "1970-01-01T00:00:00Z"},
		{"2263-01-01T00:07:00Z", 5 * time.Minute, "2263-01-01T00:05:00Z"},
		{"9999-12-31T23:59:59.999Z", 24 * time.Hour, "9999-12-31T00:00:00Z"},
	}
	for _, tt := range tests {
		in, _ := time.Parse(time.RFC3339Nano, tt.in)
		want, _ := time.Parse(time.RFC3339Nano, tt.want)
		if got := bin(in, tt.span); !got.Equal(want) {
			t.Errorf("bin(%s, %v) = %v, want %v", tt.in, tt.span, got, want)
		}
	}
}
