// Package contract checks a Kore.ai account's answers against what the provider expects of them, and records them,
// scrubbed, so that they can be attached to a bug report and replayed offline.
//
// Every request goes through internal/kore's Client, as the provider's do: the same signing, account budget shared
// with the provider processes of the machine, retries, body cap and redaction. A go-vcr recorder sits beneath the
// client's request path (kore.Config.Transport) and keeps every request and answer; before anything is written the
// auth header is dropped, bots' app secrets are emptied, tokens are removed and emails, user names and group names
// are replaced by pseudonyms.
package contract

import (
	"net/url"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Listing endpoint paths, as internal/kore reads them.
const (
	groupsPath      = "/api/public/groups"
	userRolesPath   = "/api/public/alluserroles"
	rolesPath       = "/api/public/roles"
	rolesExportPath = "/api/public/roles/export"
	botsPath        = "/api/public/bots"
)

// endpoint is one endpoint the provider reads.
type endpoint struct {
	key      string // short name in the recording's metadata and on the command line
	name     string // its name in Kore.ai's API reference, for the report
	path     string
	query    url.Values // parameters besides offset and limit
	itemsKey string     // the field holding a page's items; "" for an answer that is a bare array
	item     *shape
	// itemID identifies an item as internal/kore does, to find one seen twice and compare reads; "" if none.
	itemID func(map[string]any) string
	// itemName is what a person calls the item (a group's name, a user's email), compared on replay.
	itemName func(map[string]any) string
}

// listing reports whether the endpoint is paged ({total, availableMore, <items>}).
func (e *endpoint) listing() bool { return e.itemsKey != "" }

// Documented shapes of ids. The sample ids of Kore.ai's documentation hold letters beyond hexadecimal ("5ggf"), so
// only the prefix and the characters are checked.
const (
	groupIDShape = `^e-[A-Za-z0-9-]+$`
	userIDShape  = `^u-[A-Za-z0-9-]+$`
	botIDShape   = `^st-[A-Za-z0-9-]+$`
	anyIDShape   = `^[A-Za-z0-9_:.-]+$`
	uuidShape    = `^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`
)

// groupMember is a user inside a group of Get Groups (kore.User).
var groupMember = object(map[string]*shape{
	"_id":              id(userIDShape, "a user id (u-…)"),
	"emailId":          optStr(),
	"firstName":        optStr(),
	"lastName":         optStr(),
	"jTitle":           optStr(),
	"activationStatus": optStr(),
	"orgId":            optStr(),
	"profImage":        optStr(),
	"profColour":       optStr(),
}, "_id")

// group is an item of Get Groups (kore.Group); a child group is an id or an object holding one.
var group = object(map[string]*shape{
	"_id":       id(groupIDShape, "a group id (e-…)"),
	"gN":        str(),
	"gDesc":     optStr(),
	"groups":    arrayOf(either(id(groupIDShape, "a group id (e-…)"), object(map[string]*shape{"_id": str()}, "_id"))),
	"userCount": optInt(),
	"users":     arrayOf(groupMember),
}, "_id", "gN")

// A role's group list holds group names, never null.
var viaGroups = arrayOf(str())

// userRoles is an item of Get User Roles Details (kore.UserRoles).
var userRoles = object(map[string]*shape{
	"userId":       id(userIDShape, "a user id (u-…)"),
	"username":     id(`^[^@\s]+@[^@\s]+$`, "an email").orNull(),
	"orgUserId":    optStr(),
	"accountId":    optStr(),
	"isDeveloper":  optBool(),
	"canCreateBot": optBool(),
	"btRoles": arrayOf(object(map[string]*shape{
		"roleId": optStr(), "roleName": optStr(), "botId": id(botIDShape, "a bot id (st-…)").orNull(),
		"botName": optStr(), "groups": viaGroups,
	})),
	"adminRoles": arrayOf(object(map[string]*shape{"roleId": optStr(), "roleName": optStr(), "groups": viaGroups})),
}, "userId")

// A permission is "YES"/"NO" for admin roles and a list of strings for bot roles.
var permissions = &shape{kind: kindObject, nullable: true, values: either(str(), &shape{kind: kindArray,
	elem: str()}).orNull()}

// role is an item of Get Roles (kore.Role) of the given type; admin roles may lack _id.
func role(roleType string) *shape {
	return object(map[string]*shape{
		"_id":         id(anyIDShape, "an id"),
		"roleType":    id(`^`+roleType+`$`, "the role type asked for ("+roleType+")"),
		"role":        str(),
		"rDesc":       optStr(),
		"permissions": permissions,
	}, "roleType", "role")
}

// exportedRole is an element of Export Roles: _id is present for admin roles too, and refId is a UUID.
func exportedRole(roleType string) *shape {
	s := role(roleType)
	s.fields["refId"] = id(uuidShape, "a UUID")
	s.required = append(s.required, "_id", "permissions", "refId")
	return s
}

// bot is an item of Get Bots (kore.Bot); an app's clientSecret is never decoded, so any value is read.
var bot = object(map[string]*shape{
	"_id":             id(botIDShape, "a bot id (st-…)"),
	"name":            str(),
	"description":     optStr(),
	"status":          optStr(),
	"purpose":         optStr(),
	"type":            optStr(),
	"defaultLanguage": optStr(),
	"createdOn":       optStr(),
	"createdBy":       optStr(),
	"accountId":       optStr(),
	"isDeflect":       optBool(),
	"jwtApps": arrayOf(object(map[string]*shape{
		"clientId": optStr(), "clientSecret": anything(), "jtiClaimEnforced": optBool(),
		"jweEncryptionEnforced": optBool(), "createdOn": optStr(),
	})),
}, "_id", "name")

func stringField(name string) func(map[string]any) string {
	return func(item map[string]any) string {
		s, _ := item[name].(string)
		return s
	}
}

// roleID is internal/kore's key of a role: its _id, else its type and name.
func roleID(item map[string]any) string {
	if id, _ := item["_id"].(string); id != "" {
		return id
	}
	name, _ := item["role"].(string)
	if name == "" {
		return ""
	}
	roleType, _ := item["roleType"].(string)
	return roleType + ":" + name
}

// endpoints is every endpoint the provider reads, in the order they are checked.
var endpoints = []*endpoint{
	{key: "groups", name: "Get Groups", path: groupsPath, itemsKey: "groups", item: group,
		itemID: stringField("_id"), itemName: stringField("gN")},
	{key: "users", name: "Get User Roles Details", path: userRolesPath, itemsKey: "users", item: userRoles,
		itemID: stringField("userId"), itemName: stringField("username")},
	{key: "roles-admin", name: "Get Roles (admin)", path: rolesPath, query: roleTypeQuery(kore.RoleTypeAdmin),
		itemsKey: "roles", item: role(kore.RoleTypeAdmin), itemID: roleID, itemName: stringField("role")},
	{key: "roles-bot", name: "Get Roles (bot)", path: rolesPath, query: roleTypeQuery(kore.RoleTypeBot),
		itemsKey: "roles", item: role(kore.RoleTypeBot), itemID: roleID, itemName: stringField("role")},
	{key: "roles-export-admin", name: "Export Roles (admin)", path: rolesExportPath,
		query: roleTypeQuery(kore.RoleTypeAdmin), item: exportedRole(kore.RoleTypeAdmin), itemID: roleID,
		itemName: stringField("role")},
	{key: "roles-export-bot", name: "Export Roles (bot)", path: rolesExportPath,
		query: roleTypeQuery(kore.RoleTypeBot), item: exportedRole(kore.RoleTypeBot), itemID: roleID,
		itemName: stringField("role")},
	{key: "bots", name: "Get Bots", path: botsPath, itemsKey: "bots", item: bot,
		itemID: stringField("_id"), itemName: stringField("name")},
}

func roleTypeQuery(roleType string) url.Values { return url.Values{"roleType": {roleType}} }

// endpointByKey returns the endpoint named key, or nil.
func endpointByKey(key string) *endpoint {
	for _, e := range endpoints {
		if e.key == key {
			return e
		}
	}
	return nil
}
