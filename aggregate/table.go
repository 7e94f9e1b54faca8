package aggregate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"
)

// Table groups observations by a tuple of string BY values and keeps, per
// group, a count, the earliest and latest observation time, and the state
// of its stats functions: with [New], the distinct values of each value
// field; with [NewStats], any list of [Spec].
//
// Create tables with [New] or [NewStats]. The zero Table is also ready to
// use: it has no BY columns and no value fields, so it counts every
// observation in one group.
//
// A Table is not safe for concurrent use; see the package documentation.
type Table struct {
	by     []string
	fields []string
	specs  []Spec
	stats  bool // made by NewStats: rows carry Stats rather than Values

	// cols holds the state of the stats beyond count, min(_time) and
	// max(_time), one column per state, one element per group (see
	// column). colField is the field each column reads, specCol the
	// column of each spec (-1 for those the group header answers), and
	// fieldSet the set column of each field (-1 if none), which
	// RowsWhere reports the size of.
	cols     []column
	colField []int
	specCol  []int
	fieldSet []int
	// sets is cols, typed, when every column is a set (a table made by
	// New, or by NewStats with only count, dc, values and the times): Add
	// then calls them directly.
	sets []*setColumn

	// index maps an encoded key (see appendKey) to its position in groups.
	// Storing groups in a slice rather than behind pointers saves an
	// allocation per group; a new group costs its key string, and the
	// states of its stats cost nothing more until they hold values.
	index  map[string]int
	groups []group

	// scratch is reused by Add to encode keys, so that looking up an
	// existing group does not allocate.
	scratch []byte

	// strs interns the values the states keep.
	strs interner
}

// group is the header of one group: its key and the three stats every
// group has, which Row reports as Count, First and Last. The other
// stats of the group are element i of each column.
type group struct {
	key   string // encoded BY values; also the key in Table.index
	count countState
	first minTimeState
	last  maxTimeState
}

// Row is one group of a [Table], as returned by [Table.Rows].
type Row struct {
	// Key holds the BY values in BY order. It is nil when the table has no
	// BY columns.
	Key []string
	// Count is the number of observations in the group (count).
	Count int64
	// First is the earliest observation time (min(_time)), in UTC.
	First time.Time
	// Last is the latest observation time (max(_time)), in UTC.
	Last time.Time
	// Values holds, for a table made by [New], per value field in field
	// order, the distinct non-empty values seen, sorted bytewise
	// ascending (values()); the length of an entry is its distinct count
	// (dc()). An entry is nil when the group saw no value for that field,
	// and Values is nil when the table has no value fields or was made
	// by NewStats.
	Values [][]string
	// Stats holds, for a table made by [NewStats], the result of each
	// spec, in spec order. It is nil for a table made by New.
	Stats []Value
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
	t := &Table{
		by:     slices.Clone(by),
		fields: slices.Clone(fields),
		index:  make(map[string]int),
	}
	for f := range fields {
		c := new(setColumn)
		t.cols = append(t.cols, c)
		t.sets = append(t.sets, c)
		t.colField = append(t.colField, f)
		t.fieldSet = append(t.fieldSet, f)
	}
	return t, nil
}

