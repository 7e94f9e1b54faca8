// Package hec delivers risk events and risk incidents to Splunk over the
// HTTP Event Collector (HEC).
//
// # Encoding
//
// [AppendRiskEvent] and [AppendIncident] write one HEC event object each:
//
//	{"time":1743495300.25,"host":"…","source":"…","sourcetype":"…","index":"…","event":{…}}
//
// time is the event's time in seconds since the Unix epoch, with a
// fraction only when the time has one; the metadata keys appear only when
// set, so that HEC applies the token's defaults; event is the JSON that
// [risk.Event.MarshalJSON] or [risk.Incident.MarshalJSON] writes. The
// source defaults to the risk event's search_name, as ES's risk action
// writes it, or to the incident's rule name.
//
// # Sending
//
// A [Sender] posts encoded events to HEC's /services/collector/event
// endpoint in batches, one batch at a time: each request body is the
// batch's event objects one after the other. A batch counts as delivered
// only when HEC answers it with its success answer,
// {"text":"Success","code":0}; a 200 from a proxy or a login page is an
// error ([ErrNotSuccess]), not a delivery.
//
// # Retries
//
// A batch is sent again, with exponential backoff from BaseDelay up to
// MaxDelay, when HEC cannot be reached or answers 408, 429 or a 5xx
// status other than 501. A Retry-After header, in seconds or as an HTTP
// date, sets the wait instead, capped by MaxDelay. Every wait goes
// through [Config.Sleep]. A batch is sent MaxAttempts times at most.
// Nothing else is retried: a certificate that does not verify, a 4xx
// status such as 403 for a bad token, a 2xx answer that is not HEC's
// success; [Sender.Send] stops there and returns an [*Error] with HEC's
// status, code and text inside its [*SendError].
//
// # Rejected events
//
// When one event of a batch is bad, HEC answers 400 with the event's
// place in the batch:
//
//	{"text":"Invalid data format","code":6,"invalid-event-number":3}
//
// HEC has taken the events before it and dropped the rest. Send counts
// those before it as delivered, reports the bad one with a
// [*RejectedError] that gives its index in Send's input, and sends the
// events after it again. The [*SendError] it returns says exactly which
// events were not delivered; see [SendError.Delivered].
//
// # Indexer acknowledgement
//
// HEC's success answer means that it took the events, not that they were
// indexed. With [Config.Ack], for a token with indexer acknowledgement on
// (useACK), every request carries the Sender's channel in the
// X-Splunk-Request-Channel header ([Config.Channel], or a random GUID
// made by [NewSender]), the success answer carries an ackId,
//
//	{"text":"Success","code":0,"ackId":7}
//
// and the Sender polls [AckPath] with {"acks":[7]} every AckPollInterval
// until HEC answers {"acks":{"7":true}}. Only then does the batch count
// as delivered. A batch not confirmed within AckTimeout is sent again, up
// to MaxAttempts times in all; then Send fails with an [*Error] wrapping
// [ErrNotAcknowledged]. Polls wait through [Config.Sleep] too, and the
// timeout is the sum of those waits, so no clock is read.
//
// The events that HEC took before a rejected event count as delivered on
// the strength of the 400 answer alone, which carries no ackId: sending
// them again would index them twice.
//
// # Duplicates
//
// Delivery is at least once. A batch is sent again when its answer is
// lost or its acknowledgement does not come, and HEC may have indexed it
// all the same, so the same events can be indexed twice; acknowledgement
// narrows that window but does not close it. A batch sent again is the
// same bytes, so a consumer that needs exactly once can give each event a
// unique id when it makes it (a random UUID or a sequence number; not a
// hash of the content, as two genuine events can be alike) and drop
// repeats at search time, for instance with "| dedup id".
//
// # Secrets
//
// The token is secret. [Config] and [Sender] redact it when formatted with
// fmt or logged with log/slog, errors never contain it (an answer that
// echoes it, in any letter case, is redacted), and the Sender logs
// nothing unless given a logger.
package hec
