package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/caseform"
	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/store"
	"github.com/casetrack/casetrack/internal/timeline"
)

// formMilestoneRows is how many milestone rows a posted form is read for
// when it does not say ("rows"): the rows of the form before the
// checklist, which clients may still post.
const formMilestoneRows = 8

// submitForm is the submit form's input, kept as typed so an invalid form
// is shown again exactly as the person left it.
type submitForm struct {
	Category      string
	Country       string
	ServiceCenter string
	Filed         string
	Note          string
	Rows          []milestoneRow
	// FiledNote says how the filing month was read ("only the month is
	// kept"), or asks to confirm an ambiguous reading (FiledConfirm);
	// FiledError says why it could not be read, overriding validation's
	// message, which knows only the strict format.
	FiledNote    string
	FiledError   string
	FiledConfirm string
	Details      submitDetailsForm
	// Honeypot is set when the field people never see was filled in.
	Honeypot bool
}

// honeypotField is the name of the submit form's trap for automated
// posters: a text field hidden from people by a CSS class (the CSP allows
// no inline style), skipped by the keyboard and by autofill, and labelled
// for the rare person who meets it anyway. Software that fills in every
// field fills it in, and the submission is refused.
const honeypotField = "website"

// honeypotMessage (a catalog id) explains the refusal, in case a person
// did fill it in.
const honeypotMessage = "forms.honeypot"

// milestoneRow is one row of the milestone checklist with its own
// messages (package caseform lays the rows out).
type milestoneRow = caseform.Row

// submitPageData is the data of submit.html.
type submitPageData struct {
	page
	Form submitForm
	// Errors holds field messages by form field name ("category",
	// "filed", "note", "milestones", ...); row messages are on the rows.
	Errors timeline.FieldErrors
	// Problem is a message about the whole form (rate limit).
	Problem string
	// EditID is the case being edited by its owner; empty on /submit.
	EditID string
	// TopCountries are offered first in the country picker.
	TopCountries []catalog.Country
	// EditKey is set when the case is edited through its manage link:
	// the form then carries it hidden to POST /cases/{id}/edit.
	EditKey string
}

// EditAction is where the edit form posts.
func (p *submitPageData) EditAction() string {
	if p.EditKey != "" {
		return "/cases/" + p.EditID + "/edit"
	}
	return "/me/cases/" + p.EditID + "/edit"
}

// categoryGroup is a heading of the category picker with its categories.
type categoryGroup struct {
	Name       string
	Categories []catalog.Category
}

// CategoryGroups groups the catalog's categories by Group, in catalog order.
func (p *submitPageData) CategoryGroups() []categoryGroup { return groupCategories(p.Catalog) }

// MilestoneChoices lists the steps a row that names none may pick: the
// chosen category's, or every category's when none is chosen.
func (p *submitPageData) MilestoneChoices() []catalog.Milestone {
	if c, ok := p.Catalog.Category(p.Form.Category); ok {
		return c.Milestones
	}
	return allMilestones(p.Catalog)
}

// Step1 is true on the first step of the form without JavaScript: no
// category is chosen yet, so there is no checklist to show.
func (p *submitPageData) Step1() bool {
	_, ok := p.Catalog.Category(p.Form.Category)
	return !ok && p.EditID == "" && len(p.Form.Rows) == 0
}

// StepsJSON is the steps of every category for submit.js, which redraws
// the checklist as soon as the category changes.
func (p *submitPageData) StepsJSON() (string, error) {
	b, err := json.Marshal(caseform.Steps(p.Catalog))
	if err != nil {
		return "", fmt.Errorf("steps of the catalog: %w", err)
	}
	return string(b), nil
}

// CountryInTop reports whether the chosen country is in the "Most shared"
// group, where it is then marked selected instead of in the A–Z list.
func (p *submitPageData) CountryInTop() bool {
	for _, c := range p.TopCountries {
		if c.Code == p.Form.Country {
			return true
		}
	}
	return false
}

// Confirms lists the dates read in a way the person should confirm before
// the case is saved, each linked to its field.
func (p *submitPageData) Confirms() []fieldMessage {
	var out []fieldMessage
	if p.Form.FiledConfirm != "" {
		out = append(out, p.summaryLine("f-filed", p.Lang.T(fieldLabels["filed"]), p.Form.FiledConfirm))
	}
	for _, row := range p.Form.Rows {
		if row.Confirm {
			out = append(out, p.summaryLine(fmt.Sprintf("f-m%d-date", row.Index), row.LabelIn(p.Lang), row.Reading))
		}
	}
	return out
}