// NewStats returns an empty table grouping by the named BY columns and
// computing the stats functions of specs, as
//
//	stats count dc(src) avg(n) earliest(app) BY user
//
// is NewStats([]string{"user"}, []Spec{{Func: Count}, {Func:
// DistinctCount, Field: "src"}, {Func: Avg, Field: "n"}, {Func:
// Earliest, Field: "app"}}). Each [Row] then holds the result of each
// spec in Row.Stats, in spec order; Count, First and Last are filled as
// for every table.
//
// The table's value fields ([Table.Fields]) are the distinct Fields of
// specs in order of first appearance, and [Table.Add] takes the values
// of each in that order. Specs reading the same field share what they
// can: dc and values of a field keep one set, and sum, avg and stdev of
// a field one sum. A spec may repeat; it then reads the same state.
//
// BY names are checked as by [New]. A spec whose Func is unknown is an
// error wrapping [ErrUnknownFunc]; one that needs a field and has none,
// [ErrEmptyName]; one that reads no field ([Count], [MinTime],
// [MaxTime]) but names one, [ErrUnexpectedField]. All problems are
// reported together, each spec's as a [*SpecError]. NewStats copies
// both slices.
func NewStats(by []string, specs []Spec) (*Table, error) {
	var errs []error
	for i, s := range specs {
		var err error
		switch {
		case !s.Func.valid():
			err = ErrUnknownFunc
		case s.Func.readsField() && s.Field == "":
			err = ErrEmptyName
		case !s.Func.readsField() && s.Field != "":
			err = ErrUnexpectedField
		}
		if err != nil {
			errs = append(errs, &SpecError{Index: i, Spec: s, Err: err})
		}
	}
	if err := errors.Join(checkNames("by", by), errors.Join(errs...)); err != nil {
		return nil, err
	}
	t := &Table{
		by:      slices.Clone(by),
		specs:   slices.Clone(specs),
		stats:   true,
		specCol: make([]int, len(specs)),
		index:   make(map[string]int),
	}
	stdev := make(map[string]bool)
	for _, s := range specs {
		if s.Field != "" && !slices.Contains(t.fields, s.Field) {
			t.fields = append(t.fields, s.Field)
			t.fieldSet = append(t.fieldSet, -1)
		}
		if s.Func == Stdev {
			stdev[s.Field] = true
		}
	}
	type colKey struct {
		kind  stateKind
		own   Func // for kindOwn
		field int
	}
	cols := make(map[colKey]int)
	for j, s := range specs {
		if !s.Func.readsField() {
			t.specCol[j] = -1
			continue
		}
		info := s.Func.info()
		if info.kind == kindSum && stdev[s.Field] {
			// The field's stdev state serves its sum and avg too.
			info = Stdev.info()
		}
		k := colKey{kind: info.kind, field: slices.Index(t.fields, s.Field)}
		if k.kind == kindOwn {
			k.own = s.Func
		}
		c, ok := cols[k]
		if !ok {
			c = len(t.cols)
			cols[k] = c
			t.cols = append(t.cols, info.newColumn())
			t.colField = append(t.colField, k.field)
			if k.kind == kindSet {
				t.fieldSet[k.field] = c
			}
		}
		t.specCol[j] = c
	}
	t.sets = make([]*setColumn, 0, len(t.cols))
	for _, c := range t.cols {
		sc, ok := c.(*setColumn)
		if !ok {
			t.sets = nil
			break
		}
		t.sets = append(t.sets, sc)
	}
	return t, nil
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
// group allocates only for what its stats must newly keep: a new distinct
// value, a list entry, a sum that needs one more exact partial. Adding known
// values, or integers to a sum, does not allocate.
func (t *Table) Add(key []string, at time.Time, vals [][]string) error {
	if len(key) != len(t.by) {
		return fmt.Errorf("aggregate: Add: key has %d values for %d BY columns: %w", len(key), len(t.by), ErrLengthMismatch)
	}
	if len(vals) != len(t.fields) {
		return fmt.Errorf("aggregate: Add: vals has %d entries for %d value fields: %w", len(vals), len(t.fields), ErrLengthMismatch)
	}
	ts := stamp(at)
	t.scratch = appendKey(t.scratch[:0], key)
	i, ok := t.index[string(t.scratch)] // no allocation: the compiler does not copy for a lookup
	if !ok {
		i = t.insert(string(t.scratch), ts)
	}
	g := &t.groups[i]
	g.count.n++
	g.first.observe(ts)
	g.last.observe(ts)
	if t.sets != nil {
		// New's value sets, inline: the per-event hot path of most rules
		// (setState.add, without a call per field).
		for c, col := range t.sets {
			s := &col.s[i].set
			for _, v := range vals[t.colField[c]] {
				if v != "" && !s.has(v) {
					s.add(t.strs.intern(v))
				}
			}
		}
		return nil
	}
	for c, col := range t.cols {
		col.add(i, &t.strs, ts, vals[t.colField[c]])
	}
	return nil
}

// insert adds an empty group for the encoded key k, first seen at time at,
// and returns its position. The count starts at zero; the caller adds the
// observation.
func (t *Table) insert(k string, at tstamp) int {
	if t.index == nil {
		t.index = make(map[string]int) // the zero Table
	}
	g := group{key: k}
	g.first.observe(at)
	g.last.observe(at)
	t.groups = append(t.groups, g)
	for _, c := range t.cols {
		c.grow()
	}
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
		dst[i], k = cutKey(k)
	}
}

// By returns a copy of the BY column names given to [New].
func (t *Table) By() []string { return slices.Clone(t.by) }

// Fields returns a copy of the value field names: those given to [New],
// or the distinct fields of the specs given to [NewStats], in order of
// first appearance. [Table.Add] takes values in this order.
func (t *Table) Fields() []string { return slices.Clone(t.fields) }

