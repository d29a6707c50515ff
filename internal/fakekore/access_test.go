package fakekore

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The shapes below are written from access-apis.md (Kore.ai's documentation), not from this package's types:
// the wire format is checked against a second reading of the docs.
var (
	userKeys      = keySet{required: []string{"userId", "username", "accountId", "isDeveloper", "canCreateBot", "btRoles", "adminRoles"}, optional: []string{"orgUserId"}}
	botGrantKeys  = keySet{required: []string{"roleId", "roleName", "botId", "botName", "groups"}}
	adminGrantKey = keySet{required: []string{"roleId", "roleName", "groups"}}
	adminRoleKeys = keySet{required: []string{"roleType", "role", "permissions"}, optional: []string{"rDesc"}}
	botRoleKeys   = keySet{required: []string{"roleType", "_id", "role", "permissions"}, optional: []string{"rDesc"}}
	botKeys       = keySet{required: []string{"_id", "name"}, optional: []string{"description", "status", "purpose",
		"type", "defaultLanguage", "createdOn", "createdBy", "accountId", "isDeflect", "resourceid", "icon",
		"isLinkedTo", "containsPanelOrWidget", "jwtApps"}}
	jwtAppKeys = keySet{required: []string{"clientId", "clientSecret", "jtiClaimEnforced", "jweEncryptionEnforced", "createdOn"}}
)

type keySet struct{ required, optional []string }

// check reports keys of object that are missing or not documented.
func (k keySet) check(t *testing.T, what string, object map[string]any) {
	t.Helper()
	for _, key := range k.required {
		if _, ok := object[key]; !ok {
			t.Errorf("%s lacks %q: %v", what, key, object)
		}
	}
	for key := range object {
		if !slices.Contains(k.required, key) && !slices.Contains(k.optional, key) {
			t.Errorf("%s has undocumented key %q", what, key)
		}
	}
}

// demoGroupsForTest are the groups kore-local-api serves by default, in miniature.
func demoGroupsForTest() []Group {
	return append(SampleGroups(), GenerateGroups(40, 5)...)
}

func newAccessServer(t *testing.T, configure ...func(*Options)) (*Server, []Group, Access) {
	t.Helper()
	groups := demoGroupsForTest()
	access := GenerateAccess(groups, 5)
	opts := Options{ClientID: testClientID, ClientSecret: testClientSecret, Groups: groups, Access: access}
	for _, c := range configure {
		c(&opts)
	}
	return newTestServer(t, opts), groups, access
}

// listing is one page of any listing, its items decoded loosely.
type listing struct {
	total         int
	availableMore bool
	items         []map[string]any
}

// decodeListing checks the envelope {"total","availableMore","<key>"} and nothing else.
func decodeListing(t *testing.T, r response, key string) listing {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.status, r.body)
	}
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &envelope); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
	want := []string{"availableMore", key, "total"}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(envelope)); !slices.Equal(got, want) {
		t.Fatalf("envelope keys = %v, want total, availableMore and %s", got, key)
	}
	var page listing
	for field, target := range map[string]any{"total": &page.total, "availableMore": &page.availableMore, key: &page.items} {
		if err := json.Unmarshal(envelope[field], target); err != nil {
			t.Fatalf("%s = %s: %v", field, envelope[field], err)
		}
	}
	if page.items == nil {
		t.Fatalf("%s is null, want a list", key)
	}
	return page
}

func fetchListing(t *testing.T, s *Server, path, query, key string) listing {
	t.Helper()
	return decodeListing(t, do(t, http.DefaultClient, http.MethodGet, s.URL+path+"?"+query, goodToken(t)), key)
}

var tokenCounter atomic.Int64

// goodToken signs a token the access servers accept, with a jti of its own.
func goodToken(t *testing.T) string {
	t.Helper()
	jti := fmt.Sprint("jti-access-", tokenCounter.Add(1))
	return signToken(t, jwt.SigningMethodHS256, testClientSecret, validClaims(jti))
}

// readAll walks a listing to its end with the given meaning of offset, checking every page's envelope.
func readAll(t *testing.T, s *Server, path, extra, key string, meaning OffsetMeaning, limit int) []map[string]any {
	t.Helper()
	var all []map[string]any
	for request := 0; ; request++ {
		offset := request
		if meaning == OffsetRecords {
			offset = request * limit
		}
		page := fetchListing(t, s, path, fmt.Sprintf("%soffset=%d&limit=%d", extra, offset, limit), key)
		all = append(all, page.items...)
		if len(page.items) > limit {
			t.Fatalf("request %d: %d items for limit %d", request, len(page.items), limit)
		}
		if want := len(all) < page.total; page.availableMore != want {
			t.Fatalf("request %d: availableMore = %v after %d of %d items", request, page.availableMore, len(all), page.total)
		}
		if !page.availableMore {
			if len(all) != page.total {
				t.Fatalf("read %d items, total %d", len(all), page.total)
			}
			return all
		}
		if request > page.total {
			t.Fatal("the walk does not end")
		}
	}
}

