package web

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
)

// Query parameters of the statistics filter, shared by the explore page,
// its CSV downloads and charts, and /api/v1/stats*.
const (
	paramCategory      = "category"
	paramCountry       = "country"
	paramServiceCenter = "service_center"
	paramFiledFrom     = "filed_from"
	paramFiledTo       = "filed_to"
)

// defaultExploreCategory is shown when /explore is opened without a
// category: the category most people come to CaseTrack for.
const defaultExploreCategory = "eb2-niw"

// filterForm is the filter as typed in the query string, kept so that the
// form shows it again exactly, errors included.
type filterForm struct {
	Category      string
	Country       string
	ServiceCenter string
	FiledFrom     string
	FiledTo       string
	Details       detailFilterForm
}

// filterFormOf reads the filter parameters from a query string.
func filterFormOf(q url.Values) filterForm {
	return filterForm{
		Category:      strings.TrimSpace(q.Get(paramCategory)),
		Country:       strings.TrimSpace(q.Get(paramCountry)),
		ServiceCenter: strings.TrimSpace(q.Get(paramServiceCenter)),
		FiledFrom:     strings.TrimSpace(q.Get(paramFiledFrom)),
		FiledTo:       strings.TrimSpace(q.Get(paramFiledTo)),
		Details:       detailFilterFormOf(q),
	}
}

// parseFilter is parseFilterIn with the messages in English, for the
// CSV files, charts and API.
func (s *Server) parseFilter(f filterForm) (stats.Filter, timeline.FieldErrors) {
	return s.parseFilterIn(s.lang.Default(), f)
}

// parseFilterIn validates the form against the catalog and returns the
// statistics filter, or one message per offending field in the language
// of l. Codes are matched case-insensitively, as the submit form does;
// "none" as service center selects cases filed without one.
func (s *Server) parseFilterIn(l *i18n.Locale, f filterForm) (stats.Filter, timeline.FieldErrors) {
	fe := timeline.FieldErrors{}
	var out stats.Filter

	switch code := strings.ToLower(f.Category); {
	case code == "":
		fe[paramCategory] = l.T("exview.filter_category_missing")
	default:
		if _, ok := s.cat.Category(code); !ok {
			fe[paramCategory] = l.T("exview.filter_category_unknown", "Code", strconv.Quote(clipInput(code, 40)))
		}
		out.Category = code
	}
	if f.Country != "" {
		code := strings.ToUpper(f.Country)
		if _, ok := s.cat.Country(code); !ok {
			fe[paramCountry] = l.T("exview.filter_country_unknown", "Code", strconv.Quote(clipInput(code, 40)))
		}
		out.Country = code
	}
	if f.ServiceCenter != "" {
		code := strings.ToUpper(f.ServiceCenter)
		switch {
		case strings.EqualFold(code, stats.NoServiceCenter):
			code = stats.NoServiceCenter
		default:
			if _, ok := s.cat.ServiceCenter(code); !ok {
				fe[paramServiceCenter] = l.T("exview.filter_center_unknown", "Code", strconv.Quote(clipInput(code, 40)), "None", strconv.Quote(stats.NoServiceCenter))
			}
		}
		out.ServiceCenter = code
	}
	var problem string
	if f.FiledFrom != "" {
		if out.FiledFrom, problem = filingMonthIn(l, f.FiledFrom, s.now()); problem != "" {
			fe[paramFiledFrom] = l.T("exview.filter_from", "Problem", problem)
		}
	}
	if f.FiledTo != "" {
		if out.FiledTo, problem = filingMonthIn(l, f.FiledTo, s.now()); problem != "" {
			fe[paramFiledTo] = l.T("exview.filter_to", "Problem", problem)
		}
	}
	if !out.FiledFrom.IsZero() && !out.FiledTo.IsZero() && out.FiledTo.Before(out.FiledFrom) {
		fe[paramFiledTo] = l.T("exview.filter_order", "To", out.FiledTo.String(), "From", out.FiledFrom.String())
	}
	s.parseDetailFilter(l, f.Details, &out, fe)
	if len(fe) > 0 {
		return stats.Filter{}, fe
	}
	return out, nil
}

// filingMonthIn reads a filing month of a filter, a month as YYYY-MM
// within the months cases can have been filed in
// (timeline.CheckFilingMonth), and says in l what is wrong with it
// otherwise: the typed value quoted, the bounds in words.
func filingMonthIn(l *i18n.Locale, v string, now time.Time) (timeline.Month, string) {
	m, err := timeline.ParseMonth(v)
	if err != nil {
		return m, monthProblem(l, v)
	}
	var out *timeline.FilingMonthError
	if !errors.As(timeline.CheckFilingMonth(m, now), &out) {
		return m, ""
	}
	if out.Late {
		return m, l.T("exview.month_late", "Month", quoteParam(v), "This", l.MonthYear(out.Bound.Mid()))
	}
	return m, l.T("exview.month_early", "Month", quoteParam(v), "Earliest", l.MonthYear(out.Bound.Mid()))
}

// filterQuery is the canonical query string of a filter, for links to the
// charts and CSV downloads of the same group.
func filterQuery(f stats.Filter) string { return filterValues(f).Encode() }

// filterValues is the canonical query of a filter, for links that add
// parameters of their own.
func filterValues(f stats.Filter) url.Values {
	q := url.Values{}
	q.Set(paramCategory, f.Category)
	if f.Country != "" {
		q.Set(paramCountry, f.Country)
	}
	if f.ServiceCenter != "" {
		q.Set(paramServiceCenter, f.ServiceCenter)
	}
	if !f.FiledFrom.IsZero() {
		q.Set(paramFiledFrom, f.FiledFrom.String())
	}
	if !f.FiledTo.IsZero() {
		q.Set(paramFiledTo, f.FiledTo.String())
	}
	setDetailValues(q, f)
	return q
}

// clipInput shortens user input quoted back in a message.
func clipInput(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// filterError is the 422 for invalid filters on pages, charts and CSV
// downloads. The HTML error page shows only the message, so the message
// repeats every field's problem.
func filterError(fe timeline.FieldErrors) *httpError {
	e := errValidation(fe)
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	msgs := make([]string, len(keys))
	for i, k := range keys {
		msgs[i] = fe[k]
	}
	e.Message = "The filters need attention: " + strings.Join(msgs, " ")
	e.MessageID, e.Args = "error.filters", []any{"Problems", strings.Join(msgs, " ")}
	return e
}
