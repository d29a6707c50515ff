package kore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// An answer to offset=1 that fits neither meaning of offset is refused with what it held: how many items, and how
// many of them page 0 held too.
func TestAnOffsetFittingNeitherMeaningSaysHowManyItemsPage0Shared(t *testing.T) {
	tests := []struct {
		name  string
		from  int // the record offset=1 answers from
		items int // the records the listing holds
		want  string
	}{
		{name: "offset ignored", from: 0, items: 9, want: "offset=1 answered 3 bots, 3 of them also on page 0"},
		{name: "offset=1 skips two records", from: 2, items: 9, want: "offset=1 answered 3 bots, 1 of them also on page 0"},
		{name: "offset=1 skips two records of four", from: 2, items: 4, want: "offset=1 answered 2 bots, 1 of them also on page 0"},
	}
	const rest = " (offset=0); as a page number it would share none with page 0, as a number of records to skip it " +
		"would repeat page 0 from its second item on: the answer fits neither meaning of offset; a second read " +
		"from the start did not add up either"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newListingServer(t, endpoints[3], tt.items)
			api.answer = func(_ int64, offset, limit int) string {
				if offset == 1 {
					return api.page(tt.from, limit)
				}
				return ""
			}
			_, err := newTestClient(t, testConfig(api.start(), nil)).ListBots(context.Background(), 3)
			var paginationErr *kore.PaginationError
			if !errors.As(err, &paginationErr) || paginationErr.Page != 1 || paginationErr.Reason != tt.want+rest {
				t.Errorf("error = %#v (%v)\nwant a *PaginationError for page 1 saying %q", err, err, tt.want+rest)
			}
		})
	}
}
