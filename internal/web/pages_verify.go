package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Sign-up on a site that sends mail: the account is made unverified with
// a link to confirm its address, and cannot sign in until the link is
// used. Every page here is hidden (404) on a site without mail.

// verifyPageData is the data of verify.html (the page a confirmation
// link opens) and signup_sent.html (the page after a sign-up).
type verifyPageData struct {
	page
	// Token is the link's token, which the confirm button posts.
	Token string
	// Gone is true when the link does not work (used, expired, unknown).
	Gone bool
	// Email is the resend form's address as typed.
	Email string
	// Errors holds the resend form's message ("email").
	Errors timeline.FieldErrors
	// Problem is a message about the whole form.
	Problem string
	// Notice confirms a resend.
	Notice string
	// Valid says how long a confirmation link works.
	Valid string
}

// Err returns the message for a field, or "".
func (p *verifyPageData) Err(field string) string { return p.Errors[field] }

func (s *Server) verifyData(r *http.Request, title string) *verifyPageData {
	return &verifyPageData{page: s.newPage(r, title), Valid: s.t(r, "account.valid_verify")}
}

// resentNotice confirms a resend, whatever the address.
const resentNotice = "If that address has an account waiting for confirmation, a new link is on its way."

// signupWithMail ends a valid sign-up on a site that sends mail. Like
// sign-up without mail it answers every address alike, with a redirect
// to the same "check your email" page, and does the same work: a
// password hash, a link and a message in one transaction. A new address
// gets an unverified account and the link to confirm it; an address that
// has an account gets a message saying so, with a way to sign in and a
// fresh reset link (so a person who forgot they had signed up is not
// stuck). Only the owner of the address learns which happened.
func (s *Server) signupWithMail(w http.ResponseWriter, r *http.Request, data *signinPageData, in credentials, name string) error {
	if retry, ok := s.reserveMailClient(r); !ok {
		setRetryAfter(w, retry)
		data.Problem = errMailLimited(s.locale(r), retry).Message
		return s.render(w, r, http.StatusTooManyRequests, "signup.html", data)
	}
	hash, err := s.passwords.Hash(in.Password)
	if err != nil {
		return err
	}
	// An address over its allowance gets no mail, and no new account
	// (whose link would not be sent); the answer is the same.
	if s.reserveMailAddress(in.Email) {
		if err := s.signupMail(r.Context(), in.Email, name, hash); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/signup/sent", http.StatusSeeOther)
	return nil
}

// signupMail creates an unverified account with its confirmation link,
// or, when the address has an account, queues the signup-exists message.
func (s *Server) signupMail(ctx context.Context, email, name, hash string) error {
	a, err := s.store.AccountByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		id := auth.NewAccountID()
		m, err := s.verifyMailing(s.localeOf(ctx), id)
		if err != nil {
			return err
		}
		err = s.store.CreateAccount(ctx, store.Account{ID: id, Email: email, Name: name, PasswordHash: hash, Unverified: true}, m)
		if err == nil {
			s.mailQueued(ctx)
			return s.rememberMailLanguage(ctx, id)
		}
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
		// Another sign-up took the address a moment ago.
		a, err = s.store.AccountByEmail(ctx, email)
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	m, err := s.signupExistsMailing(s.localeOf(ctx), a)
	if err != nil {
		return err
	}
	return s.queueMail(ctx, m)
}

// signupSentPage handles GET /signup/sent: the one answer to every
// sign-up, with a form to have the link sent again.
func (s *Server) signupSentPage(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	data := s.verifyData(r, s.t(r, "title.signup_sent"))
	if r.URL.Query().Get("done") == "resent" {
		data.Notice = s.say(r, "notice.", map[string]string{"resent": resentNotice}, "resent")
	}
	return s.render(w, r, http.StatusOK, "signup_sent.html", data)
}

// verifyPage handles GET /verify?t=TOKEN, the link of the confirmation
// mail. It only shows a button: opening the link does not use it, since
// mail scanners open links before their readers do.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	return s.linkOpened(w, r, purposeVerify, func(token string) error {
		data := s.verifyData(r, s.t(r, "title.verify"))
		data.Token = token
		return s.render(w, r, http.StatusOK, "verify.html", data)
	}, func() error { return s.verifyGone(w, r) })
}

