package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// exchange is one request and its answer.
type exchange struct {
	path   string
	query  url.Values
	status int
	body   []byte
}

// describe names the request in a difference line: its offset and limit, or its query.
func (x *exchange) describe() string {
	if x.query.Has("offset") || x.query.Has("limit") {
		return fmt.Sprintf("offset=%s&limit=%s", x.query.Get("offset"), x.query.Get("limit"))
	}
	return "the answer"
}

// matches reports whether x is a request of e: its path, with e's parameters.
func (e *endpoint) matches(x *exchange) bool {
	if x.path != e.path {
		return false
	}
	for name, values := range e.query {
		if !slices.Equal(x.query[name], values) {
			return false
		}
	}
	return true
}

// offsetMeaning is what an endpoint takes offset to mean, as its answers show.
type offsetMeaning string

const (
	offsetUnknown offsetMeaning = ""
	offsetPages   offsetMeaning = "a page number"
	offsetRecords offsetMeaning = "records to skip"
)

// answerPage is one decoded listing answer.
type answerPage struct {
	offset, limit int
	total         int
	hasTotal      bool
	more          bool
	hasMore       bool
	items         []map[string]any
}

// Result is the verdict on one endpoint.
type Result struct {
	Key      string // the endpoint's short name, as in the recording's metadata
	Endpoint string // its name in Kore.ai's API reference
	// Failed is the client's error for a request that got no usable answer (already redacted); the endpoint could
	// not be checked further.
	Failed string
	// Problems says what differs from what the provider expects; none means OK.
	Problems []string
	// Summary says what was checked, for the OK line.
	Summary string
	Partial bool // only the first pages of a long listing were read
}

// OK reports whether the endpoint answered as expected.
func (r *Result) OK() bool { return r.Failed == "" && len(r.Problems) == 0 }

// Line is the report's line for the endpoint.
func (r *Result) Line() string {
	switch {
	case r.Failed != "" && len(r.Problems) > 0:
		return fmt.Sprintf("%s: FAILED: %s; DIFFERS: %s", r.Endpoint, r.Failed, strings.Join(r.Problems, "; "))
	case r.Failed != "":
		return fmt.Sprintf("%s: FAILED: %s", r.Endpoint, r.Failed)
	case len(r.Problems) > 0:
		return fmt.Sprintf("%s: DIFFERS: %s", r.Endpoint, strings.Join(r.Problems, "; "))
	case r.Partial:
		return fmt.Sprintf("%s: OK, checked partially (%s)", r.Endpoint, r.Summary)
	}
	return fmt.Sprintf("%s: OK (%s)", r.Endpoint, r.Summary)
}

// listingCheck gathers what the answers of one endpoint say.
type listingCheck struct {
	e        *endpoint
	pageSize int
	out      problems
	pages    []*answerPage
	flags    []string // the paging flag's spellings seen
	// read is the items of the pages read at the page size, in page order, each once.
	read []map[string]any
}

// checkEndpoint checks every recorded answer of e. listed says how the listing was read (nil when it was not). It
// also returns the items of the pages at the page size, in order and each once (the elements, for a bare array).
func checkEndpoint(e *endpoint, exchanges []*exchange, listed *Listing, pageSize int) (*Result, []map[string]any) {
	result := &Result{Key: e.key, Endpoint: e.name}
	var answers []*exchange
	for _, x := range exchanges {
		if e.matches(x) {
			answers = append(answers, x)
		}
	}
	if len(answers) == 0 {
		result.Problems = []string{"the recording holds no answer of this endpoint"}
		return result, nil
	}
	if !e.listing() {
		return result, checkArrayAnswers(e, answers, result)
	}
	c := &listingCheck{e: e, pageSize: pageSize}
	for _, x := range answers {
		c.answer(x)
	}
	meaning := c.offsetMeaning()
	complete := listed != nil && listed.Complete
	read := c.series(meaning, complete)
	result.Problems = c.out.lines()
	result.Partial = !complete
	flag := "no paging flag"
	if len(c.flags) > 0 {
		flag = "paging flag " + strings.Join(c.flags, " and ")
	}
	offset := "offset not tested (fewer than 2 items)"
	if meaning != offsetUnknown {
		offset = "offset is " + string(meaning)
	}
	result.Summary = fmt.Sprintf("%s; %s; %s", read, flag, offset)
	return result, c.read
}

