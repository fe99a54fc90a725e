package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/outlook"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// mePageData is the data of me.html: the account's own cases and what
// can be done with them and with the account.
type mePageData struct {
	page
	Me    *auth.Account
	Cases []meCase
	// Claim is the claim form as typed, kept on errors.
	ClaimCase string
	// Errors holds messages by field: "case", "edit_key".
	Errors timeline.FieldErrors
	Notice string
	// HasPassword is false for an account that signs in through OpenID
	// Connect only.
	HasPassword bool
	// Alerts are the account's alerts and reminder setting; nil when the
	// site sends no mail.
	Alerts *meAlerts
}

// meCase is one case of My timeline with, while it is pending, its
// outlook in short.
type meCase struct {
	caseView
	Outlook *outlook.View
}

// Err returns the message for a field, or "".
func (p *mePageData) Err(field string) string { return p.Errors[field] }

// meNotices confirm what was just done on /me.
var meNotices = map[string]string{
	"claimed":  "The case is now in your timeline. Its edit key no longer works; manage it from here.",
	"password": "Your password was changed. Every other device was signed out.",
	"deleted":  "The case was deleted.",

	"alert":         "Alert saved. We write only when something moved in the group, and never about a group of fewer cases than we show numbers for.",
	"alert-deleted": "The alert was deleted.",
	"alert-resumed": "The alert writes again.",
	"reminders-off": "“Still pending?” reminders are off.",
	"reminders-on":  "“Still pending?” reminders are on again.",
}

