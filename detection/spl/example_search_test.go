package spl_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection/spl"
)

// The search command's field=value: whole-value, case-insensitive, * as a
// wildcard, true if any value of a multivalue field matches.
func ExampleTerm() {
	sp := spl.NewTerm("ServicePrincipal")
	types := []string{"User", "servicePrincipal"} // targetResources{}.type
	fmt.Println(sp.Equal(types), sp.NotEqual(types))

	var missing []string
	fmt.Println(spl.Exists(missing), !sp.Equal(missing), sp.NotEqual(missing)) // field=*, NOT field=x, field!=x

	fmt.Println(spl.NewTerm("10.10.10.0/24").Equal([]string{"10.10.10.12"}))
	// Output:
	// true false
	// false true false
	// true
}

// A WILDCARD lookup with case_sensitive_match: false, as ESCU's
// privileged_azure_ad_roles, matched against a quoted newValue.
func ExampleWildcard() {
	role := spl.NewWildcard("*Privileged Role Administrator*", spl.WildcardOptions{})
	fmt.Println(role.Match(`"Privileged Role Administrator"`))
	fmt.Println(role.Match(`"privileged role administrator"`))
	exact := spl.NewWildcard("*Privileged Role Administrator*", spl.WildcardOptions{CaseSensitive: true})
	fmt.Println(exact.Match(`"privileged role administrator"`))
	// Output:
	// true
	// true
	// false
}

// where compares exactly, without wildcards; like() has % and _.
func ExampleWhereNotEqual() {
	initiatedBy := []string{"alice@contoso.com"}
	newOwner := []string{"Alice@contoso.com"}
	fmt.Println(spl.WhereNotEqual(initiatedBy, newOwner)) // where initiatedBy!=newOwner
	fmt.Println(spl.WhereNotEqual(initiatedBy, nil))      // NULL: the row is dropped
	fmt.Println(spl.NewLike("198.%").Match("198.51.100.7"))
	// Output:
	// true
	// false
	// true
}
