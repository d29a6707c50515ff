package provider

import (
	"bytes"
	"slices"
	"sort"
	"strings"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// stateWriter writes a data source's state straight into Terraform's wire encoding (MessagePack, laid out as
// terraform-plugin-go's tftypes writes it: objects as maps with their attributes in name order). A large account's
// state holds hundreds of thousands of values; building them as tftypes.Value trees and letting the framework
// post-process and re-encode them costs tens of seconds and gigabytes, so the groups data sources skip that path.
// Every key written here must match the schema: state_encoding_test.go decodes the output against the schema's type.
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

// raw copies bytes that an earlier part of the same encoding produced, so that a group written once into groups
// can be repeated in groups_by_name without encoding it again.
func (w *stateWriter) raw(span []byte) {
	if w.err == nil {
		w.buf.Write(span)
	}
}

// attribute is one attribute of an object and how to write its value.
type attribute struct {
	name  string
	value func()
}

// object writes an object from its attributes, in name order as Terraform's encoding has them, so that callers can
// list attributes in whatever order reads best.
func (w *stateWriter) object(attributes []attribute) {
	slices.SortFunc(attributes, func(a, b attribute) int { return strings.Compare(a.name, b.name) })
	w.objectStart(len(attributes))
	for _, a := range attributes {
		w.key(a.name)
		a.value()
	}
}

// groupAttributes lists the attributes of one group, as kore_groups nests it and kore_group has it at the top.
func (w *stateWriter) groupAttributes(g *kore.Group, includeUsers bool) []attribute {
	return []attribute{
		{"id", func() { w.str(g.ID) }},
		{"name", func() { w.str(g.Name) }},
		{"description", func() { w.optionalString(g.Description) }},
		{"child_group_ids", func() { w.stringList(g.ChildGroupIDs) }},
		{"user_count", func() { w.optionalInt(g.UserCount) }},
		{"users", func() { w.members(g, includeUsers) }},
	}
}

// members writes a group's users sorted by email, then ID; null when they are not wanted or the API sent none.
func (w *stateWriter) members(g *kore.Group, includeUsers bool) {
	if !includeUsers || g.Users == nil {
		w.null()
		return
	}
	users := sortedUsers(g.Users)
	w.listStart(len(users))
	for _, u := range users {
		w.user(u)
	}
}

// user writes one user object, its attributes in name order.
func (w *stateWriter) user(u *kore.User) {
	w.objectStart(9)
	w.key("activation_status")
	w.optionalString(u.ActivationStatus)
	w.key("email")
	w.optionalString(u.Email)
	w.key("first_name")
	w.optionalString(u.FirstName)
	w.key("id")
	w.str(u.ID)
	w.key("job_title")
	w.optionalString(u.JobTitle)
	w.key("last_name")
	w.optionalString(u.LastName)
	w.key("org_id")
	w.optionalString(u.OrgID)
	w.key("profile_color")
	w.optionalString(u.ProfileColor)
	w.key("profile_image")
	w.optionalString(u.ProfileImage)
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

// stringListMap writes a map of string lists in key order, so that equal states encode to equal bytes.
func (w *stateWriter) stringListMap(m map[string][]string) {
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

// estimateStateSize guesses the encoded size so that the buffer grows once: a user object takes about 300 bytes
// and groups_by_name repeats every group.
func estimateStateSize(groups []*kore.Group, includeUsers bool) int {
	n := 4096
	for _, g := range groups {
		n += 256
		if includeUsers {
			n += 320 * len(g.Users)
		}
	}
	return 2 * n
}
