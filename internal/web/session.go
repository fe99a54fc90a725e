package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
)

// sessionCookie holds the session token. The database keeps only its
// SHA-256 hash.
const sessionCookie = "casetrack_session"

// accountHolder caches the signed-in account for the length of one
// request: the layout and the handler both ask for it.
type accountHolder struct {
	loaded  bool
	account *auth.Account
	hash    []byte // the session's token hash, when signed in
}

type accountHolderKey struct{}

// withAccountHolder gives every request a place to cache its account.
func (s *Server) withAccountHolder(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), accountHolderKey{}, &accountHolder{})))
	})
}

// currentAccount returns the signed-in account, or nil when the request
// carries no valid, unexpired session. A session used on a new day is
// marked as used (idle expiry counts from the last day of use).
func (s *Server) currentAccount(r *http.Request) *auth.Account {
	h := s.session(r)
	return h.account
}

// session loads (once per request) the request's session.
func (s *Server) session(r *http.Request) *accountHolder {
	h, ok := r.Context().Value(accountHolderKey{}).(*accountHolder)
	if !ok {
		h = &accountHolder{}
	}
	if h.loaded {
		return h
	}
	h.loaded = true
	c, err := r.Cookie(sessionCookie)
	if err != nil || !auth.WellFormedToken(c.Value) {
		return h
	}
	hash := auth.HashToken(c.Value)
	se, a, err := s.store.SessionAccount(r.Context(), hash)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.logStoreError("read session", err)
		}
		return h
	}
	today := auth.Day(s.now())
	// An account whose address is not confirmed cannot sign in, so it
	// should hold no session; should one exist all the same, it is
	// refused like an expired one, and with it everything a session
	// allows (owning and claiming cases, the account pages).
	if a.Unverified || !s.sessions.Valid(se.StartedDay, se.UsedDay, today) {
		if err := s.store.DeleteSession(r.Context(), hash); err != nil {
			s.logStoreError("delete expired session", err)
		}
		return h
	}
	if se.UsedDay < today {
		if err := s.store.TouchSession(r.Context(), hash, today); err != nil {
			s.logStoreError("touch session", err)
		}
	}
	h.account = accountOf(a)
	h.hash = hash
	return h
}

// accountOf is the public view of a stored account.
func accountOf(a store.Account) *auth.Account {
	return &auth.Account{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role}
}

// requireAccount returns the signed-in account or a 401.
func (s *Server) requireAccount(r *http.Request) (*auth.Account, error) {
	a := s.currentAccount(r)
	if a == nil {
		return nil, errSignInRequired()
	}
	return a, nil
}

// requireAdmin returns the signed-in account when it has the admin role:
// 401 when nobody is signed in, 403 for any other account.
func (s *Server) requireAdmin(r *http.Request) (*auth.Account, error) {
	a, err := s.requireAccount(r)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() {
		e := errForbidden("This page is for the site's administrators.")
		e.MessageID = "methodology.admin.error.forbidden"
		return nil, e
	}
	return a, nil
}

// secureRequest reports whether the browser reached the site over HTTPS:
// directly, through a trusted proxy that says so, or by configuration.
func (s *Server) secureRequest(r *http.Request) bool {
	return r.TLS != nil || (s.trust && r.Header.Get("X-Forwarded-Proto") == "https") || s.httpsPublic
}

// startSession signs an account in: it ends the session the request came
// with (the session id is never reused across a sign-in, against session
// fixation), stores a new one and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, accountID string) error {
	ctx := r.Context()
	if c, err := r.Cookie(sessionCookie); err == nil && auth.WellFormedToken(c.Value) {
		if err := s.store.DeleteSession(ctx, auth.HashToken(c.Value)); err != nil {
			return err
		}
	}
	today := auth.Day(s.now())
	// Sweep expired sessions now and then: at each sign-in is often enough.
	minStarted, minUsed := s.sessions.Oldest(today)
	if err := s.store.DeleteExpiredSessions(ctx, minStarted, minUsed); err != nil {
		s.log.Error("delete expired sessions", "err", err)
	}
	token, hash := auth.NewToken()
	if err := s.store.CreateSession(ctx, hash, accountID, today); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(s.sessions.AbsoluteDays * 86400),
		HttpOnly: true,
		Secure:   s.secureRequest(r),
		SameSite: http.SameSiteLaxMode,
	})
	if h, ok := r.Context().Value(accountHolderKey{}).(*accountHolder); ok {
		*h = accountHolder{}
	}
	return nil
}

// endSession signs out: the stored session is deleted and the cookie
// cleared.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && auth.WellFormedToken(c.Value) {
		if err := s.store.DeleteSession(r.Context(), auth.HashToken(c.Value)); err != nil {
			return err
		}
	}
	s.clearCookie(w, r, sessionCookie, "/")
	if h, ok := r.Context().Value(accountHolderKey{}).(*accountHolder); ok {
		*h = accountHolder{loaded: true}
	}
	return nil
}

// clearCookie tells the browser to forget a cookie.
func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteLaxMode})
}
