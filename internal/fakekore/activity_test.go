package fakekore

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAuditLogsAreServedNewestFirstWithinTheRange(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	entries := GenerateAuditLogs(now, 250)
	s := newTestServer(t, Options{AuditLogs: entries})
	get := func(query string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, s.URL+AuditLogsPath+"?"+query, nil)
		req.Header.Set("auth", "token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&page)
		return resp.StatusCode, page
	}
	status, page := get("offset=0&size=100")
	items, _ := page["auditlogs"].([]any)
	if status != 200 || page["total"] != float64(250) || page["moreAvailable"] != true || len(items) != 100 {
		t.Fatalf("first page: %d %v", status, page["total"])
	}
	first, _ := items[0].(map[string]any)
	if first["timestampValue"] != float64(entries[249].Timestamp) || first["AuditLogId"] != entries[249].ID {
		t.Errorf("first entry %v, want the newest", first)
	}
	for _, key := range []string{"Date/Time", "Description", "Name", "Category"} {
		if _, ok := first[key]; !ok {
			t.Errorf("an entry lacks %q", key)
		}
	}
	status, page = get("offset=2&size=100")
	if items, _ := page["auditlogs"].([]any); status != 200 || len(items) != 50 || page["moreAvailable"] != false {
		t.Errorf("last page: %d, %d entries", status, len(items))
	}
	from := time.UnixMilli(entries[10].Timestamp).UTC().Format("2006-01-02T15:04:05.000Z")
	to := time.UnixMilli(entries[19].Timestamp).UTC().Format("2006-01-02T15:04:05.000Z")
	if _, page = get("fromDate=" + from + "&toDate=" + to); page["total"] != float64(10) {
		t.Errorf("a range of 10 entries holds %v", page["total"])
	}
	if status, _ = get("size=101"); status != http.StatusPreconditionFailed {
		t.Errorf("size=101: %d, want 412", status)
	}
	if status, _ = get("fromDate=yesterday"); status != http.StatusBadRequest {
		t.Errorf("a bad date: %d, want 400", status)
	}
	s.AddAuditLog(NewAuditLogEntry(now, 999, "Login", "Login/Logout", "late"))
	if _, page = get(""); page["total"] != float64(251) {
		t.Errorf("after an entry was added: total %v", page["total"])
	}
}

func TestUsersInfoAnswersEveryEmailWithFailuresInside(t *testing.T) {
	access := Access{Users: []UserRoles{{ID: "u1", Username: "ada.lovelace@example.com"}, {ID: "u2", Username: "alan.turing@example.com"}}}
	activity := GenerateActivity(access, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	s := newTestServer(t, Options{Access: access, Activity: activity})
	post := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, s.URL+UsersInfoPath, bytes.NewBufferString(body))
		req.Header.Set("auth", "token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	status, body := post(`{"emailIds":["ada.lovelace@example.com","gone@example.com"],"status":"all"}`)
	var answer []struct {
		UserInfo map[string]any `json:"userInfo"`
	}
	if err := json.Unmarshal([]byte(body), &answer); status != 200 || err != nil || len(answer) != 2 {
		t.Fatalf("%d %s", status, body)
	}
	if info := answer[0].UserInfo; info["emailId"] != "ada.lovelace@example.com" || info["firstName"] != "Ada" ||
		info["lastName"] != "Lovelace" || info["status"] != "active" {
		t.Errorf("ada = %v", info)
	}
	if info := answer[1].UserInfo; info["status"] != "failure" || !strings.Contains(body, MsgUserNotFound) {
		t.Errorf("gone = %v, want a failure", info)
	}
	if status, _ = post(`{"emailIds":[]}`); status != http.StatusBadRequest {
		t.Errorf("no emails: %d, want 400", status)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+UsersInfoPath, nil)
	req.Header.Set("auth", "token")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v, want 405", resp, err)
	}
}

func TestGenerateActivityCoversEveryKindOfUser(t *testing.T) {
	var access Access
	for i := range 40 {
		access.Users = append(access.Users, UserRoles{Username: "user.number" + string(rune('a'+i%26)) + "@example.com" + strings.Repeat("x", i)})
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	activity := GenerateActivity(access, now)
	var notActive, never, stale, recent int
	for _, a := range activity {
		switch {
		case a.Status == "not active":
			notActive++
		case a.LastLogin == nil:
			never++
		default:
			at, err := time.Parse("2006-01-02T15:04:05.000Z", *a.LastLogin)
			if err != nil {
				t.Fatal(err)
			}
			if now.Sub(at) > 90*24*time.Hour {
				stale++
			} else {
				recent++
			}
		}
	}
	if notActive == 0 || never == 0 || stale == 0 || recent == 0 || len(activity) != 40 {
		t.Errorf("not active %d, never %d, stale %d, recent %d of %d", notActive, never, stale, recent, len(activity))
	}
}
