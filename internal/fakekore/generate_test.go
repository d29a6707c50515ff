package fakekore

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var koreLikeID = regexp.MustCompile(`^[euo]-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestGenerateGroupsIsDeterministic(t *testing.T) {
	if !reflect.DeepEqual(GenerateGroups(300, 12), GenerateGroups(300, 12)) {
		t.Error("two calls with the same arguments gave different groups")
	}
	// Pinned so that a change of the generator, which would move fixtures under every test, is deliberate.
	first := GenerateGroups(1, 1)[0]
	if first.ID != "e-e6de77dd-bfb0-56a2-bc17-04fc3ec0e5c2" || first.Name != "Engineering 001" {
		t.Errorf("first group = %q %q", first.ID, first.Name)
	}
}

func TestGenerateGroupsShape(t *testing.T) {
	const n, usersPerGroup = 400, 10
	groups := GenerateGroups(n, usersPerGroup)
	if len(groups) != n {
		t.Fatalf("len = %d, want %d", len(groups), n)
	}

	groupIndex := map[string]int{}
	names := map[string]bool{}
	for i, g := range groups {
		if !koreLikeID.MatchString(g.ID) || !strings.HasPrefix(g.ID, "e-") {
			t.Errorf("group %d id %q is not shaped like a Kore.ai group id", i, g.ID)
		}
		if _, dup := groupIndex[g.ID]; dup {
			t.Errorf("group id %q repeated", g.ID)
		}
		groupIndex[g.ID] = i
		if names[g.Name] {
			t.Errorf("group name %q repeated", g.Name)
		}
		names[g.Name] = true
		if len(g.Users) != usersPerGroup || g.UserCount == nil || *g.UserCount != usersPerGroup {
			t.Errorf("group %d has %d users and userCount %v, want %d", i, len(g.Users), g.UserCount, usersPerGroup)
		}
		if g.ChildGroups == nil {
			t.Errorf("group %d has null child groups; generated groups send []", i)
		}
	}

	var seen struct {
		nullJobTitle, emptyJobTitle, jobTitle, emptyColor, nullDescription, emptyDescription, unicode,
		stringChild, objectChild, sharedUser bool
	}
	userByEmail := map[string]User{}
	groupsOfEmail := map[string]int{}
	for i, g := range groups {
		switch {
		case g.Description == nil:
			seen.nullDescription = true
		case *g.Description == "":
			seen.emptyDescription = true
		}
		if strings.Contains(g.Name, "日本") && utf8.ValidString(g.Name) {
			seen.unicode = true
		}
		for _, child := range g.ChildGroups {
			var childID string
			switch c := child.(type) {
			case string:
				seen.stringChild, childID = true, c
			case ChildGroupRef:
				seen.objectChild, childID = true, c.ID
			default:
				t.Fatalf("group %d child %#v is neither a string nor a ChildGroupRef", i, child)
			}
			if j, ok := groupIndex[childID]; !ok || j == i {
				t.Errorf("group %d child %q is not another generated group", i, childID)
			}
		}
		inGroup := map[string]bool{}
		for _, u := range g.Users {
			if !koreLikeID.MatchString(u.ID) || !strings.HasPrefix(u.ID, "u-") {
				t.Errorf("user id %q is not shaped like a Kore.ai user id", u.ID)
			}
			email := *u.Email
			if inGroup[email] {
				t.Errorf("group %d lists %s twice", i, email)
			}
			inGroup[email] = true
			groupsOfEmail[email]++
			if before, ok := userByEmail[email]; ok && !reflect.DeepEqual(before, u) {
				t.Errorf("user %s differs between groups: %+v vs %+v", email, before, u)
			}
			userByEmail[email] = u
			switch {
			case u.JobTitle == nil:
				seen.nullJobTitle = true
			case *u.JobTitle == "":
				seen.emptyJobTitle = true
			default:
				seen.jobTitle = true
			}
			if *u.ProfileColor == "" {
				seen.emptyColor = true
			}
		}
	}
	for _, count := range groupsOfEmail {
		if count > 1 {
			seen.sharedUser = true
		}
	}
	checks := map[string]bool{
		"a null jTitle": seen.nullJobTitle, `an empty jTitle`: seen.emptyJobTitle, "a set jTitle": seen.jobTitle,
		`an empty profColour`: seen.emptyColor, "a null gDesc": seen.nullDescription,
		`an empty gDesc`: seen.emptyDescription, "a unicode group name": seen.unicode,
		"a child given as an id string": seen.stringChild, "a child given as an object": seen.objectChild,
		"a user in several groups": seen.sharedUser,
	}
	for what, found := range checks {
		if !found {
			t.Errorf("no generated group has %s", what)
		}
	}
}

func TestGenerateGroupsEdgeCases(t *testing.T) {
	t.Run("zero groups is an empty, non-nil list", func(t *testing.T) {
		if g := GenerateGroups(0, 5); g == nil || len(g) != 0 {
			t.Errorf("GenerateGroups(0, 5) = %#v", g)
		}
	})
	t.Run("zero users per group gives empty user lists", func(t *testing.T) {
		for _, g := range GenerateGroups(3, 0) {
			if g.Users == nil || len(g.Users) != 0 || *g.UserCount != 0 {
				t.Errorf("group %s: users %#v, userCount %d", g.Name, g.Users, *g.UserCount)
			}
		}
	})
	t.Run("changing a user in one group leaves the same user in other groups alone", func(t *testing.T) {
		groups := GenerateGroups(2, 4) // groups 0 and 1 share two users
		shared := groups[1].Users[0]
		for k := range groups[0].Users {
			if groups[0].Users[k].ID == shared.ID {
				*groups[0].Users[k].Email = "changed@example.com"
				*groups[0].Users[k].LastName = "Changed"
			}
		}
		if *shared.Email == "changed@example.com" || *shared.LastName == "Changed" {
			t.Error("a change to one group's user showed up in another group")
		}
	})
}

func BenchmarkGenerateGroups(b *testing.B) {
	for b.Loop() {
		GenerateGroups(10_000, 20)
	}
}
