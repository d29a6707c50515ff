package kore

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// newStoppedClockClient is a client whose account budget (one request per short window) runs on a clock that
// never moves, and has spent its one request: the budget then asks for exactly window + margin. Each test has an
// account (a token) of its own, since the budgets of one account are shared within the process.
func newStoppedClockClient(t *testing.T, logger Logger, cacheDir string) (c *Client, need time.Duration) {
	t.Helper()
	const window, margin = 200 * time.Millisecond, 10 * time.Millisecond
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	c, err := New(Config{Host: "https://kore.example.com", JWT: "token of " + t.Name(), RequestsPerMinute: 1, Logger: logger,
		CacheDir: cacheDir,
		hooks: &hooks{budgetShortWindow: window, budgetLongWindow: time.Hour, budgetMargin: margin,
			budgetNow: func() time.Time { return now }}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a spent budget fails at once
	defer cancel()
	if _, err := c.budget.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	return c, window + margin
}

func answer(status int, retryAfter, body string) *http.Response {
	resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(bytes.NewBufferString(body))}
	if retryAfter != "" {
		resp.Header.Set("Retry-After", retryAfter)
	}
	return resp
}

// After a rate-limit answer the retry waits for the longer of the chosen wait and what the account's windows
// require, and warns only when the windows lengthen it.
func TestARateLimitAnswerWaitsTheLongerOfTheChosenWaitAndTheWindows(t *testing.T) {
	for _, retryAfter := range []string{"", "1"} {
		for _, tt := range []struct {
			name     string
			offset   time.Duration // chosen = need + offset
			lengthen bool
		}{
			{name: "a chosen wait a nanosecond short is lengthened", offset: -time.Nanosecond, lengthen: true},
			{name: "a chosen wait equal to the windows' is kept without a warning", offset: 0},
			{name: "a longer chosen wait is kept", offset: time.Nanosecond},
		} {
			t.Run("Retry-After "+retryAfter+": "+tt.name, func(t *testing.T) {
				logger := &levelLogger{}
				c, need := newStoppedClockClient(t, logger, "")
				chosen := need + tt.offset
				got := c.budgetWaitAfter429(context.Background(), answer(http.StatusTooManyRequests, retryAfter, ""), chosen)
				want := chosen
				if tt.lengthen {
					want = need
				}
				if got != want {
					t.Errorf("wait = %s, want %s", got, want)
				}
				if warned := len(logger.levels) == 1 && logger.levels[0] == "warn"; warned != tt.lengthen {
					t.Errorf("log levels %q: warned = %v, want %v", logger.levels, warned, tt.lengthen)
				}
			})
		}
	}
}

// Only rate-limit answers consult the windows: a 429, or an error answer with Kore.ai's rate-limit message.
func TestOnlyRateLimitAnswersWaitForTheWindows(t *testing.T) {
	const message = `{"errors":[{"msg":"Rate limit for this API has been reached"}]}`
	tests := []struct {
		name      string
		resp      *http.Response
		rateLimit bool
	}{
		{name: "no answer (a transport error)", resp: nil},
		{name: "a 429 without a body", resp: answer(http.StatusTooManyRequests, "", ""), rateLimit: true},
		{name: "a 400 with the message", resp: answer(http.StatusBadRequest, "", message), rateLimit: true},
		{name: "a 403 with the message", resp: answer(http.StatusForbidden, "", message), rateLimit: true},
		{name: "a 399 with the message", resp: answer(399, "", message)},
		{name: "a 503 without the message", resp: answer(http.StatusServiceUnavailable, "", `{"errors":[]}`)},
		{name: "a 400 with the message past the first 4 KiB",
			resp: answer(http.StatusBadRequest, "", string(bytes.Repeat([]byte(" "), 4<<10))+message)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, need := newStoppedClockClient(t, nil, "")
			want := time.Millisecond
			if tt.rateLimit {
				want = need
			}
			if got := c.budgetWaitAfter429(context.Background(), tt.resp, time.Millisecond); got != want {
				t.Errorf("wait = %s, want %s", got, want)
			}
		})
	}
}

// A budget that cannot answer (its shared record cannot be locked for a caller who has gone) leaves the chosen
// wait as it is.
func TestARateLimitAnswerKeepsTheChosenWaitWhenTheBudgetFails(t *testing.T) {
	c, _ := newStoppedClockClient(t, nil, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := c.budgetWaitAfter429(ctx, answer(http.StatusTooManyRequests, "", ""), time.Millisecond); got != time.Millisecond {
		t.Errorf("wait = %s, want the chosen 1ms", got)
	}
}
