package spl_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection/spl"
)

// ESCU "Azure AD Block User Consent For Risky Apps Disabled":
//
//	eval index_number = if(mvfind('targetResources{}.modifiedProperties{}.displayName',
//	    "AllowUserConsentForRiskyApps") >= 0, mvfind(...), -1)
//	| search index_number >= 0
//	| eval AllowUserConsentForRiskyApps = mvindex('targetResources{}.modifiedProperties{}.newValue', index_number)
//	| search AllowUserConsentForRiskyApps = "[true]"
func ExampleMVFind() {
	// Compiled once, when the rule is built.
	risky := spl.MustCompileRegex("AllowUserConsentForRiskyApps")
	enabled := spl.NewTerm("[true]")

	// Per event: the flattened modifiedProperties of an
	// "Update authorization policy" record.
	names := []string{"AllowInvitesFrom", "AllowUserConsentForRiskyApps"}
	newValues := []string{`"everyone"`, "[true]"}

	i, ok := spl.MVFind(names, risky)
	if !ok {
		i = -1 // if(... >= 0, ..., -1)
	}
	fmt.Println("index_number:", i)
	if i >= 0 {
		v, _ := spl.MVIndex(newValues, i)
		fmt.Println("AllowUserConsentForRiskyApps:", v, enabled.Equal([]string{v}))
	}
	// Output:
	// index_number: 1
	// AllowUserConsentForRiskyApps: [true] true
}

// mvindex counts negative indexes from the end, so the -1 that if()
// returns when mvfind finds nothing selects the last value, not NULL:
// ESCU "Azure AD OAuth Application Consent Granted By User" then reads
// the wrong property.
func ExampleMVIndex() {
	newValues := []string{`"False"`, `"False"`, `"[] => [[Id: AAAA, ConsentType: Principal, Scope: Mail.Read, ]]; "`}
	v, ok := spl.MVIndex(newValues, -1)
	fmt.Println(v, ok)
	_, ok = spl.MVIndex(newValues, 3)
	fmt.Println(ok)
	fmt.Println(spl.MVSlice(newValues, 0, 1))
	// Output:
	// "[] => [[Id: AAAA, ConsentType: Principal, Scope: Mail.Read, ]]; " true
	// false
	// ["False" "False"]
}
