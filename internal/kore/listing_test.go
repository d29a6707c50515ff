package kore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestEveryListingReadsEveryItemOnceWhicheverMeaningOffsetHas(t *testing.T) {
	tests := []struct {
		name            string
		items, pageSize int
		pages           int
		// probe says whether finding out what offset means takes a request of its own when it counts records.
		probe bool
	}{
		{name: "several pages, the last one partly filled", items: 7, pageSize: 3, pages: 3, probe: true},
		{name: "pages that fill exactly", items: 6, pageSize: 3, pages: 2, probe: true},
		{name: "a single page asks nothing about offset", items: 2, pageSize: 3, pages: 1},
		{name: "an empty listing is one page", items: 0, pageSize: 3, pages: 1},
		{name: "one item a page, where both meanings ask for the same records", items: 3, pageSize: 1, pages: 3},
		{name: "many pages read concurrently", items: 100, pageSize: 7, pages: 15, probe: true},
	}
	for _, e := range endpoints {
		for _, records := range []bool{false, true} {
			meaning := "offset as a page number"
			if records {
				meaning = "offset as records to skip"
			}
			for _, tt := range tests {
				t.Run(e.name+"/"+meaning+"/"+tt.name, func(t *testing.T) {
					api := newListingServer(t, e, tt.items)
					api.records = records
					cfg := testConfig(api.start(), nil)
					cfg.MaxConcurrency = 4
					client := newTestClient(t, cfg)

					got, err := e.list(context.Background(), client, tt.pageSize)
					if err != nil {
						t.Fatalf("list: %v", err)
					}
					if want := e.idents(tt.items); !slices.Equal(got.ids, want) {
						t.Errorf("ids = %v, want each of %v once, in order", got.ids, want)
					}
					wantRequests := int64(tt.pages)
					if records && tt.probe {
						wantRequests++ // offset=1 answered records 1 to pageSize, not page 1
					}
					if requests := api.calls.Load(); requests != wantRequests {
						t.Errorf("requests = %d (offsets %v), want %d", requests, api.requestedOffsets(), wantRequests)
					}
					if got.total != tt.items || got.pages != tt.pages || len(got.warnings) != 0 {
						t.Errorf("total, pages, warnings = %d, %d, %q; want %d, %d, none", got.total, got.pages,
							got.warnings, tt.items, tt.pages)
					}
					if !tt.probe {
						return
					}

					// What offset means is known now: a read with another page size asks nothing about it.
					before := api.calls.Load()
					again, err := e.list(context.Background(), client, tt.pageSize+1)
					if err != nil {
						t.Fatalf("second list: %v", err)
					}
					if !slices.Equal(again.ids, e.idents(tt.items)) {
						t.Errorf("second read ids = %v", again.ids)
					}
					if requests := api.calls.Load() - before; requests != int64(again.pages) {
						t.Errorf("second read made %d requests for %d pages, want no request to learn offset",
							requests, again.pages)
					}
				})
			}
		}
	}
}

func TestOffsetThatFitsNeitherMeaningIsAnError(t *testing.T) {
	tests := []struct {
		name   string
		answer func(s *listingServer, offset, limit int) string
	}{
		{name: "a server that ignores offset", answer: func(s *listingServer, _, limit int) string {
			return s.page(0, limit)
		}},
		{name: "a server whose offset=1 skips two records", answer: func(s *listingServer, offset, limit int) string {
			if offset == 1 {
				return s.page(2, limit)
			}
			return ""
		}},
	}
	for _, e := range endpoints {
		for _, tt := range tests {
			t.Run(e.name+"/"+tt.name, func(t *testing.T) {
				api := newListingServer(t, e, 9)
				api.answer = func(_ int64, offset, limit int) string { return tt.answer(api, offset, limit) }
				client := newTestClient(t, testConfig(api.start(), nil))

				got, err := e.list(context.Background(), client, 3)
				var paginationErr *kore.PaginationError
				if !errors.As(err, &paginationErr) {
					t.Fatalf("result, error = %+v, %v; want a *PaginationError", got, err)
				}
				if paginationErr.Page != 1 || !strings.Contains(err.Error(), "fits neither meaning of offset") ||
					!strings.Contains(err.Error(), e.name+" page 1") {
					t.Errorf("error %q, want one naming %s page 1 and saying offset fits neither meaning", err, e.name)
				}
				if requests := api.calls.Load(); requests != 4 {
					t.Errorf("requests = %d (offsets %v), want 4: pages 0 and offset=1, twice", requests,
						api.requestedOffsets())
				}
			})
		}
	}
}

