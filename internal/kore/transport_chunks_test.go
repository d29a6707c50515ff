package kore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"
)

// strictBody serves size bytes, and fails a Read that asks for nothing: a reader that keeps asking for nothing
// would spin forever on a body that has more to give.
type strictBody struct {
	size, served int
}

func (b *strictBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, errors.New("Read with an empty buffer")
	}
	if b.served == b.size {
		return 0, io.EOF
	}
	// The bytes are left as they are: what they hold does not matter, and writing each one would make the race
	// detector's run of these tens of megabytes slow enough to trip the watchdog below on a busy machine.
	n := min(len(p), b.size-b.served)
	b.served += n
	return n, nil
}

func (*strictBody) Close() error { return nil }

// read is readBody, failing the test when it has not returned within a minute (it returns within a second):
// a read that spins on a finite body would otherwise hang the whole run.
func read(t *testing.T, ctx context.Context, resp *http.Response, slot *semaphore.Weighted) ([]byte, error) {
	t.Helper()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := readBody(ctx, resp, slot)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-time.After(time.Minute):
		t.Fatal("readBody has not returned after a minute: it spins on a finite body")
		return nil, nil
	}
}

// An answer of exactly MaxAnswerBytes is read whole, announced or not; one byte more is too large, and no more than
// that one byte past the cap is read from it.
func TestAnAnswerOfExactlyTheCapIsReadWhole(t *testing.T) {
	for _, announced := range []int64{-1, MaxAnswerBytes} {
		body := &strictBody{size: MaxAnswerBytes}
		data, err := read(t, context.Background(), &http.Response{Body: body, ContentLength: announced},
			semaphore.NewWeighted(1))
		if err != nil || len(data) != MaxAnswerBytes {
			t.Errorf("Content-Length %d: readBody = %d bytes, %v; want all %d", announced, len(data), err, MaxAnswerBytes)
		}
	}
	body := &strictBody{size: MaxAnswerBytes + 1<<20}
	_, err := read(t, context.Background(), &http.Response{Body: body, ContentLength: -1}, semaphore.NewWeighted(1))
	var tooLarge *AnswerTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Errorf("readBody of the cap and 1 MiB = %v, want an *AnswerTooLargeError", err)
	}
	if body.served != MaxAnswerBytes+1 {
		t.Errorf("read %d bytes of an answer past the cap, want %d", body.served, MaxAnswerBytes+1)
	}
}

// Once largeAnswerBytes are read, an answer takes the large-answer slot before it reads on, even to find that it
// ends there; a smaller answer never waits for the slot.
func TestAnAnswerTakesTheLargeAnswerSlotOnceItHasReadLargeAnswerBytes(t *testing.T) {
	slot := semaphore.NewWeighted(1)
	if !slot.TryAcquire(1) {
		t.Fatal("the slot is taken")
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel() // waiting for the taken slot fails at once
	data, err := read(t, gone, &http.Response{Body: &strictBody{size: largeAnswerBytes - 1}, ContentLength: -1}, slot)
	if err != nil || len(data) != largeAnswerBytes-1 {
		t.Errorf("an answer of one byte under largeAnswerBytes: readBody = %d bytes, %v; want it read without the slot",
			len(data), err)
	}
	_, err = read(t, gone, &http.Response{Body: &strictBody{size: largeAnswerBytes}, ContentLength: -1}, slot)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("an answer of largeAnswerBytes with the slot taken: readBody = %v, want it to wait for the slot", err)
	}

	slot.Release(1)
	data, err = read(t, context.Background(),
		&http.Response{Body: &strictBody{size: largeAnswerBytes + 1}, ContentLength: -1}, slot)
	if err != nil || len(data) != largeAnswerBytes+1 {
		t.Errorf("readBody with the slot free = %d bytes, %v", len(data), err)
	}
	if !slot.TryAcquire(1) {
		t.Error("the slot was not given back")
	}
}
