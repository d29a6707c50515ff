package provider

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// groupsArgumentTypes are the types the provider functions take and return. The group type is the element type of
// kore_groups.groups, built from the same description (groupObject), so that a group the data source produces is
// always a group the functions accept.
type groupsArgumentTypes struct {
	group  basetypes.ObjectType // one element of kore_groups.groups
	member basetypes.ObjectType // one element of a group's users, plus via
}

// viaAttribute is what effective_members adds to each user object.
const viaAttribute = "via"

var functionTypes = sync.OnceValues(func() (groupsArgumentTypes, error) {
	return deriveGroupsArgumentTypes(groupObject.ObjectType())
})

// deriveGroupsArgumentTypes checks that the attributes the functions read are in the group type with the types of
// their descriptions, naming any that is not, and adds via to the user type for effective_members.
func deriveGroupsArgumentTypes(group basetypes.ObjectType) (groupsArgumentTypes, error) {
	if err := requireFields(group, "kore_groups.groups",
		groupIDField, groupNameField, groupChildGroupIDsField, groupUserCountField); err != nil {
		return groupsArgumentTypes{}, err
	}
	usersName := "kore_groups.groups." + groupUsersField.Name()
	user, err := listElementObject(group.AttrTypes[groupUsersField.Name()], usersName)
	if err != nil {
		return groupsArgumentTypes{}, err
	}
	if err := requireFields(user, usersName, userIDField, userEmailField); err != nil {
		return groupsArgumentTypes{}, err
	}
	if _, clash := user.AttrTypes[viaAttribute]; clash {
		return groupsArgumentTypes{}, fmt.Errorf("%s has an attribute %q, which effective_members adds to each "+
			"member", usersName, viaAttribute)
	}
	memberAttrs := maps.Clone(user.AttrTypes)
	memberAttrs[viaAttribute] = types.ListType{ElemType: types.StringType}
	return groupsArgumentTypes{group: group, member: types.ObjectType{AttrTypes: memberAttrs}}, nil
}

func listElementObject(t attr.Type, name string) (basetypes.ObjectType, error) {
	list, ok := t.(basetypes.ListType)
	if !ok {
		return basetypes.ObjectType{}, fmt.Errorf("%s is %v, not a list of objects", name, t)
	}
	obj, ok := list.ElemType.(basetypes.ObjectType)
	if !ok {
		return basetypes.ObjectType{}, fmt.Errorf("%s is a list of %v, not of objects", name, list.ElemType)
	}
	return obj, nil
}

// describedField is a field of a description, whatever Go type its object is written from.
type describedField interface {
	Name() string
	Attribute() schema.Attribute
}

// requireFields checks that obj has each field's attribute, with the field's type.
func requireFields(obj basetypes.ObjectType, name string, fields ...describedField) error {
	for _, f := range fields {
		got, ok := obj.AttrTypes[f.Name()]
		if !ok {
			return fmt.Errorf("%s has no attribute %s", name, f.Name())
		}
		if want := f.Attribute().GetType(); !got.Equal(want) {
			return fmt.Errorf("%s.%s is %v, not %v", name, f.Name(), got, want)
		}
	}
	return nil
}

// groupsArgument is the groups argument of a call: each group as given, so that results can hand the objects back
// untouched, and what the functions read of it.
type groupsArgument struct {
	objects []types.Object
	groups  []nestedGroup
	// users[i][j] is the object of groups[i].Users[j].
	users [][]types.Object
	// unknown is set when a value the functions read is not known yet (during plan); the result is then unknown.
	unknown bool
}

