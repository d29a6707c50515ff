package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// rolesExportServer answers Get Roles with the roles of listed (admin roles without _id, as Kore.ai's sample does,
// unless withIDs) and Export Roles with export, a bare array written here, and counts the requests of each.
type rolesExportServer struct {
	t       *testing.T
	listed  []string // role names Get Roles sends
	withIDs bool     // Get Roles sends each role's _id
	export  string   // the body of Export Roles
	status  int      // Export Roles' status, 200 if 0

	mu       sync.Mutex
	requests map[string]int
}

func (s *rolesExportServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.requests == nil {
		s.requests = map[string]int{}
	}
	s.requests[r.URL.Path]++
	s.mu.Unlock()
	if r.Method != http.MethodGet || r.Header.Get("auth") == "" || r.URL.Query().Get("roleType") == "" {
		s.t.Errorf("request %s %s without auth or roleType", r.Method, r.URL)
	}
	switch r.URL.Path {
	case "/api/public/roles":
		roleType := r.URL.Query().Get("roleType")
		items := make([]string, len(s.listed))
		for i, name := range s.listed {
			id := ""
			if s.withIDs {
				id = fmt.Sprintf(`"_id":"id-%d",`, i)
			}
			items[i] = fmt.Sprintf(`{"roleType":%q,%s"role":%q,"permissions":{"Billing":"YES"}}`, roleType, id, name)
		}
		fmt.Fprintf(w, `{"total":%d,"availableMore":false,"roles":[%s]}`, len(items), strings.Join(items, ","))
	case "/api/public/roles/export":
		if s.status != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(s.status)
		}
		fmt.Fprint(w, s.export)
	default:
		s.t.Errorf("request to %s", r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
	}
}

func (s *rolesExportServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *rolesExportServer) client(t *testing.T) *kore.Client {
	t.Helper()
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	cfg := testConfig(server, nil)
	cfg.MaxRetries = 0
	return newTestClient(t, cfg)
}

// exported writes an Export Roles element as the documentation shows it.
func exported(id, name string) string {
	return fmt.Sprintf(`{"roleType":"admin","_id":%q,"role":%q,"rDesc":"","permissions":{"Billing":"YES"},`+
		`"refId":"0b6e4f4c-1d2e-4c59-9d41-0f6f6a0e2d11"}`, id, name)
}

func roleIDs(roles []kore.Role) map[string]string {
	ids := map[string]string{}
	for _, r := range roles {
		if r.ID == nil {
			ids[r.Name] = "<null>"
		} else {
			ids[r.Name] = *r.ID
		}
	}
	return ids
}

// Admin roles that Get Roles sends without _id get the id Export Roles gives the role of the same name, with one
// request of Export Roles that every later read shares; the list ListRoles shares is left as Get Roles sent it.
func TestListRolesWithIDsTakesAdminIDsFromExportRoles(t *testing.T) {
	s := &rolesExportServer{t: t, listed: []string{"Master Admin", "Billing Admin"},
		export: "[" + exported("a-1", "Master Admin") + "," + exported("a-2", "Billing Admin") + "," +
			exported("a-3", "Unused Admin") + "]"}
	client := s.client(t)
	ctx := context.Background()
	list, err := client.ListRolesWithIDs(ctx, kore.RoleTypeAdmin, 50)
	if err != nil {
		t.Fatalf("ListRolesWithIDs: %v", err)
	}
	if got := roleIDs(list.Roles); len(got) != 2 || got["Master Admin"] != "a-1" || got["Billing Admin"] != "a-2" {
		t.Errorf("ids %v, want Master Admin a-1 and Billing Admin a-2", got)
	}
	if list.IDWarnings != nil || list.Total != 2 || s.count("/api/public/roles/export") != 1 {
		t.Errorf("warnings %q, total %d, %d Export Roles requests: want none, 2, 1", list.IDWarnings, list.Total,
			s.count("/api/public/roles/export"))
	}

	again, err := client.ListRolesWithIDs(ctx, kore.RoleTypeAdmin, 50)
	if err != nil || roleIDs(again.Roles)["Master Admin"] != "a-1" {
		t.Fatalf("a second read: %v, ids %v", err, roleIDs(again.Roles))
	}
	shared, err := client.ListRoles(ctx, kore.RoleTypeAdmin, 50)
	if err != nil || roleIDs(shared.Roles)["Master Admin"] != "<null>" || shared.IDWarnings != nil {
		t.Errorf("ListRoles after the fill: %v, ids %v, want Get Roles' list unchanged", err, roleIDs(shared.Roles))
	}
	roles, err := client.ExportRoles(ctx, kore.RoleTypeAdmin)
	if err != nil || len(roles.Roles) != 3 {
		t.Fatalf("ExportRoles: %v, %d roles", err, len(roles.Roles))
	}
	if s.count("/api/public/roles/export") != 1 || s.count("/api/public/roles") != 1 {
		t.Errorf("%d Export Roles and %d Get Roles requests, want one of each, shared",
			s.count("/api/public/roles/export"), s.count("/api/public/roles"))
	}
	third := roles.Roles[2]
	if third.ID != "a-3" || third.Name != "Unused Admin" || third.Type == nil || *third.Type != "admin" ||
		third.Description == nil || *third.Description != "" || third.RefID == nil ||
		*third.RefID != "0b6e4f4c-1d2e-4c59-9d41-0f6f6a0e2d11" || len(third.Permissions["Billing"]) != 1 ||
		third.Permissions["Billing"][0] != "YES" {
		t.Errorf("the third exported role reads %+v", third)
	}
}

