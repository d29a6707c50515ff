package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// newUsersDataSource is kore_users: every user of the account with the bot and admin roles they hold, and the groups
// through which they hold them.
func newUsersDataSource(p *koreProvider) datasource.DataSource {
	return newListingDataSource(p, usersDataSource)
}

// usersConfig holds the arguments; the computed attributes are here only because the framework decodes whole
// objects, and are written from usersObject.
type usersConfig struct {
	ID            types.String   `tfsdk:"id"`
	Emails        types.Set      `tfsdk:"emails"`
	IgnoreMissing types.Bool     `tfsdk:"ignore_missing"`
	Activity      types.Bool     `tfsdk:"include_activity"`
	PageSize      types.Number   `tfsdk:"page_size"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
	Total         types.Int64    `tfsdk:"total"`
	Users         types.List     `tfsdk:"users"`
}

// usersState is what a read of kore_users writes into state.
type usersState struct {
	cfg      usersConfig
	endpoint string
	emails   []string // the emails argument, nil when it is null
	pageSize int
	total    int
	all      []kore.UserRoles // every user read, shared with other blocks: never reordered
	kept     []*userRow       // sorted
}

// usersObject describes the whole state of kore_users: its arguments as configured and what the read found.
var usersObject = tfwire.NewObject(
	tfwire.StringField("id", "", "The API endpoint read, such as `https://platform.kore.ai/api/public/alluserroles`.",
		func(s *usersState) string { return s.endpoint }),
	tfwire.ArgumentField("emails", schema.SetAttribute{
		MarkdownDescription: "Keep exactly the users with these login emails (API field `username`), compared " +
			"exactly, case included. An email that no user has is an error, unless `ignore_missing` is true.",
		ElementType: types.StringType,
		Optional:    true,
		Validators:  []validator.Set{setvalidator.NoNullValues()},
	}, func(w *tfwire.Writer, s *usersState) { w.StringList(s.emails) }),
	tfwire.ArgumentField("ignore_missing", schema.BoolAttribute{
		MarkdownDescription: "When true, emails in `emails` that no user has are left out instead of failing " +
			"the read. Requires `emails`. Defaults to `false`.",
		Optional:   true,
		Validators: []validator.Bool{boolvalidator.AlsoRequires(path.MatchRoot("emails"))},
	}, func(w *tfwire.Writer, s *usersState) { w.OptionalBool(s.cfg.IgnoreMissing.ValueBoolPointer()) }),
	tfwire.ArgumentField("include_activity", schema.BoolAttribute{
		MarkdownDescription: fmt.Sprintf("When true, each user also gets `status`, `last_login`, `first_name` and "+
			"`last_name`, read from Get User Information (`POST /api/public/usersInfo`) in batches of at most %d "+
			"emails: 10,000 users are 200 requests, more than three minutes of the account's budget of 60 a "+
			"minute, so set `cache_ttl` for repeated runs. Needs the API scope **User Management > User "+
			"Management**. A user that Get User Information no longer finds (deleted between the two reads) fails "+
			"the read, or with `allow_inexact_reads` gets null activity and a warning. Defaults to `false`: no "+
			"extra request and no extra scope.", kore.UsersInfoBatch),
		Optional: true,
	}, func(w *tfwire.Writer, s *usersState) { w.OptionalBool(s.cfg.Activity.ValueBoolPointer()) }),
	pageSizeField(pageSizeDescription("Users asked for per page (the API's `limit`)")+
		" Blocks with the same `page_size` share one read of the pages.",
		func(s *usersState) int { return s.pageSize }),
	readTimeoutsField(func(s *usersState) timeouts.Value { return s.cfg.Timeouts }),
	tfwire.IntField("total", "total",
		"Number of users in the account as the API reports it (`total`), before filtering.",
		func(s *usersState) int64 { return int64(s.total) }),
	tfwire.ObjectListField("users", "users",
		"The users kept (API field `users`), sorted by email (users without one first), then ID.",
		userRolesObject, func(s *usersState) []*userRow { return s.kept }),
)

