package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/casetrack/casetrack/internal/caseform"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/outlook"
	"github.com/casetrack/casetrack/internal/timeline"
)

// casePageData is the data of case.html and case_delete.html.
type casePageData struct {
	page
	Case caseView
	// Edit holds what was typed into the edit form, kept on errors.
	Edit editForm
	// Errors holds messages by field: "edit_key", "code", "date", "status".
	Errors timeline.FieldErrors
	// Notice confirms a change after a redirect.
	Notice string
	// Owned is true when the signed-in account owns the case: it needs
	// no edit key.
	Owned bool
	// Flagged says the case waits for a moderator's review; Hidden that
	// a moderator removed it (only its editor gets this far).
	Flagged, Hidden bool
	// ReportReasons are the choices of the report form.
	ReportReasons []reportReason
	// ReportError is the message of a refused report.
	ReportError string
	// Outlook is where a pending case stands among similar cases, as of
	// its last confirmed day; Decided how a decided case compares. One
	// of the two is set.
	Outlook *outlook.View
	Decided *outlook.Decided
	// SameMonthAlert offers its owner mail about the people who filed
	// the same month, when the site sends mail.
	SameMonthAlert bool
	// Share fills the Open Graph tags of a published case (card.go).
	Share *shareMeta
	// ManageURL is the case's manage link when the page was opened
	// through it (manage.go): the forms then carry the key hidden and
	// come back to the link.
	ManageURL string
}

// editForm is the "I have the edit key" form.
type editForm struct {
	EditKey string
	Code    string
	Date    string
}

// MilestoneChoices are the case category's milestones.
func (p *casePageData) MilestoneChoices() []catalog.Milestone { return p.Case.Category.Milestones }

// CohortURL is the feed of cases like this one: same category, country,
// service center and filing month.
func (p *casePageData) CohortURL() string {
	f := feedFilter{Category: p.Case.Category.Code, Country: p.Case.CountryCode, ServiceCenter: p.Case.ServiceCenterCode}
	if m, err := timeline.ParseMonth(p.Case.Filed); err == nil {
		f.Filed = m
	}
	return f.link("/feed")
}

// CaseID and EditKey feed the "keep it in an account" form of a case
// opened through its manage link.
func (p *casePageData) CaseID() string  { return p.Case.ID }
func (p *casePageData) EditKey() string { return p.Edit.EditKey }

// Err returns the message for a field, or "".
func (p *casePageData) Err(field string) string { return p.Errors[field] }

// notices are the confirmations shown after Post/Redirect/Get.
var notices = map[string]string{
	"milestone": "The milestone was added. Thank you for keeping your timeline up to date.",
	"confirmed": "Thank you: the case is recorded as still pending as of today.",
	"edited":    "Your changes were saved.",
	"reported":  "Thank you for the report. A moderator will look at this case.",
}

// loadCasePage reads the case for a page; unknown ids are a 404, and so
// are cases a moderator hid, unless the request carries the edit key
// (editing): the person who shared a case can still change or delete it.
func (s *Server) loadCasePage(r *http.Request, editing bool) (*casePageData, error) {
	id, err := caseIDFrom(r)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Case(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if c.Moderation.State == timeline.ModerationHidden && !editing {
		return nil, errCaseRemoved()
	}
	v := newCaseView(s.cat, c)
	v.Details = newDetailsView(s.locale(r), s.cat, c)
	a := s.currentAccount(r)
	owned := a != nil && c.OwnerID != "" && c.OwnerID == a.ID
	data := &casePageData{page: s.newPage(r, s.t(r, "title.case", "Category", refName(s.reference(r).Category, v.Category.Code, func(c catalog.Category) string { return c.Name }))), Case: v, Owned: owned,
		Flagged: c.Moderation.State == timeline.ModerationFlagged, Hidden: c.Moderation.State == timeline.ModerationHidden,
		ReportReasons: reportReasons}
	data.Outlook, data.Decided = s.caseOutlook(r, c)
	data.SameMonthAlert = owned && s.mailOn()
	return data, nil
}

// casePage handles GET /cases/{id}.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	data, err := s.loadCasePage(r, false)
	if err != nil {
		return err
	}
	data.Notice = s.say(r, "notice.case.", notices, r.URL.Query().Get("done"))
	data.Share = s.caseShareMeta(r, data.Case)
	return s.render(w, r, http.StatusOK, "case.html", data)
}

