package kore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Each part of an error's text appears exactly when it applies: the first page (0) is named, a page of -1 is not,
// a redirect's target only for a 3xx, the attempts from 1 on.
func TestErrorTextNamesWhatAppliesAndNothingElse(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		want    []string
		notWant []string
	}{
		{name: "an API error on the first page names it",
			err:  &kore.APIError{StatusCode: 500, Page: 0, Endpoint: "bots"},
			want: []string{"HTTP 500 Internal Server Error for bots page 0"}},
		{name: "an API error outside a listing names no page",
			err: &kore.APIError{StatusCode: 500, Page: -1}, notWant: []string{"page"}},
		{name: "an API error after one attempt does not count it",
			err: &kore.APIError{StatusCode: 500, Page: -1, Attempts: 1}, notWant: []string{"attempt"}},
		{name: "an API error with a message and no code shows no code",
			err:     &kore.APIError{StatusCode: 400, Page: -1, Message: "bad offset", BodyBytes: 9},
			want:    []string{": bad offset"},
			notWant: []string{"code", "body"}},
		{name: "an API error with neither message nor body says the body is empty",
			err: &kore.APIError{StatusCode: 404, Page: -1}, want: []string{"HTTP 404 Not Found: an empty body that is not Kore.ai's error answer"}},
		{name: "an API error with a body of one byte and no content type says so",
			err: &kore.APIError{StatusCode: 404, Page: -1, BodyBytes: 1}, want: []string{": a body of 1 byte with no content type"}},
		{name: "an unknown status has no text",
			err: &kore.APIError{StatusCode: 599, Page: -1}, want: []string{"HTTP 599"}, notWant: []string{"HTTP 599 "}},
		{name: "a 300 names where the server points",
			err:  &kore.APIError{StatusCode: 300, Page: -1, Location: "https://elsewhere.example.com/"},
			want: []string{`the server points to "https://elsewhere.example.com/"`}},
		{name: "a 399 names where the server points",
			err:  &kore.APIError{StatusCode: 399, Page: -1, Location: "https://elsewhere.example.com/"},
			want: []string{"the server points to"}},
		{name: "a 400 does not, whatever its Location",
			err: &kore.APIError{StatusCode: 400, Page: -1, Location: "x"}, notWant: []string{"points"}},
		{name: "a 299 does not, whatever its Location",
			err: &kore.APIError{StatusCode: 299, Page: -1, Location: "x"}, notWant: []string{"points"}},
		{name: "a redirect without a Location names no target",
			err: &kore.APIError{StatusCode: 302, Page: -1}, notWant: []string{"points"}},

		{name: "a decode error on the first page names it",
			err:     &kore.DecodeError{StatusCode: 200, Page: 0, Err: errors.New("bad"), Endpoint: "roles"},
			want:    []string{"HTTP 200 for roles page 0 with an empty body that is not a roles page (bad)"},
			notWant: []string{"encrypt"}},
		{name: "a decode error outside a listing names no page",
			err: &kore.DecodeError{StatusCode: 200, Page: -1, Err: errors.New("bad"), Endpoint: "groups"}, notWant: []string{"groups page -1", "page 0"}},
		{name: "a decode error of an answer that may be encrypted says so",
			err: &kore.DecodeError{StatusCode: 200, Page: 1, BodyBytes: 7, Err: errors.New("bad"), Endpoint: "user roles",
				MaybeEncrypted: true},
			want: []string{"with a body of 7 bytes with no content type that is not a user roles page (bad); Kore.ai " +
				"encrypts this endpoint's answers for apps that enforce request and response payload encryption"}},

		{name: "a request error on the first page names it",
			err:  &kore.RequestError{Page: 0, Err: errors.New("refused"), Endpoint: "groups"},
			want: []string{"reading groups page 0 from the Kore.ai API failed: refused"}},
		{name: "a request error outside a listing names no page",
			err:  &kore.RequestError{Page: -1, Err: errors.New("refused")},
			want: []string{"reading from the Kore.ai API failed: refused"}},
		{name: "a request error after one attempt says so in the singular",
			err:  &kore.RequestError{Page: -1, Attempts: 1, Err: context.DeadlineExceeded},
			want: []string{"ran out of time after 1 attempt:"}},
		{name: "a request error after two attempts counts them",
			err:  &kore.RequestError{Page: -1, Attempts: 2, Err: errors.New("reset")},
			want: []string{"failed after 2 attempts: reset"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.err.Error()
			for _, part := range tt.want {
				if !strings.Contains(text, part) {
					t.Errorf("error %q does not say %q", text, part)
				}
			}
			for _, part := range tt.notWant {
				if strings.Contains(text, part) {
					t.Errorf("error %q says %q", text, part)
				}
			}
		})
	}
}

// The limits of answers that are too large are given in MiB, with the size announced when there was one.
func TestAnswerTooLargeErrorSaysWhatWasAnnounced(t *testing.T) {
	announced := &kore.AnswerTooLargeError{Limit: 32 << 20, ContentLength: 0}
	if got := announced.Error(); got != "the answer announces 0 bytes (Content-Length), more than the 32 MiB the client reads" {
		t.Errorf("Error() = %q", got)
	}
	unannounced := &kore.AnswerTooLargeError{Limit: 32 << 20, ContentLength: -1}
	if got := unannounced.Error(); got != "the answer runs past the 32 MiB the client reads" {
		t.Errorf("Error() = %q", got)
	}
}
