package fakekore

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// The faults below return Interceptors for Options.Intercept. Those that act on "the first n requests" count
// the requests that reach them, so in Chain(RateLimited(2, ""), ServerErrors(2, 500)) requests 1-2 are rate
// limited, 3-4 fail with 500 and later ones pass through. Each returned Interceptor keeps its own count:
// make a new one for each Server.

// StuckPaginationTotal is the total that StuckPagination reports.
const StuckPaginationTotal = 1000

// Chain runs the interceptors in order until one answers the request; nil entries are skipped.
func Chain(interceptors ...Interceptor) Interceptor {
	return func(seq int, w http.ResponseWriter, r *http.Request) bool {
		for _, intercept := range interceptors {
			if intercept != nil && intercept(seq, w, r) {
				return true
			}
		}
		return false
	}
}

// FailEverySecond lets odd-numbered requests through and fails even-numbered ones, alternating between 500
// (requests 2, 6, 10, ...) and 429 with Retry-After: 1 (requests 4, 8, 12, ...).
func FailEverySecond() Interceptor {
	return func(seq int, w http.ResponseWriter, _ *http.Request) bool {
		switch {
		case seq%2 == 1:
			return false
		case seq%4 == 2:
			writeStatusError(w, http.StatusInternalServerError)
		default:
			w.Header().Set("Retry-After", "1")
			WriteError(w, http.StatusTooManyRequests, MsgRateLimited, http.StatusTooManyRequests)
		}
		return true
	}
}

// RateLimited answers the first n requests 429 with Kore.ai's rate-limit message, and a Retry-After header
// when retryAfter is not empty (Kore.ai does not document sending one).
func RateLimited(n int, retryAfter string) Interceptor {
	return firstN(n, func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		WriteError(w, http.StatusTooManyRequests, MsgRateLimited, http.StatusTooManyRequests)
	})
}

// RateLimitedText answers the first n requests with status and msg in Kore.ai's error answer, and no
// Retry-After: the documented rate-limit texts (MsgPerMinuteRateLimited, MsgHourlyRateLimited, MsgRateLimited)
// come with no documented status. n < 0 answers every request so.
func RateLimitedText(n, status int, msg string) Interceptor {
	answer := func(w http.ResponseWriter, _ *http.Request) { WriteError(w, status, msg, status) }
	if n < 0 {
		return func(_ int, w http.ResponseWriter, r *http.Request) bool {
			answer(w, r)
			return true
		}
	}
	return firstN(n, answer)
}

// MissingScope refuses every request for path as Kore.ai refuses an app without the endpoint's API scope: 401
// "Permission denied. Scope is incorrect!" with code 4002.
func MissingScope(path string) Interceptor {
	return func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != path {
			return false
		}
		WriteError(w, http.StatusUnauthorized, MsgScopeIncorrect, CodeInvalidToken)
		return true
	}
}

// ServerErrors answers the first n requests with status and an errors body naming it.
func ServerErrors(n int, status int) Interceptor {
	return firstN(n, func(w http.ResponseWriter, _ *http.Request) {
		writeStatusError(w, status)
	})
}

// DropConnections closes the connection of the first n requests without sending any response.
func DropConnections(n int) Interceptor {
	return firstN(n, func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			// Connections that cannot be hijacked (HTTP/2) are aborted by net/http on this panic instead.
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close() // closing is the fault; an error here changes nothing for the client
	})
}

// StallBody sends, for the first n requests, a 200 with headers announcing a full page and only half of its
// body, then stalls for d or until the client leaves or the server closes. The connection is then closed, so
// a client that waits sees a truncated body rather than valid JSON.
func StallBody(n int, d time.Duration) Interceptor {
	body := stalledPage()
	return firstN(n, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		_ = http.NewResponseController(w).Flush() // without the flush the half body would sit in a buffer
		wait(r.Context(), d)
	})
}

// InvalidJSON answers every request 200, claiming application/json, with an HTML page such as a proxy or
// login portal would send.
func InvalidJSON() Interceptor {
	body := []byte("<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>" +
		"<body><h1>The service is temporarily unavailable.</h1></body></html>\n")
	return func(_ int, w http.ResponseWriter, _ *http.Request) bool {
		writeJSON(w, http.StatusOK, body)
		return true
	}
}

// StuckPagination answers every request 200 with no items (under the items key of the path asked, "groups"
// elsewhere), availableMore true and a total of StuckPaginationTotal, whatever the offset: a page walk that
// trusts availableMore never ends.
func StuckPagination() Interceptor {
	return func(_ int, w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, http.StatusOK, encodeListing(listingKey(r.URL.Path), StuckPaginationTotal, true, nil))
		return true
	}
}

// OversizedPage answers every request 200 with limit+1 items of the listing asked (groups elsewhere; limit
// from the request, 50 when absent or unusable), total limit+1 and availableMore false: more than the client
// asked for.
func OversizedPage() Interceptor {
	return func(_ int, w http.ResponseWriter, r *http.Request) bool {
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || limit < 1 || limit > maxOversizedLimit {
			limit = DefaultMaxPageSize
		}
		items := generatedItems(r, limit+1)
		writeJSON(w, http.StatusOK, encodeListing(listingKey(r.URL.Path), len(items), false, items))
		return true
	}
}

// maxOversizedLimit bounds the page OversizedPage builds when a client asks for an absurd limit.
const maxOversizedLimit = 1000

// Unauthorized answers every request 401 with {"errors":[{"msg":msg,"code":4002}]}.
func Unauthorized(msg string) Interceptor {
	return func(_ int, w http.ResponseWriter, _ *http.Request) bool {
		WriteError(w, http.StatusUnauthorized, msg, CodeInvalidToken)
		return true
	}
}

// firstN answers the first n requests that reach it with answer and lets the rest through.
func firstN(n int, answer func(http.ResponseWriter, *http.Request)) Interceptor {
	var reached atomic.Int64
	return func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if reached.Add(1) > int64(n) {
			return false
		}
		answer(w, r)
		return true
	}
}

func writeStatusError(w http.ResponseWriter, status int) {
	msg := http.StatusText(status)
	if msg == "" {
		msg = "Error"
	}
	WriteError(w, status, msg, status)
}

// stalledPage is a complete one-group page, of which StallBody sends the first half.
func stalledPage() []byte {
	groups := GenerateGroups(1, 2)
	return encodePage(1, false, [][]byte{mustMarshal(&groups[0])})
}