func idsOf(items []map[string]any, key string) []string {
	ids := make([]string, len(items))
	for i, item := range items {
		ids[i], _ = item[key].(string)
	}
	return ids
}

func TestListingsOfAccessPageUnderEitherMeaningOfOffset(t *testing.T) {
	groups := demoGroupsForTest()
	access := GenerateAccess(groups, 12)
	var adminRoles, botRoles []string
	for _, r := range access.Roles {
		if r.RoleType == RoleTypeAdmin {
			adminRoles = append(adminRoles, r.Name)
		} else {
			botRoles = append(botRoles, r.Name)
		}
	}
	var userIDs, botIDs []string
	for _, u := range access.Users {
		userIDs = append(userIDs, u.ID)
	}
	for _, b := range access.Bots {
		botIDs = append(botIDs, b.ID)
	}

	endpoints := []struct {
		name, path, extra, key, idKey string
		want                          []string
	}{
		{"groups", GroupsPath, "", groupsKey, "_id", groupIDs(groups)},
		{"user roles", UserRolesPath, "", usersKey, "userId", userIDs},
		{"admin roles", RolesPath, "roleType=admin&", rolesKey, "role", adminRoles},
		{"bot roles", RolesPath, "roleType=bot&", rolesKey, "role", botRoles},
		{"bots", BotsPath, "", botsKey, "_id", botIDs},
	}
	for _, meaning := range []OffsetMeaning{OffsetPage, OffsetRecords} {
		s := newTestServer(t, Options{Groups: groups, Access: access, Offsets: AllOffsets(meaning)})
		for _, ep := range endpoints {
			for _, limit := range []int{1, 3, 5, 50} {
				t.Run(fmt.Sprintf("%s with offset as %s and limit %d reads every item once, in order", ep.name, meaning, limit), func(t *testing.T) {
					got := idsOf(readAll(t, s, ep.path, ep.extra, ep.key, meaning, limit), ep.idKey)
					if !slices.Equal(got, ep.want) {
						t.Errorf("ids = %v, want %v", got, ep.want)
					}
				})
			}
		}
	}
	if len(userIDs) <= 50 {
		t.Fatalf("%d users fit in one page: paging of user roles is not exercised at limit 50", len(userIDs))
	}
}

func TestOffsetMeaningsDefaultPerEndpoint(t *testing.T) {
	s, groups, access := newAccessServer(t)
	second := func(t *testing.T, path, extra, key string) string {
		t.Helper()
		page := fetchListing(t, s, path, extra+"offset=1&limit=2", key)
		if len(page.items) == 0 {
			t.Fatalf("%s: empty page", path)
		}
		id, _ := page.items[0]["userId"].(string)
		if id == "" {
			id, _ = page.items[0]["role"].(string)
		}
		if id == "" {
			id, _ = page.items[0]["_id"].(string)
		}
		return id
	}
	t.Run("user roles skip offset records, as the older docs say", func(t *testing.T) {
		if got, want := second(t, UserRolesPath, "", usersKey), access.Users[1].ID; got != want {
			t.Errorf("offset=1&limit=2 starts at %q, want the second user %q", got, want)
		}
	})
	t.Run("roles read offset as a page number", func(t *testing.T) {
		if got, want := second(t, RolesPath, "roleType=bot&", rolesKey), RoleBotTester; got != want {
			t.Errorf("offset=1&limit=2 starts at %q, want the third bot role %q", got, want)
		}
	})
	t.Run("bots read offset as a page number", func(t *testing.T) {
		if got, want := second(t, BotsPath, "", botsKey), access.Bots[2].ID; got != want {
			t.Errorf("offset=1&limit=2 starts at %q, want the third bot %q", got, want)
		}
	})
	t.Run("groups read offset as a page number", func(t *testing.T) {
		if got, want := second(t, GroupsPath, "", groupsKey), groups[2].ID; got != want {
			t.Errorf("offset=1&limit=2 starts at %q, want the third group %q", got, want)
		}
	})

	t.Run("one endpoint's meaning changes without the others", func(t *testing.T) {
		s, _, access := newAccessServer(t, func(o *Options) { o.Offsets.Bots = OffsetRecords })
		if got := fetchListing(t, s, BotsPath, "offset=1&limit=2", botsKey).items[0]["_id"]; got != access.Bots[1].ID {
			t.Errorf("bots with OffsetRecords: offset=1 starts at %v, want %q", got, access.Bots[1].ID)
		}
		if got := fetchListing(t, s, UserRolesPath, "offset=1&limit=2", usersKey).items[0]["userId"]; got != access.Users[1].ID {
			t.Errorf("user roles keep their default: offset=1 starts at %v, want %q", got, access.Users[1].ID)
		}
	})
	t.Run("records past the end give an empty last page", func(t *testing.T) {
		page := fetchListing(t, s, UserRolesPath, fmt.Sprintf("offset=%d&limit=5", len(access.Users)), usersKey)
		if len(page.items) != 0 || page.availableMore || page.total != len(access.Users) {
			t.Errorf("page = %d items, more %v, total %d", len(page.items), page.availableMore, page.total)
		}
		page = fetchListing(t, s, UserRolesPath, "offset=9223372036854775807&limit=5", usersKey)
		if len(page.items) != 0 || page.availableMore {
			t.Errorf("a huge offset gives %d items, more %v", len(page.items), page.availableMore)
		}
	})
}

