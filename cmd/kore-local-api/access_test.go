package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kore-community/terraform-provider-kore/internal/fakekore"
)

// startRun runs the command with args until the test ends and returns its URL and a signed token.
func startRun(t *testing.T, args ...string) (url, token string, logs *lockedBuffer) {
	t.Helper()
	stdoutReader, stdout := io.Pipe()
	logs = new(lockedBuffer)
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-client-id", "demo-client", "-client-secret",
			"demo-secret"}, args...), stdout, logs)
	}()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(10 * time.Second): // guards against a hang only
			t.Error("run did not return after the stop signal")
		}
	})
	line, err := bufio.NewReader(stdoutReader).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the listening line: %v; logs:\n%s", err, logs)
	}
	match := regexp.MustCompile(`^kore-local-api listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if match == nil {
		t.Fatalf("stdout line = %q", line)
	}
	token, err = jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"appId": "demo-client"}).
		SignedString([]byte("demo-secret"))
	if err != nil {
		t.Fatal(err)
	}
	return match[1], token, logs
}

type accessPage struct {
	Total         int              `json:"total"`
	AvailableMore bool             `json:"availableMore"`
	Users         []map[string]any `json:"users"`
	Roles         []map[string]any `json:"roles"`
	Bots          []map[string]any `json:"bots"`
	Groups        []map[string]any `json:"groups"`
}

func fetchPage(t *testing.T, url, token string) accessPage {
	t.Helper()
	body, status := fetch(t, url, token)
	var page accessPage
	if err := json.Unmarshal(body, &page); err != nil || status != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %s, decoding: %v", url, status, body, err)
	}
	return page
}

func TestRunServesTheAccessListings(t *testing.T) {
	url, token, logs := startRun(t, "-groups", "30", "-users", "4", "-bots", "3")

	t.Run("bots: -bots of them, with JWT apps carrying marked secrets", func(t *testing.T) {
		page := fetchPage(t, url+fakekore.BotsPath, token)
		if page.Total != 3 || len(page.Bots) != 3 || page.Bots[0]["name"] != "Customer Support Assistant" {
			t.Fatalf("total %d, %d bots, first %v", page.Total, len(page.Bots), page.Bots[0]["name"])
		}
		body, _ := fetch(t, url+fakekore.BotsPath, token)
		if !strings.Contains(string(body), `"clientSecret":"`+fakekore.BotSecretPrefix) {
			t.Errorf("no bot app secret starts with %s: %s", fakekore.BotSecretPrefix, body)
		}
	})
	t.Run("user roles name the groups served", func(t *testing.T) {
		groups := map[string]bool{}
		for offset := 0; ; offset++ {
			page := fetchPage(t, fmt.Sprintf("%s%s?offset=%d", url, fakekore.GroupsPath, offset), token)
			for _, g := range page.Groups {
				groups[checked[string](t, g["gN"])] = true
			}
			if !page.AvailableMore {
				break
			}
		}
		page := fetchPage(t, url+fakekore.UserRolesPath, token)
		viaGroups := 0
		for _, u := range page.Users {
			for _, grant := range checked[[]any](t, u["btRoles"]) {
				for _, name := range checked[[]any](t, checked[map[string]any](t, grant)["groups"]) {
					viaGroups++
					if !groups[checked[string](t, name)] {
						t.Errorf("user %v holds a role through %q, which is not served", u["username"], name)
					}
				}
			}
		}
		if viaGroups == 0 || page.Total != len(page.Users) {
			t.Errorf("%d roles held through groups, %d of %d users read", viaGroups, len(page.Users), page.Total)
		}
	})
	t.Run("roles of either type, and 400 without one", func(t *testing.T) {
		admin := fetchPage(t, url+fakekore.RolesPath+"?roleType=admin", token)
		bot := fetchPage(t, url+fakekore.RolesPath+"?roleType=bot", token)
		if len(admin.Roles) == 0 || len(bot.Roles) == 0 || admin.Roles[0]["_id"] != nil || bot.Roles[0]["_id"] == nil {
			t.Errorf("admin roles %v, bot roles %v: want both, _id only on bot roles", admin.Roles, bot.Roles)
		}
		if _, status := fetch(t, url+fakekore.RolesPath, token); status != http.StatusBadRequest {
			t.Errorf("roles without roleType: status %d, want 400", status)
		}
	})
	t.Run("the start-up line says the bots and the meaning of offset", func(t *testing.T) {
		if want := `bots=3 offsets="groups=page,users=records,roles=page,bots=page"`; !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	})
}

