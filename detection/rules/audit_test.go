package rules_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/detectiontest"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

// TestAuditRulesConform runs the conformance checks on every audit rule,
// with every record of the audit dataset as an event to try.
func TestAuditRulesConform(t *testing.T) {
	data, err := os.ReadFile(testdata("formats", "audit", "azure-monitor.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	r := event.NewReader(bytes.NewReader(data))
	var evs []*event.AuditEvent
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			break
		}
		var ev event.AuditEvent
		if err := event.DecodeAudit("audit", rec, &ev); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, &ev)
	}
	for _, d := range rules.Audits() {
		if err := detectiontest.Check(d, evs...); err != nil {
			t.Errorf("%s: %v", d.Meta().Name, err)
		}
	}
}

// TestAuditNearMisses runs each audit rule over the records of its sample
// that must not match, alone: a role other than Global Administrator
// (Privileged Role Administrator, Global Reader), a Global Administrator
// removed rather than given, a service principal an application created.
func TestAuditNearMisses(t *testing.T) {
	tests := []struct {
		d      detection.Detection[event.AuditEvent]
		marker []string // lines holding one of these are near misses
	}{
		{rules.AzureADGlobalAdministratorRoleAssigned(), []string{`Privileged Role Administrator`, `"Remove member from role"`, `Global Reader`}},
		{rules.AzureADServicePrincipalCreated(), []string{`"initiatedBy":{"app"`}},
	}
	for _, tt := range tests {
		name := tt.d.Meta().Name
		data, err := os.ReadFile(testdata(strings.ReplaceAll(strings.ToLower(name), " ", "_"), "audit.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		var misses []string
		for _, l := range strings.SplitAfter(string(data), "\n") {
			for _, m := range tt.marker {
				if strings.Contains(l, m) {
					misses = append(misses, l)
					break
				}
			}
		}
		if len(misses) != len(tt.marker) {
			t.Fatalf("%s: %d near misses in the sample, want %d", name, len(misses), len(tt.marker))
		}
		eng, err := detection.NewEngine(detection.Options{}, detection.Of(tt.d))
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(strings.Join(misses, ""))))
		if err != nil || len(res.Findings) != 0 || res.Counts.Decoded+res.Counts.Prefiltered != int64(len(misses)) || res.Counts.Bad != 0 {
			t.Errorf("%s: near misses give %d findings (%v), counts %+v; want none", name, len(res.Findings), err, res.Counts)
		}
	}
}
