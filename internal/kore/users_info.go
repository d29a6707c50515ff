package kore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"
)

// usersInfoPath is Get User Information.
const usersInfoPath = "/api/public/usersInfo"

// ScopeUserManagement is the Admin Console API scope of Get User Information.
const ScopeUserManagement = "User Management > User Management"

// UsersInfoBatch is the most emails asked for in one request of Get User Information. The API documents no most;
// 50 keeps each answer small and matches the listings' page size.
const UsersInfoBatch = 50

// UserInfo is what Get User Information says of one user: the "userInfo" object of its answer. A user the API
// could not return comes back inside the 200 with status "failure" and a reason; Failed is then true.
type UserInfo struct {
	Email     string  `json:"emailId"`
	UserID    *string `json:"userId"`
	FirstName *string `json:"firstName"`
	LastName  *string `json:"lastName"`
	// Status is "active" or "not active" as documented; other values (suspended or locked users) pass through.
	Status    *string `json:"status"`
	LastLogin *string `json:"lastLogin"` // an ISO time, absent when the user never logged in
	// Failed marks an answer of status "failure"; Reason is its message, cleaned.
	Failed bool   `json:"failed,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// UsersInfo is the answer of Get User Information for a set of emails, read in batches.
type UsersInfo struct {
	// Users maps each email asked for (as asked) to what the API said of it, failures included.
	Users map[string]UserInfo
	// Requests is the number of requests the read took.
	Requests int
}

// UsersInfoRequests is how many requests GetUsersInfo makes for n emails.
func UsersInfoRequests(n int) int { return (n + UsersInfoBatch - 1) / UsersInfoBatch }

// GetUsersInfo reads Get User Information for every email, in batches of at most UsersInfoBatch emails
// ({"emailIds": [...], "status": "all"}), concurrently within MaxConcurrency and the account's budget. Every email
// must be answered exactly once, as a user or as a failure: an answer that leaves one out, names one not asked for
// or names one twice fails the read. Reads of the same emails are shared like every read.
func (c *Client) GetUsersInfo(ctx context.Context, emails []string) (*UsersInfo, error) {
	asked := slices.Clone(emails)
	slices.Sort(asked)
	asked = slices.Compact(asked)
	sum := sha256.Sum256([]byte(strings.Join(asked, "\x00")))
	key := readKey{key: usersInfoPath + "?emails=" + hex.EncodeToString(sum[:16]), name: "user information"}
	return sharedRead(ctx, c, key, func(ctx context.Context) (*UsersInfo, error) {
		return c.readUsersInfo(ctx, asked)
	})
}

func (c *Client) readUsersInfo(ctx context.Context, emails []string) (*UsersInfo, error) {
	batches := slices.Collect(slices.Chunk(emails, UsersInfoBatch))
	answers := make([][]UserInfo, len(batches))
	group, groupCtx := errgroup.WithContext(ctx)
	group.SetLimit(c.maxConcurrency)
	for i, batch := range batches {
		group.Go(func() error {
			users, err := c.usersInfoBatch(groupCtx, batch, i)
			answers[i] = users
			return err
		})
	}
	if err := group.Wait(); err != nil {
		return nil, err
	}
	result := &UsersInfo{Users: make(map[string]UserInfo, len(emails)), Requests: len(batches)}
	for i, users := range answers {
		for _, user := range users {
			result.Users[user.Email] = user
		}
		if err := checkBatch(batches[i], users, i); err != nil {
			return nil, err
		}
	}
	return result, nil
}

// checkBatch holds one answer to the emails it was asked for: each exactly once.
func checkBatch(asked []string, users []UserInfo, batch int) error {
	count := make(map[string]int, len(asked))
	for _, email := range asked {
		count[email] = 0
	}
	var unasked, twice []string
	for _, user := range users {
		n, ok := count[user.Email]
		switch {
		case !ok:
			unasked = append(unasked, user.Email)
		case n == 1:
			twice = append(twice, user.Email)
		}
		count[user.Email] = n + 1
	}
	var missing []string
	for _, email := range asked {
		if count[email] == 0 {
			missing = append(missing, email)
		}
	}
	fail := func(what string, emails []string) error {
		return &PaginationError{Endpoint: "user information", Page: batch, Reason: fmt.Sprintf(
			"the answer %s %d of the %d emails asked for: %s", what, len(emails), len(asked), quotedFew(emails))}
	}
	switch {
	case len(unasked) > 0:
		return &PaginationError{Endpoint: "user information", Page: batch, Reason: fmt.Sprintf(
			"the answer names %d emails that were not asked for: %s", len(unasked), quotedFew(unasked))}
	case len(twice) > 0:
		return fail("names twice", twice)
	case len(missing) > 0:
		return fail("leaves out", missing)
	}
	return nil
}

// quotedFew quotes the first few of a list, then counts the rest.
func quotedFew(list []string) string {
	const few = 3
	quoted := make([]string, 0, few)
	for _, s := range list[:min(len(list), few)] {
		quoted = append(quoted, fmt.Sprintf("%q", s))
	}
	text := strings.Join(quoted, ", ")
	if len(list) > few {
		text += fmt.Sprintf(" and %d more", len(list)-few)
	}
	return text
}

// usersInfoBatch asks for one batch of emails; batch numbers it in errors.
func (c *Client) usersInfoBatch(ctx context.Context, emails []string, batch int) ([]UserInfo, error) {
	body, err := json.Marshal(struct {
		EmailIDs []string `json:"emailIds"`
		Status   string   `json:"status"`
	}{emails, "all"})
	if err != nil {
		return nil, err
	}
	at := request{endpoint: "user information", page: batch, scope: ScopeUserManagement}
	got, err := c.send(ctx, "POST", c.apiBase+usersInfoPath, body, at)
	if err != nil {
		return nil, err
	}
	users, err := decodeUsersInfo(got.body)
	if err != nil {
		return nil, &DecodeError{StatusCode: got.status, Page: batch, Err: err, Endpoint: "user information",
			BodyBytes: len(got.body), ContentType: c.redactor.clean([]byte(got.contentType), maxShownChars),
			// Kore.ai encrypts Get User Information for apps that enforce payload encryption.
			MaybeEncrypted: errors.Is(err, errNotEnvelope)}
	}
	for i := range users {
		users[i].Reason = c.redactor.clean([]byte(users[i].Reason), maxShownChars)
	}
	return users, nil
}

// usersInfoElement is one element of the answer's array.
type usersInfoElement struct {
	UserInfo *struct {
		Email     *string `json:"emailId"`
		UserID    *string `json:"userId"`
		FirstName *string `json:"firstName"`
		LastName  *string `json:"lastName"`
		Status    *string `json:"status"`
		LastLogin *string `json:"lastLogin"`
		Reason    *struct {
			Errors []struct {
				Msg string `json:"msg"`
			} `json:"errors"`
		} `json:"reason"`
	} `json:"userInfo"`
}

// decodeUsersInfo reads the answer, a bare JSON array, one element at a time, never quoting it.
func decodeUsersInfo(data []byte) ([]UserInfo, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	start, err := dec.Token()
	if err != nil {
		return nil, notEnvelope(describeJSONError(err, dec, ""))
	}
	if start != json.Delim('[') {
		return nil, notEnvelope(fmt.Errorf("cannot unmarshal a JSON %s into a list of users", jsonKind(start)))
	}
	var users []UserInfo
	for dec.More() {
		var element *usersInfoElement
		where := fmt.Sprintf("element %d", len(users))
		if err := dec.Decode(&element); err != nil {
			return nil, describeJSONError(err, dec, where)
		}
		if element == nil || element.UserInfo == nil || element.UserInfo.Email == nil || *element.UserInfo.Email == "" {
			return nil, fmt.Errorf("%s has no userInfo.emailId", where)
		}
		info := element.UserInfo
		user := UserInfo{Email: *info.Email, UserID: info.UserID, FirstName: info.FirstName, LastName: info.LastName,
			Status: info.Status, LastLogin: info.LastLogin}
		if info.Status != nil && *info.Status == "failure" {
			user = UserInfo{Email: *info.Email, Failed: true, Reason: "no reason given"}
			if info.Reason != nil && len(info.Reason.Errors) > 0 {
				user.Reason = info.Reason.Errors[0].Msg
			}
		}
		users = append(users, user)
	}
	if _, err := dec.Token(); err != nil {
		return nil, describeJSONError(err, dec, "")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("the list of users is followed by more data at byte %d", dec.InputOffset())
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("invalid UTF-8 at byte %d", invalidUTF8At(data))
	}
	return users, nil
}
