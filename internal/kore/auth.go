package kore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenLifetime is short on purpose: a token is signed per attempt and used at once.
const tokenLifetime = 5 * time.Minute

// MaxTokenLifetime is the longest lifetime SignToken gives a token: Kore.ai refuses a token with a jti whose exp is
// more than an hour after its iat. MinTokenLifetime is the shortest, so that exp always lies after iat.
const (
	MaxTokenLifetime = time.Hour
	MinTokenLifetime = time.Second
)

// ErrCannotSign is SignToken's error on a client given a ready-made JWT: it has no client secret to sign with.
var ErrCannotSign = errors.New("the client was given a ready-made JWT, not a client ID and client secret, so it " +
	"has no key to sign a token with")

// tokenSource yields the value of the auth header for one attempt.
type tokenSource interface {
	token(now time.Time) (string, error)
}

func newTokenSource(cfg Config) (tokenSource, error) {
	hasApp := cfg.ClientID != "" || cfg.ClientSecret != ""
	if cfg.JWT != "" {
		if hasApp {
			return nil, errors.New("set either a JWT or a client ID and client secret, not both")
		}
		if !isHeaderValue(cfg.JWT) {
			return nil, errors.New("the JWT contains characters that cannot be sent in an HTTP header, such as a line break")
		}
		return staticToken(cfg.JWT), nil
	}
	if !hasApp {
		return nil, errors.New("no credentials: set the client ID and client secret of an app created in the " +
			"Kore.ai Admin Console (Security & Control > API Scopes), or a ready-made JWT")
	}
	if cfg.ClientID == "" {
		return nil, errors.New("a client secret is set but the client ID is missing: set both, from the same app " +
			"in the Kore.ai Admin Console")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("a client ID is set but the client secret is missing: set both, from the same app " +
			"in the Kore.ai Admin Console")
	}
	return &signingTokenSource{clientID: cfg.ClientID, key: []byte(cfg.ClientSecret)}, nil
}

// staticToken is a ready-made JWT, sent unchanged on every attempt.
type staticToken string

func (t staticToken) token(time.Time) (string, error) { return string(t), nil }

// signingTokenSource signs a new token per attempt, so that apps with "Enforce JTI" never see a jti twice.
type signingTokenSource struct {
	clientID string
	key      []byte
}

// koreClaims is the payload Kore.ai expects: its own appId claim beside the registered ones.
type koreClaims struct {
	AppID string `json:"appId"`
	jwt.RegisteredClaims
}

func (s *signingTokenSource) token(now time.Time) (string, error) {
	signed, _, err := s.sign(now, tokenLifetime)
	return signed, err
}

// sign returns a token valid from now for lifetime, and its expiry as the exp claim holds it (whole seconds).
func (s *signingTokenSource) sign(now time.Time, lifetime time.Duration) (string, time.Time, error) {
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails: it fills id or crashes the program
	claims := koreClaims{
		AppID: s.clientID,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   s.clientID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(lifetime)),
			ID:        hex.EncodeToString(id[:]),
		},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	if err != nil {
		// The library's errors name the problem ("key is invalid"), never the key itself.
		return "", time.Time{}, fmt.Errorf("signing the JWT failed: %w", err)
	}
	return signed, claims.ExpiresAt.Time, nil
}

// SignToken signs a token for the client's app exactly as each request's token is signed (HS256 with the client
// secret; appId and sub the client ID; a fresh jti; iat now; exp now plus lifetime), for a caller that sends its
// own requests. It makes no request and spends nothing of the account's request budget. It returns the token and
// its expiry (the exp claim, whole seconds), ErrCannotSign when the client was given a ready-made JWT, and an error
// for a lifetime outside MinTokenLifetime to MaxTokenLifetime.
func (c *Client) SignToken(now time.Time, lifetime time.Duration) (string, time.Time, error) {
	if lifetime < MinTokenLifetime || lifetime > MaxTokenLifetime {
		return "", time.Time{}, fmt.Errorf("a token lifetime of %s is outside %s to %s: Kore.ai refuses a token "+
			"with a jti that lives longer than an hour", lifetime, MinTokenLifetime, MaxTokenLifetime)
	}
	signer, ok := c.tokens.(*signingTokenSource)
	if !ok {
		return "", time.Time{}, ErrCannotSign
	}
	return signer.sign(now, lifetime)
}
