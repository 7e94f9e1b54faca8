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

// keyScanner finds the object keys of JSON data in order: next returns
// the depth, the start and end of the text of the next key (the bytes
// between its quotes), and the index of the ':' after it. Between two
// strings stand only a few bytes of structure, read one by one; strings,
// most of a record, are jumped over. It stops at malformed JSON, which
// the decoder reports. It is a loop its callers drive rather than a
// callback, so that the scan of every record costs no call per key.
type keyScanner struct {
	data     []byte
	i, depth int
}

func (s *keyScanner) next() (depth, start, end, colon int, ok bool) {
	data := s.data
	for s.i < len(data) {
		switch data[s.i] {
		case '{', '[':
			s.depth++
			s.i++
			continue
		case '}', ']':
			s.depth--
			s.i++
			continue
		case '"':
		default:
			s.i++
			continue
		}
		start := s.i + 1
		end := stringEnd(data, start)
		if end < 0 {
			s.i = len(data)
			return 0, 0, 0, 0, false
		}
		s.i = end + 1
		k := s.i
		for k < len(data) && isSpace(data[k]) {
			k++
		}
		if k == len(data) || data[k] != ':' {
			continue // a value, not a key
		}
		return s.depth, start, end, k, true
	}
	return 0, 0, 0, 0, false
}

// maskCaseVariants returns data, or a copy with the keys masked that
// differ only in ASCII case from a key the decoder reads at their level.
// Malformed JSON is returned as it is, for the decoder to report.
func maskCaseVariants(data []byte, top, nested keySet) []byte {
	var out []byte // the copy, made at the first masked key
	depth := 0
	var lower [maxKeyLen]byte
	for i := 0; i < len(data); {
		// keyScanner.next's loop, kept inline: this runs over every
		// decoded record, and the call per key cost 6% of decoding.
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
			break
		}
		i = end + 1
		k := i
		for k < len(data) && isSpace(data[k]) {
			k++
		}
		if k == len(data) || data[k] != ':' {
			continue // a value, not a key
		}
		key := data[start:end]
		if bytes.IndexByte(key, '\\') >= 0 { // rare: compare the key the decoder sees
			var s string
			if json.Unmarshal(data[start-1:end+1], &s) != nil {
				continue
			}
			key = []byte(s)
		}
		if len(key) > maxKeyLen {
			continue // no key the decoders read is this long
		}
		set := nested
		if depth == 1 {
			set = top
		}
		if set.exact(key) {
			continue
		}
		for j, c := range key {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[j] = c
		}
		if !set.folded(lower[:len(key)]) {
			continue
		}
		if out == nil {
			out = bytes.Clone(data)
		}
		for j := start; j < end; j++ {
			out[j] = '#'
		}
	}
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
