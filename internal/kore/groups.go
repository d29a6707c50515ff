package kore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// GroupList is every group of the account, as read by ListGroups.
//
// A GroupList is shared by every caller of ListGroups with the same page size for the life of the Client: treat
// the groups, their users and everything they point to as read-only. Replacing a field of the GroupList itself, or
// appending to its slices, does not affect other callers.
type GroupList struct {
	Total    int      // "total" as the API reported it on the last page read
	Groups   []Group  // in page order; a group seen twice (same ID) is kept once, at its first place
	Pages    int      // pages read
	Warnings []string // human-readable notes on a read that succeeded but may be inexact
	// Members says how much of each group's members the list keeps: what the call asked for, or more.
	Members Members
}

// Group is one group of the account. The JSON tags are the API's field names.
type Group struct {
	ID          string  `json:"_id"`
	Name        string  `json:"gN"`
	Description *string `json:"gDesc"` // nil when the API sent null or nothing
	// ChildGroupIDs holds the ids of the child groups: nil when the API sent null or nothing, empty for [].
	ChildGroupIDs []string `json:"groups"`
	UserCount     *int64   `json:"userCount"`
	// Users is nil when the API sent null or nothing, empty for [].
	Users []User `json:"users"`
}

// User is a member of a group. The JSON tags are the API's field names; nil means null or absent, and an empty
// string stays an empty string (the API sends both for jTitle).
type User struct {
	ID               string  `json:"_id"`
	Email            *string `json:"emailId"`
	FirstName        *string `json:"firstName"`
	LastName         *string `json:"lastName"`
	JobTitle         *string `json:"jTitle"`
	ActivationStatus *string `json:"activationStatus"`
	OrgID            *string `json:"orgId"`
	ProfileImage     *string `json:"profImage"`
	ProfileColor     *string `json:"profColour"`
}

// groupsPath is the Get Groups API.
const groupsPath = "/api/public/groups"

// Members says how much of each group's members a read of the groups keeps. Keeping less saves memory (a member
// with every field is about ten allocations), not requests: the API sends every member either way.
type Members int

const (
	// MembersAll keeps every field of every member.
	MembersAll Members = iota
	// MembersEmails keeps each member's ID and Email only, the other fields nil: enough to map emails to groups.
	MembersEmails
	// MembersNone keeps no member: every group's Users is nil. UserCount is kept.
	MembersNone
)

// detail ranks what a read keeps, for sharing: a read that keeps more answers a request for less.
func (m Members) detail() int {
	switch m {
	case MembersAll:
		return 2
	case MembersEmails:
		return 1
	}
	return 0
}

func (m Members) String() string {
	switch m {
	case MembersAll:
		return "every member field"
	case MembersEmails:
		return "members' IDs and emails"
	case MembersNone:
		return "no members"
	}
	return "Members(" + strconv.Itoa(int(m)) + ")"
}

// ListGroups returns every group of every page of the Get Groups API, reading pageSize groups a page (1 to 50),
// with every field of every member. It is ListGroupsKeeping with MembersAll.
func (c *Client) ListGroups(ctx context.Context, pageSize int) (*GroupList, error) {
	return c.ListGroupsKeeping(ctx, pageSize, MembersAll)
}

// ListGroupsKeeping returns every group of every page of the Get Groups API, reading pageSize groups a page (1 to
// 50) and keeping as much of each group's members as members says, or more: GroupList.Members says what the list
// holds.
//
// The pages are read by the page walk (see walk): concurrently, in page order, failing with a *PaginationError
// when they do not add up. The result is memoised per page size for the life of the Client, and concurrent
// callers with the same page size share one read; a read that keeps more members answers a call that asks for
// fewer (see sharedRead). Errors are not memoised.
func (c *Client) ListGroupsKeeping(ctx context.Context, pageSize int, members Members) (*GroupList, error) {
	if err := checkPageSize(pageSize, "groups"); err != nil {
		return nil, err
	}
	switch members {
	case MembersAll:
		return listGroups[wireGroup](ctx, c, pageSize, members)
	case MembersEmails:
		return listGroups[wireGroupEmails](ctx, c, pageSize, members)
	case MembersNone:
		return listGroups[wireGroupCounted](ctx, c, pageSize, members)
	}
	return nil, fmt.Errorf("members is %v: it must be MembersAll, MembersEmails or MembersNone", members)
}

