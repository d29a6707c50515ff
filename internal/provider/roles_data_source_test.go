package provider

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// rolesBotsAccess is the generated roles and bots of testAccountGroups' account, ten bots, with two more bot roles
// named "Analyst" (one without _id, one whose _id sorts first) so that the sort by ID after name is exercised.
func rolesBotsAccess() fakekore.Access {
	access := fakekore.GenerateAccess(testAccountGroups(), 10)
	access.Roles = append(access.Roles,
		fakekore.Role{RoleType: fakekore.RoleTypeBot, Name: fakekore.RoleAnalyst,
			Permissions: map[string]any{"Analytics": []string{"VIEW"}}},
		fakekore.Role{RoleType: fakekore.RoleTypeBot, ID: fakekore.Ptr("000000000000000000000001"), Name: fakekore.RoleAnalyst,
			Description: fakekore.Ptr(""), Permissions: map[string]any{}},
	)
	return access
}

// newRolesBotsServer serves access (and testAccountGroups) on loopback, tokens signed for the test app required.
func newRolesBotsServer(t *testing.T, access fakekore.Access, configure ...func(*fakekore.Options)) *fakekore.Server {
	t.Helper()
	return newTestServer(t, testAccountGroups(), append([]func(*fakekore.Options){func(o *fakekore.Options) {
		o.Access = access
	}}, configure...)...)
}

