package detection_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// byTenant is a grouping every event type here can have: count and time
// range by the add-on's dest (the tenant).
func byTenant[E any]() detection.Grouping[E] {
	return detection.Grouping[E]{
		By: []detection.By[E]{{Field: "dest"}},
		Stats: []detection.Stat[E]{
			{Func: detection.Count},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
			{Func: detection.Max, Field: detection.TimeField, As: "lastTime"},
		},
	}
}

func signInsByTenant(lits ...string) detection.Def[event.SignInEvent] {
	return detection.Def[event.SignInEvent]{Info: detection.Meta{Name: "by tenant"}, When: func(*event.SignInEvent) bool { return true }, Group: byTenant[event.SignInEvent](), Lits: lits}
}

func auditsByTenant(lits ...string) detection.Def[event.AuditEvent] {
	return detection.Def[event.AuditEvent]{Info: detection.Meta{Name: "by tenant"}, When: func(*event.AuditEvent) bool { return true }, Group: byTenant[event.AuditEvent](), Lits: lits}
}

// TestUnion runs one rule over sign-ins and audit records together: each
// tenant's finding counts the events of both types, from the earliest of
// either to the latest, as the sum of the two types run alone; for any
// number of workers.
func TestUnion(t *testing.T) {
	mixed := append(readTestdata(t, "formats", "azure-monitor-blob.jsonl"), readTestdata(t, "formats", "audit", "azure-monitor.jsonl")...)
	run := func(opts detection.Options, r detection.Rule) []detection.Finding {
		t.Helper()
		eng, err := detection.NewEngine(opts, r)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(mixed)))
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	signIns := run(detection.Options{}, detection.Of(signInsByTenant()))
	audits := run(detection.Options{}, detection.Of(auditsByTenant()))
	if len(signIns) == 0 || len(audits) == 0 {
		t.Fatalf("%d sign-in and %d audit findings alone; the test needs both", len(signIns), len(audits))
	}
	// What the union must give: per tenant, the counts added and the
	// time ranges joined.
	want := map[string]detection.Finding{}
	for _, f := range append(signIns, audits...) {
		dest, _ := f.Value("dest")
		w, ok := want[dest]
		if !ok {
			want[dest] = f
			continue
		}
		w.Count += f.Count
		w.FirstTime, w.LastTime = minTime(w.FirstTime, f.FirstTime), maxTime(w.LastTime, f.LastTime)
		want[dest] = w
	}
	if len(want) == len(signIns)+len(audits) {
		t.Fatal("no tenant has events of both types; the test needs one")
	}
	for _, workers := range []int{1, 2} {
		got := run(detection.Options{Workers: workers}, detection.Union(detection.Of(signInsByTenant()), detection.Of(auditsByTenant())))
		if len(got) != len(want) {
			t.Fatalf("%d workers: %d findings, want one per tenant (%d)", workers, len(got), len(want))
		}
		for _, f := range got {
			dest, _ := f.Value("dest")
			w := want[dest]
			if f.Count != w.Count || !f.FirstTime.Equal(w.FirstTime) || !f.LastTime.Equal(w.LastTime) {
				t.Errorf("%d workers: tenant %s: count %d, %v..%v; want %d, %v..%v", workers, dest, f.Count, f.FirstTime, f.LastTime, w.Count, w.FirstTime, w.LastTime)
			}
		}
	}
}

// TestUnionErrors checks that NewEngine rejects members that cannot share
// groups, naming what differs.
func TestUnionErrors(t *testing.T) {
	otherStats := auditsByTenant()
	otherStats.Group.Stats = otherStats.Group.Stats[:1]
	otherName := auditsByTenant()
	otherName.Info.Name = "something else"
	tests := []struct {
		name string
		rule detection.Rule
		want string
	}{
		{"stats", detection.Union(detection.Of(signInsByTenant()), detection.Of(otherStats)), "stats differ"},
		{"name", detection.Union(detection.Of(signInsByTenant()), detection.Of(otherName)), `detection name "something else"`},
		{"same type", detection.Union(detection.Of(signInsByTenant()), detection.Of(signInsByTenant())), `a second detection of event type "sign-in"`},
		{"empty", detection.Union(), "nil detection"},
		{"nil member", detection.Union(detection.Of(signInsByTenant()), nil), "nil detection"},
	}
	for _, tt := range tests {
		_, err := detection.NewEngine(detection.Options{}, tt.rule)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewEngine = %v, want an error mentioning %q", tt.name, err, tt.want)
		}
	}
}

// TestUnionMeta checks what a union says of itself: the first member's
// meta, the members' types, their detections, and literals only when
// every member has some.
func TestUnionMeta(t *testing.T) {
	u := detection.Union(detection.Of(signInsByTenant("a")), detection.Of(auditsByTenant("b")))
	if u.Meta().Name != "by tenant" || u.EventType() != "sign-in+audit" {
		t.Errorf("Meta().Name = %q, EventType() = %q; want \"by tenant\", \"sign-in+audit\"", u.Meta().Name, u.EventType())
	}
	ds, ok := u.Detection().(detection.Detections)
	if !ok || len(ds) != 2 {
		t.Fatalf("Detection() = %T, want the two members' Detections", u.Detection())
	}
	if diff := cmp.Diff([]string{"a", "b"}, ds.Literals()); diff != "" {
		t.Errorf("Literals (-want +got):\n%s", diff)
	}
	none := detection.Union(detection.Of(signInsByTenant("a")), detection.Of(auditsByTenant()))
	if l := none.Detection().(detection.Detections).Literals(); l != nil {
		t.Errorf("Literals with a member declaring none = %q, want nil", l)
	}
	eng, err := detection.NewEngine(detection.Options{}, none)
	if err != nil {
		t.Fatal(err)
	}
	if eng.Prefiltering() {
		t.Error("Prefiltering() with a member declaring no literals = true")
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
