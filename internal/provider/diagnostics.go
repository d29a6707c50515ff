package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// describeReadError turns a failed read into a diagnostic summary and detail. The client's error says what
// happened (status, page, attempts, the server's message); the advice, what to change, is added here and only here.
// ctx is the read's own context, to tell its timeout from a cancellation and an interrupt; items names what the
// listing holds ("groups", "users"), for the advice that speaks of them.
func describeReadError(ctx context.Context, err error, timeout time.Duration, items string) (summary, detail string) {
	var (
		pastDeadline *kore.WaitPastDeadlineError
		budgetSpent  *kore.BudgetDeadlineError
		lockWait     *kore.LockWaitError
		tooLarge     *kore.AnswerTooLargeError
		protocolErr  *kore.ProtocolError
		notFound     *kore.HostNotFoundError
		pageErr      *kore.PaginationError
		decodeErr    *kore.DecodeError
		apiErr       *kore.APIError
	)
	happened := err.Error()
	switch {
	case errors.Is(context.Cause(ctx), ErrInterrupted):
		if happened == context.Canceled.Error() { // no page or attempt to tell of
			return "Kore.ai Read Cancelled", fmt.Sprintf("read cancelled: %v.", context.Cause(ctx))
		}
		return "Kore.ai Read Cancelled", fmt.Sprintf("read cancelled: %v: %s.", context.Cause(ctx), happened)
	case errors.As(err, &pastDeadline):
		return "Kore.ai Read Would Outlast Its Time Limit", fmt.Sprintf("%s. The whole read must finish within "+
			"timeouts.read (%s): raise it above the wait, or run again later.", happened, timeout)
	case errors.As(err, &budgetSpent):
		return "Kore.ai Request Budget Spent", describeBudgetSpent(happened, budgetSpent, timeout)
	case errors.As(err, &lockWait):
		return "Kore.ai Read Waited for Another Process", fmt.Sprintf("%s. Another provider process on this machine "+
			"reading the same account holds the lock, or one stopped while holding it: let it finish or end it, "+
			"then run again, or raise timeouts.read (%s).", happened, timeout)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		if happened == context.DeadlineExceeded.Error() {
			happened = "the read did not finish in time"
		}
		return "Kore.ai Read Timed Out", fmt.Sprintf("%s. The whole read, retries and waits for the rate limit "+
			"included, must finish within timeouts.read (%s): raise it for a large account, or check that the "+
			"host answers.", happened, timeout)
	case errors.Is(err, context.Canceled):
		return "Kore.ai Read Cancelled", "read cancelled: " + happened + "."
	case kore.IsRateLimited(err):
		return "Kore.ai Rate Limit Reached", happened + ". Kore.ai allows 60 requests a minute and 1,800 an hour " +
			"per account, and the provider keeps every process on this machine that reads the account within " +
			"requests_per_minute and requests_per_hour (default 60 and 1,800): lower them when clients elsewhere " +
			"share the account, or run again later."
	case kore.IsUnauthorized(err):
		return "Kore.ai Refused the Token", happened + ". Check client_id and client_secret (or jwt), and that the " +
			"app was created in the Admin Console with the API scope Profile Management > Role Management (apps " +
			"that enforce JWE or payload encryption are not supported)."
	case errors.As(err, &tooLarge):
		return "Kore.ai Answer Too Large", happened + ". Lower page_size so that each page holds fewer " + items + "; " +
			"if even small pages are this large, host does not point at the Kore.ai API."
	case errors.As(err, &protocolErr):
		return "Kore.ai Answer Is Not HTTP", happened + ". Check that host points at the Kore.ai API, not at " +
			"another service, and that its scheme (https:// or http://) is the one the server speaks."
	case errors.As(err, &notFound):
		return "Kore.ai Host Not Found", happened + ". Check host for a typo, and this machine's DNS settings."
	case errors.As(err, &pageErr):
		return "Kore.ai Returned Inconsistent Pages", happened + ". The read stopped rather than return a " +
			"partial or duplicated list. If the account's " + items + " were changing, run again; if it persists, " +
			"report it with the provider's debug log (TF_LOG=DEBUG)."
	case errors.As(err, &decodeErr):
		return "Kore.ai Sent an Unreadable Answer", happened + ". Check that host points at the Kore.ai " +
			"platform, not at a proxy or a login page."
	case errors.As(err, &apiErr) && apiErr.StatusCode >= http.StatusMultipleChoices && apiErr.StatusCode < http.StatusBadRequest:
		return "Kore.ai API Error", happened + ". The provider never follows redirects (they would carry the " +
			"token elsewhere): set host to the address that serves the API."
	case errors.As(err, &apiErr):
		return "Kore.ai API Error", happened + "."
	case kore.IsCertificateError(err):
		return "Kore.ai Certificate Not Trusted", happened + ". If the server uses a private certificate " +
			"authority, give its certificate in ca_certificate (insecure = true skips verification and is not " +
			"recommended)."
	default:
		return "Cannot Reach Kore.ai", happened + ". Check host and the network path (HTTPS_PROXY, NO_PROXY)."
	}
}

// describeBudgetSpent is the detail of a read stopped because the account's request budget has no room before the
// read's time limit.
func describeBudgetSpent(happened string, spent *kore.BudgetDeadlineError, timeout time.Duration) string {
	limit := "requests_per_minute"
	if spent.Window == "hour" {
		limit = "requests_per_hour"
	}
	shared := ""
	if spent.Shared {
		shared = " Every process on this machine that reads the account shares the budget, so other runs may " +
			"have spent it."
	}
	return fmt.Sprintf("%s. That budget is %s, and the whole read must finish within timeouts.read (%s).%s Raise "+
		"timeouts.read above the wait of %s, or run again later.", happened, limit, timeout, shared,
		spent.Wait.Round(time.Second))
}
