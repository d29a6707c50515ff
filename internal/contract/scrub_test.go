package contract

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// The re-encoding keeps fields in their order and numbers as written, and passes each string value with its path.
func TestRewriteJSONKeepsOrderAndNumbers(t *testing.T) {
	const in = `{"b": 1.50, "a": [1, "x", {"c": null, "d": true, "e": "<&>"}], "z": {}}`
	var paths []string
	out, err := rewriteJSON([]byte(in), func(path []string, value string) string {
		paths = append(paths, strings.Join(path, "/")+"="+value)
		return value
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"b":1.50,"a":[1,"x",{"c":null,"d":true,"e":"<&>"}],"z":{}}`; string(out) != want {
		t.Errorf("rewritten = %s\nwant        %s", out, want)
	}
	if got, want := strings.Join(paths, " "), "/a/[]=x /a/[]/e=<&>"; got != want {
		t.Errorf("paths = %q, want %q", got, want)
	}
	for _, bad := range []string{`{"a":`, `{} {}`, ``, `[1,]`} {
		if _, err := rewriteJSON([]byte(bad), func(_ []string, v string) string { return v }); err == nil {
			t.Errorf("rewriteJSON(%q) succeeded", bad)
		}
	}
}

const aToken = "eyJhbGciOiJIUzI1NiJ9.eyJhcHBJZCI6ImNzLTEifQ.c2lnbmF0dXJl"

// Answers are scrubbed field by field: app secrets emptied, tokens and the client's secret removed, emails, user
// names and group names (and groups' descriptions) replaced by pseudonyms that are the same wherever the value
// recurs, ids left as they are.
func TestScrubberReplacesSecretsAndPersonalData(t *testing.T) {
	s := newScrubber("client-secret-123", "")
	groups := s.body(`{"total":1,"groups":[{"_id":"e-1","gN":"Finance","gDesc":"Finance team","groups":["e-2"],` +
		`"users":[{"_id":"u-1","emailId":"Ann.Lee@corp.example","firstName":"Ann","lastName":"Lee"},` +
		`{"_id":"u-2","emailId":"bob@corp.example","firstName":"Bob","lastName":"Lee"}]}]}`)
	users := s.body(`{"users":[{"userId":"u-1","username":"ann.lee@corp.example","btRoles":[{"botId":"st-1",` +
		`"groups":["Finance","Ops"]}],"adminRoles":[{"roleName":"Bot Admin","groups":["Ops"]}]},` +
		`{"userId":"u-3","username":"svc-login"}]}`)
	bots := s.body(`{"bots":[{"_id":"st-1","name":"HR","description":"ask hr@corp.example, token ` + aToken +
		`, key client-secret-123","jwtApps":[{"clientId":"cs-1","clientSecret":"live-app-secret"}]}]}`)
	all := groups + users + bots

	for _, leaked := range []string{"Finance", "Ann", "Lee", "Bob", "corp.example", "Ops", "svc-login",
		"live-app-secret", "client-secret-123", aToken} {
		if strings.Contains(all, leaked) {
			t.Errorf("scrubbed answers still hold %q:\n%s", leaked, all)
		}
	}
	for _, kept := range []string{`"_id": "e-1"`, `"e-2"`, `"u-1"`, `"st-1"`, `"cs-1"`, `"Bot Admin"`,
		`"clientSecret": ""`, "[token removed]", "[secret removed]", `"total": 1`} {
		if !strings.Contains(all, kept) {
			t.Errorf("scrubbed answers lack %s:\n%s", kept, all)
		}
	}
	// One value, one pseudonym, across endpoints; emails compared without case, and email-shaped.
	for _, same := range []struct{ in, want string }{
		{`"gN": "Group-1"`, `"Group-1"`}, {`"emailId": "user-1@example.invalid"`, `"username": "user-1@example.invalid"`},
		{`"firstName": "Name-1"`, `"lastName": "Name-2"`}, {`"lastName": "Name-2"`, `"lastName": "Name-2"`},
	} {
		if !strings.Contains(groups, same.in) || !strings.Contains(users+groups, same.want) {
			t.Errorf("want %s and %s:\n%s\n%s", same.in, same.want, groups, users)
		}
	}
	if strings.Count(groups, `"lastName": "Name-2"`) != 2 {
		t.Errorf("one last name got two pseudonyms:\n%s", groups)
	}
	if !strings.Contains(users, `"Group-1",`) || !strings.Contains(users, `"Group-2"`) ||
		!strings.Contains(groups, `"gDesc": "Description-1"`) {
		t.Errorf("the roles' group names do not follow the groups' pseudonyms:\n%s\n%s", groups, users)
	}
	if !strings.Contains(users, `"username": "Name-`) {
		t.Errorf("a login that is no email did not become a name:\n%s", users)
	}
	if !strings.Contains(bots, "ask user-") {
		t.Errorf("an email inside text was not replaced:\n%s", bots)
	}
	if got := s.body("<html>mail ann.lee@corp.example " + aToken + "</html>"); got !=
		"<html>mail user-1@example.invalid [token removed]</html>" {
		t.Errorf("a body that is not JSON: %q", got)
	}
}

// A recorded interaction loses its credentials and cookies, and its length follows the scrubbed body.
func TestScrubberInteractionDropsCredentials(t *testing.T) {
	i := &cassette.Interaction{
		Request: cassette.Request{URL: "https://kore.example.com/api/public/bots?offset=0",
			Headers: http.Header{"Auth": {aToken}, "User-Agent": {"ua"}, "Cookie": {"c=1"}},
			Form:    map[string][]string{"offset": {"0"}}, RemoteAddr: "10.0.0.1:1", RequestURI: "/x"},
		Response: cassette.Response{Body: `{"bots":[]}`, ContentLength: 99,
			Headers: http.Header{"Set-Cookie": {"s=1"}, "Content-Length": {"99"}, "X-Trace": {aToken}}},
	}
	if err := newScrubber().interaction(i); err != nil {
		t.Fatal(err)
	}
	if _, ok := i.Request.Headers["Auth"]; ok || i.Request.Headers.Get("Cookie") != "" {
		t.Errorf("request headers = %v", i.Request.Headers)
	}
	if i.Request.Headers.Get("User-Agent") != "ua" || i.Request.Form.Get("offset") != "0" {
		t.Errorf("request lost what it may keep: %+v", i.Request)
	}
	if h := i.Response.Headers; h.Get("Set-Cookie") != "" || h.Get("Content-Length") != "" ||
		h.Get("X-Trace") != removedToken {
		t.Errorf("response headers = %v", h)
	}
	if i.Response.ContentLength != int64(len(i.Response.Body)) || i.Request.RemoteAddr != "" {
		t.Errorf("content length %d for %d bytes; remote address %q", i.Response.ContentLength,
			len(i.Response.Body), i.Request.RemoteAddr)
	}
}

// CheckScrubbed names the file and what it holds, never the value.
func TestCheckScrubbedFindsWhatMustNotBeWritten(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{name: "clean", content: "headers:\n  User-Agent: ua\nbody: user-1@example.invalid\n"},
		{name: "a forbidden value", content: "body: the-secret\n", want: "x.yaml holds forbidden value 1 of 2"},
		{name: "a token", content: "body: " + aToken + "\n", want: "x.yaml holds a string shaped like a token"},
		{name: "an auth header", content: "headers:\n    Auth:\n        - x\n", want: "x.yaml holds an auth header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
				t.Fatal(err)
			}
			err := CheckScrubbed(dir, "the-secret", "")
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.want || strings.Contains(err.Error(), "the-secret") {
				t.Fatalf("CheckScrubbed = %v, want %q", err, tt.want)
			}
		})
	}
	if err := CheckScrubbed(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory passed")
	}
}
