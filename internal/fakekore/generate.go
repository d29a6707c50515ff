package fakekore

import "strconv"

type namePart struct{ display, ascii string }

var (
	departments = []string{
		"Engineering", "Finance", "Human Resources", "Legal", "Marketing", "Operations", "Product", "Sales",
		"Security", "Support", "Audit", "Risk Management", "Customer Success", "Data Platform", "Design",
		"Procurement",
	}
	firstNames = []namePart{
		{"Ada", "ada"}, {"Zoë", "zoe"}, {"Jürgen", "jurgen"}, {"Sofía", "sofia"}, {"Hiroshi", "hiroshi"},
		{"Amara", "amara"}, {"Liam", "liam"}, {"Priya", "priya"}, {"Mateo", "mateo"}, {"Olga", "olga"},
		{"Chen", "chen"}, {"Fatima", "fatima"}, {"Noah", "noah"}, {"Ingrid", "ingrid"}, {"Kwame", "kwame"},
		{"Elena", "elena"},
	}
	lastNames = []namePart{
		{"Lovelace", "lovelace"}, {"Müller", "mueller"}, {"García", "garcia"}, {"Tanaka", "tanaka"},
		{"O'Brien", "obrien"}, {"Nguyen", "nguyen"}, {"Okafor", "okafor"}, {"Kowalski", "kowalski"},
		{"Rossi", "rossi"}, {"Haddad", "haddad"}, {"Johansson", "johansson"}, {"Silva", "silva"},
		{"Dubois", "dubois"}, {"Sato", "sato"}, {"Ivanova", "ivanova"}, {"山田", "yamada"},
	}
	jobTitles = []string{
		"Software Engineer", "Analyst", "Team Lead", "Auditor", "Account Executive", "Designer",
		"Support Specialist", "Director",
	}
	profileColors = []string{"#ffd700", "#2e8b57", "#ff0000", "#1e90ff", "#8a2be2", "#ff8c00", "#008080"}
)

const (
	unicodeGroupName        = "Équipe ünïcode 日本"
	unicodeGroupDescription = "Équipe ünïcode 日本 — accents, ümlauts et 日本語"

	// Seeds keep the id streams of groups, users and the organisation apart.
	groupIDSeed = 0x67726f7570
	userIDSeed  = 0x75736572
	orgIDSeed   = 0x6f7267
)

// GenerateGroups returns n realistic groups of usersPerGroup members each; the same arguments always give the
// same groups. Users come from a shared pool so that neighbouring groups share half their members (the same
// user, id and emailId in several groups). The data mixes the shapes the real API produces: jTitle null, ""
// or set; profColour "" or a colour; gDesc null, "" or set; unicode in some names and descriptions; child
// groups as id strings in some groups and as {"_id": ...} objects in others.
func GenerateGroups(n, usersPerGroup int) []Group {
	if n <= 0 {
		return []Group{}
	}
	usersPerGroup = max(usersPerGroup, 0)

	// Group i takes pool members [i*step, i*step+usersPerGroup) modulo the pool, so groups i and i+1 overlap.
	step := max(usersPerGroup/2, 1)
	pool := newUserPool(max(usersPerGroup, n*step))

	ids := make([]string, n)
	for i := range ids {
		ids[i] = uuidLike("e-", groupIDSeed, uint64(i))
	}

	groups := make([]Group, n)
	for i := range groups {
		number := zeroPadded(i + 1)
		department := departments[i%len(departments)]
		g := &groups[i]
		g.ID = ids[i]
		g.Name = department + " " + number

		switch {
		case i%50 == 7:
			g.Name = unicodeGroupName + " " + number
			g.Description = Ptr(unicodeGroupDescription)
		case i%17 == 3:
			g.Description = nil
		case i%23 == 5:
			g.Description = Ptr("")
		default:
			g.Description = Ptr(department + " team " + number)
		}

		switch {
		case i%10 == 0 && i+2 < n:
			g.ChildGroups = []any{ids[i+1], ids[i+2]}
		case i%10 == 5 && i+1 < n:
			g.ChildGroups = []any{ChildGroupRef{ID: ids[i+1]}}
		default:
			g.ChildGroups = []any{}
		}

		g.Users = pool.members(i*step, usersPerGroup)
		g.UserCount = Ptr(len(g.Users))
	}
	return groups
}

