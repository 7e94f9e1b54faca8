package event_test

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/escudo-dev/escudo/event"
)

// benchInput returns the sample file repeated to about 1 MB.
func benchInput(b *testing.B) []byte {
	b.Helper()
	sample, err := os.ReadFile(sampleFile)
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Repeat(sample, (1<<20)/len(sample)+1)
}

// BenchmarkReader measures reading about 1 MB of sign-ins: Read decodes
// each record into a new event, ReadInto into one reused event, and
// ReadRecord only frames the lines, to tell framing from decoding cost.
func BenchmarkReader(b *testing.B) {
	data := benchInput(b)
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			r := event.NewReader(bytes.NewReader(data))
			for {
				_, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("ReadInto", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		var ev event.SignInEvent
		for b.Loop() {
			r := event.NewReader(bytes.NewReader(data))
			for {
				err := r.ReadInto(&ev)
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("ReadRecord", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			r := event.NewReader(bytes.NewReader(data))
			for {
				_, err := r.ReadRecord()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkFieldAppend measures one field access, as the engine does per
// event and field.
func BenchmarkFieldAppend(b *testing.B) {
	ev := fullEvent()
	for _, name := range []string{"userPrincipalName", "status.errorCode", "appliedConditionalAccessPolicies{}.result"} {
		f, err := event.LookupField(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]string, 0, 8)
			for b.Loop() {
				dst = f.Append(dst[:0], &ev)
			}
		})
	}
}
