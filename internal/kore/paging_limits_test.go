package kore_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// A first total that fills exactly the largest number of pages a walk may take is read, not refused: here the
// data shrank to two groups by page 1, which ends the read.
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
			fmt.Fprint(w, `{"total":2,"availableMore":false,"groups":[]}`)
		}
		return true
	}
	list, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 1)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if ids := groupIDs(list.Groups); !slices.Equal(ids, []string{"g-0", "g-1"}) || list.Total != 2 {
		t.Errorf("groups %v, total %d; want g-0 and g-1 of 2", ids, list.Total)
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
