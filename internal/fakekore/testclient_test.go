package fakekore

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testClientID     = "cs-test-client"
	testClientSecret = "test-secret-value"
)

// newTestServer starts a Server that is closed when the test ends.
func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// get requests GroupsPath with rawQuery, sending token in the auth header when it is not empty.
func get(t *testing.T, s *Server, rawQuery, token string) response {
	t.Helper()
	return do(t, http.DefaultClient, http.MethodGet, s.URL+GroupsPath+"?"+rawQuery, token)
}

func do(t *testing.T, client *http.Client, method, url, token string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("auth", token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body of %s %s: %v", method, url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// wirePage mirrors a Get Groups answer, decoding groups loosely so nulls stay visible.
type wirePage struct {
	Total         int              `json:"total"`
	AvailableMore bool             `json:"availableMore"`
	Groups        []map[string]any `json:"groups"`
}

func decodePage(t *testing.T, r response) wirePage {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", r.status, r.body)
	}
	var page wirePage
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatalf("decoding page %q: %v", r.body, err)
	}
	return page
}

// ids lists the groups' _id values; a missing or non-string _id shows up as "".
func (p wirePage) ids() []string {
	ids := make([]string, 0, len(p.Groups))
	for _, g := range p.Groups {
		id, _ := g["_id"].(string)
		ids = append(ids, id)
	}
	return ids
}

type wireErrors struct {
	Errors []apiError `json:"errors"`
}

// assertError checks status and Kore.ai's {"errors":[{"msg","code"}]} body.
func assertError(t *testing.T, r response, status int, msg string, code int) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var body wireErrors
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("decoding error body %q: %v", r.body, err)
	}
	want := []apiError{{Msg: msg, Code: code}}
	if len(body.Errors) != 1 || body.Errors[0] != want[0] {
		t.Errorf("errors = %+v, want %+v", body.Errors, want)
	}
}

func groupIDs(groups []Group) []string {
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	return ids
}

func signToken(t *testing.T, method jwt.SigningMethod, secret string, claims jwt.MapClaims) string {
	t.Helper()
	token, err := jwt.NewWithClaims(method, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// validClaims are what a well-behaved client sends; jti makes each call's token distinct.
func validClaims(jti string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"appId": testClientID,
		"sub":   "terraform",
		"iat":   now.Unix(),
		"exp":   now.Add(time.Minute).Unix(),
		"jti":   jti,
	}
}
