package hec

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestRedact(t *testing.T) {
	const secret = "0f3c9a7e-5b1d-4e2a-9c8b-7d6e5f4a3b2c"
	tests := []struct {
		name   string
		reason string
		secret string
		text   string
		want   string
	}{
		{"none", "text without the secret is returned as is", secret, "Invalid token", "Invalid token"},
		{"as is", "the secret itself", secret, "Token " + secret + " is disabled", "Token REDACTED is disabled"},
		{"upper", "an upper-cased echo", secret, "TOKEN 0F3C9A7E-5B1D-4E2A-9C8B-7D6E5F4A3B2C", "TOKEN REDACTED"},
		{"mixed", "any mix of cases", secret, "0F3c9A7e-5B1d-4E2a-9C8b-7D6e5F4a3B2c!", "REDACTED!"},
		{"twice", "every occurrence, also back to back", secret, secret + secret + " " + secret, "REDACTEDREDACTED REDACTED"},
		{"prefix only", "a cut-off secret is not the secret", secret, secret[:20], secret[:20]},
		{"at the end", "the secret ending the text", secret, "x" + secret, "xREDACTED"},
		{"overlap", "matches do not overlap; the first wins", "aa", "aaa", "REDACTEDa"},
		{"folding", "Unicode folding, as strings.EqualFold: the Kelvin sign is a k", "kelvin", "\u212aELVIN", "REDACTED"},
		{"invalid UTF-8", "bytes that are not UTF-8 stay and do not hide a match", "ab", "\xffAB\xfe", "\xffREDACTED\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact(tt.text, tt.secret); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q; reason: %s", tt.text, got, tt.want, tt.reason)
			}
		})
	}
}

func TestAckURL(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		url    string
		want   string
	}{
		{"event", "the default event path", "https://h:8088/services/collector/event", "https://h:8088/services/collector/ack"},
		{"collector", "the short event path", "https://h:8088/services/collector", "https://h:8088/services/collector/ack"},
		{"versioned", "a versioned event path", "https://h:8088/services/collector/event/1.0", "https://h:8088/services/collector/ack"},
		{"prefix", "a proxy's prefix stays", "https://h/splunk/services/collector/event", "https://h/splunk/services/collector/ack"},
		{"query", "the query stays", "https://h:8088/services/collector/event?channel=x", "https://h:8088/services/collector/ack?channel=x"},
		{"elsewhere", "a path without /collector falls back to AckPath", "https://h/ingest", "https://h/services/collector/ack"},
		{"lookalike", "/collectors is not /collector", "https://h/collectors/event", "https://h/services/collector/ack"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := ackURL(*u); got != tt.want {
				t.Errorf("ackURL(%s) = %s, want %s; reason: %s", tt.url, got, tt.want, tt.reason)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		reason string
		header http.Header
		want   time.Duration
		ok     bool
	}{
		{"none", "no header, no wait of its own", http.Header{}, 0, false},
		{"seconds", "delay-seconds", http.Header{"Retry-After": {"120"}}, 2 * time.Minute, true},
		{"zero", "zero seconds is at once", http.Header{"Retry-After": {"0"}}, 0, true},
		{"spaces", "surrounding spaces are allowed", http.Header{"Retry-After": {" 3 "}}, 3 * time.Second, true},
		{"huge", "more seconds than a Duration holds is the longest wait", http.Header{"Retry-After": {"99999999999999999999"}}, 1<<63 - 1, true},
		{"signed", "a sign is not delay-seconds", http.Header{"Retry-After": {"+3"}}, 0, false},
		{"fraction", "nor is a fraction", http.Header{"Retry-After": {"1.5"}}, 0, false},
		{"date", "an IMF-fixdate from now", http.Header{"Retry-After": {"Tue, 01 Apr 2025 10:01:00 GMT"}}, time.Minute, true},
		{"date and Date", "from the answer's Date when there is one", http.Header{"Retry-After": {"Tue, 01 Apr 2025 12:00:30 GMT"}, "Date": {"Tue, 01 Apr 2025 12:00:00 GMT"}}, 30 * time.Second, true},
		{"RFC 850 date", "the obsolete forms HTTP still allows", http.Header{"Retry-After": {"Tuesday, 01-Apr-25 10:00:09 GMT"}}, 9 * time.Second, true},
		{"past", "a past date is no wait", http.Header{"Retry-After": {"Mon, 31 Mar 2025 10:00:00 GMT"}}, 0, true},
		{"garbage", "neither form", http.Header{"Retry-After": {"later"}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retryAfter(tt.header, func() time.Time { return now })
			if got != tt.want || ok != tt.ok {
				t.Errorf("retryAfter(%v) = %v, %t; want %v, %t; reason: %s", tt.header, got, ok, tt.want, tt.ok, tt.reason)
			}
		})
	}
}

func TestIsGUID(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c", true},
		{"0C4B8F3A-5D1E-4F6A-9B2C-7E8D9F0A1B2C", true},
		{"{0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2c}", false},
		{"0c4b8f3a5d1e4f6a9b2c7e8d9f0a1b2c", false},
		{"0c4b8f3a-5d1e-4f6a-9b2c-7e8d9f0a1b2g", false},
		{"0c4b8f3a-5d1e-4f6a-9b2c_7e8d9f0a1b2c", false},
		{"", false},
	} {
		if got := isGUID(tt.s); got != tt.want {
			t.Errorf("isGUID(%q) = %t, want %t", tt.s, got, tt.want)
		}
	}
	for range 100 {
		if ch := newChannel(); !isGUID(ch) || ch[14] != '4' || ch[19] != '8' && ch[19] != '9' && ch[19] != 'a' && ch[19] != 'b' {
			t.Fatalf("newChannel() = %q, not a version 4 UUID", ch)
		}
	}
}
