package provider

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// testUserRoles is a small account written out by hand, in the order the API serves it (not the order of state):
// alice holds bot roles directly and through groups, one through two groups listed out of order, and admin roles
// both ways; zoe has no orgUserId and no roles; Émile's email sorts after every ASCII one.
func testUserRoles() []fakekore.UserRoles {
	return []fakekore.UserRoles{
		{ID: "u-3", Username: "zoe@example.com", AccountID: "acc-1",
			BotRoles: []fakekore.BotRoleGrant{}, AdminRoles: []fakekore.AdminRoleGrant{}},
		{ID: "u-2", Username: "alice@example.com", OrgUserID: fakekore.Ptr("EMP-7"), AccountID: "acc-1",
			IsDeveloper: true, CanCreateBot: true,
			BotRoles: []fakekore.BotRoleGrant{
				{RoleID: "r-tester", RoleName: "Bot Tester", BotID: "st-2", BotName: "HR Helpdesk",
					Groups: []string{"Support Tier 2", "Engineering 001"}},
				{RoleID: "r-dev", RoleName: "Bot Developer", BotID: "st-1", BotName: "Customer Support Assistant",
					Groups: []string{}},
				{RoleID: "r-analyst", RoleName: "Analyst", BotID: "st-3", BotName: "Café Concierge 日本",
					Groups: []string{"Engineering 001"}},
				{RoleID: "r-dev", RoleName: "Bot Developer", BotID: "st-0", BotName: "Customer Support Assistant",
					Groups: []string{"Engineering 001"}},
				{RoleID: "r-analyst", RoleName: "Analyst", BotID: "st-1", BotName: "Customer Support Assistant",
					Groups: []string{"Support Tier 2"}},
			},
			AdminRoles: []fakekore.AdminRoleGrant{
				{RoleID: "a-sec", RoleName: "Security Admin", Groups: []string{"Security"}},
				{RoleID: "a-bot", RoleName: "Bot Admin", Groups: []string{}},
			}},
		{ID: "u-4", Username: "Émile@example.com", OrgUserID: fakekore.Ptr(""), AccountID: "acc-1", CanCreateBot: true,
			BotRoles: []fakekore.BotRoleGrant{
				{RoleID: "r-owner", RoleName: "Bot Owner", BotID: "st-3", BotName: "Café Concierge 日本", Groups: []string{}},
			},
			AdminRoles: []fakekore.AdminRoleGrant{}},
		{ID: "u-1", Username: "bob@example.com", OrgUserID: fakekore.Ptr("EMP-1"), AccountID: "acc-1", IsDeveloper: true,
			BotRoles: []fakekore.BotRoleGrant{
				{RoleID: "r-dev", RoleName: "Bot Developer", BotID: "st-1", BotName: "Customer Support Assistant",
					Groups: []string{"Engineering 001"}},
			},
			AdminRoles: []fakekore.AdminRoleGrant{}},
	}
}

// newAccessServer serves users (and the groups of testAccountGroups) on loopback.
func newAccessServer(t *testing.T, users []fakekore.UserRoles, configure ...func(*fakekore.Options)) *fakekore.Server {
	t.Helper()
	return newTestServer(t, testAccountGroups(), append([]func(*fakekore.Options){func(o *fakekore.Options) {
		o.Access = fakekore.Access{Users: users}
	}}, configure...)...)
}

func str(s string) knownvalue.Check { return knownvalue.StringExact(s) }

func strs(items ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(items))
	for i, s := range items {
		checks[i] = str(s)
	}
	return knownvalue.ListExact(checks)
}

func botRole(botID, botName, roleID, roleName string, via ...string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"bot_id": str(botID), "bot_name": str(botName), "role_id": str(roleID), "role_name": str(roleName),
		"via_groups": strs(via...),
	})
}

func adminRole(roleID, roleName string, via ...string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"role_id": str(roleID), "role_name": str(roleName), "via_groups": strs(via...),
	})
}