func TestRunReadsOffsetAsAskedForEveryListing(t *testing.T) {
	// The second item of each listing starts the page at offset=1&limit=1 under either meaning; at limit 2 only
	// records does.
	for _, tt := range []struct {
		name     string
		args     []string
		env      string
		wantSkip map[string]bool // listing path -> offset counts records
	}{
		{"the defaults", nil, "", map[string]bool{fakekore.UserRolesPath: true}},
		{"-offset page", []string{"-offset", "page"}, "", map[string]bool{}},
		{"-offset records", []string{"-offset", "records"}, "", map[string]bool{
			fakekore.GroupsPath: true, fakekore.UserRolesPath: true, fakekore.RolesPath: true, fakekore.BotsPath: true}},
		{"-offset per listing", []string{"-offset", "groups=records,users=page"}, "", map[string]bool{fakekore.GroupsPath: true}},
		{"the environment", nil, "bots=records", map[string]bool{fakekore.UserRolesPath: true, fakekore.BotsPath: true}},
		{"-offset over the environment", []string{"-offset", "default"}, "records", map[string]bool{fakekore.UserRolesPath: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(offsetEnv, tt.env)
			url, token, _ := startRun(t, append([]string{"-groups", "9", "-bots", "4"}, tt.args...)...)
			for _, path := range []string{fakekore.GroupsPath, fakekore.UserRolesPath, fakekore.RolesPath + "?roleType=bot", fakekore.BotsPath} {
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				second := idOf(fetchPage(t, url+path+sep+"offset=1&limit=1", token))
				got := idOf(fetchPage(t, url+path+sep+"offset=1&limit=2", token))
				listing, _, _ := strings.Cut(path, "?")
				if skips := got == second; skips != tt.wantSkip[listing] {
					t.Errorf("%s: offset counts records = %v, want %v", path, skips, tt.wantSkip[listing])
				}
			}
		})
	}
}

// idOf identifies the first item of a page, whichever listing it comes from.
func idOf(p accessPage) string {
	for _, items := range [][]map[string]any{p.Groups, p.Users, p.Roles, p.Bots} {
		if len(items) > 0 {
			return fmt.Sprint(items[0]["_id"], items[0]["userId"], items[0]["role"])
		}
	}
	return ""
}

func TestOffsetFlagErrorsNameTheMistake(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{"skip", `"skip"`},
		{"people=page", `listing "people"`},
		{"users=skip", `"skip"`},
		{"users=page,", `listing ""`},
	} {
		t.Run("-offset "+tt.value+" is refused", func(t *testing.T) {
			_, err := parseFlags([]string{"-offset", tt.value}, io.Discard)
			if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseFlags: %v, want a usage error containing %s", err, tt.want)
			}
		})
	}
	t.Run("a bad "+offsetEnv+" is named", func(t *testing.T) {
		t.Setenv(offsetEnv, "pages")
		_, err := parseFlags(nil, io.Discard)
		if !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), offsetEnv) {
			t.Errorf("parseFlags: %v, want a usage error naming %s", err, offsetEnv)
		}
	})
	t.Run("-bots -1 is refused", func(t *testing.T) {
		if _, err := parseFlags([]string{"-bots", "-1"}, io.Discard); !errors.As(err, new(usageError)) {
			t.Errorf("parseFlags: %v, want a usage error", err)
		}
	})
}

// checked is a type assertion that fails the test, naming the value, instead of panicking.
func checked[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("%v is a %T, want a %T", v, v, x)
	}
	return x
}
