package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// newGroupsDataSource is kore_groups: every group of the account, filtered, with their members.
func newGroupsDataSource(p *koreProvider) datasource.DataSource {
	return newListingDataSource(p, groupsDataSource)
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
	filter       groupFilter
	endpoint     string
	names        []string // the names argument, nil when it is null
	includeUsers bool
	pageSize     int
	total        int
	all          []kore.Group // every group read, shared with other blocks: never reordered
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
	}, func(w *tfwire.Writer, s *groupsState) { w.OptionalBool(s.cfg.IgnoreMissing.ValueBoolPointer()) }),
	tfwire.ArgumentField("name_regex", schema.StringAttribute{
		MarkdownDescription: "Keep only the groups whose name matches this " +
			"[RE2](https://github.com/google/re2/wiki/Syntax) regular expression (unanchored: use `^…$` for a " +
			"whole-name match).",
		Optional:   true,
		Validators: []validator.String{validRegex()},
	}, func(w *tfwire.Writer, s *groupsState) { w.OptionalString(s.cfg.NameRegex.ValueStringPointer()) }),
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

// groupsDataSource is kore_groups' read: every group, those that pass the filter kept, sorted.
var groupsDataSource = &listing[groupsConfig, groupsState]{
	typeName: "_groups",
	description: "Reads every page of Kore.ai's Get Groups API (`GET /api/public/groups`) and exposes the " +
		"account's groups and their members, optionally filtered by name. Every `kore_groups` and `kore_group` " +
		"block of a plan that asks the same host with the same `page_size` shares one read of the pages.",
	subject:  groupsListing,
	object:   groupsObject,
	timeouts: func(cfg *groupsConfig) timeouts.Value { return cfg.Timeouts },
	arguments: func(ctx context.Context, _ *koreProvider, cfg *groupsConfig) (*groupsState, diag.Diagnostics) {
		var diags diag.Diagnostics
		st := &groupsState{cfg: *cfg}
		st.filter = groupFilter{ignoreMissing: cfg.IgnoreMissing.ValueBool()}
		if !cfg.Names.IsNull() {
			st.filter.names = make([]string, 0, len(cfg.Names.Elements()))
			diags.Append(cfg.Names.ElementsAs(ctx, &st.filter.names, false)...)
		}
		re, regexDiags := nameRegexArgument(cfg.NameRegex)
		diags.Append(regexDiags...)
		st.filter.nameRegex = re
		st.names = st.filter.names
		st.includeUsers = cfg.IncludeUsers.IsNull() || cfg.IncludeUsers.ValueBool()
		st.pageSize = pageSizeOrDefault(cfg.PageSize)
		return st, diags
	},
	read: func(ctx context.Context, client *kore.Client, st *groupsState) ([]string, error) {
		members := kore.MembersAll
		if !st.includeUsers { // group_names_by_email still needs each member's email
			members = kore.MembersEmails
		}
		list, err := client.ListGroupsKeeping(ctx, st.pageSize, members)
		if err != nil {
			return nil, err
		}
		st.endpoint = client.BaseURL().JoinPath("api", "public", "groups").String()
		st.total = list.Total
		st.all = list.Groups
		return list.Warnings, nil
	},
	keep: func(_ context.Context, _ *kore.Client, st *groupsState) diag.Diagnostics {
		var diags diag.Diagnostics
		kept, missing := selectGroups(st.all, st.filter)
		if len(missing) > 0 && !st.filter.ignoreMissing {
			diags.AddAttributeError(path.Root("names"), "Kore.ai Groups Not Found",
				fmt.Sprintf("No group of the account (%d groups read) is named %s. Names are case-sensitive. Correct "+
					"the names, or set ignore_missing = true to read the groups that exist.",
					len(st.all), quotedList(missing)))
			return diags
		}
		st.kept = kept
		rows := make([]groupRow, len(kept))
		st.rows = make([]*groupRow, len(kept))
		for i, g := range kept {
			rows[i] = groupRow{group: g, includeUsers: st.includeUsers}
			st.rows[i] = &rows[i]
		}
		return diags
	},
	sizeHint: func(st *groupsState) int { return estimateStateSize(st.kept, st.includeUsers) },
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
