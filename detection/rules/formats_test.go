package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/rules"
	"github.com/escudo-dev/escudo/event"
)

// TestConsentDeniedEveryFormat runs the consent-denied rule over one
// logical dataset stored in every supported format (and gzipped), and
// checks every format gives the groups computed independently in
// testdata/formats/expected-consent-groups.txt.
func TestConsentDeniedEveryFormat(t *testing.T) {
	want := expectedGroups(t)
	files, err := filepath.Glob(testdata("formats", "*.json*"))
	if err != nil || len(files) != 22 {
		t.Fatalf("want 22 JSON format files (7 formats, plain and gzip, a bzip2 copy, and 7 other shapes), got %d: %v", len(files), err)
	}
	// Every record decoded whole, so that every format is shown to decode
	// all 28 sign-ins (TestGolden holds the default path to the same
	// findings).
	eng, err := detection.NewEngine(detection.Options{DecodeAll: true}, of(rules.O365UserConsentDenied())...)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := event.NewReader(f)
			r.Name = filepath.Base(path)
			res, err := eng.Run(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			if c := res.Counts; c.Decoded != 28 || c.Bad != 0 || c.Records != c.Decoded+c.Other {
				t.Errorf("counts = %+v, want 28 sign-ins decoded, nothing bad", res.Counts)
			}
			var got [][]string
			for _, fd := range res.Findings {
				var row []string
				for _, c := range fd.Columns {
					row = append(row, c.Values...)
				}
				got = append(got, row)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings differ from the expected groups (-want +got):\n%s", diff)
			}
		})
	}
}

func expectedGroups(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(testdata("formats", "expected-consent-groups.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}
