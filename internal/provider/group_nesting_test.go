package provider

import (
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// grp builds a group whose users are given as "id" or "id:email" and whose children are ids.
func grp(id, name string, children []string, users ...string) nestedGroup {
	g := nestedGroup{ID: id, Name: name, ChildGroupIDs: children, Users: []nestedUser{}}
	for _, u := range users {
		id, email, ok := strings.Cut(u, ":")
		nu := nestedUser{ID: id}
		if ok {
			nu.Email = &email
		}
		g.Users = append(g.Users, nu)
	}
	return g
}

// render turns effective members into "userID via A>B" lines per group, in the order returned.
func render(groups []nestedGroup, members map[string][]effectiveMember) map[string][]string {
	out := make(map[string][]string, len(members))
	for name, list := range members {
		lines := []string{}
		for _, m := range list {
			lines = append(lines, groups[m.Group].Users[m.User].ID+" via "+strings.Join(m.Via.names(), ">"))
		}
		out[name] = lines
	}
	return out
}

func TestEffectiveMembers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		groups []nestedGroup
		want   map[string][]string
	}{
		{
			name: "members of groups nested three deep carry the path from the outermost group down",
			groups: []nestedGroup{
				grp("g-org", "Org", []string{"g-dept"}, "u1:a@x"),
				grp("g-dept", "Dept", []string{"g-squad"}, "u2:b@x"),
				grp("g-squad", "Squad", []string{"g-pod"}, "u3:c@x"),
				grp("g-pod", "Pod", nil, "u4:d@x"),
			},
			want: map[string][]string{
				"Org":   {"u1 via ", "u2 via Dept", "u3 via Dept>Squad", "u4 via Dept>Squad>Pod"},
				"Dept":  {"u2 via ", "u3 via Squad", "u4 via Squad>Pod"},
				"Squad": {"u3 via ", "u4 via Pod"},
				"Pod":   {"u4 via "},
			},
		},
		{
			name: "a cycle of two groups ends the walk and each sees the other's members",
			groups: []nestedGroup{
				grp("g-a", "A", []string{"g-b"}, "ua:a@x"),
				grp("g-b", "B", []string{"g-a"}, "ub:b@x"),
			},
			want: map[string][]string{
				"A": {"ua via ", "ub via B"},
				"B": {"ua via A", "ub via "},
			},
		},
		{
			name: "a group that holds itself lists its own members once",
			groups: []nestedGroup{
				grp("g-self", "Self", []string{"g-self"}, "u1:a@x"),
			},
			want: map[string][]string{"Self": {"u1 via "}},
		},
		{
			name: "a user reached through a diamond by two paths of one length gets the path that sorts first",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-right", "g-left"}),
				grp("g-right", "Right", []string{"g-bottom"}),
				grp("g-left", "Left", []string{"g-bottom"}),
				grp("g-bottom", "Bottom", nil, "u1:a@x"),
			},
			want: map[string][]string{
				"Top":    {"u1 via Left>Bottom"},
				"Right":  {"u1 via Bottom"},
				"Left":   {"u1 via Bottom"},
				"Bottom": {"u1 via "},
			},
		},
		{
			name: "equally short paths through different groups: the one that sorts first wins, whatever the order of ids",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-zed", "g-alpha"}),
				grp("g-zed", "Zed", nil, "u1:a@x"),
				grp("g-alpha", "Alpha", nil, "u1:a@x"),
			},
			want: map[string][]string{
				"Top":   {"u1 via Alpha"},
				"Zed":   {"u1 via "},
				"Alpha": {"u1 via "},
			},
		},
		{
			name: "the shortest path wins over one that sorts first but is longer",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-a", "g-z"}),
				grp("g-a", "A", []string{"g-deep"}),
				grp("g-deep", "Deep", nil, "u1:a@x"),
				grp("g-z", "Z", nil, "u1:a@x"),
			},
			want: map[string][]string{
				"Top":  {"u1 via Z"},
				"A":    {"u1 via Deep"},
				"Deep": {"u1 via "},
				"Z":    {"u1 via "},
			},
		},
		{
			name: "a direct member stays direct even when a nested group also holds them",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-sub"}, "u1:a@x"),
				grp("g-sub", "Sub", nil, "u1:a@x", "u2:b@x"),
			},
			want: map[string][]string{
				"Top": {"u1 via ", "u2 via Sub"},
				"Sub": {"u1 via ", "u2 via "},
			},
		},
		{
			name: "members are sorted by email with null first, then by id",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-sub"}, "u9:b@x", "u3:a@x"),
				grp("g-sub", "Sub", nil, "u2:a@x", "u5", "u1:c@x", "u4"),
			},
			want: map[string][]string{
				"Top": {"u4 via Sub", "u5 via Sub", "u2 via Sub", "u3 via ", "u9 via ", "u1 via Sub"},
				"Sub": {"u4 via ", "u5 via ", "u2 via ", "u1 via "},
			},
		},
		{
			name: "a group with users = null but user_count 0 has no members to lose",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-empty"}, "u1:a@x"),
				{ID: "g-empty", Name: "Empty", UserCount: new(int64)},
			},
			want: map[string][]string{
				"Top":   {"u1 via "},
				"Empty": {},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := effectiveMembers(tt.groups)
			if err != nil {
				t.Fatal(err)
			}
			if r := render(tt.groups, got); !reflect.DeepEqual(r, tt.want) {
				t.Errorf("effective members:\n got %v\nwant %v", r, tt.want)
			}
		})
	}
}

