package fakekore

import (
	"slices"
	"strconv"
	"time"
)

// BotSecretPrefix starts every jwtApps[].clientSecret that GenerateAccess makes ("cs-fake-secret-1", ...), so
// that tests can search output, logs and state for any of them.
const BotSecretPrefix = "cs-fake-secret-"

// Seeds of the id streams of the access data, apart from those of groups and users.
const (
	botIDSeed       = 0x626f74
	appIDSeed       = 0x617070
	adminRoleIDSeed = 0x61726f6c65
	botRoleIDSeed   = 0x62726f6c65
	roleRefIDSeed   = 0x726566
	accountIDSeed   = 0x6163636f756e74
	directUserSeed  = 0x6469726563
)

// Role names that GenerateAccess uses, in the order Get Roles lists them.
const (
	RoleMasterAdmin   = "Master Admin"
	RoleBotAdmin      = "Bot Admin"
	RoleUserAdmin     = "User Admin"
	RoleSecurityAdmin = "Security Admin"
	RoleBillingAdmin  = "Billing Admin"
	RoleAuditViewer   = "Audit Viewer" // custom: no rDesc

	RoleBotOwner           = "Bot Owner"
	RoleBotDeveloper       = "Bot Developer"
	RoleBotTester          = "Bot Tester"
	RoleAnalyst            = "Analyst"
	RoleChannelManager     = "Channel Manager"
	RoleComplianceReviewer = "Compliance Reviewer" // custom: no rDesc
)

// The permission names vary by account on Kore.ai; these are plausible ones, "&" included to check that
// nothing escapes it.
var (
	adminPermissions = []string{
		"Bot Management", "User Management", "Role Management", "Enterprise Settings", "Security & Control",
		"Analytics", "Billing", "Audit Logs",
	}
	botPermissions = []string{
		"Dialog Tasks", "Knowledge Graph", "Test & Train", "Publish", "Analytics", "Channels", "Settings",
	}
	botNames = []string{
		"Customer Support Assistant", "HR Helpdesk", "IT Service Desk", "Banking Assistant", "Claims Intake",
		"Order Tracker", "Café Concierge 日本", "Employee Onboarding", "Travel Desk", "Payroll Questions",
	}
	// groupGrantedBotRoles are the bot roles that groups grant, in turn.
	groupGrantedBotRoles = []string{
		RoleBotDeveloper, RoleBotTester, RoleAnalyst, RoleChannelManager, RoleComplianceReviewer,
	}
)

// generationEpoch is the creation time of the first generated bot.
var generationEpoch = time.Date(2021, time.March, 4, 9, 15, 0, 0, time.UTC)

// GenerateAccess returns users, roles and bots consistent with groups (the groups the same Server serves): the
// same arguments always give the same data.
//
//   - Roles: six admin roles (no _id in Get Roles, as Kore.ai's sample; Export Roles sends it; permissions
//     "YES"/"NO", one custom role without rDesc) and six bot roles (with _id, permissions lists such as ["FULL"]
//     and ["VIEW","TEST"], one without rDesc), each with a refId for Export Roles.
//   - Bots: bots bots (cycling through plausible names, one with unicode); bots 0, 1, 4, 5, 8, ... carry two
//     or one JWT apps whose secrets start with BotSecretPrefix, bots 3, 7, ... have an empty jwtApps list and
//     bots 2, 6, ... have the older shape: _id, name, status, createdOn, createdBy and accountId only.
//   - Users: groups spread evenly through groups grant one bot role each (about one group in twenty per bot,
//     at least one per bot); the first two neighbouring groups that share members grant the first bot's
//     Bot Developer role too, so those members hold it through two groups; the middle and last groups grant
//     admin roles. Every member of a granting group is listed with the role and the group's name. Besides
//     them: the account owner (Master Admin, and Bot Owner of every bot, directly), one user per bot holding
//     roles directly, one member of a group that grants nothing holding a role directly, and one user holding
//     no role at all. Every fourth user lacks orgUserId.
//
// bots below 1 gives no bots, and then no bot roles are held.
func GenerateAccess(groups []Group, bots int) Access {
	g := &accessGenerator{accountID: objectIDLike(accountIDSeed, 0), byID: make(map[string]*UserRoles)}
	g.roles()
	g.owner = g.user(uuidLike("u-", directUserSeed, 0), "account.owner@example.com")
	g.bots(max(bots, 0))

	g.grantAdmin(g.owner, RoleMasterAdmin, nil)
	for b := range g.botList {
		g.grantBot(g.owner, b, RoleBotOwner, nil)
	}
	g.grantThroughGroups(groups)
	g.grantDirectly(groups)
	g.user(uuidLike("u-", directUserSeed, uint64(len(g.botList)+1)), "former.contractor@example.com")
	return g.finish()
}

