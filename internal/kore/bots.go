package kore

import (
	"context"
	"encoding/json"
	"slices"
)

// botsPath is the Get Bots API.
const botsPath = "/api/public/bots"

// BotList is every bot of the account, as read by ListBots. Like GroupList it is shared by every caller with the
// same page size: treat its contents as read-only.
type BotList struct {
	Total    int      // "total" as the API reported it on the last page read
	Bots     []Bot    // in page order; a bot seen twice (same ID) is kept once, at its first place
	Pages    int      // pages read
	Warnings []string // human-readable notes on a read that succeeded but may be inexact
}

// Bot is one bot of the account. The JSON tags are the API's field names; nil means null or absent (older answers
// lack several fields).
type Bot struct {
	ID              string   `json:"_id"`
	Name            string   `json:"name"`
	Description     *string  `json:"description"`
	Status          *string  `json:"status"`  // e.g. "published", "configured"
	Purpose         *string  `json:"purpose"` // "customer" or "employee"
	Type            *string  `json:"type"`
	DefaultLanguage *string  `json:"defaultLanguage"`
	CreatedOn       *string  `json:"createdOn"` // ISO time, as sent
	CreatedBy       *string  `json:"createdBy"`
	AccountID       *string  `json:"accountId"`
	IsDeflect       *bool    `json:"isDeflect"`
	JWTApps         []JWTApp `json:"jwtApps"`
}

// JWTApp is one app of a bot. The API also sends the app's clientSecret, a live credential: this type has no field
// for it, so it is never decoded and cannot reach a result, an error or a log line.
type JWTApp struct {
	ClientID              *string `json:"clientId"`
	JTIClaimEnforced      *bool   `json:"jtiClaimEnforced"`
	JWEEncryptionEnforced *bool   `json:"jweEncryptionEnforced"`
	CreatedOn             *string `json:"createdOn"`
}

// ListBots returns every bot of every page of the Get Bots API, reading pageSize bots a page (1 to 50), with the
// page walk, sharing and memo of ListGroups.
func (c *Client) ListBots(ctx context.Context, pageSize int) (*BotList, error) {
	if err := checkPageSize(pageSize, "bots"); err != nil {
		return nil, err
	}
	bots := &listing[Bot]{
		name: "bots", one: "bot", many: "bots",
		path: botsPath, itemsKey: "bots", pageSize: pageSize,
		scope: ScopeRoleManagement, idField: `"_id"`,
		id: func(b *Bot) string { return b.ID },
	}
	return sharedRead(ctx, c, bots.shareKey(0), func(ctx context.Context) (*BotList, error) {
		read, err := walk(ctx, c, bots)
		if err != nil {
			return nil, err
		}
		return &BotList{Total: read.total, Bots: values(read.items), Pages: read.pages,
			Warnings: slices.Clip(read.warnings)}, nil
	})
}

// UnmarshalJSON refuses a null app, which would otherwise become an invented empty one.
func (a *JWTApp) UnmarshalJSON(data []byte) error {
	if err := refuseNull(data, "app in jwtApps"); err != nil {
		return err
	}
	type plain JWTApp // without this method
	return json.Unmarshal(data, (*plain)(a))
}
