package spl_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection/spl"
)

// ESCU "Azure AD FullAccessAsApp Permission Assigned":
//
//	eval newvalue = mvindex('properties.targetResources{}.modifiedProperties{}.newValue', 0)
//	| spath input=newvalue
//	| search "{}.ResourceAppId"="00000002-0000-0ff1-ce00-000000000000"
//	    "{}.RequiredAppPermissions{}.EntitlementId"="dc890d15-9560-4a4c-9b7f-a736ec74ec40"
func ExamplePath() {
	appIDs := spl.MustCompilePath("{}.ResourceAppId")
	entitlements := spl.MustCompilePath("{}.RequiredAppPermissions{}.EntitlementId")
	exchange := spl.NewTerm("00000002-0000-0ff1-ce00-000000000000")
	fullAccess := spl.NewTerm("dc890d15-9560-4a4c-9b7f-a736ec74ec40")

	newvalue := `[{"ResourceAppId":"00000002-0000-0ff1-ce00-000000000000",` +
		`"RequiredAppPermissions":[{"EntitlementId":"dc890d15-9560-4a4c-9b7f-a736ec74ec40","DirectAccessGrant":true}]}]`

	apps, err := appIDs.Append(nil, newvalue)
	if err != nil {
		fmt.Println("no fields:", err) // Splunk: spath extracts nothing
		return
	}
	perms, _ := entitlements.Append(nil, newvalue)
	fmt.Println(apps, perms)
	fmt.Println("match:", exchange.Equal(apps) && fullAccess.Equal(perms))
	// Output:
	// [00000002-0000-0ff1-ce00-000000000000] [dc890d15-9560-4a4c-9b7f-a736ec74ec40]
	// match: true
}

// spath without a path names every scalar the way Splunk does.
func ExampleAutoExtract() {
	pairs, err := spl.AutoExtract(nil, `[{"CredentialType":2,"KeyStoreId":"291154f0","Tags":["a",null]}]`, spl.AutoOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		fmt.Printf("%s=%s\n", p.Name, p.Value)
	}
	_, err = spl.AutoExtract(nil, `[] => [[Id: AAAA]]; `, spl.AutoOptions{})
	fmt.Println(err)
	// Output:
	// {}.CredentialType=2
	// {}.KeyStoreId=291154f0
	// {}.Tags{}=a
	// spl: spath: not JSON (after 4 bytes): invalid character '=' after top-level value
}
