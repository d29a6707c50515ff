package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ function.Function = (*groupsByNameFunction)(nil)

// groupsByNameFunction is provider::kore::groups_by_name: kore_groups.groups keyed by name, computed in the
// configuration so that state holds the groups once.
type groupsByNameFunction struct{}

func newGroupsByNameFunction() function.Function { return &groupsByNameFunction{} }

func (f *groupsByNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "groups_by_name"
}

func (f *groupsByNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	t, err := functionTypes()
	if err != nil {
		resp.Diagnostics.AddError("Invalid Function Types", typesError(err).Error())
		return
	}
	resp.Definition = function.Definition{
		Summary: "Groups keyed by name",
		MarkdownDescription: "Returns a map from group name to group object, built from a list of groups exactly as " +
			"the `kore_groups` data source's `groups` attribute holds them. Nothing is stored in state: the map is " +
			"computed wherever the function is called.\n\n" +
			"Two groups with one name are an error naming the name and the ids of the groups, since picking one " +
			"of them silently could grant the wrong access. Leave the unwanted groups out of the list, by id, " +
			"before the call.\n\n" +
			"Requires Terraform 1.8 or later, or OpenTofu 1.7 or later.",
		Parameters: []function.Parameter{
			function.ListParameter{
				Name:        "groups",
				ElementType: t.group,
				MarkdownDescription: "Groups as `data.kore_groups.<name>.groups` holds them (or a part of that " +
					"list, such as the result of a `for` expression over it).",
			},
		},
		Return: function.MapReturn{ElementType: t.group},
	}
}

func (f *groupsByNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	t, err := functionTypes()
	if err != nil {
		resp.Error = typesError(err)
		return
	}
	arg, ferr := readGroupsArgument(ctx, req, false)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if arg.unknown {
		resp.Error = resp.Result.Set(ctx, types.MapUnknown(t.group))
		return
	}
	if err := checkUniqueNames(arg.groups); err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	byName := make(map[string]attr.Value, len(arg.groups))
	for i, g := range arg.groups {
		byName[g.Name] = arg.objects[i]
	}
	m, diags := types.MapValue(t.group, byName)
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, m)
}
