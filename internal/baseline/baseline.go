// Package baseline holds the hand-written programs escudo's benchmarks
// compare against, so that every benchmark that reports a ratio to the
// baseline runs the same code.
package baseline

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"
)

type handRecord struct {
	CreatedDateTime   time.Time `json:"createdDateTime"`
	UserPrincipalName string    `json:"userPrincipalName"`
	IPAddress         string    `json:"ipAddress"`
	AppDisplayName    string    `json:"appDisplayName"`
	Status            struct {
		ErrorCode     int    `json:"errorCode"`
		FailureReason string `json:"failureReason"`
	} `json:"status"`
}

type handKey struct{ user, ip, app, reason string }

// ConsentDenied is the consent-denied job done the way a Go user would
// write it by hand, the baseline escudo's benchmarks are measured
// against: encoding/json into a small struct, a filter, a map for the
// grouping, sorted rows and risk events, over Graph JSON lines. Lines it
// cannot decode are passed over.
func ConsentDenied(input io.Reader) (rows, risks []string) {
	groups := make(map[handKey][2]time.Time)
	sc := bufio.NewScanner(input)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r handRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			continue
		}
		if r.Status.ErrorCode != 65004 || r.UserPrincipalName == "" || r.IPAddress == "" || r.AppDisplayName == "" || r.Status.FailureReason == "" {
			continue
		}
		k := handKey{r.UserPrincipalName, r.IPAddress, r.AppDisplayName, r.Status.FailureReason}
		g, ok := groups[k]
		if !ok || r.CreatedDateTime.Before(g[0]) {
			g[0] = r.CreatedDateTime
		}
		if !ok || r.CreatedDateTime.After(g[1]) {
			g[1] = r.CreatedDateTime
		}
		groups[k] = g
	}
	keys := make([]handKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b handKey) int {
		return strings.Compare(a.user+"\x00"+a.ip+"\x00"+a.app+"\x00"+a.reason, b.user+"\x00"+b.ip+"\x00"+b.app+"\x00"+b.reason)
	})
	for _, k := range keys {
		g := groups[k]
		row, _ := json.Marshal(map[string]string{"user": k.user, "src_ip": k.ip, "appDisplayName": k.app, "status.failureReason": k.reason,
			"firstTime": g[0].UTC().Format("2006-01-02T15:04:05"), "lastTime": g[1].UTC().Format("2006-01-02T15:04:05")})
		rows = append(rows, string(row))
		risk, _ := json.Marshal(map[string]any{"_time": g[1].UTC(), "risk_object": k.user, "risk_score": 50,
			"risk_message": "User " + k.user + " denied consent for an OAuth application.", "threat_object": []string{k.ip}})
		risks = append(risks, string(risk))
	}
	return rows, risks
}
