package kore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A backoff whose floor and ceiling are equal waits exactly that long before every retry: the range is taken as
// given, not widened to the default ceiling.
func TestABackoffRangeOfOneValueWaitsExactlyThat(t *testing.T) {
	api := newFakeAPI(t, makeGroups(1, 0), 50)
	api.respond = failFirst(status(503), status(503), status(503))
	server := api.start()
	waits := &waitRecorder{}
	client := newTestClient(t, kore.WithBackoff(testConfig(server, waits), 5*time.Millisecond, 5*time.Millisecond))

	if _, err := client.ListGroups(context.Background(), 50); err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	recorded := waits.recorded()
	if len(recorded) != 3 {
		t.Fatalf("waits = %v, want 3", recorded)
	}
	for _, wait := range recorded {
		if wait != 5*time.Millisecond {
			t.Errorf("waits = %v, want 5ms each", recorded)
			break
		}
	}
}

// StateDirError says why a cache directory that was given cannot be used, and nothing when none was given.
func TestStateDirErrorReportsAnUnusableDirectoryOnly(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		dir      string
		unusable bool
	}{
		{name: "no directory", dir: ""},
		{name: "a usable directory", dir: t.TempDir()},
		{name: "a file where the directory should be", dir: notADir, unusable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, err := kore.New(kore.Config{Host: "https://kore.example.com", JWT: "token of " + t.Name(),
				CacheDir: tt.dir})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := client.StateDirError() != nil; got != tt.unusable {
				t.Errorf("StateDirError() = %v, want an error: %v", client.StateDirError(), tt.unusable)
			}
		})
	}
}

// Only a 3xx answer keeps its Location, the first (300) and the last (399) of the range included.
func TestOnlyRedirectAnswersKeepTheirLocation(t *testing.T) {
	for _, tt := range []struct {
		status   int
		location string
	}{
		{status: 300, location: "https://elsewhere.example.com/"},
		{status: 399, location: "https://elsewhere.example.com/"},
		{status: 400, location: ""},
	} {
		t.Run(fmt.Sprintf("HTTP %d", tt.status), func(t *testing.T) {
			api := newFakeAPI(t, nil, 50)
			api.respond = func(w http.ResponseWriter, _ *http.Request, _ int64, _ int) bool {
				w.Header().Set("Location", "https://elsewhere.example.com/")
				w.WriteHeader(tt.status)
				return true
			}
			client := newTestClient(t, testConfig(api.start(), nil))
			_, err := client.ListGroups(context.Background(), 50)
			var apiErr *kore.APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || apiErr.Location != tt.location {
				t.Errorf("error = %v, want an APIError of HTTP %d with Location %q", err, tt.status, tt.location)
			}
		})
	}
}
