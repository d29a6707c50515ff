package provider

import (
	"context"
	"fmt"
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
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

var _ tfwire.StateEncoder = (*groupsDataSource)(nil)

// groupsDataSource is kore_groups: every group of the account, filtered, with their members.
type groupsDataSource struct {
	provider *koreProvider
}

func newGroupsDataSource(p *koreProvider) datasource.DataSource {
	return &groupsDataSource{provider: p}
}

// groupsConfig holds the arguments; the computed attributes are here only because the framework decodes whole
// objects, and are written from groupsObject.
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
	GroupNamesByEmail types.Map      `tfsdk:"group_names_by_email"`
}

// groupsState is what a read of kore_groups writes into state.
type groupsState struct {
	cfg          groupsConfig
	endpoint     string
	names        []string // the names argument, nil when it is null
	includeUsers bool
	pageSize     int
	total        int
	kept         []*kore.Group
	rows         []*groupRow // kept, with includeUsers
}

// groupsObject describes the whole state of kore_groups: its arguments as configured and what the read found.
var groupsObject = tfwire.NewObject(
	tfwire.StringField("id", "", "The API endpoint read, such as `https://platform.kore.ai/api/public/groups`.",
		func(s *groupsState) string { return s.endpoint }),
	tfwire.ArgumentField("names", schema.SetAttribute{
		MarkdownDescription: "Keep exactly the groups with these names (case-sensitive). A name that no group " +
			"has is an error, unless `ignore_missing` is true. Combined with `name_regex`, a group must pass both.",
		ElementType: types.StringType,
		Optional:    true,
		Validators:  []validator.Set{setvalidator.NoNullValues()},
	}, func(w *tfwire.Writer, s *groupsState) { w.StringList(s.names) }),
	tfwire.ArgumentField("ignore_missing", schema.BoolAttribute{
		MarkdownDescription: "When true, names in `names` that no group has are left out instead of failing " +
			"the read. Requires `names`. Defaults to `false`.",
		Optional:   true,
		Validators: []validator.Bool{boolvalidator.AlsoRequires(path.MatchRoot("names"))},
	}, func(w *tfwire.Writer, s *groupsState) { w.OptionalBool(boolPointer(s.cfg.IgnoreMissing)) }),
	tfwire.ArgumentField("name_regex", schema.StringAttribute{
		MarkdownDescription: "Keep only the groups whose name matches this " +
			"[RE2](https://github.com/google/re2/wiki/Syntax) regular expression (unanchored: use `^…$` for a " +
			"whole-name match).",
		Optional:   true,
		Validators: []validator.String{validRegex()},
	}, func(w *tfwire.Writer, s *groupsState) { w.OptionalString(stringPointer(s.cfg.NameRegex)) }),
	tfwire.ArgumentField("include_users", schema.BoolAttribute{
		MarkdownDescription: "When false, every group's `users` is null (`user_count` stays), which keeps the " +
			"state small. Defaults to `true`.",
		Optional: true,
		Computed: true,
	}, func(w *tfwire.Writer, s *groupsState) { w.Bool(s.includeUsers) }),
	pageSizeField(pageSizeDescription("Groups asked for per page (the API's `limit`)"),
		func(s *groupsState) int { return s.pageSize }),
	readTimeoutsField(func(s *groupsState) timeouts.Value { return s.cfg.Timeouts }),
	tfwire.IntField("total", "total",
		"Number of groups in the account as the API reports it (`total`), before filtering.",
		func(s *groupsState) int64 { return int64(s.total) }),
	tfwire.ObjectListAttributeField("groups", "",
		"The groups kept, sorted by name, then ID: objects with the attributes of [`kore_group`](group.md) ("+
			groupObject.AttributeNames()+"). Pass it to `provider::kore::groups_by_name` for the groups keyed by "+
			"name, or to `provider::kore::effective_members` for each group's members through nested groups.",
		groupObject, func(s *groupsState) []*groupRow { return s.rows }),
	tfwire.StringListMapField("group_names_by_email", "",
		"For each member's email, the sorted names of the kept groups that hold that member: the shape that role "+
			"assignments usually want. Filled even when `include_users` is false; members without an email are "+
			"left out.",
		func(s *groupsState) map[string][]string { return groupNamesByEmail(s.kept) }),
)

func (d *groupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_groups"
}

func (d *groupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads every page of Kore.ai's Get Groups API (`GET /api/public/groups`) and exposes the " +
			"account's groups and their members, optionally filtered by name. Every `kore_groups` and `kore_group` " +
			"block of a plan that asks the same host with the same `page_size` shares one read of the pages.",
		Attributes: groupsObject.Attributes(),
		Blocks:     groupsObject.Blocks(),
	}
}

func (d *groupsDataSource) StateDescription() tfwire.Described { return groupsObject }

func (d *groupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	tfwire.ReadThroughFramework(ctx, d, d.provider.redact, req, resp)
}

func (d *groupsDataSource) EncodeState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	var diags diag.Diagnostics
	st := groupsState{}
	diags.Append(config.Get(ctx, &st.cfg)...)
	if diags.HasError() {
		return nil, diags
	}
	cfg := &st.cfg

	filter := groupFilter{ignoreMissing: cfg.IgnoreMissing.ValueBool()}
	if !cfg.Names.IsNull() {
		filter.names = make([]string, 0, len(cfg.Names.Elements()))
		diags.Append(cfg.Names.ElementsAs(ctx, &filter.names, false)...)
	}
	re, regexDiags := nameRegexArgument(cfg.NameRegex)
	diags.Append(regexDiags...)
	filter.nameRegex = re
	st.names = filter.names
	st.includeUsers = cfg.IncludeUsers.IsNull() || cfg.IncludeUsers.ValueBool()
	st.pageSize = pageSizeOrDefault(cfg.PageSize)
	if diags.HasError() {
		return nil, diags
	}

	client := d.provider.configuredClient()
	members := kore.MembersAll
	if !st.includeUsers { // group_names_by_email still needs each member's email
		members = kore.MembersEmails
	}
	list, readDiags := readAllGroups(ctx, client, st.pageSize, members, cfg.Timeouts)
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
	st.endpoint = client.BaseURL().JoinPath("api", "public", "groups").String()
	st.total = list.Total
	st.kept = kept
	rows := make([]groupRow, len(kept))
	st.rows = make([]*groupRow, len(kept))
	for i, g := range kept {
		rows[i] = groupRow{group: g, includeUsers: st.includeUsers}
		st.rows[i] = &rows[i]
	}

	w := tfwire.NewWriter(estimateStateSize(kept, st.includeUsers))
	groupsObject.Write(w, &st)
	state, err := w.Bytes()
	if err != nil {
		diags.AddError("Cannot Encode the Groups", err.Error())
		return nil, diags
	}
	return state, diags
}

func quoteList(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(quoted, ", ")
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

// estimateStateSize guesses the encoded size so that the buffer grows once: a user object takes about 300 bytes.
func estimateStateSize(groups []*kore.Group, includeUsers bool) int {
	n := 4096
	for _, g := range groups {
		n += 256
		if includeUsers {
			n += 320 * len(g.Users)
		}
	}
	return n
}