// groupWire is what the page walk decodes a group into, for one value of Members.
type groupWire interface {
	group() Group
	// memberElements says how many elements "users" held, how many of them were null, and whether it was sent at
	// all (not null, not absent).
	memberElements() (elements, nulls int, sent bool)
	// firstNullMember is the index of the first null element of "users", -1 if none.
	firstNullMember() int
}

func listGroups[W any, PW interface {
	*W
	groupWire
}](ctx context.Context, c *Client, pageSize int, members Members) (*GroupList, error) {
	groups := &listing[W]{
		name: "groups", one: "group", many: "groups",
		path: groupsPath, itemsKey: "groups", pageSize: pageSize,
		scope: ScopeRoleManagement, idField: `"_id"`,
		id: func(g *W) string { return PW(g).group().ID },
		inspect: func(g *W) string {
			elements, nulls, _ := PW(g).memberElements()
			if nulls == 0 {
				return ""
			}
			return fmt.Sprintf("element %d of %d of its \"users\" is null (%d null %s)", PW(g).firstNullMember(),
				elements, nulls, plural(nulls, "element", "elements"))
		},
	}
	return sharedRead(ctx, c, groups.shareKey(members.detail()), func(ctx context.Context) (*GroupList, error) {
		read, err := walk(ctx, c, groups)
		if err != nil {
			return nil, err
		}
		list := &GroupList{Total: read.total, Groups: make([]Group, len(read.items)), Pages: read.pages,
			Members: members, Warnings: read.warnings}
		mismatch := memberCounts{}
		for i, wire := range read.items {
			list.Groups[i] = PW(wire).group()
			mismatch.add(&list.Groups[i], PW(wire))
		}
		if warning := mismatch.warning(); warning != "" {
			list.Warnings = append(list.Warnings, warning)
		}
		list.Warnings = slices.Clip(list.Warnings)
		return list, nil
	})
}

// memberCounts finds groups that list a different number of users than their userCount: the API may have left
// members out, and a silent difference would be a silent truncation.
type memberCounts struct {
	mismatched    int
	first         *Group
	firstListed   int
	firstExpected int64
}

func (m *memberCounts) add(g *Group, wire groupWire) {
	elements, nulls, sent := wire.memberElements()
	listed := elements - nulls
	if g.UserCount == nil || !sent || *g.UserCount == int64(listed) {
		return
	}
	if m.first == nil {
		m.first, m.firstListed, m.firstExpected = g, listed, *g.UserCount
	}
	m.mismatched++
}

// warning says what add found, naming the first group; ids and names are server text, so quoted.
func (m *memberCounts) warning() string {
	if m.mismatched == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s a different number of users than userCount (for example %q, id %q: userCount %d, "+
		"%d users listed); Kore.ai may not have listed every member", m.mismatched,
		plural(m.mismatched, "group lists", "groups list"), m.first.Name, m.first.ID, m.firstExpected, m.firstListed)
}

// wireGroupBase is a Group as the API sends it. Its ChildGroups field is at a shallower depth than the embedded
// Group.ChildGroupIDs, so encoding/json decodes "groups" into it and the rest of the group straight into Group.
type wireGroupBase struct {
	Group
	ChildGroups []childGroupRef `json:"groups"`
}

// base is the group without its members.
func (w *wireGroupBase) base() Group {
	g := w.Group
	g.ChildGroupIDs = childGroupIDs(w.ChildGroups)
	g.Users = nil
	return g
}

// wireGroup keeps every member field (MembersAll). Its Users, shallower than Group.Users, takes "users" and keeps
// a null element as nil, for the walk to refuse.
type wireGroup struct {
	wireGroupBase
	Users []*User `json:"users"`
}

