package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// The module authors' test kit, examples/module-testing, run as its users run it: terraform init, then terraform
// test, whose mock_provider "kore" answers kore_groups from mock_data while the provider's functions run for real.
// Terraform still needs the provider installed for its schema and functions; here it is served in-process and
// reached through TF_REATTACH_PROVIDERS, so no registry is involved.
func TestAccModuleTestingKit_mockProvider(t *testing.T) {
	t.Parallel()
	terraformPath := cliPath(t)
	// mock_provider arrived in Terraform 1.7 and OpenTofu 1.8, provider functions in Terraform 1.8 and OpenTofu 1.7.
	if v := cliVersion(t, terraformPath); !versionAtLeast(v, 1, 8) {
		t.Skipf("%s is version %s; the module testing kit needs 1.8 or later (mock_provider and provider functions)",
			terraformPath, v)
	}

	work := t.TempDir()
	copyExample(t, "module-testing", work)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := append(os.Environ(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_REATTACH_PROVIDERS="+serveProviderForCLI(t, ctx))
	run := func(args ...string) string {
		cmd := exec.CommandContext(ctx, terraformPath, args...)
		cmd.Dir = work
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("init", "-input=false", "-no-color")
	out := run("test", "-no-color")

	for _, name := range []string{
		"nested_members_get_the_role_of_the_outer_group",
		"each_assignment_says_through_which_groups_it_is_granted",
		"a_group_that_does_not_exist_is_refused",
	} {
		if !regexp.MustCompile(`run "` + name + `"\.\.\. pass`).MatchString(out) {
			t.Errorf("run %q did not pass:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "3 passed, 0 failed") {
		t.Errorf("terraform test did not pass exactly 3 runs:\n%s", out)
	}
}

// cliPath is the Terraform (or OpenTofu) CLI the acceptance tests use.
func cliPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	p, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (make test does)")
	}
	return p
}

// cliVersion is the CLI's version, such as "1.11.4"; OpenTofu reports its own under the same key.
func cliVersion(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", path, err)
	}
	// OpenTofu 1.12 may print warnings about the CLI configuration on standard output, before the JSON.
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:]
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		t.Fatalf("%s version -json gave %q: %v", path, out, err)
	}
	return v.Version
}

func versionAtLeast(version string, major, minor int) bool {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false
	}
	gotMajor, err1 := strconv.Atoi(parts[0])
	gotMinor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return gotMajor > major || gotMajor == major && gotMinor >= minor
}

// copyExample copies an example directory, subdirectories included, into dst.
func copyExample(t *testing.T, example, dst string) {
	t.Helper()
	src := filepath.Join("..", "..", "examples", example)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatalf("copying examples/%s: %v", example, err)
	}
}

// serveProviderForCLI serves the provider in-process until the test ends and returns the TF_REATTACH_PROVIDERS
// value that points a Terraform CLI at it.
func serveProviderForCLI(t *testing.T, ctx context.Context) string {
	t.Helper()
	serverCtx, stop := context.WithCancel(ctx)
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	ps, err := newProtocol6Server("test", envOf(nil))()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = tf6server.Serve(ProviderAddress, func() tfprotov6.ProviderServer { return ps },
			tf6server.WithDebug(serverCtx, reattach, closed), tf6server.WithoutLogStderrOverride())
	}()
	t.Cleanup(func() { stop(); <-closed })

	var config *plugin.ReattachConfig
	select {
	case config = <-reattach:
	case <-ctx.Done():
		t.Fatal("the provider server did not start")
	}
	registry := "registry.terraform.io"
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		registry = host // OpenTofu resolves kore-community/kore on its own registry
	}
	info, err := json.Marshal(tfexec.ReattachInfo{registry + "/kore-community/kore": tfexec.ReattachConfig{
		Protocol: string(config.Protocol), ProtocolVersion: config.ProtocolVersion, Pid: config.Pid, Test: config.Test,
		Addr: tfexec.ReattachConfigAddr{Network: config.Addr.Network(), String: config.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(info)
}
