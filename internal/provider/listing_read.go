package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// readListing runs one read of every page of a Kore.ai listing (list, such as a call of client.ListBots) the way
// readAllGroups reads groups: bounded by timeouts.read, cancelled by an interrupt, its failure described by
// describeReadError and each of its warnings (taken from the result by warnings) reported under warningSummary.
func readListing[L any](ctx context.Context, client *kore.Client, t timeouts.Value, warningSummary string,
	list func(context.Context, *kore.Client) (*L, error), warnings func(*L) []string) (*L, diag.Diagnostics) {
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

	read, err := list(ctx, client)
	if err != nil {
		summary, detail := describeReadError(ctx, err, timeout)
		diags.AddError(summary, client.Redact(detail))
		return nil, diags
	}
	for _, w := range warnings(read) {
		diags.AddWarning(warningSummary, client.Redact(w))
	}
	return read, diags
}