// Callers asking at the same moment share one request of Export Roles.
func TestExportRolesIsSharedByConcurrentCallers(t *testing.T) {
	s := &rolesExportServer{t: t, export: "[" + exported("a-1", "Master Admin") + "]"}
	client := s.client(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if list, err := client.ExportRoles(context.Background(), kore.RoleTypeAdmin); err != nil || len(list.Roles) != 1 {
				t.Errorf("ExportRoles: %v", err)
			}
		})
	}
	wg.Wait()
	if n := s.count("/api/public/roles/export"); n != 1 {
		t.Errorf("%d requests of Export Roles, want 1", n)
	}
}

// When Get Roles sends every role's id, Export Roles is not read.
func TestListRolesWithIDsSendsNothingMoreWhenIDsArePresent(t *testing.T) {
	for _, roleType := range []string{kore.RoleTypeAdmin, kore.RoleTypeBot} {
		t.Run(roleType, func(t *testing.T) {
			s := &rolesExportServer{t: t, listed: []string{"Bot Owner", "Analyst"}, withIDs: true, export: "[]"}
			list, err := s.client(t).ListRolesWithIDs(context.Background(), roleType, 50)
			if err != nil {
				t.Fatal(err)
			}
			if got := roleIDs(list.Roles); got["Bot Owner"] != "id-0" || got["Analyst"] != "id-1" || list.IDWarnings != nil {
				t.Errorf("ids %v, warnings %q: want Get Roles' own ids and no warning", got, list.IDWarnings)
			}
			if n := s.count("/api/public/roles/export"); n != 0 {
				t.Errorf("%d requests of Export Roles, want none", n)
			}
		})
	}
}

// Bot roles are documented with their ids: one sent without is left so, and Export Roles is not read.
func TestListRolesWithIDsLeavesBotRolesAsSent(t *testing.T) {
	s := &rolesExportServer{t: t, listed: []string{"Bot Owner"}, export: `[{"_id":"b-1","role":"Bot Owner"}]`}
	list, err := s.client(t).ListRolesWithIDs(context.Background(), kore.RoleTypeBot, 50)
	if err != nil {
		t.Fatal(err)
	}
	if got := roleIDs(list.Roles); got["Bot Owner"] != "<null>" || list.IDWarnings != nil || s.count("/api/public/roles/export") != 0 {
		t.Errorf("ids %v, warnings %q, %d Export Roles requests: want the role as sent, nothing more",
			got, list.IDWarnings, s.count("/api/public/roles/export"))
	}
}

// A role that Export Roles lists under no name, or under its name twice, keeps a null id, and a warning names it;
// the other roles get their ids.
func TestListRolesWithIDsWarnsOfRolesWithNoSingleID(t *testing.T) {
	export := []string{exported("a-1", "Master Admin"), exported("a-2", "Twice"), exported("a-3", "Twice")}
	s := &rolesExportServer{t: t, listed: []string{"Master Admin", "Twice", "Gone \"Admin\""}}
	s.export = "[" + strings.Join(export, ",") + "]"
	list, err := s.client(t).ListRolesWithIDs(context.Background(), kore.RoleTypeAdmin, 50)
	if err != nil {
		t.Fatal(err)
	}
	if got := roleIDs(list.Roles); got["Master Admin"] != "a-1" || got["Twice"] != "<null>" || got[`Gone "Admin"`] != "<null>" {
		t.Errorf("ids %v, want Master Admin a-1 and the others null", got)
	}
	want := []string{
		`Get Roles sent these admin roles without an id, and Export Roles lists none of the same name, so their id ` +
			`is null: "Gone \"Admin\""`,
		`Get Roles sent these admin roles without an id, and Export Roles lists several of the same name, so ` +
			`their id is null: "Twice"`,
	}
	if len(list.IDWarnings) != 2 || list.IDWarnings[0] != want[0] || list.IDWarnings[1] != want[1] {
		t.Errorf("warnings %q, want %q", list.IDWarnings, want)
	}
	if list.Warnings != nil {
		t.Errorf("read warnings %q, want none", list.Warnings)
	}
}

