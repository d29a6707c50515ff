package kore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// serveBody answers every request, whatever its path, with body.
func serveBody(t *testing.T, body string) *kore.Client {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(server.Close)
	return newTestClient(t, testConfig(server, nil))
}

func TestListUserRolesReadsEveryField(t *testing.T) {
	client := serveBody(t, `{"total":3,"availableMore":false,"users":[
		{"userId":"u-1","username":"ana@example.com","orgUserId":"E-100","accountId":"a-1","isDeveloper":true,
		 "canCreateBot":false,
		 "btRoles":[{"roleId":"r-dev","roleName":"Bot Developer","botId":"st-1","botName":"Helpdesk","groups":[]},
		            {"roleId":"r-test","roleName":"Tester","botId":"st-2","botName":"HR","groups":["QA","Ops"]}],
		 "adminRoles":[{"roleId":"r-admin","roleName":"Bot Admin","groups":["Admins"]}]},
		{"userId":"u-2","username":"ben@example.com","orgUserId":null,"btRoles":null,"adminRoles":[]},
		{"userId":"u-3","username":"ünï@example.com"}]}`)

	list, err := client.ListUserRoles(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListUserRoles: %v", err)
	}
	want := []kore.UserRoles{
		{ID: "u-1", Email: ptr("ana@example.com"), OrgUserID: ptr("E-100"), AccountID: ptr("a-1"),
			IsDeveloper: ptr(true), CanCreateBot: ptr(false),
			BotRoles: []kore.BotRole{
				{RoleID: ptr("r-dev"), RoleName: ptr("Bot Developer"), BotID: ptr("st-1"), BotName: ptr("Helpdesk"),
					Groups: []string{}},
				{RoleID: ptr("r-test"), RoleName: ptr("Tester"), BotID: ptr("st-2"), BotName: ptr("HR"),
					Groups: []string{"QA", "Ops"}},
			},
			AdminRoles: []kore.AdminRole{{RoleID: ptr("r-admin"), RoleName: ptr("Bot Admin"), Groups: []string{"Admins"}}}},
		{ID: "u-2", Email: ptr("ben@example.com"), AdminRoles: []kore.AdminRole{}},
		{ID: "u-3", Email: ptr("ünï@example.com")},
	}
	if !reflect.DeepEqual(list.Users, want) {
		t.Errorf("users =\n%s\nwant\n%s", dump(list.Users), dump(want))
	}
	if list.Total != 3 || list.Pages != 1 || len(list.Warnings) != 0 {
		t.Errorf("total, pages, warnings = %d, %d, %q", list.Total, list.Pages, list.Warnings)
	}
}

func TestListRolesReadsPermissionsAsLists(t *testing.T) {
	tests := []struct {
		name     string
		roleType string
		body     string
		want     []kore.Role
		wantErr  string
	}{
		{
			name: "admin roles come without _id and with single strings", roleType: kore.RoleTypeAdmin,
			body: `{"total":2,"availableMore":false,"roles":[
				{"roleType":"admin","role":"Master Admin","rDesc":"Everything","permissions":{"Bot Builder":"YES","Manage Users":"NO"}},
				{"roleType":"admin","role":"Custom","permissions":{}}]}`,
			want: []kore.Role{
				{Type: "admin", Name: "Master Admin", Description: ptr("Everything"),
					Permissions: map[string]kore.PermissionValues{"Bot Builder": {"YES"}, "Manage Users": {"NO"}}},
				{Type: "admin", Name: "Custom", Permissions: map[string]kore.PermissionValues{}},
			},
		},
		{
			name: "bot roles carry _id and lists", roleType: kore.RoleTypeBot,
			body: `{"total":1,"availableMore":false,"roles":[
				{"roleType":"bot","_id":"r-1","role":"Tester","rDesc":null,
				 "permissions":{"Dialog Task":["VIEW","TEST"],"Publish":["YES"],"Empty":[],"Unset":null}}]}`,
			want: []kore.Role{{ID: ptr("r-1"), Type: "bot", Name: "Tester", Permissions: map[string]kore.PermissionValues{
				"Dialog Task": {"VIEW", "TEST"}, "Publish": {"YES"}, "Empty": {}, "Unset": nil}}},
		},
		{
			name: "a permission that is a number is refused", roleType: kore.RoleTypeBot,
			body:    `{"total":1,"roles":[{"roleType":"bot","_id":"r-1","role":"X","permissions":{"P":1}}]}`,
			wantErr: "neither a string nor a list of strings",
		},
		{
			name: "a null inside a permission list is refused", roleType: kore.RoleTypeBot,
			body:    `{"total":1,"roles":[{"roleType":"bot","_id":"r-1","role":"X","permissions":{"P":["VIEW",null]}}]}`,
			wantErr: "a permission list holds a null",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := serveBody(t, tt.body)
			list, err := client.ListRoles(context.Background(), tt.roleType, 50)
			if tt.wantErr != "" {
				var decodeErr *kore.DecodeError
				if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), tt.wantErr) ||
					!strings.Contains(err.Error(), tt.roleType+" roles page 0") {
					t.Fatalf("error = %v, want a *DecodeError saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ListRoles: %v", err)
			}
			if !reflect.DeepEqual(list.Roles, tt.want) {
				t.Errorf("roles =\n%s\nwant\n%s", dump(list.Roles), dump(tt.want))
			}
		})
	}
}

