package provider

import (
	"context"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// cachedProviderConfig is providerConfig with the cache on in dir, signing with secret.
func cachedProviderConfig(url, dir, secret string) string {
	return fmt.Sprintf(`
provider "kore" {
  host                = %q
  client_id           = %q
  client_secret       = %q
  max_retries         = 0
  requests_per_minute = 100000
  cache_dir           = %q
  cache_ttl           = "1h"
}

data "kore_groups" "all" {}
`, url, testClientID, secret, dir)
}

func TestAccProviderCache_answersFromTheCacheOnlyWhatItMay(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	s := newTestServer(t, groups)
	dir := t.TempDir()
	everyGroup := statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(123))

	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				// Every provider process of the step (plan, apply, the checks' plans) reads the account: only the
				// first goes to Kore.ai, three pages.
				Config:            cachedProviderConfig(s.URL, dir, testClientSecret),
				ConfigStateChecks: []statecheck.StateCheck{everyGroup},
				Check:             resource.ComposeTestCheckFunc(requestCount(s, 3), cacheFilesArePrivate(dir, groups[0].Name, "sample1@example.com")),
			},
			{
				Config:            cachedProviderConfig(s.URL, dir, testClientSecret) + "\n# a new run\n",
				ConfigStateChecks: []statecheck.StateCheck{everyGroup},
				Check:             requestCount(s, 3),
			},
			{
				// Every cache entry altered: read again, and succeed. (A damaged budget record is tested in
				// internal/kore/budget: it is taken as a spent minute, so it would make this step wait one.)
				PreConfig:         func() { corruptEveryFile(t, filepath.Join(dir, "cache")) },
				Config:            cachedProviderConfig(s.URL, dir, testClientSecret),
				ConfigStateChecks: []statecheck.StateCheck{everyGroup},
				Check:             requestCount(s, 6),
			},
			{
				// Other credentials never get the cached answer: they go to Kore.ai, which refuses them.
				Config:      cachedProviderConfig(s.URL, dir, "not-the-client-secret"),
				ExpectError: regexp.MustCompile(`(?i)401|invalid|unauthori`),
			},
		},
	})
	if s.Requests() <= 6 {
		t.Errorf("the server answered %d requests: the wrong secret's read never reached it", s.Requests())
	}
}

// cacheFilesArePrivate checks that every directory under dir is 0700, every file 0600, and that no file holds
// any of the markers (a group name, an email) in clear.
func cacheFilesArePrivate(dir string, markers ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		files := 0
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != dir && info.Mode().Perm() != 0o700 {
					return fmt.Errorf("directory %s has mode %v, want 0700", path, info.Mode().Perm())
				}
				return nil
			}
			files++
			if info.Mode().Perm() != 0o600 {
				return fmt.Errorf("file %s has mode %v, want 0600", path, info.Mode().Perm())
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range append(markers, testClientSecret, testClientID) {
				if strings.Contains(string(data), m) || strings.Contains(path, m) {
					return fmt.Errorf("%s holds %q in clear", path, m)
				}
			}
			return nil
		})
		if err == nil && files < 3 { // the budget's record, the cache entry, their locks
			err = fmt.Errorf("only %d files in %s: the cache wrote nothing", files, dir)
		}
		return err
	}
}

// corruptEveryFile overwrites each file under dir, locks aside, with bytes of the same length.
func corruptEveryFile(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".lock") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(path, []byte(strings.Repeat("\xa5", int(info.Size()))), 0o600)
	})
	if err != nil {
		t.Fatalf("corrupting %s: %v", dir, err)
	}
}

func TestResolveCacheSettings(t *testing.T) {
	t.Parallel()
	home, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no user cache directory here: %v", err)
	}
	defaultDir := filepath.Join(home, cacheDirName)
	tests := []struct {
		name     string
		model    func(*providerModel)
		env      map[string]string
		wantDir  string
		wantTTL  time.Duration
		wantHour int
		wantErr  string
	}{
		{name: "defaults: the user's cache directory, no cache, 1800 an hour", wantDir: defaultDir, wantHour: 1800},
		{name: "from the environment", env: map[string]string{envCacheDir: "/var/cache/kore", envCacheTTL: "10m",
			envRequestsPerHour: "900"}, wantDir: "/var/cache/kore", wantTTL: 10 * time.Minute, wantHour: 900},
		{name: "the provider block wins", model: func(m *providerModel) {
			m.CacheDir, m.CacheTTL, m.RequestsPerHour = types.StringValue("/hcl"), types.StringValue("0s"), types.NumberValue(big.NewFloat(5))
		}, env: map[string]string{envCacheDir: "/env", envCacheTTL: "1h", envRequestsPerHour: "900"},
			wantDir: "/hcl", wantHour: 5},
		{name: "a negative TTL", env: map[string]string{envCacheTTL: "-1m"}, wantErr: "KORE_CACHE_TTL"},
		{name: "a TTL that is no duration", env: map[string]string{envCacheTTL: "an hour"}, wantErr: "Invalid Cache TTL"},
		{name: "an hourly limit out of range", env: map[string]string{envRequestsPerHour: "0"}, wantErr: "KORE_REQUESTS_PER_HOUR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := nullModel()
			if tt.model != nil {
				tt.model(&m)
			}
			env := map[string]string{envHost: "platform.kore.ai", envJWT: "eyJ.a.b"}
			for k, v := range tt.env {
				env[k] = v
			}
			var cfg kore.Config
			var diags diag.Diagnostics
			cfg, diags = resolveClientConfig(m, envOf(env))
			if tt.wantErr != "" {
				if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), tt.wantErr) {
					t.Fatalf("diagnostics %v, want an error naming %q", diags, tt.wantErr)
				}
				return
			}
			if diags.HasError() {
				t.Fatal(diags)
			}
			if cfg.CacheDir != tt.wantDir || cfg.CacheTTL != tt.wantTTL || cfg.RequestsPerHour != tt.wantHour {
				t.Errorf("cache_dir, cache_ttl, requests_per_hour = %q, %s, %d; want %q, %s, %d",
					cfg.CacheDir, cfg.CacheTTL, cfg.RequestsPerHour, tt.wantDir, tt.wantTTL, tt.wantHour)
			}
		})
	}
}

