package detectiontest_test

import (
	"fmt"

	"github.com/escudo-dev/escudo/detection"
	"github.com/escudo-dev/escudo/detection/detectiontest"
	"github.com/escudo-dev/escudo/event"
	"github.com/escudo-dev/escudo/risk"
)

// draft is a rule still being written: its metadata is incomplete and its
// risk message names a column it does not produce.
type draft struct{}

func (draft) Meta() detection.Meta {
	return detection.Meta{
		Name: "Draft Rule", Type: "TTP",
		RBA: risk.Spec{Message: "User $user$ from $src$", RiskObjects: []risk.RiskObject{{Field: "user", Type: risk.User, Score: 20}}},
	}
}

func (draft) Match(ev *event.SignInEvent) bool { return ev.Status.ErrorCode != nil }

func (draft) Grouping() detection.Grouping[event.SignInEvent] {
	return detection.Grouping[event.SignInEvent]{By: []detection.By[event.SignInEvent]{{Field: "userPrincipalName", As: "user"}}, Stats: []detection.Stat[event.SignInEvent]{{Func: detection.Count}}}
}

// Check lists everything a rule still lacks, at once.
func ExampleCheck() {
	fmt.Println(detectiontest.Check[event.SignInEvent](draft{}))
	// Output:
	// meta: empty id
	// meta: empty date
	// meta: empty author
	// meta: empty status
	// meta: empty description
	// meta: version 0, want a positive number
	// meta: no data source
	// meta: no MITRE ATT&CK technique ID
	// meta: no analytic story
	// detection "Draft Rule": rba: message: token $src$: "src" is not an output field
}
