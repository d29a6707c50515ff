// Package provider is the Terraform face of the Kore.ai API client: the provider schema and configuration, the data
// sources (kore_groups, kore_group, kore_users, kore_roles, kore_bots, kore_audit_logs) and the functions
// (groups_by_name, effective_members).
package provider

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// Environment variables read when the provider block leaves an attribute out.
const (
	envHost              = "KORE_HOST"
	envClientID          = "KORE_CLIENT_ID"
	envClientSecret      = "KORE_CLIENT_SECRET"
	envJWT               = "KORE_JWT"
	envMaxRetries        = "KORE_MAX_RETRIES"
	envRequestsPerMinute = "KORE_REQUESTS_PER_MINUTE"
	envRequestTimeout    = "KORE_REQUEST_TIMEOUT"
	envInsecure          = "KORE_INSECURE"
	envCACertificate     = "KORE_CA_CERTIFICATE"
	envMaxConcurrency    = "KORE_MAX_CONCURRENCY"
	envAllowInexactReads = "KORE_ALLOW_INEXACT_READS"
	envRequestsPerHour   = "KORE_REQUESTS_PER_HOUR"
	envCacheDir          = "KORE_CACHE_DIR"
	envCacheTTL          = "KORE_CACHE_TTL"
	envRedisURL          = "KORE_REDIS_URL"
)

// The provider's own default and bounds; the others are the client's (kore.Default*, kore.MaxConcurrencyLimit).
const (
	defaultMaxRetries    = 5
	maxMaxRetries        = 100
	maxRequestsPerMinute = 100000
)

var (
	_ provider.Provider                       = (*koreProvider)(nil)
	_ provider.ProviderWithValidateConfig     = (*koreProvider)(nil)
	_ provider.ProviderWithFunctions          = (*koreProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*koreProvider)(nil)
)

// koreProvider holds the client made by Configure. Every data source is made with a pointer to its provider and
// takes the client from it, whether the framework or the direct path of server.go serves the read: one route, where
// the framework's ProviderData would not reach the data sources that server.go keeps.
type koreProvider struct {
	version   string
	lookupEnv lookupEnvFunc // os.LookupEnv, except in tests
	client    atomic.Pointer[kore.Client]
	// auditLogsFrom is when this run's first audit log read started: the default end of every range.
	auditLogsFrom runMoment
}

// runStarted is the moment this run's first audit log read started.
func (p *koreProvider) runStarted() time.Time { return p.auditLogsFrom.get(time.Now) }

// providerModel mirrors the provider block.
type providerModel struct {
	Host              types.String `tfsdk:"host"`
	ClientID          types.String `tfsdk:"client_id"`
	ClientSecret      types.String `tfsdk:"client_secret"`
	JWT               types.String `tfsdk:"jwt"`
	MaxRetries        types.Number `tfsdk:"max_retries"`
	RequestsPerMinute types.Number `tfsdk:"requests_per_minute"`
	RequestTimeout    types.String `tfsdk:"request_timeout"`
	Insecure          types.Bool   `tfsdk:"insecure"`
	CACertificate     types.String `tfsdk:"ca_certificate"`
	MaxConcurrency    types.Number `tfsdk:"max_concurrency"`
	AllowInexactReads types.Bool   `tfsdk:"allow_inexact_reads"`
	RequestsPerHour   types.Number `tfsdk:"requests_per_hour"`
	CacheDir          types.String `tfsdk:"cache_dir"`
	CacheTTL          types.String `tfsdk:"cache_ttl"`
	RedisURL          types.String `tfsdk:"redis_url"`
}

func (p *koreProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "kore"
	resp.Version = p.version
}

