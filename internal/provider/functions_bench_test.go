package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// benchmarkCallFunction times one call as Terraform makes it: the argument decoded from MessagePack, the function
// run, the result encoded back.
func benchmarkCallFunction(b *testing.B, name string, groups []nestedGroup) {
	ctx := context.Background()
	ty := testTypes(b)
	elems := make([]attr.Value, len(groups))
	for i, g := range groups {
		users := make([]attr.Value, len(g.Users))
		for j, u := range g.Users {
			users[j] = userValue(b, map[string]attr.Value{
				"id": types.StringValue(u.ID), "email": types.StringPointerValue(u.Email),
				"first_name": types.StringValue("First"), "last_name": types.StringValue("Last"),
				"activation_status": types.StringValue("active"), "org_id": types.StringValue("o-1"),
			})
		}
		elems[i] = groupValue(b, types.StringValue(g.ID), types.StringValue(g.Name), g.ChildGroupIDs, users...)
	}
	list := types.ListValueMust(ty.group, elems)
	tv, err := list.ToTerraformValue(ctx)
	if err != nil {
		b.Fatal(err)
	}
	arg, err := tfprotov6.NewDynamicValue(list.Type(ctx).TerraformType(ctx), tv)
	if err != nil {
		b.Fatal(err)
	}
	server, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := server.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: name, Arguments: []*tfprotov6.DynamicValue{&arg}})
		if err != nil || resp.Error != nil {
			b.Fatalf("%v %v", err, resp.Error)
		}
	}
}

// 10,000 groups of 20 users, nested as in BenchmarkEffectiveMembers_10000Groups.
func BenchmarkCallFunction_groupsByName10000Groups(b *testing.B) {
	benchmarkCallFunction(b, "groups_by_name", nestedTree(10000, 20))
}

func BenchmarkCallFunction_effectiveMembers10000Groups(b *testing.B) {
	benchmarkCallFunction(b, "effective_members", nestedTree(10000, 20))
}
