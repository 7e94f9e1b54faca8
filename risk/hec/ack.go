package hec

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// awaitAck polls the acknowledgement endpoint for ackID, waiting
// AckPollInterval before each query, AckTimeout/AckPollInterval times at
// most. It reports whether the indexers confirmed the batch. A query that
// fails in a way worth retrying counts as one that did not confirm it;
// any other failure, or ctx being done, is returned.
func (s *Sender) awaitAck(ctx context.Context, id int64) (bool, error) {
	body := []byte(`{"acks":[` + strconv.FormatInt(id, 10) + `]}`)
	for poll := 1; poll <= s.ackPolls; poll++ {
		if err := s.sleep(ctx, s.ackPoll); err != nil {
			return false, fmt.Errorf("hec: waiting for the acknowledgement of ackId %d: %w", id, err)
		}
		ok, a := s.queryAck(ctx, body, id)
		if a.err != nil {
			a.err.Attempts = 1
			if ctx.Err() != nil || !a.retry {
				return false, fmt.Errorf("hec: querying the acknowledgement of ackId %d: %w", id, a.err)
			}
			s.warn(ctx, "hec: acknowledgement query failed", poll, 0, a.err)
			continue
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// queryAck makes one acknowledgement query, which HEC answers with
// {"acks":{"<id>":true}} once the indexers have the batch.
func (s *Sender) queryAck(ctx context.Context, body []byte, id int64) (bool, answer) {
	resp, data, err := s.do(ctx, s.ackEndpoint, body)
	if err != nil {
		return false, answer{err: &Error{Err: s.scrubErr(err)}, retry: retryableTransport(err)}
	}
	var rp reply
	isJSON := json.Unmarshal(data, &rp) == nil
	if resp.StatusCode/100 == 2 {
		if !isJSON || rp.Acks == nil {
			e := s.answerError(resp.StatusCode, data, rp, isJSON)
			e.Err = ErrNotSuccess
			return false, answer{err: e}
		}
		return rp.Acks[strconv.FormatInt(id, 10)], answer{}
	}
	return false, answer{err: s.answerError(resp.StatusCode, data, rp, isJSON), retry: retryableStatus(resp.StatusCode)}
}

// ackURL is the acknowledgement endpoint that goes with the event
// endpoint u: u's path up to its last "/collector", then "/collector/ack"
// (so "/services/collector/event" and "/services/collector" both give
// [AckPath], under any prefix); [AckPath] when the path has no
// "/collector". The query stays.
func ackURL(u url.URL) string {
	if i := strings.LastIndex(u.Path, "/collector"); i >= 0 {
		rest := u.Path[i+len("/collector"):]
		if rest == "" || rest[0] == '/' {
			u.Path = u.Path[:i] + "/collector/ack"
		} else {
			u.Path = AckPath
		}
	} else {
		u.Path = AckPath
	}
	u.RawPath = ""
	return u.String()
}

// newChannel returns a random version 4 UUID, as HEC wants for a channel.
func newChannel() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// isGUID reports whether s has the form of a GUID,
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hexadecimal digits of any case.
func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