func (p *koreProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Kore.ai provider reads a Kore.ai account's admin APIs, starting with its groups and their " +
			"members, so that configurations can map Kore.ai groups onto access elsewhere.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				MarkdownDescription: "Kore.ai host: `platform.kore.ai`, `de-platform.kore.ai`, `jp-platform.kore.ai`, " +
					"an on-premises URL such as `https://kore.example.com:8443`, or `http://127.0.0.1:8080` for a local " +
					"server. A bare host means `https://`; a trailing slash is ignored. `http://` sends the token in " +
					"clear text and is only meant for local servers (a warning says so for any other host). Falls " +
					"back to the `KORE_HOST` environment variable; required from one of the two.",
				Optional: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client ID of an app created in the Kore.ai **Admin Console** (Security & Control > " +
					"API Scopes) with the scope Profile Management > Role Management. With `client_secret`, the " +
					"provider signs a fresh HS256 JWT for every request. Falls back to `KORE_CLIENT_ID`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("jwt")),
				},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the same app, used to sign the JWT (HS256). Sensitive. Falls back " +
					"to `KORE_CLIENT_SECRET`.",
				Optional:  true,
				Sensitive: true,
				// No ConflictsWith here: Terraform shows the configuration line of the attribute an error is
				// attached to, and this one holds the secret. The conflict with jwt is reported on client_id, or
				// on no attribute when client_id is not set.
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"jwt": schema.StringAttribute{
				MarkdownDescription: "A ready-made JWT, sent as is in the `auth` header of every request. Conflicts with " +
					"`client_id` and `client_secret`. Sensitive. Falls back to `KORE_JWT`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"max_retries": schema.NumberAttribute{
				MarkdownDescription: "How many times a request is retried after a rate limit (429), a server error (500, " +
					"502, 503, 504) or a connection error; `Retry-After` is honoured, otherwise the wait grows " +
					"exponentially with jitter. `0` disables retries. " +
					fmt.Sprintf("At most %d. Defaults to `%d`; falls back to `KORE_MAX_RETRIES`.", maxMaxRetries, defaultMaxRetries),
				Optional: true,
				Validators: []validator.Number{
					wholeNumberBetween(0, maxMaxRetries),
				},
			},
			"requests_per_minute": schema.NumberAttribute{
				MarkdownDescription: "Account-wide limit on requests in any rolling 60 seconds, mirroring Kore.ai's " +
					"limit of 60 a minute per account. It is shared by every provider process on this machine that " +
					"reads the same account (same host and client ID, or token), through a record in `cache_dir`: " +
					"parallel runs wait for one another instead of being refused. A read may spend it at once. " +
					fmt.Sprintf("Between 1 and %d. Defaults to `%d`; falls back to `KORE_REQUESTS_PER_MINUTE`.",
						maxRequestsPerMinute, kore.DefaultRequestsPerMinute),
				Optional: true,
				Validators: []validator.Number{
					wholeNumberBetween(1, maxRequestsPerMinute),
				},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of each attempt of a request, as a Go duration (`30s`, `2m`). A data " +
					"source's `timeouts.read` bounds the whole read, retries included. " +
					fmt.Sprintf("Defaults to `%s`; falls back to `KORE_REQUEST_TIMEOUT`.", shortDuration(kore.DefaultRequestTimeout)),
				Optional: true,
				Validators: []validator.String{
					positiveDuration(),
				},
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of the server's TLS certificate. Only for test servers: it lets " +
					"anyone on the network read the token. Defaults to `false`; falls back to `KORE_INSECURE`.",
				Optional: true,
			},
			"ca_certificate": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) trusted in addition to the system's, for an " +
					"on-premises Kore.ai behind a private CA. Falls back to `KORE_CA_CERTIFICATE`.",
				Optional: true,
			},
			"requests_per_hour": schema.NumberAttribute{
				MarkdownDescription: "Account-wide limit on requests in any rolling hour, shared like " +
					"`requests_per_minute`, mirroring Kore.ai's limit of 1,800 an hour per account. " +
					fmt.Sprintf("Between 1 and %d. Defaults to `%d`; falls back to `KORE_REQUESTS_PER_HOUR`.",
						maxRequestsPerHour, kore.DefaultRequestsPerHour),
				Optional: true,
				Validators: []validator.Number{
					wholeNumberBetween(1, maxRequestsPerHour),
				},
			},
			"cache_dir": schema.StringAttribute{
				MarkdownDescription: "Directory (created `0700`) where the provider processes of this machine share " +
					"the account's request budget and, with `cache_ttl`, the cache. Defaults to the user's cache " +
					"directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LocalAppData%` " +
					"on Windows) followed by `/terraform-provider-kore`; falls back to `KORE_CACHE_DIR`. A directory " +
					"that cannot be used (read-only, missing home directory) keeps the budget in each process and the " +
					"cache off, with a warning when `cache_dir` or `cache_ttl` was set. A directory of another user, " +
					"or one that others may write in, is refused the same way, always with a warning.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"cache_ttl": schema.StringAttribute{
				MarkdownDescription: "How long a completed read may answer the same read (same account, " +
					"credentials, endpoint and parameters) of any provider process on this machine, as a Go duration " +
					"(`10m`, `1h`). Entries are encrypted with a key derived from the credentials and the host. `0s` " +
					"turns the cache off. Data read through the cache can be up to `cache_ttl` old. Defaults to `0s`; " +
					"falls back to `KORE_CACHE_TTL`.",
				Optional: true,
				Validators: []validator.String{
					nonNegativeDuration(),
				},
			},
			"redis_url": schema.StringAttribute{
				MarkdownDescription: "Redis that keeps the account's request budget and, with `cache_ttl`, the cache, " +
					"shared by the provider processes of every machine that uses it (CI runners on one account): " +
					"`redis://[user:password@]host:port/db`, or `rediss://…` for TLS verified with the system's CA " +
					"certificates plus `ca_certificate`. Redis holds only hashes, request times and sealed entries, " +
					"never a host, client ID, group, user or email. A Redis that cannot be reached, refuses the " +
					"password or fails TLS, at the start or during a read, leaves the budget and the cache on this " +
					"machine (`cache_dir`) with a warning: reads still succeed. Sensitive. Falls back to " +
					"`KORE_REDIS_URL`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
				},
			},
			"max_concurrency": schema.NumberAttribute{
				MarkdownDescription: "How many pages are fetched at once (every request still passes the shared rate " +
					"limit). " + fmt.Sprintf("Between 1 and %d. Defaults to `%d`; falls back to `KORE_MAX_CONCURRENCY`.",
					kore.MaxConcurrencyLimit, kore.DefaultMaxConcurrency),
				Optional: true,
				Validators: []validator.Number{
					wholeNumberBetween(1, kore.MaxConcurrencyLimit),
				},
			},
			"allow_inexact_reads": schema.BoolAttribute{
				MarkdownDescription: "Accept a read whose pages still do not add up after a second read from the " +
					"start (fewer items than the API's `total`, a page short of the limit while more are promised, " +
					"one ID with two contents, a `null` item or member): what the pages held is kept and each " +
					"problem becomes a warning instead of an error. Off by default because a list that silently " +
					"lacks a group silently removes access wherever it is mapped, and warnings in CI go unread; " +
					"turn it on only for an account whose API is known to miscount. Defaults to `false`; falls " +
					"back to `KORE_ALLOW_INEXACT_READS`.",
				Optional: true,
			},
		},
	}
}