type accessGenerator struct {
	accountID string
	roleList  []Role
	roleIDs   map[string]string // role name -> id, for admin roles too although Get Roles omits it
	botList   []Bot
	owner     *UserRoles
	users     []*UserRoles
	byID      map[string]*UserRoles
	secrets   int
}

func (g *accessGenerator) roles() {
	g.roleIDs = make(map[string]string)
	add := func(roleType, name, description string, permissions map[string]any) {
		seed, index := uint64(adminRoleIDSeed), uint64(len(g.roleIDs))
		if roleType == RoleTypeBot {
			seed = botRoleIDSeed
		}
		id := objectIDLike(seed, index)
		g.roleIDs[name] = id
		role := Role{RoleType: roleType, Name: name, Permissions: permissions,
			RefID: Ptr(uuidLike("", roleRefIDSeed, index))}
		if roleType == RoleTypeBot {
			role.ID = Ptr(id)
		} else {
			role.ExportedID = Ptr(id) // Get Roles leaves it out; Export Roles and users' adminRoles carry it
		}
		if description != "" {
			role.Description = Ptr(description)
		}
		g.roleList = append(g.roleList, role)
	}
	admin := func(granted ...string) map[string]any {
		permissions := make(map[string]any, len(adminPermissions))
		for _, name := range adminPermissions {
			permissions[name] = "NO"
		}
		for _, name := range granted {
			permissions[name] = "YES"
		}
		return permissions
	}
	bot := func(otherwise []string, granted map[string][]string) map[string]any {
		permissions := make(map[string]any, len(botPermissions))
		for _, name := range botPermissions {
			permissions[name] = otherwise
		}
		for name, value := range granted {
			permissions[name] = value
		}
		return permissions
	}

	add(RoleTypeAdmin, RoleMasterAdmin, "Full access to every feature of the Admin Console", admin(adminPermissions...))
	add(RoleTypeAdmin, RoleBotAdmin, "Manages bots and their deployment", admin("Bot Management", "Analytics"))
	add(RoleTypeAdmin, RoleUserAdmin, "Manages users, groups and role assignments",
		admin("User Management", "Role Management"))
	add(RoleTypeAdmin, RoleSecurityAdmin, "Manages security & compliance settings",
		admin("Security & Control", "Enterprise Settings", "Audit Logs"))
	add(RoleTypeAdmin, RoleBillingAdmin, "Manages invoices and plans", admin("Billing"))
	add(RoleTypeAdmin, RoleAuditViewer, "", admin("Analytics", "Audit Logs"))

	full, none := []string{"FULL"}, []string{"NO"}
	add(RoleTypeBot, RoleBotOwner, "Owns the bot: every permission", bot(full, nil))
	add(RoleTypeBot, RoleBotDeveloper, "Builds and tests the bot; cannot publish",
		bot(full, map[string][]string{"Publish": {"VIEW"}}))
	add(RoleTypeBot, RoleBotTester, "Tests conversations and reads analytics",
		bot(none, map[string][]string{"Test & Train": {"VIEW", "TEST"}, "Analytics": {"VIEW"}}))
	add(RoleTypeBot, RoleAnalyst, "Reads analytics", bot(none, map[string][]string{"Analytics": full}))
	add(RoleTypeBot, RoleChannelManager, "Configures channels and publishes",
		bot([]string{"VIEW"}, map[string][]string{"Channels": {"YES"}, "Publish": {"YES"}}))
	add(RoleTypeBot, RoleComplianceReviewer, "",
		bot(none, map[string][]string{"Analytics": {"VIEW"}, "Settings": {"VIEW"}, "Dialog Tasks": {"VIEW"}}))
}

