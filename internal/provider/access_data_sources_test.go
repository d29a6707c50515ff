package provider

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// Page sizes of the access test below: small enough that every listing of rolesBotsAccess takes several pages
// (6 admin and 8 bot roles at 3 a page end on a full and on a short page).
const (
	accessUsersPageSize = 10
	accessRolesPageSize = 3
	accessBotsPageSize  = 3
)

// One apply with every access data source, a second kore_users block filtered by emails among them, reads every
// user, role and bot with every field, sorted, and reads each listing once: every page once, plus the one request
// that tells a record offset from a page number. The state is the same whichever meaning the server gives offset.
func TestAccAccessDataSources_oneApplyReadsEveryEndpointOnce(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	picked := userWithBotRoleThroughTwoGroups(t, access.Users)
	grantAdminRolesBothWays(t, access.Users, picked)
	access = servedOutOfOrder(t, access)
	twoGroups, other := access.Users[picked], access.Users[userSortingBefore(t, access.Users, picked)]
	named := []fakekore.UserRoles{twoGroups, other}
	admin, bot := wantRoles(t, access, fakekore.RoleTypeAdmin), wantRoles(t, access, fakekore.RoleTypeBot)
	bots := wantBots(access, nil)

	// Every listing must take several pages, or the test would not show that pages are each read once.
	for name, n := range map[string]int{
		"users": len(access.Users) / accessUsersPageSize, "admin roles": len(admin) / accessRolesPageSize,
		"bot roles": len(bot) / accessRolesPageSize, "bots": len(bots) / accessBotsPageSize,
	} {
		if n < 2 {
			t.Fatalf("the fixture's %s fill fewer than two pages; the test needs several", name)
		}
	}

	for _, meaning := range []fakekore.OffsetMeaning{fakekore.OffsetPage, fakekore.OffsetRecords} {
		t.Run("offset read as "+meaning.String(), func(t *testing.T) {
			t.Parallel()
			roleOffsets := &offsetsByRoleType{}
			s := newRolesBotsServer(t, access, func(o *fakekore.Options) {
				o.Offsets = fakekore.AllOffsets(meaning)
				o.Intercept = roleOffsets.record
			})
			emails := fmt.Sprintf("[%q, %q]", other.Username, twoGroups.Username)

			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(s) + fmt.Sprintf(`
data "kore_users" "all" {
  page_size = %[1]d
}

data "kore_users" "named" {
  emails    = %[4]s
  page_size = %[1]d
}

data "kore_roles" "admin" {
  role_type = "admin"
  page_size = %[2]d
}

data "kore_roles" "bot" {
  role_type = "bot"
  page_size = %[2]d
}

data "kore_bots" "all" {
  page_size = %[3]d
}
`, accessUsersPageSize, accessRolesPageSize, accessBotsPageSize, emails),
					Check: resource.ComposeAggregateTestCheckFunc(
						listingRequests(s, fakekore.UserRolesPath, meaning, len(access.Users), accessUsersPageSize),
						listingRequests(s, fakekore.BotsPath, meaning, len(bots), accessBotsPageSize),
						roleOffsets.requests(meaning, map[string]int{fakekore.RoleTypeAdmin: len(admin),
							fakekore.RoleTypeBot: len(bot)}, accessRolesPageSize),
						noOtherRequests(s, roleOffsets),
					),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.kore_users.all", tfjsonpath.New("total"),
							knownvalue.Int64Exact(int64(len(access.Users)))),
						statecheck.ExpectKnownValue("data.kore_users.all", tfjsonpath.New("users"),
							knownFromFixture(t, wantUsers(access.Users))),
						statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("total"),
							knownvalue.Int64Exact(int64(len(access.Users)))),
						statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("users"),
							knownFromFixture(t, wantUsers(named))),
						statecheck.ExpectKnownValue("data.kore_users.named", tfjsonpath.New("users"),
							knownvalue.ListSizeExact(2)),
						statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("total"),
							knownvalue.Int64Exact(int64(len(admin)))),
						statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("roles"), knownFromFixture(t, admin)),
						statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("total"),
							knownvalue.Int64Exact(int64(len(bot)))),
						statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("roles"), knownFromFixture(t, bot)),
						statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("total"),
							knownvalue.Int64Exact(int64(len(bots)))),
						statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("bots"), knownFromFixture(t, bots)),
					},
				}},
			})
		})
	}
}

