package web

import (
	"time"

	"github.com/casetrack/casetrack/internal/catalog"
	"github.com/casetrack/casetrack/internal/i18n"
	"github.com/casetrack/casetrack/internal/phrase"
	"github.com/casetrack/casetrack/internal/stats"
	"github.com/casetrack/casetrack/internal/timeline"
	"github.com/casetrack/casetrack/internal/units"
)

// daysPerMonth converts the engine's days into the months people think
// in: the average Gregorian month, 365.25/12 days, rounded as the
// methodology page says.
const daysPerMonth = stats.DaysPerMonth

// notEnoughData is written wherever a number is withheld because its
// group has fewer than k cases: on pages, in tables and in CSV cells.
const notEnoughData = "not enough data"

// notReached is written in CSV cells for a quantile the curve never
// reaches: the data do not tell it yet, and it is never invented. Pages
// say notYetKnown.
const notReached = "not reached"

// toMonths converts days to months, for the charts' month axes.
func toMonths(days int) float64 { return units.Months(days) }

// monthsText formats days as a bare number of months with one decimal
// ("14.2"), for the CSV files' month columns. Text for people uses
// units.Duration.
func monthsText(days int) string { return units.MonthsNumber(days) }

// optMonths formats an optional duration as monthsText does, or alt when
// it is missing (CSV cells).
func optMonths(days *int, alt string) string {
	if days == nil {
		return alt
	}
	return monthsText(*days)
}

// percent writes a share as a percentage with one decimal in the
// reader's language ("96.6%", "96,6 %", "٩٦٫٦٪").
func percent(l *i18n.Locale, v float64) string {
	return l.T("exview.percent", "Number", l.Decimal(v*100))
}

// optPercent writes an optional share, or alt when it is missing.
func optPercent(l *i18n.Locale, v *float64, alt string) string {
	if v == nil {
		return alt
	}
	return percent(l, *v)
}

// optDuration writes an optional duration, or alt when it is missing.
func optDuration(l *i18n.Locale, days *int, alt string) string {
	if days == nil {
		return alt
	}
	return l.Duration(*days)
}

// spanFrom is the lower end of a span of durations: the bare number when
// both ends share a unit, so that the sentence names it once ("12.9 to
// 15.8 months"), else the whole duration ("30 days to 15.8 months").
func spanFrom(l *i18n.Locale, from, to int) string {
	switch {
	case units.InDays(from) != units.InDays(to):
		return l.Duration(from)
	case units.InDays(from):
		return l.Count(from)
	}
	return l.Decimal(units.Months(from))
}

// span writes two durations with message id, which places From and To
// ("12.9–15.8 months", "30 days–15.8 months").
func span(l *i18n.Locale, id string, from, to int) string {
	return l.T(id, "From", spanFrom(l, from, to), "To", l.Duration(to))
}

// inParens adds a note in parentheses after a text, or nothing when the
// note is empty.
func inParens(l *i18n.Locale, text, note string) string {
	if note == "" {
		return text
	}
	return l.T("exview.in_parens", "Text", text, "Note", note)
}

// rangeText is the 95% range of a median in words that stay honest when
// a limit is not known yet ("95% range 12.9 to 15.8 months").
func rangeText(l *i18n.Locale, ci [2]*int) string {
	lo, hi := ci[0], ci[1]
	switch {
	case lo != nil && hi != nil:
		return span(l, "exview.range", *lo, *hi)
	case lo != nil:
		return l.T("exview.range_from", "Duration", l.Duration(*lo))
	case hi != nil:
		return l.T("exview.range_to", "Duration", l.Duration(*hi))
	}
	return ""
}

// shortCI is rangeText for table cells ("12.9–15.8 months", "12.9
// months – not yet known").
func shortCI(l *i18n.Locale, ci [2]*int) string {
	switch lo, hi := ci[0], ci[1]; {
	case lo == nil && hi == nil:
		return ""
	case hi == nil:
		return l.T("exview.span_open_end", "From", l.Duration(*lo))
	case lo == nil:
		return l.T("exview.span_open_start", "To", l.Duration(*hi))
	default:
		return span(l, "exview.span", *lo, *hi)
	}
}

// notYetKnown is written for a median or quantile the data do not reach
// yet: fewer than that share of cases is decided as far as the data go,
// and no number is invented.
func notYetKnown(l *i18n.Locale) string { return l.T("exview.not_yet_known") }

// monthDate is the first day of a month, for the Locale's month names.
func monthDate(m timeline.Month) time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC)
}

// monthName writes a month for sentences ("March 2024", "marzo de 2024").
func monthName(l *i18n.Locale, m timeline.Month) string { return l.MonthYear(monthDate(m)) }

// groupName names the group for the page's sentences, with the reference
// names of the reader's language.
func groupName(l *i18n.Locale, ref *catalog.Catalog, f stats.Filter) string {
	return phrase.GroupIn(l, ref, f)
}

// plural picks the singular or plural noun for n, for English-only text.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