// Err returns the message for a form field, or "".
func (p *submitPageData) Err(field string) string { return p.Errors[field] }

// fieldMessage is one line of the error summary, linked to its field.
type fieldMessage struct {
	Anchor  string
	Message string
}

// summaryLine is one line of the error summary: a field's name and its
// message, in the reader's language.
func (p *submitPageData) summaryLine(anchor, field, msg string) fieldMessage {
	return fieldMessage{Anchor: anchor, Message: p.Lang.T("forms.summary.line", "Field", field, "Message", msg)}
}

// fieldLabels name the form fields in the error summary (catalog ids).
var fieldLabels = map[string]string{
	"category":       "forms.field.category",
	"country":        "forms.field.country",
	"service_center": "forms.field.service_center",
	"filed":          "forms.field.filed",
	"milestones":     "forms.field.milestones",
	"note":           "forms.field.note",
}

// ErrorSummary lists every message, field by field in form order, each
// prefixed with the field's label.
func (p *submitPageData) ErrorSummary() []fieldMessage {
	var out []fieldMessage
	add := func(field string) {
		if m := p.Errors[field]; m != "" {
			out = append(out, p.summaryLine("f-"+field, p.Lang.T(fieldLabels[field]), m))
		}
	}
	for _, f := range []string{"category", "country", "service_center", "filed", "milestones"} {
		add(f)
	}
	out = append(out, p.detailErrorSummary()...)
	for _, row := range p.Form.Rows {
		if row.CodeError != "" {
			anchor := fmt.Sprintf("f-m%d-on", row.Index)
			if row.Code == "" {
				anchor = fmt.Sprintf("f-m%d-code", row.Index)
			}
			out = append(out, p.summaryLine(anchor, row.LabelIn(p.Lang), row.CodeError))
		}
		if row.DateError != "" {
			out = append(out, p.summaryLine(fmt.Sprintf("f-m%d-date", row.Index), p.Lang.T("forms.summary.date_of", "Step", row.LabelIn(p.Lang)), row.DateError))
		}
	}
	add("note")
	// Keys the form does not know (none today) still reach the person.
	var rest []string
	for k := range p.Errors {
		if _, known := fieldLabels[k]; !known && !isDetailField(k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, fieldMessage{Anchor: "form", Message: p.Errors[k]})
	}
	return out
}

// allMilestones returns the union of the categories' milestones, ordered
// by their first position in any category.
func allMilestones(cat *catalog.Catalog) []catalog.Milestone {
	type ranked struct {
		m    catalog.Milestone
		rank float64
	}
	best := map[string]*ranked{}
	var order []string
	for _, c := range cat.Categories {
		for i, m := range c.Milestones {
			rank := float64(i) / float64(len(c.Milestones))
			if m.Terminal {
				rank = math.Inf(1) // decisions last, approved before denied
			}
			if r, ok := best[m.Code]; ok {
				r.rank = math.Min(r.rank, rank)
				continue
			}
			best[m.Code] = &ranked{m: m, rank: rank}
			order = append(order, m.Code)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return best[order[i]].rank < best[order[j]].rank })
	out := make([]catalog.Milestone, len(order))
	for i, code := range order {
		out[i] = best[code].m
	}
	return out
}

// submitPage handles GET /submit. A category in the query string
// ("?category=i485-employment", as a link from Explore has it) opens the
// form at that category's checklist; without one, a browser without
// JavaScript first sees the fields above the checklist (step 1).
func (s *Server) submitPage(w http.ResponseWriter, r *http.Request) error {
	var f submitForm
	if c, ok := s.cat.Category(strings.TrimSpace(r.URL.Query().Get("category"))); ok {
		f.Category = c.Code
	}
	f.Rows = caseform.Layout(s.reference(r), f.Category, nil)
	return s.render(w, r, http.StatusOK, "submit.html", s.newSubmitPage(r, s.t(r, "title.submit"), f, ""))
}

// newSubmitPage is the data of submit.html for a form, on /submit or (with
// editID) on the owner's edit page.
func (s *Server) newSubmitPage(r *http.Request, title string, f submitForm, editID string) *submitPageData {
	return &submitPageData{page: s.newPage(r, title), Form: f, EditID: editID, TopCountries: s.topCountries()}
}

