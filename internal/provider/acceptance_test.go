package provider

import (
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// acceptanceTest runs a case of terraform-plugin-testing through the real Terraform (or OpenTofu) CLI. Without a
// CLI it skips, saying why, so that `go test ./...` passes on a machine that has only Go; `make test` provides one.
// When TF_ACC is set the run asked for acceptance tests, so a missing CLI fails instead of skipping.
func acceptanceTest(t *testing.T, tc resource.TestCase) {
	t.Helper()
	terraformCLI(t)
	resource.UnitTest(t, tc)
}

// terraformCLI returns the path of the CLI the acceptance tests use: TF_ACC_TERRAFORM_PATH, else terraform on PATH.
// terraform-plugin-testing would otherwise try to download one, which a test must never do.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p
	}
	const why = "no Terraform CLI: set TF_ACC_TERRAFORM_PATH or put terraform on PATH (make test does)"
	if os.Getenv("TF_ACC") != "" {
		t.Fatal("TF_ACC is set but there is " + why)
	}
	t.Skip("acceptance test skipped: " + why)
	return ""
}
