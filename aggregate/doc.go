// Package aggregate groups observations the way Splunk's stats command does
// with a BY clause.
//
// A [Table] is the in-memory form of
//
//	stats count min(_time) max(_time) values(X) dc(X) BY a b c
//
// It knows nothing about events or detections: a caller extracts the BY values
// and the value fields from whatever it is reading and passes plain strings and
// a time to [Table.Add]. [Table.Rows] then returns one [Row] per group.
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
// # Memory
//
// A table keeps one entry per group plus the distinct values seen in each
// group, never the observations themselves, so memory grows with the number
// of groups and distinct values rather than with the number of events.
//
// # Concurrency
//
// A Table is not safe for concurrent use. To aggregate on several goroutines,
// give each goroutine its own table with the same columns and combine them
// afterwards with [Table.Merge]; the merged rows equal those of a single table
// fed every observation.
package aggregate
