package kore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// rolesExportPath is Export Roles: every role of one type, as a bare JSON array, with the _id that Get Roles
// leaves out of admin roles.
const rolesExportPath = "/api/public/roles/export"

// MaxExportedRoles is the most roles an Export Roles answer may hold. Accounts hold tens of roles; the bound keeps
// a server that sends an endless array from filling memory within the answer's byte cap.
const MaxExportedRoles = 10_000

// ExportedRoleList is every role of one type as Export Roles sent it; shared by every caller asking for the same
// type: treat it as read-only.
type ExportedRoleList struct {
	Roles []ExportedRole // in the answer's order
}

// ExportedRole is one element of Export Roles. The JSON tags are the API's field names.
type ExportedRole struct {
	ID          string                      `json:"_id"` // never empty
	Type        *string                     `json:"roleType"`
	Name        string                      `json:"role"` // never empty
	Description *string                     `json:"rDesc"`
	Permissions map[string]PermissionValues `json:"permissions"`
	RefID       *string                     `json:"refId"` // a UUID
}

// exportEndpoint names Export Roles of roleType in errors, as in "role export (roleType=admin)".
func exportEndpoint(roleType string) string { return "role export (roleType=" + roleType + ")" }

// ExportRoles reads Export Roles (GET /api/public/roles/export?roleType=…) for roleType (RoleTypeAdmin or
// RoleTypeBot): one request, through the request path and the account's budget, shared and memoised like every
// read. An answer that is not an array of roles, each with its "_id" and "role", or that holds more than
// MaxExportedRoles, an id twice or a role of another type, fails the read.
func (c *Client) ExportRoles(ctx context.Context, roleType string) (*ExportedRoleList, error) {
	if roleType != RoleTypeAdmin && roleType != RoleTypeBot {
		return nil, fmt.Errorf("role type %q is not one Kore.ai knows: it must be %q or %q", roleType,
			RoleTypeAdmin, RoleTypeBot)
	}
	query := url.Values{"roleType": {roleType}}.Encode()
	key := readKey{key: rolesExportPath + "?" + query, name: exportEndpoint(roleType)}
	return sharedRead(ctx, c, key, func(ctx context.Context) (*ExportedRoleList, error) {
		at := request{endpoint: exportEndpoint(roleType), page: -1, scope: ScopeRoleManagement}
		got, err := c.get(ctx, c.apiBase+rolesExportPath+"?"+query, at)
		if err != nil {
			return nil, err
		}
		roles, err := decodeExportedRoles(got.body, roleType)
		if err != nil {
			return nil, &DecodeError{StatusCode: got.status, Page: -1, Err: err, Endpoint: at.endpoint,
				BodyBytes: len(got.body), ContentType: c.redactor.clean([]byte(got.contentType), maxShownChars)}
		}
		return &ExportedRoleList{Roles: roles}, nil
	})
}

// exportedRoleElement is one element of the answer, with room to tell a missing field from an empty one.
type exportedRoleElement struct {
	ID          *string                     `json:"_id"`
	Type        *string                     `json:"roleType"`
	Name        *string                     `json:"role"`
	Description *string                     `json:"rDesc"`
	Permissions map[string]PermissionValues `json:"permissions"`
	RefID       *string                     `json:"refId"`
}

