package kore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// maxPages bounds any walk, whatever the API claims, so that a broken answer can never make it endless.
const maxPages = 200_000

// listing describes one listing endpoint of the Kore.ai admin APIs, {"total", "availableMore", "<items>": [...]}
// paged by offset and limit, to the page walk. T is an item as the API sends it.
type listing[T any] struct {
	name      string     // the listing in errors and logs: "bots" gives "bots page 3"
	one, many string     // an item in warnings: "bot", "bots"
	path      string     // the endpoint, e.g. "/api/public/bots"
	itemsKey  string     // the field holding each page's items
	query     url.Values // parameters besides offset and limit, e.g. roleType
	pageSize  int        // the limit of every request, 1 to MaxPageSize
	// sizeParam is the name of the page size parameter: "limit" when empty, "size" for the audit logs.
	sizeParam string
	// maxItems, when above 0, ends the read after page 0 if its total is larger, before any more is read.
	maxItems int
	// scope is the Admin Console API scope the endpoint needs, named in refusals.
	scope string
	// encrypted says Kore.ai encrypts this endpoint's answers for apps that enforce payload encryption.
	encrypted bool
	// id says what identifies an item, to find one seen on two pages and to check how offset pages. An item
	// without one ("") cannot be checked, so it ends the read; idField names the API field in that error.
	id      func(*T) string
	idField string
	// inspect, if set, says what is wrong inside an item in a way data changing during the read could explain (a
	// null member of a group), "" if nothing: such an item is read again, like a null item.
	inspect func(*T) string
}

// key names the read for sharing: the endpoint and every parameter but offset.
func (l *listing[T]) key() string {
	query := url.Values{}
	for name, values := range l.query {
		query[name] = values
	}
	query.Set(l.sizeName(), strconv.Itoa(l.pageSize))
	return l.path + "?" + query.Encode()
}

// sizeName is the name of the page size parameter.
func (l *listing[T]) sizeName() string {
	if l.sizeParam == "" {
		return "limit"
	}
	return l.sizeParam
}

// shareKey names the read for sharing, keeping detail of each item (0 for a listing with one form).
func (l *listing[T]) shareKey(detail int) readKey {
	return readKey{key: l.key(), detail: detail, name: l.name}
}

// target is the URL of the request with the given offset.
func (l *listing[T]) target(c *Client, offset int) string {
	query := url.Values{}
	for name, values := range l.query {
		query[name] = values
	}
	query.Set("offset", strconv.Itoa(offset))
	query.Set(l.sizeName(), strconv.Itoa(l.pageSize))
	return c.apiBase + l.path + "?" + query.Encode()
}

// walkResult is every item of a listing, read and checked.
type walkResult[T any] struct {
	total    int  // "total" as the last page reported it
	items    []*T // in page order, each once
	pages    int
	warnings []string
}

// values copies the items a walk read into one slice.
func values[T any](items []*T) []T {
	out := make([]T, len(items))
	for i, item := range items {
		out[i] = *item
	}
	return out
}

// checkPageSize refuses a page size the API would not honour, before any request.
func checkPageSize(pageSize int, items string) error {
	return checkPageSizeUpTo(pageSize, MaxPageSize, items)
}

func checkPageSizeUpTo(pageSize, most int, items string) error {
	if pageSize < 1 || pageSize > most {
		return fmt.Errorf("page size %d is out of range: the Kore.ai API reads 1 to %d %s a page",
			pageSize, most, items)
	}
	return nil
}

