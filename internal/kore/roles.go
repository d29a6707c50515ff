package kore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
)

// rolesPath is the Get Roles API.
const rolesPath = "/api/public/roles"

// ScopeRoleManagement is the Admin Console API scope of Get Groups, Get User Roles Details, Get Roles, Export
// Roles and Get Bots.
const ScopeRoleManagement = "Profile Management > Role Management"

// The role types Get Roles takes.
const (
	RoleTypeAdmin = "admin"
	RoleTypeBot   = "bot"
)

// RoleList is every role of one type, as read by ListRoles. Like GroupList it is shared by every caller with the
// same role type and page size: treat its contents as read-only.
type RoleList struct {
	Total    int      // "total" as the API reported it on the last page read
	Roles    []Role   // in page order; a role seen twice is kept once, at its first place
	Pages    int      // pages read
	Warnings []string // human-readable notes on a read that succeeded but may be inexact
	// IDWarnings name the roles that ListRolesWithIDs found no single id for in Export Roles.
	IDWarnings []string
}

// Role is one admin or bot role. The JSON tags are the API's field names; nil means null or absent.
type Role struct {
	ID          *string `json:"_id"` // absent for admin roles in Get Roles: see ListRolesWithIDs
	Type        string  `json:"roleType"`
	Name        string  `json:"role"`
	Description *string `json:"rDesc"`
	// Permissions maps each permission name to its values. Admin roles send a single string ("YES", "NO"), bot
	// roles a list (["VIEW","TEST"]); both read as a list. The names vary by account: none is assumed.
	Permissions map[string]PermissionValues `json:"permissions"`
}

// PermissionValues is the value of one permission: a list of strings, a single string read as a list of one.
type PermissionValues []string

func (v *PermissionValues) UnmarshalJSON(data []byte) error {
	if len(data) == 0 {
		return errors.New("an empty permission value")
	}
	switch data[0] {
	case '"':
		var one string
		if err := json.Unmarshal(data, &one); err != nil {
			return err
		}
		*v = PermissionValues{one}
		return nil
	case '[':
		var list []*string
		if err := json.Unmarshal(data, &list); err != nil {
			return errors.New("a permission list holds something other than strings")
		}
		values := make(PermissionValues, len(list))
		for i, value := range list {
			if value == nil {
				return errors.New("a permission list holds a null")
			}
			values[i] = *value
		}
		*v = values
		return nil
	case 'n': // null: left nil
		return nil
	}
	return errors.New("a permission value is neither a string nor a list of strings")
}

// roleKey identifies a role: its _id, or for a role sent without one (admin roles), its type and name, as in
// "admin:Master Admin" (a role type never holds a colon).
func roleKey(r *Role) string {
	if r.ID != nil && *r.ID != "" {
		return *r.ID
	}
	if r.Name == "" {
		return ""
	}
	return r.Type + ":" + r.Name
}

// ListRoles returns every role of roleType (RoleTypeAdmin or RoleTypeBot) of every page of the Get Roles API,
// reading pageSize roles a page (1 to 50), with the page walk, sharing and memo of ListGroups.
func (c *Client) ListRoles(ctx context.Context, roleType string, pageSize int) (*RoleList, error) {
	if roleType != RoleTypeAdmin && roleType != RoleTypeBot {
		return nil, fmt.Errorf("role type %q is not one Kore.ai knows: it must be %q or %q", roleType,
			RoleTypeAdmin, RoleTypeBot)
	}
	if err := checkPageSize(pageSize, "roles"); err != nil {
		return nil, err
	}
	roles := &listing[Role]{
		name: roleType + " roles", one: "role", many: "roles",
		path: rolesPath, itemsKey: "roles", pageSize: pageSize,
		query: url.Values{"roleType": {roleType}},
		scope: ScopeRoleManagement, idField: `"_id" (or, for an admin role, "role")`,
		id: roleKey,
	}
	return sharedRead(ctx, c, roles.shareKey(0), func(ctx context.Context) (*RoleList, error) {
		read, err := walk(ctx, c, roles)
		if err != nil {
			return nil, err
		}
		return &RoleList{Total: read.total, Roles: values(read.items), Pages: read.pages,
			Warnings: slices.Clip(read.warnings)}, nil
	})
}
