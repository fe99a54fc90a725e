package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// detailsJSON is the public part of a case's details (API.md "Read a
// case"). The priority date is published as its year only and the
// chargeability not at all: together with the category, country and
// filing month, the exact month of a priority date and a chargeability
// other than the country of birth could single a person out
// (DESIGN.md, "What is published"). Both count in the statistics, where
// no group under k is shown, and the owner's export has them whole.
type detailsJSON struct {
	Premium             string `json:"premium,omitempty"`
	PremiumUpgradeDay   *int   `json:"premium_upgrade_day,omitempty"`
	FilingMethod        string `json:"filing_method,omitempty"`
	InterviewOffice     string `json:"interview_office,omitempty"`
	PriorityDateYear    int    `json:"priority_date_year,omitempty"`
	PriorityDateCurrent string `json:"priority_date_current,omitempty"`
}

func newDetailsJSON(d timeline.Details) detailsJSON {
	in := d.Input()
	return detailsJSON{Premium: in.Premium, PremiumUpgradeDay: in.PremiumUpgradeDay, FilingMethod: in.FilingMethod,
		InterviewOffice: in.InterviewOffice, PriorityDateYear: d.PriorityDate.Year, PriorityDateCurrent: in.PriorityDateCurrent}
}

// ownDetailsJSON is what the owner's data export adds to the public
// details: everything that was given.
type ownDetailsJSON struct {
	PriorityDate  string `json:"priority_date,omitempty"`
	Chargeability string `json:"chargeability,omitempty"`
}

func newOwnDetailsJSON(d timeline.Details) ownDetailsJSON {
	in := d.Input()
	return ownDetailsJSON{PriorityDate: in.PriorityDate, Chargeability: in.Chargeability}
}

// detailsView is the details as the case page shows them: only what the
// public view carries, in words.
type detailsView struct {
	Facts []detailFact
	// PDCurrent is "yes", "no" or "" (not given or not known), for the
	// page's marker.
	PDCurrent string
}

// detailFact is one line of the case page's facts list.
type detailFact struct{ Term, Value string }

// The case page fills it in the reader's language l.
func newDetailsView(l *i18n.Locale, cat *catalog.Catalog, c *timeline.Case) detailsView {
	d := c.Details
	var v detailsView
	t := l.T
	add := func(term, value string) { v.Facts = append(v.Facts, detailFact{t(term), value}) }
	switch d.Premium {
	case timeline.PremiumRegular:
		add("forms.fact.processing", t("forms.fact.regular"))
	case timeline.PremiumFromFiling:
		add("forms.fact.processing", t("forms.fact.premium_from_filing"))
	case timeline.PremiumUpgraded:
		add("forms.fact.processing", t("forms.fact.upgraded", "When", l.AfterFiling(d.UpgradeDay)))
		if m, ok := c.Decision(); ok {
			if n := timeline.DaysBetween(c.Filed.Mid(), m.Date.Time()) - d.UpgradeDay; n >= 0 {
				add("forms.fact.decided", t("forms.fact.after_upgrade", "Duration", l.Duration(n)))
			}
		}
	}
	switch d.FilingMethod {
	case timeline.FiledOnline:
		add("forms.fact.filed", t("forms.fact.online"))
	case timeline.FiledPaper:
		add("forms.fact.filed", t("forms.fact.paper"))
	}
	if d.InterviewOffice != "" {
		name := d.InterviewOffice
		if o, ok := cat.FieldOffice(name); ok {
			name = o.Label()
		}
		add("forms.fact.field_office", name)
	}
	if !d.PriorityDate.IsZero() {
		add("forms.fact.priority_date", t("forms.fact.priority_date_year", "Year", l.Digits(d.PriorityDate.Year)))
	}
	switch d.PDCurrent {
	case timeline.PDCurrentYes:
		add("forms.fact.visa_bulletin", t("forms.fact.pd_current_yes"))
		v.PDCurrent = d.PDCurrent
	case timeline.PDCurrentNo:
		add("forms.fact.visa_bulletin", t("forms.fact.pd_current_no"))
		v.PDCurrent = d.PDCurrent
	case timeline.PDCurrentUnknown:
		add("forms.fact.visa_bulletin", t("forms.fact.pd_current_unknown"))
	}
	return v
}

