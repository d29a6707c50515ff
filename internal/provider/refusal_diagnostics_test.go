package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Each documented refusal says what to fix and nothing that would send the user the wrong way: a scope refusal
// never points at client_secret, a refusal of the credentials never at a scope.
func TestEachRefusalSaysWhatToFix(t *testing.T) {
	t.Parallel()
	refusal := func(status int, msg string) error {
		return fmt.Errorf("reading: %w", &kore.APIError{StatusCode: status, Code: 4002, Message: msg, Page: 0,
			Endpoint: "groups", Scope: kore.ScopeRoleManagement})
	}
	freesAt := time.Date(2026, 12, 3, 22, 45, 0, 0, time.UTC)
	cases := []struct {
		name, summary string
		subject       listingSubject
		err           error
		inDetail      []string
		notInDetail   []string
	}{
		{name: "credentials of no app of this host's account", subject: groupsListing,
			err: refusal(401, "Invalid SDK credentials"), summary: "Kore.ai Refused the Credentials",
			inDetail:    []string{"client_id and client_secret", "region", "eu-bots.kore.ai", "uae-platform.kore.ai", "on-premises"},
			notInDetail: []string{"scope", "Scope"}},
		{name: "a jwt that is not a JWT", subject: usersListing,
			err: refusal(401, "Invalid JWT token"), summary: "Kore.ai Refused the Token",
			inDetail: []string{"jwt", "not a JWT", "HS256"}, notInDetail: []string{"Scope"}},
		{name: "an app without the scope", subject: rolesListing,
			err: refusal(401, "Permission denied. Scope is incorrect!"), summary: "Kore.ai App Lacks an API Scope",
			inDetail:    []string{"kore_roles", "Profile Management > Role Management", "API Scopes", "credentials are right"},
			notInDetail: []string{"client_secret", "client_id"}},
		{name: "another refusal", subject: botsListing,
			err: refusal(403, "Forbidden"), summary: "Kore.ai Refused the Token",
			inDetail: []string{"client_id", "Profile Management > Role Management"}},
		{name: "the hourly limit", subject: groupsListing,
			err: &kore.HourlyRateLimitError{FreesAt: freesAt, Wait: 40 * time.Minute,
				Err: &kore.APIError{StatusCode: 400, Message: "You've exceeded the hourly rate limit.", Page: 0, Endpoint: "groups"}},
			summary:  "Kore.ai Hourly Rate Limit Reached",
			inDetail: []string{"1,800 requests an hour", "every tool that uses the account", "2026-12-03T22:45:00Z", "timeouts.read", "40m0s"}},
		{name: "an encrypted answer", subject: usersListing,
			err: &kore.DecodeError{StatusCode: 200, Page: 0, Endpoint: "user roles", BodyBytes: 90,
				Err: fmt.Errorf("not a page"), MaybeEncrypted: true},
			summary: "Kore.ai Answer Is Encrypted", inDetail: []string{"payload encryption", "Turn the encryption off"}},
		{name: "pages that still do not add up", subject: groupsListing,
			err:     &kore.PaginationError{Page: 7, Reason: "its total is 1999 groups", Endpoint: "groups"},
			summary: "Kore.ai Returned Inconsistent Pages", inDetail: []string{"allow_inexact_reads = true", "cache_ttl", "quieter moment"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			summary, detail := describeReadError(context.Background(), tc.err, time.Minute, tc.subject)
			if summary != tc.summary {
				t.Errorf("summary %q, want %q (detail %q)", summary, tc.summary, detail)
			}
			for _, want := range tc.inDetail {
				if !strings.Contains(detail, want) {
					t.Errorf("detail %q does not say %q", detail, want)
				}
			}
			for _, unwanted := range tc.notInDetail {
				if strings.Contains(detail, unwanted) {
					t.Errorf("detail %q says %q", detail, unwanted)
				}
			}
		})
	}
}