// readGroupsArgument decodes the groups argument. withUsers reads the members too, which only effective_members
// needs. A group or user that lacks what identifies it is the caller's mistake and fails the call.
func readGroupsArgument(ctx context.Context, req function.RunRequest, withUsers bool) (groupsArgument, *function.FuncError) {
	var objects []types.Object
	if err := req.Arguments.Get(ctx, &objects); err != nil {
		return groupsArgument{}, err
	}
	arg := groupsArgument{objects: objects, groups: make([]nestedGroup, len(objects))}
	if withUsers {
		arg.users = make([][]types.Object, len(objects))
	}
	fail := func(format string, a ...any) (groupsArgument, *function.FuncError) {
		return groupsArgument{}, function.NewArgumentFuncError(0, fmt.Sprintf(format, a...))
	}
	for i, obj := range objects {
		if obj.IsUnknown() {
			arg.unknown = true
			return arg, nil
		}
		if obj.IsNull() {
			return fail("groups[%d] is null; pass the groups of a kore_groups data source", i)
		}
		attrs := obj.Attributes()
		g := &arg.groups[i]
		var known bool
		var err error
		if g.Name, known, err = requiredString(attrs, groupNameField.Name()); err != nil {
			return fail("groups[%d].%v", i, err)
		} else if !known {
			arg.unknown = true
			return arg, nil
		}
		if g.ID, known, err = requiredString(attrs, groupIDField.Name()); err != nil {
			return fail("groups[%d] (%q).%v", i, g.Name, err)
		} else if !known {
			arg.unknown = true
			return arg, nil
		}
		if !withUsers {
			continue
		}
		if known, err = readNesting(attrs, g, &arg.users[i]); err != nil {
			return fail("groups[%d] (%q).%v", i, g.Name, err)
		} else if !known {
			arg.unknown = true
			return arg, nil
		}
	}
	return arg, nil
}

// readNesting reads child_group_ids, user_count and users of one group; known is false when any of them is not.
func readNesting(attrs map[string]attr.Value, g *nestedGroup, userObjects *[]types.Object) (known bool, err error) {
	children, ok := attrs[groupChildGroupIDsField.Name()].(types.List)
	count, ok2 := attrs[groupUserCountField.Name()].(types.Int64)
	users, ok3 := attrs[groupUsersField.Name()].(types.List)
	if !ok || !ok2 || !ok3 {
		return false, fmt.Errorf("%s, %s or %s: unexpected value type", groupChildGroupIDsField.Name(),
			groupUserCountField.Name(), groupUsersField.Name()) // the types are checked at start
	}
	if children.IsUnknown() || count.IsUnknown() || users.IsUnknown() {
		return false, nil
	}
	for j, c := range children.Elements() {
		id, ok := c.(types.String)
		switch {
		case !ok:
			return false, fmt.Errorf("%s[%d]: unexpected value type", groupChildGroupIDsField.Name(), j)
		case id.IsUnknown():
			return false, nil
		case id.IsNull():
			return false, fmt.Errorf("%s[%d] is null", groupChildGroupIDsField.Name(), j)
		}
		g.ChildGroupIDs = append(g.ChildGroupIDs, id.ValueString())
	}
	if !count.IsNull() {
		n := count.ValueInt64()
		g.UserCount = &n
	}
	if users.IsNull() {
		return true, nil
	}
	g.Users = make([]nestedUser, 0, len(users.Elements()))
	for j, u := range users.Elements() {
		obj, ok := u.(types.Object)
		switch {
		case !ok:
			return false, fmt.Errorf("%s[%d]: unexpected value type", groupUsersField.Name(), j)
		case obj.IsUnknown():
			return false, nil
		case obj.IsNull():
			return false, fmt.Errorf("%s[%d] is null", groupUsersField.Name(), j)
		}
		userAttrs := obj.Attributes()
		id, known, err := requiredString(userAttrs, userIDField.Name())
		if err != nil {
			return false, fmt.Errorf("%s[%d].%w", groupUsersField.Name(), j, err)
		} else if !known {
			return false, nil
		}
		email, ok := userAttrs[userEmailField.Name()].(types.String)
		if !ok {
			return false, fmt.Errorf("%s[%d].%s: unexpected value type", groupUsersField.Name(), j, userEmailField.Name())
		} else if email.IsUnknown() {
			return false, nil
		}
		g.Users = append(g.Users, nestedUser{ID: id, Email: email.ValueStringPointer()})
		*userObjects = append(*userObjects, obj)
	}
	return true, nil
}

// requiredString reads a string attribute that identifies something and so cannot be null.
func requiredString(attrs map[string]attr.Value, name string) (value string, known bool, err error) {
	v, ok := attrs[name].(types.String)
	switch {
	case !ok:
		return "", false, fmt.Errorf("%s: unexpected value type", name) // the types are checked at start
	case v.IsUnknown():
		return "", false, nil
	case v.IsNull():
		return "", false, fmt.Errorf("%s is null, but every group and user needs one", name)
	}
	return v.ValueString(), true, nil
}

// typesError turns a failure to derive the function types into the error of a call or definition; it can only
// happen when kore_groups' schema changed without the functions following.
func typesError(err error) *function.FuncError {
	return function.NewFuncError("The provider's function types do not match kore_groups' schema: " + err.Error() +
		". This is a bug in the provider; please report it.")
}
