package kore_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// An empty page read after the short page that ended the data, because it was already in flight, is no sign of
// records moving on its own: the short page is the last one holding items. The totals that changed are (and with
// inexact reads allowed, a read that succeeds warns of nothing else).
func TestAnEmptyPageAfterTheShortLastPageIsNoInconsistency(t *testing.T) {
	groups := makeGroups(25, 0)
	api := newFakeAPI(t, groups, 10)
	emptyServed := make(chan struct{})
	var closeOnce, waitOnce sync.Once
	api.respond = func(w http.ResponseWriter, r *http.Request, _ int64, offset int) bool {
		page := api.page(offset, 10)
		switch offset {
		case 0, 1:
			page.Total, page.AvailableMore = 40, true // the first pages still count 40 groups
		case 2: // answered once page 3, in flight with it, has been: the short page comes last
			waitOnce.Do(func() {
				select {
				case <-emptyServed:
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
					t.Error("page 3 was never requested while page 2 was in flight")
				}
			})
		}
		writeJSON(w, http.StatusOK, page)
		if offset == 3 {
			closeOnce.Do(func() { close(emptyServed) })
		}
		return true
	}
	cfg := testConfig(api.start(), nil)
	cfg.AllowInexactReads = true
	list, err := newTestClient(t, cfg).ListGroups(context.Background(), 10)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if !slices.Equal(groupIDs(list.Groups), groupIDs(groups)) || list.Total != 25 || list.Pages != 4 {
		t.Errorf("groups %v, total %d, %d pages; want the 25 groups of 4 pages",
			groupIDs(list.Groups), list.Total, list.Pages)
	}
	for _, warning := range list.Warnings {
		if !strings.Contains(warning, "not the 40 of the pages read before it") {
			t.Errorf("warning %q is not about the total that changed", warning)
		}
	}
}

// The debug log says which meaning of offset a read found.
func TestTheOffsetMeaningFoundIsLogged(t *testing.T) {
	for _, records := range []bool{false, true} {
		want := map[bool]string{false: "offset:page number", true: "offset:records to skip"}[records]
		t.Run(want, func(t *testing.T) {
			server := newListingServer(t, endpoints[0], 12)
			server.records = records
			logs := &captureLogger{}
			cfg := testConfig(server.start(), nil)
			cfg.Logger = logs
			if _, err := newTestClient(t, cfg).ListGroups(context.Background(), 5); err != nil {
				t.Fatalf("ListGroups: %v", err)
			}
			found := slices.ContainsFunc(logs.all(), func(line string) bool {
				return strings.HasPrefix(line, "DEBUG Kore.ai offset meaning found ") && strings.Contains(line, want)
			})
			if !found {
				t.Errorf("log = %q, want the offset meaning found saying %q", logs.all(), want)
			}
		})
	}
}
