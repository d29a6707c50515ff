package kore_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestListGroupsReadsEveryPage(t *testing.T) {
	tests := []struct {
		name         string
		groups       int
		pageSize     int
		wantRequests int
	}{
		{name: "a single page holds every group", groups: 3, pageSize: 50, wantRequests: 1},
		{name: "several pages are read, the last one partly filled", groups: 7, pageSize: 2, wantRequests: 4},
		{name: "pages that fill exactly end without an extra request", groups: 6, pageSize: 2, wantRequests: 3},
		{name: "an account without groups is one empty page", groups: 0, pageSize: 50, wantRequests: 1},
		{name: "2,000 groups at 50 a page take exactly 40 requests", groups: 2000, pageSize: 50, wantRequests: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := makeGroups(tt.groups, 2)
			api := newFakeAPI(t, groups, tt.pageSize)
			server := api.start()
			client := newTestClient(t, testConfig(server, nil))

			list, err := client.ListGroups(context.Background(), tt.pageSize)
			if err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			if got, want := groupIDs(list.Groups), groupIDs(groups); !slices.Equal(got, want) {
				t.Errorf("group ids = %v, want %v", got, want)
			}
			if !reflect.DeepEqual(list.Groups, groups) {
				t.Errorf("groups differ from what the API served")
			}
			if got := api.calls.Load(); got != int64(tt.wantRequests) {
				t.Errorf("requests = %d, want %d", got, tt.wantRequests)
			}
			offsets := api.requestedOffsets()
			slices.Sort(offsets)
			for i, offset := range offsets {
				if offset != i {
					t.Fatalf("offsets requested = %v, want each of 0..%d once", offsets, tt.wantRequests-1)
				}
			}
			if list.Pages != tt.wantRequests || list.Total != tt.groups {
				t.Errorf("Pages, Total = %d, %d; want %d, %d", list.Pages, list.Total, tt.wantRequests, tt.groups)
			}
			if len(list.Warnings) != 0 {
				t.Errorf("unexpected warnings: %q", list.Warnings)
			}
			if list.Groups == nil {
				t.Error("Groups is nil; want an empty, non-nil slice when there are none")
			}
		})
	}
}

func TestListGroupsKeepsPageOrderWhenPagesAnswerOutOfOrder(t *testing.T) {
	groups := makeGroups(30, 1)
	api := newFakeAPI(t, groups, 3)
	// Later pages answer first: page 1 is the slowest of all.
	api.delay = func(offset int) time.Duration { return time.Duration(10-offset) * 2 * time.Millisecond }
	server := api.start()
	cfg := testConfig(server, nil)
	cfg.MaxConcurrency = 9
	client := newTestClient(t, cfg)

	list, err := client.ListGroups(context.Background(), 3)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got, want := groupIDs(list.Groups), groupIDs(groups); !slices.Equal(got, want) {
		t.Errorf("group ids = %v, want page order %v", got, want)
	}
}

// The pages the first one announces are read MaxConcurrency at a time, not one after another: the first three
// requests after page 1 are held until three are in flight at once, which a read of one page at a time never has.
func TestTheAnnouncedPagesAreReadConcurrently(t *testing.T) {
	api := newFakeAPI(t, makeGroups(100, 0), 10)
	var arrived sync.Once
	allArrived := make(chan struct{})
	api.respond = func(_ http.ResponseWriter, r *http.Request, _ int64, offset int) bool {
		if offset >= 2 && api.inFlight.Load() >= 3 {
			arrived.Do(func() { close(allArrived) })
		}
		if offset >= 2 {
			select { // a read of one page at a time would wait here for ever, so it is let through after a while
			case <-allArrived:
			case <-time.After(time.Second):
			case <-r.Context().Done():
			}
		}
		return false
	}
	cfg := testConfig(api.start(), nil)
	cfg.MaxConcurrency = 3
	list, err := newTestClient(t, cfg).ListGroups(context.Background(), 10)
	if err != nil || len(list.Groups) != 100 {
		t.Fatalf("ListGroups = %v, %v; want 100 groups", list, err)
	}
	select {
	case <-allArrived:
	default:
		t.Errorf("at most %d requests were in flight at once, want 3", api.maxInFlight.Load())
	}
}

