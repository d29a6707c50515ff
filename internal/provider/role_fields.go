package provider

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// roleObject describes one admin or bot role, as kore_roles lists them in roles.
var roleObject = tfwire.NewObject(
	tfwire.OptionalStringField("id", "_id",
		"Role ID (API field `_id`), the `role_id` of the users who hold the role in `kore_users`. Get Roles "+
			"leaves it out of admin roles, so theirs is the `_id` of the role of the same name in Export Roles; null "+
			"when Export Roles lists no role of that name, or several (a warning names the role).",
		func(r *kore.Role) *string { return r.ID }),
	tfwire.StringField("name", "role", "Display name of the role (API field `role`).",
		func(r *kore.Role) string { return r.Name }),
	tfwire.OptionalStringField("description", "rDesc",
		"Description of the role (API field `rDesc`); null when the API leaves it out, as it does for some custom "+
			"roles.",
		func(r *kore.Role) *string { return r.Description }),
	tfwire.StringListMapField("permissions", "permissions",
		"The role's permissions (API field `permissions`): for each permission name, its values as a list of "+
			"strings. Bot roles send lists (such as `[\"VIEW\", \"TEST\"]`), kept as sent; admin roles send one "+
			"string (`\"YES\"` or `\"NO\"`), read as a list of one (`[\"YES\"]`), so that both role types share "+
			"one type. The permission names vary by account.",
		rolePermissions),
)

// rolePermissions is a role's permissions as the map of string lists that state holds; nil (null) when the API
// sent none.
func rolePermissions(r *kore.Role) map[string][]string {
	if r.Permissions == nil {
		return nil
	}
	out := make(map[string][]string, len(r.Permissions))
	for name, values := range r.Permissions {
		out[name] = values
	}
	return out
}

// sortedRoles returns the roles ordered by name, then ID (a role without an ID first), without touching the
// shared slice.
func sortedRoles(roles []kore.Role) []*kore.Role {
	out := make([]*kore.Role, len(roles)) // never nil: no roles is an empty list, not null
	for i := range roles {
		out[i] = &roles[i]
	}
	slices.SortStableFunc(out, func(a, b *kore.Role) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), compareOptional(a.ID, b.ID))
	})
	return out
}
