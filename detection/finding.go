package detection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/escudo-dev/escudo/internal/jsontext"
)

// ColumnKind says how a finding's column is written in JSON.
type ColumnKind uint8

// The column kinds.
const (
	// Text is a single string value (BY fields, ctime columns).
	Text ColumnKind = iota + 1
	// Multi is a multivalue column (values()), written as a JSON array.
	Multi
	// Number is a count (count, dc()), written as a JSON number.
	Number
)

// Column is one named column of a finding, as the SPL result row has it.
type Column struct {
	// Name is the column's name, such as "user" or "firstTime".
	Name string
	// Kind says how the column is written in JSON.
	Kind ColumnKind
	// Values holds the column's values as Splunk renders them: one for
	// Text and Number columns, the distinct sorted values for Multi.
	Values []string
}

// Finding is one result row of a detection: the BY columns, then the stats
// columns, in the order of the rule's SPL. It is plain data: the engine
// that ran the detection ([Engine.Risk]), or any engine with a detection
// of that name, turns it into risk events, whether the engine made it, a
// caller built it by hand, or it was read back from JSON
// ([Finding.UnmarshalJSON]). It satisfies [risk.Finding].
type Finding struct {
	// Detection is the name of the detection that produced the finding.
	Detection string
	// SearchName is the detection's saved-search name (see Meta.SearchName).
	SearchName string
	// Columns are the result columns, BY fields first, in SPL order.
	Columns []Column
	// Count is the number of matching events in the group.
	Count int64
	// FirstTime and LastTime are the exact earliest and latest event
	// times of the group (the ctime columns show them truncated).
	FirstTime, LastTime time.Time
}

// Values returns the values of the named column, or nil when the finding
// has no such column. It implements [risk.Finding].
func (f Finding) Values(column string) []string {
	for i := range f.Columns {
		if f.Columns[i].Name == column {
			return f.Columns[i].Values
		}
	}
	return nil
}

// Value returns the first value of the named column and whether it has one.
func (f Finding) Value(column string) (string, bool) {
	if vs := f.Values(column); len(vs) > 0 {
		return vs[0], true
	}
	return "", false
}

// Time returns the time of the finding's risk events: its LastTime.
// It implements [risk.Finding].
func (f Finding) Time() time.Time { return f.LastTime }

// Clone returns a copy of f that shares no slices with it.
func (f Finding) Clone() Finding {
	c := f
	c.Columns = slices.Clone(f.Columns)
	for i := range c.Columns {
		c.Columns[i].Values = slices.Clone(c.Columns[i].Values)
	}
	return c
}

// MarshalJSON writes the finding as one JSON object with exactly its
// columns, in order: strings for Text, arrays for Multi, numbers for Number.
func (f Finding) MarshalJSON() ([]byte, error) {
	return f.AppendJSON(nil), nil
}

// AppendJSON appends the JSON form of f to dst (see MarshalJSON).
func (f Finding) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, c := range f.Columns {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendString(dst, c.Name)
		dst = append(dst, ':')
		switch c.Kind {
		case Multi:
			dst = append(dst, '[')
			for j, v := range c.Values {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = jsontext.AppendString(dst, v)
			}
			dst = append(dst, ']')
		case Number:
			if len(c.Values) > 0 {
				dst = append(dst, c.Values[0]...)
			} else {
				dst = append(dst, '0')
			}
		default:
			v := ""
			if len(c.Values) > 0 {
				v = c.Values[0]
			}
			dst = jsontext.AppendString(dst, v)
		}
	}
	return append(dst, '}')
}

// UnmarshalJSON reads a finding back from its JSON form (MarshalJSON, or
// a line of the example programs' -json output): each member is a column,
// in order, a Text column for a string ("" for one with no value, as
// MarshalJSON writes it), Multi for an array of strings, Number for a
// number. A leading "search_name" member (examples/detect
// writes one) is not a column: it sets SearchName and, for an ESCU name
// ("ESCU - <name> - Rule"), Detection. Count is read from a "count"
// column, FirstTime and LastTime from "firstTime" and "lastTime" in
// CtimeLayout, taken as UTC (LastTime from "_time", the start of the
// row's time bin, when there is no lastTime column). The JSON form keeps
// times to the second and has no exact last event time for a row without
// lastTime, so risk events made from a finding read back carry that
// time: lastTime to the second, or the bin's start.
func (f *Finding) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("detection: a finding is a JSON object")
	}
	*f = Finding{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("detection: finding: %w", err)
		}
		name := t.(string) // object keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("detection: finding: %s: %w", name, err)
		}
		c, err := parseColumn(name, raw)
		if err != nil {
			return err
		}
		if name == "search_name" && c.Kind == Text {
			f.SearchName = c.Values[0]
			f.Detection = strings.TrimSuffix(strings.TrimPrefix(f.SearchName, "ESCU - "), " - Rule")
			continue
		}
		f.Columns = append(f.Columns, c)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return errors.New("detection: finding: the JSON object is not closed")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("detection: finding: more after the JSON object")
	}
	if v, ok := f.Value("count"); ok {
		f.Count, _ = strconv.ParseInt(v, 10, 64)
	}
	if v, ok := f.Value("firstTime"); ok {
		f.FirstTime, _ = time.Parse(CtimeLayout, v)
	}
	last, ok := f.Value("lastTime")
	if !ok {
		last, ok = f.Value(TimeField) // a row of a time bin: its start
	}
	if ok {
		f.LastTime, _ = time.Parse(CtimeLayout, last)
	}
	return nil
}

// parseColumn reads one member of a finding's JSON form.
func parseColumn(name string, raw json.RawMessage) (Column, error) {
	c := Column{Name: name}
	switch raw = bytes.TrimSpace(raw); {
	case len(raw) > 0 && raw[0] == '"':
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return c, fmt.Errorf("detection: finding: %s: %w", name, err)
		}
		c.Kind = Text
		if v != "" { // "" is how a column with no value is written
			c.Values = []string{v}
		}
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &c.Values); err != nil {
			return c, fmt.Errorf("detection: finding: %s: want an array of strings: %w", name, err)
		}
		c.Kind = Multi
		if c.Values == nil {
			c.Values = []string{}
		}
	default:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return c, fmt.Errorf("detection: finding: %s: want a string, an array of strings or a number, got %s", name, raw)
		}
		c.Kind, c.Values = Number, []string{n.String()}
	}
	return c, nil
}
