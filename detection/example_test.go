package detection_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// failedMFA is a user-written rule: sign-ins that failed the MFA
// challenge (AADSTS500121), per user, with the distinct source addresses.
type failedMFA struct{}

func (failedMFA) Meta() detection.Meta {
	return detection.Meta{
		Name: "Failed MFA Challenge",
		RBA: risk.Spec{
			Message:     "User $user$ failed MFA $count$ times.",
			RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 40}},
		},
		SavedSearchName: "Failed MFA Challenge",
	}
}

func (failedMFA) Match(ev *event.SignInEvent) bool {
	return ev.Status.ErrorCode != nil && *ev.Status.ErrorCode == 500121
}

func (failedMFA) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{
		By: []detection.By[event.SignInEvent]{{Field: "userPrincipalName", As: "user"}},
		Stats: []detection.Stat[event.SignInEvent]{
			{Func: detection.Count},
			{Func: detection.Values, Field: "ipAddress", As: "src"},
			{Func: detection.Min, Field: detection.TimeField, As: "firstTime"},
		},
	}
}

func Example() {
	input := `{"createdDateTime":"2025-03-14T09:21:07Z","userPrincipalName":"megan.bowen@example.com","ipAddress":"203.0.113.24","status":{"errorCode":500121}}
{"createdDateTime":"2025-03-14T09:20:00Z","userPrincipalName":"megan.bowen@example.com","ipAddress":"2001:db8::7","status":{"errorCode":500121}}
{"createdDateTime":"2025-03-14T09:22:00Z","userPrincipalName":"megan.bowen@example.com","ipAddress":"203.0.113.24","status":{"errorCode":0}}
`
	eng, err := detection.NewEngine(detection.Options{}, detection.Of[event.SignInEvent](failedMFA{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := eng.Run(context.Background(), event.NewReader(strings.NewReader(input)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Findings {
		fmt.Println(string(f.AppendJSON(nil)))
		events, err := eng.Risk(f) // the risk stage: by the detection's RBA spec
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, ev := range events {
			fmt.Println(ev.RiskObject, ev.RiskScore, ev.RiskMessage)
		}
	}
	// Output:
	// {"user":"megan.bowen@example.com","count":2,"src":["2001:db8::7","203.0.113.24"],"firstTime":"2025-03-14T09:20:00"}
	// megan.bowen@example.com 40 User megan.bowen@example.com failed MFA 2 times.
}

// Suppress is where a site's `_filter` macro goes: here, findings for a
// break-glass account are dropped.
func ExampleOptions_suppress() {
	input := `{"createdDateTime":"2025-03-14T09:21:07Z","userPrincipalName":"breakglass@example.com","status":{"errorCode":500121}}
{"createdDateTime":"2025-03-14T09:21:08Z","userPrincipalName":"adele.vance@example.com","status":{"errorCode":500121}}
`
	opts := detection.Options{Suppress: map[string]func(detection.Finding) bool{
		"Failed MFA Challenge": func(f detection.Finding) bool {
			user, _ := f.Value("user")
			return user == "breakglass@example.com"
		},
	}}
	eng, err := detection.NewEngine(opts, detection.Of[event.SignInEvent](failedMFA{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, _ := eng.Run(context.Background(), event.NewReader(strings.NewReader(input)))
	for _, f := range res.Findings {
		user, _ := f.Value("user")
		fmt.Println(user)
	}
	// Output:
	// adele.vance@example.com
}

// A bad record stops a strict run with its position.
func ExampleEngine_Run_badInput() {
	input := `{"createdDateTime":"2025-03-14T09:21:07Z","status":{"errorCode":500121}}
{"createdDateTime":"2025-03-14T09:21:08Z","status":{"errorCode":"500121"}}
`
	eng, _ := detection.NewEngine(detection.Options{}, detection.Of[event.SignInEvent](failedMFA{}))
	r := event.NewReader(strings.NewReader(input))
	r.Name = "signins.jsonl"
	res, err := eng.Run(context.Background(), r)
	fmt.Println(err)
	fmt.Println("partial:", res.Partial)
	// Output:
	// signins.jsonl:2: status.errorCode: want an integer, got "500121" (byte 137)
	// partial: true
}

// RunLazy leaves the findings in the run's groups until All asks for
// them: a program that writes each finding out holds one at a time, not
// one per group.
func ExampleEngine_RunLazy() {
	input := `{"createdDateTime":"2025-03-14T09:21:07Z","userPrincipalName":"megan.bowen@example.com","ipAddress":"203.0.113.24","status":{"errorCode":500121}}
{"createdDateTime":"2025-03-14T09:20:00Z","userPrincipalName":"megan.bowen@example.com","ipAddress":"2001:db8::7","status":{"errorCode":500121}}
{"createdDateTime":"2025-03-14T09:23:00Z","userPrincipalName":"adele.vance@example.com","ipAddress":"198.51.100.4","status":{"errorCode":500121}}
`
	eng, err := detection.NewEngine(detection.Options{}, detection.Of[event.SignInEvent](failedMFA{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := eng.RunLazy(context.Background(), event.NewReader(strings.NewReader(input)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for f, err := range res.All() {
		if err != nil { // a Then stage or suppression hook panicked
			fmt.Println(err)
			continue
		}
		fmt.Println(string(f.AppendJSON(nil)))
	}
	// Output:
	// {"user":"adele.vance@example.com","count":1,"src":["198.51.100.4"],"firstTime":"2025-03-14T09:23:00"}
	// {"user":"megan.bowen@example.com","count":2,"src":["2001:db8::7","203.0.113.24"],"firstTime":"2025-03-14T09:20:00"}
}
