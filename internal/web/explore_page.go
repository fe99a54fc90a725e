package web

import (
	"net/http"
	"net/url"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/outlook"
	"github.com/casetrack/casetrack/internal/pagecache"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// explorePageData is the data of explore.html.
type explorePageData struct {
	page
	Form   filterForm
	Errors timeline.FieldErrors
	// Group names the filtered group in words; empty when the filters are
	// invalid.
	Group string
	// Suppressed is set when the group has fewer than k cases: the page
	// then shows no number at all.
	Suppressed bool
	// View holds the formatted numbers; nil when invalid or suppressed.
	View *exploreView
	// NoServiceCenter is the filter value for cases filed without a center.
	NoServiceCenter string
	// OutlookForm is the "I filed in ... and I am still waiting" form as
	// typed; Outlook its answer, nil until the form is sent valid.
	OutlookForm *outlookForm
	Outlook     *outlook.View
	// Wider lists the groups around this one, with their sizes, where
	// the page has too few cases to show a number.
	Wider []widerLink
	// Alert offers mail about the group; nil when the site sends none.
	Alert *alertOffer
	// FiltersOpen unfolds the filters: on a first visit, when they are
	// wrong, or when the group has too few cases to show an answer. With
	// an answer they fold under one line naming the group, so that on a
	// phone the answer comes first.
	FiltersOpen bool
}

// Err returns the message for a filter field, for the template.
func (p *explorePageData) Err(field string) string { return p.Errors[field] }

// CategoryGroups groups the catalog's categories by Group, in catalog
// order, for the category picker.
func (p *explorePageData) CategoryGroups() []categoryGroup {
	return groupCategories(p.Catalog)
}

// groupCategories groups categories by their Group heading, in catalog order.
func groupCategories(cat *catalog.Catalog) []categoryGroup {
	var groups []categoryGroup
	at := map[string]int{}
	for _, c := range cat.Categories {
		i, ok := at[c.Group]
		if !ok {
			i = len(groups)
			at[c.Group] = i
			groups = append(groups, categoryGroup{Name: c.Group})
		}
		groups[i].Categories = append(groups[i].Categories, c)
	}
	return groups
}

// explorePage handles GET /explore. The filters live in the query string,
// so a view can be bookmarked and shared, and the form works without
// JavaScript. Without a category it shows the most asked-about one.
func (s *Server) explorePage(w http.ResponseWriter, r *http.Request) error {
	form := filterFormOf(r.URL.Query())
	if form.Category == "" {
		form.Category = defaultExploreCategory
	}
	form = s.withoutForeignDetails(form)
	data := &explorePageData{page: s.newPage(r, s.t(r, "title.explore")), Form: form,
		NoServiceCenter: stats.NoServiceCenter}

	f, fe := s.parseFilterIn(s.locale(r), form)
	if fe != nil {
		data.Errors = fe
		data.FiltersOpen = true
		data.OutlookForm, _ = s.exploreOutlook(r, stats.Filter{})
		data.OutlookForm.Errors = nil
		return s.render(w, r, http.StatusUnprocessableEntity, "explore.html", data)
	}
	q := r.URL.Query()
	if s.anonymousPage(r) && !q.Has(outlook.ParamFiled) && !q.Has(outlook.ParamAsOf) {
		// The same for every anonymous visitor until the category
		// changes: rendered once, served from the cache (rendered.go).
		cq := exploreCacheQuery(f, q)
		return s.serveRendered(w, r, s.statsPages, s.renderedKey(r, "/explore", cq), s.index.CategoryVersion(f.Category), func(r *http.Request) (*pagecache.Response, error) {
			if s.renderHook != nil {
				s.renderHook()
			}
			cr := canonicalRequest(r, cq)
			if _, err := s.fillExplore(cr, data, f); err != nil {
				return nil, err
			}
			return s.renderHTML(cr, "explore.html", data)
		}, htmlHeaders)
	}
	status, err := s.fillExplore(r, data, f)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "explore.html", data)
}

// exploreCacheQuery is the part of an Explore query a rendering without
// an outlook depends on, in canonical form: the filter, the breakdowns
// listed in full, and whether a category was asked for (the filters
// fold only then).
func exploreCacheQuery(f stats.Filter, q url.Values) url.Values {
	key := filterValues(f)
	all := showAllOf(q)
	for _, d := range append([]stats.Dimension{stats.ByQuarter}, exploreDimensions...) {
		if all[d] {
			key.Add(paramAll, string(d))
		}
	}
	if !q.Has(paramCategory) {
		key.Set("open", "1")
	}
	return key
}

// fillExplore computes the page of a valid filter, and its status.
func (s *Server) fillExplore(r *http.Request, data *explorePageData, f stats.Filter) (int, error) {
	data.Form = canonicalForm(f)
	data.Group = groupName(s.locale(r), s.reference(r), f)
	data.Alert = s.alertOffer(r, exploreGroup(f))
	data.OutlookForm, data.Outlook = s.exploreOutlook(r, f)
	d, err := s.gatherExplore(f)
	if err != nil {
		return 0, err
	}
	if d.Result.Suppressed {
		data.Suppressed = true
	} else {
		data.View = newExploreView(s.locale(r), s.reference(r), d, s.minCases, showAllOf(r.URL.Query()))
	}
	if v := data.View; v == nil || v.Quantiles == nil || v.HistSuppress {
		data.Wider = s.widerLinks(r, f, data.OutlookForm.params())
	}
	data.FiltersOpen = data.Suppressed || !r.URL.Query().Has(paramCategory)
	if data.OutlookForm.Errors != nil {
		return http.StatusUnprocessableEntity, nil
	}
	return http.StatusOK, nil
}

// FilterFields are the page's filters as hidden fields of the outlook
// form, so that asking for the outlook keeps them.
func (p *explorePageData) FilterFields() []hiddenField {
	return append(hiddenFields(paramCategory, p.Form.Category, paramCountry, p.Form.Country,
		paramServiceCenter, p.Form.ServiceCenter, paramFiledFrom, p.Form.FiledFrom, paramFiledTo, p.Form.FiledTo), detailHiddenFields(p.Form.Details)...)
}

// OutlookFields are the outlook form's values as hidden fields of the
// filter form, so that changing the filters keeps the outlook.
func (p *explorePageData) OutlookFields() []hiddenField {
	if p.OutlookForm == nil {
		return nil
	}
	return hiddenFields(outlook.ParamFiled, p.OutlookForm.Filed, outlook.ParamAsOf, p.OutlookForm.AsOf)
}

// hiddenField is a name and value a form carries along.
type hiddenField struct{ Name, Value string }

// hiddenFields pairs names and values, leaving out the empty values.
func hiddenFields(kv ...string) []hiddenField {
	var out []hiddenField
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, hiddenField{kv[i], kv[i+1]})
		}
	}
	return out
}

// canonicalForm shows a valid filter with its codes as the catalog spells
// them, so the pickers select them.
func canonicalForm(f stats.Filter) filterForm {
	out := filterForm{Category: f.Category, Country: f.Country, ServiceCenter: f.ServiceCenter, Details: canonicalDetailForm(f)}
	if !f.FiledFrom.IsZero() {
		out.FiledFrom = f.FiledFrom.String()
	}
	if !f.FiledTo.IsZero() {
		out.FiledTo = f.FiledTo.String()
	}
	return out
}