// brokenPage describes one way pages fail to add up, on a listing of 9 items read 3 a page (pages 0 to 2).
type brokenPage struct {
	name string
	// answer writes the broken page, or "" for the data set.
	answer     func(s *listingServer, offset, limit int) string
	wantPage   int
	wantReason func(e endpoint) string
	// readCalls is the requests of one read: a read stops at the first page that does not add up.
	readCalls int64
}

var brokenPages = []brokenPage{
	{
		name: "a null item",
		answer: func(s *listingServer, offset, _ int) string {
			if offset == 1 {
				return s.body(9, true, s.endpoint.item(3), "null", s.endpoint.item(5))
			}
			return ""
		},
		wantPage: 1, readCalls: 2,
		wantReason: func(e endpoint) string { return fmt.Sprintf("element 1 of %q is null", e.itemsKey) },
	},
	{
		name: "a page short of the limit while more are promised",
		answer: func(s *listingServer, offset, _ int) string {
			if offset == 1 {
				return s.body(9, true, s.endpoint.item(3), s.endpoint.item(4))
			}
			return ""
		},
		wantPage: 1, readCalls: 2,
		wantReason: func(e endpoint) string {
			return "holds 2 " + e.many + ", fewer than the limit of 3, although availableMore is true"
		},
	},
	{
		name: "an empty page while more are promised",
		answer: func(s *listingServer, offset, _ int) string {
			if offset == 2 {
				return s.body(9, true)
			}
			return ""
		},
		wantPage: 2, readCalls: 3,
		wantReason: func(endpoint) string { return "empty although availableMore is true" },
	},
	{
		name: "one item on two pages with different content",
		answer: func(s *listingServer, offset, _ int) string {
			if offset == 2 {
				return s.body(9, false, s.endpoint.alter(s.endpoint.item(5)), s.endpoint.item(6), s.endpoint.item(7))
			}
			return ""
		},
		wantPage: 2, readCalls: 3,
		wantReason: func(e endpoint) string {
			return fmt.Sprintf("holds %s %q, which page 1 also holds with different content", e.one, e.key(5))
		},
	},
	{
		name: "fewer items than the total",
		answer: func(s *listingServer, offset, _ int) string {
			if offset == 2 {
				return s.body(9, false, s.itemRange(6, 8)...)
			}
			return ""
		},
		wantPage: 2, readCalls: 3,
		wantReason: func(e endpoint) string { return "total is 9 " + e.many + ", but the pages held 8" },
	},
}

