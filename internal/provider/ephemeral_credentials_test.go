package provider

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// skipWithoutEphemeralValues skips a test on a CLI without ephemeral variables and resources: Terraform before
// 1.10, OpenTofu before 1.11.
func skipWithoutEphemeralValues(t *testing.T, cli string) {
	t.Helper()
	v, err := version.NewVersion(cliVersion(t, cli))
	if err != nil {
		t.Fatalf("%s version: %v", cli, err)
	}
	product, minimum := "Terraform", version.Must(version.NewVersion("1.10.0"))
	if isOpenTofu(t, cli) {
		product, minimum = "OpenTofu", version.Must(version.NewVersion("1.11.0"))
	}
	if v.LessThan(minimum) {
		t.Skipf("%s is %s %s; ephemeral values need %s %s or later", cli, product, v, product, minimum)
	}
}

// The recommended setup: the client secret in an ephemeral variable given to the provider block. A plan saved to a
// file and applied later works, the secret being given again at apply as Terraform requires, and neither the
// secret nor any token the provider or kore_token signed reaches the plan file, the state or the CLI's output.
func TestAccProvider_ephemeralSecretThroughASavedPlan(t *testing.T) {
	t.Parallel()
	cli := terraformCLI(t)
	skipWithoutEphemeralValues(t, cli)
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl on PATH for the provisioner")
	}
	s := newTestServer(t, testAccountGroups())

	work := t.TempDir()
	config := fmt.Sprintf(`
terraform {
  required_providers {
    kore = {
      source = "kore-community/kore"
    }
  }
}

variable "kore_client_id" {
  type = string
}

variable "kore_client_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

provider "kore" {
  host                = %q
  client_id           = var.kore_client_id
  client_secret       = var.kore_client_secret
  max_retries         = 0
  requests_per_minute = 100000
}

data "kore_group" "sample" {
  name          = "Audit"
  include_users = false
}

ephemeral "kore_token" "call" {
  lifetime = "5m"
}

resource "terraform_data" "call" {
  input = data.kore_group.sample.id

  provisioner "local-exec" {
    command = "curl -sSf -o /dev/null -H \"auth: $KORE_TOKEN\" '%s/api/public/groups?offset=0&limit=1'"
    environment = {
      KORE_TOKEN = ephemeral.kore_token.call.token
    }
  }
}

output "group_id" {
  value = data.kore_group.sample.id
}
`, s.URL, s.URL)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// An empty CLI configuration of the test's own: the configuration needs nothing from a registry, and a
	// TF_CLI_CONFIG_FILE naming no file would make OpenTofu 1.12 print a warning into output -raw.
	cliConfig := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"TF_REATTACH_PROVIDERS="+serveProviderForCLI(t, ctx),
		"TF_VAR_kore_client_id="+testClientID, "TF_VAR_kore_client_secret="+testClientSecret)
	var output bytes.Buffer
	run := func(args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Dir = work
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		output.Write(out)
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(cli), strings.Join(args, " "), err, out)
		}
	}
	run("init", "-input=false", "-no-color")
	run("plan", "-input=false", "-no-color", "-out=saved.tfplan")
	planFile, err := os.ReadFile(filepath.Join(work, "saved.tfplan"))
	if err != nil {
		t.Fatal(err)
	}
	run("apply", "-input=false", "-no-color", "saved.tfplan")
	run("show", "-json", "-no-color", "saved.tfplan")
	var shown bytes.Buffer
	cmd := exec.CommandContext(ctx, cli, "output", "-raw", "group_id")
	cmd.Dir, cmd.Env, cmd.Stdout = work, env, &shown
	if err := cmd.Run(); err != nil {
		t.Fatalf("output: %v", err)
	}
	if got := shown.String(); got != "e-eed8e93a-79ff-523b-9545-4833c26xxxxx" {
		t.Errorf("group_id = %q, want the Audit group's id", got)
	}
	state, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}

	// The provisioner's call carries kore_token's token; the data source's reads, in plan and in apply, carry
	// the provider's own.
	tokens := s.ReceivedTokens()
	if len(tokens) < 3 {
		t.Fatalf("the server received %d tokens, want the plan's read, the apply's read and the provisioner's call",
			len(tokens))
	}
	secrets := append([]string{testClientSecret}, tokens...)
	contents := map[string][]byte{
		"the state":                            state,
		"the CLI output (show -json included)": output.Bytes(),
		"the plan file":                        planFile,
	}
	for name, content := range unzipped(t, planFile) {
		contents["the plan file's "+name] = content
	}
	for name, content := range contents {
		for i, secret := range secrets {
			if bytes.Contains(content, []byte(secret)) {
				t.Errorf("%s holds secret %d (0 is the client secret, the others tokens)", name, i)
			}
		}
		// The token kore_token signed during plan reached no server: anything shaped like a JWT is one.
		if jwtShape.Match(content) {
			t.Errorf("%s holds a JWT", name)
		}
	}
}

// unzipped returns the uncompressed content of every file of a zip archive (a saved plan is one).
func unzipped(t *testing.T, archive []byte) map[string][]byte {
	t.Helper()
	r, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("the plan file is not a zip archive: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	if len(files) == 0 {
		t.Fatal("the plan file holds no files")
	}
	return files
}