// ValidateConfig catches contradictory credentials written in HCL before any plan; those that come partly from the
// environment are caught in Configure.
func (p *koreProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Host.IsNull() && !m.Host.IsUnknown() {
		if _, err := kore.ParseHost(m.Host.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("host"), "Invalid Kore.ai Host", err.Error())
		}
	}
	// With client_id set, its ConflictsWith validator reports the conflict; without it, the error names no
	// attribute, so that neither secret's line is shown.
	if !m.JWT.IsNull() && !m.ClientSecret.IsNull() && m.ClientID.IsNull() {
		resp.Diagnostics.AddError("Contradictory Kore.ai Credentials", conflictingCredentials)
	}
}

const conflictingCredentials = "The provider block sets both jwt and client_secret. Use either jwt alone, or " +
	"client_id with client_secret, and remove the other."

func (p *koreProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A slice, not a map: the errors come out in the same order on every run.
	for _, setting := range []struct {
		name  string
		value interface{ IsUnknown() bool }
	}{
		{"host", m.Host}, {"client_id", m.ClientID}, {"client_secret", m.ClientSecret}, {"jwt", m.JWT},
		{"max_retries", m.MaxRetries}, {"requests_per_minute", m.RequestsPerMinute},
		{"request_timeout", m.RequestTimeout}, {"insecure", m.Insecure}, {"ca_certificate", m.CACertificate},
		{"max_concurrency", m.MaxConcurrency}, {"allow_inexact_reads", m.AllowInexactReads},
		{"requests_per_hour", m.RequestsPerHour}, {"cache_dir", m.CacheDir}, {"cache_ttl", m.CacheTTL},
		{"redis_url", m.RedisURL},
	} {
		if setting.value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(setting.name), "Unknown Kore.ai Provider Setting",
				fmt.Sprintf("The provider cannot read Kore.ai while %q is not known. Set it to a value known at plan "+
					"time, or set the matching KORE_* environment variable.", setting.name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cfg, diags := resolveClientConfig(m, p.lookupEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = userAgent(p.version, req.TerraformVersion)
	redactor := kore.NewRedactor(cfg.Secrets()...)
	cfg.Logger = newClientLogger(redactor)

	client, err := kore.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Configure the Kore.ai Client", redactor.Redact(err.Error()))
		return
	}
	if base := client.BaseURL(); base.Scheme == "http" && !isLoopback(base.Hostname()) {
		resp.Diagnostics.AddAttributeWarning(path.Root("host"), "Unencrypted Kore.ai Host",
			fmt.Sprintf("host %q uses http://, so every request carries its token in clear text across the network. "+
				"Use https:// for anything but a server on this machine.", base.String()))
	}
	reportStateDir(ctx, &resp.Diagnostics, client, cfg, cacheDirNamed(m, p.lookupEnv))
	for _, n := range client.TakeNotices() {
		resp.Diagnostics.AddWarning(n.Summary, n.Detail)
	}
	if cfg.Insecure {
		resp.Diagnostics.AddWarning("TLS Verification Is Off",
			"insecure = true (or KORE_INSECURE) skips verification of the Kore.ai server's certificate, so anyone on "+
				"the network path can read or forge the token. Use it only with a test server; for a private CA set "+
				"ca_certificate instead.")
	}

	p.client.Store(client)
}

// configuredClient is the client every data source reads with; nil until Configure succeeded.
func (p *koreProvider) configuredClient() *kore.Client { return p.client.Load() }

func (p *koreProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		func() datasource.DataSource { return newGroupsDataSource(p) },
		func() datasource.DataSource { return newGroupDataSource(p) },
		func() datasource.DataSource { return newUsersDataSource(p) },
		func() datasource.DataSource { return newRolesDataSource(p) },
		func() datasource.DataSource { return newBotsDataSource(p) },
		func() datasource.DataSource { return newAuditLogsDataSource(p) },
	}
}

func (p *koreProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		func() ephemeral.EphemeralResource { return newTokenEphemeralResource(p) },
	}
}