// wantRoles is what roles must hold for the fixture roles of roleType, derived from the wire fixture independently
// of the provider's own conversion: sorted by name, then ID (none first); a permission's single string becomes a
// list of one; an admin role's id is the one Export Roles sends.
func wantRoles(t *testing.T, access fakekore.Access, roleType string) []any {
	t.Helper()
	var roles []fakekore.Role
	for _, r := range access.Roles {
		if r.RoleType == roleType {
			roles = append(roles, r)
		}
	}
	sort.SliceStable(roles, func(i, j int) bool {
		a, b := roles[i], roles[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if (a.ID == nil) != (b.ID == nil) {
			return a.ID == nil
		}
		return a.ID != nil && *a.ID < *b.ID
	})
	out := make([]any, 0, len(roles))
	for _, r := range roles {
		permissions := map[string]any{}
		for name, value := range r.Permissions {
			switch v := value.(type) {
			case string:
				permissions[name] = []any{v}
			case []string:
				list := make([]any, len(v))
				for i, s := range v {
					list[i] = s
				}
				permissions[name] = list
			default:
				t.Fatalf("fixture permission %q of role %q is a %T", name, r.Name, value)
			}
		}
		id := r.ID
		if id == nil && roleType == fakekore.RoleTypeAdmin {
			id = r.ExportedID // Get Roles leaves it out; kore_roles reads it from Export Roles
		}
		out = append(out, map[string]any{
			"id": deref(id), "name": r.Name, "description": deref(r.Description), "permissions": permissions,
		})
	}
	return out
}

// indexOfRole is where the role named name with id sits in the sorted roles of want.
func indexOfRole(t *testing.T, want []any, name string, id any) int {
	t.Helper()
	for i, r := range want {
		if m := as[map[string]any](t, r); m["name"] == name && m["id"] == id {
			return i
		}
	}
	t.Fatalf("no fixture role is named %q with id %v", name, id)
	return -1
}

func stringsExact(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

func TestAccRolesDataSource_readsEveryRoleAndField(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	s := newRolesBotsServer(t, access)
	admin, bot := wantRoles(t, access, "admin"), wantRoles(t, access, "bot")
	if len(admin) != 6 || len(bot) != 8 {
		t.Fatalf("the fixture has %d admin and %d bot roles; the test expects 6 and 8", len(admin), len(bot))
	}
	analyst := indexOfRole(t, bot, fakekore.RoleAnalyst, nil)

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_roles" "admin" {
  role_type = "admin"
}

data "kore_roles" "bot" {
  role_type = "bot"

  timeouts {
    read = "2m"
  }
}

# The same role type and page size as above: it shares that block's read.
data "kore_roles" "bot_again" {
  role_type = "bot"
  page_size = 50
}
`,
			// One request per role type, each fitting in one page, and one of Export Roles for the admin roles' ids;
			// the two bot blocks share one read, and bot roles carry their ids.
			Check: requestCount(s, 3),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("id"),
					knownvalue.StringExact(s.URL+"/api/public/roles?roleType=admin")),
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("id"),
					knownvalue.StringExact(s.URL+"/api/public/roles?roleType=bot")),
				statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("role_type"), knownvalue.StringExact("admin")),
				statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("total"), knownvalue.Int64Exact(6)),
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("total"), knownvalue.Int64Exact(8)),
				statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("page_size"), knownvalue.Int64Exact(50)),
				statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("timeouts"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("timeouts"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"read": knownvalue.StringExact("2m")})),
				attributesEqual{address: "data.kore_roles.admin", want: map[string]any{"roles": admin}},
				attributesEqual{address: "data.kore_roles.bot", want: map[string]any{"roles": bot}},
				attributesEqual{address: "data.kore_roles.bot_again", want: map[string]any{"roles": bot}},
				// An admin role, spelled out: no _id in Get Roles, so the id Export Roles gives the role of its name;
				// "YES" and "NO" become lists of one.
				statecheck.ExpectKnownValue("data.kore_roles.admin",
					tfjsonpath.New("roles").AtSliceIndex(indexOfRole(t, admin, fakekore.RoleBillingAdmin,
						*exportedRoleID(t, access, fakekore.RoleBillingAdmin))),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":          knownvalue.StringExact(*exportedRoleID(t, access, fakekore.RoleBillingAdmin)),
						"name":        knownvalue.StringExact("Billing Admin"),
						"description": knownvalue.StringExact("Manages invoices and plans"),
						"permissions": knownvalue.MapExact(map[string]knownvalue.Check{
							"Analytics": stringsExact("NO"), "Audit Logs": stringsExact("NO"), "Billing": stringsExact("YES"),
							"Bot Management": stringsExact("NO"), "Enterprise Settings": stringsExact("NO"),
							"Role Management": stringsExact("NO"), "Security & Control": stringsExact("NO"),
							"User Management": stringsExact("NO"),
						}),
					})),
				// A custom admin role without rDesc has a null description.
				statecheck.ExpectKnownValue("data.kore_roles.admin",
					tfjsonpath.New("roles").AtSliceIndex(indexOfRole(t, admin, fakekore.RoleAuditViewer,
						*exportedRoleID(t, access, fakekore.RoleAuditViewer))).AtMapKey("description"),
					knownvalue.Null()),
				// A bot role: its _id, and lists kept as sent.
				statecheck.ExpectKnownValue("data.kore_roles.bot",
					tfjsonpath.New("roles").AtSliceIndex(indexOfRole(t, bot, fakekore.RoleBotTester, deref(roleID(t, access, fakekore.RoleBotTester)))),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":          knownvalue.StringExact(*roleID(t, access, fakekore.RoleBotTester)),
						"name":        knownvalue.StringExact("Bot Tester"),
						"description": knownvalue.StringExact("Tests conversations and reads analytics"),
						"permissions": knownvalue.MapExact(map[string]knownvalue.Check{
							"Analytics": stringsExact("VIEW"), "Channels": stringsExact("NO"), "Dialog Tasks": stringsExact("NO"),
							"Knowledge Graph": stringsExact("NO"), "Publish": stringsExact("NO"), "Settings": stringsExact("NO"),
							"Test & Train": stringsExact("VIEW", "TEST"),
						}),
					})),
				// The custom bot role without rDesc.
				statecheck.ExpectKnownValue("data.kore_roles.bot",
					tfjsonpath.New("roles").AtSliceIndex(indexOfRole(t, bot, fakekore.RoleComplianceReviewer,
						deref(roleID(t, access, fakekore.RoleComplianceReviewer)))).AtMapKey("description"),
					knownvalue.Null()),
				// Sorted by name, then ID: of the three Analyst roles, the one without an ID comes first, then the
				// IDs in order; "" and an empty permission map stay as sent.
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("roles").AtSliceIndex(0).AtMapKey("name"),
					knownvalue.StringExact("Analyst")),
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("roles").AtSliceIndex(analyst).AtMapKey("id"),
					knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("roles").AtSliceIndex(analyst+1),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":          knownvalue.StringExact("000000000000000000000001"),
						"name":        knownvalue.StringExact("Analyst"),
						"description": knownvalue.StringExact(""),
						"permissions": knownvalue.MapExact(map[string]knownvalue.Check{}),
					})),
				statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("roles").AtSliceIndex(analyst+2).AtMapKey("id"),
					knownvalue.StringExact(*roleID(t, access, fakekore.RoleAnalyst))),
			},
		}},
	})
}

// exportedRoleID is the _id Export Roles sends for the generated admin role named name.
func exportedRoleID(t *testing.T, access fakekore.Access, name string) *string {
	t.Helper()
	for _, r := range access.Roles {
		if r.Name == name && r.RoleType == fakekore.RoleTypeAdmin && r.ExportedID != nil {
			return r.ExportedID
		}
	}
	t.Fatalf("no generated admin role %q has an exported _id", name)
	return nil
}

// roleID is the _id the fixture gives the generated role named name.
func roleID(t *testing.T, access fakekore.Access, name string) *string {
	t.Helper()
	for _, r := range access.Roles {
		if r.Name == name && r.ID != nil && *r.ID != "000000000000000000000001" {
			return r.ID
		}
	}
	t.Fatalf("no generated fixture role %q has an _id", name)
	return nil
}

// Whether the server reads offset as a page number or as a number of records to skip, every role is read once.
func TestAccRolesDataSource_readsTheSameRolesWhateverOffsetMeans(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	for _, meaning := range []fakekore.OffsetMeaning{fakekore.OffsetPage, fakekore.OffsetRecords} {
		t.Run("offset as "+meaning.String(), func(t *testing.T) {
			t.Parallel()
			s := newRolesBotsServer(t, access, func(o *fakekore.Options) { o.Offsets = fakekore.AllOffsets(meaning) })
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: providerConfig(s) + `
data "kore_roles" "admin" {
  role_type = "admin"
  page_size = 4
}

data "kore_roles" "bot" {
  role_type = "bot"
  page_size = 3
}
`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("page_size"), knownvalue.Int64Exact(4)),
						statecheck.ExpectKnownValue("data.kore_roles.admin", tfjsonpath.New("total"), knownvalue.Int64Exact(6)),
						statecheck.ExpectKnownValue("data.kore_roles.bot", tfjsonpath.New("total"), knownvalue.Int64Exact(8)),
						attributesEqual{address: "data.kore_roles.admin", want: map[string]any{"roles": wantRoles(t, access, "admin")}},
						attributesEqual{address: "data.kore_roles.bot", want: map[string]any{"roles": wantRoles(t, access, "bot")}},
					},
				}},
			})
		})
	}
}

func TestAccRolesDataSource_invalidArgumentsAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := newRolesBotsServer(t, rolesBotsAccess())

	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"no role type": {
			config: ``,
			want:   phrase(`The argument "role_type" is required`),
		},
		"a role type Kore.ai does not know": {
			config: `role_type = "Admin"`,
			want:   phrase(`Attribute role_type value must be one of: ["admin" "bot"], got: "Admin"`),
		},
		"a page size of zero": {
			config: "role_type = \"bot\"\n  page_size = 0",
			want:   phrase("page_size = 0 is not a whole number from 1 to 50"),
		},
		"a page size above the API's maximum": {
			config: "role_type = \"bot\"\n  page_size = 51",
			want:   phrase("page_size = 51 is not a whole number from 1 to 50"),
		},
		"a page size that is not a whole number": {
			config: "role_type = \"admin\"\n  page_size = 1.5",
			want:   phrase("page_size = 1.5 is not a whole number from 1 to 50"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + fmt.Sprintf("data \"kore_roles\" \"r\" {\n  %s\n}\n", tc.config),
					ExpectError: tc.want,
				}},
			})
		})
	}
	if n := s.Requests(); n != 0 {
		t.Errorf("invalid arguments must be refused before any request; the server answered %d", n)
	}
}

// The direct path and the framework's Read give kore_roles and kore_bots the same state and diagnostics (as
// TestServer_directReadMatchesTheFrameworkRead holds for groups), with null IDs, null permission values, empty
// permission maps and bots of the older shape among them.
func TestRolesAndBots_directReadMatchesTheFrameworkRead(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	access.Roles = append(access.Roles, fakekore.Role{RoleType: fakekore.RoleTypeBot, ID: fakekore.Ptr("ff"),
		Name: "Null permission", Permissions: map[string]any{"Analytics": nil}})
	s := newRolesBotsServer(t, access)
	h := newProtocolHarness(t, s.URL, nil)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	botRolesOnly := access
	botRolesOnly.Roles = slices.DeleteFunc(slices.Clone(access.Roles), func(r fakekore.Role) bool {
		return r.RoleType == fakekore.RoleTypeAdmin
	})
	noAdminRoles := newProtocolHarness(t, newRolesBotsServer(t, botRolesOnly).URL, nil)

	cases := []struct {
		name     string
		typeName string
		args     map[string]tftypes.Value
		harness  *protocolHarness // nil: h
	}{
		{"admin roles", "kore_roles", map[string]tftypes.Value{"role_type": str("admin")}, nil},
		{"no admin roles at all", "kore_roles", map[string]tftypes.Value{"role_type": str("admin")}, noAdminRoles},
		{"bot roles in small pages", "kore_roles", map[string]tftypes.Value{
			"role_type": str("bot"), "page_size": tftypes.NewValue(tftypes.Number, 2),
		}, nil},
		{"every bot", "kore_bots", nil, nil},
		{"bots by name, with a timeouts block", "kore_bots", map[string]tftypes.Value{
			"name_regex": str("Desk$"),
			"timeouts": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"read": tftypes.String}},
				map[string]tftypes.Value{"read": str("2m")}),
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			h := cmp.Or(tc.harness, h)
			req := h.readRequest(t, tc.typeName, tc.args)
			direct, err := h.server.ReadDataSource(ctx, req)
			if err != nil || hasErrors(direct.Diagnostics) {
				t.Fatalf("ReadDataSource: %v %s", err, describeDiagnostics(direct.Diagnostics))
			}
			framework, err := h.server.ProviderServer.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := describeDiagnostics(direct.Diagnostics), describeDiagnostics(framework.Diagnostics); got != want {
				t.Fatalf("diagnostics differ:\ndirect:\n%s\nframework:\n%s", got, want)
			}
			typ := h.dataSourceType(tc.typeName)
			got, err := direct.State.Unmarshal(typ)
			if err != nil {
				t.Fatalf("the direct state does not decode against the schema: %v", err)
			}
			want, err := framework.State.Unmarshal(typ)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				diffs, _ := got.Diff(want)
				t.Fatalf("states differ in %d places, first: %v", len(diffs), diffs[0])
			}
		})
	}
}

// kore_roles and kore_bots fail as kore_groups does, with the same summaries, and warn when the read does not
// match the reported total.
func TestRolesAndBots_readFailuresAndWarnings(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	reads := map[string]map[string]tftypes.Value{
		"kore_roles": {"role_type": str("bot")},
		"kore_bots":  nil,
	}
	moreThanTotal := func(_ int, w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == fakekore.BotsPath {
			_, _ = w.Write([]byte(`{"total":1,"availableMore":false,"bots":[{"_id":"st-1","name":"A"},{"_id":"st-2","name":"B"}]}`))
		} else {
			_, _ = w.Write([]byte(`{"total":1,"availableMore":false,"roles":[{"_id":"r1","role":"A","permissions":{}},` +
				`{"_id":"r2","role":"B","permissions":{}}]}`))
		}
		return true
	}
	cases := []struct {
		name      string
		intercept fakekore.Interceptor
		severity  tfprotov6.DiagnosticSeverity
		summary   string
		detail    string
	}{
		{"a refused token", fakekore.Unauthorized(fakekore.MsgInvalidToken), tfprotov6.DiagnosticSeverityError,
			"Kore.ai Refused the Token", "not a JWT"},
		{"a missing scope", fakekore.Unauthorized(fakekore.MsgScopeIncorrect), tfprotov6.DiagnosticSeverityError,
			"Kore.ai App Lacks an API Scope", "needs: Profile Management > Role Management"},
		{"a login page instead of JSON", fakekore.InvalidJSON(), tfprotov6.DiagnosticSeverityError,
			"Kore.ai Sent an Unreadable Answer", "not at a proxy or a login page"},
		{"pages that never end", fakekore.StuckPagination(), tfprotov6.DiagnosticSeverityError,
			"Kore.ai Returned Inconsistent Pages", "page 0: it is empty although availableMore is true"},
		{"a rate limit", fakekore.RateLimited(100, "1"), tfprotov6.DiagnosticSeverityError,
			"Kore.ai Rate Limit Reached", "60 requests a minute"},
		{"more items than the total", moreThanTotal, tfprotov6.DiagnosticSeverityWarning,
			"May Be Inexact", ""},
	}
	for _, tc := range cases {
		for typeName, args := range reads {
			t.Run(tc.name+", "+typeName, func(t *testing.T) {
				t.Parallel()
				s := newRolesBotsServer(t, access, func(o *fakekore.Options) { o.Intercept = tc.intercept })
				h := newProtocolHarness(t, s.URL, map[string]tftypes.Value{"max_retries": tftypes.NewValue(tftypes.Number, 0)})
				resp, err := h.server.ReadDataSource(context.Background(), h.readRequest(t, typeName, args))
				if err != nil {
					t.Fatal(err)
				}
				if len(resp.Diagnostics) != 1 {
					t.Fatalf("diagnostics:\n%s\nwant one", describeDiagnostics(resp.Diagnostics))
				}
				d := resp.Diagnostics[0]
				if d.Severity != tc.severity || !strings.Contains(d.Summary, tc.summary) || !strings.Contains(d.Detail, tc.detail) {
					t.Errorf("diagnostic %s %q: %q, want %s %q with %q", d.Severity, d.Summary, d.Detail, tc.severity, tc.summary, tc.detail)
				}
				if strings.Contains(d.Detail, "group") {
					t.Errorf("the diagnostic of a %s read speaks of groups: %q", typeName, d.Detail)
				}
			})
		}
	}
}