func TestParseOffsetMeaning(t *testing.T) {
	for _, m := range []OffsetMeaning{OffsetDefault, OffsetPage, OffsetRecords} {
		if got, err := ParseOffsetMeaning(m.String()); err != nil || got != m {
			t.Errorf("ParseOffsetMeaning(%q) = %v, %v", m.String(), got, err)
		}
	}
	if _, err := ParseOffsetMeaning("skip"); err == nil || !strings.Contains(err.Error(), `"skip"`) {
		t.Errorf("ParseOffsetMeaning(skip) error = %v, want one naming the value", err)
	}
}

func TestBadAccessListingRequestsAreRefused(t *testing.T) {
	s, _, _ := newAccessServer(t)
	for _, path := range []string{UserRolesPath, RolesPath + "?roleType=bot", BotsPath} {
		url := s.URL + path
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		t.Run(path+" without a token is answered 401", func(t *testing.T) {
			assertError(t, do(t, http.DefaultClient, http.MethodGet, url, ""), http.StatusUnauthorized, MsgInvalidCredentials, CodeInvalidToken)
		})
		t.Run(path+" with a token signed by another secret is answered 401", func(t *testing.T) {
			token := signToken(t, jwt.SigningMethodHS256, "other-secret", validClaims("jti-x"))
			assertError(t, do(t, http.DefaultClient, http.MethodGet, url, token), http.StatusUnauthorized, MsgInvalidCredentials, CodeInvalidToken)
		})
		t.Run(path+" with a token for another app is answered 401 invalid credentials", func(t *testing.T) {
			token := signToken(t, jwt.SigningMethodHS256, testClientSecret, jwt.MapClaims{"appId": "cs-other"})
			assertError(t, do(t, http.DefaultClient, http.MethodGet, url, token), http.StatusUnauthorized, MsgInvalidCredentials, CodeInvalidToken)
		})
		for _, query := range []string{"limit=51", "limit=0", "offset=-1", "offset=x"} {
			t.Run(path+" with "+query+" is answered 412", func(t *testing.T) {
				assertError(t, do(t, http.DefaultClient, http.MethodGet, url+sep+query, goodToken(t)),
					http.StatusPreconditionFailed, MsgValidation, 412)
			})
		}
		t.Run(path+" answers POST 405", func(t *testing.T) {
			assertError(t, do(t, http.DefaultClient, http.MethodPost, url, goodToken(t)),
				http.StatusMethodNotAllowed, MsgMethodNotAllowed, 405)
		})
	}

	for _, tt := range []struct{ name, query, msg string }{
		{"without roleType", "", MsgRoleTypeRequired},
		{"with an empty roleType", "roleType=", MsgRoleTypeInvalid},
		{"with roleType user", "roleType=user", MsgRoleTypeInvalid},
		{"with roleType in capitals", "roleType=ADMIN", MsgRoleTypeInvalid},
	} {
		t.Run("roles "+tt.name+" are answered 400", func(t *testing.T) {
			r := do(t, http.DefaultClient, http.MethodGet, s.URL+RolesPath+"?"+tt.query, goodToken(t))
			assertError(t, r, http.StatusBadRequest, tt.msg, 400)
		})
	}
}