func TestListBotsReadsEveryFieldButTheAppSecret(t *testing.T) {
	client := serveBody(t, `{"total":2,"availableMore":false,"bots":[
		{"_id":"st-1","name":"Helpdesk","description":"IT help","status":"published","purpose":"employee",
		 "type":"default","defaultLanguage":"en","createdOn":"2024-05-01T10:00:00.000Z","createdBy":"u-1",
		 "accountId":"a-1","isDeflect":false,"resourceid":"r-1","icon":"x.png","isLinkedTo":[],"containsPanelOrWidget":true,
		 "jwtApps":[{"clientId":"cs-1","clientSecret":"`+botAppSecret+`","jtiClaimEnforced":true,
		             "jweEncryptionEnforced":false,"createdOn":"2024-05-02T10:00:00.000Z"}]},
		{"_id":"st-2","name":"Old bot","jwtApps":null}]}`)

	list, err := client.ListBots(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListBots: %v", err)
	}
	want := []kore.Bot{
		{ID: "st-1", Name: "Helpdesk", Description: ptr("IT help"), Status: ptr("published"), Purpose: ptr("employee"),
			Type: ptr("default"), DefaultLanguage: ptr("en"), CreatedOn: ptr("2024-05-01T10:00:00.000Z"),
			CreatedBy: ptr("u-1"), AccountID: ptr("a-1"), IsDeflect: ptr(false),
			JWTApps: []kore.JWTApp{{ClientID: ptr("cs-1"), JTIClaimEnforced: ptr(true), JWEEncryptionEnforced: ptr(false),
				CreatedOn: ptr("2024-05-02T10:00:00.000Z")}}},
		{ID: "st-2", Name: "Old bot"},
	}
	if !reflect.DeepEqual(list.Bots, want) {
		t.Errorf("bots =\n%s\nwant\n%s", dump(list.Bots), dump(want))
	}
	if text := fmt.Sprintf("%+v %#v %s", list, list.Bots, dump(list)); strings.Contains(text, botAppSecret) {
		t.Errorf("the app secret is in the result: %s", text)
	}
}