// parseCaseForm reads the submit or edit form into the form model, laid
// out as the chosen category's checklist, and into a submission whose
// dates are read as people write them (package dateinput) and passed on in
// the strict form validation expects. rowOf maps each submitted milestone
// back to its checklist row, because rows not reached are skipped.
//
// A row names its step with a hidden "step" field and is ticked with "on";
// a row that names its step with a "code" field (a picker, or a client
// written against the earlier form) is taken as ticked.
func parseCaseForm(r *http.Request, cat *catalog.Catalog, w timeline.Writer) (f submitForm, sub timeline.Submission, rowOf []int, err error) {
	if err := r.ParseForm(); err != nil {
		return f, sub, nil, fmt.Errorf("parse submit form: %w", formError(err))
	}
	v := r.PostForm
	f.Category = strings.TrimSpace(v.Get("category"))
	f.Country = strings.TrimSpace(v.Get("country"))
	f.ServiceCenter = strings.TrimSpace(v.Get("service_center"))
	f.Note = v.Get("note")
	f.Honeypot = v.Get(honeypotField) != ""

	// The form says how many rows it had, so that rows added on the page
	// are read; the number is kept within the limits of a case.
	n := formMilestoneRows
	if k, err := strconv.Atoi(v.Get("rows")); err == nil {
		n = min(max(k, formMilestoneRows), timeline.MaxMilestones)
	}
	var given []milestoneRow
	for i := range n {
		p := "milestones[" + strconv.Itoa(i) + "]."
		row := milestoneRow{
			Code:    strings.ToLower(strings.TrimSpace(v.Get(p + "code"))),
			Date:    strings.TrimSpace(v.Get(p + "date")),
			Checked: v.Get(p+"on") != "",
		}
		if row.Code != "" {
			row.Checked = true
		} else {
			row.Code = strings.ToLower(strings.TrimSpace(v.Get(p + "step")))
		}
		if row.Code == "" && !row.Included() {
			continue
		}
		given = append(given, row)
	}
	f.Rows = caseform.Layout(cat, f.Category, given)

	filed := caseform.ReadFiledIn(w, v.Get("filed"))
	f.Filed, f.FiledNote, f.FiledError, f.FiledConfirm = filed.Shown, filed.Note, filed.Error, filed.Confirm
	if f.FiledConfirm != "" {
		f.FiledNote = f.FiledConfirm
	}
	sub = timeline.Submission{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter, Filed: filed.Value, Note: f.Note}
	f.Details, sub.DetailsInput = parseSubmitDetails(v)
	for i := range f.Rows {
		row := &f.Rows[i]
		if !row.Included() {
			continue
		}
		d := caseform.ReadDateIn(w, row.Date)
		row.Date, row.DateError, row.Confirm = d.Shown, d.Error, d.Confirm != ""
		row.Reading = d.Note
		if row.Confirm {
			row.Reading = d.Confirm
		}
		sub.Milestones = append(sub.Milestones, timeline.MilestoneInput{Code: row.Code, Date: d.Value})
		rowOf = append(rowOf, i)
	}
	return f, sub, rowOf, nil
}

// formError maps a form parsing failure to a client error.
func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge()
	}
	return errBadRequestID("forms.form_unreadable", "The form could not be read. Please reload the page and try again.")
}

// placeErrors puts validation messages beside their fields: row messages
// on the rows (translated back from submission positions), the rest by key.
func placeErrors(f *submitForm, fe timeline.FieldErrors, rowOf []int) timeline.FieldErrors {
	rest := timeline.FieldErrors{}
	for k, msg := range fe {
		var i int
		var part string
		if n, _ := fmt.Sscanf(k, "milestones[%d].%s", &i, &part); n == 2 && i >= 0 && i < len(rowOf) {
			row := &f.Rows[rowOf[i]]
			switch part {
			case "code":
				row.CodeError = msg
				continue
			case "date":
				// The date reader's message names what is wrong with
				// the text; validation only knows the strict format.
				if row.DateError == "" {
					row.DateError = msg
				}
				continue
			}
		}
		rest[k] = msg
	}
	if f.FiledError != "" {
		rest["filed"] = f.FiledError
	}
	return rest
}

