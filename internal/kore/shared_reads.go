package kore

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/singleflight"
)

// Reads are shared here, below every listing and above the page walk, because this is the one place that sees
// both who is asking and what a read costs: every data source block of a plan that asks the same endpoint with the
// same parameters (filters apply afterwards) gets the one read, and Kore.ai's budget of 60 requests a minute is
// spent once. The key is the endpoint and every parameter but offset (see listing.key), so a different page size
// or role type is a read of its own.

// sharedReads holds, for the life of a Client, the completed reads (never errors) and the reads in flight.
type sharedReads struct {
	mu      sync.Mutex
	memo    map[string]any // by key: the *XList a walk produced
	flights singleflight.Group
	joined  func() // called when a caller has joined (or started) a read; for tests
}

// sharedRead returns the result of read for key: memoised, or shared with the callers reading key at the same
// time. Each caller gets its own copy of the list's header (a shallow copy of *L): replacing its fields or
// appending to its slices does not reach other callers, and the items themselves are read-only.
func sharedRead[L any](ctx context.Context, c *Client, key string, read func(context.Context) (*L, error)) (*L, error) {
	for {
		if list, ok := memoised[L](&c.shared, key); ok {
			return view(list), nil
		}
		ledByThisCall := false
		results := c.shared.flights.DoChan(key, func() (any, error) {
			ledByThisCall = true
			if list, ok := memoised[L](&c.shared, key); ok { // a read that just ended
				return list, nil
			}
			list, err := readThrough(ctx, c, key, read)
			if err != nil {
				return nil, err
			}
			c.shared.mu.Lock()
			c.shared.memo[key] = list
			c.shared.mu.Unlock()
			return list, nil
		})
		if c.shared.joined != nil {
			c.shared.joined()
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case result := <-results:
			if list, ok := result.Val.(*L); ok && result.Err == nil {
				return view(list), nil
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

// readThrough produces the result of one completed read of key: the one place where it is made, and so where the
// cache shared by the processes of the machine (read_cache.go) is asked before read runs and given its result.
func readThrough[L any](ctx context.Context, c *Client, key string, read func(context.Context) (*L, error)) (*L, error) {
	c.debug(ctx, "Kore.ai read started", map[string]any{"read": key})
	if c.readCache != nil {
		return cachedList(ctx, c, key, read)
	}
	return read(ctx)
}

// memoised returns the completed read of key, if there is one. The key names the endpoint, so the type always
// matches; a mismatch would only mean no memo.
func memoised[L any](s *sharedReads, key string) (*L, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list, ok := s.memo[key].(*L)
	return list, ok
}

// view gives a caller its own list header over the shared, read-only contents.
func view[L any](list *L) *L {
	v := *list
	return &v
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