func TestListGroupsNeverExceedsMaxConcurrency(t *testing.T) {
	for _, maxConcurrency := range []int{1, 3} {
		t.Run("one read with max concurrency "+strconv.Itoa(maxConcurrency), func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(400, 0), 10)
			api.delay = func(int) time.Duration { return 2 * time.Millisecond }
			server := api.start()
			cfg := testConfig(server, nil)
			cfg.MaxConcurrency = maxConcurrency
			client := newTestClient(t, cfg)

			if _, err := client.ListGroups(context.Background(), 10); err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			if got := api.maxInFlight.Load(); got > int64(maxConcurrency) {
				t.Errorf("%d requests were in flight at once, want at most %d", got, maxConcurrency)
			}
		})
	}

	t.Run("two reads with different page sizes share the client-wide bound", func(t *testing.T) {
		api := newFakeAPI(t, makeGroups(200, 0), 0)
		api.delay = func(int) time.Duration { return 2 * time.Millisecond }
		server := api.start()
		cfg := testConfig(server, nil)
		cfg.MaxConcurrency = 2
		client := newTestClient(t, cfg)

		var wg sync.WaitGroup
		for _, pageSize := range []int{5, 8} {
			wg.Go(func() {
				if _, err := client.ListGroups(context.Background(), pageSize); err != nil {
					t.Errorf("ListGroups(%d): %v", pageSize, err)
				}
			})
		}
		wg.Wait()
		if got := api.maxInFlight.Load(); got > 2 {
			t.Errorf("%d requests were in flight at once, want at most 2", got)
		}
		if got, want := api.calls.Load(), int64(40+25); got != want {
			t.Errorf("requests = %d, want %d", got, want)
		}
	})
}

// Groups added after page 0 was read change the total that page 1 reports: the read does not trust pages from
// two moments, reads again, and holds every group of the account as it is now.
func TestListGroupsReadsAgainWhenGroupsAreAddedDuringTheRead(t *testing.T) {
	groups := makeGroups(6, 1)
	api := newFakeAPI(t, groups, 2)
	// Page 0 announces 4 groups (2 pages) the first time it is read; by then there are 6, and page 1 says so.
	api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, offset int) bool {
		if offset == 0 && call == 1 {
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 4, AvailableMore: true, Groups: groups[0:2]})
			return true
		}
		return false
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 2)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got, want := groupIDs(list.Groups), groupIDs(groups); !slices.Equal(got, want) {
		t.Errorf("group ids = %v, want %v", got, want)
	}
	if list.Pages != 3 || list.Total != 6 || len(list.Warnings) != 0 {
		t.Errorf("Pages, Total, Warnings = %d, %d, %q; want 3, 6, none", list.Pages, list.Total, list.Warnings)
	}
	if got := api.requestedOffsets(); !slices.Equal(got, []int{0, 1, 0, 1, 2}) {
		t.Errorf("offsets = %v, want pages 0 and 1, then a new read of pages 0 to 2", got)
	}
}

func TestListGroupsKeepsAGroupSeenTwiceWithTheSameContentOnce(t *testing.T) {
	groups := makeGroups(5, 1)
	api := newFakeAPI(t, groups, 2)
	// Data moved between pages: g-00003 is served again, unchanged, at the top of page 2.
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		switch offset {
		case 0:
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 5, AvailableMore: true, Groups: groups[0:2]})
		case 1:
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 5, AvailableMore: true, Groups: groups[2:4]})
		case 2:
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 5, AvailableMore: true,
				Groups: []kore.Group{groups[3], groups[4]}})
		default:
			writeJSON(w, http.StatusOK, groupsPageJSON{Total: 5})
		}
		return true
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 2)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got, want := groupIDs(list.Groups), groupIDs(groups); !slices.Equal(got, want) {
		t.Errorf("group ids = %v, want %v (first occurrence kept)", got, want)
	}
	if len(list.Warnings) != 1 || !containsWarning(list.Warnings, "1 group appeared on more than one page") {
		t.Errorf("warnings %q, want one reporting the duplicate", list.Warnings)
	}
	if got := api.calls.Load(); got != 4 {
		t.Errorf("requests = %d, want 4: one read, no second one", got)
	}
}

