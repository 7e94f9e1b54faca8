package spl_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection/spl"
)

// ESCU "Azure AD Tenant Wide Admin Consent Granted":
//
//	rex field=new_field "ConsentType:(?<ConsentType> [^\,]+)"
//	| search ConsentType = "*AllPrincipals*"
func ExampleRex() {
	consentType := spl.MustCompileRex(`ConsentType:(?<ConsentType> [^\,]+)`, 1)
	ct := consentType.Index("ConsentType")
	allPrincipals := spl.NewTerm("*AllPrincipals*")

	newField := `"[] => [[Id: AAAA, ClientId: 0000, ConsentType: AllPrincipals, Scope: Mail.Read, ]]; "`
	got := consentType.Extract(newField)[ct]
	fmt.Printf("ConsentType=%q match=%v\n", got, allPrincipals.Equal(got))

	// max_match=0: every match, as a multivalue.
	methods := spl.MustCompileRex(`(?i)(?<new_method_type>"MethodType")`, 0)
	n, _ := spl.MVCount(methods.Extract(`[{"MethodType":3},{"MethodType":7}]`)[0])
	fmt.Println("count_new_method_type:", n)
	// Output:
	// ConsentType=[" AllPrincipals"] match=true
	// count_new_method_type: 2
}

// PCRE-only constructs fail when the rule is built, with a clear error.
func ExampleCompileRex_pcre() {
	_, err := spl.CompileRex(`(?<=Scope: )(?<Scope>[^,]+)`, 1)
	fmt.Println(err)
	// Output:
	// spl: regex "(?<=Scope: )(?<Scope>[^,]+)" uses lookbehind (?<=...), which PCRE supports but Go's RE2 does not: error parsing regexp: invalid named capture: `(?<=Scope: )(?<Scope>`
}
