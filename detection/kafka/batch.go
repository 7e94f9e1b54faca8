package kafka

import (
	"bytes"
	"slices"
	"strconv"
)

// This file gathers a poll's messages of one partition into inputs per
// tenant: runs of messages that an event reader reads as it would read
// each on its own (records one to a line, or Azure Monitor documents one
// to a line), with where each began so that a record can be located by
// its message's offset. Any other message (pretty-printed, a Graph page,
// anything that does not scan) is an input of its own: a reader picks its
// framing from the start of its input, and a malformed message must not
// run into the next.

// batch is one tenant's input from one poll of one partition.
type batch struct {
	inputs []*input
}

// shape is how a message may share an input with its neighbours.
type shape uint8

const (
	alone        shape = iota // an input of its own
	recordLine                // one record, on one line
	documentLine              // one {"records": [...]} document, on one line
)

// input is messages of one shape, read by one event reader.
type input struct {
	shape  shape
	buf    []byte
	starts []msgStart // in order of line
	lines  int        // lines in buf so far
}

// msgStart is where a message (or a record cut out of one) begins in an
// input: at line, with offset in the partition.
type msgStart struct {
	line   int
	offset int64
}

// add appends one message's bytes (or one record of a message that holds
// several tenants' records) to the batch.
func (b *batch) add(data []byte, offset int64) {
	sh := shapeOf(data)
	var in *input
	if n := len(b.inputs); sh != alone && n > 0 && b.inputs[n-1].shape == sh {
		in = b.inputs[n-1]
	} else {
		in = &input{shape: sh}
		b.inputs = append(b.inputs, in)
	}
	in.add(data, offset)
}

// add appends one message to the input, on a line (or lines) of its own.
func (in *input) add(data []byte, offset int64) {
	in.starts = append(in.starts, msgStart{line: in.lines + 1, offset: offset})
	in.buf = append(in.buf, data...)
	in.buf = append(in.buf, '\n')
	in.lines += bytes.Count(data, []byte{'\n'}) + 1
}

// shapeOf classifies a message: one JSON object on one line, a record or
// an Azure Monitor document, or anything else.
func shapeOf(data []byte) shape {
	data = bytes.TrimRight(data, " \t\r\n")
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' || bytes.ContainsAny(data, "\r\n") {
		return alone
	}
	if end := skipValue(data, i); end != len(data) {
		return alone
	}
	sh := recordLine
	forTopLevel(data, func(key, val []byte) bool {
		switch {
		case string(key) == "records" && len(val) > 0 && val[0] == '[':
			sh = documentLine
		case string(key) == "value" || string(key) == "records" || bytes.HasPrefix(key, []byte("@odata.")):
			sh = alone // a Graph page, or a wrapper of another kind
			return false
		}
		return true
	})
	return sh
}

// locate turns a line of the input into the offset of its message and
// the line within that message.
func (in *input) locate(line int) (offset int64, msgLine int) {
	i, found := slices.BinarySearchFunc(in.starts, line, func(s msgStart, l int) int { return s.line - l })
	if !found {
		i--
	}
	if i < 0 {
		return -1, line
	}
	return in.starts[i].offset, line - in.starts[i].line + 1
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
		arr, ok := recordsArray(v)
		if !ok && v[0] == '[' {
			arr, ok = v, true // a JSON array of records (a Log Analytics query's output)
		}
		if ok {
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
