package provider

import (
	"context"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// newRolesDataSource is kore_roles: every admin role, or every bot role, of the account.
func newRolesDataSource(p *koreProvider) datasource.DataSource {
	return newListingDataSource(p, rolesDataSource)
}

// rolesConfig holds the arguments; the computed attributes are here only because the framework decodes whole
// objects, and are written from rolesObject.
type rolesConfig struct {
	ID       types.String   `tfsdk:"id"`
	RoleType types.String   `tfsdk:"role_type"`
	PageSize types.Number   `tfsdk:"page_size"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
	Total    types.Int64    `tfsdk:"total"`
	Roles    types.List     `tfsdk:"roles"`
}

// rolesState is what a read of kore_roles writes into state.
type rolesState struct {
	cfg      rolesConfig
	endpoint string
	pageSize int
	total    int
	roles    []*kore.Role
	// idWarnings name the admin roles that Export Roles gave no id, or several.
	idWarnings []string
}

// rolesObject describes the whole state of kore_roles: its arguments as configured and what the read found.
var rolesObject = tfwire.NewObject(
	tfwire.StringField("id", "", "The API endpoint read, with its role type, such as "+
		"`https://platform.kore.ai/api/public/roles?roleType=bot`.",
		func(s *rolesState) string { return s.endpoint }),
	tfwire.ArgumentField("role_type", schema.StringAttribute{
		MarkdownDescription: "Which roles to read (the API's `roleType`): `admin` for the account-level roles of " +
			"the Admin Console, `bot` for the roles held in each bot.",
		Required:   true,
		Validators: []validator.String{stringvalidator.OneOf(kore.RoleTypeAdmin, kore.RoleTypeBot)},
	}, func(w *tfwire.Writer, s *rolesState) { w.String(s.cfg.RoleType.ValueString()) }),
	pageSizeField(pageSizeDescription("Roles asked for per page (the API's `limit`)")+
		" Blocks with the same `role_type` and `page_size` share one read of the pages.",
		func(s *rolesState) int { return s.pageSize }),
	readTimeoutsField(func(s *rolesState) timeouts.Value { return s.cfg.Timeouts }),
	tfwire.IntField("total", "total", "Number of roles of this type as the API reports it (`total`).",
		func(s *rolesState) int64 { return int64(s.total) }),
	tfwire.ObjectListField("roles", "roles", "The roles of this type, sorted by name, then ID (a role without an ID "+
		"first).", roleObject,
		func(s *rolesState) []*kore.Role { return s.roles }),
)

// rolesDataSource is kore_roles' read: the roles of one type, sorted.
var rolesDataSource = &listing[rolesConfig, rolesState]{
	typeName: "_roles",
	description: "Reads every page of Kore.ai's Get Roles API (`GET /api/public/roles?roleType=…`) and exposes the " +
		"account's admin roles or bot roles with their permissions. Get Roles sends admin roles without their ids, " +
		"so for those the data source also reads Kore.ai's Export Roles API (`GET " +
		"/api/public/roles/export?roleType=admin`, one more request, same API scope) and gives each role the id of " +
		"the exported role of the same name. Every `kore_roles` block of a plan that asks the same host with the " +
		"same `role_type` and `page_size` shares one read of the pages.",
	subject:  rolesListing,
	object:   rolesObject,
	timeouts: func(cfg *rolesConfig) timeouts.Value { return cfg.Timeouts },
	arguments: func(_ context.Context, _ *koreProvider, cfg *rolesConfig) (*rolesState, diag.Diagnostics) {
		return &rolesState{cfg: *cfg, pageSize: pageSizeOrDefault(cfg.PageSize)}, nil
	},
	read: func(ctx context.Context, client *kore.Client, st *rolesState) ([]string, error) {
		roleType := st.cfg.RoleType.ValueString() // one of the two, by the attribute's validator
		list, err := client.ListRolesWithIDs(ctx, roleType, st.pageSize)
		if err != nil {
			return nil, err
		}
		endpoint := client.BaseURL().JoinPath("api", "public", "roles")
		endpoint.RawQuery = url.Values{"roleType": {roleType}}.Encode()
		st.endpoint = endpoint.String()
		st.total = list.Total
		st.roles = sortedRoles(list.Roles)
		st.idWarnings = list.IDWarnings
		return list.Warnings, nil
	},
	keep: func(_ context.Context, client *kore.Client, st *rolesState) diag.Diagnostics {
		var diags diag.Diagnostics
		for _, w := range st.idWarnings {
			diags.AddWarning("Kore.ai Role IDs Not Found", client.Redact(w)+". kore_roles takes the ids that Get "+
				"Roles leaves out from Export Roles, matching each role by its name.")
		}
		return diags
	},
	sizeHint: func(st *rolesState) int { return 4096 + 512*len(st.roles) },
}