func (p *koreProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *koreProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		newGroupsByNameFunction,
		newEffectiveMembersFunction,
	}
}

// isLoopback tells a server on this machine, where http:// exposes nothing, from one across a network.
func isLoopback(hostname string) bool {
	if strings.EqualFold(hostname, "localhost") {
		return true
	}
	ip := net.ParseIP(hostname)
	return ip != nil && ip.IsLoopback()
}

func userAgent(providerVersion, terraformVersion string) string {
	ua := "terraform-provider-kore/" + providerVersion
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// lookupEnvFunc is os.LookupEnv, injectable so that tests need not touch the process environment.
type lookupEnvFunc func(string) (string, bool)

// resolveClientConfig merges the provider block with the KORE_* environment (the block wins, attribute by attribute)
// and checks what only the merged result can show: a missing host, missing or contradictory credentials.
func resolveClientConfig(m providerModel, lookupEnv lookupEnvFunc) (kore.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	type source struct{ value, from string }
	str := func(v types.String, attr, env string) source {
		if !v.IsNull() {
			return source{v.ValueString(), "the provider block's " + attr}
		}
		if s, ok := lookupEnv(env); ok && strings.TrimSpace(s) != "" {
			return source{s, env}
		}
		return source{}
	}

	// Credentials read with file() or from a CI secret store often end in a line break, which no Kore.ai
	// credential contains: each is trimmed.
	trimmed := func(s source) source {
		s.value = strings.TrimSpace(s.value)
		return s
	}
	host := str(m.Host, "host", envHost)
	clientID := trimmed(str(m.ClientID, "client_id", envClientID))
	clientSecret := trimmed(str(m.ClientSecret, "client_secret", envClientSecret))
	token := trimmed(str(m.JWT, "jwt", envJWT))
	caCert := str(m.CACertificate, "ca_certificate", envCACertificate)
	redisURL := str(m.RedisURL, "redis_url", envRedisURL)

	cfg := kore.Config{
		Host:          host.value,
		ClientID:      clientID.value,
		ClientSecret:  clientSecret.value,
		JWT:           token.value,
		CACertificate: caCert.value,
		RedisURL:      strings.TrimSpace(redisURL.value),
	}

	if host.value == "" {
		diags.AddAttributeError(path.Root("host"), "Missing Kore.ai Host",
			"Set host in the provider block or the KORE_HOST environment variable, for example "+
				"\"platform.kore.ai\", \"de-platform.kore.ai\", \"jp-platform.kore.ai\" or the URL of an on-premises "+
				"installation.")
	} else if _, err := kore.ParseHost(host.value); err != nil {
		diags.AddAttributeError(path.Root("host"), "Invalid Kore.ai Host", fmt.Sprintf("%s (from %s)", err, host.from))
	}

	switch {
	case token.value != "" && (clientID.value != "" || clientSecret.value != ""):
		other := clientID
		if other.value == "" {
			other = clientSecret
		}
		// Attached to client_id (or to nothing), never to a secret: Terraform would show that secret's line.
		add := func(summary, detail string) { diags.AddError(summary, detail) }
		if clientID.value != "" {
			add = func(summary, detail string) { diags.AddAttributeError(path.Root("client_id"), summary, detail) }
		}
		add("Contradictory Kore.ai Credentials",
			fmt.Sprintf("A ready-made token was given (%s) and so were app credentials (%s). Use either jwt alone, "+
				"or client_id with client_secret; unset the other (check the KORE_JWT, KORE_CLIENT_ID and "+
				"KORE_CLIENT_SECRET environment variables).", token.from, other.from))
	case token.value != "":
		// A ready-made token needs nothing else.
	case clientID.value != "" && clientSecret.value == "":
		diags.AddAttributeError(path.Root("client_secret"), "Missing Kore.ai Client Secret",
			fmt.Sprintf("client_id is set (%s) but client_secret is not. Set client_secret or KORE_CLIENT_SECRET to "+
				"the secret of the same Admin Console app.", clientID.from))
	case clientID.value == "" && clientSecret.value != "":
		diags.AddAttributeError(path.Root("client_id"), "Missing Kore.ai Client ID",
			fmt.Sprintf("client_secret is set (%s) but client_id is not. Set client_id or KORE_CLIENT_ID to the "+
				"Client ID of the same Admin Console app.", clientSecret.from))
	case clientID.value == "":
		diags.AddError("Missing Kore.ai Credentials",
			"The provider needs either client_id and client_secret (KORE_CLIENT_ID, KORE_CLIENT_SECRET) of an app "+
				"created in the Kore.ai Admin Console (Security & Control > API Scopes) with the scope Profile "+
				"Management > Role Management, or a ready-made token in jwt (KORE_JWT).")
	}

	cfg.MaxRetries = int(intSetting(&diags, m.MaxRetries, "max_retries", envMaxRetries, defaultMaxRetries, 0,
		maxMaxRetries, lookupEnv))
	cfg.RequestsPerMinute = int(intSetting(&diags, m.RequestsPerMinute, "requests_per_minute", envRequestsPerMinute,
		kore.DefaultRequestsPerMinute, 1, maxRequestsPerMinute, lookupEnv))
	cfg.MaxConcurrency = int(intSetting(&diags, m.MaxConcurrency, "max_concurrency", envMaxConcurrency,
		kore.DefaultMaxConcurrency, 1, kore.MaxConcurrencyLimit, lookupEnv))
	cfg.RequestsPerHour = int(intSetting(&diags, m.RequestsPerHour, "requests_per_hour", envRequestsPerHour,
		kore.DefaultRequestsPerHour, 1, maxRequestsPerHour, lookupEnv))
	resolveCacheSettings(&cfg, &diags, str(m.CacheDir, "cache_dir", envCacheDir), str(m.CacheTTL, "cache_ttl", envCacheTTL))

	cfg.RequestTimeout = kore.DefaultRequestTimeout
	timeout := str(m.RequestTimeout, "request_timeout", envRequestTimeout)
	if timeout.value != "" {
		d, err := time.ParseDuration(strings.TrimSpace(timeout.value))
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout",
				fmt.Sprintf("%q (from %s) is not a positive Go duration such as \"30s\" or \"2m\".", timeout.value, timeout.from))
		} else {
			cfg.RequestTimeout = d
		}
	}

	cfg.Insecure = boolSetting(&diags, m.Insecure, "insecure", envInsecure, lookupEnv)
	cfg.AllowInexactReads = boolSetting(&diags, m.AllowInexactReads, "allow_inexact_reads", envAllowInexactReads,
		lookupEnv)
	return cfg, diags
}

