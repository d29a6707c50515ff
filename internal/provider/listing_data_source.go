package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// listing is what sets one listing data source apart from the others: its arguments (C, as the framework decodes
// the configuration), its state (S, written from object) and its read of the client. listingDataSource does the rest
// the same way for every listing: the schema from the description, the configuration, the read bounded by
// timeouts.read with its diagnostics (readListing), the encoding of the state, and both read paths. A new listing is
// its item description (<item>_fields.go), one listing value and its arguments (<name>_data_source.go), docs and tests.
type listing[C, S any] struct {
	typeName    string            // after the provider's type name, such as "_groups"
	description string            // the data source's MarkdownDescription
	subject     listingSubject    // the listing, as diagnostics name it
	object      *tfwire.Object[S] // the whole state: the arguments as configured and what the read found
	timeouts    func(*C) timeouts.Value
	// arguments checks the configuration and returns the state to fill; an error stops the read before any request.
	arguments func(ctx context.Context, p *koreProvider, cfg *C) (*S, diag.Diagnostics)
	// read reads the listing into st and returns the client's notes, which become warnings.
	read func(ctx context.Context, client *kore.Client, st *S) (warnings []string, err error)
	// keep, when set, selects and completes what the read found (names that no item has, further reads); an error
	// fails the read.
	keep func(ctx context.Context, client *kore.Client, st *S) diag.Diagnostics
	// sizeHint guesses the encoded state's size, so that the buffer grows once.
	sizeHint func(st *S) int
}

var _ tfwire.StateEncoder = (*listingDataSource[struct{}, struct{}])(nil)

// listingDataSource is a data source on the direct path that reads one Kore.ai listing.
type listingDataSource[C, S any] struct {
	provider *koreProvider
	listing  *listing[C, S]
}

func newListingDataSource[C, S any](p *koreProvider, l *listing[C, S]) datasource.DataSource {
	return &listingDataSource[C, S]{provider: p, listing: l}
}

func (d *listingDataSource[C, S]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + d.listing.typeName
}

func (d *listingDataSource[C, S]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: d.listing.description,
		Attributes:          d.listing.object.Attributes(),
		Blocks:              d.listing.object.Blocks(),
	}
}

func (d *listingDataSource[C, S]) StateDescription() tfwire.Described { return d.listing.object }

func (d *listingDataSource[C, S]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	tfwire.ReadThroughFramework(ctx, d, d.provider.redact, req, resp)
}

func (d *listingDataSource[C, S]) EncodeState(ctx context.Context, config tfsdk.Config) ([]byte, diag.Diagnostics) {
	l := d.listing
	var diags diag.Diagnostics
	var cfg C
	diags.Append(config.Get(ctx, &cfg)...)
	if diags.HasError() {
		return nil, diags
	}
	st, argumentDiags := l.arguments(ctx, d.provider, &cfg)
	diags.Append(argumentDiags...)
	if diags.HasError() {
		return nil, diags
	}
	client := d.provider.configuredClient()
	_, readDiags := readListing(ctx, client, l.subject, l.timeouts(&cfg), func(ctx context.Context) (*S, []string, error) {
		warnings, err := l.read(ctx, client, st)
		return st, warnings, err
	})
	diags.Append(readDiags...)
	if diags.HasError() {
		return nil, diags
	}
	if l.keep != nil {
		diags.Append(l.keep(ctx, client, st)...)
		if diags.HasError() {
			return nil, diags
		}
	}
	w := tfwire.NewWriter(l.sizeHint(st))
	l.object.Write(w, st)
	state, err := w.Bytes()
	if err != nil {
		diags.AddError("Cannot Encode the "+l.subject.title, err.Error())
		return nil, diags
	}
	return state, diags
}
