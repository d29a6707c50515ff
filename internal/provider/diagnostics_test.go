package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Each kind of failure gets its own summary, and the detail of a timeout names the limit that ran out.
func TestDescribeReadError(t *testing.T) {
	t.Parallel()
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	live := context.Background()

	cases := []struct {
		name     string
		ctx      context.Context
		err      error
		summary  string
		inDetail []string
	}{
		{"the read's deadline passed", live, fmt.Errorf("reading groups page 3: %w", context.DeadlineExceeded),
			"Kore.ai Read Timed Out", []string{"timeouts.read (1m30s)", "page 3"}},
		{"the read's context expired while the client reported something else", expired, errors.New("connection reset"),
			"Kore.ai Read Timed Out", []string{"timeouts.read (1m30s)", "connection reset"}},
		{"Terraform cancelled the run", cancelled, fmt.Errorf("reading: %w", context.Canceled),
			"Kore.ai Read Cancelled", nil},
		{"a 429 after the retries", live, &kore.APIError{StatusCode: http.StatusTooManyRequests, Page: 0, Attempts: 3},
			"Kore.ai Rate Limit Reached", []string{"HTTP 429", "requests_per_minute"}},
		{"Kore.ai's rate-limit message under another status", live, &kore.APIError{StatusCode: http.StatusBadRequest,
			Message: "Rate limit for this API has been reached. Please try again after some time.", Page: 0},
			"Kore.ai Rate Limit Reached", []string{"requests_per_minute"}},
		{"a refused token", live, &kore.APIError{StatusCode: http.StatusUnauthorized, Page: 0},
			"Kore.ai Refused the Token", []string{"HTTP 401"}},
		{"another API error", live, &kore.APIError{StatusCode: http.StatusNotFound, Page: 0},
			"Kore.ai API Error", []string{"HTTP 404"}},
		{"no answer at all", live, errors.New("dial tcp 127.0.0.1:1: connect: connection refused"),
			"Cannot Reach Kore.ai", []string{"connection refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := describeReadError(tc.ctx, tc.err, 90*time.Second, groupsListing)
			if summary != tc.summary {
				t.Errorf("summary %q, want %q (detail %q)", summary, tc.summary, detail)
			}
			for _, want := range tc.inDetail {
				if !strings.Contains(detail, want) {
					t.Errorf("detail %q does not say %q", detail, want)
				}
			}
		})
	}
}

// Advice that speaks of the listing's items names the listing read, not groups whatever was read.
func TestDescribeReadErrorNamesTheListing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"pages that do not add up", &kore.PaginationError{Page: 2, Reason: "a short page", Endpoint: "user roles"},
			"If the account's users were changing"},
		{"an answer too large", &kore.RequestError{Page: 1, Attempts: 1, Endpoint: "user roles",
			Err: &kore.AnswerTooLargeError{Limit: kore.MaxAnswerBytes, ContentLength: -1}},
			"each page holds fewer users"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, detail := describeReadError(context.Background(), tc.err, time.Minute, usersListing)
			if !strings.Contains(detail, tc.want) || strings.Contains(detail, "groups") {
				t.Errorf("detail %q: want it to say %q and never groups", detail, tc.want)
			}
		})
	}
}

// A read cut short by a signal says so, and names the page it was reading when the client says which.
func TestDescribeReadErrorAfterAnInterrupt(t *testing.T) {
	t.Parallel()
	interrupted, cancel := context.WithCancelCause(context.Background())
	cancel(fmt.Errorf("%w (interrupt)", ErrInterrupted))

	cases := []struct {
		name, err, detail string
	}{
		{"nothing more to tell than the cancellation", context.Canceled.Error(),
			"read cancelled: the provider received an interrupt (interrupt)."},
		{"the client names the page", "reading groups page 3: context canceled",
			"read cancelled: the provider received an interrupt (interrupt): reading groups page 3: context canceled."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := describeReadError(interrupted, errors.New(tc.err), time.Minute, groupsListing)
			if summary != "Kore.ai Read Cancelled" || detail != tc.detail {
				t.Errorf("%q: %q, want \"Kore.ai Read Cancelled\": %q", summary, detail, tc.detail)
			}
		})
	}
}
