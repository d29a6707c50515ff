package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// auditRequests counts the requests for the audit logs, by the range's end each asked for.
type auditRequests struct {
	mu    sync.Mutex
	byEnd map[string]int
}

func (a *auditRequests) add(to string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.byEnd[to]++
	total := 0
	for _, n := range a.byEnd {
		total += n
	}
	return total
}

// newAuditServer serves entries and counts the requests for the audit logs; after the second it writes one more
// entry, now, as an account does while it is read.
func newAuditServer(t *testing.T, entries []fakekore.AuditLogEntry) (*fakekore.Server, *auditRequests) {
	t.Helper()
	requests := &auditRequests{byEnd: map[string]int{}}
	var s *fakekore.Server
	s = newTestServer(t, testAccountGroups(), func(o *fakekore.Options) {
		o.AuditLogs = entries
		o.Intercept = func(_ int, _ http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path == fakekore.AuditLogsPath && requests.add(r.URL.Query().Get("toDate")) == 2 {
				s.AddAuditLog(fakekore.NewAuditLogEntry(time.Now(), 10_000, "Login", "Login/Logout", "written during the read"))
			}
			return false
		}
	})
	return s, requests
}

// Over a range of 437 entries, with one written while the pages are read: exactly the 437, oldest first, each
// field as sent, in at most one request per 100 entries; a second block over the same range shares the read, and
// categories keeps exactly the entries of those categories.
func TestAccAuditLogsDataSource_readsAPinnedRangeOldestFirst(t *testing.T) {
	t.Parallel()
	now := time.Now()
	entries := fakekore.GenerateAuditLogs(now.Add(-time.Minute), 437)
	s, requests := newAuditServer(t, entries)
	roleManagement := 0
	for _, e := range entries {
		if e.Category == "Role Management" {
			roleManagement++
		}
	}
	oldest := entries[0]
	from := now.Add(-8 * 24 * time.Hour).UTC().Format(time.RFC3339)
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerConfig(s) + fmt.Sprintf(`
data "kore_audit_logs" "week" {
  from = %[1]q
}

data "kore_audit_logs" "roles" {
  from       = %[1]q
  categories = ["Role Management"]
}
`, from),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_audit_logs.week", tfjsonpath.New("total"), knownvalue.Int64Exact(437)),
				statecheck.ExpectKnownValue("data.kore_audit_logs.week", tfjsonpath.New("entries"), knownvalue.ListSizeExact(437)),
				statecheck.ExpectKnownValue("data.kore_audit_logs.week", tfjsonpath.New("entries").AtSliceIndex(0),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id":           knownvalue.StringExact(oldest.ID),
						"time":         knownvalue.StringExact(oldest.Time),
						"timestamp_ms": knownvalue.Int64Exact(oldest.Timestamp),
						"name":         knownvalue.StringExact(oldest.Name),
						"category":     knownvalue.StringExact(oldest.Category),
						"description":  knownvalue.StringExact(oldest.Description),
					})),
				statecheck.ExpectKnownValue("data.kore_audit_logs.roles", tfjsonpath.New("total"), knownvalue.Int64Exact(437)),
				statecheck.ExpectKnownValue("data.kore_audit_logs.roles", tfjsonpath.New("entries"), knownvalue.ListSizeExact(roleManagement)),
				statecheck.ExpectKnownValue("data.kore_audit_logs.roles", tfjsonpath.New("page_size"), knownvalue.Int64Exact(100)),
				statecheck.ExpectKnownValue("data.kore_audit_logs.roles", tfjsonpath.New("max_entries"), knownvalue.Int64Exact(10000)),
			},
			Check: resource.ComposeTestCheckFunc(
				oldestFirst("data.kore_audit_logs.week", 437),
				onlyCategory("data.kore_audit_logs.roles", roleManagement, "Role Management"),
				resource.TestCheckResourceAttrPair("data.kore_audit_logs.week", "to", "data.kore_audit_logs.roles", "to"),
			),
		}},
	})
	// Each Terraform command starts the provider anew, and so pins a range of its own: each range is one read of 5
	// pages, shared by both blocks.
	for end, n := range requests.byEnd {
		if n != 5 {
			t.Errorf("%d requests for the range ending %s (two blocks, 437 entries), want 5", n, end)
		}
	}
}

// oldestFirst checks that n entries are sorted by timestamp_ms, then id.
func oldestFirst(name string, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[name].Primary.Attributes
		previous, previousID := int64(-1), ""
		for i := range n {
			at, err := strconv.ParseInt(attrs[fmt.Sprintf("entries.%d.timestamp_ms", i)], 10, 64)
			id := attrs[fmt.Sprintf("entries.%d.id", i)]
			if err != nil || at < previous || (at == previous && id <= previousID) {
				return fmt.Errorf("entry %d (%d, %s) is not after entry %d (%d, %s)", i, at, id, i-1, previous, previousID)
			}
			previous, previousID = at, id
		}
		return nil
	}
}

