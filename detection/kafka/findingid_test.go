package kafka_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/kafka"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// idCase is one input of FindingID.
type idCase struct {
	tenant string
	w      detection.Window
	f      detection.Finding
	by     []string
}

func (c idCase) id() string { return kafka.FindingID(c.tenant, c.w, c.f, c.by) }

func baseCase() idCase {
	start := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	return idCase{
		tenant: "5f1c2a3b-7d4e-4a6f-9b8c-0d1e2f3a4b5c",
		w:      detection.Window{Detection: "azure_ad_high_number_of_failed_authentications_for_user", Start: start, End: start.Add(10 * time.Minute)},
		f: detection.Finding{
			Detection:  "azure_ad_high_number_of_failed_authentications_for_user",
			SearchName: "Azure AD High Number Of Failed Authentications For User",
			Columns: []detection.Column{
				{Name: "user", Kind: detection.Text, Values: []string{"nadia.okafor@example.com"}},
				{Name: "src_ip", Kind: detection.Text, Values: []string{"203.0.113.24"}},
				{Name: "count", Kind: detection.Number, Values: []string{"25"}},
				{Name: "reasons", Kind: detection.Multi, Values: []string{"50126", "50053"}},
				{Name: "firstTime", Kind: detection.Text, Values: []string{"03/14/2025 08:01:00"}},
			},
			Count:     25,
			FirstTime: start.Add(time.Minute),
			LastTime:  start.Add(9 * time.Minute),
		},
		by: []string{"user", "src_ip"},
	}
}

// withColumn returns c with column name's values replaced (a copy: the
// base's slices are not touched).
func (c idCase) withColumn(name string, values ...string) idCase {
	cols := make([]detection.Column, len(c.f.Columns))
	copy(cols, c.f.Columns)
	for i := range cols {
		if cols[i].Name == name {
			cols[i].Values = values
		}
	}
	c.f.Columns = cols
	return c
}

func TestFindingIDForm(t *testing.T) {
	c := baseCase()
	id := c.id()
	if !hex32.MatchString(id) {
		t.Fatalf("FindingID = %q, want 32 lower-case hex digits", id)
	}
	for range 3 {
		if again := baseCase().id(); again != id {
			t.Fatalf("FindingID not deterministic: %q, then %q", id, again)
		}
	}
	// The same instants in another zone are the same window.
	loc := time.FixedZone("UTC+2", 2*3600)
	c.w.Start, c.w.End = c.w.Start.In(loc), c.w.End.In(loc)
	if got := c.id(); got != id {
		t.Errorf("window in another zone: id %q, want %q", got, id)
	}
}

func TestFindingIDDiffers(t *testing.T) {
	base := baseCase()
	id := base.id()
	ids := map[string]string{id: "base"}
	for name, c := range map[string]idCase{
		"tenant":    func() idCase { c := baseCase(); c.tenant = "8e2d4c6a-1b3f-4d5e-9a7c-6b8d0e2f4a61"; return c }(),
		"no tenant": func() idCase { c := baseCase(); c.tenant = ""; return c }(),
		"detection": func() idCase {
			c := baseCase()
			c.f.Detection = "azure_ad_high_number_of_failed_authentications_from_ip"
			return c
		}(),
		"window start":            func() idCase { c := baseCase(); c.w.Start = c.w.Start.Add(-time.Nanosecond); return c }(),
		"window end":              func() idCase { c := baseCase(); c.w.End = c.w.End.Add(time.Second); return c }(),
		"user":                    base.withColumn("user", "priya.raman@example.com"),
		"src_ip":                  base.withColumn("src_ip", "203.0.113.25"),
		"group column empty":      base.withColumn("src_ip", ""),
		"group column no values":  base.withColumn("src_ip"),
		"group column two values": base.withColumn("src_ip", "203.0.113.24", "x"),
		"group by user only":      func() idCase { c := baseCase(); c.by = []string{"user"}; return c }(),
		"group by none":           func() idCase { c := baseCase(); c.by = nil; return c }(),
	} {
		got := c.id()
		if !hex32.MatchString(got) {
			t.Errorf("%s: FindingID = %q, want 32 hex digits", name, got)
		}
		if other, ok := ids[got]; ok {
			t.Errorf("%s: id %s, the same as %s's", name, got, other)
		}
		ids[got] = name
	}
}

func TestFindingIDIgnoresNonGroup(t *testing.T) {
	base := baseCase()
	id := base.id()
	for name, c := range map[string]idCase{
		"count column":   base.withColumn("count", "26"),
		"multi column":   base.withColumn("reasons", "50126"),
		"firstTime":      base.withColumn("firstTime", "03/14/2025 08:02:00"),
		"search name":    func() idCase { c := baseCase(); c.f.SearchName = "renamed"; return c }(),
		"count":          func() idCase { c := baseCase(); c.f.Count = 26; return c }(),
		"first and last": func() idCase { c := baseCase(); c.f.FirstTime, c.f.LastTime = c.w.Start, c.w.End; return c }(),
		"window detection field": func() idCase {
			c := baseCase()
			c.w.Detection = "other"
			return c
		}(),
		"a by name with no column": func() idCase { c := baseCase(); c.by = []string{"user", "src_ip", "absent"}; return c }(),
	} {
		if got := c.id(); got != id {
			t.Errorf("%s changed: id %q, want %q", name, got, id)
		}
	}
}

func TestFindingIDLengthPrefixed(t *testing.T) {
	base := baseCase()
	// Two group columns: ("ab","c") against ("a","bc").
	a := base.withColumn("user", "ab").withColumn("src_ip", "c")
	b := base.withColumn("user", "a").withColumn("src_ip", "bc")
	if a.id() == b.id() {
		t.Errorf(`group values ("ab","c") and ("a","bc") share id %s`, a.id())
	}
	// One multivalue group column: ["ab","c"] against ["a","bc"], and ["abc"].
	m := baseCase()
	m.by = []string{"reasons"}
	ids := map[string]bool{}
	for _, vs := range [][]string{{"ab", "c"}, {"a", "bc"}, {"abc"}, {"abc", ""}, {"", "abc"}} {
		id := m.withColumn("reasons", vs...).id()
		if ids[id] {
			t.Errorf("values %q share an id with another split of the same bytes", vs)
		}
		ids[id] = true
	}
	// Tenant and detection: ("ab","c") against ("a","bc").
	t1, t2 := baseCase(), baseCase()
	t1.tenant, t1.f.Detection = "ab", "c"
	t2.tenant, t2.f.Detection = "a", "bc"
	if t1.id() == t2.id() {
		t.Errorf(`tenant/detection ("ab","c") and ("a","bc") share id %s`, t1.id())
	}
}
