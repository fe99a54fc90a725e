package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/auth"
	"github.com/casetrack/casetrack/internal/caseform"
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
	// Keep is a case the person chose to keep in an account before
	// signing in (manage.go), offered until kept; nil when none.
	Keep *meKeep
}

// meCase is one case of My timeline with where it stands: while it is
// pending its outlook in short, once decided how it compares. Notice
// confirms a change just made to it from this page.
type meCase struct {
	caseView
	Outlook *outlook.View
	Decided *outlook.Decided
	Notice  string
}

// Err returns the message for a field, or "".
func (p *mePageData) Err(field string) string { return p.Errors[field] }

// meNotices confirm what was just done on /me.
var meNotices = map[string]string{
	"claimed":  "The case is now in your timeline. Its edit key no longer works; manage it from here.",
	"password": "Your password was changed. Every other device was signed out.",
	"deleted":  "The case was deleted.",
	// Case changes made from My timeline come back here.
	"confirmed": "Thank you: the case is recorded as still pending as of today.",

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
	data := &mePageData{page: s.newPage(r, s.t(r, "title.me")), Me: a, HasPassword: stored.PasswordHash != ""}
	for _, c := range cases {
		mc := meCase{caseView: newCaseView(s.cat, c)}
		mc.Outlook, mc.Decided = s.caseOutlook(r, c)
		data.Cases = append(data.Cases, mc)
	}
	if data.Alerts, err = s.loadMeAlerts(r, a.ID); err != nil {
		return nil, err
	}
	if data.Keep, err = s.keepOffer(r); err != nil {
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
	q := r.URL.Query()
	notice := s.say(r, "notice.me.", meNotices, q.Get("done"))
	// A change to one case is confirmed beside that case.
	placed := false
	for i := range data.Cases {
		if data.Cases[i].ID == q.Get("case") {
			data.Cases[i].Notice, placed = notice, true
		}
	}
	if !placed {
		data.Notice = notice
	}
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
	key := keyIn(r.PostForm.Get("edit_key"))
	id := caseIDIn(raw)
	// The manage link alone names the case and holds its key.
	if lid, lkey, ok := manageLinkIn(raw); ok {
		id = lid
		if key == "" {
			key = lkey
		}
	}
	fe := timeline.FieldErrors{}
	switch {
	case !validCaseID(id):
		fe["case"] = caseLinkMissing
	case key == "":
		fe["edit_key"] = editKeyMissing
	default:
		hash, _, err := s.store.CaseAccess(r.Context(), id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			fe["case"] = s.errorMessage(r, errCaseNotFound())
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
	if len(fe) == 0 {
		s.clearCookie(w, r, keepCookie, "/me")
	}
	if len(fe) > 0 {
		data, err := s.loadMe(r, a)
		if err != nil {
			return err
		}
		data.ClaimCase, data.Errors = raw, fieldsInLanguage(s.locale(r), fe)
		return s.render(w, r, http.StatusUnprocessableEntity, "me.html", data)
	}
	http.Redirect(w, r, "/me?done=claimed&case="+id+"#"+id, http.StatusSeeOther)
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
	return s.renderCaseEdit(w, r, c, "")
}

// renderCaseEdit shows the submit form filled in with a case, for its
// owner or, with key, for whoever holds its manage link.
func (s *Server) renderCaseEdit(w http.ResponseWriter, r *http.Request, c *timeline.Case, key string) error {
	w.Header().Set("Cache-Control", "no-store")
	var f submitForm
	f.Category, f.Country, f.ServiceCenter, f.Filed, f.Note = c.Category, c.Country, c.ServiceCenter, c.Filed.String(), c.Note
	f.Details = submitDetailsFormOf(c.Details)
	given := make([]milestoneRow, len(c.Milestones))
	for i, m := range c.Milestones {
		given[i] = milestoneRow{Code: m.Code, Date: m.Date.String(), Checked: true}
	}
	f.Rows = caseform.Layout(s.reference(r), f.Category, given)
	data := s.newSubmitPage(r, s.t(r, "title.edit"), f, c.ID)
	data.EditKey = key
	return s.render(w, r, http.StatusOK, "submit.html", data)
}

// meEditForm handles POST /me/cases/{id}/edit for the case's owner.
func (s *Server) meEditForm(w http.ResponseWriter, r *http.Request) error {
	_, c, err := s.ownCase(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	return s.saveCaseEdit(w, r, c, "")
}

// saveCaseEdit saves the edit form of a case: the whole case is checked
// again as a new submission would be, then replaces the stored one, with
// as-of moved to today. An edit that adds the decision keeps the as-of
// date it replaces as the last day the case was known to be pending; one
// that removes it forgets that day (timeline.Case.Update). With key (the
// form came from a manage link) the answer goes back to the link.
func (s *Server) saveCaseEdit(w http.ResponseWriter, r *http.Request, c *timeline.Case, key string) error {
	f, sub, rowOf, err := parseCaseForm(r, s.reference(r), s.locale(r))
	if err != nil {
		return err
	}
	data := s.newSubmitPage(r, s.t(r, "title.edit"), f, c.ID)
	data.EditKey = key
	if done, err := s.formInterlude(w, r, data, sub, rowOf); done {
		return err
	}
	valid, fe := timeline.ValidateIn(s.locale(r), s.cat, sub, s.now())
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
		if key != "" {
			http.Redirect(w, r, manageLink(c.ID, key)+"?done=edited", http.StatusSeeOther)
			return nil
		}
		http.Redirect(w, r, "/cases/"+c.ID+"?done=edited", http.StatusSeeOther)
		return nil
	}
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
	data := &passwordPageData{page: s.newPage(r, s.t(r, "title.me_password")), HasPassword: stored.PasswordHash != ""}
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
	data := &passwordPageData{page: s.newPage(r, s.t(r, "title.me_password")), HasPassword: stored.PasswordHash != ""}
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
		data.Errors = timeline.FieldErrors{"current_password": signInLimitedMessage(s.locale(r), refused, retry)}
		return s.render(w, r, http.StatusTooManyRequests, "me_password.html", data)
	}
	fe := timeline.FieldErrors{}
	if !s.passwords.Verify(stored.PasswordHash, r.PostForm.Get("current_password")) {
		fe["current_password"] = passwordWrong
	} else {
		s.setDeviceCookie(w, r, attempt.Succeeded())
	}
	newPW := r.PostForm.Get("new_password")
	if msg := auth.CheckPassword(newPW); msg != "" {
		fe["new_password"] = msg
	}
	if len(fe) > 0 {
		data.Errors = fieldsInLanguage(s.locale(r), fe)
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
	// Choice is what happens to the cases: "keep" (detached, in the
	// statistics) or "delete"; Error asks for it when it is missing.
	Choice, Error string
}

// Answers of the "what about my cases?" choice.
const (
	casesKeep   = "keep"
	casesDelete = "delete"
)

// caseChoiceMissing asks for the choice when the account has cases.
const caseChoiceMissing = "Choose whether to keep your timelines anonymously in the statistics or to delete them."

// caseChoiceAPI is the API's message for a missing or unknown choice.
const caseChoiceAPI = "Use cases=keep to keep your timelines anonymously in the statistics, or cases=delete (the default) to delete them."

// meDeleteForm handles POST /me/delete in two steps: without confirm=yes
// it asks "are you sure?" and what should become of the cases, with it
// the account and its sessions are deleted at once, and its cases
// deleted or kept detached as chosen.
func (s *Server) meDeleteForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.requireAccount(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	choice := r.PostForm.Get("cases")
	if choice != casesKeep && choice != casesDelete {
		choice = ""
	}
	if confirmed := r.PostForm.Get("confirm") == "yes"; !confirmed || choice == "" {
		cases, err := s.store.CasesOf(r.Context(), a.ID)
		if err != nil {
			return err
		}
		data := &meDeletePageData{page: s.newPage(r, s.t(r, "title.me_delete")), Cases: len(cases), Choice: choice}
		if !confirmed {
			return s.render(w, r, http.StatusOK, "me_delete.html", data)
		}
		if len(cases) > 0 {
			data.Error = inLanguage(s.locale(r), caseChoiceMissing)
			return s.render(w, r, http.StatusUnprocessableEntity, "me_delete.html", data)
		}
		choice = casesDelete // no case, nothing to choose
	}
	n, err := s.deleteAccount(w, r, a, choice == casesKeep)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "account_deleted.html", &meDeletePageData{page: s.newPage(r, s.t(r, "title.account_deleted")), Cases: n, Choice: choice})
}

// deleteAccount deletes the signed-in account with its sessions and
// clears the cookie. Its cases are deleted and leave the statistics, or
// with keep stay in them detached: no owner and no edit key, so nobody
// can change them any more. It returns how many cases went or stayed.
func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request, a *auth.Account, keep bool) (int, error) {
	del := s.store.DeleteAccount
	if keep {
		del = s.store.DeleteAccountKeepCases
	}
	ids, err := del(r.Context(), a.ID)
	if err != nil {
		return 0, err
	}
	if !keep {
		for _, id := range ids {
			s.index.Remove(id)
		}
	}
	s.clearCookie(w, r, sessionCookie, "/")
	if h, ok := r.Context().Value(accountHolderKey{}).(*accountHolder); ok {
		*h = accountHolder{loaded: true}
	}
	return len(ids), nil
}
