package kore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// maxPages bounds any walk, whatever the API claims, so that a broken answer can never make it endless.
const maxPages = 200_000

// GroupList is every group of the account, as read by ListGroups.
//
// A GroupList is shared by every caller of ListGroups with the same page size for the life of the Client: treat
// the groups, their users and everything they point to as read-only. Replacing a field of the GroupList itself, or
// appending to its slices, does not affect other callers.
type GroupList struct {
	Total    int      // "total" as the API reported it on the last page read
	Groups   []Group  // in page order; a group seen twice (same ID) is kept once, at its first place
	Pages    int      // pages read
	Warnings []string // human-readable notes on a read that succeeded but may be inexact
}

// Group is one group of the account. The JSON tags are the API's field names.
type Group struct {
	ID          string  `json:"_id"`
	Name        string  `json:"gN"`
	Description *string `json:"gDesc"` // nil when the API sent null or nothing
	// ChildGroupIDs holds the ids of the child groups: nil when the API sent null or nothing, empty for [].
	ChildGroupIDs []string `json:"groups"`
	UserCount     *int64   `json:"userCount"`
	// Users is nil when the API sent null or nothing, empty for [].
	Users []User `json:"users"`
}

// User is a member of a group. The JSON tags are the API's field names; nil means null or absent, and an empty
// string stays an empty string (the API sends both for jTitle).
type User struct {
	ID               string  `json:"_id"`
	Email            *string `json:"emailId"`
	FirstName        *string `json:"firstName"`
	LastName         *string `json:"lastName"`
	JobTitle         *string `json:"jTitle"`
	ActivationStatus *string `json:"activationStatus"`
	OrgID            *string `json:"orgId"`
	ProfileImage     *string `json:"profImage"`
	ProfileColor     *string `json:"profColour"`
}

// ListGroups returns every group of every page of the Get Groups API, reading pageSize groups a page (1 to 50).
//
// Page 0 gives the total; the remaining pages are read concurrently and assembled in page order, and if the last
// one still says more are available (groups were added meanwhile) the read goes on page by page. Pages that do not
// fit together fail the read with a *PaginationError.
//
// The result is memoised per page size for the life of the Client, and concurrent callers with the same page size
// share one read. Errors are not memoised.
func (c *Client) ListGroups(ctx context.Context, pageSize int) (*GroupList, error) {
	if pageSize < 1 || pageSize > MaxPageSize {
		return nil, fmt.Errorf("page size %d is out of range: the Kore.ai API reads 1 to %d groups a page",
			pageSize, MaxPageSize)
	}
	key := strconv.Itoa(pageSize)
	for {
		if list, ok := c.memoised(pageSize); ok {
			return list.view(), nil
		}
		ledByThisCall := false
		results := c.flights.DoChan(key, func() (any, error) {
			ledByThisCall = true
			if list, ok := c.memoised(pageSize); ok { // a read that just ended
				return list, nil
			}
			list, err := c.cachedWalkGroups(ctx, pageSize)
			if err != nil {
				return nil, err
			}
			c.memoMu.Lock()
			c.memo[pageSize] = list
			c.memoMu.Unlock()
			return list, nil
		})
		if c.flightJoined != nil {
			c.flightJoined()
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case result := <-results:
			if list, ok := result.Val.(*GroupList); ok && result.Err == nil {
				return list.view(), nil
			}
			// A shared read that ended only because the caller who started it gave up is no answer for a caller
			// who is still waiting: read again.
			if !ledByThisCall && ctx.Err() == nil && isContextError(result.Err) {
				continue
			}
			return nil, result.Err
		}
	}
}

func (c *Client) memoised(pageSize int) (*GroupList, bool) {
	c.memoMu.Lock()
	defer c.memoMu.Unlock()
	list, ok := c.memo[pageSize]
	return list, ok
}