// answer checks one listing answer on its own and keeps it for the checks across pages.
func (c *listingCheck) answer(x *exchange) {
	where := x.describe()
	if x.status < 200 || x.status > 299 {
		c.out.add(fmt.Sprintf("HTTP %d", x.status), where)
		return
	}
	value, err := decodeJSON(x.body)
	if err != nil {
		c.out.add("the answer is not JSON", where)
		return
	}
	envelope, ok := value.(map[string]any)
	if !ok {
		c.out.add(fmt.Sprintf("the answer is %s, want an object {total, availableMore, %s}", jsonKind(value),
			c.e.itemsKey), where)
		return
	}
	pg := &answerPage{}
	pg.offset, _ = strconv.Atoi(x.query.Get("offset"))
	pg.limit, _ = strconv.Atoi(x.query.Get("limit"))

	switch total, ok := envelope["total"]; {
	case !ok:
		c.out.add(`no field "total"`, where)
	case jsonKindOf(total) != kindInteger:
		c.out.add(fmt.Sprintf(`"total" is %s, want an integer`, jsonKind(total)), where)
	default:
		number, _ := total.(json.Number) // an integer's kind: always a json.Number
		n, err := number.Int64()
		if err != nil || n < 0 {
			c.out.add(`"total" is negative or out of range`, where)
			break
		}
		pg.total, pg.hasTotal = int(n), true
	}
	c.pagingFlag(envelope, pg, where)

	raw, ok := envelope[c.e.itemsKey]
	items, isArray := raw.([]any)
	switch {
	case !ok:
		c.out.add(fmt.Sprintf("no field %q", c.e.itemsKey), where)
		return
	case !isArray:
		c.out.add(fmt.Sprintf("%q is %s, want an array", c.e.itemsKey, jsonKind(raw)), where)
		return
	}
	if pg.limit > 0 && len(items) > pg.limit {
		c.out.add(fmt.Sprintf("an answer holds %d items, more than the limit of %d", len(items), pg.limit), where)
	}
	for i, item := range items {
		c.e.item.check(item, c.e.itemsKey+"[]", fmt.Sprintf("%s, item %d", where, i), &c.out)
		if object, ok := item.(map[string]any); ok {
			pg.items = append(pg.items, object)
		}
	}
	if pg.hasMore && pg.more && len(items) < pg.limit {
		c.out.add(fmt.Sprintf("an answer holds fewer items than the limit although its paging flag says more "+
			"are available"), where)
	}
	c.pages = append(c.pages, pg)
}

// pagingFlag reads availableMore (the documented spelling) or moreAvailable (that of some other admin APIs).
func (c *listingCheck) pagingFlag(envelope map[string]any, pg *answerPage, where string) {
	var values []bool
	for _, name := range []string{"availableMore", "moreAvailable"} {
		raw, ok := envelope[name]
		if !ok {
			continue
		}
		more, isBool := raw.(bool)
		if !isBool {
			c.out.add(fmt.Sprintf("%q is %s, want a boolean", name, jsonKind(raw)), where)
			continue
		}
		if !slices.Contains(c.flags, name) {
			c.flags = append(c.flags, name)
		}
		values = append(values, more)
	}
	switch {
	case len(values) == 0:
		c.out.add("no paging flag (availableMore or moreAvailable)", where)
	case len(values) == 2 && values[0] != values[1]:
		c.out.add("availableMore and moreAvailable disagree", where)
	default:
		pg.more, pg.hasMore = values[0], true
	}
}

// offsetMeaning finds what offset means from the answers to offset=0 and offset=1 at one limit, as internal/kore
// does: as a page number the second shares no item with the first; as records to skip it repeats the first from
// its second item on.
func (c *listingCheck) offsetMeaning() offsetMeaning {
	for _, first := range c.pages {
		if first.offset != 0 || first.limit < 2 || len(first.items) < 2 {
			continue
		}
		for _, probe := range c.pages {
			if probe.offset != 1 || probe.limit != first.limit {
				continue
			}
			return c.compareProbe(first, probe)
		}
	}
	return offsetUnknown
}

func (c *listingCheck) compareProbe(first, probe *answerPage) offsetMeaning {
	where := fmt.Sprintf("offset=1&limit=%d", probe.limit)
	if len(probe.items) == 0 {
		if first.hasTotal && first.total > first.limit {
			c.out.add("offset=1 answered no items although the total promises more than one page", where)
			return offsetUnknown
		}
		return offsetPages // records to skip would have answered the second item on
	}
	earlier := make(map[string]int, len(first.items))
	for i, item := range first.items {
		earlier[c.e.itemID(item)] = i
	}
	shared, shifted := 0, true
	for i, item := range probe.items {
		at, ok := earlier[c.e.itemID(item)]
		if ok {
			shared++
		}
		if i < len(first.items)-1 && (!ok || at != i+1) {
			shifted = false
		}
	}
	switch {
	case shifted:
		return offsetRecords
	case shared == 0:
		return offsetPages
	}
	c.out.add(fmt.Sprintf("offset=1 answered %d items, %d of them also at offset=0: that fits neither a page "+
		"number nor records to skip", len(probe.items), shared), where)
	return offsetUnknown
}

