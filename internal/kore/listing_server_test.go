package kore_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A bot app's secret as the API sends it: it must never reach a result, an error or a log line.
const botAppSecret = "bot-app-secret-7Qm2Zx9Lw4Rk"

// endpoint is one listing endpoint as the tests drive it: how the server writes its items (by hand, independently
// of the client's types) and how the client lists them.
type endpoint struct {
	name     string
	one      string // an item in messages: "group"
	many     string // items in messages: "groups"
	path     string
	itemsKey string
	query    map[string]string // parameters every request must carry besides offset and limit
	// item is the JSON of item i, as the API would send it; ident is what the list call reports for it.
	item  func(i int) string
	ident func(i int) string
	// key is what the client identifies item i by, as its errors quote it.
	key func(i int) string
	// alter changes an item's content but not what identifies it.
	alter func(item string) string
	list  func(ctx context.Context, c *kore.Client, pageSize int) (listed, error)
}

// listed is what every List call returns, in one shape.
type listed struct {
	ids      []string
	total    int
	pages    int
	warnings []string
	result   any
}

var endpoints = []endpoint{
	{
		name: "groups", one: "group", many: "groups", key: func(i int) string { return fmt.Sprintf("g-%03d", i) },
		path: "/api/public/groups", itemsKey: "groups",
		item: func(i int) string {
			return fmt.Sprintf(`{"_id":"g-%03d","gN":"Group %d","gDesc":null,"groups":[],"userCount":0,"users":[]}`, i, i)
		},
		ident: func(i int) string { return fmt.Sprintf("g-%03d", i) },
		alter: func(item string) string { return strings.Replace(item, `"gDesc":null`, `"gDesc":"changed"`, 1) },
		list: func(ctx context.Context, c *kore.Client, pageSize int) (listed, error) {
			list, err := c.ListGroups(ctx, pageSize)
			if err != nil {
				return listed{}, err
			}
			out := listed{total: list.Total, pages: list.Pages, warnings: list.Warnings, result: list}
			for _, g := range list.Groups {
				out.ids = append(out.ids, g.ID)
			}
			return out, nil
		},
	},
	{
		name: "user roles", one: "user", many: "users", key: func(i int) string { return fmt.Sprintf("u-%03d", i) },
		path: "/api/public/alluserroles", itemsKey: "users",
		item: func(i int) string {
			return fmt.Sprintf(`{"userId":"u-%03d","username":"user%d@example.com","orgUserId":null,"accountId":"a-1",`+
				`"isDeveloper":true,"canCreateBot":false,"btRoles":[{"roleId":"r-1","roleName":"Bot Developer",`+
				`"botId":"st-1","botName":"Helpdesk","groups":["Team %d"]}],"adminRoles":[]}`, i, i, i)
		},
		ident: func(i int) string { return fmt.Sprintf("u-%03d", i) },
		alter: func(item string) string { return strings.Replace(item, `"isDeveloper":true`, `"isDeveloper":false`, 1) },
		list: func(ctx context.Context, c *kore.Client, pageSize int) (listed, error) {
			list, err := c.ListUserRoles(ctx, pageSize)
			if err != nil {
				return listed{}, err
			}
			out := listed{total: list.Total, pages: list.Pages, warnings: list.Warnings, result: list}
			for _, u := range list.Users {
				out.ids = append(out.ids, u.ID)
			}
			return out, nil
		},
	},
	{
		// Admin roles come without _id: they are told apart by type and name.
		name: "admin roles", one: "role", many: "roles", key: func(i int) string { return fmt.Sprintf("admin:Role %d", i) },
		path: "/api/public/roles", itemsKey: "roles", query: map[string]string{"roleType": "admin"},
		item: func(i int) string {
			return fmt.Sprintf(`{"roleType":"admin","role":"Role %d","rDesc":"Role number %d",`+
				`"permissions":{"Bot Builder":"YES","Manage Users":["VIEW","TEST"]}}`, i, i)
		},
		ident: func(i int) string { return fmt.Sprintf("Role %d", i) },
		alter: func(item string) string { return strings.Replace(item, `"Bot Builder":"YES"`, `"Bot Builder":"NO"`, 1) },
		list: func(ctx context.Context, c *kore.Client, pageSize int) (listed, error) {
			list, err := c.ListRoles(ctx, kore.RoleTypeAdmin, pageSize)
			if err != nil {
				return listed{}, err
			}
			out := listed{total: list.Total, pages: list.Pages, warnings: list.Warnings, result: list}
			for _, r := range list.Roles {
				out.ids = append(out.ids, r.Name)
			}
			return out, nil
		},
	},
	{
		name: "bots", one: "bot", many: "bots", key: func(i int) string { return fmt.Sprintf("st-%03d", i) },
		path: "/api/public/bots", itemsKey: "bots",
		item: func(i int) string {
			return fmt.Sprintf(`{"_id":"st-%03d","name":"Bot %d","description":"","status":"published",`+
				`"purpose":"employee","type":"default","defaultLanguage":"en","createdOn":"2024-05-01T10:00:00.000Z",`+
				`"createdBy":"u-001","accountId":"a-1","isDeflect":false,"resourceid":"r","icon":null,"isLinkedTo":[],`+
				`"jwtApps":[{"clientId":"cs-%03d","clientSecret":"%s","jtiClaimEnforced":false,`+
				`"jweEncryptionEnforced":false,"createdOn":"2024-05-01T10:00:00.000Z"}]}`, i, i, i, botAppSecret)
		},
		ident: func(i int) string { return fmt.Sprintf("st-%03d", i) },
		alter: func(item string) string { return strings.Replace(item, `"published"`, `"configured"`, 1) },
		list: func(ctx context.Context, c *kore.Client, pageSize int) (listed, error) {
			list, err := c.ListBots(ctx, pageSize)
			if err != nil {
				return listed{}, err
			}
			out := listed{total: list.Total, pages: list.Pages, warnings: list.Warnings, result: list}
			for _, b := range list.Bots {
				out.ids = append(out.ids, b.ID)
			}
			return out, nil
		},
	},
}

