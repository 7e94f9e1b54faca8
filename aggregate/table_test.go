package aggregate_test

import (
	"errors"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// base is an arbitrary fixed instant; tests build times as offsets from it.
var base = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return base.Add(time.Duration(sec) * time.Second) }

// obs is one call to Add.
type obs struct {
	key  []string
	at   time.Time
	vals [][]string
}

// build returns a table with the given columns fed obs, failing the test on
// any error.
func build(t testing.TB, by, fields []string, all []obs) *aggregate.Table {
	t.Helper()
	tab, err := aggregate.New(by, fields)
	if err != nil {
		t.Fatalf("New(%q, %q): %v", by, fields, err)
	}
	for i, o := range all {
		if err := tab.Add(o.key, o.at, o.vals); err != nil {
			t.Fatalf("Add #%d (%q): %v", i, o.key, err)
		}
	}
	return tab
}

// nameErrors flattens the errors.Join result of New into NameError values,
// which cmp can compare field by field (a *NameError would be compared with
// errors.Is by EquateErrors, i.e. by pointer).
func nameErrors(t *testing.T, err error) []aggregate.NameError {
	t.Helper()
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v (%T) is not a joined error", err, err)
	}
	var out []aggregate.NameError
	for _, e := range j.Unwrap() {
		var ne *aggregate.NameError
		if !errors.As(e, &ne) {
			t.Fatalf("error %v (%T) is not a *NameError", e, e)
		}
		out = append(out, *ne)
	}
	return out
}

func TestNew(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		by     []string
		fields []string
		want   []aggregate.NameError
	}{
		{
			name:   "valid",
			reason: "distinct non-empty names in both lists are accepted",
			by:     []string{"user", "src_ip"},
			fields: []string{"app", "dest"},
		},
		{
			name:   "nothing",
			reason: "no BY columns and no fields is a plain global count",
		},
		{
			name:   "same name in both lists",
			reason: "stats values(user) BY user is legal in Splunk; only repeats within one list are errors",
			by:     []string{"user"},
			fields: []string{"user"},
		},
		{
			name:   "empty by name",
			reason: "an empty column name cannot be referred to",
			by:     []string{"user", ""},
			want:   []aggregate.NameError{{List: "by", Index: 1, Name: "", Err: aggregate.ErrEmptyName}},
		},
		{
			name:   "empty field name",
			reason: "value fields are checked like BY columns",
			fields: []string{""},
			want:   []aggregate.NameError{{List: "fields", Index: 0, Name: "", Err: aggregate.ErrEmptyName}},
		},
		{
			name:   "duplicate by",
			reason: "grouping twice by one column is a mistake in the rule, and the index points at the repeat",
			by:     []string{"user", "src", "user"},
			want:   []aggregate.NameError{{List: "by", Index: 2, Name: "user", Err: aggregate.ErrDuplicateName}},
		},
		{
			name:   "duplicate field",
			reason: "values(app) twice would be ambiguous",
			fields: []string{"app", "app"},
			want:   []aggregate.NameError{{List: "fields", Index: 1, Name: "app", Err: aggregate.ErrDuplicateName}},
		},
		{
			name:   "all problems at once",
			reason: "New reports every bad name, not just the first, so a rule author fixes them in one go",
			by:     []string{"", "a", "a", ""},
			fields: []string{"x", "x", ""},
			want: []aggregate.NameError{
				{List: "by", Index: 0, Name: "", Err: aggregate.ErrEmptyName},
				{List: "by", Index: 2, Name: "a", Err: aggregate.ErrDuplicateName},
				{List: "by", Index: 3, Name: "", Err: aggregate.ErrEmptyName},
				{List: "fields", Index: 1, Name: "x", Err: aggregate.ErrDuplicateName},
				{List: "fields", Index: 2, Name: "", Err: aggregate.ErrEmptyName},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := aggregate.New(tt.by, tt.fields)
			var got []aggregate.NameError
			if err != nil {
				// The outer error is errors.Join of the two lists' joins.
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					got = append(got, nameErrors(t, e)...)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("%s\nNew(%q, %q) errors mismatch (-want +got):\n%s", tt.reason, tt.by, tt.fields, diff)
			}
			if (err == nil) != (tab != nil) {
				t.Errorf("New returned table %v and error %v; want exactly one", tab, err)
			}
		})
	}
}

