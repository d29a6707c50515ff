package kore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore/budget"
)

// maxResponseBytes bounds a buffered answer. A page of 50 groups with thousands of users each stays far below it.
const maxResponseBytes = 128 << 20

// attemptTransport does what must happen once per attempt rather than once per request: it waits for the
// account's request budget, sets a freshly signed token, and reads the whole answer under the attempt's deadline, so
// that a body that stalls fails the attempt (and can be retried) instead of hanging the read.
type attemptTransport struct {
	base    http.RoundTripper
	budget  *budget.Budget
	tokens  tokenSource
	timeout time.Duration
	logger  Logger
}

// requestState follows one logical request across its attempts. The attempts of one request run one after the
// other on the goroutine that called Do, so its fields need no locking.
type requestState struct {
	attempts int
	// retryWait is the wait chosen by the retry policy for the next attempt, consumed by the backoff.
	retryWait time.Duration
}

type requestStateKey struct{}

func stateOf(ctx context.Context) *requestState {
	if st, ok := ctx.Value(requestStateKey{}).(*requestState); ok {
		return st
	}
	return &requestState{}
}

// bufferedBody is a fully read response body; the retry policy and the decoder use its bytes without copying.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (bufferedBody) Close() error { return nil }

// bodyBytes returns the buffered body of a response that went through attemptTransport.
func bodyBytes(resp *http.Response) []byte {
	if b, ok := resp.Body.(bufferedBody); ok {
		return b.data
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	resp.Body.Close()
	return data
}

// permanentError marks a failure that another attempt cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// rateLimitDeadlineError reports that the client's own rate limit would delay the attempt past the deadline.
type rateLimitDeadlineError struct{}

func (rateLimitDeadlineError) Error() string {
	return "waiting for the account's rate limit budget (requests per minute and per hour) would pass the deadline"
}

// Unwrap lets callers treat it like any other deadline: errors.Is(err, context.DeadlineExceeded) holds.
func (rateLimitDeadlineError) Unwrap() error { return context.DeadlineExceeded }

// attemptTimeoutError reports an attempt that did not complete within the request timeout. It deliberately does not
// match context.DeadlineExceeded: the caller's context is still alive and the attempt may be retried.
type attemptTimeoutError struct{ timeout time.Duration }

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no complete answer within the request timeout of %s", e.timeout)
}
func (e *attemptTimeoutError) Timeout() bool { return true }

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if _, err := t.budget.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &permanentError{rateLimitDeadlineError{}}
	}

	state := stateOf(ctx)
	state.attempts++
	started := time.Now()

	token, err := t.tokens.token(started)
	if err != nil {
		return nil, &permanentError{err}
	}
	attemptCtx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	out := req.Clone(attemptCtx)
	out.Header.Set("auth", token)

	resp, err := t.base.RoundTrip(out)
	if err == nil {
		var data []byte
		data, err = readBody(resp)
		resp.Body.Close()
		if err == nil {
			resp.Body = bufferedBody{Reader: bytes.NewReader(data), data: data}
			resp.Request = req // the clone carries the token; keep it out of reach
		}
	}
	if err != nil {
		err = attemptError(ctx, attemptCtx, t.timeout, err)
	}
	t.logAttempt(ctx, req, state.attempts, started, resp, err)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// readBody reads the whole body, presized from Content-Length when the server sent one.
func readBody(resp *http.Response) ([]byte, error) {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= maxResponseBytes {
		buf.Grow(int(n) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if n > maxResponseBytes {
		return nil, &permanentError{fmt.Errorf("the answer is larger than %d MiB", maxResponseBytes>>20)}
	}
	return buf.Bytes(), nil
}

// attemptError tells the caller's cancellation apart from the attempt's own timeout.
func attemptError(ctx, attemptCtx context.Context, timeout time.Duration, err error) error {
	var permanent *permanentError
	switch {
	case errors.As(err, &permanent):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	case attemptCtx.Err() != nil:
		return &attemptTimeoutError{timeout: timeout}
	}
	return err
}

func (t *attemptTransport) logAttempt(ctx context.Context, req *http.Request, attempt int, started time.Time,
	resp *http.Response, err error) {
	if t.logger == nil {
		return
	}
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"query":       req.URL.RawQuery,
		"attempt":     attempt,
		"duration_ms": time.Since(started).Milliseconds(),
	}
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	t.logger.Debug(ctx, "Kore.ai API request", fields)
}