// idents is what the list call reports for items 0 to n-1.
func (e endpoint) idents(n int) []string {
	ids := []string{}
	for i := range n {
		ids = append(ids, e.ident(i))
	}
	return ids
}

// listingServer serves one listing endpoint from hand-written items. By default offset is a page number; with
// records it is a number of records to skip. answer, when set, may write any body itself.
type listingServer struct {
	t        testing.TB
	endpoint endpoint
	items    int
	records  bool
	// answer returns the body for one request, or "" to serve the data set; call counts from 1.
	answer func(call int64, offset, limit int) string
	// gate, when set, is called before answering and may block.
	gate func(offset int)

	calls       atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	mu      sync.Mutex
	offsets []int
}

func newListingServer(t testing.TB, e endpoint, items int) *listingServer {
	return &listingServer{t: t, endpoint: e, items: items}
}

func (s *listingServer) start() *httptest.Server {
	server := httptest.NewServer(s)
	s.t.Cleanup(server.Close)
	return server
}

func (s *listingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	call := s.calls.Add(1)
	current := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for seen := s.maxInFlight.Load(); current > seen && !s.maxInFlight.CompareAndSwap(seen, current); {
		seen = s.maxInFlight.Load()
	}

	query := r.URL.Query()
	if r.Method != http.MethodGet || r.URL.Path != s.endpoint.path {
		s.t.Errorf("request %s %s, want GET %s", r.Method, r.URL.Path, s.endpoint.path)
		http.Error(w, "{}", http.StatusNotFound)
		return
	}
	for name, want := range s.endpoint.query {
		if got := query.Get(name); got != want {
			s.t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, err := parseTestToken(r.Header.Get("auth")); err != nil {
		s.t.Errorf("auth header: %v", err)
	}
	offset, errOffset := strconv.Atoi(query.Get("offset"))
	limit, errLimit := strconv.Atoi(query.Get("limit"))
	if errOffset != nil || errLimit != nil || offset < 0 || limit < 1 || limit > kore.MaxPageSize {
		s.t.Errorf("offset %q, limit %q", query.Get("offset"), query.Get("limit"))
		http.Error(w, "{}", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.offsets = append(s.offsets, offset)
	s.mu.Unlock()
	if s.gate != nil {
		s.gate(offset)
	}

	w.Header().Set("Content-Type", "application/json")
	if s.answer != nil {
		if body := s.answer(call, offset, limit); body != "" {
			_, _ = w.Write([]byte(body))
			return
		}
	}
	start := offset * limit
	if s.records {
		start = offset
	}
	_, _ = w.Write([]byte(s.page(start, limit)))
}

// page is the answer holding limit items from start, with the data set's total.
func (s *listingServer) page(start, limit int) string {
	start = min(start, s.items)
	end := min(start+limit, s.items)
	return s.body(s.items, end < s.items, s.itemRange(start, end)...)
}

func (s *listingServer) itemRange(from, to int) []string {
	items := []string{}
	for i := from; i < to; i++ {
		items = append(items, s.endpoint.item(i))
	}
	return items
}

// body writes one answer by hand.
func (s *listingServer) body(total int, more bool, items ...string) string {
	return fmt.Sprintf(`{"total":%d,"availableMore":%t,%q:[%s]}`, total, more, s.endpoint.itemsKey,
		strings.Join(items, ","))
}

func (s *listingServer) requestedOffsets() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.offsets...)
}