// The API sends each bot app's secret. Whatever goes wrong, it must not reach a result, an error or a log line.
func TestNoBotAppSecretReachesResultsErrorsOrLogs(t *testing.T) {
	bots := endpoints[3]
	app := `{"clientId":"cs-1","clientSecret":"` + botAppSecret + `"`
	tests := []struct {
		name    string
		answer  func(s *listingServer, offset, limit int) string
		wantErr string // "" for a read that succeeds
	}{
		{name: "a read that succeeds", answer: func(*listingServer, int, int) string { return "" }},
		{name: "a field of the wrong type just after the secret", wantErr: "jtiClaimEnforced",
			answer: func(s *listingServer, _, _ int) string {
				return `{"total":1,"bots":[{"_id":"st-1","name":"B","jwtApps":[` + app + `,"jtiClaimEnforced":"` +
					botAppSecret + `"}]}]}`
			}},
		{name: "a body cut off after the secret", wantErr: "ends early",
			answer: func(s *listingServer, _, _ int) string {
				return `{"total":1,"bots":[{"_id":"st-1","name":"B","jwtApps":[` + app
			}},
		{name: "invalid JSON after the secret", wantErr: "invalid JSON",
			answer: func(s *listingServer, _, _ int) string {
				return `{"total":1,"bots":[{"_id":"st-1","name":"B","jwtApps":[` + app + ` ` + botAppSecret + `}]}]}`
			}},
		{name: "the secret as a field name", wantErr: "a field the client does not read",
			answer: func(s *listingServer, _, _ int) string {
				return `{"total":1,"` + botAppSecret + `":[1,}`
			}},
		{name: "one bot on two pages with different secrets and content", wantErr: "different content",
			answer: func(s *listingServer, offset, _ int) string {
				if offset == 2 {
					return s.body(9, false, strings.ReplaceAll(s.endpoint.alter(s.endpoint.item(5)), botAppSecret,
						botAppSecret+"-rotated"), s.endpoint.item(6), s.endpoint.item(7))
				}
				return ""
			}},
		{name: "offset that fits neither meaning", wantErr: "fits neither meaning",
			answer: func(s *listingServer, _, limit int) string { return s.page(0, limit) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newListingServer(t, bots, 9)
			api.answer = func(_ int64, offset, limit int) string { return tt.answer(api, offset, limit) }
			logger := &captureLogger{}
			cfg := testConfig(api.start(), nil)
			cfg.Logger = logger
			client := newTestClient(t, cfg)

			list, err := client.ListBots(context.Background(), 3)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("ListBots: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErr)
			}
			text := fmt.Sprintf("%+v\n%#v\n%v\n%+v\n%s\n%s", list, list, err, err, dump(list),
				strings.Join(logger.all(), "\n"))
			if list != nil {
				text += fmt.Sprintf("%+v", list.Bots)
			}
			if strings.Contains(text, botAppSecret) || strings.Contains(text, "clientSecret") {
				t.Errorf("the app secret reached the result, the error or a log line:\n%s", text)
			}
		})
	}
}

func TestDecodeErrorsOfListingsNeverQuoteTheBody(t *testing.T) {
	const email = "private.person@example.com"
	tests := []struct {
		name      string
		body      string
		wantError []string
	}{
		{name: "a field of the wrong type", body: `{"total":1,"users":[{"userId":"u-1","username":"` + email +
			`","isDeveloper":"` + email + `"}]}`,
			wantError: []string{`element 0 of "users"`, `"isDeveloper"`, "JSON string", "at byte"}},
		{name: "a number where a string belongs", body: `{"total":1,"users":[{"userId":"u-1","username":12345678901}]}`,
			wantError: []string{`"username"`, "JSON number", "at byte"}},
		{name: "a syntax error", body: `{"total":1,"users":[{"userId":"u-1","username":"` + email + `" "x"}]}`,
			wantError: []string{"invalid JSON", `element 0 of "users"`, "at byte"}},
		{name: "items that are not an array", body: `{"total":1,"users":{"userId":"` + email + `"}}`,
			wantError: []string{`the field "users" is a JSON object, not an array`}},
		{name: "data after the page", body: `{"total":0,"users":[]} {"userId":"` + email + `"}`,
			wantError: []string{"followed by more data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := serveBody(t, tt.body)
			_, err := client.ListUserRoles(context.Background(), 50)
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) {
				t.Fatalf("error = %v, want a *DecodeError", err)
			}
			for _, want := range tt.wantError {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if text := fmt.Sprintf("%v %+v", err, decodeErr); strings.Contains(text, email) ||
				strings.Contains(text, "12345678901") || decodeErr.BodyBytes != len(tt.body) {
				t.Errorf("the error quotes the body: %s", text)
			}
			if !strings.Contains(err.Error(), "user roles page 0") {
				t.Errorf("error %q does not name the user roles page", err)
			}
		})
	}
}

