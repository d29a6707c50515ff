package kore_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestBrokenPaginationFailsQuickly(t *testing.T) {
	groups := makeGroups(100, 0)
	tests := []struct {
		name       string
		pageSize   int
		answer     func(offset int) groupsPageJSON
		wantPage   int
		wantReason string
		wantCalls  int64 // 0: not checked
	}{
		{
			name:       "availableMore true forever with empty pages fails on the first",
			pageSize:   2,
			answer:     func(int) groupsPageJSON { return groupsPageJSON{Total: 0, AvailableMore: true} },
			wantPage:   0,
			wantReason: "empty although availableMore is true",
			wantCalls:  2, // read again once from the start
		},
		{
			name:     "empty pages with availableMore after a full one fail on the first empty one",
			pageSize: 2,
			answer: func(offset int) groupsPageJSON {
				if offset == 0 {
					return groupsPageJSON{Total: 2, AvailableMore: true, Groups: groups[:2]}
				}
				return groupsPageJSON{Total: 2, AvailableMore: true}
			},
			wantPage:   1,
			wantReason: "empty although availableMore is true",
			wantCalls:  4, // read again once from the start
		},
		{
			name:     "an empty page in the middle of a concurrent read fails the read",
			pageSize: 2,
			answer: func(offset int) groupsPageJSON {
				if offset == 1 {
					return groupsPageJSON{Total: 10, AvailableMore: true}
				}
				return groupsPageJSON{Total: 10, AvailableMore: offset < 4, Groups: groups[offset*2 : offset*2+2]}
			},
			wantPage:   1,
			wantReason: "empty although availableMore is true",
		},
		{
			name:       "a page with more groups than the limit",
			pageSize:   2,
			answer:     func(int) groupsPageJSON { return groupsPageJSON{Total: 3, Groups: groups[:3]} },
			wantPage:   0,
			wantReason: "holds 3 groups, more than the limit of 2",
			wantCalls:  1,
		},
		{
			name:     "pages beyond what the total can explain",
			pageSize: 1,
			answer: func(offset int) groupsPageJSON {
				return groupsPageJSON{Total: 2, AvailableMore: true, Groups: groups[offset : offset+1]}
			},
			// Total 2 at 1 a page, plus 10%, one page and two pages of slack: pages 0 to 4, no more.
			wantPage:   4,
			wantReason: "explains at most 5 pages",
			wantCalls:  5,
		},
		{
			name:     "a total no read could ever finish",
			pageSize: 1,
			answer: func(int) groupsPageJSON {
				return groupsPageJSON{Total: 1 << 62, AvailableMore: true, Groups: groups[:1]}
			},
			wantPage:   0,
			wantReason: "more than 200000 pages",
			wantCalls:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, nil, tt.pageSize)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
				writeJSON(w, http.StatusOK, tt.answer(offset))
				return true
			}
			server := api.start()
			client := newTestClient(t, testConfig(server, nil))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()

			_, err := client.ListGroups(ctx, tt.pageSize)
			var paginationErr *kore.PaginationError
			if !errors.As(err, &paginationErr) {
				t.Fatalf("error = %v, want a *PaginationError", err)
			}
			if paginationErr.Page != tt.wantPage || !strings.Contains(paginationErr.Reason, tt.wantReason) {
				t.Errorf("PaginationError = %+v, want page %d and a reason saying %q", paginationErr, tt.wantPage, tt.wantReason)
			}
			if !strings.Contains(err.Error(), "page "+strconv.Itoa(tt.wantPage)) {
				t.Errorf("error %q does not name the page", err)
			}
			if tt.wantCalls != 0 && api.calls.Load() != tt.wantCalls {
				t.Errorf("requests = %d, want %d", api.calls.Load(), tt.wantCalls)
			}
		})
	}
}
