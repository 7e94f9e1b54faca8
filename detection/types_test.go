package detection_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
)

// provisioning is an event type of the test's own, the Azure Monitor
// ProvisioningLogs category: adding it takes a struct and a Schema, and
// no engine code.
type provisioning struct {
	At     time.Time
	Job    string
	Status string
}

func (*provisioning) Schema() *event.Schema[provisioning] {
	fields := []event.Field[provisioning]{
		event.NewField("jobId", event.KindString, false, func(dst []string, e *provisioning) []string { return append(dst, e.Job) }),
		event.NewField("status", event.KindString, false, func(dst []string, e *provisioning) []string { return append(dst, e.Status) }),
	}
	return &event.Schema[provisioning]{
		Name: "provisioning",
		Field: func(name string) (event.Field[provisioning], error) {
			for _, f := range fields {
				if f.Name() == name {
					return f, nil
				}
			}
			return event.Field[provisioning]{}, event.ErrUnknownField
		},
		Time: func(e *provisioning) time.Time { return e.At },
		Decode: func(r *event.Reader, rec event.Record, e *provisioning) error {
			// A decoder reports records of other kinds itself: an engine
			// with detections of one type only hands it every record.
			if kind := event.KindOf(rec); kind != "ProvisioningLogs" {
				return &event.OtherKindError{Source: r.Name, Line: rec.Line, Offset: rec.Offset, Kind: kind}
			}
			var w struct {
				Properties struct {
					ActivityDateTime time.Time `json:"activityDateTime"`
					JobID            string    `json:"jobId"`
					Status           struct {
						Status string `json:"status"`
					} `json:"provisioningStatusInfo"`
				} `json:"properties"`
			}
			if err := json.Unmarshal(rec.Data, &w); err != nil {
				return &event.DecodeError{Source: r.Name, Line: rec.Line, Offset: rec.Offset, Err: err}
			}
			*e = provisioning{At: w.Properties.ActivityDateTime, Job: w.Properties.JobID, Status: w.Properties.Status.Status}
			return nil
		},
		Accepts: func(kind string) bool { return kind == "ProvisioningLogs" },
	}
}

type provisioningRule struct{}

func (provisioningRule) Meta() detection.Meta { return detection.Meta{Name: "provisioning by status"} }

func (provisioningRule) Match(*provisioning) bool { return true }

func (provisioningRule) Grouping() detection.Grouping[provisioning] {
	return detection.Grouping[provisioning]{
		By:    []detection.By[provisioning]{{Field: "jobId"}, {Field: "status"}},
		Stats: []detection.Stat[provisioning]{{Func: detection.Count}},
	}
}

// TestMixedEventTypes runs detections of two event types in one pass
// over an Azure Monitor stream that mixes sign-ins with records of other
// categories: each rule's findings are those of the rule over the records
// of its type alone, the records of a kind no detection reads are counted
// per kind, and a strict run does not stop at them, for any number of
// workers.
func TestMixedEventTypes(t *testing.T) {
	mixed := readTestdata(t, "formats", "azure-monitor-mixed.jsonl")
	alone := func(r detection.Rule) []string {
		eng, err := detection.NewEngine(detection.Options{}, r)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(mixed)))
		if err != nil {
			t.Fatal(err)
		}
		return jsonLines(res.Findings)
	}
	consent, prov := detection.Of[event.SignInEvent](consentRule()), detection.Of[provisioning](provisioningRule{})
	want := append(alone(consent), alone(prov)...)
	if len(want) < 2 {
		t.Fatalf("the rules alone find %d rows; the test needs both to find some", len(want))
	}
	for _, workers := range []int{1, 2, 3} {
		eng, err := detection.NewEngine(detection.Options{Workers: workers}, consent, prov)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(mixed)))
		if err != nil {
			t.Fatalf("%d workers: strict run over a mixed stream: %v", workers, err)
		}
		if diff := cmp.Diff(want, jsonLines(res.Findings)); diff != "" {
			t.Errorf("%d workers: findings differ from each rule alone (-want +got):\n%s", workers, diff)
		}
		wantKinds := map[string]int64{"AuditLogs": 2, "MicrosoftGraphActivityLogs": 1, "RiskyUsers": 1, "UserRiskEvents": 1}
		if diff := cmp.Diff(wantKinds, res.OtherKinds); diff != "" {
			t.Errorf("%d workers: other kinds (-want +got):\n%s", workers, diff)
		}
		if res.Counts != (event.Counts{Records: 34, Decoded: 29, Other: 5}) {
			t.Errorf("%d workers: counts %+v, want 34 records: 28 sign-ins and 1 provisioning record decoded, 5 of other kinds", workers, res.Counts)
		}
	}
}

