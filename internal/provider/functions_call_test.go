package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// groupWith builds a group object; nil children or users are null, as the API can send them.
func groupWith(t testing.TB, id, name string, children []string, userCount *int64, users []attr.Value) attr.Value {
	t.Helper()
	ty := testTypes(t)
	userType := userObjectType(t)
	childList := types.ListNull(types.StringType)
	if children != nil {
		values := make([]attr.Value, len(children))
		for i, c := range children {
			values[i] = types.StringValue(c)
		}
		childList = types.ListValueMust(types.StringType, values)
	}
	userList := types.ListNull(userType)
	if users != nil {
		userList = types.ListValueMust(userType, users)
	}
	return types.ObjectValueMust(ty.group.AttrTypes, map[string]attr.Value{
		"id": types.StringValue(id), "name": types.StringValue(name), "description": types.StringValue("d " + name),
		"child_group_ids": childList, "user_count": types.Int64PointerValue(userCount), "users": userList,
	})
}

func person4(t testing.TB, id string, email *string) attr.Value {
	return userValue(t, map[string]attr.Value{
		"id": types.StringValue(id), "email": types.StringPointerValue(email),
		"first_name": types.StringValue("F " + id), "job_title": types.StringValue(""),
		"profile_color": types.StringValue("#fff"),
	})
}

