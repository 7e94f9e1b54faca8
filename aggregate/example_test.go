package aggregate_test

import (
	"fmt"
	"time"

	"github.com/escudo-dev/escudo/aggregate"
)

// The table below computes
//
//	stats count min(_time) max(_time) values(src_ip) dc(src_ip) BY user app
func ExampleTable() {
	tab, err := aggregate.New([]string{"user", "app"}, []string{"src_ip"})
	if err != nil {
		fmt.Println(err)
		return
	}
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	adds := []struct {
		user, app, ip string
		min           int
	}{
		{"bob@contoso.com", "Evil App", "203.0.113.9", 5},
		{"alice@contoso.com", "Evil App", "198.51.100.4", 0},
		{"bob@contoso.com", "Evil App", "203.0.113.10", 1},
		{"bob@contoso.com", "Evil App", "203.0.113.9", 9},
		{"alice@contoso.com", "Evil App", "", 2}, // empty: not a value
	}
	for _, a := range adds {
		at := t0.Add(time.Duration(a.min) * time.Minute)
		if err := tab.Add([]string{a.user, a.app}, at, [][]string{{a.ip}}); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, r := range tab.Rows() {
		fmt.Printf("%s %q count=%d first=%s last=%s src_ip=%q dc=%d\n",
			r.Key[0], r.Key[1], r.Count,
			r.First.Format(time.TimeOnly), r.Last.Format(time.TimeOnly),
			r.Values[0], len(r.Values[0]))
	}
	// Output:
	// alice@contoso.com "Evil App" count=2 first=10:00:00 last=10:02:00 src_ip=["198.51.100.4"] dc=1
	// bob@contoso.com "Evil App" count=3 first=10:01:00 last=10:09:00 src_ip=["203.0.113.10" "203.0.113.9"] dc=2
}
