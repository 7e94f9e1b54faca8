package spl_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/escudo-dev/escudo/detection/spl"
)

// requiredResourceAccess is the shape of an "Update application"
// RequiredResourceAccess newValue (auditlogs-facts §1.2): Microsoft Graph
// with one delegated permission, and Exchange Online with
// full_access_as_app (dc890d15-…).
const requiredResourceAccess = `[{"ResourceAppId":"00000003-0000-0000-c000-000000000000","RequiredAppPermissions":[{"EntitlementId":"570282fd-fa5c-430d-a7fd-fc8dc98a9dca","DirectAccessGrant":false,"ImpersonationAccessGrants":[20]}],"EncodingVersion":1},{"ResourceAppId":"00000002-0000-0ff1-ce00-000000000000","RequiredAppPermissions":[{"EntitlementId":"dc890d15-9560-4a4c-9b7f-a736ec74ec40","DirectAccessGrant":true,"ImpersonationAccessGrants":[]},{"EntitlementId":"9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8","DirectAccessGrant":true,"ImpersonationAccessGrants":[]}],"EncodingVersion":1}]`

// modifiedProperties is a properties object as spath
// path=properties.targetResources{}.modifiedProperties{} would read it
// (auditlogs-facts §3.3, rule 2.4.24), with the spacing of the source kept.
const modifiedProperties = `{"targetResources": [ {"modifiedProperties": [
  {"displayName": "AppRole.Id", "oldValue": null, "newValue": "\"dc890d15\""},
  {"displayName": "AppRole.Value", "oldValue": null, "newValue": "\"full_access_as_app\""} ]},
  {"modifiedProperties": [ {"displayName": "ServicePrincipal.DisplayName", "newValue": "\"Evil App\""} ]} ]}`

