package provider

import (
	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// groupRow is one group as state shows it: the API's group, and whether its members are wanted.
type groupRow struct {
	group        *kore.Group
	includeUsers bool
}

// The group attributes that the provider functions read, by name: the direct path of CallFunction
// (functions_call.go) and the framework's (functions_groups_argument.go) take the names from these fields.
var (
	groupIDField = tfwire.StringField("id", "_id", "Group ID (API field `_id`).",
		func(r *groupRow) string { return r.group.ID })
	groupNameField = tfwire.StringField("name", "gN", "Name of the group (API field `gN`).",
		func(r *groupRow) string { return r.group.Name })
	groupChildGroupIDsField = tfwire.StringListField("child_group_ids", "groups",
		"IDs of the groups nested in this group (API field `groups`; object elements contribute their `_id`), in "+
			"the API's order.",
		func(r *groupRow) []string { return r.group.ChildGroupIDs })
	groupUserCountField = tfwire.OptionalIntField("user_count", "userCount",
		"Number of members as the API reports it (API field `userCount`); kept when `include_users` is false.",
		func(r *groupRow) *int64 { return r.group.UserCount })
	groupUsersField = tfwire.ObjectListField("users", "users",
		"Members of the group (API field `users`), sorted by email, then ID. Null when `include_users` is false.",
		userObject, groupMembers)
)

// groupObject describes one group, as kore_groups lists them in groups and kore_group has it at its top level.
var groupObject = tfwire.NewObject(
	groupIDField,
	groupNameField,
	tfwire.OptionalStringField("description", "gDesc", "Description of the group (API field `gDesc`); null when the API sends null.",
		func(r *groupRow) *string { return r.group.Description }),
	groupChildGroupIDsField,
	groupUserCountField,
	groupUsersField,
)

// groupMembers is a group's users sorted by email, then ID; nil (null) when they are not wanted or the API sent none.
func groupMembers(r *groupRow) []*kore.User {
	if !r.includeUsers || r.group.Users == nil {
		return nil
	}
	return sortedUsers(r.group.Users)
}