func TestUserRolesWireFormat(t *testing.T) {
	s, groups, _ := newAccessServer(t)
	users := readAll(t, s, UserRolesPath, "", usersKey, OffsetRecords, 50)
	bots := readAll(t, s, BotsPath, "", botsKey, OffsetPage, 50)
	botRoles := readAll(t, s, RolesPath, "roleType=bot&", rolesKey, OffsetPage, 50)
	adminRoles := readAll(t, s, RolesPath, "roleType=admin&", rolesKey, OffsetPage, 50)

	botNames := map[string]string{}
	for _, b := range bots {
		botNames[wireString(t, b["_id"])] = wireString(t, b["name"])
	}
	botRoleNames := map[string]string{}
	for _, r := range botRoles {
		botRoleNames[wireString(t, r["_id"])] = wireString(t, r["role"])
	}
	adminRoleNames := map[string]bool{}
	for _, r := range adminRoles {
		adminRoleNames[wireString(t, r["role"])] = true
	}
	members := map[string]map[string]bool{} // group name -> member ids
	for _, g := range groups {
		members[g.Name] = map[string]bool{}
		for _, u := range g.Users {
			members[g.Name][u.ID] = true
		}
	}

	var seen struct{ direct, viaGroup, viaTwoGroups, adminDirect, adminViaGroup, orgUserID, noOrgUserID, noRoles int }
	ids := map[string]bool{}
	for i, u := range users {
		what := fmt.Sprintf("user %d", i)
		userKeys.check(t, what, u)
		id := mustString(t, what+" userId", u["userId"])
		if !strings.HasPrefix(id, "u-") || ids[id] {
			t.Errorf("%s: userId %q is not u-… or repeats", what, id)
		}
		ids[id] = true
		if !strings.Contains(mustString(t, what+" username", u["username"]), "@") {
			t.Errorf("%s: username %v is not an email", what, u["username"])
		}
		mustString(t, what+" accountId", u["accountId"])
		if org, ok := u["orgUserId"]; ok {
			mustString(t, what+" orgUserId", org)
			seen.orgUserID++
		} else {
			seen.noOrgUserID++
		}
		mustBool(t, what+" isDeveloper", u["isDeveloper"])
		mustBool(t, what+" canCreateBot", u["canCreateBot"])

		btRoles, adminGrants := mustList(t, what+" btRoles", u["btRoles"]), mustList(t, what+" adminRoles", u["adminRoles"])
		if len(btRoles)+len(adminGrants) == 0 {
			seen.noRoles++
		}
		for j, raw := range btRoles {
			grant := mustObject(t, fmt.Sprintf("%s btRoles[%d]", what, j), raw)
			botGrantKeys.check(t, what+" btRoles", grant)
			botID := mustString(t, what+" botId", grant["botId"])
			if name, ok := botNames[botID]; !ok || name != grant["botName"] {
				t.Errorf("%s: botId %q, botName %v: not a served bot (%q)", what, botID, grant["botName"], name)
			}
			if name, ok := botRoleNames[mustString(t, what+" roleId", grant["roleId"])]; !ok || name != grant["roleName"] {
				t.Errorf("%s: roleId %v, roleName %v: not a served bot role", what, grant["roleId"], grant["roleName"])
			}
			switch n := countGroups(t, what, grant["groups"], members, id); n {
			case 0:
				seen.direct++
			case 1:
				seen.viaGroup++
			default:
				seen.viaTwoGroups++
			}
		}
		for j, raw := range adminGrants {
			grant := mustObject(t, fmt.Sprintf("%s adminRoles[%d]", what, j), raw)
			adminGrantKey.check(t, what+" adminRoles", grant)
			mustString(t, what+" admin roleId", grant["roleId"])
			if !adminRoleNames[mustString(t, what+" admin roleName", grant["roleName"])] {
				t.Errorf("%s: admin role %v is not served", what, grant["roleName"])
			}
			if countGroups(t, what, grant["groups"], members, id) == 0 {
				seen.adminDirect++
			} else {
				seen.adminViaGroup++
			}
		}
	}
	t.Logf("shapes seen: %+v", seen)
	if seen.direct == 0 || seen.viaGroup == 0 || seen.viaTwoGroups == 0 || seen.adminDirect == 0 ||
		seen.adminViaGroup == 0 || seen.orgUserID == 0 || seen.noOrgUserID == 0 || seen.noRoles == 0 {
		t.Errorf("the data lacks a shape: %+v", seen)
	}
}

// countGroups checks a grant's groups: a list of names of served groups that userID belongs to.
func countGroups(t *testing.T, what string, raw any, members map[string]map[string]bool, userID string) int {
	t.Helper()
	list := mustList(t, what+" groups", raw)
	for _, name := range list {
		group := mustString(t, what+" group name", name)
		if m, ok := members[group]; !ok || !m[userID] {
			t.Errorf("%s: role through group %q, which is not served or does not hold the user", what, group)
		}
	}
	return len(list)
}

