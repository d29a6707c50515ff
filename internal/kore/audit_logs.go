package kore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// auditLogsPath is Get Admin Console Audit Logs.
const auditLogsPath = "/api/public/auditlogs"

// ScopeAuditLogs is the Admin Console API scope of Get Admin Console Audit Logs: a scope of its own.
const ScopeAuditLogs = "Logs > Admin Console Audit Logs"

// MaxAuditLogPageSize is the largest page (size) Get Admin Console Audit Logs documents.
const MaxAuditLogPageSize = 100

// auditLogTime is how the range is sent: milliseconds, UTC, as the API documents (yyyy-mm-ddThh:mm:ss.sssZ).
const auditLogTime = "2006-01-02T15:04:05.000Z"

// AuditLogList is every entry of a range of the audit logs, as read by ListAuditLogs; shared by every caller of
// the same range and page size: treat it as read-only.
type AuditLogList struct {
	Total    int        // "total" as the API reported it on the last page read: the entries in the range
	Entries  []AuditLog // in page order; an entry seen twice is kept once
	Pages    int
	Warnings []string
}

// AuditLog is one entry of the audit logs. The JSON tags are the API's field names, spelled as it sends them.
type AuditLog struct {
	ID          string  `json:"AuditLogId"`
	Time        *string `json:"Date/Time"`      // an ISO time string
	Timestamp   *int64  `json:"timestampValue"` // epoch milliseconds
	Name        *string `json:"Name"`           // the event, e.g. "Bot Role Assigned to Users"
	Category    *string `json:"Category"`       // e.g. "Role Management"
	Description *string `json:"Description"`
}

// AuditLogRange is the range of a read of the audit logs: From and To, both included as the API reads them, and
// the page size.
type AuditLogRange struct {
	From, To time.Time
	PageSize int // 1 to MaxAuditLogPageSize
	// MostEntries, when above 0, ends the read with a *TooManyItemsError when the range holds more entries, after
	// its first page and before the rest is read.
	MostEntries int
}

// ListAuditLogs reads every entry of Get Admin Console Audit Logs between r.From and r.To, with the page walk,
// sharing and memo of ListGroups. The range is pinned: r.To is sent on every page, with millisecond precision, so
// that entries written while the pages are read never shift a page; they belong to the next read.
func (c *Client) ListAuditLogs(ctx context.Context, r AuditLogRange) (*AuditLogList, error) {
	if err := checkPageSizeUpTo(r.PageSize, MaxAuditLogPageSize, "audit log entries"); err != nil {
		return nil, err
	}
	if r.From.IsZero() || r.To.IsZero() {
		return nil, errors.New("an audit log range needs both ends")
	}
	if r.To.Before(r.From) {
		return nil, fmt.Errorf("the audit log range ends (%s) before it starts (%s)", r.To.UTC().Format(auditLogTime),
			r.From.UTC().Format(auditLogTime))
	}
	entries := &listing[AuditLog]{
		name: "audit logs", one: "entry", many: "entries",
		path: auditLogsPath, itemsKey: "auditlogs", pageSize: r.PageSize, sizeParam: "size",
		query: url.Values{
			"fromDate": {r.From.UTC().Format(auditLogTime)},
			"toDate":   {r.To.UTC().Format(auditLogTime)},
		},
		maxItems: r.MostEntries,
		scope:    ScopeAuditLogs, idField: `"AuditLogId"`,
		id: func(e *AuditLog) string { return e.ID },
	}
	key := entries.shareKey(0)
	key.key += fmt.Sprintf("&most=%d", r.MostEntries)
	return sharedRead(ctx, c, key, func(ctx context.Context) (*AuditLogList, error) {
		read, err := walk(ctx, c, entries)
		if err != nil {
			return nil, err
		}
		return &AuditLogList{Total: read.total, Entries: values(read.items), Pages: read.pages,
			Warnings: slices.Clip(read.warnings)}, nil
	})
}
