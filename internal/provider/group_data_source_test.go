package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// expectGroupState checks a kore_group block against the fixture group it should have found.
func expectGroupState(address string, g fakekore.Group, includeUsers bool) statecheck.StateCheck {
	want := expectedGroup(g, includeUsers)
	return attributesEqual{address: address, want: want}
}

func TestAccGroupDataSource_findsByNameAndByID(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	s := newTestServer(t, groups)
	target := groups[60]

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_group" "by_name" {
  name = "RiskManagement"
}

data "kore_group" "by_id" {
  id            = "` + target.ID + `"
  include_users = false
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectGroupState("data.kore_group.by_name", fakekore.SampleGroups()[1], true),
				statecheck.ExpectKnownValue("data.kore_group.by_name", tfjsonpath.New("include_users"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.kore_group.by_name", tfjsonpath.New("page_size"), knownvalue.Int64Exact(50)),
				expectGroupState("data.kore_group.by_id", target, false),
				statecheck.ExpectKnownValue("data.kore_group.by_id", tfjsonpath.New("users"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_group.by_id", tfjsonpath.New("name"), knownvalue.StringExact(target.Name)),
			},
		}},
	})
}

func TestAccGroupDataSource_errorsNameWhatWasAsked(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	groups[5].Name = groups[6].Name
	s := newTestServer(t, groups)

	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"an unknown name": {
			config: `name = "Nobody"`,
			want:   regexp.MustCompile(`Kore.ai Group Not Found[\s\S]*"Nobody"`),
		},
		"an unknown id": {
			config: `id = "e-does-not-exist"`,
			want:   regexp.MustCompile(`Kore.ai Group Not Found[\s\S]*"e-does-not-exist"`),
		},
		"a name two groups carry": {
			config: `name = "` + groups[6].Name + `"`,
			want: regexp.MustCompile(`Kore.ai Group Name Is Not Unique[\s\S]*` + regexp.QuoteMeta(groups[5].ID) +
				`|Kore.ai Group Name Is Not Unique[\s\S]*` + regexp.QuoteMeta(groups[6].ID)),
		},
		"neither name nor id": {
			config: ``,
			want:   regexp.MustCompile(`Missing Attribute Configuration[\s\S]*\[id,name\]`),
		},
		"both name and id": {
			config: "name = \"Audit\"\n  id = \"x\"",
			want:   regexp.MustCompile(`Invalid Attribute Combination[\s\S]*\[id,name\]`),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + "data \"kore_group\" \"one\" {\n  " + tc.config + "\n}\n",
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// Five blocks over 123 groups: four kore_groups with different filters and one kore_group share one walk of three
// pages.
func TestAccDataSources_shareOneReadPerPlan(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) { o.Latency = 0 })

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_groups" "all" {}

data "kore_groups" "named" {
  names = ["Audit"]
}

data "kore_groups" "regex" {
  name_regex = "^Sales"
}

data "kore_group" "audit" {
  name = "Audit"
}
`,
			Check: requestCount(s, 3),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(123)),
				statecheck.ExpectKnownValue("data.kore_group.audit", tfjsonpath.New("id"), knownvalue.StringExact("e-eed8e93a-79ff-523b-9545-4833c26xxxxx")),
			},
		}},
	})
}
