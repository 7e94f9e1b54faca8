package spl_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection/spl"
)

// ESCU "Azure AD Service Principal Privilege Escalation":
//
//	spath input=appRole path=newValue output=appRole
//	| eval appRole=trim(replace(appRole, "\"", ""))
func ExampleReplacer() {
	newValue := spl.MustCompilePath("newValue")
	quotes, err := spl.CompileReplace(`"`, "")
	if err != nil {
		panic(err)
	}
	appRole := `{"displayName":"AppRole.Value","oldValue":null,"newValue":"\"full_access_as_app\""}`
	vals, _ := newValue.Append(nil, appRole)
	for _, v := range vals {
		fmt.Printf("%s -> %s\n", v, spl.Trim(quotes.Replace(v), spl.DefaultTrimChars))
	}

	swap, _ := spl.CompileReplace(`^(\d{1,2})/(\d{1,2})/`, `\2/\1/`)
	fmt.Println(swap.Replace("1/14/2023"))
	// Output:
	// "full_access_as_app" -> full_access_as_app
	// 14/1/2023
}
