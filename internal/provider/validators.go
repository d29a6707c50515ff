package provider

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// positiveDuration accepts Go duration strings greater than zero ("30s", "2m").
func positiveDuration() validator.String {
	return durationValidator{
		description: "must be a positive Go duration such as \"30s\" or \"2m\"",
		summary:     "Invalid Duration",
		refusal:     "%q is not a positive Go duration such as \"30s\" or \"2m\".",
	}
}

// nonNegativeDuration accepts Go duration strings of zero or more ("0s", "10m").
func nonNegativeDuration() validator.String {
	return durationValidator{
		allowZero:   true,
		description: "must be a Go duration of 0 or more such as \"0s\" or \"10m\"",
		summary:     "Invalid Duration",
		refusal:     "%q is not a Go duration of 0 or more such as \"0s\" (off), \"10m\" or \"1h\".",
	}
}

// durationValidator refuses a string that is not a Go duration, or is one below zero (or of zero, unless allowZero).
// A validator that another check already parses (the timeouts package's read) sets parsedElsewhere, so that a
// string that does not parse gets one complaint, not two.
type durationValidator struct {
	allowZero       bool
	parsedElsewhere bool
	description     string
	summary         string
	refusal         string // a format with one %q: the value
}

func (v durationValidator) Description(context.Context) string { return v.description }

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil && v.parsedElsewhere {
		return
	}
	if err != nil || d < 0 || (d == 0 && !v.allowZero) {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf(v.refusal, req.ConfigValue.ValueString()))
	}
}

// validRegex accepts patterns that Go's RE2 engine compiles, and explains the engine's complaint otherwise.
func validRegex() validator.String { return regexValidator{} }

type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a valid RE2 regular expression"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			fmt.Sprintf("name_regex %q is not a valid RE2 regular expression: %s. RE2 has no look-around or "+
				"back-references; see https://github.com/google/re2/wiki/Syntax.", req.ConfigValue.ValueString(), err))
	}
}

// positiveReadTimeoutsBlock is the timeouts block of the framework's timeouts package with one more check on read: a
// duration of zero or less parses (so the package accepts it) but leaves a read no time at all.
func positiveReadTimeoutsBlock(ctx context.Context, opts timeouts.Opts) schema.Block {
	block, ok := timeouts.BlockWithOpts(ctx, opts).(schema.SingleNestedBlock)
	if !ok {
		panic(fmt.Sprintf("the timeouts package returned a %T, not a single nested block", block))
	}
	read, ok := block.Attributes["read"].(schema.StringAttribute)
	if !ok {
		panic(fmt.Sprintf("the timeouts package's read attribute is a %T, not a string", block.Attributes["read"]))
	}
	read.Validators = append(read.Validators, durationValidator{
		parsedElsewhere: true,
		description:     "must be a positive duration such as \"5m\"",
		summary:         "Invalid Read Timeout",
		refusal: "timeouts.read = %q leaves the read no time: give a positive duration such as \"5m\", or " +
			"leave read out for the default of " + defaultReadTimeout.String() + ".",
	})
	block.Attributes["read"] = read
	return block
}

// wholeNumberBetween accepts whole numbers from lo to hi. The settings it guards are numbers, not int64, in the
// schema: the framework cannot convert 1.5 into an int64 attribute and would blame the provider for the user's
// value ("This is always an error in the provider"); as a number, 1.5 reaches this check and is named.
func wholeNumberBetween(lo, hi int64) validator.Number { return wholeNumberValidator{lo: lo, hi: hi} }

type wholeNumberValidator struct{ lo, hi int64 }

func (v wholeNumberValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a whole number from %d to %d", v.lo, v.hi)
}

func (v wholeNumberValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v wholeNumberValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, ok := wholeNumber(req.ConfigValue.ValueBigFloat(), v.lo, v.hi); !ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(),
			fmt.Sprintf("%s = %s is not a whole number from %d to %d.", req.Path, req.ConfigValue.ValueBigFloat().Text('g', -1), v.lo, v.hi))
	}
}

// wholeNumber returns f as an int64 when it is a whole number from lo to hi.
func wholeNumber(f *big.Float, lo, hi int64) (int64, bool) {
	if f == nil || !f.IsInt() {
		return 0, false
	}
	n, accuracy := f.Int64()
	return n, accuracy == big.Exact && n >= lo && n <= hi
}

// nameRegexArgument compiles a name_regex argument; nil when it is null or not yet known. The attribute's validator
// refuses an invalid pattern before any read, so the error here is only a guard.
func nameRegexArgument(v types.String) (*regexp.Regexp, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v.IsNull() || v.IsUnknown() {
		return nil, diags
	}
	re, err := regexp.Compile(v.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
	}
	return re, diags
}
