package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

const (
	testClientID     = "cs-test-app-0001"
	testClientSecret = "test-secret-Zq8vR2mK9xLw4Tn7"
)

// testProviderFactories serve the provider in-process, the way Terraform reaches the released binary (protocol 6,
// the direct ReadDataSource path included), with an empty environment so that a developer's own KORE_* variables
// cannot change a test.
var testProviderFactories = factoriesWithEnv(nil)

// factoriesWithEnv serves a provider that sees env as its environment.
func factoriesWithEnv(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){"kore": newProtocol6Server("test", envOf(env))}
}

// testAccountGroups is an account of 123 groups: Kore.ai's two sample groups and 121 generated ones, three pages at
// the default page size.
func testAccountGroups() []fakekore.Group {
	return append(fakekore.SampleGroups(), fakekore.GenerateGroups(121, 4)...)
}

// newTestServer starts a Kore.ai-like API on loopback that requires tokens signed for the test app.
func newTestServer(t *testing.T, groups []fakekore.Group, configure ...func(*fakekore.Options)) *fakekore.Server {
	t.Helper()
	opts := fakekore.Options{ClientID: testClientID, ClientSecret: testClientSecret, Groups: groups, RequireJTI: true}
	for _, c := range configure {
		c(&opts)
	}
	s := fakekore.New(opts)
	t.Cleanup(s.Close)
	return s
}

// providerConfig is a provider block with every credential in HCL, so that no KORE_* variable is needed. The test
// server has no rate limit, and each step of a test reads again in new provider processes that share the account's
// budget: a budget of 60 a minute would make tests wait for it.
func providerConfig(s *fakekore.Server) string {
	return fmt.Sprintf(`
provider "kore" {
  host                = %q
  client_id           = %q
  client_secret       = %q
  max_retries         = 0
  requests_per_minute = 100000
}
`, s.URL, testClientID, testClientSecret)
}

// clearKoreEnv keeps a developer's own KORE_* variables out of a test.
func clearKoreEnv(t *testing.T) {
	t.Helper()
	for _, name := range []string{envHost, envClientID, envClientSecret, envJWT, envMaxRetries, envRequestsPerMinute,
		envRequestTimeout, envInsecure, envCACertificate, envMaxConcurrency, envAllowInexactReads, envRequestsPerHour,
		envCacheDir, envCacheTTL, envRedisURL} {
		t.Setenv(name, "")
	}
}

// expectedGroup is what state must hold for one fixture group, derived from the wire fixture independently of
// the provider's own conversion.
func expectedGroup(g fakekore.Group, includeUsers bool) map[string]any {
	var children []any
	if g.ChildGroups != nil {
		children = []any{}
		for _, c := range g.ChildGroups {
			switch v := c.(type) {
			case string:
				children = append(children, v)
			case fakekore.ChildGroupRef:
				children = append(children, v.ID)
			default:
				panic(fmt.Sprintf("fixture child group of type %T", c))
			}
		}
	}
	var users []any
	if includeUsers && g.Users != nil {
		sorted := append([]fakekore.User(nil), g.Users...)
		sort.SliceStable(sorted, func(i, j int) bool {
			a, b := sorted[i], sorted[j]
			if (a.Email == nil) != (b.Email == nil) {
				return a.Email == nil
			}
			if a.Email != nil && *a.Email != *b.Email {
				return *a.Email < *b.Email
			}
			return a.ID < b.ID
		})
		users = []any{}
		for _, u := range sorted {
			users = append(users, map[string]any{
				"id": u.ID, "email": deref(u.Email), "first_name": deref(u.FirstName), "last_name": deref(u.LastName),
				"job_title": deref(u.JobTitle), "activation_status": deref(u.ActivationStatus), "org_id": deref(u.OrgID),
				"profile_image": deref(u.ProfileImage), "profile_color": deref(u.ProfileColor),
			})
		}
	}
	var userCount any
	if g.UserCount != nil {
		userCount = *g.UserCount
	}
	return map[string]any{
		"id": g.ID, "name": g.Name, "description": deref(g.Description), "child_group_ids": children,
		"user_count": userCount, "users": users,
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func sortedFixture(groups []fakekore.Group) []fakekore.Group {
	out := append([]fakekore.Group(nil), groups...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// expectGroupsState checks groups and group_names_by_email of a kore_groups block against the fixture groups it
// should have kept, and that groups_by_name is gone from state.
func expectGroupsState(address string, kept []fakekore.Group, includeUsers bool) statecheck.StateCheck {
	sorted := sortedFixture(kept)
	groups := make([]any, 0, len(sorted))
	byEmail := map[string][]string{}
	for _, g := range sorted {
		groups = append(groups, expectedGroup(g, includeUsers))
		for _, u := range g.Users {
			if u.Email != nil && !containsString(byEmail[*u.Email], g.Name) {
				byEmail[*u.Email] = append(byEmail[*u.Email], g.Name)
			}
		}
	}
	emailMap := map[string]any{}
	for e, names := range byEmail {
		sort.Strings(names)
		list := make([]any, len(names))
		for i, n := range names {
			list[i] = n
		}
		emailMap[e] = list
	}
	return attributesEqual{address: address, want: map[string]any{
		"groups": groups, "group_names_by_email": emailMap,
	}, absent: []string{"groups_by_name"}}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// attributesEqual compares whole attribute values of one data source in state, after a JSON round trip of both
// sides so that numbers compare alike.
type attributesEqual struct {
	address string
	want    map[string]any
	absent  []string // attributes that must not be in state
}

func (c attributesEqual) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	values, err := stateAttributes(req.State, c.address)
	if err != nil {
		resp.Error = err
		return
	}
	for _, name := range c.absent {
		if _, ok := values[name]; ok {
			resp.Error = fmt.Errorf("%s: attribute %q is in state but should not be", c.address, name)
			return
		}
	}
	for name, want := range c.want {
		got, ok := values[name]
		if !ok {
			resp.Error = fmt.Errorf("%s: no attribute %q in state", c.address, name)
			return
		}
		if !reflect.DeepEqual(normalizeJSON(got), normalizeJSON(want)) {
			gotJSON, _ := json.MarshalIndent(got, "", " ")
			wantJSON, _ := json.MarshalIndent(want, "", " ")
			resp.Error = fmt.Errorf("%s.%s differs from the fixture:\n%s", c.address, name, firstDifference(string(gotJSON), string(wantJSON)))
			return
		}
	}
}

func stateAttributes(state *tfjson.State, address string) (map[string]any, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in state", address)
}

func normalizeJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// firstDifference shows the first differing line of two JSON texts with some context, instead of two huge dumps.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		if i >= len(g) || i >= len(w) || g[i] != w[i] {
			from := max(i-5, 0)
			return fmt.Sprintf("got (from line %d):\n%s\nwant:\n%s", from+1,
				strings.Join(g[from:min(i+5, len(g))], "\n"), strings.Join(w[from:min(i+5, len(w))], "\n"))
		}
	}
	return "(equal text)"
}

// requestCount is a check step that asserts how many requests the server has answered so far.
// requestCountBetween checks the requests where the order in which Terraform reads the blocks decides how many are
// made, within known bounds.
func requestCountBetween(s *fakekore.Server, lo, hi int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := s.Requests(); got < lo || got > hi {
			return fmt.Errorf("the server answered %d requests, want %d to %d (offsets %v)", got, lo, hi, s.Offsets())
		}
		return nil
	}
}

func requestCount(s *fakekore.Server, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := s.Requests(); got != want {
			return fmt.Errorf("the server answered %d requests, want %d (offsets %v)", got, want, s.Offsets())
		}
		return nil
	}
}
