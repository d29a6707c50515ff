package kore_test

import (
	"context"
	"errors"
	"slices"
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

// With inexact reads allowed, a page 0 of one item while more are promised says nothing of what offset means: the
// answer to offset=1 is taken as page 1, as a page number would give it.
func TestAPage0OfOneItemTakesOffset1AsPage1(t *testing.T) {
	api := newListingServer(t, endpoints[3], 4)
	api.answer = func(_ int64, offset, _ int) string {
		switch offset {
		case 0:
			return api.body(4, true, api.endpoint.item(0))
		case 1:
			return api.body(4, false, api.itemRange(1, 4)...)
		}
		return api.body(4, false)
	}
	cfg := testConfig(api.start(), nil)
	cfg.AllowInexactReads = true
	list, err := newTestClient(t, cfg).ListBots(context.Background(), 3)
	if err != nil {
		t.Fatalf("ListBots: %v", err)
	}
	var ids []string
	for _, bot := range list.Bots {
		ids = append(ids, bot.ID)
	}
	if !slices.Equal(ids, endpoints[3].idents(4)) {
		t.Errorf("bots = %v, want %v", ids, endpoints[3].idents(4))
	}
	if got, want := api.requestedOffsets(), []int{0, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("offsets requested = %v, want %v: page 0, then page 0 and offset=1 again", got, want)
	}
	want := []string{
		"bots page 0: it holds 1 bot, fewer than the limit of 3, although availableMore is true; kept because " +
			"inexact reads are allowed",
		"bots page 0: it holds 1 bot, fewer than the limit of 3, but page 1 after it holds more; kept because " +
			"inexact reads are allowed",
	}
	if !slices.Equal(list.Warnings, want) {
		t.Errorf("warnings = %q, want %q", list.Warnings, want)
	}
}
