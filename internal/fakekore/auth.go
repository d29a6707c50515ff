package fakekore

import (
	"crypto/subtle"
	"errors"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// authenticator checks the auth header the way Kore.ai does for an Admin Console app.
type authenticator struct {
	clientID    string
	secret      []byte
	acceptToken string
	requireJTI  bool
	parser      *jwt.Parser

	mu       sync.Mutex
	seenJTIs map[string]struct{}
}

func newAuthenticator(opts Options) *authenticator {
	return &authenticator{
		clientID:    opts.ClientID,
		secret:      []byte(opts.ClientSecret),
		acceptToken: opts.AcceptJWT,
		requireJTI:  opts.RequireJTI,
		// Kore.ai allows only HS256 for apps mapped to an API scope; exp, nbf and iat are checked when present.
		parser:   jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithIssuedAt()),
		seenJTIs: make(map[string]struct{}),
	}
}

// check returns "" when token is accepted, otherwise the message of the 401 answer.
func (a *authenticator) check(token string) string {
	if token == "" {
		return MsgInvalidCredentials
	}
	if a.acceptToken != "" && subtle.ConstantTimeCompare([]byte(token), []byte(a.acceptToken)) == 1 {
		return ""
	}
	if len(a.secret) == 0 {
		if a.acceptToken != "" {
			return MsgInvalidToken
		}
		return "" // no credentials configured: any token will do
	}

	claims := jwt.MapClaims{}
	parsed, err := a.parser.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return a.secret, nil })
	if err != nil {
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) && parsed != nil && parsed.Method == jwt.SigningMethodHS256 {
			return MsgInvalidCredentials // an HS256 token signed with another app's secret
		}
		return MsgInvalidToken
	}
	if appID, _ := claims["appId"].(string); appID != a.clientID {
		return MsgInvalidCredentials
	}
	if a.requireJTI && !a.firstUse(claims["jti"]) {
		return MsgInvalidToken
	}
	return ""
}

// firstUse records jti and reports whether it is a non-empty string not seen before.
func (a *authenticator) firstUse(claim any) bool {
	jti, _ := claim.(string)
	if jti == "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, seen := a.seenJTIs[jti]; seen {
		return false
	}
	a.seenJTIs[jti] = struct{}{}
	return true
}
