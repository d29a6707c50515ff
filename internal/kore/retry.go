package kore

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxRetryAfter caps the wait a server may ask for. Kore.ai's longest rate-limit window is an hour, so a longer
// wait cannot be about it.
const maxRetryAfter = time.Hour

// request names what one GET reads, for its errors: the listing, the page (-1 if none) and the API scope the
// endpoint needs.
type request struct {
	endpoint string
	page     int
	scope    string
}

// reply is a 2xx answer, read whole.
type reply struct {
	body        []byte
	status      int
	contentType string
}

// get performs one GET with retries and returns the 2xx answer.
func (c *Client) get(ctx context.Context, target string, at request) (*reply, error) {
	return c.send(ctx, http.MethodGet, target, nil, at)
}

// send performs one request with retries and returns the 2xx answer. body, if not nil, is sent as JSON with every
// attempt: the admin APIs read with POST too (Get User Information), and such a read is as safe to repeat as a GET.
func (c *Client) send(ctx context.Context, method, target string, body []byte, at request) (*reply, error) {
	if err := c.inFlight.Acquire(ctx, 1); err != nil {
		return nil, &RequestError{Page: at.page, Err: err, Endpoint: at.endpoint}
	}
	defer c.inFlight.Release(1)

	state := &requestState{}
	ctx = context.WithValue(ctx, requestStateKey{}, state)
	var payload any // retryablehttp rewinds a []byte body for every attempt; a nil one must stay untyped nil
	if body != nil {
		payload = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, payload)
	if err != nil {
		return nil, &RequestError{Page: at.page, Err: err, Endpoint: at.endpoint}
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	// The policy and the backoff share per-request state (the wait chosen for the next attempt), and
	// retryablehttp's Backoff is given no context to find it in, so the retryablehttp.Client, a handful of fields
	// around the shared http.Client, is made per request. When it gives up it closes the http.Client's idle
	// connections, which attemptTransport (no CloseIdleConnections of its own) does not pass on to the pool.
	policy := &retryPolicy{ctx: ctx, client: c, state: state, url: req.URL, method: method}
	retrying := &retryablehttp.Client{
		HTTPClient:   c.httpClient,
		Logger:       nil, // attempts and retries are logged by this package, without headers
		RetryWaitMin: c.backoffMin,
		RetryWaitMax: c.backoffMax,
		RetryMax:     c.maxRetries,
		CheckRetry:   policy.check,
		Backoff:      policy.backoff,
		// Hand back the last answer or error as it is, not "giving up after N attempts".
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	resp, err := retrying.Do(req)
	if err != nil {
		return nil, &RequestError{Page: at.page, Attempts: state.attempts, Endpoint: at.endpoint,
			Err: policy.explain(c.redactor.redactError(err))}
	}
	answer := bodyBytes(resp)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, policy.explain(c.newAPIError(resp, answer, at, state.attempts))
	}
	return &reply{body: answer, status: resp.StatusCode, contentType: resp.Header.Get("Content-Type")}, nil
}

// retryPolicy decides, after each attempt of one request, whether and how long to wait before the next one.
type retryPolicy struct {
	ctx    context.Context // the request's context, for log lines
	client *Client
	method string
	state  *requestState
	url    *url.URL
	// What the last attempt ended with, for the retry log line.
	lastStatus int
	lastErr    error
	// pastDeadline is set when the last failure was not retried because the wait would end after the deadline.
	pastDeadline *WaitPastDeadlineError
	// hourSpent is set when the last answer was the hourly rate limit and the hour frees after the deadline.
	hourSpent *HourlyRateLimitError
}

// explain wraps the request's final error when the policy gave up on it for want of time, so that the error says so.
func (p *retryPolicy) explain(err error) error {
	if p.hourSpent != nil {
		explained := *p.hourSpent
		explained.Err = err
		return &explained
	}
	if p.pastDeadline == nil {
		return err
	}
	explained := *p.pastDeadline
	explained.Err = err
	return &explained
}

// check is the retryablehttp.CheckRetry of one request. It never returns an error, so that the final answer or
// transport error reaches the caller unchanged.
func (p *retryPolicy) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	select {
	case <-ctx.Done(): // never retry for a caller who has gone
		return false, nil
	default:
	}
	if err != nil {
		var permanent *permanentError
		if errors.As(err, &permanent) {
			return false, nil
		}
		// retryablehttp's own classification refuses certificate, scheme and redirect failures.
		if retry, _ := retryablehttp.DefaultRetryPolicy(ctx, nil, err); !retry {
			return false, nil
		}
	} else if !isRetryableResponse(resp) {
		return false, nil
	}
	if resp != nil && rateLimitOfAnswer(resp.StatusCode, bodyBytes(resp)) == hourLimited {
		return p.afterHourlyLimit(ctx, resp), nil
	}
	if p.state.attempts > p.client.maxRetries {
		return false, nil
	}

	p.lastErr, p.lastStatus = err, 0
	if resp != nil {
		p.lastStatus = resp.StatusCode
	}
	wait, fromServer := p.client.retryWait(resp, p.state.attempts)
	if budgetWait := p.client.budgetWaitAfter429(ctx, resp, wait); budgetWait != wait {
		wait, fromServer = budgetWait, false // the account's windows chose it
	}
	if deadline, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(deadline) {
		p.pastDeadline = &WaitPastDeadlineError{Wait: wait, Left: max(time.Until(deadline), 0), RetryAfter: fromServer}
		p.client.warn(ctx, "Kore.ai API request not retried: the wait would pass the deadline", p.logFields(wait))
		return false, nil
	}
	p.state.retryWait = wait
	return true, nil
}