func TestPagesThatDoNotAddUpAreReadAgainOnceThenFail(t *testing.T) {
	for _, e := range endpoints {
		for _, broken := range brokenPages {
			t.Run(e.name+"/"+broken.name, func(t *testing.T) {
				api := newListingServer(t, e, 9)
				api.answer = func(_ int64, offset, limit int) string { return broken.answer(api, offset, limit) }
				logger := &captureLogger{}
				cfg := testConfig(api.start(), nil)
				cfg.Logger = logger
				client := newTestClient(t, cfg)

				got, err := e.list(context.Background(), client, 3)
				var paginationErr *kore.PaginationError
				if !errors.As(err, &paginationErr) {
					t.Fatalf("result, error = %+v, %v; want a *PaginationError", got, err)
				}
				reason := broken.wantReason(e)
				if paginationErr.Page != broken.wantPage || !strings.Contains(paginationErr.Reason, reason) ||
					!strings.Contains(paginationErr.Reason, "a second read from the start did not add up either") {
					t.Errorf("PaginationError = %+v, want page %d, a reason saying %q and that it was read twice",
						paginationErr, broken.wantPage, reason)
				}
				if want := fmt.Sprintf("%s page %d", e.name, broken.wantPage); !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
				if requests := api.calls.Load(); requests != 2*broken.readCalls {
					t.Errorf("requests = %d (offsets %v), want %d: two reads from the start", requests,
						api.requestedOffsets(), 2*broken.readCalls)
				}
				if !slices.ContainsFunc(logger.all(), func(l string) bool { return strings.Contains(l, "reading again from the start") }) {
					t.Errorf("no log line says the read was repeated: %q", logger.all())
				}
			})
		}
	}
}

func TestPagesThatDoNotAddUpOnceAreReadAgainAndSucceed(t *testing.T) {
	for _, e := range endpoints {
		for _, broken := range brokenPages {
			t.Run(e.name+"/"+broken.name, func(t *testing.T) {
				api := newListingServer(t, e, 9)
				api.answer = func(call int64, offset, limit int) string {
					if call > broken.readCalls { // the data settled before the second read
						return ""
					}
					return broken.answer(api, offset, limit)
				}
				client := newTestClient(t, testConfig(api.start(), nil))

				got, err := e.list(context.Background(), client, 3)
				if err != nil {
					t.Fatalf("list: %v", err)
				}
				if want := e.idents(9); !slices.Equal(got.ids, want) {
					t.Errorf("ids = %v, want %v", got.ids, want)
				}
				if len(got.warnings) != 0 {
					t.Errorf("warnings = %q, want none: the second read added up", got.warnings)
				}
				if requests := api.calls.Load(); requests != broken.readCalls+3 {
					t.Errorf("requests = %d, want %d: the broken read, then pages 0 to 2", requests, broken.readCalls+3)
				}
			})
		}
	}
}

func TestAllowInexactReadsTurnsPagesThatDoNotAddUpIntoWarnings(t *testing.T) {
	for _, e := range endpoints {
		for _, broken := range brokenPages {
			t.Run(e.name+"/"+broken.name, func(t *testing.T) {
				api := newListingServer(t, e, 9)
				api.answer = func(_ int64, offset, limit int) string { return broken.answer(api, offset, limit) }
				cfg := testConfig(api.start(), nil)
				cfg.AllowInexactReads = true
				client := newTestClient(t, cfg)

				got, err := e.list(context.Background(), client, 3)
				if err != nil {
					t.Fatalf("list: %v", err)
				}
				reason := broken.wantReason(e)
				if !containsWarning(got.warnings, reason) || !containsWarning(got.warnings, "inexact reads are allowed") {
					t.Errorf("warnings = %q, want one saying %q", got.warnings, reason)
				}
				if len(got.ids) < 6 {
					t.Errorf("ids = %v, want what the pages held", got.ids)
				}
				if requests := api.calls.Load(); requests < broken.readCalls+3 {
					t.Errorf("requests = %d, want at least %d: the first read stops early, the second reads every page",
						requests, broken.readCalls+3)
				}
			})
		}
	}

	t.Run("offset that fits neither meaning stays an error", func(t *testing.T) {
		e := endpoints[3]
		api := newListingServer(t, e, 9)
		api.answer = func(_ int64, _, limit int) string { return api.page(0, limit) }
		cfg := testConfig(api.start(), nil)
		cfg.AllowInexactReads = true
		if _, err := e.list(context.Background(), newTestClient(t, cfg), 3); err == nil ||
			!strings.Contains(err.Error(), "fits neither meaning") {
			t.Errorf("error = %v, want the offset that fits neither meaning", err)
		}
	})
}

