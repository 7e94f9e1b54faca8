// Package aggregate groups observations the way Splunk's stats command does
// with a BY clause.
//
// A [Table] is the in-memory form of
//
//	stats count min(_time) max(_time) values(X) dc(X) BY a b c
//
// when made by [New], and of any list of stats functions when made by
// [NewStats]:
//
//	stats count dc(src) avg(n) stdev(n) earliest(app) list(x) BY a b c
//
// It knows nothing about events or detections: a caller extracts the BY values
// and the value fields from whatever it is reading and passes plain strings and
// a time to [Table.Add]. [Table.Rows] then returns one [Row] per group.
//
// # Stats functions
//
// Each stats function ([Func]) is one small mergeable state: count,
// count(X), dc(X), values(X), list(X), min(X), max(X), earliest(X),
// latest(X), sum(X), avg(X), stdev(X), min(_time) and max(_time). The
// [Func] constants document exactly what each computes, and where that
// follows Splunk's documentation or is unverified. A table made by
// NewStats takes a [Spec] per function (the function and the value field it
// reads) and gives each row's results as typed [Value]s in Row.Stats:
// numbers as float64 (printed by [FormatNumber]: 6, 2.5,
// 1.2909944487358056), values as they were added, lists, and times.
//
// The same states work alone as an [Accumulator], in the shape of Apache
// Beam's CombineFn: create ([NewAccumulator]), add, merge, extract. Merging
// is exact: sums are kept exactly and every tie is broken by value, so any
// split of the input merged in any order gives results equal to the bit to
// those of one table fed everything (list, which keeps arrival order,
// excepted: see [List]).
//
// # Groups and keys
//
// A group is identified by the tuple of its BY values, compared exactly. Keys
// are encoded with a length prefix before each value, so no value can imitate
// a separator: ("a|b", "c"), ("a", "b|c") and ("ab", "") are three groups.
// An empty string is an ordinary BY value here; Splunk drops events whose BY
// fields are null, and deciding what counts as null is the caller's job.
// A table with no BY columns has at most one group, like stats without BY.
//
// In the value fields, by contrast, empty strings are ignored, because Splunk
// treats them as null in values() and dc().
//
// # Ordering
//
// Rows are sorted by their BY values, compared column by column in BY order,
// each bytewise ascending. The values of each field within a row are sorted
// bytewise ascending too, so "10" sorts before "9" and "B" before "a". Both
// orders depend only on what was added, never on the order of the calls or
// on map iteration.
//
// # Serialisation
//
// A table and an accumulator marshal to a compact, versioned binary form
// and back ([Table.AppendBinary], [Table.UnmarshalBinary],
// [Accumulator.AppendBinary], [UnmarshalAccumulator]), so that partial
// tables can be checkpointed and moved between machines: a table
// unmarshalled and merged gives the rows the original would have. The form
// is a 4-byte magic ("EsAT" for a table, "EsAA" for an accumulator), a
// version byte (1), the body and a CRC-32C of everything before it. A
// table's body holds its BY columns, its fields or specs, then per group
// its key, count, first and last times and the state of each stat, in
// group creation order; strings are written once and referred to by
// number afterwards, so a value shared by many groups costs its bytes once.
// Decoding checks everything it reads: data that is truncated or corrupt is
// an error wrapping [ErrCorrupt], never a panic.
//
// # Memory
//
// A table keeps one entry per group plus the state of its stats, never the
// observations themselves, so memory grows with the number of groups and
// distinct values rather than with the number of events. Every string a
// table keeps (BY values, set members, the values other stats keep) is
// stored once per table, in large chunks of memory, and has a 4-byte id;
// a new distinct string costs its bytes and about 12 more. A group costs
// a 32-byte header (count, first and last time), 4 bytes per BY column
// for the ids of its key (nothing for a column whose value has been the
// same in every group) and an index entry of 4 to 8 bytes; its dc and
// values sets take 8 bytes per field until they hold more than two
// values, and the state of every other stat sits in a column, one
// element per group. None of these hold pointers, so the garbage
// collector does not scan them. The consent-denied shape, four BY
// values of which two are new in every group, is about 135 bytes a
// group.
//
// # Concurrency
//
// A Table is not safe for concurrent use. To aggregate on several goroutines,
// give each goroutine its own table with the same columns and combine them
// afterwards with [Table.Merge]; the merged rows equal those of a single table
// fed every observation.
package aggregate