// Specs returns a copy of the specs given to [NewStats], or nil for a
// table made by [New].
func (t *Table) Specs() []Spec { return slices.Clone(t.specs) }

// Len reports the number of groups.
func (t *Table) Len() int { return len(t.groups) }

// Rows returns one [Row] per group, sorted by Key: keys are compared value by
// value in BY order, each bytewise ascending. The order is deterministic and
// independent of the order of the observations. The rows share no mutable
// state with the table, so changing them does not change the table, and
// adding to the table afterwards does not change them. A table without
// groups returns an empty, non-nil slice.
func (t *Table) Rows() []Row { return t.rows(nil) }

// RowsWhere is [Table.Rows] for the groups keep accepts. keep sees a group's
// count and the distinct count of each value field (in field order) before
// the group's keys and values are copied out, so that a threshold such as
// `where count > 10` discards most groups of a large table cheaply. A nil
// keep accepts every group. The distinct slice is reused between calls. In
// a table made by [NewStats], a field's distinct count is that of its dc or
// values spec, and 0 when it has neither.
func (t *Table) RowsWhere(keep func(count int64, distinct []int) bool) []Row {
	if keep == nil {
		return t.rows(nil)
	}
	distinct := make([]int, len(t.fields))
	return t.rows(func(i int) bool {
		for f, c := range t.fieldSet {
			distinct[f] = 0
			if c >= 0 {
				distinct[f] = t.cols[c].size(i)
			}
		}
		return keep(t.groups[i].count.n, distinct)
	})
}

// RowsFunc is [Table.Rows] for the groups keep accepts, as RowsWhere, with
// any stat of the group to test: keep sees a [Group], valid only during
// the call, before the group's row is made. A nil keep accepts every
// group.
func (t *Table) RowsFunc(keep func(Group) bool) []Row {
	if keep == nil {
		return t.rows(nil)
	}
	return t.rows(func(i int) bool { return keep(Group{t: t, i: i}) })
}

// Group is one group of a table, as [Table.RowsFunc] shows it to its
// callback. It is valid only during the call.
type Group struct {
	t *Table
	i int
}

// Count returns the number of observations in the group.
func (g Group) Count() int64 { return g.t.groups[g.i].count.n }

// First returns the group's earliest observation time, in UTC.
func (g Group) First() time.Time { return g.t.groups[g.i].first.at().time() }

// Last returns the group's latest observation time, in UTC.
func (g Group) Last() time.Time { return g.t.groups[g.i].last.at().time() }

// Stat returns the result of spec j of a table made by [NewStats], as
// Row.Stats[j] will hold it. It is the null value for an index out of
// range, and for every index in a table made by [New].
func (g Group) Stat(j int) Value {
	if j < 0 || j >= len(g.t.specs) {
		return Value{}
	}
	return g.t.stat(g.i, j)
}

// stat returns the result of spec j for group i.
func (t *Table) stat(i, j int) Value {
	s := t.specs[j]
	if c := t.specCol[j]; c >= 0 {
		return t.cols[c].result(i, s.Func)
	}
	g := &t.groups[i]
	switch s.Func {
	case MinTime:
		return g.first.result(s.Func)
	case MaxTime:
		return g.last.result(s.Func)
	}
	return g.count.result(s.Func)
}

// Sorted yields, one at a time, the rows [Table.RowsFunc] returns for
// keep, in the same order: the table holds only the order of the groups
// meanwhile, not every row, so that a caller that turns each row into
// output and drops it needs memory for one row rather than all of them.
// Each row is as RowsFunc makes it and stays valid after the iteration.
// Adding to the table while ranging over Sorted is not allowed; once the
// iteration ends, the table may be changed and ranged over again. A nil
// keep accepts every group.
func (t *Table) Sorted(keep func(Group) bool) iter.Seq[Row] {
	return func(yield func(Row) bool) {
		var k func(int) bool
		if keep != nil {
			k = func(i int) bool { return keep(Group{t: t, i: i}) }
		}
		for _, gi := range t.order(k) {
			var r Row
			t.fill(&r, gi, make([]string, len(t.by)), make([]Value, len(t.specs)))
			if !yield(r) {
				return
			}
		}
	}
}

