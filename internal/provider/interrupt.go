package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
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

// CancelReadsOnSignals makes the first SIGINT or SIGTERM of the process cancel every read in flight, and every
// later one. It returns at once. After that first signal the provider stops listening, so that a second SIGTERM
// ends the process as usual (go-plugin keeps ignoring SIGINT, as Terraform expects of a plugin).
func CancelReadsOnSignals() {
	interrupts.listen()
}

func (s *interruptSource) listen() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		signal.Stop(signals)
		s.interrupt(sig)
	}()
}

func (s *interruptSource) interrupt(sig os.Signal) {
	s.cancel(fmt.Errorf("%w (%v)", ErrInterrupted, sig))
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