// signInFirst sends a signed-out visitor of an account page to sign in.
func signInFirst(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// loadMe reads the account's cases for me.html.
func (s *Server) loadMe(r *http.Request, a *auth.Account) (*mePageData, error) {
	cases, err := s.store.CasesOf(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	stored, err := s.store.AccountByID(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	data := &mePageData{page: s.newPage(r, "My timeline"), Me: a, HasPassword: stored.PasswordHash != ""}
	for _, c := range cases {
		mc := meCase{caseView: newCaseView(s.cat, c)}
		mc.Outlook, _ = s.caseOutlook(c)
		data.Cases = append(data.Cases, mc)
	}
	if data.Alerts, err = s.loadMeAlerts(r, a.ID); err != nil {
		return nil, err
	}
	return data, nil
}

// mePage handles GET /me.
func (s *Server) mePage(w http.ResponseWriter, r *http.Request) error {
	a := s.currentAccount(r)
	if a == nil {
		signInFirst(w, r)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	data, err := s.loadMe(r, a)
	if err != nil {
		return err
	}
	data.Notice = meNotices[r.URL.Query().Get("done")]
	return s.render(w, r, http.StatusOK, "me.html", data)
}

// caseIDIn finds a case id in what a person pasted: the id itself or the
// case's address.
func caseIDIn(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/cases/"); i >= 0 {
		s = s[i+len("/cases/"):]
	}
	s, _, _ = strings.Cut(s, "?")
	s, _, _ = strings.Cut(s, "#")
	return strings.TrimSuffix(s, "/")
}

// meClaimForm handles POST /me/claim: the edit key proves the case is
// the person's, and the case moves into the account.
func (s *Server) meClaimForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	raw := r.PostForm.Get("case")
	key := strings.TrimSpace(r.PostForm.Get("edit_key"))
	id := caseIDIn(raw)
	fe := timeline.FieldErrors{}
	switch {
	case !validCaseID(id):
		fe["case"] = "Paste the case's address or its id (it starts with c_)."
	case key == "":
		fe["edit_key"] = editKeyMissing
	default:
		hash, _, err := s.store.CaseAccess(r.Context(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fe["case"] = errCaseNotFound().Message
		case err != nil:
			return err
		case !timeline.EditKeyMatches(key, hash):
			// Also the answer for a case already claimed: claiming
			// forgets the edit key.
			fe["edit_key"] = editKeyWrong
		}
	}
	if len(fe) == 0 {
		err := s.store.ClaimCase(r.Context(), id, a.ID)
		switch {
		case errors.Is(err, store.ErrConflict):
			fe["edit_key"] = editKeyWrong
		case err != nil:
			return err
		}
	}
	if len(fe) > 0 {
		data, err := s.loadMe(r, a)
		if err != nil {
			return err
		}
		data.ClaimCase, data.Errors = raw, fe
		return s.render(w, r, http.StatusUnprocessableEntity, "me.html", data)
	}
	http.Redirect(w, r, "/me?done=claimed", http.StatusSeeOther)
	return nil
}

// ownCase returns the case at {id} when the signed-in account owns it:
// 401 when signed out, 404 for an unknown case, 403 for anyone else's.
func (s *Server) ownCase(r *http.Request) (*auth.Account, *timeline.Case, error) {
	a, err := s.requireAccount(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := caseIDFrom(r)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if c.OwnerID == "" || c.OwnerID != a.ID {
		return nil, nil, errForbidden("This case is not in your timeline.")
	}
	return a, c, nil
}

// editRows is how many milestone rows the edit form has: every milestone
// of the case and room for more.
func editRows(c *timeline.Case) int {
	return min(timeline.MaxMilestones, max(formMilestoneRows, len(c.Milestones)+3))
}

// meEditPage handles GET /me/cases/{id}/edit: the submit form, filled in.
func (s *Server) meEditPage(w http.ResponseWriter, r *http.Request) error {
	if s.currentAccount(r) == nil {
		signInAndReturn(w, r)
		return nil
	}
	_, c, err := s.ownCase(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	f := submitFormRows(editRows(c))
	f.Category, f.Country, f.ServiceCenter, f.Filed, f.Note = c.Category, c.Country, c.ServiceCenter, c.Filed.String(), c.Note
	f.Details = submitDetailsFormOf(c.Details)
	for i, m := range c.Milestones {
		f.Rows[i].Code, f.Rows[i].Date = m.Code, m.Date.String()
	}
	data := &submitPageData{page: s.newPage(r, "Edit your case"), Form: f, EditID: c.ID}
	return s.render(w, r, http.StatusOK, "submit.html", data)
}

// meEditForm handles POST /me/cases/{id}/edit: the whole case is checked
// again as a new submission would be, then replaces the stored one, with
// as-of moved to today. An edit that adds the decision keeps the as-of
// date it replaces as the last day the case was known to be pending; one
// that removes it forgets that day (timeline.Case.Update).
func (s *Server) meEditForm(w http.ResponseWriter, r *http.Request) error {
	_, c, err := s.ownCase(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	rows := editRows(c)
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	// The form says how many rows it had, so that a row added on the page
	// is read; the number is kept within the limits of a case.
	if n, err := strconv.Atoi(r.PostForm.Get("rows")); err == nil && n >= formMilestoneRows && n <= timeline.MaxMilestones {
		rows = n
	}
	f, sub, rowOf, err := parseCaseForm(r, rows)
	if err != nil {
		return err
	}
	valid, fe := timeline.Validate(s.cat, sub, s.now())
	if len(fe) == 0 {
		cancel, err := s.reserveUpdate(r)
		if err != nil {
			return err
		}
		var updated *timeline.Case
		updated, err = s.store.EditCase(r.Context(), c.ID, func(cur *timeline.Case) error {
			cur.Update(func(cur *timeline.Case) {
				cur.Category, cur.Country, cur.ServiceCenter, cur.Filed = valid.Category, valid.Country, valid.ServiceCenter, valid.Filed
				cur.Milestones, cur.Note, cur.AsOf = valid.Milestones, valid.Note, valid.AsOf
				cur.Details = valid.Details
			})
			// An edit can move a decision as far as a new milestone can.
			s.flagIfImplausible(cur)
			return nil
		})
		if err != nil {
			cancel()
			return err
		}
		s.index.Upsert(updated)
		http.Redirect(w, r, "/cases/"+c.ID+"?done=edited", http.StatusSeeOther)
		return nil
	}
	data := &submitPageData{page: s.newPage(r, "Edit your case"), Form: f, EditID: c.ID}
	data.Errors = placeErrors(&data.Form, fe, rowOf)
	return s.render(w, r, http.StatusUnprocessableEntity, "submit.html", data)
}

// passwordPageData is the data of me_password.html.
type passwordPageData struct {
	page
	Errors      timeline.FieldErrors
	HasPassword bool
}

// Err returns the message for a field, or "".
func (p *passwordPageData) Err(field string) string { return p.Errors[field] }

// mePasswordPage handles GET /me/password.
func (s *Server) mePasswordPage(w http.ResponseWriter, r *http.Request) error {
	a := s.currentAccount(r)
	if a == nil {
		signInFirst(w, r)
		return nil
	}
	stored, err := s.store.AccountByID(r.Context(), a.ID)
	if err != nil {
		return err
	}
	data := &passwordPageData{page: s.newPage(r, "Change your password"), HasPassword: stored.PasswordHash != ""}
	return s.render(w, r, http.StatusOK, "me_password.html", data)
}

// mePasswordForm handles POST /me/password. The current password is
// asked for again (a session left open is not enough), and every session
// of the account ends: this browser gets a new one, others must sign in
// again.
func (s *Server) mePasswordForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	stored, err := s.store.AccountByID(r.Context(), a.ID)
	if err != nil {
		return err
	}
	data := &passwordPageData{page: s.newPage(r, "Change your password"), HasPassword: stored.PasswordHash != ""}
	if !data.HasPassword {
		return s.render(w, r, http.StatusUnprocessableEntity, "me_password.html", data)
	}
	// The current password is guarded like a sign-in: a session taken
	// over elsewhere must not become a way to guess it.
	var device string
	if c, err := r.Cookie(deviceCookie); err == nil {
		device = c.Value
	}
	attempt, refused, retry, ok := s.signin.Begin(auth.EmailKey(stored.Email), s.clientAddr(r), device)
	if !ok {
		setRetryAfter(w, retry)
		data.Errors = timeline.FieldErrors{"current_password": errSignInLimited(refused, retry).Message}
		return s.render(w, r, http.StatusTooManyRequests, "me_password.html", data)
	}
	fe := timeline.FieldErrors{}
	if !s.passwords.Verify(stored.PasswordHash, r.PostForm.Get("current_password")) {
		fe["current_password"] = "That is not your current password."
	} else {
		s.setDeviceCookie(w, r, attempt.Succeeded())
	}
	newPW := r.PostForm.Get("new_password")
	if msg := auth.CheckPassword(newPW); msg != "" {
		fe["new_password"] = msg
	}
	if len(fe) > 0 {
		data.Errors = fe
		return s.render(w, r, http.StatusUnprocessableEntity, "me_password.html", data)
	}
	hash, err := s.passwords.Hash(newPW)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(r.Context(), a.ID, hash, nil); err != nil {
		return err
	}
	if err := s.startSession(w, r, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, "/me?done=password", http.StatusSeeOther)
	return nil
}

// meDeletePageData is the data of me_delete.html and account_deleted.html.
type meDeletePageData struct {
	page
	Cases int
}

// meDeleteForm handles POST /me/delete in two steps: without confirm=yes
// it asks "are you sure?", with it the account, its sessions and its
// cases are deleted at once.
func (s *Server) meDeleteForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	if r.PostForm.Get("confirm") != "yes" {
		cases, err := s.store.CasesOf(r.Context(), a.ID)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, "me_delete.html", &meDeletePageData{page: s.newPage(r, "Delete your account?"), Cases: len(cases)})
	}
	n, err := s.deleteAccount(w, r, a)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "account_deleted.html", &meDeletePageData{page: s.newPage(r, "Account deleted"), Cases: n})
}

// deleteAccount deletes the signed-in account with its sessions and
// cases, drops the cases from the statistics and clears the cookie. It
// returns how many cases went.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, a *auth.Account) (int, error) {
	ids, err := s.store.DeleteAccount(r.Context(), a.ID)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		s.index.Remove(id)
	}
	s.clearCookie(w, r, sessionCookie, "/")
	if h, ok := r.Context().Value(accountHolderKey{}).(*accountHolder); ok {
		*h = accountHolder{loaded: true}
	}
	return len(ids), nil
}
