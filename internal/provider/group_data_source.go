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
)

var (
	_ datasource.DataSourceWithConfigure        = (*groupDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*groupDataSource)(nil)
	_ directStateReader                         = (*groupDataSource)(nil)
)

// groupDataSource is kore_group: one group, looked up by name or ID.
type groupDataSource struct {
	client *kore.Client
}

func newGroupDataSource() datasource.DataSource { return &groupDataSource{} }

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

func (d *groupDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_group"
}

func (d *groupDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := groupAttributes("")
	attributes["id"] = schema.StringAttribute{
		MarkdownDescription: "ID of the group to read (API field `_id`). Exactly one of `id` and `name` is required; " +
			"the other is filled from the group found.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attributes["name"] = schema.StringAttribute{
		MarkdownDescription: "Name of the group to read (API field `gN`, case-sensitive). Exactly one of `id` and " +
			"`name` is required. A name that two groups carry is an error: use `id` then.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attributes["include_users"] = schema.BoolAttribute{
		MarkdownDescription: "When false, `users` is null (`user_count` stays). Defaults to `true`.",
		Optional:            true,
		Computed:            true,
	}
	attributes["page_size"] = schema.NumberAttribute{
		MarkdownDescription: "Groups asked for per page while looking the group up, between 1 and 50. Defaults to " +
			"`50`. Blocks with the same `page_size` share one read of the pages.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.Number{wholeNumberBetween(1, kore.MaxPageSize)},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Kore.ai group, with its members, by name or by ID, from the Get Groups API " +
			"(`GET /api/public/groups`). It shares the read of the pages with every other `kore_groups` and " +
			"`kore_group` block of the plan.",
		Attributes: attributes,
		Blocks: map[string]schema.Block{
			"timeouts": readTimeoutsBlock(ctx, timeouts.Opts{
				ReadDescription: "Time limit of the whole read, retries and waits for the rate limit included, as a " +
					"Go duration. Defaults to `10m`.",
			}),
		},
	}
}

func (d *groupDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *groupDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	resp.Diagnostics.Append(clientFromProviderData(req.ProviderData, &d.client)...)
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(readThroughFramework(ctx, d, d.client, req.Config, &resp.State)...)
}

func (d *groupDataSource) readState(ctx context.Context, client *kore.Client, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg groupConfig
	diags.Append(config.Get(ctx, &cfg)...)
	if diags.HasError() {
		return nil, diags
	}
	includeUsers := cfg.IncludeUsers.IsNull() || cfg.IncludeUsers.ValueBool()
	pageSize := pageSizeOrDefault(cfg.PageSize)

	list, readDiags := readAllGroups(ctx, client, pageSize, cfg.Timeouts)
	diags.Append(readDiags...)
	if diags.HasError() {
		return nil, diags
	}

	g, lookupDiags := findGroup(list.Groups, cfg.ID, cfg.Name)
	diags.Append(lookupDiags...)
	if diags.HasError() {
		return nil, diags
	}

	w := newStateWriter(estimateStateSize([]*kore.Group{g}, includeUsers))
	w.object(append(w.groupAttributes(g, includeUsers),
		attribute{"include_users", func() { w.boolean(includeUsers) }},
		attribute{"page_size", func() { w.integer(int64(pageSize)) }},
		attribute{"timeouts", func() { w.timeoutsBlock(timeoutsRead(cfg.Timeouts)) }},
	))

	state, err := w.bytes()
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
				len(matches), name.ValueString(), quoteList(ids)))
	}
	return nil, diags
}
