package web

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/web/throttle"
)

// credentials is what the sign-up and sign-in forms post.
type credentials struct {
	Email    string
	Name     string
	Password string
}

// parseCredentials reads the fields email, password and name of a
// sign-up or sign-in form. The password is taken exactly as typed
// (spaces are allowed in passwords); the others are trimmed.
func parseCredentials(r *http.Request) (credentials, error) {
	if err := r.ParseForm(); err != nil {
		return credentials{}, formError(err)
	}
	v := r.PostForm
	return credentials{
		Email:    strings.TrimSpace(v.Get("email")),
		Name:     strings.TrimSpace(v.Get("name")),
		Password: v.Get("password"),
	}, nil
}

// signinPageData is the data of signin.html and signup.html.
type signinPageData struct {
	page
	Email string
	Name  string
	// Errors holds messages by field ("email", "password", "name").
	Errors timeline.FieldErrors
	// Problem is a message about the whole form.
	Problem string
	// Notice is a confirmation shown above the form.
	Notice string
	// OIDCName names the OpenID Connect provider when one is configured.
	OIDCName string
	// Mail is true when the site sends mail: sign-up confirms the
	// address, and a forgotten password can be reset.
	Mail bool
	// Next is the page to go back to once signed in (a path on this
	// site), or "".
	Next string
}

// Err returns the message for a field, or "".
func (p *signinPageData) Err(field string) string { return p.Errors[field] }

func (s *Server) signinData(r *http.Request, title string) *signinPageData {
	d := &signinPageData{page: s.newPage(r, title), Mail: s.mailOn(), Next: localPath(r.FormValue("next"))}
	if s.oidc != nil {
		d.OIDCName = s.oidcName
	}
	return d
}

// signedUpNotice is shown after every sign-up, whether or not the address
// was new (see signupForm).
const signedUpNotice = "Thank you. Sign in now with your email address and password. " +
	"If you already had an account with this address, its existing password still applies."

// signinNotices are shown on the sign-in page after a redirect.
var signinNotices = map[string]string{
	"signedup":  signedUpNotice,
	"signedout": "You are signed out.",
	"verified":  "Your email address is confirmed. Sign in with it and your password.",
	"reset":     "Your password is changed, and every device that was signed in is signed out. Sign in with the new password.",
	// After "keep it in an account" (manage.go), signed out.
	"keep": "Sign in, or create an account and then sign in: My timeline will offer to keep your case.",
}

// signinWrong is the one answer to an unknown email address, a wrong
// password and an account without a password alike, so that the form
// does not tell who has an account.
const signinWrong = "That email address and password do not match an account. Check both and try again."

// signupPage handles GET /signup.
func (s *Server) signupPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "signup.html", s.signinData(r, s.t(r, "title.signup")))
}

// signupForm handles POST /signup.
//
// Sign-up must not tell whether an address already has an account. So it
// answers every valid sign-up alike, by sending the person to the sign-in
// page with the same notice, and does the same work (one password hash)
// either way: a new address gets its account, a known one is left as it
// is. The person then signs in, and sign-in answers an unknown address
// and a wrong password with one message. What remains (signing up with
// someone's address and then failing to sign in with the chosen password)
// costs one attempt against both sign-in limits per probe, so addresses
// cannot be tested in bulk. A site that sends mail confirms the address
// instead (signupWithMail).
func (s *Server) signupForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	in, err := parseCredentials(r)
	if err != nil {
		return err
	}
	data := s.signinData(r, s.t(r, "title.signup"))
	data.Email, data.Name = in.Email, in.Name
	fe := timeline.FieldErrors{}
	if msg := auth.CheckEmail(in.Email); msg != "" {
		fe["email"] = msg
	}
	name, msg := auth.CleanName(in.Name)
	if msg != "" {
		fe["name"] = msg
	}
	if msg := auth.CheckPassword(in.Password); msg != "" {
		fe["password"] = msg
	}
	if len(fe) > 0 {
		data.Errors = fieldsInLanguage(s.locale(r), fe)
		return s.render(w, r, http.StatusUnprocessableEntity, "signup.html", data)
	}
	if retry, ok := s.signin.SignUp(s.clientAddr(r)); !ok {
		return s.signinLimited(w, r, data, throttle.ClientLimited, retry)
	}
	if s.mailOn() {
		return s.signupWithMail(w, r, data, in, name)
	}
	hash, err := s.passwords.Hash(in.Password)
	if err != nil {
		return err
	}
	err = s.store.CreateAccount(r.Context(), store.Account{ID: auth.NewAccountID(), Email: in.Email, Name: name, PasswordHash: hash})
	if err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	http.Redirect(w, r, "/signin?done=signedup", http.StatusSeeOther)
	return nil
}

