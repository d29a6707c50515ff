package tfwire

import (
	"bytes"
	"maps"
	"slices"

	"github.com/vmihailenco/msgpack/v5"
)

// Writer writes state straight into Terraform's wire encoding, MessagePack laid out as terraform-plugin-go's tftypes
// writes it: objects as maps with their attributes in name order, numbers in the shortest form, null as nil. A large
// account's state holds hundreds of thousands of values; building them as tftypes.Value trees and letting the
// framework post-process and re-encode them costs tens of seconds and gigabytes. What is written comes from object
// descriptions (Object), which are checked against the schema at start (Check).
type Writer struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error
}

// NewWriter returns a writer whose buffer holds sizeHint bytes before it grows.
func NewWriter(sizeHint int) *Writer {
	w := &Writer{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf)
	return w
}

// keep records the first error; writes into a bytes.Buffer fail only when memory runs out.
func (w *Writer) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

// Bytes returns what was written and the first error met, if any.
func (w *Writer) Bytes() ([]byte, error) { return w.buf.Bytes(), w.err }

// ObjectStart starts an object of the given number of attributes; each follows as Key and value, in name order.
func (w *Writer) ObjectStart(attributes int) { w.keep(w.enc.EncodeMapLen(attributes)) }

// MapStart starts a map of the given number of entries; each follows as Key and value.
func (w *Writer) MapStart(entries int) { w.keep(w.enc.EncodeMapLen(entries)) }

// ListStart starts a list (or a set) of the given number of elements.
func (w *Writer) ListStart(elements int) { w.keep(w.enc.EncodeArrayLen(elements)) }

// Raw writes bytes that already hold encoded values, such as values copied from a function's argument.
func (w *Writer) Raw(b []byte) { w.buf.Write(b) }

// Key writes an attribute's name or a map's key.
func (w *Writer) Key(name string) { w.keep(w.enc.EncodeString(name)) }

// Null writes a null of any type.
func (w *Writer) Null() { w.keep(w.enc.EncodeNil()) }

// String writes a string.
func (w *Writer) String(s string) { w.keep(w.enc.EncodeString(s)) }

// Bool writes a boolean.
func (w *Writer) Bool(b bool) { w.keep(w.enc.EncodeBool(b)) }

// Int writes a whole number, as tftypes writes a number without a fraction.
func (w *Writer) Int(n int64) { w.keep(w.enc.EncodeInt(n)) }

// OptionalString writes a string, or null for nil.
func (w *Writer) OptionalString(s *string) {
	if s == nil {
		w.Null()
		return
	}
	w.String(*s)
}

// OptionalInt writes a whole number, or null for nil.
func (w *Writer) OptionalInt(n *int64) {
	if n == nil {
		w.Null()
		return
	}
	w.Int(*n)
}

// OptionalBool writes a boolean, or null for nil: a configured value written back as it was given.
func (w *Writer) OptionalBool(b *bool) {
	if b == nil {
		w.Null()
		return
	}
	w.Bool(*b)
}

// StringList writes a list (or a set) of strings: null for a nil slice, [] for an empty one.
func (w *Writer) StringList(items []string) {
	if items == nil {
		w.Null()
		return
	}
	w.ListStart(len(items))
	for _, s := range items {
		w.String(s)
	}
}

// StringListMap writes a map of string lists in key order, so that equal states encode to equal bytes; nil is null.
func (w *Writer) StringListMap(m map[string][]string) {
	if m == nil {
		w.Null()
		return
	}
	w.MapStart(len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w.Key(k)
		w.StringList(m[k])
	}
}

// ReadTimeouts writes a timeouts block that holds only read, as configured: null when the block is absent.
func (w *Writer) ReadTimeouts(present bool, read *string) {
	if !present {
		w.Null()
		return
	}
	w.ObjectStart(1)
	w.Key("read")
	w.OptionalString(read)
}