// servedOutOfOrder reverses the order in which the fixture lists each user's roles, each role's groups and each
// bot's apps, and checks that every list the data sources sort is served out of order somewhere, so that a sort
// that went missing would show.
func servedOutOfOrder(t *testing.T, access fakekore.Access) fakekore.Access {
	t.Helper()
	for i := range access.Users {
		u := &access.Users[i]
		u.BotRoles, u.AdminRoles = reversed(u.BotRoles), reversed(u.AdminRoles)
		for j := range u.BotRoles {
			u.BotRoles[j].Groups = reversed(u.BotRoles[j].Groups)
		}
		for j := range u.AdminRoles {
			u.AdminRoles[j].Groups = reversed(u.AdminRoles[j].Groups)
		}
	}
	for i := range access.Bots {
		access.Bots[i].JWTApps = reversed(access.Bots[i].JWTApps)
	}

	unsorted := map[string]bool{
		"users": !slices.IsSortedFunc(access.Users, func(a, b fakekore.UserRoles) int {
			return strings.Compare(a.Username, b.Username)
		}),
		"roles": !slices.IsSortedFunc(access.Roles, func(a, b fakekore.Role) int { return strings.Compare(a.Name, b.Name) }),
		"bots":  !slices.IsSortedFunc(access.Bots, func(a, b fakekore.Bot) int { return strings.Compare(a.Name, b.Name) }),
	}
	for _, u := range access.Users {
		unsorted["bot roles"] = unsorted["bot roles"] || !slices.IsSortedFunc(u.BotRoles, func(a, b fakekore.BotRoleGrant) int {
			return cmp.Or(strings.Compare(a.BotName, b.BotName), strings.Compare(a.RoleName, b.RoleName))
		})
		unsorted["admin roles"] = unsorted["admin roles"] || !slices.IsSortedFunc(u.AdminRoles, func(a, b fakekore.AdminRoleGrant) int {
			return strings.Compare(a.RoleName, b.RoleName)
		})
		for _, r := range u.BotRoles {
			unsorted["a bot role's groups"] = unsorted["a bot role's groups"] || !slices.IsSorted(r.Groups)
		}
		for _, r := range u.AdminRoles {
			unsorted["an admin role's groups"] = unsorted["an admin role's groups"] || !slices.IsSorted(r.Groups)
		}
	}
	for _, b := range access.Bots {
		unsorted["a bot's apps"] = unsorted["a bot's apps"] || !slices.IsSortedFunc(b.JWTApps, func(x, y fakekore.JWTApp) int {
			return strings.Compare(x.ClientID, y.ClientID)
		})
	}
	for list, ok := range unsorted {
		if !ok {
			t.Errorf("the fixture serves %s in sorted order: a missing sort would not show", list)
		}
	}
	return access
}

