package provider

import (
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// wantBots is what bots must hold for the fixture bots whose name matches keep (every bot when nil), derived from
// the wire fixture independently of the provider's own conversion: sorted by name, then ID; apps sorted by client
// ID; absent fields null; no client secret anywhere.
func wantBots(access fakekore.Access, keep *regexp.Regexp) []any {
	var bots []fakekore.Bot
	for _, b := range access.Bots {
		if keep == nil || keep.MatchString(b.Name) {
			bots = append(bots, b)
		}
	}
	sort.SliceStable(bots, func(i, j int) bool {
		if bots[i].Name != bots[j].Name {
			return bots[i].Name < bots[j].Name
		}
		return bots[i].ID < bots[j].ID
	})
	out := make([]any, 0, len(bots))
	for _, b := range bots {
		var apps []any
		if b.JWTApps != nil {
			sorted := append([]fakekore.JWTApp{}, b.JWTApps...)
			sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ClientID < sorted[j].ClientID })
			apps = []any{}
			for _, a := range sorted {
				apps = append(apps, map[string]any{
					"client_id": a.ClientID, "jti_claim_enforced": a.JTIClaimEnforced,
					"jwe_encryption_enforced": a.JWEEncryptionEnforced, "created_on": deref(a.CreatedOn),
				})
			}
		}
		var isDeflect any
		if b.IsDeflect != nil {
			isDeflect = *b.IsDeflect
		}
		out = append(out, map[string]any{
			"id": b.ID, "name": b.Name, "description": deref(b.Description), "status": deref(b.Status),
			"purpose": deref(b.Purpose), "type": deref(b.Type), "default_language": deref(b.DefaultLanguage),
			"created_on": deref(b.CreatedOn), "created_by": deref(b.CreatedBy), "account_id": deref(b.AccountID),
			"is_deflect": isDeflect, "jwt_apps": apps,
		})
	}
	return out
}

// indexOfBot is where the bot named name sits in the sorted bots of want.
func indexOfBot(t *testing.T, want []any, name string) int {
	t.Helper()
	for i, b := range want {
		if as[map[string]any](t, b)["name"] == name {
			return i
		}
	}
	t.Fatalf("no fixture bot is named %q", name)
	return -1
}

