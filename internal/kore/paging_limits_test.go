package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A first total that fills exactly the largest number of pages a walk may take is read, not refused: here the
// data shrank to two groups by page 1, which ends the read; the total that changed is reported, with inexact reads
// allowed, as a warning.
func TestATotalOfExactlyTheMostPagesIsRead(t *testing.T) {
	api := newFakeAPI(t, nil, 1)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		w.Header().Set("Content-Type", "application/json")
		switch offset {
		case 0:
			fmt.Fprint(w, `{"total":200000,"availableMore":true,"groups":[{"_id":"g-0","gN":"A"}]}`)
		case 1:
			fmt.Fprint(w, `{"total":2,"availableMore":false,"groups":[{"_id":"g-1","gN":"B"}]}`)
		default:
			if offset > 10 { // beyond the pages in flight when page 1 ended the data
				t.Errorf("page %d was requested after page 1 ended the data", offset)
				w.WriteHeader(http.StatusNotFound)
				return true
			}
			fmt.Fprint(w, `{"total":2,"availableMore":false,"groups":[]}`)
		}
		return true
	}
	cfg := testConfig(api.start(), nil)
	cfg.AllowInexactReads = true
	list, err := newTestClient(t, cfg).ListGroups(context.Background(), 1)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if ids := groupIDs(list.Groups); !slices.Equal(ids, []string{"g-0", "g-1"}) || list.Total != 2 {
		t.Errorf("groups %v, total %d; want g-0 and g-1 of 2", ids, list.Total)
	}
	if !slices.ContainsFunc(list.Warnings, func(w string) bool { return strings.Contains(w, "not the 200000") }) {
		t.Errorf("warnings %q do not report the total that changed", list.Warnings)
	}
}

// Pages after one that says no more are available are not asked for, though the total announced them.
func TestPagesAfterTheOneThatEndsTheDataAreNotRequested(t *testing.T) {
	groups := makeGroups(35, 0)
	api := newFakeAPI(t, groups, 10)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		page := api.page(offset, 10)
		page.Total = 100 // the data shrank to 35 groups: page 3 is the last
		page.AvailableMore = offset < 3
		writeJSON(w, http.StatusOK, page)
		return true
	}
	cfg := testConfig(api.start(), nil)
	cfg.MaxConcurrency = 1
	_, err := newTestClient(t, cfg).ListGroups(context.Background(), 10)
	if err == nil || !strings.Contains(err.Error(), "total is 100 groups, but the pages held 35") {
		t.Fatalf("error = %v, want one naming the total of 100 and the 35 read", err)
	}
	if got, want := api.requestedOffsets(), []int{0, 1, 2, 3, 0, 1, 2, 3}; !slices.Equal(got, want) {
		t.Errorf("offsets requested = %v, want %v: pages 0 to 3, twice, none after page 3", got, want)
	}
}

// A read whose pages keep promising more follows them only as far as the first total explains: that total plus
// 10% and one page, rounded up to whole pages, and two pages of slack.
func TestAvailableMoreIsFollowedAsFarAsTheFirstTotalExplains(t *testing.T) {
	tests := []struct {
		total, pageSize int
		lastPage        int // the last page read; the read fails there
		allowed         int
	}{
		{total: 3, pageSize: 2, lastPage: 4, allowed: 5},       // 3+0+2 = 5 groups: 3 pages
		{total: 4100, pageSize: 50, lastPage: 93, allowed: 94}, // 4100+410+50 = 4560 groups: 92 pages
		{total: 1000, pageSize: 50, lastPage: 24, allowed: 25}, // 1000+100+50 = 1150 groups: 23 pages, none partial
		{total: 1001, pageSize: 50, lastPage: 25, allowed: 26}, // 1001+100+50 = 1151 groups: 24 pages
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d groups at %d a page", tt.total, tt.pageSize), func(t *testing.T) {
			api := newFakeAPI(t, makeGroups((tt.lastPage+1)*tt.pageSize, 0), tt.pageSize)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
				page := api.page(offset, tt.pageSize)
				page.Total, page.AvailableMore = tt.total, true
				writeJSON(w, http.StatusOK, page)
				return true
			}
			_, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), tt.pageSize)
			var paginationErr *kore.PaginationError
			want := fmt.Sprintf("availableMore is still true, but the total of the first page (%d groups at %d a page) "+
				"explains at most %d pages", tt.total, tt.pageSize, tt.allowed)
			if !errors.As(err, &paginationErr) || paginationErr.Page != tt.lastPage || paginationErr.Reason != want {
				t.Fatalf("error = %v, want a *PaginationError for page %d saying %q", err, tt.lastPage, want)
			}
			if got := api.calls.Load(); got != int64(tt.lastPage+1) {
				t.Errorf("requests = %d, want %d: pages 0 to %d, once", got, tt.lastPage+1, tt.lastPage)
			}
		})
	}
}