// reversed is a reversed copy of s (nil stays nil): fixture lists may share their arrays.
func reversed[T any](s []T) []T {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// userWithBotRoleThroughTwoGroups is the index of the first user holding a bot role through two groups.
func userWithBotRoleThroughTwoGroups(t *testing.T, users []fakekore.UserRoles) int {
	t.Helper()
	i := slices.IndexFunc(users, func(u fakekore.UserRoles) bool {
		return slices.ContainsFunc(u.BotRoles, func(r fakekore.BotRoleGrant) bool { return len(r.Groups) > 1 })
	})
	if i < 0 {
		t.Fatal("no generated user holds a bot role through two groups")
	}
	return i
}

// grantAdminRolesBothWays gives users[i] the Audit Viewer role directly and the Security Admin role through the
// two groups of its bot role, with the role IDs other users hold them by: the generated account has no admin role
// held through two groups, nor a user holding two admin roles.
func grantAdminRolesBothWays(t *testing.T, users []fakekore.UserRoles, i int) {
	t.Helper()
	roleID := func(name string) string {
		for _, u := range users {
			for _, r := range u.AdminRoles {
				if r.RoleName == name {
					return r.RoleID
				}
			}
		}
		t.Fatalf("no generated user holds the admin role %q", name)
		return ""
	}
	u := &users[i]
	through := u.BotRoles[slices.IndexFunc(u.BotRoles, func(r fakekore.BotRoleGrant) bool { return len(r.Groups) > 1 })].Groups
	held := slices.DeleteFunc(slices.Clone(u.AdminRoles), func(r fakekore.AdminRoleGrant) bool {
		return r.RoleName == fakekore.RoleAuditViewer || r.RoleName == fakekore.RoleSecurityAdmin
	})
	u.AdminRoles = append(held,
		fakekore.AdminRoleGrant{RoleID: roleID(fakekore.RoleAuditViewer), RoleName: fakekore.RoleAuditViewer, Groups: []string{}},
		fakekore.AdminRoleGrant{RoleID: roleID(fakekore.RoleSecurityAdmin), RoleName: fakekore.RoleSecurityAdmin,
			Groups: slices.Sorted(slices.Values(through))},
	)
}

// userSortingBefore is the index of a user whose email sorts before users[i]'s (so that the filtered list's order
// is not the order of the emails argument) and who holds no bot role through a group.
func userSortingBefore(t *testing.T, users []fakekore.UserRoles, i int) int {
	t.Helper()
	j := slices.IndexFunc(users, func(u fakekore.UserRoles) bool {
		return u.Username < users[i].Username &&
			!slices.ContainsFunc(u.BotRoles, func(r fakekore.BotRoleGrant) bool { return len(r.Groups) > 0 })
	})
	if j < 0 {
		t.Fatalf("no generated user sorts before %q and holds no bot role through a group", users[i].Username)
	}
	return j
}

// wantUsers is what kore_users must hold for users, derived from the fixture as expectUsersState does.
func wantUsers(users []fakekore.UserRoles) []any {
	sorted := slices.Clone(users)
	slices.SortStableFunc(sorted, func(a, b fakekore.UserRoles) int {
		return cmp.Or(strings.Compare(a.Username, b.Username), strings.Compare(a.ID, b.ID))
	})
	out := make([]any, len(sorted))
	for i, u := range sorted {
		out[i] = expectedUserRoles(u)
	}
	return out
}

// knownFromFixture turns an expected value built from the fixture (nil, strings, bools, lists, and maps for both
// objects and maps) into a knownvalue check of exactly that value: a list in this order, a map with these keys.
func knownFromFixture(t *testing.T, v any) knownvalue.Check {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return knownvalue.Null()
	case string:
		return knownvalue.StringExact(v)
	case bool:
		return knownvalue.Bool(v)
	case []string:
		if v == nil {
			return knownvalue.Null()
		}
		checks := make([]knownvalue.Check, len(v))
		for i, s := range v {
			checks[i] = knownvalue.StringExact(s)
		}
		return knownvalue.ListExact(checks)
	case []any:
		if v == nil {
			return knownvalue.Null()
		}
		checks := make([]knownvalue.Check, len(v))
		for i, item := range v {
			checks[i] = knownFromFixture(t, item)
		}
		return knownvalue.ListExact(checks)
	case map[string]any:
		if v == nil {
			return knownvalue.Null()
		}
		checks := make(map[string]knownvalue.Check, len(v))
		for key, item := range v {
			checks[key] = knownFromFixture(t, item)
		}
		// ObjectExact and MapExact check the same JSON object in state: every key, and no other.
		return knownvalue.ObjectExact(checks)
	}
	t.Fatalf("the expected value %v is a %T, which knownFromFixture does not convert", v, v)
	return nil
}

// oneReadOffsets is the offsets of one read of total items at pageSize a page when the server reads offset as
// meaning: every page once, and, when there is more than one page, the request for offset=1 that tells the
// meanings apart. As a page number that request is page 1; as records to skip it is one request more.
func oneReadOffsets(meaning fakekore.OffsetMeaning, total, pageSize int) []int {
	pages := max(1, (total+pageSize-1)/pageSize)
	offsets := make([]int, 0, pages+1)
	for page := range pages {
		if meaning == fakekore.OffsetRecords {
			offsets = append(offsets, page*pageSize)
		} else {
			offsets = append(offsets, page)
		}
	}
	if pages > 1 && meaning == fakekore.OffsetRecords {
		offsets = append(offsets, 1)
	}
	slices.Sort(offsets)
	return offsets
}

