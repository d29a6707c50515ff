package provider

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// botObject describes one bot, as kore_bots lists them in bots. Kore.ai's older answers lack every field but _id
// and name: those fields are null then.
var botObject = tfwire.NewObject(
	tfwire.StringField("id", "_id", "Bot ID (API field `_id`), such as `st-…`.",
		func(b *kore.Bot) string { return b.ID }),
	tfwire.StringField("name", "name", "Name of the bot (API field `name`).",
		func(b *kore.Bot) string { return b.Name }),
	tfwire.OptionalStringField("description", "description", "Description of the bot (API field `description`).",
		func(b *kore.Bot) *string { return b.Description }),
	tfwire.OptionalStringField("status", "status", "Status of the bot, such as `published` or `configured` (API field "+
		"`status`).",
		func(b *kore.Bot) *string { return b.Status }),
	tfwire.OptionalStringField("purpose", "purpose", "Whom the bot serves: `customer` or `employee` (API field `purpose`).",
		func(b *kore.Bot) *string { return b.Purpose }),
	tfwire.OptionalStringField("type", "type", "Kind of bot, such as `default` or `universalbot` (API field `type`).",
		func(b *kore.Bot) *string { return b.Type }),
	tfwire.OptionalStringField("default_language", "defaultLanguage",
		"Default language code, such as `en` (API field `defaultLanguage`).",
		func(b *kore.Bot) *string { return b.DefaultLanguage }),
	tfwire.OptionalStringField("created_on", "createdOn", "When the bot was created, an ISO 8601 time as the API sends "+
		"it (API field `createdOn`).",
		func(b *kore.Bot) *string { return b.CreatedOn }),
	tfwire.OptionalStringField("created_by", "createdBy", "ID of the user who created the bot (API field `createdBy`).",
		func(b *kore.Bot) *string { return b.CreatedBy }),
	tfwire.OptionalStringField("account_id", "accountId", "ID of the account that holds the bot (API field `accountId`).",
		func(b *kore.Bot) *string { return b.AccountID }),
	tfwire.OptionalBoolField("is_deflect", "isDeflect", "Whether the bot is a deflection bot (API field `isDeflect`).",
		func(b *kore.Bot) *bool { return b.IsDeflect }),
	tfwire.ObjectListField("jwt_apps", "jwtApps",
		"The bot's JWT apps (API field `jwtApps`), sorted by client ID; null when the API sends none, as older "+
			"answers do. The API also sends each app's `clientSecret`, a live credential: it is never read, so "+
			"it reaches neither state nor any log.",
		jwtAppObject, sortedJWTApps),
)

// jwtAppObject describes one JWT app of a bot. There is no client secret here, by design: kore.JWTApp has no
// field for it.
var jwtAppObject = tfwire.NewObject(
	tfwire.OptionalStringField("client_id", "clientId", "Client ID of the app (API field `clientId`), such as `cs-…`.",
		func(a *kore.JWTApp) *string { return a.ClientID }),
	tfwire.OptionalBoolField("jti_claim_enforced", "jtiClaimEnforced",
		"Whether the app requires a unique `jti` claim in every token (API field `jtiClaimEnforced`).",
		func(a *kore.JWTApp) *bool { return a.JTIClaimEnforced }),
	tfwire.OptionalBoolField("jwe_encryption_enforced", "jweEncryptionEnforced",
		"Whether the app requires encrypted (JWE) tokens (API field `jweEncryptionEnforced`).",
		func(a *kore.JWTApp) *bool { return a.JWEEncryptionEnforced }),
	tfwire.OptionalStringField("created_on", "createdOn", "When the app was created, an ISO 8601 time as the API sends "+
		"it (API field `createdOn`).",
		func(a *kore.JWTApp) *string { return a.CreatedOn }),
)

// sortedBots returns the bots ordered by name, then ID, without touching the shared slice.
func sortedBots(bots []*kore.Bot) []*kore.Bot {
	out := slices.Clone(bots)
	if out == nil {
		out = []*kore.Bot{} // no bots is an empty list, not null
	}
	slices.SortStableFunc(out, func(a, b *kore.Bot) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}

// sortedJWTApps is a bot's apps ordered by client ID (an app without one first), so that a plan does not churn
// when the API lists them in another order; apps of one client ID keep the API's order. Nil (null) when the API
// sent none.
func sortedJWTApps(b *kore.Bot) []*kore.JWTApp {
	apps := tfwire.Pointers(b.JWTApps)
	slices.SortStableFunc(apps, func(x, y *kore.JWTApp) int { return compareOptional(x.ClientID, y.ClientID) })
	return apps
}
