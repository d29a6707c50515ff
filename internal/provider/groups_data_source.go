package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	_ datasource.DataSourceWithConfigure = (*groupsDataSource)(nil)
	_ directStateReader                  = (*groupsDataSource)(nil)
)

// groupsDataSource is kore_groups: every group of the account, filtered, with their members.
type groupsDataSource struct {
	client *kore.Client
}

func newGroupsDataSource() datasource.DataSource { return &groupsDataSource{} }

// groupsConfig holds the arguments; the computed attributes are here only because the framework decodes whole
// objects, and are written by the state encoder.
type groupsConfig struct {
	ID                types.String   `tfsdk:"id"`
	Names             types.Set      `tfsdk:"names"`
	IgnoreMissing     types.Bool     `tfsdk:"ignore_missing"`
	NameRegex         types.String   `tfsdk:"name_regex"`
	IncludeUsers      types.Bool     `tfsdk:"include_users"`
	PageSize          types.Number   `tfsdk:"page_size"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	Total             types.Int64    `tfsdk:"total"`
	Groups            types.List     `tfsdk:"groups"`
	GroupsByName      types.Map      `tfsdk:"groups_by_name"`
	GroupNamesByEmail types.Map      `tfsdk:"group_names_by_email"`
}

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every page of Kore.ai's Get Groups API (`GET /api/public/groups`) and exposes the " +
			"account's groups and their members, optionally filtered by name. Every `kore_groups` and `kore_group` " +
			"block of a plan that asks the same host with the same `page_size` shares one read of the pages.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The API endpoint read, such as `https://platform.kore.ai/api/public/groups`.",
				Computed:            true,
			},
			"names": schema.SetAttribute{
				MarkdownDescription: "Keep exactly the groups with these names (case-sensitive). A name that no group " +
					"has is an error, unless `ignore_missing` is true. Combined with `name_regex`, a group must pass both.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Set{setvalidator.NoNullValues()},
			},
			"ignore_missing": schema.BoolAttribute{
				MarkdownDescription: "When true, names in `names` that no group has are left out instead of failing " +
					"the read. Requires `names`. Defaults to `false`.",
				Optional:   true,
				Validators: []validator.Bool{boolvalidator.AlsoRequires(path.MatchRoot("names"))},
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Keep only the groups whose name matches this " +
					"[RE2](https://github.com/google/re2/wiki/Syntax) regular expression (unanchored: use `^…$` for a " +
					"whole-name match).",
				Optional:   true,
				Validators: []validator.String{validRegex()},
			},
			"include_users": schema.BoolAttribute{
				MarkdownDescription: "When false, every group's `users` is null (`user_count` stays), which keeps the " +
					"state small. Defaults to `true`.",
				Optional: true,
				Computed: true,
			},
			"page_size": schema.NumberAttribute{
				MarkdownDescription: "Groups asked for per page (the API's `limit`), between 1 and 50. Defaults to " +
					"`50`, which needs the fewest requests.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Number{wholeNumberBetween(1, kore.MaxPageSize)},
			},
			"total": schema.Int64Attribute{
				MarkdownDescription: "Number of groups in the account as the API reports it (`total`), before filtering.",
				Computed:            true,
			},
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "The groups kept, sorted by name, then ID.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: groupAttributes("Group ID (API field `_id`)."),
				},
			},
			"groups_by_name": schema.MapNestedAttribute{
				MarkdownDescription: "The same groups keyed by name. A name that more than one group carries is left " +
					"out (with a warning); those groups are still in `groups`.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: groupAttributes("Group ID (API field `_id`)."),
				},
			},
			"group_names_by_email": schema.MapAttribute{
				MarkdownDescription: "For each member's email, the sorted names of the kept groups that hold that " +
					"member: the shape that role assignments usually want. Filled even when `include_users` is false; " +
					"members without an email are left out.",
				ElementType: types.ListType{ElemType: types.StringType},
				Computed:    true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": readTimeoutsBlock(ctx, timeouts.Opts{
				ReadDescription: "Time limit of the whole read, retries and waits for the rate limit included, as a " +
					"Go duration. Defaults to `10m`.",
			}),
		},
	}
}

func (d *groupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	resp.Diagnostics.Append(clientFromProviderData(req.ProviderData, &d.client)...)
}

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	resp.Diagnostics.Append(readThroughFramework(ctx, d, d.client, req.Config, &resp.State)...)
}

