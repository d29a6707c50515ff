package kore

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kore.ai's rate-limit messages, lower-cased. Its rate-limit page documents a per-minute and an hourly text, its
// API list the older text; none documents the status or a Retry-After, so the text alone tells a rate limit.
const (
	minuteRateLimitText = "exceeded the per-minute rate limit"
	hourlyRateLimitText = "exceeded the hourly rate limit"
	olderRateLimitText  = "rate limit for this api has been reached"
)

// rateLimit is what an answer says of the account's rate limit.
type rateLimit int

const (
	notRateLimited rateLimit = iota
	// minuteLimited: the per-minute limit (or the older text, or a 429): wait as the account's windows require.
	minuteLimited
	// hourLimited: the hourly limit, which frees only as the requests of the last hour leave it.
	hourLimited
)

// rateLimitIn reads which of Kore.ai's rate-limit messages a text carries, in any case.
func rateLimitIn(text string) rateLimit {
	text = strings.ToLower(text)
	switch {
	case strings.Contains(text, hourlyRateLimitText):
		return hourLimited
	case strings.Contains(text, minuteRateLimitText), strings.Contains(text, olderRateLimitText):
		return minuteLimited
	}
	return notRateLimited
}

// rateLimitOfAnswer says whether an answer is a rate limit: a 429, or one of Kore.ai's rate-limit messages under
// any error status, in the message or anywhere in the body's first rateLimitScanBytes.
func rateLimitOfAnswer(status int, body []byte) rateLimit {
	if status < http.StatusBadRequest {
		return notRateLimited
	}
	if limit := rateLimitIn(string(body[:min(len(body), rateLimitScanBytes)])); limit != notRateLimited {
		return limit
	}
	if status == http.StatusTooManyRequests {
		return minuteLimited
	}
	return notRateLimited
}

// rateLimitScanBytes is how much of an error answer is searched for a rate-limit message: it comes first.
const rateLimitScanBytes = 4 << 10

// Refusal tells apart the ways Kore.ai refuses a request's credentials. Every one is a 401 with code 4002: only
// the message differs.
type Refusal int

const (
	// NotRefused: the answer is not a refusal of the credentials (or not a 401 or 403 at all).
	NotRefused Refusal = iota
	// RefusedCredentials is "Invalid SDK credentials": the client id and secret (or the token) match no app of the
	// account that this host serves: a wrong secret, an app of another account, or another region's host.
	RefusedCredentials
	// RefusedNotAJWT is "Invalid JWT token": the auth header is not a JWT at all.
	RefusedNotAJWT
	// RefusedScope is "Permission denied. Scope is incorrect!": the credentials are right, but the app lacks the
	// API scope of the endpoint (APIError.Scope).
	RefusedScope
	// RefusedOther is any other 401 or 403 that is not a rate limit.
	RefusedOther
)

// RefusalOf says how Kore.ai refused the credentials of the request err comes from, NotRefused if it did not.
func RefusalOf(err error) Refusal {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.isRateLimited() ||
		(apiErr.StatusCode != http.StatusUnauthorized && apiErr.StatusCode != http.StatusForbidden) {
		return NotRefused
	}
	message := strings.ToLower(apiErr.Message)
	switch {
	case strings.Contains(message, "invalid sdk credentials"):
		return RefusedCredentials
	case strings.Contains(message, "invalid jwt token"):
		return RefusedNotAJWT
	case strings.Contains(message, "scope is incorrect"):
		return RefusedScope
	}
	return RefusedOther
}

