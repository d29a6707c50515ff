package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// adminConsoleGuidance is what a user needs when Kore.ai refuses the token: the usual cause is an app made in the
// wrong place or with the wrong scope.
const adminConsoleGuidance = "The Get Groups API accepts only tokens of an app created in the Kore.ai Admin Console " +
	"(Security & Control > API Scopes > Manage Apps) whose scope includes Profile Management > Role Management; " +
	"apps created in the bot builder are refused. Check that client_id and client_secret (or jwt) belong to such an " +
	"app of this account and host. Apps with \"Enforce JWE\" or JWT payload encryption switched on are not " +
	"supported: switch those options off for this app."

// describeReadError turns a failed read into a diagnostic summary and a detail that says what happened and what to
// do next. ctx is the read's own context, to tell its timeout from a cancellation.
func describeReadError(ctx context.Context, err error, timeout time.Duration) (summary, detail string) {
	var apiErr *kore.APIError
	var pageErr *kore.PaginationError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "Kore.ai Read Timed Out", fmt.Sprintf("Reading the groups did not finish within timeouts.read (%s), "+
			"retries and rate-limit waits included: %s. Raise timeouts.read for a large account, or check that the "+
			"host answers.", timeout, err)
	case errors.Is(err, context.Canceled):
		return "Kore.ai Read Cancelled", "The read was cancelled before it finished: " + err.Error()
	case kore.IsUnauthorized(err):
		return "Kore.ai Refused the Token", err.Error() + ". " + adminConsoleGuidance
	case kore.IsRateLimited(err):
		return "Kore.ai Rate Limit Reached", err.Error() + ". Kore.ai allows 60 requests a minute and 1,800 an hour " +
			"per account, shared with every other client of the account. Lower requests_per_minute so that the " +
			"provider waits on its own, raise max_retries or timeouts.read, or run again later."
	case errors.As(err, &pageErr):
		return "Kore.ai Returned Inconsistent Pages", err.Error() + ". The read stopped instead of returning a " +
			"partial list. If the account's groups were changing, run again; if it persists, report it with the " +
			"provider's debug log (TF_LOG=DEBUG)."
	case errors.As(err, &apiErr):
		return "Kore.ai API Error", err.Error()
	default:
		return "Cannot Read Kore.ai Groups", err.Error() + ". Check host, the network path (HTTPS_PROXY, NO_PROXY) " +
			"and, for an on-premises host with a private CA, ca_certificate."
	}
}
