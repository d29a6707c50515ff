package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

const defaultReadTimeout = 10 * time.Minute

// directStateReader is a data source whose state is encoded by state_encoding.go. server.go answers its
// ReadDataSource calls directly; the framework's Read goes through the same function.
type directStateReader interface {
	readState(ctx context.Context, client *kore.Client, config tfsdk.Config) ([]byte, diag.Diagnostics)
}

// readThroughFramework serves a directStateReader from the framework's Read: the same encoded state, decoded into
// the framework's value tree.
func readThroughFramework(ctx context.Context, r directStateReader, client *kore.Client, config tfsdk.Config, state *tfsdk.State) diag.Diagnostics {
	encoded, diags := r.readState(ctx, client, config)
	diags = redactDiagnostics(diags, client)
	if diags.HasError() {
		return diags
	}
	value, err := (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(state.Schema.Type().TerraformType(ctx))
	if err != nil {
		diags.AddError("Cannot Decode the Data Source State", err.Error())
		return diags
	}
	state.Raw = value
	return diags
}

func clientFromProviderData(data any, client **kore.Client) diag.Diagnostics {
	var diags diag.Diagnostics
	if data == nil {
		return diags // ValidateDataResourceConfig runs before the provider is configured.
	}
	c, ok := data.(*kore.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *kore.Client, got %T. This is a bug in the provider; please report it.", data))
		return diags
	}
	*client = c
	return diags
}

// readAllGroups is the read shared by kore_groups and kore_group: every page, bounded by timeouts.read.
func readAllGroups(ctx context.Context, client *kore.Client, pageSize int, t timeouts.Value) (*kore.GroupList, diag.Diagnostics) {
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

	list, err := client.ListGroups(ctx, pageSize)
	if err != nil {
		summary, detail := describeReadError(ctx, err, timeout)
		diags.AddError(summary, client.Redact(detail))
		return nil, diags
	}
	for _, w := range list.Warnings {
		diags.AddWarning("Kore.ai Groups May Be Inexact", client.Redact(w))
	}
	return list, diags
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
