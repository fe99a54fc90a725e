package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/web/throttle"
)

// The mail that accounts ask for: the link that confirms the address of
// a sign-up, the note to an address that signs up again, and the link
// that sets a new password. Each carries a single-use link whose token is
// only in the mail; the store keeps its SHA-256 (auth.HashToken).

// Purposes of the single-use links (store.Token.Purpose) and kinds of the
// messages (mail templates) of this file.
const (
	purposeVerify = "verify"
	purposeReset  = "reset"

	kindVerify       = "verify"
	kindSignupExists = "signup-exists"
	kindReset        = "reset"
)

// How long the links work. The mail states it in words (in English
// here, in every language as the messages account.valid_verify and
// account.valid_reset, which a test keeps equal); the stored expiry is
// rounded up to the hour, so that it does not tell, to the second, when
// the mail was asked for.
const (
	verifyValid     = 48 * time.Hour
	verifyValidText = "2 days"
	resetValid      = 2 * time.Hour
	resetValidText  = "2 hours"
)

// Limits on the mail that accounts ask for. Each request that could send
// such a mail counts, whether or not the address has an account, so that
// the limits answer alike for every address: per address (however many
// networks ask), so that nobody's inbox can be filled with links, and
// per client, so that one network cannot send mail to many addresses.
// They stay on when the sign-in limits are off: they protect the people
// who receive the mail.
const (
	mailsPerAddressPerHour = 3
	mailsPerClientPerHour  = 20
)

// accountMailLimits holds the limits above; like every limiter here it
// keeps only salted hashes of addresses and clients, in memory.
type accountMailLimits struct {
	address *throttle.Limiter
	client  *throttle.Limiter
}

func newAccountMailLimits(now func() time.Time) *accountMailLimits {
	return &accountMailLimits{
		address: throttle.PerHour(mailsPerAddressPerHour, now),
		client:  throttle.PerHour(mailsPerClientPerHour, now),
	}
}

// errMailLimited answers a client over its allowance of account mail,
// in the language l.
func errMailLimited(l *i18n.Locale, retry time.Duration) *httpError {
	return errRateLimitedMsg(retry, l.T("mail.limited", "Wait", waitIn(l, retry)))
}

// reserveMailClient takes one request from the client's allowance of
// account mail; when it is used up, it says how long until the next. The
// per-client limit says nothing about any address, so it may be told.
func (s *Server) reserveMailClient(r *http.Request) (retry time.Duration, ok bool) {
	_, retry, ok = s.accountMail.client.Reserve(s.clientAddr(r))
	return retry, ok
}

// reserveMailAddress takes one mail from the address's allowance. When
// it is used up the request still answers as if the mail went out: the
// page must not differ between addresses.
func (s *Server) reserveMailAddress(email string) bool {
	_, _, ok := s.accountMail.address.Reserve(auth.EmailKey(email))
	return ok
}

// linkMailData is what the verify, signup-exists and reset messages show.
type linkMailData struct {
	// Link confirms the address (verify).
	Link string
	// SignIn is the sign-in page (signup-exists).
	SignIn string
	// Reset sets a new password (signup-exists, reset); empty for an
	// account that signs in through the identity provider only.
	Reset string
	// Provider names the identity provider an account without a password
	// signs in with.
	Provider string
	// Valid says how long the links work.
	Valid string
}

// newLink makes a single-use link token for an account: the token for
// the mail, and the row that stores its hash.
func (s *Server) newLink(accountID, purpose string, valid time.Duration) (string, store.Token) {
	token, hash := auth.NewToken()
	expires := s.now().Add(valid).Add(time.Hour - time.Nanosecond).Truncate(time.Hour)
	return token, store.Token{Hash: hash, AccountID: accountID, Purpose: purpose, Expires: expires.UTC()}
}

// linkPath is the site path of a link: the page that shows what the link
// does, with the token in the query.
func linkPath(page, token string) string { return page + "?t=" + token }

