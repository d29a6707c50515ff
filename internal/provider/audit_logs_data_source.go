package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
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

// Defaults of kore_audit_logs.
const (
	defaultAuditLogPageSize = kore.MaxAuditLogPageSize
	defaultMaxAuditEntries  = 10_000
)

// auditLogsListing names the audit logs in diagnostics.
var auditLogsListing = listingSubject{title: "Audit Logs", dataSources: "kore_audit_logs"}

// newAuditLogsDataSource is kore_audit_logs: the entries of the Admin Console's audit logs over a range of time.
func newAuditLogsDataSource(p *koreProvider) datasource.DataSource {
	return newListingDataSource(p, auditLogsDataSource)
}

type auditLogsConfig struct {
	ID         types.String   `tfsdk:"id"`
	From       types.String   `tfsdk:"from"`
	To         types.String   `tfsdk:"to"`
	Categories types.Set      `tfsdk:"categories"`
	Names      types.Set      `tfsdk:"names"`
	MaxEntries types.Number   `tfsdk:"max_entries"`
	PageSize   types.Number   `tfsdk:"page_size"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
	Total      types.Int64    `tfsdk:"total"`
	Entries    types.List     `tfsdk:"entries"`
}

type auditLogsState struct {
	cfg        auditLogsConfig
	endpoint   string
	from       time.Time
	toTime     time.Time
	to         string // the range's end as written: the configured value, or the pinned moment
	categories []string
	names      []string
	maxEntries int
	pageSize   int
	total      int
	entries    []*auditEntry
}

var auditLogsObject = tfwire.NewObject(
	tfwire.StringField("id", "", "The API endpoint read, such as `https://platform.kore.ai/api/public/auditlogs`.",
		func(s *auditLogsState) string { return s.endpoint }),
	tfwire.ArgumentField("from", schema.StringAttribute{
		MarkdownDescription: "Start of the range, an RFC 3339 time, such as " +
			"`timeadd(plantimestamp(), \"-168h\")` for the last 7 days. Entries at this moment are included.",
		Required:   true,
		Validators: []validator.String{rfc3339Time()},
	}, func(w *tfwire.Writer, s *auditLogsState) { w.String(s.cfg.From.ValueString()) }),
	tfwire.ArgumentField("to", schema.StringAttribute{
		MarkdownDescription: "End of the range, an RFC 3339 time, included. Defaults to the moment this run's " +
			"first audit log read starts, the same for every block of the run: entries written while the pages " +
			"are read belong to the next run, and never shift a page. Sent with millisecond precision.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{rfc3339Time()},
	}, func(w *tfwire.Writer, s *auditLogsState) { w.String(s.to) }),
	tfwire.ArgumentField("categories", schema.SetAttribute{
		MarkdownDescription: "Keep only the entries whose category (API field `Category`) is one of these, such " +
			"as `Role Management` or `Group Management` (exact match). `total` counts the entries before filtering.",
		ElementType: types.StringType,
		Optional:    true,
		Validators:  []validator.Set{setvalidator.NoNullValues()},
	}, func(w *tfwire.Writer, s *auditLogsState) { w.StringList(s.categories) }),
	tfwire.ArgumentField("names", schema.SetAttribute{
		MarkdownDescription: "Keep only the entries whose event (API field `Name`) is one of these, such as " +
			"`Bot Role Assigned to Users` (exact match).",
		ElementType: types.StringType,
		Optional:    true,
		Validators:  []validator.Set{setvalidator.NoNullValues()},
	}, func(w *tfwire.Writer, s *auditLogsState) { w.StringList(s.names) }),
	tfwire.ArgumentField("max_entries", schema.NumberAttribute{
		MarkdownDescription: fmt.Sprintf("The most entries the range may hold (before filtering). A range that "+
			"holds more fails after its first page, before state grows: narrow the range. Defaults to `%d`.",
			defaultMaxAuditEntries),
		Optional:   true,
		Computed:   true,
		Validators: []validator.Number{wholeNumberBetween(1, 10_000_000)},
	}, func(w *tfwire.Writer, s *auditLogsState) { w.Int(int64(s.maxEntries)) }),
	tfwire.ArgumentField("page_size", schema.NumberAttribute{
		MarkdownDescription: fmt.Sprintf("Entries asked for per page (the API's `size`), between 1 and %d. "+
			"Defaults to `%d`, which needs the fewest requests. Blocks with the same range and `page_size` share "+
			"one read.", kore.MaxAuditLogPageSize, defaultAuditLogPageSize),
		Optional:   true,
		Computed:   true,
		Validators: []validator.Number{wholeNumberBetween(1, kore.MaxAuditLogPageSize)},
	}, func(w *tfwire.Writer, s *auditLogsState) { w.Int(int64(s.pageSize)) }),
	readTimeoutsField(func(s *auditLogsState) timeouts.Value { return s.cfg.Timeouts }),
	tfwire.IntField("total", "total", "Number of entries in the range as the API reports it (`total`), before filtering.",
		func(s *auditLogsState) int64 { return int64(s.total) }),
	tfwire.ObjectListField("entries", "auditlogs", "The entries kept, oldest first (by `timestamp_ms`, then `id`).",
		auditEntryObject, func(s *auditLogsState) []*auditEntry { return s.entries }),
)

