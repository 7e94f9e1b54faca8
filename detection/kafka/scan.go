package kafka

import (
	"bytes"
	"strings"
)

// This file is the one pass over a message that the runner makes before
// the event reader reads it: where its records are, whose tenant each
// is, and whether the message can share a reader with its neighbours
// (its shape). It reads only the top level of each record; the reader
// and the decoders judge the rest.

// scan is what one pass over a message finds.
type scan struct {
	records [][]byte
	tenants []string // per record, "" when it names none
	shape   shape    // of the whole message
}

// scanMessage scans a message: Azure Monitor {"records": [...]}
// documents, records, JSON arrays of records, one after the other. It
// reports false when the value does not scan as JSON; what it found up
// to there is in s.
func scanMessage(value []byte) (s scan, ok bool) {
	s.shape = alone
	values, kind := 0, objRecord
	i := skipSpace(value, 0)
	for i < len(value) {
		values++
		var end int
		switch value[i] {
		case '{':
			end, kind = s.object(value, i)
		case '[':
			kind = objOther
			end = s.array(value, i)
		default:
			return s, false
		}
		if end < 0 {
			return s, false
		}
		i = skipSpace(value, end)
		if i < len(value) && value[i] == ',' {
			i = skipSpace(value, i+1)
		}
	}
	if values == 1 && bytes.IndexByte(value, '\n') < 0 && bytes.IndexByte(value, '\r') < 0 {
		switch kind {
		case objRecord:
			s.shape = recordLine
		case objDocument:
			s.shape = documentLine
		}
	}
	return s, true
}

// objKind is what a top-level object of a message is.
type objKind uint8

const (
	objRecord   objKind = iota // a record
	objDocument                // an Azure Monitor document: its "records" are the records
	objOther                   // a Graph page or another wrapper: read on its own
)

// object scans the object at value[i]: a document, whose records it
// adds, or a record, which it adds. It returns the index after it, or -1.
func (s *scan) object(value []byte, i int) (int, objKind) {
	n := len(s.records)
	kind := objRecord
	var ids tenantIDs
	end := walkObject(value, i, func(key []byte, j int) int {
		if string(key) == "records" && j < len(value) && value[j] == '[' {
			kind = objDocument
			return s.array(value, j)
		}
		if string(key) == "value" || bytes.HasPrefix(key, []byte("@odata.")) {
			kind = objOther
		}
		return ids.field(key, value, j)
	})
	switch {
	case end < 0:
		return -1, kind
	case kind == objRecord || kind == objOther && len(s.records) == n:
		s.records = append(s.records, value[i:end])
		s.tenants = append(s.tenants, ids.tenant())
	}
	return end, kind
}

// array scans the array at value[i], adding each element as a record,
// and returns the index after it, or -1.
func (s *scan) array(value []byte, i int) int {
	i = skipSpace(value, i+1)
	if i < len(value) && value[i] == ']' {
		return i + 1
	}
	for i < len(value) {
		var end int
		if value[i] == '{' {
			var tenant string
			if end, tenant = record(value, i); end >= 0 {
				s.records = append(s.records, value[i:end])
				s.tenants = append(s.tenants, tenant)
			}
		} else if end = skipValue(value, i); end >= 0 {
			s.records = append(s.records, value[i:end]) // not a record: its reader says so
			s.tenants = append(s.tenants, "")
		}
		if end < 0 {
			return -1
		}
		i = skipSpace(value, end)
		switch {
		case i < len(value) && value[i] == ',':
			i = skipSpace(value, i+1)
		case i < len(value) && value[i] == ']':
			return i + 1
		default:
			return -1
		}
	}
	return -1
}

// record scans the record (an object) at value[i]: it returns the index
// after it, or -1, and its tenant: its top-level tenantId (Azure Monitor
// resource logs), its AADTenantId (Log Analytics rows), or else the
// tenant of its resourceId ("/tenants/ID/providers/..."), the keys
// matched exactly, as the rules match field names; "" for a record that
// names none (a Graph API export), which takes the message key. Tenant
// ids are GUIDs, which Entra writes in either case: they are lowered, so
// that one tenant is one stream. A malformed record gives the tenant
// read before the fault.
func record(value []byte, i int) (int, string) {
	var ids tenantIDs
	end := walkObject(value, i, func(key []byte, j int) int { return ids.field(key, value, j) })
	return end, ids.tenant()
}

// tenantIDs gathers the fields of a record that name its tenant.
type tenantIDs struct{ id, aad, resource []byte }

// field looks at one field of a record, its value at value[j], and
// returns the index after the value, or -1.
func (t *tenantIDs) field(key, value []byte, j int) int {
	end := skipValue(value, j)
	if end < 0 || value[j] != '"' || end-j < 2 {
		return end
	}
	switch string(key) {
	case "tenantId":
		t.id = value[j+1 : end-1]
	case "AADTenantId":
		t.aad = value[j+1 : end-1]
	case "resourceId", "ResourceId":
		t.resource = value[j+1 : end-1]
	}
	return end
}

func (t *tenantIDs) tenant() string {
	switch {
	case len(t.id) > 0:
		return strings.ToLower(string(t.id))
	case len(t.aad) > 0:
		return strings.ToLower(string(t.aad))
	}
	return resourceTenant(t.resource)
}

// walkObject walks the object at data[i]: for each key it calls field
// with the key (the raw bytes between its quotes) and the index of its
// value, and field returns the index after the value, or -1. It returns
// the index after the object, or -1 at anything malformed.
func walkObject(data []byte, i int, field func(key []byte, j int) int) int {
	i++
	i = skipSpace(data, i)
	if i < len(data) && data[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return -1
		}
		end := skipString(data, i)
		if end < 0 {
			return -1
		}
		key := data[i+1 : end-1]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return -1
		}
		i = skipSpace(data, i+1)
		if i = field(key, i); i < 0 {
			return -1
		}
		i = skipSpace(data, i)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return i + 1
		default:
			return -1
		}
	}
}