func TestAccUsersDataSource_readsEveryField(t *testing.T) {
	t.Parallel()
	s := newAccessServer(t, testUserRoles())
	const all = "data.kore_users.all"

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `data "kore_users" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(all, tfjsonpath.New("id"), str(s.URL+"/api/public/alluserroles")),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("total"), knownvalue.Int64Exact(4)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("page_size"), knownvalue.Int64Exact(50)),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("emails"), knownvalue.Null()),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("ignore_missing"), knownvalue.Null()),
				statecheck.ExpectKnownValue(all, tfjsonpath.New("timeouts"), knownvalue.Null()),
				// Sorted by email in plain byte order: É comes after every ASCII letter.
				statecheck.ExpectKnownValue(all, tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": str("u-2"), "email": str("alice@example.com"), "org_user_id": str("EMP-7"),
						"account_id": str("acc-1"), "is_developer": knownvalue.Bool(true),
						"can_create_bot": knownvalue.Bool(true),
						"status":         knownvalue.Null(), "last_login": knownvalue.Null(), "first_name": knownvalue.Null(),
						"last_name": knownvalue.Null(),
						// By bot name, role name, bot ID, role ID; each role's groups sorted.
						"bot_roles": knownvalue.ListExact([]knownvalue.Check{
							botRole("st-3", "Café Concierge 日本", "r-analyst", "Analyst", "Engineering 001"),
							botRole("st-1", "Customer Support Assistant", "r-analyst", "Analyst", "Support Tier 2"),
							botRole("st-0", "Customer Support Assistant", "r-dev", "Bot Developer", "Engineering 001"),
							botRole("st-1", "Customer Support Assistant", "r-dev", "Bot Developer"),
							botRole("st-2", "HR Helpdesk", "r-tester", "Bot Tester", "Engineering 001", "Support Tier 2"),
						}),
						"admin_roles": knownvalue.ListExact([]knownvalue.Check{
							adminRole("a-bot", "Bot Admin"),
							adminRole("a-sec", "Security Admin", "Security"),
						}),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": str("u-1"), "email": str("bob@example.com"), "org_user_id": str("EMP-1"),
						"account_id": str("acc-1"), "is_developer": knownvalue.Bool(true),
						"can_create_bot": knownvalue.Bool(false),
						"status":         knownvalue.Null(), "last_login": knownvalue.Null(), "first_name": knownvalue.Null(),
						"last_name": knownvalue.Null(),
						"bot_roles": knownvalue.ListExact([]knownvalue.Check{
							botRole("st-1", "Customer Support Assistant", "r-dev", "Bot Developer", "Engineering 001"),
						}),
						"admin_roles": knownvalue.ListExact([]knownvalue.Check{}),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": str("u-3"), "email": str("zoe@example.com"), "org_user_id": knownvalue.Null(),
						"account_id": str("acc-1"), "is_developer": knownvalue.Bool(false),
						"can_create_bot": knownvalue.Bool(false),
						"status":         knownvalue.Null(), "last_login": knownvalue.Null(), "first_name": knownvalue.Null(),
						"last_name":   knownvalue.Null(),
						"bot_roles":   knownvalue.ListExact([]knownvalue.Check{}),
						"admin_roles": knownvalue.ListExact([]knownvalue.Check{}),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": str("u-4"), "email": str("Émile@example.com"), "org_user_id": str(""),
						"account_id": str("acc-1"), "is_developer": knownvalue.Bool(false),
						"can_create_bot": knownvalue.Bool(true),
						"status":         knownvalue.Null(), "last_login": knownvalue.Null(), "first_name": knownvalue.Null(),
						"last_name": knownvalue.Null(),
						"bot_roles": knownvalue.ListExact([]knownvalue.Check{
							botRole("st-3", "Café Concierge 日本", "r-owner", "Bot Owner"),
						}),
						"admin_roles": knownvalue.ListExact([]knownvalue.Check{}),
					}),
				})),
			},
		}},
	})
}

// Fields the API sends as null or leaves out are null in state, lists included; [] stays [].
func TestAccUsersDataSource_nullAndAbsentFieldsAreNull(t *testing.T) {
	t.Parallel()
	const body = `{"total":1,"availableMore":false,"users":[{"userId":"u-n","username":null,"isDeveloper":null,` +
		`"btRoles":[{"roleId":"r-1","roleName":null,"botId":"st-1","groups":null},` +
		`{"roleId":"r-2","roleName":"Analyst","botId":"st-1","botName":"B","groups":[]}],"adminRoles":null}]}`
	s := newAccessServer(t, nil, func(o *fakekore.Options) {
		o.Intercept = func(_ int, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != fakekore.UserRolesPath {
				return false
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
			return true
		}
	})

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `data "kore_users" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_users.all", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": str("u-n"), "email": knownvalue.Null(), "org_user_id": knownvalue.Null(),
						"account_id": knownvalue.Null(), "is_developer": knownvalue.Null(),
						"can_create_bot": knownvalue.Null(),
						"status":         knownvalue.Null(), "last_login": knownvalue.Null(), "first_name": knownvalue.Null(),
						"last_name": knownvalue.Null(),
						// A null bot name sorts first.
						"bot_roles": knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"bot_id": str("st-1"), "bot_name": knownvalue.Null(), "role_id": str("r-1"),
								"role_name": knownvalue.Null(), "via_groups": knownvalue.Null(),
							}),
							botRole("st-1", "B", "r-2", "Analyst"),
						}),
						"admin_roles": knownvalue.Null(),
					}),
				})),
			},
		}},
	})
}

