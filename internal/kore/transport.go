package kore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/kore-community/terraform-provider-kore/internal/kore/budget"
	"github.com/kore-community/terraform-provider-kore/internal/kore/cache"
)

// Memory bounds of the answers the client reads. Every answer is read whole before it is decoded (so that a body
// that stalls fails its attempt and can be retried), so these bounds are what a server can make the client hold.
const (
	// MaxAnswerBytes is the largest answer read, after decompression. A user of the Get Groups API is about 280
	// bytes of JSON (testdata/kore_sample_response.json), so a page of 50 groups with 2,000 members each is about
	// 27 MiB: 32 MiB fits the largest page a real account sends, and a larger answer fails at once, not retried.
	MaxAnswerBytes = 32 << 20
	// largeAnswerBytes is how much of an answer is read before it must take the client's one large-answer slot:
	// at most one answer at a time grows past it, so that max_concurrency = 16 answers at the cap hold about
	// 15 x 2 x 2 MiB + 2 x 32 MiB (each answer is copied once into a buffer of its exact size) = 124 MiB, not
	// 16 x 64 MiB. A page of 50 groups of about 150 members each stays under it and is read without waiting.
	largeAnswerBytes = 2 << 20
)

// firstChunkBytes and maxChunkBytes size the pieces an answer is read in: each is as large as what has been read so
// far, within these bounds, so that small answers (errors, small pages) take one small allocation and large ones a
// few dozen; the buffer never grows by doubling, which would need up to three times the answer at once.
const (
	firstChunkBytes = 16 << 10
	maxChunkBytes   = 1 << 20
)

// attemptTransport does what must happen once per attempt rather than once per request: it waits for the
// account's request budget, sets a freshly signed token, and reads the whole answer under the attempt's deadline, so
// that a body that stalls fails the attempt (and can be retried) instead of hanging the read.
type attemptTransport struct {
	base    http.RoundTripper
	budget  *budget.Budget
	tokens  tokenSource
	timeout time.Duration
	logger  Logger
	// largeAnswers is the one slot an answer takes to grow past largeAnswerBytes.
	largeAnswers *semaphore.Weighted
	redactor     *Redactor
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
	if resp.Body == nil {
		return nil
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes))
	resp.Body.Close()
	return data
}

// permanentError marks a failure that another attempt cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// BudgetDeadlineError reports that the account's request budget would delay the next attempt past the read's
// deadline. The budget is the client's own (Config.RequestsPerMinute and RequestsPerHour) and shared by every
// process of this machine that uses the account with a CacheDir, so other processes may have spent it. It matches
// context.DeadlineExceeded.
type BudgetDeadlineError struct {
	// Window is the window whose budget is spent: "minute" (RequestsPerMinute) or "hour" (RequestsPerHour).
	Window string
	// Wait is how long it would have taken for the budget to allow the next request.
	Wait time.Duration
	// Shared says that the budget is shared with other processes: through the cache directory, or through Redis.
	Shared bool
	// InRedis says that it is shared through Redis, by the processes of every machine that uses it.
	InRedis bool
	// Reason names the limit in words, for example "the account's budget of 60 requests in 1m0s is spent".
	Reason string
}

func (e *BudgetDeadlineError) Error() string {
	who := "kept in this process"
	switch {
	case e.InRedis:
		who = "shared through Redis by every process on every machine that uses the account"
	case e.Shared:
		who = "shared by every process on this machine that uses the account"
	}
	return fmt.Sprintf("the account's request budget per %s, %s, is spent: the next request could go in "+
		"%s, after the deadline (%s)", e.Window, who, e.Wait.Round(time.Second), e.Reason)
}

// Unwrap lets callers treat it like any other deadline: errors.Is(err, context.DeadlineExceeded) holds.
func (e *BudgetDeadlineError) Unwrap() error { return context.DeadlineExceeded }

// LockWaitError reports a read that ended while it waited for a lock of the files shared by the processes of this
// machine: another process holds it (one reading the same account, or one stopped while holding it). It matches
// the read's context error.
type LockWaitError struct {
	// Lock says what the lock guards: "the account's request budget record" or "a read cache entry".
	Lock string
	// Path is the lock file.
	Path string
	Err  error
}

func (e *LockWaitError) Error() string {
	return fmt.Sprintf("waited for the lock of %s (%s), which another process holds, until the read ended: %v",
		e.Lock, e.Path, e.Err)
}

