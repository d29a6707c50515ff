package provider

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// The functions' names, as Terraform calls them.
const (
	groupsByNameName     = "groups_by_name"
	effectiveMembersName = "effective_members"
)

// directFunctions answer groups_by_name and effective_members straight from and into Terraform's wire encoding
// (MessagePack), for the reason ReadDataSource does: the framework decodes an argument into a tree of values and
// encodes the result from one, which for 10,000 groups of 20 users takes tens of seconds and gigabytes per call,
// and a plan may call a function several times. Each group and user is sent back as the bytes Terraform sent, so
// nothing is rebuilt. Arguments this path does not expect (unknown values, nulls where an id or name must be, numbers
// it cannot read) go to the framework's path, which handles every case and words those errors; both paths share
// the checks and the walk of group_nesting.go, and tests compare their results. tfwire.Server has checked that the
// argument is well-formed MessagePack before either path reads it.
var directFunctions = map[string]tfwire.DirectFunction{
	groupsByNameName: func(_ context.Context, req *tfprotov6.CallFunctionRequest) *tfprotov6.CallFunctionResponse {
		return callDirect(req, false, encodeGroupsByName)
	},
	effectiveMembersName: func(_ context.Context, req *tfprotov6.CallFunctionRequest) *tfprotov6.CallFunctionResponse {
		return callDirect(req, true, encodeEffectiveMembers)
	},
}

// callDirect runs a function on its one groups argument, or returns nil for the framework's path. Its failures are
// the caller's mistakes (duplicate names and the like) and travel in the response, as the protocol has them,
// attributed to the groups argument.
func callDirect(req *tfprotov6.CallFunctionRequest, withUsers bool,
	encode func(raw []byte, groups wireGroups) ([]byte, error)) *tfprotov6.CallFunctionResponse {
	if len(req.Arguments) != 1 || req.Arguments[0] == nil || req.Arguments[0].MsgPack == nil {
		return nil
	}
	raw := req.Arguments[0].MsgPack
	groups, err := decodeGroupsArgument(raw, withUsers)
	if err != nil {
		return nil // errNotDirect: the framework's path decides
	}
	result, err := encode(raw, groups)
	if err != nil {
		argument := int64(0)
		return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: err.Error(), FunctionArgument: &argument}}
	}
	return &tfprotov6.CallFunctionResponse{Result: &tfprotov6.DynamicValue{MsgPack: result}}
}

// errNotDirect sends a call to the framework's path.
var errNotDirect = errors.New("not for the direct path")

// span is where a map lies in the argument's bytes: body starts after its header, which counts attrs entries.
type span struct{ start, body, end, attrs int }

// wireGroups is the groups argument as the direct path reads it: what the walk needs, and where each group and
// user lies in the bytes, to be copied into the result.
type wireGroups struct {
	groups []nestedGroup
	spans  []span
	users  [][]span // users[i][j]: the bytes of groups[i].Users[j]
}

// attributeReader reads one attribute of an object; the attribute's name comes from the object's description. A nil
// read refuses the attribute.
type attributeReader struct {
	name string
	read func(r *tfwire.Reader) error
}

// readObject reads the attributes of an object whose header has been read: each of readers exactly once, every
// other one skipped. Any other shape (an unknown value, a missing, repeated or refused attribute) is errNotDirect.
func readObject(r *tfwire.Reader, attrs int, readers []attributeReader) error {
	var seen, want uint
	for i, a := range readers {
		if a.read != nil {
			want |= 1 << i
		}
	}
	for range attrs {
		key, err := r.ReadString()
		if err != nil {
			return errNotDirect
		}
		i := slices.IndexFunc(readers, func(a attributeReader) bool { return a.name == key })
		switch {
		case i < 0:
			err = r.SkipKnown()
		case readers[i].read == nil || seen&(1<<i) != 0:
			err = errNotDirect
		default:
			seen |= 1 << i
			err = readers[i].read(r)
		}
		if err != nil {
			return errNotDirect
		}
	}
	if seen != want {
		return errNotDirect
	}
	return nil
}