// A generated account reads the same whichever meaning the server gives offset, at any page size, and every
// block shares its page size's one read: the record offset costs one request to find out, the page offset none.
func TestAccUsersDataSource_sameStateWhicheverOffsetMeaning(t *testing.T) {
	t.Parallel()
	access := fakekore.GenerateAccess(testAccountGroups(), 5)
	users := len(access.Users)
	smallPages := (users + 6) / 7
	if smallPages < 3 {
		t.Fatalf("the generated account has %d users; the test needs several pages of 7", users)
	}
	for _, tc := range []struct {
		meaning  fakekore.OffsetMeaning
		requests int
	}{
		{fakekore.OffsetRecords, 1 + smallPages + 1},
		{fakekore.OffsetPage, 1 + smallPages},
	} {
		t.Run("offset read as "+tc.meaning.String(), func(t *testing.T) {
			t.Parallel()
			s := newAccessServer(t, access.Users, func(o *fakekore.Options) {
				o.Offsets = fakekore.AllOffsets(tc.meaning)
			})
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(s) + `
data "kore_users" "all" {}

data "kore_users" "small_pages" {
  page_size = 7
}

data "kore_users" "small_pages_again" {
  page_size = 7.0
}
`,
					Check: requestCount(s, tc.requests),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.kore_users.all", tfjsonpath.New("total"), knownvalue.Int64Exact(int64(users))),
						statecheck.ExpectKnownValue("data.kore_users.small_pages", tfjsonpath.New("page_size"), knownvalue.Int64Exact(7)),
						expectUsersState("data.kore_users.all", access.Users),
						expectUsersState("data.kore_users.small_pages", access.Users),
						expectUsersState("data.kore_users.small_pages_again", access.Users),
					},
				}},
			})
		})
	}
}

func TestAccUsersDataSource_emailsFilter(t *testing.T) {
	t.Parallel()
	users := testUserRoles()
	s := newAccessServer(t, users)

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_users" "all" {
  page_size = 2
}

data "kore_users" "named" {
  emails    = ["zoe@example.com", "alice@example.com"]
  page_size = 2

  timeouts {
    read = "2m"
  }
}

data "kore_users" "tolerant" {
  emails         = ["bob@example.com", "nobody@example.com"]
  ignore_missing = true
  page_size      = 2
}

data "kore_users" "none_exist" {
  emails         = ["nobody@example.com"]
  ignore_missing = true
  page_size      = 2
}
`,
			// Four blocks, one read: 2 pages of 2 users, and one request to learn that offset counts records.
			Check: requestCount(s, 3),
			ConfigStateChecks: []statecheck.StateCheck{
				expectUsersState("data.kore_users.all", users),
				expectUsersState("data.kore_users.named", []fakekore.UserRoles{users[0], users[1]}),
				statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("users").AtSliceIndex(0).AtMapKey("email"),
					str("alice@example.com")),
				statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("emails"),
					knownvalue.SetExact([]knownvalue.Check{str("alice@example.com"), str("zoe@example.com")})),
				statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("total"), knownvalue.Int64Exact(4)),
				statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("timeouts"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"read": str("2m")})),
				expectUsersState("data.kore_users.tolerant", []fakekore.UserRoles{users[3]}),
				statecheck.ExpectKnownValue("data.kore_users.tolerant", tfjsonpath.New("ignore_missing"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.kore_users.none_exist", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.kore_users.none_exist", tfjsonpath.New("total"), knownvalue.Int64Exact(4)),
			},
		}},
	})
}

func TestAccUsersDataSource_missingEmailIsAnError(t *testing.T) {
	t.Parallel()
	s := newAccessServer(t, testUserRoles())

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_users" "named" {
  emails = ["alice@example.com", "ALICE@example.com", "nobody@example.com"]
}
`,
			ExpectError: regexp.MustCompile(`Kore.ai Users Not Found[\s\S]*"ALICE@example.com"\s+\(the\s+account\s+has\s+"alice@example.com"\),\s+"nobody@example.com"`),
		}},
	})
}