// walk reads every item of a listing. It fails closed: pages that do not add up in a way data changing during the
// read can explain (a total that changed between pages, fewer items than the total, a short page while more are
// promised, one id with two contents, a null item) are read once more, and if they still do not add up the read
// fails with a *PaginationError, unless the Client allows inexact reads, in which case they become warnings.
//
// When the total changed, items were added or removed while the pages were read: the pages read before the change
// still hold the account as it was, so only the pages from the first one that moved are read again (see
// rereadMoved). Anything else is read again from the start.
func walk[T any](ctx context.Context, c *Client, l *listing[T]) (*walkResult[T], error) {
	started := time.Now()
	first := newPass(c, l, false)
	result, err := first.read(ctx)
	var inconsistent *PaginationError
	if errors.As(err, &inconsistent) && inconsistent.rereadable {
		again := newPass(c, l, c.allowInexactReads)
		if inconsistent.moved && first.meaningKnown {
			c.warn(ctx, "Kore.ai listing changed during the read; reading again the pages that moved", map[string]any{
				"listing": l.name, "page": inconsistent.Page, "reason": inconsistent.Reason,
			})
			again.meaning, again.meaningKnown = first.meaning, true
			again.how = "reading again the pages that moved"
			result, err = again.rereadMoved(ctx, first)
		} else {
			c.warn(ctx, "Kore.ai pages did not add up; reading again from the start", map[string]any{
				"listing": l.name, "page": inconsistent.Page, "reason": inconsistent.Reason,
			})
			// What offset means is learnt again too: a meaning read from pages that were moving may be the fault.
			c.forgetOffsetMeaning(l.path)
			again.how = "a second read from the start"
			result, err = again.read(ctx)
		}
		if errors.As(err, &inconsistent) && inconsistent.rereadable {
			inconsistent.Reason += "; " + again.how + " did not add up either"
		}
	}
	if err != nil {
		return nil, err
	}
	c.debug(ctx, "Kore.ai listing read", map[string]any{
		"listing":     l.name,
		"page_size":   l.pageSize,
		"pages":       result.pages,
		"items":       len(result.items),
		"total":       result.total,
		"duration_ms": time.Since(started).Milliseconds(),
	})
	return result, nil
}

// page is one page as the walk uses it.
type page[T any] struct {
	index int
	total int
	more  bool
	items []*T
}

// pass is one read of a listing.
type pass[T any] struct {
	c            *Client
	l            *listing[T]
	meaning      offsetMeaning
	meaningKnown bool   // meaning was known or learnt during this pass
	tolerate     bool   // record what does not add up as warnings instead of failing
	how          string // how a second pass reads, for its errors

	mu       sync.Mutex
	warnings []string
	// total is the total of the first page this pass read, -1 before; every later page must report the same.
	total int
	// done holds the pages this pass has read and checked, by index, so that none is asked for twice.
	done map[int]*page[T]
}

func newPass[T any](c *Client, l *listing[T], tolerate bool) *pass[T] {
	return &pass[T]{c: c, l: l, tolerate: tolerate, total: -1, done: map[int]*page[T]{}}
}

// problem handles pages that do not add up: an error to read again, or a warning when tolerated.
func (p *pass[T]) problem(index int, reason string) error {
	return p.problemMoved(index, reason, false)
}