func (e *LockWaitError) Unwrap() error { return e.Err }

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
		var lockWait *budget.LockWaitError
		if errors.As(err, &lockWait) {
			return nil, &permanentError{&LockWaitError{Lock: "the account's request budget record", Path: lockWait.Path,
				Err: lockWait.Err}}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var spent *budget.DeadlineError
		if errors.As(err, &spent) {
			err = &BudgetDeadlineError{Window: spent.Window, Wait: spent.Wait, Shared: t.budget.DirError() == nil || t.budget.InRedis(), InRedis: t.budget.InRedis(),
				Reason: spent.Reason}
		}
		return nil, &permanentError{err}
	}

	state := stateOf(ctx)
	state.attempts++
	started := time.Now()
	cache.MarkFetched(ctx) // a cached answer's age counts from its read's first request

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
		data, err = readBody(attemptCtx, resp, t.largeAnswers)
		resp.Body.Close()
		if err == nil {
			resp.Body = bufferedBody{Reader: bytes.NewReader(data), data: data}
			resp.Request = req // the clone carries the token; keep it out of reach
		}
	}
	if err != nil {
		err = attemptError(ctx, attemptCtx, t.timeout, classifyTransportError(err))
	}
	t.logAttempt(ctx, req, state.attempts, started, resp, err)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// readBody reads the whole body within MaxAnswerBytes. An announced Content-Length above the cap is refused before
// anything is read, and the announcement never sizes a buffer: a server may announce 128 MiB and send ten bytes.
// The cap counts the bytes as decoded, so it holds for a compressed body too (Go's transport inflates gzip
// transparently, and a small gzip bomb inflates no further than the cap).
func readBody(ctx context.Context, resp *http.Response, largeAnswers *semaphore.Weighted) ([]byte, error) {
	if resp.ContentLength > MaxAnswerBytes {
		return nil, &permanentError{&AnswerTooLargeError{Limit: MaxAnswerBytes, ContentLength: resp.ContentLength}}
	}
	// Read one byte past the cap, to tell an answer of exactly MaxAnswerBytes from a longer one.
	body := io.LimitReader(resp.Body, MaxAnswerBytes+1)
	var chunks [][]byte
	total := 0
	holdsSlot := false
	defer func() {
		if holdsSlot {
			largeAnswers.Release(1)
		}
	}()
	for {
		if total >= largeAnswerBytes && !holdsSlot && largeAnswers != nil {
			if err := largeAnswers.Acquire(ctx, 1); err != nil {
				return nil, err
			}
			holdsSlot = true
		}
		chunk := make([]byte, min(max(total, firstChunkBytes), maxChunkBytes))
		n, err := fill(body, chunk)
		chunks = append(chunks, chunk[:n])
		total += n
		if total > MaxAnswerBytes {
			return nil, &permanentError{&AnswerTooLargeError{Limit: MaxAnswerBytes, ContentLength: -1}}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err // io.ErrUnexpectedEOF here is a body cut short of its Content-Length
		}
	}
	data := make([]byte, 0, total)
	for _, chunk := range chunks {
		data = append(data, chunk...)
	}
	return data, nil
}

// fill reads until buf is full or the body ends; unlike io.ReadFull it passes the body's own errors through
// unchanged, so that the end of the body (io.EOF) is not confused with a body cut short (io.ErrUnexpectedEOF).
func fill(body io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := body.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// classifyTransportError marks what another attempt cannot fix as permanent, with a type that says what happened.
func classifyTransportError(err error) error {
	var permanent *permanentError
	var dnsErr *net.DNSError
	var protocolErr textproto.ProtocolError
	switch {
	case errors.As(err, &permanent):
		return err
	case errors.As(err, &dnsErr) && (dnsErr.IsNotFound || (!dnsErr.IsTimeout && !dnsErr.IsTemporary)):
		return &permanentError{&HostNotFoundError{Host: dnsErr.Name, Err: err}}
	case errors.As(err, &protocolErr), isMalformedHTTP(err):
		return &permanentError{&ProtocolError{Err: err}}
	}
	return err
}

// isMalformedHTTP recognises net/http's complaints about an answer that is not HTTP; they have no exported type.
func isMalformedHTTP(err error) bool {
	text := err.Error()
	for _, marker := range []string{"malformed HTTP", "malformed MIME header", "malformed chunked encoding",
		"invalid header field", "server gave HTTP response to HTTPS client", "bogus greeting"} {
		if strings.Contains(text, marker) {
			return true
		}
	}
	return false
}

// attemptError tells the caller's cancellation apart from the attempt's own timeout.
func attemptError(ctx, attemptCtx context.Context, timeout time.Duration, err error) error {
	var permanent *permanentError
	if errors.As(err, &permanent) {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if attemptCtx.Err() != nil {
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
		fields["error"] = t.redactor.Redact(err.Error())
	}
	t.logger.Debug(ctx, "Kore.ai API request", fields)
}
