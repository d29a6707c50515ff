package kore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// usersInfoServer answers Get User Information as documented: a bare array with one element per email, failures
// inside the 200. answer, if set, replaces the element written for an email ("" leaves the email out).
type usersInfoServer struct {
	t        *testing.T
	mu       sync.Mutex
	batches  [][]string
	deleted  map[string]bool
	override func(emails []string) (string, bool)
}

func (s *usersInfoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		EmailIDs []string `json:"emailIds"`
		Status   string   `json:"status"`
	}
	if r.Method != http.MethodPost || r.URL.Path != "/api/public/usersInfo" ||
		r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil ||
		body.Status != "all" || len(body.EmailIDs) == 0 || len(body.EmailIDs) > 50 {
		s.t.Errorf("request %s %s with %d emails, status %q: want a POST of 1 to 50 emails, status all", r.Method,
			r.URL, len(body.EmailIDs), body.Status)
	}
	s.mu.Lock()
	s.batches = append(s.batches, body.EmailIDs)
	s.mu.Unlock()
	if s.override != nil {
		if answer, ok := s.override(body.EmailIDs); ok {
			fmt.Fprint(w, answer)
			return
		}
	}
	var elements []string
	for i, email := range body.EmailIDs {
		if s.deleted[email] {
			elements = append(elements, fmt.Sprintf(`{"userInfo":{"emailId":%q,"status":"failure","reason":{"errors":`+
				`[{"msg":"User not found. Please check the provided email address.","code":400}]}}}`, email))
			continue
		}
		login := ""
		if i%3 != 0 {
			login = `,"lastLogin":"2026-11-0` + fmt.Sprint(i%9+1) + `T10:00:00.000Z"`
		}
		elements = append(elements, fmt.Sprintf(`{"canCreateBot":true,"isDeveloper":false,"userInfo":{"emailId":%q,`+
			`"userId":"u-%s","firstName":"First","lastName":"Last","status":%q%s},"roles":{"btRoles":[],"adminRoles":[]},`+
			`"assignBotTasks":[],"groups":[]}`, email, email, []string{"active", "not active"}[i%2], login))
	}
	fmt.Fprint(w, "["+strings.Join(elements, ",")+"]")
}

func emailsOf(n int) []string {
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("user%03d@example.com", i)
	}
	return emails
}

func usersInfoClient(t *testing.T, s *usersInfoServer) *kore.Client {
	t.Helper()
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	return newTestClient(t, testConfig(server, nil))
}

// 137 users are read in 3 requests of at most 50 emails, each answered with its status, last login and names;
// a second read of the same emails is shared.
func TestGetUsersInfoReadsEveryUserInBatches(t *testing.T) {
	s := &usersInfoServer{t: t}
	client := usersInfoClient(t, s)
	emails := emailsOf(137)
	info, err := client.GetUsersInfo(context.Background(), emails)
	if err != nil {
		t.Fatalf("GetUsersInfo: %v", err)
	}
	if len(info.Users) != 137 || info.Requests != 3 || len(s.batches) != 3 || kore.UsersInfoRequests(137) != 3 {
		t.Fatalf("%d users in %d requests (%d served), want 137 in 3", len(info.Users), info.Requests, len(s.batches))
	}
	user := info.Users["user001@example.com"]
	if user.Failed || user.Status == nil || *user.Status != "not active" || user.LastLogin == nil ||
		user.FirstName == nil || *user.FirstName != "First" || user.LastName == nil || user.UserID == nil {
		t.Errorf("user001 = %+v, want its status, last login and names", user)
	}
	if never := info.Users["user000@example.com"]; never.LastLogin != nil {
		t.Errorf("user000 never logged in, but reads %q", *never.LastLogin)
	}
	if _, err := client.GetUsersInfo(context.Background(), emails); err != nil || len(s.batches) != 3 {
		t.Errorf("a second read of the same emails made %d requests in all (%v), want it shared", len(s.batches), err)
	}
}

// A user the API reports as failure is a failed user of the answer, with its reason; the caller decides.
func TestGetUsersInfoKeepsFailuresApart(t *testing.T) {
	s := &usersInfoServer{t: t, deleted: map[string]bool{"user004@example.com": true}}
	info, err := usersInfoClient(t, s).GetUsersInfo(context.Background(), emailsOf(10))
	if err != nil {
		t.Fatal(err)
	}
	gone := info.Users["user004@example.com"]
	if !gone.Failed || gone.Reason != "User not found. Please check the provided email address." || gone.Status != nil {
		t.Errorf("user004 = %+v, want a failure with its reason", gone)
	}
	if info.Users["user005@example.com"].Failed {
		t.Error("user005 reads as failed")
	}
}

// An answer that leaves an email out, names one twice or names one not asked for fails the read; one that is not
// the documented array names payload encryption (Kore.ai encrypts this endpoint), and never quotes the answer.
func TestGetUsersInfoFailsClosed(t *testing.T) {
	one := func(email string) string { return `{"userInfo":{"emailId":"` + email + `","status":"active"}}` }
	tests := []struct {
		name, answer, want string
		encrypted          bool
	}{
		{name: "an email left out", answer: "[" + one("user000@example.com") + "]",
			want: `the answer leaves out 1 of the 2 emails asked for: "user001@example.com"`},
		{name: "an email twice", answer: "[" + one("user000@example.com") + "," + one("user000@example.com") + "," +
			one("user001@example.com") + "]", want: `names twice 1 of the 2 emails asked for: "user000@example.com"`},
		{name: "an email not asked for", answer: "[" + one("user000@example.com") + "," + one("user001@example.com") +
			"," + one("intruder@example.com") + "]", want: `names 1 emails that were not asked for: "intruder@example.com"`},
		{name: "an element without an email", answer: `[{"userInfo":{"status":"active"}}]`, want: "element 0 has no userInfo.emailId"},
		{name: "an encrypted answer", answer: `"eyJlbmMiOiJBMjU2R0NNIn0.secret-payload"`, encrypted: true,
			want: "cannot unmarshal a JSON string into a list of users"},
		{name: "an object", answer: `{"data":"secret-payload"}`, encrypted: true,
			want: "cannot unmarshal a JSON object into a list of users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &usersInfoServer{t: t, override: func([]string) (string, bool) { return tt.answer, true }}
			_, err := usersInfoClient(t, s).GetUsersInfo(context.Background(), emailsOf(2))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			var decodeErr *kore.DecodeError
			if encrypted := errors.As(err, &decodeErr) && decodeErr.MaybeEncrypted; encrypted != tt.encrypted {
				t.Errorf("maybe encrypted = %t, want %t", encrypted, tt.encrypted)
			}
			if strings.Contains(err.Error(), "secret-payload") {
				t.Errorf("the error quotes the answer: %v", err)
			}
		})
	}
}

// Get User Information has its own scope, named in a refusal.
func TestGetUsersInfoRefusalNamesItsScope(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeAPIError(w, http.StatusUnauthorized, 4002, "Permission denied. Scope is incorrect!")
	}))
	t.Cleanup(server.Close)
	_, err := newTestClient(t, testConfig(server, nil)).GetUsersInfo(context.Background(), emailsOf(1))
	var apiErr *kore.APIError
	if !errors.As(err, &apiErr) || apiErr.Scope != kore.ScopeUserManagement || kore.RefusalOf(err) != kore.RefusedScope {
		t.Errorf("error %v, want a scope refusal naming User Management > User Management", err)
	}
}
