package aggregate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"math/bits"
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

	// strs is the table's dictionary: every string it keeps, once.
	strs interner

	// groups holds the group headers, in order of creation, and keys
	// their keys: the ids of their BY values in strs. Neither holds a
	// pointer, so the garbage collector does not scan them. index finds
	// a group by key.
	groups []group
	keys   groupKeys
	index  groupIndex

	// scratch is reused to encode the key being looked up (see
	// appendKey), which is hashed, so that adding to an existing group
	// does not allocate; ids for the ids of a new group's key.
	scratch []byte
	ids     []uint32
}

// group is the header of one group: the three stats every group has,
// which Row reports as Count, First and Last. A group has at least one
// observation, so both times are always set. The other stats of the
// group are element i of each column.
type group struct {
	count     int64
	firstSec  int64
	lastSec   int64
	firstNsec int32
	lastNsec  int32
}

func (g *group) first() tstamp { return tstamp{sec: g.firstSec, nsec: g.firstNsec} }
func (g *group) last() tstamp  { return tstamp{sec: g.lastSec, nsec: g.lastNsec} }

// observe widens the group's times to include t.
func (g *group) observe(t tstamp) {
	if t.before(g.first()) {
		g.firstSec, g.firstNsec = t.sec, t.nsec
	}
	if g.last().before(t) {
		g.lastSec, g.lastNsec = t.sec, t.nsec
	}
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
	h := t.hashKey(key)
	i, ok := t.find(key, h)
	if !ok {
		i = t.insert(key, h, ts)
	}
	g := &t.groups[i]
	g.count++
	g.observe(ts)
	if t.sets != nil {
		// New's value sets, inline: the per-event hot path of most rules.
		for c, col := range t.sets {
			for _, v := range vals[t.colField[c]] {
				if v != "" {
					col.addStr(i, &t.strs, v)
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

// groupKeys holds the keys of a table's groups, one row of value ids per
// group. A BY column whose value has been the same in every group so far
// (a constant of the search, or a field that rarely varies) is kept once
// rather than in every row; the first group whose value differs gives
// the column its place in the rows, which are then copied once, wider.
type groupKeys struct {
	// pos holds, per BY column, its place in a row, or -1 for a column
	// constant so far, whose value is konst. rows holds stride ids per
	// group.
	pos    []int
	konst  []uint32
	rows   []uint32
	stride int
}

// id returns the id of group i's value of BY column c.
func (k *groupKeys) id(i, c int) uint32 {
	if p := k.pos[c]; p >= 0 {
		return k.rows[i*k.stride+p]
	}
	return k.konst[c]
}

// add appends the key ids of group i, the next group.
func (k *groupKeys) add(i int, ids []uint32) {
	if i == 0 {
		k.pos = make([]int, len(ids))
		k.konst = slices.Clone(ids)
		for c := range k.pos {
			k.pos[c] = -1
		}
	}
	for c, id := range ids {
		if k.pos[c] < 0 && id != k.konst[c] {
			k.widen(i, c)
		}
	}
	base := len(k.rows)
	for range k.stride {
		k.rows = append(k.rows, 0)
	}
	for c, p := range k.pos {
		if p >= 0 {
			k.rows[base+p] = ids[c]
		}
	}
}

// widen gives column c, constant in the first n groups, a place at the
// end of the rows, keeping room for as many groups as the rows had.
func (k *groupKeys) widen(n, c int) {
	groups := n + 1
	if k.stride > 0 {
		groups = max(groups, cap(k.rows)/k.stride)
	}
	rows := make([]uint32, 0, groups*(k.stride+1))
	for i := range n {
		rows = append(rows, k.rows[i*k.stride:(i+1)*k.stride]...)
		rows = append(rows, k.konst[c])
	}
	k.pos[c] = k.stride
	k.stride++
	k.rows = rows
}

// reserve makes room for n more groups.
func (k *groupKeys) reserve(n int) { k.rows = slices.Grow(k.rows, n*k.stride) }

// keyIs reports whether group i's key is key.
func (t *Table) keyIs(i int, key []string) bool {
	for c, v := range key {
		if t.strs.str(t.keys.id(i, c)) != v {
			return false
		}
	}
	return true
}

// find returns the position of the group whose key is key, hashed h by
// hashKey, and whether there is one. An existing group is found by
// comparing strings, without a lookup of each value in the interner.
func (t *Table) find(key []string, h uint64) (int, bool) {
	if t.index.slots == nil {
		return 0, false
	}
	i, ok := t.index.find(t, key, h)
	return int(i), ok
}

// insert adds an empty group for key, hashed h, which no group has,
// first seen at time at, and returns its position. The count starts at
// zero; the caller adds the observation.
func (t *Table) insert(key []string, h uint64, at tstamp) int {
	t.ids = t.ids[:0]
	for _, v := range key {
		t.ids = append(t.ids, t.strs.id(v))
	}
	return t.insertIDs(key, t.ids, h, at)
}

// insertIDs is insert for a key whose ids, ids, are known.
func (t *Table) insertIDs(key []string, ids []uint32, h uint64, at tstamp) int {
	i := len(t.groups)
	t.groups = append(t.groups, group{firstSec: at.sec, firstNsec: at.nsec, lastSec: at.sec, lastNsec: at.nsec})
	if len(key) > 0 {
		t.keys.add(i, ids)
	}
	for _, c := range t.cols {
		c.grow()
	}
	t.index.add(t, uint32(i), h)
	return i
}

// hashKey hashes key, encoded by appendKey into t.scratch, with the
// interner's seed.
func (t *Table) hashKey(key []string) uint64 {
	t.strs.ready()
	t.scratch = appendKey(t.scratch[:0], key)
	return maphash.Bytes(t.strs.seed, t.scratch) &^ t.index.hashClear
}

// hashGroup is hashKey of group i's key.
func (t *Table) hashGroup(i int) uint64 {
	t.scratch = t.scratch[:0]
	for c := range t.by {
		s := t.strs.str(t.keys.id(i, c))
		t.scratch = binary.AppendUvarint(t.scratch, uint64(len(s)))
		t.scratch = append(t.scratch, s...)
	}
	return maphash.Bytes(t.strs.seed, t.scratch) &^ t.index.hashClear
}

// appendKey appends the encoding of key to dst: for each value, its length
// as a uvarint followed by its bytes. The length prefix makes the encoding
// injective, so that it hashes the whole key.
func appendKey(dst []byte, key []string) []byte {
	for _, s := range key {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst
}

// groupIndex finds groups by key: open addressing with linear probing,
// 4 bytes a slot, at a load of at most 3/4. A slot is 0 when empty, else
// the group's position + 1 in its low bits bits, which hold any position
// as there are fewer groups than slots, and high bits of the key's hash
// in the others: a probe compares keys only when those match, so a
// collision rarely costs a look at another group's key.
type groupIndex struct {
	slots []uint32
	bits  uint // log2(len(slots))
	// hashClear is cleared from every hash; tests set it to force
	// collisions.
	hashClear uint64
}

// tag returns the bits of h that a slot keeps above the position.
func (x *groupIndex) tag(h uint64) uint32 { return uint32(h>>32) << x.bits }

// find returns the position of the group of t whose key is key, hashed
// h, and true; or false.
func (x *groupIndex) find(t *Table, key []string, h uint64) (uint32, bool) {
	m := uint64(len(x.slots) - 1)
	tag := x.tag(h)
	pos := uint32(m)
	for i := h & m; ; i = (i + 1) & m {
		s := x.slots[i]
		if s == 0 {
			return 0, false
		}
		if s&^pos == tag && t.keyIs(int(s&pos)-1, key) {
			return s&pos - 1, true
		}
	}
}

// add indexes group g of t, hashed h: the last group, not yet indexed.
func (x *groupIndex) add(t *Table, g uint32, h uint64) {
	if 4*(int(g)+1) > 3*len(x.slots) {
		x.rebuild(t, int(g)+1, int(g))
	}
	x.place(g, h)
}

// place puts group g, hashed h, in the first empty slot from h's.
func (x *groupIndex) place(g uint32, h uint64) {
	m := uint64(len(x.slots) - 1)
	i := h & m
	for x.slots[i] != 0 {
		i = (i + 1) & m
	}
	x.slots[i] = x.tag(h) | (g + 1)
}

// rebuild makes room for n groups, at least doubling the index, and
// indexes the first indexed groups of t.
func (x *groupIndex) rebuild(t *Table, n, indexed int) {
	size := max(16, 2*len(x.slots))
	for 4*n > 3*size {
		size *= 2
	}
	x.slots = make([]uint32, size)
	x.bits = uint(bits.TrailingZeros(uint(size)))
	for g := range indexed {
		x.place(uint32(g), t.hashGroup(g))
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
		return keep(t.groups[i].count, distinct)
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
func (g Group) Count() int64 { return g.t.groups[g.i].count }

// First returns the group's earliest observation time, in UTC.
func (g Group) First() time.Time { return g.t.groups[g.i].first().time() }

// Last returns the group's latest observation time, in UTC.
func (g Group) Last() time.Time { return g.t.groups[g.i].last().time() }

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
		return t.cols[c].result(i, &t.strs, s.Func)
	}
	g := &t.groups[i]
	switch s.Func {
	case MinTime:
		return timeValue(true, g.first())
	case MaxTime:
		return timeValue(true, g.last())
	}
	return number(float64(g.count))
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
	slices.SortFunc(kept, func(a, b int32) int { return t.compareKeys(int(a), int(b)) })
	return kept
}

// fill makes r the row of group gi, with key and stats (each as long as
// the BY columns and specs) for its Key and Stats.
func (t *Table) fill(r *Row, gi int32, key []string, stats []Value) {
	g := &t.groups[gi]
	if len(t.by) > 0 {
		r.Key = key
		for c := range key {
			key[c] = t.strs.str(t.keys.id(int(gi), c))
		}
	}
	r.Count = g.count
	r.First = g.first().time()
	r.Last = g.last().time()
	switch {
	case t.stats:
		r.Stats = stats
		for j := range t.specs {
			r.Stats[j] = t.stat(int(gi), j)
		}
	case len(t.fields) > 0:
		r.Values = make([][]string, len(t.fields))
		for f := range t.fields {
			r.Values[f] = t.cols[f].result(int(gi), &t.strs, Values).List
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

// compareKeys compares the keys of groups a and b as slices.Compare
// compares the keys: value by value, each bytewise. Equal ids are equal
// values, and distinct ids distinct ones.
func (t *Table) compareKeys(a, b int) int {
	for c := range t.by {
		if x, y := t.keys.id(a, c), t.keys.id(b, c); x != y {
			return strings.Compare(t.strs.str(x), t.strs.str(y))
		}
	}
	return 0
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
	// its length while we update it; the ids are then t's own.
	key := make([]string, len(t.by))
	for j := range o.groups {
		og := &o.groups[j]
		for c := range key {
			key[c] = o.strs.str(o.keys.id(j, c))
		}
		h := t.hashKey(key)
		i, ok := t.find(key, h)
		if !ok {
			i = t.insert(key, h, og.first())
		}
		g := &t.groups[i]
		g.count += og.count
		g.observe(og.first())
		g.observe(og.last())
		for c, col := range t.cols {
			// Strings are copied into t's interner.
			col.merge(i, &t.strs, o.cols[c], j, &o.strs)
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