// auditLogsDataSource is kore_audit_logs' read: the entries of a pinned range, oldest first, filtered.
var auditLogsDataSource = &listing[auditLogsConfig, auditLogsState]{
	typeName: "_audit_logs",
	description: "Reads every page of Kore.ai's Get Admin Console Audit Logs API " +
		"(`GET /api/public/auditlogs`) over a range of time: who changed which access, when (roles assigned " +
		"and removed, users added to groups, groups created, apps changed, logins). The range is pinned, so " +
		"every entry of it is read exactly once. Needs the API scope **Logs > Admin Console Audit Logs**, a " +
		"scope of its own. Every block of a plan with the same range and `page_size` shares one read.",
	subject:   auditLogsListing,
	object:    auditLogsObject,
	timeouts:  func(cfg *auditLogsConfig) timeouts.Value { return cfg.Timeouts },
	arguments: auditLogsArguments,
	read: func(ctx context.Context, client *kore.Client, st *auditLogsState) ([]string, error) {
		list, err := client.ListAuditLogs(ctx, kore.AuditLogRange{From: st.from, To: st.toTime, PageSize: st.pageSize,
			MostEntries: st.maxEntries})
		if err != nil {
			return nil, err
		}
		st.endpoint = client.BaseURL().JoinPath("api", "public", "auditlogs").String()
		st.total = list.Total
		st.entries = auditEntries(list.Entries, st.categories, st.names)
		return list.Warnings, nil
	},
	sizeHint: func(st *auditLogsState) int { return 4096 + 384*len(st.entries) },
}

// auditLogsArguments reads the range, pinning its end to the run's first audit log read when to is not set, and
// the filters.
func auditLogsArguments(ctx context.Context, p *koreProvider, cfg *auditLogsConfig) (*auditLogsState, diag.Diagnostics) {
	var diags diag.Diagnostics
	st := &auditLogsState{cfg: *cfg}
	from, err := time.Parse(time.RFC3339Nano, cfg.From.ValueString())
	if err != nil { // refused by the attribute's validator before any read
		diags.AddAttributeError(path.Root("from"), "Invalid from", err.Error())
		return nil, diags
	}
	to := p.runStarted()
	st.to = to.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	if !cfg.To.IsNull() {
		st.to = cfg.To.ValueString()
		if to, err = time.Parse(time.RFC3339Nano, st.to); err != nil {
			diags.AddAttributeError(path.Root("to"), "Invalid to", err.Error())
			return nil, diags
		}
	}
	if to.Before(from) {
		diags.AddAttributeError(path.Root("to"), "Kore.ai Audit Log Range Ends Before It Starts",
			fmt.Sprintf("to (%s) is before from (%s): give a range that ends after it starts.", st.to,
				cfg.From.ValueString()))
		return nil, diags
	}
	st.from, st.toTime = from, to
	for _, set := range []struct {
		value types.Set
		into  *[]string
	}{{cfg.Categories, &st.categories}, {cfg.Names, &st.names}} {
		if !set.value.IsNull() {
			*set.into = []string{}
			diags.Append(set.value.ElementsAs(ctx, set.into, false)...)
		}
	}
	st.maxEntries = wholeNumberOr(cfg.MaxEntries, defaultMaxAuditEntries, 1, 10_000_000)
	st.pageSize = wholeNumberOr(cfg.PageSize, defaultAuditLogPageSize, 1, kore.MaxAuditLogPageSize)
	return st, diags
}

// wholeNumberOr is a whole-number argument's value, or def when it is null or unknown (validators refuse others).
func wholeNumberOr(v types.Number, def, lo, hi int64) int {
	if v.IsNull() || v.IsUnknown() {
		return int(def)
	}
	n, ok := wholeNumber(v.ValueBigFloat(), lo, hi)
	if !ok {
		return int(def)
	}
	return int(n)
}

// runMoment is the moment a provider's first audit log read started: the default end of every range of the run,
// so that every block of one run reads the same range.
type runMoment struct {
	once sync.Once
	at   time.Time
}

func (m *runMoment) get(now func() time.Time) time.Time {
	m.once.Do(func() { m.at = now().Truncate(time.Millisecond) })
	return m.at
}

// rfc3339Time accepts an RFC 3339 time.
func rfc3339Time() validator.String { return rfc3339Validator{} }

type rfc3339Validator struct{}

func (rfc3339Validator) Description(context.Context) string {
	return "must be an RFC 3339 time, such as 2026-12-01T00:00:00Z"
}

func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (rfc3339Validator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339Nano, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s = %q is not an RFC 3339 time such as \"2026-12-01T00:00:00Z\" (timeadd(plantimestamp(), "+
				"\"-168h\") gives one).", req.Path, req.ConfigValue.ValueString()))
	}
}
