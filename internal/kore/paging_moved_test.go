package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// churningGroups serves Get Groups from a list that a test changes after a given number of requests, as a busy
// account changes while its pages are read. Offset is a page number.
type churningGroups struct {
	mu       sync.Mutex
	ids      []string
	names    map[string]string
	requests int
	// changes[n] runs just before request n+1 is answered.
	changes map[int]func(c *churningGroups)
}

func newChurningGroups(n int) *churningGroups {
	c := &churningGroups{names: map[string]string{}, changes: map[int]func(*churningGroups){}}
	for i := range n {
		id := fmt.Sprintf("g-%05d", i)
		c.ids = append(c.ids, id)
		c.names[id] = "Group " + strconv.Itoa(i)
	}
	return c
}

// snapshot is the account as it is: every group's id and name, in order.
func (c *churningGroups) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.ids))
	for i, id := range c.ids {
		out[i] = id + "=" + c.names[id]
	}
	return out
}

func (c *churningGroups) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if change := c.changes[c.requests]; change != nil {
		change(c)
	}
	c.requests++
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	start := min(offset*limit, len(c.ids))
	end := min(start+limit, len(c.ids))
	var b strings.Builder
	fmt.Fprintf(&b, `{"total":%d,"availableMore":%t,"groups":[`, len(c.ids), end < len(c.ids))
	for i, id := range c.ids[start:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"_id":%q,"gN":%q}`, id, c.names[id])
	}
	b.WriteString("]}")
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(b.String()))
}

func deleteAt(position int) func(*churningGroups) {
	return func(c *churningGroups) { c.ids = slices.Delete(c.ids, position, position+1) }
}

func addAt(position int, id string) func(*churningGroups) {
	return func(c *churningGroups) {
		c.ids = slices.Insert(c.ids, position, id)
		c.names[id] = "New " + id
	}
}

func renameAt(position int) func(*churningGroups) {
	return func(c *churningGroups) { c.names[c.ids[position]] += " (renamed)" }
}

func readGroupsOf(t *testing.T, server *httptest.Server, allowInexact bool) (*kore.GroupList, error) {
	t.Helper()
	cfg := testConfig(server, nil)
	cfg.AllowInexactReads = allowInexact
	// One page at a time, so that which pages were read before the change, and so the requests counted, do not
	// depend on how the goroutines were scheduled.
	cfg.MaxConcurrency = 1
	return newTestClient(t, cfg).ListGroups(context.Background(), 50)
}

func groupsRead(list *kore.GroupList) []string {
	out := make([]string, len(list.Groups))
	for i, g := range list.Groups {
		out[i] = g.ID + "=" + g.Name
	}
	return out
}

// A group added, removed or renamed while 40 pages are read: the read holds the account exactly as it was before
// the change or after it, never a mix that loses or invents a group, and reads again only what can have moved.
func TestABusyAccountIsReadAsItWasAtOneMoment(t *testing.T) {
	tests := []struct {
		name   string
		after  int // the change comes after this many requests: page 0, offset=1, then pages 2 on, one at a time
		change func(*churningGroups)
		// most is the most requests the read may make: 40 pages, plus what can have moved, plus the search for it
		// (6 pages at most).
		most int
	}{
		{name: "the first group deleted", after: 6, change: deleteAt(0), most: 40 + 40 + 6},
		{name: "a group of page 1 deleted", after: 10, change: deleteAt(60), most: 40 + 39 + 6},
		{name: "a group of page 30 deleted", after: 10, change: deleteAt(1510), most: 40 + 10 + 6},
		{name: "a group of the last page deleted", after: 20, change: deleteAt(1999), most: 40 + 1 + 6},
		{name: "a group added on page 5", after: 12, change: addAt(260, "g-new"), most: 40 + 36 + 6},
		{name: "a group added at the end", after: 30, change: addAt(2000, "g-new"), most: 40 + 2 + 6},
		{name: "a group renamed", after: 15, change: renameAt(1000), most: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newChurningGroups(2000)
			before := api.snapshot()
			api.changes[tt.after] = tt.change
			server := httptest.NewServer(api)
			t.Cleanup(server.Close)

			list, err := readGroupsOf(t, server, false)
			if err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			after := api.snapshot()
			got := groupsRead(list)
			if !slices.Equal(got, before) && !slices.Equal(got, after) {
				t.Errorf("the read (%d groups) is neither the account before the change (%d) nor after it (%d)",
					len(got), len(before), len(after))
			}
			if list.Total != len(got) || len(list.Warnings) != 0 {
				t.Errorf("total %d for %d groups, warnings %q", list.Total, len(got), list.Warnings)
			}
			if api.requests > tt.most {
				t.Errorf("%d requests, want at most %d", api.requests, tt.most)
			}
		})
	}
}

// The pages before the first one that moved are not read again: a change on the last page costs the 40 pages,
// the pages of the search for what moved, and the last page again, far fewer than a second read of everything.
func TestOnlyThePagesThatMovedAreReadAgain(t *testing.T) {
	api := newChurningGroups(2000)
	api.changes[20] = deleteAt(1999)
	server := httptest.NewServer(api)
	t.Cleanup(server.Close)
	if _, err := readGroupsOf(t, server, false); err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	// 40 + at most 6 pages for the search + the last page.
	if api.requests > 40+6+1 {
		t.Errorf("%d requests, want at most 47", api.requests)
	}
}

// Two changes that leave the total as it was, one seen by the first pass and one made before the pages are read
// again: the earlier pass's pages after the first one that moved hold the account as it was, though their total is
// today's, so none of them is kept; the read holds the account after both changes.
func TestPagesThatMovedAreReadAgainWhenTheTotalChangedBack(t *testing.T) {
	api := newChurningGroups(1600)
	// Requests 0 to 9 read pages 0 to 9 of 32; page 10 reports 1599 groups, which ends the first pass.
	api.changes[10] = deleteAt(260)
	api.changes[11] = addAt(1500, "g-new")
	server := httptest.NewServer(api)
	t.Cleanup(server.Close)
	list, err := readGroupsOf(t, server, false)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got, want := groupsRead(list), api.snapshot(); !slices.Equal(got, want) {
		t.Errorf("the read (%d groups) is not the account after both changes (%d groups)", len(got), len(want))
	}
}

// A second change during the pages read again fails the read, saying both reads did not add up; with inexact
// reads allowed it succeeds with a warning naming the total that changed.
func TestAnAccountThatKeepsChangingFailsClosed(t *testing.T) {
	build := func() *httptest.Server {
		api := newChurningGroups(2000)
		api.changes[10] = deleteAt(100)
		api.changes[45] = deleteAt(200)
		server := httptest.NewServer(api)
		t.Cleanup(server.Close)
		return server
	}
	server := build()
	_, err := readGroupsOf(t, server, false)
	var pageErr *kore.PaginationError
	if !errors.As(err, &pageErr) ||
		!strings.Contains(pageErr.Reason, "reading again the pages that moved did not add up either") ||
		!strings.Contains(pageErr.Reason, "were added or removed during the read") {
		t.Fatalf("error = %v, want a *PaginationError saying the total changed twice", err)
	}

	server = build()
	list, err := readGroupsOf(t, server, true)
	if err != nil {
		t.Fatalf("ListGroups with inexact reads allowed: %v", err)
	}
	if !slices.ContainsFunc(list.Warnings, func(w string) bool {
		return strings.Contains(w, "groups were added or removed during the read; kept because inexact reads are allowed")
	}) {
		t.Errorf("warnings %q do not name the total that changed", list.Warnings)
	}
}

// An item without an id cannot be checked (not against the other pages, not for what offset means): the read fails
// at once, naming the page and the field, on every listing, even where offset skips records and no flag is sent.
func TestAnItemWithoutAnIDEndsTheRead(t *testing.T) {
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			api := newListingServer(t, e, 9)
			api.answer = func(_ int64, offset, _ int) string {
				if offset == 1 {
					return `{"total":9,"` + e.itemsKey + `":[{"_id":"","userId":"","role":""},` + e.item(4) + `,` + e.item(5) + `]}`
				}
				return ""
			}
			_, err := e.list(context.Background(), newTestClient(t, testConfig(api.start(), nil)), 3)
			var pageErr *kore.PaginationError
			if !errors.As(err, &pageErr) || pageErr.Page != 1 ||
				!strings.Contains(pageErr.Reason, `element 0 of "`+e.itemsKey+`" has no `) {
				t.Fatalf("error = %v, want page 1 refused for an item without an id", err)
			}
			if requests := api.calls.Load(); requests != 2 {
				t.Errorf("requests = %d, want 2: nothing explains it, so it is not read again", requests)
			}
		})
	}
}

// A first page that reports a total of 0 still sets the total every later page is held to: a page 1 reporting 4
// groups is a change during the read, read again from the start and then refused, not a total set afresh; with
// inexact reads allowed, page 1 is named, and page 2, back at 0, agrees with page 0.
func TestAFirstTotalOfZeroIsHeldToo(t *testing.T) {
	requests := 0
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("offset") {
		case "0":
			_, _ = w.Write([]byte(`{"total":0,"availableMore":true,"groups":[{"_id":"g-a","gN":"A"},{"_id":"g-b","gN":"B"}]}`))
		case "1":
			_, _ = w.Write([]byte(`{"total":4,"availableMore":true,"groups":[{"_id":"g-c","gN":"C"},{"_id":"g-d","gN":"D"}]}`))
		default:
			_, _ = w.Write([]byte(`{"total":0,"availableMore":false,"groups":[{"_id":"g-e","gN":"E"}]}`))
		}
	}))
	t.Cleanup(server.Close)
	list, err := newTestClient(t, testConfig(server, nil)).ListGroups(context.Background(), 2)
	var pageErr *kore.PaginationError
	if !errors.As(err, &pageErr) || !strings.Contains(pageErr.Reason, "not the 0 of the pages read before it") {
		t.Fatalf("ListGroups = %v, %v; want a *PaginationError saying the total changed from 0", list, err)
	}
	if requests != 4 {
		t.Errorf("%d requests, want 4: pages 0 and 1, twice", requests)
	}

	cfg := testConfig(server, nil)
	cfg.AllowInexactReads = true
	list, err = newTestClient(t, cfg).ListGroups(context.Background(), 2)
	if err != nil {
		t.Fatalf("ListGroups with inexact reads allowed: %v", err)
	}
	if !slices.ContainsFunc(list.Warnings, func(w string) bool { return strings.Contains(w, "groups page 1: its total is 4") }) ||
		slices.ContainsFunc(list.Warnings, func(w string) bool { return strings.Contains(w, "groups page 2") }) {
		t.Errorf("warnings %q, want page 1 named for its total of 4 and page 2 not named", list.Warnings)
	}
}