// afterHourlyLimit handles Kore.ai's hourly rate limit: the hour is recorded as spent in the account's budget, so
// that no process of this machine sends more for the account until it frees, and the request waits for it only
// when the caller's deadline leaves room; otherwise it ends at once with an *HourlyRateLimitError.
func (p *retryPolicy) afterHourlyLimit(ctx context.Context, resp *http.Response) bool {
	p.lastErr, p.lastStatus = nil, resp.StatusCode
	freesAt, err := p.client.budget.SpendHour(ctx)
	if err != nil { // the context ended while the record was locked
		return false
	}
	wait := max(time.Until(freesAt), 0)
	deadline, hasDeadline := ctx.Deadline()
	if p.state.attempts > p.client.maxRetries || (hasDeadline && time.Now().Add(wait).After(deadline)) {
		p.hourSpent = &HourlyRateLimitError{FreesAt: freesAt, Wait: wait}
		p.client.warn(ctx, "Kore.ai's hourly rate limit is reached; the account's hour is recorded as spent and "+
			"nothing more is sent before it frees", p.logFields(wait))
		return false
	}
	p.client.warn(ctx, "Kore.ai's hourly rate limit is reached; waiting until the account's hour frees, within "+
		"the read's time limit", p.logFields(wait))
	p.state.retryWait = wait
	return true
}

// backoff is the retryablehttp.Backoff of one request: it returns the wait check chose, through the wait hook.
func (p *retryPolicy) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	wait := p.state.retryWait
	p.client.warn(p.ctx, "Kore.ai API request failed; retrying", p.logFields(wait))
	return p.client.wait(wait)
}

func (p *retryPolicy) logFields(wait time.Duration) map[string]any {
	fields := map[string]any{
		"method":  p.method,
		"path":    p.url.Path,
		"query":   p.url.RawQuery,
		"attempt": p.state.attempts,
		"wait_ms": wait.Milliseconds(),
	}
	if p.lastStatus != 0 {
		fields["status"] = p.lastStatus
	}
	if p.lastErr != nil {
		fields["error"] = p.client.redactor.Redact(p.lastErr.Error())
	}
	return fields
}

// isRetryableResponse accepts throttling and transient server failures, and any error answer that carries one of
// Kore.ai's rate-limit messages whatever its status (the status of that answer is not documented).
func isRetryableResponse(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return rateLimitOfAnswer(resp.StatusCode, bodyBytes(resp)) != notRateLimited
}

// retryWait honours a Retry-After that asks for a wait, never shorter than the backoff's floor; otherwise (no header,
// 0, a negative number or a date in the past) it backs off with jitter, so that a server saying "slow down" without
// a usable wait never gets a burst of retries. fromServer tells which of the two chose the wait.
func (c *Client) retryWait(resp *http.Response, attempts int) (wait time.Duration, fromServer bool) {
	if resp != nil {
		if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return max(wait, c.backoffMin), true
		}
	}
	return jitteredBackoff(c.backoffMin, c.backoffMax, attempts), false
}

// jitteredBackoff returns the wait before retry number retry (from 1). Its ceiling doubles from 2×low up to high,
// and the wait is drawn uniformly between low and that ceiling ("full jitter" above a floor), so that clients that
// failed together do not come back together.
func jitteredBackoff(low, high time.Duration, retry int) time.Duration {
	ceiling := high
	if retry >= 1 && retry < 32 {
		if doubled := low << retry; doubled > 0 { // not shifted out of range
			ceiling = min(doubled, high)
		}
	}
	// Uniform from low to ceiling, both included; a ceiling below the floor (high < low) leaves the floor.
	return low + rand.N(max(ceiling-low, 0)+1)
}

// parseRetryAfter reads Retry-After as delta seconds or an HTTP date. Only a wait longer than zero counts: 0, a
// negative number or a date that has passed give no wait (ok is false), and the caller backs off instead.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	// Delta seconds. A number too large for a uint64 parses as the largest one (with ErrRange) and is capped.
	if seconds, err := strconv.ParseUint(value, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if seconds == 0 {
			return 0, false
		}
		return time.Duration(min(seconds, uint64(maxRetryAfter/time.Second))) * time.Second, true
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfter), true
	}
	return 0, false
}