// boolSetting returns the attribute's value, else the environment variable's, else false.
func boolSetting(diags *diag.Diagnostics, v types.Bool, attr, env string, lookupEnv lookupEnvFunc) bool {
	if !v.IsNull() {
		return v.ValueBool()
	}
	s, ok := lookupEnv(env)
	if !ok || strings.TrimSpace(s) == "" {
		return false
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("%s=%q is not a boolean; use true or false.", env, s))
	}
	return b
}

// intSetting returns the attribute's value, else the environment variable's, else the default, checking the
// environment's value against the same bounds the attribute's validator enforces.
func intSetting(diags *diag.Diagnostics, v types.Number, attr, env string, def, lo, hi int64, lookupEnv lookupEnvFunc) int64 {
	if !v.IsNull() {
		n, ok := wholeNumber(v.ValueBigFloat(), lo, hi)
		if !ok {
			diags.AddAttributeError(path.Root(attr), "Invalid "+attr,
				fmt.Sprintf("%s = %s is not a whole number from %d to %d.", attr, v.ValueBigFloat().Text('g', -1), lo, hi))
			return def
		}
		return n
	}
	s, ok := lookupEnv(env)
	if !ok || strings.TrimSpace(s) == "" {
		return def
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < lo || n > hi {
		diags.AddAttributeError(path.Root(attr), "Invalid "+env,
			fmt.Sprintf("%s=%q must be a whole number between %d and %d.", env, s, lo, hi))
		return def
	}
	return n
}
