//go:build unix

package provider

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"
)

// A real signal to the process reaches the reads: the listener CancelReadsOnSignals starts is what main runs.
func TestASignalToTheProcessCancelsReads(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			source := newInterruptSource()
			source.listen()
			ctx, stop := source.withInterrupt(context.Background())
			defer stop()
			if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ctx.Done():
				if cause := context.Cause(ctx); !errors.Is(cause, ErrInterrupted) {
					t.Errorf("cause = %v, want ErrInterrupted", cause)
				}
			case <-time.After(30 * time.Second): // a bound on a hang, not a measurement
				t.Fatalf("%v did not cancel the read", sig)
			}
		})
	}
}
