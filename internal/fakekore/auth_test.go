package fakekore

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestSignedTokens(t *testing.T) {
	s := newTestServer(t, Options{ClientID: testClientID, ClientSecret: testClientSecret, Groups: SampleGroups()})
	now := time.Now()
	valid := signToken(t, jwt.SigningMethodHS256, testClientSecret, validClaims("jti-valid"))

	tests := []struct {
		name    string
		token   string
		wantMsg string // "" when the token is accepted
	}{
		{"a token signed with the client secret for the client id is accepted", valid, ""},
		{"a token without iat, exp or jti is accepted", signToken(t, jwt.SigningMethodHS256, testClientSecret,
			jwt.MapClaims{"appId": testClientID, "sub": "terraform"}), ""},
		{"a missing auth header is refused", "", MsgInvalidCredentials},
		{"a token signed with another secret is refused as invalid credentials", signToken(t, jwt.SigningMethodHS256,
			"other-secret", validClaims("jti-other-secret")), MsgInvalidCredentials},
		{"a token for another app is refused as invalid credentials", signToken(t, jwt.SigningMethodHS256,
			testClientSecret, jwt.MapClaims{"appId": "cs-other", "sub": "terraform"}), MsgInvalidCredentials},
		{"a token without appId is refused as invalid credentials", signToken(t, jwt.SigningMethodHS256,
			testClientSecret, jwt.MapClaims{"sub": "terraform"}), MsgInvalidCredentials},
		{"an expired token is refused", signToken(t, jwt.SigningMethodHS256, testClientSecret, jwt.MapClaims{
			"appId": testClientID, "iat": now.Add(-time.Hour).Unix(), "exp": now.Add(-time.Minute).Unix()}),
			MsgInvalidToken},
		{"a token issued in the future is refused", signToken(t, jwt.SigningMethodHS256, testClientSecret,
			jwt.MapClaims{"appId": testClientID, "iat": now.Add(time.Hour).Unix()}), MsgInvalidToken},
		{"an HS512 token is refused because Kore.ai allows only HS256", signToken(t, jwt.SigningMethodHS512,
			testClientSecret, validClaims("jti-hs512")), MsgInvalidToken},
		{"an unsigned token is refused", unsignedToken(t), MsgInvalidToken},
		{"a token behind a Bearer prefix is refused", "Bearer " + valid, MsgInvalidToken},
		{"a value that is not a JWT is refused", "not-a-jwt", MsgInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, s, "offset=0&limit=2", tt.token)
			if tt.wantMsg == "" {
				decodePage(t, r)
				return
			}
			assertError(t, r, http.StatusUnauthorized, tt.wantMsg, CodeInvalidToken)
		})
	}
}

func unsignedToken(t *testing.T) string {
	t.Helper()
	token, err := jwt.NewWithClaims(jwt.SigningMethodNone, validClaims("jti-none")).
		SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestRequireJTI(t *testing.T) {
	s := newTestServer(t, Options{ClientID: testClientID, ClientSecret: testClientSecret, RequireJTI: true,
		AcceptJWT: "ready-made"})
	first := signToken(t, jwt.SigningMethodHS256, testClientSecret, validClaims("jti-1"))

	steps := []struct {
		name    string
		token   string
		wantMsg string
	}{
		{"a token with a new jti is accepted", first, ""},
		{"the same token again is refused", first, MsgInvalidToken},
		{"another token reusing the jti is refused",
			signToken(t, jwt.SigningMethodHS256, testClientSecret, jwt.MapClaims{"appId": testClientID, "jti": "jti-1"}),
			MsgInvalidToken},
		{"a token with another new jti is accepted",
			signToken(t, jwt.SigningMethodHS256, testClientSecret, validClaims("jti-2")), ""},
		{"a token without jti is refused",
			signToken(t, jwt.SigningMethodHS256, testClientSecret, jwt.MapClaims{"appId": testClientID}),
			MsgInvalidToken},
		{"the ready-made token is exempt the first time", "ready-made", ""},
		{"the ready-made token is exempt the second time", "ready-made", ""},
	}
	for _, step := range steps { // in order: each step depends on the jti values seen before it
		t.Run(step.name, func(t *testing.T) {
			r := get(t, s, "", step.token)
			if step.wantMsg == "" {
				decodePage(t, r)
				return
			}
			assertError(t, r, http.StatusUnauthorized, step.wantMsg, CodeInvalidToken)
		})
	}
}

func TestReadyMadeTokenIsAccepted(t *testing.T) {
	signed := signToken(t, jwt.SigningMethodHS256, testClientSecret, validClaims("jti-signed"))
	tests := []struct {
		name    string
		opts    Options
		token   string
		wantMsg string
	}{
		{"the ready-made token is accepted", Options{AcceptJWT: "ready.made.token"}, "ready.made.token", ""},
		{"any other token is refused when only a ready-made one is configured",
			Options{AcceptJWT: "ready.made.token"}, "ready.made.tokeN", MsgInvalidToken},
		{"a signed token is refused when only a ready-made one is configured",
			Options{AcceptJWT: "ready.made.token"}, signed, MsgInvalidToken},
		{"the ready-made token is accepted besides signed ones",
			Options{AcceptJWT: "ready.made.token", ClientID: testClientID, ClientSecret: testClientSecret},
			"ready.made.token", ""},
		{"signed tokens are accepted besides the ready-made one",
			Options{AcceptJWT: "ready.made.token", ClientID: testClientID, ClientSecret: testClientSecret},
			signed, ""},
		{"without credentials any token is accepted", Options{}, "anything", ""},
		{"without credentials a missing header is still refused", Options{}, "", MsgInvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, tt.opts)
			r := get(t, s, "", tt.token)
			if tt.wantMsg == "" {
				decodePage(t, r)
				return
			}
			assertError(t, r, http.StatusUnauthorized, tt.wantMsg, CodeInvalidToken)
		})
	}
}

func TestRoutingThenAuthenticationThenValidation(t *testing.T) {
	s := newTestServer(t, Options{ClientID: testClientID, ClientSecret: testClientSecret})
	assertError(t, do(t, http.DefaultClient, http.MethodGet, s.URL+"/nowhere", ""), http.StatusNotFound, MsgNotFound, 404)
	assertError(t, get(t, s, "limit=0", ""), http.StatusUnauthorized, MsgInvalidCredentials, CodeInvalidToken)
}
