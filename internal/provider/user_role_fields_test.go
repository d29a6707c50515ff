package provider

import (
	"reflect"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func ptr(s string) *string { return &s }

func emailsOf(users []*kore.UserRoles) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = "<null>"
		if u.Email != nil {
			out[i] = *u.Email
		}
		out[i] += "/" + u.ID
	}
	return out
}

// Users sort by email, users without one first, then by ID.
func TestSortUserRoles(t *testing.T) {
	t.Parallel()
	users := []*kore.UserRoles{
		{ID: "u-2", Email: ptr("b@example.com")},
		{ID: "u-9", Email: nil},
		{ID: "u-1", Email: ptr("b@example.com")},
		{ID: "u-3", Email: ptr("B@example.com")},
		{ID: "u-0", Email: ptr("a@example.com")},
		{ID: "u-8", Email: nil},
	}
	sortUserRoles(users)
	want := []string{"<null>/u-8", "<null>/u-9", "B@example.com/u-3", "a@example.com/u-0", "b@example.com/u-1",
		"b@example.com/u-2"}
	if got := emailsOf(users); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// Bot roles sort by bot name, role name, bot ID, then role ID, nulls first at each step; the user's own list, which
// every block of the plan shares, keeps its order.
func TestSortedBotRoles(t *testing.T) {
	t.Parallel()
	role := func(botName, roleName, botID, roleID *string) kore.BotRole {
		return kore.BotRole{BotName: botName, RoleName: roleName, BotID: botID, RoleID: roleID}
	}
	u := &kore.UserRoles{BotRoles: []kore.BotRole{
		role(ptr("HR"), ptr("Tester"), ptr("st-1"), ptr("r-2")),
		role(ptr("HR"), ptr("Tester"), ptr("st-1"), ptr("r-1")),
		role(ptr("HR"), ptr("Tester"), ptr("st-0"), ptr("r-9")),
		role(ptr("HR"), ptr("Analyst"), ptr("st-9"), ptr("r-9")),
		role(ptr("Café"), ptr("Tester"), ptr("st-1"), ptr("r-1")),
		role(nil, ptr("Tester"), ptr("st-5"), ptr("r-1")),
		role(ptr("HR"), nil, ptr("st-9"), ptr("r-9")),
		role(ptr("HR"), ptr("Tester"), nil, ptr("r-9")),
		role(ptr("HR"), ptr("Tester"), ptr("st-0"), nil),
	}}
	original := append([]kore.BotRole(nil), u.BotRoles...)
	got := sortedBotRoles(u)
	wantOrder := []int{5, 4, 6, 3, 7, 8, 2, 1, 0}
	for i, j := range wantOrder {
		if !reflect.DeepEqual(*got[i], original[j]) {
			t.Errorf("position %d holds %+v, want the fixture's role %d", i, *got[i], j)
		}
	}
	if !reflect.DeepEqual(u.BotRoles, original) {
		t.Error("sorting reordered the shared list")
	}
	if sortedBotRoles(&kore.UserRoles{}) != nil {
		t.Error("btRoles null must stay null")
	}
	if got := sortedBotRoles(&kore.UserRoles{BotRoles: []kore.BotRole{}}); got == nil || len(got) != 0 {
		t.Errorf("btRoles [] must stay an empty list, got %v", got)
	}
}

func TestSortedAdminRoles(t *testing.T) {
	t.Parallel()
	u := &kore.UserRoles{AdminRoles: []kore.AdminRole{
		{RoleName: ptr("Security Admin"), RoleID: ptr("a-1")},
		{RoleName: ptr("Bot Admin"), RoleID: ptr("a-9")},
		{RoleName: ptr("Bot Admin"), RoleID: ptr("a-2")},
		{RoleName: nil, RoleID: ptr("a-5")},
	}}
	var got []string
	for _, r := range sortedAdminRoles(u) {
		got = append(got, *r.RoleID)
	}
	if want := []string{"a-5", "a-2", "a-9", "a-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if *u.AdminRoles[0].RoleID != "a-1" {
		t.Error("sorting reordered the shared list")
	}
}

// via_groups is sorted without touching what the client read, and null and [] stay apart.
func TestSortedStrings(t *testing.T) {
	t.Parallel()
	groups := []string{"Support", "Engineering 001", "Audit"}
	if got := sortedStrings(groups); !reflect.DeepEqual(got, []string{"Audit", "Engineering 001", "Support"}) {
		t.Errorf("got %v", got)
	}
	if groups[0] != "Support" {
		t.Error("sorting reordered the shared list")
	}
	if sortedStrings(nil) != nil {
		t.Error("null must stay null")
	}
	if got := sortedStrings([]string{}); got == nil || len(got) != 0 {
		t.Errorf("[] must stay an empty list, got %#v", got)
	}
}
