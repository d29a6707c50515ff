package provider

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// phrase matches words as Terraform prints them: it wraps long diagnostics, so a space may become a line break.
func phrase(words string) *regexp.Regexp {
	parts := strings.Fields(words)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(strings.Join(parts, `\s+`))
}

func TestAccGroupsDataSource_readsEveryGroupAndField(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	s := newTestServer(t, groups)

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_groups" "all" {}

data "kore_groups" "small_pages" {
  page_size = 7
}
`,
			Check: requestCount(s, 3+18), // 123 groups: 3 pages of 50 and, separately, 18 pages of 7
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("id"), knownvalue.StringExact(s.URL+"/api/public/groups")),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("total"), knownvalue.Int64Exact(123)),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(123)),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("include_users"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("page_size"), knownvalue.Int64Exact(50)),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("names"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("name_regex"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("ignore_missing"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_groups.small_pages", tfjsonpath.New("page_size"), knownvalue.Int64Exact(7)),
				expectGroupsState("data.kore_groups.all", groups, true),
				expectGroupsState("data.kore_groups.small_pages", groups, true),
				// Kore.ai's own sample, spelled out: null and "" stay apart, users sorted by email.
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups").AtSliceIndex(indexOfName(t, groups, "Audit")),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":              knownvalue.StringExact("e-eed8e93a-79ff-523b-9545-4833c26xxxxx"),
						"name":            knownvalue.StringExact("Audit"),
						"description":     knownvalue.StringExact("Audit Team"),
						"child_group_ids": knownvalue.ListExact([]knownvalue.Check{}),
						"user_count":      knownvalue.Int64Exact(2),
						"users": knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"id":                knownvalue.StringExact("u-c32243f6-b4ba-5884-9527-a7efb9axxxxx"),
								"email":             knownvalue.StringExact("sample1@example.com"),
								"first_name":        knownvalue.StringExact("Sample"),
								"last_name":         knownvalue.StringExact("Sample1"),
								"job_title":         knownvalue.StringExact(""),
								"activation_status": knownvalue.StringExact("active"),
								"org_id":            knownvalue.StringExact("o-c2419ad3-e160-5bae-af32-6e62f11xxxxx"),
								"profile_image":     knownvalue.StringExact("profile.png"),
								"profile_color":     knownvalue.StringExact("#ffd700"),
							}),
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"id":                knownvalue.StringExact("u-f2323ccf-b475-59a9-a52b-194698exxxxx"),
								"email":             knownvalue.StringExact("sample2@example.com"),
								"first_name":        knownvalue.StringExact("Sample"),
								"last_name":         knownvalue.StringExact("Sample2"),
								"job_title":         knownvalue.Null(),
								"activation_status": knownvalue.StringExact("active"),
								"org_id":            knownvalue.StringExact("o-8f992732-faa8-5191-bab5-db39efcxxxxx"),
								"profile_image":     knownvalue.StringExact("profile.png"),
								"profile_color":     knownvalue.StringExact(""),
							}),
						}),
					})),
				statecheck.ExpectKnownValue("data.kore_groups.all",
					tfjsonpath.New("group_names_by_email").AtMapKey("sample3@sampleemail.com"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("RiskManagement")})),
			},
		}},
	})
}

func TestAccGroupsDataSource_filters(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	s := newTestServer(t, groups)

	var engineering []fakekore.Group
	for _, g := range groups {
		if strings.HasPrefix(g.Name, "Engineering") {
			engineering = append(engineering, g)
		}
	}
	if len(engineering) < 2 {
		t.Fatalf("the fixture has %d Engineering groups; the test needs several", len(engineering))
	}

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_groups" "named" {
  names = ["RiskManagement", "Audit"]

  timeouts {
    read = "2m"
  }
}

data "kore_groups" "regex" {
  name_regex = "^Engineering"
}

data "kore_groups" "without_users" {
  names         = ["Audit"]
  include_users = false
}

data "kore_groups" "tolerant" {
  names          = ["Audit", "No Such Group"]
  ignore_missing = true
}

data "kore_groups" "both_filters" {
  names      = ["Audit", "RiskManagement"]
  name_regex = "^Risk"
}
`,
			// The blocks that keep members share one read of the pages; the block without users shares it too when
			// it starts after that read, and otherwise its own read is abandoned for it, page by page: 3 to 6.
			Check: requestCountBetween(s, 3, 6),
			ConfigStateChecks: []statecheck.StateCheck{
				expectGroupsState("data.kore_groups.named", fakekore.SampleGroups(), true),
				statecheck.ExpectKnownValue("data.kore_groups.named", tfjsonpath.New("timeouts"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"read": knownvalue.StringExact("2m")})),
				statecheck.ExpectKnownValue("data.kore_groups.regex", tfjsonpath.New("timeouts"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_groups.named", tfjsonpath.New("total"), knownvalue.Int64Exact(123)),
				statecheck.ExpectKnownValue("data.kore_groups.named", tfjsonpath.New("names"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Audit"), knownvalue.StringExact("RiskManagement")})),
				expectGroupsState("data.kore_groups.regex", engineering, true),
				expectGroupsState("data.kore_groups.without_users", fakekore.SampleGroups()[:1], false),
				statecheck.ExpectKnownValue("data.kore_groups.without_users", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("users"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_groups.without_users", tfjsonpath.New("groups").AtSliceIndex(0).AtMapKey("user_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.kore_groups.without_users", tfjsonpath.New("include_users"), knownvalue.Bool(false)),
				expectGroupsState("data.kore_groups.tolerant", fakekore.SampleGroups()[:1], true),
				statecheck.ExpectKnownValue("data.kore_groups.tolerant", tfjsonpath.New("ignore_missing"), knownvalue.Bool(true)),
				expectGroupsState("data.kore_groups.both_filters", fakekore.SampleGroups()[1:], true),
			},
		}},
	})
}

// indexOfName is where the group named name sits in kore_groups.groups, which is sorted by name, then ID.
func indexOfName(t *testing.T, groups []fakekore.Group, name string) int {
	t.Helper()
	for i, g := range sortedFixture(groups) {
		if g.Name == name {
			return i
		}
	}
	t.Fatalf("no fixture group is named %q", name)
	return -1
}

// Two groups of one name are both in groups, told apart by id, with no warning: nothing is keyed by name any more.
func TestAccGroupsDataSource_groupsOfOneNameAreAllKept(t *testing.T) {
	t.Parallel()
	groups := fakekore.GenerateGroups(3, 2)
	groups[1].Name = groups[0].Name
	s := newTestServer(t, groups)

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `data "kore_groups" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectGroupsState("data.kore_groups.all", groups, true),
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(3)),
			},
		}},
	})
}

func TestAccGroupsDataSource_missingNameIsAnError(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_groups" "named" {
  names = ["Audit", "audit", "Nobody"]
}
`,
			ExpectError: regexp.MustCompile(`Kore.ai Groups Not Found[\s\S]*"Nobody"`),
		}},
	})
}

func TestAccGroupsDataSource_invalidArgumentsAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())

	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"an invalid regular expression": {
			config: `name_regex = "Engineering("`,
			want:   regexp.MustCompile(`Invalid Regular Expression[\s\S]*missing closing \)`),
		},
		"a page size of zero": {
			config: `page_size = 0`,
			want:   phrase("page_size = 0 is not a whole number from 1 to 50"),
		},
		"a page size above the API's maximum": {
			config: `page_size = 51`,
			want:   phrase("page_size = 51 is not a whole number from 1 to 50"),
		},
		"ignore_missing without names": {
			config: `ignore_missing = true`,
			want:   regexp.MustCompile(`Invalid Attribute Combination[\s\S]*names`),
		},
		"a read timeout that is not a duration": {
			config: `
  timeouts {
    read = "soon"
  }`,
			want: phrase(`"soon" must be a string containing a sequence of decimal numbers`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + "data \"kore_groups\" \"all\" {\n  " + tc.config + "\n}\n",
					ExpectError: tc.want,
				}},
			})
		})
	}
	if n := s.Requests(); n != 0 {
		t.Errorf("invalid arguments must be refused before any request; the server answered %d", n)
	}
}
