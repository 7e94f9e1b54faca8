package spl_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/escudo-dev/escudo/detection/spl"
)

var sinkBool bool

func BenchmarkWildcard(b *testing.B) {
	long := strings.Repeat("x", 200) + `"Privileged Role Administrator"`
	cases := []struct {
		name, pattern, s string
		opts             spl.WildcardOptions
	}{
		{"contains/ascii-fold", "*Privileged Role Administrator*", `"Privileged Role Administrator"`, spl.WildcardOptions{}},
		{"contains/ascii-fold/miss", "*Global Administrator*", `"Privileged Role Administrator"`, spl.WildcardOptions{}},
		{"contains/ascii-fold/long", "*Privileged Role Administrator*", long, spl.WildcardOptions{}},
		{"contains/case-sensitive", "*Privileged Role Administrator*", `"Privileged Role Administrator"`, spl.WildcardOptions{CaseSensitive: true}},
		{"prefix/ascii-fold", "Add member to role*", "Add member to role completed (PIM activation)", spl.WildcardOptions{}},
		{"exact/ascii-fold", "servicePrincipal", "ServicePrincipal", spl.WildcardOptions{}},
		{"contains/unicode-fold", "*PREÇOS*", "os preços e as taxas", spl.WildcardOptions{}},
		{"backtrack/unicode-fold", "*é*é*é*x", strings.Repeat("é", 64), spl.WildcardOptions{}},
	}
	for _, c := range cases {
		w := spl.NewWildcard(c.pattern, c.opts)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				sinkBool = w.Match(c.s)
			}
		})
	}
}

func BenchmarkTerm(b *testing.B) {
	t := spl.NewTerm("ServicePrincipal")
	mv := []string{"User", "Group", "ServicePrincipal"}
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = t.Equal(mv)
	}
}

// resourceAccess returns a RequiredResourceAccess newValue with n
// resources of 4 permissions each.
func resourceAccess(n int) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"ResourceAppId":"00000003-0000-0000-c000-%012d","RequiredAppPermissions":[`, i)
		for j := range 4 {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"EntitlementId":"570282fd-fa5c-430d-a7fd-%012d","DirectAccessGrant":false,"ImpersonationAccessGrants":[20]}`, i*4+j)
		}
		sb.WriteString(`],"EncodingVersion":1}`)
	}
	sb.WriteByte(']')
	return sb.String()
}

func BenchmarkSpath(b *testing.B) {
	entitlements := spl.MustCompilePath("{}.RequiredAppPermissions{}.EntitlementId")
	objects := spl.MustCompilePath("{}.RequiredAppPermissions{}")
	for _, n := range []int{1, 8, 64} {
		doc := resourceAccess(n)
		b.Run(fmt.Sprintf("path/leaves/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			var dst []string
			for b.Loop() {
				dst, _ = entitlements.Append(dst[:0], doc)
			}
		})
		b.Run(fmt.Sprintf("path/objects/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			var dst []string
			for b.Loop() {
				dst, _ = objects.Append(dst[:0], doc)
			}
		})
		b.Run(fmt.Sprintf("auto/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(doc)))
			var dst []spl.Pair
			for b.Loop() {
				dst, _ = spl.AutoExtract(dst[:0], doc, spl.AutoOptions{})
			}
		})
	}
	b.Run("path/scalar-string", func(b *testing.B) {
		p := spl.MustCompilePath("newValue")
		doc := `{"displayName":"AppRole.Value","oldValue":null,"newValue":"\"full_access_as_app\""}`
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		var dst []string
		for b.Loop() {
			dst, _ = p.Append(dst[:0], doc)
		}
	})
}

// TestWildcardAllocs pins the hot path: matching allocates nothing, on
// every matcher path.
func TestWildcardAllocs(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		opts       spl.WildcardOptions
	}{
		{"*Global Administrator*", `"global administrator"`, spl.WildcardOptions{}},
		{"*Global Administrator*", `"Global Administrator"`, spl.WildcardOptions{CaseSensitive: true}},
		{"*PREÇOS*", "os preços", spl.WildcardOptions{}},
	} {
		w := spl.NewWildcard(c.pattern, c.opts)
		if n := testing.AllocsPerRun(100, func() { sinkBool = w.Match(c.s) }); n != 0 {
			t.Errorf("Wildcard(%q).Match allocates %v times; want 0", c.pattern, n)
		}
	}
	term := spl.NewTerm("ServicePrincipal")
	mv := []string{"User", "ServicePrincipal"}
	if n := testing.AllocsPerRun(100, func() { sinkBool = term.Equal(mv) }); n != 0 {
		t.Errorf("Term.Equal allocates %v times; want 0", n)
	}
}
