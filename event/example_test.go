package event_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/escudo-dev/escudo/event"
)

// Read records until io.EOF, skipping bad ones: a *DecodeError is about one
// record, any other error is about the input and ends it.
func Example() {
	input := `{"id":"1","createdDateTime":"2025-03-14T17:45:59.9871234Z","userPrincipalName":"megan.bowen@example.com","appDisplayName":"Contoso Expense Sync","status":{"errorCode":65004,"failureReason":"User declined to consent to access the app."}}
{"id":"2","createdDateTime":"2025-03-14T08:55:12Z","userPrincipalName":"adele.vance@example.com","appDisplayName":"Microsoft Office","status":{"errorCode":0}}
`
	r := event.NewReader(strings.NewReader(input))
	r.Name = "signins.jsonl"
	for {
		ev, err := r.Read()
		if err == io.EOF {
			break
		}
		var de *event.DecodeError
		if errors.As(err, &de) {
			fmt.Println("skipped:", de)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(ev.UserPrincipalName, ev.AppDisplayName, *ev.Status.ErrorCode)
	}
	// Output:
	// megan.bowen@example.com Contoso Expense Sync 65004
	// adele.vance@example.com Microsoft Office 0
}

func ExampleReader_All() {
	input := `{"id":"1","createdDateTime":"2025-03-14T17:45:59Z","userPrincipalName":"megan.bowen@example.com"}
{"id":"2","createdDateTime":"yesterday","userPrincipalName":"adele.vance@example.com"}
{"id":"3","createdDateTime":"2025-03-15T09:00:00Z","userPrincipalName":"alex.wilber@example.com"}
`
	r := event.NewReader(strings.NewReader(input))
	r.Name = "signins.jsonl"
	for ev, err := range r.All() {
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(ev.Time().Format("2006-01-02 15:04"), ev.UserPrincipalName)
	}
	fmt.Printf("%+v\n", r.Counts())
	// Output:
	// 2025-03-14 17:45 megan.bowen@example.com
	// error: signins.jsonl:2: createdDateTime: want an RFC 3339 timestamp, got "yesterday" (byte 126)
	// 2025-03-15 09:00 alex.wilber@example.com
	// {Records:3 Decoded:2 Bad:1 Other:0 Prefiltered:0}
}

func ExampleLookupField() {
	input := `{"createdDateTime":"2025-03-14T08:55:12Z","status":{"errorCode":53003},"appliedConditionalAccessPolicies":[{"displayName":"CA001","enforcedGrantControls":["Mfa"],"result":"failure"},{"displayName":"CA002","enforcedGrantControls":["Block"],"result":"notApplied"}]}`
	ev, err := event.NewReader(strings.NewReader(input)).Read()
	if err != nil {
		fmt.Println(err)
		return
	}

	// Look fields up once, when a rule is compiled; use them per event.
	var fields []event.Field[event.SignInEvent]
	for _, name := range []string{"status.errorCode", "appliedConditionalAccessPolicies{}.result", "location.city", "userAgnet"} {
		f, err := event.LookupField(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fields = append(fields, f)
	}
	for _, f := range fields {
		fmt.Printf("%s (%v, multi=%t): %q\n", f.Name(), f.Kind(), f.Multi(), f.Append(nil, &ev))
	}
	// Output:
	// unknown field "userAgnet"
	// status.errorCode (an integer, multi=false): ["53003"]
	// appliedConditionalAccessPolicies{}.result (a string, multi=true): ["failure" "notApplied"]
	// location.city (a string, multi=false): []
}

func ExampleDecodeError() {
	input := `{"id":"1","createdDateTime":"2025-03-14T08:55:12Z"}
{"id":"2","createdDateTime":"2025-03-14T08:56:40Z","status":{"errorCode":"65004"}}
`
	r := event.NewReader(strings.NewReader(input))
	r.Name = "signins.jsonl"
	_, err := r.ReadAll()
	fmt.Println(err)

	var de *event.DecodeError
	if errors.As(err, &de) {
		fmt.Printf("line %d, byte %d, path %s\n", de.Line, de.Offset, de.Path)
		fmt.Printf("%s: [%s]\n", de.Err, input[de.Offset:de.Offset+7])
	}
	// Output:
	// signins.jsonl:2: status.errorCode: want an integer, got "65004" (byte 125)
	// line 2, byte 125, path status.errorCode
	// want an integer, got "65004": ["65004"]
}
