package fakekore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Paths of the listing endpoints besides GroupsPath.
const (
	UserRolesPath = "/api/public/alluserroles"
	RolesPath     = "/api/public/roles"
	// RolesExportPath is Export Roles: every role of a roleType as a bare array, not paged, admin roles with _id.
	RolesExportPath = "/api/public/roles/export"
	BotsPath        = "/api/public/bots"
)

// Items keys of each listing's answer.
const (
	groupsKey = "groups"
	usersKey  = "users"
	rolesKey  = "roles"
	botsKey   = "bots"
)

// itemsKey returns the items key of the listing at path, or "" when path is not a listing.
func itemsKey(path string) string {
	switch path {
	case GroupsPath:
		return groupsKey
	case UserRolesPath:
		return usersKey
	case RolesPath:
		return rolesKey
	case BotsPath:
		return botsKey
	}
	return ""
}

// listingKey is itemsKey, with "groups" for paths that are not listings (as faults answer any path).
func listingKey(path string) string {
	if key := itemsKey(path); key != "" {
		return key
	}
	return groupsKey
}

// generatedItems returns n encoded items of the listing r asks for (groups when r asks for none), for faults
// that answer with made-up pages.
func generatedItems(r *http.Request, n int) [][]byte {
	items := make([][]byte, n)
	switch r.URL.Path {
	case UserRolesPath:
		for i := range items {
			items[i] = marshalItem(&UserRoles{
				ID: uuidLike("u-", directUserSeed, uint64(i)), Username: "user." + strconv.Itoa(i+1) + "@example.com",
				AccountID: objectIDLike(accountIDSeed, 0), BotRoles: []BotRoleGrant{}, AdminRoles: []AdminRoleGrant{},
			}, "user", "")
		}
	case BotsPath:
		for i := range items {
			items[i] = marshalItem(&Bot{ID: uuidLike("st-", botIDSeed, uint64(i)), Name: "Bot " + zeroPadded(i+1)}, "bot", "")
		}
	case RolesPath:
		roleType := RoleTypeBot
		if r.URL.Query().Get("roleType") == RoleTypeAdmin {
			roleType = RoleTypeAdmin
		}
		for i := range items {
			role := Role{RoleType: roleType, Name: "Role " + zeroPadded(i+1), Permissions: map[string]any{"Analytics": "YES"}}
			if roleType == RoleTypeBot {
				role.ID = Ptr(objectIDLike(botRoleIDSeed, uint64(i)))
				role.Permissions["Analytics"] = []string{"VIEW"}
			}
			items[i] = marshalItem(&role, "role", "")
		}
	default:
		for i, group := range GenerateGroups(n, 1) {
			items[i] = mustMarshal(&group)
		}
	}
	return items
}

// OffsetMeaning says how a listing reads its offset parameter.
type OffsetMeaning int

const (
	// OffsetDefault is the endpoint's documented meaning: a page number for groups, roles and bots, a number of
	// records to skip for user roles (Kore.ai's docs say nothing for roles; page numbers are what the other
	// paged admin APIs use).
	OffsetDefault OffsetMeaning = iota
	// OffsetPage reads offset as a page number: offset=2&limit=50 starts at item 100.
	OffsetPage
	// OffsetRecords reads offset as a number of items to skip: offset=2&limit=50 starts at item 2.
	OffsetRecords
)

// String returns "default", "page" or "records", as ParseOffsetMeaning reads them.
func (m OffsetMeaning) String() string {
	switch m {
	case OffsetDefault:
		return "default"
	case OffsetPage:
		return "page"
	case OffsetRecords:
		return "records"
	}
	return "OffsetMeaning(" + strconv.Itoa(int(m)) + ")"
}

// ParseOffsetMeaning reads "default", "page" or "records".
func ParseOffsetMeaning(s string) (OffsetMeaning, error) {
	for _, m := range []OffsetMeaning{OffsetDefault, OffsetPage, OffsetRecords} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("offset meaning %q: want default, page or records", s)
}

// OffsetMeanings sets the meaning of offset per endpoint; the zero value keeps every endpoint's default.
type OffsetMeanings struct {
	Groups, UserRoles, Roles, Bots OffsetMeaning
}

// AllOffsets gives every endpoint the same meaning.
func AllOffsets(m OffsetMeaning) OffsetMeanings {
	return OffsetMeanings{Groups: m, UserRoles: m, Roles: m, Bots: m}
}

// Of returns the meaning used at path (GroupsPath, UserRolesPath, RolesPath or BotsPath), with OffsetDefault
// replaced by the endpoint's default.
func (o OffsetMeanings) Of(path string) OffsetMeaning {
	m, fallback := OffsetDefault, OffsetPage
	switch path {
	case GroupsPath:
		m = o.Groups
	case UserRolesPath:
		m, fallback = o.UserRoles, OffsetRecords
	case RolesPath:
		m = o.Roles
	case BotsPath:
		m = o.Bots
	}
	if m == OffsetDefault {
		return fallback
	}
	return m
}

// MsgRoleTypeRequired and MsgRoleTypeInvalid are the 400 answers of Get Roles and Export Roles without a usable
// roleType.
const (
	MsgRoleTypeRequired = `roleType is required: "admin" or "bot"`
	MsgRoleTypeInvalid  = `roleType must be "admin" or "bot"`
)

