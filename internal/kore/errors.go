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

// rateLimitMessage is the start of the message Kore.ai sends when an account is over its rate limit.
const rateLimitMessage = "rate limit for this api has been reached"

// APIError is an answer from Kore.ai with a status other than 2xx, after any retries.
type APIError struct {
	StatusCode int    // HTTP status
	Code       int    // the first errors[].code, 0 if none
	Message    string // the errors[].msg texts joined with "; ", "" if none
	// Body is, for an answer that carries no error message (not JSON, or JSON of another shape), a short cleaned
	// prefix of the body: at most 200 characters, control characters removed, whitespace collapsed, valid UTF-8,
	// tokens and secrets redacted. It is "" otherwise.
	Body     string
	Page     int    // the groups page (offset) being read, -1 if not applicable
	Attempts int    // attempts made for this request
	Location string // for a redirect, where the server pointed
	Endpoint string // the listing being read, as in "bots page 3"; "" means groups
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("Kore.ai API answered HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" " + text)
	}
	if e.Page >= 0 {
		fmt.Fprintf(&b, " for %s page %d", listingName(e.Endpoint), e.Page)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
		if e.Code != 0 {
			fmt.Fprintf(&b, " (code %d)", e.Code)
		}
	} else if e.Body != "" {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 && e.Location != "" {
		fmt.Fprintf(&b, "; the server points to %q", e.Location)
	}
	return b.String()
}

func (e *APIError) isRateLimited() bool {
	return e.StatusCode == http.StatusTooManyRequests ||
		containsRateLimitMessage(e.Message) || containsRateLimitMessage(e.Body)
}

// IsUnauthorized reports whether err comes from a 401 or 403 answer: bad credentials or a missing API scope. A
// 403 that carries Kore.ai's rate-limit message is a rate limit, not a refusal.
func IsUnauthorized(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && !apiErr.isRateLimited() &&
		(apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden)
}

// IsRateLimited reports whether err comes from a 429 answer, or an answer carrying Kore.ai's rate-limit message.
func IsRateLimited(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.isRateLimited()
}

// PaginationError reports pages that do not fit together: the read cannot be trusted to hold every item once.
type PaginationError struct {
	Page     int    // the page at fault
	Reason   string // what is wrong with it
	Endpoint string // the listing being read, as in "bots page 3"; "" means groups

	// rereadable marks what data changing during the read can explain: the walk reads once more from the start.
	rereadable bool
}

func (e *PaginationError) Error() string {
	return fmt.Sprintf("Kore.ai API returned inconsistent pages: %s page %d: %s", listingName(e.Endpoint), e.Page,
		e.Reason)
}

// listingName names the listing an error is about; errors made before a listing was named are about groups.
func listingName(endpoint string) string {
	if endpoint == "" {
		return "groups"
	}
	return endpoint
}

// DecodeError reports a 2xx answer whose body is not the expected JSON.
type DecodeError struct {
	StatusCode int
	Page       int    // the groups page (offset) being read, -1 if not applicable
	Body       string // a short cleaned prefix of the body, as in APIError.Body
	Err        error  // what the decoder found wrong
	Endpoint   string // the listing being read, as in "bots page 3"; "" means groups
	// BodyWithheld says the body was JSON and is not quoted: it may carry users' data or bots' app secrets. Err
	// says where it went wrong instead.
	BodyWithheld bool
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Kore.ai API answered HTTP %d", e.StatusCode)
	if e.Page >= 0 {
		fmt.Fprintf(&b, " for %s page %d", listingName(e.Endpoint), e.Page)
	}
	fmt.Fprintf(&b, " with a body that is not a %s page (%v)", listingName(e.Endpoint), e.Err)
	if e.BodyWithheld { // the account's data (names, emails, app secrets): the decoder's complaint names the field
		return b.String()
	}
	if e.Body == "" {
		b.WriteString(": the body is empty")
	} else { // a proxy's or login page's text, which tells where the host points
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// RequestError reports a request that got no usable answer: the connection failed, every attempt timed out, or
// the context ended. errors.Is(err, context.Canceled) and friends see through it.
type RequestError struct {
	Page     int // the groups page (offset) being read, -1 if not applicable
	Attempts int // attempts made, 0 if none could start
	Err      error
	Endpoint string // the listing being read, as in "bots page 3"; "" means groups
}

func (e *RequestError) Error() string {
	var b strings.Builder
	b.WriteString("reading ")
	if e.Page >= 0 {
		fmt.Fprintf(&b, "%s page %d ", listingName(e.Endpoint), e.Page)
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

func (c *Client) newAPIError(resp *http.Response, body []byte, page, attempts int) *APIError {
	apiErr := &APIError{StatusCode: resp.StatusCode, Page: page, Attempts: attempts}
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
		apiErr.Body = c.redactor.clean(body, maxShownChars)
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

func containsRateLimitMessage(s string) bool {
	return strings.Contains(strings.ToLower(s), rateLimitMessage)
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