func (w *wireGroup) group() Group {
	g := w.base()
	if w.Users != nil {
		g.Users = make([]User, 0, len(w.Users))
		for _, u := range w.Users {
			if u != nil {
				g.Users = append(g.Users, *u)
			}
		}
	}
	return g
}

func (w *wireGroup) memberElements() (int, int, bool) {
	return len(w.Users), countNil(w.Users), w.Users != nil
}

func (w *wireGroup) firstNullMember() int { return slices.Index(w.Users, nil) }

// memberEmail is the part of a member that MembersEmails keeps; encoding/json skips the other fields unread.
type memberEmail struct {
	ID    string  `json:"_id"`
	Email *string `json:"emailId"`
}

// wireGroupEmails keeps members' IDs and emails (MembersEmails).
type wireGroupEmails struct {
	wireGroupBase
	Users []*memberEmail `json:"users"`
}

func (w *wireGroupEmails) group() Group {
	g := w.base()
	if w.Users != nil {
		g.Users = make([]User, 0, len(w.Users))
		for _, u := range w.Users {
			if u != nil {
				g.Users = append(g.Users, User{ID: u.ID, Email: u.Email})
			}
		}
	}
	return g
}

func (w *wireGroupEmails) memberElements() (int, int, bool) {
	return len(w.Users), countNil(w.Users), w.Users != nil
}

func (w *wireGroupEmails) firstNullMember() int { return slices.Index(w.Users, nil) }

// memberPresence is a member that MembersNone does not keep: one byte that says whether it was null. encoding/json
// hands UnmarshalJSON the element's bytes without copying them, so a member costs that byte and nothing more.
type memberPresence uint8

const (
	memberSent memberPresence = iota
	memberNull
)

func (m *memberPresence) UnmarshalJSON(data []byte) error {
	if len(data) == 0 {
		return errors.New("an empty member of users")
	}
	switch data[0] {
	case 'n':
		*m = memberNull
	case '{':
		*m = memberSent
	default:
		return errors.New("a member of users is not an object")
	}
	return nil
}

// wireGroupCounted counts members without keeping them (MembersNone).
type wireGroupCounted struct {
	wireGroupBase
	Users []memberPresence `json:"users"`
}

func (w *wireGroupCounted) group() Group { return w.base() }

func (w *wireGroupCounted) memberElements() (int, int, bool) {
	nulls := 0
	for _, m := range w.Users {
		if m == memberNull {
			nulls++
		}
	}
	return len(w.Users), nulls, w.Users != nil
}

func (w *wireGroupCounted) firstNullMember() int { return slices.Index(w.Users, memberNull) }

// childGroupRef is one entry of a group's child groups: the API sends either the child's id or an object whose
// _id is the id.
type childGroupRef string

func (r *childGroupRef) UnmarshalJSON(data []byte) error {
	if len(data) == 0 {
		return errors.New("empty child group reference")
	}
	switch data[0] {
	case '"':
		var id string
		if err := json.Unmarshal(data, &id); err != nil {
			return err
		}
		*r = childGroupRef(id)
		return nil
	case '{':
		var object struct {
			ID *string `json:"_id"`
		}
		if err := json.Unmarshal(data, &object); err != nil {
			return err
		}
		if object.ID == nil {
			return errors.New("a child group object has no _id")
		}
		*r = childGroupRef(*object.ID)
		return nil
	case 'n': // null: by encoding/json's convention a no-op; the empty reference is dropped later
		return nil
	}
	return errors.New("a child group reference is neither an id string nor an object with _id")
}

// childGroupIDs converts the references, dropping empty ones (they name no group). It keeps the API's
// distinction between null (nil) and [] (empty, non-nil).
func childGroupIDs(refs []childGroupRef) []string {
	if refs == nil {
		return nil
	}
	ids := make([]string, 0, len(refs))
	for _, ref := range refs {
		if ref != "" {
			ids = append(ids, string(ref))
		}
	}
	return ids
}