// TestEventTypeUnknownField checks that a field the event type does not
// have is an error when the engine is built.
func TestEventTypeUnknownField(t *testing.T) {
	_, err := detection.NewEngine(detection.Options{}, detection.Of[provisioning](badProvisioningRule{}))
	if !errors.Is(err, event.ErrUnknownField) {
		t.Errorf("NewEngine = %v, want an unknown field error", err)
	}
}

type badProvisioningRule struct{ provisioningRule }

func (badProvisioningRule) Grouping() detection.Grouping[provisioning] {
	return detection.Grouping[provisioning]{By: []detection.By[provisioning]{{Field: "jobID"}}, Stats: []detection.Stat[provisioning]{{Func: detection.Count}}}
}

// auditByOperation counts audit events by operation and result.
type auditByOperation struct{}

func (auditByOperation) Meta() detection.Meta { return detection.Meta{Name: "audit by operation"} }

func (auditByOperation) Match(ev *event.AuditEvent) bool { return ev.ActivityDisplayName != "" }

func (auditByOperation) Grouping() detection.Grouping[event.AuditEvent] {
	return detection.Grouping[event.AuditEvent]{
		By:    []detection.By[event.AuditEvent]{{Field: "operationName"}, {Field: "result"}},
		Stats: []detection.Stat[event.AuditEvent]{{Func: detection.Count}, {Func: detection.Values, Field: "targetResources{}.type", As: "types"}},
	}
}

// TestSignInsAndAudits runs a sign-in rule and an audit rule in one pass
// over Azure Monitor records of both types, interleaved: each finds what
// it finds over the same input alone, in strict mode, for any number of
// workers.
func TestSignInsAndAudits(t *testing.T) {
	signIns := readTestdata(t, "formats", "azure-monitor-blob.jsonl")
	audits := readTestdata(t, "formats", "audit", "azure-monitor.jsonl")
	// Interleave the two files line by line.
	a, b := bytes.SplitAfter(signIns, []byte("\n")), bytes.SplitAfter(audits, []byte("\n"))
	var mixed []byte
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) {
			mixed = append(mixed, a[i]...)
		}
		if i < len(b) {
			mixed = append(mixed, b[i]...)
		}
	}
	run := func(opts detection.Options, rs ...detection.Rule) (*detection.Result, []string) {
		eng, err := detection.NewEngine(opts, rs...)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Run(context.Background(), event.NewReader(bytes.NewReader(mixed)))
		if err != nil {
			t.Fatalf("strict run over signs-ins and audits: %v", err)
		}
		return res, jsonLines(res.Findings)
	}
	consent, audit := detection.Of[event.SignInEvent](consentRule()), detection.Of[event.AuditEvent](auditByOperation{})
	_, wantSignIn := run(detection.Options{}, consent)
	_, wantAudit := run(detection.Options{}, audit)
	if len(wantSignIn) == 0 || len(wantAudit) < 5 {
		t.Fatalf("alone: %d sign-in and %d audit findings; the test needs both", len(wantSignIn), len(wantAudit))
	}
	for _, workers := range []int{1, 2, 3} {
		res, got := run(detection.Options{Workers: workers}, consent, audit)
		if diff := cmp.Diff(append(wantSignIn, wantAudit...), got); diff != "" {
			t.Errorf("%d workers: findings differ from each rule alone (-want +got):\n%s", workers, diff)
		}
		if res.Counts.Other != 0 || res.Counts.Bad != 0 || res.Counts.Decoded != res.Counts.Records {
			t.Errorf("%d workers: counts %+v: every record is of one of the two types", workers, res.Counts)
		}
	}
}