// decodeExportedRoles reads the answer, a bare JSON array, one element at a time, never quoting it.
func decodeExportedRoles(data []byte, roleType string) ([]ExportedRole, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	start, err := dec.Token()
	if err != nil {
		return nil, describeJSONError(err, dec, "")
	}
	if start != json.Delim('[') {
		return nil, fmt.Errorf("cannot unmarshal a JSON %s into a list of roles", jsonKind(start))
	}
	var roles []ExportedRole
	byID := map[string]int{}
	for dec.More() {
		if len(roles) == MaxExportedRoles {
			return nil, fmt.Errorf("the answer holds more than %d roles", MaxExportedRoles)
		}
		var element *exportedRoleElement
		where := fmt.Sprintf("element %d", len(roles))
		if err := dec.Decode(&element); err != nil {
			return nil, describeJSONError(err, dec, where)
		}
		if element == nil {
			return nil, fmt.Errorf("%s is null", where)
		}
		if element.Name == nil || *element.Name == "" {
			return nil, fmt.Errorf("%s has no role name (\"role\")", where)
		}
		where = fmt.Sprintf("%s (role %q)", where, *element.Name)
		if element.ID == nil || *element.ID == "" {
			return nil, fmt.Errorf("%s has no \"_id\"", where)
		}
		if element.Type != nil && *element.Type != roleType {
			return nil, fmt.Errorf("%s is of role type %q, not the %q asked for", where, *element.Type, roleType)
		}
		if first, seen := byID[*element.ID]; seen {
			return nil, fmt.Errorf("%s has the \"_id\" of element %d", where, first)
		}
		byID[*element.ID] = len(roles)
		roles = append(roles, ExportedRole{ID: *element.ID, Type: element.Type, Name: *element.Name,
			Description: element.Description, Permissions: element.Permissions, RefID: element.RefID})
	}
	if _, err := dec.Token(); err != nil {
		return nil, describeJSONError(err, dec, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("the list of roles is followed by more data at byte %d", dec.InputOffset())
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("invalid UTF-8 at byte %d", invalidUTF8At(data))
	}
	return roles, nil
}

// ListRolesWithIDs is ListRoles, with the id of every admin role that Get Roles sent without one (Kore.ai's sample
// sends none) taken from Export Roles, by name. Export Roles is read only when an admin role lacks an id, once,
// shared like every read. A role whose name no exported role has, or several have, keeps no id, and IDWarnings
// names it. Bot roles are documented with their ids, and are returned as Get Roles sent them.
func (c *Client) ListRolesWithIDs(ctx context.Context, roleType string, pageSize int) (*RoleList, error) {
	list, err := c.ListRoles(ctx, roleType, pageSize)
	if err != nil {
		return nil, err
	}
	if roleType != RoleTypeAdmin || !slices.ContainsFunc(list.Roles, lacksID) {
		return list, nil
	}
	exported, err := c.ExportRoles(ctx, roleType)
	if err != nil {
		return nil, fmt.Errorf("reading the ids of the %s roles, which Get Roles sent without them, from Export "+
			"Roles (GET %s?roleType=%s): %w", roleType, rolesExportPath, roleType, err)
	}
	idsByName := make(map[string][]string, len(exported.Roles))
	for _, r := range exported.Roles {
		idsByName[r.Name] = append(idsByName[r.Name], r.ID)
	}
	roles := slices.Clone(list.Roles) // the shared list stays as read
	var unknown, ambiguous []string
	for i := range roles {
		if !lacksID(roles[i]) {
			continue
		}
		switch ids := idsByName[roles[i].Name]; len(ids) {
		case 1:
			roles[i].ID = &ids[0]
		case 0:
			unknown = append(unknown, roles[i].Name)
		default:
			ambiguous = append(ambiguous, roles[i].Name)
		}
	}
	list.Roles = roles // list is this caller's own header (view)
	if len(unknown) > 0 {
		list.IDWarnings = append(list.IDWarnings, fmt.Sprintf("Get Roles sent these %s roles without an id, and "+
			"Export Roles lists none of the same name, so their id is null: %s", roleType, quotedNames(unknown)))
	}
	if len(ambiguous) > 0 {
		list.IDWarnings = append(list.IDWarnings, fmt.Sprintf("Get Roles sent these %s roles without an id, and "+
			"Export Roles lists several of the same name, so their id is null: %s", roleType, quotedNames(ambiguous)))
	}
	return list, nil
}

// lacksID reports a role sent without an id.
func lacksID(r Role) bool { return r.ID == nil || *r.ID == "" }

// maxNamedRoles is the most role names a warning quotes; the rest are counted.
const maxNamedRoles = 10

// quotedNames quotes up to maxNamedRoles names, then counts the rest.
func quotedNames(names []string) string {
	quoted := make([]string, 0, min(len(names), maxNamedRoles))
	for _, name := range names[:min(len(names), maxNamedRoles)] {
		quoted = append(quoted, fmt.Sprintf("%q", name))
	}
	text := strings.Join(quoted, ", ")
	if len(names) > maxNamedRoles {
		text += fmt.Sprintf(" and %d more", len(names)-maxNamedRoles)
	}
	return text
}