// apiSetDetails handles PUT /api/v1/cases/{id}/details: the case's details
// become the body's (an empty field removes one), for the owner or with
// the edit key.
func (s *Server) apiSetDetails(w http.ResponseWriter, r *http.Request) error {
	id, err := s.apiAuthorized(r)
	if err != nil {
		return err
	}
	var in timeline.DetailsInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cancel, err := s.reserveUpdate(r)
	if err != nil {
		return err
	}
	c, err := s.store.EditCase(r.Context(), id, func(c *timeline.Case) error {
		if fe := timeline.SetDetailsIn(s.locale(r), s.cat, c, in, s.now()); len(fe) > 0 {
			return fe
		}
		return nil
	})
	if err != nil {
		cancel()
		return err
	}
	s.index.Upsert(c)
	writeJSON(w, http.StatusOK, newCaseJSON(c))
	return nil
}

// detailFilterParams are the query parameters of the statistics filter
// on the details, with the stats.Filter field each sets.
var detailFilterParams = []struct {
	param string
	// hint says the values the parameter takes, in the reader's language.
	hint    func(l *i18n.Locale) string
	field   func(f *stats.Filter) *string
	applies func(c catalog.Category) bool
	valid   func(cat *catalog.Catalog, v string) bool
	// dim is the breakdown by the detail; chargeability has none.
	dim stats.Dimension
}{
	{"premium", codesHint(timeline.PremiumKinds),
		func(f *stats.Filter) *string { return &f.Premium },
		func(c catalog.Category) bool { return c.Premium },
		func(_ *catalog.Catalog, v string) bool { return slices.Contains(timeline.PremiumKinds, v) }, stats.ByPremium},
	{"filing_method", codesHint(timeline.FilingMethods),
		func(f *stats.Filter) *string { return &f.FilingMethod },
		func(c catalog.Category) bool { return c.OnlineFiling },
		func(_ *catalog.Catalog, v string) bool { return slices.Contains(timeline.FilingMethods, v) }, stats.ByFilingMethod},
	{"interview_office", messageHint("forms.filter.hint_office"),
		func(f *stats.Filter) *string { return &f.InterviewOffice },
		func(c catalog.Category) bool { return c.FieldOffice },
		func(cat *catalog.Catalog, v string) bool { _, ok := cat.FieldOffice(v); return ok }, stats.ByInterviewOffice},
	{"priority_date_current", codesHint(timeline.PDCurrentAnswers),
		func(f *stats.Filter) *string { return &f.PDCurrent },
		func(c catalog.Category) bool { return c.PriorityDate },
		func(_ *catalog.Catalog, v string) bool { return slices.Contains(timeline.PDCurrentAnswers, v) }, stats.ByPDCurrent},
	{"chargeability", messageHint("forms.filter.hint_country"),
		func(f *stats.Filter) *string { return &f.Chargeability },
		func(c catalog.Category) bool { return c.PriorityDate },
		func(cat *catalog.Catalog, v string) bool { _, ok := cat.Country(v); return ok }, ""},
}

// codesHint lists a parameter's codes (`"regular", "premium" or
// "upgraded"`):
// the codes stay as typed, the words between them follow the language.
func codesHint(codes []string) func(l *i18n.Locale) string {
	return func(l *i18n.Locale) string {
		quoted := make([]string, len(codes))
		for i, c := range codes {
			quoted[i] = strconv.Quote(c)
		}
		return joinOr(l, quoted)
	}
}

// messageHint is a hint that is a sentence of the catalog.
func messageHint(id string) func(l *i18n.Locale) string {
	return func(l *i18n.Locale) string { return l.T(id) }
}

// joinOr joins "a", "b" and "c" as "a, b or c" in the reader's language.
func joinOr(l *i18n.Locale, list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return l.T("forms.join_or", "List", strings.Join(list[:len(list)-1], l.T("forms.join_comma")), "Last", list[len(list)-1])
}

// detailFilterLabels are the catalog ids of the filter pickers' labels,
// by parameter.
var detailFilterLabels = map[string]string{
	"premium":               "forms.label.premium",
	"filing_method":         "forms.label.filing_method_filter",
	"interview_office":      "forms.label.field_office",
	"priority_date_current": "forms.label.pd_current_filter",
	"chargeability":         "forms.label.chargeability",
}

// detailFilterForm is the details part of the statistics filter as typed.
type detailFilterForm struct {
	Premium, FilingMethod, InterviewOffice, PDCurrent, Chargeability string
}

// values lists the form's fields in the order of detailFilterParams.
func (d *detailFilterForm) values() []*string {
	return []*string{&d.Premium, &d.FilingMethod, &d.InterviewOffice, &d.PDCurrent, &d.Chargeability}
}

func detailFilterFormOf(q url.Values) detailFilterForm {
	var d detailFilterForm
	for i, v := range d.values() {
		*v = strings.TrimSpace(q.Get(detailFilterParams[i].param))
	}
	return d
}

