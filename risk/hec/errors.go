package hec

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrConfig is wrapped by the errors of [NewSender] for an unusable
// [Config].
var ErrConfig = errors.New("invalid HEC configuration")

// ErrNotSuccess is the Err of an [*Error] for a 2xx answer whose body is
// not HEC's success answer, {"text":"Success","code":0}: a proxy's or a
// login page's HTML, an empty body, or JSON without "code":0. Such a batch
// is not counted as delivered, and not retried: whatever answered may have
// kept it.
var ErrNotSuccess = errors.New("not HEC's success answer")

// ErrNoAckID is the Err of an [*Error] when, with [Config.Ack], HEC's
// success answer carries no ackId, as when indexer acknowledgement is off
// for the token. The batch is not counted as delivered, and not retried:
// HEC took it, but nothing can confirm that it was indexed.
var ErrNoAckID = errors.New("no ackId in HEC's answer (is indexer acknowledgement on for the token?)")

// ErrNotAcknowledged is wrapped by the Err of an [*Error] when, with
// [Config.Ack], the indexers did not confirm a batch within the
// acknowledgement timeout on any of its attempts.
var ErrNotAcknowledged = errors.New("not acknowledged by the indexers")

// Error is a batch that HEC refused, that could not reach HEC, or whose
// delivery could not be confirmed.
type Error struct {
	// StatusCode is the HTTP status of HEC's last answer; 0 when there was
	// none.
	StatusCode int
	// Code is the code in HEC's JSON answer, such as 4 for an invalid
	// token or 9 for a busy server; 0 when there was none.
	Code int
	// Text is the text of HEC's answer: its "text" field, or the body
	// itself when that is not HEC's JSON, with the token redacted, control
	// and other unprintable characters replaced by spaces, and cut to 512
	// bytes.
	Text string
	// Attempts is how many times the batch was sent.
	Attempts int
	// Err is why the batch failed when HEC's status does not say it all:
	// the error that prevented an answer (a refused connection, a
	// certificate error, ctx's error), or [ErrNotSuccess], [ErrNoAckID] or
	// an error wrapping [ErrNotAcknowledged]; nil for a plain error status.
	Err error
}

// Error describes the failure, as in
// "hec: 403 Forbidden: Invalid token (code 4)",
// "hec: after 4 attempts: 503 Service Unavailable: Server is busy (code 9)"
// or "hec: 200 OK: not HEC's success answer: <html>…".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("hec: ")
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "after %d attempts: ", e.Attempts)
	}
	if e.StatusCode == 0 {
		if e.Err != nil {
			b.WriteString(e.Err.Error())
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Text != "" {
		b.WriteString(": ")
		b.WriteString(e.Text)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// RejectedError is one event that HEC refused: it answered 400 with
// "invalid-event-number" naming it, as in
//
//	{"text":"Invalid data format","code":6,"invalid-event-number":3}
//
// HEC takes the events of the request before the bad one and drops the
// bad one and those after it. [Sender.Send] counts the events before it
// as delivered, reports the bad one with a RejectedError, and sends the
// rest again, so a bad event costs only itself.
type RejectedError struct {
	// Index is the bad event's index in the events given to
	// [Sender.Send], not in its request: HEC's invalid-event-number plus
	// Start.
	Index int
	// Start is the index in the events given to [Sender.Send] of the
	// first event of the request HEC refused. The events from Start up to
	// Index, which HEC took before the bad one, count as delivered; with
	// [Config.Ack], on the strength of HEC's answer alone, as a 400 answer
	// carries no ackId to confirm them by, and sending them again would
	// index them twice.
	Start int
	// Code is the code in HEC's answer, such as 6 for "Invalid data
	// format" or 13 for "Event field cannot be blank".
	Code int
	// Text is HEC's text, redacted, printable and cut like [Error.Text].
	Text string
}

// Error describes the rejection, as in
// "hec: event 3 rejected: Invalid data format (code 6)".
func (e *RejectedError) Error() string {
	s := fmt.Sprintf("hec: event %d rejected", e.Index)
	if e.Text != "" {
		s += ": " + e.Text
	}
	if e.Code != 0 {
		s += fmt.Sprintf(" (code %d)", e.Code)
	}
	return s
}

// SendError is the error of [Sender.Send] whenever it did not deliver
// every event. It says exactly which it did not deliver: those named by
// Rejected, and all of events[Stop:]. Every other event was delivered
// once at least; see [SendError.Delivered].
type SendError struct {
	// Rejected holds the events HEC refused, in ascending Index order.
	// Send skipped each and went on with the events after it.
	Rejected []*RejectedError
	// Stop is the index of the first event of the batch that Send could
	// not deliver, or len(events) when Send went through them all:
	// events[Stop:] were not delivered. (As far as Send knows: a batch
	// whose answer was lost, or never acknowledged, may still have been
	// indexed.)
	Stop int
	// Err is why Send stopped at Stop: usually an [*Error], or ctx's
	// error, wrapped; nil when Send did not stop early.
	Err error
}

// Error lists the rejected events, then Err, one per line. With Err alone
// it is Err's text.
func (e *SendError) Error() string {
	var b strings.Builder
	for _, r := range e.Rejected {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.Error())
	}
	if e.Err != nil {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the rejected events' errors and Err, for [errors.Is] and
// [errors.As].
func (e *SendError) Unwrap() []error {
	errs := make([]error, 0, len(e.Rejected)+1)
	for _, r := range e.Rejected {
		errs = append(errs, r)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Delivered reports whether events[i] of the failed Send was delivered:
// whether i is below Stop and not the Index of a rejected event.
func (e *SendError) Delivered(i int) bool {
	if i < 0 || i >= e.Stop {
		return false
	}
	for _, r := range e.Rejected {
		if r.Index == i {
			return false
		}
	}
	return true
}