// order returns the positions of the groups keep accepts, sorted by key.
func (t *Table) order(keep func(i int) bool) []int32 {
	kept := make([]int32, 0, len(t.groups))
	for i := range t.groups {
		if keep == nil || keep(i) {
			kept = append(kept, int32(i))
		}
	}
	// Sort the group indices on their encoded keys, then make the rows
	// in order, rather than moving rows around.
	slices.SortFunc(kept, func(a, b int32) int { return compareKeys(t.groups[a].key, t.groups[b].key) })
	return kept
}

// fill makes r the row of group gi, with key and stats (each as long as
// the BY columns and specs) for its Key and Stats.
func (t *Table) fill(r *Row, gi int32, key []string, stats []Value) {
	g := &t.groups[gi]
	if len(t.by) > 0 {
		r.Key = key
		decodeKey(r.Key, g.key)
	}
	r.Count = g.count.n
	r.First = g.first.at().time()
	r.Last = g.last.at().time()
	switch {
	case t.stats:
		r.Stats = stats
		for j := range t.specs {
			r.Stats[j] = t.stat(int(gi), j)
		}
	case len(t.fields) > 0:
		r.Values = make([][]string, len(t.fields))
		for f := range t.fields {
			r.Values[f] = t.cols[f].result(int(gi), Values).List
		}
	}
}

// rows returns the rows of the groups keep accepts, sorted.
func (t *Table) rows(keep func(i int) bool) []Row {
	kept := t.order(keep)
	rows := make([]Row, len(kept))
	// All keys share one backing array, capped per row so that appending
	// to one row's Key cannot overwrite the next. The same for Stats.
	nb, ns := len(t.by), len(t.specs)
	keys := make([]string, len(kept)*nb)
	var stats []Value
	if t.stats {
		stats = make([]Value, len(kept)*ns)
	}
	for i, gi := range kept {
		var st []Value
		if t.stats {
			st = stats[i*ns : (i+1)*ns : (i+1)*ns]
		}
		t.fill(&rows[i], gi, keys[i*nb:(i+1)*nb:(i+1)*nb], st)
	}
	return rows
}

// compareKeys compares two encoded keys (see appendKey) as
// slices.Compare compares the keys they encode: value by value, each
// bytewise. Both encode the same number of values.
func compareKeys(a, b string) int {
	for a != "" {
		var x, y string
		x, a = cutKey(a)
		y, b = cutKey(b)
		if c := strings.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// cutKey splits the first value off an encoded key, which must hold one.
func cutKey(k string) (v, rest string) {
	var l uint64
	for shift := 0; ; shift += 7 {
		b := k[0]
		k = k[1:]
		l |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	return k[:l], k[l:]
}

// Merge adds every group of o into t: counts add, First and Last take the
// earlier and later time, value sets are unioned, and every other stat
// merges as its [Func] documents. Feeding observations to several tables
// and merging them gives the same rows as feeding all of them to one
// table (for list, when the tables hold contiguous runs of the input,
// merged in input order).
//
// o must have the same BY columns and value fields, in the same order, and
// the same specs, as t; otherwise Merge returns an error wrapping
// [ErrSchemaMismatch] and leaves t unchanged. o is not modified and t
// shares no mutable state with it afterwards. Merging a table into itself
// doubles its counts. A nil o is an error.
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
	if t.stats != o.stats {
		return fmt.Errorf("aggregate: Merge: table made by %s, other table by %s: %w", t.maker(), o.maker(), ErrSchemaMismatch)
	}
	if !slices.Equal(t.specs, o.specs) {
		return fmt.Errorf("aggregate: Merge: stats %v, other table has %v: %w", t.specs, o.specs, ErrSchemaMismatch)
	}
	if len(t.groups) == 0 && len(o.groups) > 0 {
		// Merging into an empty table, the usual first step of combining
		// per-goroutine tables: size the index and the columns once.
		t.reserve(len(o.groups))
	}
	// Index by position: if o == t, no group is inserted, so o.groups keeps
	// its length while we update it.
	for j := range o.groups {
		og := &o.groups[j]
		i, ok := t.index[og.key]
		if !ok {
			i = t.insert(og.key, og.first.at())
		}
		g := &t.groups[i]
		g.count.n += og.count.n
		g.first.observe(og.first.at())
		g.last.observe(og.last.at())
		for c, col := range t.cols {
			// Strings are immutable, so sharing them with o is safe.
			col.merge(i, &t.strs, o.cols[c], j)
		}
	}
	return nil
}

func (t *Table) maker() string {
	if t.stats {
		return "NewStats"
	}
	return "New"
}
