package provider

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// Get Roles sends admin roles without _id, as Kore.ai's sample does; kore_roles gives every one the id that Export
// Roles sends for its name, which is the role_id kore_users shows for the users who hold it, so that the two join.
func TestAccRolesDataSource_adminRoleIDsAreTheRoleIDsUsersHold(t *testing.T) {
	t.Parallel()
	access := fakekore.GenerateAccess(testAccountGroups(), 3)
	s := newRolesBotsServer(t, access)
	var held []knownvalue.Check // the admin roles users hold, by name, each once
	var names []string
	for _, u := range access.Users {
		for _, grant := range u.AdminRoles {
			if !slices.Contains(names, grant.RoleName) {
				names = append(names, grant.RoleName)
			}
		}
	}
	slices.Sort(names)
	for _, name := range names {
		held = append(held, knownvalue.StringExact(name))
	}
	if len(held) < 2 {
		t.Fatalf("users of the fixture hold %d admin roles; the test needs several", len(held))
	}

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_roles" "admin" {
  role_type = "admin"
}

data "kore_users" "all" {}

locals {
  admin_role_ids = { for r in data.kore_roles.admin.roles : r.name => r.id }
  grants         = flatten([for u in data.kore_users.all.users : u.admin_roles])
}

output "roles_without_id" {
  value = [for r in data.kore_roles.admin.roles : r.name if r.id == null]
}

output "grants_of_another_id" {
  value = [for g in local.grants : g.role_name if lookup(local.admin_role_ids, g.role_name, "") != g.role_id]
}

output "roles_held" {
  value = sort(distinct([for g in local.grants : g.role_name]))
}
`,
			// Get Roles, Export Roles and Get User Roles Details, one page each.
			Check: requestCount(s, 3),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("roles_without_id", knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownOutputValue("grants_of_another_id", knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownOutputValue("roles_held", knownvalue.ListExact(held)),
			},
		}},
	})
}

// An admin role that Export Roles does not list keeps a null id, with a warning naming it, and the read succeeds;
// an Export Roles that cannot be read fails the read, naming Export Roles.
func TestRolesDataSource_adminRoleIDsNotFound(t *testing.T) {
	t.Parallel()
	access := fakekore.GenerateAccess(testAccountGroups(), 1)
	admin := map[string]tftypes.Value{"role_type": tftypes.NewValue(tftypes.String, "admin")}
	exportOnly := func(answer func(w http.ResponseWriter)) fakekore.Interceptor {
		return func(_ int, w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path != fakekore.RolesExportPath {
				return false
			}
			answer(w)
			return true
		}
	}
	cases := []struct {
		name, severity, summary string
		details                 []string
		answer                  func(w http.ResponseWriter)
	}{
		{"one exported role", "WARNING", "Kore.ai Role IDs Not Found", []string{`Get Roles sent these admin roles ` +
			`without an id, and Export Roles lists none of the same name, so their id is null: "Bot Admin", ` +
			`"User Admin", "Security Admin", "Billing Admin", "Audit Viewer". kore_roles takes the ids`},
			func(w http.ResponseWriter) { _, _ = w.Write([]byte(`[{"_id":"a-1","role":"Master Admin"}]`)) }},
		{"a scope refusal", "ERROR", "Kore.ai App Lacks an API Scope", []string{
			"Export Roles (GET /api/public/roles/export?roleType=admin)", "Profile Management > Role Management"},
			func(w http.ResponseWriter) {
				fakekore.WriteError(w, http.StatusUnauthorized, fakekore.MsgScopeIncorrect, fakekore.CodeInvalidToken)
			}},
		{"an answer without ids", "ERROR", "Kore.ai Sent an Unreadable Answer", []string{
			"Export Roles (GET /api/public/roles/export?roleType=admin)", `element 0 (role "Master Admin") has no "_id"`},
			func(w http.ResponseWriter) { _, _ = w.Write([]byte(`[{"role":"Master Admin"}]`)) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newRolesBotsServer(t, access, func(o *fakekore.Options) { o.Intercept = exportOnly(tc.answer) })
			h := newProtocolHarness(t, s.URL, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)})
			resp, err := h.server.ReadDataSource(context.Background(), h.readRequest(t, "kore_roles", admin))
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("diagnostics:\n%s\nwant one", describeDiagnostics(resp.Diagnostics))
			}
			d := resp.Diagnostics[0]
			severity := map[tfprotov6.DiagnosticSeverity]string{tfprotov6.DiagnosticSeverityWarning: "WARNING",
				tfprotov6.DiagnosticSeverityError: "ERROR"}[d.Severity]
			if severity != tc.severity || d.Summary != tc.summary {
				t.Errorf("diagnostic %s %q, want %s %q", severity, d.Summary, tc.severity, tc.summary)
			}
			for _, detail := range tc.details {
				if !strings.Contains(d.Detail, detail) {
					t.Errorf("detail %q lacks %q", d.Detail, detail)
				}
			}
			if tc.severity == "WARNING" && resp.State == nil {
				t.Error("a read with roles of unknown id wrote no state")
			}
		})
	}
}