func TestRolesWireFormat(t *testing.T) {
	s, _, _ := newAccessServer(t)
	for _, roleType := range []string{RoleTypeAdmin, RoleTypeBot} {
		roles := readAll(t, s, RolesPath, "roleType="+roleType+"&", rolesKey, OffsetPage, 50)
		withoutDescription := 0
		for i, role := range roles {
			what := fmt.Sprintf("%s role %d", roleType, i)
			if roleType == RoleTypeAdmin {
				adminRoleKeys.check(t, what, role) // _id absent, as in the docs' sample
			} else {
				botRoleKeys.check(t, what, role)
				mustString(t, what+" _id", role["_id"])
			}
			if got := role["roleType"]; got != roleType {
				t.Errorf("%s: roleType = %v", what, got)
			}
			mustString(t, what+" role", role["role"])
			if d, ok := role["rDesc"]; ok {
				mustString(t, what+" rDesc", d)
			} else {
				withoutDescription++
			}
			permissions := mustObject(t, what+" permissions", role["permissions"])
			if len(permissions) == 0 {
				t.Errorf("%s: no permissions", what)
			}
			for name, value := range permissions {
				if roleType == RoleTypeAdmin {
					if value != "YES" && value != "NO" {
						t.Errorf("%s: permission %q = %#v, want \"YES\" or \"NO\"", what, name, value)
					}
					continue
				}
				list := mustList(t, what+" permission "+name, value)
				if len(list) == 0 {
					t.Errorf("%s: permission %q is an empty list", what, name)
				}
				for _, v := range list {
					mustString(t, what+" permission value", v)
				}
			}
		}
		if withoutDescription == 0 {
			t.Errorf("no %s role lacks rDesc", roleType)
		}
	}
	t.Run("bot permission lists include FULL and VIEW,TEST", func(t *testing.T) {
		body := string(do(t, http.DefaultClient, http.MethodGet, s.URL+RolesPath+"?roleType=bot", goodToken(t)).body)
		for _, want := range []string{`["FULL"]`, `["VIEW","TEST"]`, `"Test & Train"`} {
			if !strings.Contains(body, want) {
				t.Errorf("bot roles lack %s", want)
			}
		}
	})
}

func TestBotsWireFormat(t *testing.T) {
	s, _, _ := newAccessServer(t, func(o *Options) { o.Access = GenerateAccess(o.Groups, 8) })
	bots := readAll(t, s, BotsPath, "", botsKey, OffsetPage, 50)
	var full, older, withoutApps int
	var secrets []string
	for i, bot := range bots {
		what := fmt.Sprintf("bot %d", i)
		botKeys.check(t, what, bot)
		if !strings.HasPrefix(mustString(t, what+" _id", bot["_id"]), "st-") {
			t.Errorf("%s: _id %v is not st-…", what, bot["_id"])
		}
		mustString(t, what+" name", bot["name"])
		for _, key := range []string{"description", "type", "defaultLanguage", "createdBy", "accountId", "resourceid", "icon"} {
			if v, ok := bot[key]; ok {
				mustString(t, what+" "+key, v)
			}
		}
		for _, key := range []string{"isDeflect", "containsPanelOrWidget"} {
			if v, ok := bot[key]; ok {
				mustBool(t, what+" "+key, v)
			}
		}
		if v, ok := bot["status"]; ok && v != "published" && v != "configured" {
			t.Errorf("%s: status %v", what, v)
		}
		if v, ok := bot["purpose"]; ok && v != "customer" && v != "employee" {
			t.Errorf("%s: purpose %v", what, v)
		}
		if v, ok := bot["createdOn"]; ok {
			mustTime(t, what+" createdOn", v)
		}
		if v, ok := bot["isLinkedTo"]; ok {
			for _, id := range mustList(t, what+" isLinkedTo", v) {
				mustString(t, what+" isLinkedTo entry", id)
			}
		}
		switch len(bot) {
		case len(botKeys.required) + len(botKeys.optional):
			full++
		case len(botKeys.required) + 4: // status, createdOn, createdBy, accountId
			older++
		}
		apps, ok := bot["jwtApps"]
		if !ok {
			continue
		}
		list := mustList(t, what+" jwtApps", apps)
		if len(list) == 0 {
			withoutApps++
		}
		for j, raw := range list {
			app := mustObject(t, fmt.Sprintf("%s jwtApps[%d]", what, j), raw)
			jwtAppKeys.check(t, what+" jwtApp", app)
			mustString(t, what+" clientId", app["clientId"])
			secrets = append(secrets, mustString(t, what+" clientSecret", app["clientSecret"]))
			mustBool(t, what+" jtiClaimEnforced", app["jtiClaimEnforced"])
			mustBool(t, what+" jweEncryptionEnforced", app["jweEncryptionEnforced"])
			mustTime(t, what+" app createdOn", app["createdOn"])
		}
	}
	if full == 0 || older == 0 || withoutApps == 0 {
		t.Errorf("bots with every field %d, older-shaped %d, with no apps %d: want some of each", full, older, withoutApps)
	}
	t.Run("every secret is a distinct, searchable marker", func(t *testing.T) {
		if len(secrets) < 2 {
			t.Fatalf("%d secrets", len(secrets))
		}
		for i, secret := range secrets {
			if secret != BotSecretPrefix+fmt.Sprint(i+1) {
				t.Errorf("secret %d = %q, want %s%d", i, secret, BotSecretPrefix, i+1)
			}
		}
	})
}