// parseDetailFilter checks the details part of a statistics filter and
// sets it on out; "not_given" selects the cases that did not say. A
// detail the category does not have is refused, since its group would
// always be empty.
func (s *Server) parseDetailFilter(l *i18n.Locale, d detailFilterForm, out *stats.Filter, fe timeline.FieldErrors) {
	category, known := s.cat.Category(out.Category)
	ref := s.refs[l.Code()]
	if ref == nil {
		ref = s.cat
	}
	for i, raw := range d.values() {
		p := detailFilterParams[i]
		if *raw == "" {
			continue
		}
		v := strings.ToLower(*raw)
		if p.param == "interview_office" || p.param == "chargeability" {
			v = strings.ToUpper(*raw)
		}
		if strings.EqualFold(v, stats.NotGiven) {
			*p.field(out) = stats.NotGiven
			continue
		}
		if known && !p.applies(category) {
			name := refName(ref.Category, category.Code, func(c catalog.Category) string { return c.Name })
			fe[p.param] = l.T("forms.filter.not_applicable", "Name", l.T(detailFilterLabels[p.param]), "Category", name)
			continue
		}
		if !p.valid(s.cat, v) {
			fe[p.param] = l.T("forms.filter.bad_value", "Value", strconv.Quote(clipInput(v, 40)), "Param", strconv.Quote(p.param),
				"Hint", p.hint(l), "NotGiven", strconv.Quote(stats.NotGiven))
			continue
		}
		*p.field(out) = v
	}
}

// setDetailValues adds a filter's details to its canonical query.
func setDetailValues(q url.Values, f stats.Filter) {
	for _, p := range detailFilterParams {
		if v := *p.field(&f); v != "" {
			q.Set(p.param, v)
		}
	}
}

// canonicalDetailForm shows a valid filter's details as the pickers
// spell them.
func canonicalDetailForm(f stats.Filter) detailFilterForm {
	var d detailFilterForm
	for i, v := range d.values() {
		*v = *detailFilterParams[i].field(&f)
	}
	return d
}

// detailHiddenFields are a form's details as hidden fields.
func detailHiddenFields(d detailFilterForm) []hiddenField {
	var out []hiddenField
	for i, v := range d.values() {
		if *v != "" {
			out = append(out, hiddenField{detailFilterParams[i].param, *v})
		}
	}
	return out
}

// detailDimensionsOf lists the breakdowns by detail that apply to a
// category, in page order.
func detailDimensionsOf(cat *catalog.Catalog, code string) []stats.Dimension {
	c, ok := cat.Category(code)
	if !ok {
		return nil
	}
	var out []stats.Dimension
	for _, p := range detailFilterParams {
		if p.dim != "" && p.applies(c) {
			out = append(out, p.dim)
		}
	}
	return out
}

// narrowDetail sets a detail breakdown row's value on f; false for other
// dimensions.
func narrowDetail(by stats.Dimension, key string, f *stats.Filter) bool {
	for _, p := range detailFilterParams {
		if p.dim != "" && p.dim == by {
			*p.field(f) = key
			return true
		}
	}
	return false
}

// detailFileParts are a filter's details for a download's file name.
func detailFileParts(f stats.Filter) []string {
	var out []string
	for _, p := range detailFilterParams {
		if v := *p.field(&f); v != "" {
			out = append(out, strings.ReplaceAll(p.param, "_", "-")+"-"+strings.ReplaceAll(v, "_", "-"))
		}
	}
	return out
}

// detailSelect is one detail's picker on a form.
type detailSelect struct {
	Param, Label, Hint string
	Options            []detailOption
	Err                string
}

// detailOption is one choice of a picker.
type detailOption struct {
	Value, Label string
	Selected     bool
}

// detailOptions lists the choices of a detail in the reader's language:
// its values, then (for a filter) "not given". Field offices keep their
// place names; countries come from cat, the reference data in the
// language.
func detailOptions(l *i18n.Locale, cat *catalog.Catalog, param, selected string, filter bool) []detailOption {
	var opts []detailOption
	add := func(v, label string) { opts = append(opts, detailOption{v, label, v == selected}) }
	switch param {
	case "interview_office":
		for _, o := range cat.FieldOffices {
			add(o.Code, o.Label())
		}
	case "chargeability":
		for _, c := range cat.Countries {
			add(c.Code, c.Name)
		}
	default:
		for _, p := range detailFilterParams {
			if p.param != param {
				continue
			}
			for _, v := range detailVocabulary(p.dim) {
				add(v, l.T(detailOptionID(param, v)))
			}
		}
	}
	if filter {
		add(stats.NotGiven, l.T("forms.option.not_given"))
	}
	return opts
}

