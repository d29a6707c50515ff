package kore

import (
	"context"
	"encoding/json"
	"slices"
)

// userRolesPath is the Get User Roles Details API.
const userRolesPath = "/api/public/alluserroles"

// UserRoleList is every user of the account with the roles they hold, as read by ListUserRoles. Like GroupList it
// is shared by every caller with the same page size: treat its contents as read-only.
type UserRoleList struct {
	Total    int         // "total" as the API reported it on the last page read
	Users    []UserRoles // in page order; a user seen twice (same ID) is kept once, at its first place
	Pages    int         // pages read
	Warnings []string    // human-readable notes on a read that succeeded but may be inexact
}

// UserRoles is one user and the roles they hold. The JSON tags are the API's field names; nil means null or
// absent.
type UserRoles struct {
	ID           string      `json:"userId"`
	Email        *string     `json:"username"` // the login email
	OrgUserID    *string     `json:"orgUserId"`
	AccountID    *string     `json:"accountId"`
	IsDeveloper  *bool       `json:"isDeveloper"`
	CanCreateBot *bool       `json:"canCreateBot"`
	BotRoles     []BotRole   `json:"btRoles"`
	AdminRoles   []AdminRole `json:"adminRoles"`
}

// BotRole is a role a user holds in one bot.
type BotRole struct {
	RoleID   *string `json:"roleId"`
	RoleName *string `json:"roleName"`
	BotID    *string `json:"botId"`
	BotName  *string `json:"botName"`
	// Groups names the groups through which the role reaches the user; empty when it is held directly.
	Groups []string `json:"groups"`
}

// AdminRole is an account-wide admin role a user holds.
type AdminRole struct {
	RoleID   *string  `json:"roleId"`
	RoleName *string  `json:"roleName"`
	Groups   []string `json:"groups"` // as in BotRole
}

// ListUserRoles returns every user of every page of the Get User Roles Details API, reading pageSize users a page
// (1 to 50), with the page walk, sharing and memo of ListGroups.
func (c *Client) ListUserRoles(ctx context.Context, pageSize int) (*UserRoleList, error) {
	if err := checkPageSize(pageSize, "users"); err != nil {
		return nil, err
	}
	users := &listing[UserRoles]{
		name: "user roles", one: "user", many: "users",
		path: userRolesPath, itemsKey: "users", pageSize: pageSize,
		scope: ScopeRoleManagement, idField: `"userId"`,
		// Kore.ai encrypts Get User Roles Details for apps that enforce payload encryption.
		encrypted: true,
		id:        func(u *UserRoles) string { return u.ID },
	}
	return sharedRead(ctx, c, users.shareKey(0), func(ctx context.Context) (*UserRoleList, error) {
		read, err := walk(ctx, c, users)
		if err != nil {
			return nil, err
		}
		return &UserRoleList{Total: read.total, Users: values(read.items), Pages: read.pages,
			Warnings: slices.Clip(read.warnings)}, nil
	})
}

// UnmarshalJSON refuses a null role and null group names, which would otherwise become invented empty ones.
func (r *BotRole) UnmarshalJSON(data []byte) error {
	if err := refuseNull(data, "bot role in btRoles"); err != nil {
		return err
	}
	type plain BotRole // without this method
	var wire struct {
		plain
		Groups []*string `json:"groups"` // shallower than plain.Groups, so it takes the field
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	groups, err := nonNullStrings(wire.Groups, "the groups of a bot role")
	if err != nil {
		return err
	}
	*r = BotRole(wire.plain)
	r.Groups = groups
	return nil
}

// UnmarshalJSON refuses a null role and null group names, as for BotRole.
func (r *AdminRole) UnmarshalJSON(data []byte) error {
	if err := refuseNull(data, "admin role in adminRoles"); err != nil {
		return err
	}
	type plain AdminRole // without this method
	var wire struct {
		plain
		Groups []*string `json:"groups"` // shallower than plain.Groups, so it takes the field
	}
	if err := json.Unmarshal(data, &wire); err != nil {
		return err
	}
	groups, err := nonNullStrings(wire.Groups, "the groups of an admin role")
	if err != nil {
		return err
	}
	*r = AdminRole(wire.plain)
	r.Groups = groups
	return nil
}
