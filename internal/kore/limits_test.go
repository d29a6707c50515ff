package kore_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

func TestInvalidUTF8IsADecodeErrorNamingThePageAndTheByte(t *testing.T) {
	const body = `{"total":2,"availableMore":false,"groups":[{"_id":"g-1","gN":"Caf` + "\xe9" + ` team"}]}`
	api := newFakeAPI(t, makeGroups(2, 0), 1)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, offset int) bool {
		if offset != 1 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
		return true
	}
	client := newTestClient(t, testConfig(api.start(), nil))

	_, err := client.ListGroups(context.Background(), 1)
	var decodeErr *kore.DecodeError
	if !errors.As(err, &decodeErr) || decodeErr.Page != 1 || decodeErr.BodyBytes != len(body) {
		t.Fatalf("error = %v, want a *DecodeError for page 1 that gives the body's size", err)
	}
	at := strings.IndexByte(body, 0xe9)
	if want := "invalid UTF-8 at byte " + strconv.Itoa(at); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if strings.Contains(err.Error(), "Caf") || strings.Contains(err.Error(), "team") {
		t.Errorf("error %q quotes the body", err)
	}
}

func TestTotalsNearTheLargestIntegerNeitherOverflowNorRunOn(t *testing.T) {
	tests := []struct {
		name      string
		total     string
		more      bool
		wantCalls int64
		want      string
	}{
		{name: "the largest int with more pages is refused at once", total: strconv.Itoa(math.MaxInt), more: true,
			wantCalls: 1, want: "would take more than 200000 pages"},
		{name: "the largest int on the only page is fewer groups than the total", total: strconv.Itoa(math.MaxInt),
			wantCalls: 2, want: "its total is 9223372036854775807 groups, but the pages held 1"},
		{name: "a total past the largest int is not a page", total: "9223372036854775808", wantCalls: 1,
			want: `cannot unmarshal a JSON number into int in the field "total"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := serveRaw(t, func(int64) string {
				return `{"total":` + tt.total + `,"availableMore":` + strconv.FormatBool(tt.more) +
					`,"groups":[{"_id":"g-1","gN":"A"}]}`
			})
			_, err := newTestClient(t, testConfig(api.start(), nil)).ListGroups(context.Background(), 1)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one saying %q", err, tt.want)
			}
			if api.calls.Load() != tt.wantCalls {
				t.Errorf("requests = %d, want %d", api.calls.Load(), tt.wantCalls)
			}
		})
	}
}

func TestARetryAfterFarInTheFutureIsCappedAndStillCancellable(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, value := range []string{"Fri, 31 Dec 9999 23:59:59 GMT", "18446744073709551616", strconv.Itoa(math.MaxInt)} {
		if got, ok := kore.ParseRetryAfter(value, now); got != time.Hour || !ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want the cap of 1h", value, got, ok)
		}
	}

	// Without a deadline, the hour is waited for real: a cancellation still ends it at once.
	answered := make(chan struct{}, 1)
	api := newFakeAPI(t, nil, 50)
	api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
		w.Header().Set("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")
		writeAPIError(w, http.StatusServiceUnavailable, 503, "down for maintenance")
		answered <- struct{}{}
		return true
	}
	client := newTestClient(t, testConfig(api.start(), nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := client.ListGroups(ctx, 50)
		done <- err
	}()
	<-answered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want the cancellation", err)
	}
	if api.calls.Load() != 1 {
		t.Errorf("requests = %d, want 1", api.calls.Load())
	}
}
