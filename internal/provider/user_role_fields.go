package provider

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// userRow is one user as kore_users writes it: what Get User Roles Details said, and, with include_activity, what
// Get User Information said (nil when it was not read, or could not be with inexact reads allowed).
type userRow struct {
	*kore.UserRoles
	activity *kore.UserInfo
}

// activityDescription ends the description of each attribute read from Get User Information.
const activityDescription = " Read from Get User Information (`POST /api/public/usersInfo`) only with " +
	"`include_activity = true`; null otherwise."

// userRolesObject describes one user with the roles they hold, as kore_users lists them in users.
var userRolesObject = tfwire.NewObject(
	tfwire.StringField("id", "userId", "User ID (API field `userId`).",
		func(u *userRow) string { return u.ID }),
	tfwire.OptionalStringField("email", "username", "The user's login email (API field `username`).",
		func(u *userRow) *string { return u.Email }),
	tfwire.OptionalStringField("org_user_id", "orgUserId",
		"The user's ID in their organisation's own directory (API field `orgUserId`); null when the API leaves it "+
			"out.",
		func(u *userRow) *string { return u.OrgUserID }),
	tfwire.OptionalStringField("account_id", "accountId", "ID of the Kore.ai account (API field `accountId`).",
		func(u *userRow) *string { return u.AccountID }),
	tfwire.OptionalBoolField("is_developer", "isDeveloper", "Whether the user is a bot developer (API field `isDeveloper`).",
		func(u *userRow) *bool { return u.IsDeveloper }),
	tfwire.OptionalBoolField("can_create_bot", "canCreateBot", "Whether the user may create bots (API field `canCreateBot`).",
		func(u *userRow) *bool { return u.CanCreateBot }),
	tfwire.ObjectListField("bot_roles", "btRoles",
		"The user's role in each bot (API field `btRoles`), sorted by `bot_name`, `role_name`, `bot_id`, then "+
			"`role_id`.",
		botRoleObject, func(u *userRow) []*kore.BotRole { return sortedBotRoles(u.UserRoles) }),
	tfwire.ObjectListField("admin_roles", "adminRoles",
		"The user's account-wide admin roles (API field `adminRoles`), sorted by `role_name`, then `role_id`.",
		adminRoleObject, func(u *userRow) []*kore.AdminRole { return sortedAdminRoles(u.UserRoles) }),
	tfwire.OptionalStringField("status", "userInfo.status", "The user's status as Kore.ai sends it (API field "+
		"`userInfo.status`): `active`, `not active` (invited, never joined), or another value passed through."+
		activityDescription,
		func(u *userRow) *string { return u.activityField(func(a *kore.UserInfo) *string { return a.Status }) }),
	tfwire.OptionalStringField("last_login", "userInfo.lastLogin", "When the user last logged in, in RFC 3339 (API field "+
		"`userInfo.lastLogin`); null when they never did."+activityDescription,
		func(u *userRow) *string {
			return rfc3339(u.activityField(func(a *kore.UserInfo) *string { return a.LastLogin }))
		}),
	tfwire.OptionalStringField("first_name", "userInfo.firstName", "The user's first name (API field "+
		"`userInfo.firstName`)."+activityDescription,
		func(u *userRow) *string {
			return u.activityField(func(a *kore.UserInfo) *string { return a.FirstName })
		}),
	tfwire.OptionalStringField("last_name", "userInfo.lastName", "The user's last name (API field `userInfo.lastName`)."+
		activityDescription,
		func(u *userRow) *string { return u.activityField(func(a *kore.UserInfo) *string { return a.LastName }) }),
)

// activityField is one field of the user's activity, nil when it was not read.
func (u *userRow) activityField(get func(*kore.UserInfo) *string) *string {
	if u.activity == nil {
		return nil
	}
	return get(u.activity)
}

// viaGroupsDescription is the one description of via_groups, for bot and admin roles alike.
const viaGroupsDescription = "Names of the groups through which the role reaches the user (API field `groups`), " +
	"sorted; empty when the role is assigned to the user directly."

// botRoleObject describes one role a user holds in one bot.
var botRoleObject = tfwire.NewObject(
	tfwire.OptionalStringField("bot_id", "botId", "ID of the bot (API field `botId`), such as `st-…`.",
		func(r *kore.BotRole) *string { return r.BotID }),
	tfwire.OptionalStringField("bot_name", "botName", "Name of the bot (API field `botName`).",
		func(r *kore.BotRole) *string { return r.BotName }),
	tfwire.OptionalStringField("role_id", "roleId", "ID of the bot role (API field `roleId`).",
		func(r *kore.BotRole) *string { return r.RoleID }),
	tfwire.OptionalStringField("role_name", "roleName", "Name of the bot role (API field `roleName`), such as `Bot Developer`.",
		func(r *kore.BotRole) *string { return r.RoleName }),
	tfwire.StringListField("via_groups", "groups", viaGroupsDescription,
		func(r *kore.BotRole) []string { return sortedStrings(r.Groups) }),
)

// adminRoleObject describes one account-wide admin role a user holds.
var adminRoleObject = tfwire.NewObject(
	tfwire.OptionalStringField("role_id", "roleId", "ID of the admin role (API field `roleId`).",
		func(r *kore.AdminRole) *string { return r.RoleID }),
	tfwire.OptionalStringField("role_name", "roleName", "Name of the admin role (API field `roleName`), such as `Bot Admin`.",
		func(r *kore.AdminRole) *string { return r.RoleName }),
	tfwire.StringListField("via_groups", "groups", viaGroupsDescription,
		func(r *kore.AdminRole) []string { return sortedStrings(r.Groups) }),
)

// The lists below are sorted into new slices: what the client read is shared by every block of the plan.

// sortUserRoles orders users by email (null first), then ID.
func sortUserRoles(users []*kore.UserRoles) {
	slices.SortFunc(users, func(a, b *kore.UserRoles) int {
		return cmp.Or(compareOptional(a.Email, b.Email), strings.Compare(a.ID, b.ID))
	})
}

// sortedBotRoles is a user's bot roles by bot name, role name, bot ID, then role ID (null first in each); nil
// (null) when the API sent none.
func sortedBotRoles(u *kore.UserRoles) []*kore.BotRole {
	roles := tfwire.Pointers(u.BotRoles)
	slices.SortFunc(roles, func(a, b *kore.BotRole) int {
		return cmp.Or(compareOptional(a.BotName, b.BotName), compareOptional(a.RoleName, b.RoleName),
			compareOptional(a.BotID, b.BotID), compareOptional(a.RoleID, b.RoleID))
	})
	return roles
}

// sortedAdminRoles is a user's admin roles by role name, then role ID (null first in each); nil (null) when the
// API sent none.
func sortedAdminRoles(u *kore.UserRoles) []*kore.AdminRole {
	roles := tfwire.Pointers(u.AdminRoles)
	slices.SortFunc(roles, func(a, b *kore.AdminRole) int {
		return cmp.Or(compareOptional(a.RoleName, b.RoleName), compareOptional(a.RoleID, b.RoleID))
	})
	return roles
}

// sortedStrings is a sorted copy of s, nil (null) for nil and empty for empty.
func sortedStrings(s []string) []string {
	if s == nil {
		return nil
	}
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