func TestFixturesOfAccessShapeTheWire(t *testing.T) {
	s := newTestServer(t, Options{Access: Access{
		Users: []UserRoles{{ID: "u-1", Username: "a@example.com", AccountID: "acc"}},
		Roles: []Role{
			{RoleType: RoleTypeAdmin, Name: "A <&>", Permissions: map[string]any{"X": "YES"}},
			{RoleType: RoleTypeBot, ID: Ptr("r-1"), Name: "B", Description: Ptr(""), Permissions: map[string]any{"X": []string{}}},
			{RoleType: "other", Name: "C"},
		},
		Bots: []Bot{{ID: "st-1", Name: "Only the required fields"}},
	}})
	for _, tt := range []struct{ path, want string }{
		{UserRolesPath, `{"total":1,"availableMore":false,"users":[{"userId":"u-1","username":"a@example.com","accountId":"acc","isDeveloper":false,"canCreateBot":false,"btRoles":null,"adminRoles":null}]}`},
		{RolesPath + "?roleType=admin", `{"total":1,"availableMore":false,"roles":[{"roleType":"admin","role":"A <&>","permissions":{"X":"YES"}}]}`},
		{RolesPath + "?roleType=bot", `{"total":1,"availableMore":false,"roles":[{"roleType":"bot","_id":"r-1","role":"B","rDesc":"","permissions":{"X":[]}}]}`},
		{BotsPath, `{"total":1,"availableMore":false,"bots":[{"_id":"st-1","name":"Only the required fields"}]}`},
	} {
		t.Run(tt.path+": nil optional fields are absent, nil lists null, & unescaped", func(t *testing.T) {
			if got := string(do(t, http.DefaultClient, http.MethodGet, s.URL+tt.path, "any-token").body); got != tt.want {
				t.Errorf("body = %s\nwant   %s", got, tt.want)
			}
		})
	}
	t.Run("SetAccess replaces the data", func(t *testing.T) {
		s.SetAccess(Access{})
		if got := string(do(t, http.DefaultClient, http.MethodGet, s.URL+BotsPath, "any-token").body); got != `{"total":0,"availableMore":false,"bots":[]}` {
			t.Errorf("body = %s", got)
		}
	})
	t.Run("SetAccess panics on an item that cannot be encoded", func(t *testing.T) {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `role "bad"`) {
				t.Errorf("recovered %v, want a panic naming the role", r)
			}
		}()
		s.SetAccess(Access{Roles: []Role{{RoleType: RoleTypeBot, Name: "bad", Permissions: map[string]any{"X": make(chan int)}}}})
	})
}

func TestGenerateAccess(t *testing.T) {
	groups := demoGroupsForTest()
	t.Run("the same arguments give the same data", func(t *testing.T) {
		a, b := GenerateAccess(groups, 5), GenerateAccess(groups, 5)
		if ja, jb := marshalItem(a, "", ""), marshalItem(b, "", ""); string(ja) != string(jb) {
			t.Error("two calls differ")
		}
	})
	t.Run("ids and secrets stay the same across releases", func(t *testing.T) {
		a := GenerateAccess(groups, 5)
		if got, want := a.Bots[0].ID, "st-466e3c8e-767a-5131-beea-59c16d04d12d"; got != want {
			t.Errorf("first bot id = %s, want %s", got, want)
		}
		if got, want := *a.Roles[6].ID, "17ec4d81a1445817bcfa0204"; got != want {
			t.Errorf("first bot role id = %s, want %s", got, want)
		}
		if got, want := a.Bots[0].JWTApps[1].ClientSecret, "cs-fake-secret-2"; got != want {
			t.Errorf("second secret = %s, want %s", got, want)
		}
	})
	t.Run("users grow with the groups and their size", func(t *testing.T) {
		small := len(GenerateAccess(append(SampleGroups(), GenerateGroups(121, 5)...), 5).Users)
		large := len(GenerateAccess(GenerateGroups(2000, 20), 5).Users)
		if small < 20 || small > 100 || large < 10*small {
			t.Errorf("users: %d for the demo's 123 groups of 5, %d for 2000 groups of 20", small, large)
		}
	})
	t.Run("no groups and no bots still give the owner and admin roles", func(t *testing.T) {
		a := GenerateAccess(nil, 0)
		if len(a.Bots) != 0 || len(a.Users) != 2 || len(a.Users[0].AdminRoles) != 1 || len(a.Roles) != 12 {
			t.Errorf("bots %d, users %d, roles %d", len(a.Bots), len(a.Users), len(a.Roles))
		}
	})
	t.Run("bot names stay distinct past the list of names", func(t *testing.T) {
		seen := map[string]bool{}
		for _, b := range GenerateAccess(groups, 25).Bots {
			if seen[b.Name] {
				t.Errorf("bot name %q repeats", b.Name)
			}
			seen[b.Name] = true
		}
	})
}

