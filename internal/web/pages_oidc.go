package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
)

// oidcCookie keeps a sign-in's state, nonce and PKCE verifier between the
// redirect to the provider and the callback. It is limited to the
// callback's path and lives ten minutes.
const (
	oidcCookie     = "casetrack_oidc"
	oidcCookiePath = "/signin/oidc"
	oidcCookieAge  = 600
)

// Messages of a failed OpenID Connect sign-in.
const (
	oidcFailed = "Signing in through your identity provider did not work. Please try again; " +
		"if it keeps failing, sign in with your email address and password instead."
	oidcNoEmail          = "Your identity provider did not share an email address, which an account here needs. Allow it to share your email, then try again."
	oidcEmailUsed        = "An account with the email address of this sign-in already exists here. Sign in with that account's password."
	oidcEmailUsedReset   = "If you do not know it, or never confirmed the address, choose a new one through “Forgot your password?”: the link goes to that address."
	oidcEmailNotVerified = "Your identity provider has not verified your email address. Verify it there, then try again."
)

// oidcStart handles GET /signin/oidc: it sends the browser to the
// provider. 404 when no provider is configured.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return errNotFound()
	}
	u, f, err := s.oidc.Begin(r.Context())
	if err != nil {
		s.log.Error("start OpenID Connect sign-in", "err", err)
		return s.oidcRefused(w, r, http.StatusBadGateway, oidcFailed)
	}
	http.SetCookie(w, &http.Cookie{
		Name:     oidcCookie,
		Value:    f.State + "." + f.Nonce + "." + f.Verifier,
		Path:     oidcCookiePath,
		MaxAge:   oidcCookieAge,
		HttpOnly: true,
		Secure:   s.secureRequest(r),
		// Lax: the provider sends the browser back with a top-level GET,
		// which carries Lax cookies.
		SameSite: http.SameSiteLaxMode,
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
	return nil
}

// oidcFlow reads the flow cookie.
func oidcFlow(r *http.Request) auth.Flow {
	c, err := r.Cookie(oidcCookie)
	if err != nil {
		return auth.Flow{}
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 {
		return auth.Flow{}
	}
	return auth.Flow{State: parts[0], Nonce: parts[1], Verifier: parts[2]}
}

// oidcCallback handles GET /signin/oidc/callback: it verifies the
// provider's answer and signs the linked account in, creating it on the
// first sign-in. The account keeps the email and name claims and the
// issuer and subject, nothing else from the token.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	if s.oidc == nil {
		return errNotFound()
	}
	w.Header().Set("Cache-Control", "no-store")
	flow := oidcFlow(r)
	// The flow is single-use whatever happens next.
	s.clearCookie(w, r, oidcCookie, oidcCookiePath)
	q := r.URL.Query()
	id, err := s.oidc.Finish(r.Context(), flow, q.Get("state"), q.Get("code"), q.Get("error"))
	if err != nil {
		if errors.Is(err, auth.ErrFlow) || errors.Is(err, auth.ErrToken) {
			s.log.Warn("OpenID Connect sign-in refused", "err", err)
			return s.oidcRefused(w, r, http.StatusUnauthorized, oidcFailed)
		}
		s.log.Error("OpenID Connect sign-in", "err", err)
		return s.oidcRefused(w, r, http.StatusBadGateway, oidcFailed)
	}
	name, msg := auth.CleanName(id.Name)
	if msg != "" {
		name = ""
	}
	a, err := s.store.AccountByOIDC(r.Context(), id.Issuer, id.Subject)
	switch {
	case err == nil:
		// Keep email and name as the provider has them now (an address
		// the provider has not verified is not taken over).
		if id.Email != "" && !id.EmailUnverified && (id.Email != a.Email || name != a.Name) {
			if err := s.store.UpdateAccountProfile(r.Context(), a.ID, id.Email, name); err != nil && !errors.Is(err, store.ErrConflict) {
				return err
			}
		}
	case errors.Is(err, store.ErrNotFound):
		if auth.CheckEmail(id.Email) != "" {
			return s.oidcRefused(w, r, http.StatusUnprocessableEntity, oidcNoEmail)
		}
		// An unverified address could be anyone's: it must not occupy
		// that address here.
		if id.EmailUnverified {
			return s.oidcRefused(w, r, http.StatusUnprocessableEntity, oidcEmailNotVerified)
		}
		a = store.Account{ID: auth.NewAccountID(), Email: id.Email, Name: name, OIDCIssuer: id.Issuer, OIDCSubject: id.Subject}
		if err := s.store.CreateAccount(r.Context(), a); err != nil {
			if !errors.Is(err, store.ErrConflict) {
				return err
			}
			// Accounts are not linked by email address: a provider that
			// does not verify addresses would hand the account to anyone.
			// Only a verified address is told that it is taken.
			if id.EmailVerified {
				msg := oidcEmailUsed
				if s.mailOn() {
					// Also the way in when the password account was
					// never confirmed (perhaps made by someone else):
					// the reset link goes to the address.
					msg += " " + oidcEmailUsedReset
				}
				return s.oidcRefused(w, r, http.StatusConflict, msg)
			}
			return s.oidcRefused(w, r, http.StatusUnauthorized, oidcFailed)
		}
	default:
		return err
	}
	if err := s.startSession(w, r, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
	return nil
}

// oidcRefused shows the sign-in page with a message.
func (s *Server) oidcRefused(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	data := s.signinData(r, s.t(r, "title.signin"))
	data.Problem = msg
	return s.render(w, r, status, "signin.html", data)
}
