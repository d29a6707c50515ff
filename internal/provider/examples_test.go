package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// applyExample copies an example directory and runs terraform init, apply and output in it, with the provider
// served in-process and reading its KORE_* settings from env. The harness of terraform-plugin-testing cannot read back the state of for_each resources
// keyed by strings, which the access-mapping example has, so this drives the CLI through terraform-exec itself.
func applyExample(t *testing.T, example string, env map[string]string) map[string]tfexec.OutputMeta {
	t.Helper()
	terraformPath := terraformCLI(t)
	work := t.TempDir()
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", example, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configuration in examples/%s: %v", example, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, filepath.Base(f)), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	serverCtx, stopServer := context.WithCancel(ctx)
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	ps, err := newProtocol6Server("test", envOf(env))()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = tf6server.Serve(ProviderAddress, func() tfprotov6.ProviderServer { return ps },
			tf6server.WithDebug(serverCtx, reattach, closed), tf6server.WithoutLogStderrOverride())
	}()
	defer func() { stopServer(); <-closed }()

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
	info := tfexec.ReattachInfo{registry + "/kore-community/kore": tfexec.ReattachConfig{
		Protocol: string(config.Protocol), ProtocolVersion: config.ProtocolVersion, Pid: config.Pid, Test: config.Test,
		Addr: tfexec.ReattachConfigAddr{Network: config.Addr.Network(), String: config.Addr.String()},
	}}

	tf, err := tfexec.NewTerraform(work, terraformPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := tf.SetEnv(map[string]string{"CHECKPOINT_DISABLE": "1"}); err != nil {
		t.Fatal(err)
	}
	if err := tf.Init(ctx, tfexec.Reattach(info)); err != nil {
		t.Fatalf("terraform init: %v", err)
	}
	if err := tf.Apply(ctx, tfexec.Reattach(info)); err != nil {
		t.Fatalf("terraform apply: %v", err)
	}
	outputs, err := tf.Output(ctx)
	if err != nil {
		t.Fatalf("terraform output: %v", err)
	}
	return outputs
}

// outputValue decodes one output into v.
func outputValue(t *testing.T, outputs map[string]tfexec.OutputMeta, name string, v any) {
	t.Helper()
	out, ok := outputs[name]
	if !ok {
		t.Fatalf("no output %q", name)
	}
	if err := json.Unmarshal(out.Value, v); err != nil {
		t.Fatalf("output %q: %v", name, err)
	}
}

// The access-mapping example, applied as a user would: the provider configured from KORE_* variables, the mapped
// groups' members turned into role bindings and per-user role assignments.
func TestAccExamples_accessMapping(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, testAccountGroups())
	outputs := applyExample(t, "access-mapping", map[string]string{
		envHost: s.URL, envClientID: testClientID, envClientSecret: testClientSecret,
		envMaxRetries: "0",
	})

	var roles map[string][]string
	outputValue(t, outputs, "roles_by_email", &roles)
	want := map[string][]string{
		"sample1@example.com":     {"auditor"},
		"sample2@example.com":     {"auditor"},
		"sample3@example.com":     {"risk-analyst"},
		"sample3@sampleemail.com": {"risk-analyst"},
	}
	if !reflect.DeepEqual(roles, want) {
		t.Errorf("roles_by_email = %v, want %v", roles, want)
	}
	var unmapped []string
	outputValue(t, outputs, "unmapped_groups", &unmapped)
	if len(unmapped) != 0 {
		t.Errorf("unmapped_groups = %v, want none", unmapped)
	}
}

// The kore_groups and kore_group examples apply against the local server and show what they promise.
func TestAccExamples_dataSources(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	s := newTestServer(t, groups)
	env := map[string]string{envHost: s.URL, envClientID: testClientID, envClientSecret: testClientSecret}

	outputs := applyExample(t, filepath.Join("data-sources", "kore_groups"), env)
	var names []string
	outputValue(t, outputs, "group_names", &names)
	if len(names) != len(groups) {
		t.Errorf("group_names lists %d groups, want %d", len(names), len(groups))
	}
	var auditMembers []string
	outputValue(t, outputs, "audit_member_emails", &auditMembers)
	if !reflect.DeepEqual(auditMembers, []string{"sample1@example.com", "sample2@example.com"}) {
		t.Errorf("audit_member_emails = %v", auditMembers)
	}

	outputs = applyExample(t, filepath.Join("data-sources", "kore_group"), env)
	if len(outputs) == 0 {
		t.Error("the kore_group example has no outputs to show")
	}
}
