package provider

import (
	"bytes"
	"sort"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// stateWriter writes a data source's state straight into Terraform's wire encoding (MessagePack, laid out as
// terraform-plugin-go's tftypes writes it: objects as maps with their attributes in name order). A large account's
// state holds hundreds of thousands of values; building them as tftypes.Value trees and letting the framework
// post-process and re-encode them costs tens of seconds and gigabytes, so the data sources that opt into the direct
// path (server.go) skip it. What is written comes from the object descriptions of fields.go, which are checked
// against the schema at provider start.
type stateWriter struct {
	buf bytes.Buffer
	enc *msgpack.Encoder
	err error
}

func newStateWriter(sizeHint int) *stateWriter {
	w := &stateWriter{}
	w.buf.Grow(sizeHint)
	w.enc = msgpack.NewEncoder(&w.buf)
	return w
}

// keep records the first error; writes into a bytes.Buffer fail only when memory runs out.
func (w *stateWriter) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *stateWriter) bytes() ([]byte, error) { return w.buf.Bytes(), w.err }

func (w *stateWriter) objectStart(attributes int) { w.keep(w.enc.EncodeMapLen(attributes)) }
func (w *stateWriter) mapStart(entries int)       { w.keep(w.enc.EncodeMapLen(entries)) }
func (w *stateWriter) listStart(elements int)     { w.keep(w.enc.EncodeArrayLen(elements)) }
func (w *stateWriter) key(name string)            { w.keep(w.enc.EncodeString(name)) }
func (w *stateWriter) null()                      { w.keep(w.enc.EncodeNil()) }
func (w *stateWriter) str(s string)               { w.keep(w.enc.EncodeString(s)) }
func (w *stateWriter) boolean(b bool)             { w.keep(w.enc.EncodeBool(b)) }
func (w *stateWriter) integer(n int64)            { w.keep(w.enc.EncodeInt(n)) }

func (w *stateWriter) optionalString(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.str(*s)
}

func (w *stateWriter) optionalInt(n *int64) {
	if n == nil {
		w.null()
		return
	}
	w.integer(*n)
}

// optionalBool writes a config value back as it was given: null stays null.
func (w *stateWriter) optionalBool(b *bool) {
	if b == nil {
		w.null()
		return
	}
	w.boolean(*b)
}

func (w *stateWriter) stringList(items []string) {
	if items == nil {
		w.null()
		return
	}
	w.listStart(len(items))
	for _, s := range items {
		w.str(s)
	}
}

// timeoutsBlock writes the timeouts block back as configured: null when absent.
func (w *stateWriter) timeoutsBlock(present bool, read *string) {
	if !present {
		w.null()
		return
	}
	w.objectStart(1)
	w.key("read")
	w.optionalString(read)
}

// stringListMap writes a map of string lists in key order, so that equal states encode to equal bytes; nil is null.
func (w *stateWriter) stringListMap(m map[string][]string) {
	if m == nil {
		w.null()
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.mapStart(len(keys))
	for _, k := range keys {
		w.key(k)
		w.stringList(m[k])
	}
}

// estimateStateSize guesses the encoded size so that the buffer grows once: a user object takes about 300 bytes.
func estimateStateSize(groups []*kore.Group, includeUsers bool) int {
	n := 4096
	for _, g := range groups {
		n += 256
		if includeUsers {
			n += 320 * len(g.Users)
		}
	}
	return n
}
