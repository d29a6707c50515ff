package provider

import (
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// Provider-defined functions need Terraform 1.8.
var functionsVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

func person(id, email, first string) fakekore.User {
	return fakekore.User{
		ID: id, Email: fakekore.Ptr(email), FirstName: fakekore.Ptr(first), LastName: fakekore.Ptr("Tester"),
		ProfileImage: fakekore.Ptr("no-avatar"), ProfileColor: fakekore.Ptr(""), ActivationStatus: fakekore.Ptr("active"),
		JobTitle: nil, OrgID: fakekore.Ptr("o-1"),
	}
}

var (
	alice = person("u-alice", "alice@example.com", "Alice")
	bob   = person("u-bob", "bob@example.com", "Bob")
	carol = person("u-carol", "carol@example.com", "Carol")
	dave  = person("u-dave", "dave@example.com", "Dave")
	erin  = fakekore.User{ID: "u-erin"} // every field but the id null, as the API may send
)

// nestedAccount is an account whose groups nest three deep, with a cycle (SRE holds Engineering, which holds
// Platform, which holds SRE) and a user (Carol) reachable along paths of different lengths. Child ids come in both
// forms the API uses: plain strings and {"_id": ...} objects.
func nestedAccount() []fakekore.Group {
	return []fakekore.Group{
		{ID: "g-eng", Name: "Engineering", ChildGroups: []any{"g-platform", fakekore.ChildGroupRef{ID: "g-web"}},
			Users: []fakekore.User{alice}, UserCount: fakekore.Ptr(1)},
		{ID: "g-platform", Name: "Platform", ChildGroups: []any{"g-sre"},
			Users: []fakekore.User{bob}, UserCount: fakekore.Ptr(1)},
		{ID: "g-sre", Name: "SRE", Description: fakekore.Ptr("on call"), ChildGroups: []any{fakekore.ChildGroupRef{ID: "g-eng"}},
			Users: []fakekore.User{carol, alice}, UserCount: fakekore.Ptr(2)},
		{ID: "g-web", Name: "Web", ChildGroups: []any{},
			Users: []fakekore.User{dave, carol}, UserCount: fakekore.Ptr(2)},
		{ID: "g-audit", Name: "Auditors", ChildGroups: nil,
			Users: []fakekore.User{erin}, UserCount: fakekore.Ptr(1)},
	}
}

// known turns a value shaped like expectedGroup's (maps, []any, strings, ints, nil) into an exact check.
func known(v any) knownvalue.Check {
	switch v := v.(type) {
	case nil:
		return knownvalue.Null()
	case string:
		return knownvalue.StringExact(v)
	case int:
		return knownvalue.Int64Exact(int64(v))
	case []any:
		if v == nil {
			return knownvalue.Null()
		}
		checks := make([]knownvalue.Check, len(v))
		for i, e := range v {
			checks[i] = known(e)
		}
		return knownvalue.ListExact(checks)
	case []string:
		checks := make([]knownvalue.Check, len(v))
		for i, e := range v {
			checks[i] = knownvalue.StringExact(e)
		}
		return knownvalue.ListExact(checks)
	case map[string]any:
		checks := make(map[string]knownvalue.Check, len(v))
		for k, e := range v {
			checks[k] = known(e)
		}
		return knownvalue.ObjectExact(checks)
	}
	panic(fmt.Sprintf("no check for %T", v))
}

// member is the expected effective member: the user's fields as kore_groups holds them, plus via.
func member(u fakekore.User, via ...string) knownvalue.Check {
	m := map[string]any{
		"id": u.ID, "email": deref(u.Email), "first_name": deref(u.FirstName), "last_name": deref(u.LastName),
		"job_title": deref(u.JobTitle), "activation_status": deref(u.ActivationStatus), "org_id": deref(u.OrgID),
		"profile_image": deref(u.ProfileImage), "profile_color": deref(u.ProfileColor),
		"via": append([]string{}, via...),
	}
	return known(m)
}

func TestAccFunctions_nestedGroupsWithACycle(t *testing.T) {
	t.Parallel()
	account := nestedAccount()
	s := newTestServer(t, account)

	byName := map[string]knownvalue.Check{}
	for _, g := range account {
		byName[g.Name] = known(expectedGroup(g, true))
	}
	members := func(checks ...knownvalue.Check) knownvalue.Check { return knownvalue.ListExact(checks) }

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   functionsVersionChecks,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_groups" "all" {}

output "groups_by_name" {
  value = provider::kore::groups_by_name(data.kore_groups.all.groups)
}

output "effective_members" {
  value = provider::kore::effective_members(data.kore_groups.all.groups)
}

# Part of the list is fine for groups_by_name: it needs no nested group.
output "engineering_children" {
  value = provider::kore::groups_by_name([for g in data.kore_groups.all.groups : g if g.name != "Auditors"])["Engineering"].child_group_ids
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("groups_by_name", knownvalue.MapExact(byName)),
				statecheck.ExpectKnownOutputValue("engineering_children",
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("g-platform"), knownvalue.StringExact("g-web")})),
				statecheck.ExpectKnownOutputValue("effective_members", knownvalue.MapExact(map[string]knownvalue.Check{
					// Carol is in Web (one step) and in SRE (two steps): the shorter path wins.
					"Engineering": members(member(alice), member(bob, "Platform"), member(carol, "Web"), member(dave, "Web")),
					// Alice is in SRE directly and in Engineering through SRE: SRE is the shorter way.
					"Platform": members(member(alice, "SRE"), member(bob), member(carol, "SRE"), member(dave, "SRE", "Engineering", "Web")),
					// The walk comes back round to SRE through Engineering and Platform and stops there.
					"SRE":      members(member(alice), member(bob, "Engineering", "Platform"), member(carol), member(dave, "Engineering", "Web")),
					"Web":      members(member(carol), member(dave)),
					"Auditors": members(member(erin)),
				})),
			},
		}},
	})
}

