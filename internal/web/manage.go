package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The "manage my case" link: one secret address, /m/{id}/{key}, that
// opens the case ready to change without typing its edit key. The key is
// in the path rather than in a fragment so that the link works without
// JavaScript; what keeps it out of records (DESIGN.md, Security):
//   - the access log and the metrics name the route pattern
//     ("GET /m/{id}/{key}"), never the path;
//   - the page is sent with Cache-Control: no-store and X-Robots-Tag:
//     noindex, and every page has Referrer-Policy: no-referrer, so no
//     cache keeps it and no link followed from it carries it away;
//   - the page holds the key only in hidden fields of its POST forms,
//     which send it in the body to the usual edit routes; after a change
//     the browser is sent back to the link (a Location header, not
//     logged either).

// manageLinkPrefix starts every manage link.
const manageLinkPrefix = "/m/"

// manageLink is the path of a case's manage link.
func manageLink(id, key string) string { return manageLinkPrefix + id + "/" + key }

// manageLinkIn finds a case id and edit key in a pasted manage link
// (absolute or not, with or without a query or fragment); ok is false
// when s is not one.
func manageLinkIn(s string) (id, key string, ok bool) {
	s = strings.TrimSpace(s)
	i := strings.Index(s, manageLinkPrefix+"c_")
	if i < 0 {
		return "", "", false
	}
	s = s[i+len(manageLinkPrefix):]
	s, _, _ = strings.Cut(s, "?")
	s, _, _ = strings.Cut(s, "#")
	id, key, ok = strings.Cut(strings.TrimSuffix(s, "/"), "/")
	if !ok || !validCaseID(id) || !validEditKey(key) {
		return "", "", false
	}
	return id, key, true
}

// validEditKey checks the shape of an edit key (timeline.NewEditKey: "ek_"
// and 52 base-32 characters), so that a link cut short gets its own
// message.
func validEditKey(key string) bool {
	rest, ok := strings.CutPrefix(key, "ek_")
	if !ok || len(rest) != 52 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Messages of a manage link that does not open.
const (
	manageLinkCut = "This manage link is incomplete: part of it was lost when it was copied. " +
		"Copy the whole link again, from where you saved it."
	manageLinkDead = "This manage link no longer works. Either the case was added to an account " +
		"(sign in and manage it from My timeline), or the account that held it was deleted " +
		"with its timelines kept anonymously, which leaves nobody able to change them. " +
		"If you typed or copied the link, check that nothing is missing."
	manageCaseGone = "There is no case behind this manage link any more: it was deleted."
)

// managePage handles GET /m/{id}/{key}: the case page with its edit forms
// open, the key carried in their hidden fields.
func (s *Server) managePage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	id, key := r.PathValue("id"), r.PathValue("key")
	if err := s.checkManageLink(r, id, key); err != nil {
		return err
	}
	data, err := s.loadCasePage(r, true)
	if err != nil {
		return err
	}
	data.Edit.EditKey = key
	data.ManageURL = manageLink(id, key)
	category := refName(s.reference(r).Category, data.Case.Category.Code, func(c catalog.Category) string { return c.Name })
	data.Title = s.t(r, "forms.title.manage", "Category", category)
	data.Notice = s.say(r, "notice.case.", notices, r.URL.Query().Get("done"))
	return s.render(w, r, http.StatusOK, "case.html", data)
}

// fromManageLink says whether an edit form was sent from a manage link's
// page, which then gets the answer instead of the public case page.
func fromManageLink(r *http.Request) bool { return r.PostForm.Get("manage") == "yes" }

// manageRoutes registers the manage link and editing a case's details
// with its key.
func (s *Server) manageRoutes(mux *http.ServeMux) {
	mux.Handle("GET /m/{id}/{key}", s.handle(s.managePage))
	mux.Handle("GET /m/{id}/{key}/edit", s.handle(s.manageEditPage))
	mux.Handle("POST /cases/{id}/edit", s.handle(s.caseEditDetailsForm))
	mux.Handle("POST /cases/{id}/keep", s.handle(s.caseKeepForm))
}

