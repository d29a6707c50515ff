package provider

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// nestedGroup is one group as the provider functions see it, in plain Go so that the nesting walk can be tested
// without Terraform.
type nestedGroup struct {
	ID            string
	Name          string
	ChildGroupIDs []string
	// Users is nil when the members were not read (users = null); UserCount then tells whether that loses anyone.
	Users     []nestedUser
	UserCount *int64
}

type nestedUser struct {
	ID    string
	Email *string // null e-mails sort first, as in kore_groups
}

// effectiveMember is one member of a group's effective members: the user at Users[User] of groups[Group], reached
// through the nested groups named in Via (outermost first; empty for a direct member).
type effectiveMember struct {
	Group int
	User  int
	Via   []string
}

// maxListedProblems bounds how many offending names one error lists, so that a large account's mistake stays readable.
const maxListedProblems = 5

// checkUniqueNames fails when two groups share a name: a map keyed by name would have to pick one of them, and a
// wrong pick grants the wrong access. The error names every such name with the ids of its groups.
func checkUniqueNames(groups []nestedGroup) error {
	ids := make(map[string][]string, len(groups))
	var dups []string
	for _, g := range groups {
		if len(ids[g.Name]) == 1 {
			dups = append(dups, g.Name)
		}
		ids[g.Name] = append(ids[g.Name], g.ID)
	}
	if len(dups) == 0 {
		return nil
	}
	slices.Sort(dups)
	var b strings.Builder
	for i, name := range dups {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "; and %d more names", len(dups)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%d groups are named %q (ids %s)", len(ids[name]), name, quotedList(ids[name]))
	}
	return fmt.Errorf("group names must be unique, but %s. Rename the groups in Kore.ai, or leave all but one "+
		"out of the list passed in, telling them apart by id (for example [for g in groups : g if g.id != \"<id>\"])",
		b.String())
}

// quotedList renders ids as "a", "b" and "c".
func quotedList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
}

// effectiveMembers maps each group's name to its effective members: its own users and those of every group nested
// in it at any depth through child_group_ids. A user reachable several ways appears once, with the shortest path
// (ties: the path that sorts first); members are sorted by email (null first), then id. A cycle ends the walk.
//
// It fails rather than return a partial answer: when two groups share a name or an id, when a group's members were
// not read (users = null while user_count is not 0), and when a child id names no group passed in. Each of these
// would leave some effective member out silently, and an access map that looks complete but is not is worse than
// none.
func effectiveMembers(groups []nestedGroup) (map[string][]effectiveMember, error) {
	if err := checkUniqueNames(groups); err != nil {
		return nil, err
	}
	byID := make(map[string]int, len(groups))
	for i, g := range groups {
		if j, ok := byID[g.ID]; ok {
			return nil, fmt.Errorf("groups %q and %q share the id %q, so a child_group_ids entry cannot tell "+
				"which one it names. Pass each group once", groups[j].Name, g.Name, g.ID)
		}
		byID[g.ID] = i
	}
	if err := checkUsersRead(groups); err != nil {
		return nil, err
	}
	if err := checkChildrenPresent(groups, byID); err != nil {
		return nil, err
	}

	out := make(map[string][]effectiveMember, len(groups))
	for root := range groups {
		out[groups[root].Name] = membersOf(groups, byID, root)
	}
	return out, nil
}

func checkUsersRead(groups []nestedGroup) error {
	var unread []string
	for _, g := range groups {
		if g.Users == nil && (g.UserCount == nil || *g.UserCount != 0) {
			unread = append(unread, fmt.Sprintf("%q", g.Name))
		}
	}
	if len(unread) == 0 {
		return nil
	}
	listed := unread
	more := ""
	if len(listed) > maxListedProblems {
		listed, more = listed[:maxListedProblems], fmt.Sprintf(" and %d more", len(unread)-maxListedProblems)
	}
	return fmt.Errorf("the members of %d groups were not read (users = null): %s%s, so their effective members "+
		"would be incomplete. Set include_users = true (the default) on the kore_groups data source that supplies "+
		"the groups", len(unread), strings.Join(listed, ", "), more)
}

func checkChildrenPresent(groups []nestedGroup, byID map[string]int) error {
	for _, g := range groups {
		for _, child := range g.ChildGroupIDs {
			if _, ok := byID[child]; !ok {
				return fmt.Errorf("group %q holds the nested group %q, which is not among the %d groups passed in, "+
					"so its members cannot be counted. Pass every group of the account (a kore_groups data source "+
					"without names or name_regex), or drop the id from child_group_ids on purpose "+
					"before the call", g.Name, child, len(groups))
			}
		}
	}
	return nil
}

// membersOf walks the groups nested in groups[root] breadth first. Each layer is ordered by path, so the first path
// that reaches a group, and hence a user, is the shortest and, among the shortest, the one that sorts first: two
// paths of one length into the same child differ only in their parents' paths.
func membersOf(groups []nestedGroup, byID map[string]int, root int) []effectiveMember {
	type step struct {
		group int
		via   []string
	}
	visited := map[int]bool{root: true}
	seen := map[string]bool{}
	var members []effectiveMember
	layer := []step{{group: root, via: []string{}}}
	for len(layer) > 0 {
		var next []step
		for _, s := range layer {
			for u, user := range groups[s.group].Users {
				if !seen[user.ID] {
					seen[user.ID] = true
					members = append(members, effectiveMember{Group: s.group, User: u, Via: s.via})
				}
			}
			for _, child := range groups[s.group].ChildGroupIDs {
				c := byID[child]
				if visited[c] {
					continue // a cycle, or a group already reached by a path that is no longer than this one
				}
				visited[c] = true
				via := append(slices.Clip(s.via), groups[c].Name)
				next = append(next, step{group: c, via: via})
			}
		}
		slices.SortFunc(next, func(a, b step) int { return slices.Compare(a.via, b.via) })
		layer = next
	}
	slices.SortFunc(members, func(a, b effectiveMember) int {
		ua, ub := groups[a.Group].Users[a.User], groups[b.Group].Users[b.User]
		return cmp.Or(compareEmails(ua.Email, ub.Email), strings.Compare(ua.ID, ub.ID))
	})
	return members
}

// compareEmails orders null before any e-mail, as kore_groups orders a group's users.
func compareEmails(a, b *string) int {
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
