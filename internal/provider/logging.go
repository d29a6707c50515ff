package provider

import (
	"context"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// jwtPattern matches anything shaped like a JWT (three base64url segments, the first a JSON header), so that a token
// is masked even where the provider never saw it whole, such as one signed for a single request.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// secretFieldKeys are log field names whose values are masked whatever they hold.
var secretFieldKeys = []string{"auth", "authorization", "client_secret", "jwt", "token"}

// clientLogger sends the API client's log lines to terraform-plugin-log with every secret masked.
type clientLogger struct {
	secrets []string
}

var _ kore.Logger = clientLogger{}

func newClientLogger(secrets ...string) clientLogger {
	var kept []string
	for _, s := range secrets {
		if s != "" {
			kept = append(kept, s)
		}
	}
	return clientLogger{secrets: kept}
}

func (l clientLogger) masked(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	ctx = tflog.MaskAllFieldValuesRegexes(ctx, jwtPattern)
	ctx = tflog.MaskMessageRegexes(ctx, jwtPattern)
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	return ctx
}

func (l clientLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.masked(ctx), msg, fields)
}

func (l clientLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.masked(ctx), msg, fields)
}

// redactSecrets is the last guard before text reaches a diagnostic: the API client never puts a secret into an
// error, and this keeps it that way if an underlying library ever echoes one.
func redactSecrets(text string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "***")
		}
	}
	return jwtPattern.ReplaceAllString(text, "***")
}
