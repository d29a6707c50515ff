package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// positiveDuration accepts Go duration strings greater than zero ("30s", "2m").
func positiveDuration() validator.String { return durationValidator{} }

type durationValidator struct{}

func (durationValidator) Description(context.Context) string {
	return "must be a positive Go duration such as \"30s\" or \"2m\""
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a positive Go duration such as \"30s\" or \"2m\".", req.ConfigValue.ValueString()))
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

// nonNegativeDuration accepts Go duration strings of zero or more ("0s", "10m").
func nonNegativeDuration() validator.String { return nonNegativeDurationValidator{} }

type nonNegativeDurationValidator struct{}

func (nonNegativeDurationValidator) Description(context.Context) string {
	return "must be a Go duration of 0 or more such as \"0s\" or \"10m\""
}

func (v nonNegativeDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (nonNegativeDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a Go duration of 0 or more such as \"0s\" (off), \"10m\" or \"1h\".",
				req.ConfigValue.ValueString()))
	}
}
