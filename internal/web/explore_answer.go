package web

import (
	"net/url"
	"slices"
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/units"
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

// nameOrder compares names as a reader expects in an alphabetical list
// ("Côte d'Ivoire" before "Cuba", case ignored), which byte order does
// not.
var nameOrder = collate.New(language.English, collate.IgnoreCase)

// byLabel returns the rows sorted by their label as shown.
func byLabel(rows []stats.BreakdownRow) []stats.BreakdownRow {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b stats.BreakdownRow) int { return nameOrder.CompareString(a.Label, b.Label) })
	return out
}

// answerUnknown stands in the answer's large number when the median is
// not known yet.
const answerUnknown = "Not yet known"

// answerBlock is the answer the page opens with: the median as one large
// number, its range in plain words and the share already decided.
func answerBlock(r stats.Result, a pageAnswer) exAnswer {
	out := exAnswer{Label: "the median: half of these cases are decided within this time"}
	if a.Pace {
		out.Label = "the median wait for people filing now, at the pace of the last six months"
	}
	switch {
	case a.Median != nil:
		out.Number = units.Duration(*a.Median)
		out.Range = plainRange(a.MedianCI)
	case a.Suppressed:
		out.Number = answerUnknown
		out.Range = "Too few cases were waiting during the last six months to estimate the pace for people filing now."
	case len(a.Curve.Points) == 0 && a.Pace:
		out.Number = answerUnknown
		out.Range = "None of the cases waiting during the last six months was decided in them."
	case len(a.Curve.Points) == 0:
		out.Number = answerUnknown
		out.Range = "None of these cases has been decided yet."
	default:
		out.Number = answerUnknown
		out.Range = "Fewer than half have been decided as far as the data reach (" + units.Duration(a.Curve.LastDay) + ")."
	}
	if r.Cases > 0 {
		out.Share = percentText(float64(r.Decided) / float64(r.Cases))
		out.Of = "of the " + units.Count(r.Cases) + " " + plural(r.Cases, "case", "cases") + " shared " +
			plural(r.Decided, "is", "are") + " decided; " + units.Count(r.Pending) + " " + plural(r.Pending, "is", "are") + " still waiting."
	}
	return out
}

// plainRange words a median's 95% range for the answer ("Probably between
// 12.9 and 15.8 months: the 95% range.").
func plainRange(ci [2]*int) string {
	lo, hi := ci[0], ci[1]
	switch {
	case lo != nil && hi != nil:
		return "Probably between " + units.Span(*lo, *hi, " and ") + " (the 95% range)."
	case lo != nil:
		return "Probably at least " + units.Duration(*lo) + "; how much longer it could be is not yet known (the 95% range)."
	case hi != nil:
		return "Probably at most " + units.Duration(*hi) + " (the 95% range)."
	}
	return ""
}

// breakdownNouns name a breakdown's rows, one and many.
var breakdownNouns = map[stats.Dimension][2]string{
	stats.ByCountry:       {"country", "countries"},
	stats.ByServiceCenter: {"service center", "service centers"},
	stats.ByQuarter:       {"filing quarter", "filing quarters"},
	stats.ByMonth:         {"filing month", "filing months"},
}

// breakdownSummary is the line a folded breakdown table shows: "12
// service centers with numbers", or "60 of 148 countries with numbers"
// when some have too few cases. It fits one line of a phone.
func breakdownSummary(by stats.Dimension, shown, hidden int) string {
	n, ok := breakdownNouns[by]
	if !ok {
		n = [2]string{"row", "rows"}
	}
	if hidden == 0 {
		return units.Count(shown) + " " + plural(shown, n[0], n[1]) + " with numbers"
	}
	return units.Count(shown) + " of " + units.Count(shown+hidden) + " " + plural(shown+hidden, n[0], n[1]) + " with numbers"
}