// series checks the pages read at the page size, in order: whole (every page, adding up to the total) or the
// first few. It returns what was read, in words.
func (c *listingCheck) series(meaning offsetMeaning, complete bool) string {
	byIndex := map[int]*answerPage{}
	for _, pg := range c.pages {
		if pg.limit != c.pageSize {
			continue
		}
		index := -1
		switch {
		case pg.offset == 0:
			index = 0
		case meaning == offsetPages:
			index = pg.offset
		case meaning == offsetRecords && pg.offset%c.pageSize == 0:
			index = pg.offset / c.pageSize
		}
		if _, seen := byIndex[index]; index >= 0 && !seen {
			byIndex[index] = pg
		}
	}
	var pages []*answerPage
	for i := 0; byIndex[i] != nil; i++ {
		pages = append(pages, byIndex[i])
	}
	if len(pages) == 0 {
		if complete {
			c.out.add(fmt.Sprintf("the recording holds no answer to offset=0&limit=%d", c.pageSize), "")
		}
		return "no page read"
	}
	if len(pages) < len(byIndex) {
		c.out.add(fmt.Sprintf("the recording lacks page %d of the listing", len(pages)), "")
	}

	first, last := pages[0], pages[len(pages)-1]
	seen := map[string]bool{}
	items, duplicates := 0, 0
	for i, pg := range pages {
		where := fmt.Sprintf("offset=%d&limit=%d", pg.offset, pg.limit)
		if pg.hasTotal && first.hasTotal && pg.total != first.total {
			c.out.add(fmt.Sprintf("the total changed between pages (%d, then %d)", first.total, pg.total), where)
		}
		if i < len(pages)-1 && len(pg.items) < c.pageSize {
			c.out.add("a page before the last holds fewer items than the limit", where)
		}
		if pg.hasTotal && pg.hasMore && (i == 0 || meaning != offsetUnknown) {
			if want := i*c.pageSize+len(pg.items) < pg.total; pg.more != want {
				c.out.add(fmt.Sprintf("the paging flag says %t, but the total (%d) says %t", pg.more, pg.total, want),
					where)
			}
		}
		for _, item := range pg.items {
			items++
			if key := c.e.itemID(item); key != "" && seen[key] {
				duplicates++
				continue
			} else {
				seen[key] = true
			}
			c.read = append(c.read, item)
		}
	}
	if duplicates > 0 {
		c.out.add(fmt.Sprintf("%d items appear on more than one page", duplicates), "")
	}
	noun := c.e.itemsKey
	if !complete {
		pagesTotal := 0
		if last.hasTotal {
			pagesTotal = (last.total + c.pageSize - 1) / c.pageSize
		}
		return fmt.Sprintf("first %d of %d pages of %d: %d of %d %s", len(pages), pagesTotal, c.pageSize, items,
			last.total, noun)
	}
	if last.hasMore && last.more {
		c.out.add("the last page read says more are available", "")
	}
	if last.hasTotal && items-duplicates != last.total {
		c.out.add(fmt.Sprintf("the total is %d %s, but the pages held %d", last.total, noun, items-duplicates), "")
	}
	return fmt.Sprintf("%d %s, read whole in %d %s of %d", items-duplicates, noun, len(pages),
		plural(len(pages), "page", "pages"), c.pageSize)
}

// checkArrayAnswers checks the answers of an endpoint that sends a bare array (Export Roles), returning the elements
// of the last.
func checkArrayAnswers(e *endpoint, answers []*exchange, result *Result) []map[string]any {
	var out problems
	var read []map[string]any
	count := 0
	for _, x := range answers {
		if x.status < 200 || x.status > 299 {
			out.add(fmt.Sprintf("HTTP %d", x.status), "")
			continue
		}
		value, err := decodeJSON(x.body)
		if err != nil {
			out.add("the answer is not JSON", "")
			continue
		}
		elements, ok := value.([]any)
		if !ok {
			out.add(fmt.Sprintf("the answer is %s, want a bare array", jsonKind(value)), "")
			continue
		}
		seen := map[string]bool{}
		read = read[:0]
		for i, element := range elements {
			e.item.check(element, "[]", fmt.Sprintf("element %d", i), &out)
			if object, ok := element.(map[string]any); ok {
				read = append(read, object)
				if key := e.itemID(object); key != "" && seen[key] {
					out.add("an element appears twice", fmt.Sprintf("element %d", i))
				} else {
					seen[key] = true
				}
			}
		}
		count = len(elements)
	}
	result.Problems = out.lines()
	result.Summary = fmt.Sprintf("%d roles, a bare array", count)
	return read
}

// decodeJSON decodes one JSON value, keeping numbers as written so that integers can be told from other numbers.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("more data after the JSON value")
	}
	return value, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
