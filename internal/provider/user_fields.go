package provider

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// The member attributes that provider::kore::effective_members reads, by name, on its direct path.
var (
	userIDField = tfwire.StringField("id", "_id", "User ID (API field `_id`).",
		func(u *kore.User) string { return u.ID })
	userEmailField = tfwire.OptionalStringField("email", "emailId", "Email address (API field `emailId`).",
		func(u *kore.User) *string { return u.Email })
)

// userObject describes a member of a group, as kore_groups and kore_group list them in users. Adding an attribute
// is one field here, plus its value in the tests' expected state (provider_test.go's expectedGroup).
var userObject = tfwire.NewObject(
	userIDField,
	userEmailField,
	tfwire.OptionalStringField("first_name", "firstName", "First name (API field `firstName`).",
		func(u *kore.User) *string { return u.FirstName }),
	tfwire.OptionalStringField("last_name", "lastName", "Last name (API field `lastName`).",
		func(u *kore.User) *string { return u.LastName }),
	tfwire.OptionalStringField("job_title", "jTitle",
		"Job title (API field `jTitle`); null and `\"\"` are kept apart, as the API sends them.",
		func(u *kore.User) *string { return u.JobTitle }),
	tfwire.OptionalStringField("activation_status", "activationStatus",
		"Activation status, such as `active` (API field `activationStatus`).",
		func(u *kore.User) *string { return u.ActivationStatus }),
	tfwire.OptionalStringField("org_id", "orgId", "ID of the user's organisation (API field `orgId`).",
		func(u *kore.User) *string { return u.OrgID }),
	tfwire.OptionalStringField("profile_image", "profImage",
		"Profile image (API field `profImage`), such as `profile.png` or `no-avatar`.",
		func(u *kore.User) *string { return u.ProfileImage }),
	tfwire.OptionalStringField("profile_color", "profColour",
		"Profile colour (API field `profColour`), such as `#ffd700`; may be `\"\"`.",
		func(u *kore.User) *string { return u.ProfileColor }),
)

// sortedUsers returns the users ordered by email (null first), then ID, without touching the shared slice.
func sortedUsers(users []kore.User) []*kore.User {
	out := make([]*kore.User, len(users))
	for i := range users {
		out[i] = &users[i]
	}
	slices.SortFunc(out, func(a, b *kore.User) int {
		return cmp.Or(compareOptional(a.Email, b.Email), strings.Compare(a.ID, b.ID))
	})
	return out
}

// compareOptional orders null before any string: how every listing orders an optional key (a user's e-mail,
// a role's id).
func compareOptional(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return strings.Compare(*a, *b)
}
