package event

import (
	"bytes"

	json "github.com/goccy/go-json"
)

// Exact keys.
//
// Splunk's JSON extraction names fields by their keys exactly, so
// "ERRORCODE":0 beside "errorCode":65004 is a field of its own and leaves
// status.errorCode 65004. goccy/go-json, like encoding/json, matches keys
// without regard to ASCII case (structs of up to 16 fields in any case,
// larger ones also all-lowercase), which would let the stray key
// overwrite the real one. So before decoding, every object key that
// differs from a key the decoder reads at that level only by ASCII case
// is masked: its bytes are overwritten with '#', which matches nothing,
// in a copy of the record. Offsets stay where they were, so errors point
// into the input as before, and the common record, which has no such
// key, is not copied.
//
// Levels are told apart by depth only: the top level of a record, and
// everything nested. Within a format the nested structs share no key
// that differs by case alone, so depth is enough (TestKeyTables derives
// the sets from the structs).

// keySet is the set of keys a decoder reads at one level of a record.
type keySet uint8

const (
	graphTop    keySet = iota + 1 // a Graph signIn
	nestedKeys                    // inside a signIn's objects; Log Analytics dynamic columns
	azureTop                      // an Azure Monitor record's envelope
	azureNested                   // inside an Azure Monitor record: the signIn under properties
	laTop                         // a Log Analytics row
)

// keySets returns the key sets of a format's top level and below.
func keySets(f Format) (top, nested keySet) {
	switch f {
	case AzureMonitor:
		return azureTop, azureNested
	case LogAnalytics:
		return laTop, nestedKeys
	}
	return graphTop, nestedKeys
}

// maxKeyLen bounds the keys worth checking: no key the decoders read is
// longer.
const maxKeyLen = 64

// eachKey calls fn with the depth, the start and end of the text of each
// object key of the JSON data (the bytes between its quotes), and the
// index of the ':' after it, in order, until fn returns false. Between
// two strings stand only a few bytes of structure, read one by one;
// strings, most of a record, are jumped over. It stops at malformed JSON,
// which the decoder reports.
func eachKey(data []byte, fn func(depth, start, end, colon int) bool) {
	depth := 0
	for i := 0; i < len(data); {
		switch data[i] {
		case '{', '[':
			depth++
			i++
			continue
		case '}', ']':
			depth--
			i++
			continue
		case '"':
		default:
			i++
			continue
		}
		start := i + 1
		end := stringEnd(data, start)
		if end < 0 {
			return
		}
		i = end + 1
		k := i
		for k < len(data) && isSpace(data[k]) {
			k++
		}
		if k == len(data) || data[k] != ':' {
			continue // a value, not a key
		}
		if !fn(depth, start, end, k) {
			return
		}
	}
}

// maskCaseVariants returns data, or a copy with the keys masked that
// differ only in ASCII case from a key the decoder reads at their level.
// Malformed JSON is returned as it is, for the decoder to report.
func maskCaseVariants(data []byte, top, nested keySet) []byte {
	var out []byte // the copy, made at the first masked key
	var lower [maxKeyLen]byte
	eachKey(data, func(depth, start, end, _ int) bool {
		key := data[start:end]
		if bytes.IndexByte(key, '\\') >= 0 { // rare: compare the key the decoder sees
			var s string
			if json.Unmarshal(data[start-1:end+1], &s) != nil {
				return true
			}
			key = []byte(s)
		}
		if len(key) > maxKeyLen {
			return true // no key the decoders read is this long
		}
		set := nested
		if depth == 1 {
			set = top
		}
		if set.exact(key) {
			return true
		}
		for j, c := range key {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[j] = c
		}
		if !set.folded(lower[:len(key)]) {
			return true
		}
		if out == nil {
			out = bytes.Clone(data)
		}
		for j := start; j < end; j++ {
			out[j] = '#'
		}
		return true
	})
	if out == nil {
		return data
	}
	return out
}

// stringEnd returns the index of the quote that closes the string whose
// first byte is data[start], or -1.
func stringEnd(data []byte, start int) int {
	for i := start; i < len(data); {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for k := q - 1; k >= start && data[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q
		}
		i = q + 1
	}
	return -1
}