func TestListGroupsFailsWhenFewerGroupsThanTheTotalAreRead(t *testing.T) {
	groups := makeGroups(3, 0)
	api := newFakeAPI(t, groups, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		writeJSON(w, http.StatusOK, groupsPageJSON{Total: 5, AvailableMore: false, Groups: groups})
		return true
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 50)
	var paginationErr *kore.PaginationError
	if !errors.As(err, &paginationErr) || !strings.Contains(err.Error(), "total is 5 groups, but the pages held 3") ||
		!strings.Contains(err.Error(), "second read") {
		t.Fatalf("list, error = %v, %v; want a *PaginationError naming 5 and 3 after a second read", list, err)
	}
	if got := api.calls.Load(); got != 2 {
		t.Errorf("requests = %d, want 2: the read and one more from the start", got)
	}
}

func TestListGroupsWarnsWhenMoreGroupsThanTheTotalAreRead(t *testing.T) {
	groups := makeGroups(3, 0)
	api := newFakeAPI(t, groups, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		writeJSON(w, http.StatusOK, groupsPageJSON{Total: 2, AvailableMore: false, Groups: groups})
		return true
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Warnings) != 1 || !containsWarning(list.Warnings, "total of 2 groups, but 3 were read") {
		t.Errorf("warnings = %q, want one naming 2 and 3", list.Warnings)
	}
	if list.Total != 2 || len(list.Groups) != 3 {
		t.Errorf("Total, groups = %d, %d; want 2, 3", list.Total, len(list.Groups))
	}
}

func TestListGroupsWarnsWhenAGroupListsFewerUsersThanItsUserCount(t *testing.T) {
	groups := makeGroups(4, 3)
	groups[2].UserCount = ptr(int64(25)) // as if the API had cut the member list short
	groups[3].Users = nil                // no member list at all says nothing about truncation
	server := newFakeAPI(t, groups, 50).start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Warnings) != 1 || !containsWarning(list.Warnings, `1 group lists a different number of users than userCount (for example "Group 2", id "`+groupID(2)+`": userCount 25, 3 users listed)`) {
		t.Errorf("warnings = %q, want one naming Group 2", list.Warnings)
	}
	if len(list.Groups[2].Users) != 3 || *list.Groups[2].UserCount != 25 {
		t.Errorf("the group must stay as the API sent it")
	}
}

func TestListGroupsSkipsPagesAfterOneThatEndsTheData(t *testing.T) {
	groups := makeGroups(15, 0)
	api := newFakeAPI(t, groups, 10)
	// The total overstates the data: page 1 is the last one.
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		page := api.page(offset, 10)
		page.Total = 100
		page.AvailableMore = offset == 0
		writeJSON(w, http.StatusOK, page)
		return true
	}
	server := api.start()
	cfg := testConfig(server, nil)
	cfg.MaxConcurrency = 1
	client := newTestClient(t, cfg)

	// Fewer groups than the total: the read fails, but neither read asks for a page after the one that said no more.
	_, err := client.ListGroups(context.Background(), 10)
	if err == nil || !strings.Contains(err.Error(), "total is 100 groups, but the pages held 15") {
		t.Fatalf("error = %v, want one naming the total of 100 and the 15 read", err)
	}
	if got := api.calls.Load(); got != 4 {
		t.Errorf("requests = %d, want 4: two reads of pages 0 and 1, nothing after the page that said no more", got)
	}
}

func TestListGroupsDecodesKoreSampleResponse(t *testing.T) {
	sample, err := os.ReadFile("testdata/kore_sample_response.json")
	if err != nil {
		t.Fatal(err)
	}
	api := newFakeAPI(t, nil, 2)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(sample)
		return true
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 2)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Groups) != 2 || list.Total != 2 || len(list.Warnings) != 0 {
		t.Fatalf("groups, total, warnings = %d, %d, %q; want 2, 2, none", len(list.Groups), list.Total, list.Warnings)
	}
	audit := list.Groups[0]
	if audit.ID != "e-eed8e93a-79ff-523b-9545-4833c26xxxxx" || audit.Name != "Audit" ||
		deref(audit.Description) != "Audit Team" || deref(audit.UserCount) != 2 {
		t.Errorf("first group = %+v", audit)
	}
	if audit.ChildGroupIDs == nil || len(audit.ChildGroupIDs) != 0 {
		t.Errorf("ChildGroupIDs = %#v, want an empty, non-nil slice for []", audit.ChildGroupIDs)
	}
	if len(audit.Users) != 2 {
		t.Fatalf("users = %d, want 2", len(audit.Users))
	}
	first, second := audit.Users[0], audit.Users[1]
	if first.JobTitle == nil || *first.JobTitle != "" {
		t.Errorf(`jTitle "" decoded as %v, want a pointer to ""`, first.JobTitle)
	}
	if second.JobTitle != nil {
		t.Errorf("jTitle null decoded as %q, want nil", *second.JobTitle)
	}
	if deref(first.Email) != "sample1@example.com" || deref(first.FirstName) != "Sample" ||
		deref(first.LastName) != "Sample1" || deref(first.ProfileImage) != "profile.png" ||
		deref(first.ProfileColor) != "#ffd700" || deref(first.ActivationStatus) != "active" ||
		deref(first.OrgID) != "o-c2419ad3-e160-5bae-af32-6e62f11xxxxx" || first.ID != "u-c32243f6-b4ba-5884-9527-a7efb9axxxxx" {
		t.Errorf("first user = %+v", first)
	}
	if second.ProfileColor == nil || *second.ProfileColor != "" {
		t.Errorf(`profColour "" decoded as %v, want a pointer to ""`, second.ProfileColor)
	}
}

