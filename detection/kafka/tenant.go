package kafka

import "bytes"

// This file reads the top level of JSON records: skipping values, and
// the tenant a resource id names.

// resourceTenant returns the ID in a resource id of the form
// /tenants/ID/providers/..., the form Entra's diagnostic records carry.
func resourceTenant(id []byte) string {
	const prefix = "/tenants/"
	if len(id) < len(prefix) || !bytes.EqualFold(id[:len(prefix)], []byte(prefix)) {
		return ""
	}
	id = id[len(prefix):]
	if i := bytes.IndexByte(id, '/'); i >= 0 {
		id = id[:i]
	}
	return string(bytes.ToLower(id))
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at data[i], a
// quote, or -1. It jumps from quote to quote (bytes.IndexByte), counting
// the backslashes before each.
func skipString(data []byte, i int) int {
	start := i + 1
	for j := start; ; {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		k += j
		n := 0
		for m := k - 1; m >= start && data[m] == '\\'; m-- {
			n++
		}
		if n%2 == 0 {
			return k + 1
		}
		j = k + 1
	}
}

// skipValue returns the index after the value starting at data[i], or -1.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				j := skipString(data, i)
				if j < 0 {
					return -1
				}
				i = j - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	for j := i; j < len(data); j++ {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if j == i {
				return -1 // no value here: a stray '}' or ']'
			}
			return j
		}
	}
	return len(data)
}
