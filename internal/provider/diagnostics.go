package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// describeReadError turns a failed read into a diagnostic summary and detail. The client's errors already say what
// happened and what to check on the Kore.ai side; this adds what to change in Terraform. ctx is the read's own
// context, to tell its timeout from a cancellation.
func describeReadError(ctx context.Context, err error, timeout time.Duration) (summary, detail string) {
	var pageErr *kore.PaginationError
	var decodeErr *kore.DecodeError
	var apiErr *kore.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "Kore.ai Read Timed Out", fmt.Sprintf("%s. The whole read, retries and waits for the rate limit "+
			"included, must finish within timeouts.read (%s): raise it for a large account, or check that the "+
			"host answers.", err, timeout)
	case errors.Is(err, context.Canceled):
		return "Kore.ai Read Cancelled", err.Error() + "."
	case kore.IsUnauthorized(err):
		return "Kore.ai Refused the Token", err.Error() + "."
	case kore.IsRateLimited(err):
		return "Kore.ai Rate Limit Reached", err.Error() + ". The provider keeps every process on this machine " +
			"that reads the account within requests_per_minute and requests_per_hour (default 60 and 1,800); lower " +
			"them when clients elsewhere share the account, or raise max_retries or timeouts.read."
	case errors.As(err, &pageErr):
		return "Kore.ai Returned Inconsistent Pages", err.Error() + ". The read stopped rather than return a " +
			"partial or duplicated list. If the account's groups were changing, run again; if it persists, report " +
			"it with the provider's debug log (TF_LOG=DEBUG)."
	case errors.As(err, &decodeErr):
		return "Kore.ai Sent an Unreadable Answer", err.Error() + "."
	case errors.As(err, &apiErr):
		return "Kore.ai API Error", err.Error() + "."
	default:
		return "Cannot Reach Kore.ai", err.Error() + ". Check host and the network path (HTTPS_PROXY, NO_PROXY)."
	}
}