// formInterlude answers the presses of the form that do not save: showing
// the checklist of the category chosen (the second step without
// JavaScript), adding a row for a repeated step, and dates whose reading
// must be confirmed first. It reports whether it answered.
func (s *Server) formInterlude(w http.ResponseWriter, r *http.Request, data *submitPageData, sub timeline.Submission, rowOf []int) (bool, error) {
	if code := r.PostForm.Get("add"); code != "" {
		data.Form.Rows = caseform.Layout(s.reference(r), data.Form.Category, caseform.AddRepeat(data.Form.Rows, code))
		return true, s.render(w, r, http.StatusOK, "submit.html", data)
	}
	if r.PostForm.Get("action") == "steps" {
		if _, ok := s.cat.Category(data.Form.Category); !ok {
			data.Errors = timeline.FieldErrors{"category": s.t(r, "forms.steps_need_category")}
			return true, s.render(w, r, http.StatusUnprocessableEntity, "submit.html", data)
		}
		return true, s.render(w, r, http.StatusOK, "submit.html", data)
	}
	if len(data.Confirms()) == 0 {
		return false, nil
	}
	// Everything else is checked now, so that the one press after
	// confirming saves.
	status := http.StatusOK
	if _, fe := timeline.ValidateIn(s.locale(r), s.cat, sub, s.now()); len(fe) > 0 {
		data.Errors = placeErrors(&data.Form, fe, rowOf)
		status = http.StatusUnprocessableEntity
	}
	return true, s.render(w, r, status, "submit.html", data)
}

// submitForm handles POST /submit. Success shows the edit key once, on the
// response itself (it is never stored, so there is nothing to redirect to).
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	f, sub, rowOf, err := parseCaseForm(r, s.reference(r), s.locale(r))
	if err != nil {
		return err
	}
	data := s.newSubmitPage(r, s.t(r, "title.submit"), f, "")
	if f.Honeypot {
		s.metrics.submissions.WithLabelValues(submitHoneypot).Inc()
		data.Problem = s.t(r, honeypotMessage)
		return s.render(w, r, http.StatusBadRequest, "submit.html", data)
	}
	if done, err := s.formInterlude(w, r, data, sub, rowOf); done {
		return err
	}
	cancel, retry, ok := s.limiter.reserve(s.clientAddr(r))
	if !ok {
		s.metrics.submissions.WithLabelValues(submitRateLimited).Inc()
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		data.Problem = s.t(r, "forms.rate_limited", "Wait", roundWait(s.locale(r), retry))
		return s.render(w, r, http.StatusTooManyRequests, "submit.html", data)
	}
	c, key, err := s.createCase(r.Context(), sub, s.currentAccount(r))
	var fe timeline.FieldErrors
	if errors.As(err, &fe) {
		cancel()
		data.Errors = placeErrors(&data.Form, fe, rowOf)
		return s.render(w, r, http.StatusUnprocessableEntity, "submit.html", data)
	}
	if store.Unavailable(err) && r.Context().Err() == nil {
		// An outage: the form comes back with the person's input, so
		// that nothing typed is lost (errUnavailable for the rest).
		cancel()
		s.outage.Fail(err)
		s.outage.Check()
		w.Header().Set("Retry-After", strconv.Itoa(int(unavailableRetry.Seconds())))
		data.Problem = s.t(r, "forms.unavailable")
		return s.render(w, r, http.StatusServiceUnavailable, "submit.html", data)
	}
	if err != nil {
		cancel()
		return err
	}
	done := &submitDonePageData{page: s.newPage(r, s.t(r, "title.submit_done")), ID: c.ID, URL: "/cases/" + c.ID, EditKey: key,
		ManagePath: manageLink(c.ID, key), CategoryCode: c.Category, Flagged: !c.Counts(), Owned: c.OwnerID != ""}
	done.ManageURL = s.baseURL(r) + done.ManagePath
	return s.renderPadded(w, r, http.StatusCreated, "submit_done.html", done, submitDoneSize)
}

// submitDoneSize is what the "Thank you" page is padded to: whether it
// names an account, says the case went into the person's timeline or is
// held for review must not show in its length, which a load balancer
// logs next to the client's address. The page is about 3.7 KB with its
// manage link (a little more with the longest account name or site
// address); sent uncompressed and padded, 8 KB.
const submitDoneSize = 8 << 10

// submitDonePageData is the data of submit_done.html: the only page that
// ever shows an edit key.
type submitDonePageData struct {
	page
	ID      string
	URL     string
	EditKey string
	// ManagePath is the case's manage link (manage.go), ManageURL the
	// same with the site's address, to copy and share.
	ManagePath, ManageURL string
	CategoryCode          string
	// Flagged says an automatic check held the case for review.
	Flagged bool
	// Owned is true when the case went into the signed-in person's
	// timeline: they can update it there without the key.
	Owned bool
}

// CaseID is the case, for the "keep it in an account" form.
func (p *submitDonePageData) CaseID() string { return p.ID }

// roundWait writes a wait in minutes for people.
func roundWait(l *i18n.Locale, d time.Duration) string {
	m := int(math.Ceil(d.Minutes()))
	if m <= 1 {
		return l.T("forms.wait.minute")
	}
	return l.T("forms.wait.minutes", "Count", m)
}