// caseEditRequest parses an edit form post and checks its key. When the key
// is missing or wrong it renders the case page again with the message
// beside the key field and returns handled true.
func (s *Server) caseEditRequest(w http.ResponseWriter, r *http.Request) (data *casePageData, handled bool, err error) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		return nil, false, formError(err)
	}
	if data, err = s.loadCasePage(r, true); err != nil {
		return nil, false, err
	}
	data.Edit = editForm{
		EditKey: keyIn(r.PostForm.Get("edit_key")),
		Code:    strings.TrimSpace(r.PostForm.Get("code")),
		Date:    strings.TrimSpace(r.PostForm.Get("date")),
	}
	err = s.authorizeEdit(r, data.Case.ID, data.Edit.EditKey)
	var he *httpError
	if errors.As(err, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden) {
		if data.Hidden {
			// Without the key a hidden case shows nothing, not even
			// the page with an error beside the key field.
			return nil, false, errCaseRemoved()
		}
		data.Errors = timeline.FieldErrors{"edit_key": s.errorMessage(r, he)}
		return data, true, s.render(w, r, he.Status, "case.html", data)
	}
	if err != nil {
		return nil, false, err
	}
	if fromManageLink(r) && validEditKey(data.Edit.EditKey) {
		hash, _, err := s.store.CaseAccess(r.Context(), data.Case.ID)
		if err != nil {
			return nil, false, err
		}
		if timeline.EditKeyMatches(data.Edit.EditKey, hash) {
			data.ManageURL = manageLink(data.Case.ID, data.Edit.EditKey)
		}
	}
	return data, false, nil
}

// caseAddMilestoneForm handles POST /cases/{id}/milestones.
func (s *Server) caseAddMilestoneForm(w http.ResponseWriter, r *http.Request) error {
	data, handled, err := s.caseEditRequest(w, r)
	if handled || err != nil {
		return err
	}
	// The date as people copy it from a notice, read as the submit form
	// reads it; a reading that could go two ways comes back rewritten in
	// full, to be confirmed by adding again.
	date := caseform.ReadDateIn(s.locale(r), data.Edit.Date)
	switch {
	case date.Error != "":
		return s.finishCaseEdit(w, r, data, timeline.FieldErrors{"date": date.Error}, "milestone")
	case date.Confirm != "":
		data.Edit.Date = date.Shown
		return s.finishCaseEdit(w, r, data, timeline.FieldErrors{"date": s.t(r, "forms.confirm_add_again", "Reading", date.Confirm)}, "milestone")
	}
	cancel, err := s.reserveUpdate(r)
	if err != nil {
		return err
	}
	_, err = s.addMilestone(r.Context(), data.Case.ID, timeline.MilestoneInput{Code: data.Edit.Code, Date: date.Value})
	if err != nil {
		cancel()
	}
	return s.finishCaseEdit(w, r, data, err, "milestone")
}

// caseConfirmForm handles POST /cases/{id}/confirm.
func (s *Server) caseConfirmForm(w http.ResponseWriter, r *http.Request) error {
	data, handled, err := s.caseEditRequest(w, r)
	if handled || err != nil {
		return err
	}
	cancel, err := s.reserveUpdate(r)
	if err != nil {
		return err
	}
	_, err = s.confirmCase(r.Context(), data.Case.ID)
	if err != nil {
		cancel()
	}
	return s.finishCaseEdit(w, r, data, err, "confirmed")
}

// finishCaseEdit ends an edit from the case page: the page again with the
// messages beside the fields when the change was refused, or a redirect
// back to it (Post/Redirect/Get) saying what was done.
func (s *Server) finishCaseEdit(w http.ResponseWriter, r *http.Request, data *casePageData, err error, done string) error {
	var fe timeline.FieldErrors
	if errors.As(err, &fe) {
		data.Errors = fieldsInLanguage(s.locale(r), fe)
		return s.render(w, r, http.StatusUnprocessableEntity, "case.html", data)
	}
	if err != nil {
		return err
	}
	switch {
	case data.ManageURL != "":
		http.Redirect(w, r, data.ManageURL+"?done="+done, http.StatusSeeOther)
	case r.PostForm.Get("back") == "me" && data.Owned:
		// Pressed on My timeline: stay there, at the case.
		http.Redirect(w, r, "/me?done="+done+"&case="+data.Case.ID+"#"+data.Case.ID, http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/cases/"+data.Case.ID+"?done="+done, http.StatusSeeOther)
	}
	return nil
}

// caseDeleteForm handles POST /cases/{id}/delete in two steps: without
// confirm=yes it asks "are you sure?", with it the case is deleted.
func (s *Server) caseDeleteForm(w http.ResponseWriter, r *http.Request) error {
	data, handled, err := s.caseEditRequest(w, r)
	if handled || err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "yes" {
		data.Title = s.t(r, "case_delete.heading")
		return s.render(w, r, http.StatusOK, "case_delete.html", data)
	}
	if err := s.deleteCase(r.Context(), data.Case.ID); err != nil {
		return err
	}
	if data.Owned {
		http.Redirect(w, r, "/me?done=deleted", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/?deleted=1", http.StatusSeeOther)
	return nil
}