func TestCompilePath(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		path   string
		doc    string
		want   []string
	}{
		{name: "reference array index", reason: "reference example 3: vendorProductSet{1} is the second element", path: "vendorProductSet{1}", doc: `{"vendorProductSet":[1,2]}`, want: []string{"2"}},
		{name: "reference nested array", reason: "reference example 4: vendorProductSet.product{}.locDesc", path: "vendorProductSet.product{}.locDesc", doc: `{"vendorProductSet":{"product":[{"desc":1},{"locDesc":2}]}}`, want: []string{"2"}},
		{name: "reference commits", reason: "reference extended example: commits{}.author.name in document order", path: "commits{}.author.name", doc: `{"commits":[{"author":{"name":"ana"}},{"author":{"name":"bo"}}]}`, want: []string{"ana", "bo"}},
		{name: "root array", reason: "auditlogs-facts 2.4.5: {}.ResourceAppId on a newValue holding an array", path: "{}.ResourceAppId", doc: requiredResourceAccess, want: []string{"00000003-0000-0000-c000-000000000000", "00000002-0000-0ff1-ce00-000000000000"}},
		{
			name: "nested arrays flatten", reason: "auditlogs-facts 1.8: every EntitlementId of every element, in document order",
			path: "{}.RequiredAppPermissions{}.EntitlementId", doc: requiredResourceAccess,
			want: []string{"570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "dc890d15-9560-4a4c-9b7f-a736ec74ec40", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"},
		},
		{name: "array of scalars", reason: "an array of numbers, one level down", path: "{}.RequiredAppPermissions{}.ImpersonationAccessGrants{}", doc: requiredResourceAccess, want: []string{"20"}},
		{name: "boolean array", reason: `auditlogs-facts 1.2: the newValue "[true]"`, path: "{}", doc: `[true]`, want: []string{"true"}},
		{name: "index then key", reason: "{N} then a key", path: "{1}.ResourceAppId", doc: requiredResourceAccess, want: []string{"00000002-0000-0ff1-ce00-000000000000"}},
		{name: "booleans", reason: "true and false as text", path: "{}.RequiredAppPermissions{}.DirectAccessGrant", doc: requiredResourceAccess, want: []string{"false", "true", "true"}},
		{name: "number as written", reason: "numbers keep their text", path: "{}", doc: `[1, -0, 12.5e3, 1E2]`, want: []string{"1", "-0", "12.5e3", "1E2"}},
		{
			name: "objects as JSON text", reason: "auditlogs-facts 3.3: spath path=...modifiedProperties{} yields one JSON object text per element, spacing kept",
			path: "targetResources{}.modifiedProperties{}", doc: modifiedProperties,
			want: []string{
				`{"displayName": "AppRole.Id", "oldValue": null, "newValue": "\"dc890d15\""}`,
				`{"displayName": "AppRole.Value", "oldValue": null, "newValue": "\"full_access_as_app\""}`,
				`{"displayName": "ServicePrincipal.DisplayName", "newValue": "\"Evil App\""}`,
			},
		},
		{name: "array as JSON text", reason: "a path ending on an array without {} gives its text", path: "{0}.RequiredAppPermissions{0}.ImpersonationAccessGrants", doc: requiredResourceAccess, want: []string{"[20]"}},
		{name: "escaped string decoded", reason: `auditlogs-facts 1.2: spath input=appRole path=newValue gives "full_access_as_app" with its quotes`, path: "newValue", doc: `{"displayName": "AppRole.Value", "oldValue": null, "newValue": "\"full_access_as_app\""}`, want: []string{`"full_access_as_app"`}},
		{name: "unicode escape", reason: "JSON escapes are resolved", path: "a", doc: `{"a":"Pre\u00e7os \ud83d\ude00"}`, want: []string{"Preços 😀"}},
		{name: "escapes", reason: "every JSON escape, as encoding/json decodes it", path: "{}", doc: `["\b\f\n\r\t\/\\\"", "\u00e9\u00C9", "\ud83d\ude00"]`, want: []string{"\b\f\n\r\t/\\\"", "éÉ", "😀"}},
		{name: "lone surrogates", reason: "a lone surrogate becomes U+FFFD, as in encoding/json", path: "{}", doc: `["\ud83d", "\ude00x", "\ud83d\u0041"]`, want: []string{"\ufffd", "\ufffdx", "\ufffdA"}},
		{name: "invalid utf-8", reason: "bytes that are not UTF-8 become U+FFFD, as in encoding/json", path: "a", doc: "{\"a\":\"x\xffy\"}", want: []string{"x\ufffdy"}},
		{name: "null skipped", reason: "escudo has no null values", path: "oldValue", doc: `{"oldValue":null}`, want: nil},
		{name: "empty string skipped", reason: "escudo has no empty values", path: "{}", doc: `["", "a", ""]`, want: []string{"a"}},
		{name: "duplicate keys", reason: "every occurrence, in order", path: "a", doc: `{"a":1,"b":0,"a":2}`, want: []string{"1", "2"}},
		{name: "key on array", reason: "no implicit descent into arrays: a.b does not reach a's elements", path: "a.b", doc: `{"a":[{"b":1}]}`, want: nil},
		{name: "each on object", reason: "auditlogs-facts 3.4: properties{}... on an object extracts nothing (rule 2.4.24)", path: "properties{}.targetResources{}", doc: `{"properties":{"targetResources":[1]}}`, want: nil},
		{name: "index past end", reason: "nothing at that index", path: "{5}", doc: `[1,2]`, want: nil},
		{name: "scalar where deeper wanted", reason: "a path into a string selects nothing", path: "a.b", doc: `{"a":"x"}`, want: nil},
		{name: "missing key", reason: "nothing", path: "z", doc: `{"a":1}`, want: nil},
		{name: "root scalar", reason: `auditlogs-facts 1.2: "\"Privileged Role Administrator\"" is a JSON string; a key path finds nothing in it`, path: "x", doc: `"Privileged Role Administrator"`, want: nil},
		{name: "empty name before braces", reason: "a.{} is read as a{}", path: "a.{}", doc: `{"a":[1]}`, want: []string{"1"}},
		{name: "double each", reason: "nested arrays", path: "a{}{}", doc: `{"a":[[1,2],[3]]}`, want: []string{"1", "2", "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := spl.CompilePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Append(nil, tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("spath %q mismatch (-want +got) (%s):\n%s", tt.path, tt.reason, diff)
			}
		})
	}
}