func (g *accessGenerator) bots(n int) {
	g.botList = make([]Bot, n)
	for i := range g.botList {
		name := botNames[i%len(botNames)]
		if i >= len(botNames) {
			name += " " + strconv.Itoa(i/len(botNames)+1)
		}
		b := &g.botList[i]
		b.ID = uuidLike("st-", botIDSeed, uint64(i))
		b.Name = name
		b.Status = Ptr("published")
		if i%3 == 1 {
			b.Status = Ptr("configured")
		}
		b.CreatedOn = Ptr(generationEpoch.AddDate(0, 0, 37*i).Format("2006-01-02T15:04:05.000Z"))
		b.CreatedBy = Ptr(g.owner.ID)
		b.AccountID = Ptr(g.accountID)
		if i%4 == 2 { // the older shape
			continue
		}

		purpose := "customer"
		if i%2 == 1 {
			purpose = "employee"
		}
		b.Description = Ptr(name + " for " + purpose + " questions")
		b.Purpose = Ptr(purpose)
		b.Type = Ptr("default")
		b.IsLinkedTo = []string{}
		if i%4 == 3 {
			b.Type = Ptr("universalbot")
			b.IsLinkedTo = []string{g.botList[i-3].ID, g.botList[i-2].ID}
		}
		b.DefaultLanguage = Ptr([]string{"en", "en", "de", "en", "ja"}[i%5])
		b.IsDeflect = Ptr(i%5 == 4)
		b.ResourceID = Ptr(b.ID)
		b.Icon = Ptr("bot-icon.png")
		b.ContainsPanelOrWidget = Ptr(i%3 == 0)
		b.JWTApps = []JWTApp{}
		for app := range []int{2, 1, 0, 0}[i%4] {
			g.secrets++
			b.JWTApps = append(b.JWTApps, JWTApp{
				ClientID:              uuidLike("cs-", appIDSeed, uint64(g.secrets)),
				ClientSecret:          BotSecretPrefix + strconv.Itoa(g.secrets),
				JTIClaimEnforced:      app == 0,
				JWEEncryptionEnforced: app == 1,
				CreatedOn:             Ptr(generationEpoch.AddDate(0, 0, 37*i+app+1).Format("2006-01-02T15:04:05.000Z")),
			})
		}
	}
}

// grantThroughGroups lets some groups grant roles to all their members.
func (g *accessGenerator) grantThroughGroups(groups []Group) {
	n := len(groups)
	if n == 0 {
		return
	}
	if bots := len(g.botList); bots > 0 {
		slots := bots * max(1, n/(bots*20))
		for s := range slots {
			g.grantGroup(groups[s*n/slots], func(u *UserRoles, name string) {
				g.grantBot(u, s%bots, groupGrantedBotRoles[s%len(groupGrantedBotRoles)], []string{name})
			})
		}
		if n >= 2 {
			// Two neighbours, sharing members when any do, grant slot 0's role too: those members hold it
			// through both groups.
			pair := 0
			for i := 0; i+1 < n; i++ {
				if sharesMember(groups[i], groups[i+1]) {
					pair = i
					break
				}
			}
			for _, group := range groups[pair : pair+2] {
				g.grantGroup(group, func(u *UserRoles, name string) {
					g.grantBot(u, 0, groupGrantedBotRoles[0], []string{name})
				})
			}
		}
	}
	g.grantGroup(groups[n/2], func(u *UserRoles, name string) { g.grantAdmin(u, RoleAuditViewer, []string{name}) })
	g.grantGroup(groups[n-1], func(u *UserRoles, name string) { g.grantAdmin(u, RoleSecurityAdmin, []string{name}) })
}

func sharesMember(a, b Group) bool {
	for _, u := range a.Users {
		for _, v := range b.Users {
			if u.ID == v.ID {
				return true
			}
		}
	}
	return false
}

func (g *accessGenerator) grantGroup(group Group, grant func(u *UserRoles, groupName string)) {
	for _, member := range group.Users {
		email := ""
		if member.Email != nil {
			email = *member.Email
		}
		grant(g.user(member.ID, email), group.Name)
	}
}

