package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// maxRequestsPerHour bounds requests_per_hour; the budget's record holds at most this many entries.
const maxRequestsPerHour = 1_000_000

// cacheDirName is the provider's directory under the user's cache directory.
const cacheDirName = "terraform-provider-kore"

// resolveCacheSettings sets CacheDir (the named one, else the user's cache directory's) and CacheTTL.
func resolveCacheSettings(cfg *kore.Config, diags *diag.Diagnostics, dir, ttl struct{ value, from string }) {
	switch {
	case strings.TrimSpace(dir.value) != "":
		cfg.CacheDir = filepath.Clean(dir.value)
	default:
		if base, err := os.UserCacheDir(); err == nil && base != "" {
			cfg.CacheDir = filepath.Join(base, cacheDirName)
		}
	}
	if ttl.value == "" {
		return
	}
	d, err := time.ParseDuration(strings.TrimSpace(ttl.value))
	if err != nil || d < 0 {
		diags.AddAttributeError(path.Root("cache_ttl"), "Invalid Cache TTL",
			fmt.Sprintf("%q (from %s) is not a Go duration of 0 or more such as \"0s\" (off), \"10m\" or \"1h\".",
				ttl.value, ttl.from))
		return
	}
	cfg.CacheTTL = d
}

// cacheDirNamed reports whether the user chose cache_dir, in HCL or the environment.
func cacheDirNamed(m providerModel, lookupEnv lookupEnvFunc) bool {
	if !m.CacheDir.IsNull() {
		return true
	}
	v, ok := lookupEnv(envCacheDir)
	return ok && strings.TrimSpace(v) != ""
}

// reportStateDir says when the budget cannot be shared with other processes (and the cache is off): a warning when
// the user asked for the cache or named the directory, a log line otherwise.
func reportStateDir(ctx context.Context, diags *diag.Diagnostics, client *kore.Client, cfg kore.Config, named bool) {
	problem := ""
	switch {
	case cfg.CacheDir == "":
		problem = "no cache directory could be found for this user (no home directory?)"
	case client.StateDirError() != nil:
		problem = fmt.Sprintf("the directory %q cannot be used: %s", cfg.CacheDir, client.StateDirError())
	default:
		tflog.Debug(ctx, "Kore.ai request budget shared through the cache directory", map[string]any{
			"cache_dir": cfg.CacheDir, "cache_ttl": cfg.CacheTTL.String(), "cache_enabled": client.CacheEnabled(),
			"redis_in_use": client.RedisInUse(),
		})
		return
	}
	var unsafe *kore.UnsafeDirError
	if !named && cfg.CacheTTL <= 0 && !errors.As(client.StateDirError(), &unsafe) {
		tflog.Info(ctx, "Kore.ai request budget kept in this process: "+problem)
		return
	}
	detail := "The request budget (requests_per_minute, requests_per_hour) is kept in this process only, so " +
		"provider processes running at the same time no longer share it"
	if cfg.CacheTTL > 0 {
		detail += ", and the cache is off (every read goes to Kore.ai)"
	}
	fix := "Set cache_dir (or KORE_CACHE_DIR) to a writable directory."
	if unsafe != nil {
		fix = "Make the directory yours and closed to others (chmod 700), or set cache_dir (or KORE_CACHE_DIR) to " +
			"a directory of this user that no one else may write in."
	}
	diags.AddAttributeWarning(path.Root("cache_dir"), "Kore.ai Cache Directory Unusable",
		fmt.Sprintf("%s: %s. %s", capitalize(problem), detail, fix))
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