// A short page is the end of the data: a page after it that holds items means records moved past the read.
func TestAShortPageFollowedByOneThatHoldsItemsIsReadAgainThenFails(t *testing.T) {
	e := endpoints[3]
	api := newListingServer(t, e, 12)
	// Page 2 ends the data early; page 3, read at the same time, still holds items. Each read of page 2 (the
	// first pass and the read again) waits for its own read of page 3, so that page 3 is never skipped as past
	// the end of the data.
	page3Asked := make(chan struct{}, 8)
	api.gate = func(offset int) {
		switch offset {
		case 3:
			page3Asked <- struct{}{}
		case 2:
			select {
			case <-page3Asked:
			case <-time.After(2 * time.Second):
			}
		}
	}
	api.answer = func(_ int64, offset, _ int) string {
		switch offset {
		case 2:
			return api.body(12, false, api.itemRange(6, 8)...)
		case 3:
			return api.body(12, false, api.itemRange(8, 11)...)
		}
		return ""
	}
	cfg := testConfig(api.start(), nil)
	cfg.MaxConcurrency = 4
	client := newTestClient(t, cfg)

	_, err := client.ListBots(context.Background(), 3)
	var paginationErr *kore.PaginationError
	if !errors.As(err, &paginationErr) || paginationErr.Page != 2 ||
		!strings.Contains(paginationErr.Reason, "holds 2 bots, fewer than the limit of 3, but page 3 after it holds more") {
		t.Fatalf("error = %v, want bots page 2 short of the limit before page 3", err)
	}
}

func dump(v any) string {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(data)
}

// A null inside an item's lists would become an invented entry with every field empty: the read fails instead.
func TestNullsInsideItemsAreRefused(t *testing.T) {
	tests := []struct {
		name    string
		list    func(*kore.Client) error
		body    string
		wantErr string
	}{
		{name: "a null bot role", body: `{"total":1,"users":[{"userId":"u-1","btRoles":[null]}]}`,
			wantErr: `a null bot role in btRoles in element 0 of "users"`},
		{name: "a null admin role", body: `{"total":1,"users":[{"userId":"u-1","adminRoles":[{"roleId":"r"},null]}]}`,
			wantErr: `a null admin role in adminRoles in element 0 of "users"`},
		{name: "a null group name of a bot role", body: `{"total":1,"users":[{"userId":"u-1","btRoles":[{"groups":["QA",null]}]}]}`,
			wantErr: "a null in the groups of a bot role"},
		{name: "a null group name of an admin role", body: `{"total":1,"users":[{"userId":"u-1","adminRoles":[{"groups":[null]}]}]}`,
			wantErr: "a null in the groups of an admin role"},
		{name: "a null app of a bot", body: `{"total":1,"bots":[{"_id":"st-1","name":"B","jwtApps":[null]}]}`,
			wantErr: `a null app in jwtApps in element 0 of "bots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := serveBody(t, tt.body)
			var err error
			if strings.Contains(tt.body, `"bots"`) {
				_, err = client.ListBots(context.Background(), 50)
			} else {
				_, err = client.ListUserRoles(context.Background(), 50)
			}
			var decodeErr *kore.DecodeError
			if !errors.As(err, &decodeErr) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %v, want a *DecodeError saying %q", err, tt.wantErr)
			}
		})
	}

	t.Run("null and empty group lists stay apart", func(t *testing.T) {
		client := serveBody(t, `{"total":1,"users":[{"userId":"u-1","btRoles":[{"groups":null},{"groups":[]},{}]}]}`)
		list, err := client.ListUserRoles(context.Background(), 50)
		if err != nil {
			t.Fatalf("ListUserRoles: %v", err)
		}
		roles := list.Users[0].BotRoles
		if len(roles) != 3 || roles[0].Groups != nil || roles[1].Groups == nil || len(roles[1].Groups) != 0 ||
			roles[2].Groups != nil {
			t.Errorf("bot roles = %#v, want groups nil, empty, nil", roles)
		}
	})
}
