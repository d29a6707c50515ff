package fakekore

// Access is the data behind Get User Roles Details, Get Roles and Get Bots. GenerateAccess builds one consistent
// with a set of groups; tests may also write their own or change a generated one.
type Access struct {
	// Users is served, in order, by Get User Roles Details.
	Users []UserRoles
	// Roles is served by Get Roles, filtered by roleType: each role is listed under the roleType it carries, in
	// order.
	Roles []Role
	// Bots is served, in order, by Get Bots.
	Bots []Bot
}

// The fields below follow one rule, so that a fixture can reproduce every shape of Kore.ai's answers: a field
// documented as optional is a pointer (or a slice) tagged omitzero, and is left out of the JSON when nil; a
// required list is sent as null when nil and as [] when empty.

// UserRoles is one entry of the "users" array of Get User Roles Details, in the order Kore.ai documents the
// fields.
type UserRoles struct {
	ID           string  `json:"userId"`
	Username     string  `json:"username"`
	OrgUserID    *string `json:"orgUserId,omitzero"`
	AccountID    string  `json:"accountId"`
	IsDeveloper  bool    `json:"isDeveloper"`
	CanCreateBot bool    `json:"canCreateBot"`
	// BotRoles is btRoles: the user's role in each bot.
	BotRoles []BotRoleGrant `json:"btRoles"`
	// AdminRoles is adminRoles: the user's account-level roles.
	AdminRoles []AdminRoleGrant `json:"adminRoles"`
}

// BotRoleGrant is one entry of a user's btRoles. Groups names the groups through which the role reaches the
// user; it is empty when the role is assigned to the user directly.
type BotRoleGrant struct {
	RoleID   string   `json:"roleId"`
	RoleName string   `json:"roleName"`
	BotID    string   `json:"botId"`
	BotName  string   `json:"botName"`
	Groups   []string `json:"groups"`
}

// AdminRoleGrant is one entry of a user's adminRoles; Groups as in BotRoleGrant.
type AdminRoleGrant struct {
	RoleID   string   `json:"roleId"`
	RoleName string   `json:"roleName"`
	Groups   []string `json:"groups"`
}

// Role types accepted by Get Roles' roleType parameter.
const (
	RoleTypeAdmin = "admin"
	RoleTypeBot   = "bot"
)

// Role is one entry of the "roles" array of Get Roles, and of the array of Export Roles. Kore.ai leaves _id out of
// admin roles in Get Roles (Export Roles sends it: ExportedID) and rDesc out of some custom roles. Permissions maps
// each permission name to "YES"/"NO" for admin roles and to a list of strings (such as []string{"VIEW", "TEST"})
// for bot roles; any JSON value may be set to imitate other shapes.
type Role struct {
	RoleType    string         `json:"roleType"`
	ID          *string        `json:"_id,omitzero"`
	Name        string         `json:"role"`
	Description *string        `json:"rDesc,omitzero"`
	Permissions map[string]any `json:"permissions"`
	// ExportedID is the _id Export Roles sends when ID is nil: the id of an admin role, which users' adminRoles
	// name as roleId. With both nil, Export Roles sends the role without _id.
	ExportedID *string `json:"-"`
	// RefID is Export Roles' refId (a UUID); Get Roles does not send it.
	RefID *string `json:"-"`
}

// exportedRole is one element of Export Roles.
type exportedRole struct {
	RoleType    string         `json:"roleType"`
	ID          *string        `json:"_id,omitzero"`
	Name        string         `json:"role"`
	Description *string        `json:"rDesc,omitzero"`
	Permissions map[string]any `json:"permissions"`
	RefID       *string        `json:"refId,omitzero"`
}

// Bot is one entry of the "bots" array of Get Bots. Only _id and name are always sent: older answers lack
// several of the other fields.
type Bot struct {
	ID                    string   `json:"_id"`
	Name                  string   `json:"name"`
	Description           *string  `json:"description,omitzero"`
	Status                *string  `json:"status,omitzero"`
	Purpose               *string  `json:"purpose,omitzero"`
	Type                  *string  `json:"type,omitzero"`
	DefaultLanguage       *string  `json:"defaultLanguage,omitzero"`
	CreatedOn             *string  `json:"createdOn,omitzero"`
	CreatedBy             *string  `json:"createdBy,omitzero"`
	AccountID             *string  `json:"accountId,omitzero"`
	IsDeflect             *bool    `json:"isDeflect,omitzero"`
	ResourceID            *string  `json:"resourceid,omitzero"`
	Icon                  *string  `json:"icon,omitzero"`
	IsLinkedTo            []string `json:"isLinkedTo,omitzero"`
	ContainsPanelOrWidget *bool    `json:"containsPanelOrWidget,omitzero"`
	JWTApps               []JWTApp `json:"jwtApps,omitzero"`
}

// JWTApp is one of a bot's JWT apps. ClientSecret is a live credential on a real account; the generated ones
// start with BotSecretPrefix so that tests can search output, logs and state for them.
type JWTApp struct {
	ClientID              string  `json:"clientId"`
	ClientSecret          string  `json:"clientSecret"`
	JTIClaimEnforced      bool    `json:"jtiClaimEnforced"`
	JWEEncryptionEnforced bool    `json:"jweEncryptionEnforced"`
	CreatedOn             *string `json:"createdOn,omitzero"`
}