func TestAnItemSeenTwiceWithTheSameContentIsKeptOnce(t *testing.T) {
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			api := newListingServer(t, e, 8)
			// Data moved between pages: item 5 is served again, unchanged, at the top of page 2.
			api.answer = func(_ int64, offset, _ int) string {
				if offset == 2 {
					return api.body(8, false, api.itemRange(5, 8)...)
				}
				return ""
			}
			client := newTestClient(t, testConfig(api.start(), nil))

			got, err := e.list(context.Background(), client, 3)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if want := e.idents(8); !slices.Equal(got.ids, want) {
				t.Errorf("ids = %v, want %v with item 5 once, at its first place", got.ids, want)
			}
			if len(got.warnings) != 1 || !containsWarning(got.warnings, "appeared on more than one page") {
				t.Errorf("warnings = %q, want one reporting the duplicate", got.warnings)
			}
			if requests := api.calls.Load(); requests != 3 {
				t.Errorf("requests = %d, want 3: one read", requests)
			}
		})
	}
}

func TestEveryListingRefusesAPageLargerThanTheLimitAtOnce(t *testing.T) {
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			api := newListingServer(t, e, 9)
			api.answer = func(_ int64, _, _ int) string { return api.body(9, true, api.itemRange(0, 4)...) }
			client := newTestClient(t, testConfig(api.start(), nil))

			_, err := e.list(context.Background(), client, 3)
			var paginationErr *kore.PaginationError
			if !errors.As(err, &paginationErr) || paginationErr.Page != 0 ||
				!strings.Contains(paginationErr.Reason, "more than the limit of 3") {
				t.Fatalf("error = %v, want page 0 holding more than the limit", err)
			}
			if requests := api.calls.Load(); requests != 1 {
				t.Errorf("requests = %d, want 1: data changing cannot explain it, so it is not read again", requests)
			}
		})
	}
}

func TestAnEndlessAvailableMoreIsFollowedOnlyAsFarAsTheTotalExplains(t *testing.T) {
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			api := newListingServer(t, e, 1000)
			// Every page claims more still to come, beyond the total of 6.
			api.answer = func(_ int64, offset, limit int) string {
				return api.body(6, true, api.itemRange(offset*limit, offset*limit+limit)...)
			}
			client := newTestClient(t, testConfig(api.start(), nil))

			_, err := e.list(context.Background(), client, 3)
			var paginationErr *kore.PaginationError
			if !errors.As(err, &paginationErr) || !strings.Contains(paginationErr.Reason, "explains at most 5 pages") {
				t.Fatalf("error = %v, want the bound of the first total (6 at 3 a page, plus growth: 5 pages)", err)
			}
			if requests := api.calls.Load(); requests != 5 {
				t.Errorf("requests = %d, want 5", requests)
			}
		})
	}
}

func TestListingsReadPagesConcurrently(t *testing.T) {
	for _, e := range endpoints {
		t.Run(e.name, func(t *testing.T) {
			api := newListingServer(t, e, 30)
			// Pages after the first two wait until another request is in flight too; a walk that reads one page at
			// a time reaches the fallback every time.
			var waiting atomic.Int32
			together := make(chan struct{})
			var once sync.Once
			api.gate = func(offset int) {
				if offset < 2 {
					return
				}
				if waiting.Add(1) >= 2 {
					once.Do(func() { close(together) })
				}
				select {
				case <-together:
				case <-time.After(2 * time.Second):
				}
			}
			cfg := testConfig(api.start(), nil)
			cfg.MaxConcurrency = 4
			client := newTestClient(t, cfg)

			got, err := e.list(context.Background(), client, 3)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if len(got.ids) != 30 {
				t.Errorf("read %d items, want 30", len(got.ids))
			}
			if inFlight := api.maxInFlight.Load(); inFlight < 2 || inFlight > 4 {
				t.Errorf("at most %d requests were in flight at once, want 2 to 4 with max concurrency 4", inFlight)
			}
		})
	}
}

