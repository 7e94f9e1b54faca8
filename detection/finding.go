package detection

import (
	"slices"
	"strconv"
	"time"

	"github.com/escudo-dev/escudo/internal/jsontext"

	"github.com/escudo-dev/escudo/risk"
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
// columns, in the order of the rule's SPL. It satisfies [risk.Finding].
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

	builder *risk.Builder // nil when the detection writes no risk
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

// Risk returns the finding's risk events: one per risk object value of
// the detection's RBA spec, with its threat objects attached. A
// detection without risk objects gives none.
func (f Finding) Risk() []risk.Event {
	if f.builder == nil {
		return nil
	}
	return f.builder.Build(f)
}

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

func formatCount(n int64) string { return strconv.FormatInt(n, 10) }