func TestAnUnusableCacheDirWarnsOnlyWhenAskedFor(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	unusable := filepath.Join(file, "cache")
	for _, tt := range []struct {
		name         string
		ttl          time.Duration
		named        bool
		wantWarn     bool
		wantCacheOff bool // the warning says the cache is off
	}{
		{name: "the default directory, no cache: a log line only"},
		{name: "a named directory", named: true, wantWarn: true},
		{name: "the cache asked for", ttl: time.Hour, wantWarn: true, wantCacheOff: true},
		{name: "the cache asked for in a named directory", ttl: time.Nanosecond, named: true, wantWarn: true,
			wantCacheOff: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := kore.Config{Host: "platform.kore.ai", JWT: "eyJ.a.b", CacheDir: unusable, CacheTTL: tt.ttl}
			client, err := kore.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if client.StateDirError() == nil || client.CacheEnabled() {
				t.Fatalf("StateDirError, CacheEnabled = %v, %v for a directory under a file", client.StateDirError(), client.CacheEnabled())
			}
			var diags diag.Diagnostics
			reportStateDir(context.Background(), &diags, client, cfg, tt.named)
			if got := diags.WarningsCount() == 1; got != tt.wantWarn {
				t.Fatalf("warnings %v, want one: %v", diags, tt.wantWarn)
			}
			if !tt.wantWarn {
				return
			}
			detail := diags[0].Detail()
			if !strings.HasPrefix(detail, fmt.Sprintf("The directory %q cannot be used: ", unusable)) {
				t.Errorf("the warning does not start by naming the directory: %q", detail)
			}
			if cacheOff := strings.Contains(detail, "the cache is off"); cacheOff != tt.wantCacheOff {
				t.Errorf("the warning says the cache is off: %v, want %v: %q", cacheOff, tt.wantCacheOff, detail)
			}
		})
	}
}

func TestCacheTTLValidator(t *testing.T) {
	t.Parallel()
	for value, valid := range map[string]bool{"0s": true, "15m": true, "1h30m": true, "-1s": false, "15": false, "": false} {
		var resp validator.StringResponse
		nonNegativeDuration().ValidateString(context.Background(), validator.StringRequest{
			Path: path.Root("cache_ttl"), ConfigValue: types.StringValue(value)}, &resp)
		if resp.Diagnostics.HasError() == valid {
			t.Errorf("cache_ttl = %q: errors %v, want valid = %v", value, resp.Diagnostics, valid)
		}
	}
}

func TestAccProviderCache_anUnusableDirectoryStillReads(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	acceptanceTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			// A cache_dir that cannot be made: a warning, the budget in each process, and every read still done.
			Config: cachedProviderConfig(s.URL, filepath.Join(file, "cache"), testClientSecret),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.kore_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(123)),
			},
		}},
	})
}

// The directory counts as the user's choice when cache_dir is set in HCL or KORE_CACHE_DIR holds more than blanks.
func TestCacheDirNamed(t *testing.T) {
	t.Parallel()
	inHCL := nullModel()
	inHCL.CacheDir = types.StringValue("/var/cache/kore")
	tests := []struct {
		name  string
		model providerModel
		env   map[string]string
		want  bool
	}{
		{"neither", nullModel(), nil, false},
		{"in HCL", inHCL, nil, true},
		{"in the environment", nullModel(), map[string]string{envCacheDir: "/var/cache/kore"}, true},
		{"blanks in the environment", nullModel(), map[string]string{envCacheDir: "  "}, false},
	}
	for _, tt := range tests {
		if got := cacheDirNamed(tt.model, envOf(tt.env)); got != tt.want {
			t.Errorf("%s: cacheDirNamed = %v, want %v", tt.name, got, tt.want)
		}
	}
}
