package fakekore

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestWindowLimitRefusesWhatWouldOverfillAnyRollingWindow(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	now := start
	l := NewWindowLimit(2, time.Minute)
	l.now = func() time.Time { return now }
	ask := func(at time.Duration) int {
		now = start.Add(at)
		rec := httptest.NewRecorder()
		if !l.Intercept(0, rec, httptest.NewRequest(http.MethodGet, GroupsPath, nil)) {
			return http.StatusOK
		}
		if rec.Header().Get("Retry-After") != "" {
			t.Errorf("a refusal sent Retry-After %q", rec.Header().Get("Retry-After"))
		}
		return rec.Code
	}
	for _, step := range []struct {
		at   time.Duration
		want int
	}{
		{0, 200}, {10 * time.Second, 200},
		{59 * time.Second, 429}, // two in the minute already
		{60 * time.Second, 429}, // the request at 0 is exactly a minute old: still in a window ending now
		{60*time.Second + 1, 200},
		{69 * time.Second, 429},
		{70*time.Second + 1, 200},
	} {
		if got := ask(step.at); got != step.want {
			t.Errorf("request at %s: %d, want %d", step.at, got, step.want)
		}
	}
	if l.Refused() != 3 {
		t.Errorf("Refused = %d, want 3", l.Refused())
	}
}
