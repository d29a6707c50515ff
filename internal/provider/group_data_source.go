package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

var (
	_ datasource.DataSourceWithConfigValidators = (*groupDataSource)(nil)
	_ tfwire.StateEncoder                       = (*groupDataSource)(nil)
)

// groupDataSource is kore_group: one group, looked up by name or ID.
type groupDataSource struct {
	provider *koreProvider
}

func newGroupDataSource(p *koreProvider) datasource.DataSource { return &groupDataSource{provider: p} }

type groupConfig struct {
	ID            types.String   `tfsdk:"id"`
	Name          types.String   `tfsdk:"name"`
	IncludeUsers  types.Bool     `tfsdk:"include_users"`
	PageSize      types.Number   `tfsdk:"page_size"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
	Description   types.String   `tfsdk:"description"`
	ChildGroupIDs types.List     `tfsdk:"child_group_ids"`
	UserCount     types.Int64    `tfsdk:"user_count"`
	Users         types.List     `tfsdk:"users"`
}

// groupState is what a read of kore_group writes into state: the group found, and the arguments.
type groupState struct {
	cfg      groupConfig
	row      groupRow
	pageSize int
}

// groupStateObject describes the whole state of kore_group: a group (groupObject) at the top level, whose id and
// name are also the arguments that look it up, and the arguments of the read.
var groupStateObject = tfwire.NewObject(append(tfwire.Within(groupObject, func(s *groupState) *groupRow { return &s.row }),
	tfwire.ArgumentField("include_users", schema.BoolAttribute{
		MarkdownDescription: "When false, `users` is null (`user_count` stays). Defaults to `true`.",
		Optional:            true,
		Computed:            true,
	}, func(w *tfwire.Writer, s *groupState) { w.Bool(s.row.includeUsers) }),
	pageSizeField(pageSizeDescription("Groups asked for per page while looking the group up")+
		" Blocks with the same `page_size` share one read of the pages.",
		func(s *groupState) int { return s.pageSize }),
	readTimeoutsField(func(s *groupState) timeouts.Value { return s.cfg.Timeouts }),
)...).
	Replace("id", schema.StringAttribute{
		MarkdownDescription: "ID of the group to read (API field `_id`). Exactly one of `id` and `name` is " +
			"required; the other is filled from the group found.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}).
	Replace("name", schema.StringAttribute{
		MarkdownDescription: "Name of the group to read (API field `gN`, case-sensitive). Exactly one of `id` and " +
			"`name` is required. A name that two groups carry is an error: use `id` then.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	})

func (d *groupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Kore.ai group, with its members, by name or by ID, from the Get Groups API " +
			"(`GET /api/public/groups`). It shares the read of the pages with every other `kore_groups` and " +
			"`kore_group` block of the plan.",
		Attributes: groupStateObject.Attributes(),
		Blocks:     groupStateObject.Blocks(),
	}
}

func (d *groupDataSource) StateDescription() tfwire.Described { return groupStateObject }

func (d *groupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	tfwire.ReadThroughFramework(ctx, d, d.provider.redact, req, resp)
}

func (d *groupDataSource) EncodeState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	st := groupState{}
	diags.Append(config.Get(ctx, &st.cfg)...)
	if diags.HasError() {
		return nil, diags
	}
	st.row.includeUsers = st.cfg.IncludeUsers.IsNull() || st.cfg.IncludeUsers.ValueBool()
	st.pageSize = pageSizeOrDefault(st.cfg.PageSize)

	members := kore.MembersAll
	if !st.row.includeUsers {
		members = kore.MembersNone
	}
	list, readDiags := readAllGroups(ctx, d.provider.configuredClient(), st.pageSize, members, st.cfg.Timeouts)
	diags.Append(readDiags...)
	if diags.HasError() {
		return nil, diags
	}

	g, lookupDiags := findGroup(list.Groups, st.cfg.ID, st.cfg.Name)
	diags.Append(lookupDiags...)
	if diags.HasError() {
		return nil, diags
	}
	st.row.group = g

	w := tfwire.NewWriter(estimateStateSize([]*kore.Group{g}, st.row.includeUsers))
	groupStateObject.Write(w, &st)
	state, err := w.Bytes()
	if err != nil {
		diags.AddError("Cannot Encode the Group", err.Error())
		return nil, diags
	}
	return state, diags
}

// findGroup looks a group up by ID or by name; the config validator guarantees exactly one of them is set.
func findGroup(groups []kore.Group, id, name types.String) (*kore.Group, diag.Diagnostics) {
	var diags diag.Diagnostics
	if !id.IsNull() {
		for i := range groups {
			if groups[i].ID == id.ValueString() {
				return &groups[i], diags
			}
		}
		diags.AddAttributeError(path.Root("id"), "Kore.ai Group Not Found",
			fmt.Sprintf("No group of the account (%d groups read) has the ID %q.", len(groups), id.ValueString()))
		return nil, diags
	}

	var matches []*kore.Group
	for i := range groups {
		if groups[i].Name == name.ValueString() {
			matches = append(matches, &groups[i])
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], diags
	case 0:
		diags.AddAttributeError(path.Root("name"), "Kore.ai Group Not Found",
			fmt.Sprintf("No group of the account (%d groups read) is named %q. Names are case-sensitive; the "+
				"kore_groups data source lists every name.", len(groups), name.ValueString()))
	default:
		sortGroups(matches)
		ids := make([]string, len(matches))
		for i, g := range matches {
			ids[i] = g.ID
		}
		diags.AddAttributeError(path.Root("name"), "Kore.ai Group Name Is Not Unique",
			fmt.Sprintf("%d groups are named %q (IDs %s). Look the group up by id instead.",
				len(matches), name.ValueString(), quotedList(ids)))
	}
	return nil, diags
}
