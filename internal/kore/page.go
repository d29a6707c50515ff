package kore

import (
	"encoding/json"
	"errors"
	"fmt"
)

// groupsPage is one answer of the Get Groups API, decoded as it came: the walk interprets it.
type groupsPage struct {
	Total         *int        `json:"total"`
	AvailableMore *bool       `json:"availableMore"`
	Groups        []wireGroup `json:"groups"`
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

// decodeGroupsPage decodes one answer and checks the fields the walk relies on.
func decodeGroupsPage(data []byte) (*groupsPage, error) {
	var page groupsPage
	if err := json.Unmarshal(data, &page); err != nil {
		return nil, err
	}
	switch {
	case page.Total == nil:
		return nil, errors.New(`the field "total" is missing`)
	case *page.Total < 0:
		return nil, fmt.Errorf(`the field "total" is negative (%d)`, *page.Total)
	}
	return &page, nil
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