func TestAccBotsDataSource_readsEveryBotAndField(t *testing.T) {
	t.Parallel()
	access := rolesBotsAccess()
	// Apps listed out of client ID order: state sorts them.
	first := &access.Bots[0]
	first.JWTApps[0], first.JWTApps[1] = first.JWTApps[1], first.JWTApps[0]
	if first.JWTApps[0].ClientID < first.JWTApps[1].ClientID {
		t.Fatal("the fixture's first bot should now list its apps out of client ID order")
	}
	s := newRolesBotsServer(t, access)
	all := wantBots(access, nil)
	desk := regexp.MustCompile(`Desk$`)
	owner := access.Users[0].ID

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_bots" "all" {}

# Filtered after the read: both blocks share one read of the pages.
data "kore_bots" "desks" {
  name_regex = "Desk$"

  timeouts {
    read = "90s"
  }
}

data "kore_bots" "none" {
  name_regex = "^No such bot$"
}
`,
			Check: requestCount(s, 1), // ten bots fit in one page
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("id"), knownvalue.StringExact(s.URL+"/api/public/bots")),
				statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("total"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("page_size"), knownvalue.Int64Exact(50)),
				statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("name_regex"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("timeouts"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("bots"), knownvalue.ListSizeExact(10)),
				attributesEqual{address: "data.kore_bots.all", want: map[string]any{"bots": all}},
				statecheck.ExpectKnownValue("data.kore_bots.desks", tfjsonpath.New("name_regex"), knownvalue.StringExact("Desk$")),
				statecheck.ExpectKnownValue("data.kore_bots.desks", tfjsonpath.New("timeouts"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{"read": knownvalue.StringExact("90s")})),
				statecheck.ExpectKnownValue("data.kore_bots.desks", tfjsonpath.New("total"), knownvalue.Int64Exact(10)),
				statecheck.ExpectKnownValue("data.kore_bots.desks", tfjsonpath.New("bots"), knownvalue.ListSizeExact(2)), // IT Service Desk, Travel Desk
				attributesEqual{address: "data.kore_bots.desks", want: map[string]any{"bots": wantBots(access, desk)}},
				statecheck.ExpectKnownValue("data.kore_bots.none", tfjsonpath.New("bots"), knownvalue.ListExact([]knownvalue.Check{})),
				// A bot with two apps, spelled out: apps sorted by client ID, and no secret among their attributes.
				statecheck.ExpectKnownValue("data.kore_bots.all",
					tfjsonpath.New("bots").AtSliceIndex(indexOfBot(t, all, "Customer Support Assistant")),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":               knownvalue.StringExact(first.ID),
						"name":             knownvalue.StringExact("Customer Support Assistant"),
						"description":      knownvalue.StringExact("Customer Support Assistant for customer questions"),
						"status":           knownvalue.StringExact("published"),
						"purpose":          knownvalue.StringExact("customer"),
						"type":             knownvalue.StringExact("default"),
						"default_language": knownvalue.StringExact("en"),
						"created_on":       knownvalue.StringExact("2021-03-04T09:15:00.000Z"),
						"created_by":       knownvalue.StringExact(owner),
						"account_id":       knownvalue.StringExact(*first.AccountID),
						"is_deflect":       knownvalue.Bool(false),
						"jwt_apps": knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"client_id":               knownvalue.StringExact(first.JWTApps[1].ClientID),
								"jti_claim_enforced":      knownvalue.Bool(true),
								"jwe_encryption_enforced": knownvalue.Bool(false),
								"created_on":              knownvalue.StringExact("2021-03-05T09:15:00.000Z"),
							}),
							knownvalue.ObjectExact(map[string]knownvalue.Check{
								"client_id":               knownvalue.StringExact(first.JWTApps[0].ClientID),
								"jti_claim_enforced":      knownvalue.Bool(false),
								"jwe_encryption_enforced": knownvalue.Bool(true),
								"created_on":              knownvalue.StringExact("2021-03-06T09:15:00.000Z"),
							}),
						}),
					})),
				// The older shape: only _id, name, status, createdOn, createdBy and accountId; the rest is null,
				// jwt_apps included. The name is unicode, as sent.
				statecheck.ExpectKnownValue("data.kore_bots.all",
					tfjsonpath.New("bots").AtSliceIndex(indexOfBot(t, all, "Café Concierge 日本")),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":               knownvalue.StringExact(access.Bots[6].ID),
						"name":             knownvalue.StringExact("Café Concierge 日本"),
						"description":      knownvalue.Null(),
						"status":           knownvalue.StringExact("published"),
						"purpose":          knownvalue.Null(),
						"type":             knownvalue.Null(),
						"default_language": knownvalue.Null(),
						"created_on":       knownvalue.StringExact(*access.Bots[6].CreatedOn),
						"created_by":       knownvalue.StringExact(owner),
						"account_id":       knownvalue.StringExact(*first.AccountID),
						"is_deflect":       knownvalue.Null(),
						"jwt_apps":         knownvalue.Null(),
					})),
				// A bot whose jwtApps is [] has an empty list, not null.
				statecheck.ExpectKnownValue("data.kore_bots.all",
					tfjsonpath.New("bots").AtSliceIndex(indexOfBot(t, all, "Banking Assistant")).AtMapKey("jwt_apps"),
					knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// Whether the server reads offset as a page number or as a number of records to skip, every bot is read once.
func TestAccBotsDataSource_readsTheSameBotsWhateverOffsetMeans(t *testing.T) {
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
data "kore_bots" "all" {
  page_size = 3
}
`,
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("page_size"), knownvalue.Int64Exact(3)),
						statecheck.ExpectKnownValue("data.kore_bots.all", tfjsonpath.New("total"), knownvalue.Int64Exact(10)),
						attributesEqual{address: "data.kore_bots.all", want: map[string]any{"bots": wantBots(access, nil)}},
					},
				}},
			})
		})
	}
}

func TestAccBotsDataSource_invalidArgumentsAreRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	s := newRolesBotsServer(t, rolesBotsAccess())

	cases := map[string]struct {
		config string
		want   *regexp.Regexp
	}{
		"an invalid regular expression": {
			config: `name_regex = "Desk("`,
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
		"a page size that is not a whole number": {
			config: `page_size = 1.5`,
			want:   phrase("page_size = 1.5 is not a whole number from 1 to 50"),
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + fmt.Sprintf("data \"kore_bots\" \"b\" {\n  %s\n}\n", tc.config),
					ExpectError: tc.want,
				}},
			})
		})
	}
	if n := s.Requests(); n != 0 {
		t.Errorf("invalid arguments must be refused before any request; the server answered %d", n)
	}
}
