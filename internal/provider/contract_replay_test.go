package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kore-community/terraform-provider-kore/internal/contract"
)

// contractRecordings is KORE_CONTRACT_DIR's recording (or those under it), else every one under testdata/contract.
func contractRecordings(t *testing.T) []string {
	t.Helper()
	root := filepath.Join("..", "..", "testdata", "contract")
	if dir := os.Getenv("KORE_CONTRACT_DIR"); dir != "" {
		root = dir
		if !filepath.IsAbs(dir) {
			root = filepath.Join("..", "..", dir) // make runs from the repository's root
		}
	}
	dirs, err := contract.Recordings(root)
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// contractBlocks maps each whole listing a recording may hold to the data source block that reads it, the state
// attribute holding its items, and the recorded field of an item's id and name (the state's "id" and "name", or
// "email" for users).
var contractBlocks = map[string]struct {
	block, address, items, idField, nameField, stateName string
}{
	"groups":      {`data "kore_groups" "all" {}`, "data.kore_groups.all", "groups", "_id", "gN", "name"},
	"users":       {`data "kore_users" "all" {}`, "data.kore_users.all", "users", "userId", "username", "email"},
	"roles-admin": {`data "kore_roles" "admin" { role_type = "admin" }`, "data.kore_roles.admin", "roles", "", "role", "name"},
	"roles-bot":   {`data "kore_roles" "bot" { role_type = "bot" }`, "data.kore_roles.bot", "roles", "_id", "role", "name"},
	"bots":        {`data "kore_bots" "all" {}`, "data.kore_bots.all", "bots", "_id", "name", "name"},
}

// recordedItems returns the items of every answer at the page size of one listing of the recording, each once, by
// the field key.
func recordedItems(t *testing.T, dir, path, roleType, itemsKey string, pageSize int) []map[string]any {
	t.Helper()
	c, err := cassette.Load(filepath.Join(dir, "cassette"))
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	seen := map[string]bool{}
	for _, i := range c.Interactions {
		if !strings.Contains(i.Request.URL, path+"?") || !strings.Contains(i.Request.URL, fmt.Sprintf("limit=%d&", pageSize)) ||
			(roleType != "" && !strings.Contains(i.Request.URL, "roleType="+roleType)) || seen[i.Request.URL] {
			continue
		}
		seen[i.Request.URL] = true
		var page map[string]json.RawMessage
		if err := json.Unmarshal([]byte(i.Response.Body), &page); err != nil {
			t.Fatal(err)
		}
		var pageItems []map[string]any
		if err := json.Unmarshal(page[itemsKey], &pageItems); err != nil {
			t.Fatal(err)
		}
		items = append(items, pageItems...)
	}
	return items
}

// exportedRoleIDs maps the name of each role of roleType in the recording's Export Roles answer to its _id; a name
// that two roles share maps to none.
func exportedRoleIDs(t *testing.T, dir, roleType string) map[string]string {
	t.Helper()
	c, err := cassette.Load(filepath.Join(dir, "cassette"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, i := range c.Interactions {
		if !strings.Contains(i.Request.URL, "/api/public/roles/export?roleType="+roleType) || i.Response.Code != 200 {
			continue
		}
		var roles []map[string]any
		if err := json.Unmarshal([]byte(i.Response.Body), &roles); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, r := range roles {
			name, id := fmt.Sprint(r["role"]), fmt.Sprint(r["_id"])
			if seen[name]++; seen[name] == 1 {
				ids[name] = id
			} else {
				delete(ids, name)
			}
		}
	}
	return ids
}

// checkStateItems compares the ids and names of a data source's items in state with the recorded ones, as sets:
// the data sources sort what they read.
func checkStateItems(address, items, stateName string, wantIDs, wantNames []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in state", address)
		}
		var ids, names []string
		itemAttr := regexp.MustCompile(`^` + items + `\.\d+\.(id|` + stateName + `)$`)
		for key, value := range rs.Primary.Attributes {
			if m := itemAttr.FindStringSubmatch(key); m != nil {
				if m[1] == "id" {
					ids = append(ids, value)
				} else {
					names = append(names, value)
				}
			}
		}
		if count := rs.Primary.Attributes[items+".#"]; count != fmt.Sprint(len(wantNames)) {
			return fmt.Errorf("%s holds %s %s, the recording %d", address, count, items, len(wantNames))
		}
		slices.Sort(ids)
		slices.Sort(names)
		if wantIDs != nil && !slices.Equal(ids, wantIDs) {
			return fmt.Errorf("%s: ids %q, the recording holds %q", address, ids, wantIDs)
		}
		if !slices.Equal(names, wantNames) {
			return fmt.Errorf("%s: names %q, the recording holds %q", address, names, wantNames)
		}
		return nil
	}
}

// The provider, run by the real Terraform CLI against a loopback server that answers from a recording, reads every
// whole listing of it and writes what it holds to state: a recording of a real account replays offline with the
// provider's real reads.
func TestAccContractReplay_providerReadsTheRecording(t *testing.T) {
	clearKoreEnv(t)
	for _, dir := range contractRecordings(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			meta, err := contract.LoadMetadata(dir)
			if err != nil {
				t.Fatal(err)
			}
			server, err := contract.NewReplayServer(dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(server.Close)

			var blocks []string
			var checks []resource.TestCheckFunc
			for _, l := range meta.Listings {
				b, ok := contractBlocks[l.Endpoint]
				if !ok || !l.Complete {
					continue // Export Roles is read by kore_roles; a partial listing cannot be read whole
				}
				path, roleType := "/api/public/"+b.items, ""
				switch l.Endpoint {
				case "users":
					path = "/api/public/alluserroles"
				case "roles-admin", "roles-bot":
					roleType = strings.TrimPrefix(l.Endpoint, "roles-")
				}
				var ids, names []string
				exportedIDs := exportedRoleIDs(t, dir, roleType)
				for _, item := range recordedItems(t, dir, path, roleType, b.items, meta.PageSize) {
					id, ok := item["_id"].(string)
					if !ok && l.Endpoint == "roles-admin" {
						id, ok = exportedIDs[fmt.Sprint(item[b.nameField])] // kore_roles reads it from Export Roles
					}
					if ok {
						ids = append(ids, id)
					}
					names = append(names, fmt.Sprint(item[b.nameField]))
				}
				if len(ids) != len(names) {
					ids = nil // admin roles may have no id, in Get Roles and in a recording without Export Roles
				}
				slices.Sort(ids)
				slices.Sort(names)
				blocks = append(blocks, b.block)
				checks = append(checks, checkStateItems(b.address, b.items, b.stateName, ids, names))
			}
			if len(blocks) == 0 {
				t.Skip("the recording holds no whole listing that a data source reads")
			}
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
provider "kore" {
  host                = %q
  jwt                 = "replay"
  max_retries         = 0
  requests_per_minute = 100000
  cache_dir           = %q
}
`, server.URL, t.TempDir()) + strings.Join(blocks, "\n"),
					Check: resource.ComposeAggregateTestCheckFunc(checks...),
				}},
			})
		})
	}
}

// A recording whose groups total was raised by hand no longer adds up: the provider's read of it fails, as a live
// read of such pages would.
func TestAccContractReplay_aTotalChangedByHandFails(t *testing.T) {
	clearKoreEnv(t)
	source := filepath.Join("..", "..", "testdata", "contract", "local-api")
	dir := t.TempDir()
	for _, name := range []string{"recording.json", "cassette.yaml"} {
		data, err := os.ReadFile(filepath.Join(source, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := cassette.Load(filepath.Join(dir, "cassette"))
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, i := range c.Interactions {
		if strings.Contains(i.Request.URL, "/api/public/groups?limit=50&offset=0") {
			var page map[string]any
			if err := json.Unmarshal([]byte(i.Response.Body), &page); err != nil {
				t.Fatal(err)
			}
			total, ok := page["total"].(float64)
			if !ok {
				t.Fatalf("the recorded total is %v", page["total"])
			}
			page["total"] = total + 1
			body, _ := json.Marshal(page)
			i.Response.Body = string(body)
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("the shipped recording holds no first page of groups")
	}
	c.MarshalFunc = yaml.Marshal
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	server, err := contract.NewReplayServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "kore" {
  host                = %q
  jwt                 = "replay"
  max_retries         = 0
  requests_per_minute = 100000
  cache_dir           = %q
}

data "kore_groups" "all" {}
`, server.URL, t.TempDir()),
			ExpectError: regexp.MustCompile(`Kore.ai Returned Inconsistent Pages(.|\n)*its total is 6\s+groups, but the pages held 5`),
		}},
	})
}