func onlyCategory(name string, n int, category string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[name].Primary.Attributes
		for i := range n {
			if got := attrs[fmt.Sprintf("entries.%d.category", i)]; got != category {
				return fmt.Errorf("entry %d has category %q, want %q", i, got, category)
			}
		}
		return nil
	}
}

// What cannot be read is refused, each with its own message: a missing scope names the audit logs' own scope, a
// range holding more than max_entries says to narrow it after one request, and times that are not RFC 3339 or a
// range that ends before it starts are refused before any request.
func TestAccAuditLogsDataSource_refusals(t *testing.T) {
	t.Parallel()
	now := time.Now()
	entries := fakekore.GenerateAuditLogs(now.Add(-time.Minute), 150)
	from := now.Add(-8 * 24 * time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		name, config string
		fault        fakekore.Interceptor
		want         *regexp.Regexp
		requests     int64
	}{
		{name: "a missing scope", config: fmt.Sprintf(`from = %q`, from), fault: fakekore.MissingScope(fakekore.AuditLogsPath),
			want:     regexp.MustCompile(`Kore.ai App Lacks an API Scope[\s\S]*kore_audit_logs\s+needs:\s+Logs\s+>\s+Admin\s+Console\s+Audit\s+Logs`),
			requests: 1},
		{name: "more entries than allowed", config: fmt.Sprintf(`from = %q
  max_entries = 100`, from),
			want:     regexp.MustCompile(`Kore.ai Range Too Large[\s\S]*hold\s+150\s+entries,\s+more\s+than\s+the\s+100\s+allowed[\s\S]*Narrow\s+the\s+range`),
			requests: 1},
		{name: "a from that is not RFC 3339", config: `from = "last week"`,
			want: regexp.MustCompile(`Invalid from[\s\S]*not an RFC 3339 time`)},
		{name: "a range that ends before it starts", config: fmt.Sprintf(`from = %q
  to = %q`, from, now.Add(-9*24*time.Hour).UTC().Format(time.RFC3339)),
			want: regexp.MustCompile(`Kore.ai Audit Log Range Ends Before It Starts`)},
		{name: "a page size over 100", config: fmt.Sprintf(`from = %q
  page_size = 101`, from),
			want: regexp.MustCompile(`page_size = 101 is not a whole number from 1 to 100`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int64
			s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) {
				o.AuditLogs = entries
				o.Intercept = fakekore.Chain(func(_ int, _ http.ResponseWriter, r *http.Request) bool {
					if r.URL.Path == fakekore.AuditLogsPath {
						requests.Add(1)
					}
					return false
				}, tc.fault)
			})
			acceptanceTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(s) + "data \"kore_audit_logs\" \"x\" {\n  " + tc.config + "\n}\n",
					ExpectError: tc.want,
				}},
			})
			if n := requests.Load(); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
}

// The direct path and the framework's Read give kore_audit_logs the same state, with entries lacking optional
// fields and filters that keep none among the cases.
func TestAuditLogs_directReadMatchesTheFrameworkRead(t *testing.T) {
	t.Parallel()
	now := time.Now()
	entries := fakekore.GenerateAuditLogs(now.Add(-time.Minute), 30)
	entries[3].Description = ""
	s := newTestServer(t, testAccountGroups(), func(o *fakekore.Options) { o.AuditLogs = entries })
	h := newProtocolHarness(t, s.URL, nil)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	set := func(items ...string) tftypes.Value {
		values := make([]tftypes.Value, len(items))
		for i, item := range items {
			values[i] = str(item)
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, values)
	}
	from := str(now.Add(-8 * 24 * time.Hour).UTC().Format(time.RFC3339))
	to := str(now.UTC().Format(time.RFC3339Nano))
	for name, args := range map[string]map[string]tftypes.Value{
		"every entry":              {"from": from, "to": to},
		"by category and name":     {"from": from, "to": to, "categories": set("Role Management"), "names": set("Bot Role Assigned to Users")},
		"a filter that keeps none": {"from": from, "to": to, "categories": set("Nothing")},
		"small pages":              {"from": from, "to": to, "page_size": tftypes.NewValue(tftypes.Number, 7)},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			req := h.readRequest(t, "kore_audit_logs", args)
			direct, err := h.server.ReadDataSource(ctx, req)
			if err != nil || hasErrors(direct.Diagnostics) {
				t.Fatalf("ReadDataSource: %v %s", err, describeDiagnostics(direct.Diagnostics))
			}
			framework, err := h.server.ProviderServer.ReadDataSource(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			typ := h.dataSourceType("kore_audit_logs")
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
