package kafka

import (
	"bytes"
)

// The tests reach the scanner and the batch through these, each the
// production path with one argument fixed or one result dropped.

// tenantOf is the tenant of one record (see record), "" for a value that
// is not an object.
func tenantOf(rec []byte) string {
	i := skipSpace(rec, 0)
	if i >= len(rec) || rec[i] != '{' {
		return ""
	}
	_, t := record(rec, i)
	return t
}

// forTopLevel calls fn with each key of the JSON object in data and the
// raw bytes of its value, through walkObject, until fn returns false or
// anything is malformed.
func forTopLevel(data []byte, fn func(key, val []byte) bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return
	}
	walkObject(data, i, func(key []byte, j int) int {
		end := skipValue(data, j)
		if end < 0 || !fn(key, data[j:end]) {
			return -1
		}
		return end
	})
}

// eachRecord calls fn with each record scanMessage finds, and reports
// whether the value scanned.
func eachRecord(value []byte, fn func(rec []byte)) bool {
	s, ok := scanMessage(value)
	for _, rec := range s.records {
		fn(rec)
	}
	return ok
}

// splitTenants is splitShaped without the shapes.
func splitTenants(value []byte, key string, fn func(tenant string, data []byte)) {
	splitShaped(value, key, func(tenant string, data []byte, _ shape) { fn(tenant, data) })
}

// add is addShaped with the message's own shape.
func (b *batch) add(data []byte, offset int64) { b.addShaped(data, offset, shapeOf(data)) }

// bytes returns the input as the reader reads it.
func (in *input) bytes() []byte {
	var b bytes.Buffer
	for _, p := range in.parts {
		b.Write(p)
		b.WriteString("\n")
	}
	return b.Bytes()
}
