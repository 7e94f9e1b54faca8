package kafka

import (
	"bytes"
	"io"
	"slices"
	"strconv"
	"strings"
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
	parts  [][]byte   // the messages, not copied
	starts []msgStart // in order of line
	lines  int        // lines in the input so far
}

// reader returns the input to read: its messages one after the other,
// each ending a line.
func (in *input) reader() io.Reader {
	rs := make([]io.Reader, 0, 2*len(in.parts))
	for _, p := range in.parts {
		rs = append(rs, bytes.NewReader(p), strings.NewReader("\n"))
	}
	return io.MultiReader(rs...)
}

// msgStart is where a message (or a record cut out of one) begins in an
// input: at line, with offset in the partition.
type msgStart struct {
	line   int
	offset int64
}

// addShaped appends one message's bytes (or one record of a message that
// holds several tenants' records), of shape sh, to the batch.
func (b *batch) addShaped(data []byte, offset int64, sh shape) {
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
	in.parts = append(in.parts, data)
	if in.shape == alone { // the others are one line
		in.lines += bytes.Count(data, []byte{'\n'})
	}
	in.lines++
}

// shapeOf classifies a message: one JSON object on one line, a record or
// an Azure Monitor document, or anything else.
func shapeOf(data []byte) shape {
	s, ok := scanMessage(bytes.TrimRight(data, " \t\r\n"))
	if !ok {
		return alone
	}
	return s.shape
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

// splitShaped calls fn with each tenant's part of one message value, and
// the part's shape, from one pass over the message: the whole value when
// its records all have one tenant (the usual case: an Event Hubs document
// of one tenant's diagnostic setting), else each record on its own. A
// record that names no tenant takes key. A value that cannot be scanned
// goes whole to the tenant of its first record, or key, for its reader to
// report.
func splitShaped(value []byte, key string, fn func(tenant string, data []byte, sh shape)) {
	s, ok := scanMessage(value)
	for i, t := range s.tenants {
		if t == "" {
			s.tenants[i] = key
		}
	}
	if !ok || len(s.records) == 0 {
		t := key
		if len(s.tenants) > 0 {
			t = s.tenants[0]
		}
		fn(t, value, alone)
		return
	}
	if !slices.ContainsFunc(s.tenants, func(t string) bool { return t != s.tenants[0] }) {
		fn(s.tenants[0], value, s.shape)
		return
	}
	for i, rec := range s.records {
		fn(s.tenants[i], rec, shapeOf(rec))
	}
}
