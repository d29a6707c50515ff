package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

var _ ephemeral.EphemeralResource = (*tokenEphemeralResource)(nil)

// defaultTokenLifetime is kore_token's lifetime when the configuration gives none: long enough for a few calls.
const defaultTokenLifetime = 15 * time.Minute

// tokenEphemeralResource is kore_token: a JWT signed locally from the provider's client ID and secret, for calling
// Admin APIs the data sources do not cover. Being ephemeral, it reaches neither the plan nor the state.
type tokenEphemeralResource struct {
	provider *koreProvider
	now      func() time.Time
}

func newTokenEphemeralResource(p *koreProvider) ephemeral.EphemeralResource {
	return &tokenEphemeralResource{provider: p, now: time.Now}
}

type tokenModel struct {
	Lifetime  types.String `tfsdk:"lifetime"`
	Token     types.String `tfsdk:"token"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

func (r *tokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_token"
}

func (r *tokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Kore.ai JWT for calling the Admin APIs that the data sources do not cover, from a " +
			"provisioner or another provider. It is signed locally, as the provider signs its own requests, from " +
			"the provider's `client_id` and `client_secret`: opening it makes no request and spends nothing of " +
			"the account's request budget. Being ephemeral, the token reaches neither the plan nor the state. " +
			"Requires Terraform 1.10 or later, or OpenTofu 1.11 or later; a provider configured with a ready-made " +
			"`jwt` cannot sign one.",
		Attributes: map[string]schema.Attribute{
			"lifetime": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long the token is valid, as a Go duration (`5m`, `30m`), from "+
					"`%s` to `%s`: Kore.ai refuses a token with a `jti` that lives longer than an hour. Defaults "+
					"to `%s`.", shortDuration(kore.MinTokenLifetime), shortDuration(kore.MaxTokenLifetime),
					shortDuration(defaultTokenLifetime)),
				Optional:   true,
				Validators: []validator.String{tokenLifetime()},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The JWT, for the `auth` header of a request: HS256, signed with the client " +
					"secret, with the claims `appId` and `sub` (the client ID), a fresh `jti`, `iat` (now) and " +
					"`exp` (now plus `lifetime`). Sensitive.",
				Computed:  true,
				Sensitive: true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token expires (its `exp` claim), in RFC 3339 (`2026-01-31T12:15:00Z`).",
				Computed:            true,
			},
		},
	}
}

func (r *tokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m tokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	lifetime := defaultTokenLifetime
	if !m.Lifetime.IsNull() {
		// The validator has refused anything else before Open.
		d, problem := parseTokenLifetime(m.Lifetime.ValueString())
		if problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("lifetime"), "Invalid Token Lifetime", problem)
			return
		}
		lifetime = d
	}
	client := r.provider.configuredClient()
	if client == nil {
		resp.Diagnostics.AddError("Provider Not Configured",
			"The kore provider has no client: its configuration failed or was not known at plan time. Check the "+
				"errors reported for the provider block.")
		return
	}
	token, expires, err := client.SignToken(r.now(), lifetime)
	if errors.Is(err, kore.ErrCannotSign) {
		resp.Diagnostics.AddError("Cannot Sign a Kore.ai Token",
			"kore_token signs a token with the provider's client_id and client_secret, but the provider is "+
				"configured with a ready-made jwt (or KORE_JWT), which gives it no secret to sign with. Configure "+
				"the provider with client_id and client_secret (KORE_CLIENT_ID, KORE_CLIENT_SECRET) instead, or use "+
				"the ready-made token directly.")
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot Sign a Kore.ai Token", client.Redact(err.Error()))
		return
	}
	m.Token = types.StringValue(token)
	m.ExpiresAt = types.StringValue(expires.UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// parseTokenLifetime reads a lifetime and checks it against the bounds that SignToken enforces; problem says what
// is wrong with it, empty when nothing is.
func parseTokenLifetime(s string) (d time.Duration, problem string) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Sprintf("lifetime = %q is not a Go duration such as \"15m\" or \"1h\".", s)
	}
	if d < kore.MinTokenLifetime || d > kore.MaxTokenLifetime {
		return 0, fmt.Sprintf("lifetime = %q is outside %s to %s: Kore.ai refuses a token with a jti that lives "+
			"longer than an hour. Give a lifetime of at most \"1h\".", s, shortDuration(kore.MinTokenLifetime),
			shortDuration(kore.MaxTokenLifetime))
	}
	return d, ""
}

// tokenLifetime refuses, at validation, a kore_token lifetime that is not a duration or lies outside what Kore.ai
// accepts.
func tokenLifetime() validator.String { return tokenLifetimeValidator{} }

type tokenLifetimeValidator struct{}

func (tokenLifetimeValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a Go duration from %s to %s", shortDuration(kore.MinTokenLifetime),
		shortDuration(kore.MaxTokenLifetime))
}

func (v tokenLifetimeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (tokenLifetimeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, problem := parseTokenLifetime(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Token Lifetime", problem)
	}
}