func TestAccUsersDataSource_invalidArgumentsAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := newAccessServer(t, testUserRoles())

	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"a page size of zero": {`page_size = 0`, phrase("page_size = 0 is not a whole number from 1 to 50")},
		"a page size above the API's maximum": {`page_size = 51`,
			phrase("page_size = 51 is not a whole number from 1 to 50")},
		"a fractional page size": {`page_size = 1.5`, phrase("page_size = 1.5 is not a whole number from 1 to 50")},
		"ignore_missing without emails": {`ignore_missing = true`,
			regexp.MustCompile(`Invalid Attribute Combination[\s\S]*emails`)},
		"a null email": {`emails = ["alice@example.com", null]`, regexp.MustCompile(`Null Set Value|null values`)},
		"a read timeout that is not a duration": {"timeouts {\n    read = \"soon\"\n  }",
			phrase(`"soon" must be a string containing a sequence of decimal numbers`)},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + "data \"kore_users\" \"all\" {\n  " + tc.config + "\n}\n",
					ExpectError: tc.want,
				}},
			})
		})
	}
	if n := s.Requests(); n != 0 {
		t.Errorf("invalid arguments must be refused before any request; the server answered %d", n)
	}
}

// An app without the scope (refused 401, or 403) is told which scope kore_users needs, not to check its secret.
func TestAccUsersDataSource_refusedTokenSaysWhichAppAndScope(t *testing.T) {
	t.Parallel()
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			s := newAccessServer(t, testUserRoles(), func(o *fakekore.Options) {
				o.Intercept = func(_ int, w http.ResponseWriter, _ *http.Request) bool {
					fakekore.WriteError(w, status, fakekore.MsgScopeIncorrect, fakekore.CodeInvalidToken)
					return true
				}
			})
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(s) + `data "kore_users" "all" {}`,
					ExpectError: regexp.MustCompile(fmt.Sprintf(`Kore.ai App Lacks an API Scope[\s\S]*HTTP\s+%d[\s\S]*user\s+roles\s+page\s+0`+
						`[\s\S]*kore_users\s+needs:\s+Profile\s+Management\s+>\s+Role\s+Management[\s\S]*Admin\s+Console`, status)),
				}},
			})
		})
	}
}

