package main

import (
	"net/url"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
)

// accountSettings are the serve settings for accounts and sign-in.
type accountSettings struct {
	// SignInRate is the failed sign-in attempts allowed per client per
	// hour (web.Config.SignInRate says what else it sets).
	SignInRate int
	// PublicURL is the site's address as browsers see it, without a
	// trailing slash; "" when not given.
	PublicURL string
	// OIDC is set when an OpenID Connect provider is configured.
	OIDC oidcSettings
}

// oidcSettings configure sign-in through an OpenID Connect provider.
type oidcSettings struct {
	Issuer, ClientID, ClientSecret, Name string
}

// enabled reports whether a provider is configured.
func (o oidcSettings) enabled() bool { return o.Issuer != "" }

// accountOptions are the options behind accountSettings.
type accountOptions struct {
	signinRate, publicURL, issuer, clientID, clientSecret, name *option
}

func addAccountOptions(s *optionSet) *accountOptions {
	return &accountOptions{
		signinRate: s.add("signin-rate", "N", "10", "failed sign-in attempts allowed per client (IPv4 address or IPv6 /64) per hour, and per browser that signed in before; an account takes 3N a day from clients it does not know; 0 turns the limits off", "CASETRACK_SIGNIN_RATE"),
		publicURL:  s.add("public-url", "URL", "", "the site's address as browsers see it, e.g. https://casetrack.example.org; needed for OpenID Connect and for mail; the Atom feed's links start with it; an https:// address makes cookies Secure and sends HSTS", "CASETRACK_PUBLIC_URL"),
		issuer:     s.add("oidc-issuer", "URL", "", "OpenID Connect issuer URL (e.g. https://clerk.example.org); turns on \"Sign in with ...\"", "CASETRACK_OIDC_ISSUER"),
		clientID:   s.add("oidc-client-id", "ID", "", "OpenID Connect client id", "CASETRACK_OIDC_CLIENT_ID"),
		clientSecret: s.add("oidc-client-secret", "SECRET", "", "OpenID Connect client secret (prefer the environment variable: flags show in process lists)",
			"CASETRACK_OIDC_CLIENT_SECRET"),
		name: s.add("oidc-name", "NAME", "", "provider name on the sign-in button, e.g. Clerk", "CASETRACK_OIDC_NAME"),
	}
}

// settings checks the options together and records every problem.
func (o *accountOptions) settings(s *optionSet) accountSettings {
	a := accountSettings{SignInRate: s.int(o.signinRate, 0)}
	a.PublicURL = strings.TrimSuffix(strings.TrimSpace(o.publicURL.value), "/")
	if a.PublicURL != "" && !absoluteWebURL(a.PublicURL, true) {
		s.fail(o.publicURL, "%q is not an http:// or https:// address without query or fragment", o.publicURL.value)
	}
	oc := oidcSettings{
		Issuer:       strings.TrimSpace(o.issuer.value),
		ClientID:     strings.TrimSpace(o.clientID.value),
		ClientSecret: strings.TrimSpace(o.clientSecret.value),
		Name:         strings.TrimSpace(o.name.value),
	}
	if oc.Issuer == "" && oc.ClientID == "" && oc.ClientSecret == "" {
		if oc.Name != "" {
			s.fail(o.name, "is set, but no --oidc-issuer is")
		}
		return a
	}
	switch {
	case oc.Issuer == "":
		s.fail(o.issuer, "is required with --oidc-client-id or --oidc-client-secret")
	case !strings.HasPrefix(oc.Issuer, "https://") && !loopbackHTTP(oc.Issuer):
		s.fail(o.issuer, "%q must be an https:// address (plain http only on localhost)", oc.Issuer)
	case !absoluteWebURL(oc.Issuer, false):
		s.fail(o.issuer, "%q is not a valid address", oc.Issuer)
	}
	if oc.ClientID == "" {
		s.fail(o.clientID, "is required with --oidc-issuer")
	}
	if a.PublicURL == "" {
		s.fail(o.publicURL, "is required with --oidc-issuer: the provider sends people back to PUBLIC-URL/signin/oidc/callback")
	}
	a.OIDC = oc
	return a
}

// oidcConfig is the web layer's provider configuration.
func (a accountSettings) oidcConfig() *auth.OIDCConfig {
	if !a.OIDC.enabled() {
		return nil
	}
	return &auth.OIDCConfig{
		Issuer:       a.OIDC.Issuer,
		ClientID:     a.OIDC.ClientID,
		ClientSecret: a.OIDC.ClientSecret,
		RedirectURL:  a.PublicURL + "/signin/oidc/callback",
	}
}

// absoluteWebURL accepts http(s)://host[/path]; with noPath, no path
// beyond "/" either.
func absoluteWebURL(raw string, noPath bool) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	return !noPath || u.Path == "" || u.Path == "/"
}

// loopbackHTTP accepts http://localhost and http://127.0.0.1 addresses,
// for providers run on the same machine in development.
func loopbackHTTP(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