func (d *groupsDataSource) readState(ctx context.Context, client *kore.Client, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	var cfg groupsConfig
	diags.Append(config.Get(ctx, &cfg)...)
	if diags.HasError() {
		return nil, diags
	}

	filter := groupFilter{ignoreMissing: cfg.IgnoreMissing.ValueBool()}
	if !cfg.Names.IsNull() {
		filter.names = make([]string, 0, len(cfg.Names.Elements()))
		diags.Append(cfg.Names.ElementsAs(ctx, &filter.names, false)...)
	}
	if !cfg.NameRegex.IsNull() {
		re, err := regexp.Compile(cfg.NameRegex.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
		}
		filter.nameRegex = re
	}
	includeUsers := cfg.IncludeUsers.IsNull() || cfg.IncludeUsers.ValueBool()
	pageSize := pageSizeOrDefault(cfg.PageSize)
	if diags.HasError() {
		return nil, diags
	}

	list, readDiags := readAllGroups(ctx, client, pageSize, cfg.Timeouts)
	diags.Append(readDiags...)
	if diags.HasError() {
		return nil, diags
	}

	kept, missing := selectGroups(list.Groups, filter)
	if len(missing) > 0 && !filter.ignoreMissing {
		diags.AddAttributeError(path.Root("names"), "Kore.ai Groups Not Found",
			fmt.Sprintf("No group of the account (%d groups read) is named %s. Names are case-sensitive. Correct "+
				"the names, or set ignore_missing = true to read the groups that exist.",
				len(list.Groups), quoteList(missing)))
		return nil, diags
	}
	dups := duplicateNames(kept)
	if len(dups) > 0 {
		diags.AddAttributeWarning(path.Root("groups_by_name"), "Group Names Are Not Unique", duplicateNamesWarning(dups))
	}

	w := newStateWriter(estimateStateSize(kept, includeUsers))
	var spans [][2]int // where each group's encoding lies, to repeat it in groups_by_name
	w.object([]attribute{
		{"id", func() { w.str(client.BaseURL().JoinPath("api", "public", "groups").String()) }},
		{"names", func() {
			if cfg.Names.IsNull() {
				w.null()
				return
			}
			w.stringList(filter.names)
		}},
		{"ignore_missing", func() { w.optionalBool(boolPointer(cfg.IgnoreMissing)) }},
		{"name_regex", func() { w.optionalString(stringPointer(cfg.NameRegex)) }},
		{"include_users", func() { w.boolean(includeUsers) }},
		{"page_size", func() { w.integer(int64(pageSize)) }},
		{"timeouts", func() { w.timeoutsBlock(timeoutsRead(cfg.Timeouts)) }},
		{"total", func() { w.integer(int64(list.Total)) }},
		{"groups", func() {
			w.listStart(len(kept))
			spans = make([][2]int, len(kept))
			for i, g := range kept {
				start := w.buf.Len()
				w.object(w.groupAttributes(g, includeUsers))
				spans[i] = [2]int{start, w.buf.Len()}
			}
		}},
		// Written after groups, which name order guarantees, so that each group is encoded once.
		{"groups_by_name", func() {
			w.mapStart(len(kept) - countDuplicates(dups))
			for i, g := range kept {
				if _, dup := dups[g.Name]; dup {
					continue
				}
				w.key(g.Name)
				w.raw(w.buf.Bytes()[spans[i][0]:spans[i][1]])
			}
		}},
		{"group_names_by_email", func() { w.stringListMap(groupNamesByEmail(kept)) }},
	})

	state, err := w.bytes()
	if err != nil {
		diags.AddError("Cannot Encode the Groups", err.Error())
		return nil, diags
	}
	return state, diags
}

// countDuplicates is how many groups groups_by_name leaves out.
func countDuplicates(dups map[string][]string) int {
	n := 0
	for _, ids := range dups {
		n += len(ids)
	}
	return n
}

func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
}

func pageSizeOrDefault(v types.Number) int {
	if v.IsNull() || v.IsUnknown() {
		return defaultPageSize
	}
	n, ok := wholeNumber(v.ValueBigFloat(), 1, kore.MaxPageSize)
	if !ok { // refused by the attribute's validator before any read
		return defaultPageSize
	}
	return int(n)
}

func boolPointer(v types.Bool) *bool {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	b := v.ValueBool()
	return &b
}

func stringPointer(v types.String) *string {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	s := v.ValueString()
	return &s
}
