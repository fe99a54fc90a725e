package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/timeline"
)

// formMilestoneRows is the number of milestone rows on the submit form;
// without JavaScript the form cannot grow, and no category has more than
// eight milestones.
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
	Details       submitDetailsForm
	// Honeypot is set when the field people never see was filled in.
	Honeypot bool
}

// honeypotField is the name of the submit form's trap for automated
// posters: a text field hidden from people by a CSS class (the CSP allows
// no inline style), skipped by the keyboard and by autofill, and labelled
// for the rare person who meets it anyway. Software that fills in every
// field fills it in, and the submission is refused.
const honeypotField = "website"

// honeypotMessage explains the refusal, in case a person did fill it in.
const honeypotMessage = "The submission was refused because the field labelled \"Leave this field empty\" was filled in. " +
	"It is there to stop automated spam. If you are a person, empty that field and submit again."

// milestoneRow is one milestone row of the form with its own messages.
type milestoneRow struct {
	Index     int
	Code      string
	Date      string
	CodeError string
	DateError string
}

// Number is the row's position counted from one, for labels.
func (r milestoneRow) Number() int { return r.Index + 1 }

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
}

// categoryGroup is a heading of the category picker with its categories.
type categoryGroup struct {
	Name       string
	Categories []catalog.Category
}

// CategoryGroups groups the catalog's categories by Group, in catalog order.
func (p *submitPageData) CategoryGroups() []categoryGroup { return groupCategories(p.Catalog) }

// MilestoneChoices lists every milestone of any category once, in the
// order they usually happen. Without JavaScript the rows cannot follow the
// chosen category; validation names codes the category does not have.
func (p *submitPageData) MilestoneChoices() []catalog.Milestone {
	return allMilestones(p.Catalog)
}

// Err returns the message for a form field, or "".
func (p *submitPageData) Err(field string) string { return p.Errors[field] }

// fieldMessage is one line of the error summary, linked to its field.
type fieldMessage struct {
	Anchor  string
	Message string
}

// fieldLabels name the form fields in the error summary.
var fieldLabels = map[string]string{
	"category":       "Visa category",
	"country":        "Country of birth",
	"service_center": "Service center",
	"filed":          "Filed in",
	"milestones":     "Milestones",
	"note":           "Note",
}