// verifyMailing is a new account's link to confirm its address, in the
// language l the address was given in.
func (s *Server) verifyMailing(l *i18n.Locale, accountID string) (store.Mailing, error) {
	token, t := s.newLink(accountID, purposeVerify, verifyValid)
	m, err := s.mail.ComposeIn(l, accountID, kindVerify, linkMailData{Link: s.mail.Link(linkPath("/verify", token)), Valid: l.T("account.valid_verify")}, "",
		l.T("mail.verify.why"))
	if err != nil {
		return store.Mailing{}, err
	}
	return store.Mailing{Tokens: []store.Token{t}, Mails: []store.OutMail{m}}, nil
}

// resetLink adds a password reset link to d for account a, unless a signs
// in through the identity provider only (while one is configured): such
// an account has no password to reset, and the mail names the provider
// instead.
func (s *Server) resetLink(l *i18n.Locale, a store.Account, d *linkMailData, m *store.Mailing) {
	if a.PasswordHash == "" && s.oidc != nil {
		d.Provider = s.oidcName
		return
	}
	token, t := s.newLink(a.ID, purposeReset, resetValid)
	d.Reset, d.Valid = s.mail.Link(linkPath("/reset", token)), l.T("account.valid_reset")
	m.Tokens = append(m.Tokens, t)
}

// signupExistsMailing tells an account that someone signed up with its
// address, with a way in: the sign-in page and a fresh reset link. It
// is written in the language of the sign-up.
func (s *Server) signupExistsMailing(l *i18n.Locale, a store.Account) (store.Mailing, error) {
	var m store.Mailing
	d := linkMailData{SignIn: s.mail.Link("/signin")}
	s.resetLink(l, a, &d, &m)
	out, err := s.mail.ComposeIn(l, a.ID, kindSignupExists, d, "", l.T("mail.exists.why"))
	if err != nil {
		return store.Mailing{}, err
	}
	m.Mails = append(m.Mails, out)
	return m, nil
}

// resetMailing is the link an account asked for to set a new password,
// in the language it was asked in.
func (s *Server) resetMailing(l *i18n.Locale, a store.Account) (store.Mailing, error) {
	var m store.Mailing
	d := linkMailData{SignIn: s.mail.Link("/signin")}
	s.resetLink(l, a, &d, &m)
	out, err := s.mail.ComposeIn(l, a.ID, kindReset, d, "", l.T("mail.reset.why"))
	if err != nil {
		return store.Mailing{}, err
	}
	m.Mails = append(m.Mails, out)
	return m, nil
}

// rememberMailLanguage keeps the language of the request in ctx as the
// one the account's later mail (digests, reminders) is written in: the
// language the person used when they last asked for mail.
func (s *Server) rememberMailLanguage(ctx context.Context, accountID string) error {
	return s.store.SetMailLanguage(ctx, accountID, s.localeOf(ctx).Code())
}

// queueMail stores a mailing and wakes the sender.
func (s *Server) queueMail(ctx context.Context, m store.Mailing) error {
	if err := s.store.Queue(ctx, m); err != nil {
		return err
	}
	s.mailQueued(ctx)
	return nil
}

// mailQueued wakes the sender after a mailing was stored, and sweeps the
// links that have expired: making a link is often enough, and an expired
// link is of no use to anyone.
func (s *Server) mailQueued(ctx context.Context) {
	s.wakeMail()
	if _, err := s.store.DeleteExpiredTokens(ctx, s.now()); err != nil {
		s.log.Error("delete expired links", "err", err)
	}
}

// linkToken reads the token of a link (the t query or form field) and
// returns its hash, or nil when it cannot be a token (it then never
// reaches the database).
func linkToken(r *http.Request) (string, []byte) {
	t := r.FormValue("t")
	if !auth.WellFormedToken(t) {
		return "", nil
	}
	return t, auth.HashToken(t)
}

// linkOpened answers the GET of a mailed link for purpose: it checks the
// link without using it (mail scanners open links before their readers
// do) and calls show with its token, or gone when the link does not work.
func (s *Server) linkOpened(w http.ResponseWriter, r *http.Request, purpose string, show func(token string) error, gone func() error) error {
	if !s.mailOn() {
		return errNotFound()
	}
	w.Header().Set("Cache-Control", "no-store")
	token, hash := linkToken(r)
	if hash != nil {
		_, err := s.store.PeekToken(r.Context(), hash, purpose, s.now())
		if err == nil {
			return show(token)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return gone()
}
