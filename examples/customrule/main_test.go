package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/escudo-dev/escudo/detection/detectiontest"
	"github.com/escudo-dev/escudo/event"
)

// TestConformance holds the example's rules to the detection contract,
// their declared fields among it, over the sign-ins of the samples they
// run on (which both rules match).
func TestConformance(t *testing.T) {
	evs := []*event.SignInEvent{detectiontest.Full()}
	for _, p := range []string{
		"o365_user_consent_denied_for_oauth_application",
		"azure_ad_multiple_users_failing_to_authenticate_from_ip",
	} {
		f, err := os.Open(filepath.Join("..", "..", "testdata", p, "signins.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for ev, err := range event.NewReader(f).All() {
			if err != nil {
				t.Fatal(err)
			}
			evs = append(evs, &ev)
		}
		f.Close()
	}
	if err := detectiontest.Check[event.SignInEvent](adminConsentRequired{}, evs...); err != nil {
		t.Error(err)
	}
	if err := detectiontest.Check[event.SignInEvent](passwordSpray{}, evs...); err != nil {
		t.Error(err)
	}
}