func TestFaultsReachTheAccessListings(t *testing.T) {
	s, _, _ := newAccessServer(t, func(o *Options) { o.Intercept = RateLimited(1, "1") })
	r := do(t, http.DefaultClient, http.MethodGet, s.URL+BotsPath, goodToken(t))
	assertError(t, r, http.StatusTooManyRequests, MsgRateLimited, 429)
	fetchListing(t, s, BotsPath, "", botsKey)
	fetchListing(t, s, UserRolesPath, "offset=3", usersKey)
	if got := s.OffsetsOf(UserRolesPath); !slices.Equal(got, []int{3}) {
		t.Errorf("OffsetsOf(user roles) = %v, want [3]", got)
	}
	if got := s.OffsetsOf(BotsPath); !slices.Equal(got, []int{0, 0}) {
		t.Errorf("OffsetsOf(bots) = %v, want [0 0]", got)
	}
	if got := s.Offsets(); len(got) != 0 {
		t.Errorf("Offsets (groups) = %v, want none", got)
	}
}

func mustString(t *testing.T, what string, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Errorf("%s = %#v, want a string", what, v)
	}
	return s
}

func mustBool(t *testing.T, what string, v any) {
	t.Helper()
	if _, ok := v.(bool); !ok {
		t.Errorf("%s = %#v, want a bool", what, v)
	}
}

func mustList(t *testing.T, what string, v any) []any {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Errorf("%s = %#v, want a list", what, v)
	}
	return list
}

func mustObject(t *testing.T, what string, v any) map[string]any {
	t.Helper()
	object, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s = %#v, want an object", what, v)
	}
	return object
}

func mustTime(t *testing.T, what string, v any) {
	t.Helper()
	if _, err := time.Parse(time.RFC3339, mustString(t, what, v)); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func TestListingFaultsAnswerInTheShapeOfThePathAsked(t *testing.T) {
	for _, ep := range []struct{ path, query, key, idKey string }{
		{GroupsPath, "", groupsKey, "_id"},
		{UserRolesPath, "", usersKey, "userId"},
		{RolesPath, "roleType=admin&", rolesKey, "role"},
		{RolesPath, "roleType=bot&", rolesKey, "_id"},
		{BotsPath, "", botsKey, "_id"},
	} {
		t.Run("a stuck page of "+ep.path+"?"+ep.query+" uses its items key", func(t *testing.T) {
			s := newTestServer(t, Options{Intercept: StuckPagination()})
			page := fetchListing(t, s, ep.path, ep.query+"offset=3", ep.key)
			if len(page.items) != 0 || !page.availableMore || page.total != StuckPaginationTotal {
				t.Errorf("items %d, availableMore %v, total %d", len(page.items), page.availableMore, page.total)
			}
		})
		t.Run("an oversized page of "+ep.path+"?"+ep.query+" holds limit+1 distinct items", func(t *testing.T) {
			s := newTestServer(t, Options{Intercept: OversizedPage()})
			page := fetchListing(t, s, ep.path, ep.query+"limit=4", ep.key)
			ids := idsOf(page.items, ep.idKey)
			slices.Sort(ids)
			if len(slices.Compact(ids)) != 5 || ids[0] == "" || page.total != 5 || page.availableMore {
				t.Errorf("ids %v, total %d, availableMore %v; want 5 distinct ids, total 5, false", ids, page.total, page.availableMore)
			}
		})
	}
}

// wireString is a field the wire format documents as a string.
func wireString(t *testing.T, v any) string {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("%v is a %T, want a string", v, v)
	}
	return s
}