func TestListGroupsReadsChildGroupsInEveryForm(t *testing.T) {
	body := `{"total":4,"availableMore":false,"groups":[
		{"_id":"g1","gN":"Ids","groups":["c1","c2"],"users":[]},
		{"_id":"g2","gN":"Objects","groups":[{"_id":"c3","gN":"Child"},"c4",null]},
		{"_id":"g3","gN":"Null","groups":null,"users":null,"gDesc":null},
		{"_id":"g4","gN":"Absent"}]}`
	api := newFakeAPI(t, nil, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		_, _ = w.Write([]byte(body))
		return true
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	tests := []struct {
		name     string
		children []string
		nilUsers bool
	}{
		{name: "ids as strings are kept in order", children: []string{"c1", "c2"}},
		{name: "objects give their _id and nulls are dropped", children: []string{"c3", "c4"}, nilUsers: true},
		{name: "null stays nil", children: nil, nilUsers: true},
		{name: "an absent field stays nil", children: nil, nilUsers: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group := list.Groups[i]
			if !reflect.DeepEqual(group.ChildGroupIDs, tt.children) {
				t.Errorf("ChildGroupIDs = %#v, want %#v", group.ChildGroupIDs, tt.children)
			}
			if (group.Users == nil) != tt.nilUsers {
				t.Errorf("Users = %#v, want nil: %v", group.Users, tt.nilUsers)
			}
		})
	}
}

func TestListGroupsMemoisesPerPageSize(t *testing.T) {
	groups := makeGroups(10, 1)
	api := newFakeAPI(t, groups, 0)
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))
	ctx := context.Background()

	first, err := client.ListGroups(ctx, 4)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	requests := api.calls.Load()

	t.Run("a second read of the same page size makes no request", func(t *testing.T) {
		second, err := client.ListGroups(ctx, 4)
		if err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		if got := api.calls.Load(); got != requests {
			t.Errorf("requests went from %d to %d", requests, got)
		}
		if !reflect.DeepEqual(first, second) {
			t.Error("the memoised result differs from the first")
		}
	})

	t.Run("replacing fields of a returned list does not reach later callers", func(t *testing.T) {
		mine, _ := client.ListGroups(ctx, 4)
		mine.Groups = append(mine.Groups, kore.Group{ID: "added"})
		mine.Warnings = append(mine.Warnings, "mine")
		mine.Total = -1
		later, _ := client.ListGroups(ctx, 4)
		if len(later.Groups) != 10 || len(later.Warnings) != 0 || later.Total != 10 {
			t.Errorf("later caller sees %d groups, warnings %q, total %d", len(later.Groups), later.Warnings, later.Total)
		}
	})

	t.Run("another page size is a read of its own", func(t *testing.T) {
		if _, err := client.ListGroups(ctx, 5); err != nil {
			t.Fatalf("ListGroups: %v", err)
		}
		if got := api.calls.Load(); got != requests+2 {
			t.Errorf("requests = %d, want %d", got, requests+2)
		}
	})
}