func TestAccFunctions_refuseAmbiguousOrIncompleteGroups(t *testing.T) {
	t.Parallel()
	account := append(nestedAccount(), fakekore.Group{ID: "g-web-2", Name: "Web", ChildGroups: []any{},
		Users: []fakekore.User{}, UserCount: fakekore.Ptr(0)})
	s := newTestServer(t, account)

	// Terraform wraps diagnostics, so any space of the expected text may be a line break.
	step := func(config string, want string) resource.TestStep {
		return resource.TestStep{Config: providerConfig(s) + config,
			ExpectError: regexp.MustCompile(strings.ReplaceAll(want, " ", `\s+`))}
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		TerraformVersionChecks:   functionsVersionChecks,
		Steps: []resource.TestStep{
			step(`
data "kore_groups" "all" {}

output "by_name" {
  value = provider::kore::groups_by_name(data.kore_groups.all.groups)
}
`, `2 groups are named "Web" \(ids "g-web" and "g-web-2"\)`),
			step(`
data "kore_groups" "all" {}

output "members" {
  value = provider::kore::effective_members(data.kore_groups.all.groups)
}
`, `2 groups are named "Web" \(ids "g-web" and "g-web-2"\)`),
			step(`
data "kore_groups" "no_users" {
  name_regex    = "^(Engineering|Platform|SRE|Auditors)$"
  include_users = false
}

output "members" {
  value = provider::kore::effective_members(data.kore_groups.no_users.groups)
}
`, `(?s)members of 4 groups were not read.*include_users = true`),
			step(`
data "kore_groups" "filtered" {
  names = ["Engineering", "Platform", "SRE"]
}

output "members" {
  value = provider::kore::effective_members(data.kore_groups.filtered.groups)
}
`, `group "Engineering" holds the nested group "g-web", which is not among the 3 groups passed in`),
		},
	})
}

// The functions' documented examples apply against a local account and show what their comments promise.
func TestAccFunctions_examples(t *testing.T) {
	t.Parallel()
	if v := cliVersion(t, cliPath(t)); !versionAtLeast(v, 1, 8) {
		t.Skipf("Terraform %s has no provider-defined functions (1.8 or later)", v)
	}
	s := newTestServer(t, append(fakekore.SampleGroups(), nestedAccount()...))
	env := map[string]string{envHost: s.URL, envClientID: testClientID, envClientSecret: testClientSecret}

	outputs := applyExample(t, filepath.Join("functions", "groups_by_name"), env)
	var auditID string
	outputValue(t, outputs, "audit_id", &auditID)
	if want := fakekore.SampleGroups()[0].ID; auditID != want {
		t.Errorf("audit_id = %q, want %q", auditID, want)
	}
	var auditEmails []string
	outputValue(t, outputs, "audit_member_emails", &auditEmails)
	if want := []string{"sample1@example.com", "sample2@example.com"}; !reflect.DeepEqual(auditEmails, want) {
		t.Errorf("audit_member_emails = %q, want %q", auditEmails, want)
	}

	outputs = applyExample(t, filepath.Join("functions", "effective_members"), env)
	var engineering, emails []string
	outputValue(t, outputs, "engineering", &engineering)
	want := []string{"alice@example.com (direct)", "bob@example.com (Platform)", "carol@example.com (Web)",
		"dave@example.com (Web)"}
	if !reflect.DeepEqual(engineering, want) {
		t.Errorf("engineering = %q, want %q", engineering, want)
	}
	outputValue(t, outputs, "engineering_emails", &emails)
	if want := []string{"alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"}; !reflect.DeepEqual(emails, want) {
		t.Errorf("engineering_emails = %q, want %q", emails, want)
	}
}
