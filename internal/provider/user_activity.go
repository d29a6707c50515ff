package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// activityListing names Get User Information in diagnostics.
var activityListing = listingSubject{title: "User Activity", dataSources: "kore_users with include_activity"}

// readActivity reads Get User Information for every user with an email and sets their activity. A user the API no
// longer finds (deleted since Get User Roles Details listed it) is asked for once more; if it still is not found,
// the read fails naming the users, or with inexact reads allowed keeps null activity and warns.
func readActivity(ctx context.Context, client *kore.Client, users []*userRow, t timeouts.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	byEmail := make(map[string][]*userRow, len(users))
	emails := make([]string, 0, len(users))
	for _, u := range users {
		if u.Email == nil {
			continue // no email to ask for: the user's activity stays null
		}
		if _, seen := byEmail[*u.Email]; !seen {
			emails = append(emails, *u.Email)
		}
		byEmail[*u.Email] = append(byEmail[*u.Email], u)
	}
	if len(emails) == 0 {
		return diags
	}
	tflog.Info(ctx, "Kore.ai Get User Information: reading the activity of users in batches", map[string]any{
		"users": len(emails), "requests": kore.UsersInfoRequests(len(emails)), "batch": kore.UsersInfoBatch,
	})
	read := func(emails []string) (*kore.UsersInfo, diag.Diagnostics) {
		return readListing(ctx, client, activityListing, t, func(ctx context.Context) (*kore.UsersInfo, []string, error) {
			info, err := client.GetUsersInfo(ctx, emails)
			return info, nil, err
		})
	}
	info, readDiags := read(emails)
	diags.Append(readDiags...)
	if diags.HasError() {
		return diags
	}
	failed := failedEmails(info, emails)
	if len(failed) > 0 {
		again, againDiags := read(failed)
		diags.Append(againDiags...)
		if diags.HasError() {
			return diags
		}
		for _, email := range failed {
			info.Users[email] = again.Users[email]
		}
		failed = failedEmails(again, failed)
	}
	for email, rows := range byEmail {
		if user, ok := info.Users[email]; ok && !user.Failed {
			for _, u := range rows {
				u.activity = &user
			}
		}
	}
	if len(failed) == 0 {
		return diags
	}
	named := quotedList(failed[:min(len(failed), 3)])
	if len(failed) > 3 {
		named += fmt.Sprintf(" and %d more", len(failed)-3)
	}
	detail := fmt.Sprintf("Get User Information does not find %d of the users that Get User Roles Details "+
		"listed, asked twice: %s (%s). They were probably deleted between the two reads.", len(failed), named,
		info.Users[failed[0]].Reason)
	if client.AllowsInexactReads() {
		diags.AddWarning("Kore.ai User Activity May Be Inexact", client.Redact(detail+" Their activity is null, "+
			"since inexact reads are allowed."))
		return diags
	}
	diags.AddError("Kore.ai Users Not Found by Get User Information", client.Redact(detail+" Run again to read "+
		"the account as it is now, or set allow_inexact_reads = true to keep them with null activity."))
	return diags
}

// failedEmails are the emails the answer reports as failures, sorted.
func failedEmails(info *kore.UsersInfo, emails []string) []string {
	var failed []string
	for _, email := range emails {
		if info.Users[email].Failed {
			failed = append(failed, email)
		}
	}
	slices.Sort(failed)
	return failed
}
