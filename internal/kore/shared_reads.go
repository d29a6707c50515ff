package kore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
)

// Reads are shared here, below every listing and above the page walk, because this is the one place that sees
// both who is asking and what a read costs: every data source block of a plan that asks the same endpoint with the
// same parameters (filters apply afterwards) gets the one read, and Kore.ai's budget of 60 requests a minute is
// spent once. The key is the endpoint and every parameter but offset (see listing.key), so a different page size
// or role type is a read of its own.
//
// A read may also keep more or less of each item (groups with every member field, with members' emails only, or
// without members: see Members). That is not part of the key: a read that keeps more answers a request for less,
// never the reverse, and a request for more that arrives while a read keeping less is in flight cancels that read
// and starts its own, which the callers of the cancelled read then join. So a plan that mixes both kinds of blocks
// makes one read, the richer, plus whatever the poorer read had fetched before the richer request arrived.

// sharedReads holds, for the life of a Client, the completed reads (never errors) and the reads in flight.
type sharedReads struct {
	mu      sync.Mutex
	memo    map[string]memoEntry // by key: the richest completed read
	flights map[string]*flight   // by key: the read in flight, if any
	joined  func()               // called when a caller has joined (or started) a read; for tests
}

// memoEntry is a completed read: the *XList a walk produced, and how much of each item it kept.
type memoEntry struct {
	list   any
	detail int
}

// flight is a read in progress. Its leader, the caller who started it, runs the read on its own goroutine and
// context; the callers who join it wait for done.
type flight struct {
	detail int
	done   chan struct{}
	list   any   // set before done closes, on success
	err    error // set before done closes, on failure
	cancel context.CancelCauseFunc
}

// announce calls the hook of tests, if any, once a caller has joined or started a read.
func (s *sharedReads) announce() {
	if s.joined != nil {
		s.joined()
	}
}

// errSuperseded ends a read that a request for more detail replaced: its callers join the new read.
var errSuperseded = errors.New("replaced by a read that keeps more of each item")

// readKey names a shared read: key is the endpoint and its parameters, detail how much of each item the caller
// needs (higher keeps more; 0 where a listing has one form), name the listing in errors.
type readKey struct {
	key    string
	detail int
	name   string
}

// sharedRead returns the result of read for k: memoised, or shared with the callers reading k at the same time.
// Each caller gets its own copy of the list's header (a shallow copy of *L): replacing its fields or appending to
// its slices does not reach other callers, and the items themselves are read-only. The list may keep more of each
// item than k.detail asks for.
//
// A caller who starts the read runs it and gets its own error, whatever it is: the walk's error names the page and
// the attempts even when the caller's deadline ended the read. A caller who joined a read and whose context ends
// first gets an error that says the read it joined had not finished.
func sharedRead[L any](ctx context.Context, c *Client, k readKey, read func(context.Context) (*L, error)) (*L, error) {
	s := &c.shared
	for {
		s.mu.Lock()
		if entry, ok := s.memo[k.key]; ok && entry.detail >= k.detail {
			s.mu.Unlock()
			if list, ok := entry.list.(*L); ok {
				return view(list), nil
			}
			return nil, fmt.Errorf("the shared read of %s holds another type of list", k.name) // a key reused
		}
		joined := s.flights[k.key]
		if joined != nil && joined.detail < k.detail {
			joined.cancel(errSuperseded) // its callers come back and join the read started below
			joined = nil
		}
		if joined == nil {
			return lead(ctx, c, k, read) // unlocks s.mu
		}
		s.mu.Unlock()
		s.announce()

		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for a read of %s that another caller started, which had not "+
				"finished: %w", k.name, context.Cause(ctx))
		case <-joined.done:
		}
		if list, ok := joined.list.(*L); ok && joined.err == nil {
			return view(list), nil
		}
		// A read replaced by a richer one, or ended only because the caller who started it gave up, is no answer
		// for a caller who is still waiting: look again (the memo, the richer read) or read.
		if errors.Is(joined.err, errSuperseded) || (ctx.Err() == nil && isContextError(joined.err)) {
			continue
		}
		return nil, joined.err
	}
}

// lead starts the read of k as a flight others can join, runs it and publishes its result. It is called with s.mu
// held, and unlocks it.
func lead[L any](ctx context.Context, c *Client, k readKey, read func(context.Context) (*L, error)) (*L, error) {
	s := &c.shared
	readCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	f := &flight{detail: k.detail, done: make(chan struct{}), cancel: cancel}
	s.flights[k.key] = f
	s.mu.Unlock()
	s.announce()

	list, err := readThrough(readCtx, c, k, read)
	if err != nil && errors.Is(context.Cause(readCtx), errSuperseded) && ctx.Err() == nil {
		err = errSuperseded
	}

	s.mu.Lock()
	if s.flights[k.key] == f {
		delete(s.flights, k.key)
	}
	if err == nil {
		f.list = list
		if s.memo[k.key].detail <= k.detail { // no entry reads as detail 0, the least any read keeps
			s.memo[k.key] = memoEntry{list: list, detail: k.detail}
		}
	} else {
		f.err = err
	}
	s.mu.Unlock()
	close(f.done)

	if errors.Is(err, errSuperseded) { // join the read that replaced this one
		return sharedRead(ctx, c, k, read)
	}
	if err != nil {
		return nil, err
	}
	return view(list), nil
}

// readThrough produces the result of one completed read of k: the one place where it is made, and so where the
// cache shared by the processes of the machine (read_cache.go) is asked before read runs and given its result. A
// cache entry is per key, detail and promise: a read that kept less of each item never answers a request for more,
// and a read allowed to be inexact (Config.AllowInexactReads) never answers a client that must fail closed.
func readThrough[L any](ctx context.Context, c *Client, k readKey, read func(context.Context) (*L, error)) (*L, error) {
	c.debug(ctx, "Kore.ai read started", map[string]any{"read": k.key})
	if c.readCache != nil {
		promise := "exact"
		if c.allowInexactReads {
			promise = "inexact"
		}
		return cachedList(ctx, c, k.key+"\x00detail="+strconv.Itoa(k.detail)+"\x00promise="+promise, read)
	}
	return read(ctx)
}

// view gives a caller its own list header over the shared, read-only contents.
func view[L any](list *L) *L {
	v := *list
	return &v
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
