package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
	"github.com/kore-community/terraform-provider-kore/internal/tfwire"
)

// newBotsDataSource is kore_bots: every bot of the account, optionally filtered by name.
func newBotsDataSource(p *koreProvider) datasource.DataSource {
	return newListingDataSource(p, botsDataSource)
}

// botsConfig holds the arguments; the computed attributes are here only because the framework decodes whole
// objects, and are written from botsObject.
type botsConfig struct {
	ID        types.String   `tfsdk:"id"`
	NameRegex types.String   `tfsdk:"name_regex"`
	PageSize  types.Number   `tfsdk:"page_size"`
	Timeouts  timeouts.Value `tfsdk:"timeouts"`
	Total     types.Int64    `tfsdk:"total"`
	Bots      types.List     `tfsdk:"bots"`
}

// botsState is what a read of kore_bots writes into state.
type botsState struct {
	cfg       botsConfig
	nameRegex *regexp.Regexp // nil: every bot
	endpoint  string
	pageSize  int
	total     int
	bots      []*kore.Bot
}

// botsObject describes the whole state of kore_bots: its arguments as configured and what the read found.
var botsObject = tfwire.NewObject(
	tfwire.StringField("id", "", "The API endpoint read, such as `https://platform.kore.ai/api/public/bots`.",
		func(s *botsState) string { return s.endpoint }),
	tfwire.ArgumentField("name_regex", schema.StringAttribute{
		MarkdownDescription: "Keep only the bots whose name matches this " +
			"[RE2](https://github.com/google/re2/wiki/Syntax) regular expression (unanchored: use `^…$` for a " +
			"whole-name match).",
		Optional:   true,
		Validators: []validator.String{validRegex()},
	}, func(w *tfwire.Writer, s *botsState) { w.OptionalString(s.cfg.NameRegex.ValueStringPointer()) }),
	pageSizeField(pageSizeDescription("Bots asked for per page (the API's `limit`)")+
		" Blocks with the same `page_size` share one read of the pages.",
		func(s *botsState) int { return s.pageSize }),
	readTimeoutsField(func(s *botsState) timeouts.Value { return s.cfg.Timeouts }),
	tfwire.IntField("total", "total", "Number of bots in the account as the API reports it (`total`), before filtering.",
		func(s *botsState) int64 { return int64(s.total) }),
	tfwire.ObjectListField("bots", "bots", "The bots kept, sorted by name, then ID.", botObject,
		func(s *botsState) []*kore.Bot { return s.bots }),
)

// botsDataSource is kore_bots' read: every bot, those whose name matches name_regex kept, sorted.
var botsDataSource = &listing[botsConfig, botsState]{
	typeName: "_bots",
	description: "Reads every page of Kore.ai's Get Bots API (`GET /api/public/bots`) and exposes the " +
		"account's bots and their JWT apps, optionally filtered by name. The API also sends each app's client " +
		"secret: the provider deliberately never reads it, so it appears in no state, output, error or log. " +
		"Every `kore_bots` block of a plan that asks the same host with the same `page_size` shares one read " +
		"of the pages.",
	subject:  botsListing,
	object:   botsObject,
	timeouts: func(cfg *botsConfig) timeouts.Value { return cfg.Timeouts },
	arguments: func(_ context.Context, _ *koreProvider, cfg *botsConfig) (*botsState, diag.Diagnostics) {
		nameRegex, diags := nameRegexArgument(cfg.NameRegex)
		return &botsState{cfg: *cfg, nameRegex: nameRegex, pageSize: pageSizeOrDefault(cfg.PageSize)}, diags
	},
	read: func(ctx context.Context, client *kore.Client, st *botsState) ([]string, error) {
		list, err := client.ListBots(ctx, st.pageSize)
		if err != nil {
			return nil, err
		}
		kept := make([]*kore.Bot, 0, len(list.Bots))
		for i := range list.Bots {
			if b := &list.Bots[i]; st.nameRegex == nil || st.nameRegex.MatchString(b.Name) {
				kept = append(kept, b)
			}
		}
		st.endpoint = client.BaseURL().JoinPath("api", "public", "bots").String()
		st.total = list.Total
		st.bots = sortedBots(kept)
		return list.Warnings, nil
	},
	sizeHint: func(st *botsState) int { return 4096 + 768*len(st.bots) },
}