func TestCompilePathErrors(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		path   string
		want   *spl.PathError
	}{
		{name: "empty", reason: "no path is auto-extract mode", path: "", want: &spl.PathError{Path: "", Offset: 0, Msg: "empty path (use AutoExtract for spath without a path)"}},
		{name: "trailing dot", reason: "empty last step", path: "a.", want: &spl.PathError{Path: "a.", Offset: 2, Msg: "empty location step"}},
		{name: "leading dot", reason: "empty first step", path: ".a", want: &spl.PathError{Path: ".a", Offset: 0, Msg: "empty location step"}},
		{name: "double dot", reason: "empty middle step", path: "a..b", want: &spl.PathError{Path: "a..b", Offset: 2, Msg: "empty location step"}},
		{name: "unclosed", reason: "a { needs a }", path: "a{", want: &spl.PathError{Path: "a{", Offset: 1, Msg: "unclosed {"}},
		{name: "stray close", reason: "a } needs a {", path: "a}", want: &spl.PathError{Path: "a}", Offset: 1, Msg: "unbalanced }"}},
		{name: "xml attribute", reason: "escudo reads JSON only", path: "a{@locale}", want: &spl.PathError{Path: "a{@locale}", Offset: 1, Msg: "XML attribute selectors are not supported"}},
		{name: "negative index", reason: "JSON indexes are zero-based", path: "a{-1}", want: &spl.PathError{Path: "a{-1}", Offset: 1, Msg: "array selector {-1}: want {} or a non-negative index"}},
		{name: "plus index", reason: "only digits", path: "a{+1}", want: &spl.PathError{Path: "a{+1}", Offset: 1, Msg: "array selector {+1}: want {} or a non-negative index"}},
		{name: "word index", reason: "only digits", path: "a{x}", want: &spl.PathError{Path: "a{x}", Offset: 1, Msg: "array selector {x}: want {} or a non-negative index"}},
		{name: "text after braces", reason: "a step ends at . or the end", path: "a{}b", want: &spl.PathError{Path: "a{}b", Offset: 3, Msg: `want . or { after a step, not 'b'`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spl.CompilePath(tt.path)
			var got *spl.PathError
			if !errors.As(err, &got) {
				t.Fatalf("CompilePath(%q) error = %v; want a *PathError (%s)", tt.path, err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CompilePath(%q) error mismatch (-want +got) (%s):\n%s", tt.path, tt.reason, diff)
			}
		})
	}
	_, err := spl.CompilePath("a{x}")
	if want := `spl: spath path "a{x}": at byte 1: array selector {x}: want {} or a non-negative index`; err.Error() != want {
		t.Errorf("Error() = %q; want %q", err.Error(), want)
	}
}

func TestPathInvalidJSON(t *testing.T) {
	tests := []struct {
		name       string
		reason     string
		doc        string
		wantOffset int64
		wantErr    string
	}{
		{name: "truncated", reason: "a document that breaks off", doc: `{"a":1`, wantOffset: 6, wantErr: "spl: spath: not JSON (after 6 bytes): unexpected end of JSON input"},
		{name: "empty", reason: "no value at all", doc: ``, wantOffset: 0, wantErr: "spl: spath: not JSON (after 0 bytes): unexpected end of JSON input"},
		{name: "trailing value", reason: "two values are not one document", doc: `{"a":1} {"a":2}`, wantOffset: 9, wantErr: "spl: spath: not JSON (after 9 bytes): invalid character '{' after top-level value"},
		{name: "pseudo-list", reason: "auditlogs-facts 1.2: ConsentAction.Permissions without its outer quotes is not JSON", doc: `[] => [[Id: AAAA]]`, wantOffset: 4, wantErr: "spl: spath: not JSON (after 4 bytes): invalid character '=' after top-level value"},
		{name: "bad inside skipped value", reason: "values off the path are checked too", doc: `{"b":[1,}],"a":1}`, wantOffset: 9, wantErr: "spl: spath: not JSON (after 9 bytes): invalid character '}' looking for beginning of value"},
		{name: "single quotes", reason: "reference: JSON must be well-formed; strings need double quotes", doc: `{'a':1}`, wantOffset: 2, wantErr: "spl: spath: not JSON (after 2 bytes): invalid character '\\'' looking for beginning of object key string"},
	}
	p := spl.MustCompilePath("a")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []string{"kept"}
			got, err := p.Append(dst, tt.doc)
			if diff := cmp.Diff([]string{"kept"}, got); diff != "" {
				t.Errorf("dst changed (-want +got):\n%s", diff)
			}
			var je *spl.JSONError
			if !errors.As(err, &je) {
				t.Fatalf("Append error = %v; want a *JSONError (%s)", err, tt.reason)
			}
			if je.Offset != tt.wantOffset || err.Error() != tt.wantErr {
				t.Errorf("error = %q at %d; want %q at %d (%s)", err, je.Offset, tt.wantErr, tt.wantOffset, tt.reason)
			}
			var se *json.SyntaxError
			if !errors.As(err, &se) || se.Offset != je.Offset {
				t.Errorf("error does not wrap a *json.SyntaxError at the same offset: %v", err)
			}
		})
	}
}

