package kore_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// Answers without availableMore are paged by their total alone: a total that fills its last page exactly asks for
// no page after it.
func TestWithoutAvailableMoreTheTotalDecidesWhenTheReadEnds(t *testing.T) {
	for _, total := range []int{9, 10, 11} {
		t.Run(fmt.Sprintf("%d groups at 5 a page", total), func(t *testing.T) {
			groups := makeGroups(total, 0)
			api := newFakeAPI(t, groups, 5)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
				page := api.page(offset, 5)
				writeJSON(w, http.StatusOK, struct {
					Total  int `json:"total"`
					Groups any `json:"groups"`
				}{page.Total, page.Groups})
				return true
			}
			list, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 5)
			if err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			pages := (total + 4) / 5
			var want []int
			for offset := range pages {
				want = append(want, offset)
			}
			if got := api.requestedOffsets(); !slices.Equal(got, want) || list.Pages != pages {
				t.Errorf("offsets requested %v, %d pages; want %v", got, list.Pages, want)
			}
			if !slices.Equal(groupIDs(list.Groups), groupIDs(groups)) {
				t.Errorf("groups = %v, want every one", groupIDs(list.Groups))
			}
		})
	}
}
