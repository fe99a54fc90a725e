package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/timeline"
)

// The submit and edit forms' optional details (templates/_submit_details.html):
// premium processing, filing method, field office, priority date. They
// are parsed here and checked by timeline.Validate like the rest of the
// form. Without JavaScript every detail is on the form with the forms it
// is for; static/details.js hides the ones the chosen category does not
// have, and validation refuses those with a message that says so.

// submitDetailsForm is the details as typed, kept to show the form again.
type submitDetailsForm struct {
	Premium, UpgradeDay, FilingMethod, InterviewOffice string
	PriorityDate, Chargeability, PDCurrent             string
}

// detailFormFields are the form's detail fields in form order, with
// the catalog ids of their labels for the error summary.
var detailFormFields = []struct{ name, label string }{
	{timeline.FieldPremium, "forms.label.premium"},
	{timeline.FieldPremiumUpgradeDay, "forms.label.upgrade_day"},
	{timeline.FieldFilingMethod, "forms.label.filing_method"},
	{timeline.FieldInterviewOffice, "forms.label.field_office"},
	{timeline.FieldPriorityDate, "forms.label.priority_date"},
	{timeline.FieldChargeability, "forms.label.chargeability"},
	{timeline.FieldPDCurrent, "forms.label.pd_current"},
}

// parseSubmitDetails reads the details of a submit or edit form.
func parseSubmitDetails(v url.Values) (submitDetailsForm, timeline.DetailsInput) {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := submitDetailsForm{
		Premium: get(timeline.FieldPremium), UpgradeDay: get(timeline.FieldPremiumUpgradeDay),
		FilingMethod: get(timeline.FieldFilingMethod), InterviewOffice: get(timeline.FieldInterviewOffice),
		PriorityDate: get(timeline.FieldPriorityDate), Chargeability: get(timeline.FieldChargeability),
		PDCurrent: get(timeline.FieldPDCurrent),
	}
	return f, timeline.DetailsInput{Premium: f.Premium, PremiumUpgradeDayText: f.UpgradeDay, FilingMethod: f.FilingMethod,
		InterviewOffice: f.InterviewOffice, PriorityDate: f.PriorityDate, Chargeability: f.Chargeability,
		PriorityDateCurrent: f.PDCurrent}
}

// submitDetailsFormOf fills the edit form with a stored case's details.
func submitDetailsFormOf(d timeline.Details) submitDetailsForm {
	in := d.Input()
	f := submitDetailsForm{Premium: in.Premium, FilingMethod: in.FilingMethod, InterviewOffice: in.InterviewOffice,
		PriorityDate: in.PriorityDate, Chargeability: in.Chargeability, PDCurrent: in.PriorityDateCurrent}
	if in.PremiumUpgradeDay != nil {
		f.UpgradeDay = strconv.Itoa(*in.PremiumUpgradeDay)
	}
	return f
}

// isDetailField reports whether a field error belongs to the details.
func isDetailField(k string) bool {
	for _, f := range detailFormFields {
		if f.name == k {
			return true
		}
	}
	return false
}

// detailErrorSummary is the error summary's lines for the details.
func (p *submitPageData) detailErrorSummary() []fieldMessage {
	var out []fieldMessage
	for _, f := range detailFormFields {
		if m := p.Errors[f.name]; m != "" {
			out = append(out, p.summaryLine("f-"+f.name, p.Lang.T(f.label), m))
		}
	}
	return out
}

// submitDetailsView is what the details partial shows: each picker with
// its choices, the categories it applies to (for static/details.js) and
// the forms it is for (for the "only for" hint without JavaScript).
type submitDetailsView struct {
	Form                                              submitDetailsForm
	Premium, Method, Office, Current, Charge          detailSelect
	PremiumFor, MethodFor, OfficeFor, PriorityDateFor detailApplies
	UpgradeDayErr, PriorityDateErr, PriorityDateType  string
	// Shown says whether the details fieldset starts open: on the edit
	// form of a case that has some, or when one of them has an error.
	Shown bool
}

// detailApplies names where a detail applies.
type detailApplies struct {
	// Categories are the category codes, space-separated.
	Categories string
	// Forms are the USCIS forms, for people: "I-140, I-129, I-765 and I-539".
	Forms string
}

func appliesTo(l *i18n.Locale, cat *catalog.Catalog, has func(catalog.Category) bool) detailApplies {
	var codes, forms []string
	for _, c := range cat.Categories {
		if !has(c) {
			continue
		}
		codes = append(codes, c.Code)
		if !slices.Contains(forms, c.Form) {
			forms = append(forms, c.Form)
		}
	}
	return detailApplies{Categories: strings.Join(codes, " "), Forms: joinAnd(l, forms)}
}

// joinAnd joins "a", "b" and "c" as "a, b and c" in the reader's
// language.
func joinAnd(l *i18n.Locale, list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return l.T("forms.join_and", "List", strings.Join(list[:len(list)-1], l.T("forms.join_comma")), "Last", list[len(list)-1])
}

// Details is the view of the form's details for the partial.
func (p *submitPageData) Details() submitDetailsView {
	f := p.Form.Details
	sel := func(param, label, value string) detailSelect {
		return detailSelect{Param: param, Label: p.Lang.T(label), Err: p.Errors[param], Options: detailOptions(p.Lang, p.Catalog, param, value, false)}
	}
	has := func(flag func(catalog.Category) bool) detailApplies { return appliesTo(p.Lang, p.Catalog, flag) }
	v := submitDetailsView{
		Form:             f,
		Premium:          sel(timeline.FieldPremium, "forms.label.premium", f.Premium),
		Method:           sel(timeline.FieldFilingMethod, "forms.label.filing_method", f.FilingMethod),
		Office:           sel(timeline.FieldInterviewOffice, "forms.label.interview_office", strings.ToUpper(f.InterviewOffice)),
		Current:          sel(timeline.FieldPDCurrent, "forms.label.pd_current_question", f.PDCurrent),
		Charge:           sel(timeline.FieldChargeability, "forms.label.chargeability", strings.ToUpper(f.Chargeability)),
		PremiumFor:       has(func(c catalog.Category) bool { return c.Premium }),
		MethodFor:        has(func(c catalog.Category) bool { return c.OnlineFiling }),
		OfficeFor:        has(func(c catalog.Category) bool { return c.FieldOffice }),
		PriorityDateFor:  has(func(c catalog.Category) bool { return c.PriorityDate }),
		UpgradeDayErr:    p.Errors[timeline.FieldPremiumUpgradeDay],
		PriorityDateErr:  p.Errors[timeline.FieldPriorityDate],
		PriorityDateType: "month",
	}
	if v.PriorityDateErr != "" {
		// A month input blanks a value it cannot parse; show what was typed.
		v.PriorityDateType = "text"
	}
	v.Shown = f != (submitDetailsForm{}) || len(p.detailErrorSummary()) > 0
	return v
}

// detailFieldData is the data of the "detail-select" template.
type detailFieldData struct {
	Select detailSelect
	For    detailApplies
}