// A warning names ten roles, then counts the rest.
func TestListRolesWithIDsNamesTenRolesAtMost(t *testing.T) {
	names := func(prefix string, n int) []string {
		list := make([]string, n)
		for i := range list {
			list[i] = fmt.Sprintf("%s %02d", prefix, i)
		}
		return list
	}
	quoted := func(names []string) string {
		q := make([]string, len(names))
		for i, name := range names {
			q[i] = fmt.Sprintf("%q", name)
		}
		return strings.Join(q, ", ")
	}
	unknown, ambiguous := names("Unknown", 12), names("Twice", 10)
	var export []string
	for i, name := range ambiguous {
		export = append(export, exported(fmt.Sprintf("x-%d", i), name), exported(fmt.Sprintf("y-%d", i), name))
	}
	s := &rolesExportServer{t: t, listed: append(append([]string{}, unknown...), ambiguous...),
		export: "[" + strings.Join(export, ",") + "]"}
	list, err := s.client(t).ListRolesWithIDs(context.Background(), kore.RoleTypeAdmin, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.IDWarnings) != 2 || !strings.HasSuffix(list.IDWarnings[0], ": "+quoted(unknown[:10])+" and 2 more") ||
		!strings.HasSuffix(list.IDWarnings[1], ": "+quoted(ambiguous)) {
		t.Errorf("warnings %q, want the first ten unknown roles and 2 more, then the ten ambiguous ones", list.IDWarnings)
	}
}

