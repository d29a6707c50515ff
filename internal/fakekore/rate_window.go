package fakekore

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// WindowLimit refuses, as Kore.ai does per account, any request that would put more than Limit requests into a
// rolling Window ending at its arrival (both ends included, the strictest reading): 429 with Kore.ai's rate-limit message and no Retry-After (Kore.ai documents
// neither). Refused requests do not count against the window. Use its Intercept as Options.Intercept (or in a
// Chain); it is safe for concurrent use.
type WindowLimit struct {
	limit  int
	window time.Duration
	now    func() time.Time
	// Status and Message are the refusal's; NewWindowLimit sets 429 and MsgRateLimited. Kore.ai documents neither
	// the status nor which of its texts a refusal carries.
	Status  int
	Message string

	mu       sync.Mutex
	accepted []time.Time // arrivals of the requests let through within the last window, oldest first
	refused  atomic.Int64
}

// NewWindowLimit allows limit requests in any window; NewWindowLimit(60, time.Minute) is Kore.ai's admin API limit.
func NewWindowLimit(limit int, window time.Duration) *WindowLimit {
	return &WindowLimit{limit: limit, window: window, now: time.Now, Status: http.StatusTooManyRequests,
		Message: MsgRateLimited}
}

// Intercept answers the request with a 429 when the window is full, and otherwise lets it through.
func (l *WindowLimit) Intercept(_ int, w http.ResponseWriter, _ *http.Request) bool {
	if l.admit(l.now()) {
		return false
	}
	l.refused.Add(1)
	WriteError(w, l.Status, l.Message, l.Status)
	return true
}

func (l *WindowLimit) admit(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	first := 0
	for first < len(l.accepted) && l.accepted[first].Before(now.Add(-l.window)) {
		first++
	}
	l.accepted = l.accepted[first:]
	if len(l.accepted) >= l.limit {
		return false
	}
	l.accepted = append(l.accepted, now)
	return true
}

// Refused returns the number of requests answered 429 so far.
func (l *WindowLimit) Refused() int { return int(l.refused.Load()) }
