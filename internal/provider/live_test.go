package provider

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestLive_readsARealAccount reads a real Kore.ai account (make testacc-live). It needs KORE_LIVE=1, KORE_HOST and
// either KORE_CLIENT_ID with KORE_CLIENT_SECRET or KORE_JWT, and only reads.
func TestLive_readsARealAccount(t *testing.T) {
	if os.Getenv("KORE_LIVE") == "" || os.Getenv(envHost) == "" ||
		(os.Getenv(envJWT) == "" && (os.Getenv(envClientID) == "" || os.Getenv(envClientSecret) == "")) {
		t.Skip("live test skipped: set KORE_LIVE=1, KORE_HOST and either KORE_CLIENT_ID + KORE_CLIENT_SECRET or KORE_JWT")
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "kore_groups" "all" {}

data "kore_groups" "small_pages" {
  page_size     = 10
  include_users = false
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrSet("data.kore_groups.all", "total"),
				resource.TestCheckResourceAttrPair("data.kore_groups.all", "groups.#", "data.kore_groups.small_pages", "groups.#"),
				everyGroupRead("data.kore_groups.all"),
			),
		}},
	})
}

// everyGroupRead checks that a read without filters holds as many groups as the account reports.
func everyGroupRead(address string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in state", address)
		}
		total, _ := strconv.Atoi(rs.Primary.Attributes["total"])
		groups, _ := strconv.Atoi(rs.Primary.Attributes["groups.#"])
		if groups != total {
			return fmt.Errorf("%s holds %d groups but the account reports %d", address, groups, total)
		}
		return nil
	}
}