// verifyGone answers a confirmation link that does not work (used,
// expired or never made; the store cannot tell which, and neither does
// the page): 410, with the form to have a new one sent.
func (s *Server) verifyGone(w http.ResponseWriter, r *http.Request) error {
	data := s.verifyData(r, s.t(r, "title.link_gone"))
	data.Gone = true
	return s.render(w, r, http.StatusGone, "verify.html", data)
}

// verifyForm handles POST /verify: the button of the confirmation page
// uses the link and confirms the address. The person then signs in with
// their password: a link alone never opens a session, so that nobody can
// sign someone else into an account by sending them a link.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	w.Header().Set("Cache-Control", "no-store")
	_, hash := linkToken(r)
	if hash == nil {
		return s.verifyGone(w, r)
	}
	_, err := s.store.VerifyAccount(r.Context(), hash, s.now())
	if errors.Is(err, store.ErrNotFound) {
		return s.verifyGone(w, r)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/signin?done=verified", http.StatusSeeOther)
	return nil
}

// verifyResendForm handles POST /verify/resend: a new confirmation link
// for an address whose account is waiting for one. It answers every
// address alike (see resentNotice); only an unverified account gets mail.
// What the answer cannot hide, the few milliseconds of writing the mail,
// is kept from being measured by the limits: three requests per address
// an hour.
func (s *Server) verifyResendForm(w http.ResponseWriter, r *http.Request) error {
	if !s.mailOn() {
		return errNotFound()
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	data := s.verifyData(r, s.t(r, "title.signup_sent"))
	data.Email = email
	if msg := auth.CheckEmail(email); msg != "" {
		data.Errors = timeline.FieldErrors{"email": inLanguage(s.locale(r), msg)}
		return s.render(w, r, http.StatusUnprocessableEntity, "signup_sent.html", data)
	}
	if retry, ok := s.reserveMailClient(r); !ok {
		setRetryAfter(w, retry)
		data.Problem = errMailLimited(s.locale(r), retry).Message
		return s.render(w, r, http.StatusTooManyRequests, "signup_sent.html", data)
	}
	if s.reserveMailAddress(email) {
		a, err := s.store.AccountByEmail(r.Context(), email)
		switch {
		case err == nil && a.Unverified:
			m, err := s.verifyMailing(s.locale(r), a.ID)
			if err != nil {
				return err
			}
			if err := s.queueMail(r.Context(), m); err != nil {
				return err
			}
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	http.Redirect(w, r, "/signup/sent?done=resent", http.StatusSeeOther)
	return nil
}

// Answers to the right password of an account whose address is not
// confirmed. They are only ever shown after the password was checked, so
// they tell nothing to anyone who does not know it.
const (
	unverifiedSent = "Confirm your email address first: we have sent a new link to it. " +
		"Open the link, confirm, then sign in here."
	unverifiedLimited = "Confirm your email address first, with the link we sent to it. " +
		"We have sent several in the last hour, so no new one now: look for the newest (check the spam folder too), or try again later."
	unverifiedNoMail = "This account's email address has not been confirmed, and this site cannot send mail at the moment. " +
		"Please write to the contact address below for help."
)

// signinUnverified answers the right password of an unverified account:
// no session, and a new confirmation link (within the mail limits).
func (s *Server) signinUnverified(w http.ResponseWriter, r *http.Request, data *signinPageData, a store.Account) error {
	switch {
	case !s.mailOn():
		data.Problem = inLanguage(s.locale(r), unverifiedNoMail)
	case s.reserveMailForSignin(r, a.Email):
		m, err := s.verifyMailing(s.locale(r), a.ID)
		if err != nil {
			return err
		}
		if err := s.queueMail(r.Context(), m); err != nil {
			return err
		}
		data.Problem = inLanguage(s.locale(r), unverifiedSent)
	default:
		data.Problem = inLanguage(s.locale(r), unverifiedLimited)
	}
	return s.render(w, r, http.StatusForbidden, "signin.html", data)
}

// reserveMailForSignin takes a mail from both the client's and the
// address's allowance.
func (s *Server) reserveMailForSignin(r *http.Request, email string) bool {
	if _, ok := s.reserveMailClient(r); !ok {
		return false
	}
	return s.reserveMailAddress(email)
}
