package kafka

import "bytes"

// This file finds the tenant a record belongs to, which keys its stream:
// each tenant's records run through a stream of their own.

// tenantOf returns the Entra tenant of one record: its top-level tenantId
// (Azure Monitor resource logs), its AADTenantId (Log Analytics rows), or
// else the tenant of its resourceId ("/tenants/ID/providers/..."), the
// keys matched exactly, as the rules match field names. It returns "" for a
// record that names no tenant (a Graph API export): such records take the
// message key (see Runner). Tenant ids are GUIDs, which Entra writes in
// either case: they are lowered, so that one tenant is one stream.
func tenantOf(rec []byte) string {
	i := skipSpace(rec, 0)
	if i >= len(rec) || rec[i] != '{' {
		return ""
	}
	var ids tenantIDs
	walkObject(rec, i, func(key []byte, j int) int { return ids.field(key, rec, j) })
	return ids.tenant() // what was read before anything malformed
}

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

// forTopLevel calls fn with each key of the JSON object in data (the raw
// bytes between its quotes) and the raw bytes of its value, until fn
// returns false. It stops quietly at anything malformed: the record's own
// decoder reports that.
func forTopLevel(data []byte, fn func(key, val []byte) bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '"' {
			return
		}
		end := skipString(data, i)
		if end < 0 {
			return
		}
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return
		}
		i = skipSpace(data, i+1)
		vend := skipValue(data, i)
		if vend < 0 || !fn(key, data[i:vend]) {
			return
		}
		i = skipSpace(data, vend)
		if i >= len(data) || data[i] != ',' {
			return
		}
		i++
	}
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
