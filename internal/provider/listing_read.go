package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// defaultReadTimeout bounds a data source's whole read when its timeouts block leaves read out.
const defaultReadTimeout = 10 * time.Minute

// readAllGroups is kore_group's read of every page (kore_groups reads the same listing through its listing value),
// bounded by timeouts.read, keeping as much of the members as members says (or more, when a read that keeps more
// is shared).
func readAllGroups(ctx context.Context, client *kore.Client, pageSize int, members kore.Members, t timeouts.Value) (*kore.GroupList, diag.Diagnostics) {
	return readListing(ctx, client, groupsListing, t, func(ctx context.Context) (*kore.GroupList, []string, error) {
		list, err := client.ListGroupsKeeping(ctx, pageSize, members)
		if err != nil {
			return nil, nil, err
		}
		return list, list.Warnings, nil
	})
}

// readListing runs one data source's read of a Kore.ai listing, the same way for every listing: bounded by
// timeouts.read, cancelled by an interrupt, its failure described with advice and its notes turned into warnings.
// subject names the listing in diagnostics; read returns the list and its warnings.
func readListing[L any](ctx context.Context, client *kore.Client, subject listingSubject, t timeouts.Value,
	read func(context.Context) (*L, []string, error)) (*L, diag.Diagnostics) {
	var diags diag.Diagnostics
	if client == nil {
		diags.AddError("Provider Not Configured",
			"The kore provider has no client: its configuration failed or was not known at plan time. Check the "+
				"errors reported for the provider block.")
		return nil, diags
	}
	timeout, timeoutDiags := t.Read(ctx, defaultReadTimeout)
	diags.Append(timeoutDiags...)
	if diags.HasError() {
		return nil, diags
	}
	ctx, stop := interrupts.withInterrupt(ctx)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	list, warnings, err := read(ctx)
	for _, n := range client.TakeNotices() {
		diags.AddWarning(n.Summary, n.Detail)
	}
	if err != nil {
		summary, detail := describeReadError(ctx, err, timeout, subject)
		diags.AddError(summary, client.Redact(detail))
		return nil, diags
	}
	for _, w := range warnings {
		diags.AddWarning("Kore.ai "+subject.title+" May Be Inexact", client.Redact(w))
	}
	return list, diags
}

// readTimeoutsBlock is the timeouts block of every data source that reads Kore.ai.
func readTimeoutsBlock() schema.Block {
	return positiveReadTimeoutsBlock(context.Background(), timeouts.Opts{
		ReadDescription: "Time limit of the whole read, retries and waits for the rate limit included, as a Go " +
			"duration. Defaults to `" + shortDuration(defaultReadTimeout) + "`.",
	})
}

// timeoutsRead returns whether the timeouts block was written and its read value, to echo it into state.
func timeoutsRead(t timeouts.Value) (bool, *string) {
	if t.IsNull() || t.IsUnknown() {
		return false, nil
	}
	read, ok := t.Attributes()["read"].(types.String)
	if !ok || read.IsNull() || read.IsUnknown() {
		return true, nil
	}
	s := read.ValueString()
	return true, &s
}

// pageSizeField is the page_size argument of every data source that reads a listing, written into state as the page
// size the read used.
func pageSizeField[T any](description string, pageSize func(*T) int) tfwire.Field[T] {
	return tfwire.ArgumentField("page_size", schema.NumberAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		Validators:          pageSizeValidators(),
	}, func(w *tfwire.Writer, s *T) { w.Int(int64(pageSize(s))) })
}

// readTimeoutsField is the timeouts block of every data source, written into state as configured.
func readTimeoutsField[T any](configured func(*T) timeouts.Value) tfwire.Field[T] {
	return tfwire.BlockField("timeouts", readTimeoutsBlock(),
		func(w *tfwire.Writer, s *T) { w.ReadTimeouts(timeoutsRead(configured(s))) })
}

// pageSizeValidators bound page_size by what the API accepts.
func pageSizeValidators() []validator.Number {
	return []validator.Number{wholeNumberBetween(1, kore.MaxPageSize)}
}

func pageSizeOrDefault(v types.Number) int {
	if v.IsNull() || v.IsUnknown() {
		return defaultPageSize
	}
	n, ok := wholeNumber(v.ValueBigFloat(), 1, kore.MaxPageSize)
	if !ok { // refused by the attribute's validator before any read
		return defaultPageSize
	}
	return int(n)
}

// shortDuration writes a duration as a user would type it: "10m", not "10m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// pageSizeDescription says the bounds and the default of page_size from the constants that enforce them.
func pageSizeDescription(what string) string {
	return fmt.Sprintf("%s, between 1 and %d. Defaults to `%d`, which needs the fewest requests.", what,
		kore.MaxPageSize, defaultPageSize)
}