// listingRequests checks that the listing at path was asked exactly for one read's offsets, in any order.
func listingRequests(s *fakekore.Server, path string, meaning fakekore.OffsetMeaning, total, pageSize int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := s.OffsetsOf(path)
		slices.Sort(got)
		if want := oneReadOffsets(meaning, total, pageSize); !slices.Equal(got, want) {
			return fmt.Errorf("%s was asked for offsets %v, want one read's: %v", path, got, want)
		}
		return nil
	}
}

// offsetsByRoleType records the offsets asked of Get Roles for each roleType, which the server's own record of
// the path does not tell apart.
type offsetsByRoleType struct {
	mu      sync.Mutex
	offsets map[string][]int
	exports []string // the roleType of each request of Export Roles
}

func (o *offsetsByRoleType) record(_ int, _ http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == fakekore.RolesExportPath {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.exports = append(o.exports, r.URL.Query().Get("roleType"))
	}
	if r.URL.Path == fakekore.RolesPath {
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset")) // absent is 0, as the server reads it
		o.mu.Lock()
		defer o.mu.Unlock()
		if o.offsets == nil {
			o.offsets = map[string][]int{}
		}
		o.offsets[q.Get("roleType")] = append(o.offsets[q.Get("roleType")], offset)
	}
	return false
}

func (o *offsetsByRoleType) of(roleType string) []int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.offsets[roleType])
}

// requests checks that each role type was read once: every page once, as listingRequests checks for one path.
// The two reads share a path, and so what offset was found to mean on it, but run at the same time: with offset
// as records to skip, each read asks offset=1 unless the other had found out first, so the pair asks it once or
// twice, never more than once each.
func (o *offsetsByRoleType) requests(meaning fakekore.OffsetMeaning, totals map[string]int, pageSize int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		probes := 0
		for roleType, total := range totals {
			got := o.of(roleType)
			slices.Sort(got)
			want := oneReadOffsets(meaning, total, pageSize)
			if meaning == fakekore.OffsetRecords && !slices.Contains(got, 1) {
				want = slices.DeleteFunc(want, func(offset int) bool { return offset == 1 })
			}
			if !slices.Equal(got, want) {
				return fmt.Errorf("%s?roleType=%s was asked for offsets %v, want one read's: %v", fakekore.RolesPath,
					roleType, got, oneReadOffsets(meaning, total, pageSize))
			}
			if slices.Contains(want, 1) && meaning == fakekore.OffsetRecords {
				probes++
			}
		}
		if meaning == fakekore.OffsetRecords && probes == 0 {
			return fmt.Errorf("neither role type asked offset=1, so nothing found out what offset means on %s",
				fakekore.RolesPath)
		}
		return nil
	}
}

// noOtherRequests checks that every request the server answered was one of the listings counted above.
func noOtherRequests(s *fakekore.Server, roles *offsetsByRoleType) resource.TestCheckFunc {
	return func(*terraform.State) error {
		counted := len(s.OffsetsOf(fakekore.UserRolesPath)) + len(s.OffsetsOf(fakekore.BotsPath))
		for _, roleType := range []string{fakekore.RoleTypeAdmin, fakekore.RoleTypeBot} {
			counted += len(roles.of(roleType))
		}
		// Get Roles sends admin roles without ids: kore_roles reads them from Export Roles, once.
		roles.mu.Lock()
		exports := slices.Clone(roles.exports)
		roles.mu.Unlock()
		if !slices.Equal(exports, []string{fakekore.RoleTypeAdmin}) {
			return fmt.Errorf("the server was asked for Export Roles of role types %q, want admin once", exports)
		}
		counted += len(exports)
		if got := s.Requests(); got != counted {
			return fmt.Errorf("the server answered %d requests, %d of them to the users, roles and bots listings "+
				"(groups asked at offsets %v)", got, counted, s.OffsetsOf(fakekore.GroupsPath))
		}
		return nil
	}
}