// usersDataSource is kore_users' read: every user, those with the emails asked for kept, sorted, with their activity
// when include_activity asks for it.
var usersDataSource = &listing[usersConfig, usersState]{
	typeName: "_users",
	description: "Reads every page of Kore.ai's Get User Roles Details API (`GET /api/public/alluserroles`) " +
		"and exposes who holds which role: each user's role in each bot and their account-wide admin roles, " +
		"with the groups through which each role reaches them. Every `kore_users` block of a plan that asks " +
		"the same host with the same `page_size` shares one read of the pages.",
	subject:  usersListing,
	object:   usersObject,
	timeouts: func(cfg *usersConfig) timeouts.Value { return cfg.Timeouts },
	arguments: func(ctx context.Context, _ *koreProvider, cfg *usersConfig) (*usersState, diag.Diagnostics) {
		var diags diag.Diagnostics
		st := &usersState{cfg: *cfg, pageSize: pageSizeOrDefault(cfg.PageSize)}
		if !cfg.Emails.IsNull() {
			st.emails = make([]string, 0, len(cfg.Emails.Elements()))
			diags.Append(cfg.Emails.ElementsAs(ctx, &st.emails, false)...)
		}
		return st, diags
	},
	read: func(ctx context.Context, client *kore.Client, st *usersState) ([]string, error) {
		list, err := client.ListUserRoles(ctx, st.pageSize)
		if err != nil {
			return nil, err
		}
		st.endpoint = client.BaseURL().JoinPath("api", "public", "alluserroles").String()
		st.total = list.Total
		st.all = list.Users
		return list.Warnings, nil
	},
	keep: func(ctx context.Context, client *kore.Client, st *usersState) diag.Diagnostics {
		var diags diag.Diagnostics
		kept, missing := selectUsers(st.all, st.emails)
		if len(missing) > 0 && !st.cfg.IgnoreMissing.ValueBool() {
			diags.AddAttributeError(path.Root("emails"), "Kore.ai Users Not Found",
				fmt.Sprintf("No user of the account (%d users read) has the email %s. Emails are compared exactly, "+
					"case included. Correct the emails, or set ignore_missing = true to read the users that exist.",
					len(st.all), describeMissingEmails(missing, st.all)))
			return diags
		}
		st.kept = make([]*userRow, len(kept))
		for i, u := range kept {
			st.kept[i] = &userRow{UserRoles: u}
		}
		if st.cfg.Activity.ValueBool() {
			diags.Append(readActivity(ctx, client, st.kept, st.cfg.Timeouts)...)
		}
		return diags
	},
	sizeHint: func(st *usersState) int { return estimateUsersStateSize(st.kept) },
}

// selectUsers returns the users whose email is one of emails (every user when emails is nil), sorted by email, then
// ID, and the emails that no user has, sorted. The list read is shared between data sources, so it is never
// reordered in place.
func selectUsers(all []kore.UserRoles, emails []string) (kept []*kore.UserRoles, missing []string) {
	var found map[string]bool
	if emails != nil {
		found = make(map[string]bool, len(emails))
		for _, e := range emails {
			found[e] = false
		}
	}
	kept = make([]*kore.UserRoles, 0, len(all))
	for i := range all {
		u := &all[i]
		if found != nil {
			if u.Email == nil {
				continue
			}
			if _, wanted := found[*u.Email]; !wanted {
				continue
			}
			found[*u.Email] = true
		}
		kept = append(kept, u)
	}
	for e, ok := range found {
		if !ok {
			missing = append(missing, e)
		}
	}
	slices.Sort(missing)
	sortUserRoles(kept)
	return kept, missing
}

// describeMissingEmails quotes each missing email and, when users have it in another case, names them: Kore.ai
// keeps the case a login email was created with.
func describeMissingEmails(missing []string, users []kore.UserRoles) string {
	parts := make([]string, len(missing))
	for i, e := range missing {
		parts[i] = fmt.Sprintf("%q", e)
		var near []string
		for j := range users {
			if u := users[j].Email; u != nil && strings.EqualFold(*u, e) && !slices.Contains(near, *u) {
				near = append(near, *u)
			}
		}
		if len(near) > 0 {
			slices.Sort(near)
			parts[i] += " (the account has " + quotedList(near) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// estimateUsersStateSize guesses the encoded size so that the buffer grows once.
func estimateUsersStateSize(users []*userRow) int {
	n := 4096
	for _, u := range users {
		n += 320 + 256*(len(u.BotRoles)+len(u.AdminRoles))
	}
	return n
}