func callArgument(t testing.TB, groups []attr.Value) *tfprotov6.DynamicValue {
	t.Helper()
	ctx := context.Background()
	list := types.ListValueMust(testTypes(t).group, groups)
	tv, err := list.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dv, err := tfprotov6.NewDynamicValue(list.Type(ctx).TerraformType(ctx), tv)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

// The direct path of CallFunction gives what the framework's path gives, results and errors alike, for arguments
// it handles itself; the others it hands to the framework.
func TestCallFunction_directPathMatchesTheFramework(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	email := func(s string) *string { return &s }
	one, zero := int64(1), int64(0)
	alice, bob := person4(t, "u-alice", email("alice@example.com")), person4(t, "u-bob", email("bob@example.com"))
	nobody := person4(t, "u-nobody", nil)
	ty := testTypes(t)

	tests := []struct {
		name   string
		groups []attr.Value
		direct bool // whether the direct path handles the argument itself
	}{
		{"nested groups with a cycle, null emails, null children and counts", []attr.Value{
			groupWith(t, "g-a", "A", []string{"g-b", "g-c"}, &one, []attr.Value{alice}),
			groupWith(t, "g-b", "B", []string{"g-a"}, nil, []attr.Value{bob, nobody}),
			groupWith(t, "g-c", "C", nil, &one, []attr.Value{nobody, alice}),
			groupWith(t, "g-e", "Empty", []string{}, &zero, nil),
		}, true},
		{"no groups at all", []attr.Value{}, true},
		{"an empty group whose count is not known", []attr.Value{
			groupWith(t, "g-e", "Empty", []string{}, nil, []attr.Value{}),
		}, true},
		{"two groups with one name", []attr.Value{
			groupWith(t, "g-a", "A", nil, &one, []attr.Value{alice}),
			groupWith(t, "g-a2", "A", nil, &one, []attr.Value{bob}),
		}, true},
		{"a nested group missing from the argument", []attr.Value{
			groupWith(t, "g-a", "A", []string{"g-gone"}, &one, []attr.Value{alice}),
		}, true},
		{"members not read", []attr.Value{
			groupWith(t, "g-a", "A", nil, &one, nil),
		}, true},
		{"a group of the shortest values, smaller on the wire than the encoder's guess per group", []attr.Value{
			types.ObjectValueMust(ty.group.AttrTypes, map[string]attr.Value{
				"id": types.StringValue("a"), "name": types.StringValue("b"), "description": types.StringValue(""),
				"child_group_ids": types.ListNull(types.StringType), "user_count": types.Int64Value(0),
				"users": types.ListNull(userObjectType(t)),
			}),
		}, true},
		{"a null group", []attr.Value{types.ObjectNull(ty.group.AttrTypes)}, false},
		{"an unknown group", []attr.Value{
			groupWith(t, "g-a", "A", nil, &one, []attr.Value{alice}), types.ObjectUnknown(ty.group.AttrTypes),
		}, false},
		{"a user without an id", []attr.Value{
			groupWith(t, "g-a", "A", nil, &one, []attr.Value{userValue(t, map[string]attr.Value{"email": types.StringValue("x@y")})}),
		}, false},
	}
	provider, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := provider.(*tfwire.Server)
	if !ok {
		t.Fatalf("the provider server is a %T", provider)
	}
	for _, tt := range tests {
		for _, fn := range []string{"groups_by_name", "effective_members"} {
			t.Run(fn+" of "+tt.name, func(t *testing.T) {
				arg := callArgument(t, tt.groups)
				_, decodeErr := decodeGroupsArgument(arg.MsgPack, fn == "effective_members")
				direct := decodeErr == nil
				if fn == "groups_by_name" && tt.name == "a user without an id" {
					// groups_by_name does not read users, so the direct path takes it; the framework's does too.
					direct = !direct
				}
				if direct != tt.direct {
					t.Fatalf("direct path used: %v, want %v (%v)", decodeErr == nil, tt.direct, decodeErr)
				}

				req := &tfprotov6.CallFunctionRequest{Name: fn, Arguments: []*tfprotov6.DynamicValue{arg}}
				got, err := s.CallFunction(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				want, err := s.ProviderServer.CallFunction(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if (got.Error == nil) != (want.Error == nil) {
					t.Fatalf("error %v, the framework's %v", got.Error, want.Error)
				}
				if want.Error != nil {
					if got.Error.Text != want.Error.Text || *got.Error.FunctionArgument != *want.Error.FunctionArgument {
						t.Errorf("error %q (argument %d),\nthe framework's %q (argument %d)", got.Error.Text,
							*got.Error.FunctionArgument, want.Error.Text, *want.Error.FunctionArgument)
					}
					return
				}
				var def = functionReturnType(t, fn)
				gotValue, err := got.Result.Unmarshal(def)
				if err != nil {
					t.Fatalf("direct result does not decode as %v: %v", def, err)
				}
				wantValue, err := want.Result.Unmarshal(def)
				if err != nil {
					t.Fatal(err)
				}
				if !gotValue.Equal(wantValue) {
					t.Errorf("result\n%v\nthe framework's\n%v", gotValue, wantValue)
				}
			})
		}
	}
}

func functionReturnType(t testing.TB, name string) tftypes.Type {
	t.Helper()
	ty := testTypes(t)
	ctx := context.Background()
	if name == "groups_by_name" {
		return types.MapType{ElemType: ty.group}.TerraformType(ctx)
	}
	return types.MapType{ElemType: types.ListType{ElemType: ty.member}}.TerraformType(ctx)
}

// fallbackRecorder counts the calls that the direct path hands to the framework.
type fallbackRecorder struct {
	tfprotov6.ProviderServer
	calls int
}

func (r *fallbackRecorder) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	r.calls++
	return r.ProviderServer.CallFunction(ctx, req)
}

// The direct path answers only the two functions, called with one argument it can read; every other call goes to
// the framework, which knows the rest of the protocol.
func TestCallFunction_handsTheFrameworkWhatItDoesNotRead(t *testing.T) {
	t.Parallel()
	provider, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	framework, ok := provider.(*tfwire.Server)
	if !ok {
		t.Fatalf("the provider server is a %T", provider)
	}
	one := int64(1)
	alice := "alice@example.com"
	valid := callArgument(t, []attr.Value{groupWith(t, "g-a", "A", nil, &one, []attr.Value{person4(t, "u-alice", &alice)})})
	none := callArgument(t, []attr.Value{})
	nullGroup := callArgument(t, []attr.Value{types.ObjectNull(testTypes(t).group.AttrTypes)})
	noMsgPack := &tfprotov6.DynamicValue{JSON: []byte(`[]`)}

	tests := []struct {
		name      string
		function  string
		arguments []*tfprotov6.DynamicValue
		framework bool
	}{
		{"groups_by_name of groups", "groups_by_name", []*tfprotov6.DynamicValue{valid}, false},
		{"effective_members of groups", "effective_members", []*tfprotov6.DynamicValue{valid}, false},
		{"groups_by_name of no groups", "groups_by_name", []*tfprotov6.DynamicValue{none}, false},
		{"a function the direct path does not know", "no_such_function", []*tfprotov6.DynamicValue{valid}, true},
		{"no argument", "groups_by_name", nil, true},
		{"two arguments", "effective_members", []*tfprotov6.DynamicValue{valid, valid}, true},
		{"an argument not in MessagePack", "effective_members", []*tfprotov6.DynamicValue{noMsgPack}, true},
		{"an argument the direct path cannot read", "groups_by_name", []*tfprotov6.DynamicValue{nullGroup}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recorder := &fallbackRecorder{ProviderServer: framework.ProviderServer}
			s := *framework
			s.ProviderServer = recorder
			resp, err := s.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{
				Name: tt.function, Arguments: tt.arguments,
			})
			if err != nil {
				t.Fatal(err)
			}
			if handed := recorder.calls == 1; handed != tt.framework {
				t.Errorf("handed to the framework: %v (%d calls), want %v", handed, recorder.calls, tt.framework)
			}
			if !tt.framework && (resp.Error != nil || resp.Result == nil) {
				t.Errorf("direct answer: error %v, result %v; want a result", resp.Error, resp.Result)
			}
		})
	}
}

// An argument whose length headers claim more than it holds is refused with an error, by every function, before
// either path sizes anything from it: five bytes used to claim four billion groups and end the provider with
// "fatal error: out of memory".
func TestCallFunction_refusesLengthsBeyondTheArgument(t *testing.T) {
	t.Parallel()
	provider, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range [][]byte{
		{0xdd, 0xff, 0xff, 0xff, 0xff},                             // an array of 2^32-1 elements
		{0x91, 0xdf, 0xff, 0xff, 0xff, 0xff},                       // a group of 2^32-1 attributes
		{0x91, 0x81, 0xa2, 'i', 'd', 0xdb, 0x7f, 0xff, 0xff, 0xff}, // an id of 2 GiB
	} {
		for _, fn := range []string{groupsByNameName, effectiveMembersName} {
			resp, err := provider.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{
				Name: fn, Arguments: []*tfprotov6.DynamicValue{{MsgPack: raw}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Error == nil || !strings.Contains(resp.Error.Text, "larger than the bytes left") ||
				resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 0 {
				t.Errorf("%s(% x): want an error about argument 0's length, got %+v", fn, raw, resp.Error)
			}
		}
	}
}