// problemMoved is problem for a page whose total differs from the pass's first: the data moved during the read.
func (p *pass[T]) problemMoved(index int, reason string, moved bool) error {
	if !p.tolerate {
		return &PaginationError{Page: index, Reason: reason, Endpoint: p.l.name, rereadable: true, moved: moved}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.warnings = append(p.warnings, fmt.Sprintf("%s page %d: %s; kept because inexact reads are allowed",
		p.l.name, index, reason))
	return nil
}

func (p *pass[T]) fatal(index int, reason string) error {
	return &PaginationError{Page: index, Reason: reason, Endpoint: p.l.name}
}

// read reads page 0, learns what offset means to this endpoint if it is not known yet, reads the pages the total
// announces concurrently, then page by page while the last one says more are available.
func (p *pass[T]) read(ctx context.Context) (*walkResult[T], error) {
	c, l := p.c, p.l
	first, err := p.fetch(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	if err := p.check(first); err != nil {
		return nil, err
	}
	p.keep(first)
	if l.maxItems > 0 && first.total > l.maxItems {
		return nil, &TooManyItemsError{Endpoint: l.name, Items: l.many, Total: first.total, Most: l.maxItems}
	}
	pages := []*page[T]{first}
	if !first.more {
		return p.assemble(pages)
	}

	planned := pagesFor(first.total, l.pageSize)
	if planned > maxPages {
		return nil, p.fatal(0, fmt.Sprintf("the total of %d %s would take more than %d pages",
			first.total, l.many, maxPages))
	}
	next := 1
	if meaning, known := c.offsetMeaningOf(l.path); known || l.pageSize == 1 {
		p.meaning = meaning // with one item a page, both meanings ask for the same records
		p.meaningKnown = true
	} else {
		second, err := p.learnOffsetMeaning(ctx, first)
		if err != nil {
			return nil, err
		}
		if second != nil { // offset is a page number: the answer was page 1
			pages = append(pages, second)
			next = 2
		}
	}
	return p.readFrom(ctx, pages, next, planned)
}

// readFrom reads, after the pages already in hand (from page 0, in order), the pages from next to the planned
// count concurrently, then page by page while the last one says more are available, and assembles them all.
func (p *pass[T]) readFrom(ctx context.Context, pages []*page[T], next, planned int) (*walkResult[T], error) {
	l := p.l
	last := pages[len(pages)-1]
	if last.more {
		rest, err := p.fetchConcurrently(ctx, next, planned-1)
		if err != nil {
			return nil, err
		}
		for _, pg := range rest {
			if pg != nil {
				pages = append(pages, pg)
				last = pg
			}
		}
	}

	// availableMore promises more than the total announced: follow it as far as the total can explain, a total
	// that every page of the pass has confirmed, so that it cannot keep the read going.
	allowed := allowedPages(p.total, l.pageSize)
	for last.more {
		next := last.index + 1
		if next >= allowed {
			return nil, p.fatal(last.index, fmt.Sprintf(
				"availableMore is still true, but the total of the first page (%d %s at %d a page) explains "+
					"at most %d pages",
				p.total, l.many, l.pageSize, allowed))
		}
		pg, err := p.fetchPage(ctx, next)
		if err != nil {
			return nil, err
		}
		pages = append(pages, pg)
		last = pg
	}
	return p.assemble(pages)
}

// rereadMoved reads again, after the total changed during the earlier pass, only what can have moved: an item
// added or removed at some position shifts every item after it and none before it, so the earlier pass's pages
// before the first page whose items moved still hold the account as it was, and the pages from there on are read
// again. That page is found by comparing pages of both passes, by their ids in order, with a binary search over
// the pages the earlier pass read before the change; the search's pages are kept for the rest of the read. Every
// page of this pass must report the same total, so a second change fails the read again.
func (p *pass[T]) rereadMoved(ctx context.Context, earlier *pass[T]) (*walkResult[T], error) {
	// The earlier pages that still hold the account as it was: from page 0, every page whose total was the first.
	var before []*page[T]
	for index := 0; ; index++ {
		pg := earlier.done[index]
		if pg == nil || pg.total != earlier.total {
			break
		}
		before = append(before, pg)
	}
	// lastSame is the last page known to hold the same items in both passes, -1 if none: the search keeps every
	// page up to it unchanged and every page after the first changed one moved.
	lastSame, firstMoved := -1, len(before)
	for firstMoved-lastSame > 1 {
		middle := lastSame + (firstMoved-lastSame)/2
		pg, err := p.fetchPage(ctx, middle)
		if err != nil {
			return nil, err
		}
		if sameItems(p.l, pg, before[middle]) {
			lastSame = middle
		} else {
			firstMoved = middle
		}
	}
	// No page of the earlier pass after lastSame is kept: that pass kept only pages with its first total, read
	// before the change, even when the total has since come back to it (one group removed, another added).
	// The pages before lastSame as the earlier pass read them, then lastSame as this one did: its availableMore
	// is today's. When everything moved, page 0 as this pass read it: a new read.
	pages := append(before[:max(lastSame, 0):max(lastSame, 0)], p.done[max(lastSame, 0)])
	if !pages[len(pages)-1].more {
		return p.assemble(pages)
	}
	// The search read at least one page (before holds page 0 at least), so this pass has its total.
	planned := pagesFor(p.total, p.l.pageSize)
	if planned > maxPages {
		return nil, p.fatal(0, fmt.Sprintf("the total of %d %s would take more than %d pages",
			p.total, p.l.many, maxPages))
	}
	return p.readFrom(ctx, pages, pages[len(pages)-1].index+1, planned)
}

// sameItems says whether two reads of a page hold the same items in the same order, by id.
func sameItems[T any](l *listing[T], a, b *page[T]) bool {
	if len(a.items) != len(b.items) {
		return false
	}
	for i := range a.items {
		if l.id(a.items[i]) != l.id(b.items[i]) {
			return false
		}
	}
	return true
}

// fetchConcurrently reads pages from..to with at most MaxConcurrency in flight. The first error cancels the
// rest. Once a page says no more are available, pages after it that have not started are skipped (left nil).
func (p *pass[T]) fetchConcurrently(ctx context.Context, from, to int) ([]*page[T], error) {
	if to < from {
		return nil, nil
	}
	results := make([]*page[T], to+1) // by page index
	var lastPage atomic.Int64         // the lowest page known to end the data
	lastPage.Store(math.MaxInt64)

	group, groupCtx := errgroup.WithContext(ctx)
	group.SetLimit(p.c.maxConcurrency)
	for index := from; index <= to; index++ {
		if groupCtx.Err() != nil || int64(index) > lastPage.Load() {
			break
		}
		group.Go(func() error {
			if int64(index) > lastPage.Load() {
				return nil
			}
			pg, err := p.fetchPage(groupCtx, index)
			if err != nil {
				return err
			}
			results[index] = pg
			if !pg.more {
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
		return nil, &RequestError{Page: -1, Err: err, Endpoint: p.l.name}
	}
	return results[from:], nil
}

// fetchPage reads and checks page index, at the offset the endpoint's meaning of offset gives, unless this pass
// has read it already.
func (p *pass[T]) fetchPage(ctx context.Context, index int) (*page[T], error) {
	p.mu.Lock()
	pg := p.done[index]
	p.mu.Unlock()
	if pg != nil {
		return pg, nil
	}
	offset := index
	if p.meaning == offsetRecords {
		offset = index * p.l.pageSize
	}
	pg, err := p.fetch(ctx, index, offset)
	if err != nil {
		return nil, err
	}
	if err := p.check(pg); err != nil {
		return nil, err
	}
	p.keep(pg)
	return pg, nil
}

// keep records a page this pass has read and checked.
func (p *pass[T]) keep(pg *page[T]) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done[pg.index] = pg
}

// fetch reads and decodes one answer, naming it page index in errors.
func (p *pass[T]) fetch(ctx context.Context, index, offset int) (*page[T], error) {
	got, err := p.c.get(ctx, p.l.target(p.c, offset), request{endpoint: p.l.name, page: index, scope: p.l.scope})
	if err != nil {
		return nil, err
	}
	decoded, err := decodeListingPage[T](got.body, p.l.itemsKey)
	if err != nil {
		return nil, &DecodeError{StatusCode: got.status, Page: index, Err: err, Endpoint: p.l.name,
			BodyBytes: len(got.body), ContentType: p.c.redactor.clean([]byte(got.contentType), maxShownChars),
			MaybeEncrypted: p.l.encrypted && errors.Is(err, errNotEnvelope)}
	}
	pg := &page[T]{index: index, total: *decoded.Total, items: decoded.Items}
	if decoded.AvailableMore != nil {
		pg.more = *decoded.AvailableMore
	} else {
		pg.more = (index+1)*p.l.pageSize < pg.total // an answer without the flag: the total decides
	}
	return pg, nil
}

// check applies the rules one page must keep on its own, and its total against the pass's.
func (p *pass[T]) check(pg *page[T]) error {
	l := p.l
	limit := l.pageSize
	if len(pg.items) > limit {
		return p.fatal(pg.index, fmt.Sprintf("it holds %d %s, more than the limit of %d that was asked for",
			len(pg.items), plural(len(pg.items), l.one, l.many), limit))
	}
	for i, item := range pg.items {
		if item != nil && l.id(item) == "" {
			return p.fatal(pg.index, fmt.Sprintf("element %d of %q has no %s: an item without an id cannot be "+
				"told apart from the others, so the pages cannot be checked", i, l.itemsKey, l.idField))
		}
	}
	if err := p.checkTotal(pg); err != nil {
		return err
	}
	if nulls := countNil(pg.items); nulls > 0 {
		first := slices.Index(pg.items, nil)
		if err := p.problem(pg.index, fmt.Sprintf("element %d of %q is null (%d null %s on the page)",
			first, l.itemsKey, nulls, plural(nulls, "element", "elements"))); err != nil {
			return err
		}
		pg.items = slices.DeleteFunc(pg.items, func(item *T) bool { return item == nil })
	}
	if l.inspect != nil {
		for _, item := range pg.items {
			if reason := l.inspect(item); reason != "" {
				if err := p.problem(pg.index, fmt.Sprintf("%s %q: %s", l.one, l.id(item), reason)); err != nil {
					return err
				}
			}
		}
	}
	if len(pg.items) == 0 && pg.more {
		return p.problem(pg.index, "it is empty although availableMore is true")
	}
	if len(pg.items) < limit && pg.more {
		return p.problem(pg.index, fmt.Sprintf("it holds %d %s, fewer than the limit of %d, although "+
			"availableMore is true", len(pg.items), plural(len(pg.items), l.one, l.many), limit))
	}
	return nil
}

// checkTotal holds every page of a pass to the total of the first one it read: a total that changed means items
// were added or removed during the read, which shifts items across pages and can lose one even when the count
// later adds up.
func (p *pass[T]) checkTotal(pg *page[T]) error {
	p.mu.Lock()
	total := p.total
	if total < 0 {
		p.total = pg.total
	}
	p.mu.Unlock()
	if total < 0 || pg.total == total {
		return nil
	}
	return p.problemMoved(pg.index, fmt.Sprintf("its total is %d %s, not the %d of the pages read before it: %s "+
		"were added or removed during the read", pg.total, p.l.many, total, p.l.many), true)
}

func countNil[T any](items []*T) int {
	n := 0
	for _, item := range items {
		if item == nil {
			n++
		}
	}
	return n
}

// assemble joins the pages in order, keeping the first occurrence of each item, and checks that they add up.
func (p *pass[T]) assemble(pages []*page[T]) (*walkResult[T], error) {
	l := p.l
	count := 0
	lastFilled := -1 // the last page holding items
	for i, pg := range pages {
		count += len(pg.items)
		if len(pg.items) > 0 {
			lastFilled = i
		}
	}
	// A short page is the end of the data: anything after it means records moved past the read.
	for _, pg := range pages[:max(lastFilled, 0)] {
		if len(pg.items) < l.pageSize {
			if err := p.problem(pg.index, fmt.Sprintf("it holds %d %s, fewer than the limit of %d, but page %d "+
				"after it holds more", len(pg.items), plural(len(pg.items), l.one, l.many), l.pageSize,
				pages[lastFilled].index)); err != nil {
				return nil, err
			}
		}
	}

	type firstSeen struct {
		item *T
		page int
	}
	items := make([]*T, 0, count)
	seen := make(map[string]firstSeen, count)
	duplicates := 0
	for _, pg := range pages {
		for _, item := range pg.items {
			id := l.id(item)
			if id != "" {
				if earlier, dup := seen[id]; dup {
					if !reflect.DeepEqual(earlier.item, item) {
						if err := p.problem(pg.index, fmt.Sprintf("it holds %s %q, which page %d also holds "+
							"with different content", l.one, id, earlier.page)); err != nil {
							return nil, err
						}
					}
					duplicates++
					continue
				}
				seen[id] = firstSeen{item: item, page: pg.index}
			}
			items = append(items, item)
		}
	}

	last := pages[len(pages)-1]
	result := &walkResult[T]{total: last.total, items: slices.Clip(items), pages: len(pages)}
	if len(items) < result.total {
		if err := p.problem(last.index, fmt.Sprintf("its total is %d %s, but the pages held %d", result.total,
			l.many, len(items))); err != nil {
			return nil, err
		}
	}
	result.warnings = append(result.warnings, p.warnings...)
	if duplicates > 0 {
		result.warnings = append(result.warnings, fmt.Sprintf(
			"%d %s appeared on more than one page, probably because %s were added or removed during the "+
				"read; each was kept once", duplicates, plural(duplicates, l.one, l.many), l.many))
	}
	if len(items) > result.total {
		result.warnings = append(result.warnings, fmt.Sprintf(
			"Kore.ai reported a total of %d %s, but %d were read; %s may have been added during the read",
			result.total, l.many, len(items), l.many))
	}
	return result, nil
}

// offsetMeaning is what an endpoint takes offset to mean. The docs call it a page number for some endpoints and
// a number of records to skip for others, and say nothing for the rest.
type offsetMeaning int

const (
	offsetPages   offsetMeaning = iota // offset=2 is the third page
	offsetRecords                      // offset=2 skips two records
)

func (m offsetMeaning) String() string {
	if m == offsetRecords {
		return "records to skip"
	}
	return "page number"
}

// offsetMeaningOf returns what offset was found to mean for an endpoint, if a read has found out.
func (c *Client) offsetMeaningOf(path string) (offsetMeaning, bool) {
	c.offsetMu.Lock()
	defer c.offsetMu.Unlock()
	meaning, ok := c.offsetMeanings[path]
	return meaning, ok
}

func (c *Client) forgetOffsetMeaning(path string) {
	c.offsetMu.Lock()
	defer c.offsetMu.Unlock()
	delete(c.offsetMeanings, path)
}

func (c *Client) rememberOffsetMeaning(path string, meaning offsetMeaning) {
	c.offsetMu.Lock()
	defer c.offsetMu.Unlock()
	c.offsetMeanings[path] = meaning
}

// learnOffsetMeaning asks for offset=1 and compares the answer with page 0 (full, since more are available): as a
// page number it is the next page, sharing no item with page 0; as records to skip it is page 0 from its second
// item on. It returns the answer as page 1 when offset is a page number, so that finding out costs a request only
// when offset counts records. An answer that fits neither is an error that says so, to be read again.
func (p *pass[T]) learnOffsetMeaning(ctx context.Context, first *page[T]) (*page[T], error) {
	probe, err := p.fetch(ctx, 1, 1)
	if err != nil {
		return nil, err
	}
	if len(probe.items) > p.l.pageSize {
		return nil, p.fatal(1, fmt.Sprintf("it holds %d %s, more than the limit of %d that was asked for",
			len(probe.items), plural(len(probe.items), p.l.one, p.l.many), p.l.pageSize))
	}
	if err := p.checkTotal(probe); err != nil {
		return nil, err
	}
	if len(probe.items) == 0 { // says nothing about offset: taken as page 1, for the totals to judge
		if err := p.check(probe); err != nil {
			return nil, err
		}
		p.keep(probe)
		return probe, nil
	}
	earlier := make(map[string]int, len(first.items))
	for i, item := range first.items {
		if item != nil {
			if id := p.l.id(item); id != "" {
				earlier[id] = i
			}
		}
	}
	shared, shifted := 0, true
	for i, item := range probe.items {
		if item == nil {
			shifted = false
			continue
		}
		id := p.l.id(item)
		at, ok := earlier[id]
		if ok && id != "" {
			shared++
		}
		if i < len(first.items)-1 && (!ok || id == "" || at != i+1) {
			shifted = false
		}
	}
	if shifted && len(first.items) > 1 {
		p.meaning = offsetRecords
	} else if shared == 0 {
		p.meaning = offsetPages
	} else {
		return nil, &PaginationError{Page: 1, Endpoint: p.l.name, rereadable: true, Reason: fmt.Sprintf(
			"offset=1 answered %d %s, %d of them also on page 0 (offset=0); as a page number it would share "+
				"none with page 0, as a number of records to skip it would repeat page 0 from its second item "+
				"on: the answer fits neither meaning of offset", len(probe.items), p.l.many, shared)}
	}
	p.meaningKnown = true
	p.c.rememberOffsetMeaning(p.l.path, p.meaning)
	p.c.debug(ctx, "Kore.ai offset meaning found", map[string]any{"listing": p.l.name, "offset": p.meaning.String()})
	if p.meaning == offsetRecords {
		return nil, nil
	}
	if err := p.check(probe); err != nil {
		return nil, err
	}
	p.keep(probe)
	return probe, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pagesFor is the number of pages total items fill, at least one.
func pagesFor(total, pageSize int) int {
	pages := total / pageSize
	if total%pageSize != 0 {
		pages++
	}
	return max(1, pages)
}

// allowedPages is how many pages a read may take before availableMore is no longer believed: the first total
// plus 10% and one page for data that grew during the read, plus two pages of slack.
func allowedPages(firstTotal, pageSize int) int {
	capped := min(firstTotal, maxPages*pageSize) // no overflow below, whatever the API claims
	grown := capped + capped/10 + pageSize
	return min(pagesFor(grown, pageSize)+2, maxPages)
}
