package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/internal/findingjson"
	"github.com/escudo-dev/escudo/risk"
)

// partition is the state of one input partition this member owns: a
// stream per tenant, and the offset to read next.
type partition struct {
	id      int32
	next    int64  // offset of the next record; records before it are in the state
	seq     uint64 // id of the last snapshot saved or restored
	tenants map[string]*detection.Stream
	dirty   bool // read from since the last commit
	sought  bool // at least once: the fetch went back to next once already
}

// partition returns the state of input partition id, restoring it from
// the state topic when this member has not loaded it.
func (r *Runner) partition(ctx context.Context, id int32) (*partition, error) {
	if p := r.parts[id]; p != nil {
		return p, nil
	}
	start := time.Now()
	p, err := r.restore(ctx, id)
	if err != nil {
		return nil, err
	}
	r.parts[id] = p
	r.log.Info("partition loaded", "partition", id, "tenants", len(p.tenants), "next", p.next, "took", time.Since(start).Round(time.Millisecond))
	r.stats.setOpen(r.openWindows())
	return p, nil
}

// stream returns tenant's stream in p, starting it if new.
func (r *Runner) stream(p *partition, tenant string) (*detection.Stream, error) {
	if st := p.tenants[tenant]; st != nil {
		return st, nil
	}
	st, err := r.eng.NewStream(r.streamOptions(p.id, tenant))
	if err != nil {
		return nil, err
	}
	p.tenants[tenant] = st
	return st, nil
}

// streamOptions are the options of tenant's stream in partition id: the
// config's, with the runner's callbacks.
func (r *Runner) streamOptions(id int32, tenant string) detection.StreamOptions {
	opts := r.cfg.Stream
	opts.OnWindow = func(w detection.Window, fs []detection.Finding) error {
		r.window(tenant, w, fs)
		r.pending += int64(len(fs))
		return nil
	}
	opts.OnLate = func(l detection.LateEvent) {
		r.stats.late()
		if c := r.cur; c != nil && c.partition == id && c.tenant == tenant {
			if in := c.inputs[l.Source]; in != nil {
				off, line := in.locate(l.Line)
				l.Source, l.Line = fmt.Sprintf("%s/%d@%d", r.cfg.Topic, id, off), line
			}
		}
		r.log.Warn("late event", "tenant", tenant, "event", l.String())
	}
	if len(opts.IncidentRules) > 0 {
		opts.OnIncident = func(inc risk.Incident) error {
			b, err := inc.MarshalJSON()
			if err != nil {
				return err
			}
			r.produce(&kgo.Record{Topic: r.cfg.OutTopic, Key: []byte(tenant), Value: b,
				Headers: []kgo.RecordHeader{{Key: "incident_id", Value: []byte(IncidentID(tenant, b))}, {Key: "kind", Value: []byte("incident")}}})
			return nil
		}
	}
	return opts
}

// window writes a closed window's findings to the output topic, each with
// its id, then their risk events when Config.Risk asks for them.
func (r *Runner) window(tenant string, w detection.Window, fs []detection.Finding) {
	for _, f := range fs {
		id := FindingID(tenant, w, f, r.groupBy[f.Detection])
		r.produce(&kgo.Record{
			Topic: r.cfg.OutTopic, Key: []byte(tenant), Value: findingjson.Append(nil, f),
			Headers: []kgo.RecordHeader{{Key: "finding_id", Value: []byte(id)}, {Key: "kind", Value: []byte("finding")}},
		})
		if !r.cfg.Risk {
			continue
		}
		evs, _ := r.eng.Risk(f) // f is of the engine's detections
		for _, ev := range evs {
			b, err := ev.MarshalJSON()
			if err != nil {
				continue // times come from decoded records: cannot fail
			}
			r.produce(&kgo.Record{
				Topic: r.cfg.OutTopic, Key: []byte(tenant), Value: b,
				Headers: []kgo.RecordHeader{{Key: "finding_id", Value: []byte(id)}, {Key: "kind", Value: []byte("risk_event")}},
			})
		}
	}
}

func (r *Runner) openWindows() int {
	n := 0
	for _, p := range r.parts {
		for _, st := range p.tenants {
			n += st.OpenWindows()
		}
	}
	return n
}