func TestNewErrorIs(t *testing.T) {
	_, err := aggregate.New([]string{"a", "a"}, []string{""})
	if !errors.Is(err, aggregate.ErrDuplicateName) || !errors.Is(err, aggregate.ErrEmptyName) {
		t.Errorf("New error %v: want it to match both ErrDuplicateName and ErrEmptyName", err)
	}
	want := `aggregate: by[1] "a": duplicate name` + "\n" + `aggregate: fields[0] "": empty name`
	if got := err.Error(); got != want {
		t.Errorf("New error text = %q, want %q", got, want)
	}
}

func TestNewCopiesArguments(t *testing.T) {
	by := []string{"user", "src"}
	fields := []string{"app"}
	tab, err := aggregate.New(by, fields)
	if err != nil {
		t.Fatal(err)
	}
	by[0], fields[0] = "changed", "changed"
	if diff := cmp.Diff([]string{"user", "src"}, tab.By()); diff != "" {
		t.Errorf("By() after caller edited its slice (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"app"}, tab.Fields()); diff != "" {
		t.Errorf("Fields() after caller edited its slice (-want +got):\n%s", diff)
	}
	tab.By()[0], tab.Fields()[0] = "changed", "changed"
	if diff := cmp.Diff([]string{"user", "src"}, tab.By()); diff != "" {
		t.Errorf("By() after editing an earlier result (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"app"}, tab.Fields()); diff != "" {
		t.Errorf("Fields() after editing an earlier result (-want +got):\n%s", diff)
	}
}

func TestAddErrors(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		by     []string
		fields []string
		key    []string
		vals   [][]string
		want   string
	}{
		{
			name:   "short key",
			reason: "a missing BY value must not be guessed",
			by:     []string{"user", "src"},
			key:    []string{"alice"},
			want:   "aggregate: Add: key has 1 values for 2 BY columns: length mismatch",
		},
		{
			name:   "long key",
			reason: "an extra BY value means the caller and table disagree on columns",
			by:     []string{"user"},
			key:    []string{"alice", "x"},
			want:   "aggregate: Add: key has 2 values for 1 BY columns: length mismatch",
		},
		{
			name:   "key for a table without BY",
			reason: "zero BY columns takes an empty or nil key only",
			key:    []string{""},
			want:   "aggregate: Add: key has 1 values for 0 BY columns: length mismatch",
		},
		{
			name:   "nil vals with fields",
			reason: "nil is only fine when there are no fields; with fields, pass one (possibly empty) slice each",
			fields: []string{"app"},
			want:   "aggregate: Add: vals has 0 entries for 1 value fields: length mismatch",
		},
		{
			name:   "vals without fields",
			reason: "values for undeclared fields would be silently lost",
			vals:   [][]string{{"x"}},
			want:   "aggregate: Add: vals has 1 entries for 0 value fields: length mismatch",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := aggregate.New(tt.by, tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			err = tab.Add(tt.key, base, tt.vals)
			if !errors.Is(err, aggregate.ErrLengthMismatch) {
				t.Errorf("%s\nAdd error = %v, want ErrLengthMismatch", tt.reason, err)
			}
			if err != nil && err.Error() != tt.want {
				t.Errorf("Add error text = %q, want %q", err.Error(), tt.want)
			}
			if got := tab.Len(); got != 0 {
				t.Errorf("Len after failed Add = %d, want 0 (table unchanged)", got)
			}
		})
	}
}

func TestRows(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		by     []string
		fields []string
		obs    []obs
		want   []aggregate.Row
	}{
		{
			name:   "empty table",
			reason: "no observations, no groups; an empty, non-nil slice",
			by:     []string{"user"},
			want:   []aggregate.Row{},
		},
		{
			name:   "grouping",
			reason: "equal keys share a group; rows sorted by key",
			by:     []string{"user", "src"},
			obs: []obs{
				{key: []string{"bob", "10.0.0.2"}, at: at(0)},
				{key: []string{"alice", "10.0.0.1"}, at: at(1)},
				{key: []string{"bob", "10.0.0.2"}, at: at(2)},
				{key: []string{"alice", "10.0.0.9"}, at: at(3)},
				{key: []string{"bob", "10.0.0.2"}, at: at(4)},
			},
			want: []aggregate.Row{
				{Key: []string{"alice", "10.0.0.1"}, Count: 1, First: at(1), Last: at(1)},
				{Key: []string{"alice", "10.0.0.9"}, Count: 1, First: at(3), Last: at(3)},
				{Key: []string{"bob", "10.0.0.2"}, Count: 3, First: at(0), Last: at(4)},
			},
		},
		{
			name:   "separator-like values",
			reason: "naive joining with | or concatenation would merge these; length prefixes keep them apart",
			by:     []string{"a", "b"},
			obs: []obs{
				{key: []string{"a|b", "c"}, at: at(0)},
				{key: []string{"a", "b|c"}, at: at(0)},
				{key: []string{"ab", ""}, at: at(0)},
				{key: []string{"a", "b"}, at: at(0)},
				{key: []string{"", "ab"}, at: at(0)},
				{key: []string{"a\x00", "b"}, at: at(0)},
				{key: []string{"a", "\x00b"}, at: at(0)},
				{key: []string{"\x01a", ""}, at: at(0)},
				{key: []string{"a", ""}, at: at(0)},
			},
			want: []aggregate.Row{
				{Key: []string{"", "ab"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"\x01a", ""}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a", ""}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a", "\x00b"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a", "b"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a", "b|c"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a\x00", "b"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"ab", ""}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a|b", "c"}, Count: 1, First: at(0), Last: at(0)}, // '|' is 0x7c, after 'b'
			},
		},
		{
			name:   "empty key values",
			reason: "an empty BY value is an ordinary value here (dropping nulls is the caller's job) and its position matters",
			by:     []string{"a", "b"},
			obs: []obs{
				{key: []string{"", ""}, at: at(0)},
				{key: []string{"x", ""}, at: at(0)},
				{key: []string{"", "x"}, at: at(0)},
				{key: []string{"", ""}, at: at(1)},
			},
			want: []aggregate.Row{
				{Key: []string{"", ""}, Count: 2, First: at(0), Last: at(1)},
				{Key: []string{"", "x"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"x", ""}, Count: 1, First: at(0), Last: at(0)},
			},
		},
		{
			name:   "long key values",
			reason: "values of 128 bytes or more need a multi-byte length prefix",
			by:     []string{"a", "b"},
			obs: []obs{
				{key: []string{string(make([]byte, 200)), "x"}, at: at(0)},
				{key: []string{string(make([]byte, 200)) + "x", ""}, at: at(0)},
			},
			want: []aggregate.Row{
				{Key: []string{string(make([]byte, 200)), "x"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{string(make([]byte, 200)) + "x", ""}, Count: 1, First: at(0), Last: at(0)},
			},
		},
		{
			name:   "key order is column by column",
			reason: "the first column decides before the second; a prefix sorts first; bytewise, so upper case before lower and ASCII before UTF-8",
			by:     []string{"a", "b"},
			obs: []obs{
				{key: []string{"b", "a"}, at: at(0)},
				{key: []string{"ab", "a"}, at: at(0)},
				{key: []string{"a", "zz"}, at: at(0)},
				{key: []string{"é", "a"}, at: at(0)},
				{key: []string{"B", "a"}, at: at(0)},
				{key: []string{"a", "z"}, at: at(0)},
			},
			want: []aggregate.Row{
				{Key: []string{"B", "a"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a", "z"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"a", "zz"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"ab", "a"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"b", "a"}, Count: 1, First: at(0), Last: at(0)},
				{Key: []string{"é", "a"}, Count: 1, First: at(0), Last: at(0)},
			},
		},
		{
			name:   "times out of order",
			reason: "First and Last are min and max of the times, not the first and last calls",
			by:     []string{"user"},
			obs: []obs{
				{key: []string{"u"}, at: at(50)},
				{key: []string{"u"}, at: at(10)},
				{key: []string{"u"}, at: at(90)},
				{key: []string{"u"}, at: at(-5)},
				{key: []string{"u"}, at: at(60)},
			},
			want: []aggregate.Row{{Key: []string{"u"}, Count: 5, First: at(-5), Last: at(90)}},
		},
		{
			name:   "zero time",
			reason: "the zero time is an ordinary time: the first observation sets both bounds, whatever its value",
			by:     []string{"user"},
			obs: []obs{
				{key: []string{"u"}, at: time.Time{}},
				{key: []string{"v"}, at: at(1)},
				{key: []string{"v"}, at: time.Time{}},
			},
			want: []aggregate.Row{
				{Key: []string{"u"}, Count: 1},
				{Key: []string{"v"}, Count: 2, First: time.Time{}, Last: at(1)},
			},
		},
		{
			name:   "time zones",
			reason: "times compare as instants, so 12:00+02:00 is earlier than 11:00Z",
			by:     []string{"user"},
			obs: []obs{
				{key: []string{"u"}, at: base.Add(time.Hour)},
				{key: []string{"u"}, at: time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("", 2*3600))},
			},
			want: []aggregate.Row{{Key: []string{"u"}, Count: 2, First: base, Last: base.Add(time.Hour)}},
		},
		{
			name:   "values distinct and sorted bytewise",
			reason: "values() sorts bytes, not numbers or case-folded text: 10 < 9, B < a, ASCII < UTF-8; duplicates count once for dc()",
			by:     []string{"user"},
			fields: []string{"v"},
			obs: []obs{
				{key: []string{"u"}, at: at(0), vals: [][]string{{"9", "a", "é"}}},
				{key: []string{"u"}, at: at(1), vals: [][]string{{"10", "B", "9"}}},
				{key: []string{"u"}, at: at(2), vals: [][]string{{"z", "a", "ß", "Z"}}},
			},
			want: []aggregate.Row{{
				Key: []string{"u"}, Count: 3, First: at(0), Last: at(2),
				Values: [][]string{{"10", "9", "B", "Z", "a", "z", "ß", "é"}},
			}},
		},
		{
			name:   "empty values ignored",
			reason: "Splunk treats empty strings as null, so they are not values and do not count in dc()",
			by:     []string{"user"},
			fields: []string{"app", "src"},
			obs: []obs{
				{key: []string{"u"}, at: at(0), vals: [][]string{{"", "Teams"}, {""}}},
				{key: []string{"u"}, at: at(1), vals: [][]string{{""}, nil}},
				{key: []string{"w"}, at: at(2), vals: [][]string{{""}, {}}},
			},
			want: []aggregate.Row{
				{Key: []string{"u"}, Count: 2, First: at(0), Last: at(1), Values: [][]string{{"Teams"}, nil}},
				{Key: []string{"w"}, Count: 1, First: at(2), Last: at(2), Values: [][]string{nil, nil}},
			},
		},
		{
			name:   "values per field and per group",
			reason: "each field keeps its own set, and groups do not share values",
			by:     []string{"user"},
			fields: []string{"app", "src"},
			obs: []obs{
				{key: []string{"a"}, at: at(0), vals: [][]string{{"Teams"}, {"1.1.1.1"}}},
				{key: []string{"b"}, at: at(0), vals: [][]string{{"Outlook"}, {"2.2.2.2", "3.3.3.3"}}},
				{key: []string{"a"}, at: at(0), vals: [][]string{{"Outlook"}, {"1.1.1.1"}}},
			},
			want: []aggregate.Row{
				{Key: []string{"a"}, Count: 2, First: at(0), Last: at(0), Values: [][]string{{"Outlook", "Teams"}, {"1.1.1.1"}}},
				{Key: []string{"b"}, Count: 1, First: at(0), Last: at(0), Values: [][]string{{"Outlook"}, {"2.2.2.2", "3.3.3.3"}}},
			},
		},
		{
			name:   "zero BY columns",
			reason: "stats without BY: every observation lands in one group whose Key is nil",
			fields: []string{"user"},
			obs: []obs{
				{key: nil, at: at(3), vals: [][]string{{"bob"}}},
				{key: []string{}, at: at(1), vals: [][]string{{"alice"}}},
				{key: nil, at: at(2), vals: [][]string{{"bob"}}},
			},
			want: []aggregate.Row{{Count: 3, First: at(1), Last: at(3), Values: [][]string{{"alice", "bob"}}}},
		},
		{
			name:   "zero BY columns and no fields",
			reason: "plain stats count min(_time) max(_time)",
			obs: []obs{
				{at: at(7)},
				{at: at(4)},
			},
			want: []aggregate.Row{{Count: 2, First: at(4), Last: at(7)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := build(t, tt.by, tt.fields, tt.obs)
			got := tab.Rows()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s\nRows() mismatch (-want +got):\n%s", tt.reason, diff)
			}
			if tab.Len() != len(got) {
				t.Errorf("Len() = %d, want len(Rows()) = %d", tab.Len(), len(got))
			}
		})
	}
}

func TestZeroTable(t *testing.T) {
	var tab aggregate.Table
	if got := tab.Len(); got != 0 {
		t.Errorf("zero Table Len() = %d, want 0", got)
	}
	if diff := cmp.Diff([]aggregate.Row{}, tab.Rows()); diff != "" {
		t.Errorf("zero Table Rows() (-want +got):\n%s", diff)
	}
	if err := tab.Add(nil, at(2), nil); err != nil {
		t.Fatalf("zero Table Add: %v", err)
	}
	if err := tab.Add(nil, at(1), nil); err != nil {
		t.Fatalf("zero Table Add: %v", err)
	}
	var other aggregate.Table
	if err := other.Add(nil, at(5), nil); err != nil {
		t.Fatalf("zero Table Add: %v", err)
	}
	if err := tab.Merge(&other); err != nil {
		t.Fatalf("Merge of zero Tables: %v", err)
	}
	empty, err := aggregate.New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tab.Merge(empty); err != nil {
		t.Errorf("zero Table Merge(New(nil, nil)) = %v; want nil, the schemas are both empty", err)
	}
	want := []aggregate.Row{{Count: 3, First: at(1), Last: at(5)}}
	if diff := cmp.Diff(want, tab.Rows()); diff != "" {
		t.Errorf("zero Table behaves like New(nil, nil) (-want +got):\n%s", diff)
	}
	if err := tab.Add([]string{"x"}, at(0), nil); !errors.Is(err, aggregate.ErrLengthMismatch) {
		t.Errorf("zero Table Add with a key = %v, want ErrLengthMismatch", err)
	}
}

func TestCallerSlicesReusable(t *testing.T) {
	tab, err := aggregate.New([]string{"user"}, []string{"app"})
	if err != nil {
		t.Fatal(err)
	}
	// One key and one vals slice reused across calls, as a streaming caller
	// would.
	key := make([]string, 1)
	vals := [][]string{make([]string, 1)}
	buf := []byte("alice")
	for i, app := range []string{"Teams", "Outlook"} {
		key[0] = string(buf)
		vals[0][0] = app
		if err := tab.Add(key, at(i), vals); err != nil {
			t.Fatal(err)
		}
		copy(buf, "XXXXX")
		key[0], vals[0][0] = "mutated", "mutated"
		copy(buf, "alice")
	}
	want := []aggregate.Row{{Key: []string{"alice"}, Count: 2, First: at(0), Last: at(1), Values: [][]string{{"Outlook", "Teams"}}}}
	if diff := cmp.Diff(want, tab.Rows()); diff != "" {
		t.Errorf("Rows after caller reused its slices (-want +got):\n%s", diff)
	}
}

func TestRowsDoNotAlias(t *testing.T) {
	tab := build(t, []string{"user"}, []string{"app"}, []obs{
		{key: []string{"alice"}, at: at(0), vals: [][]string{{"Teams"}}},
	})
	rows := tab.Rows()
	want := tab.Rows()
	rows[0].Key[0] = "mallory"
	rows[0].Values[0][0] = "evil"
	rows[0].Values[0] = append(rows[0].Values[0], "more")
	if diff := cmp.Diff(want, tab.Rows()); diff != "" {
		t.Errorf("editing returned rows changed the table (-want +got):\n%s", diff)
	}
	// Rows do not alias each other either: growing one Key leaves the next
	// row alone.
	two := build(t, []string{"a", "b"}, nil, []obs{
		{key: []string{"x", "1"}, at: at(0)},
		{key: []string{"y", "2"}, at: at(0)},
	})
	rows = two.Rows()
	_ = append(rows[0].Key, "grown")
	if diff := cmp.Diff([]string{"y", "2"}, rows[1].Key); diff != "" {
		t.Errorf("appending to rows[0].Key changed rows[1].Key (-want +got):\n%s", diff)
	}
	// And the reverse: rows taken earlier do not see later additions.
	before := tab.Rows()
	if err := tab.Add([]string{"alice"}, at(9), [][]string{{"Outlook"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, before); diff != "" {
		t.Errorf("adding to the table changed earlier rows (-want +got):\n%s", diff)
	}
}

func TestAddAllocs(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		by     []string
		fields []string
		key    []string
		vals   [][]string
	}{
		{
			name:   "existing group, no fields",
			reason: "the per-event hot path: encode into the scratch buffer and look up without converting to a new string",
			by:     []string{"user", "src_ip", "app", "reason"},
			key:    []string{"alice@example.com", "203.0.113.7", "Evil App", "User declined to consent"},
		},
		{
			name:   "existing group, known values",
			reason: "a value already in the set is looked up, not copied",
			by:     []string{"user"},
			fields: []string{"src", "app"},
			key:    []string{"alice@example.com"},
			vals:   [][]string{{"203.0.113.7", ""}, {"Evil App"}},
		},
		{
			name:   "global group",
			reason: "zero BY columns takes the same path",
			fields: []string{"src"},
			vals:   [][]string{{"203.0.113.7"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := aggregate.New(tt.by, tt.fields)
			if err != nil {
				t.Fatal(err)
			}
			if err := tab.Add(tt.key, base, tt.vals); err != nil {
				t.Fatal(err)
			}
			i := 0
			allocs := testing.AllocsPerRun(1000, func() {
				i++
				if err := tab.Add(tt.key, at(i%7), tt.vals); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%s\nAdd allocated %v times per call, want 0", tt.reason, allocs)
			}
		})
	}
}
