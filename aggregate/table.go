package aggregate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Table groups observations by a tuple of string BY values and keeps, per
// group, a count, the earliest and latest observation time, and the distinct
// values of each value field.
//
// Create tables with [New]. The zero Table is also ready to use: it has no BY
// columns and no value fields, so it counts every observation in one group.
//
// A Table is not safe for concurrent use; see the package documentation.
type Table struct {
	by     []string
	fields []string

	// index maps an encoded key (see appendKey) to its position in groups.
	// Storing groups in a slice rather than behind pointers saves an
	// allocation per group; a new group costs its key string (plus its
	// value sets, when there are value fields).
	index  map[string]int
	groups []group

	// scratch is reused by Add to encode keys, so that looking up an
	// existing group does not allocate.
	scratch []byte

	// strs interns the values of the value fields (see intern).
	strs map[string]string
}

// group is the state of one group.
type group struct {
	key         string // encoded BY values; also the key in Table.index
	count       int64
	first, last time.Time
	// values holds one set per value field, nil until the field's first
	// non-empty value; the slice itself is nil when there are no fields.
	values []valueSet
}

// Row is one group of a [Table], as returned by [Table.Rows].
type Row struct {
	// Key holds the BY values in BY order. It is nil when the table has no
	// BY columns.
	Key []string
	// Count is the number of observations in the group (count).
	Count int64
	// First is the earliest observation time (min(_time)).
	First time.Time
	// Last is the latest observation time (max(_time)).
	Last time.Time
	// Values holds, per value field in field order, the distinct non-empty
	// values seen, sorted bytewise ascending (values()); the length of an
	// entry is its distinct count (dc()). An entry is nil when the group saw
	// no value for that field, and Values is nil when the table has no value
	// fields.
	Values [][]string
}

// New returns an empty table grouping by the named BY columns and keeping the
// distinct values of the named value fields.
//
// Zero BY columns is valid and gives a single global group. Every name must
// be non-empty and unique within its list; a name may appear both in by and
// in fields, as in Splunk's "stats values(user) BY user". Invalid names are
// reported together, each as a [*NameError] wrapping [ErrEmptyName] or
// [ErrDuplicateName]. New copies both slices.
func New(by []string, fields []string) (*Table, error) {
	if err := errors.Join(checkNames("by", by), checkNames("fields", fields)); err != nil {
		return nil, err
	}
	return &Table{
		by:     slices.Clone(by),
		fields: slices.Clone(fields),
		index:  make(map[string]int),
	}, nil
}

// checkNames returns every problem with names, joined, or nil.
func checkNames(list string, names []string) error {
	var errs []error
	seen := make(map[string]bool, len(names))
	for i, n := range names {
		switch {
		case n == "":
			errs = append(errs, &NameError{List: list, Index: i, Name: n, Err: ErrEmptyName})
		case seen[n]:
			errs = append(errs, &NameError{List: list, Index: i, Name: n, Err: ErrDuplicateName})
		}
		seen[n] = true
	}
	return errors.Join(errs...)
}

// Add records one observation.
//
// key holds one value per BY column, in BY order; an empty string is a valid
// BY value. at is the observation time. vals holds, for each value field in
// field order, zero or more values; empty strings among them are ignored, as
// Splunk ignores nulls. vals may be nil when the table has no value fields.
//
// If len(key) or len(vals) does not match the table's columns, Add returns an
// error wrapping [ErrLengthMismatch] and leaves the table unchanged.
//
// The table keeps copies of the strings it stores, never the caller's slices,
// so callers may reuse key and vals once Add returns. Adding to an existing
// group with no new distinct values does not allocate.
func (t *Table) Add(key []string, at time.Time, vals [][]string) error {
	if len(key) != len(t.by) {
		return fmt.Errorf("aggregate: Add: key has %d values for %d BY columns: %w", len(key), len(t.by), ErrLengthMismatch)
	}
	if len(vals) != len(t.fields) {
		return fmt.Errorf("aggregate: Add: vals has %d entries for %d value fields: %w", len(vals), len(t.fields), ErrLengthMismatch)
	}
	t.scratch = appendKey(t.scratch[:0], key)
	i, ok := t.index[string(t.scratch)] // no allocation: the compiler does not copy for a lookup
	if !ok {
		i = t.insert(string(t.scratch), at)
	}
	g := &t.groups[i]
	g.count++
	if at.Before(g.first) {
		g.first = at
	}
	if at.After(g.last) {
		g.last = at
	}
	for f, vs := range vals {
		for _, v := range vs {
			if v == "" {
				continue
			}
			set := &g.values[f]
			if set.has(v) {
				continue
			}
			set.add(t.intern(v))
		}
	}
	return nil
}

// intern returns a copy of v that the table keeps, shared by every group
// that sees the same value: a tenant ID or an address then costs its bytes
// once, not once per group. The copy also keeps a value sliced from a large
// input buffer from pinning the whole buffer.
func (t *Table) intern(v string) string {
	if s, ok := t.strs[v]; ok {
		return s
	}
	if t.strs == nil {
		t.strs = make(map[string]string)
	}
	c := strings.Clone(v)
	t.strs[c] = c
	return c
}

// insert adds an empty group for the encoded key k, first seen at time at,
// and returns its position. The count starts at zero; the caller adds the
// observation.
func (t *Table) insert(k string, at time.Time) int {
	if t.index == nil {
		t.index = make(map[string]int) // the zero Table
	}
	g := group{key: k, first: at, last: at}
	if len(t.fields) > 0 {
		g.values = make([]valueSet, len(t.fields))
	}
	t.groups = append(t.groups, g)
	i := len(t.groups) - 1
	t.index[k] = i
	return i
}

