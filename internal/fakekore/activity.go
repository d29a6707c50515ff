package fakekore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Paths of Get Admin Console Audit Logs and Get User Information.
const (
	AuditLogsPath = "/api/public/auditlogs"
	UsersInfoPath = "/api/public/usersInfo"
)

// MaxAuditLogPageSize is the largest size Get Admin Console Audit Logs documents.
const MaxAuditLogPageSize = 100

// MsgUserNotFound is the reason Get User Information gives, inside its 200, for an email it cannot return.
const MsgUserNotFound = "User not found. Please check the provided email address."

// AuditLogEntry is one entry of Get Admin Console Audit Logs, with the API's exact keys.
type AuditLogEntry struct {
	Timestamp   int64  `json:"timestampValue"` // epoch milliseconds
	Time        string `json:"Date/Time"`      // ISO time
	Description string `json:"Description"`
	Name        string `json:"Name"`     // the event, e.g. "Bot Role Assigned to Users"
	Category    string `json:"Category"` // e.g. "Role Management"
	ID          string `json:"AuditLogId"`
}

// NewAuditLogEntry makes an entry at a moment, its id growing with time as Kore.ai's do.
func NewAuditLogEntry(at time.Time, seq int, name, category, description string) AuditLogEntry {
	return AuditLogEntry{Timestamp: at.UnixMilli(), Time: at.UTC().Format("2006-01-02T15:04:05.000Z"),
		Name: name, Category: category, Description: description,
		ID: fmt.Sprintf("%012x%012x", at.UnixMilli(), seq)}
}

// UserActivity is what Get User Information says of a user besides what Get User Roles Details does.
type UserActivity struct {
	FirstName *string
	LastName  *string
	// Status is "active" or "not active" as documented; any other value is served as is.
	Status    string
	LastLogin *string // ISO time; nil for a user who never logged in (the field is left out)
}

// SetAuditLogs replaces the audit log entries served; AddAuditLog appends one, as an account does while it is
// read.
func (s *Server) SetAuditLogs(entries []AuditLogEntry) {
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	s.auditLogs = slices.Clone(entries)
}

// AddAuditLog appends one entry to those served.
func (s *Server) AddAuditLog(entry AuditLogEntry) {
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	s.auditLogs = append(s.auditLogs, entry)
}

// SetActivity replaces what Get User Information answers, by email; an email without an entry is answered as a
// failure, as for a user deleted since Get User Roles Details listed it.
func (s *Server) SetActivity(activity map[string]UserActivity) {
	s.activityMu.Lock()
	defer s.activityMu.Unlock()
	s.activity = activity
}

// parseAuditLogDate reads fromDate and toDate in either documented form: yyyy-mm-dd (a whole day, which toDate
// includes) or yyyy-mm-ddThh:mm:ss.sssZ.
func parseAuditLogDate(value string, end bool) (int64, bool) {
	if at, err := time.Parse("2006-01-02T15:04:05.000Z", value); err == nil {
		return at.UnixMilli(), true
	}
	if day, err := time.Parse("2006-01-02", value); err == nil {
		if end {
			return day.Add(24*time.Hour).UnixMilli() - 1, true
		}
		return day.UnixMilli(), true
	}
	return 0, false
}

// serveAuditLogs answers Get Admin Console Audit Logs: entries from fromDate to toDate (both included; without
// them, everything), newest first, paged by offset (a page number) and size (default 100, at most 100), with
// total and moreAvailable.
func (s *Server) serveAuditLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, to := int64(0), int64(1<<62)
	var ok bool
	if q.Has("fromDate") {
		if from, ok = parseAuditLogDate(q.Get("fromDate"), false); !ok {
			WriteError(w, http.StatusBadRequest, MsgValidation, http.StatusBadRequest)
			return
		}
	}
	if q.Has("toDate") {
		if to, ok = parseAuditLogDate(q.Get("toDate"), true); !ok {
			WriteError(w, http.StatusBadRequest, MsgValidation, http.StatusBadRequest)
			return
		}
	}
	offset, size := 0, MaxAuditLogPageSize
	var err error
	if q.Has("offset") {
		if offset, err = strconv.Atoi(q.Get("offset")); err != nil || offset < 0 {
			WriteError(w, http.StatusPreconditionFailed, MsgValidation, http.StatusPreconditionFailed)
			return
		}
	}
	if q.Has("size") {
		if size, err = strconv.Atoi(q.Get("size")); err != nil || size < 1 || size > MaxAuditLogPageSize {
			WriteError(w, http.StatusPreconditionFailed, MsgValidation, http.StatusPreconditionFailed)
			return
		}
	}
	s.activityMu.Lock()
	var inRange []AuditLogEntry
	for _, entry := range s.auditLogs {
		if entry.Timestamp >= from && entry.Timestamp <= to {
			inRange = append(inRange, entry)
		}
	}
	s.activityMu.Unlock()
	slices.SortStableFunc(inRange, func(a, b AuditLogEntry) int { // newest first
		return int(b.Timestamp - a.Timestamp)
	})
	start := len(inRange)
	if offset <= len(inRange)/size {
		start = offset * size
	}
	end := min(start+size, len(inRange))
	page := struct {
		Total         int             `json:"total"`
		AuditLogs     []AuditLogEntry `json:"auditlogs"`
		MoreAvailable bool            `json:"moreAvailable"`
	}{len(inRange), inRange[start:end], end < len(inRange)}
	if page.AuditLogs == nil {
		page.AuditLogs = []AuditLogEntry{}
	}
	writeJSON(w, http.StatusOK, marshalItem(&page, "audit log page", ""))
}