// exportedRoleKeys is an element of Export Roles, from more-apis.md: _id is there for admin roles too.
var exportedRoleKeys = keySet{required: []string{"roleType", "_id", "role", "permissions", "refId"}, optional: []string{"rDesc"}}

// Export Roles answers every role of a type as a bare array, in Get Roles' order, each with its _id and refId;
// an admin role's _id is the roleId that users' adminRoles name.
func TestRolesExportWireFormat(t *testing.T) {
	s, _, access := newAccessServer(t)
	heldAdminRoles := map[string]string{} // role name -> roleId in user roles
	for _, u := range access.Users {
		for _, grant := range u.AdminRoles {
			heldAdminRoles[grant.RoleName] = grant.RoleID
		}
	}
	for _, roleType := range []string{RoleTypeAdmin, RoleTypeBot} {
		r := do(t, http.DefaultClient, http.MethodGet, s.URL+RolesExportPath+"?roleType="+roleType, goodToken(t))
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d, body %s", roleType, r.status, r.body)
		}
		var exported []map[string]any
		if err := json.Unmarshal(r.body, &exported); err != nil {
			t.Fatalf("%s: %v: %s", roleType, err, r.body)
		}
		listed := readAll(t, s, RolesPath, "roleType="+roleType+"&", rolesKey, OffsetPage, 50)
		if len(exported) != len(listed) || len(exported) != 6 {
			t.Fatalf("%s: %d exported roles, %d listed, want 6 of each", roleType, len(exported), len(listed))
		}
		refIDs := map[string]bool{}
		for i, role := range exported {
			what := fmt.Sprintf("exported %s role %d", roleType, i)
			exportedRoleKeys.check(t, what, role)
			id, name := mustString(t, what+" _id", role["_id"]), mustString(t, what+" role", role["role"])
			if name != listed[i]["role"] || role["roleType"] != roleType {
				t.Errorf("%s: %q of type %v, Get Roles lists %v", what, name, role["roleType"], listed[i]["role"])
			}
			if want, ok := listed[i]["_id"]; ok && want != id {
				t.Errorf("%s: _id %q, Get Roles sends %v", what, id, want)
			}
			if held, ok := heldAdminRoles[name]; roleType == RoleTypeAdmin && ok && held != id {
				t.Errorf("%s: _id %q, users hold it as %q", what, id, held)
			}
			refID := mustString(t, what+" refId", role["refId"])
			if len(refID) != 36 || refIDs[refID] {
				t.Errorf("%s: refId %q is not a UUID of its own", what, refID)
			}
			refIDs[refID] = true
		}
	}
	if _, ok := heldAdminRoles[RoleMasterAdmin]; !ok {
		t.Error("no user holds Master Admin: the ids were not compared")
	}
	for _, tt := range []struct{ query, msg string }{{"", MsgRoleTypeRequired}, {"?roleType=user", MsgRoleTypeInvalid}} {
		r := do(t, http.DefaultClient, http.MethodGet, s.URL+RolesExportPath+tt.query, goodToken(t))
		assertError(t, r, http.StatusBadRequest, tt.msg, 400)
	}
	assertError(t, do(t, http.DefaultClient, http.MethodGet, s.URL+RolesExportPath+"?roleType=admin", ""),
		http.StatusUnauthorized, MsgInvalidCredentials, CodeInvalidToken)
	assertError(t, do(t, http.DefaultClient, http.MethodPost, s.URL+RolesExportPath+"?roleType=admin", goodToken(t)),
		http.StatusMethodNotAllowed, MsgMethodNotAllowed, 405)
}

// A role with neither id is exported without _id; an account without roles exports [].
func TestRolesExportOfFixtures(t *testing.T) {
	s := newTestServer(t, Options{ClientID: testClientID, ClientSecret: testClientSecret, Access: Access{Roles: []Role{
		{RoleType: RoleTypeAdmin, Name: "No Id", Permissions: map[string]any{}},
		{RoleType: RoleTypeAdmin, ID: Ptr("own"), ExportedID: Ptr("ignored"), Name: "Own Id", Permissions: map[string]any{}},
	}}})
	admin := do(t, http.DefaultClient, http.MethodGet, s.URL+RolesExportPath+"?roleType=admin", goodToken(t))
	if want := `[{"roleType":"admin","role":"No Id","permissions":{}},{"roleType":"admin","_id":"own","role":"Own Id","permissions":{}}]`; string(admin.body) != want {
		t.Errorf("admin export %s, want %s", admin.body, want)
	}
	if bot := do(t, http.DefaultClient, http.MethodGet, s.URL+RolesExportPath+"?roleType=bot", goodToken(t)); string(bot.body) != "[]" {
		t.Errorf("bot export %s, want []", bot.body)
	}
}