// encodedAccess holds each item's JSON, encoded once, as encodedGroups does for groups.
type encodedAccess struct {
	users, adminRoles, botRoles, bots [][]byte
	// exportedAdmin and exportedBot are the whole answers of Export Roles.
	exportedAdmin, exportedBot []byte
}

// SetAccess replaces the users, roles and bots served; requests already being answered keep the data they
// started with. It panics if an item cannot be encoded as JSON (for example a permission value that is a
// channel).
func (s *Server) SetAccess(a Access) {
	e := &encodedAccess{
		users: make([][]byte, len(a.Users)),
		bots:  make([][]byte, len(a.Bots)),
	}
	for i := range a.Users {
		e.users[i] = marshalItem(&a.Users[i], "user", a.Users[i].ID)
	}
	exportedAdmin, exportedBot := []exportedRole{}, []exportedRole{}
	for i := range a.Roles {
		role := &a.Roles[i]
		encoded := marshalItem(role, "role", role.Name)
		exported := exportedRole{RoleType: role.RoleType, ID: role.ID, Name: role.Name,
			Description: role.Description, Permissions: role.Permissions, RefID: role.RefID}
		if exported.ID == nil {
			exported.ID = role.ExportedID
		}
		switch role.RoleType {
		case RoleTypeAdmin:
			e.adminRoles = append(e.adminRoles, encoded)
			exportedAdmin = append(exportedAdmin, exported)
		case RoleTypeBot:
			e.botRoles = append(e.botRoles, encoded)
			exportedBot = append(exportedBot, exported)
		}
	}
	e.exportedAdmin = marshalItem(exportedAdmin, "export of admin roles", "")
	e.exportedBot = marshalItem(exportedBot, "export of bot roles", "")
	for i := range a.Bots {
		e.bots[i] = marshalItem(&a.Bots[i], "bot", a.Bots[i].ID)
	}
	s.access.Store(e)
}

// marshalItem encodes v as Kore.ai's Node.js servers do, without escaping <, > and &.
func marshalItem(v any, kind, name string) []byte {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(v); err != nil {
		panic(fmt.Sprintf("fakekore: %s %q cannot be encoded as JSON: %v", kind, name, err))
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// serveListing answers a GET on any listing path, after routing and the auth check.
func (s *Server) serveListing(w http.ResponseWriter, r *http.Request, key string) {
	q := r.URL.Query()
	var items [][]byte
	switch r.URL.Path {
	case GroupsPath:
		items = s.pages.Load().groups
	case UserRolesPath:
		items = s.access.Load().users
	case BotsPath:
		items = s.access.Load().bots
	case RolesPath:
		if !q.Has("roleType") {
			WriteError(w, http.StatusBadRequest, MsgRoleTypeRequired, http.StatusBadRequest)
			return
		}
		switch q.Get("roleType") {
		case RoleTypeAdmin:
			items = s.access.Load().adminRoles
		case RoleTypeBot:
			items = s.access.Load().botRoles
		default:
			WriteError(w, http.StatusBadRequest, MsgRoleTypeInvalid, http.StatusBadRequest)
			return
		}
	}
	offset, limit, ok := s.pageParams(q)
	if !ok {
		WriteError(w, http.StatusPreconditionFailed, MsgValidation, http.StatusPreconditionFailed)
		return
	}
	start, end := pageBounds(s.opts.Offsets.Of(r.URL.Path), offset, limit, len(items))
	writeJSON(w, http.StatusOK, encodeListing(key, len(items), end < len(items), items[start:end]))
}

// serveRolesExport answers a GET of Export Roles, after the auth check: every role of the roleType asked for, as a
// bare array, not paged.
func (s *Server) serveRolesExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("roleType") {
		WriteError(w, http.StatusBadRequest, MsgRoleTypeRequired, http.StatusBadRequest)
		return
	}
	switch q.Get("roleType") {
	case RoleTypeAdmin:
		writeJSON(w, http.StatusOK, s.access.Load().exportedAdmin)
	case RoleTypeBot:
		writeJSON(w, http.StatusOK, s.access.Load().exportedBot)
	default:
		WriteError(w, http.StatusBadRequest, MsgRoleTypeInvalid, http.StatusBadRequest)
	}
}

// pageBounds returns the slice [start, end) of total items that offset and limit (>= 1) select.
func pageBounds(meaning OffsetMeaning, offset, limit, total int) (start, end int) {
	start = total
	switch meaning {
	case OffsetRecords:
		start = min(offset, total)
	default:
		if offset <= total/limit { // also keeps offset*limit from overflowing
			start = offset * limit
		}
	}
	return start, min(start+limit, total)
}

// encodeListing assembles {"total":N,"availableMore":B,"<key>":[...]} in Kore.ai's field order.
func encodeListing(key string, total int, availableMore bool, items [][]byte) []byte {
	size := len(`{"total":,"availableMore":false,"":[]}`) + len(key) + 20 + len(items)
	for _, item := range items {
		size += len(item)
	}
	body := make([]byte, 0, size)
	body = append(body, `{"total":`...)
	body = strconv.AppendInt(body, int64(total), 10)
	body = append(body, `,"availableMore":`...)
	body = strconv.AppendBool(body, availableMore)
	body = append(body, `,"`...)
	body = append(body, key...)
	body = append(body, `":[`...)
	for i, item := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, item...)
	}
	return append(body, "]}"...)
}