// serveUsersInfo answers Get User Information: a bare array with one element per email found, and for an email
// it cannot return, a failure inside the 200, as Kore.ai documents. status filters by "active" or "not active".
func (s *Server) serveUsersInfo(w http.ResponseWriter, r *http.Request) {
	var body struct {
		EmailIDs []string `json:"emailIds"`
		Status   string   `json:"status"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&body); err != nil ||
		len(body.EmailIDs) == 0 {
		WriteError(w, http.StatusBadRequest, MsgValidation, http.StatusBadRequest)
		return
	}
	s.activityMu.Lock()
	activity := s.activity
	s.activityMu.Unlock()
	elements := make([]string, 0, len(body.EmailIDs))
	for _, email := range body.EmailIDs {
		user, found := activity[strings.ToLower(email)]
		if !found {
			failure := map[string]any{"userInfo": map[string]any{"emailId": email, "status": "failure",
				"reason": map[string]any{"errors": []map[string]any{{"msg": MsgUserNotFound, "code": 400}}}}}
			elements = append(elements, string(marshalItem(failure, "failure", email)))
			continue
		}
		if body.Status != "" && body.Status != "all" && body.Status != user.Status {
			continue
		}
		info := map[string]any{"emailId": email, "userId": "u-" + email, "status": user.Status}
		if user.FirstName != nil {
			info["firstName"] = *user.FirstName
		}
		if user.LastName != nil {
			info["lastName"] = *user.LastName
		}
		if user.LastLogin != nil {
			info["lastLogin"] = *user.LastLogin
		}
		element := map[string]any{"canCreateBot": false, "isDeveloper": false, "userInfo": info,
			"roles": map[string]any{"btRoles": []any{}, "adminRoles": []any{}}, "assignBotTasks": []any{},
			"groups": []any{}}
		elements = append(elements, string(marshalItem(element, "user information", email)))
	}
	writeJSON(w, http.StatusOK, []byte("["+strings.Join(elements, ",")+"]"))
}

// GenerateActivity gives every user of access an activity, deterministically: most active and recently logged in,
// every seventh not active (invited, never joined), every fifth never logged in, every eleventh last seen more
// than 90 days before now.
func GenerateActivity(access Access, now time.Time) map[string]UserActivity {
	activity := make(map[string]UserActivity, len(access.Users))
	for i, user := range access.Users {
		local, _, _ := strings.Cut(user.Username, "@")
		first, last, _ := strings.Cut(local, ".")
		a := UserActivity{Status: "active", FirstName: Ptr(capitalise(first)), LastName: Ptr(capitalise(last))}
		switch {
		case i%7 == 3:
			a.Status = "not active"
		case i%5 == 4:
			// never logged in
		case i%11 == 6:
			a.LastLogin = Ptr(now.Add(-time.Duration(100+i%50) * 24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"))
		default:
			a.LastLogin = Ptr(now.Add(-time.Duration(1+i%30) * 24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		activity[strings.ToLower(user.Username)] = a
	}
	return activity
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// GenerateAuditLogs makes n entries over the week before now, one every few minutes, of the events an account
// records: role grants, group changes, logins.
func GenerateAuditLogs(now time.Time, n int) []AuditLogEntry {
	events := []struct{ name, category, description string }{
		{"Bot Role Assigned to Users", "Role Management", "Bot Developer role assigned to %d users"},
		{"Users Added to Group", "Group Management", "%d users added to a group"},
		{"Login", "Login/Logout", "User logged in (session %d)"},
		{"Group Created", "Group Management", "Group number %d created"},
		{"Admin Role Assigned to Users", "Role Management", "Admin role assigned to %d users"},
	}
	entries := make([]AuditLogEntry, n)
	for i := range entries {
		e := events[i%len(events)]
		at := now.Add(-7 * 24 * time.Hour).Add(time.Duration(i) * 7 * 24 * time.Hour / time.Duration(max(n, 1)))
		entries[i] = NewAuditLogEntry(at.Truncate(time.Millisecond), i, e.name, e.category, fmt.Sprintf(e.description, i%9+1))
	}
	return entries
}
