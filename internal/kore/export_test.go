package kore

import (
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

// WithFlightJoinedHook calls hook whenever a ListGroups caller has started or joined a shared read.
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

// GroupsPage is the decoded wire form of one page.
type GroupsPage = groupsPage

// DecodeGroupsPage decodes one answer of the Get Groups API.
func DecodeGroupsPage(data []byte) (*GroupsPage, error) { return decodeGroupsPage(data) }

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
	return newRedactor(secrets...).clean(data, limit)
}