// signinPage handles GET /signin.
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) error {
	data := s.signinData(r, s.t(r, "title.signin"))
	data.Notice = s.say(r, "notice.signin.", signinNotices, r.URL.Query().Get("done"))
	return s.render(w, r, http.StatusOK, "signin.html", data)
}

// signinForm handles POST /signin. Attempts are limited per client, per
// known device and, for clients the account does not know, per account
// (throttle.SignIn); a successful sign-in gives its places back, so only
// failures count, and marks the browser as a known device of the account.
func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	in, err := parseCredentials(r)
	if err != nil {
		return err
	}
	data := s.signinData(r, s.t(r, "title.signin"))
	data.Email = in.Email
	if in.Email == "" || in.Password == "" {
		data.Problem = inLanguage(s.locale(r), signinMissing)
		return s.render(w, r, http.StatusUnprocessableEntity, "signin.html", data)
	}
	var device string
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	attempt, refused, retry, ok := s.signin.Begin(auth.EmailKey(in.Email), s.clientAddr(r), device)
	if !ok {
		return s.signinLimited(w, r, data, refused, retry)
	}
	a, err := s.store.AccountByEmail(r.Context(), in.Email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		attempt.Abandon()
		return err
	}
	// Verify even when there is no account (against a dummy hash), so that
	// an unknown address takes as long as a wrong password. A failed
	// attempt keeps its places.
	if !s.passwords.Verify(a.PasswordHash, in.Password) || a.ID == "" {
		data.Problem = s.say(r, "notice.", map[string]string{"signin_wrong": signinWrong}, "signin_wrong")
		return s.render(w, r, http.StatusUnauthorized, "signin.html", data)
	}
	if a.Unverified {
		// The password was right: the attempt takes no place, and the
		// browser is not remembered until the address is confirmed.
		attempt.Abandon()
		return s.signinUnverified(w, r, data, a)
	}
	device = attempt.Succeeded()
	if err := s.startSession(w, r, a.ID); err != nil {
		return err
	}
	s.setDeviceCookie(w, r, device)
	http.Redirect(w, r, cmp.Or(data.Next, "/me"), http.StatusSeeOther)
	return nil
}

// deviceCookie holds a random token that marks the browser as one that has
// signed in before (throttle.SignIn): it carries nothing about the person,
// and the server keeps only an in-memory HMAC of it with the account.
const deviceCookie = "casetrack_device"

// deviceCookieDays is how long the browser keeps the device token.
const deviceCookieDays = 400

func (s *Server) setDeviceCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     deviceCookie,
		Value:    token,
		Path:     "/signin",
		MaxAge:   deviceCookieDays * 86400,
		HttpOnly: true,
		Secure:   s.secureRequest(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// signinLimited answers a sign-in or sign-up over its limit.
func (s *Server) signinLimited(w http.ResponseWriter, r *http.Request, data *signinPageData, refused throttle.Refusal, retry time.Duration) error {
	setRetryAfter(w, retry)
	data.Problem = signInLimitedMessage(s.locale(r), refused, retry)
	name := "signin.html"
	if r.URL.Path == "/signup" {
		name = "signup.html"
	}
	return s.render(w, r, http.StatusTooManyRequests, name, data)
}

// setRetryAfter sets the Retry-After header in whole seconds.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
}

// signoutForm handles POST /signout.
func (s *Server) signoutForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.endSession(w, r); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	http.Redirect(w, r, "/signin?done=signedout", http.StatusSeeOther)
	return nil
}
