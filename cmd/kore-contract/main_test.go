package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

// Without a host or credentials the command stops at once with status 2, naming the variables to set.
func TestRunWithoutSettingsSaysWhatToSet(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, noEnv, &stdout, &stderr); code != 2 {
		t.Fatalf("exit status %d, want 2", code)
	}
	const want = "kore-contract: set KORE_HOST and either KORE_CLIENT_ID + KORE_CLIENT_SECRET or KORE_JWT"
	if !strings.HasPrefix(stderr.String(), want) || stdout.Len() != 0 {
		t.Errorf("stderr = %q, stdout = %q", stderr.String(), stdout.String())
	}
	if code := run(context.Background(), []string{"somewhere"}, noEnv, &stdout, &stderr); code != 2 {
		t.Errorf("an argument without -replay: exit status %d, want 2", code)
	}
	if code := run(context.Background(), []string{"-bogus"}, noEnv, &stdout, &stderr); code != 2 {
		t.Errorf("an unknown flag: exit status %d, want 2", code)
	}
}

// The shipped recording replays with status 0, one line per endpoint; a directory without recordings is status 2.
func TestRunReplaysARecording(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-replay", "../../testdata/contract/local-api"}, noEnv, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "Get Groups: OK (") {
		t.Fatalf("exit status %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	env := func(name string) string {
		if name == "KORE_CONTRACT_DIR" {
			return t.TempDir()
		}
		return ""
	}
	if code := run(context.Background(), []string{"-replay"}, env, &stdout, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "no recording under") {
		t.Errorf("exit status %d, stderr %q", code, stderr.String())
	}
}
