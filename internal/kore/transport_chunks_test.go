package kore

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

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
	n := min(len(p), b.size-b.served)
	for i := range n {
		p[i] = 'x'
	}
	b.served += n
	return n, nil
}

func (*strictBody) Close() error { return nil }

// An answer of exactly MaxAnswerBytes is read whole, announced or not; one byte more is too large, and no more than
// that one byte past the cap is read from it.
func TestAnAnswerOfExactlyTheCapIsReadWhole(t *testing.T) {
	for _, announced := range []int64{-1, MaxAnswerBytes} {
		body := &strictBody{size: MaxAnswerBytes}
		data, err := readBody(context.Background(), &http.Response{Body: body, ContentLength: announced},
			semaphore.NewWeighted(1))
		if err != nil || len(data) != MaxAnswerBytes {
			t.Errorf("Content-Length %d: readBody = %d bytes, %v; want all %d", announced, len(data), err, MaxAnswerBytes)
		}
	}
	body := &strictBody{size: MaxAnswerBytes + 1<<20}
	_, err := readBody(context.Background(), &http.Response{Body: body, ContentLength: -1}, semaphore.NewWeighted(1))
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
	data, err := readBody(gone, &http.Response{Body: &strictBody{size: largeAnswerBytes - 1}, ContentLength: -1}, slot)
	if err != nil || len(data) != largeAnswerBytes-1 {
		t.Errorf("an answer of one byte under largeAnswerBytes: readBody = %d bytes, %v; want it read without the slot",
			len(data), err)
	}
	_, err = readBody(gone, &http.Response{Body: &strictBody{size: largeAnswerBytes}, ContentLength: -1}, slot)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("an answer of largeAnswerBytes with the slot taken: readBody = %v, want it to wait for the slot", err)
	}

	slot.Release(1)
	data, err = readBody(context.Background(),
		&http.Response{Body: &strictBody{size: largeAnswerBytes + 1}, ContentLength: -1}, slot)
	if err != nil || len(data) != largeAnswerBytes+1 {
		t.Errorf("readBody with the slot free = %d bytes, %v", len(data), err)
	}
	if !slot.TryAcquire(1) {
		t.Error("the slot was not given back")
	}
}
