package event_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/escudo-dev/escudo/event"
)

// Check what strict mode asks of a record that is not decoded: a
// well-formed JSON object that says what it is.
func ExampleReader_Check() {
	input := `{"time":"2025-03-14T09:00:01Z","category":"AuditLogs","properties":{"activityDisplayName":"Add user"}}
{"time":"2025-03-14T09:00:02Z","category":"SignInLogs","properties":{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"a@example.com"
`
	r := event.NewReader(strings.NewReader(input))
	r.Name = "PT1H.json"
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			break
		}
		kind, err := r.Check(rec)
		fmt.Printf("%q %v\n", kind, err)
	}
	// Output:
	// "AuditLogs" <nil>
	// "" PT1H.json:2: properties: invalid JSON: unexpected end of record (truncated?) (byte 248)
}

// Decode only the fields a rule reads: the others stay zero.
func ExampleProjectSignIns() {
	decode, err := event.ProjectSignIns([]string{"user", "status.errorCode"})
	if err != nil {
		fmt.Println(err)
		return
	}
	input := `{"createdDateTime":"2025-03-14T09:00:00Z","userPrincipalName":"megan.bowen@example.com","appDisplayName":"Contoso Expense Sync","status":{"errorCode":65004}}
`
	r := event.NewReader(strings.NewReader(input))
	rec, err := r.ReadRecord()
	if err != nil {
		fmt.Println(err)
		return
	}
	var ev event.SignInEvent
	if err := decode(r, rec, &ev); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %d %q %s\n", ev.UserPrincipalName, *ev.Status.ErrorCode, ev.AppDisplayName, ev.CreatedDateTime.Format("15:04"))
	// Output:
	// megan.bowen@example.com 65004 "" 09:00
}