func TestListGroupsDoesNotMemoiseErrors(t *testing.T) {
	api := newFakeAPI(t, makeGroups(3, 0), 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
		if call == 1 {
			writeAPIError(w, http.StatusNotFound, 404, "Not Found")
			return true
		}
		return false
	}
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))

	if _, err := client.ListGroups(context.Background(), 50); err == nil {
		t.Fatal("first read succeeded, want the 404")
	}
	list, err := client.ListGroups(context.Background(), 50)
	if err != nil {
		t.Fatalf("second read: %v", err)
	}
	if len(list.Groups) != 3 || api.calls.Load() != 2 {
		t.Errorf("groups, requests = %d, %d; want 3, 2", len(list.Groups), api.calls.Load())
	}
}

func TestListGroupsSharesOneReadBetweenConcurrentCallers(t *testing.T) {
	const callers = 5
	groups := makeGroups(20, 1)
	api := newFakeAPI(t, groups, 5)
	release := make(chan struct{})
	api.respond = func(http.ResponseWriter, *http.Request, int64, int) bool {
		<-release // hold the read until every caller has joined it
		return false
	}
	server := api.start()
	var joined atomic.Int32
	cfg := kore.WithFlightJoinedHook(testConfig(server, nil), func() {
		if joined.Add(1) == callers {
			close(release)
		}
	})
	client := newTestClient(t, cfg)

	results := make([]*kore.GroupList, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			list, err := client.ListGroups(context.Background(), 5)
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
			results[i] = list
		})
	}
	wg.Wait()

	if got := api.calls.Load(); got != 4 {
		t.Errorf("requests = %d, want 4: one read of 4 pages for all %d callers", got, callers)
	}
	for i, list := range results {
		if list == nil || !slices.Equal(groupIDs(list.Groups), groupIDs(groups)) {
			t.Errorf("caller %d got a different result", i)
		}
	}
}

func TestListGroupsReadsAgainWhenTheCallerWhoStartedTheReadGivesUp(t *testing.T) {
	groups := makeGroups(4, 0)
	api := newFakeAPI(t, groups, 50)
	firstRequest := make(chan struct{})
	api.respond = func(_ http.ResponseWriter, r *http.Request, call int64, _ int) bool {
		if call == 1 {
			close(firstRequest)
			<-r.Context().Done() // the starter's request hangs until the starter gives up
			return true
		}
		return false
	}
	server := api.start()
	bothJoined := make(chan struct{})
	var joined atomic.Int32
	cfg := kore.WithFlightJoinedHook(testConfig(server, nil), func() {
		if joined.Add(1) == 2 {
			close(bothJoined)
		}
	})
	client := newTestClient(t, cfg)

	starterCtx, cancelStarter := context.WithCancel(context.Background())
	defer cancelStarter()
	starterErr := make(chan error, 1)
	go func() {
		_, err := client.ListGroups(starterCtx, 50)
		starterErr <- err
	}()
	<-firstRequest

	waiterResult := make(chan *kore.GroupList, 1)
	go func() {
		list, err := client.ListGroups(context.Background(), 50)
		if err != nil {
			t.Errorf("the waiting caller failed: %v", err)
		}
		waiterResult <- list
	}()
	<-bothJoined
	cancelStarter()

	if err := <-starterErr; !errors.Is(err, context.Canceled) {
		t.Errorf("starter error = %v, want context.Canceled", err)
	}
	if list := <-waiterResult; list == nil || len(list.Groups) != 4 {
		t.Errorf("the waiting caller got %v, want the 4 groups of a read of its own", list)
	}
	if got := api.calls.Load(); got != 2 {
		t.Errorf("requests = %d, want 2: the abandoned one and the waiter's own read", got)
	}
}

func TestListGroupsRejectsPageSizesOutsideOneToFifty(t *testing.T) {
	api := newFakeAPI(t, nil, 0)
	server := api.start()
	client := newTestClient(t, testConfig(server, nil))
	for _, pageSize := range []int{-1, 0, 51, 1000} {
		t.Run("page size "+strconv.Itoa(pageSize)+" is refused without a request", func(t *testing.T) {
			_, err := client.ListGroups(context.Background(), pageSize)
			if err == nil || !strings.Contains(err.Error(), "1 to 50") {
				t.Errorf("error = %v, want one naming the range 1 to 50", err)
			}
		})
	}
	if got := api.calls.Load(); got != 0 {
		t.Errorf("requests = %d, want none", got)
	}
}

func containsWarning(warnings []string, part string) bool {
	return slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, part) })
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