// view gives a caller its own GroupList header over the shared, read-only contents.
func (l *GroupList) view() *GroupList {
	v := *l
	return &v
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// pageResult is one page as the walk uses it.
type pageResult struct {
	index  int
	total  int
	more   bool
	groups []wireGroup
}

// walkGroups reads every page: page 0, then the pages its total announces concurrently, then page by page while
// the last page read says more are available.
func (c *Client) walkGroups(ctx context.Context, pageSize int) (*GroupList, error) {
	started := time.Now()
	first, err := c.fetchGroupsPage(ctx, pageSize, 0)
	if err != nil {
		return nil, err
	}
	pages := []*pageResult{first}
	largestTotal := first.total

	if first.more {
		planned := pagesFor(first.total, pageSize)
		if planned > maxPages {
			return nil, &PaginationError{Page: 0, Reason: fmt.Sprintf(
				"the total of %d groups would take more than %d pages", first.total, maxPages)}
		}
		rest, err := c.fetchPagesConcurrently(ctx, pageSize, 1, planned-1)
		if err != nil {
			return nil, err
		}
		last := first
		for _, page := range rest {
			if page != nil {
				pages = append(pages, page)
				last = page
				largestTotal = max(largestTotal, page.total)
			}
		}

		// The data grew during the read: follow availableMore, within what the totals can explain.
		for last.more {
			next := last.index + 1
			if allowed := allowedPages(largestTotal, pageSize); next >= allowed {
				return nil, &PaginationError{Page: last.index, Reason: fmt.Sprintf(
					"availableMore is still true, but the largest total seen (%d groups at %d a page) "+
						"explains at most %d pages", largestTotal, pageSize, allowed)}
			}
			page, err := c.fetchGroupsPage(ctx, pageSize, next)
			if err != nil {
				return nil, err
			}
			pages = append(pages, page)
			last = page
			largestTotal = max(largestTotal, page.total)
		}
	}

	list := assembleGroups(pages)
	c.debug(ctx, "Kore.ai groups read", map[string]any{
		"page_size":   pageSize,
		"pages":       list.Pages,
		"groups":      len(list.Groups),
		"total":       list.Total,
		"duration_ms": time.Since(started).Milliseconds(),
	})
	return list, nil
}

// fetchPagesConcurrently reads pages from..to with at most MaxConcurrency in flight. The first error cancels the
// rest. Once a page says no more are available, pages after it that have not started are skipped (left nil): the
// total overstated the data.
func (c *Client) fetchPagesConcurrently(ctx context.Context, pageSize, from, to int) ([]*pageResult, error) {
	if to < from {
		return nil, nil
	}
	results := make([]*pageResult, to-from+1)
	var lastPage atomic.Int64 // the lowest page known to end the data
	lastPage.Store(math.MaxInt64)

	group, groupCtx := errgroup.WithContext(ctx)
	group.SetLimit(c.maxConcurrency)
	for index := from; index <= to; index++ {
		if groupCtx.Err() != nil || int64(index) > lastPage.Load() {
			break
		}
		group.Go(func() error {
			if int64(index) > lastPage.Load() {
				return nil
			}
			page, err := c.fetchGroupsPage(groupCtx, pageSize, index)
			if err != nil {
				return err
			}
			results[index-from] = page
			if !page.more {
				for seen := lastPage.Load(); int64(index) < seen; seen = lastPage.Load() {
					if lastPage.CompareAndSwap(seen, int64(index)) {
						break
					}
				}
			}
			return nil
		})
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil { // canceled between pages: some were never started
		return nil, &RequestError{Page: -1, Err: err}
	}
	return results, nil
}

// fetchGroupsPage reads and checks one page.
func (c *Client) fetchGroupsPage(ctx context.Context, pageSize, index int) (*pageResult, error) {
	target := c.groupsURL + "?offset=" + strconv.Itoa(index) + "&limit=" + strconv.Itoa(pageSize)
	body, status, err := c.get(ctx, target, index)
	if err != nil {
		return nil, err
	}
	decoded, err := decodeGroupsPage(body)
	if err != nil {
		return nil, &DecodeError{StatusCode: status, Page: index, Body: c.redactor.clean(body, maxShownChars), Err: err}
	}

	page := &pageResult{index: index, total: *decoded.Total, groups: decoded.Groups}
	if decoded.AvailableMore != nil {
		page.more = *decoded.AvailableMore
	} else {
		page.more = (index+1)*pageSize < page.total // an answer without the flag: the total decides
	}
	switch {
	case len(page.groups) > pageSize:
		return nil, &PaginationError{Page: index, Reason: fmt.Sprintf(
			"it holds %d groups, more than the limit of %d that was asked for", len(page.groups), pageSize)}
	case len(page.groups) == 0 && page.more:
		return nil, &PaginationError{Page: index, Reason: "it is empty although availableMore is true"}
	}
	return page, nil
}

// assembleGroups joins the pages in order, keeping the first occurrence of each group.
func assembleGroups(pages []*pageResult) *GroupList {
	count := 0
	for _, page := range pages {
		count += len(page.groups)
	}
	groups := make([]Group, 0, count)
	seen := make(map[string]struct{}, count)
	duplicates := 0
	for _, page := range pages {
		for i := range page.groups {
			wire := &page.groups[i]
			if wire.ID != "" {
				if _, dup := seen[wire.ID]; dup {
					duplicates++
					continue
				}
				seen[wire.ID] = struct{}{}
			}
			group := wire.Group
			group.ChildGroupIDs = childGroupIDs(wire.ChildGroups)
			groups = append(groups, group)
		}
	}

	last := pages[len(pages)-1]
	list := &GroupList{Total: last.total, Groups: slices.Clip(groups), Pages: len(pages)}
	if duplicates > 0 {
		list.Warnings = append(list.Warnings, fmt.Sprintf(
			"%d %s appeared on more than one page, probably because groups were added or removed during the "+
				"read; each was kept once", duplicates, plural(duplicates, "group", "groups")))
	}
	if len(list.Groups) != list.Total {
		list.Warnings = append(list.Warnings, fmt.Sprintf(
			"Kore.ai reported a total of %d groups, but %d were read; groups may have been added or removed "+
				"during the read", list.Total, len(list.Groups)))
	}
	if warning := memberCountWarning(list.Groups); warning != "" {
		list.Warnings = append(list.Warnings, warning)
	}
	list.Warnings = slices.Clip(list.Warnings)
	return list
}

// memberCountWarning says when groups list a different number of users than their userCount: the API may have
// left members out, and a silent difference would be a silent truncation.
func memberCountWarning(groups []Group) string {
	mismatched := 0
	var first *Group
	for i := range groups {
		g := &groups[i]
		if g.UserCount != nil && g.Users != nil && *g.UserCount != int64(len(g.Users)) {
			if first == nil {
				first = g
			}
			mismatched++
		}
	}
	if mismatched == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s a different number of users than userCount (for example %q, id %s: userCount %d, "+
		"%d users listed); Kore.ai may not have listed every member", mismatched,
		plural(mismatched, "group lists", "groups list"), first.Name, first.ID, *first.UserCount, len(first.Users))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pagesFor is the number of pages total groups fill, at least one.
func pagesFor(total, pageSize int) int {
	pages := total / pageSize
	if total%pageSize != 0 {
		pages++
	}
	return max(1, pages)
}

// allowedPages is how many pages a read may take before availableMore is no longer believed: the largest total
// seen plus 10% and one page for data that grew during the read, plus two pages of slack.
func allowedPages(largestTotal, pageSize int) int {
	capped := min(largestTotal, maxPages*pageSize) // no overflow below, whatever the API claims
	grown := capped + capped/10 + pageSize
	return min(pagesFor(grown, pageSize)+2, maxPages)
}