// APIError is an answer from Kore.ai with a status other than 2xx, after any retries.
type APIError struct {
	StatusCode int    // HTTP status
	Code       int    // the first errors[].code, 0 if none
	Message    string // the errors[].msg texts joined with "; ", "" if none
	// An answer that is not Kore.ai's error envelope is never quoted, even cleaned: it may be a listing (a bots
	// page carries app secrets) that a proxy or a failing server wrapped in an error status. Its size and content
	// type are given instead.
	BodyBytes   int
	ContentType string // cleaned, at most 200 characters; "" if none was sent
	Page        int    // the page being read, -1 if not applicable
	Attempts    int    // attempts made for this request
	Location    string // for a redirect, where the server pointed
	Endpoint    string // the listing being read, as in "bots page 3"
	// Scope is the Admin Console API scope the endpoint needs, as in "Profile Management > Role Management".
	Scope string

	rateLimit rateLimit // what the answer said of the rate limit, read from the whole message or body
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("Kore.ai API answered HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Page >= 0 {
		fmt.Fprintf(&b, " for %s page %d", e.Endpoint, e.Page)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
		if e.Code != 0 {
			fmt.Fprintf(&b, " (code %d)", e.Code)
		}
	} else {
		b.WriteString(": " + describeBody(e.BodyBytes, e.ContentType) + " that is not Kore.ai's error answer")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 && e.Location != "" {
		fmt.Fprintf(&b, "; the server points to %q", e.Location)
	}
	return b.String()
}

// describeBody names a body that is not quoted by its size and content type.
func describeBody(size int, contentType string) string {
	if size == 0 {
		return "an empty body"
	}
	unit := "bytes"
	if size == 1 {
		unit = "byte"
	}
	if contentType == "" {
		return fmt.Sprintf("a body of %d %s with no content type", size, unit)
	}
	return fmt.Sprintf("a body of %d %s of content type %q", size, unit, contentType)
}

// isRateLimited reads the rate limit from the answer's whole body when the request path made the error, and from
// the status and the message otherwise.
func (e *APIError) isRateLimited() bool {
	return e.rateLimit != notRateLimited || e.StatusCode == http.StatusTooManyRequests ||
		rateLimitIn(e.Message) != notRateLimited
}

// IsUnauthorized reports whether err comes from a 401 or 403 answer: bad credentials or a missing API scope. A
// 403 that carries Kore.ai's rate-limit message is a rate limit, not a refusal.
func IsUnauthorized(err error) bool {
	return RefusalOf(err) != NotRefused
}

// IsRateLimited reports whether err comes from a 429 answer, or an answer carrying one of Kore.ai's rate-limit
// messages.
func IsRateLimited(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.isRateLimited()
}

// HourlyRateLimitError reports that Kore.ai refused a request because the account's hourly limit is spent, and
// that waiting for the hour to free would pass the caller's deadline. The account's request budget now holds the
// hour as spent, so that no process of this machine sends more before it frees. Err is the refusal (*APIError).
type HourlyRateLimitError struct {
	FreesAt time.Time     // when the account's request budget expects the hour to free
	Wait    time.Duration // how long from the refusal until then
	Err     error
}

func (e *HourlyRateLimitError) Error() string {
	return fmt.Sprintf("%v; the account's hourly rate limit is reached, and its request budget expects the hour "+
		"to free at %s (in %s)", e.Err, e.FreesAt.UTC().Format(time.RFC3339), e.Wait.Round(time.Second))
}

func (e *HourlyRateLimitError) Unwrap() error { return e.Err }

// PaginationError reports pages that do not fit together: the read cannot be trusted to hold every item once.
type PaginationError struct {
	Page     int    // the page at fault
	Reason   string // what is wrong with it
	Endpoint string // the listing being read, as in "bots page 3"

	// rereadable marks what data changing during the read can explain: the walk reads once more.
	rereadable bool
	// moved marks a total that changed between pages: items were added or removed during the read.
	moved bool
}

func (e *PaginationError) Error() string {
	return fmt.Sprintf("Kore.ai API returned inconsistent pages: %s page %d: %s", e.Endpoint, e.Page, e.Reason)
}

// TooManyItemsError reports a listing whose first page announces more items than the caller allows: the read
// stops there, before the rest is read or held.
type TooManyItemsError struct {
	Endpoint string // the listing, as in "audit logs"
	Items    string // what it holds, as in "entries"
	Total    int    // the total page 0 announced
	Most     int    // the most the caller allows
}

func (e *TooManyItemsError) Error() string {
	return fmt.Sprintf("the %s hold %d %s, more than the %d allowed", e.Endpoint, e.Total, e.Items, e.Most)
}

// DecodeError reports a 2xx answer whose body is not the expected JSON. The body is never quoted: a listing
// carries users' emails and bots' app secrets, and an answer that merely starts oddly (a byte-order mark, an
// anti-hijacking prefix) is still one. Err says where it went wrong instead.
type DecodeError struct {
	StatusCode  int
	Page        int    // the page being read, -1 if not applicable
	BodyBytes   int    // the size of the body
	ContentType string // cleaned, at most 200 characters; "" if none was sent
	Err         error  // what the decoder found wrong
	Endpoint    string // the listing being read, as in "bots page 3"
	// MaybeEncrypted says the endpoint is one whose answers Kore.ai encrypts for apps that enforce request and
	// response payload encryption, and the body is not the documented envelope: the likely cause.
	MaybeEncrypted bool
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Kore.ai API answered HTTP %d", e.StatusCode)
	if e.Page >= 0 {
		fmt.Fprintf(&b, " for %s page %d", e.Endpoint, e.Page)
	}
	fmt.Fprintf(&b, " with %s that is not a %s page (%v)", describeBody(e.BodyBytes, e.ContentType), e.Endpoint,
		e.Err)
	if e.MaybeEncrypted {
		b.WriteString("; Kore.ai encrypts this endpoint's answers for apps that enforce request and response " +
			"payload encryption")
	}
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// RequestError reports a request that got no usable answer: the connection failed, every attempt timed out, or
// the context ended. errors.Is(err, context.Canceled) and friends see through it.
type RequestError struct {
	Page     int // the page being read, -1 if not applicable
	Attempts int // attempts made, 0 if none could start
	Err      error
	Endpoint string // the listing being read, as in "bots page 3"
}

func (e *RequestError) Error() string {
	var b strings.Builder
	b.WriteString("reading ")
	if e.Page >= 0 {
		fmt.Fprintf(&b, "%s page %d ", e.Endpoint, e.Page)
	}
	b.WriteString("from the Kore.ai API")
	switch {
	case errors.Is(e.Err, context.Canceled):
		b.WriteString(" was canceled")
	case errors.Is(e.Err, context.DeadlineExceeded):
		b.WriteString(" ran out of time")
	default:
		b.WriteString(" failed")
	}
	switch e.Attempts {
	case 0: // no attempt could start
	case 1:
		b.WriteString(" after 1 attempt")
	default:
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *RequestError) Unwrap() error { return e.Err }

// IsCertificateError reports whether err comes from a TLS certificate the client could not verify.
func IsCertificateError(err error) bool {
	var unknownAuthority x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	return errors.As(err, &unknownAuthority) || errors.As(err, &invalid) || errors.As(err, &hostname)
}

// errorBody is Kore.ai's error answer, {"errors":[{"msg":"...","code":4002}]}, plus the "message" field some
// gateways send instead.
type errorBody struct {
	Errors []struct {
		Msg  string          `json:"msg"`
		Code json.RawMessage `json:"code"` // a number, or a number in a string
	} `json:"errors"`
	Message string `json:"message"`
}

func (c *Client) newAPIError(resp *http.Response, body []byte, at request, attempts int) *APIError {
	apiErr := &APIError{StatusCode: resp.StatusCode, Page: at.page, Attempts: attempts, Endpoint: at.endpoint,
		Scope: at.scope, rateLimit: rateLimitOfAnswer(resp.StatusCode, body)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		apiErr.Location = c.redactor.clean([]byte(resp.Header.Get("Location")), maxShownChars)
	}

	var parsed errorBody
	if json.Unmarshal(body, &parsed) == nil {
		var messages []string
		for _, e := range parsed.Errors {
			if msg := c.redactor.clean([]byte(e.Msg), maxShownChars); msg != "" {
				messages = append(messages, msg)
			}
			if apiErr.Code == 0 {
				apiErr.Code = parseErrorCode(e.Code)
			}
		}
		if len(messages) == 0 && parsed.Message != "" {
			messages = append(messages, c.redactor.clean([]byte(parsed.Message), maxShownChars))
		}
		apiErr.Message = strings.Join(messages, "; ")
	}
	if apiErr.Message == "" {
		apiErr.BodyBytes = len(body)
		apiErr.ContentType = c.redactor.clean([]byte(resp.Header.Get("Content-Type")), maxShownChars)
	}
	return apiErr
}

func parseErrorCode(raw json.RawMessage) int {
	raw = bytes.Trim(raw, `"`)
	code, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0
	}
	return code
}

// maxShownChars bounds any server text quoted in an error.
const maxShownChars = 200

// maxCleanedBytes bounds how much of a body is examined to build that text.
const maxCleanedBytes = 64 << 10

// AnswerTooLargeError reports an answer larger than the client reads (MaxAnswerBytes). It is not retried: the same
// request would bring the same answer.
type AnswerTooLargeError struct {
	Limit int64
	// ContentLength is the size the server announced, or -1 when it announced none and the body ran past Limit.
	ContentLength int64
}

func (e *AnswerTooLargeError) Error() string {
	if e.ContentLength >= 0 {
		return fmt.Sprintf("the answer announces %d bytes (Content-Length), more than the %d MiB the client reads",
			e.ContentLength, e.Limit>>20)
	}
	return fmt.Sprintf("the answer runs past the %d MiB the client reads", e.Limit>>20)
}

// ProtocolError reports an answer that is not valid HTTP: a malformed status line, header or chunk. It is not
// retried: whatever sits at the host does not speak HTTP as Kore.ai does.
type ProtocolError struct{ Err error }

func (e *ProtocolError) Error() string {
	return "the server's answer is not valid HTTP: " + e.Err.Error()
}

func (e *ProtocolError) Unwrap() error { return e.Err }

// HostNotFoundError reports a host name that does not resolve. It is not retried: DNS said the name does not exist.
type HostNotFoundError struct {
	Host string
	Err  error
}

func (e *HostNotFoundError) Error() string {
	return fmt.Sprintf("the host name %q does not resolve: %v", e.Host, e.Err)
}

func (e *HostNotFoundError) Unwrap() error { return e.Err }

// WaitPastDeadlineError reports a request that was not retried because the wait before the next attempt (the
// server's Retry-After, or the client's backoff) would end after the caller's deadline. Err is the last answer or
// failure; errors.As reaches it (and IsRateLimited sees a 429 through it).
type WaitPastDeadlineError struct {
	Wait       time.Duration // the wait that was needed
	Left       time.Duration // the time that was left before the deadline
	RetryAfter bool          // the wait came from the server's Retry-After
	Err        error
}

func (e *WaitPastDeadlineError) Error() string {
	source := "the backoff before the next attempt"
	if e.RetryAfter {
		source = "the server's Retry-After"
	}
	return fmt.Sprintf("%v; not retried: %s asks for a wait of %s, longer than the %s left before the deadline",
		e.Err, source, e.Wait.Round(time.Second), e.Left.Round(time.Millisecond))
}

func (e *WaitPastDeadlineError) Unwrap() error { return e.Err }
