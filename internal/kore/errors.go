package kore

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode"
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
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
		if e.Code != 0 {
			fmt.Fprintf(&b, " (code %d)", e.Code)
		}
	case e.Body != "":
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	switch {
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		b.WriteString("; check the client ID and client secret (or the JWT), and that the app was created in the " +
			"Admin Console with the API scope Profile Management > Role Management (apps that enforce JWE or " +
			"payload encryption are not supported)")
	case e.isRateLimited():
		b.WriteString("; Kore.ai allows 60 requests a minute and 1,800 an hour per account: lower the requests " +
			"per minute, or try again later")
	case e.StatusCode >= 300 && e.StatusCode < 400 && e.Location != "":
		fmt.Fprintf(&b, "; the server points to %q: set the host to the address that serves the API", e.Location)
	}
	return b.String()
}

func (e *APIError) isRateLimited() bool {
	return e.StatusCode == http.StatusTooManyRequests ||
		containsRateLimitMessage(e.Message) || containsRateLimitMessage(e.Body)
}

// IsUnauthorized reports whether err comes from a 401 or 403 answer: bad credentials or a missing API scope.
func IsUnauthorized(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) &&
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
	switch {
	case e.BodyWithheld:
	case e.Body != "":
		fmt.Fprintf(&b, ": %q", e.Body)
	default:
		b.WriteString(": the body is empty")
	}
	b.WriteString("; check that the host points at the Kore.ai platform, not at a proxy or login page")
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
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	b.WriteString(": " + e.Err.Error())
	if isCertificateError(e.Err) {
		b.WriteString("; if the server uses a private certificate authority, give its certificate as the CA " +
			"certificate (skipping verification with insecure is not recommended)")
	}
	return b.String()
}

func (e *RequestError) Unwrap() error { return e.Err }

func isCertificateError(err error) bool {
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

// jwtLike matches anything that looks like a JWT, or the start of one: its header always encodes to "eyJ".
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*)*`)

// redactor removes secrets from server text before it reaches an error message: servers and proxies sometimes
// echo the request, and with it the auth header.
type redactor struct {
	secrets []string
}

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if s != "" {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

const redacted = "[redacted]"

// clean turns server bytes into a short printable text: valid UTF-8, secrets and tokens redacted, control
// characters dropped, whitespace collapsed, at most limit characters.
func (r *redactor) clean(data []byte, limit int) string {
	if len(data) > maxCleanedBytes {
		data = data[:maxCleanedBytes]
	}
	text := strings.ToValidUTF8(string(data), "")
	for _, secret := range r.secrets {
		text = strings.ReplaceAll(text, secret, redacted)
	}
	text = jwtLike.ReplaceAllLiteralString(text, redacted)

	// Collect one character beyond the limit, to know whether the text was cut.
	out := make([]rune, 0, limit+2)
	pendingSpace := false
	for _, ch := range text {
		if len(out) > limit {
			break
		}
		switch {
		case unicode.IsSpace(ch):
			pendingSpace = len(out) > 0
			continue
		case !unicode.IsPrint(ch): // control and format characters
			continue
		}
		if pendingSpace {
			out = append(out, ' ')
			pendingSpace = false
		}
		out = append(out, ch)
	}
	if len(out) > limit {
		out = append([]rune(strings.TrimRight(string(out[:limit-1]), " ")), '…')
	}
	return string(out)
}
