package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kore-community/terraform-provider-kore/internal/testnet"
)

// TestMain keeps every test of the package on loopback (see testnet).
func TestMain(m *testing.M) { testnet.Main(m) }

func snapshot(t *testing.T) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "schema", "provider-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func write(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	snap := write(t, dir, "snapshot.json", snapshot(t))
	same := write(t, dir, "same.json", snapshot(t))
	// The first name_regex of the snapshot (kore_bots') renamed: the provider no longer has that attribute.
	renamed := bytes.Replace(snapshot(t), []byte(`"name_regex": {`), []byte(`"name_pattern": {`), 1)
	if bytes.Equal(renamed, snapshot(t)) {
		t.Fatal("the snapshot has no name_regex attribute to rename")
	}
	broken := write(t, dir, "broken.json", renamed)

	var out, errOut bytes.Buffer
	if code := run([]string{"-snapshot", snap, "-current", same}, &out, &errOut); code != 0 {
		t.Fatalf("the snapshot against itself: exit %d\n%s%s", code, out.String(), errOut.String())
	}

	out.Reset()
	if code := run([]string{"-snapshot", snap, "-current", broken}, &out, &errOut); code != 1 {
		t.Errorf("an attribute gone: exit %d, want 1", code)
	}
	for _, want := range []string{
		"BREAKING data source kore_bots: attribute name_regex removed",
		"added    data source kore_bots: attribute name_pattern added (optional)",
		"1 breaking changes against",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := run([]string{"-snapshot", snap, "-current", broken, "-update"}, &out, &errOut); code != 0 {
		t.Fatalf("-update: exit %d\n%s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "Breaking changes need a new major version") {
		t.Errorf("-update with a breaking change does not say it needs a major version:\n%s", out.String())
	}
	out.Reset()
	if code := run([]string{"-snapshot", snap, "-current", broken}, &out, &errOut); code != 0 {
		t.Errorf("after -update: exit %d, want 0\n%s", code, out.String())
	}

	errOut.Reset()
	if code := run([]string{"-snapshot", filepath.Join(dir, "missing.json"), "-current", same}, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "make schema-update") {
		t.Errorf("a missing snapshot: exit %d, %q; want 2 and advice", code, errOut.String())
	}
}