// timeouts.read bounds the whole read of the users, as it does for groups.
func TestAccUsersDataSource_timedOutRead(t *testing.T) {
	t.Parallel()
	s := newAccessServer(t, testUserRoles(), func(o *fakekore.Options) {
		o.Intercept = func(_ int, _ http.ResponseWriter, r *http.Request) bool {
			select { // stall until the client gives up (or, if timeouts.read were ignored, a little longer)
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return true
		}
	})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_users" "all" {
  timeouts {
    read = "200ms"
  }
}
`,
			ExpectError: regexp.MustCompile(`Kore.ai Read Timed Out[\s\S]*timeouts.read\s+\(200ms\)`),
		}},
	})
}

// expectUsersState checks the users of a kore_users block against the fixture users it should have kept, derived
// from the wire fixture independently of the provider's own sorting.
func expectUsersState(address string, kept []fakekore.UserRoles) statecheck.StateCheck {
	sorted := append([]fakekore.UserRoles(nil), kept...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Username != sorted[j].Username {
			return sorted[i].Username < sorted[j].Username
		}
		return sorted[i].ID < sorted[j].ID
	})
	users := make([]any, 0, len(sorted))
	for _, u := range sorted {
		users = append(users, expectedUserRoles(u))
	}
	return attributesEqual{address: address, want: map[string]any{"users": users}}
}

func expectedUserRoles(u fakekore.UserRoles) map[string]any {
	bots := append([]fakekore.BotRoleGrant(nil), u.BotRoles...)
	sort.SliceStable(bots, func(i, j int) bool {
		a, b := bots[i], bots[j]
		for _, pair := range [][2]string{{a.BotName, b.BotName}, {a.RoleName, b.RoleName}, {a.BotID, b.BotID}} {
			if pair[0] != pair[1] {
				return pair[0] < pair[1]
			}
		}
		return a.RoleID < b.RoleID
	})
	admins := append([]fakekore.AdminRoleGrant(nil), u.AdminRoles...)
	sort.SliceStable(admins, func(i, j int) bool {
		if admins[i].RoleName != admins[j].RoleName {
			return admins[i].RoleName < admins[j].RoleName
		}
		return admins[i].RoleID < admins[j].RoleID
	})
	var botRoles, adminRoles []any
	if u.BotRoles != nil {
		botRoles = []any{}
	}
	for _, r := range bots {
		botRoles = append(botRoles, map[string]any{"bot_id": r.BotID, "bot_name": r.BotName, "role_id": r.RoleID,
			"role_name": r.RoleName, "via_groups": sortedCopy(r.Groups)})
	}
	if u.AdminRoles != nil {
		adminRoles = []any{}
	}
	for _, r := range admins {
		adminRoles = append(adminRoles, map[string]any{"role_id": r.RoleID, "role_name": r.RoleName,
			"via_groups": sortedCopy(r.Groups)})
	}
	return map[string]any{
		"id": u.ID, "email": u.Username, "org_user_id": deref(u.OrgUserID), "account_id": u.AccountID,
		"is_developer": u.IsDeveloper, "can_create_bot": u.CanCreateBot, "bot_roles": botRoles,
		"admin_roles": adminRoles,
		// Read only with include_activity.
		"status": nil, "last_login": nil, "first_name": nil, "last_name": nil,
	}
}

func sortedCopy(s []string) any {
	if s == nil {
		return nil
	}
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// The generated account has what the tests above rely on: roles held through two groups, directly, and admin
// roles through groups; users without orgUserId.
func TestGeneratedAccessHasEveryShape(t *testing.T) {
	t.Parallel()
	var twoGroups, direct, adminViaGroup, noOrgUserID bool
	for _, u := range fakekore.GenerateAccess(testAccountGroups(), 5).Users {
		for _, r := range u.BotRoles {
			twoGroups = twoGroups || len(r.Groups) > 1
			direct = direct || len(r.Groups) == 0
		}
		for _, r := range u.AdminRoles {
			adminViaGroup = adminViaGroup || len(r.Groups) > 0
		}
		noOrgUserID = noOrgUserID || u.OrgUserID == nil
	}
	if !twoGroups || !direct || !adminViaGroup || !noOrgUserID {
		t.Errorf("generated access lacks a shape: role via two groups %v, direct role %v, admin role via a group %v, "+
			"user without orgUserId %v", twoGroups, direct, adminViaGroup, noOrgUserID)
	}
}

// emails keeps exactly the users with those emails, sorted, and names the emails no user has; without emails every
// user is kept. The shared list keeps its order.
func TestSelectUsers(t *testing.T) {
	t.Parallel()
	all := []kore.UserRoles{
		{ID: "u-3", Email: ptr("zoe@example.com")},
		{ID: "u-2", Email: ptr("alice@example.com")},
		{ID: "u-5"},
		{ID: "u-1", Email: ptr("alice@example.com")},
		{ID: "u-4", Email: ptr("Bob@example.com")},
	}
	kept, missing := selectUsers(all, nil)
	if got, want := emailsOf(kept), []string{"<null>/u-5", "Bob@example.com/u-4", "alice@example.com/u-1",
		"alice@example.com/u-2", "zoe@example.com/u-3"}; !reflect.DeepEqual(got, want) || missing != nil {
		t.Errorf("every user: kept %v, missing %v; want %v and none missing", got, missing, want)
	}
	if all[0].ID != "u-3" {
		t.Error("selecting reordered the shared list")
	}

	kept, missing = selectUsers(all, []string{"zoe@example.com", "bob@example.com", "alice@example.com", "x@example.com"})
	if got, want := emailsOf(kept), []string{"alice@example.com/u-1", "alice@example.com/u-2", "zoe@example.com/u-3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
	if want := []string{"bob@example.com", "x@example.com"}; !reflect.DeepEqual(missing, want) {
		t.Errorf("missing %v, want %v (emails compare exactly)", missing, want)
	}

	if kept, missing := selectUsers(all, []string{}); len(kept) != 0 || len(missing) != 0 {
		t.Errorf("emails = []: kept %v, missing %v; want nothing", emailsOf(kept), missing)
	}
}

func TestDescribeMissingEmails(t *testing.T) {
	t.Parallel()
	users := []kore.UserRoles{{ID: "u-1", Email: ptr("Émile@example.com")}, {ID: "u-2", Email: ptr("ÉMILE@example.com")}}
	got := describeMissingEmails([]string{"nobody@example.com", "émile@example.com"}, users)
	want := `"nobody@example.com", "émile@example.com" (the account has "ÉMILE@example.com" and "Émile@example.com")`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := describeMissingEmails([]string{"a\x1b[31m"}, nil); got != `"a\x1b[31m"` {
		t.Errorf("an email with an escape sequence is shown as %s, want it quoted", got)
	}
}
