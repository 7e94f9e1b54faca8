//go:build !race

package risk

import (
	"testing"
	"time"
)

// TestBuildAllocs pins the allocations of Build's hot path. It is skipped
// under the race detector, which adds allocations of its own.
func TestBuildAllocs(t *testing.T) {
	b, err := NewBuilder(consentSpec(), consentFields, consentAnnotations())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC)
	tests := []struct {
		name   string
		reason string
		f      row
		want   float64
	}{
		{
			name:   "no risk object",
			reason: "a finding without risk values allocates nothing",
			f:      row{t: t0, vals: map[string][]string{"src_ip": {"203.0.113.24"}}},
			want:   0,
		},
		{
			name:   "multivalue",
			reason: "one allocation each for the message, the string lists and the threat types, whatever the number of events, and none for the reused dst",
			f: row{t: t0, vals: map[string][]string{
				"user":   {"a@contoso.com", "b@contoso.com", "c@contoso.com"},
				"src_ip": {"203.0.113.24", "198.51.100.7"},
			}},
			want: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := make([]Event, 0, 8)
			var f Finding = tt.f // convert once: boxing the row allocates
			got := testing.AllocsPerRun(100, func() {
				dst = b.Append(dst[:0], f)
			})
			if got != tt.want {
				t.Errorf("allocations per Append = %v, want %v; reason: %s", got, tt.want, tt.reason)
			}
		})
	}
}
