package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/kore-community/terraform-provider-kore/internal/kore"
)

// A cache_dir that others may write in is refused with a warning even when the user chose neither the directory
// nor the cache: another user could otherwise plant files the provider trusts.
func TestALooseCacheDirWarnsAlways(t *testing.T) {
	loose := filepath.Join(t.TempDir(), "loose")
	if err := os.Mkdir(loose, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(loose, 0o777); err != nil {
		t.Fatal(err)
	}
	cfg := kore.Config{Host: "platform.kore.ai", JWT: "eyJ.a.b", CacheDir: loose}
	client, err := kore.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var diags diag.Diagnostics
	reportStateDir(context.Background(), &diags, client, cfg, false)
	if diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	if detail := diags[0].Detail(); !strings.Contains(detail, "may be written by others") ||
		!strings.Contains(detail, "chmod 700") {
		t.Errorf("the warning does not say why and what to do: %q", detail)
	}
	if entries, _ := os.ReadDir(loose); len(entries) != 0 {
		t.Errorf("the refused directory holds %d files", len(entries))
	}
}

// A budget record that becomes unusable after the provider started is a warning of the read, not only a log line.
func TestABudgetRecordLostDuringTheRunIsAWarning(t *testing.T) {
	s := newTestServer(t, testAccountGroups())
	dir := t.TempDir()
	client, err := kore.New(kore.Config{Host: s.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		CacheDir: dir})
	if err != nil || client.StateDirError() != nil {
		t.Fatalf("New: %v, %v", err, client.StateDirError())
	}
	// A file in the place of the budget's directory: its record can no longer be locked.
	if err := os.RemoveAll(filepath.Join(dir, "budget")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "budget"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	read := func(ctx context.Context) (*kore.GroupList, []string, error) {
		list, err := client.ListGroups(ctx, 50)
		if err != nil {
			return nil, nil, err
		}
		return list, list.Warnings, nil
	}
	_, diags := readListing(context.Background(), client, groupsListing, timeouts.Value{}, read)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	if summary := diags[0].Summary(); summary != "Kore.ai Request Budget No Longer Shared" {
		t.Errorf("warning %q", summary)
	}
	if _, again := readListing(context.Background(), client, groupsListing, timeouts.Value{}, read); again.WarningsCount() != 0 {
		t.Errorf("the warning was repeated on the next read: %v", again)
	}
}