// appendKey appends the encoding of key to dst: for each value, its length
// as a uvarint followed by its bytes. The length prefix makes the encoding
// injective, so distinct keys never collide.
func appendKey(dst []byte, key []string) []byte {
	for _, s := range key {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// decodeKey splits k, an encoded key produced by appendKey, into dst, which
// has one element per BY column. The strings share memory with k, which is
// immutable. k always comes from appendKey, so it is well formed.
func decodeKey(dst []string, k string) {
	for i := range dst {
		var l uint64
		for shift := 0; ; shift += 7 {
			b := k[0]
			k = k[1:]
			l |= uint64(b&0x7f) << shift
			if b < 0x80 {
				break
			}
		}
		dst[i] = k[:l]
		k = k[l:]
	}
}

// By returns a copy of the BY column names given to [New].
func (t *Table) By() []string { return slices.Clone(t.by) }

// Fields returns a copy of the value field names given to [New].
func (t *Table) Fields() []string { return slices.Clone(t.fields) }

// Len reports the number of groups.
func (t *Table) Len() int { return len(t.groups) }

// Rows returns one [Row] per group, sorted by Key: keys are compared value by
// value in BY order, each bytewise ascending. The order is deterministic and
// independent of the order of the observations. The rows share no mutable
// state with the table, so changing them does not change the table, and
// adding to the table afterwards does not change them. A table without
// groups returns an empty, non-nil slice.
func (t *Table) Rows() []Row { return t.RowsWhere(nil) }

// RowsWhere is [Table.Rows] for the groups keep accepts. keep sees a group's
// count and the distinct count of each value field (in field order) before
// the group's keys and values are copied out, so that a threshold such as
// `where count > 10` discards most groups of a large table cheaply. A nil
// keep accepts every group. The distinct slice is reused between calls.
func (t *Table) RowsWhere(keep func(count int64, distinct []int) bool) []Row {
	var distinct []int
	if keep != nil {
		distinct = make([]int, len(t.fields))
	}
	kept := make([]int, 0, len(t.groups))
	for i := range t.groups {
		g := &t.groups[i]
		if keep != nil {
			for f := range distinct {
				distinct[f] = 0
				if g.values != nil {
					distinct[f] = g.values[f].len()
				}
			}
			if !keep(g.count, distinct) {
				continue
			}
		}
		kept = append(kept, i)
	}
	rows := make([]Row, len(kept))
	// All keys share one backing array, capped per row so that appending
	// to one row's Key cannot overwrite the next.
	nb := len(t.by)
	keys := make([]string, len(kept)*nb)
	for i, gi := range kept {
		g := &t.groups[gi]
		var key []string
		if nb > 0 {
			key = keys[i*nb : (i+1)*nb : (i+1)*nb]
			decodeKey(key, g.key)
		}
		r := Row{
			Key:   key,
			Count: g.count,
			First: g.first,
			Last:  g.last,
		}
		if g.values != nil {
			r.Values = make([][]string, len(g.values))
			for f := range g.values {
				set := &g.values[f]
				if set.len() == 0 {
					continue
				}
				vs := set.appendTo(make([]string, 0, set.len()))
				slices.Sort(vs)
				r.Values[f] = vs
			}
		}
		rows[i] = r
	}
	slices.SortFunc(rows, func(a, b Row) int { return slices.Compare(a.Key, b.Key) })
	return rows
}

// Merge adds every group of o into t: counts add, First and Last take the
// earlier and later time, and value sets are unioned. Feeding observations to
// several tables and merging them gives the same rows as feeding all of them
// to one table. When First or Last times are equal instants, t keeps its own.
//
// o must have the same BY columns and value fields, in the same order, as t;
// otherwise Merge returns an error wrapping [ErrSchemaMismatch] and leaves t
// unchanged. o is not modified and t shares no mutable state with it
// afterwards. Merging a table into itself doubles its counts. A nil o is an
// error.
func (t *Table) Merge(o *Table) error {
	if o == nil {
		return errors.New("aggregate: Merge: nil table")
	}
	if !slices.Equal(t.by, o.by) {
		return fmt.Errorf("aggregate: Merge: BY columns %q, other table has %q: %w", t.by, o.by, ErrSchemaMismatch)
	}
	if !slices.Equal(t.fields, o.fields) {
		return fmt.Errorf("aggregate: Merge: value fields %q, other table has %q: %w", t.fields, o.fields, ErrSchemaMismatch)
	}
	if len(t.groups) == 0 && len(o.groups) > 0 {
		// Merging into an empty table, the usual first step of combining
		// per-goroutine tables: size the index once.
		t.index = make(map[string]int, len(o.groups))
		t.groups = make([]group, 0, len(o.groups))
	}
	// Index by position: if o == t, no group is inserted, so o.groups keeps
	// its length while we update it.
	for j := range o.groups {
		og := &o.groups[j]
		i, ok := t.index[og.key]
		if !ok {
			i = t.insert(og.key, og.first)
		}
		g := &t.groups[i]
		g.count += og.count
		if og.first.Before(g.first) {
			g.first = og.first
		}
		if og.last.After(g.last) {
			g.last = og.last
		}
		for f := range og.values {
			set := &g.values[f]
			// Strings are immutable, so sharing them with o is safe. (When
			// o is t, every value is already there.)
			for _, v := range og.values[f].appendTo(nil) {
				if !set.has(v) {
					set.add(t.intern(v))
				}
			}
		}
	}
	return nil
}