// An Export Roles answer that is not an array of roles, each with its _id and name, fails the read with a
// DecodeError that says what is wrong and never quotes the answer; ListRolesWithIDs names Export Roles.
func TestExportRolesFailsClosed(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range kore.MaxExportedRoles + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"_id":"id-%d","role":"Role %d"}`, i, i)
	}
	b.WriteString("]")
	many := b.String()
	tests := []struct{ name, body, want string }{
		{"an object", `{"roles":[{"role":"secret-payload"}]}`, "cannot unmarshal a JSON object into a list of roles"},
		{"an encrypted string", `"secret-payload"`, "cannot unmarshal a JSON string into a list of roles"},
		{"an empty body", ``, "the JSON ends early, at byte 0"},
		{"invalid JSON", `[{"_id":secret-payload}]`, "invalid JSON in element 0 at byte"},
		{"a null element", `[null]`, "element 0 is null"},
		{"an element that is not an object", `["secret-payload"]`, "cannot unmarshal a JSON string into"},
		{"no name", `[{"_id":"a-1","permissions":{}}]`, `element 0 has no role name ("role")`},
		{"an empty name", `[{"_id":"a-1","role":""}]`, `element 0 has no role name ("role")`},
		{"no id", `[` + exported("a-1", "A") + `,{"role":"Master Admin"}]`, `element 1 (role "Master Admin") has no "_id"`},
		{"an empty id", `[{"_id":"","role":"Master Admin"}]`, `element 0 (role "Master Admin") has no "_id"`},
		{"a role of another type", `[{"_id":"b-1","role":"Bot Owner","roleType":"bot"}]`,
			`element 0 (role "Bot Owner") is of role type "bot", not the "admin" asked for`},
		{"an id twice", `[` + exported("a-1", "A") + `,` + exported("a-2", "B") + `,` + exported("a-1", "C") + `]`,
			`element 2 (role "C") has the "_id" of element 0`},
		{"a permission that is a number", `[{"_id":"a-1","role":"A","permissions":{"Billing":1}}]`,
			"a permission value is neither a string nor a list of strings in element 0"},
		{"an array cut short", `[` + exported("a-1", "A"), "the JSON ends early"},
		{"more after the array", `[] {"secret-payload":1}`, "the list of roles is followed by more data at byte 4"},
		{"invalid UTF-8", "[{\"_id\":\"a-1\",\"role\":\"A\xff\"}]", "invalid UTF-8 at byte 23"},
		{"too many roles", many, fmt.Sprintf("the answer holds more than %d roles", kore.MaxExportedRoles)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &rolesExportServer{t: t, listed: []string{"Master Admin"}, export: tt.body}
			client := s.client(t)
			_, err := client.ExportRoles(context.Background(), kore.RoleTypeAdmin)
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want a DecodeError saying %q", err, tt.want)
			}
			if decodeErr.Page != -1 || decodeErr.Endpoint != "role export (roleType=admin)" || decodeErr.StatusCode != 200 ||
				decodeErr.BodyBytes != len(tt.body) || decodeErr.MaybeEncrypted {
				t.Errorf("DecodeError %+v, want page -1 of role export (roleType=admin), HTTP 200, %d bytes",
					decodeErr, len(tt.body))
			}
			if strings.Contains(err.Error(), "secret-payload") {
				t.Errorf("the error quotes the answer: %v", err)
			}
			_, err = client.ListRolesWithIDs(context.Background(), kore.RoleTypeAdmin, 50)
			if !errors.As(err, &decodeErr) || !strings.HasPrefix(err.Error(), "reading the ids of the admin roles, "+
				"which Get Roles sent without them, from Export Roles (GET /api/public/roles/export?roleType=admin): "+
				"Kore.ai API answered HTTP 200 with ") {
				t.Errorf("ListRolesWithIDs: %v, want the DecodeError, naming Export Roles", err)
			}
		})
	}
}

// An Export Roles answer larger than the client reads fails at once, after one request.
func TestExportRolesRefusesATooLargeAnswer(t *testing.T) {
	requests := 0
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests++
		w.Header().Set("Content-Length", strconv.Itoa(kore.MaxAnswerBytes+1))
		fmt.Fprint(w, "[")
	}))
	t.Cleanup(server.Close)
	_, err := newTestClient(t, testConfig(server, nil)).ExportRoles(context.Background(), kore.RoleTypeAdmin)
	var tooLarge *kore.AnswerTooLargeError
	if !errors.As(err, &tooLarge) || requests != 1 {
		t.Errorf("error %v after %d requests, want an AnswerTooLargeError after 1", err, requests)
	}
}

// A refusal of Export Roles names the scope it needs; an error is not memoised.
func TestExportRolesRefusalNamesItsScope(t *testing.T) {
	s := &rolesExportServer{t: t, status: http.StatusUnauthorized,
		export: `{"errors":[{"msg":"Permission denied. Scope is incorrect!","code":4002}]}`}
	client := s.client(t)
	for range 2 {
		_, err := client.ExportRoles(context.Background(), kore.RoleTypeBot)
		var apiErr *kore.APIError
		if !errors.As(err, &apiErr) || apiErr.Scope != kore.ScopeRoleManagement || apiErr.Page != -1 ||
			apiErr.Endpoint != "role export (roleType=bot)" || kore.RefusalOf(err) != kore.RefusedScope {
			t.Errorf("error %v, want a scope refusal of role export (roleType=bot) naming %s", err,
				kore.ScopeRoleManagement)
		}
	}
	if n := s.count("/api/public/roles/export"); n != 2 {
		t.Errorf("%d requests, want 2: a refusal is not memoised", n)
	}
}

// Export Roles and ListRolesWithIDs take only the two role types, and a failed Get Roles ends the read before
// Export Roles is asked.
func TestListRolesWithIDsRefusesBadArguments(t *testing.T) {
	s := &rolesExportServer{t: t, export: "[]"}
	client := s.client(t)
	if _, err := client.ExportRoles(context.Background(), "owner"); err == nil ||
		err.Error() != `role type "owner" is not one Kore.ai knows: it must be "admin" or "bot"` {
		t.Errorf("ExportRoles(owner): %v", err)
	}
	if _, err := client.ListRolesWithIDs(context.Background(), "owner", 50); err == nil ||
		!strings.Contains(err.Error(), `role type "owner" is not one Kore.ai knows`) {
		t.Errorf("ListRolesWithIDs(owner): %v", err)
	}
	if s.count("/api/public/roles") != 0 || s.count("/api/public/roles/export") != 0 {
		t.Errorf("requests were sent for a role type Kore.ai does not know")
	}
}
