package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A read stopped by the spent request budget says which budget, the wait, who shares it and what to do, not that
// the host may not answer.
func TestASpentRequestBudgetIsDescribedAsSuch(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		err      *kore.BudgetDeadlineError
		inDetail []string
		notIn    []string
	}{
		{"the minute's, shared", &kore.BudgetDeadlineError{Window: "minute", Wait: 61700 * time.Millisecond, Shared: true,
			Reason: "the account's budget of 45 requests in 1m0s is spent"},
			[]string{"request budget per minute", "requests_per_minute", "wait of 1m2s", "timeouts.read (10s)",
				"Every process on this machine that reads the account shares the budget", "run again later"},
			[]string{"requests_per_hour"}},
		{"the minute's, shared through Redis", &kore.BudgetDeadlineError{Window: "minute", Wait: 30 * time.Second,
			Shared: true, InRedis: true, Reason: "the account's budget of 60 requests in 1m0s is spent"},
			[]string{"shared through Redis by every process on every machine",
				"Every process on every machine that reads the account through the same Redis (redis_url)"},
			[]string{"Every process on this machine"}},
		{"the hour's, kept in this process", &kore.BudgetDeadlineError{Window: "hour", Wait: 50 * time.Minute,
			Reason: "the account's budget of 1800 requests in 1h0m0s is spent"},
			[]string{"request budget per hour", "requests_per_hour", "wait of 50m0s", "kept in this process"},
			[]string{"requests_per_minute", "Every process"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := fmt.Errorf("reading groups page 3 from the Kore.ai API ran out of time: %w", tc.err)
			summary, detail := describeReadError(context.Background(), err, 10*time.Second, groupsListing)
			if summary != "Kore.ai Request Budget Spent" {
				t.Errorf("summary %q, want Kore.ai Request Budget Spent (detail %q)", summary, detail)
			}
			for _, want := range tc.inDetail {
				if !strings.Contains(detail, want) {
					t.Errorf("detail %q does not say %q", detail, want)
				}
			}
			for _, unwanted := range append(tc.notIn, "check that the host answers") {
				if strings.Contains(detail, unwanted) {
					t.Errorf("detail %q says %q", detail, unwanted)
				}
			}
		})
	}
}

// A second read of 40 pages in the same minute finds the shared budget of 45 requests a minute spent, and says so at
// once instead of waiting past timeouts.read.
func TestAccGroupsDataSource_aSpentBudgetIsNamed(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.GenerateGroups(40, 1))
	dir := t.TempDir()
	config := func(settings, readTimeout string) string {
		return fmt.Sprintf(`
provider "kore" {
  host                = %q
  client_id           = %q
  client_secret       = %q
  max_retries         = 0
  requests_per_minute = 45
  cache_dir           = %q
  %s
}

data "kore_groups" "all" {
  page_size = 1
  %s
}
`, s.URL, testClientID, testClientSecret, dir, settings, readTimeout)
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				// The cache keeps the step's later plans from reading again: 40 of the minute's 45 requests.
				Config: config(`cache_ttl = "1h"`, ""),
				Check:  requestCount(s, 40),
			},
			{
				// The first 5 pages take the minute's last requests; the 6th would wait about a minute.
				Config: config("", `timeouts { read = "10s" }`),
				ExpectError: regexp.MustCompile(`Kore.ai Request Budget Spent(.|\n)*` +
					`request\s+budget\s+per\s+minute,\s+shared\s+by\s+every\s+process(.|\n)*` +
					`requests_per_minute(.|\n)*Every\s+process\s+on\s+this\s+machine\s+that\s+reads\s+the\s+account\s+` +
					`shares\s+the\s+budget(.|\n)*Raise\s+timeouts.read\s+above\s+the\s+wait\s+of\s+[0-9hms]+,\s+or\s+run` +
					`\s+again\s+later`),
			},
		},
	})
	// The second read may end a request or two before the minute's last when a busy machine brings its deadline
	// near first; it may never send one past the budget.
	if got := s.Requests(); got < 43 || got > 45 {
		t.Errorf("the server answered %d requests, want 43 to 45: the budget's minute, and no request past it", got)
	}
}

// A read ended while another process held a lock names the lock's file, not the host.
func TestAReadEndedByAHeldLockIsDescribedAsSuch(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("reading groups page 0 from the Kore.ai API: %w", &kore.LockWaitError{
		Lock: "the account's request budget record", Path: "/cache/budget/0a1b.budget.lock", Err: context.DeadlineExceeded})
	summary, detail := describeReadError(context.Background(), err, 10*time.Second, groupsListing)
	if summary != "Kore.ai Read Waited for Another Process" {
		t.Errorf("summary %q, want Kore.ai Read Waited for Another Process (detail %q)", summary, detail)
	}
	for _, want := range []string{"the account's request budget record (/cache/budget/0a1b.budget.lock)",
		"another process holds", "timeouts.read (10s)", "stopped while holding it"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail %q does not say %q", detail, want)
		}
	}
	if strings.Contains(detail, "check that the host answers") {
		t.Errorf("detail %q blames the host", detail)
	}
}

// A process holding the account's budget record makes a read wait for it; when timeouts.read ends the wait, the
// error names the lock's file.
func TestAccGroupsDataSource_aHeldBudgetLockIsNamed(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, fakekore.GenerateGroups(3, 1))
	dir := t.TempDir()
	config := fmt.Sprintf(`
provider "kore" {
  host                = %q
  client_id           = %q
  client_secret       = %q
  max_retries         = 0
  requests_per_minute = 100000
  cache_dir           = %q
}

data "kore_groups" "all" {
  timeouts {
    read = "300ms"
  }
}
`, s.URL, testClientID, testClientSecret, dir)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					locks, _ := filepath.Glob(filepath.Join(dir, "budget", "*.budget.lock"))
					if len(locks) != 1 {
						t.Fatalf("budget lock files %v, want one", locks)
					}
					held := flock.New(locks[0])
					if ok, err := held.TryLock(); !ok || err != nil {
						t.Fatalf("locking %s: %v, %v", locks[0], ok, err)
					}
					t.Cleanup(func() { _ = held.Unlock() })
				},
				Config: config,
				ExpectError: regexp.MustCompile(`Kore.ai Read Waited for Another Process(.|\n)*lock\s+of\s+the\s+account's` +
					`\s+request\s+budget\s+record\s+\(` + regexp.QuoteMeta(dir) + `/budget/[0-9a-f]+\.budget\.lock\)`),
			},
		},
	})
}