// ErrorSummary lists every message, field by field in form order, each
// prefixed with the field's label.
func (p *submitPageData) ErrorSummary() []fieldMessage {
	var out []fieldMessage
	add := func(field string) {
		if m := p.Errors[field]; m != "" {
			out = append(out, fieldMessage{Anchor: "f-" + field, Message: fieldLabels[field] + ": " + m})
		}
	}
	for _, f := range []string{"category", "country", "service_center", "filed", "milestones"} {
		add(f)
	}
	out = append(out, p.detailErrorSummary()...)
	for _, row := range p.Form.Rows {
		if row.CodeError != "" {
			out = append(out, fieldMessage{Anchor: fmt.Sprintf("f-m%d-code", row.Index), Message: fmt.Sprintf("Milestone %d: %s", row.Number(), row.CodeError)})
		}
		if row.DateError != "" {
			out = append(out, fieldMessage{Anchor: fmt.Sprintf("f-m%d-date", row.Index), Message: fmt.Sprintf("Date of milestone %d: %s", row.Number(), row.DateError)})
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

// FiledInputType is "month", or "text" when the filing month is invalid:
// browsers blank a month input whose value they cannot parse, and the
// person should see what they typed.
func (p *submitPageData) FiledInputType() string {
	if p.Errors["filed"] != "" {
		return "text"
	}
	return "month"
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

// emptySubmitForm has the blank milestone rows.
func emptySubmitForm() submitForm { return submitFormRows(formMilestoneRows) }

// submitFormRows has n blank milestone rows.
func submitFormRows(n int) submitForm {
	f := submitForm{Rows: make([]milestoneRow, n)}
	for i := range f.Rows {
		f.Rows[i].Index = i
	}
	return f
}

// submitPage handles GET /submit.
func (s *Server) submitPage(w http.ResponseWriter, r *http.Request) error {
	data := &submitPageData{page: s.newPage(r, "Share your timeline"), Form: emptySubmitForm()}
	return s.render(w, r, http.StatusOK, "submit.html", data)
}

// parseSubmitForm reads the form into the form model and a submission.
// rowOf maps each submitted milestone back to its form row, because empty
// rows are skipped.
func parseSubmitForm(r *http.Request) (f submitForm, sub timeline.Submission, rowOf []int, err error) {
	return parseCaseForm(r, formMilestoneRows)
}

// parseCaseForm is parseSubmitForm for a form with rows milestone rows.
func parseCaseForm(r *http.Request, rows int) (f submitForm, sub timeline.Submission, rowOf []int, err error) {
	if err := r.ParseForm(); err != nil {
		return f, sub, nil, fmt.Errorf("parse submit form: %w", formError(err))
	}
	v := r.PostForm
	f = submitFormRows(rows)
	f.Category = strings.TrimSpace(v.Get("category"))
	f.Country = strings.TrimSpace(v.Get("country"))
	f.ServiceCenter = strings.TrimSpace(v.Get("service_center"))
	f.Filed = strings.TrimSpace(v.Get("filed"))
	f.Note = v.Get("note")
	f.Honeypot = v.Get(honeypotField) != ""
	sub = timeline.Submission{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter, Filed: f.Filed, Note: f.Note}
	f.Details, sub.DetailsInput = parseSubmitDetails(v)
	for i := range f.Rows {
		code := strings.TrimSpace(v.Get("milestones[" + strconv.Itoa(i) + "].code"))
		date := strings.TrimSpace(v.Get("milestones[" + strconv.Itoa(i) + "].date"))
		f.Rows[i].Code, f.Rows[i].Date = code, date
		if code == "" && date == "" {
			continue
		}
		sub.Milestones = append(sub.Milestones, timeline.MilestoneInput{Code: code, Date: date})
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
	return errBadRequest("The form could not be read. Please reload the page and try again.")
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
				row.DateError = msg
				continue
			}
		}
		rest[k] = msg
	}
	return rest
}

// submitForm handles POST /submit. Success shows the edit key once, on the
// response itself (it is never stored, so there is nothing to redirect to).
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	f, sub, rowOf, err := parseSubmitForm(r)
	if err != nil {
		return err
	}
	data := &submitPageData{page: s.newPage(r, "Share your timeline"), Form: f}
	if f.Honeypot {
		s.metrics.submissions.WithLabelValues(submitHoneypot).Inc()
		data.Problem = honeypotMessage
		return s.render(w, r, http.StatusBadRequest, "submit.html", data)
	}
	cancel, retry, ok := s.limiter.reserve(s.clientAddr(r))
	if !ok {
		s.metrics.submissions.WithLabelValues(submitRateLimited).Inc()
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		data.Problem = fmt.Sprintf("Too many new cases were submitted from your network in the last hour. "+
			"Your input is kept below; please try again in about %s.", roundWait(retry))
		return s.render(w, r, http.StatusTooManyRequests, "submit.html", data)
	}
	c, key, err := s.createCase(r.Context(), sub, s.currentAccount(r))
	var fe timeline.FieldErrors
	if errors.As(err, &fe) {
		cancel()
		data.Errors = placeErrors(&data.Form, fe, rowOf)
		return s.render(w, r, http.StatusUnprocessableEntity, "submit.html", data)
	}
	if err != nil {
		cancel()
		return err
	}
	done := &submitDonePageData{page: s.newPage(r, "Thank you"), ID: c.ID, URL: "/cases/" + c.ID, EditKey: key,
		CategoryCode: c.Category, Flagged: !c.Counts(), Owned: c.OwnerID != ""}
	return s.renderPadded(w, r, http.StatusCreated, "submit_done.html", done, submitDoneSize)
}

// submitDoneSize is what the "Thank you" page is padded to: whether it
// names an account, says the case went into the person's timeline or is
// held for review must not show in its length, which a load balancer
// logs next to the client's address. The page is about 2.5 KB (2.9 KB
// with the longest account name); sent uncompressed and padded, 8 KB.
const submitDoneSize = 8 << 10

// submitDonePageData is the data of submit_done.html: the only page that
// ever shows an edit key.
type submitDonePageData struct {
	page
	ID           string
	URL          string
	EditKey      string
	CategoryCode string
	// Flagged says an automatic check held the case for review.
	Flagged bool
	// Owned is true when the case went into the signed-in person's
	// timeline: they can update it there without the key.
	Owned bool
}

// roundWait writes a wait in minutes for people.
func roundWait(d time.Duration) string {
	m := int(math.Ceil(d.Minutes()))
	if m <= 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}
