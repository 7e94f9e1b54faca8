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
// endpoint in batches: each request body is the batch's event objects one
// after the other. It retries a batch with exponential backoff when HEC
// answers with a 5xx status or cannot be reached, and gives up at once on
// any other status, returning an [*Error] that carries HEC's response
// text. A batch is retried whole, so delivery is at least once: a batch
// whose response was lost after HEC indexed it is indexed twice. HEC's
// indexer acknowledgement, which closes that gap, is not used.
//
// The token is secret. [Config] and [Sender] redact it when formatted with
// fmt or logged with log/slog, errors never contain it (a response that
// echoes it is redacted), and the Sender logs nothing unless given a
// logger.
package hec
