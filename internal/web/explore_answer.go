package web

import (
	"net/url"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/stats"
)

// The explore page on a phone: the answer first, in large type, and
// breakdown tables cut to the rows that have numbers.

// paramAll names a breakdown of the page (quarter, or one of
// exploreDimensions: country, service_center) whose rows under k the
// page lists too; it may repeat. Other values are ignored: the parameter
// only unfolds tables, and a stale or mistyped link still shows the page
// with its tables folded.
const paramAll = "all"

// showAll is the set of breakdowns listed in full.
type showAll map[stats.Dimension]bool

// showAllOf reads ?all= from a query.
func showAllOf(q url.Values) showAll {
	all := showAll{}
	for _, v := range q[paramAll] {
		if d := stats.Dimension(strings.TrimSpace(v)); d == stats.ByQuarter || slices.Contains(exploreDimensions, d) {
			all[d] = true
		}
	}
	return all
}

// with is the set and d.
func (a showAll) with(d stats.Dimension) showAll {
	out := showAll{d: true}
	for k := range a {
		out[k] = true
	}
	return out
}

// without is the set less d.
func (a showAll) without(d stats.Dimension) showAll {
	out := showAll{}
	for k := range a {
		if k != d {
			out[k] = true
		}
	}
	return out
}

// query is a filter's query string with the set added, in a fixed order
// so that links are stable.
func (a showAll) query(filter string) string {
	var ds []string
	for d := range a {
		ds = append(ds, string(d))
	}
	slices.Sort(ds)
	for _, d := range ds {
		filter += "&" + paramAll + "=" + url.QueryEscape(d)
	}
	return filter
}

// nameOrder is the alphabetical order of names in English.
var nameOrder = collate.New(language.English, collate.IgnoreCase)

// byLabel returns the rows sorted by their label as shown, as a reader
// of the language expects in an alphabetical list ("Côte d'Ivoire"
// before "Cuba", case ignored), which byte order does not.
func byLabel(l *i18n.Locale, rows []stats.BreakdownRow) []stats.BreakdownRow {
	order := nameOrder
	if l.Code() != "en" {
		order = collate.New(language.Make(l.Code()), collate.IgnoreCase)
	}
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b stats.BreakdownRow) int { return order.CompareString(a.Label, b.Label) })
	return out
}

// answerBlock is the answer the page opens with: the median as one large
// number, its range in plain words and the share already decided.
func answerBlock(l *i18n.Locale, r stats.Result, a pageAnswer) exAnswer {
	out := exAnswer{Label: l.T("exview.answer_label")}
	if a.Pace {
		out.Label = l.T("exview.answer_label_pace")
	}
	switch {
	case a.Median != nil:
		out.Number = l.Duration(*a.Median)
		out.Range = plainRange(l, a.MedianCI)
	case a.Suppressed:
		out.Number = l.T("exview.answer_unknown")
		out.Range = l.T("exview.answer_suppressed")
	case len(a.Curve.Points) == 0 && a.Pace:
		out.Number = l.T("exview.answer_unknown")
		out.Range = l.T("exview.answer_none_pace")
	case len(a.Curve.Points) == 0:
		out.Number = l.T("exview.answer_unknown")
		out.Range = l.T("exview.answer_none")
	default:
		out.Number = l.T("exview.answer_unknown")
		out.Range = l.T("exview.answer_fewer_half", "Duration", l.Duration(a.Curve.LastDay))
	}
	if r.Cases > 0 {
		out.Share = percent(l, float64(r.Decided)/float64(r.Cases))
		out.Of = l.T("exview.answer_of", "Count", r.Cases,
			"Decided", l.T("exview.answer_of_decided", "Count", r.Decided),
			"Waiting", l.T("exview.answer_of_waiting", "Count", r.Pending))
	}
	return out
}

// plainRange words a median's 95% range for the answer ("Probably between
// 12.9 and 15.8 months (the 95% range).").
func plainRange(l *i18n.Locale, ci [2]*int) string {
	lo, hi := ci[0], ci[1]
	switch {
	case lo != nil && hi != nil:
		return span(l, "exview.answer_range", *lo, *hi)
	case lo != nil:
		return l.T("exview.answer_range_low", "Duration", l.Duration(*lo))
	case hi != nil:
		return l.T("exview.answer_range_high", "Duration", l.Duration(*hi))
	}
	return ""
}

// breakdownNouns name a breakdown's rows with their number ("16 filing
// quarters"); other breakdowns count "rows".
var breakdownNouns = map[stats.Dimension]string{
	stats.ByCountry:       "exview.noun_country",
	stats.ByServiceCenter: "exview.noun_service_center",
	stats.ByQuarter:       "exview.noun_quarter",
	stats.ByMonth:         "exview.noun_month",
}

// breakdownSummary is the line a folded breakdown table shows: "12
// service centers with numbers", or "60 of 148 countries with numbers"
// when some have too few cases. It fits one line of a phone.
func breakdownSummary(l *i18n.Locale, by stats.Dimension, shown, hidden int) string {
	noun, ok := breakdownNouns[by]
	if !ok {
		noun = "exview.noun_row"
	}
	if hidden == 0 {
		return l.T("exview.rows_with_numbers", "Rows", l.T(noun, "Count", shown))
	}
	return l.T("exview.some_rows_with_numbers", "Shown", l.Count(shown), "Rows", l.T(noun, "Count", shown+hidden))
}