func TestListingReadsAreShared(t *testing.T) {
	t.Run("two callers at once share one walk", func(t *testing.T) {
		for _, e := range endpoints {
			t.Run(e.name, func(t *testing.T) {
				const callers = 2
				api := newListingServer(t, e, 9)
				release := make(chan struct{})
				api.gate = func(int) { <-release }
				var joined atomic.Int32
				cfg := kore.WithFlightJoinedHook(testConfig(api.start(), nil), func() {
					if joined.Add(1) == callers {
						close(release)
					}
				})
				client := newTestClient(t, cfg)

				results := make([]listed, callers)
				var wg sync.WaitGroup
				for i := range callers {
					wg.Go(func() {
						got, err := e.list(context.Background(), client, 3)
						if err != nil {
							t.Errorf("caller %d: %v", i, err)
						}
						results[i] = got
					})
				}
				wg.Wait()
				if requests := api.calls.Load(); requests != 3 {
					t.Errorf("requests = %d, want 3: one walk of 3 pages for both callers", requests)
				}
				for i, got := range results {
					if !slices.Equal(got.ids, e.idents(9)) {
						t.Errorf("caller %d got %v", i, got.ids)
					}
				}

				// The memo answers later callers without a request.
				if _, err := e.list(context.Background(), client, 3); err != nil || api.calls.Load() != 3 {
					t.Errorf("a later call: error %v, requests %d; want the memo's answer", err, api.calls.Load())
				}
				// Another page size is a walk of its own.
				if _, err := e.list(context.Background(), client, 4); err != nil || api.calls.Load() != 6 {
					t.Errorf("page size 4: error %v, requests %d; want 3 more", err, api.calls.Load())
				}
			})
		}
	})

	t.Run("each role type is a walk of its own", func(t *testing.T) {
		requests := map[string]int64{} // by role type
		admin := endpoints[2]
		api := newListingServer(t, admin, 2)
		api.endpoint.query = nil // both role types are asked of this server
		server := api.start()
		client := newTestClient(t, testConfig(server, nil))
		api.gate = nil
		for _, roleType := range []string{kore.RoleTypeAdmin, kore.RoleTypeBot, kore.RoleTypeAdmin} {
			before := api.calls.Load()
			list, err := client.ListRoles(context.Background(), roleType, 50)
			if err != nil {
				t.Fatalf("ListRoles(%s): %v", roleType, err)
			}
			requests[roleType] += api.calls.Load() - before
			if len(list.Roles) != 2 {
				t.Errorf("ListRoles(%s) read %d roles", roleType, len(list.Roles))
			}
		}
		if a, b := requests[kore.RoleTypeAdmin], requests[kore.RoleTypeBot]; a != 1 || b != 1 {
			t.Errorf("requests for admin, bot = %d, %d; want 1 each: the second admin read is the memo's", a, b)
		}
	})
}

func TestListingsRefuseBadArgumentsWithoutARequest(t *testing.T) {
	api := newListingServer(t, endpoints[0], 0)
	client := newTestClient(t, testConfig(api.start(), nil))
	for _, e := range endpoints {
		for _, pageSize := range []int{0, 51} {
			t.Run(fmt.Sprintf("%s with page size %d", e.name, pageSize), func(t *testing.T) {
				if _, err := e.list(context.Background(), client, pageSize); err == nil ||
					!strings.Contains(err.Error(), "1 to 50") {
					t.Errorf("error = %v, want one naming the range 1 to 50", err)
				}
			})
		}
	}
	t.Run("a role type Kore.ai does not know", func(t *testing.T) {
		if _, err := client.ListRoles(context.Background(), "Admin", 50); err == nil ||
			!strings.Contains(err.Error(), `"admin" or "bot"`) {
			t.Errorf("error = %v, want one naming admin and bot", err)
		}
	})
	if requests := api.calls.Load(); requests != 0 {
		t.Errorf("requests = %d, want none", requests)
	}
}
