package detection_test

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// emitted is what a stream hands to OnWindow, in order.
type emitted struct {
	W  detection.Window
	Fs []string
}

func recorder(out *[]emitted) func(detection.Window, []detection.Finding) error {
	return func(w detection.Window, fs []detection.Finding) error {
		*out = append(*out, emitted{w, jsonLines(fs)})
		return nil
	}
}

func catalogueEngine(t *testing.T, workers int) *detection.Engine {
	t.Helper()
	eng, err := detection.NewEngine(detection.Options{Workers: workers}, rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func runLines(t *testing.T, st *detection.Stream, name string, recs []timed) {
	t.Helper()
	r := event.NewReader(strings.NewReader(joinLines(recs)))
	r.Name = name
	if err := st.Run(context.Background(), r); err != nil {
		t.Fatal(err)
	}
}

// TestStreamCheckpointSplit stops the whole catalogue's stream at random
// records, checkpoints it, restores the checkpoint into a new engine and
// stream, and runs the rest: what both streams hand over, in order, is
// what one uninterrupted stream hands over, nothing repeated and nothing
// missing, with the same counts.
func TestStreamCheckpointSplit(t *testing.T) {
	recs := catalogueRecords(t)
	lateness := 10 * time.Minute
	rng := rand.New(rand.NewPCG(3, 4))
	in := shuffled(recs, lateness, rng)
	var want []emitted
	whole, err := catalogueEngine(t, 1).NewStream(detection.StreamOptions{Lateness: lateness, OnWindow: recorder(&want)})
	if err != nil {
		t.Fatal(err)
	}
	runLines(t, whole, "in", in)
	if err := whole.Close(); err != nil {
		t.Fatal(err)
	}
	if len(want) < 40 {
		t.Fatalf("%d windows with findings; the test needs more", len(want))
	}
	cuts := []int{0, 1, len(in) / 2, len(in) - 1, len(in)}
	for range 8 {
		cuts = append(cuts, rng.IntN(len(in)+1))
	}
	for _, k := range cuts {
		var got []emitted
		first, err := catalogueEngine(t, 2).NewStream(detection.StreamOptions{Lateness: lateness, OnWindow: recorder(&got)})
		if err != nil {
			t.Fatal(err)
		}
		runLines(t, first, "in", in[:k])
		cp, err := first.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		second, err := catalogueEngine(t, 1).RestoreStream(cp, detection.StreamOptions{Lateness: lateness, OnWindow: recorder(&got)})
		if err != nil {
			t.Fatalf("cut at %d: %v", k, err)
		}
		if pos := second.Positions(); k > 0 && (len(pos) != 1 || pos[0].Records != int64(k)) {
			t.Errorf("cut at %d: restored positions %+v, want in at record %d", k, pos, k)
		}
		runLines(t, second, "in", in[k:])
		if err := second.Close(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("cut at %d of %d: stopped and restored differs from uninterrupted (-whole +split):\n%s", k, len(in), diff)
		}
		if wc, gc := whole.Counts(), second.Counts(); wc != gc {
			t.Errorf("cut at %d: counts %+v, want %+v", k, gc, wc)
		}
	}
}

// TestStreamCheckpointErrors checks that a checkpoint cut short, with a
// flipped bit, of another format version, of another engine, or of
// another lateness or window is refused with
// ErrCheckpoint, never restored partly, never a panic.
func TestStreamCheckpointErrors(t *testing.T) {
	recs := catalogueRecords(t)
	st, err := catalogueEngine(t, 1).NewStream(detection.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runLines(t, st, "in", recs[:len(recs)/2])
	cp, err := st.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	eng := catalogueEngine(t, 1)
	for n := range len(cp) {
		if _, err := eng.RestoreStream(cp[:n], detection.StreamOptions{}); !errors.Is(err, detection.ErrCheckpoint) {
			t.Fatalf("cut to %d of %d bytes: %v, want ErrCheckpoint", n, len(cp), err)
		}
	}
	for i := 0; i < len(cp); i += 1 + len(cp)/500 {
		bad := append([]byte(nil), cp...)
		bad[i] ^= 0x10
		if _, err := eng.RestoreStream(bad, detection.StreamOptions{}); !errors.Is(err, detection.ErrCheckpoint) {
			t.Fatalf("bit flipped at byte %d: %v, want ErrCheckpoint", i, err)
		}
	}
	// Another format version, its checksum made right.
	v2 := append([]byte(nil), cp...)
	v2[4] = 2
	binary.LittleEndian.PutUint32(v2[len(v2)-4:], crc32.Checksum(v2[:len(v2)-4], crc32.MakeTable(crc32.Castagnoli)))
	if _, err := eng.RestoreStream(v2, detection.StreamOptions{}); !errors.Is(err, detection.ErrCheckpoint) || !strings.Contains(err.Error(), "format version 2, this build reads 1") {
		t.Errorf("version 2: %v, want ErrCheckpoint naming the version", err)
	}
	other, err := detection.NewEngine(detection.Options{}, rules.All()[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		eng  *detection.Engine
		opts detection.StreamOptions
		want string
	}{
		{"other detections", other, detection.StreamOptions{}, "detections"},
		{"other lateness", eng, detection.StreamOptions{Lateness: time.Minute}, "lateness 10m0s, this stream's is 1m0s"},
		{"other window", eng, detection.StreamOptions{Window: 2 * time.Hour}, "window 1h0m0s, this stream's is 2h0m0s"},
	} {
		_, err := tt.eng.RestoreStream(cp, tt.opts)
		if !errors.Is(err, detection.ErrCheckpoint) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want ErrCheckpoint saying %q", tt.name, err, tt.want)
		}
	}
	if _, err := eng.RestoreStream(cp, detection.StreamOptions{}); err != nil {
		t.Errorf("the checkpoint itself: %v", err)
	}
}

// TestStreamIncidents runs the incident engine downstream in the stream:
// the incidents it raises are those an incident engine of its own raises
// over the risk events of the windows' findings, in the order the windows
// close; and a stream stopped and restored from a checkpoint raises the
// same ones as one never stopped.
func TestStreamIncidents(t *testing.T) {
	recs := shuffled(catalogueRecords(t), 10*time.Minute, rand.New(rand.NewPCG(5, 6)))
	eng := catalogueEngine(t, 1)
	var events []risk.Event
	opts := func(out *[]string) detection.StreamOptions {
		return detection.StreamOptions{
			IncidentRules: risk.DefaultIncidentRules(),
			OnIncident: func(inc risk.Incident) error {
				b, err := inc.MarshalJSON()
				*out = append(*out, string(b))
				return err
			},
			OnWindow: func(_ detection.Window, fs []detection.Finding) error {
				evs, err := eng.Risk(fs...)
				events = append(events, evs...)
				return err
			},
		}
	}
	var whole []string
	for _, cut := range []int{0, len(recs) / 3, 2 * len(recs) / 3} {
		var got []string
		events = nil
		st, err := eng.NewStream(opts(&got))
		if err != nil {
			t.Fatal(err)
		}
		runLines(t, st, "in", recs[:cut])
		if cut > 0 {
			cp, err := st.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if st, err = catalogueEngine(t, 2).RestoreStream(cp, opts(&got)); err != nil {
				t.Fatal(err)
			}
		}
		runLines(t, st, "in", recs[cut:])
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if cut == 0 {
			whole = got
			// The oracle: the same risk events, in the same order,
			// through an incident engine of their own, with the lateness
			// the stream gives its own (the longest window, an hour,
			// and the stream's ten minutes).
			inc, err := risk.NewIncidentEngine(risk.IncidentOptions{Lateness: 70 * time.Minute}, risk.DefaultIncidentRules()...)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			add := func(incs []risk.Incident) {
				for _, i := range incs {
					b, _ := i.MarshalJSON()
					want = append(want, string(b))
				}
			}
			for _, ev := range events {
				incs, err := inc.Add(ev)
				if err != nil {
					t.Fatalf("risk event %v: %v", ev.Time, err)
				}
				add(incs)
			}
			incs, err := inc.Flush()
			if err != nil {
				t.Fatal(err)
			}
			add(incs)
			if len(want) < 10 {
				t.Fatalf("%d incidents; the test needs more", len(want))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("streamed incidents differ from an incident engine over the streamed risk events (-engine +stream):\n%s", diff)
			}
			continue
		}
		if diff := cmp.Diff(whole, got); diff != "" {
			t.Errorf("cut at %d: incidents differ from the stream never stopped (-whole +split):\n%s", cut, diff)
		}
	}
}
