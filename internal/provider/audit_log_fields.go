package provider

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// auditEntry is one entry of the audit logs as kore_audit_logs writes it: the API's entry with its time in RFC 3339.
type auditEntry struct {
	entry *kore.AuditLog
	time  *string
}

// auditEntryObject describes one entry of kore_audit_logs' entries.
var auditEntryObject = tfwire.NewObject(
	tfwire.StringField("id", "AuditLogId", "ID of the entry (API field `AuditLogId`), a hex string that grows with time.",
		func(e *auditEntry) string { return e.entry.ID }),
	tfwire.OptionalStringField("time", "Date/Time", "When the event happened, in RFC 3339 (API field `Date/Time`).",
		func(e *auditEntry) *string { return e.time }),
	tfwire.OptionalIntField("timestamp_ms", "timestampValue", "When the event happened, in milliseconds since the Unix "+
		"epoch (API field `timestampValue`).",
		func(e *auditEntry) *int64 { return e.entry.Timestamp }),
	tfwire.OptionalStringField("name", "Name", "The event, such as `Bot Role Assigned to Users`, `Users Added to Group`, "+
		"`Group Created` or `Login` (API field `Name`).",
		func(e *auditEntry) *string { return e.entry.Name }),
	tfwire.OptionalStringField("category", "Category", "The event's category, such as `Role Management`, "+
		"`Group Management` or `Login/Logout` (API field `Category`).",
		func(e *auditEntry) *string { return e.entry.Category }),
	tfwire.OptionalStringField("description", "Description", "What happened, in Kore.ai's words (API field "+
		"`Description`).",
		func(e *auditEntry) *string { return e.entry.Description }),
)

// auditEntries keeps the entries whose category and name pass the filters (nil: no filter), sorted oldest first:
// by timestamp, then id.
func auditEntries(entries []kore.AuditLog, categories, names []string) []*auditEntry {
	out := []*auditEntry{} // none is an empty list, not null
	for i := range entries {
		e := &entries[i]
		if categories != nil && (e.Category == nil || !slices.Contains(categories, *e.Category)) {
			continue
		}
		if names != nil && (e.Name == nil || !slices.Contains(names, *e.Name)) {
			continue
		}
		out = append(out, &auditEntry{entry: e, time: rfc3339(e.Time)})
	}
	slices.SortStableFunc(out, func(a, b *auditEntry) int {
		return cmp.Or(cmp.Compare(a.timestamp(), b.timestamp()), strings.Compare(a.entry.ID, b.entry.ID))
	})
	return out
}

// timestamp is the entry's time in milliseconds, -1 (first) for an entry without one.
func (e *auditEntry) timestamp() int64 {
	if e.entry.Timestamp == nil {
		return -1
	}
	return *e.entry.Timestamp
}

// rfc3339 restates an ISO time in RFC 3339, in UTC with the milliseconds Kore.ai keeps; a time it cannot read is
// kept as sent rather than invented.
func rfc3339(iso *string) *string {
	if iso == nil {
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999Z0700", "2006-01-02T15:04:05.999"} {
		if at, err := time.Parse(layout, *iso); err == nil {
			formatted := at.UTC().Format("2006-01-02T15:04:05.000Z07:00")
			return &formatted
		}
	}
	return iso
}
