package provider

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// CallFunction answers groups_by_name and effective_members straight from and into Terraform's wire encoding
// (MessagePack), for the reason ReadDataSource does: the framework decodes an argument into a tree of values and
// encodes the result from one, which for 10,000 groups of 20 users takes tens of seconds and gigabytes per call,
// and a plan may call a function several times. Each group and user is sent back as the bytes Terraform sent, so
// nothing is rebuilt. Arguments this path does not expect (unknown values, nulls where an id or name must be, numbers
// it cannot read) go to the framework's path, which handles every case and words those errors; both paths share
// the checks and the walk of group_nesting.go, and tests compare their results.
func (s *server) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	if (req.Name != "groups_by_name" && req.Name != "effective_members") || len(req.Arguments) != 1 ||
		req.Arguments[0] == nil || req.Arguments[0].MsgPack == nil {
		return s.ProviderServer.CallFunction(ctx, req)
	}
	raw := req.Arguments[0].MsgPack
	groups, err := decodeGroupsArgument(raw, req.Name == "effective_members")
	if err != nil {
		return s.ProviderServer.CallFunction(ctx, req) // errNotDirect: the framework's path decides
	}
	return callDirect(req.Name, raw, groups), nil
}

// callDirect runs a function on a decoded argument. Its failures are the caller's mistakes (duplicate names and the
// like) and travel in the response, as the protocol has them, attributed to the groups argument.
func callDirect(name string, raw []byte, groups wireGroups) *tfprotov6.CallFunctionResponse {
	encode := encodeGroupsByName
	if name == "effective_members" {
		encode = encodeEffectiveMembers
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

type wireDecoder struct {
	r   *bytes.Reader
	dec *msgpack.Decoder
	n   int // length of the whole input
}

func (d *wireDecoder) offset() int { return d.n - d.r.Len() }

// peek returns the next value's code, refusing unknown values (MessagePack extensions in Terraform's encoding).
func (d *wireDecoder) peek() (byte, error) {
	c, err := d.dec.PeekCode()
	if err != nil {
		return 0, err
	}
	if msgpcode.IsExt(c) {
		return 0, errNotDirect
	}
	return c, nil
}

// skip passes over a value, refusing any unknown value within it.
func (d *wireDecoder) skip() error {
	c, err := d.peek()
	if err != nil {
		return err
	}
	switch {
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		n, err := d.dec.DecodeMapLen()
		if err != nil {
			return err
		}
		for range 2 * n {
			if err := d.skip(); err != nil {
				return err
			}
		}
		return nil
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		n, err := d.dec.DecodeArrayLen()
		if err != nil {
			return err
		}
		for range n {
			if err := d.skip(); err != nil {
				return err
			}
		}
		return nil
	}
	return d.dec.Skip()
}

// str reads a string that must not be null.
func (d *wireDecoder) str() (string, error) {
	c, err := d.peek()
	if err != nil {
		return "", err
	}
	if !msgpcode.IsString(c) {
		return "", errNotDirect
	}
	return d.dec.DecodeString()
}

// optionalStr reads a string or null.
func (d *wireDecoder) optionalStr() (*string, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	if c == msgpcode.Nil {
		return nil, d.dec.DecodeNil()
	}
	s, err := d.str()
	return &s, err
}

// length reads a map's or an array's length; -1 for null.
func (d *wireDecoder) length(isMap bool) (int, error) {
	if _, err := d.peek(); err != nil {
		return 0, err
	}
	if isMap {
		return d.dec.DecodeMapLen()
	}
	return d.dec.DecodeArrayLen()
}

// optionalCount reads user_count: null or a whole number, which Terraform encodes as an integer.
func (d *wireDecoder) optionalCount() (*int64, error) {
	c, err := d.peek()
	if err != nil {
		return nil, err
	}
	if c == msgpcode.Nil {
		return nil, d.dec.DecodeNil()
	}
	v, err := d.dec.DecodeInterface()
	if err != nil {
		return nil, err
	}
	var n int64
	switch v := v.(type) {
	case int8:
		n = int64(v)
	case int16:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	case uint8:
		n = int64(v)
	case uint16:
		n = int64(v)
	case uint32:
		n = int64(v)
	case uint64:
		if v > math.MaxInt64 {
			return nil, errNotDirect
		}
		n = int64(v)
	default:
		return nil, errNotDirect // a fraction or a number written as a string: the framework's path reads it
	}
	return &n, nil
}

func decodeGroupsArgument(raw []byte, withUsers bool) (wireGroups, error) {
	r := bytes.NewReader(raw)
	d := &wireDecoder{r: r, dec: msgpack.NewDecoder(r), n: len(raw)}
	count, err := d.length(false)
	if err != nil || count < 0 {
		return wireGroups{}, errNotDirect
	}
	w := wireGroups{groups: make([]nestedGroup, count), spans: make([]span, count)}
	if withUsers {
		w.users = make([][]span, count)
	}
	for i := range count {
		w.spans[i].start = d.offset()
		attrs, err := d.length(true)
		if err != nil || attrs < 0 {
			return wireGroups{}, errNotDirect
		}
		w.spans[i].body = d.offset()
		g := &w.groups[i]
		var seen int
		for range attrs {
			key, err := d.str()
			if err != nil {
				return wireGroups{}, errNotDirect
			}
			switch {
			case key == "id":
				g.ID, err = d.str()
				seen++
			case key == "name":
				g.Name, err = d.str()
				seen++
			case withUsers && key == "child_group_ids":
				g.ChildGroupIDs, err = d.childIDs()
				seen++
			case withUsers && key == "user_count":
				g.UserCount, err = d.optionalCount()
				seen++
			case withUsers && key == "users":
				g.Users, w.users[i], err = d.users()
				seen++
			default:
				err = d.skip()
			}
			if err != nil {
				return wireGroups{}, errNotDirect
			}
		}
		want := 2 // id and name
		if withUsers {
			want = 5 // and child_group_ids, user_count, users
		}
		if seen != want {
			return wireGroups{}, errNotDirect
		}
		w.spans[i].end = d.offset()
	}
	if d.r.Len() != 0 {
		return wireGroups{}, errNotDirect
	}
	return w, nil
}

func (d *wireDecoder) childIDs() ([]string, error) {
	n, err := d.length(false)
	if err != nil || n < 0 {
		return nil, err // null: no children
	}
	ids := make([]string, n)
	for j := range ids {
		if ids[j], err = d.str(); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// users reads a group's users; nil (not empty) when users is null, as nestedGroup has it.
func (d *wireDecoder) users() ([]nestedUser, []span, error) {
	n, err := d.length(false)
	if err != nil || n < 0 {
		return nil, nil, err
	}
	users := make([]nestedUser, n)
	spans := make([]span, n)
	for j := range users {
		spans[j].start = d.offset()
		attrs, err := d.length(true)
		if err != nil {
			return nil, nil, err
		}
		if attrs < 0 {
			return nil, nil, errNotDirect
		}
		spans[j].body, spans[j].attrs = d.offset(), attrs
		var seen int
		for range attrs {
			key, err := d.str()
			if err != nil {
				return nil, nil, err
			}
			switch key {
			case "id":
				users[j].ID, err = d.str()
				seen++
			case "email":
				users[j].Email, err = d.optionalStr()
				seen++
			case viaAttribute:
				err = errNotDirect // the member would carry it twice
			default:
				err = d.skip()
			}
			if err != nil {
				return nil, nil, err
			}
		}
		if seen != 2 {
			return nil, nil, errNotDirect
		}
		spans[j].end = d.offset()
	}
	return users, spans, nil
}

func encodeGroupsByName(raw []byte, w wireGroups) ([]byte, error) {
	if err := checkUniqueNames(w.groups); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(raw) + 64*len(w.groups))
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(w.groups)); err != nil {
		return nil, err
	}
	for i, g := range w.groups {
		if err := enc.EncodeString(g.Name); err != nil {
			return nil, err
		}
		buf.Write(raw[w.spans[i].start:w.spans[i].end])
	}
	return buf.Bytes(), nil
}

func encodeEffectiveMembers(raw []byte, w wireGroups) ([]byte, error) {
	members, err := effectiveMembers(w.groups)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	slices.Sort(names) // equal calls encode to equal bytes
	var buf bytes.Buffer
	buf.Grow(2 * len(raw))
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(names)); err != nil {
		return nil, err
	}
	for _, name := range names {
		list := members[name]
		if err := enc.EncodeString(name); err != nil {
			return nil, err
		}
		if err := enc.EncodeArrayLen(len(list)); err != nil {
			return nil, err
		}
		for _, m := range list {
			u := w.users[m.Group][m.User]
			// The user's own attributes, as sent, under a header that counts one more: via.
			if err := enc.EncodeMapLen(u.attrs + 1); err != nil {
				return nil, err
			}
			buf.Write(raw[u.body:u.end])
			if err := enc.EncodeString(viaAttribute); err != nil {
				return nil, err
			}
			via := m.Via.names()
			if err := enc.EncodeArrayLen(len(via)); err != nil {
				return nil, err
			}
			for _, v := range via {
				if err := enc.EncodeString(v); err != nil {
					return nil, err
				}
			}
		}
	}
	return buf.Bytes(), nil
}
