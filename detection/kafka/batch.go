package kafka

import (
	"bytes"
	"slices"
	"strconv"
)

// This file gathers a poll's messages of one partition into one input per
// tenant: the messages of a tenant, one after the other, as the event
// reader reads concatenated documents, with where each began so that a
// record can be located by its message's offset.

// batch is one tenant's input from one poll of one partition.
type batch struct {
	buf    []byte
	starts []msgStart // in order of line
	lines  int        // lines in buf so far
}

// msgStart is where a message (or a record cut out of one) begins in a
// batch: at line, with offset in the partition.
type msgStart struct {
	line   int
	offset int64
}

// add appends one message's bytes (or one record of a message that holds
// several tenants' records) to the batch.
func (b *batch) add(data []byte, offset int64) {
	b.starts = append(b.starts, msgStart{line: b.lines + 1, offset: offset})
	b.buf = append(b.buf, data...)
	b.buf = append(b.buf, '\n')
	b.lines += bytes.Count(data, []byte{'\n'}) + 1
}

// locate turns a line of the batch into the offset of its message and the
// line within that message.
func (b *batch) locate(line int) (offset int64, msgLine int) {
	i, found := slices.BinarySearchFunc(b.starts, line, func(s msgStart, l int) int { return s.line - l })
	if !found {
		i--
	}
	if i < 0 {
		return -1, line
	}
	return b.starts[i].offset, line - b.starts[i].line + 1
}

// where names a record of the batch, "topic/partition@offset:line".
func where(topic string, partition int32, offset int64, line int) string {
	return topic + "/" + strconv.Itoa(int(partition)) + "@" + strconv.FormatInt(offset, 10) + ":" + strconv.Itoa(line)
}

// splitTenants calls fn with each tenant's part of one message value: the
// whole value when its records all have one tenant (the usual case: an
// Event Hubs document of one tenant's diagnostic setting), else each
// record on its own. A record that names no tenant takes key. A value
// that cannot be scanned goes whole to the tenant of its first record, or
// key, for its reader to report.
func splitTenants(value []byte, key string, fn func(tenant string, data []byte)) {
	var records [][]byte
	var tenants []string
	ok := eachRecord(value, func(rec []byte) {
		t := tenantOf(rec)
		if t == "" {
			t = key
		}
		records = append(records, rec)
		tenants = append(tenants, t)
	})
	if !ok || len(records) == 0 {
		t := key
		if len(tenants) > 0 {
			t = tenants[0]
		}
		fn(t, value)
		return
	}
	if !slices.ContainsFunc(tenants, func(t string) bool { return t != tenants[0] }) {
		fn(tenants[0], value)
		return
	}
	for i, rec := range records {
		fn(tenants[i], rec)
	}
}

// eachRecord calls fn with each record of a message: the elements of the
// "records" array of an Azure Monitor document, or each top-level value.
// It reports false when the value does not scan as JSON.
func eachRecord(value []byte, fn func(rec []byte)) bool {
	i := skipSpace(value, 0)
	for i < len(value) {
		end := skipValue(value, i)
		if end < 0 {
			return false
		}
		v := value[i:end]
		if arr, ok := recordsArray(v); ok {
			if !eachElement(arr, fn) {
				return false
			}
		} else {
			fn(v)
		}
		i = skipSpace(value, end)
		if i < len(value) && value[i] == ',' {
			i = skipSpace(value, i+1)
		}
	}
	return true
}

// recordsArray returns the "records" array of an Azure Monitor document.
func recordsArray(v []byte) ([]byte, bool) {
	var arr []byte
	forTopLevel(v, func(key, val []byte) bool {
		if string(key) == "records" && len(val) > 0 && val[0] == '[' {
			arr = val
			return false
		}
		return true
	})
	return arr, arr != nil
}

// eachElement calls fn with each element of a JSON array.
func eachElement(arr []byte, fn func([]byte)) bool {
	i := skipSpace(arr, 1)
	if i < len(arr) && arr[i] == ']' {
		return true
	}
	for i < len(arr) {
		end := skipValue(arr, i)
		if end < 0 {
			return false
		}
		fn(arr[i:end])
		i = skipSpace(arr, end)
		switch {
		case i < len(arr) && arr[i] == ',':
			i = skipSpace(arr, i+1)
		case i < len(arr) && arr[i] == ']':
			return true
		default:
			return false
		}
	}
	return false
}