// person is one pool member; its strings are shared by every group it belongs to.
type person struct {
	id, email, firstName, lastName, profileImage, profileColor, activationStatus string
	jobTitle                                                                     *string
}

type userPool struct {
	people []person
	orgID  string
}

func newUserPool(size int) *userPool {
	pool := &userPool{people: make([]person, size), orgID: uuidLike("o-", orgIDSeed, 0)}
	for p := range pool.people {
		first := firstNames[p%len(firstNames)]
		last := lastNames[(p/len(firstNames))%len(lastNames)]
		someone := &pool.people[p]
		someone.id = uuidLike("u-", userIDSeed, uint64(p))
		someone.email = first.ascii + "." + last.ascii + "." + strconv.Itoa(p+1) + "@example.com"
		someone.firstName = first.display
		someone.lastName = last.display
		someone.profileImage = "no-avatar"
		if p%3 == 0 {
			someone.profileImage = "profile.png"
		}
		if p%11 != 4 {
			someone.profileColor = profileColors[p%len(profileColors)]
		}
		someone.activationStatus = "active"
		if p%19 == 6 {
			someone.activationStatus = "inactive"
		}
		switch p % 7 {
		case 3: // jTitle null
		case 5:
			someone.jobTitle = Ptr("")
		default:
			someone.jobTitle = &jobTitles[p%len(jobTitles)]
		}
	}
	return pool
}

// userFields is the number of nullable string fields of a User.
const userFields = 8

// members returns count users starting at pool index first. Each group gets its own pointers (allocated in one
// block), so changing a field in one group's fixture never changes another group.
func (pool *userPool) members(first, count int) []User {
	users := make([]User, count)
	values := make([]string, count*userFields)
	for k := range users {
		someone := &pool.people[(first+k)%len(pool.people)]
		v := values[k*userFields : (k+1)*userFields : (k+1)*userFields]
		v[0], v[1], v[2], v[3] = someone.email, someone.lastName, someone.firstName, someone.profileImage
		v[4], v[5], v[6] = someone.profileColor, someone.activationStatus, pool.orgID
		u := &users[k]
		u.ID = someone.id
		u.Email, u.LastName, u.FirstName, u.ProfileImage = &v[0], &v[1], &v[2], &v[3]
		u.ProfileColor, u.ActivationStatus, u.OrgID = &v[4], &v[5], &v[6]
		if someone.jobTitle != nil {
			v[7] = *someone.jobTitle
			u.JobTitle = &v[7]
		}
	}
	return users
}

// uuidLike formats a deterministic id shaped like Kore.ai's: prefix + 8-4-4-4-12 lower-case hex.
func uuidLike(prefix string, seed, index uint64) string {
	const hexDigits = "0123456789abcdef"
	hi := splitmix64(seed ^ index*0x9e3779b97f4a7c15)
	lo := splitmix64(hi ^ index)
	hi = hi&^0xf000 | 0x5000                         // version nibble 5, as in the sample ids
	lo = lo&^0xc000000000000000 | 0x8000000000000000 // RFC 4122 variant

	var out [36]byte
	pos := 0
	for i := range 32 {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			out[pos] = '-'
			pos++
		}
		word, shift := hi, uint(60-4*i)
		if i >= 16 {
			word, shift = lo, uint(60-4*(i-16))
		}
		out[pos] = hexDigits[(word>>shift)&0xf]
		pos++
	}
	return prefix + string(out[:])
}

// splitmix64 is a fixed, well-mixed hash, so ids stay the same across Go releases.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// zeroPadded formats n with at least three digits: 7 -> "007".
func zeroPadded(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}
