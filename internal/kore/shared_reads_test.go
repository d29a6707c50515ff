package kore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// stallPage makes every request for one page hang until the client gives up on it.
func stallPage(page int) func(http.ResponseWriter, *http.Request, int64, int) bool {
	return func(_ http.ResponseWriter, r *http.Request, _ int64, offset int) bool {
		if offset != page {
			return false
		}
		<-r.Context().Done()
		return true
	}
}

func TestATimedOutReadNamesThePageAndTheAttempts(t *testing.T) {
	api := newFakeAPI(t, makeGroups(20, 1), 5)
	api.respond = stallPage(2)
	client := newTestClient(t, testConfig(api.start(), nil))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()

	_, err := client.ListGroups(ctx, 5)
	var requestErr *kore.RequestError
	if !errors.As(err, &requestErr) || requestErr.Page != 2 || requestErr.Attempts != 1 {
		t.Fatalf("error = %#v (%v), want a *RequestError for page 2 after 1 attempt", err, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("errors.Is(%v, context.DeadlineExceeded) = false", err)
	}
	for _, part := range []string{"groups page 2", "ran out of time", "after 1 attempt"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not say %q", err, part)
		}
	}
}

func TestACallerWhoJoinedAReadThatOutlastsItsDeadlineSaysSo(t *testing.T) {
	api := newFakeAPI(t, makeGroups(20, 1), 5)
	release := make(chan struct{})
	api.respond = func(http.ResponseWriter, *http.Request, int64, int) bool {
		<-release
		return false
	}
	joined := make(chan struct{}, 2)
	client := newTestClient(t, kore.WithFlightJoinedHook(testConfig(api.start(), nil), func() { joined <- struct{}{} }))

	leader := make(chan error, 1)
	go func() {
		_, err := client.ListGroups(context.Background(), 5)
		leader <- err
	}()
	<-joined
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := client.ListGroups(ctx, 5)
	close(release)

	if !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "waiting for a read of groups that another caller started, which had not finished") {
		t.Errorf("joiner's error = %v, want one saying the read it joined had not finished", err)
	}
	if err := <-leader; err != nil {
		t.Errorf("the caller who started the read: %v", err)
	}
}
