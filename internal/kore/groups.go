package kore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// ListGroups returns every group of every page of the Get Groups API, reading pageSize groups a page (1 to 50).
//
// The pages are read by the page walk (see walk): concurrently, in page order, failing with a *PaginationError
// when they do not add up. The result is memoised per page size for the life of the Client, and concurrent
// callers with the same page size share one read. Errors are not memoised.
func (c *Client) ListGroups(ctx context.Context, pageSize int) (*GroupList, error) {
	if err := checkPageSize(pageSize, "groups"); err != nil {
		return nil, err
	}
	groups := &listing[wireGroup]{
		name: "groups", one: "group", many: "groups",
		path: groupsPath, itemsKey: "groups", pageSize: pageSize,
		id: func(g *wireGroup) string { return g.ID },
	}
	return sharedRead(ctx, c, groups.key(), func(ctx context.Context) (*GroupList, error) {
		read, err := walk(ctx, c, groups)
		if err != nil {
			return nil, err
		}
		list := &GroupList{Total: read.total, Groups: make([]Group, len(read.items)), Pages: read.pages,
			Warnings: read.warnings}
		for i, wire := range read.items {
			list.Groups[i] = wire.Group
			list.Groups[i].ChildGroupIDs = childGroupIDs(wire.ChildGroups)
		}
		if warning := memberCountWarning(list.Groups); warning != "" {
			list.Warnings = append(list.Warnings, warning)
		}
		list.Warnings = slices.Clip(list.Warnings)
		return list, nil
	})
}

// memberCountWarning says when groups list a different number of users than their userCount: the API may have
// left members out, and a silent difference would be a silent truncation.
func memberCountWarning(groups []Group) string {
	mismatched := 0
	var first *Group
	for i := range groups {
		g := &groups[i]
		if g.UserCount != nil && g.Users != nil && *g.UserCount != int64(len(g.Users)) {
			if first == nil {
				first = g
			}
			mismatched++
		}
	}
	if mismatched == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s a different number of users than userCount (for example %q, id %s: userCount %d, "+
		"%d users listed); Kore.ai may not have listed every member", mismatched,
		plural(mismatched, "group lists", "groups list"), first.Name, first.ID, *first.UserCount, len(first.Users))
}

// wireGroup is a Group as the API sends it. Its ChildGroups field is at a shallower depth than the embedded
// Group.ChildGroupIDs, so encoding/json decodes "groups" into it and the rest of the group straight into Group.
type wireGroup struct {
	Group
	ChildGroups []childGroupRef `json:"groups"`
}

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
