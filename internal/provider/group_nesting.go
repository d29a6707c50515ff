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
// through the nested groups named in Via (nil for a direct member).
type effectiveMember struct {
	Group int
	User  int
	Via   *viaPath
}

// viaPath is a path of nested group names, outermost first, kept as its last name and the path before it. The
// paths of one walk share their beginnings, so they take memory in proportion to the groups reached rather than to
// the sum of their lengths, which for a chain of nested groups grows with the cube of its depth over every group.
type viaPath struct {
	parent *viaPath
	name   string
	length int
}

func (p *viaPath) then(name string) *viaPath {
	return &viaPath{parent: p, name: name, length: p.len() + 1}
}

func (p *viaPath) len() int {
	if p == nil {
		return 0
	}
	return p.length
}

// names writes the path out, outermost first; a direct member's is empty, never nil.
func (p *viaPath) names() []string {
	out := make([]string, p.len())
	for q := p; q != nil; q = q.parent {
		out[q.length-1] = q.name
	}
	return out
}

// maxEffectiveMemberEntries bounds the answer of effective_members: its members plus the names in their via paths.
// An account's nesting can make the answer grow with the square of the groups (each group of a chain holds every
// user below it) and its paths with the cube; past this bound the call fails, saying so, instead of exhausting the
// memory of the provider and of Terraform, which holds the answer too. 10,000 groups of 20 users nested up to 7
// levels deep (BenchmarkEffectiveMembers_10000Groups) are 4.4 million: 1.2 million members, 3.2 million names.
const maxEffectiveMemberEntries = 10_000_000

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

// quotedList renders items as "a", "b" and "c", for the lists that errors and warnings name.
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

	w := newNestingWalk(groups, byID)
	out := make(map[string][]effectiveMember, len(groups))
	for root := range groups {
		members, err := w.membersOf(root)
		if err != nil {
			return nil, err
		}
		out[groups[root].Name] = members
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

// nestingWalk holds what the walks of all groups share, so that a large account is walked with integer lookups
// rather than with a map of user ids per group: each child id resolved to its group, each user id to a number, and
// each occurrence of a user to its place in the final order (email, then id).
type nestingWalk struct {
	groups   []nestedGroup
	children [][]int32 // children[g]: the groups nested in groups[g]
	userNum  [][]int32 // userNum[g][u]: the number of groups[g].Users[u]'s id
	rank     [][]int32 // rank[g][u]: the place of groups[g].Users[u] when sorted by email, then id

	// One walk marks what it has seen with its own stamp, so nothing needs clearing between walks.
	stamp     int32
	groupSeen []int32
	userSeen  []int32

	entries int // members and via names found so far, over every walk: the answer's size
}

// userKey identifies an occurrence for sorting: the same id could come with different emails in different groups.
type userKey struct {
	id       string
	email    string
	hasEmail bool
}

func newNestingWalk(groups []nestedGroup, byID map[string]int) *nestingWalk {
	w := &nestingWalk{
		groups:    groups,
		children:  make([][]int32, len(groups)),
		userNum:   make([][]int32, len(groups)),
		rank:      make([][]int32, len(groups)),
		groupSeen: make([]int32, len(groups)),
	}
	numbers := map[string]int32{}
	ranks := map[userKey]int32{}
	for g := range groups {
		for _, id := range groups[g].ChildGroupIDs {
			w.children[g] = append(w.children[g], int32(byID[id]))
		}
		w.userNum[g] = make([]int32, len(groups[g].Users))
		for u, user := range groups[g].Users {
			n, ok := numbers[user.ID]
			if !ok {
				n = int32(len(numbers))
				numbers[user.ID] = n
			}
			w.userNum[g][u] = n
			ranks[keyOf(user)] = 0
		}
	}
	keys := make([]userKey, 0, len(ranks))
	for k := range ranks {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b userKey) int {
		return cmp.Or(compareOptional(a.emailPointer(), b.emailPointer()), strings.Compare(a.id, b.id))
	})
	for r, k := range keys {
		ranks[k] = int32(r)
	}
	for g := range groups {
		w.rank[g] = make([]int32, len(groups[g].Users))
		for u, user := range groups[g].Users {
			w.rank[g][u] = ranks[keyOf(user)]
		}
	}
	w.userSeen = make([]int32, len(numbers))
	return w
}

func keyOf(u nestedUser) userKey {
	if u.Email == nil {
		return userKey{id: u.ID}
	}
	return userKey{id: u.ID, email: *u.Email, hasEmail: true}
}

func (k userKey) emailPointer() *string {
	if !k.hasEmail {
		return nil
	}
	return &k.email
}

// membersOf walks the groups nested in groups[root] breadth first. Each layer is ordered by path, so the first path
// that reaches a group, and hence a user, is the shortest and, among the shortest, the one that sorts first: two
// paths of one length into the same child differ only in their parents' paths. A layer's paths are distinct (group
// names are), so ordering the next layer by parent, then by the child's name, orders it by path.
func (w *nestingWalk) membersOf(root int) ([]effectiveMember, error) {
	type step struct {
		group  int32
		parent int // the place in the layer before of the step it was reached from
		via    *viaPath
	}
	w.stamp++
	w.groupSeen[root] = w.stamp
	var members []effectiveMember
	layer := []step{{group: int32(root)}}
	for len(layer) > 0 {
		var next []step
		for i, s := range layer {
			for u, n := range w.userNum[s.group] {
				if w.userSeen[n] != w.stamp {
					w.userSeen[n] = w.stamp
					if w.entries += 1 + s.via.len(); w.entries > maxEffectiveMemberEntries {
						return nil, w.tooLarge(root, s.via)
					}
					members = append(members, effectiveMember{Group: int(s.group), User: u, Via: s.via})
				}
			}
			for _, c := range w.children[s.group] {
				if w.groupSeen[c] == w.stamp {
					continue // a cycle, or a group already reached by a path that is no longer than this one
				}
				w.groupSeen[c] = w.stamp
				next = append(next, step{group: c, parent: i, via: s.via.then(w.groups[c].Name)})
			}
		}
		slices.SortFunc(next, func(a, b step) int {
			return cmp.Or(cmp.Compare(a.parent, b.parent), strings.Compare(a.via.name, b.via.name))
		})
		layer = next
	}
	slices.SortFunc(members, func(a, b effectiveMember) int {
		return cmp.Compare(w.rank[a.Group][a.User], w.rank[b.Group][b.User])
	})
	return members, nil
}

func (w *nestingWalk) tooLarge(root int, deepest *viaPath) error {
	return fmt.Errorf("the effective members of the %d groups passed in would hold more than %d entries (members "+
		"and the nested group names of their via paths; the nesting under %q alone reaches at least %d levels deep), more "+
		"than this function returns. Pass only the groups whose effective members you need, with the groups "+
		"nested in them, or flatten the nesting in Kore.ai", len(w.groups), maxEffectiveMemberEntries,
		w.groups[root].Name, deepest.len())
}
