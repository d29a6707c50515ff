package contract

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// The local account of testdata/contract/local-api, as scripts/contract-local.sh (make contract-local) serves it.
const (
	localRecording    = "../../testdata/contract/local-api"
	localGroups       = 5
	localUsers        = 2
	localBots         = 2
	localClientSecret = "contract-local-secret-Vq7Lm2Xw9Rt4"
)

// localAccountSecrets is every value of the local account the recording must not hold: the client secret, the
// bots' app secrets and the real emails anywhere, and the real user names and group names as JSON strings (a group
// named "Audit" is no leak in a role named "Audit Viewer").
func localAccountSecrets(t *testing.T) []string {
	t.Helper()
	groups := append(fakekore.SampleGroups(), fakekore.GenerateGroups(localGroups-2, localUsers)...)
	access := fakekore.GenerateAccess(groups, localBots)
	values := []string{localClientSecret}
	quoted := func(s string) string {
		data, _ := json.Marshal(s)
		return string(data)
	}
	add := func(s *string, quote bool) {
		if s != nil && *s != "" && quote {
			values = append(values, quoted(*s))
		} else if s != nil && *s != "" {
			values = append(values, *s)
		}
	}
	for _, g := range groups {
		values = append(values, quoted(g.Name))
		for _, u := range g.Users {
			add(u.Email, false)
			add(u.FirstName, true)
			add(u.LastName, true)
		}
	}
	for _, u := range access.Users {
		values = append(values, u.Username)
	}
	apps := 0
	for _, b := range access.Bots {
		for _, app := range b.JWTApps {
			values = append(values, app.ClientSecret)
			apps++
		}
	}
	if apps == 0 || len(access.Users) == 0 {
		t.Fatal("the local account has no bot app or no user: the search below would prove little")
	}
	return values
}

// The shipped recording holds none of the local account's secrets and real data, no token and no auth header; and
// it is the account the test believes it is (its totals), so that the search is for the right values.
func TestLocalRecordingHoldsNoSecretOrRealData(t *testing.T) {
	meta, err := LoadMetadata(localRecording)
	if err != nil {
		t.Fatalf("the shipped recording (make contract-local): %v", err)
	}
	if l := meta.listing("groups"); l == nil || l.Total != localGroups {
		t.Fatalf("the recording's groups listing is %+v, want a total of %d: scripts/contract-local.sh and this "+
			"test disagree on the account", l, localGroups)
	}
	if l := meta.listing("bots"); l == nil || l.Total != localBots {
		t.Fatalf("the recording's bots listing is %+v, want a total of %d", l, localBots)
	}
	forbidden := localAccountSecrets(t)
	if err := CheckScrubbed(localRecording, forbidden...); err != nil {
		var named []string
		for _, value := range forbidden {
			if recordingHolds(t, localRecording, value) {
				named = append(named, value)
			}
		}
		t.Fatalf("%v (values found: %q)", err, named)
	}
	if !recordingHolds(t, localRecording, `"clientSecret": ""`) {
		t.Error("the recording shows no emptied clientSecret: the bots' apps were not recorded")
	}
	if !recordingHolds(t, localRecording, "@example.invalid") {
		t.Error("the recording holds no pseudonymous email")
	}
}

func recordingHolds(t *testing.T, dir, value string) bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		data, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), value) {
			return true
		}
	}
	return false
}

// recordingsToReplay is KORE_CONTRACT_DIR's recording (or recordings, for a directory of them), else every one
// under testdata/contract.
func recordingsToReplay(t *testing.T) []string {
	t.Helper()
	root := "../../testdata/contract"
	if dir := os.Getenv("KORE_CONTRACT_DIR"); dir != "" {
		root = dir
		if !filepath.IsAbs(dir) {
			root = filepath.Join("../..", dir) // make runs from the repository's root
		}
	}
	dirs, err := Recordings(root)
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// Every shipped recording replays offline: its answers check out again, and the client's reads of its whole
// listings, served from it, get what its pages hold.
func TestReplayOfTheRecordings(t *testing.T) {
	for _, dir := range recordingsToReplay(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			meta, err := LoadMetadata(dir)
			if err != nil {
				t.Fatal(err)
			}
			results, err := Replay(context.Background(), dir)
			if err != nil {
				t.Fatalf("Replay: %v", err)
			}
			if len(results) != len(meta.Listings) || len(results) == 0 {
				t.Fatalf("%d results for %d listings", len(results), len(meta.Listings))
			}
			for _, r := range results {
				t.Log(r.Line())
				if !r.OK() {
					t.Errorf("%s", r.Line())
				}
			}
		})
	}
}

// tamperedCopy copies the shipped recording to a temporary directory, changing the total of the first answer to
// offset=0&limit=50 on path.
func tamperedCopy(t *testing.T, path string, change func(total int) int) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{metadataFile, cassetteName + ".yaml"} {
		data, err := os.ReadFile(filepath.Join(localRecording, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := cassette.Load(filepath.Join(dir, cassetteName))
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, i := range c.Interactions {
		if !strings.Contains(i.Request.URL, path+"?limit=50&offset=0") {
			continue
		}
		var page map[string]any
		if err := json.Unmarshal([]byte(i.Response.Body), &page); err != nil {
			t.Fatal(err)
		}
		total, ok := page["total"].(float64)
		if !ok {
			t.Fatalf("the recorded total is %v", page["total"])
		}
		page["total"] = change(int(total))
		body, _ := json.Marshal(page)
		i.Response.Body = string(body)
		changed++
	}
	if changed == 0 {
		t.Fatalf("no answer to %s offset=0&limit=50 in the recording", path)
	}
	c.MarshalFunc = yaml.Marshal
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A recording whose total was changed by hand no longer adds up, and its replay fails as a live read would, up or
// down; the other endpoints still pass.
func TestReplayFailsWhenATotalWasChanged(t *testing.T) {
	for name, change := range map[string]func(int) int{
		"raised":  func(total int) int { return total + 1 },
		"lowered": func(total int) int { return total - 1 },
	} {
		t.Run(name, func(t *testing.T) {
			dir := tamperedCopy(t, groupsPath, change)
			results, err := Replay(context.Background(), dir)
			if err != nil {
				t.Fatalf("Replay: %v", err)
			}
			for _, r := range results {
				if r.OK() == (r.Key == "groups") {
					t.Errorf("%s: OK = %v", r.Line(), r.OK())
				}
				if r.Key == "groups" && !strings.Contains(r.Line(), "the total is") {
					t.Errorf("the groups line does not say that the total differs: %s", r.Line())
				}
			}
		})
	}
}