// grantDirectly gives one user per bot, and one member of a group that grants nothing, roles of their own.
func (g *accessGenerator) grantDirectly(groups []Group) {
	for b := range g.botList {
		first, last := firstNames[(b+5)%len(firstNames)], lastNames[(b+3)%len(lastNames)]
		u := g.user(uuidLike("u-", directUserSeed, uint64(b+1)),
			first.ascii+"."+last.ascii+".direct"+strconv.Itoa(b+1)+"@example.com")
		g.grantBot(u, b, RoleBotDeveloper, nil)
		if len(g.botList) > 1 {
			g.grantBot(u, (b+1)%len(g.botList), RoleBotTester, nil)
		}
		switch b {
		case 0:
			g.grantAdmin(u, RoleBotAdmin, nil)
		case 1:
			g.grantAdmin(u, RoleUserAdmin, nil)
		}
	}
	if len(g.botList) == 0 {
		return
	}
	for _, group := range groups {
		for _, member := range group.Users {
			if _, holdsRoles := g.byID[member.ID]; holdsRoles || member.Email == nil {
				continue
			}
			g.grantBot(g.user(member.ID, *member.Email), 0, RoleAnalyst, nil)
			return
		}
	}
}

// user returns the user with id, adding it (with no roles) the first time.
func (g *accessGenerator) user(id, username string) *UserRoles {
	if u, ok := g.byID[id]; ok {
		return u
	}
	u := &UserRoles{
		ID: id, Username: username, AccountID: g.accountID,
		BotRoles: []BotRoleGrant{}, AdminRoles: []AdminRoleGrant{},
	}
	if len(g.users)%4 != 3 {
		u.OrgUserID = Ptr("EMP-" + zeroPadded(10000+len(g.users)))
	}
	g.users = append(g.users, u)
	g.byID[id] = u
	return u
}

// grantBot adds role in bot b to u, or adds groups to the grant u already holds.
func (g *accessGenerator) grantBot(u *UserRoles, b int, role string, groups []string) {
	bot := &g.botList[b]
	for i := range u.BotRoles {
		if held := &u.BotRoles[i]; held.BotID == bot.ID && held.RoleName == role {
			held.Groups = appendNew(held.Groups, groups)
			return
		}
	}
	u.BotRoles = append(u.BotRoles, BotRoleGrant{
		RoleID: g.roleIDs[role], RoleName: role, BotID: bot.ID, BotName: bot.Name,
		Groups: append([]string{}, groups...),
	})
}

func (g *accessGenerator) grantAdmin(u *UserRoles, role string, groups []string) {
	for i := range u.AdminRoles {
		if held := &u.AdminRoles[i]; held.RoleName == role {
			held.Groups = appendNew(held.Groups, groups)
			return
		}
	}
	u.AdminRoles = append(u.AdminRoles, AdminRoleGrant{
		RoleID: g.roleIDs[role], RoleName: role, Groups: append([]string{}, groups...),
	})
}

// appendNew appends the names of added that list lacks.
func appendNew(list, added []string) []string {
	for _, name := range added {
		if !slices.Contains(list, name) {
			list = append(list, name)
		}
	}
	return list
}

func (g *accessGenerator) finish() Access {
	users := make([]UserRoles, len(g.users))
	for i, u := range g.users {
		for _, grant := range u.BotRoles {
			if grant.RoleName == RoleBotOwner || grant.RoleName == RoleBotDeveloper {
				u.IsDeveloper = true
			}
		}
		u.CanCreateBot = u.IsDeveloper
		for _, grant := range u.AdminRoles {
			if grant.RoleName == RoleMasterAdmin || grant.RoleName == RoleBotAdmin {
				u.CanCreateBot = true
			}
		}
		users[i] = *u
	}
	return Access{Users: users, Roles: g.roleList, Bots: g.botList}
}

// objectIDLike formats a deterministic 24-digit lower-case hex id, shaped like a MongoDB ObjectId.
func objectIDLike(seed, index uint64) string {
	id := uuidLike("", seed, index) // 8-4-4-4-12
	return id[:8] + id[9:13] + id[14:18] + id[19:23] + id[24:28]
}
