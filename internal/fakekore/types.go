package fakekore

// Group is one entry of the "groups" array of Get Groups, field for field and in the order Kore.ai sends them.
// Nil pointers and slices are sent as null, so a fixture can reproduce every shape the real API produces.
type Group struct {
	ID          string  `json:"_id"`
	Name        string  `json:"gN"`
	Description *string `json:"gDesc"`
	// ChildGroups holds child group ids as Kore.ai may send them: plain strings or objects such as ChildGroupRef.
	ChildGroups []any  `json:"groups"`
	Users       []User `json:"users"`
	UserCount   *int   `json:"userCount"`
}

// User is one member of a group, in the field order of Kore.ai's sample response (lastName before firstName).
type User struct {
	ID               string  `json:"_id"`
	Email            *string `json:"emailId"`
	LastName         *string `json:"lastName"`
	FirstName        *string `json:"firstName"`
	ProfileImage     *string `json:"profImage"`
	ProfileColor     *string `json:"profColour"`
	ActivationStatus *string `json:"activationStatus"`
	JobTitle         *string `json:"jTitle"`
	OrgID            *string `json:"orgId"`
}

// ChildGroupRef is the object form of a child group entry: {"_id": "..."}.
type ChildGroupRef struct {
	ID string `json:"_id"`
}

// Ptr returns a pointer to v, for writing fixtures with nullable fields.
func Ptr[T any](v T) *T { return &v }
