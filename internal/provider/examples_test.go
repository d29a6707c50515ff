package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// applyExample copies an example directory and runs terraform init, apply and output in it, with the provider
// served in-process and reading its KORE_* settings from env. The harness of terraform-plugin-testing cannot read back the state of for_each resources
// keyed by strings, which the access-mapping example has, so this drives the CLI through terraform-exec itself.
func applyExample(t *testing.T, example string, env map[string]string) map[string]tfexec.OutputMeta {
	t.Helper()
	return applyExampleWith(t, example, env, nil)
}

// applyExampleWith is applyExample with configure called on the CLI's handle before init, to capture its output
// or turn on its log.
func applyExampleWith(t *testing.T, example string, env map[string]string, configure func(*tfexec.Terraform)) map[string]tfexec.OutputMeta {
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
	if configure != nil {
		configure(tf)
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

// The kore_groups, kore_group and kore_users examples apply against the local server and show what they promise.
func TestAccExamples_dataSources(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	access := fakekore.GenerateAccess(groups, 5)
	s := newTestServer(t, groups, func(o *fakekore.Options) { o.Access = access })
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

	outputs = applyExample(t, filepath.Join("data-sources", "kore_users"), env)
	var reviewed map[string][]string
	outputValue(t, outputs, "granted_through_groups", &reviewed)
	if want := map[string][]string{"sample1@example.com": {"Audit"}, "sample3@example.com": {}}; !reflect.DeepEqual(reviewed, want) {
		t.Errorf("granted_through_groups = %v, want %v", reviewed, want)
	}
	var total int
	outputValue(t, outputs, "users_in_account", &total)
	if total != len(access.Users) {
		t.Errorf("users_in_account = %d, want %d", total, len(access.Users))
	}
	var admins []string
	outputValue(t, outputs, "admins", &admins)
	if len(admins) == 0 || admins[0] != "account.owner@example.com" {
		t.Errorf("admins = %v, want the account owner first", admins)
	}
}

// The access-review example, applied against a generated account: each review agrees with the fixture, worked out
// here independently of the provider's sorting and of the example's HCL.
func TestAccExamples_accessReview(t *testing.T) {
	t.Parallel()
	groups := testAccountGroups()
	access := fakekore.GenerateAccess(groups, 5)
	s := newTestServer(t, groups, func(o *fakekore.Options) { o.Access = access })
	outputs := applyExample(t, "access-review", map[string]string{
		envHost: s.URL, envClientID: testClientID, envClientSecret: testClientSecret, envMaxRetries: "0",
	})

	users := append([]fakekore.UserRoles(nil), access.Users...)
	sort.SliceStable(users, func(i, j int) bool { return users[i].Username < users[j].Username })
	how := func(user string, groups []string) string {
		if len(groups) == 0 {
			return user + " (direct)"
		}
		sorted := append([]string(nil), groups...)
		sort.Strings(sorted)
		return user + " (via " + strings.Join(sorted, ", ") + ")"
	}
	byBot := map[string]map[string][]string{}
	admins := map[string][]string{}
	var direct, directAdmin []string
	inactive := map[string]bool{}
	for _, g := range groups {
		for _, m := range g.Users {
			if m.Email != nil && m.ActivationStatus != nil && *m.ActivationStatus != "active" {
				inactive[*m.Email] = true
			}
		}
	}
	var inactiveHolders []string
	for _, u := range users {
		want := expectedUserRoles(u) // roles in the order kore_users promises
		for _, r := range as[[]any](t, want["bot_roles"]) {
			role := as[map[string]any](t, r)
			bot, name := as[string](t, role["bot_name"]), as[string](t, role["role_name"])
			via, _ := role["via_groups"].([]string)
			if byBot[bot] == nil {
				byBot[bot] = map[string][]string{}
			}
			byBot[bot][name] = append(byBot[bot][name], how(u.Username, via))
			if len(via) == 0 {
				direct = append(direct, u.Username+": "+name+" in "+bot)
			}
		}
		for _, r := range as[[]any](t, want["admin_roles"]) {
			role := as[map[string]any](t, r)
			name := as[string](t, role["role_name"])
			via, _ := role["via_groups"].([]string)
			admins[name] = append(admins[name], how(u.Username, via))
			if len(via) == 0 {
				directAdmin = append(directAdmin, u.Username+": "+name+" (admin)")
			}
		}
		if inactive[u.Username] && len(u.BotRoles)+len(u.AdminRoles) > 0 {
			inactiveHolders = append(inactiveHolders, u.Username)
		}
	}

	var gotByBot map[string]map[string][]string
	outputValue(t, outputs, "access_by_bot", &gotByBot)
	if !reflect.DeepEqual(gotByBot, byBot) {
		t.Errorf("access_by_bot:\n got %v\nwant %v", gotByBot, byBot)
	}
	var gotAdmins map[string][]string
	outputValue(t, outputs, "admin_access", &gotAdmins)
	if !reflect.DeepEqual(gotAdmins, admins) {
		t.Errorf("admin_access:\n got %v\nwant %v", gotAdmins, admins)
	}
	var gotDirect []string
	outputValue(t, outputs, "direct_grants", &gotDirect)
	if want := append(direct, directAdmin...); !reflect.DeepEqual(gotDirect, want) {
		t.Errorf("direct_grants:\n got %v\nwant %v", gotDirect, want)
	}
	var gotInactive []string
	outputValue(t, outputs, "inactive_holders", &gotInactive)
	if len(inactiveHolders) == 0 || !reflect.DeepEqual(gotInactive, inactiveHolders) {
		t.Errorf("inactive_holders: got %v, want %v (and the fixture must have some)", gotInactive, inactiveHolders)
	}
	var privileged map[string][]string
	outputValue(t, outputs, "privileged_holders", &privileged)
	if owner := "account.owner@example.com"; !reflect.DeepEqual(privileged["Master Admin"], []string{owner}) ||
		!reflect.DeepEqual(privileged["Bot Owner"], []string{owner}) {
		t.Errorf("privileged_holders = %v: the account owner must hold Master Admin and Bot Owner, alone", privileged)
	}
}

// as is a checked type assertion for the expected values the tests build as plain Go maps and lists.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("%v is a %T, want a %T", v, v, x)
	}
	return x
}
