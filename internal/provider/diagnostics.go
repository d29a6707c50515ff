package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// listingSubject names what a read is about in its diagnostics: the listing's items as in "Kore.ai Groups May Be
// Inexact" and in advice ("groups"), and the data sources that read it, for refusals that name them.
type listingSubject struct {
	title       string // "Groups"
	dataSources string // "kore_groups and kore_group"
}

// The listings the data sources read.
var (
	groupsListing = listingSubject{title: "Groups", dataSources: "kore_groups and kore_group"}
	usersListing  = listingSubject{title: "Users", dataSources: "kore_users"}
	rolesListing  = listingSubject{title: "Roles", dataSources: "kore_roles"}
	botsListing   = listingSubject{title: "Bots", dataSources: "kore_bots"}
)

// items is what the listing holds, for the advice that speaks of them.
func (s listingSubject) items() string { return strings.ToLower(s.title) }

// regionalHosts lists the hosts Kore.ai serves accounts from, for the advice on credentials that match no app.
const regionalHosts = "bots.kore.ai or platform.kore.ai (US), eu-bots.kore.ai or eu-platform.kore.ai (London), " +
	"de-bots.kore.ai or de-platform.kore.ai (Frankfurt), au-bots.kore.ai or au-platform.kore.ai (Sydney), " +
	"jp-bots.kore.ai or jp-platform.kore.ai (Tokyo), ind-bots.kore.ai or ind-platform.kore.ai (India), " +
	"uae-platform.kore.ai (UAE), or an on-premises install's own domain"

// describeReadError turns a failed read into a diagnostic summary and detail. The client's error says what
// happened (status, page, attempts, the server's message); the advice, what to change, is added here and only here.
// ctx is the read's own context, to tell its timeout from a cancellation and an interrupt; subject names the
// listing and its data sources, for the advice that speaks of them.
func describeReadError(ctx context.Context, err error, timeout time.Duration, subject listingSubject) (summary, detail string) {
	items := subject.items()
	var (
		hourly       *kore.HourlyRateLimitError
		tooMany      *kore.TooManyItemsError
		apiForScope  *kore.APIError
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
	case errors.As(err, &hourly):
		return "Kore.ai Hourly Rate Limit Reached", fmt.Sprintf("%s. Kore.ai allows %s requests an hour per account, "+
			"and they are spent: every tool that uses the account (other Terraform runs and pipelines, scripts, "+
			"other machines) shares them. The provider sends nothing more for the account from this machine until "+
			"%s. Run again after that, or set timeouts.read longer than the wait (%s) to let the read wait for it.",
			happened, "1,800", hourly.FreesAt.UTC().Format(time.RFC3339), hourly.Wait.Round(time.Minute))
	case errors.As(err, &tooMany):
		return "Kore.ai Range Too Large", fmt.Sprintf("%s. The read stopped after its first page, before state "+
			"grew. Narrow the range (from, to), or raise max_entries if the state may hold that many.", happened)
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
	case kore.RefusalOf(err) == kore.RefusedCredentials:
		return "Kore.ai Refused the Credentials", happened + ". The client_id and client_secret (or jwt) match no " +
			"app of the account that host serves. Check them (KORE_CLIENT_ID, KORE_CLIENT_SECRET, KORE_JWT), and " +
			"check that host is the account's own region: an app's credentials work only on the host of its " +
			"account's region, one of " + regionalHosts + "."
	case kore.RefusalOf(err) == kore.RefusedNotAJWT:
		return "Kore.ai Refused the Token", happened + ". Kore.ai did not read the auth header as a JWT. With jwt " +
			"(or KORE_JWT) set, that value is not a JWT: give an HS256 JSON Web Token signed with the app's client " +
			"secret, or give client_id and client_secret and let the provider sign one. With client_id and " +
			"client_secret the provider signs the token itself, so host is probably not the Kore.ai API."
	case kore.RefusalOf(err) == kore.RefusedScope && errors.As(err, &apiForScope) && apiForScope.Scope != "":
		return "Kore.ai App Lacks an API Scope", fmt.Sprintf("%s. The credentials are right, but the app lacks the "+
			"API scope that %s needs: %s. Enable it for the app in the Kore.ai Admin Console under API Scopes, then "+
			"run again.", happened, subject.dataSources, apiForScope.Scope)
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
			"partial or duplicated list. If the account's " + items + " were changing while they were read, " +
			"read at a quieter moment; set cache_ttl so that every block and run shares one read; or set " +
			"allow_inexact_reads = true to accept such a read with warnings. If it persists on a quiet account, " +
			"report it with the provider's debug log (TF_LOG=DEBUG)."
	case errors.As(err, &decodeErr) && decodeErr.MaybeEncrypted:
		return "Kore.ai Answer Is Encrypted", happened + ". The app probably enforces request and response " +
			"payload encryption (Admin Console > API Scopes, the app's settings), which Kore.ai applies to this " +
			"endpoint; the provider cannot read encrypted answers. Turn the encryption off for the app, or use an " +
			"app without it."
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
	switch {
	case spent.InRedis:
		shared = " Every process on every machine that reads the account through the same Redis (redis_url) " +
			"shares the budget, so other runs may have spent it."
	case spent.Shared:
		shared = " Every process on this machine that reads the account shares the budget, so other runs may " +
			"have spent it."
	}
	return fmt.Sprintf("%s. That budget is %s, and the whole read must finish within timeouts.read (%s).%s Raise "+
		"timeouts.read above the wait of %s, or run again later.", happened, limit, timeout, shared,
		spent.Wait.Round(time.Second))
}
