package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDCConfig names an OpenID Connect provider (Clerk, Google, Keycloak,
// Auth0, ...) and this site's registration with it.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its discovery document is at
	// Issuer + "/.well-known/openid-configuration".
	Issuer       string
	ClientID     string
	ClientSecret string // empty for a public client (PKCE only)
	// RedirectURL is this site's callback, registered with the provider.
	RedirectURL string
	// HTTPClient talks to the provider; nil means a client with a 10 s
	// timeout.
	HTTPClient *http.Client
}

// OIDC is an OpenID Connect relying party using the authorization code
// flow with state, nonce and PKCE (S256). The provider's discovery
// document is fetched on first use and kept, so that a provider that is
// down at start-up does not keep the site from starting.
type OIDC struct {
	cfg    OIDCConfig
	client *http.Client

	mu       sync.Mutex
	provider *oidc.Provider
}

// NewOIDC checks the configuration; it does not contact the provider.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	var errs []error
	if cfg.Issuer == "" {
		errs = append(errs, errors.New("OpenID Connect: issuer URL is required"))
	}
	if cfg.ClientID == "" {
		errs = append(errs, errors.New("OpenID Connect: client id is required"))
	}
	if cfg.RedirectURL == "" {
		errs = append(errs, errors.New("OpenID Connect: redirect URL is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &OIDC{cfg: cfg, client: client}, nil
}

// Flow is what a sign-in keeps between sending the browser to the
// provider and its return: all three values are random and single-use.
type Flow struct {
	State    string
	Nonce    string
	Verifier string // PKCE code verifier
}

// Identity is what CaseTrack keeps from an ID token: the issuer and
// subject that link it to an account, and the email and name claims.
type Identity struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	// EmailUnverified is true when the provider says outright that it has
	// not verified the address (email_verified false); a provider that
	// sends no such claim leaves both false.
	EmailUnverified bool
	Name            string
}

// ErrFlow is returned (wrapped) when a callback does not belong to the
// sign-in that started it (wrong or missing state) or carries an
// error from the provider.
var ErrFlow = errors.New("sign-in flow mismatch")

// ErrToken is returned (wrapped) when the provider's answer fails
// verification: a bad signature, issuer, audience, expiry or nonce.
var ErrToken = errors.New("ID token refused")

func (o *OIDC) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, o.client)
}

// discover returns the provider, fetching its discovery document once.
func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	p, err := oidc.NewProvider(o.ctx(ctx), o.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover OpenID Connect provider %s: %w", o.cfg.Issuer, err)
	}
	o.provider = p
	return p, nil
}

func (o *OIDC) oauth2(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     o.cfg.ClientID,
		ClientSecret: o.cfg.ClientSecret,
		RedirectURL:  o.cfg.RedirectURL,
		Endpoint:     p.Endpoint(),
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
}

// Begin starts a sign-in: it returns the provider's authorization URL to
// send the browser to and the flow to keep until the callback.
func (o *OIDC) Begin(ctx context.Context) (string, Flow, error) {
	p, err := o.discover(ctx)
	if err != nil {
		return "", Flow{}, err
	}
	f := Flow{State: rand.Text(), Nonce: rand.Text(), Verifier: oauth2.GenerateVerifier()}
	u := o.oauth2(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
	return u, f, nil
}

// Finish completes a sign-in from the callback's query parameters state
// and code (or error): it checks the state against the flow, exchanges
// the code with the PKCE verifier, and verifies the ID token's signature,
// issuer, audience, expiry and nonce.
func (o *OIDC) Finish(ctx context.Context, f Flow, state, code, providerError string) (Identity, error) {
	if f.State == "" || state != f.State {
		return Identity{}, fmt.Errorf("%w: state does not match", ErrFlow)
	}
	if providerError != "" {
		return Identity{}, fmt.Errorf("%w: provider answered %q", ErrFlow, providerError)
	}
	if code == "" {
		return Identity{}, fmt.Errorf("%w: no code", ErrFlow)
	}
	p, err := o.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := o.oauth2(p).Exchange(o.ctx(ctx), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("%w: exchange code: %w", ErrToken, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, fmt.Errorf("%w: the token response has no ID token", ErrToken)
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID}).Verify(o.ctx(ctx), raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %w", ErrToken, err)
	}
	if idt.Nonce == "" || idt.Nonce != f.Nonce {
		return Identity{}, fmt.Errorf("%w: nonce does not match", ErrToken)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		Name          string `json:"name"`
		GivenName     string `json:"given_name"`
		FamilyName    string `json:"family_name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: claims: %w", ErrToken, err)
	}
	name := claims.Name
	if name == "" {
		name = strings.TrimSpace(claims.GivenName + " " + claims.FamilyName)
	}
	return Identity{
		Issuer:          idt.Issuer,
		Subject:         idt.Subject,
		Email:           strings.TrimSpace(claims.Email),
		EmailVerified:   claims.EmailVerified == true || claims.EmailVerified == "true",
		EmailUnverified: claims.EmailVerified == false || claims.EmailVerified == "false",
		Name:            name,
	}, nil
}
