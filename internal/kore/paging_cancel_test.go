package kore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// cancelOnLog cancels a context when the client logs msg, so that a test can end a read between two steps of it.
type cancelOnLog struct {
	msg    string
	cancel context.CancelFunc
}

func (l cancelOnLog) Debug(_ context.Context, msg string, _ map[string]any) {
	if msg == l.msg {
		l.cancel()
	}
}

func (l cancelOnLog) Warn(context.Context, string, map[string]any) {}

// A read canceled once page 0 and the probe at offset=1 are in, before any other page started, ends with the
// cancellation and names no page: none was being read.
func TestAReadCanceledBetweenPagesSaysItWasCanceled(t *testing.T) {
	server := newListingServer(t, endpoints[3], 12)
	server.records = true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := testConfig(server.start(), nil)
	cfg.Logger = cancelOnLog{msg: "Kore.ai offset meaning found", cancel: cancel}
	client := newTestClient(t, cfg)

	_, err := client.ListBots(ctx, 5)
	var requestErr *kore.RequestError
	if !errors.As(err, &requestErr) || requestErr.Page != -1 || !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %#v (%v), want a canceled *RequestError naming no page", err, err)
	}
	if got, want := err.Error(), "reading from the Kore.ai API was canceled: context canceled"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if got := server.requestedOffsets(); len(got) != 2 {
		t.Errorf("offsets requested = %v, want page 0 and the probe only", got)
	}
}