func TestPathAppendKeepsDst(t *testing.T) {
	p := spl.MustCompilePath("{}")
	got, err := p.Append([]string{"x"}, `["a","b"]`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"x", "a", "b"}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestAutoExtract(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		doc    string
		opts   spl.AutoOptions
		want   []spl.Pair
	}{
		{
			name:   "required resource access",
			reason: "auditlogs-facts 1.8: spath input=newvalue names fields {}.ResourceAppId and {}.RequiredAppPermissions{}.EntitlementId",
			doc:    requiredResourceAccess,
			want: []spl.Pair{
				{"{}.ResourceAppId", "00000003-0000-0000-c000-000000000000"},
				{"{}.RequiredAppPermissions{}.EntitlementId", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca"},
				{"{}.RequiredAppPermissions{}.DirectAccessGrant", "false"},
				{"{}.RequiredAppPermissions{}.ImpersonationAccessGrants{}", "20"},
				{"{}.EncodingVersion", "1"},
				{"{}.ResourceAppId", "00000002-0000-0ff1-ce00-000000000000"},
				{"{}.RequiredAppPermissions{}.EntitlementId", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"},
				{"{}.RequiredAppPermissions{}.DirectAccessGrant", "true"},
				{"{}.RequiredAppPermissions{}.EntitlementId", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"},
				{"{}.RequiredAppPermissions{}.DirectAccessGrant", "true"},
				{"{}.EncodingVersion", "1"},
			},
		},
		{
			name:   "objects and arrays",
			reason: "auditlogs-facts 1.8: keys joined with dots, {} per array level; null and empty give nothing",
			doc:    `{"a":{"b":1},"c":[1,[2,3]],"d":null,"e":"","f":{},"g":[]}`,
			want:   []spl.Pair{{"a.b", "1"}, {"c{}", "1"}, {"c{}{}", "2"}, {"c{}{}", "3"}},
		},
		{name: "boolean array", reason: `"[true]" is one field {}`, doc: `[true]`, want: []spl.Pair{{"{}", "true"}}},
		{name: "root string", reason: "a bare scalar has no field name", doc: `"Privileged Role Administrator"`, want: nil},
		{name: "escaped key", reason: "keys are decoded", doc: `{"a\u002eb":"x"}`, want: []spl.Pair{{"a.b", "x"}}},
		{
			name:   "cutoff keeps whole values",
			reason: "extraction_cutoff: only fields within the first N bytes; the cut value is dropped",
			doc:    `{"a":"one","b":"two","c":"three"}`, opts: spl.AutoOptions{Cutoff: 19},
			want: []spl.Pair{{"a", "one"}},
		},
		{
			name:   "cutoff at a value boundary",
			reason: "a value that ends before the cutoff is kept",
			doc:    `{"a":"one","b":"two","c":"three"}`, opts: spl.AutoOptions{Cutoff: 20},
			want: []spl.Pair{{"a", "one"}, {"b", "two"}},
		},
		{
			name:   "cutoff larger than document",
			reason: "no effect",
			doc:    `{"a":"one"}`, opts: spl.AutoOptions{Cutoff: spl.ExtractionCutoff},
			want: []spl.Pair{{"a", "one"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := spl.AutoExtract(nil, tt.doc, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("AutoExtract mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestAutoExtractInvalid(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		doc     string
		opts    spl.AutoOptions
		wantErr string
	}{
		{name: "truncated", reason: "without a cutoff a document that breaks off is an error", doc: `{"a":"one","b"`, wantErr: "spl: spath: not JSON (after 14 bytes): unexpected end of JSON input"},
		{name: "error before cutoff", reason: "a cutoff does not excuse a document that is wrong before it", doc: `{"a":x,"b":"two","c":"three"}`, opts: spl.AutoOptions{Cutoff: 20}, wantErr: "spl: spath: not JSON (after 6 bytes): invalid character 'x' looking for beginning of value"},
		{name: "trailing", reason: "one value only", doc: `[1] 2`, wantErr: "spl: spath: not JSON (after 5 bytes): invalid character '2' after top-level value"},
		{name: "too deep", reason: "nesting is bounded as json.Unmarshal bounds it, not recursed without limit", doc: strings.Repeat("[", 10001) + strings.Repeat("]", 10001), wantErr: "spl: spath: not JSON (after 10001 bytes): invalid character '[' exceeded max depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []spl.Pair{{"kept", "1"}}
			got, err := spl.AutoExtract(dst, tt.doc, tt.opts)
			if diff := cmp.Diff([]spl.Pair{{"kept", "1"}}, got); diff != "" {
				t.Errorf("dst changed (-want +got):\n%s", diff)
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v; want %s (%s)", err, tt.wantErr, tt.reason)
			}
		})
	}
}
