package provider

import (
	"errors"
	"fmt"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// failingWriter fails every write with the next of its errors.
type failingWriter struct {
	errs []error
}

func (f *failingWriter) Write([]byte) (int, error) {
	err := f.errs[0]
	f.errs = f.errs[1:]
	return 0, err
}

// A state writer keeps the first failure of its encoder, not a later one and not success after it, so an encoding
// that went wrong anywhere is reported as it first went wrong.
func TestStateWriterKeepsTheFirstError(t *testing.T) {
	t.Parallel()
	first, second := errors.New("first failure"), errors.New("second failure")
	w := &stateWriter{enc: msgpack.NewEncoder(&failingWriter{errs: []error{first, second, nil}})}
	w.str("a")
	w.str("b")
	w.keep(nil)
	if _, err := w.bytes(); !errors.Is(err, first) {
		t.Errorf("error %v, want %v", err, first)
	}

	fine := newStateWriter(0)
	fine.objectStart(1)
	fine.key("k")
	fine.str("v")
	if got, err := fine.bytes(); err != nil || fmt.Sprintf("%x", got) != "81a16ba176" {
		t.Errorf("bytes %x, error %v; want 81a16ba176 ({k: v}) and no error", got, err)
	}
}
