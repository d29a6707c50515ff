package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*effectiveMembersFunction)(nil)

// effectiveMembersFunction is provider::kore::effective_members: each group's members with those of the groups
// nested in it. The walk itself is effectiveMembers (group_nesting.go); this is only its Terraform face.
type effectiveMembersFunction struct{}

func newEffectiveMembersFunction() function.Function { return &effectiveMembersFunction{} }

func (f *effectiveMembersFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "effective_members"
}

func (f *effectiveMembersFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	t, err := functionTypes()
	if err != nil {
		resp.Diagnostics.AddError("Invalid Function Types", typesError(err).Error())
		return
	}
	resp.Definition = function.Definition{
		Summary: "Each group's members, nested groups included, with the path through which each belongs",
		MarkdownDescription: "Returns a map from group name to the group's **effective** members: its own users " +
			"and, through `child_group_ids`, the users of every group nested in it at any depth. Nested groups are " +
			"looked up by id among the `groups` passed in.\n\n" +
			"Each member is the user object as in `groups`, plus `via`: the names of the nested groups through " +
			"which the user belongs, outermost first — `[]` for a direct member, `[\"Dept\", \"Squad\"]` for a " +
			"user of `Squad`, nested in `Dept`, nested in the group. A user reachable several ways appears once, " +
			"with the shortest path (of equally short paths, the one that sorts first). Members are sorted by " +
			"email, then id. A cycle (`A` holds `B` holds `A`) ends the walk; each group counts once.\n\n" +
			"The function fails instead of returning members that may be incomplete, since an access map that " +
			"silently misses people looks right and is not:\n\n" +
			"- two groups with one name, or with one id: the error names them and their ids;\n" +
			"- a group whose `users` is null while its `user_count` is not 0, as `kore_groups` with " +
			"`include_users = false` gives: set `include_users = true`;\n" +
			"- a `child_group_ids` entry that names no group passed in, as happens when `kore_groups` is filtered " +
			"with `names` or `name_regex`: pass every group, or drop the id from `child_group_ids` on purpose " +
			"before the call;\n" +
			"- an answer of more than 10 million entries (members and the names in their `via` paths), which deep " +
			"nesting can reach: pass only the groups you need, with the groups nested in them.\n\n" +
			"Requires Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name:        "groups",
				ElementType: t.group,
				MarkdownDescription: "Groups as `data.kore_groups.<name>.groups` holds them, read with " +
					"`include_users = true` and including every nested group.",
			},
		},
		Return: function.MapReturn{ElementType: types.ListType{ElemType: t.member}},
	}
}

func (f *effectiveMembersFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	t, err := functionTypes()
	if err != nil {
		resp.Error = typesError(err)
		return
	}
	memberList := types.ListType{ElemType: t.member}
	arg, ferr := readGroupsArgument(ctx, req, true)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if arg.unknown {
		resp.Error = resp.Result.Set(ctx, types.MapUnknown(memberList))
		return
	}
	members, err := effectiveMembers(arg.groups)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}

	byName := make(map[string]attr.Value, len(members))
	for name, list := range members {
		elems := make([]attr.Value, len(list))
		for i, m := range list {
			attrs := make(map[string]attr.Value, len(t.member.AttrTypes))
			for k, v := range arg.users[m.Group][m.User].Attributes() {
				attrs[k] = v
			}
			names := m.Via.names()
			via := make([]attr.Value, len(names))
			for j, n := range names {
				via[j] = types.StringValue(n)
			}
			attrs[viaAttribute] = types.ListValueMust(types.StringType, via)
			obj, diags := types.ObjectValue(t.member.AttrTypes, attrs)
			if diags.HasError() {
				resp.Error = function.FuncErrorFromDiags(ctx, diags)
				return
			}
			elems[i] = obj
		}
		byName[name] = types.ListValueMust(t.member, elems)
	}
	m, diags := types.MapValue(memberList, byName)
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, m)
}
