package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// activityUsers is n users with their activity, and the activity as the API serves it, by email.
func activityUsers(n int) ([]fakekore.UserRoles, map[string]fakekore.UserActivity) {
	users := make([]fakekore.UserRoles, n)
	for i := range users {
		users[i] = fakekore.UserRoles{ID: fmt.Sprintf("u-%03d", i), Username: fmt.Sprintf("first%03d.last@example.com", i),
			AccountID: "a-1", BotRoles: []fakekore.BotRoleGrant{}, AdminRoles: []fakekore.AdminRoleGrant{}}
	}
	return users, fakekore.GenerateActivity(fakekore.Access{Users: users}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
}

// usersInfoBatches records the batches of emails Get User Information was asked for.
type usersInfoBatches struct {
	mu      sync.Mutex
	batches int
}

func (b *usersInfoBatches) count(_ int, _ http.ResponseWriter, r *http.Request) bool {
	if r.URL.Path == fakekore.UsersInfoPath {
		b.mu.Lock()
		b.batches++
		b.mu.Unlock()
	}
	return false
}

// With include_activity, every one of 137 users gets the status, last login and names Get User Information sends,
// in 3 requests of at most 50 emails per read; without it, Get User Information is never asked.
func TestAccUsersDataSource_includeActivity(t *testing.T) {
	t.Parallel()
	users, activity := activityUsers(137)
	batches := &usersInfoBatches{}
	s := newAccessServer(t, users, func(o *fakekore.Options) {
		o.Activity = activity
		o.Intercept = batches.count
	})
	var checks []statecheck.StateCheck
	for i, u := range users {
		a := activity[u.Username]
		optional := func(v *string) knownvalue.Check {
			if v == nil {
				return knownvalue.Null()
			}
			return knownvalue.StringExact(*v)
		}
		user := tfjsonpath.New("users").AtSliceIndex(i)
		checks = append(checks,
			statecheck.ExpectKnownValue("data.kore_users.active", user.AtMapKey("email"), knownvalue.StringExact(u.Username)),
			statecheck.ExpectKnownValue("data.kore_users.active", user.AtMapKey("status"), knownvalue.StringExact(a.Status)),
			statecheck.ExpectKnownValue("data.kore_users.active", user.AtMapKey("last_login"), optional(a.LastLogin)),
			statecheck.ExpectKnownValue("data.kore_users.active", user.AtMapKey("first_name"), optional(a.FirstName)),
			statecheck.ExpectKnownValue("data.kore_users.active", user.AtMapKey("last_name"), optional(a.LastName)),
			statecheck.ExpectKnownValue("data.kore_users.plain", user.AtMapKey("status"), knownvalue.Null()),
		)
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + `
data "kore_users" "active" {
  include_activity = true
}

data "kore_users" "plain" {}
`,
			ConfigStateChecks: checks,
		}},
	})
	// Every Terraform command that reads starts the provider anew: each read takes 3 requests.
	if batches.batches == 0 || batches.batches%3 != 0 {
		t.Errorf("%d requests of Get User Information, want 3 per read", batches.batches)
	}

	plain := &usersInfoBatches{}
	s = newAccessServer(t, users, func(o *fakekore.Options) { o.Activity = activity; o.Intercept = plain.count })
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps:                    []resource.TestStep{{Config: providerConfig(s) + `data "kore_users" "plain" {}`}},
	})
	if plain.batches != 0 {
		t.Errorf("%d requests of Get User Information without include_activity, want none", plain.batches)
	}
}

// A user deleted between the two reads fails the read, naming the user, after asking once more; with
// allow_inexact_reads the user keeps null activity and a warning names them. A missing User Management scope is
// named.
func TestAccUsersDataSource_activityRefusals(t *testing.T) {
	t.Parallel()
	users, activity := activityUsers(5)
	delete(activity, "first003.last@example.com")
	config := `
data "kore_users" "active" {
  include_activity = true
}
`
	batches := &usersInfoBatches{}
	s := newAccessServer(t, users, func(o *fakekore.Options) { o.Activity = activity; o.Intercept = batches.count })
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + config,
			ExpectError: regexp.MustCompile(`Kore.ai Users Not Found by Get User Information[\s\S]*"first003.last@example.com"` +
				`[\s\S]*User\s+not\s+found[\s\S]*allow_inexact_reads`),
		}},
	})
	if batches.batches != 2 {
		t.Errorf("%d requests of Get User Information, want 2: the read and one more for the missing user", batches.batches)
	}

	s = newAccessServer(t, users, func(o *fakekore.Options) { o.Activity = activity })
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfigWith(s, "requests_per_minute = 100000\n  allow_inexact_reads = true") + config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_users.active", tfjsonpath.New("users").AtSliceIndex(3).AtMapKey("status"),
					knownvalue.Null()),
				statecheck.ExpectKnownValue("data.kore_users.active", tfjsonpath.New("users").AtSliceIndex(2).AtMapKey("status"),
					knownvalue.NotNull()),
			},
			Check: func(*terraform.State) error { return nil },
		}},
	})

	s = newAccessServer(t, users, func(o *fakekore.Options) {
		o.Activity = activity
		o.Intercept = fakekore.MissingScope(fakekore.UsersInfoPath)
	})
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + config,
			ExpectError: regexp.MustCompile(`Kore.ai App Lacks an API Scope[\s\S]*kore_users\s+with\s+include_activity\s+needs:` +
				`\s+User\s+Management\s+>\s+User\s+Management`),
		}},
	})
}