func TestEffectiveMembers_errors(t *testing.T) {
	t.Parallel()
	three := int64(3)
	tests := []struct {
		name   string
		groups []nestedGroup
		want   string // regexp
	}{
		{
			name: "two groups with one name are named with both ids",
			groups: []nestedGroup{
				grp("g-1", "Audit", nil), grp("g-2", "Other", nil), grp("g-3", "Audit", nil),
			},
			want: `2 groups are named "Audit" \(ids "g-1" and "g-3"\)`,
		},
		{
			name:   "names carrying escape sequences are quoted",
			groups: []nestedGroup{grp("g-1", "A\x1b[31m", nil), grp("g-2", "A\x1b[31m", nil)},
			want:   regexp.QuoteMeta(`"A\x1b[31m"`),
		},
		{
			name:   "two groups with one id are refused, since a child id could name either",
			groups: []nestedGroup{grp("g-1", "A", nil), grp("g-1", "B", nil)},
			want:   `groups "A" and "B" share the id "g-1"`,
		},
		{
			name: "a group whose members were not read fails, naming the group and include_users",
			groups: []nestedGroup{
				grp("g-1", "Read", nil, "u1:a@x"),
				{ID: "g-2", Name: "Unread", UserCount: &three},
			},
			want: `1 groups were not read \(users = null\): "Unread".*include_users = true`,
		},
		{
			name:   "users = null with no user_count cannot be told from an empty group, so it fails too",
			groups: []nestedGroup{{ID: "g-2", Name: "Unread"}},
			want:   `"Unread".*include_users = true`,
		},
		{
			name: "a child id that names no group passed in fails, naming the group and the id",
			groups: []nestedGroup{
				grp("g-top", "Top", []string{"g-gone"}, "u1:a@x"),
			},
			want: `group "Top" holds the nested group "g-gone", which is not among the 1 groups passed in`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := effectiveMembers(tt.groups)
			if err == nil {
				t.Fatalf("no error; members %v", render(tt.groups, got))
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error %q does not match %q", err, tt.want)
			}
		})
	}
}

