package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Kore.ai's rate-limit texts, as its documentation spells them.
const (
	perMinuteText = "You've exceeded the per-minute rate limit. Please wait for sometime before retrying."
	hourlyText    = "You've exceeded the hourly rate limit. Please wait for sometime before retrying."
	olderText     = "Rate limit for this API has been reached. Please try again after some time."
)

// The per-minute and the older text are a rate limit at any error status, in Kore.ai's error answer or in a plain
// body, in any case: the request waits as the account's windows require (the minute of the request just refused,
// not a backoff of a second) and is retried.
func TestThePerMinuteTextsAreARateLimitAtAnyStatus(t *testing.T) {
	bodies := map[string]func(w http.ResponseWriter, status int, text string){
		"the error answer": func(w http.ResponseWriter, status int, text string) { writeAPIError(w, status, 0, text) },
		"a plain body": func(w http.ResponseWriter, status int, text string) {
			w.WriteHeader(status)
			fmt.Fprint(w, "<p>"+strings.ToUpper(text)+"</p>")
		},
	}
	for _, text := range []string{perMinuteText, olderText} {
		for _, status := range []int{400, 403, 429, 500} {
			for bodyName, write := range bodies {
				t.Run(fmt.Sprintf("%.20s/%d/%s", text, status, bodyName), func(t *testing.T) {
					api := newFakeAPI(t, makeGroups(3, 0), 50)
					api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
						if call == 1 {
							write(w, status, text)
							return true
						}
						return false
					}
					waits := &waitRecorder{}
					list, err := newTestClient(t, testConfig(api.start(), waits)).ListGroups(context.Background(), 50)
					if err != nil {
						t.Fatalf("ListGroups: %v", err)
					}
					if len(list.Groups) != 3 || api.calls.Load() != 2 {
						t.Errorf("%d groups in %d requests, want 3 in 2", len(list.Groups), api.calls.Load())
					}
					if got := waits.recorded(); len(got) != 1 || got[0] < 50*time.Second {
						t.Errorf("waits = %v, want one wait for the account's minute", got)
					}
				})
			}
		}
	}
}

// The hourly text spends the account's hour in its budget: the read fails at once with an *HourlyRateLimitError
// saying when the hour frees, and another client of the account (here another directory's process would share
// the record; one process shares it in memory) sends nothing before then.
func TestTheHourlyTextStopsEveryReadOfTheAccount(t *testing.T) {
	for _, status := range []int{400, 403, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			api := newFakeAPI(t, makeGroups(3, 0), 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				writeAPIError(w, status, 0, strings.ToLower(hourlyText))
				return true
			}
			server := api.start()
			waits := &waitRecorder{}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			started := time.Now()
			_, err := newTestClient(t, testConfig(server, waits)).ListGroups(ctx, 50)
			var hourly *kore.HourlyRateLimitError
			if !errors.As(err, &hourly) || !kore.IsRateLimited(err) {
				t.Fatalf("error = %v, want an *HourlyRateLimitError", err)
			}
			if hourly.Wait < 59*time.Minute || hourly.FreesAt.Before(started.Add(59*time.Minute)) {
				t.Errorf("the hour frees in %s at %s, want about an hour from now", hourly.Wait, hourly.FreesAt)
			}
			if !strings.Contains(err.Error(), "the account's hourly rate limit is reached") ||
				!strings.Contains(err.Error(), hourly.FreesAt.UTC().Format(time.RFC3339)) {
				t.Errorf("error %q does not say the hour is spent and when it frees", err)
			}
			if api.calls.Load() != 1 || len(waits.recorded()) != 0 {
				t.Errorf("%d requests, waits %v; want 1 request, no wait", api.calls.Load(), waits.recorded())
			}

			_, err = newTestClient(t, testConfig(server, waits)).ListBots(ctx, 50)
			var deadline *kore.RequestError
			if !errors.As(err, &deadline) || !errors.Is(err, context.DeadlineExceeded) || api.calls.Load() != 1 {
				t.Errorf("another read of the account: %v after %d requests in all, want it refused with no request",
					err, api.calls.Load())
			}
		})
	}
}

