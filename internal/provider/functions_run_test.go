package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// These call the functions' Run directly, for the argument shapes a configuration can pass but kore_groups never
// produces: unknown values during plan, and nulls where an id or a name must be.

func testTypes(t testing.TB) groupsArgumentTypes {
	t.Helper()
	ty, err := functionTypes()
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

// userObjectType is the type of one user of kore_groups.groups.
func userObjectType(t testing.TB) types.ObjectType {
	t.Helper()
	users, ok := testTypes(t).group.AttrTypes["users"].(types.ListType)
	if !ok {
		t.Fatalf("users is %v", testTypes(t).group.AttrTypes["users"])
	}
	user, ok := users.ElemType.(types.ObjectType)
	if !ok {
		t.Fatalf("users holds %v", users.ElemType)
	}
	return user
}

// userValue is a user object with every attribute null but the ones given.
func userValue(t testing.TB, set map[string]attr.Value) types.Object {
	t.Helper()
	userType := userObjectType(t)
	attrs := map[string]attr.Value{}
	for name, at := range userType.AttrTypes {
		attrs[name] = types.StringNull()
		if at != types.StringType {
			t.Fatalf("user attribute %s is %v; this helper only builds strings", name, at)
		}
	}
	for k, v := range set {
		attrs[k] = v
	}
	return types.ObjectValueMust(userType.AttrTypes, attrs)
}

func groupValue(t testing.TB, id, name attr.Value, children []string, users ...attr.Value) types.Object {
	t.Helper()
	ty := testTypes(t)
	userType := userObjectType(t)
	childValues := make([]attr.Value, len(children))
	for i, c := range children {
		childValues[i] = types.StringValue(c)
	}
	attrs := map[string]attr.Value{
		"id": id, "name": name, "description": types.StringNull(),
		"child_group_ids": types.ListValueMust(types.StringType, childValues),
		"user_count":      types.Int64Value(int64(len(users))),
		"users":           types.ListValueMust(userType, users),
	}
	return types.ObjectValueMust(ty.group.AttrTypes, attrs)
}

func run(t *testing.T, f function.Function, groups attr.Value) (attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	// Start from a null result, not the framework's unknown one, so that an unknown result is the function's doing.
	rt := def.Definition.Return.GetType()
	null, err := rt.ValueFromTerraform(ctx, tftypes.NewValue(rt.TerraformType(ctx), nil))
	if err != nil {
		t.Fatal(err)
	}
	resp := &function.RunResponse{Result: function.NewResultData(null)}
	f.Run(context.Background(), function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{groups})}, resp)
	return resp.Result.Value(), resp.Error
}

func TestFunctionRun_unknownGroupsGiveAnUnknownResult(t *testing.T) {
	t.Parallel()
	ty := testTypes(t)
	known := groupValue(t, types.StringValue("g-1"), types.StringValue("A"), nil)
	unknownName := groupValue(t, types.StringValue("g-2"), types.StringUnknown(), nil)
	unknownUserID := groupValue(t, types.StringValue("g-3"), types.StringValue("C"), nil,
		userValue(t, map[string]attr.Value{"id": types.StringUnknown()}))
	for name, groups := range map[string]types.List{
		"an unknown group":   types.ListValueMust(ty.group, []attr.Value{known, types.ObjectUnknown(ty.group.AttrTypes)}),
		"an unknown name":    types.ListValueMust(ty.group, []attr.Value{known, unknownName}),
		"an unknown user id": types.ListValueMust(ty.group, []attr.Value{known, unknownUserID}),
	} {
		for _, f := range []function.Function{newGroupsByNameFunction(), newEffectiveMembersFunction()} {
			var meta function.MetadataResponse
			f.Metadata(context.Background(), function.MetadataRequest{}, &meta)
			if meta.Name == "groups_by_name" && name == "an unknown user id" {
				continue // groups_by_name does not read users, so their ids need not be known
			}
			t.Run(meta.Name+" of a list with "+name, func(t *testing.T) {
				got, ferr := run(t, f, groups)
				if ferr != nil {
					t.Fatal(ferr)
				}
				if !got.IsUnknown() {
					t.Errorf("result %v, want unknown", got)
				}
			})
		}
	}
}

func TestFunctionRun_groupsByNameHandsBackTheObjectsGiven(t *testing.T) {
	t.Parallel()
	ty := testTypes(t)
	// The user's id is unknown: groups_by_name passes users through without reading them.
	a := groupValue(t, types.StringValue("g-1"), types.StringValue("A"), []string{"g-2"},
		userValue(t, map[string]attr.Value{"id": types.StringValue("u-1"), "email": types.StringValue("a@x")}))
	b := groupValue(t, types.StringValue("g-2"), types.StringValue("B"), []string{"g-missing"})
	got, ferr := run(t, newGroupsByNameFunction(), types.ListValueMust(ty.group, []attr.Value{a, b}))
	if ferr != nil {
		t.Fatal(ferr)
	}
	want := types.MapValueMust(ty.group, map[string]attr.Value{"A": a, "B": b})
	if !got.Equal(want) {
		t.Errorf("groups_by_name = %v, want %v", got, want)
	}
}

func TestFunctionRun_nullsWhereAnIdentityMustBeAreErrors(t *testing.T) {
	t.Parallel()
	ty := testTypes(t)
	good := groupValue(t, types.StringValue("g-1"), types.StringValue("A"), nil)
	tests := []struct {
		name   string
		f      function.Function
		groups []attr.Value
		want   string
	}{
		{"a null group", newGroupsByNameFunction(), []attr.Value{good, types.ObjectNull(ty.group.AttrTypes)},
			"groups[1] is null"},
		{"a group without a name", newGroupsByNameFunction(),
			[]attr.Value{groupValue(t, types.StringValue("g-2"), types.StringNull(), nil)},
			"groups[0].name is null"},
		{"a group without an id", newEffectiveMembersFunction(),
			[]attr.Value{good, groupValue(t, types.StringNull(), types.StringValue("B"), nil)},
			`groups[1] ("B").id is null`},
		{"a user without an id", newEffectiveMembersFunction(),
			[]attr.Value{groupValue(t, types.StringValue("g-2"), types.StringValue("B"), nil,
				userValue(t, map[string]attr.Value{"email": types.StringValue("b@x")}))},
			`groups[0] ("B").users[0].id is null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, ferr := run(t, tt.f, types.ListValueMust(ty.group, tt.groups))
			if ferr == nil {
				t.Fatal("no error")
			}
			if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 {
				t.Errorf("error not attributed to the groups argument: %+v", ferr)
			}
			if !strings.Contains(ferr.Text, tt.want) {
				t.Errorf("error %q does not contain %q", ferr.Text, tt.want)
			}
		})
	}
}

// The member type is the user type of kore_groups plus via, so that a new user attribute reaches members too.
func TestFunctionTypes_memberIsTheUserPlusVia(t *testing.T) {
	t.Parallel()
	ty := testTypes(t)
	user := userObjectType(t)
	if len(ty.member.AttrTypes) != len(user.AttrTypes)+1 {
		t.Errorf("member has %d attributes, user %d", len(ty.member.AttrTypes), len(user.AttrTypes))
	}
	for name, at := range user.AttrTypes {
		if !ty.member.AttrTypes[name].Equal(at) {
			t.Errorf("member.%s is %v, user.%s is %v", name, ty.member.AttrTypes[name], name, at)
		}
	}
	if via := ty.member.AttrTypes[viaAttribute]; !via.Equal(types.ListType{ElemType: types.StringType}) {
		t.Errorf("via is %v", via)
	}
}
