package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Terraform stops a provider's reads with StopProvider or by cancelling the call, but not during the plan phase of
// an apply, and go-plugin swallows the process's SIGINT ("plugin received interrupt signal, ignoring"). So the
// provider also watches the signals itself: the first one cancels every read in flight and every read after it,
// and an interrupted apply ends at once with "read cancelled" instead of waiting out timeouts.read.

// ErrInterrupted is the cause of the reads cancelled by a signal.
var ErrInterrupted = errors.New("the provider received an interrupt")

// interrupts is the process-wide cancellation that reads merge with their request's context.
var interrupts = newInterruptSource()

type interruptSource struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

func newInterruptSource() *interruptSource {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &interruptSource{ctx: ctx, cancel: cancel}
}

// CancelReadsOnSignal cancels every read in flight, and every later one, when the first signal arrives on signals
// (the channel given to signal.Notify for os.Interrupt and SIGTERM). It returns at once; the watch ends when
// signals is closed.
func CancelReadsOnSignal(signals <-chan os.Signal) {
	interrupts.watch(signals)
}

func (s *interruptSource) watch(signals <-chan os.Signal) {
	go func() {
		sig, ok := <-signals
		if !ok {
			return
		}
		s.cancel(fmt.Errorf("%w (%v)", ErrInterrupted, sig))
	}()
}

// withInterrupt returns ctx, cancelled also when the process is interrupted; call stop when the read ends.
func (s *interruptSource) withInterrupt(ctx context.Context) (context.Context, context.CancelFunc) {
	merged, cancel := context.WithCancelCause(ctx)
	stopAfter := context.AfterFunc(s.ctx, func() { cancel(context.Cause(s.ctx)) })
	return merged, func() {
		stopAfter()
		cancel(context.Canceled)
	}
}
