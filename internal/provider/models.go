package provider

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// defaultPageSize is the API's largest page: the fewest requests.
const defaultPageSize = kore.MaxPageSize

// groupAttributes describes one group; kore_groups.groups, kore_groups.groups_by_name and kore_group share it.
func groupAttributes(idDescription string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: idDescription,
			Computed:            true,
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "Name of the group (API field `gN`).",
			Computed:            true,
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "Description of the group (API field `gDesc`); null when the API sends null.",
			Computed:            true,
		},
		"child_group_ids": schema.ListAttribute{
			MarkdownDescription: "IDs of the groups nested in this group (API field `groups`; object elements " +
				"contribute their `_id`), in the API's order.",
			ElementType: types.StringType,
			Computed:    true,
		},
		"user_count": schema.Int64Attribute{
			MarkdownDescription: "Number of members as the API reports it (API field `userCount`); kept when " +
				"`include_users` is false.",
			Computed: true,
		},
		"users": usersAttribute(),
	}
}

func usersAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: "Members of the group (API field `users`), sorted by email, then ID. Null when " +
			"`include_users` is false.",
		Computed: true,
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				"id": schema.StringAttribute{
					MarkdownDescription: "User ID (API field `_id`).",
					Computed:            true,
				},
				"email": schema.StringAttribute{
					MarkdownDescription: "Email address (API field `emailId`).",
					Computed:            true,
				},
				"first_name": schema.StringAttribute{
					MarkdownDescription: "First name (API field `firstName`).",
					Computed:            true,
				},
				"last_name": schema.StringAttribute{
					MarkdownDescription: "Last name (API field `lastName`).",
					Computed:            true,
				},
				"job_title": schema.StringAttribute{
					MarkdownDescription: "Job title (API field `jTitle`); null and `\"\"` are kept apart, as the API " +
						"sends them.",
					Computed: true,
				},
				"activation_status": schema.StringAttribute{
					MarkdownDescription: "Activation status, such as `active` (API field `activationStatus`).",
					Computed:            true,
				},
				"org_id": schema.StringAttribute{
					MarkdownDescription: "ID of the user's organisation (API field `orgId`).",
					Computed:            true,
				},
				"profile_image": schema.StringAttribute{
					MarkdownDescription: "Profile image (API field `profImage`), such as `profile.png` or `no-avatar`.",
					Computed:            true,
				},
				"profile_color": schema.StringAttribute{
					MarkdownDescription: "Profile colour (API field `profColour`), such as `#ffd700`; may be `\"\"`.",
					Computed:            true,
				},
			},
		},
	}
}

// groupFilter is what kore_groups keeps of the account's groups.
type groupFilter struct {
	names         []string // nil: every name
	ignoreMissing bool
	nameRegex     *regexp.Regexp // nil: every name
}

// selectGroups applies the filter and returns the kept groups sorted by name, then ID, together with the requested
// names that no group has. The memoised list is shared between data sources, so it is never reordered in place.
func selectGroups(all []kore.Group, f groupFilter) (kept []*kore.Group, missing []string) {
	var wanted map[string]bool
	if f.names != nil {
		wanted = make(map[string]bool, len(f.names))
		for _, n := range f.names {
			wanted[n] = false
		}
	}
	kept = make([]*kore.Group, 0, len(all))
	for i := range all {
		g := &all[i]
		if wanted != nil {
			if _, ok := wanted[g.Name]; !ok {
				continue
			}
			wanted[g.Name] = true
		}
		if f.nameRegex != nil && !f.nameRegex.MatchString(g.Name) {
			continue
		}
		kept = append(kept, g)
	}
	for n, found := range wanted {
		if !found {
			missing = append(missing, n)
		}
	}
	sort.Strings(missing)
	sortGroups(kept)
	return kept, missing
}

func sortGroups(groups []*kore.Group) {
	slices.SortFunc(groups, func(a, b *kore.Group) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
}

// sortedUsers returns the group's users ordered by email (null first), then ID, without touching the shared slice.
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

// duplicateNames returns the names that more than one of the (name-sorted) groups carry.
func duplicateNames(sorted []*kore.Group) map[string][]string {
	var dups map[string][]string
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Name != sorted[i-1].Name {
			continue
		}
		if dups == nil {
			dups = map[string][]string{}
		}
		name := sorted[i].Name
		if len(dups[name]) == 0 {
			dups[name] = append(dups[name], sorted[i-1].ID)
		}
		dups[name] = append(dups[name], sorted[i].ID)
	}
	return dups
}

// groupNamesByEmail maps each member's email to the sorted, distinct names of the kept groups that hold them.
// Members without an email cannot be a map key and are left out.
func groupNamesByEmail(groups []*kore.Group) map[string][]string {
	byEmail := map[string][]string{}
	for _, g := range groups {
		for i := range g.Users {
			if e := g.Users[i].Email; e != nil {
				byEmail[*e] = append(byEmail[*e], g.Name)
			}
		}
	}
	for e, names := range byEmail {
		sort.Strings(names)
		byEmail[e] = slices.Compact(names)
	}
	return byEmail
}

func duplicateNamesWarning(dups map[string][]string) string {
	names := make([]string, 0, len(dups))
	for n := range dups {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "\n  - %q: %s", n, strings.Join(dups[n], ", "))
	}
	return "More than one group carries each of these names, so they are left out of groups_by_name (every one " +
		"of those groups is still in groups; tell them apart by id):" + b.String()
}
