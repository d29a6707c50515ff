package kore

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"
)

// WithWaitHook makes every retry wait go through hook, which receives the wait the client chose and returns the
// duration actually waited.
func WithWaitHook(cfg Config, hook func(requested time.Duration) time.Duration) Config {
	cfg.hooks = cfg.testHooks()
	cfg.hooks.wait = hook
	return cfg
}

// WithBackoff sets the range of the jittered backoff.
func WithBackoff(cfg Config, low, high time.Duration) Config {
	cfg.hooks = cfg.testHooks()
	cfg.hooks.backoffMin, cfg.hooks.backoffMax = low, high
	return cfg
}

// WithFlightJoinedHook calls hook whenever a caller of any listing has started or joined a shared read.
func WithFlightJoinedHook(cfg Config, hook func()) Config {
	cfg.hooks = cfg.testHooks()
	cfg.hooks.flightJoined = hook
	return cfg
}

// testHooks returns a copy of the hooks, so that configs derived from one another do not share them.
func (cfg Config) testHooks() *hooks {
	if cfg.hooks == nil {
		return &hooks{}
	}
	copied := *cfg.hooks
	return &copied
}

// WithBudgetWindows shortens the windows and the margin of the account budget.
func WithBudgetWindows(cfg Config, short, long, margin time.Duration) Config {
	cfg.hooks = cfg.testHooks()
	cfg.hooks.budgetShortWindow, cfg.hooks.budgetLongWindow, cfg.hooks.budgetMargin = short, long, margin
	return cfg
}

// GroupsPage is the decoded wire form of one page of the Get Groups API.
type GroupsPage struct {
	Total         *int        `json:"total"`
	AvailableMore *bool       `json:"availableMore"`
	Groups        []wireGroup `json:"groups"`
}

// DecodeGroupsPage decodes one answer of the Get Groups API as the page walk does, refusing null groups.
func DecodeGroupsPage(data []byte) (*GroupsPage, error) {
	page, err := decodeListingPage[wireGroup](data, "groups")
	if err != nil {
		return nil, err
	}
	out := &GroupsPage{Total: page.Total, AvailableMore: page.AvailableMore}
	if page.Items != nil {
		if i := slices.Index(page.Items, nil); i >= 0 {
			return nil, fmt.Errorf(`element %d of "groups" is null`, i)
		}
		out.Groups = values(page.Items)
	}
	return out, nil
}

// BotsPage is the decoded wire form of one page of the Get Bots API; a null bot is a nil entry.
type BotsPage = listingPage[Bot]

// DecodeBotsPage decodes one answer of the Get Bots API as the page walk does.
func DecodeBotsPage(data []byte) (*BotsPage, error) { return decodeListingPage[Bot](data, "bots") }

// ChildGroupIDsOf returns the child group ids of every group of a decoded page, as ListGroups would.
func ChildGroupIDsOf(page *GroupsPage) [][]string {
	ids := make([][]string, len(page.Groups))
	for i, group := range page.Groups {
		ids[i] = childGroupIDs(group.ChildGroups)
	}
	return ids
}

// JitteredBackoff is the backoff used when an answer has no Retry-After.
func JitteredBackoff(low, high time.Duration, retry int) time.Duration {
	return jitteredBackoff(low, high, retry)
}

// ParseRetryAfter reads a Retry-After header value.
func ParseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	return parseRetryAfter(value, now)
}

// CleanServerText is the cleaning applied to server text quoted in errors, with the given secrets redacted.
func CleanServerText(data []byte, limit int, secrets ...string) string {
	return NewRedactor(secrets...).clean(data, limit)
}

// WithDialer replaces the network dialer, so that a test can make a name lookup fail without resolving a name.
func WithDialer(cfg Config, dial func(ctx context.Context, network, addr string) (net.Conn, error)) Config {
	cfg.hooks = cfg.testHooks()
	cfg.hooks.dial = dial
	return cfg
}

// BudgetWaitAfter429 is the wait chosen after an answer, given the wait the retry policy chose before the account's
// windows were consulted.
func BudgetWaitAfter429(ctx context.Context, c *Client, resp *http.Response, chosen time.Duration) time.Duration {
	return c.budgetWaitAfter429(ctx, resp, chosen)
}

// NewAPIErrorForTest builds the error a request would end with for an answer of status and body, as the request
// path does (the rate limit is read from the whole body).
func NewAPIErrorForTest(status int, body string) *APIError {
	c := &Client{redactor: NewRedactor()}
	return c.newAPIError(&http.Response{StatusCode: status, Header: http.Header{}}, []byte(body),
		request{endpoint: "groups", page: -1}, 1)
}

// WithCacheClock sets the read cache's clock.
func WithCacheClock(cfg Config, now func() time.Time) Config {
	cfg.hooks = cfg.testHooks()
	cfg.hooks.cacheNow = now
	return cfg
}

// AccountIdentity is the identity the budget and the cache of c key the account by.
func AccountIdentity(c *Client) string { return c.account.identity }