// decodeGroupsArgument reads the groups argument. The attributes it reads are named by the group and user
// descriptions (group_fields.go, user_fields.go), as the framework's path names them (functions_groups_argument.go).
func decodeGroupsArgument(raw []byte, withUsers bool) (wireGroups, error) {
	r := tfwire.NewReader(raw)
	count, err := r.ReadArrayLen()
	if err != nil || count < 0 {
		return wireGroups{}, errNotDirect
	}
	w := wireGroups{groups: make([]nestedGroup, count), spans: make([]span, count)}
	if withUsers {
		w.users = make([][]span, count)
	}
	var i int // the group being read
	readers := []attributeReader{
		{groupIDField.Name(), func(r *tfwire.Reader) (err error) { w.groups[i].ID, err = r.ReadString(); return err }},
		{groupNameField.Name(), func(r *tfwire.Reader) (err error) { w.groups[i].Name, err = r.ReadString(); return err }},
	}
	if withUsers {
		readers = append(readers,
			attributeReader{groupChildGroupIDsField.Name(), func(r *tfwire.Reader) (err error) {
				w.groups[i].ChildGroupIDs, err = readChildIDs(r)
				return err
			}},
			attributeReader{groupUserCountField.Name(), func(r *tfwire.Reader) (err error) {
				w.groups[i].UserCount, err = readOptionalInt(r)
				return err
			}},
			attributeReader{groupUsersField.Name(), func(r *tfwire.Reader) (err error) {
				w.groups[i].Users, w.users[i], err = readUsers(r)
				return err
			}})
	}
	for i = range count {
		w.spans[i].start = r.Offset()
		attrs, err := r.ReadMapLen()
		if err != nil || attrs < 0 {
			return wireGroups{}, errNotDirect
		}
		w.spans[i].body = r.Offset()
		if err := readObject(r, attrs, readers); err != nil {
			return wireGroups{}, err
		}
		w.spans[i].end = r.Offset()
	}
	if r.Left() != 0 {
		return wireGroups{}, errNotDirect
	}
	return w, nil
}

// readChildIDs reads child_group_ids; null is no children.
func readChildIDs(r *tfwire.Reader) ([]string, error) {
	n, err := r.ReadArrayLen()
	if err != nil || n < 0 {
		return nil, err
	}
	ids := make([]string, n)
	for j := range ids {
		if ids[j], err = r.ReadString(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// readOptionalInt reads user_count: null or a whole number, which Terraform encodes as an integer. A fraction or a
// number written as a string is an error, for the framework's path to read.
func readOptionalInt(r *tfwire.Reader) (*int64, error) {
	if kind, err := r.Peek(); err != nil || kind == tfwire.KindNil {
		return nil, r.ReadNil()
	}
	n, err := r.ReadInt()
	return &n, err
}

// readUsers reads a group's users; nil (not empty) when users is null, as nestedGroup has it.
func readUsers(r *tfwire.Reader) ([]nestedUser, []span, error) {
	n, err := r.ReadArrayLen()
	if err != nil || n < 0 {
		return nil, nil, err
	}
	users := make([]nestedUser, n)
	spans := make([]span, n)
	var j int // the user being read
	readers := []attributeReader{
		{userIDField.Name(), func(r *tfwire.Reader) (err error) { users[j].ID, err = r.ReadString(); return err }},
		{userEmailField.Name(), func(r *tfwire.Reader) (err error) { users[j].Email, err = readOptionalString(r); return err }},
		{viaAttribute, nil}, // the member would carry it twice
	}
	for j = range users {
		spans[j].start = r.Offset()
		attrs, err := r.ReadMapLen()
		if err != nil || attrs < 0 {
			return nil, nil, errNotDirect
		}
		spans[j].body, spans[j].attrs = r.Offset(), attrs
		if err := readObject(r, attrs, readers); err != nil {
			return nil, nil, err
		}
		spans[j].end = r.Offset()
	}
	return users, spans, nil
}

// readOptionalString reads a string or null.
func readOptionalString(r *tfwire.Reader) (*string, error) {
	if kind, err := r.Peek(); err != nil || kind == tfwire.KindNil {
		return nil, r.ReadNil()
	}
	s, err := r.ReadString()
	return &s, err
}

func encodeGroupsByName(raw []byte, w wireGroups) ([]byte, error) {
	if err := checkUniqueNames(w.groups); err != nil {
		return nil, err
	}
	out := tfwire.NewWriter(len(raw) + 64*len(w.groups))
	out.MapStart(len(w.groups))
	for i, g := range w.groups {
		out.Key(g.Name)
		out.Raw(raw[w.spans[i].start:w.spans[i].end])
	}
	return out.Bytes()
}

func encodeEffectiveMembers(raw []byte, w wireGroups) ([]byte, error) {
	members, err := effectiveMembers(w.groups)
	if err != nil {
		return nil, err
	}
	out := tfwire.NewWriter(2 * len(raw))
	out.MapStart(len(members))
	for _, name := range slices.Sorted(maps.Keys(members)) { // equal calls encode to equal bytes
		list := members[name]
		out.Key(name)
		out.ListStart(len(list))
		for _, m := range list {
			u := w.users[m.Group][m.User]
			// The user's own attributes, as sent, under a header that counts one more: via.
			out.ObjectStart(u.attrs + 1)
			out.Raw(raw[u.body:u.end])
			out.Key(viaAttribute)
			via := m.Via.names()
			out.ListStart(len(via))
			for _, v := range via {
				out.String(v)
			}
		}
	}
	return out.Bytes()
}
