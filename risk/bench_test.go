package risk

import (
	"testing"
	"time"
)

func benchBuilder(b *testing.B) *Builder {
	b.Helper()
	bl, err := NewBuilder(consentSpec(), consentFields, consentAnnotations())
	if err != nil {
		b.Fatal(err)
	}
	return bl
}

func BenchmarkBuild(b *testing.B) {
	bl := benchBuilder(b)
	t0 := time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC)
	for _, bc := range []struct {
		name string
		f    row
	}{
		{"single", row{t: t0, vals: map[string][]string{"user": {"megan.bowen@contoso.com"}, "src_ip": {"203.0.113.24"}}}},
		{"multivalue", row{t: t0, vals: map[string][]string{
			"user":   {"a@contoso.com", "b@contoso.com", "c@contoso.com", "d@contoso.com"},
			"src_ip": {"203.0.113.24", "198.51.100.7", "2001:db8::1"},
		}}},
		{"no risk object", row{t: t0, vals: map[string][]string{"src_ip": {"203.0.113.24"}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var dst []Event
			var f Finding = bc.f // convert once: boxing the row allocates
			for b.Loop() {
				dst = bl.Append(dst[:0], f)
			}
		})
	}
}

func BenchmarkEventMarshalJSON(b *testing.B) {
	bl := benchBuilder(b)
	ev := bl.Build(row{
		t:    time.Date(2025, 3, 14, 9, 21, 7, 0, time.UTC),
		vals: map[string][]string{"user": {"megan.bowen@contoso.com"}, "src_ip": {"203.0.113.24"}},
	})[0]
	data, err := ev.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := ev.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var e Event
			if err := e.UnmarshalJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
