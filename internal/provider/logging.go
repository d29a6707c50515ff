package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// secretFieldKeys are log field names whose values are masked whatever they hold.
var secretFieldKeys = map[string]bool{"auth": true, "authorization": true, "client_secret": true, "jwt": true, "token": true}

// clientLogger sends the API client's log lines to terraform-plugin-log through the client's Redactor: the same
// masks, in the same order, as the client's errors and the provider's diagnostics.
type clientLogger struct {
	redactor *kore.Redactor
}

var _ kore.Logger = clientLogger{}

func newClientLogger(redactor *kore.Redactor) clientLogger { return clientLogger{redactor: redactor} }

func (l clientLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, l.redactor.Redact(msg), l.redactFields(fields))
}

func (l clientLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, l.redactor.Redact(msg), l.redactFields(fields))
}

// redactFields masks every value that is or may hold text; numbers and booleans pass unchanged.
func (l clientLogger) redactFields(fields map[string]any) map[string]any {
	out := make(map[string]any, len(fields))
	for key, value := range fields {
		switch v := value.(type) {
		case int, int64, float64, bool:
			out[key] = v
		default:
			if secretFieldKeys[key] {
				out[key] = kore.Redacted
			} else {
				out[key] = l.redactor.Redact(fmt.Sprint(v))
			}
		}
	}
	return out
}

// redactDiagnostics passes every summary and detail of diags through the redactor: the last guard before text
// reaches a terminal, for secrets and for control characters in server text alike.
func redactDiagnostics(diags diag.Diagnostics, client *kore.Client) diag.Diagnostics {
	redact := kore.NewRedactor().Redact // no client: tokens and control characters still
	if client != nil {
		redact = client.Redact
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		summary, detail := redact(d.Summary()), redact(d.Detail())
		if summary == d.Summary() && detail == d.Detail() {
			out = append(out, d)
			continue
		}
		var redacted diag.Diagnostic
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			if d.Severity() == diag.SeverityWarning {
				redacted = diag.NewAttributeWarningDiagnostic(withPath.Path(), summary, detail)
			} else {
				redacted = diag.NewAttributeErrorDiagnostic(withPath.Path(), summary, detail)
			}
		} else if d.Severity() == diag.SeverityWarning {
			redacted = diag.NewWarningDiagnostic(summary, detail)
		} else {
			redacted = diag.NewErrorDiagnostic(summary, detail)
		}
		out = append(out, redacted)
	}
	return out
}
