package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// auditLogServer serves Get Admin Console Audit Logs as documented: offset a page number, size, fromDate and
// toDate (inclusive), moreAvailable, entries newest first. It fails the test on a request that lacks the range.
type auditLogServer struct {
	t        *testing.T
	mu       sync.Mutex
	stamps   []int64 // epoch ms of each entry, ids follow their order of writing
	requests int
	// afterRequest, if set, runs after each answer (under the lock): it may write new entries.
	afterRequest func(s *auditLogServer)
}

func (s *auditLogServer) write(at int64) {
	s.stamps = append(s.stamps, at)
}

func (s *auditLogServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	q := r.URL.Query()
	if r.URL.Path != "/api/public/auditlogs" || q.Has("limit") {
		s.t.Errorf("request %s: want /api/public/auditlogs paged by size", r.URL)
	}
	from, errFrom := time.Parse("2006-01-02T15:04:05.000Z", q.Get("fromDate"))
	to, errTo := time.Parse("2006-01-02T15:04:05.000Z", q.Get("toDate"))
	if errFrom != nil || errTo != nil {
		s.t.Errorf("request %s: fromDate and toDate must be yyyy-mm-ddThh:mm:ss.sssZ", r.URL)
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	size, _ := strconv.Atoi(q.Get("size"))
	// Newest first, as a log would list them.
	var inRange []int
	for i := len(s.stamps) - 1; i >= 0; i-- {
		if s.stamps[i] >= from.UnixMilli() && s.stamps[i] <= to.UnixMilli() {
			inRange = append(inRange, i)
		}
	}
	start := min(offset*size, len(inRange))
	end := min(start+size, len(inRange))
	var items []string
	for _, i := range inRange[start:end] {
		items = append(items, fmt.Sprintf(`{"timestampValue":%d,"Date/Time":%q,"Description":"Entry %d",`+
			`"Name":%q,"Category":%q,"AuditLogId":"%024x"}`, s.stamps[i],
			time.UnixMilli(s.stamps[i]).UTC().Format(time.RFC3339Nano), i, []string{"Group Created", "Login"}[i%2],
			[]string{"Group Management", "Login/Logout"}[i%2], i+1))
	}
	fmt.Fprintf(w, `{"total":%d,"auditlogs":[%s],"moreAvailable":%t}`, len(inRange), strings.Join(items, ","),
		end < len(inRange))
	if s.afterRequest != nil {
		s.afterRequest(s)
	}
}

func newAuditLogClient(t *testing.T, s *auditLogServer) *kore.Client {
	t.Helper()
	server := httptest.NewServer(s)
	t.Cleanup(server.Close)
	return newTestClient(t, testConfig(server, nil))
}

// Every entry of the range exactly once, in at most one request per 100 entries, even when an entry is written
// while the pages are read: the range's end is pinned, so the new entry belongs to the next read.
func TestListAuditLogsReadsEveryEntryOfAPinnedRange(t *testing.T) {
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	s := &auditLogServer{t: t}
	for i := range 437 {
		s.write(base.Add(time.Duration(i) * time.Minute).UnixMilli())
	}
	to := base.Add(437 * time.Minute)
	written := false
	s.afterRequest = func(s *auditLogServer) {
		if !written && s.requests == 2 {
			s.write(to.Add(time.Millisecond).UnixMilli()) // one millisecond after the pinned end
			written = true
		}
	}
	list, err := newAuditLogClient(t, s).ListAuditLogs(context.Background(),
		kore.AuditLogRange{From: base, To: to, PageSize: 100})
	if err != nil {
		t.Fatalf("ListAuditLogs: %v", err)
	}
	if len(list.Entries) != 437 || list.Total != 437 || !written {
		t.Fatalf("%d entries of a total of %d, want the 437 of the range", len(list.Entries), list.Total)
	}
	seen := map[string]bool{}
	for _, e := range list.Entries {
		if seen[e.ID] || e.Timestamp == nil || *e.Timestamp > to.UnixMilli() || e.Name == nil || e.Category == nil ||
			e.Description == nil || e.Time == nil {
			t.Fatalf("entry %+v: seen twice, outside the range or missing a field", e)
		}
		seen[e.ID] = true
	}
	if s.requests > 5 {
		t.Errorf("%d requests for 437 entries, want at most 5", s.requests)
	}
}

// Blocks asking for the same range share one read; another range is another read.
func TestListAuditLogsSharesAReadOfOneRange(t *testing.T) {
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	s := &auditLogServer{t: t}
	for i := range 30 {
		s.write(base.Add(time.Duration(i) * time.Second).UnixMilli())
	}
	client := newAuditLogClient(t, s)
	r := kore.AuditLogRange{From: base, To: base.Add(time.Hour), PageSize: 100}
	for range 3 {
		if _, err := client.ListAuditLogs(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if s.requests != 1 {
		t.Errorf("%d requests for three reads of one range, want 1", s.requests)
	}
	r.From = base.Add(10 * time.Second)
	list, err := client.ListAuditLogs(context.Background(), r)
	if err != nil || len(list.Entries) != 20 || s.requests != 2 {
		t.Errorf("another range: %d entries, %d requests, %v; want 20 entries in a second request", len(list.Entries),
			s.requests, err)
	}
}

// A range holding more entries than allowed fails after its first page, naming both numbers; a range that ends
// before it starts, or a page size the API does not take, fails before any request.
func TestListAuditLogsRefusesWhatItCannotRead(t *testing.T) {
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	s := &auditLogServer{t: t}
	for i := range 250 {
		s.write(base.Add(time.Duration(i) * time.Second).UnixMilli())
	}
	client := newAuditLogClient(t, s)
	_, err := client.ListAuditLogs(context.Background(),
		kore.AuditLogRange{From: base, To: base.Add(time.Hour), PageSize: 100, MostEntries: 200})
	var tooMany *kore.TooManyItemsError
	if !errors.As(err, &tooMany) || tooMany.Total != 250 || tooMany.Most != 200 ||
		err.Error() != "the audit logs hold 250 entries, more than the 200 allowed" || s.requests != 1 {
		t.Errorf("error %v after %d requests, want the 250 entries refused after the first page", err, s.requests)
	}
	if list, err := client.ListAuditLogs(context.Background(),
		kore.AuditLogRange{From: base, To: base.Add(time.Hour), PageSize: 100, MostEntries: 250}); err != nil ||
		len(list.Entries) != 250 {
		t.Errorf("a range of exactly the most allowed: %v", err)
	}
	requests := s.requests
	for _, r := range []kore.AuditLogRange{
		{From: base, To: base.Add(-time.Millisecond), PageSize: 100},
		{From: base, PageSize: 100},
		{To: base, PageSize: 100},
		{From: base, To: base, PageSize: 101},
		{From: base, To: base, PageSize: 0},
	} {
		if _, err := client.ListAuditLogs(context.Background(), r); err == nil {
			t.Errorf("range %+v was read", r)
		}
	}
	if s.requests != requests {
		t.Errorf("refused ranges made %d requests", s.requests-requests)
	}
}

// The audit logs' scope is its own: a refusal names it.
func TestAuditLogRefusalsNameTheirScope(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeAPIError(w, http.StatusUnauthorized, 4002, "Permission denied. Scope is incorrect!")
	}))
	t.Cleanup(server.Close)
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	_, err := newTestClient(t, testConfig(server, nil)).ListAuditLogs(context.Background(),
		kore.AuditLogRange{From: base, To: base.Add(time.Hour), PageSize: 100})
	var apiErr *kore.APIError
	if !errors.As(err, &apiErr) || kore.RefusalOf(err) != kore.RefusedScope || apiErr.Scope != kore.ScopeAuditLogs ||
		!strings.Contains(err.Error(), "audit logs page 0") {
		t.Errorf("error %v, want a scope refusal naming Logs > Admin Console Audit Logs", err)
	}
}