// detailOptionID is the catalog id of a detail's value as a choice
// ("forms.option.premium.upgraded").
func detailOptionID(param, value string) string {
	if param == timeline.FieldPDCurrent {
		param = "pd_current"
	}
	return "forms.option." + param + "." + value
}

// detailVocabulary lists the values of a detail dimension with a fixed
// vocabulary.
func detailVocabulary(by stats.Dimension) []string {
	switch by {
	case stats.ByPremium:
		return timeline.PremiumKinds
	case stats.ByFilingMethod:
		return timeline.FilingMethods
	case stats.ByPDCurrent:
		return timeline.PDCurrentAnswers
	}
	return nil
}

// DetailFilters are the Explore filter's pickers for the details of the
// chosen category, so a group can be split by premium processing, filing
// method, field office or priority date.
func (p *explorePageData) DetailFilters() []detailSelect {
	c, ok := p.Catalog.Category(p.Form.Category)
	if !ok {
		return nil
	}
	var out []detailSelect
	for i, v := range p.Form.Details.values() {
		dp := detailFilterParams[i]
		if !dp.applies(c) {
			continue
		}
		out = append(out, detailSelect{Param: dp.param, Label: p.Lang.T(detailFilterLabels[dp.param]), Err: p.Errors[dp.param],
			Options: detailOptions(p.Lang, p.Catalog, dp.param, *v, true)})
	}
	return out
}

// withoutForeignDetails clears the details the form's category does not
// have: Explore's pickers keep their values when the category changes,
// and a filter the new category cannot have would only empty the group.
// The API refuses them instead (parseDetailFilter).
func (s *Server) withoutForeignDetails(form filterForm) filterForm {
	c, ok := s.cat.Category(strings.ToLower(form.Category))
	if !ok {
		return form
	}
	for i, v := range form.Details.values() {
		if !detailFilterParams[i].applies(c) && !strings.EqualFold(*v, stats.NotGiven) {
			*v = ""
		}
	}
	return form
}

// feedDetails are the feed's filters on the details a case page shows:
// never the chargeability or the priority date, which the case page does
// not publish, so that a feed filter cannot reveal them case by case.
type feedDetails struct {
	Premium, FilingMethod, InterviewOffice, PDCurrent string
}

// parseFeedDetails reads the feed's detail parameters, adding a problem
// per unknown value, the detail named as Explore's pickers label it.
func parseFeedDetails(l *i18n.Locale, cat *catalog.Catalog, get func(string) string, problems *[]string) feedDetails {
	var d feedDetails
	fields := map[string]*string{"premium": &d.Premium, "filing_method": &d.FilingMethod,
		"interview_office": &d.InterviewOffice, "priority_date_current": &d.PDCurrent}
	for _, p := range detailFilterParams {
		field, ok := fields[p.param]
		if !ok {
			continue // chargeability: not a feed filter
		}
		v := strings.ToLower(get(p.param))
		if p.param == "interview_office" {
			v = strings.ToUpper(v)
		}
		if v == "" {
			continue
		}
		if !p.valid(cat, v) {
			*problems = append(*problems, l.T("forms.filter.feed_bad_value", "Field", l.T(detailFilterLabels[p.param]), "Value", quoteParam(v), "Hint", p.hint(l)))
		}
		*field = v
	}
	return d
}

// set writes the details as query parameters.
func (d feedDetails) set(set func(k, v string)) {
	set("premium", d.Premium)
	set("filing_method", d.FilingMethod)
	set("interview_office", d.InterviewOffice)
	set("priority_date_current", d.PDCurrent)
}

// words names the details for a feed's title.
func (d feedDetails) words(l *i18n.Locale, ref *catalog.Catalog) []string {
	s := phrase.DetailsIn(l, ref, stats.Filter{Premium: d.Premium, FilingMethod: d.FilingMethod, InterviewOffice: d.InterviewOffice, PDCurrent: d.PDCurrent})
	if s == "" {
		return nil
	}
	return []string{s}
}

// detailDimensionError refuses a breakdown by a detail the category does
// not have (all its rows would be "not given"); nil otherwise.
func (s *Server) detailDimensionError(l *i18n.Locale, category string, by stats.Dimension) timeline.FieldErrors {
	c, ok := s.cat.Category(category)
	if !ok {
		return nil
	}
	for _, p := range detailFilterParams {
		if p.dim == by && !p.applies(c) {
			ref := s.refs[l.Code()]
			if ref == nil {
				ref = s.cat
			}
			name := refName(ref.Category, c.Code, func(c catalog.Category) string { return c.Name })
			return timeline.FieldErrors{paramDimension: l.T("forms.filter.no_breakdown", "Name", l.T(detailFilterLabels[p.param]), "Category", name)}
		}
	}
	return nil
}