// When the read's deadline leaves room for the hour to free, the request waits for it (saying so in the log) and
// is retried. The hour frees one long window after the first request of the read was sent, so the wait ends then
// however long the refused request took.
func TestTheHourlyTextIsWaitedOutWhenTheDeadlineAllows(t *testing.T) {
	api := newFakeAPI(t, makeGroups(3, 0), 50)
	var firstArrived time.Time
	api.respond = func(w http.ResponseWriter, _ *http.Request, call int64, _ int) bool {
		if call == 1 {
			firstArrived = time.Now()
			writeAPIError(w, http.StatusBadRequest, 0, hourlyText)
			return true
		}
		return false
	}
	waits := &waitRecorder{} // the budget itself holds the retry until the hour frees
	logger := &captureLogger{}
	cfg := testConfig(api.start(), waits)
	cfg.Logger = logger
	const hour, margin = time.Second, time.Millisecond
	cfg = kore.WithBudgetWindows(cfg, 500*time.Millisecond, hour, margin)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	started := time.Now()
	list, err := newTestClient(t, cfg).ListGroups(ctx, 50)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if len(list.Groups) != 3 || api.calls.Load() != 2 {
		t.Errorf("%d groups in %d requests, want 3 in 2", len(list.Groups), api.calls.Load())
	}
	// The first request was reserved after started and before it arrived; the wait ends when its hour frees.
	earliest, latest := started.Add(hour+margin), firstArrived.Add(hour+margin+250*time.Millisecond)
	if waitEnds := waits.endsAt(); len(waitEnds) != 1 || waitEnds[0].Before(earliest) || waitEnds[0].After(latest) {
		t.Errorf("waits end at %v, want one wait ending when the hour frees, between %v and %v",
			waits.endsAt(), earliest, latest)
	}
	if !slices.ContainsFunc(logger.all(), func(l string) bool {
		return strings.Contains(l, "waiting until the account's hour frees")
	}) {
		t.Errorf("no log line says the read waits for the hour: %q", logger.all())
	}
}

// Every refusal of the credentials is a 401 with code 4002; only the message tells which it is.
func TestRefusalsAreToldApartByTheirMessage(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   kore.Refusal
	}{
		{401, `{"errors":[{"msg":"Invalid SDK credentials","code":4002}]}`, kore.RefusedCredentials},
		{401, `{"errors":[{"msg":"invalid sdk credentials","code":4002}]}`, kore.RefusedCredentials},
		{401, `{"errors":[{"msg":"Invalid JWT token","code":4002}]}`, kore.RefusedNotAJWT},
		{401, `{"errors":[{"msg":"Permission denied. Scope is incorrect!","code":4002}]}`, kore.RefusedScope},
		{403, `{"errors":[{"msg":"Permission denied. Scope is incorrect!","code":4002}]}`, kore.RefusedScope},
		{401, `{"errors":[{"msg":"Token expired","code":4002}]}`, kore.RefusedOther},
		{401, ``, kore.RefusedOther},
		{403, `{"errors":[{"msg":"` + perMinuteText + `"}]}`, kore.NotRefused},
		{400, `{"errors":[{"msg":"Invalid SDK credentials","code":4002}]}`, kore.NotRefused},
		{404, `{"errors":[{"msg":"Permission denied. Scope is incorrect!"}]}`, kore.NotRefused},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.body), func(t *testing.T) {
			err := fmt.Errorf("reading: %w", kore.NewAPIErrorForTest(tt.status, tt.body))
			if got := kore.RefusalOf(err); got != tt.want {
				t.Errorf("RefusalOf = %d, want %d", got, tt.want)
			}
			if got := kore.IsUnauthorized(err); got != (tt.want != kore.NotRefused) {
				t.Errorf("IsUnauthorized = %t", got)
			}
		})
	}
	if got := kore.RefusalOf(errors.New("not an API error")); got != kore.NotRefused {
		t.Errorf("RefusalOf(another error) = %d", got)
	}
}

// A listing flagged moreAvailable, as other admin APIs spell the flag, is read whole, and its end is where the
// flag says.
func TestAListingFlaggedMoreAvailableIsReadWhole(t *testing.T) {
	api := newFakeAPI(t, nil, 3)
	ids := []string{"g-1", "g-2", "g-3", "g-4", "g-5", "g-6", "g-7"}
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		start, end := min(offset*3, len(ids)), min(offset*3+3, len(ids))
		var items []string
		for _, id := range ids[start:end] {
			items = append(items, fmt.Sprintf(`{"_id":%q,"gN":%q}`, id, id))
		}
		fmt.Fprintf(w, `{"total":7,"moreAvailable":%t,"groups":[%s]}`, end < len(ids), strings.Join(items, ","))
		return true
	}
	list, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 3)
	if err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if got := groupIDs(list.Groups); !slices.Equal(got, ids) || list.Pages != 3 {
		t.Errorf("groups %v in %d pages, want all 7 in 3", got, list.Pages)
	}
}
