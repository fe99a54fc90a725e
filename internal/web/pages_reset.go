package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// A forgotten password: /forgot mails a link, /reset sets the new
// password with it. Both are hidden (404) on a site without mail.

// resetPageData is the data of forgot.html and reset.html.
type resetPageData struct {
	page
	// Email is the forgot form's address as typed.
	Email string
	// Token is the reset link's token, which the new-password form posts.
	Token string
	// Gone is true when the reset link does not work.
	Gone bool
	// Errors holds messages by field ("email", "password").
	Errors timeline.FieldErrors
	// Problem is a message about the whole form.
	Problem string
	// Notice confirms that the request was taken.
	Notice string
	// Valid says how long a reset link works.
	Valid string
}

// Err returns the message for a field, or "".
func (p *resetPageData) Err(field string) string { return p.Errors[field] }

func (s *Server) resetData(r *http.Request, title string) *resetPageData {
	return &resetPageData{page: s.newPage(r, title), Valid: s.t(r, "account.valid_reset")}
}

// forgotSentNotice is the one answer to every reset request.
const forgotSentNotice = "If an account uses that address, we have sent it a link to choose a new password. " +
	"It works once and for " + resetValidText + "."

// forgotPage handles GET /forgot.
func (s *Server) forgotPage(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	data := s.resetData(r, s.t(r, "title.forgot"))
	if r.URL.Query().Get("done") == "sent" {
		data.Notice = forgotSentNotice
	}
	return s.render(w, r, http.StatusOK, "forgot.html", data)
}

// forgotForm handles POST /forgot. It answers every address alike; an
// address with an account, confirmed or not, gets a reset link (using it
// confirms the address too). Within the limits (three requests per address
// an hour) the time it takes to write the mail cannot be measured often
// enough to tell who has an account.
func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	data := s.resetData(r, s.t(r, "title.forgot"))
	data.Email = email
	if msg := auth.CheckEmail(email); msg != "" {
		data.Errors = timeline.FieldErrors{"email": inLanguage(s.locale(r), msg)}
		return s.render(w, r, http.StatusUnprocessableEntity, "forgot.html", data)
	}
	if retry, ok := s.reserveMailClient(r); !ok {
		setRetryAfter(w, retry)
		data.Problem = errMailLimited(s.locale(r), retry).Message
		return s.render(w, r, http.StatusTooManyRequests, "forgot.html", data)
	}
	if s.reserveMailAddress(email) {
		a, err := s.store.AccountByEmail(r.Context(), email)
		switch {
		case err == nil:
			m, err := s.resetMailing(s.locale(r), a)
			if err != nil {
				return err
			}
			if err := s.queueMail(r.Context(), m); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	http.Redirect(w, r, "/forgot?done=sent", http.StatusSeeOther)
	return nil
}

// resetPage handles GET /reset?t=TOKEN, the link of the reset mail: the
// new-password form. Opening the link does not use it (mail scanners open
// links); setting the password does.
func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) error {
	return s.linkOpened(w, r, purposeReset, func(token string) error {
		data := s.resetData(r, s.t(r, "title.reset"))
		data.Token = token
		return s.render(w, r, http.StatusOK, "reset.html", data)
	}, func() error { return s.resetGone(w, r) })
}

// resetGone answers a reset link that does not work (used, replaced by a
// newer reset, expired or never made): 410, with a way to ask again.
func (s *Server) resetGone(w http.ResponseWriter, r *http.Request) error {
	data := s.resetData(r, s.t(r, "title.link_gone"))
	data.Gone = true
	return s.render(w, r, http.StatusGone, "reset.html", data)
}

// resetForm handles POST /reset: the link is used, the password set, the
// address confirmed and every session of the account ended (a person who
// resets a password may be locking someone out). The person then signs
// in with the new password, so that a link alone never opens a session.
func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	token, hash := linkToken(r)
	if hash == nil {
		return s.resetGone(w, r)
	}
	ctx := r.Context()
	if _, err := s.store.PeekToken(ctx, hash, purposeReset, s.now()); errors.Is(err, store.ErrNotFound) {
		return s.resetGone(w, r)
	} else if err != nil {
		return err
	}
	password := r.PostForm.Get("password")
	if msg := auth.CheckPassword(password); msg != "" {
		data := s.resetData(r, s.t(r, "title.reset"))
		data.Token, data.Errors = token, timeline.FieldErrors{"password": inLanguage(s.locale(r), msg)}
		return s.render(w, r, http.StatusUnprocessableEntity, "reset.html", data)
	}
	pwHash, err := s.passwords.Hash(password)
	if err != nil {
		return err
	}
	if _, err := s.store.ResetPassword(ctx, hash, s.now(), pwHash); errors.Is(err, store.ErrNotFound) {
		return s.resetGone(w, r)
	} else if err != nil {
		return err
	}
	// Whatever session this browser had ends too.
	if err := s.endSession(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/signin?done=reset", http.StatusSeeOther)
	return nil
}
