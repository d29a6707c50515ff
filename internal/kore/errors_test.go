package kore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestServerTextIsCleanedBeforeItIsShown(t *testing.T) {
	const secret = "my-client-secret"
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "whitespace runs collapse to one space", in: "  a\r\n\t b  \n", want: "a b"},
		{name: "control and format characters are dropped", in: "a\x00b\x1b[0mc\u200bd\u0085e", want: "ab[0mcd e"},
		{name: "invalid UTF-8 is dropped", in: "caf\xc3\xa9 \xff\xfeok", want: "café ok"},
		{name: "the client secret is redacted", in: "secret=" + secret + ";", want: "secret=[redacted];"},
		{name: "a JWT is redacted", in: `{"auth":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`, want: `{"auth":"[redacted]"}`},
		{name: "the start of a cut-off JWT is redacted", in: "token eyJhbGciOiJIUz", want: "token [redacted]"},
		{name: "text at the limit is kept whole", in: strings.Repeat("x", 200), want: strings.Repeat("x", 200)},
		{name: "longer text is cut to the limit with an ellipsis", in: strings.Repeat("x", 500), want: strings.Repeat("x", 199) + "…"},
		{name: "the limit counts characters, not bytes", in: strings.Repeat("é", 300), want: strings.Repeat("é", 199) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := kore.CleanServerText([]byte(tt.in), 200, secret)
			if got != tt.want {
				t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if !utf8.ValidString(got) || utf8.RuneCountInString(got) > 200 {
				t.Errorf("clean(%q) = %q: not valid UTF-8 or longer than 200 characters", tt.in, got)
			}
		})
	}
}

func TestErrorClassification(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("reading groups: %w", err) }
	rateLimitMsg := "Rate limit for this API has been reached. Please try again after some time."
	tests := []struct {
		name             string
		err              error
		wantUnauthorized bool
		wantRateLimited  bool
	}{
		{name: "401 is unauthorized", err: &kore.APIError{StatusCode: 401}, wantUnauthorized: true},
		{name: "403 is unauthorized", err: &kore.APIError{StatusCode: 403}, wantUnauthorized: true},
		{name: "a wrapped 401 is unauthorized", err: wrap(&kore.APIError{StatusCode: 401}), wantUnauthorized: true},
		{name: "429 is rate limited", err: kore.NewAPIErrorForTest(429, ""), wantRateLimited: true},
		{name: "the rate-limit message with another status is rate limited",
			err: kore.NewAPIErrorForTest(400, `{"errors":[{"msg":"`+rateLimitMsg+`"}]}`), wantRateLimited: true},
		{name: "the rate-limit message in capitals is rate limited",
			err: wrap(kore.NewAPIErrorForTest(503, strings.ToUpper(rateLimitMsg))), wantRateLimited: true},
		{name: "404 is neither", err: &kore.APIError{StatusCode: 404}},
		{name: "a pagination error is neither", err: &kore.PaginationError{Page: 1, Reason: "x"}},
		{name: "a context error is neither", err: context.Canceled},
		{name: "nil is neither", err: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kore.IsUnauthorized(tt.err); got != tt.wantUnauthorized {
				t.Errorf("IsUnauthorized = %v, want %v", got, tt.wantUnauthorized)
			}
			if got := kore.IsRateLimited(tt.err); got != tt.wantRateLimited {
				t.Errorf("IsRateLimited = %v, want %v", got, tt.wantRateLimited)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{
			name: "an API error shows status, page, message, code and attempts",
			err:  &kore.APIError{StatusCode: 401, Code: 4002, Message: "Invalid JWT token", Page: 3, Attempts: 2, Endpoint: "groups"},
			want: []string{"HTTP 401 Unauthorized", "groups page 3", "Invalid JWT token (code 4002)", "after 2 attempts"},
		},
		{
			name: "an API error without a message names the body's size and type",
			err:  &kore.APIError{StatusCode: 502, BodyBytes: 24, ContentType: "text/html", Page: -1, Attempts: 1},
			want: []string{"HTTP 502 Bad Gateway", `a body of 24 bytes of content type "text/html" that is not Kore.ai's error answer`},
		},
		{
			name: "a rate-limited answer says how many attempts it took",
			err:  &kore.APIError{StatusCode: 429, Page: 0, Attempts: 6},
			want: []string{"HTTP 429", "after 6 attempts"},
		},
		{
			name: "a decode error shows the status and the body's size and type",
			err: &kore.DecodeError{StatusCode: 200, Page: 1, BodyBytes: 6, ContentType: "text/html", Endpoint: "groups",
				Err: errors.New("invalid character '<'")},
			want: []string{"HTTP 200", "groups page 1", "not a groups page", `a body of 6 bytes of content type "text/html"`},
		},
		{
			name: "a request error says the context ended",
			err:  &kore.RequestError{Page: 2, Attempts: 1, Err: context.Canceled, Endpoint: "groups"},
			want: []string{"groups page 2", "was canceled"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, part := range tt.want {
				if !strings.Contains(tt.err.Error(), part) {
					t.Errorf("error %q does not say %q", tt.err, part)
				}
			}
		})
	}
}

func TestJitteredBackoffStaysInItsDoublingRange(t *testing.T) {
	for retry, ceiling := range map[int]time.Duration{1: 2 * time.Second, 2: 4 * time.Second, 3: 8 * time.Second,
		5: 30 * time.Second, 40: 30 * time.Second} {
		t.Run(fmt.Sprintf("retry %d waits from 1s to %s", retry, ceiling), func(t *testing.T) {
			spread := map[time.Duration]bool{}
			for range 200 {
				wait := kore.JitteredBackoff(time.Second, 30*time.Second, retry)
				if wait < time.Second || wait > ceiling {
					t.Fatalf("wait = %s, want from 1s to %s", wait, ceiling)
				}
				spread[wait] = true
			}
			if len(spread) < 2 {
				t.Error("every wait was the same: no jitter")
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{name: "delta seconds", value: "2", want: 2 * time.Second, wantOK: true},
		{name: "zero seconds means no wait from the server", value: "0"},
		{name: "an HTTP date in the future", value: "Sun, 01 Jun 2025 12:00:07 GMT", want: 7 * time.Second, wantOK: true},
		{name: "an HTTP date in the past means no wait from the server", value: "Sun, 01 Jun 2025 11:00:00 GMT"},
		{name: "the present means no wait from the server", value: "Sun, 01 Jun 2025 12:00:00 GMT"},
		{name: "an RFC 850 date", value: "Sunday, 01-Jun-25 12:00:30 GMT", want: 30 * time.Second, wantOK: true},
		{name: "a wait beyond an hour is capped at an hour", value: "86400", want: time.Hour, wantOK: true},
		{name: "a huge number is capped, not overflowed", value: "99999999999999999999", want: time.Hour, wantOK: true},
		{name: "a negative number is ignored", value: "-5"},
		{name: "words are ignored", value: "later"},
		{name: "empty is ignored", value: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := kore.ParseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
