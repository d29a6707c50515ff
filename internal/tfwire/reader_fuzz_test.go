package tfwire

import (
	"bytes"
	"errors"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// FuzzReader: whatever the input, the reader returns an error or a value, never panics, and never reports a length
// that the input could not hold, so that a caller sizing a slice from it allocates at most in proportion to the
// input. When it accepts an input, a general MessagePack decoder reads the same bytes as one whole value.
func FuzzReader(f *testing.F) {
	for _, seed := range [][]byte{
		{0xdd, 0xff, 0xff, 0xff, 0xff},
		{0x91, 0x82, 0xa2, 'i', 'd', 0xa1, 'a', 0xa4, 'n', 'a', 'm', 'e', 0xd4, 0, 0},
		{0x93, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0},
		{0xc7, 0x01, 0x00, 0x00, 0xc1},
		{0xde, 0x00, 0x01, 0xd9, 0x01, 'k', 0xc6, 0x00, 0x00, 0x00, 0x01, 0x00},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		walk(t, NewReader(data), len(data))
		if err := Validate(data); err != nil {
			return
		}
		br := bytes.NewReader(data) // a byte scanner: the decoder reads it without a buffer of its own
		if err := msgpack.NewDecoder(br).Skip(); err != nil {
			t.Fatalf("accepted, but msgpack cannot skip % x: %v", data, err)
		}
		if br.Len() != 0 {
			t.Fatalf("accepted % x, but msgpack reads a shorter value", data)
		}
	})
}

// walk reads every value of the input as a caller would, checking that no length exceeds what the input holds.
func walk(t *testing.T, r *Reader, size int) {
	for r.Left() > 0 {
		kind, err := r.Peek()
		if err != nil {
			return
		}
		left := r.Left()
		switch kind {
		case KindArray, KindMap:
			var n int
			if kind == KindArray {
				n, err = r.ReadArrayLen()
			} else {
				n, err = r.ReadMapLen()
				n *= 2
			}
			if err != nil {
				t.Fatalf("Peek saw a collection that cannot be read: %v", err)
			}
			if n > r.Left() || n >= left {
				t.Fatalf("a length of %d with %d bytes left", n, r.Left())
			}
			_ = make([]byte, n) // what a caller sizing a slice from the header allocates, bounded by the input
		case KindString:
			s, err := r.ReadString()
			if err != nil || len(s) > size {
				t.Fatalf("a string of %d bytes from %d: %v", len(s), size, err)
			}
		case KindInt:
			if _, err := r.ReadInt(); errors.Is(err, ErrRange) {
				return
			} else if err != nil {
				t.Fatalf("Peek saw a whole number that cannot be read: %v", err)
			}
		case KindNil:
			if err := r.ReadNil(); err != nil {
				t.Fatal(err)
			}
		default:
			if err := r.Skip(); err != nil {
				return
			}
		}
		if r.Left() >= left {
			t.Fatalf("no progress at byte %d", r.Offset())
		}
	}
}
