package kore_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// A request that fails after its retries does not empty the client's connection pool (retryablehttp closes the
// idle connections of its HTTP client when it gives up, which the client's own transport does not pass on): the
// next request reuses the connection.
func TestAFailedRequestKeepsTheConnectionPool(t *testing.T) {
	var calls, connections atomic.Int64
	server := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= 2 {
			writeAPIError(w, http.StatusInternalServerError, 500, "down")
			return
		}
		writeJSON(w, http.StatusOK, groupsPageJSON{Total: 0, AvailableMore: false, Groups: nil})
	}))
	server.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			connections.Add(1)
		}
	}
	server.Start()
	t.Cleanup(server.Close)
	cfg := testConfig(server, &waitRecorder{})
	cfg.MaxRetries = 1
	client := newTestClient(t, cfg)

	if _, err := client.ListBots(context.Background(), 50); err == nil {
		t.Fatal("the read of two failing answers succeeded")
	}
	if _, err := client.ListGroups(context.Background(), 50); err != nil {
		t.Fatalf("ListGroups: %v", err)
	}
	if n := connections.Load(); n != 1 {
		t.Errorf("%d connections for 3 requests, want 1: the failed request emptied the pool", n)
	}
}