func TestCheckUniqueNames(t *testing.T) {
	t.Parallel()
	t.Run("distinct names pass", func(t *testing.T) {
		t.Parallel()
		if err := checkUniqueNames([]nestedGroup{grp("1", "A", nil), grp("2", "B", nil)}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("every duplicated name is listed in name order with all its ids, up to a bound", func(t *testing.T) {
		t.Parallel()
		var groups []nestedGroup
		for _, n := range []string{"G", "F", "E", "D", "C", "B", "A"} {
			groups = append(groups, grp(n+"1", n, nil), grp(n+"2", n, nil))
		}
		groups = append(groups, grp("A3", "A", nil))
		err := checkUniqueNames(groups)
		if err == nil {
			t.Fatal("no error")
		}
		want := `group names must be unique, but ` +
			`3 groups are named "A" (ids "A1", "A2" and "A3"); 2 groups are named "B" (ids "B1" and "B2"); ` +
			`2 groups are named "C" (ids "C1" and "C2"); 2 groups are named "D" (ids "D1" and "D2"); ` +
			`2 groups are named "E" (ids "E1" and "E2"); and 2 more names. Rename the groups`
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q\ndoes not start %q", err, want)
		}
	})
}

// Unread groups are listed up to a bound, and "and N more" appears only past it.
func TestCheckUsersRead_listsUpToABound(t *testing.T) {
	t.Parallel()
	unread := func(n int) []nestedGroup {
		groups := make([]nestedGroup, n)
		for i := range groups {
			groups[i] = nestedGroup{ID: fmt.Sprint("g-", i), Name: fmt.Sprint("G", i)}
		}
		return groups
	}
	tests := []struct {
		groups int
		want   string
	}{
		{maxListedProblems, `the members of 5 groups were not read (users = null): "G0", "G1", "G2", "G3", "G4", ` +
			`so their`},
		{maxListedProblems + 2, `the members of 7 groups were not read (users = null): "G0", "G1", "G2", "G3", ` +
			`"G4" and 2 more, so their`},
	}
	for _, tt := range tests {
		err := checkUsersRead(unread(tt.groups))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%d unread groups: error %v,\nwant it to start %q", tt.groups, err, tt.want)
		}
	}
}

// nestedTree is n groups of usersPerGroup users each (drawn from a pool of 5 users per group, so users repeat across
// groups), nested as a 4-ary tree: group i holds groups 4i+1 to 4i+4.
func nestedTree(n, usersPerGroup int) []nestedGroup {
	groups := make([]nestedGroup, n)
	pool := 5 * n
	for i := range groups {
		g := &groups[i]
		g.ID = fmt.Sprintf("g-%06d", i)
		g.Name = fmt.Sprintf("Group %06d", i)
		for c := 4*i + 1; c <= 4*i+4 && c < n; c++ {
			g.ChildGroupIDs = append(g.ChildGroupIDs, fmt.Sprintf("g-%06d", c))
		}
		g.Users = make([]nestedUser, usersPerGroup)
		for j := range g.Users {
			u := (i*7919 + j*104729) % pool
			email := fmt.Sprintf("user%06d@example.com", u)
			g.Users[j] = nestedUser{ID: fmt.Sprintf("u-%06d", u), Email: &email}
		}
	}
	return groups
}

// 10,000 groups of 20 users nested up to 7 deep: every group's effective members, 1,217,633 in all.
func BenchmarkEffectiveMembers_10000Groups(b *testing.B) {
	groups := nestedTree(10000, 20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := effectiveMembers(groups); err != nil {
			b.Fatal(err)
		}
	}
}

// chain nests n groups of one user each: group 0 holds group 1, which holds group 2, and so on.
func chain(n int) []nestedGroup {
	groups := make([]nestedGroup, n)
	for i := range groups {
		var children []string
		if i+1 < n {
			children = []string{fmt.Sprintf("g-%04d", i+1)}
		}
		groups[i] = grp(fmt.Sprintf("g-%04d", i), fmt.Sprintf("Group %04d", i), children, fmt.Sprintf("u-%04d", i))
	}
	return groups
}

// Paths are shared, not copied: a chain of 200 nested groups has 1.3 million names in its via paths, which copied
// paths would allocate one by one, 21 MiB of them (and a chain of 1,000 would need gigabytes).
func TestEffectiveMembers_deepChainSharesItsPaths(t *testing.T) {
	groups := chain(200)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	members, err := effectiveMembers(groups)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 8<<20 {
		t.Errorf("the walk allocated %d MiB; shared paths need well under 8", allocated>>20)
	}
	top := members["Group 0000"]
	if len(top) != 200 {
		t.Fatalf("Group 0000 has %d effective members, want 200", len(top))
	}
	deepest := top[199]
	if got := deepest.Via.names(); len(got) != 199 || got[0] != "Group 0001" || got[198] != "Group 0199" {
		t.Errorf("u-0199's path = %d names from %q, want 199 from Group 0001 to Group 0199", len(got), got[:min(2, len(got))])
	}
	if got := top[0].Via.names(); got == nil || len(got) != 0 {
		t.Errorf("a direct member's path = %#v, want an empty, non-null list", got)
	}
}

// A chain of 1,000 nested groups would answer with 167 million names: the call fails early, saying why, rather than
// running the provider out of memory.
func TestEffectiveMembers_answerTooLargeFailsEarly(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := effectiveMembers(chain(1000))
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a chain of 1,000 nested groups was answered; want an error naming the bound")
	}
	for _, want := range []string{"of the 1000 groups passed in", "more than 10000000 entries", `under "Group 00`, "levels deep",
		"Pass only the groups whose effective members you need"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<20 {
		t.Errorf("failing took %d MiB; it must stop well before the answer's size", allocated>>20)
	}
}
