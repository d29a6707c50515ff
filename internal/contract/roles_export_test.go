package contract

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// checkExportRoles checks Export Roles of a local account whose every request intercept may answer.
func checkExportRoles(t *testing.T, intercept fakekore.Interceptor) (*Result, string) {
	t.Helper()
	groups := fakekore.SampleGroups()
	server := fakekore.New(fakekore.Options{ClientID: testClientID, ClientSecret: testClientSecret,
		Groups: groups, Access: fakekore.GenerateAccess(groups, 1), Intercept: intercept})
	t.Cleanup(server.Close)
	dir := filepath.Join(t.TempDir(), "recording")
	settings := &Settings{Host: server.URL, ClientID: testClientID, ClientSecret: testClientSecret,
		CacheDir: t.TempDir(), Dir: dir, Endpoints: []string{"roles-export-admin"}}
	var out bytes.Buffer
	results, err := Run(context.Background(), settings, time.Now(), &out)
	if err != nil || len(results) != 1 {
		t.Fatalf("Run = %v, %v:\n%s", results, err, out.String())
	}
	if n := server.Requests(); n != 1 {
		t.Errorf("the check of Export Roles made %d requests, want 1", n)
	}
	return results[0], dir
}

// Export Roles is read once, by the client as the provider reads it, and recorded; an answer the client refuses
// fails the check with the client's error, and the endpoint is left out of the recording's listings.
func TestRunChecksExportRolesThroughTheClient(t *testing.T) {
	result, dir := checkExportRoles(t, nil)
	if !result.OK() || result.Line() != "Export Roles (admin): OK (6 roles, a bare array)" {
		t.Errorf("Export Roles: %s", result.Line())
	}
	if meta, err := LoadMetadata(dir); err != nil || meta.listing("roles-export-admin") == nil {
		t.Errorf("metadata %+v, %v: want Export Roles listed", meta, err)
	}

	withoutID := func(_ int, w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != fakekore.RolesExportPath {
			return false
		}
		_, _ = w.Write([]byte(`[{"roleType":"admin","role":"Master Admin","permissions":{}}]`))
		return true
	}
	result, dir = checkExportRoles(t, withoutID)
	if result.OK() || !strings.Contains(result.Line(), `FAILED: Kore.ai API answered HTTP 200 with a body of 61 bytes`) ||
		!strings.Contains(result.Line(), `element 0 (role "Master Admin") has no "_id"`) {
		t.Errorf("Export Roles without _id: %s", result.Line())
	}
	if meta, err := LoadMetadata(dir); err != nil || meta.listing("roles-export-admin") != nil {
		t.Errorf("metadata %+v, %v: want no Export Roles listed", meta, err)
	}
}

// A recording whose Export Roles answer lost its ids no longer replays: the client refuses it, as it would live.
func TestReplayFailsWhenAnExportedRoleLostItsID(t *testing.T) {
	_, dir := checkExportRoles(t, nil)
	c, err := cassette.Load(filepath.Join(dir, cassetteName))
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`"_id":\s*"[^"]*",`)
	for _, i := range c.Interactions {
		if strings.Contains(i.Request.URL, rolesExportPath) {
			i.Response.Body = ids.ReplaceAllLiteralString(i.Response.Body, "")
		}
	}
	c.MarshalFunc = yaml.Marshal
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	results, err := Replay(context.Background(), dir)
	if err != nil || len(results) != 1 {
		t.Fatalf("Replay = %v, %v", results, err)
	}
	if line := results[0].Line(); results[0].OK() || !strings.Contains(line, `has no "_id"`) {
		t.Errorf("replay: %s", line)
	}
}