// manageEditPage handles GET /m/{id}/{key}/edit: the edit form of a case
// opened from its manage link.
func (s *Server) manageEditPage(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	id, key := r.PathValue("id"), r.PathValue("key")
	if err := s.checkManageLink(r, id, key); err != nil {
		return err
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderCaseEdit(w, r, c, key)
}

// caseEditDetailsForm handles POST /cases/{id}/edit: the edit form sent
// with the case's key (from the manage link), or by its owner.
func (s *Server) caseEditDetailsForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	id, err := caseIDFrom(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	key := keyIn(r.PostForm.Get("edit_key"))
	if err := s.authorizeEdit(r, id, key); err != nil {
		return err
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil {
		return err
	}
	if hash, _, err := s.store.CaseAccess(r.Context(), id); err != nil {
		return err
	} else if !timeline.EditKeyMatches(key, hash) {
		key = "" // the owner, signed in: back to the case page
	}
	return s.saveCaseEdit(w, r, c, key)
}

// checkManageLink answers a manage link's id and key with a clear error
// when they do not open the case: 404 for a cut or unknown id, 403 for a
// key cut short or not (or no longer) the case's.
func (s *Server) checkManageLink(r *http.Request, id, key string) error {
	if !validCaseID(id) {
		return &httpError{Status: http.StatusNotFound, Code: "not_found", Message: manageLinkCut}
	}
	if !validEditKey(key) {
		return errForbidden(manageLinkCut)
	}
	hash, _, err := s.store.CaseAccess(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return &httpError{Status: http.StatusNotFound, Code: "not_found", Message: manageCaseGone}
	}
	if err != nil {
		return err
	}
	if !timeline.EditKeyMatches(key, hash) {
		return errForbidden(manageLinkDead)
	}
	return nil
}

// keyIn reads the edit key field of a form, which also takes the whole
// manage link: people keep the link, not the key.
func keyIn(s string) string {
	if _, key, ok := manageLinkIn(s); ok {
		return key
	}
	return strings.TrimSpace(s)
}

// keepCookie carries a case to keep across signing in or signing up:
// "{id}.{key}", for an hour, sent only to /me (where the account picks it
// up) and only on the site's own navigations. Cookies are never logged.
const (
	keepCookie    = "casetrack_keep"
	keepCookieAge = 3600
)

// caseKeepForm handles POST /cases/{id}/keep, "keep it in an account",
// from the thank-you page or the manage link: signed in, the case goes
// into the account at once; signed out, it waits in keepCookie while the
// person signs in or signs up, and My timeline then offers it.
func (s *Server) caseKeepForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	id, key := r.PathValue("id"), keyIn(r.PostForm.Get("edit_key"))
	if err := s.checkManageLink(r, id, key); err != nil {
		return err
	}
	a := s.currentAccount(r)
	if a == nil {
		http.SetCookie(w, &http.Cookie{Name: keepCookie, Value: id + "." + key, Path: "/me", MaxAge: keepCookieAge,
			HttpOnly: true, Secure: s.secureRequest(r), SameSite: http.SameSiteStrictMode})
		http.Redirect(w, r, "/signin?done=keep", http.StatusSeeOther)
		return nil
	}
	if err := s.claim(r, id, a.ID); err != nil {
		return err
	}
	s.clearCookie(w, r, keepCookie, "/me")
	http.Redirect(w, r, "/me?done=claimed&case="+id+"#"+id, http.StatusSeeOther)
	return nil
}

// claim moves a case into an account; another account's case is a 403.
func (s *Server) claim(r *http.Request, id, accountID string) error {
	err := s.store.ClaimCase(r.Context(), id, accountID)
	if errors.Is(err, store.ErrConflict) {
		return errForbidden(editKeyWrong)
	}
	return err
}

// meKeep is the case waiting in keepCookie to be kept, as My timeline
// offers it.
type meKeep struct {
	caseView
	Key string
}

// keepOffer reads keepCookie for My timeline: the case it names when its
// key still opens it and no account has it yet, else nil.
func (s *Server) keepOffer(r *http.Request) (*meKeep, error) {
	c, err := r.Cookie(keepCookie)
	if err != nil {
		return nil, nil
	}
	id, key, ok := strings.Cut(c.Value, ".")
	if !ok || !validCaseID(id) || !validEditKey(key) {
		return nil, nil
	}
	hash, owner, err := s.store.CaseAccess(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if owner != "" || !timeline.EditKeyMatches(key, hash) {
		return nil, nil
	}
	cs, err := s.store.Case(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return &meKeep{caseView: newCaseView(s.cat, cs), Key: key}, nil
}
